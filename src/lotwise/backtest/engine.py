"""The backtest engine: a household's portfolio simulated day by day through the ledger.

Every trading day from ``start`` to ``end`` the engine, in this order:

1. applies the day's splits (``split`` transactions) and pays the day's cash distributions
   on the shares held at the close before (ex-date = pay date): a ``dividend`` transaction,
   or a ``reinvest`` when ``dividends = "reinvest"`` and the identical group had no sale at a
   loss in the last 30 days (a reinvestment then would be a wash sale);
2. on the tax payment day of a year (the first trading day from the 15th of ``pay_month``,
   April by default) computes the previous year's tax with :mod:`lotwise.backtest.taxes`
   from the ledger's disposals and the dividends paid: paid from the taxable account (a
   cash need of the day; a saving is a deposit) or from outside (recorded only);
3. posts scheduled contributions (``deposit``) and records scheduled withdrawals as needs;
4. on a decision day (each step of ``step``, the first day, and any day with a flow or a
   tax payment) builds a :class:`~lotwise.backtest.state.State` and applies the strategy's
   trades at the close: sells first, then buys, each a
   :class:`~lotwise.model.transactions.Transaction` given to one incremental
   :class:`~lotwise.ledger.replay.Replayer` (the history is never replayed day by day);
   costs are ``bps`` of each trade's value plus ``per_trade``, as the transaction's fees;
5. withdraws the day's needs (selling the lowest-cost lots of the largest position first, if
   the strategy left too little cash) and values the portfolio at the close.

Returns are chained daily.  With ``V`` the value at the close, ``F`` the external flows of
the day (contributions less withdrawals), ``T`` the tax paid from the portfolio and ``O``
the tax paid from outside::

    pre-tax   growth = (V - F + T) / V_before     (taxes treated as withdrawals)
    after-tax growth = (V - F - O) / V_before     (taxes from outside charged too)

At the end, the tax still due (the last year's, and the year before's when the end falls
before its payment day) is charged, and for "after liquidation" the tax of selling every
taxable lot on the last day (and ``ira_withdrawal_rate`` of the IRA).  Finally the whole
journal is replayed once more from scratch through :func:`lotwise.ledger.replay`; the wash
sales it finds are reported (a strategy that respects the 30-day rule has none) and its open
lots must equal the incremental ledger's.

Worked example: $100 bought at 10 on day 0 (10 shares), the close goes to 11 on day 1 and a
$5 contribution arrives that day: V = 115, F = 5, growth = (115 - 5) / 100 = 1.10.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, ROUND_UP, Decimal

from lotwise.backtest.data import DAYS_PER_YEAR, Market
from lotwise.backtest.state import (
    BookView,
    Quotes,
    Side,
    State,
    Strategy,
    Trade,
    WashGuard,
    realized_by_term,
    trade_price,
)
from lotwise.backtest.taxes import TaxSpec, YearTax, tax_model
from lotwise.backtest.universe import TAXABLE, Universe
from lotwise.ledger.holding import term_on
from lotwise.ledger.replay import Replayer, replay
from lotwise.model.household import Household
from lotwise.model.lots import Term
from lotwise.model.numbers import ZERO, money
from lotwise.model.transactions import Action, LotPick, Transaction
from lotwise.tax.federal import TaxPosition

STEPS = ("daily", "weekly", "monthly")
PERIODS = ("month", "quarter", "year")
BPS = Decimal(10_000)


@dataclass(frozen=True, slots=True)
class Flow:
    """A scheduled contribution (positive) or withdrawal (negative) on the first trading day
    of every ``every`` period after the start, from ``start`` to ``end`` when given."""

    account: str
    amount: Decimal
    every: str = "month"
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True, slots=True)
class Costs:
    bps: Decimal = ZERO
    per_trade: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class Setup:
    """Everything a run needs except the strategy."""

    market: Market
    universe: Universe
    household: Household
    start: date
    end: date
    initial: Mapping[str, Decimal]
    step: str = "daily"
    record: str | None = None  # "daily", "weekly", "monthly"; default by step
    flows: tuple[Flow, ...] = ()
    costs: Costs = field(default_factory=Costs)
    dividends: str = "cash"  # "cash" (left to the strategy) or "reinvest"
    tax: TaxSpec = field(default_factory=TaxSpec)
    share_places: int = 6
    keep_weights: int = 40  # record class weights when there are at most this many classes


@dataclass(frozen=True, slots=True)
class Point:
    """The portfolio at the close of a recorded day."""

    day: date
    value: float
    taxable: float
    ira: float
    cash: float
    unrealized: float
    drift: float
    max_drift: float
    pre_tax: float
    after_tax: float
    benchmark: float
    cum_tax: float
    cum_flows: float
    weights: Mapping[str, float] | None = None


@dataclass(frozen=True, slots=True)
class YearRecord:
    year: int
    start_value: float
    end_value: float
    tax: YearTax | None
    losses: float
    gains: float
    dividends: float
    bought: float
    sold: float
    trades: int
    harvest_trades: int
    flows: float


@dataclass(frozen=True, slots=True)
class RunResult:
    strategy: str
    start: date
    end: date
    points: tuple[Point, ...]
    years: tuple[YearRecord, ...]
    trades: int
    transactions: int
    pre_tax_growth: float
    after_tax_growth: float
    after_tax_liquidated_growth: float
    benchmark_growth: float
    excess_returns: tuple[float, ...]
    steps_per_year: float
    harvest_yield_sum: float
    final_value: float
    tax_due_at_end: float
    liquidation_tax: float
    wash_sales: int
    wash_sales_incremental: int
    ledger_consistent: bool
    rejected: int
    forced_sales: int
    notes: tuple[str, ...] = ()
    journal: tuple[Transaction, ...] = ()

    @property
    def years_elapsed(self) -> float:
        return (self.end - self.start).days / DAYS_PER_YEAR


class _Year:
    __slots__ = ("bought", "dividends", "flows", "harvest_trades", "ordinary", "qualified",
                 "sold", "start_value", "trades")

    def __init__(self, start_value: float) -> None:
        self.start_value = start_value
        self.qualified = ZERO
        self.ordinary = ZERO
        self.dividends = 0.0
        self.bought = 0.0
        self.sold = 0.0
        self.trades = 0
        self.harvest_trades = 0
        self.flows = 0.0


def _period_key(day: date, every: str) -> tuple[int, int]:
    if every == "month":
        return (day.year, day.month)
    if every == "quarter":
        return (day.year, (day.month - 1) // 3)
    if every == "week":
        iso = day.isocalendar()
        return (iso[0], iso[1])
    return (day.year, 0)


class Engine:
    """One run of one strategy over a :class:`Setup`; call :meth:`run` once."""

    def __init__(self, setup: Setup, strategy: Strategy,
                 progress: Callable[[int, int], None] | None = None) -> None:
        self.setup = setup
        self.strategy = strategy
        self.progress = progress
        self.market = setup.market
        self.household = setup.household
        self.universe = setup.universe
        self.replayer = Replayer(setup.household)
        self.shares: dict[tuple[str, str], float] = {}
        self.view = BookView(self.replayer, setup.household, self.shares)
        self.guard = WashGuard()
        self.journal: list[Transaction] = []
        self.taxes = tax_model(setup.tax)
        self.taxable = {a.id: a.is_taxable for a in setup.household.accounts.values()}
        self.years: dict[int, _Year] = {}
        self.year_tax: dict[int, YearTax] = {}
        self.rejected = 0
        self.forced = 0
        self.trades = 0
        self.notes: list[str] = []
        self.loss_today = 0.0
        self.end_values: dict[int, float] = {}

    # -- helpers -----------------------------------------------------------------------

    def _seq(self) -> int:
        return len(self.journal) + 1

    def _apply(self, txn: Transaction) -> list[object]:
        n0 = len(self.replayer.disposals)
        self.replayer.apply(txn)
        self.journal.append(txn)
        return list(self.replayer.disposals[n0:])

    def _held(self, account: str, symbol: str) -> Decimal:
        return sum((lot.qty for lot in self.replayer.positions.get((account, symbol), ())), ZERO)

    def _set_shares(self, account: str, symbol: str) -> None:
        held = self._held(account, symbol)
        if held > 0:
            self.shares[(account, symbol)] = float(held)
        else:
            self.shares.pop((account, symbol), None)

    def _places(self, account: str) -> Decimal:
        fractional = self.household.accounts[account].fractional
        return Decimal(1).scaleb(-self.setup.share_places) if fractional else Decimal(1)

    def _year(self, day: date, value: float) -> _Year:
        found = self.years.get(day.year)
        if found is None:
            found = self.years[day.year] = _Year(value)
        return found

    def value(self, i: int) -> float:
        close = self.market.close
        total = sum(sh * close[sym][i] for (_, sym), sh in self.shares.items())
        return total + sum(float(c) for c in self.replayer.cash.values())

    def cash(self, account: str) -> Decimal:
        return self.replayer.cash.get(account, ZERO)

    # -- trades ------------------------------------------------------------------------

    def _sell(self, day: date, i: int, trade: Trade, forced: bool = False) -> None:
        account, symbol = trade.account, trade.symbol
        close = self.market.close.get(symbol)
        if account not in self.taxable or close is None or close[i] != close[i]:
            self.rejected += 1
            return
        price = trade_price(close[i])
        held = self._held(account, symbol)
        lots = trade.lots
        if lots:
            by_id = {lot.lot_id: lot.quantity for lot in self.view.lots(account, symbol)}
            quantity = ZERO
            fixed: list[LotPick] = []
            for pick in lots:
                q = pick.quantity if pick.quantity is not None else by_id.get(pick.lot_id, ZERO)
                quantity += q
                fixed.append(LotPick(pick.lot_id, q))
            lots = tuple(fixed)
        elif trade.quantity is not None:
            quantity = trade.quantity
        elif trade.amount is not None:
            quantity = (trade.amount / price).quantize(self._places(account), rounding=ROUND_UP)
        else:
            self.rejected += 1
            return
        if quantity > held:
            if lots:
                self.rejected += 1
                return
            quantity = held
        if quantity <= 0:
            return
        gross = quantity * price
        fees = money(gross * self.setup.costs.bps / BPS + self.setup.costs.per_trade)
        txn = Transaction(
            seq=self._seq(), id=f"t{self._seq()}", date=day, account=account,
            action=Action.SELL, symbol=symbol, quantity=quantity, price=price, fees=fees,
            lots=lots, method="specific" if lots else trade.method,
            memo=trade.reason,
        )
        new = self._apply(txn)
        self._set_shares(account, symbol)
        group = self.household.group_of(symbol)
        self.view.touch(group)
        if self.taxable[account]:
            loss = 0.0
            for d in new:
                if getattr(d, "txn_id", None) != txn.id:
                    continue
                gain = d.proceeds - d.basis + d.adjustment  # type: ignore[attr-defined]
                if d.proceeds < d.basis:  # type: ignore[attr-defined]
                    self.guard.sold_at_loss(group, day)
                if gain < 0:
                    loss -= float(gain)
            self.loss_today += loss
        year = self._year(day, 0.0)
        year.sold += float(gross)
        year.trades += 1
        self.trades += 1
        if "harvest" in trade.reason:
            year.harvest_trades += 1
        if forced:
            self.forced += 1

    def _buy(self, day: date, i: int, trade: Trade) -> None:
        account, symbol = trade.account, trade.symbol
        close = self.market.close.get(symbol)
        if account not in self.taxable or close is None or close[i] != close[i]:
            self.rejected += 1
            return
        price = trade_price(close[i])
        costs = self.setup.costs
        if trade.amount is not None:
            amount = trade.amount
        elif trade.quantity is not None:
            amount = trade.quantity * price
        else:
            self.rejected += 1
            return
        cash = self.cash(account)
        rate = costs.bps / BPS
        if amount * (1 + rate) + costs.per_trade > cash:
            amount = (cash - costs.per_trade) / (1 + rate)
        quantity = (amount / price).quantize(self._places(account), rounding=ROUND_DOWN)
        if trade.quantity is not None and trade.amount is None:
            quantity = min(quantity, trade.quantity)
        if quantity <= 0:
            return
        gross = quantity * price
        fees = money(gross * rate + costs.per_trade)
        while gross + fees > cash and quantity > 0:  # rounding of the fee
            quantity -= self._places(account)
            gross = quantity * price
            fees = money(gross * rate + costs.per_trade)
        if quantity <= 0:
            return
        txn = Transaction(
            seq=self._seq(), id=f"t{self._seq()}", date=day, account=account,
            action=Action.BUY, symbol=symbol, quantity=quantity, price=price, fees=fees,
            memo=trade.reason,
        )
        self._apply(txn)
        self._set_shares(account, symbol)
        group = self.household.group_of(symbol)
        self.guard.acquired(group, day, txn.id)
        self.view.touch(group)
        year = self._year(day, 0.0)
        year.bought += float(gross)
        year.trades += 1
        self.trades += 1
        if "harvest" in trade.reason:
            year.harvest_trades += 1

    def _execute(self, day: date, i: int, trades: Sequence[Trade]) -> None:
        for trade in trades:
            if trade.side is Side.SELL:
                self._sell(day, i, trade)
        for trade in trades:
            if trade.side is Side.BUY:
                self._buy(day, i, trade)

    def _raise(self, day: date, i: int, account: str, need: Decimal) -> None:
        """Sell until the account holds ``need``: largest position first, lowest cost per share
        first (gains before losses, so the sale cannot be a wash sale unless it must take a
        loss)."""
        close = self.market.close
        positions = sorted(
            ((sh * close[sym][i], sym) for (acct, sym), sh in self.shares.items()
             if acct == account),
            reverse=True,
        )
        places = self._places(account)
        for _, sym in positions:
            short = need - self.cash(account)
            if short <= 0:
                return
            price = trade_price(close[sym][i])
            want = (short * Decimal("1.002") / price + places).quantize(places, rounding=ROUND_UP)
            picks: list[LotPick] = []
            for lot in sorted(self.view.lots(account, sym), key=lambda x: x.basis / x.quantity):
                if want <= 0:
                    break
                q = min(lot.quantity, want)
                picks.append(LotPick(lot.lot_id, q))
                want -= q
            self._sell(day, i, Trade(account, sym, Side.SELL, lots=tuple(picks),
                                     reason="forced: cash need"), forced=True)

    # -- corporate actions and cash ------------------------------------------------------

    def _corporate_actions(self, day: date, i: int, split_days: Mapping[int, list[str]],
                           div_days: Mapping[int, list[str]]) -> None:
        for sym in split_days.get(i, ()):
            ratio = Decimal(repr(self.market.splits[sym][i]))
            for account in self.household.accounts:
                if (account, sym) in self.shares:
                    self._apply(Transaction(
                        seq=self._seq(), id=f"t{self._seq()}", date=day, account=account,
                        action=Action.SPLIT, symbol=sym, quantity=ratio, memo="split",
                    ))
                    self._set_shares(account, sym)
                    self.view.touch(self.household.group_of(sym))
        for sym in div_days.get(i, ()):
            per_share = self.market.dividends[sym][i]
            for account in self.household.accounts:
                shares = self.shares.get((account, sym))
                if not shares:
                    continue
                amount = money(Decimal(repr(shares * per_share)))
                if amount <= 0:
                    continue
                group = self.household.group_of(sym)
                price = trade_price(self.market.close[sym][i])
                quantity = (amount / price).quantize(self._places(account), rounding=ROUND_DOWN)
                reinvest = (
                    self.setup.dividends == "reinvest"
                    and quantity > 0
                    and self.guard.can_buy(group, day)
                )
                if reinvest:
                    txn = Transaction(
                        seq=self._seq(), id=f"t{self._seq()}", date=day, account=account,
                        action=Action.REINVEST, symbol=sym, quantity=quantity, price=price,
                        amount=amount, memo="dividend reinvested",
                    )
                    self._apply(txn)
                    self._set_shares(account, sym)
                    self.guard.acquired(group, day, txn.id)
                    self.view.touch(group)
                else:
                    self._apply(Transaction(
                        seq=self._seq(), id=f"t{self._seq()}", date=day, account=account,
                        action=Action.DIVIDEND, symbol=sym, amount=amount, memo="dividend",
                    ))
                year = self._year(day, 0.0)
                year.dividends += float(amount)
                if self.taxable[account]:
                    spec = self.universe.securities.get(sym)
                    if spec is None or spec.qualified:
                        year.qualified += amount
                    else:
                        year.ordinary += amount

    def _cash_txn(self, day: date, account: str, action: Action, amount: Decimal,
                  memo: str) -> None:
        self._apply(Transaction(seq=self._seq(), id=f"t{self._seq()}", date=day,
                                account=account, action=action, amount=amount, memo=memo))

    # -- taxes ---------------------------------------------------------------------------

    def _tax_for(self, year: int) -> YearTax:
        accounts = self.household.accounts
        short, long = realized_by_term(
            self.view.disposals_in(year), lambda a: accounts[a].is_taxable, year
        )
        record = self.years.get(year)
        qualified = record.qualified if record else ZERO
        ordinary = record.ordinary if record else ZERO
        before = self.year_tax.get(year - 1)
        carry = (before.carry_out_short, before.carry_out_long) if before else (ZERO, ZERO)
        result = self.taxes.year_tax(year, short, long, qualified, ordinary, carry)
        self.year_tax[year] = result
        return result

    def _position_today(self, state: State) -> TaxPosition | None:
        year = state.as_of.year
        short, long = state.realized_ytd()
        record = self.years.get(year)
        before = self.year_tax.get(year - 1)
        carry = (before.carry_out_short, before.carry_out_long) if before else (ZERO, ZERO)
        return self.taxes.position(
            year, short, long, record.qualified if record else ZERO,
            record.ordinary if record else ZERO, carry,
        )

    def _liquidation_tax(self, i: int, last_year: YearTax) -> Decimal:
        day = self.market.calendar[i]
        short = long = ZERO
        ira = 0.0
        for (account, sym), shares in self.shares.items():
            price = trade_price(self.market.close[sym][i])
            if not self.taxable[account]:
                ira += shares * self.market.close[sym][i]
                continue
            for lot in self.view.lots(account, sym):
                gain = lot.quantity * price - lot.basis
                if term_on(lot.holding_start, day) is Term.SHORT:
                    short += gain
                else:
                    long += gain
        ira += sum(float(c) for a, c in self.replayer.cash.items() if not self.taxable[a])
        y = last_year
        carry = (y.carry_in_short, y.carry_in_long)
        with_sale = self.taxes.year_tax(
            y.year, y.short + short, y.long + long, y.qualified_dividends,
            y.ordinary_dividends, carry,
        )
        ira_tax = Decimal(repr(ira)) * self.setup.tax.ira_withdrawal_rate
        return money(with_sale.tax - y.tax + ira_tax)

    # -- targets -------------------------------------------------------------------------

    def _primaries(self, i0: int) -> dict[str, str]:
        out: dict[str, str] = {}
        for c in self.universe.classes:
            for sym in c.securities:
                if self.market.available(sym, i0):
                    out[c.name] = sym
                    break
        return out

    # -- the run ---------------------------------------------------------------------------

    def run(self) -> RunResult:
        setup = self.setup
        market = self.market
        cal = market.calendar
        i0 = next((i for i, d in enumerate(cal) if d >= setup.start), None)
        i1 = max((i for i, d in enumerate(cal) if d <= setup.end), default=None)
        if i0 is None or i1 is None or i1 <= i0:
            raise ValueError(f"no trading days between {setup.start} and {setup.end}")
        symbols = [s for s in self.universe.symbols if s in market.close]
        split_days: dict[int, list[str]] = {}
        div_days: dict[int, list[str]] = {}
        for sym in symbols:
            for i in market.splits[sym]:
                split_days.setdefault(i, []).append(sym)
            for i in market.dividends[sym]:
                div_days.setdefault(i, []).append(sym)
        primaries = self._primaries(i0)
        classes = [c.name for c in self.universe.classes]
        w0 = {c.name: c.weight for c in self.universe.classes}
        norm = sum(w0.values()) or 1.0
        w0 = {c: w / norm for c, w in w0.items()}
        tr = market.tr
        tr0 = {c: tr[primaries[c]][i0] for c in classes if c in primaries}
        index_target = self.universe.target == "index"

        def targets(i: int) -> dict[str, float]:
            if not index_target:
                return dict(w0)
            raw = {c: w0[c] * tr[primaries[c]][i] / tr0[c] for c in tr0}
            total = sum(raw.values())
            return {c: v / total for c, v in raw.items()}

        record = setup.record or {"daily": "weekly"}.get(setup.step, setup.step)
        step_key = {"daily": None, "weekly": "week", "monthly": "month"}[setup.step]
        record_key = {"daily": None, "weekly": "week", "monthly": "month"}[record]

        # initial cash
        day0 = cal[i0]
        for account, amount in setup.initial.items():
            if amount:
                self._cash_txn(day0, account, Action.DEPOSIT, amount, "initial deposit")
        value_before = sum(float(a) for a in setup.initial.values())
        self._year(day0, value_before).start_value = value_before

        pre = after = bench = 1.0
        excess: list[float] = []
        harvest_yield = 0.0
        cum_tax = 0.0
        cum_flows = 0.0
        points: list[Point] = []
        flow_seen: dict[tuple[int, tuple[int, int]], bool] = {}
        tax_years_done: set[int] = set()
        total_days = i1 - i0 + 1
        tick = max(1, total_days // 200)
        keep_weights = len(classes) <= setup.keep_weights

        for i in range(i0, i1 + 1):
            day = cal[i]
            self.view.advance(day)
            year_rec = self._year(day, value_before)
            self.loss_today = 0.0
            needs: dict[str, Decimal] = {}
            external = ZERO
            tax_portfolio = ZERO
            tax_outside = ZERO
            if i > i0:
                self._corporate_actions(day, i, split_days, div_days)
            # taxes of earlier years due today
            pay_day = date(day.year, setup.tax.pay_month, 15)
            for year in sorted(self.years):
                if year >= day.year or year in tax_years_done:
                    continue
                if year < day.year - 1 or day >= pay_day:
                    tax_years_done.add(year)
                    amount = self._tax_for(year).tax
                    if setup.tax.pay_from == "outside":
                        tax_outside += amount
                    elif amount > 0:
                        needs[TAXABLE] = needs.get(TAXABLE, ZERO) + amount
                        tax_portfolio += amount
                    elif amount < 0:
                        self._cash_txn(day, TAXABLE, Action.DEPOSIT, -amount, f"tax saving {year}")
                        tax_portfolio += amount
            # scheduled flows
            if i > i0:
                for n, flow in enumerate(setup.flows):
                    if (flow.start and day < flow.start) or (flow.end and day > flow.end):
                        continue
                    key = (n, _period_key(day, flow.every))
                    if key in flow_seen or _period_key(day, flow.every) == _period_key(
                        day0, flow.every
                    ):
                        continue
                    flow_seen[key] = True
                    if flow.amount > 0:
                        self._cash_txn(day, flow.account, Action.DEPOSIT, flow.amount,
                                       "contribution")
                    else:
                        needs[flow.account] = needs.get(flow.account, ZERO) - flow.amount
                    external += flow.amount
            scheduled = step_key is None or i == i0 or (
                _period_key(cal[i - 1], step_key) != _period_key(day, step_key)
            )
            if scheduled or needs or external or tax_portfolio or i == i0:
                state = State(
                    as_of=day,
                    index=i,
                    first=i == i0,
                    scheduled=scheduled,
                    household=self.household,
                    universe=self.universe,
                    quotes=_quotes(market, day, i, symbols),
                    book=self.view,
                    cash=dict(self.replayer.cash),
                    needs=dict(needs),
                    targets=targets(i),
                    guard=self.guard,
                    cost_bps=float(setup.costs.bps),
                    cost_per_trade=float(setup.costs.per_trade),
                    tax_position_fn=self._position_today,
                )
                trades = self.strategy.decide(state)
                if trades:
                    self._execute(day, i, trades)
            for account, need in needs.items():
                if self.cash(account) < need:
                    self._raise(day, i, account, need)
                paid = min(need, self.cash(account))
                if paid < need:
                    self.notes.append(f"{day}: {account} could pay only {paid} of {need}")
                if paid > 0:
                    self._cash_txn(day, account, Action.WITHDRAWAL, paid, "withdrawal or tax")
            value = self.value(i)
            f = float(external)
            tp = float(tax_portfolio)
            to = float(tax_outside)
            cum_tax += tp + to
            cum_flows += f
            year_rec.flows += f
            if i > i0 and value_before > 0:
                g_pre = (value - f + tp) / value_before
                g_after = (value - f - to) / value_before
                pre *= g_pre
                after *= g_after
                tw = targets(i - 1)
                b = 0.0
                for c, w in tw.items():
                    sym = primaries[c]
                    b += w * (tr[sym][i] / tr[sym][i - 1] - 1.0)
                bench *= 1.0 + b
                excess.append(g_pre - 1.0 - b)
                harvest_yield += self.loss_today / value_before
            elif i == i0 and value_before > 0:
                g_pre = value / value_before  # first day's costs
                pre *= g_pre
                after *= g_pre
            is_record = (
                i == i1
                or record_key is None
                or _period_key(cal[i + 1], record_key) != _period_key(day, record_key)
                or cal[i + 1].year != day.year
            )
            if is_record:
                points.append(self._point(i, day, value, targets(i), pre, after, bench,
                                          cum_tax, cum_flows, keep_weights))
            value_before = value
            self.end_values[day.year] = value
            if self.progress is not None and ((i - i0) % tick == 0 or i == i1):
                self.progress(i - i0 + 1, total_days)

        # the tax still due at the end, and the tax of liquidating
        end_day = cal[i1]
        due = ZERO
        for year in sorted(self.years):
            if year not in tax_years_done:
                tax_years_done.add(year)
                due += self._tax_for(year).tax
        last = self.year_tax[end_day.year]
        liquidation = self._liquidation_tax(i1, last)
        value = value_before
        # after-tax chains: charge the tax due (and the liquidation tax) on the last day
        after_growth = after * (value - float(due)) / value if value else after
        liquidated = (
            after * (value - float(due) - float(liquidation)) / value if value else after
        )

        check = replay(self.household, self.journal)
        consistent = _same_lots(check.positions(), self.shares)
        years = tuple(
            YearRecord(
                year=y,
                start_value=rec.start_value,
                end_value=self.end_values.get(y, 0.0),
                tax=self.year_tax.get(y),
                losses=-float(sum((d.gain for d in check.disposals
                                   if d.sold.year == y and d.reportable and d.gain < 0), ZERO)),
                gains=float(sum((d.gain for d in check.disposals
                                 if d.sold.year == y and d.reportable and d.gain > 0), ZERO)),
                dividends=rec.dividends,
                bought=rec.bought,
                sold=rec.sold,
                trades=rec.trades,
                harvest_trades=rec.harvest_trades,
                flows=rec.flows,
            )
            for y, rec in sorted(self.years.items())
        )
        span_days = (end_day - day0).days
        steps_per_year = len(excess) / (span_days / DAYS_PER_YEAR) if span_days else 0.0
        return RunResult(
            strategy=self.strategy.name,
            start=day0,
            end=end_day,
            points=tuple(points),
            years=years,
            trades=self.trades,
            transactions=len(self.journal),
            pre_tax_growth=pre,
            after_tax_growth=after_growth,
            after_tax_liquidated_growth=liquidated,
            benchmark_growth=bench,
            excess_returns=tuple(excess),
            steps_per_year=steps_per_year,
            harvest_yield_sum=harvest_yield,
            final_value=value,
            tax_due_at_end=float(due),
            liquidation_tax=float(liquidation),
            wash_sales=len(check.wash_sales),
            wash_sales_incremental=len(self.replayer.wash_sales),
            ledger_consistent=consistent,
            rejected=self.rejected,
            forced_sales=self.forced,
            notes=tuple(self.notes),
            journal=tuple(self.journal),
        )

    def _point(self, i: int, day: date, value: float, target: Mapping[str, float], pre: float,
               after: float, bench: float, cum_tax: float, cum_flows: float,
               keep_weights: bool) -> Point:
        close = self.market.close
        by_class: dict[str, float] = {}
        taxable = ira = unrealized = 0.0
        class_of = self.universe.class_of
        for (account, sym), sh in self.shares.items():
            v = sh * close[sym][i]
            c = class_of.get(sym, sym)
            by_class[c] = by_class.get(c, 0.0) + v
            if self.taxable[account]:
                taxable += v
                unrealized += v - float(self.view.basis(account, sym))
            else:
                ira += v
        cash = 0.0
        for account, amount in self.replayer.cash.items():
            cash += float(amount)
            if self.taxable[account]:
                taxable += float(amount)
            else:
                ira += float(amount)
        drift = 0.0
        max_drift = 0.0
        weights: dict[str, float] = {}
        if value > 0:
            for c in set(target) | set(by_class):
                w = by_class.get(c, 0.0) / value
                d = abs(w - target.get(c, 0.0))
                drift += d
                max_drift = max(max_drift, d)
                weights[c] = w
            drift += cash / value
            max_drift = max(max_drift, cash / value)
        return Point(
            day=day, value=value, taxable=taxable, ira=ira, cash=cash, unrealized=unrealized,
            drift=drift / 2, max_drift=max_drift, pre_tax=pre, after_tax=after, benchmark=bench,
            cum_tax=cum_tax, cum_flows=cum_flows,
            weights=weights if keep_weights else None,
        )


def _quotes(market: Market, day: date, i: int, symbols: Sequence[str]) -> Quotes:
    return Quotes(day, i, market.close, symbols)


def _same_lots(replayed: Mapping[tuple[str, str], Decimal],
               incremental: Mapping[tuple[str, str], float]) -> bool:
    keys = {k for k, v in replayed.items() if v > 0}
    if keys != set(incremental):
        return False
    return all(abs(float(replayed[k]) - incremental[k]) <= 1e-9 * max(1.0, incremental[k])
               for k in keys)


def run(setup: Setup, strategy: Strategy,
        progress: Callable[[int, int], None] | None = None) -> RunResult:
    """Run ``strategy`` over ``setup``; see the module docstring."""
    return Engine(setup, strategy, progress).run()
