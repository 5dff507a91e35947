"""Baseline strategies, and the :class:`Plan` helper they share.

Baselines (each a fresh object per run; ``make_strategy(name, params)`` builds one):

``buy_and_hold``
    Buys the target on the first day; afterwards only puts new cash (contributions, cash
    dividends, tax savings) into the most underweight classes and raises cash for
    withdrawals and taxes from the most overweight ones, first-in first-out.
``annual_fifo``
    The same, plus once a year (the first decision day of ``month``, January by default,
    from the second year) a full rebalance to target, selling first-in first-out.
``band_hifo``
    The same as buy and hold, plus a full rebalance to target whenever an asset class
    drifts outside its band (``band`` = 0.05 absolute, optionally also ``relative_band``,
    the "5/25" rule), selling the highest-cost lots first.
``baseline_harvest``
    **The baseline harvester, not the planner's**: ``band_hifo`` plus, on each step, a
    sale of every taxable lot whose loss exceeds ``threshold`` (5 % of its basis by default)
    and ``min_loss`` dollars per position, the proceeds moved to the next security of the
    class in another identical group (or, with no substitute, left for the most underweight
    classes); and a switch back to the class's first security once that is allowed again
    (31 days after its loss sale) and the move realizes no short-term gain.

Every baseline keeps the wash-sale rule (IRC §1091) as a careful investor would: it never
buys an identical group within 30 days after selling it at a loss, and never sells a lot at
a loss when the group was acquired in the last 30 days (that lot is skipped; rebalancing
takes other lots).  So their wash-sale count, verified by replaying the journal, is zero.

Plan: a strategy's scratch view of the day, updated as trades are added.  Example: with
$10,000 in an account and targets 60/40, ``plan.deploy()`` adds a buy of $6,000 of the
first class's first buyable security and $4,000 of the second's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from lotwise.backtest.state import Side, State, Strategy, Trade
from lotwise.ledger.holding import term_on
from lotwise.model.lots import OpenLot, Term
from lotwise.model.transactions import LotPick

PLACES = Decimal("0.000001")


class Plan:
    """Projected cash, shares and class values of one decision day, as trades are added."""

    def __init__(self, state: State, *, min_trade: float = 1.0) -> None:
        self.state = state
        self.day = state.as_of
        self.trades: list[Trade] = []
        self.min_trade = min_trade
        accounts = state.household.accounts
        self.accounts = sorted(accounts, key=lambda a: (accounts[a].is_taxable, a))
        self.taxable = {a: accounts[a].is_taxable for a in accounts}
        self.cash = {
            a: float(state.cash.get(a, Decimal(0))) - float(state.needs.get(a, Decimal(0)))
            for a in accounts
        }
        self.shares: dict[tuple[str, str], float] = dict(state.book.positions())
        self.class_of = state.universe.class_of
        self.loss_groups: set[str] = set()
        self.bought_groups: set[str] = set()
        self.used: dict[str, Decimal] = {}
        self.rate = state.cost_bps / 10_000

    # -- values ------------------------------------------------------------------------

    def price(self, symbol: str) -> float:
        return self.state.quotes.close(symbol)

    def group(self, symbol: str) -> str:
        return self.state.household.group_of(symbol)

    def class_values(self, account: str | None = None) -> dict[str, float]:
        values: dict[str, float] = {}
        for (acct, sym), sh in self.shares.items():
            if account is not None and acct != account:
                continue
            c = self.class_of.get(sym, sym)
            values[c] = values.get(c, 0.0) + sh * self.price(sym)
        return values

    def total(self) -> float:
        invested = sum(sh * self.price(sym) for (_, sym), sh in self.shares.items())
        return invested + sum(self.cash.values())

    def drifts(self) -> dict[str, float]:
        """Weight minus target per class (classes held or targeted)."""
        total = self.total()
        if total <= 0:
            return {}
        values = self.class_values()
        targets = self.state.targets
        return {c: values.get(c, 0.0) / total - targets.get(c, 0.0)
                for c in set(values) | set(targets)}

    # -- the wash-sale rule ----------------------------------------------------------------

    def can_buy(self, account: str, symbol: str) -> bool:
        state = self.state
        group = self.group(symbol)
        return (
            state.quotes.has(symbol)
            and state.household.accounts[account].may_buy(symbol)
            and group not in self.loss_groups
            and state.guard.can_buy(group, self.day)
        )

    def loss_blocked(self, symbol: str) -> bool:
        """A sale at a loss now would be washed by a recent or planned acquisition."""
        group = self.group(symbol)
        return group in self.bought_groups or bool(self.state.guard.recent(group, self.day))

    def at_loss(self, lot: OpenLot, price: float) -> bool:
        """Whether selling the lot now realizes a loss, costs included."""
        proceeds = float(lot.quantity) * price * (1 - self.rate) - self.state.cost_per_trade
        return proceeds - 0.01 < float(lot.basis)  # a cent for the rounding of the fee

    def choose(self, account: str, asset_class: str) -> str | None:
        """The first buyable security of the class in the account."""
        for sym in self.state.universe.asset_class(asset_class).securities:
            if self.can_buy(account, sym):
                return sym
        return None

    # -- adding trades ---------------------------------------------------------------------

    def free(self, lot: OpenLot) -> Decimal:
        return lot.quantity - self.used.get(lot.lot_id, Decimal(0))

    def sell_lots(self, account: str, symbol: str, picks: Sequence[tuple[OpenLot, Decimal]],
                  reason: str) -> float:
        """Sell the given shares of the given lots; returns the proceeds after costs."""
        picks = [(lot, q) for lot, q in picks if q > 0]
        if not picks:
            return 0.0
        price = self.price(symbol)
        quantity = sum((q for _, q in picks), Decimal(0))
        for lot, q in picks:
            self.used[lot.lot_id] = self.used.get(lot.lot_id, Decimal(0)) + q
            if self.taxable[account] and self.at_loss(lot, price):
                self.loss_groups.add(self.group(symbol))
        value = float(quantity) * price
        proceeds = value * (1 - self.rate) - self.state.cost_per_trade
        self.cash[account] += proceeds
        key = (account, symbol)
        left = self.shares.get(key, 0.0) - float(quantity)
        if left > 1e-9:
            self.shares[key] = left
        else:
            self.shares.pop(key, None)
        self.trades.append(Trade(
            account, symbol, Side.SELL, quantity=quantity,
            lots=tuple(LotPick(lot.lot_id, q) for lot, q in picks), method="specific",
            reason=reason,
        ))
        return proceeds

    def sell_value(self, account: str, symbol: str, amount: float, order: str,
                   reason: str) -> float:
        """Sell about ``amount`` dollars of a position, lots taken in ``order`` ("fifo" or
        "hifo"), skipping lots whose loss would be washed; returns the proceeds."""
        if amount < self.min_trade:
            return 0.0
        price = self.price(symbol)
        lots = [lot for lot in self.state.book.lots(account, symbol) if self.free(lot) > 0]
        if order == "hifo":
            lots.sort(key=lambda lot: -(lot.basis / lot.quantity))
        blocked = self.taxable[account] and self.loss_blocked(symbol)
        need = Decimal(repr(amount / price))
        picks: list[tuple[OpenLot, Decimal]] = []
        for lot in lots:
            if need <= 0:
                break
            if blocked and self.at_loss(lot, price):
                continue
            free = self.free(lot)
            q = free if free <= need else need.quantize(PLACES, rounding=ROUND_DOWN)
            picks.append((lot, q))
            need -= q
        return self.sell_lots(account, symbol, picks, reason)

    def buy(self, account: str, symbol: str, amount: float, reason: str) -> float:
        """Buy about ``amount`` dollars (cut to the cash); returns the amount spent."""
        cost = self.state.cost_per_trade
        amount = min(amount, (self.cash[account] - cost) / (1 + self.rate))
        if amount < self.min_trade or not self.can_buy(account, symbol):
            return 0.0
        self.cash[account] -= amount * (1 + self.rate) + cost
        key = (account, symbol)
        self.shares[key] = self.shares.get(key, 0.0) + amount / self.price(symbol)
        self.bought_groups.add(self.group(symbol))
        amount_dec = Decimal(f"{amount:.2f}")
        self.trades.append(Trade(account, symbol, Side.BUY, amount=amount_dec, reason=reason))
        return amount

    # -- common moves ------------------------------------------------------------------------

    def sell_class(self, asset_class: str, amount: float, order: str, reason: str,
                   account: str | None = None) -> float:
        """Sell ``amount`` of a class: tax-advantaged accounts first, largest position first."""
        left = amount
        for acct in self.accounts if account is None else [account]:
            positions = sorted(
                ((sh * self.price(sym), sym) for (a, sym), sh in self.shares.items()
                 if a == acct and self.class_of.get(sym) == asset_class),
                reverse=True,
            )
            for value, sym in positions:
                if left < self.min_trade:
                    return amount - left
                got = self.sell_value(acct, sym, min(value, left), order, reason)
                left -= got
        return amount - left

    def raise_needs(self, order: str) -> None:
        """Sell from the most overweight classes until no account's cash is negative."""
        for account in self.accounts:
            if self.cash[account] >= 0:
                continue
            for c, _ in sorted(self.drifts().items(), key=lambda kv: -kv[1]):
                short = -self.cash[account]
                if short <= 0:
                    break
                amount = short * (1 + self.rate) + self.state.cost_per_trade
                amount += max(1.0, 0.001 * short)  # share rounding
                self.sell_class(c, amount, order, "cash need", account=account)

    def buyable(self, asset_class: str) -> bool:
        """Whether some account may buy the class today."""
        return any(self.choose(a, asset_class) is not None for a in self.accounts)

    def rebalance(self, order: str, reason: str = "rebalance") -> None:
        """Sell the most overweight classes to fund the underweight ones that may be bought
        (less the cash already there); :meth:`deploy` then buys."""
        total = self.total()
        drifts = self.drifts()
        wanted = sum(-d * total for c, d in drifts.items() if d < 0 and self.buyable(c))
        left = wanted - sum(max(0.0, c) for c in self.cash.values())
        for c, drift in sorted(drifts.items(), key=lambda kv: -kv[1]):
            if left < self.min_trade or drift <= 0:
                break
            excess = min(drift * total, left)
            if excess > self.min_trade:
                left -= self.sell_class(c, excess, order, reason)

    def deploy(self, reason: str = "invest cash", min_cash: float = 0.0) -> None:
        """Put each account's cash into the most underweight classes (tax-advantaged
        accounts first), each up to its target; cash left over (when the underweight classes
        may not be bought, say within 30 days of their harvest) goes to the classes that may,
        in proportion to their targets."""
        total = self.total()
        if total <= 0:
            return
        targets = self.state.targets
        for account in self.accounts:
            if self.cash[account] < max(self.min_trade, min_cash * total):
                continue
            buyable = {c: sym for c in targets if (sym := self.choose(account, c)) is not None}
            if not buyable:
                continue
            values = self.class_values()
            self._fill(account, buyable, {c: targets[c] * total for c in buyable}, values,
                       reason)
            if self.cash[account] < self.min_trade:
                continue
            values = self.class_values()
            weight = sum(targets[c] for c in buyable)
            pool = sum(values.get(c, 0.0) for c in buyable) + self.cash[account]
            if weight > 0:
                fair = {c: targets[c] / weight * pool for c in buyable}
                self._fill(account, buyable, fair, values, reason)

    def _fill(self, account: str, buyable: Mapping[str, str], goal: Mapping[str, float],
              values: Mapping[str, float], reason: str) -> None:
        shortfalls = sorted(((goal[c] - values.get(c, 0.0), c) for c in buyable), reverse=True)
        for short, c in shortfalls:
            if self.cash[account] < self.min_trade or short < self.min_trade:
                break
            self.buy(account, buyable[c], min(short, self.cash[account]), reason)


# -- the baselines ---------------------------------------------------------------------------


@dataclass
class BuyAndHold:
    name: str = "buy_and_hold"
    min_trade: float = 10.0
    min_cash: float = 0.0
    order: str = "fifo"

    def plan(self, state: State) -> Plan:
        return Plan(state, min_trade=self.min_trade)

    def finish(self, plan: Plan) -> list[Trade]:
        plan.raise_needs(self.order)
        plan.deploy(min_cash=0.0 if plan.state.first else self.min_cash)
        return plan.trades

    def decide(self, state: State) -> Sequence[Trade]:
        return self.finish(self.plan(state))


@dataclass
class CalendarRebalance(BuyAndHold):
    name: str = "annual_fifo"
    month: int = 1
    last_year: int | None = None

    def decide(self, state: State) -> Sequence[Trade]:
        plan = self.plan(state)
        day = state.as_of
        if state.first:
            self.last_year = day.year
        elif state.scheduled and day.month >= self.month and self.last_year != day.year:
            self.last_year = day.year
            plan.rebalance(self.order)
        return self.finish(plan)


@dataclass
class BandRebalance(BuyAndHold):
    name: str = "band_hifo"
    order: str = "hifo"
    band: float = 0.05
    relative_band: float | None = None

    def outside(self, plan: Plan) -> bool:
        targets = plan.state.targets
        for c, drift in plan.drifts().items():
            band = self.band
            if self.relative_band is not None and targets.get(c):
                band = min(band, self.relative_band * targets[c])
            if abs(drift) > band and (drift > 0 or plan.buyable(c)):
                return True
        return False

    def decide(self, state: State) -> Sequence[Trade]:
        plan = self.plan(state)
        if not state.first and state.scheduled and self.outside(plan):
            plan.rebalance(self.order)
        return self.finish(plan)


@dataclass
class BaselineHarvester(BandRebalance):
    """The baseline tax-loss harvester (see the module docstring); not the planner's."""

    name: str = "baseline_harvest"
    threshold: float = 0.05
    min_loss: float = 100.0

    def decide(self, state: State) -> Sequence[Trade]:
        plan = self.plan(state)
        if not state.first and state.scheduled:
            self.harvest(plan)
            self.switch_back(plan)
            if self.outside(plan):
                plan.rebalance(self.order)
        return self.finish(plan)

    def harvest(self, plan: Plan) -> None:
        state = plan.state
        book = state.book
        cut = 1.0 - self.threshold
        for (account, sym) in list(plan.shares):
            if not plan.taxable[account] or not state.quotes.has(sym):
                continue
            price = plan.price(sym)
            if price >= book.max_basis_per_share(account, sym) * cut:
                continue
            if plan.loss_blocked(sym):
                continue
            losers = [lot for lot in book.lots(account, sym)
                      if price < float(lot.basis / lot.quantity) * cut and plan.free(lot) > 0]
            loss = sum(float(lot.basis) - float(lot.quantity) * price for lot in losers)
            if not losers or loss < self.min_loss:
                continue
            proceeds = plan.sell_lots(account, sym, [(lot, plan.free(lot)) for lot in losers],
                                      "harvest")
            group = plan.group(sym)
            c = plan.class_of.get(sym)
            if c is None:
                continue
            for other in state.universe.asset_class(c).securities:
                if other != sym and plan.group(other) != group and plan.can_buy(account, other):
                    plan.buy(account, other, proceeds, "harvest swap")
                    break

    def switch_back(self, plan: Plan) -> None:
        state = plan.state
        for (account, sym) in list(plan.shares):
            c = plan.class_of.get(sym)
            if c is None or not plan.taxable[account] or not state.quotes.has(sym):
                continue
            primary = next((s for s in state.universe.asset_class(c).securities
                            if state.quotes.has(s)), None)
            if primary is None or primary == sym or plan.group(primary) == plan.group(sym):
                continue
            if not plan.can_buy(account, primary):
                continue
            price = plan.price(sym)
            lots = [lot for lot in state.book.lots(account, sym) if plan.free(lot) > 0]
            short_gain = any(
                term_on(lot.holding_start, state.as_of) is Term.SHORT
                and price > float(lot.basis / lot.quantity)
                for lot in lots
            )
            if short_gain or not lots:
                continue
            if any(plan.at_loss(lot, price) for lot in lots) and plan.loss_blocked(sym):
                continue
            proceeds = plan.sell_lots(account, sym, [(lot, plan.free(lot)) for lot in lots],
                                      "harvest switch back")
            plan.buy(account, primary, proceeds, "harvest switch back")


StrategyFactory = Callable[[Mapping[str, object]], Strategy]

_FACTORIES: dict[str, StrategyFactory] = {}

#: Human names for reports.
LABELS: dict[str, str] = {
    "buy_and_hold": "Buy and hold",
    "annual_fifo": "Annual rebalance, FIFO",
    "band_hifo": "5 % band rebalance, highest cost first",
    "baseline_harvest": "Baseline harvester (not the planner's)",
}


def register_strategy(kind: str, factory: StrategyFactory, label: str | None = None) -> None:
    """Make ``kind`` available to configs: ``factory(params)`` builds a fresh strategy."""
    _FACTORIES[kind] = factory
    if label:
        LABELS[kind] = label


def strategy_kinds() -> tuple[str, ...]:
    return tuple(sorted(_FACTORIES))


def _simple(cls: type[BuyAndHold]) -> StrategyFactory:
    fields = set(cls.__dataclass_fields__)

    def factory(params: Mapping[str, object]) -> Strategy:
        unknown = set(params) - fields
        if unknown:
            raise ValueError(
                f"unknown parameter(s) {', '.join(sorted(unknown))}; "
                f"known: {', '.join(sorted(fields))}"
            )
        return cls(**params)  # type: ignore[arg-type]

    return factory


register_strategy("buy_and_hold", _simple(BuyAndHold))
register_strategy("annual_fifo", _simple(CalendarRebalance))
register_strategy("band_hifo", _simple(BandRebalance))
register_strategy("baseline_harvest", _simple(BaselineHarvester))


def make_strategy(kind: str, params: Mapping[str, object] | None = None) -> Strategy:
    """A fresh strategy of ``kind`` with ``params``; ``KeyError`` for an unknown kind."""
    return _FACTORIES[kind](dict(params or {}))
