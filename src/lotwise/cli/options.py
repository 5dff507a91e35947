"""Options shared by the reporting commands."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

HouseholdOpt = Annotated[
    Path | None, typer.Option("--household", help="Household TOML file (stateless mode).")
]
TransactionsOpt = Annotated[
    Path | None, typer.Option("--transactions", help="Transactions CSV (with --household).")
]
PricesOpt = Annotated[Path | None, typer.Option("--prices", help="Prices CSV (with --household).")]
FxOpt = Annotated[
    Path | None,
    typer.Option("--fx", help="FX rates CSV (date,base,quote,rate) for rows in other currencies "
                              "(on the store: instead of the rates imported with `import fx`)."),
]
DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="Store: SQLite file path or database URL (default: user data dir)."),
]
HouseholdIdOpt = Annotated[
    str | None, typer.Option("--household-id", help="Household in the store, if several.")
]
AsOfOpt = Annotated[
    datetime | None,
    typer.Option("--as-of", formats=["%Y-%m-%d"], help="Report date (default: today)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


def as_date(value: datetime | None) -> date | None:
    return value.date() if value is not None else None
