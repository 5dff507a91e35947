"""`lotwise plan` on files: a purchase in a US-dollar account spends no more US dollars
than the account holds."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from lotwise.cli import app
from lotwise.cli import commands as _commands  # noqa: F401  (registers the commands)

from .test_book_commands import files

runner = CliRunner()


def test_the_plan_buys_no_more_than_the_us_dollars_held(tmp_path: Path) -> None:
    result = runner.invoke(app, ["plan", *files(tmp_path), "--no-save", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[result.output.index("{"):])  # after the solver's banner
    (buy,) = data["trades"]
    assert buy["symbol"] == "VTI" and buy["action"] == "buy"
    # CAD 325 a share at 1.30; the deposit-day rate bought 43.0596 (CAD 13,994.37)
    assert Decimal(buy["quantity"]) * 325 <= 13000 and Decimal(buy["quantity"]) < 40
    assert data["verification"]["ok"] is True
