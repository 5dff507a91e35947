"""Replay a household's journal into open lots, disposals and wash sales (US rules).

The journal is the source of truth; everything here is derived from it and replaying the
same journal gives the same book.  Transactions are applied in ``(date, seq)`` order, so
same-day rows keep their file order.

Lots
    A buy or reinvest opens a lot whose basis is cost plus fees (IRS Pub 551, "Cost
    basis").  A sell relieves lots by the account's lot method or the sell's own
    (:mod:`lotwise.ledger.relief`), each relieved piece becoming a :class:`Disposal` whose
    proceeds are net of the sale's fees, split pro rata by shares.

Wash sales (IRC §1091; Treas. Reg. §1.1091-1, -2; IRS Pub 550, "Wash Sales")
    A loss on shares sold from a taxable account is disallowed to the extent that
    substantially identical shares — the same symbol or the same ``identical_group`` — are
    acquired within 30 days before or after the sale, in any account of the seller or the
    seller's spouse, IRAs, Roth IRAs and HSAs included, dividend reinvestments included.

    * Each loss is figured per lot sold, so a loss on one block cannot reduce the gain on
      another block sold the same day (Pub 550; Rev. Rul. 70-231).
    * Losses are matched in the order the loss shares were sold; same-day losses in the
      order their shares were acquired (Reg. §1.1091-1(b)).  Replacement shares are taken
      in the order they were acquired, earliest first, each share used once
      (Reg. §1.1091-1(c), (d), (e)).  Fewer replacement shares than shares sold disallow
      only that part of the loss (Reg. §1.1091-1(c)).
    * Shares of the same purchase as the shares sold are not replacements (Rev. Rul.
      56-602); neither are shares sold in the same sale.
    * The disallowed loss is added to the basis of the replacement shares and their
      holding period is tacked onto the old one (IRC §1091(d), §1223(3); Reg. §1.1091-2);
      the replacement piece is split off its lot so that only the matched shares carry
      the adjustment.  When the replacement is bought in an IRA, Roth IRA or HSA, the loss
      is disallowed and added to no basis: it is lost for good (Rev. Rul. 2008-5).
    * Replacement shares bought in the 30 days before and already sold before the loss
      sale still count (the statute speaks of shares *acquired* in the window); the
      adjustment then goes to that earlier disposal's basis.
    * A replacement lot later sold at a loss can itself be washed (chains).

    The replay is one forward pass.  For each (tax unit, identical group) it keeps the
    acquisitions of the last 30 days and the loss shares still waiting for a replacement.
    At a loss sale, earlier acquisitions are matched first; what is left waits up to 30
    days for later acquisitions, which are matched to waiting losses as they happen.

    Shares of one identical group are never matched against another group's, so a whole
    journal is replayed one identical group at a time (:meth:`Replayer.apply_all`): the
    same book, its rows put back in journal order at the end, with each group's lots and
    window kept in the processor's caches while its rows are applied.

Example (Pub 550): buy 100 shares for $1,000; sell them for $750; within 30 days buy 100
for $800.  The $250 loss is disallowed (disposal: code W, adjustment $250, gain $0) and
the new lot's basis is $1,050, its holding period starting as many days before its
purchase as the old shares were held.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from operator import attrgetter, itemgetter
from typing import cast

from lotwise.errors import InputError, Problem, Source
from lotwise.fx import FxTable, convert, in_account_currency, row_currency
from lotwise.gcpause import collector_paused
from lotwise.ledger import cash as account_cash
from lotwise.ledger import relief
from lotwise.ledger.book import Book, CashEvent
from lotwise.ledger.ca import CaDisposition, CaReplayer, QuantityIndex, SuperficialLoss
from lotwise.ledger.holding import long_term_from, tacked_start
from lotwise.ledger.pools import not_uk
from lotwise.ledger.uk import UkDisposal, UkReplayer, replay_uk
from lotwise.model.household import Household
from lotwise.model.lots import Disposal, OpenLot, Term, WashSale
from lotwise.model.rows import ColumnRows, builder
from lotwise.model.transactions import Action, Transaction
from lotwise.regimes.base import CA, CURRENCY, UK, US, account_regimes, is_all_us, owner_regimes
from lotwise.withholding import withholding_rate

WASH_WINDOW = timedelta(days=30)  # IRC §1091(a): 30 days before or after the sale
ZERO = Decimal(0)
_add, _subtract = account_cash.add, account_cash.subtract  # exact: balances never round


# An open lot and a disposal row share one memory layout: a lot sold whole becomes the row
# of its sale in place (its class is changed, see Replayer.sell) instead of being copied
# into a new one, the most frequent disposal by far.
_PIECE_SLOTS = (
    "account", "acq", "acq_id", "acquired", "adjustment", "basis", "epoch", "free",
    "holding_start", "kind", "lot_id", "order", "origin", "pos", "proceeds", "qty",
    "reportable", "seq", "sold", "symbol", "txn_id", "wash_adj",
)


class _Lot:
    """An open piece of one acquisition, held in one account."""

    __slots__ = _PIECE_SLOTS

    lot_id: str
    acq: _Acq
    acq_id: str
    account: str
    symbol: str
    qty: Decimal
    basis: Decimal
    acquired: date
    holding_start: date
    origin: str
    wash_adj: Decimal
    seq: int
    free: bool  # not yet used as a wash-sale replacement

    def split_off(self, shares: Decimal) -> _Lot:
        """Cut ``shares`` off this lot into a new piece with its share of the basis."""
        acq = self.acq
        acq.splits += 1
        part = _new(_Lot)
        part.lot_id = f"{acq.id}#{acq.splits + 1}"
        part.acq, part.acq_id, part.seq = acq, self.acq_id, self.seq
        part.account, part.symbol, part.origin = self.account, self.symbol, self.origin
        part.acquired, part.holding_start, part.free = self.acquired, self.holding_start, self.free
        part.qty = shares
        part.basis = basis = self.basis * shares / self.qty
        self.basis -= basis
        if self.wash_adj:
            part.wash_adj = adjustment = self.wash_adj * shares / self.qty
            self.wash_adj -= adjustment
        else:
            part.wash_adj = ZERO
        self.qty -= shares
        return part


# The replay's working objects are made by ``_new`` and plain attribute stores, written
# out where they are made: calling a class with an ``__init__`` costs more than the stores.
_new = object.__new__


class _Disp:
    """A disposal under construction; frozen into :class:`Disposal` at the end.  One made
    from a lot sold whole keeps the lot's attributes, all but its acquisition."""

    __slots__ = _PIECE_SLOTS

    txn_id: str
    lot_id: str
    account: str
    symbol: str
    qty: Decimal
    acquired: date
    holding_start: date
    sold: date
    proceeds: Decimal
    basis: Decimal
    adjustment: Decimal
    kind: str
    reportable: bool
    free: bool
    order: int
    pos: int  # the journal position of the sale (see Replayer.apply_all)
    epoch: int  # the symbol's split count when sold

    def copy(self) -> _Disp:
        other = _new(_Disp)
        other.txn_id, other.lot_id, other.account, other.symbol = (
            self.txn_id, self.lot_id, self.account, self.symbol)
        other.qty, other.acquired, other.holding_start, other.sold = (
            self.qty, self.acquired, self.holding_start, self.sold)
        other.proceeds, other.basis, other.adjustment, other.kind = (
            self.proceeds, self.basis, self.adjustment, self.kind)
        other.reportable, other.free, other.order, other.pos, other.epoch = (
            self.reportable, self.free, self.order, self.pos, self.epoch)
        return other

    def freeze(self) -> Disposal:
        return _disposal(
            self.txn_id, self.lot_id, self.account, self.symbol, self.qty, self.acquired,
            self.holding_start, self.sold, self.proceeds, self.basis, self.adjustment,
            self.kind, self.reportable,
        )


def _disposal_of(lot: _Lot, qty: Decimal, basis: Decimal, proceeds: Decimal, txn: Transaction,
                 kind: str, reportable: bool, order: int, pos: int, epoch: int = 0) -> _Disp:
    """A disposal row of ``qty`` shares of ``lot``, sold by ``txn``."""
    disp = _new(_Disp)
    disp.txn_id = txn.id
    disp.lot_id = lot.lot_id
    disp.account = lot.account
    disp.symbol = lot.symbol
    disp.qty = qty
    disp.acquired = lot.acquired
    disp.holding_start = lot.holding_start
    disp.sold = txn.date
    disp.proceeds = proceeds
    disp.basis = basis
    disp.adjustment = ZERO
    disp.kind = kind
    disp.reportable = reportable
    disp.free = lot.free
    disp.order = order
    disp.pos = pos
    disp.epoch = epoch
    return disp


def _sold_whole(lot: _Lot, proceeds: Decimal, txn: Transaction, reportable: bool,
                order: int, pos: int, epoch: int) -> _Disp:
    """``lot``, sold whole by ``txn``, made into its disposal row in place: shares, basis,
    dates and ids are already the row's.  The row lets the lot's acquisition go (the sale
    has read it), so the book does not keep every acquisition alive."""
    del lot.acq
    lot.__class__ = _Disp  # type: ignore[assignment]  # same slots, see _PIECE_SLOTS
    disp: _Disp = lot  # type: ignore[assignment]  # (typing.cast would be a call per row)
    disp.txn_id = txn.id
    disp.sold = txn.date
    disp.proceeds = proceeds
    disp.adjustment = ZERO
    disp.kind = "sale"
    disp.reportable = reportable
    disp.order = order
    disp.pos = pos
    disp.epoch = epoch
    return disp


# A book taken midway (Replayer.book) copies the disposals column by column, one column per
# name here, and makes each Disposal when it is read (lotwise.model.rows.ColumnRows); gain,
# term and code follow from the columns.
_DISPOSAL_COLUMNS = (
    "txn_id", "lot_id", "account", "symbol", "qty", "acquired", "holding_start", "sold",
    "proceeds", "basis", "adjustment", "kind", "reportable",
)


def _disposal(txn_id: str, lot_id: str, account: str, symbol: str, qty: Decimal,
              acquired: date, holding_start: date, sold: date, proceeds: Decimal,
              basis: Decimal, adjustment: Decimal, kind: str, reportable: bool) -> Disposal:
    gain = ZERO if kind == "donation" else proceeds - basis + adjustment
    term = Term.LONG if sold >= _long_from(holding_start) else Term.SHORT
    return _build_disposal((
        txn_id, lot_id, account, symbol, qty, acquired, holding_start, sold, proceeds, basis,
        "W" if adjustment else "", adjustment, gain, term, kind, reportable,
    ))


# A replay freezes hundreds of thousands of rows (lotwise.model.rows); the values follow
# each dataclass's field order exactly.
_build_disposal = builder(Disposal)
_build_lot = builder(OpenLot)
_build_wash_sale = builder(WashSale)
_build_cash_event = builder(CashEvent)
_build_context = builder(relief.SaleContext)
_ACTION_NAMES = {action: action.value for action in Action}
_ORDER = attrgetter("order")
_POS = attrgetter("pos")
_SEQ = attrgetter("seq")
_DATE = attrgetter("date")
_ACCOUNT = attrgetter("account")
# Many rows share a holding-period start: its long-term date is worked out once.
_long_from = lru_cache(maxsize=65536)(long_term_from)


def _cash_event(txn: Transaction) -> CashEvent:
    """The cash event of a row that makes one (:data:`_EVENT_ACTIONS`): its gross amount."""
    return _build_cash_event((
        txn.id, txn.date, txn.account, _ACTION_NAMES[txn.action], txn.symbol, txn.gross, ZERO,
        None,
    ))


class _Acq:
    """One acquisition (buy or reinvest) and, while it is in the wash-sale window of a sale
    still to come, every piece that came from it (see :meth:`Replayer._wash_losses`)."""

    __slots__ = ("date", "id", "open", "pieces", "seq", "splits")

    id: str
    date: date
    seq: int
    pieces: list[_Lot | _Disp]
    splits: int
    open: bool

    def add(self, piece: _Lot | _Disp) -> None:
        """Keep ``piece`` while it could be a replacement for a loss sold in the window."""
        if self.open and piece.free:
            self.pieces.append(piece)

    def close(self) -> None:
        """Out of every window to come: its pieces are no longer needed."""
        self.open = False
        self.pieces.clear()


class _Group:
    """The wash-sale state of one tax unit and identical group: its acquisitions of the last
    30 days, each with its pieces, and its losses still waiting for replacement shares."""

    __slots__ = ("oldest", "recent", "waiting")

    def __init__(self) -> None:
        self.recent: deque[_Acq] = deque()
        self.oldest = date.max  # the date of recent[0], read without reaching it
        self.waiting: deque[_Pending] = deque()


class _Pending:
    """Loss shares still waiting for replacement shares bought after the sale."""

    __slots__ = ("disp", "expires", "loss_per_share", "qty")

    disp: _Disp
    qty: Decimal
    loss_per_share: Decimal
    expires: date


def _pending(disp: _Disp, qty: Decimal, loss_per_share: Decimal) -> _Pending:
    pend = _new(_Pending)
    pend.disp = disp
    pend.qty = qty
    pend.loss_per_share = loss_per_share
    pend.expires = disp.sold + WASH_WINDOW
    return pend


class _Position(list[_Lot]):
    """The open lots of one account and symbol, in acquisition order, and the wash-sale
    state their shares belong to: one look-up finds both.  A position stays, empty, when
    its last lot is relieved, since its group lives on."""

    __slots__ = ("group",)

    def __init__(self, group: _Group) -> None:
        super().__init__()
        self.group = group


class Replayer:
    """Applies transactions one by one (:meth:`apply`) or all at once (:meth:`apply_all`).

    :meth:`book` copies the result and the replayer can go on; :meth:`finish` hands the
    disposal rows over to the book and ends the replayer.  Either way the book's disposals
    are made into :class:`Disposal` rows only when read
    (:class:`~lotwise.model.rows.ColumnRows`)."""

    def __init__(self, household: Household) -> None:
        self.household = household
        self.positions: dict[tuple[str, str], _Position] = {}  # by (account, symbol)
        # The same positions by account, then symbol: found without a key tuple.
        self.by_account: dict[str, dict[str, _Position]] = {
            acct: {} for acct in household.accounts
        }
        self.disposals: list[_Disp] = []
        self.wash_sales: list[WashSale] = []
        self.cash: dict[str, Decimal] = {}
        # The rows of the cash events, made into CashEvents when the book is read.
        self.event_rows: list[Transaction] = []
        # The journal position of the row being applied, kept with each disposal and wash
        # sale it makes: they are put back in journal order when the journal was applied
        # one identical group at a time (apply_all).
        self.pos = 0
        self.wash_pos: list[int] = []
        self.by_group = False
        self.cut: list[_Disp] = []  # the parts cut off disposal rows (_split_disposal)
        self.groups: dict[tuple[str, str], _Group] = {}  # by (tax unit, identical group)
        self.unmatched: dict[int, _Pending] = {}  # id of a loss row -> its waiting shares
        self.epoch: dict[str, int] = {}  # splits of each symbol so far
        self.splits_seen: set[tuple[str, date, Decimal]] = set()
        self.last_date: date | None = None
        self.window_start = date.min  # the first day of the wash-sale window of last_date
        self.unit_of = {
            acct.id: household.tax_unit_key(acct.owner) for acct in household.accounts.values()
        }
        self.taxable = {acct.id: acct.is_taxable for acct in household.accounts.values()}
        self.lot_method = {acct.id: acct.lot_method for acct in household.accounts.values()}
        self.group_of = {sym: sec.group for sym, sec in household.securities.items()}
        # Relief methods by name, each with whether it averages basis and whether it takes
        # the lots in the order given, looked up once.
        self.methods: dict[str, tuple[relief.ReliefMethod, bool, bool]] = {}
        self.released = False

    # -- driving -------------------------------------------------------------------

    def apply(self, txn: Transaction) -> None:
        if self.released:
            raise RuntimeError("this replayer was released; replay the journal again")
        if txn.account not in self.taxable:
            raise _error(txn, "account", f"unknown account '{txn.account}'",
                         "add it under [accounts] in the household file, or fix the id")
        if txn.date != self.last_date:
            self._new_day(txn.date)
        _HANDLERS[txn.action](self, txn)
        if txn.action in _EVENT_ACTIONS:
            self.event_rows.append(txn)

    def apply_all(self, transactions: Iterable[Transaction]) -> None:
        """Apply transactions in (date, seq) order, with the book :meth:`apply` would make
        of them one by one; the accounts are checked once for all of them.

        A replayer that has applied nothing yet applies them one identical group at a time
        (:meth:`_apply_by_group`).  When a row is bad it starts again and applies them in
        journal order, so that the error reported is the first bad row's."""
        ordered = transactions if isinstance(transactions, list) else list(transactions)
        if not self.released and self.last_date is None and not self.positions:
            grouped = self._groups_of(ordered)
            if grouped is not None:
                try:
                    self._apply_by_group(ordered, *grouped)
                    return
                except InputError:
                    self.__init__(self.household)  # type: ignore[misc]  # a fresh replayer
        if self.released or not set(map(_ACCOUNT, ordered)) <= self.taxable.keys():
            for txn in ordered:  # the row at fault is reported after the rows before it
                self.apply(txn)
            return
        handlers, events = _HANDLERS, self.event_rows
        for txn in ordered:
            if txn.date != self.last_date:
                self._new_day(txn.date)
            handlers[txn.action](self, txn)
            if txn.action in _EVENT_ACTIONS:
                events.append(txn)

    def _groups_of(
        self, ordered: list[Transaction]
    ) -> tuple[list[list[int]], list[Transaction]] | None:
        """The positions of the rows of each identical group (rows without a symbol: one
        more group), and the rows that make a cash event; None when the rows are not in
        date order or name an unknown account (applied in journal order, which reports
        it).  One pass over the journal does all three."""
        group_of, accounts, makes_event = self.group_of, self.taxable, _EVENT_ACTIONS
        groups: dict[str | None, list[int]] = {}
        events: list[Transaction] = []
        last = date.min
        for pos, txn in enumerate(ordered):
            if txn.date < last or txn.account not in accounts:
                return None
            last = txn.date
            if txn.action in makes_event:
                events.append(txn)
            symbol = txn.symbol
            key = group_of.get(symbol, symbol) if symbol is not None else None
            rows = groups.get(key)
            if rows is None:
                rows = groups[key] = []
            rows.append(pos)
        return list(groups.values()), events

    def _apply_by_group(self, ordered: list[Transaction], groups: list[list[int]],
                        events: list[Transaction]) -> None:
        """Apply the rows of each identical group in journal order, one group after another.

        Shares of different identical groups never meet: their lots, wash-sale windows,
        waiting losses and splits are all kept per symbol or per group, and a transfer
        moves one symbol.  So a group's rows give the same lots and rows whichever group
        goes first; only the order of the book's rows would differ, and it is put back
        by the journal position each row keeps (``pos``).  Cash is summed exactly
        (:mod:`lotwise.ledger.cash`), so its balances do not depend on the order either.
        Going group by group keeps one group's few lots and acquisitions in the processor's
        caches while its rows are applied, where the journal's order would bring in another
        group's at almost every row: the 1,000,000-row replay of
        ``benchmarks/bench_replay.py`` takes a quarter less time (docs/benchmarks.md).
        ``events`` are the rows that make a cash event, in journal order."""
        self.by_group = True
        handlers, window = _HANDLERS, WASH_WINDOW
        for positions in groups:
            last = None
            for pos in positions:
                txn = ordered[pos]
                self.pos = pos
                day = txn.date
                if day != last:  # Replayer._new_day, written out: the rows are in date order
                    last = self.last_date = day
                    self.window_start = day - window
                handlers[txn.action](self, txn)
        if ordered:
            self._new_day(ordered[-1].date)
            self.pos = len(ordered)  # rows applied later come after the journal's
        self.event_rows = events  # found in journal order by _groups_of
        # The balances, their accounts in the order a replay in journal order meets them.
        cash = self.cash
        first: dict[str, bool] = {}
        for txn in ordered:
            if len(first) == len(cash):
                break
            if txn.action not in account_cash.MOVES_NO_CASH:
                first[txn.account] = True
        self.cash = {account: cash[account] for account in first}

    def _new_day(self, day: date) -> None:
        if self.last_date is not None and day < self.last_date:
            raise ValueError("transactions must be applied in (date, seq) order")
        self.last_date = day
        self.window_start = day - WASH_WINDOW

    def book(self, as_of: date | None) -> Book:
        """The book so far, copied: the replayer can go on."""
        ordered = self._disposals_in_order()
        columns = [list(map(attrgetter(name), ordered)) for name in _DISPOSAL_COLUMNS]
        events = ColumnRows(_cash_event, (list(self.event_rows),))
        return self._book(as_of, ColumnRows(_disposal, columns), events)

    def finish(self, as_of: date | None) -> Book:
        """The book, and the end of the replayer: the book takes the disposal rows over
        instead of copying them, and the working state is released."""
        events = ColumnRows(_cash_event, (self.event_rows,))
        book = self._book(as_of, ColumnRows(_Disp.freeze, (self._disposals_in_order(),)), events)
        self.event_rows = []
        self.release()
        return book

    def _wash_sales_in_order(self) -> tuple[WashSale, ...]:
        """In the order they were found, or, when the journal was applied one identical
        group at a time, in the journal order of the rows that found them (``wash_pos``;
        stable: those of one row in the order found)."""
        found = self.wash_sales
        if not self.by_group or len(found) < 2:
            return tuple(found)
        positions = self.wash_pos
        in_order = itemgetter(*sorted(range(len(found)), key=positions.__getitem__))(found)
        return cast(tuple[WashSale, ...], in_order)  # a tuple: two indices or more

    def release(self) -> None:
        """Drop the working state; the replayer cannot be used again.  Pieces and their
        acquisitions refer to each other, so without this the state would outlive its last
        reference until the next full collection."""
        for group in self.groups.values():
            for acq in group.recent:
                acq.close()
        self.groups.clear()
        self.unmatched.clear()
        self.disposals, self.cut = [], []
        self.released = True

    def _disposals_in_order(self) -> list[_Disp]:
        """By sale date, then creation: ``order`` alone says both when rows are made in
        journal order, and the part cut off a row keeps the row's ``order`` (stable sort:
        after it).  Rows made one identical group at a time are in the journal order of
        their sales, ``pos``, and then, within a sale, of ``order``."""
        if not self.by_group:
            return sorted(self.disposals, key=_ORDER)
        # By sale first: each sale's rows stay in the order they were made, which is their
        # ``order`` but for the parts cut off them later.  Only the sales with such parts
        # are then sorted by ``order``, as a second full sort would have done.
        ordered = sorted(self.disposals, key=_POS)
        for pos in {part.pos for part in self.cut}:
            first = bisect_left(ordered, pos, key=_POS)
            end = bisect_right(ordered, pos, lo=first, key=_POS)
            ordered[first:end] = sorted(ordered[first:end], key=_ORDER)
        return ordered

    def _book(self, as_of: date | None, disposals: ColumnRows[Disposal],
              cash_events: ColumnRows[CashEvent]) -> Book:
        lots = [
            _build_lot((lot.lot_id, lot.account, lot.symbol, lot.qty, lot.basis, lot.acquired,
                        lot.holding_start, lot.origin, lot.wash_adj))
            for (_, _), pieces in sorted(self.positions.items())
            for lot in pieces
            if lot.qty > 0
        ]
        return Book(
            as_of=as_of,
            lots=tuple(lots),
            disposals=disposals,
            wash_sales=self._wash_sales_in_order(),
            cash=dict(self.cash),
            cash_events=cash_events,
        )

    # -- helpers -------------------------------------------------------------------

    def _add_cash(self, account: str, amount: Decimal) -> None:
        cash = self.cash
        cash[account] = _add(cash.get(account, ZERO), amount)

    def _position(self, account: str, symbol: str) -> _Position:
        """The lots of ``symbol`` in ``account``, with the wash-sale state (tax unit and
        identical group) that they belong to."""
        key = (account, symbol)
        position = self.positions.get(key)
        if position is None:
            unit = (self.unit_of[account], self.group_of.get(symbol, symbol))
            group = self.groups.get(unit)
            if group is None:
                group = self.groups[unit] = _Group()
            position = self.positions[key] = _Position(group)
            self.by_account[account][symbol] = position
        return position

    def _group(self, account: str, symbol: str) -> _Group:
        """The wash-sale state that shares of ``symbol`` in ``account`` belong to."""
        return self._position(account, symbol).group

    def _relieve(self, txn: Transaction, lots: list[_Lot], quantity: Decimal,
                 proceeds: Decimal, method_name: str | None = None) -> list[tuple[_Lot, Decimal]]:
        """Choose the lots of ``lots`` (the position, compacted: no empty lots) that a
        sale, donation or transfer takes; checks shares are held."""
        name = method_name or txn.method or self.lot_method[txn.account]
        if txn.lots:
            name = "specific"
        found = self.methods.get(name)
        if found is None:
            found = self.methods[name] = (
                self._method(txn, name), relief.averages(name), relief.in_order(name))
        method, averages, in_order = found
        if averages and len(lots) > 1:
            _average(lots)
        if in_order:
            chosen, left = relief.take_first(lots, quantity)
            if left > ZERO:
                self._check_held(txn, lots, quantity)
            return chosen  # type: ignore[return-value]  # pieces of ``lots``, all _Lot
        ctx = _build_context((txn.date, proceeds / quantity if quantity else ZERO, txn.lots))
        try:
            chosen = method(lots, quantity, ctx)
        except relief.ReliefError as exc:
            self._check_held(txn, lots, quantity)  # too few shares held is told first
            raise _error(txn, exc.field, exc.message, exc.fix) from None
        relieved = ZERO
        for _, shares in chosen:
            relieved += shares
        if relieved != quantity:  # the shares held are counted only when short
            self._check_held(txn, lots, quantity)
        return chosen  # type: ignore[return-value]  # pieces of ``lots``, all _Lot

    def _check_held(self, txn: Transaction, lots: list[_Lot], quantity: Decimal) -> None:
        held = ZERO
        for lot in lots:
            held += lot.qty
            if held >= quantity:
                return
        if quantity > held:
            raise _error(
                txn, "quantity",
                f"{txn.action.value} of {quantity} {txn.symbol} from '{txn.account}' on "
                f"{txn.date} but only {held} held then",
                "check the quantity, or add the missing buy or transfer in earlier in the file",
            )

    def _method(self, txn: Transaction, name: str) -> relief.ReliefMethod:
        try:
            return relief.get(name)
        except KeyError:
            raise _error(txn, "method", f"unknown lot method '{name}'",
                         f"use one of {', '.join(relief.names())}") from None

    def _take(self, lot: _Lot, shares: Decimal) -> Decimal:
        """Remove ``shares`` from ``lot``; return the basis removed."""
        qty = lot.qty
        if shares == qty:
            basis = lot.basis
            lot.qty, lot.basis, lot.wash_adj = ZERO, ZERO, ZERO
            return basis
        basis = lot.basis * shares / qty
        if lot.wash_adj:
            lot.wash_adj -= lot.wash_adj * shares / qty
        lot.qty = qty - shares
        lot.basis -= basis
        return basis

    @staticmethod
    def _compact(lots: list[_Lot], emptied: list[_Lot] | None = None) -> None:
        """Drop the position's empty lots: ``emptied`` when the caller knows them (often the
        first ones, first in, first out), else every lot is looked at."""
        if emptied is None:
            lots[:] = [lot for lot in lots if lot.qty > ZERO]
        elif lots[:len(emptied)] == emptied:  # compared by identity
            del lots[:len(emptied)]
        else:  # each found by identity, at C speed (the lots read no further)
            for lot in emptied:
                lots.remove(lot)

    # -- acquisitions and wash-sale matching ----------------------------------------

    def _acquire(self, txn: Transaction, quantity: Decimal, basis: Decimal, origin: str) -> None:
        assert txn.symbol is not None
        account, symbol, day = txn.account, txn.symbol, txn.date
        txn_id, seq = txn.id, txn.seq
        acq = _new(_Acq)
        acq.id = txn_id
        acq.date = day
        acq.seq = seq
        acq.splits = 0
        acq.open = True
        lot = _new(_Lot)
        lot.lot_id = txn_id
        lot.acq = acq
        lot.acq_id = txn_id
        lot.account = account
        lot.symbol = symbol
        lot.qty = quantity
        lot.basis = basis
        lot.acquired = day
        lot.holding_start = day
        lot.origin = origin
        lot.wash_adj = ZERO
        lot.seq = seq
        lot.free = True
        acq.pieces = [lot]
        position = self.by_account[account].get(symbol) or self._position(account, symbol)
        if quantity > ZERO:  # positions hold no empty lot between transactions
            position.append(lot)
        group = position.group
        if group.waiting:
            self._replace_waiting(group.waiting, lot, day)
        if group.oldest < self.window_start:
            _expire(group, self.window_start)
        recent = group.recent
        if not recent:
            group.oldest = day
        recent.append(acq)

    def _replace_waiting(self, waiting: deque[_Pending], lot: _Lot, day: date) -> None:
        """Offer a new lot to the losses waiting for replacement shares, oldest first."""
        while waiting and (waiting[0].expires < day or waiting[0].qty <= ZERO):
            waiting.popleft()
        for pend in waiting:  # matching a new lot never changes the queue itself
            if lot.qty <= ZERO or not lot.free:
                break
            if pend.expires < day or pend.qty <= ZERO:
                continue
            self._match(pend, lot, lot.qty if lot.qty < pend.qty else pend.qty)

    def _match(self, pend: _Pending, piece: _Lot | _Disp, shares: Decimal) -> None:
        """Wash ``shares`` of the waiting loss against the replacement ``piece``."""
        loss = pend.disp
        disallowed = pend.loss_per_share * shares
        loss.adjustment += disallowed
        pend.qty -= shares
        # One path per kind of piece, so that each reads and writes one class's attributes.
        if isinstance(piece, _Lot):
            self._replace_with_lot(loss, piece, shares, disallowed)
        else:
            self._replace_with_sold(loss, piece, shares, disallowed)

    def _replace_with_lot(self, loss: _Disp, lot: _Lot, shares: Decimal,
                          disallowed: Decimal) -> None:
        if shares < lot.qty:
            part = lot.split_off(shares)
            position = self.by_account[lot.account][lot.symbol]
            if position[-1] is lot:  # often the latest purchase: no search
                position.append(part)
            else:
                position.insert(position.index(lot) + 1, part)
            lot = part
        lot.free = False
        permanent = not self.taxable[lot.account]
        if not permanent:
            lot.basis += disallowed
            lot.wash_adj += disallowed
            lot.holding_start = tacked_start(lot.acquired, loss.holding_start, loss.sold)
        self.wash_pos.append(self.pos)
        self.wash_sales.append(_build_wash_sale((
            loss.txn_id, loss.lot_id, loss.sold, loss.account, loss.symbol, shares, disallowed,
            lot.lot_id, lot.account, lot.symbol, lot.acquired, permanent,
        )))

    def _replace_with_sold(self, loss: _Disp, disp: _Disp, shares: Decimal,
                           disallowed: Decimal) -> None:
        """The replacement shares were bought in the window and already sold: the
        adjustment goes to the basis of their disposal row."""
        if shares < disp.qty:
            disp = self._split_disposal(disp, shares)
        disp.free = False
        permanent = not self.taxable[disp.account]
        if not permanent:
            disp.basis += disallowed
            disp.holding_start = tacked_start(disp.acquired, loss.holding_start, loss.sold)
        self.wash_pos.append(self.pos)
        self.wash_sales.append(_build_wash_sale((
            loss.txn_id, loss.lot_id, loss.sold, loss.account, loss.symbol, shares, disallowed,
            disp.lot_id, disp.account, disp.symbol, disp.acquired, permanent,
        )))

    def _split_disposal(self, disp: _Disp, shares: Decimal) -> _Disp:
        """Cut ``shares`` off a disposal row (a replacement already sold, matched in part).

        The piece cut off takes the row's loss shares still waiting for a replacement first,
        so share counts stay exact and neither row can be adjusted beyond its own loss."""
        part = disp.copy()
        waiting = self.unmatched.get(id(disp))
        unmatched = waiting.qty if waiting is not None and waiting.qty > 0 else ZERO
        # The piece cut off takes the row's still-unmatched loss shares first, so share counts
        # stay exact; money is shared by shares, and the adjustment by matched shares.
        part_unmatched = shares if shares < unmatched else unmatched
        matched = disp.qty - unmatched
        fraction = shares / disp.qty
        part.qty = shares
        part.basis = disp.basis * fraction
        part.proceeds = disp.proceeds * fraction
        part.adjustment = (
            disp.adjustment * (shares - part_unmatched) / matched if matched else ZERO
        )
        disp.qty -= shares
        disp.basis -= part.basis
        disp.proceeds -= part.proceeds
        disp.adjustment -= part.adjustment
        if waiting is not None and part_unmatched > 0:
            moved = _pending(part, part_unmatched, waiting.loss_per_share)
            waiting.qty -= part_unmatched
            self.unmatched[id(part)] = moved
            queue = self._group(disp.account, disp.symbol).waiting
            queue.insert(queue.index(waiting) + 1, moved)
        self.disposals.append(part)
        self.cut.append(part)
        return part

    def _wash_losses(self, txn: Transaction, group: _Group,
                     losses: list[tuple[_Disp, _Acq]]) -> None:
        """Match this sale's loss pieces (each with the acquisition of its shares) against
        earlier acquisitions, then leave the rest waiting for later ones.

        ``recent`` holds the acquisitions of the last 30 days of the tax unit and identical
        group, each with its pieces (its open lots, and its shares already sold); one that
        leaves the window is closed and drops its pieces, since no later sale can use it."""
        if len(losses) > 1:
            losses.sort(key=_loss_order)  # Reg. §1.1091-1(b)
        if group.oldest < self.window_start:
            _expire(group, self.window_start)
        recent = group.recent
        for disp, acq in losses:
            pend = _pending(disp, disp.qty, (disp.basis - disp.proceeds) / disp.qty)
            if recent:
                self._replace_earlier(pend, acq, recent, txn.id)
            if pend.qty > ZERO:
                self.unmatched[id(disp)] = pend
                group.waiting.append(pend)

    def _replace_earlier(self, pend: _Pending, own: _Acq, recent: deque[_Acq],
                         sale_id: str) -> None:
        """Match a loss against the acquisitions of the 30 days before it, earliest first;
        ``own`` is the acquisition of the shares sold.

        A piece once unusable as a replacement stays so (used, sold out, sold before a
        split); those met on the way are dropped from their acquisition."""
        epochs = self.epoch
        for acq in recent:
            if acq is own:  # same purchase: Rev. Rul. 56-602
                continue
            pieces = acq.pieces
            spent = False
            for piece in pieces:
                if not (piece.free and piece.qty > ZERO) or (
                    type(piece) is _Disp and not _usable(piece, epochs)
                ):
                    spent = True
                elif isinstance(piece, _Lot) or piece.txn_id != sale_id:  # not sold in this sale
                    # A part cut off by a match is used at once and never added to pieces.
                    self._match(pend, piece, piece.qty if piece.qty < pend.qty else pend.qty)
                    if pend.qty <= ZERO:
                        break
            if spent:
                acq.pieces = [piece for piece in pieces if _usable(piece, epochs)]
            if pend.qty <= ZERO:
                return

    # -- handlers -----------------------------------------------------------------

    # ``txn.gross`` and ``_add_cash`` are written out in the handlers that run for most rows.
    # No handler records its cash event: the rows of _EVENT_ACTIONS are the events, taken
    # where the rows are applied (apply, apply_all, _groups_of).

    def buy(self, txn: Transaction) -> None:
        quantity, amount, account = txn.quantity, txn.amount, txn.account
        assert quantity is not None
        if amount is None:
            assert txn.price is not None
            amount = quantity * txn.price
        cost = amount + txn.fees
        cash = self.cash
        cash[account] = _subtract(cash.get(account, ZERO), cost)
        self._acquire(txn, quantity, cost, "buy")

    def reinvest(self, txn: Transaction) -> None:
        quantity, dividend, fees, account = txn.quantity, txn.amount, txn.fees, txn.account
        assert quantity is not None
        if dividend is None:
            assert txn.price is not None
            dividend = quantity * txn.price
        cash = self.cash
        cash[account] = _subtract(cash.get(account, ZERO), fees)
        self._acquire(txn, quantity, dividend + fees, "reinvest")

    def sell(self, txn: Transaction) -> None:
        quantity, amount, account = txn.quantity, txn.amount, txn.account
        assert quantity is not None and txn.symbol is not None
        if amount is None:
            assert txn.price is not None
            amount = quantity * txn.price
        proceeds_total = amount - txn.fees
        symbol = txn.symbol
        position = self.by_account[account].get(symbol) or self._position(account, symbol)
        chosen = self._relieve(txn, position, quantity, proceeds_total)
        reportable = self.taxable[account]
        epoch = self.epoch.get(txn.symbol, 0)
        disposals, pos = self.disposals, self.pos
        losses: list[tuple[_Disp, _Acq]] = []
        emptied: list[_Lot] = []
        window_start = self.window_start
        for lot, shares in chosen:
            proceeds = proceeds_total if shares == quantity else proceeds_total * shares / quantity
            acq = lot.acq
            whole = shares == lot.qty
            if whole:  # the lot becomes its own disposal row
                emptied.append(lot)
                basis = lot.basis
                disp = _sold_whole(lot, proceeds, txn, reportable, len(disposals), pos, epoch)
            else:
                basis = self._take(lot, shares)
                if lot.qty <= ZERO:
                    emptied.append(lot)
                disp = _disposal_of(lot, shares, basis, proceeds, txn, "sale", reportable,
                                    len(disposals), pos, epoch)
            disposals.append(disp)
            # Sold shares of an unused lot can still replace a loss sold in the 30 days
            # after their purchase: kept with their acquisition, after its other pieces,
            # while it is in the window (an acquisition before the window is closed, or is
            # closed before it is read).
            # A free lot of an acquisition in the window is one of its pieces, so a lot sold
            # whole is moved after the others, where a new row would have gone.
            if disp.free and disp.acquired >= window_start:
                pieces = acq.pieces
                if not whole:
                    pieces.append(disp)
                elif pieces[-1] is not lot:
                    pieces.remove(lot)  # found by identity: no piece defines ==
                    pieces.append(disp)
            if reportable and proceeds < basis:
                losses.append((disp, acq))
        if emptied:
            self._compact(position, emptied)
        cash = self.cash
        cash[account] = _add(cash.get(account, ZERO), proceeds_total)
        if losses:
            self._wash_losses(txn, position.group, losses)

    def donate(self, txn: Transaction) -> None:
        assert txn.quantity is not None and txn.symbol is not None
        value = txn.gross
        position = self._position(txn.account, txn.symbol)
        for lot, shares in self._relieve(txn, position, txn.quantity, value):
            basis = self._take(lot, shares)
            disp = _disposal_of(lot, shares, basis, value * shares / txn.quantity, txn,
                                "donation", False, len(self.disposals), self.pos)
            self.disposals.append(disp)
        self._compact(position)

    def transfer(self, txn: Transaction) -> None:
        assert txn.symbol is not None
        target = txn.to_account
        if target is None or target not in self.taxable:
            raise _error(txn, "to_account", f"unknown destination account '{target}'",
                         "name an account of the household in to_account")
        source = self._position(txn.account, txn.symbol)
        quantity = txn.quantity
        if quantity is None:
            quantity = sum((lot.qty for lot in source), ZERO)
        destination = self._position(target, txn.symbol)
        moved: set[int] = set()
        for lot, shares in self._relieve(txn, source, quantity, ZERO,
                                         None if txn.lots else "fifo"):
            piece = lot
            if shares < lot.qty:
                piece = lot.split_off(shares)
                lot.acq.add(piece)
            piece.account = target  # basis, dates and wash adjustments travel with the shares
            destination.append(piece)
            moved.add(id(piece))
        destination.sort(key=lambda lot: (lot.acquired, lot.seq))
        source[:] = [lot for lot in source if id(lot) not in moved and lot.qty > ZERO]

    def split(self, txn: Transaction) -> None:
        """A split row rescales its account's lots.  The split itself is a corporate action
        on the security, so the first row for a symbol and day also rescales every loss of
        that symbol still waiting for replacement shares, in any account, and starts a new
        share epoch: shares sold before it are counted in old units and are no longer
        offered as replacement shares (see :meth:`_wash_losses`)."""
        assert txn.quantity is not None and txn.symbol is not None
        ratio = txn.quantity
        position = self._position(txn.account, txn.symbol)
        for lot in position:
            lot.qty *= ratio
        event = (txn.symbol, txn.date, ratio)
        if event not in self.splits_seen:
            self.splits_seen.add(event)
            self.epoch[txn.symbol] = self.epoch.get(txn.symbol, 0) + 1
            for group in self.groups.values():
                for pend in group.waiting:
                    if pend.disp.symbol == txn.symbol:
                        pend.qty *= ratio
                        pend.loss_per_share /= ratio
        self._compact(position)

    def return_of_capital(self, txn: Transaction) -> None:
        assert txn.symbol is not None and txn.amount is not None
        lots = [lot for lot in self._position(txn.account, txn.symbol) if lot.qty > 0]
        held = sum((lot.qty for lot in lots), ZERO)
        if held == 0:
            raise _error(txn, "symbol", f"return of capital on {txn.symbol} in '{txn.account}' "
                         "but no shares are held", "check the account and symbol of this row")
        self._add_cash(txn.account, txn.amount)
        per_share = txn.amount / held
        for lot in lots:
            reduction = per_share * lot.qty
            if reduction <= lot.basis:
                lot.basis -= reduction
                continue
            # Pub 550, "Nondividend Distributions": beyond basis it is a capital gain.
            excess = reduction - lot.basis
            disp = _disposal_of(lot, lot.qty, ZERO, excess, txn, "return_of_capital",
                                self.taxable[txn.account], len(self.disposals), self.pos)
            self.disposals.append(disp)
            lot.basis = ZERO

    def not_uk(self, txn: Transaction) -> None:
        raise not_uk(txn)

    def cash_in(self, txn: Transaction) -> None:
        amount, account = txn.gross, txn.account
        cash = self.cash
        cash[account] = _add(cash.get(account, ZERO), amount)

    def cash_out(self, txn: Transaction) -> None:
        amount, account = txn.gross, txn.account
        cash = self.cash
        cash[account] = _subtract(cash.get(account, ZERO), amount)


def _expire(group: _Group, start: date) -> None:
    """Close the group's acquisitions made before ``start``, the first day of the window."""
    recent = group.recent
    while recent and recent[0].date < start:
        acq = recent.popleft()  # acq.close(), written out
        acq.open = False
        acq.pieces.clear()
    group.oldest = recent[0].date if recent else date.max


def _usable(piece: _Lot | _Disp, epochs: dict[str, int]) -> bool:
    """Could ``piece`` still be a replacement?  Shares sold count only if they were sold,
    not given away, and in the units of the symbol's latest split."""
    if not piece.free or piece.qty <= ZERO:
        return False
    return isinstance(piece, _Lot) or (
        piece.kind == "sale" and piece.epoch == epochs.get(piece.symbol, 0)
    )


def _loss_order(loss: tuple[_Disp, _Acq]) -> tuple[date, int]:
    _, acq = loss  # a lot's acquisition date and journal order are its acquisition's
    return (acq.date, acq.seq)


def _average(lots: list[_Lot]) -> None:
    """Give every lot of the position the average basis (and wash adjustment) per share."""
    total_basis = sum((lot.basis for lot in lots), ZERO)
    total_adj = sum((lot.wash_adj for lot in lots), ZERO)
    total_qty = sum((lot.qty for lot in lots), ZERO)
    for lot in lots:
        lot.basis = total_basis * lot.qty / total_qty
        lot.wash_adj = total_adj * lot.qty / total_qty


def _error(txn: Transaction, field: str | None, message: str, fix: str) -> InputError:
    source = txn.source or Source(f"transaction {txn.id}")
    return InputError.one(source, field, message, fix)


# The actions whose rows are cash events (kept as rows in Replayer.event_rows, made into
# CashEvents by _cash_event when the book is read).
_EVENT_ACTIONS = frozenset({
    Action.REINVEST, Action.RETURN_OF_CAPITAL, Action.DIVIDEND, Action.INTEREST, Action.DEPOSIT,
    Action.WITHDRAWAL, Action.FEE,
})
_HANDLERS = {
    Action.BUY: Replayer.buy,
    Action.REINVEST: Replayer.reinvest,
    Action.SELL: Replayer.sell,
    Action.DONATE: Replayer.donate,
    Action.TRANSFER: Replayer.transfer,
    Action.SPLIT: Replayer.split,
    Action.RETURN_OF_CAPITAL: Replayer.return_of_capital,
    Action.EXCESS_REPORTABLE_INCOME: Replayer.not_uk,
    Action.DIVIDEND: Replayer.cash_in,
    Action.INTEREST: Replayer.cash_in,
    Action.DEPOSIT: Replayer.cash_in,
    Action.WITHDRAWAL: Replayer.cash_out,
    Action.FEE: Replayer.cash_out,
}


def replay(
    household: Household,
    transactions: Iterable[Transaction],
    *,
    as_of: date | None = None,
    fx: FxTable | None = None,
) -> Book:
    """Replay ``transactions`` (up to and including ``as_of``) into a :class:`Book`.

    Each owner's accounts are replayed under the owner's regime (``tax_residence``): US
    residents by :class:`Replayer` (the rules above), Canadian residents by
    :class:`~lotwise.ledger.ca.CaReplayer`, UK residents by
    :class:`~lotwise.ledger.uk.UkReplayer`, and the results are merged into one book.  A
    row in another currency than its owner's regime's is converted at its ``fx_rate`` or
    at ``fx``'s rate of its date (:func:`lotwise.fx.convert`); each account's cash stays in
    the account's own currency (:mod:`lotwise.ledger.cash`).  See docs/regimes.md.
    """
    # The collector would walk the journal and the replay's many long-lived objects again
    # and again; none of them is cyclic garbage, so it is paused throughout.  No replay
    # leaves cyclic garbage (Replayer.release; the pooled replayers hold no cycle), so what
    # it keeps, the book, goes straight to the collector's oldest generation instead of
    # being scanned by the first collection after the pause.
    with collector_paused(promote=True):
        # (date, seq) order by two stable sorts on plain keys: no key tuple made per row.
        ordered = sorted(transactions, key=_SEQ)
        ordered.sort(key=_DATE)
        if as_of is not None:
            ordered = [txn for txn in ordered if txn.date <= as_of]
        if not _only_us(household, ordered):
            return _replay_regimes(household, ordered, as_of, fx)
        return _replay_us(household, ordered, as_of)


def _replay_us(household: Household, ordered: list[Transaction], as_of: date | None) -> Book:
    replayer = Replayer(household)
    replayer.apply_all(ordered)
    return replayer.finish(as_of)  # the rest freed here, while the collector is paused


# -- dispatch by regime -----------------------------------------------------------------


def _only_us(household: Household, ordered: list[Transaction]) -> bool:
    """US residents only, every amount in dollars, no foreign tax withheld: the US ledger
    alone, exactly as before the other regimes existed."""
    if not is_all_us(household):
        return False
    if (
        household.base_currency != "USD"
        or any(a.currency != "USD" for a in household.accounts.values())
        or any(s.currency != "USD" for s in household.securities.values())
    ):
        return False
    return (
        set(map(_CURRENCY, ordered)) <= {None, "USD"}
        and set(map(_WITHHOLDING, ordered)) <= {None}
        and not any(map(_SOURCE_COUNTRY, ordered))
    )


_CURRENCY = attrgetter("currency")
_CASH_MOVES = (Action.DEPOSIT, Action.WITHDRAWAL)
_WITHHOLDING = attrgetter("withholding")
_SOURCE_COUNTRY = attrgetter("source_country")


def _replay_regimes(
    household: Household, ordered: list[Transaction], as_of: date | None, fx: FxTable | None
) -> Book:
    """Convert, split by regime, replay each part with its own ledger, merge the books."""
    regimes = account_regimes(household)
    currencies = {account: CURRENCY[code] for account, code in regimes.items()}
    problems = []
    for txn in ordered:
        if txn.account not in regimes:
            raise _error(txn, "account", f"unknown account '{txn.account}'",
                         "add it under [accounts] in the household file, or fix the id")
        target = txn.to_account
        if txn.action is Action.TRANSFER and target in regimes and (
            regimes[target] != regimes[txn.account]
        ):
            problems.append(_problem(
                txn, "to_account",
                f"the transfer from '{txn.account}' ({regimes[txn.account]} resident owner) to "
                f"'{target}' ({regimes[target]} resident owner) crosses tax regimes",
                "record a sell in the first account and a buy in the second",
            ))
    if problems:
        raise InputError(problems)
    # A deposit or withdrawal in another currency moves cash (kept in the account's own
    # currency, :func:`_cash`) and has no tax amount: no rate is asked for it.
    taxed = [t for t in ordered
             if not (t.action in _CASH_MOVES
                     and row_currency(household, t) != currencies[t.account])]
    converted = _withheld(household, convert(household, taxed, currencies, fx), regimes)
    parts: dict[str, list[Transaction]] = {US: [], CA: [], UK: []}
    for txn in converted:
        parts[regimes[txn.account]].append(txn)
    present = set(regimes.values())
    books: list[Book] = []
    ca_lines: tuple[CaDisposition, ...] = ()
    superficial: tuple[SuperficialLoss, ...] = ()
    uk_lines: tuple[UkDisposal, ...] = ()
    if US in present:
        books.append(_with_withholding(_replay_us(household, parts[US], as_of), parts[US]))
    if CA in present:
        residents = [o for o, code in owner_regimes(household).items() if code == CA]
        ca = CaReplayer(household, [a for a, c in regimes.items() if c == CA],
                        QuantityIndex(ordered), residents)
        for txn in parts[CA]:
            ca.apply(txn)
        books.append(_pooled_book(ca, as_of))
        ca_lines, superficial = tuple(ca.dispositions), tuple(ca.superficial)
    if UK in present:
        uk = replay_uk(household, [a for a, c in regimes.items() if c == UK], parts[UK])
        books.append(_pooled_book(uk, as_of))
        uk_lines = tuple(uk.uk_disposals())
    order = {txn.id: (txn.date, txn.seq) for txn in ordered}
    return Book(
        as_of=as_of,
        lots=tuple(sorted((lot for b in books for lot in b.lots),
                          key=lambda lot: (lot.account, lot.symbol))),
        disposals=tuple(sorted((d for b in books for d in b.disposals), key=lambda d: d.sold)),
        wash_sales=tuple(w for b in books for w in b.wash_sales),
        cash=_cash(household, ordered, currencies, fx, regimes),
        cash_events=tuple(sorted((e for b in books for e in b.cash_events),
                                 key=lambda e: order.get(e.txn_id, (e.date, 0)))),
        regimes=regimes,
        currencies=currencies,
        cash_currencies={a.id: a.currency for a in household.accounts.values()},
        pools=tuple(p for b in books for p in b.pools),
        superficial_losses=superficial,
        ca_dispositions=ca_lines,
        uk_disposals=uk_lines,
    )


def _pooled_book(replayer: CaReplayer | UkReplayer, as_of: date | None) -> Book:
    return Book(
        as_of=as_of,
        lots=tuple(replayer.open_lots()),
        disposals=tuple(replayer.disposals),
        wash_sales=(),
        cash_events=tuple(replayer.cash_events),
        pools=tuple(replayer.balances()),
    )


def _withheld(
    household: Household, transactions: list[Transaction], regimes: dict[str, str]
) -> list[Transaction]:
    """A dividend with a source country and no ``withholding`` had the treaty rate of
    :mod:`lotwise.withholding` withheld, for its owner's residence and account type."""
    out = []
    problems = []
    for txn in transactions:
        if (
            txn.action in (Action.DIVIDEND, Action.REINVEST)
            and txn.source_country
            and txn.withholding is None
        ):
            account = household.accounts[txn.account]
            found = withholding_rate(txn.source_country, regimes[txn.account],
                                     account.type.value)
            if found is None:
                problems.append(_problem(
                    txn, "withholding",
                    f"lotwise has no withholding rate for a dividend from {txn.source_country} "
                    f"to a {regimes[txn.account]} resident's {account.type.value} account",
                    "give the tax withheld in the withholding column (see the broker statement)",
                ))
                continue
            txn = replace(txn, withholding=txn.gross * found.rate)
        out.append(txn)
    if problems:
        raise InputError(problems)
    return out


def _with_withholding(book: Book, transactions: list[Transaction]) -> Book:
    """The US ledger's book, with the foreign tax withheld on each dividend in its cash
    event (the cash itself is :func:`_cash`'s)."""
    withheld = {t.id: t for t in transactions if t.withholding or t.source_country}
    if not withheld:
        return book
    events = []
    for event in book.cash_events:
        txn = withheld.get(event.txn_id)
        if txn is not None and event.action in ("dividend", "reinvest"):
            event = replace(event, withholding=txn.withholding or ZERO,
                            source_country=txn.source_country)
        events.append(event)
    return replace(book, cash_events=tuple(events))


def _cash(
    household: Household, ordered: list[Transaction], tax_currencies: dict[str, str],
    fx: FxTable | None, regimes: dict[str, str],
) -> dict[str, Decimal]:
    """Each account's cash in the account's own currency, never restated at a rate of the
    past (:mod:`lotwise.ledger.cash`); the tax amounts are converted apart."""
    rows = in_account_currency(household, ordered, tax_currencies, fx)
    return account_cash.balances(_withheld(household, rows, regimes))


def _problem(txn: Transaction, field: str | None, message: str, fix: str) -> Problem:
    return Problem(txn.source or Source(f"transaction {txn.id}"), field, message, fix)
