"""Form 8949 rows: per-line rounding, terms, wash codes, totals and CSV."""

from decimal import Decimal

from lotwise.ledger import replay
from lotwise.report.gains import COLUMNS, gain_rows, to_csv, totals
from tests.ledger.journal import household, journal

D = Decimal


def book():  # type: ignore[no-untyped-def]
    return replay(household(), journal("""
        2023-01-10 taxable buy X 10 @100
        2024-01-10 taxable buy X 3 @33.333
        2024-06-03 taxable sell X 10 @90
        2024-06-20 taxable buy X 10 @91
        2024-09-03 taxable sell X 3 @40 fees=0.01
    """))


def test_rows_are_the_years_reportable_disposals_short_term_first() -> None:
    rows = gain_rows(book(), 2024)
    assert [r["term"] for r in rows] == ["short", "long"]
    long_row = rows[1]
    assert (long_row["adjustment_code"], long_row["adjustment"], long_row["gain"]) == (
        "W", "100.00", "0.00")
    short_row = rows[0]
    assert short_row["basis"] == "100.00" and short_row["proceeds"] == "119.99"
    assert gain_rows(book(), 2023) == []


def test_totals_add_the_rounded_lines() -> None:
    sums = totals(gain_rows(book(), 2024))
    assert sums["long"]["wash_sale_adjustments"] == "100.00"
    assert sums["all"]["gain"] == "19.99" and sums["all"]["lines"] == "2"


def test_csv_has_the_form_columns() -> None:
    text = to_csv(gain_rows(book(), 2024))
    header, *lines = text.splitlines()
    assert header.split(",") == list(COLUMNS) and len(lines) == 2
