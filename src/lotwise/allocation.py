"""Household allocation by asset class, against target, with drift and band checks.

Market values are shares times the latest price on or before the as-of date.  Weights are
shares of the household's total invested value plus positive cash balances (a negative
balance, usually a journal imported without its deposits, is reported but not counted).
Drift is weight minus target.  A class is outside its band when ``|drift|`` exceeds the
smaller of the absolute band and the relative band times its target — the "5/25" rule:
with bands 5 points and 25 %, a 40 % target tolerates 35–45 % and a 10 % target
7.5–12.5 %.

Example: target bonds 0.40 / stocks 0.60; holdings bonds $30k, stocks $70k: weights 0.30 and
0.70, drift -0.10 and +0.10; the bonds band is min(0.05, 0.25 * 0.40) = 0.05, so both classes
are outside their bands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lotwise.ledger.book import Book
from lotwise.model.household import Household
from lotwise.model.prices import PriceTable

ZERO = Decimal(0)
CASH = "cash"


@dataclass(frozen=True, slots=True)
class Position:
    account: str
    symbol: str
    asset_class: str
    quantity: Decimal
    price: Decimal
    value: Decimal
    basis: Decimal


@dataclass(frozen=True, slots=True)
class ClassWeight:
    asset_class: str
    parent: str | None
    leaf: bool
    value: Decimal
    weight: Decimal
    target: Decimal
    drift: Decimal
    band: Decimal
    outside_band: bool


@dataclass(frozen=True, slots=True)
class Allocation:
    as_of: date
    positions: tuple[Position, ...]
    cash: dict[str, Decimal]
    total: Decimal
    classes: tuple[ClassWeight, ...]

    @property
    def outside_band(self) -> tuple[ClassWeight, ...]:
        return tuple(c for c in self.classes if c.outside_band and c.leaf)


def band_for(household: Household, target: Decimal) -> Decimal:
    """The smaller of the absolute and relative bands; a class with no target (cash, say)
    has no relative band, so only the absolute band applies."""
    policy = household.policy
    if target == 0:
        return policy.absolute_band
    return min(policy.absolute_band, policy.relative_band * target)


def allocation(household: Household, book: Book, prices: PriceTable, as_of: date) -> Allocation:
    """Value every position and compare class weights with the target.

    Raises :class:`lotwise.model.prices.MissingPriceError` when a held symbol has no
    price on or before ``as_of``.
    """
    held: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
    for lot in book.lots:
        qty, basis = held.get((lot.account, lot.symbol), (ZERO, ZERO))
        held[(lot.account, lot.symbol)] = (qty + lot.quantity, basis + lot.basis)
    positions = []
    for (account, symbol), (qty, basis) in sorted(held.items()):
        price = prices.price_on(symbol, as_of)
        security = household.securities.get(symbol)
        asset_class = security.asset_class if security else "unclassified"
        positions.append(Position(account, symbol, asset_class, qty, price, qty * price, basis))
    cash = {acct: amount for acct, amount in sorted(book.cash.items()) if amount}
    # A negative balance usually means a journal that starts without its deposits; it is
    # reported in ``cash`` but does not reduce the invested total.
    cash_total = sum((amount for amount in cash.values() if amount > 0), ZERO)
    total = sum((p.value for p in positions), ZERO) + cash_total

    by_class: dict[str, Decimal] = {}
    for p in positions:
        by_class[p.asset_class] = by_class.get(p.asset_class, ZERO) + p.value
    if cash_total:
        by_class[CASH] = by_class.get(CASH, ZERO) + cash_total

    targets = household.targets
    leaves = dict(targets.weights)
    inner = targets.inner_weights()
    names = list(leaves) + [c for c in by_class if c not in leaves]
    values = dict(by_class)
    for leaf, value in by_class.items():
        for parent in targets.ancestors(leaf):
            values[parent] = values.get(parent, ZERO) + value
    rows: list[ClassWeight] = []
    for name in list(inner) + names:
        target = inner.get(name, leaves.get(name, ZERO))
        value = values.get(name, ZERO)
        weight = value / total if total else ZERO
        drift = weight - target
        band = band_for(household, target)
        rows.append(
            ClassWeight(
                asset_class=name,
                parent=targets.parents.get(name),
                leaf=name not in inner,
                value=value,
                weight=weight,
                target=target,
                drift=drift,
                band=band,
                outside_band=abs(drift) > band,
            )
        )
    return Allocation(as_of, tuple(positions), cash, total, tuple(rows))
