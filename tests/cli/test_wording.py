"""The command line's sentences that depend on the owners' regimes: the loss rules a plan
was checked against, and gifts to charity outside the United States."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from lotwise.cli import app
from lotwise.cli import commands as _commands  # noqa: F401  (registers the commands)
from lotwise.cli.wording import gift_outside_us
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
