"""The strategy interface: what a strategy sees each decision day, and what it returns.

A strategy is any object with a ``name`` and a ``decide(state) -> Sequence[Trade]``
(:class:`Strategy`).  The engine calls it on every decision day with a :class:`State`:

* ``as_of``, the day (its close is the trade price), and ``quotes``, the day's closes;
* ``household``, the simulated household (accounts, securities, identical groups), with
  :meth:`State.household_today` giving it with today's target weights;
* ``book``, a :class:`BookView` of the ledger as of today: open lots per position (cheap,
  cached), and :meth:`BookView.book` for a :class:`~lotwise.ledger.book.Book` with every open
  lot and the disposals and wash sales of this year and the last 31 days (what any rule of
  the year can look at);
* ``cash`` per account, and ``needs``: cash each account must hold once the trades are done
  (a withdrawal, or the tax due, paid today);
* ``targets``: target weight per asset class today (fixed, or drifting for an index);
* ``guard``: a :class:`WashGuard` that says which identical groups may not be bought (a loss
  sale in the last 30 days) and which sales at a loss would be washed (an acquisition in the
  last 30 days);
* :meth:`State.realized_ytd` and :meth:`State.tax_position` for tax-aware strategies.

A :class:`Trade` is a buy or sell of one security in one account: a number of shares, or
a dollar amount (turned into shares at the close, rounded down to the account's precision),
and for sells optionally the lots (specific identification) or a relief method.  The engine
applies sells first, then buys, each as a :class:`~lotwise.model.transactions.Transaction`
through the ledger; a buy larger than the cash is cut down to the cash.

An adapter from the planner is thin: read ``state.household_today()``, ``state.book.book()``,
``state.quotes.table()`` and ``state.tax_position()``, call the planner for ``state.as_of``,
and map each planned order to a :class:`Trade` (lots as :class:`LotPick`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from lotwise.backtest.universe import Universe
from lotwise.ledger.book import Book
from lotwise.model.household import Household, TargetAllocation
from lotwise.model.lots import Disposal, OpenLot, Term
from lotwise.model.prices import PriceTable
from lotwise.model.transactions import LotPick, Price

if TYPE_CHECKING:
    from lotwise.ledger.replay import Replayer
    from lotwise.tax.federal import TaxPosition

WASH_DAYS = timedelta(days=30)
ZERO = Decimal(0)


class Side(StrEnum):
    BUY = "buy"
    SELL = "sell"


@dataclass(frozen=True, slots=True)
class Trade:
    """An order for the engine.  Give ``quantity`` (shares) or ``amount`` (dollars); a sell
    may instead name ``lots`` (their quantities add up to the shares sold).  ``method`` is a
    relief method of :mod:`lotwise.ledger.relief` for a sell without lots.  ``reason`` is
    free text kept with the trade ("rebalance", "harvest", "cash flow" ...)."""

    account: str
    symbol: str
    side: Side
    quantity: Decimal | None = None
    amount: Decimal | None = None
    lots: tuple[LotPick, ...] = ()
    method: str | None = None
    reason: str = ""


class Strategy(Protocol):
    """A backtest strategy: ``decide`` returns the day's trades (possibly none)."""

    @property
    def name(self) -> str: ...

    def decide(self, state: State) -> Sequence[Trade]: ...


class Quotes(Mapping[str, Decimal]):
    """The day's closes: ``quotes[symbol]`` as Decimal (4 places, the trade price),
    :meth:`close` (a float) for price math, :meth:`table` as a one-day :class:`PriceTable`."""

    __slots__ = ("_cache", "_close", "_day", "_index", "_symbols")

    def __init__(self, day: date, index: int, close: Mapping[str, list[float]],
                 symbols: Sequence[str]) -> None:
        self._day = day
        self._index = index
        self._close = close
        self._symbols = [s for s in symbols if close[s][index] == close[s][index]]  # not nan
        self._cache: dict[str, Decimal] = {}

    def close(self, symbol: str) -> float:
        """The close as a float, for price math."""
        return self._close[symbol][self._index]

    def has(self, symbol: str) -> bool:
        series = self._close.get(symbol)
        if series is None:
            return False
        value = series[self._index]
        return value == value

    def __getitem__(self, symbol: str) -> Decimal:
        found = self._cache.get(symbol)
        if found is None:
            if not self.has(symbol):
                raise KeyError(symbol)
            found = self._cache[symbol] = trade_price(self._close[symbol][self._index])
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._symbols)

    def __len__(self) -> int:
        return len(self._symbols)

    def table(self) -> PriceTable:
        return PriceTable(Price(self._day, sym, self[sym]) for sym in self._symbols)


def trade_price(close: float) -> Decimal:
    """A float close as the Decimal trade price, rounded half-even to 4 decimal places."""
    return Decimal(f"{close:.4f}")


class WashGuard:
    """Recent acquisitions and loss sales per identical group (one tax unit), kept by the
    engine as transactions are applied.

    * :meth:`can_buy`: false within 30 days after a sale at a loss of the group (a purchase
      then would wash it, IRC §1091(a)).
    * :meth:`washes`: true when some acquisition of the group in the last 30 days is not
      among ``selling`` (lot ids sold by the same sale), so a loss would be washed by it.
    """

    def __init__(self) -> None:
        self.acquisitions: dict[str, deque[tuple[date, str]]] = {}
        self.last_loss_sale: dict[str, date] = {}

    def acquired(self, group: str, day: date, lot_id: str) -> None:
        queue = self.acquisitions.setdefault(group, deque())
        queue.append((day, lot_id))
        while queue and queue[0][0] < day - WASH_DAYS:
            queue.popleft()

    def sold_at_loss(self, group: str, day: date) -> None:
        self.last_loss_sale[group] = day

    def can_buy(self, group: str, day: date) -> bool:
        last = self.last_loss_sale.get(group)
        return last is None or day - last > WASH_DAYS

    def recent(self, group: str, day: date) -> list[tuple[date, str]]:
        queue = self.acquisitions.get(group)
        if not queue:
            return []
        return [item for item in queue if item[0] >= day - WASH_DAYS]

    def washes(self, group: str, day: date, selling: set[str] | frozenset[str] = frozenset()
               ) -> bool:
        return any(lot_id not in selling for _, lot_id in self.recent(group, day))


class BookView:
    """The ledger as of the current day, read without freezing the whole history.

    Reads the open lots of the engine's incremental
    :class:`~lotwise.ledger.replay.Replayer` position by position and caches them until a
    transaction touches the position's identical group (a wash-sale adjustment can move
    basis to another symbol of the group).  Kept by the engine across days: a strategy must
    not keep it beyond one ``decide`` call.
    """

    def __init__(self, replayer: Replayer, household: Household,
                 shares: Mapping[tuple[str, str], float]) -> None:
        self._replayer = replayer
        self._household = household
        self._shares = shares
        self._cache: dict[tuple[str, str], tuple[OpenLot, ...]] = {}
        self._max_bps: dict[tuple[str, str], float] = {}
        self._by_group: dict[str, set[tuple[str, str]]] = {}
        self._disp_cursor = 0
        self._wash_cursor = 0
        self.as_of: date | None = None

    # -- kept current by the engine ---------------------------------------------------

    def touch(self, group: str) -> None:
        for key in self._by_group.pop(group, ()):
            self._cache.pop(key, None)
            self._max_bps.pop(key, None)

    def advance(self, day: date) -> None:
        """Move to ``day``; drop disposals older than the year before's last 31 days."""
        self.as_of = day
        cutoff = date(day.year - 1, 1, 1) - timedelta(days=62)
        disps = self._replayer.disposals
        while self._disp_cursor < len(disps) and disps[self._disp_cursor].sold < cutoff:
            self._disp_cursor += 1
        washes = self._replayer.wash_sales
        while self._wash_cursor < len(washes) and washes[self._wash_cursor].sold < cutoff:
            self._wash_cursor += 1

    # -- reading ------------------------------------------------------------------------

    def positions(self) -> Mapping[tuple[str, str], float]:
        """Shares held per (account, symbol), as floats (from the ledger's Decimals)."""
        return self._shares

    def shares(self, account: str, symbol: str) -> float:
        return self._shares.get((account, symbol), 0.0)

    def lots(self, account: str, symbol: str) -> tuple[OpenLot, ...]:
        """Open lots of one position, in the ledger's order (acquisition order)."""
        key = (account, symbol)
        found = self._cache.get(key)
        if found is None:
            pieces = self._replayer.positions.get(key, ())
            found = tuple(
                OpenLot(
                    lot_id=lot.lot_id,
                    account=lot.account,
                    symbol=lot.symbol,
                    quantity=lot.qty,
                    basis=lot.basis,
                    acquired=lot.acquired,
                    holding_start=lot.holding_start,
                    origin=lot.origin,
                    wash_adjustment=lot.wash_adj,
                )
                for lot in pieces
                if lot.qty > 0
            )
            self._cache[key] = found
            group = self._household.group_of(symbol)
            self._by_group.setdefault(group, set()).add(key)
        return found

    def max_basis_per_share(self, account: str, symbol: str) -> float:
        """The highest basis per share among the position's lots (0 when none): a position
        whose price is above it has no lot at a loss."""
        key = (account, symbol)
        found = self._max_bps.get(key)
        if found is None:
            lots = self.lots(account, symbol)
            found = max((float(lot.basis / lot.quantity) for lot in lots), default=0.0)
            self._max_bps[key] = found
        return found

    def basis(self, account: str, symbol: str) -> Decimal:
        return sum((lot.basis for lot in self.lots(account, symbol)), ZERO)

    def recent_disposals(self) -> tuple[Disposal, ...]:
        """Disposals sold from 1 January of last year (less 62 days) to today, in sale
        order, with their wash-sale adjustments as they stand today."""
        disps = self._replayer.disposals[self._disp_cursor:]
        return tuple(d.freeze() for d in sorted(disps, key=lambda d: (d.sold, d.order)))

    def disposals_in(self, year: int) -> tuple[Disposal, ...]:
        return tuple(d for d in self.recent_disposals() if d.sold.year == year)

    def book(self) -> Book:
        """A :class:`Book`: every open lot, cash, and the disposals and wash sales of this
        year and last (enough for any rule of the year: the 30-day wash window and
        year-to-date realized gains)."""
        lots = tuple(
            lot
            for key in sorted(self._replayer.positions)
            for lot in self.lots(*key)
        )
        cutoff = None if self.as_of is None else date(self.as_of.year, 1, 1) - timedelta(days=31)
        disposals = tuple(
            d for d in self.recent_disposals() if cutoff is None or d.sold >= cutoff
        )
        washes = tuple(
            w for w in self._replayer.wash_sales[self._wash_cursor:]
            if cutoff is None or w.sold >= cutoff
        )
        return Book(
            as_of=self.as_of,
            lots=lots,
            disposals=disposals,
            wash_sales=washes,
            cash=dict(self._replayer.cash),
        )


def realized_by_term(disposals: Sequence[Disposal], taxable: Callable[[str], bool],
                     year: int) -> tuple[Decimal, Decimal]:
    """Short- and long-term gain of the reportable disposals of ``year``."""
    short = long = ZERO
    for d in disposals:
        if d.sold.year != year or not d.reportable or not taxable(d.account):
            continue
        if d.term is Term.SHORT:
            short += d.gain
        else:
            long += d.gain
    return short, long


@dataclass(frozen=True, slots=True)
class State:
    """What a strategy sees on a decision day (see the module docstring)."""

    as_of: date
    index: int
    first: bool
    scheduled: bool
    household: Household
    universe: Universe
    quotes: Quotes
    book: BookView
    cash: Mapping[str, Decimal]
    needs: Mapping[str, Decimal]
    targets: Mapping[str, float]
    guard: WashGuard
    cost_bps: float = 0.0
    cost_per_trade: float = 0.0
    tax_position_fn: Callable[[State], TaxPosition | None] | None = field(
        default=None, repr=False
    )

    def household_today(self) -> Household:
        """The household with today's target weights (drifting for an index target)."""
        weights = {c: Decimal(repr(w)) for c, w in self.targets.items()}
        return replace(self.household, targets=TargetAllocation(weights))

    def realized_ytd(self) -> tuple[Decimal, Decimal]:
        """Short- and long-term gain realized so far this year in taxable accounts."""
        accounts = self.household.accounts
        return realized_by_term(
            self.book.disposals_in(self.as_of.year),
            lambda a: accounts[a].is_taxable,
            self.as_of.year,
        )

    def tax_position(self) -> TaxPosition | None:
        """This year's :class:`~lotwise.tax.federal.TaxPosition` with the gains realized to
        date and the carryovers in (``None`` under a flat-rate tax)."""
        if self.tax_position_fn is None:
            return None
        return self.tax_position_fn(self)

    def value(self, account: str | None = None) -> float:
        """Market value of the positions plus cash, of one account or of all."""
        total = 0.0
        for (acct, sym), shares in self.book.positions().items():
            if account is None or acct == account:
                total += shares * self.quotes.close(sym)
        for acct, cash in self.cash.items():
            if account is None or acct == account:
                total += float(cash)
        return total
