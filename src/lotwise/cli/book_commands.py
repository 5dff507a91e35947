"""`lotwise lots`, `lotwise gains` and `lotwise holdings`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lotwise.allocation import allocation
from lotwise.cli.app import app
from lotwise.cli.context import load_context
from lotwise.cli.options import (
    AsOfOpt,
    DbOpt,
    HouseholdIdOpt,
    HouseholdOpt,
    JsonOpt,
    PricesOpt,
    TransactionsOpt,
    as_date,
)
from lotwise.cli.output import console, friendly_errors, print_json, table
from lotwise.report.gains import gain_rows, to_csv, totals
from lotwise.report.holdings import holdings_rows
from lotwise.report.lots import lot_rows
from lotwise.report.values import cents, shares

LOT_COLUMNS = ("lot", "account", "symbol", "quantity", "acquired", "basis", "value",
               "unrealized", "term", "days_to_long_term", "wash_adjustment")
GAIN_COLUMNS = ("description", "account", "acquired", "sold", "proceeds", "basis",
                "adjustment_code", "adjustment", "gain")


@app.command("lots")
@friendly_errors
def lots_command(
    household: HouseholdOpt = None,
    transactions: TransactionsOpt = None,
    prices: PricesOpt = None,
    db: DbOpt = None,
    household_id: HouseholdIdOpt = None,
    as_of: AsOfOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Open lots with adjusted basis, unrealized gain, term and days until long-term."""
    ctx = load_context(household=household, transactions=transactions, prices=prices, db=db,
                       household_id=household_id, as_of=as_date(as_of))
    rows = lot_rows(ctx.book, ctx.prices, ctx.as_of)
    if json_out:
        print_json({"as_of": ctx.as_of.isoformat(), "lots": rows})
        return
    console.print(table(rows, LOT_COLUMNS, f"Open lots of {ctx.household_id} on {ctx.as_of}"))


@app.command("gains")
@friendly_errors
def gains_command(
    year: Annotated[int, typer.Option("--year", help="Tax year.")],
    household: HouseholdOpt = None,
    transactions: TransactionsOpt = None,
    prices: PricesOpt = None,
    db: DbOpt = None,
    household_id: HouseholdIdOpt = None,
    json_out: JsonOpt = False,
    csv_path: Annotated[
        Path | None, typer.Option("--csv", help="Also write the Form 8949 lines to this CSV.")
    ] = None,
) -> None:
    """Realized gains of a tax year in Form 8949 layout, with wash-sale adjustments."""
    ctx = load_context(household=household, transactions=transactions, prices=prices, db=db,
                       household_id=household_id)
    rows = gain_rows(ctx.book, year)
    sums = totals(rows)
    washes = [
        {
            "sold": w.sold.isoformat(),
            "account": w.account,
            "symbol": w.symbol,
            "quantity": shares(w.quantity),
            "disallowed": cents(w.disallowed),
            "replacement": f"{w.replacement_symbol} {w.replacement_lot_id}",
            "replacement_account": w.replacement_account,
            "permanent": w.permanent,
        }
        for w in ctx.book.wash_sales
        if w.sold.year == year
    ]
    if csv_path is not None:
        csv_path.write_text(to_csv(rows), encoding="utf-8")
    if json_out:
        print_json({"year": year, "disposals": rows, "totals": sums, "wash_sales": washes})
        return
    for term, part in (("short", "Part I — short-term"), ("long", "Part II — long-term")):
        chosen = [r for r in rows if r["term"] == term]
        console.print(table(chosen, GAIN_COLUMNS, f"Form 8949 {part}, {year}"))
        t = sums[term]
        console.print(
            f"  totals: proceeds {t['proceeds']}  basis {t['basis']}  "
            f"adjustments {t['adjustment']}  gain {t['gain']}\n"
        )
    if washes:
        console.print(table(washes, list(washes[0]), f"Wash sales in {year}"))
    console.print(f"Net realized {year}: {sums['all']['gain']} "
                  f"(wash-sale adjustments {sums['all']['wash_sale_adjustments']})")
    if csv_path is not None:
        console.print(f"Wrote {len(rows)} lines to {csv_path}")


@app.command("holdings")
@friendly_errors
def holdings_command(
    household: HouseholdOpt = None,
    transactions: TransactionsOpt = None,
    prices: PricesOpt = None,
    db: DbOpt = None,
    household_id: HouseholdIdOpt = None,
    as_of: AsOfOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Holdings by account and asset class: allocation against target, and drift."""
    ctx = load_context(household=household, transactions=transactions, prices=prices, db=db,
                       household_id=household_id, as_of=as_date(as_of))
    data = holdings_rows(allocation(ctx.household, ctx.book, ctx.prices, ctx.as_of))
    if json_out:
        print_json(data)
        return
    print_holdings(data)


def print_holdings(data: dict[str, object]) -> None:
    positions = data["positions"]
    classes = data["classes"]
    assert isinstance(positions, list) and isinstance(classes, list)
    console.print(table(positions, ("account", "symbol", "asset_class", "quantity", "price",
                                    "value", "basis", "unrealized"),
                        f"Holdings on {data['as_of']} (total {data['total']})"))
    shown = [
        {**c, "asset_class": ("  " if c["parent"] else "") + str(c["asset_class"]),
         "status": "OUTSIDE BAND" if c["outside_band"] else "ok"}
        for c in classes
    ]
    console.print(table(shown, ("asset_class", "value", "weight_pct", "target_pct", "drift_pct",
                                "band_pct", "status"), "Allocation against target (%)"))
