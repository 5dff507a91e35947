"""lotwise's own strategies in a backtest: the planner, called day by day.

``lotwise_full`` is what ``lotwise plan --harvest`` would do each day: place cash flows, use
the tax-advantaged account, sell the cheapest taxable lots when a class leaves its band, and
harvest losses worth harvesting into replacements.  ``lotwise_no_harvest`` is the same without
harvesting, so that the value of each part shows.

Each decision day the strategy first checks, cheaply, whether the planner has anything to
do — idle cash or cash needed, a class outside its band, a taxable lot at a loss past the
harvest thresholds — and only then calls :func:`lotwise.plan.propose` with the engine's book,
the day's closes and the year's exact tax position.  The planner's own per-plan verification
is not repeated here: the engine replays the whole journal at the end and counts wash sales.

The wash-sale guard needs the acquisitions of the last 30 days (and the rhythm of dividend
reinvestments): they are read back from the book's lots and disposals, whose acquisition
dates and origins the ledger keeps.

The planner prices taxes with the exact US computation, so these strategies need the
backtest's ``tax.mode = "us"``; under a flat rate they refuse to run rather than guess.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from decimal import Decimal

from lotwise.backtest.state import Side, State, Trade
from lotwise.backtest.strategies import Plan, StrategyFactory, register_strategy
from lotwise.ledger.book import Book
from lotwise.model.numbers import ZERO
from lotwise.model.transactions import Action, LotPick, Transaction
from lotwise.plan import CashFlow, PlanOptions, TradingCosts, propose
from lotwise.plan import trades as codes
from lotwise.plan.harvest import HarvestSettings

LOOKBACK = timedelta(days=400)  # the guard's reach: 30-day windows and dividend rhythm


@dataclass
class LotwiseStrategy:
    name: str = "lotwise_full"
    harvest: bool = True
    rebalance_to: str = "band"
    band: float = 0.05  # absolute band, as the baselines' 5 % band
    relative_band: float = 0.25
    protect_days: int = 30
    min_cash: float = 0.002  # idle cash below this share of the portfolio is left alone
    check_every: int = 1  # look for harvests every this many decision days
    calls: int = field(default=0, init=False)
    _days: int = field(default=0, init=False)

    def decide(self, state: State) -> Sequence[Trade]:
        if not self._worth_planning(state):
            return []
        position = state.tax_position()
        if position is None:
            raise ValueError(
                f"the {self.name} strategy plans with the exact US tax computation; set "
                '[tax] mode = "us" in the backtest configuration'
            )
        self.calls += 1
        household = state.household_today()
        owner = next(iter(household.owners))
        unit = household.tax_unit_key(owner)
        book = state.book.book()
        flows = tuple(CashFlow(account, -need) for account, need in state.needs.items() if need)
        options = PlanOptions(
            rebalance_to="target" if self.rebalance_to == "target" else "band",
            protect_days=self.protect_days,
            costs=TradingCosts(commission=Decimal(repr(state.cost_per_trade)),
                               spread_bps=Decimal(repr(state.cost_bps))),
            flows=flows,
            harvest=self.harvest,
        )
        policy = replace(household.policy, absolute_band=Decimal(repr(self.band)),
                         relative_band=Decimal(repr(self.relative_band)))
        household = replace(household, policy=policy)
        proposal = propose(household, _recent_journal(book, state), book, state.quotes.table(),
                           state.as_of, options, positions={unit: position})
        out = []
        for trade in proposal.trades:
            harvesting = codes.HARVEST in trade.reasons or codes.REPLACEMENT in trade.reasons
            reason = "harvest" if harvesting else ("cash flow" if codes.CASH_FLOW in
                                                   trade.reasons else "rebalance")
            out.append(Trade(
                account=trade.account,
                symbol=trade.symbol,
                side=Side.SELL if trade.action == "sell" else Side.BUY,
                quantity=trade.quantity,
                lots=tuple(LotPick(lot.lot_id, lot.quantity) for lot in trade.lots),
                method=None if trade.lots else "fifo",
                reason=reason,
            ))
        return out

    # -- cheap checks --------------------------------------------------------------------

    def _worth_planning(self, state: State) -> bool:
        self._days += 1
        if any(state.needs.values()):
            return True
        helper = Plan(state)
        total = helper.total()
        idle = sum((float(cash) for cash in state.cash.values()), 0.0)
        if idle > self.min_cash * total:
            return True
        if total > 0:
            for asset_class, drift in helper.drifts().items():
                target = state.targets.get(asset_class, 0.0)
                if abs(drift) > min(self.band, self.relative_band * target or self.band):
                    return True
        return (self.harvest and self._days % self.check_every == 0
                and self._loss_worth_a_look(state))

    def _loss_worth_a_look(self, state: State) -> bool:
        settings = HarvestSettings()
        for (account, symbol), _ in state.book.positions().items():
            if not state.household.accounts[account].is_taxable:
                continue
            price = state.quotes[symbol]
            loss = ZERO
            value = ZERO
            for lot in state.book.lots(account, symbol):
                worth = lot.quantity * price
                if worth < lot.basis:
                    loss += lot.basis - worth
                    value += worth
            if loss >= settings.min_loss and loss >= settings.min_pct * value:
                group = state.household.group_of(symbol)
                if not state.guard.washes(group, state.as_of):
                    return True
        return False


def _recent_journal(book: Book, state: State) -> list[Transaction]:
    """The acquisitions the wash-sale guard must see, read back from the book."""
    since = state.as_of - LOOKBACK
    rows: list[Transaction] = []
    seen: set[str] = set()
    for lot in book.lots:
        if lot.acquired < since or lot.lot_id.split("#")[0] in seen:
            continue
        seen.add(lot.lot_id.split("#")[0])
        action = Action.REINVEST if lot.origin == "reinvest" else Action.BUY
        price = lot.basis / lot.quantity if lot.quantity else ZERO
        rows.append(Transaction(len(rows), lot.lot_id.split("#")[0], lot.acquired, lot.account,
                                action, lot.symbol, lot.quantity, price,
                                amount=lot.basis if action is Action.REINVEST else None))
    for d in book.disposals:
        acq_id = d.lot_id.split("#")[0]
        if d.acquired < since or acq_id in seen or d.kind != "sale":
            continue
        seen.add(acq_id)
        rows.append(Transaction(len(rows), acq_id, d.acquired, d.account, Action.BUY, d.symbol,
                                d.quantity, d.basis / d.quantity if d.quantity else ZERO))
    return rows


def _factory(harvest: bool, kind: str) -> StrategyFactory:
    def make(params: Mapping[str, object]) -> LotwiseStrategy:
        known = {"name", "rebalance_to", "band", "relative_band", "protect_days", "min_cash",
                 "check_every"}
        unknown = set(params) - known
        if unknown:
            raise ValueError(f"unknown parameter(s) {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(sorted(known))}")
        values = {k: v for k, v in params.items() if k != "name"}
        return LotwiseStrategy(name=str(params.get("name", kind)), harvest=harvest,
                               **values)  # type: ignore[arg-type]

    return make


register_strategy("lotwise_full", _factory(True, "lotwise_full"), "lotwise full")
register_strategy("lotwise_no_harvest", _factory(False, "lotwise_no_harvest"),
                  "lotwise without harvesting")
