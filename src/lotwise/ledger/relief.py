"""Lot relief methods: which open lots a sale relieves, in an open registry.

Every method has one signature: given the open lots of one account and symbol (in
acquisition order), the number of shares to sell and a :class:`SaleContext`, it returns
``(lot, shares)`` pairs whose shares add up to the quantity sold.  New methods are added
with :func:`register`; the ledger never names a method itself.

Methods (IRS Pub 550, "Basis of Investment Property" / "Identifying the stock sold"):

* ``fifo`` — first in, first out; the law's default when shares are not adequately
  identified (Treas. Reg. §1.1012-1(c)(1)).
* ``lifo``, ``hifo`` — last in first out, highest basis per share first: both are
  specific identifications made by standing instruction (Reg. §1.1012-1(c)(2)-(3)).
* ``specific`` — the lots named on the sell (``lot`` column); a sell that names none is
  relieved first-in first-out, as Reg. §1.1012-1(c)(1) requires.
* ``min_tax`` — losses first (short-term, then long-term, largest loss per share first),
  then long-term gains (smallest per share first), short-term gains last.
* ``average`` — average basis for regulated investment company shares (Reg.
  §1.1012-1(e); Pub 550, "Average basis"): shares sold are the earliest acquired
  (Reg. §1.1012-1(e)(7)) and every share carries the account's average basis per share;
  the averaging itself is done by the ledger (``averages`` is set on the method).

A method registered with ``in_order=True`` (``fifo``, ``average``) relieves the lots in
the order given whatever the sale: the ledger then takes them with :func:`take_first`
itself and needs no :class:`SaleContext` (no price per share worked out for each sale).

Example: lots A (10 sh, $100), B (10 sh, $300), sell 15 at $20 → fifo relieves A:10, B:5;
hifo relieves B:10, A:5.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from lotwise.ledger.holding import term_on
from lotwise.model.lots import Term
from lotwise.model.transactions import LotPick


class LotLike(Protocol):
    """What a relief method may read of an open lot."""

    @property
    def lot_id(self) -> str: ...
    @property
    def acq_id(self) -> str: ...
    @property
    def qty(self) -> Decimal: ...
    @property
    def basis(self) -> Decimal: ...
    @property
    def holding_start(self) -> date: ...


@dataclass(frozen=True, slots=True)
class SaleContext:
    sold: date
    proceeds_per_share: Decimal
    picks: tuple[LotPick, ...] = ()


class ReliefError(ValueError):
    """A relief request that the lots cannot satisfy (unknown lot, too few shares)."""

    def __init__(self, message: str, fix: str, field: str = "lot") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.field = field


Relief = list[tuple[LotLike, Decimal]]
_ZERO = Decimal(0)
ReliefMethod = Callable[[Sequence[LotLike], Decimal, SaleContext], Relief]

_REGISTRY: dict[str, ReliefMethod] = {}
_AVERAGING: set[str] = set()
_IN_ORDER: set[str] = set()


def register(
    name: str, *, averages: bool = False, in_order: bool = False
) -> Callable[[ReliefMethod], ReliefMethod]:
    def add(method: ReliefMethod) -> ReliefMethod:
        _REGISTRY[name] = method
        if averages:
            _AVERAGING.add(name)
        if in_order:
            _IN_ORDER.add(name)
        return method

    return add


def get(name: str) -> ReliefMethod:
    return _REGISTRY[name]


def names() -> tuple[str, ...]:
    return tuple(sorted(_REGISTRY))


def averages(name: str) -> bool:
    return name in _AVERAGING


def in_order(name: str) -> bool:
    """Whether the method always relieves the lots in the order given (see above)."""
    return name in _IN_ORDER


def take_in_order(lots: Sequence[LotLike], quantity: Decimal) -> Relief:
    """The x-in-first-out helper: take shares from ``lots`` in the order given."""
    return take_first(lots, quantity)[0]


def take_first(lots: Sequence[LotLike], quantity: Decimal) -> tuple[Relief, Decimal]:
    """:func:`take_in_order`, and the shares still wanted when the lots ran out (zero when
    they held enough)."""
    relief: Relief = []
    left = quantity
    for lot in lots:
        if left <= _ZERO:
            break
        shares = left if left < lot.qty else lot.qty
        if shares > _ZERO:
            relief.append((lot, shares))
            left -= shares
    return relief, left


@register("fifo", in_order=True)
def fifo(lots: Sequence[LotLike], quantity: Decimal, ctx: SaleContext) -> Relief:
    return take_in_order(lots, quantity)


@register("lifo")
def lifo(lots: Sequence[LotLike], quantity: Decimal, ctx: SaleContext) -> Relief:
    return take_in_order(list(reversed(lots)), quantity)


@register("hifo")
def hifo(lots: Sequence[LotLike], quantity: Decimal, ctx: SaleContext) -> Relief:
    ranked = sorted(enumerate(lots), key=lambda pair: (-(pair[1].basis / pair[1].qty), pair[0]))
    return take_in_order([lot for _, lot in ranked], quantity)


@register("min_tax")
def min_tax(lots: Sequence[LotLike], quantity: Decimal, ctx: SaleContext) -> Relief:
    def rank(pair: tuple[int, LotLike]) -> tuple[int, Decimal, int]:
        index, lot = pair
        gain_per_share = ctx.proceeds_per_share - lot.basis / lot.qty
        long = term_on(lot.holding_start, ctx.sold) is Term.LONG
        if gain_per_share < 0:
            return (1 if long else 0, gain_per_share, index)  # biggest loss first
        return (3 if not long else 2, gain_per_share, index)  # smallest gain first

    ranked = sorted(enumerate(lots), key=rank)
    return take_in_order([lot for _, lot in ranked], quantity)


@register("average", averages=True, in_order=True)
def average(lots: Sequence[LotLike], quantity: Decimal, ctx: SaleContext) -> Relief:
    return take_in_order(lots, quantity)


@register("specific")
def specific(lots: Sequence[LotLike], quantity: Decimal, ctx: SaleContext) -> Relief:
    if not ctx.picks:
        return take_in_order(lots, quantity)
    if len(ctx.picks) == 1:
        return _one_pick(lots, quantity, ctx.picks[0])
    relief: Relief = []
    used: dict[int, Decimal] = {}
    left = quantity
    for pick in ctx.picks:
        named = pick.lot_id
        candidates = [lot for lot in lots if lot.acq_id == named or lot.lot_id == named]
        if not candidates:
            raise _unknown_lot(named)
        wanted = left if pick.quantity is None else pick.quantity
        unused = [lot.qty - used.get(id(lot), _ZERO) for lot in candidates]
        available = sum(unused, _ZERO)
        if wanted > available:
            raise _too_few(named, available, wanted)
        for lot, free in zip(candidates, unused, strict=True):
            if wanted <= _ZERO:
                break
            shares = wanted if wanted < free else free
            if shares > _ZERO:
                relief.append((lot, shares))
                used[id(lot)] = used.get(id(lot), _ZERO) + shares
                wanted -= shares
                left -= shares
    if left != 0:
        raise _not_the_quantity(quantity - left, quantity)
    return relief


def _one_pick(lots: Sequence[LotLike], quantity: Decimal, pick: LotPick) -> Relief:
    """:func:`specific` for a sell that names one lot (the usual case), with the same
    result and errors: the named lot's pieces in order, without counting shares used."""
    named = pick.lot_id
    candidates = [lot for lot in lots if lot.acq_id == named or lot.lot_id == named]
    if not candidates:
        raise _unknown_lot(named)
    wanted = quantity if pick.quantity is None else pick.quantity
    relief, left = take_first(candidates, wanted)
    if left > _ZERO:
        raise _too_few(named, sum((lot.qty for lot in candidates), _ZERO), wanted)
    if wanted != quantity:
        raise _not_the_quantity(wanted, quantity)
    return relief


def _unknown_lot(named: str) -> ReliefError:
    return ReliefError(
        f"lot '{named}' is not an open lot of this account and symbol",
        "name the id of a buy whose shares are still held here (see `lotwise lots`)",
    )


def _too_few(named: str, available: Decimal, wanted: Decimal) -> ReliefError:
    return ReliefError(
        f"lot '{named}' holds {available} shares but {wanted} were asked of it",
        "lower the share count named for this lot, or name more lots",
    )


def _not_the_quantity(named: Decimal, quantity: Decimal) -> ReliefError:
    return ReliefError(
        f"the named lots give {named} shares but the sell is for {quantity}",
        "make the shares named in `lot` add up to the quantity sold",
        field="lot",
    )
