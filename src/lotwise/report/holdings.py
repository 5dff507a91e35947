"""Holdings by account and by asset class, with allocation against target and drift.

``currency`` names the currency of every amount: the household's base currency, into which
:func:`lotwise.plan.money.in_base_currency` converts each owner's book and each price."""

from __future__ import annotations

from decimal import Decimal

from lotwise.allocation import Allocation
from lotwise.report.values import cents, shares


def _pct(value: Decimal) -> str:
    return f"{value * 100:.2f}"


def holdings_rows(alloc: Allocation, currency: str | None = None) -> dict[str, object]:
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
        "positions": accounts,
        "classes": classes,
    }
