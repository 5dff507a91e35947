"""Holdings rows: positions, classes, and the currency of their amounts."""

from datetime import date
from decimal import Decimal

from lotwise.allocation import allocation
from lotwise.ledger import replay
from lotwise.model import Price
from lotwise.model.prices import PriceTable
from lotwise.report.holdings import holdings_rows
from tests.ledger.journal import household, journal


def test_rows_carry_the_currency_of_their_amounts() -> None:
    hh = household()
    book = replay(hh, journal("2024-03-15 taxable buy X 10 @100"))
    alloc = allocation(hh, book, PriceTable([Price(date(2025, 3, 1), "X", Decimal(120))]),
                       date(2025, 3, 1))
    data = holdings_rows(alloc, "CAD")
    assert data["currency"] == "CAD" and data["total"] == "1200.00"
    (position,) = data["positions"]  # type: ignore[misc]
    assert position["unrealized"] == "200.00"
    assert holdings_rows(alloc)["currency"] is None
