"""Form 8949 rows: per-line rounding, terms, wash codes, totals and CSV."""

from decimal import Decimal

from lotwise.ledger import replay
from lotwise.report.gains import (
    COLUMNS,
    gain_rows,
    schedule_3_rows,
    schedule_3_totals,
    t1170_rows,
    to_csv,
    totals,
)
from tests.ledger.journal import household, journal
from tests.regimes.households import household as regime_household
from tests.regimes.households import journal as regime_journal

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


def test_schedule_3_carries_a_gifts_gain_to_form_t1170() -> None:
    """ITA s.38(a.1): the gain on a gift of listed shares to a qualified donee is worked
    out on Form T1170; Schedule 3 keeps its proceeds and ACB but a nil gain, so the lines
    add up to line 13200."""
    hh = regime_household({"claire": "CA"}, {"cash": ("claire", "non_registered")},
                          securities={"XIC": None, "VFV": None})
    book = replay(hh, regime_journal("""
        2024-01-02 cash buy XIC 100 @30
        2024-01-02 cash buy VFV 100 @30
        2025-04-09 cash sell XIC 100 @25 fees=5
        2025-04-20 cash buy XIC 40 @24
        2025-12-10 cash donate VFV 50 @40
    """))
    rows = schedule_3_rows(book, 2025)
    gift, sale = sorted(rows, key=lambda r: str(r["kind"]))
    assert (gift["code"], gift["gain"], gift["zero_inclusion_gain"]) == ("T1170", "0.00",
                                                                        "500.00")
    assert (sale["code"], sale["denied"], sale["zero_inclusion_gain"]) == ("SL", "202.00",
                                                                          "0.00")
    t = schedule_3_totals(rows)["claire"]
    assert D(t["proceeds"]) - D(t["acb"]) - D(t["outlays"]) + D(t["denied"]) - D(
        t["zero_inclusion_gain"]) == D(t["gain"]) == D("-303.00")
    (form,) = t1170_rows(rows)
    assert (form["capital_gain"], form["eligible_amount"], form["zero_inclusion_gain"]) == (
        "500.00", "2000.00", "500.00")
