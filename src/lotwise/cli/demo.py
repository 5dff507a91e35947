"""`lotwise demo`: the bundled example household, end to end, on the embedded store.

It saves the example household in the store, imports its transactions and prices (a second
run adds nothing), replays the journal and shows holdings against target, open lots,
each year's realized gains with their wash sales, and the year's tax position.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text

from lotwise.allocation import allocation
from lotwise.cli.app import app
from lotwise.cli.book_commands import GAIN_COLUMNS, LOT_COLUMNS, print_holdings
from lotwise.cli.context import load_context, open_store, store_url
from lotwise.cli.options import AsOfOpt, DbOpt, JsonOpt, as_date
from lotwise.cli.output import console, friendly_errors, print_json, table
from lotwise.cli.plan_commands import print_plan
from lotwise.cli.store_commands import import_prices_file, import_transactions_file, init_household
from lotwise.io import example_dir
from lotwise.plan import make_plan
from lotwise.plan.options import options_from_policy
from lotwise.plan.output import plan_json, plan_record
from lotwise.report.gains import gain_rows, totals
from lotwise.report.holdings import holdings_rows
from lotwise.report.lots import lot_rows
from lotwise.tax.report import render_tax_report


@app.command("demo")
@friendly_errors
def demo_command(db: DbOpt = None, as_of: AsOfOpt = None, json_out: JsonOpt = False) -> None:
    """Run lotwise on the bundled example household (two spouses, six accounts)."""
    folder = example_dir()
    with open_store(db) as store:
        hid = init_household(store, folder / "household.toml")
        _, txn_result = import_transactions_file(store, folder / "transactions.csv", hid, db)
        price_result = import_prices_file(store, folder / "prices.csv")
    ctx = load_context(db=db, household_id=hid, as_of=as_date(as_of))
    holdings = holdings_rows(allocation(ctx.household, ctx.book, ctx.prices, ctx.as_of),
                             ctx.household.base_currency)
    lots = lot_rows(ctx.book, ctx.prices, ctx.as_of)
    years = sorted({d.sold.year for d in ctx.book.disposals if d.reportable})
    gains = {year: gain_rows(ctx.book, year) for year in years}
    tax_view, tax_json = render_tax_report(ctx.household, ctx.book, ctx.as_of.year, ctx.as_of)
    # The main job: what to trade today (a calendar review, so a rebalance is considered).
    plan = make_plan(ctx.household, ctx.transactions, ctx.book, ctx.prices, ctx.as_of,
                     options_from_policy(ctx.household, review=True))
    record = plan_record(plan, datetime.now(UTC))
    with open_store(db) as store:
        store.save_plan(record)
    if json_out:
        print_json({
            "household_id": hid,
            "store": store_url(db),
            "imported": {"transactions": txn_result.added, "prices": price_result.added},
            "holdings": holdings,
            "lots": lots,
            "gains": {str(y): {"disposals": rows, "totals": totals(rows)}
                      for y, rows in gains.items()},
            "wash_sales": len(ctx.book.wash_sales),
            "tax": tax_json,
            "plan": plan_json(plan, record.id),
        })
        return
    console.rule(Text.assemble("lotwise demo — household ", (hid, "bold"),
                               f" in {store_url(db)}"))
    console.print(f"Imported {txn_result.added} new transactions "
                  f"({txn_result.skipped} already present) and {price_result.added} prices.\n")
    print_holdings(holdings)
    taxable = {a.id for a in ctx.household.accounts.values() if a.is_taxable}
    shown = [row for row in lots if row["account"] in taxable]
    console.print(table(shown, LOT_COLUMNS, f"Open lots in taxable accounts on {ctx.as_of} "
                        f"({len(shown)} of {len(lots)} lots; `lotwise lots` lists all)"))
    for year, rows in gains.items():
        t = totals(rows)
        console.print(table(rows, GAIN_COLUMNS, f"Realized {year} (Form 8949 lines)"))
        console.print(f"  short-term {t['short']['gain']}, long-term {t['long']['gain']}, "
                      f"wash-sale adjustments {t['all']['wash_sale_adjustments']}\n")
    washes: list[dict[str, object]] = [
        {"sold": w.sold, "account": w.account, "symbol": w.symbol, "quantity": w.quantity,
         "disallowed": round(w.disallowed, 2), "replacement": w.replacement_symbol,
         "replacement_account": w.replacement_account,
         "treatment": "lost for good (IRA/Roth/HSA)" if w.permanent else "added to basis"}
        for w in ctx.book.wash_sales
    ]
    console.print(table(washes, list(washes[0]) if washes else ["sold"], "Wash sales"))
    console.print(tax_view)
    console.rule("What to trade today")
    print_plan(plan, record.id)
    console.print("See it again with `lotwise plans show " + record.id + "`.")
