"""What the Canadian and UK ledgers share: positions per account, average-cost pools, cash.

Both countries pool identical shares at their average cost instead of keeping lots:
Canada per person across all of that person's non-registered accounts (adjusted cost base,
ITA s.47), the UK per person across the accounts within capital gains tax (the section 104
holding, TCGA 1992 s.104).  Tax-sheltered accounts (RRSP, TFSA, ISA, SIPP, ...) realize
nothing; they keep one pool per account so that the book can still show their holdings and
cost.  :class:`PooledReplayer` keeps

* ``held[(account, symbol)]`` — shares in each account, checked before every sale;
* ``pools[key]`` — a :class:`Pool` (shares, cost, the part of the cost added by a denied
  loss, the first acquisition date) per ``(owner, symbol)`` for taxable accounts and per
  ``(account, symbol)`` for sheltered ones;
* the cash events (dividends with their withholding, interest, ...).  Cash balances are
  kept in each account's own currency by :mod:`lotwise.ledger.cash`, not here: this
  ledger's amounts are in the owner's tax currency.

Removing ``q`` shares from a pool of ``Q`` shares costing ``C`` takes ``C * q / Q`` and
leaves the rest, so a pool's cost is conserved exactly: what went in equals what came out
plus what is left.  The book shows each account's shares of a pool as one
:class:`~lotwise.model.lots.OpenLot` whose basis is its share of the pool's cost.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from lotwise.errors import InputError, Source
from lotwise.ledger.book import CashEvent
from lotwise.model.household import Household
from lotwise.model.lots import Disposal, OpenLot, Term
from lotwise.model.rows import builder
from lotwise.model.transactions import Action, Transaction

ZERO = Decimal(0)


class Pool:
    """Shares of one security pooled at their average cost."""

    __slots__ = ("account", "adj", "cost", "first", "owner", "qty", "symbol")

    def __init__(self, owner: str, account: str | None, symbol: str) -> None:
        self.owner = owner
        self.account = account  # None: the owner's taxable pool across accounts
        self.symbol = symbol
        self.qty = ZERO
        self.cost = ZERO
        self.adj = ZERO  # part of ``cost`` added by denied losses (Canada: s.53(1)(f))
        self.first: date | None = None

    def add(self, qty: Decimal, cost: Decimal, day: date) -> None:
        if self.qty <= 0:
            self.first = day
        self.qty += qty
        self.cost += cost

    def take(self, qty: Decimal) -> tuple[Decimal, Decimal]:
        """Remove ``qty`` shares; return (their cost, their part of ``adj``)."""
        if qty >= self.qty:
            cost, adj = self.cost, self.adj
            self.qty, self.cost, self.adj = ZERO, ZERO, ZERO
            return cost, adj
        cost = self.cost * qty / self.qty
        adj = self.adj * qty / self.qty
        self.qty -= qty
        self.cost -= cost
        self.adj -= adj
        return cost, adj


@dataclass(frozen=True, slots=True)
class PoolBalance:
    """A pool at the book's date: the Canadian adjusted cost base of an owner's shares
    (``kind`` ``acb``), a UK section 104 holding (``s104``), or a sheltered account's
    holding (``sheltered``, ``account`` set)."""

    regime: str
    kind: str
    owner: str
    account: str | None
    symbol: str
    quantity: Decimal
    cost: Decimal
    since: date | None
    adjustment: Decimal = ZERO

    @property
    def cost_per_share(self) -> Decimal:
        return self.cost / self.quantity if self.quantity else ZERO


# Many rows are made per replay: built as lotwise.model.rows does (values in field order).
_build_disposal = builder(Disposal)

_HANDLER_NAMES = {
    Action.BUY: "buy",
    Action.REINVEST: "reinvest",
    Action.SELL: "sell",
    Action.DONATE: "donate",
    Action.TRANSFER: "transfer",
    Action.SPLIT: "split",
    Action.RETURN_OF_CAPITAL: "return_of_capital",
    Action.EXCESS_REPORTABLE_INCOME: "excess_reportable_income",
    Action.DIVIDEND: "cash_event",
    Action.INTEREST: "cash_event",
    Action.DEPOSIT: "cash_event",
    Action.WITHDRAWAL: "cash_event",
    Action.FEE: "cash_event",
}


class PooledReplayer(ABC):
    """Shared state and the actions that do not depend on the country's rules."""

    regime = ""
    taxable_kind = ""  # the PoolBalance kind of taxable pools
    lot_prefix = ""
    handlers: ClassVar[Mapping[Action, Callable[[PooledReplayer, Transaction], None]]] = {}

    def __init__(self, household: Household, accounts: Iterable[str]) -> None:
        self.household = household
        self.accounts = frozenset(accounts)
        self.owner_of = {a: household.accounts[a].owner for a in self.accounts}
        self.taxable = {a: household.accounts[a].is_taxable for a in self.accounts}
        self.held: dict[tuple[str, str], Decimal] = {}
        self.pools: dict[tuple[str, str, str], Pool] = {}
        self.cash_events: list[CashEvent] = []
        self.disposals: list[Disposal] = []
        self.last: tuple[date, int] | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # The handlers are the class's own functions, not bound methods kept on the instance,
        # so a replayer holds no reference cycle and is freed as soon as it is dropped.
        super().__init_subclass__(**kwargs)
        cls.handlers = {action: getattr(cls, name) for action, name in _HANDLER_NAMES.items()}

    # -- driving

    def apply(self, txn: Transaction) -> None:
        if txn.account not in self.accounts:
            raise error(
                txn,
                "account",
                f"unknown account '{txn.account}'",
                "add it under [accounts] in the household file, or fix the id",
            )
        key = (txn.date, txn.seq)
        if self.last is not None and key < self.last:
            raise ValueError("transactions must be applied in (date, seq) order")
        self.last = key
        self.handlers[txn.action](self, txn)

    # -- acquisitions are shared; the rest each country defines

    def buy(self, txn: Transaction) -> None:
        """An acquisition paid in cash: its cost is the price plus fees."""
        assert txn.quantity is not None
        self.acquire(txn, txn.quantity, txn.gross + txn.fees)

    def reinvest(self, txn: Transaction) -> None:
        """A dividend reinvested: an acquisition costing the dividend."""
        assert txn.quantity is not None
        self.acquire(txn, txn.quantity, self.reinvested_dividend(txn))

    @abstractmethod
    def acquire(self, txn: Transaction, quantity: Decimal, cost: Decimal) -> None:
        """Add shares bought for ``cost`` under the country's pooling or matching rules."""

    @abstractmethod
    def sell(self, txn: Transaction) -> None:
        """A disposal under the country's matching or pooling rules."""

    @abstractmethod
    def donate(self, txn: Transaction) -> None:
        """A gift in kind."""

    @abstractmethod
    def transfer(self, txn: Transaction) -> None:
        """An in-kind move between two accounts."""

    @abstractmethod
    def return_of_capital(self, txn: Transaction) -> None:
        """A distribution that reduces cost."""

    def excess_reportable_income(self, txn: Transaction) -> None:
        """UK law only (the UK ledger overrides this)."""
        raise not_uk(txn)

    # -- pools and positions

    def pool_key(self, account: str, symbol: str) -> tuple[str, str, str]:
        if self.taxable[account]:
            return ("owner", self.owner_of[account], symbol)
        return ("account", account, symbol)

    def pool(self, account: str, symbol: str) -> Pool:
        key = self.pool_key(account, symbol)
        pool = self.pools.get(key)
        if pool is None:
            taxable = self.taxable[account]
            pool = self.pools[key] = Pool(
                self.owner_of[account], None if taxable else account, symbol
            )
        return pool

    def hold(self, account: str, symbol: str, delta: Decimal) -> None:
        key = (account, symbol)
        self.held[key] = self.held.get(key, ZERO) + delta

    def check_held(self, txn: Transaction, quantity: Decimal) -> None:
        """An :class:`InputError` when the account holds fewer shares than ``quantity``."""
        assert txn.symbol is not None
        held = self.held.get((txn.account, txn.symbol), ZERO)
        if quantity > held:
            raise error(
                txn,
                "quantity",
                f"{txn.action.value} of {quantity} {txn.symbol} from '{txn.account}' on "
                f"{txn.date} but only {held} held then",
                "check the quantity, or add the missing buy or transfer in earlier in the file",
            )

    def check_picks(self, txn: Transaction) -> None:
        """Named lots make no sense where shares are pooled: only the pool's own id is
        accepted (a planner may echo it back)."""
        assert txn.symbol is not None
        own = self.lot_id(txn.account, txn.symbol)
        for pick in txn.lots:
            if pick.lot_id != own:
                raise error(
                    txn,
                    "lot",
                    f"lot '{pick.lot_id}' cannot be sold: under {self.regime} rules identical "
                    f"shares are pooled at their average cost ({self.rule_name()}), so no "
                    "lot can be chosen",
                    "leave the lot column blank for this account",
                )

    def rule_name(self) -> str:
        return ""

    def lot_id(self, account: str, symbol: str) -> str:
        """``ACB:claire:XIC@claire_cash`` for an owner's taxable pool seen from one of the
        accounts, ``claire_tfsa:XIC`` for a sheltered account's holding."""
        if self.taxable[account]:
            return f"{self.lot_prefix}:{self.owner_of[account]}:{symbol}@{account}"
        return f"{account}:{symbol}"

    def sheltered_buy(self, txn: Transaction, quantity: Decimal, cost: Decimal) -> None:
        assert txn.symbol is not None
        self.pool(txn.account, txn.symbol).add(quantity, cost, txn.date)
        self.hold(txn.account, txn.symbol, quantity)

    def sheltered_sale(self, txn: Transaction, kind: str) -> None:
        """A sale or gift inside a tax-sheltered account: no gain is realized."""
        assert txn.symbol is not None and txn.quantity is not None
        self.check_held(txn, txn.quantity)
        pool = self.pool(txn.account, txn.symbol)
        since = pool.first or txn.date
        cost, _ = pool.take(txn.quantity)
        self.hold(txn.account, txn.symbol, -txn.quantity)
        proceeds = txn.gross - (txn.fees if kind == "sale" else ZERO)
        self.record(
            txn,
            self.lot_id(txn.account, txn.symbol),
            txn.quantity,
            since,
            proceeds,
            cost,
            kind=kind,
            reportable=False,
        )

    def move(self, txn: Transaction, target: str, quantity: Decimal) -> None:
        """Move shares between two accounts of one pool (an owner's taxable accounts)."""
        assert txn.symbol is not None
        self.hold(txn.account, txn.symbol, -quantity)
        self.hold(target, txn.symbol, quantity)

    def transfer_quantity(self, txn: Transaction) -> Decimal:
        assert txn.symbol is not None
        quantity = txn.quantity
        if quantity is None:
            quantity = self.held.get((txn.account, txn.symbol), ZERO)
        self.check_held(txn, quantity)
        return quantity

    def split(self, txn: Transaction) -> None:
        """Every share in this account becomes ``quantity`` shares; cost is unchanged (a
        reorganisation: ITA s.47 averaging goes on; TCGA 1992 s.127)."""
        assert txn.symbol is not None and txn.quantity is not None
        key = (txn.account, txn.symbol)
        before = self.held.get(key, ZERO)
        if before == 0:
            return
        self.held[key] = before * txn.quantity
        self.pool(txn.account, txn.symbol).qty += before * (txn.quantity - 1)

    # -- cash events

    def event(self, txn: Transaction, amount: Decimal) -> None:
        withholding = txn.withholding or ZERO
        self.cash_events.append(
            CashEvent(
                txn.id,
                txn.date,
                txn.account,
                txn.action.value,
                txn.symbol,
                amount,
                withholding,
                txn.source_country,
            )
        )

    def cash_event(self, txn: Transaction) -> None:
        """A dividend, interest, a deposit, a withdrawal or a fee: kept for the tax year."""
        self.event(txn, txn.gross)

    def reinvested_dividend(self, txn: Transaction) -> Decimal:
        """Record a reinvested dividend as income; return the cost of the new shares."""
        dividend = txn.gross
        self.event(txn, dividend)
        return dividend + txn.fees

    # -- results

    def record(
        self,
        txn: Transaction,
        lot_id: str,
        quantity: Decimal,
        acquired: date,
        proceeds: Decimal,
        basis: Decimal,
        *,
        kind: str = "sale",
        reportable: bool = True,
        code: str = "",
        adjustment: Decimal = ZERO,
        account: str | None = None,
    ) -> None:
        """Add a :class:`Disposal` (``gain = proceeds - basis + adjustment``).  Gifts realize
        nothing in the generic view; the country's own records carry their detail."""
        assert txn.symbol is not None
        gain = ZERO if kind == "donation" else proceeds - basis + adjustment
        self.disposals.append(_build_disposal((
            txn.id, lot_id, account or txn.account, txn.symbol, quantity, acquired, acquired,
            txn.date, proceeds, basis, code, adjustment, gain,
            Term.LONG,  # no holding period in Canada or the UK
            kind, reportable,
        )))

    def open_lots(self) -> list[OpenLot]:
        lots = []
        for (account, symbol), qty in sorted(self.held.items()):
            if qty <= 0:
                continue
            pool = self.pool(account, symbol)
            whole = qty >= pool.qty
            since = pool.first or date.min
            lots.append(
                OpenLot(
                    lot_id=self.lot_id(account, symbol),
                    account=account,
                    symbol=symbol,
                    quantity=qty,
                    basis=pool.cost if whole else pool.cost * qty / pool.qty,
                    acquired=since,
                    holding_start=since,
                    origin="pool",
                    wash_adjustment=(
                        pool.adj if whole or not pool.adj else pool.adj * qty / pool.qty
                    ),
                )
            )
        return lots

    def balances(self) -> list[PoolBalance]:
        out = []
        for (_, _, symbol), pool in sorted(self.pools.items()):
            if pool.qty == 0 and pool.cost == 0:
                continue
            kind = self.taxable_kind if pool.account is None else "sheltered"
            out.append(
                PoolBalance(
                    self.regime,
                    kind,
                    pool.owner,
                    pool.account,
                    symbol,
                    pool.qty,
                    pool.cost,
                    pool.first,
                    pool.adj,
                )
            )
        return out


def not_uk(txn: Transaction) -> InputError:
    """The error for an excess reportable income row outside the UK ledger."""
    return error(txn, "action", "excess reportable income is taxed in the UK (Offshore Funds "
                 f"(Tax) Regulations 2009 reg. 94), and '{txn.account}' belongs to an owner "
                 "who is not resident there",
                 "record what the fund paid as a dividend; excess_reportable_income rows "
                 "belong to accounts of owners with tax_residence = \"UK\"")


def error(txn: Transaction, field: str | None, message: str, fix: str) -> InputError:
    source = txn.source or Source(f"transaction {txn.id}")
    return InputError.one(source, field, message, fix)
