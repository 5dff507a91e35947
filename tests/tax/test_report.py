"""The `lotwise tax` report: pure function and the CLI command over it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from lotwise.cli.app import app
from lotwise.io import load_household, read_transactions
from lotwise.ledger import replay
from lotwise.tax.report import render_tax_report

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = date(2025, 6, 30)


def register_commands() -> None:
    """Import the command modules, as ``lotwise.cli.main`` does, so `tax` is a subcommand."""
    import lotwise.cli.commands
    import lotwise.cli.tax_command  # noqa: F401


def fixture_report() -> tuple[object, dict[str, object]]:
    hh = load_household(FIXTURES / "household.toml")
    txns = read_transactions(FIXTURES / "transactions.csv", hh, today=date(2025, 12, 31))
    book = replay(hh, txns, as_of=AS_OF)
    return render_tax_report(hh, book, 2025, AS_OF)


def unit(data: dict[str, object], key: str) -> dict[str, object]:
    units = data["units"]
    assert isinstance(units, list)
    return next(u for u in units if u["tax_unit"] == key)


def test_report_carries_2024_losses_into_2025() -> None:
    """2024: short -1,000 and long -2,500 realized, 2,000 short carried in: 5,500 net loss,
    3,000 deducted, 2,500 long-term carried to 2025, where it offsets the 3,000 gain."""
    _, data = fixture_report()
    joint = unit(data, "alex+sam")
    assert joint["realized"] == {"short": "0.00", "long": "3000.00"}
    assert joint["carryforward_in"] == {"short": "0.00", "long": "2500.00"}
    assert joint["carryforward_out"] == {"short": "0.00", "long": "0.00"}
    breakdown = joint["breakdown"]
    assert isinstance(breakdown, dict)
    lines = {ln["ref"]: ln["amount"] for s in breakdown["sections"] for ln in s["lines"]}
    assert lines["Sched D 15"] == "500.00"
    assert lines["Sched D 14"] == "-2500.00"
    assert joint["filing_status"] == "married_joint"
    assert set(joint["marginal"]) >= {"short_gain", "long_gain", "short_loss", "long_loss"}


def test_report_uses_an_earlier_profile_and_says_so() -> None:
    _, data = fixture_report()
    trust = unit(data, "family_trust")
    assert trust["profile_year"] == 2024
    assert trust["notes"]
    assert trust["realized"] == {"short": "0.00", "long": "3000.00"}
    # trust: interest 5,000 + gain 3,000 - exemption 100 = 7,900 taxable
    tax = trust["tax"]
    assert isinstance(tax, dict) and tax["state"] == "0.00"


def test_report_renders_as_rich_tables() -> None:
    renderable, _ = fixture_report()
    console = Console(record=True, width=160)
    console.print(renderable)
    text = console.export_text()
    assert "alex+sam" in text and "family_trust" in text
    assert "Marginal rates" in text and "Capital Gain Tax Worksheet" in text


def test_cli_tax_command_json(tmp_path: Path) -> None:
    register_commands()

    result = CliRunner().invoke(
        app,
        [
            "tax",
            "--year",
            "2025",
            "--household",
            str(FIXTURES / "household.toml"),
            "--transactions",
            str(FIXTURES / "transactions.csv"),
            "--as-of",
            AS_OF.isoformat(),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["year"] == 2025 and data["as_of"] == "2025-06-30"
    assert unit(data, "alex+sam")["carryforward_in"] == {"short": "0.00", "long": "2500.00"}


def test_cli_reports_a_missing_year_as_an_input_error() -> None:
    register_commands()

    result = CliRunner().invoke(
        app,
        [
            "tax",
            "--year",
            "2019",
            "--household",
            str(FIXTURES / "household.toml"),
            "--transactions",
            str(FIXTURES / "transactions.csv"),
            "--as-of",
            AS_OF.isoformat(),
        ],
    )
    assert result.exit_code == 2
    assert "2019" in result.output
