"""Open-lot rows: term and days until long-term as of a date."""

from datetime import date
from decimal import Decimal

from lotwise.ledger import replay
from lotwise.model import Price
from lotwise.model.prices import PriceTable
from lotwise.report.lots import lot_rows
from tests.ledger.journal import household, journal
from tests.regimes.households import household as regime_household
from tests.regimes.households import journal as regime_journal


def test_days_until_long_term_and_unrealized_gain() -> None:
    book = replay(household(), journal("2024-03-15 taxable buy X 10 @100"))
    table = PriceTable([Price(date(2025, 3, 1), "X", Decimal(120))])
    (row,) = lot_rows(book, table, date(2025, 3, 1))
    assert row["term"] == "short" and row["long_term_on"] == "2025-03-16"
    assert row["days_to_long_term"] == 15 and row["unrealized"] == "200.00"
    (later,) = lot_rows(book, table, date(2025, 3, 16))
    assert later["term"] == "long" and later["days_to_long_term"] == 0


def test_lots_without_a_price_show_no_value() -> None:
    book = replay(household(), journal("2024-03-15 taxable buy X 10 @100"))
    (row,) = lot_rows(book, PriceTable([]), date(2025, 3, 1))
    assert row["value"] is None and row["basis"] == "1000.00"


def test_each_row_names_its_regime_and_a_pool_has_no_term() -> None:
    hh = regime_household({"claire": "CA"}, {"cash": ("claire", "non_registered")})
    book = replay(hh, regime_journal("2024-03-15 cash buy X 10 @100"))
    (row,) = lot_rows(book, PriceTable([Price(date(2025, 3, 1), "X", Decimal(90))]),
                      date(2025, 3, 1))
    assert (row["regime"], row["term"], row["days_to_long_term"]) == ("CA", "pool", None)
    assert row["lot"] == "ACB:claire:X@cash" and row["unrealized"] == "-100.00"
    us_book = replay(household(), journal("2024-03-15 taxable buy X 10 @100"))
    (us_row,) = lot_rows(us_book, PriceTable([]), date(2025, 3, 1))
    assert us_row["regime"] == "US"


def test_each_regime_names_what_its_loss_rule_added_to_the_cost() -> None:
    """A Canadian pool carries the superficial losses added to its ACB (ITA s.53(1)(f)); a
    UK holding carries nothing (the 30-day rule re-matches the sale); a US lot its wash-sale
    adjustment (IRC §1091(d))."""
    ca = regime_household({"claire": "CA"}, {"cash": ("claire", "non_registered")})
    book = replay(ca, regime_journal("""
        2024-03-15 cash buy X 10 @100
        2024-04-02 cash sell X 10 @90
        2024-04-10 cash buy X 10 @90
    """))
    (row,) = lot_rows(book, PriceTable([]), date(2024, 5, 1))
    assert row["superficial_loss_adjustment"] == "100.00" and "wash_adjustment" not in row
    assert row["basis"] == "1000.00" and row["basis_per_share"] == "100.00"
    uk = regime_household({"olivia": "UK"}, {"gia": ("olivia", "gia")})
    (uk_row,) = lot_rows(replay(uk, regime_journal("2024-03-15 gia buy X 10 @100")),
                         PriceTable([]), date(2024, 5, 1))
    assert not {"wash_adjustment", "superficial_loss_adjustment"} & set(uk_row)
    (us_row,) = lot_rows(replay(household(), journal("2024-03-15 taxable buy X 10 @100")),
                         PriceTable([]), date(2024, 5, 1))
    assert us_row["wash_adjustment"] == "0.00"
