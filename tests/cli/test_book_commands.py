"""`lotwise holdings` on files: a Canadian's US-dollar cash valued at the as-of day's rate."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from lotwise.cli import app
from lotwise.cli import commands as _commands  # noqa: F401  (registers the commands)

runner = CliRunner()

HOUSEHOLD = """format_version = 1
id = "fx"
name = "FX"
base_currency = "CAD"
[owners.a]
name = "A"
tax_residence = "CA"
[accounts.a_usd]
name = "A usd"
owner = "a"
type = "non_registered"
currency = "USD"
[securities.VTI]
name = "VTI"
asset_class = "us"
currency = "USD"
[targets]
us = 1.0
[tax.ca.a]
marginal_rate = 0.5
"""
FILES = {
    "fxh.toml": HOUSEHOLD,
    "fx2.csv": "date,account,action,symbol,quantity,price,fees,amount,lot,id,memo\n"
               "2025-01-02,a_usd,deposit,,,,,10000,,,\n",
    "rates2.csv": "date,base,quote,rate\n2025-01-02,USD,CAD,1.40\n2025-06-02,USD,CAD,1.30\n",
    "pr2.csv": "date,symbol,price\n2025-06-02,VTI,250\n",
}


def files(folder: Path) -> list[str]:
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return ["--household", str(folder / "fxh.toml"), "--transactions", str(folder / "fx2.csv"),
            "--fx", str(folder / "rates2.csv"), "--prices", str(folder / "pr2.csv"),
            "--as-of", "2025-06-02"]


def test_us_dollars_deposited_at_1_40_are_held_at_1_30(tmp_path: Path) -> None:
    result = runner.invoke(app, ["holdings", *files(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["cash"] == {"a_usd": "13000.00"}  # US$10,000 at 1.30, not 14,000.00
    assert data["total"] == "13000.00"
    (cash,) = [c for c in data["classes"] if c["asset_class"] == "cash"]
    assert cash["value"] == "13000.00"

