"""`lotwise lots`, `lotwise gains` and `lotwise holdings`."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer

from lotwise.allocation import allocation
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
from lotwise.cli.output import console, errors, friendly_errors, print_json, table
from lotwise.cli.wording import unsheltered_notes
from lotwise.errors import InputError, Source
from lotwise.ledger.book import Book
from lotwise.regimes.base import CA, UK, US, owner_regimes
from lotwise.regimes.report import uk_label
from lotwise.report.gains import (
    SCHEDULE_3_COLUMNS,
    T1170_COLUMNS,
    csv_path_for,
    gain_rows,
    gains_csvs,
    sa108_rows,
    sa108_totals,
    schedule_3_rows,
    schedule_3_totals,
    t1170_rows,
    totals,
)
from lotwise.report.holdings import cash_rows, holdings_rows
from lotwise.report.lots import lot_rows
from lotwise.report.values import cents, shares
from lotwise.report.words import counted, in_order

LOT_COLUMNS = ("lot", "account", "symbol", "quantity", "acquired", "basis", "value",
               "unrealized", "term", "days_to_long_term", "wash_adjustment")
# Canada and the UK pool shares (ITA s.47; TCGA s.104): no lots to choose, no holding period.
CA_LOT_COLUMNS = ("lot", "account", "symbol", "quantity", "acquired", "basis",
                  "basis_per_share", "value", "unrealized", "superficial_loss_adjustment")
UK_LOT_COLUMNS = ("lot", "account", "symbol", "quantity", "acquired", "basis",
                  "basis_per_share", "value", "unrealized")
_LOT_VIEWS: dict[str, tuple[tuple[str, ...], dict[str, str], str]] = {
    "US": (LOT_COLUMNS, {}, "Open lots of {hid} on {day} (amounts in {cur})"),
    "CA": (CA_LOT_COLUMNS,
           {"lot": "ACB pool", "quantity": "number", "acquired": "first acquired",
            "basis": "ACB", "basis_per_share": "ACB per share",
            "superficial_loss_adjustment": "superficial losses in ACB"},
           "Adjusted cost base pools of {hid}'s Canadian residents on {day} (amounts in "
           "{cur}; ITA s.47, superficial losses added to the ACB by s.53(1)(f))"),
    "UK": (UK_LOT_COLUMNS,
           {"lot": "holding", "quantity": "shares", "acquired": "first acquired",
            "basis": "allowable cost", "basis_per_share": "cost per share"},
           "Holdings of {hid}'s UK residents on {day} (amounts in {cur}; in a GIA the "
           "section 104 holding, its pooled allowable cost, TCGA s.104)"),
}
_SCHEDULE_3_SHOWN = tuple(c for c in SCHEDULE_3_COLUMNS
                          if c not in ("zero_inclusion_gain", "account"))
_SA108_SHOWN = ("owner", "date", "description", "quantity", "proceeds", "allowable_costs",
                "gain", "matching")
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
    fx: FxOpt = None,
) -> None:
    """Open lots with adjusted basis, unrealized gain, term and days until long-term;
    Canadian residents' ACB pools and UK residents' section 104 holdings."""
    ctx = load_context(household=household, transactions=transactions, prices=prices, db=db,
                       household_id=household_id, as_of=as_date(as_of), fx=fx)
    for note in unsheltered_notes(ctx.household):
        errors.print(note)
    # basis and price in one currency, so the gain is right; no rate for the cash
    view = ctx.in_base_currency(lots_only=True)
    rows = lot_rows(view.book, view.prices, ctx.as_of)
    if json_out:
        print_json({"as_of": ctx.as_of.isoformat(), "currency": view.currency, "lots": rows})
        return
    for regime in in_order(str(row["regime"]) for row in rows) or ["US"]:
        columns, headers, title = _LOT_VIEWS[regime]
        console.print(table([row for row in rows if row["regime"] == regime], columns,
                            title.format(hid=ctx.household_id, day=ctx.as_of,
                                         cur=view.currency), headers=headers))


@app.command("gains")
@friendly_errors
def gains_command(
    year: Annotated[int, typer.Option("--year", help="Tax year (UK: the one from 6 April).")],
    household: HouseholdOpt = None,
    transactions: TransactionsOpt = None,
    prices: PricesOpt = None,
    db: DbOpt = None,
    household_id: HouseholdIdOpt = None,
    json_out: JsonOpt = False,
    csv_path: Annotated[
        Path | None, typer.Option(
            "--csv", help="Also write the lines to this CSV: Form 8949 (US), Schedule 3 "
            "(Canada, CAD) or SA108 (UK, GBP); one file per regime when the owners are under "
            "several, named F-us.csv, F-ca.csv, F-uk.csv.")
    ] = None,
    fx: FxOpt = None,
) -> None:
    """Realized gains of a tax year in Form 8949 layout, with wash-sale adjustments;
    Canadian residents' in Schedule 3 layout (CAD, superficial losses), UK residents' tax
    year from 6 April (GBP, shares matched same day / 30 days / section 104)."""
    ctx = load_context(household=household, transactions=transactions, prices=prices, db=db,
                       household_id=household_id, fx=fx)
    regimes = set(owner_regimes(ctx.household).values())
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
    ca_rows = schedule_3_rows(ctx.book, year) if CA in regimes else []
    uk_rows = sa108_rows(ctx.book, year) if UK in regimes else []
    written: list[str] = []
    if csv_path is not None:
        files = gains_csvs(ctx.book, year, regimes)
        if not csv_path.parent.is_dir():
            raise InputError.one(Source("--csv"), "csv",
                                 f"the folder {csv_path.parent} does not exist",
                                 "create it first, or write the CSV to an existing folder")
        for f in files:  # every file's text is made before the first is written
            path = csv_path_for(csv_path, f.regime, len(files) > 1)
            path.write_text(f.text, encoding="utf-8")
            written.append(f"Wrote {counted(f.lines, 'line')} ({f.layout}) to {path}")
    if json_out:
        data: dict[str, object] = {
            "year": year, "disposals": rows, "totals": sums, "wash_sales": washes
        }
        if CA in regimes:
            data["schedule_3"] = {
                "currency": "CAD",
                "lines": ca_rows,
                "totals": schedule_3_totals(ca_rows),
                "t1170": t1170_rows(ca_rows),
                "superficial_losses": _superficial(ctx.book, year),
            }
        if UK in regimes:
            data["sa108"] = {
                "tax_year": uk_label(year),
                "from": f"{year}-04-06",
                "to": f"{year + 1}-04-05",
                "currency": "GBP",
                "disposals": uk_rows,
                "totals": sa108_totals(uk_rows),
            }
        print_json(data)
        return
    if US in regimes:
        _print_form_8949(year, rows, sums, washes)
    if CA in regimes:
        console.print(table(ca_rows, _SCHEDULE_3_SHOWN, f"Schedule 3 (Canada), {year}, in CAD",
                            headers={"acb": "ACB"}))
        for owner, t in schedule_3_totals(ca_rows).items():
            console.print(schedule_3_sum(owner, t), highlight=False)
        gifts = t1170_rows(ca_rows)
        if gifts:
            console.print(table(gifts, T1170_COLUMNS,
                                f"Form T1170 (Canada), {year}, in CAD: gifts of listed securities "
                                "to a qualified donee, their gain deemed nil (ITA s.38(a.1))",
                                headers={"acb": "ACB", "sold": "given",
                                         "proceeds": "proceeds (FMV)"}))
        superficial = _superficial(ctx.book, year)
        if superficial:
            console.print(table(superficial, list(superficial[0]),
                                f"Superficial losses in {year} (ITA s.54)"))
        console.print()
    if UK in regimes:
        console.print(table(uk_rows, _SA108_SHOWN,
                            f"Capital gains (UK), tax year {uk_label(year)} (6 April {year} "
                            f"to 5 April {year + 1}), in GBP; shares matched same day, "
                            "within 30 days, or from the section 104 holding"))
        for owner, t in sa108_totals(uk_rows).items():
            console.print(f"  {owner}: {counted(int(t['disposals']), 'disposal')}  proceeds "
                          f"{t['proceeds']}  allowable costs {t['allowable_costs']}  gains "
                          f"{t['gains']}  losses {t['losses']}", highlight=False)
            if t["offshore_income_gains"] != "0.00":
                console.print(f"  {owner}: offshore income gains {t['offshore_income_gains']} "
                              "(income, not capital gains: SI 2009/3001 regs. 17, 18; "
                              "SA106)", highlight=False)
    for line in written:
        console.print(line, highlight=False)


def _print_form_8949(
    year: int, rows: list[dict[str, object]], sums: dict[str, dict[str, str]],
    washes: list[dict[str, object]],
) -> None:
    for term, part in (("short", "Part I — short-term"), ("long", "Part II — long-term")):
        chosen = [r for r in rows if r["term"] == term]
        console.print(table(chosen, GAIN_COLUMNS, f"Form 8949 {part}, {year}, in USD"))
        t = sums[term]
        console.print(
            f"  totals: proceeds {t['proceeds']}  basis {t['basis']}  "
            f"adjustments {t['adjustment']}  gain {t['gain']}\n"
        )
    if washes:
        console.print(table(washes, list(washes[0]), f"Wash sales in {year}"))
    console.print(f"Net realized {year}: {sums['all']['gain']} USD "
                  f"(wash-sale adjustments {sums['all']['wash_sale_adjustments']})")


def schedule_3_sum(owner: str, t: dict[str, str]) -> str:
    """One owner's Schedule 3 totals as the sum that gives line 13200 from line 13199."""
    text = (f"  {owner}: line 13199 proceeds {t['proceeds']} - ACB {t['acb']} - outlays "
            f"{t['outlays']}")
    if Decimal(t["denied"]):
        text += f" + superficial losses denied {t['denied']} (ITA s.40(2)(g)(i))"
    if Decimal(t["zero_inclusion_gain"]):
        text += (f" - gifts' gain at the zero inclusion rate {t['zero_inclusion_gain']} "
                 "(Form T1170, ITA s.38(a.1))")
    return text + f" = line 13200 gain {t['gain']}"


def _superficial(book: Book, year: int) -> list[dict[str, object]]:
    return [
        {
            "sold": loss.sold.isoformat(),
            "owner": loss.owner,
            "account": loss.account,
            "symbol": loss.symbol,
            "quantity": shares(loss.shares_sold),
            "denied": cents(loss.denied),
            "lost_for_good": cents(loss.permanent),
            "substituted": "; ".join(
                f"{s.account} {s.symbol} {cents(s.amount)}" for s in loss.substitutes
            ),
        }
        for loss in book.superficial_losses
        if loss.sold.year == year
    ]


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
    fx: FxOpt = None,
) -> None:
    """Holdings by account and asset class: allocation against target, and drift."""
    ctx = load_context(household=household, transactions=transactions, prices=prices, db=db,
                       household_id=household_id, as_of=as_date(as_of), fx=fx)
    for note in unsheltered_notes(ctx.household):
        errors.print(note)
    view = ctx.in_base_currency()
    data = holdings_rows(allocation(ctx.household, view.book, view.prices, ctx.as_of),
                         view.currency, cash_rows(ctx.book, view.book.cash))
    if json_out:
        print_json(data)
        return
    print_holdings(data)


def print_holdings(data: dict[str, object]) -> None:
    """The positions, then the allocation against target; amounts in ``data["currency"]``."""
    positions = data["positions"]
    assert isinstance(positions, list)
    if positions:
        console.print(table(positions, ("account", "symbol", "asset_class", "quantity", "price",
                                        "value", "basis", "unrealized"),
                            f"Holdings on {data['as_of']} (total {data['total']}"
                            f"{_in(data)})", headers=_money_headers(data)))
    else:
        console.print(f"No holdings on {data['as_of']}.")
    cash = data.get("cash_balances")
    if isinstance(cash, list) and cash:
        value = f"value {data['currency']}" if data.get("currency") else "value"
        console.print(table(cash, ("account", "currency", "balance", "value"),
                            f"Cash on {data['as_of']} (each account's balance in its own "
                            f"currency; {value} at the day's rate)", headers={"value": value}))
    print_allocation(data)


def print_allocation(data: dict[str, object]) -> None:
    """The allocation by asset class against target, with drift and bands."""
    classes = data["classes"]
    assert isinstance(classes, list)
    shown = [
        {**c, "asset_class": ("  " if c["parent"] else "") + str(c["asset_class"]),
         "status": "OUTSIDE BAND" if c["outside_band"] else "ok"}
        for c in classes
    ]
    console.print(table(shown, ("asset_class", "value", "weight_pct", "target_pct", "drift_pct",
                                "band_pct", "status"),
                        f"Allocation against target on {data['as_of']} (%; total "
                        f"{data['total']}{_in(data)})", headers=_money_headers(data)))


def _in(data: dict[str, object]) -> str:
    return f" {data['currency']}" if data.get("currency") else ""


def _money_headers(data: dict[str, object]) -> dict[str, str]:
    """``value CAD`` rather than ``value`` when the currency is known."""
    currency = data.get("currency")
    if not currency:
        return {}
    return {key: f"{key} {currency}" for key in ("price", "value", "basis", "unrealized")}
