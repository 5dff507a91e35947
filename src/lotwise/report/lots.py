"""Open lots with adjusted basis, unrealized gain, term and days until long-term."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lotwise.ledger.book import Book
from lotwise.ledger.holding import long_term_from, term_on
from lotwise.model.prices import MissingPriceError, PriceTable
from lotwise.report.values import cents, shares


def lot_rows(book: Book, prices: PriceTable | None, as_of: date) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for lot in book.lots:
        price: Decimal | None = None
        if prices is not None:
            try:
                price = prices.price_on(lot.symbol, as_of)
            except MissingPriceError:
                price = None
        value = price * lot.quantity if price is not None else None
        long_from = long_term_from(lot.holding_start)
        rows.append(
            {
                "lot": lot.lot_id,
                "account": lot.account,
                "symbol": lot.symbol,
                "quantity": shares(lot.quantity),
                "acquired": lot.acquired.isoformat(),
                "holding_start": lot.holding_start.isoformat(),
                "basis": cents(lot.basis),
                "basis_per_share": cents(lot.basis / lot.quantity),
                "wash_adjustment": cents(lot.wash_adjustment),
                "price": cents(price) if price is not None else None,
                "value": cents(value) if value is not None else None,
                "unrealized": cents(value - lot.basis) if value is not None else None,
                # Canada and the UK pool shares at their average cost: no holding period
                "term": (term_on(lot.holding_start, as_of).value
                         if book.regime_of(lot.account) == "US" else "pool"),
                "long_term_on": (long_from.isoformat()
                                 if book.regime_of(lot.account) == "US" else None),
                "days_to_long_term": (max(0, (long_from - as_of).days)
                                      if book.regime_of(lot.account) == "US" else None),
            }
        )
    return rows
