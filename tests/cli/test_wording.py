"""The command line's sentences that depend on the owners' regimes: the loss rules a plan
was checked against, and gifts to charity outside the United States."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from lotwise.cli import app
from lotwise.cli import commands as _commands  # noqa: F401  (registers the commands)
from lotwise.cli.harvest_commands import together_saved
from lotwise.cli.wording import gift_outside_us, us_only_options_note
from lotwise.io import example_dir

from ..regimes.households import household

runner = CliRunner()


def example(name: str) -> list[str]:
    folder = example_dir(name)
    return ["--household", str(folder / "household.toml"),
            "--transactions", str(folder / "transactions.csv"),
            "--prices", str(folder / "prices.csv"), "--fx", str(folder / "fx.csv"),
            "--as-of", "2026-11-20"]


@pytest.mark.parametrize(("name", "said"), [
    ("ca", "superficial losses created: 0"),
    ("uk", "loss sales matched same day or within 30 days: 0"),
])
def test_a_plan_says_which_loss_rule_it_was_checked_against(name: str, said: str) -> None:
    result = runner.invoke(app, ["plan", *example(name), "--no-save"])
    assert result.exit_code == 0, result.output
    assert f"Replayed through the ledger: verified; {said}" in result.output
    assert "wash" not in result.output


@pytest.mark.parametrize(("name", "law"), [("ca", "ITA s.38(a.1)"), ("uk", "TCGA 1992 s.257")])
def test_a_gift_outside_the_us_says_what_lotwise_plans_and_what_the_law_gives(
    name: str, law: str
) -> None:
    result = runner.invoke(app, ["gift", "--amount", "5000", *example(name)])
    assert result.exit_code == 2
    assert "gift planning covers US residents' taxable accounts (IRC §170(e))" in result.output
    assert law in result.output and "worth 0.00" not in result.output


def test_in_a_mixed_household_only_a_non_us_account_is_refused() -> None:
    mixed = household({"ann": "US", "ben": "CA"},
                      {"ann_t": ("ann", "taxable"), "ben_c": ("ben", "non_registered")})
    assert gift_outside_us(mixed, None) is None and gift_outside_us(mixed, "ann_t") is None
    error = gift_outside_us(mixed, "ben_c")
    assert error is not None
    (problem,) = error.problems
    assert problem.field == "account"
    assert problem.message.startswith("ben_c belongs to ben, who is resident in Canada")


@pytest.mark.parametrize("name", ["ca", "uk"])
def test_us_only_plan_options_get_a_note_on_stderr_for_pooled_owners(name: str) -> None:
    result = runner.invoke(app, ["plan", *example(name), "--no-short-term",
                                 "--protect-days", "10", "--no-save", "--json"])
    assert result.exit_code == 0, result.output
    note = " ".join(result.stderr.split())
    assert "--no-short-term and --protect-days apply only to US owners" in note
    assert "they change nothing here" in note
    assert json.loads(result.stdout)["trades"]  # the JSON on stdout is untouched


def test_the_note_names_the_owners_outside_the_us() -> None:
    hh = household({"ann": "US", "claire": "CA", "olivia": "UK"},
                   {"a": ("ann", "taxable"), "c": ("claire", "non_registered"),
                    "o": ("olivia", "gia")})
    note = us_only_options_note(hh, ["--protect-days"])
    assert note is not None and note.startswith("note: --protect-days applies only to US")
    assert "claire and olivia are resident in Canada and the United Kingdom" in note
    assert note.endswith("it changes nothing for them")
    assert us_only_options_note(hh, []) is None
    us = household({"ann": "US"}, {"a": ("ann", "taxable")})
    assert us_only_options_note(us, ["--no-short-term"]) is None


def test_the_harvest_total_is_said_for_one_and_for_several() -> None:
    one = together_saved(1, Decimal("1234.5"))
    assert one.startswith("The proposed harvest saves 1,234.50 of tax") and "trades it" in one
    assert "All 1" not in one
    assert together_saved(3, Decimal(10)).startswith("The 3 proposed harvests together save")


@pytest.mark.parametrize(("name", "day", "pool", "cost"), [
    ("ca", "2025-04-07", "XIC in claire_cash: the ACB pool of 892 shares at a loss",
     "the lower ACB"),
    ("uk", "2025-04-21", "VUSA in olivia_gia: the section 104 holding of 150 shares at a loss",
     "the lower allowable cost"),
])
def test_harvests_of_pooled_shares_speak_of_the_pool(name: str, day: str, pool: str,
                                                    cost: str) -> None:
    args = [a if a != "2026-11-20" else day for a in example(name)]
    result = runner.invoke(app, ["harvest", *args, "--all"])
    assert result.exit_code == 0, result.output
    said = [" ".join(line.split()) for line in result.output.split("  • ")[1:]]
    text = " ".join(said)
    assert pool in text and cost in text
    assert not re.search(r"\blots?\b|\bwash|\bbasis\b", text)
    data = json.loads(runner.invoke(app, ["harvest", *args, "--all", "--json"]).stdout)
    assert {lot["term"] for p in data["proposals"] for lot in p["lots"]} == {"pool"}
    assert data["currency"] == {"ca": "CAD", "uk": "GBP"}[name]


def test_the_plan_names_the_currency_of_its_amounts() -> None:
    result = runner.invoke(app, ["plan", *example("uk"), "--no-save"])
    assert result.exit_code == 0, result.output
    assert "(amounts in GBP)" in result.stdout and "commissions): " in result.stdout
    (costs,) = [line for line in result.stdout.splitlines() if line.startswith("Trading costs")]
    assert costs.endswith(" GBP")
    assert result.stderr == ""  # no US-only option was given
