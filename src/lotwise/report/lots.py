"""Open lots with adjusted basis, unrealized gain, term and days until long-term.

Each row names the ``regime`` of the account's owner.  A US lot has a term and the days
until it turns long-term, and ``wash_adjustment`` holds the wash-sale losses added to its
basis (IRC §1091(d)).  A Canadian ACB pool or a UK section 104 holding has neither term (its
``term`` is ``pool``) nor wash sales: a Canadian pool's ``superficial_loss_adjustment`` holds
the superficial losses added to its ACB (ITA s.53(1)(f)); a UK holding has no such column,
as the 30-day rule re-matches the sale instead of adjusting the shares kept (TCGA s.106A).
``basis`` and ``basis_per_share`` are the ACB (Canada) or the allowable cost (UK)."""

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
        regime = book.regime_of(lot.account)
        rows.append(
            {
                "lot": lot.lot_id,
                "regime": regime,
                "account": lot.account,
                "symbol": lot.symbol,
                "quantity": shares(lot.quantity),
                "acquired": lot.acquired.isoformat(),
                "holding_start": lot.holding_start.isoformat(),
                "basis": cents(lot.basis),
                "basis_per_share": cents(lot.basis / lot.quantity),
                **_adjustment(regime, lot.wash_adjustment),
                "price": cents(price) if price is not None else None,
                "value": cents(value) if value is not None else None,
                "unrealized": cents(value - lot.basis) if value is not None else None,
                # Canada and the UK pool shares at their average cost: no holding period
                "term": term_on(lot.holding_start, as_of).value if regime == "US" else "pool",
                "long_term_on": long_from.isoformat() if regime == "US" else None,
                "days_to_long_term": (max(0, (long_from - as_of).days)
                                      if regime == "US" else None),
            }
        )
    return rows


def _adjustment(regime: str, amount: Decimal) -> dict[str, str]:
    """What the owner's loss rule added to the cost, under the rule's own name."""
    if regime == "CA":
        return {"superficial_loss_adjustment": cents(amount)}
    if regime == "UK":
        return {}
    return {"wash_adjustment": cents(amount)}
