"""Realized gains in Form 8949 layout.

Rows are the reportable disposals of a tax year (sales from taxable accounts and return of
capital beyond basis), split into Part I (short-term) and Part II (long-term) as the Form
8949 instructions require.  Column (f) holds the adjustment code — ``W`` for a wash sale —
and column (g) the adjustment; column (h) is ``proceeds - basis + adjustment``.  Each line
is rounded to cents, and the totals are the sums of the rounded lines, as on the form.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from lotwise.ledger.book import Book
from lotwise.model.lots import Disposal, Term
from lotwise.model.numbers import money
from lotwise.report.values import cents, shares

COLUMNS = (
    "description",
    "account",
    "symbol",
    "quantity",
    "acquired",
    "holding_start",
    "sold",
    "proceeds",
    "basis",
    "adjustment_code",
    "adjustment",
    "gain",
    "term",
    "kind",
    "lot",
)


def gain_rows(book: Book, year: int) -> list[dict[str, object]]:
    rows = [_row(d) for d in book.disposals if d.reportable and d.sold.year == year]
    rows.sort(key=lambda r: (r["term"] != Term.SHORT.value, str(r["sold"]), str(r["symbol"])))
    return rows


def _row(d: Disposal) -> dict[str, object]:
    proceeds, basis, adjustment = money(d.proceeds), money(d.basis), money(d.adjustment)
    description = f"{shares(d.quantity)} sh {d.symbol}"
    if d.kind == "return_of_capital":
        description = f"{d.symbol} return of capital beyond basis"
    return {
        "description": description,
        "account": d.account,
        "symbol": d.symbol,
        "quantity": shares(d.quantity),
        "acquired": d.acquired.isoformat(),
        "holding_start": d.holding_start.isoformat(),
        "sold": d.sold.isoformat(),
        "proceeds": format(proceeds, "f"),
        "basis": format(basis, "f"),
        "adjustment_code": d.adjustment_code,
        "adjustment": format(adjustment, "f"),
        "gain": format(proceeds - basis + adjustment, "f"),
        "term": d.term.value,
        "kind": d.kind,
        "lot": d.lot_id,
    }


def totals(rows: list[dict[str, object]]) -> dict[str, dict[str, str]]:
    """Totals per term: proceeds, basis, adjustment and gain, plus wash-sale adjustments."""
    out: dict[str, dict[str, str]] = {}
    for term in (Term.SHORT.value, Term.LONG.value, "all"):
        chosen = [r for r in rows if term == "all" or r["term"] == term]
        sums = {
            key: sum((Decimal(str(r[key])) for r in chosen), Decimal(0))
            for key in ("proceeds", "basis", "adjustment", "gain")
        }
        wash = sum(
            (Decimal(str(r["adjustment"])) for r in chosen if r["adjustment_code"] == "W"),
            Decimal(0),
        )
        out[term] = {key: cents(value) for key, value in sums.items()}
        out[term]["wash_sale_adjustments"] = cents(wash)
        out[term]["lines"] = str(len(chosen))
    return out


def to_csv(rows: list[dict[str, object]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: row[key] for key in COLUMNS})
    return buffer.getvalue()
