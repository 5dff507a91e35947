"""Holdings by account and by asset class, with allocation against target and drift.

``currency`` names the currency of every amount: the household's base currency, into which
:func:`lotwise.plan.money.in_base_currency` converts each owner's book and each price.  The
exception is ``cash_balances`` (:func:`cash_rows`): each account's cash as the account holds
it, in its own currency (:mod:`lotwise.ledger.cash`), next to its value in ``currency`` at
the as-of day's rate — a Canadian's US-dollar account shows ``USD 1,000.00`` worth
``1,370.00`` CAD."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from lotwise.allocation import Allocation
from lotwise.ledger.book import Book
from lotwise.report.values import cents, shares


def _pct(value: Decimal) -> str:
    return f"{value * 100:.2f}"


def cash_rows(own: Book, in_base: Mapping[str, Decimal]) -> list[dict[str, object]]:
    """Each account's cash that is not nil: ``balance`` in the account's own currency (from
    ``own``, the book as replayed) and ``value`` in the base currency (``in_base``, the same
    balances converted at the as-of day's rate)."""
    return [
        {
            "account": account,
            "currency": own.cash_currency_of(account),
            "balance": cents(amount),
            "value": cents(in_base.get(account, amount)),
        }
        for account, amount in sorted(own.cash.items())
        if amount
    ]


def holdings_rows(alloc: Allocation, currency: str | None = None,
                  cash_balances: list[dict[str, object]] | None = None) -> dict[str, object]:
    accounts = [
        {
            "account": p.account,
            "symbol": p.symbol,
            "asset_class": p.asset_class,
            "quantity": shares(p.quantity),
            "price": cents(p.price),
            "value": cents(p.value),
            "basis": cents(p.basis),
            "unrealized": cents(p.value - p.basis),
        }
        for p in alloc.positions
    ]
    classes = [
        {
            "asset_class": c.asset_class,
            "parent": c.parent,
            "leaf": c.leaf,
            "value": cents(c.value),
            "weight_pct": _pct(c.weight),
            "target_pct": _pct(c.target),
            "drift_pct": _pct(c.drift),
            "band_pct": _pct(c.band),
            "outside_band": c.outside_band,
        }
        for c in alloc.classes
    ]
    return {
        "as_of": alloc.as_of.isoformat(),
        "currency": currency,
        "total": cents(alloc.total),
        "cash": {acct: cents(v) for acct, v in alloc.cash.items()},
        "cash_balances": cash_balances if cash_balances is not None else [
            {"account": acct, "currency": currency, "balance": cents(v), "value": cents(v)}
            for acct, v in alloc.cash.items()
        ],
        "positions": accounts,
        "classes": classes,
    }
