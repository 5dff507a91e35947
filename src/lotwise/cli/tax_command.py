"""`lotwise tax`: the year's realized gains, carryforwards, projected tax and marginal rates.

A thin wrapper: the report itself is :func:`lotwise.tax.report.render_tax_report`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from lotwise.cli.app import app
from lotwise.cli.context import load_context
from lotwise.cli.options import (
    AsOfOpt,
    DbOpt,
    FxOpt,
    HouseholdIdOpt,
    HouseholdOpt,
    JsonOpt,
    PricesOpt,
    TransactionsOpt,
    as_date,
)
from lotwise.cli.output import console, friendly_errors, print_json
from lotwise.tax.report import render_tax_report


@app.command("tax")
@friendly_errors
def tax_command(
    year: Annotated[
        int | None, typer.Option("--year", help="Tax year (default: the as-of date's year).")
    ] = None,
    json_out: JsonOpt = False,
    household: HouseholdOpt = None,
    transactions: TransactionsOpt = None,
    prices: PricesOpt = None,
    db: DbOpt = None,
    household_id: HouseholdIdOpt = None,
    as_of: AsOfOpt = None,
    fx: FxOpt = None,
) -> None:
    """Realized gains to date by term, carryforwards in and out, the projected tax with its
    worksheet lines, marginal rates and the room left in the 0 % bracket.  Canadian
    residents get their Schedule 3 year in CAD; UK residents their tax year (6 April to
    5 April, named by the year it starts) in GBP with the SA108 totals."""
    ctx = load_context(
        household=household,
        transactions=transactions,
        prices=prices,
        db=db,
        household_id=household_id,
        as_of=as_date(as_of),
        fx=fx,
    )
    renderable, data = render_tax_report(
        ctx.household,
        ctx.book,
        year if year is not None else ctx.as_of.year,
        ctx.as_of,
        year_is_default=year is None,
    )
    if json_out:
        print_json(data)
    else:
        console.print(renderable)
