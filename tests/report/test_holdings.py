"""Holdings rows: positions, classes, and the currency of their amounts."""

from datetime import date
from decimal import Decimal

from lotwise.allocation import allocation
from lotwise.ledger import replay
from lotwise.model import Price
from lotwise.model.prices import PriceTable
from lotwise.report.holdings import cash_rows, holdings_rows
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


def test_cash_rows_keep_each_accounts_own_currency() -> None:
    hh = household()
    book = replay(hh, journal("2024-03-15 taxable deposit amount=500"))
    rows = cash_rows(book, {"taxable": Decimal("650")})
    assert rows == [{"account": "taxable", "currency": book.cash_currency_of("taxable"),
                     "balance": "500.00", "value": "650.00"}]
    assert cash_rows(replay(hh, journal("2024-03-15 taxable deposit amount=0")), {}) == []
