"""Making a plan: from the book of record to a verified trade list with reasons.

1. **Drift.**  Value the household (:func:`lotwise.allocation.allocation`).  If no class is
   outside its band and no calendar review is due, the plan only places cash flows: sales
   are then priced at a dollar per dollar, so they happen only to raise a withdrawal.
2. **Model.**  Every open lot with a price becomes a sell variable, every (account,
   security the account may buy) a buy variable (:mod:`lotwise.plan.optimizer`).  A lot's
   sale costs its tax (gain per dollar × the tax unit's marginal rate for its term), the
   spread, and an asset-location term; inside a traditional, Roth or HSA account it costs no
   tax, which is why those accounts absorb rebalancing first.  Losses: when the plan is not
   harvesting, a loss lot is merely preferred to a gain lot (a tiny credit per dollar of
   loss), so the plan never sells more than it needs; with harvesting the loss is valued at
   the unit's exact marginal loss value (:func:`lotwise.tax.marginal.marginal_rates`).
3. **Rules.**  The guard (:mod:`lotwise.plan.guard`) removes loss sales and purchases that
   each seller's loss rule would catch (US wash sale, Canadian superficial loss, UK 30-day
   matching — which catches sales at a gain too, and rebuys after them); ``short_term_gains =
   false`` removes short-term gain
   lots; ``protect_days`` keeps short-term gain lots that turn long-term soon.
4. **Solve, re-linearise.**  The tax of a year is piecewise linear, so after each solve the
   marginal rates are re-evaluated at the plan's own realized gains and the model solved
   again (at most four times); the plan with the lowest *exact* objective is kept.
5. **Round** to tradeable quantities (whole shares where the account needs them), keeping
   every account's cash at or above its floor.
6. **Verify** by replaying the plan through the same ledger and tax code
   (:mod:`lotwise.plan.verify`), and explain each trade.

Example: the bundled household with a $10,000 contribution to Alex's taxable account and US
stocks 6 points over target buys bonds with the contribution, sells US stocks inside the
IRA and buys international there, and sells nothing in the taxable accounts.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

import numpy as np

from lotwise.allocation import CASH, Allocation, allocation, band_for
from lotwise.errors import InputError, Source
from lotwise.fx import FxTable
from lotwise.ledger.book import Book
from lotwise.ledger.holding import long_term_from, term_on
from lotwise.model.household import Household
from lotwise.model.lots import OpenLot, Term
from lotwise.model.numbers import ZERO
from lotwise.model.prices import MissingPriceError, PriceTable
from lotwise.model.transactions import Transaction
from lotwise.plan import trades as codes
from lotwise.plan.guard import WashGuard, build_guard
from lotwise.plan.harvest import BLOCKED, PROPOSED, HarvestSettings, scan
from lotwise.plan.isa_allowance import check_contributions
from lotwise.plan.location import location
from lotwise.plan.money import Quote, in_base_currency, quotes
from lotwise.plan.optimizer import Model, Solution, solve
from lotwise.plan.options import PlanOptions
from lotwise.plan.penal_funds import penalty
from lotwise.plan.taxes import (
    NOTHING,
    Position,
    Realized,
    describe_position,
    tax_positions,
    total_tax,
    unit_of_accounts,
)
from lotwise.plan.taxes import rates as rates_of
from lotwise.plan.trades import LotSale, Trade
from lotwise.plan.verify import Verification, verify_plan
from lotwise.plan.withholding_cost import describe as describe_withholding
from lotwise.plan.withholding_cost import dividend_sources, horizon_years, lost_withholding
from lotwise.regimes.base import US, regime_code, regime_for
from lotwise.report.words import account_kind
from lotwise.report.words import words as regime_words
from lotwise.tax.marginal import MarginalRates

W_IN = 0.005  # per dollar of drift inside a band
W_OUT = 1.0  # per dollar of drift beyond a band
CASH_FLOW_ONLY_SELL = 1.0  # per dollar sold when no rebalance is due
CHURN = 1e-5  # per dollar traded, so that equal plans prefer fewer trades
LOSS_PREFERENCE = 1e-4  # per dollar of loss, when not harvesting
MAX_ROUNDS = 4
_RULE_WORDS = {"wash_sale": "a wash sale", "superficial_loss": "a superficial loss",
               "bed_and_breakfast": "matched to those shares (the 30-day rule)"}
SHARE_STEP = Decimal("0.0001")
POOL = "pool"  # the term of a sale from an average-cost pool (Canada, UK)
ONE = Decimal(1)


@dataclass(frozen=True)
class UnitTax:
    unit: str
    before: Decimal
    after: Decimal
    realized_short: Decimal
    realized_long: Decimal
    realized_income: Decimal = ZERO  # gains charged as income (UK offshore income gains)
    what: str = ""  # which tax, of which year, in which currency
    factor: Decimal = Decimal(1)  # base-currency units per unit of the unit's tax currency


@dataclass(frozen=True)
class Plan:
    household_id: str
    as_of: date
    mode: str  # "rebalance" or "cash_flows"
    options: PlanOptions
    trades: tuple[Trade, ...]
    before: Allocation
    after: Allocation
    taxes: tuple[UnitTax, ...]
    trading_costs: Decimal
    notes: tuple[str, ...]
    verification: Verification
    inputs_hash: str
    solver: dict[str, object]
    currency: str = "USD"  # the household's base currency, of every amount above
    quotes: Mapping[str, Quote] = field(default_factory=dict)  # traded symbol -> own price

    @property
    def tax_change(self) -> Decimal:
        """The change of every unit's tax, in the household's base currency."""
        return sum(((t.after - t.before) * t.factor for t in self.taxes), ZERO)


@dataclass
class _Lot:
    lot: OpenLot
    price: Decimal
    value: float
    gain_per_dollar: float
    taxable: bool
    term: Term
    unit: str
    group: str
    class_index: int
    account_index: int
    sellable: bool
    at_loss: bool  # sold today, after costs, at a loss
    wash_key: tuple[str, str] | None  # the loss rule's (scope, identical) key of a sale
    guarded: bool = False  # the seller's rule would catch this sale: a loss (UK: any sale)
    to_tax: float = 1.0  # units of the owner's tax currency per unit of the base currency
    pooled: bool = False  # an average-cost pool (Canada, UK): no lots and no holding period
    harvest: bool = False  # a loss the plan may realize on purpose (plan --harvest)
    income: bool = False  # a gain here is charged as income (Regime.gain_is_income)


@dataclass
class _Buy:
    account: str
    symbol: str
    price: Decimal
    class_index: int
    account_index: int
    unit: str
    group: str
    wash_keys: tuple[tuple[str, str], ...]  # the loss sales this purchase would disallow


@dataclass(frozen=True)
class Proposal:
    """The trades of a plan before verification (what a backtest needs each day)."""

    mode: str
    trades: tuple[Trade, ...]
    before: Allocation
    notes: tuple[str, ...]
    positions: dict[str, Position]
    base_tax: dict[str, Decimal]
    solver: dict[str, object]
    factors: dict[str, Decimal] = field(default_factory=dict)  # unit -> base per tax unit


def make_plan(
    household: Household,
    transactions: Sequence[Transaction],
    book: Book,
    prices: PriceTable,
    as_of: date,
    options: PlanOptions,
    fx: FxTable | None = None,
) -> Plan:
    """The plan for ``as_of``: :func:`propose`, then replayed through the ledger and tax code
    (:func:`lotwise.plan.verify.verify_plan`) and explained.  ``fx`` converts prices and
    book amounts in other currencies into the household's base currency."""
    proposal = propose(household, transactions, book, prices, as_of, options, fx=fx)
    trades = proposal.trades
    verification = verify_plan(household, transactions, book, prices, as_of, options, trades,
                               proposal.positions, fx=fx)
    base_tax = proposal.base_tax
    taxes = tuple(
        UnitTax(unit, base_tax[unit], verification.tax_after.get(unit, base_tax[unit]),
                *verification.realized.get(unit, NOTHING),
                what=describe_position(proposal.positions[unit]),
                factor=proposal.factors.get(unit, ONE))
        for unit in sorted(proposal.positions)
    )
    costs = sum((t.value * options.costs.spread for t in trades), ZERO) + (
        options.costs.commission * len(trades)
    )
    return Plan(
        household_id=household.id,
        as_of=as_of,
        mode=proposal.mode,
        options=options,
        trades=trades,
        before=proposal.before,
        after=verification.after,
        taxes=taxes,
        trading_costs=costs,
        notes=proposal.notes,
        verification=verification,
        inputs_hash=_inputs_hash(household, transactions, prices, as_of, options),
        solver=proposal.solver,
        currency=household.base_currency,
        quotes=quotes(household, prices, (t.symbol for t in trades), as_of),
    )


def propose(
    household: Household,
    transactions: Sequence[Transaction],
    book: Book,
    prices: PriceTable,
    as_of: date,
    options: PlanOptions,
    positions: dict[str, Position] | None = None,
    fx: FxTable | None = None,
) -> Proposal:
    """The trades for ``as_of``, explained but not yet verified.  ``transactions`` need only
    reach back 400 days (the wash-sale guard's window and dividend rhythm); ``positions``
    (each tax unit's year so far) are computed from the book when not given."""
    if positions is None:
        positions = tax_positions(household, book, as_of)
    view = in_base_currency(household, book, prices, fx, as_of)
    factors = {unit: view.factor(book.currency_of(account))
               for account, unit in unit_of_accounts(household).items()}
    tax_book, book, own_prices, prices = book, view.book, prices, view.prices
    _check_flows(household, book, prices, as_of, options)
    check_contributions(household, transactions,
                        [(flow.account, flow.amount) for flow in options.flows], as_of, fx,
                        view.factor("GBP"))
    before = allocation(household, book, prices, as_of)
    guard = build_guard(household, transactions, book, as_of)
    rebalance = options.review or bool(before.outside_band) or options.rebalance_to == "target"
    notes: list[str] = []
    if not rebalance:
        notes.append("every class is inside its band: the plan only places cash flows")

    classes = [*household.targets.weights, CASH]
    class_index = {c: i for i, c in enumerate(classes)}
    accounts = list(household.accounts)
    account_index = {a: i for i, a in enumerate(accounts)}
    lots = _lots(household, book, prices, as_of, options, guard, class_index, account_index,
                 notes)
    for lot in lots:
        lot.to_tax = float(1 / factors[lot.unit])
    buys = _buys(household, prices, as_of, guard, class_index, account_index, notes)
    deferral = 0.0
    if options.harvest:
        settings = HarvestSettings.from_policy(household)
        deferral = float(settings.deferral_discount)
        # scan converts the tax book and each security's own price itself: given prices
        # already in the base currency it would convert a foreign security's price twice.
        proposals = scan(household, transactions, tax_book, own_prices, as_of, settings,
                         options.costs, positions, fx=fx)
        chosen = {(p.account, p.symbol) for p in proposals if p.status == PROPOSED}
        for lot in lots:
            lot.harvest = lot.taxable and lot.at_loss and (lot.lot.account,
                                                            lot.lot.symbol) in chosen
        notes.extend(p.explanation for p in proposals if p.status in (PROPOSED, BLOCKED))

    flows: dict[str, Decimal] = {}
    for flow in options.flows:
        flows[flow.account] = flows.get(flow.account, ZERO) + flow.amount
    total = float(before.total + sum(flows.values(), ZERO))
    class_value = np.zeros(len(classes))
    for c in before.classes:
        if c.leaf and c.asset_class in class_index:
            class_value[class_index[c.asset_class]] = float(c.value)
    cash_now = {a: book.cash.get(a, ZERO) for a in accounts}
    class_value[class_index[CASH]] = float(
        sum((max(v, ZERO) for v in cash_now.values()), ZERO) + sum(flows.values(), ZERO)
    )
    buffer = float(household.policy.cash_buffer)
    targets = np.array([float(household.targets.weights.get(c, ZERO)) for c in classes]) * total
    targets[class_index[CASH]] = buffer
    bands = np.array([
        float(band_for(household, household.targets.weights.get(c, ZERO))) for c in classes
    ]) * total
    if options.rebalance_to == "target":
        w_in, w_out = W_OUT, W_OUT
    else:
        w_in, w_out = W_IN, W_OUT

    where = location(household, classes, dividend_sources(household, book))
    lost = lost_withholding(household, book, prices, as_of)
    horizon = float(horizon_years(household))
    withheld = {key: float(cost.per_year) * horizon for key, cost in lost.items()}
    notes.extend(describe_withholding(list(lost.values())))
    sell_location = np.array([-where.cost(lot.class_index, lot.lot.account, lot.lot.symbol)
                              - withheld.get((lot.lot.account, lot.lot.symbol), 0.0)
                              for lot in lots])
    buy_location = np.array([where.cost(b.class_index, b.account, b.symbol)
                             + withheld.get((b.account, b.symbol), 0.0)
                             for b in buys])
    spread = float(options.costs.spread)

    # Wash-sale binaries only for the groups where a plan both sold a loss (UK: any lot)
    # and bought: the LP without them is solved first and most plans have no such group.
    wash_keys: set[tuple[str, str]] = set()

    def build(rates: dict[str, MarginalRates], budget: float | None) -> Model:
        tax = np.array([_tax_per_dollar(lot, rates, deferral) for lot in lots])
        exact_rate = np.array([_rate(lot, rates) for lot in lots])
        sell_cost = tax + spread + CHURN + sell_location
        if not rebalance:
            harvests = np.array([lot.harvest for lot in lots], dtype=bool)
            sell_cost = sell_cost + np.where(harvests, 0.0, CASH_FLOW_ONLY_SELL)
        held = {(lot.lot.account, lot.lot.symbol) for lot in lots}
        buy_cost = np.array([
            spread + CHURN + buy_location[i]
            + (0.0 if (b.account, b.symbol) in held else 1e-6) + 1e-8 * i
            for i, b in enumerate(buys)
        ])
        wash_sells, wash_buys = _wash_groups(lots, buys, only=wash_keys)
        pair_sells, pair_buys = _pairs(lots, buys)
        return Model(
            n_classes=len(classes),
            n_accounts=len(accounts),
            total=total,
            sell_value_ub=np.array([lot.value if lot.sellable else 0.0 for lot in lots]),
            sell_cost=sell_cost,
            sell_class=np.array([lot.class_index for lot in lots], dtype=np.int64),
            sell_account=np.array([lot.account_index for lot in lots], dtype=np.int64),
            sell_gain=np.array([lot.gain_per_dollar if lot.taxable else 0.0 for lot in lots]),
            sell_tax_rate=exact_rate,
            buy_cost=buy_cost,
            buy_class=np.array([b.class_index for b in buys], dtype=np.int64),
            buy_account=np.array([b.account_index for b in buys], dtype=np.int64),
            class_value=class_value,
            class_target=targets,
            band=bands,
            cash_class=class_index[CASH],
            account_cash=np.array([float(cash_now[a] + flows.get(a, ZERO)) for a in accounts]),
            account_floor=np.array([min(0.0, float(cash_now[a])) for a in accounts]),
            # Keep the buffer, but never force sales to build cash the household lacks.
            cash_buffer=min(buffer, float(sum(cash_now.values(), ZERO)
                                          + sum(flows.values(), ZERO))),
            spread=spread,
            w_in=w_in,
            w_out=w_out,
            wash_sells=wash_sells,
            wash_buys=wash_buys,
            pair_sells=pair_sells,
            pair_buys=pair_buys,
            commission=float(options.costs.commission),
            min_trade=float(options.costs.min_trade),
            tax_budget=budget,
            max_gain=float(options.max_gain) if options.max_gain is not None else None,
        )

    base_tax = total_tax(positions, {})
    budget = float(options.tax_budget) if options.tax_budget is not None else None
    rounds = 0
    for _ in range(4):  # the budget is linear in the model; tighten it until it holds exactly
        solution, rounds = _solve_linearised(build, lots, positions, base_tax, budget,
                                             factors)
        while conflicts := _wash_conflicts(lots, buys, solution) - wash_keys:
            wash_keys.update(conflicts)
            solution, rounds = _solve_linearised(build, lots, positions, base_tax, budget,
                                             factors)
        after_tax = total_tax(positions, _realized(lots, solution.sells))
        spent = sum(((after_tax[u] - base_tax[u]) * factors.get(u, ONE) for u in after_tax),
                    ZERO)
        if options.tax_budget is None or spent <= options.tax_budget + Decimal("0.01"):
            break
        assert budget is not None
        budget = max(0.0, budget - float(spent - options.tax_budget) - 1.0)

    trades = _round_trades(household, lots, buys, solution, cash_now, flows, options)
    _explain(trades, household, before, flows, options.harvest, set(lost))
    return Proposal(
        mode="rebalance" if rebalance else "cash_flows",
        trades=tuple(trades),
        before=before,
        notes=tuple(notes),
        positions=positions,
        base_tax=base_tax,
        solver={
            "rounds": rounds,
            "mip": solution.mip,
            "status": solution.status,
            "lots": len(lots),
            "buy_options": len(buys),
        },
        factors=factors,
    )


# -- inputs ------------------------------------------------------------------------------


def _check_flows(household: Household, book: Book, prices: PriceTable, as_of: date,
                 options: PlanOptions) -> None:
    source = Source("plan request")
    for flow in options.flows:
        if flow.account not in household.accounts:
            raise InputError.one(source, "account", f"unknown account '{flow.account}'",
                                 f"use one of {', '.join(household.accounts)}")
        if flow.amount >= 0:
            continue
        assets = book.cash.get(flow.account, ZERO) + sum(
            (lot.quantity * prices.price_on(lot.symbol, as_of)
             for lot in book.lots if lot.account == flow.account),
            ZERO,
        )
        if -flow.amount > assets:
            raise InputError.one(
                source, "withdrawal",
                f"withdrawal of {-flow.amount:,.2f} from '{flow.account}' exceeds its assets "
                f"of {assets:,.2f}",
                "withdraw at most the account's value, or split the withdrawal across accounts",
            )
    for flow in options.flows:
        if flow.amount > 0 and not any(
            household.accounts[flow.account].may_buy(s) and prices.has(s)
            for s in household.securities
        ):
            raise InputError.one(
                source, "contribution",
                f"account '{flow.account}' may buy no security with a price, so the "
                f"contribution cannot be invested",
                f"add securities to accounts.{flow.account}.allowed, or prices for them",
            )


def _lots(household: Household, book: Book, prices: PriceTable, as_of: date,
          options: PlanOptions, guard: WashGuard, class_index: dict[str, int],
          account_index: dict[str, int], notes: list[str]) -> list[_Lot]:
    """One sell variable per taxable lot, and one per position of a tax-advantaged account
    (its lots cost no tax, so which of them goes does not matter)."""
    out = []
    blocked_groups: set[tuple[tuple[str, str] | None, bool]] = set()
    price_of: dict[str, Decimal] = {}
    unit_of = unit_of_accounts(household)
    holding_period = {a: regime_code(household.owners[acct.owner]) == US
                      for a, acct in household.accounts.items()}
    sheltered: dict[tuple[str, str], list[OpenLot]] = {}
    cost = float(options.costs.spread)
    regimes = {owner: regime_for(household, owner) for owner in household.owners}

    def income_gain(owner: str, symbol: str) -> bool:
        return regimes[owner].gain_is_income(symbol)

    for lot in book.lots:
        account = household.accounts[lot.account]
        if not account.is_taxable:
            sheltered.setdefault((lot.account, lot.symbol), []).append(lot)
            continue
        price = price_of.get(lot.symbol)
        if price is None:
            price = price_of[lot.symbol] = prices.price_on(lot.symbol, as_of)
        value = float(lot.quantity) * float(price)
        if value <= 0:
            continue
        gain = (value - float(lot.basis)) / value
        term = term_on(lot.holding_start, as_of) if holding_period[lot.account] else Term.LONG
        unit = unit_of[lot.account]
        group = household.group_of(lot.symbol)
        wash_key = guard.sell_key(lot.account, lot.symbol)
        sellable = True
        # A lot whose gain does not cover the cost of selling it is sold at a loss; the cent
        # allows for a broker rounding the fee up.
        at_loss = gain < cost + (float(options.costs.commission) + 0.01) / value
        guarded = at_loss or guard.matches_gains(lot.account)
        blockers = guard.sale_blockers(lot.account, lot.symbol, at_loss)
        if blockers:
            sellable = False
            if (wash_key, at_loss) not in blocked_groups:
                assert wash_key is not None
                blocked_groups.add((wash_key, at_loss))
                rule = guard.seller[lot.account].rule
                what, sale = ("loss lots", "a sale at a loss") if at_loss else ("lots", "a sale")
                notes.append(f"{what} of {wash_key[1]} ({wash_key[0]}) are not sold: "
                             f"{blockers[0].describe()} — {sale} now would be "
                             f"{_RULE_WORDS[rule.kind]}")
        if gain > 0 and term is Term.SHORT:
            if not options.short_term_gains:
                sellable = False
            elif (long_term_from(lot.holding_start) - as_of).days <= options.protect_days:
                sellable = False
                notes.append(f"lot {lot.lot_id} ({lot.symbol}, {lot.account}) is kept: it turns "
                             f"long-term on {long_term_from(lot.holding_start).isoformat()}")
        out.append(_Lot(lot, price, value, gain, True, term, unit, group,
                        _class_of(household, lot.symbol, class_index),
                        account_index[lot.account], sellable, at_loss, wash_key, guarded,
                        pooled=not holding_period[lot.account],
                        income=income_gain(account.owner, lot.symbol)))
    for (account_id, symbol), held in sorted(sheltered.items()):
        price = prices.price_on(symbol, as_of)
        quantity = sum((lot.quantity for lot in held), ZERO)
        first = min(held, key=lambda lot: lot.acquired)
        position = OpenLot(f"{account_id}:{symbol}", account_id, symbol, quantity,
                           sum((lot.basis for lot in held), ZERO), first.acquired,
                           first.holding_start, "position", ZERO)
        value = float(quantity * price)
        if value <= 0:
            continue
        out.append(_Lot(position, price, value, 0.0, False, Term.LONG, unit_of[account_id],
                        household.group_of(symbol), _class_of(household, symbol, class_index),
                        account_index[account_id], True, False, None))
    return out


def _class_of(household: Household, symbol: str, class_index: dict[str, int]) -> int:
    security = household.securities.get(symbol)
    return class_index[security.asset_class] if security else class_index[CASH]


def _buys(household: Household, prices: PriceTable, as_of: date, guard: WashGuard,
          class_index: dict[str, int], account_index: dict[str, int],
          notes: list[str]) -> list[_Buy]:
    out = []
    noted: set[tuple[str, str]] = set()
    unit_of = unit_of_accounts(household)
    penalised_funds = _penalised_funds_not_bought(household, prices, as_of)
    for account in household.accounts.values():
        unit = unit_of[account.id]
        for symbol, security in household.securities.items():
            if not account.may_buy(symbol):
                continue
            try:
                price = prices.price_on(symbol, as_of)
            except MissingPriceError:
                continue
            penalised = penalised_funds.get((account.id, symbol))
            if penalised:
                why, instead = penalised
                notes.append(f"{symbol} is not bought in {account.id}: {why}; it may buy "
                             f"{' or '.join(instead)} of the same class instead")
                continue
            group = security.group
            blockers = guard.buy_blockers(account.id, symbol)
            if blockers:
                if (account.id, symbol) not in noted:
                    noted.add((account.id, symbol))
                    sale = blockers[0]
                    why = ("" if sale.gain < 0 and sale.kind == "sale" else
                           " (a purchase now would be matched to that disposal and re-price "
                           "it: the 30-day rule, TCGA 1992 s.106A)")
                    notes.append(f"{symbol} is not bought in {account.id}: {sale.describe()}"
                                 f"{why}; buying is allowed again from "
                                 f"{sale.buy_allowed_from.isoformat()}")
                continue
            out.append(_Buy(account.id, symbol, price, class_index[security.asset_class],
                            account_index[account.id], unit, group,
                            guard.buy_keys(account.id, symbol)))
    return out


def _penalised_funds_not_bought(household: Household, prices: PriceTable,
                               as_of: date) -> dict[tuple[str, str], tuple[str, list[str]]]:
    """(account, fund) -> why it is not bought there and the securities bought instead, for
    each fund whose gains the owner's country taxes as income (:mod:`lotwise.plan.penal_funds`:
    a UK resident's offshore fund without reporting status, a US resident's PFIC) that a
    taxable account could buy while it may also buy another priced security of the same
    class without that penalty, as :mod:`lotwise.plan.harvest` never offers one as a
    replacement.  Where the fund is the class's only security the account may buy, it stays
    a candidate."""
    out: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for account in household.accounts.values():
        if not account.is_taxable:
            continue
        buyable = {s: sec for s, sec in household.securities.items()
                   if account.may_buy(s) and _priced(prices, s, as_of)}
        for symbol, security in buyable.items():
            why = penalty(household, account, security)
            if why is None:
                continue
            instead = [s for s, sec in buyable.items()
                       if sec.asset_class == security.asset_class
                       and penalty(household, account, sec) is None]
            if instead:
                out[(account.id, symbol)] = (why, instead)
    return out


def _priced(prices: PriceTable, symbol: str, as_of: date) -> bool:
    try:
        prices.price_on(symbol, as_of)
    except MissingPriceError:
        return False
    return True


def _rate(lot: _Lot, rates: dict[str, MarginalRates]) -> float:
    if not lot.taxable:
        return 0.0
    r = rates[lot.unit]
    if lot.gain_per_dollar >= 0 and lot.income:
        return float(r.income_gain)
    if lot.gain_per_dollar >= 0:
        return float(r.short_gain if lot.term is Term.SHORT else r.long_gain)
    return float(r.short_loss if lot.term is Term.SHORT else r.long_loss)


def _tax_per_dollar(lot: _Lot, rates: dict[str, MarginalRates], deferral: float) -> float:
    """Tax of selling a dollar of the lot.  A harvested loss is worth its exact marginal value
    less the discounted tax that its lower replacement basis brings back later; any other loss
    is only preferred to a gain, so the plan never sells more than it needs."""
    if not lot.taxable:
        return 0.0
    if lot.gain_per_dollar < 0:
        if not lot.harvest:
            return LOSS_PREFERENCE * lot.gain_per_dollar
        later = float(rates[lot.unit].long_gain) * deferral * -lot.gain_per_dollar
        return _rate(lot, rates) * lot.gain_per_dollar + later
    return _rate(lot, rates) * lot.gain_per_dollar


def _wash_conflicts(lots: list[_Lot], buys: list[_Buy], solution: Solution
                    ) -> set[tuple[str, str]]:
    """Loss-rule keys under which the solution sells a lot the rule catches (at a loss; UK:
    any) and also buys."""
    sold = {lot.wash_key for lot, x in zip(lots, solution.sells, strict=True)
            if x > 1e-6 and lot.taxable and lot.guarded and lot.wash_key is not None}
    bought = {key for b, x in zip(buys, solution.buys, strict=True) if x > 1e-6
              for key in b.wash_keys}
    return {key for key in sold if key in bought}


def _wash_groups(lots: list[_Lot], buys: list[_Buy], only: set[tuple[str, str]]
                 ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    loss_lots: dict[tuple[str, str], list[int]] = {}
    for i, lot in enumerate(lots):
        if lot.taxable and lot.sellable and lot.guarded and lot.wash_key in only:
            assert lot.wash_key is not None
            loss_lots.setdefault(lot.wash_key, []).append(i)
    group_buys: dict[tuple[str, str], list[int]] = {}
    for k, b in enumerate(buys):
        for key in b.wash_keys:
            if key in loss_lots:
                group_buys.setdefault(key, []).append(k)
    keys = sorted(group_buys)
    return (
        [np.array(loss_lots[key], dtype=np.int64) for key in keys],
        [np.array(group_buys[key], dtype=np.int64) for key in keys],
    )


def _pairs(lots: list[_Lot], buys: list[_Buy]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    sells: dict[tuple[str, str], list[int]] = {}
    for i, lot in enumerate(lots):
        sells.setdefault((lot.lot.account, lot.lot.symbol), []).append(i)
    purchases: dict[tuple[str, str], list[int]] = {}
    for k, b in enumerate(buys):
        purchases.setdefault((b.account, b.symbol), []).append(k)
    keys = sorted(set(sells) | set(purchases))
    return (
        [np.array(sells.get(key, []), dtype=np.int64) for key in keys],
        [np.array(purchases.get(key, []), dtype=np.int64) for key in keys],
    )


# -- the linearise-and-resolve loop --------------------------------------------------------


def _solve_linearised(
    build: Callable[[dict[str, MarginalRates], float | None], Model],
    lots: list[_Lot],
    positions: dict[str, Position],
    base_tax: dict[str, Decimal],
    budget: float | None,
    factors: dict[str, Decimal],
) -> tuple[Solution, int]:
    """Solve, re-evaluate the marginal rates at the plan's own realized gains, solve again;
    keep the plan with the lowest exact objective."""
    best: tuple[float, Solution] | None = None
    realized: dict[str, Realized] = {}
    rounds = 0
    for rounds in range(1, MAX_ROUNDS + 1):  # noqa: B007
        rates = {
            u: rates_of(pos.with_gains(*realized.get(u, (ZERO, ZERO))))
            for u, pos in positions.items()
        }
        model = build(rates, budget)
        solution = solve(model)
        new_realized = _realized(lots, solution.sells)
        exact = _exact_objective(model, solution, positions, new_realized, base_tax, factors)
        if best is None or exact < best[0] - 1e-6:
            best = (exact, solution)
        if _close(new_realized, realized):
            break
        realized = new_realized
    assert best is not None
    return best[1], rounds


def _realized(lots: list[_Lot], sells: np.ndarray) -> dict[str, Realized]:
    out: dict[str, list[float]] = {}
    for lot, sold in zip(lots, sells, strict=True):
        if lot.taxable and sold > 0:
            sums = out.setdefault(lot.unit, [0.0, 0.0, 0.0])
            slot = (2 if lot.income and lot.gain_per_dollar >= 0
                    else 0 if lot.term is Term.SHORT else 1)
            sums[slot] += lot.gain_per_dollar * float(sold) * lot.to_tax
    return {u: (_dec(round(s, 2)), _dec(round(g, 2)), _dec(round(i, 2)))
            for u, (s, g, i) in out.items()}


def _close(a: dict[str, Realized], b: dict[str, Realized]) -> bool:
    keys = set(a) | set(b)
    return all(
        abs(a.get(k, NOTHING)[i] - b.get(k, NOTHING)[i]) <= 1 for k in keys for i in (0, 1, 2)
    )


def _exact_objective(model: Model, solution: Solution, positions: dict[str, Position],
                     realized: dict[str, Realized],
                     base_tax: dict[str, Decimal], factors: dict[str, Decimal]) -> float:
    after = total_tax(positions, realized)
    tax = float(sum(((after[u] - base_tax[u]) * factors.get(u, ONE) for u in after), ZERO))
    trading = model.spread * float(solution.sells.sum() + solution.buys.sum())
    dev = np.abs(solution.deviation)
    inside = np.minimum(dev, model.band)
    drift = model.w_in * float(inside.sum()) + model.w_out * float((dev - inside).sum())
    return tax + trading + drift


# -- from dollars to orders ---------------------------------------------------------------


def _dec(value: float | np.floating[Any]) -> Decimal:
    """A solver float as a Decimal, through its shortest repr (0.1 stays 0.1)."""
    return Decimal(repr(float(value)))


def _quantize(qty: Decimal, whole: bool) -> Decimal:
    if whole:
        return qty.to_integral_value(rounding=ROUND_DOWN)
    return qty.quantize(SHARE_STEP, rounding=ROUND_DOWN)


def _round_trades(household: Household, lots: list[_Lot], buys: list[_Buy],
                  solution: Solution, cash_now: dict[str, Decimal], flows: dict[str, Decimal],
                  options: PlanOptions) -> list[Trade]:
    spread, commission = options.costs.spread, options.costs.commission
    by_position: dict[tuple[str, str], list[tuple[_Lot, float]]] = {}
    for lot, sold in zip(lots, solution.sells, strict=True):
        if sold > 1e-6:
            by_position.setdefault((lot.lot.account, lot.lot.symbol), []).append((lot, sold))
    trades: list[Trade] = []
    cash = {a: cash_now[a] + flows.get(a, ZERO) for a in cash_now}
    spare: dict[str, list[tuple[_Lot, Decimal]]] = {a: [] for a in cash_now}
    for (account_id, symbol), chosen in sorted(by_position.items()):
        whole = not household.accounts[account_id].fractional
        price = chosen[0][0].price
        # Lots the optimizer sold most fully come first; a fully sold lot goes whole.
        chosen.sort(key=lambda pair: -pair[1] / pair[0].value)
        desired = [
            lot.lot.quantity if sold >= lot.value * (1 - 1e-9)
            else min(lot.lot.quantity, _dec(sold) / price)
            for lot, sold in chosen
        ]
        takes = [q if q == lot.lot.quantity else _quantize(q, whole)
                 for q, (lot, _) in zip(desired, chosen, strict=True)]
        left = _quantize(sum(desired, ZERO), whole) - sum(takes, ZERO)
        for i, (lot, _) in enumerate(chosen):  # rounding leftovers, in the same order
            if left <= 0:
                break
            extra = _quantize(min(lot.lot.quantity - takes[i], left), whole)
            takes[i] += extra
            left -= extra
        sales: list[LotSale] = []
        for (lot, _), qty in zip(chosen, takes, strict=True):
            if qty <= 0:
                continue
            basis = lot.lot.basis * qty / lot.lot.quantity
            proceeds = qty * price * (1 - spread)
            sales.append(LotSale(lot.lot.lot_id, lot.lot.acquired, lot.lot.holding_start, qty,
                                 basis, proceeds, proceeds - basis if lot.taxable else ZERO,
                                 POOL if lot.pooled else lot.term.value))
        quantity = sum((sale.quantity for sale in sales), ZERO)
        if quantity <= 0:
            continue
        cash[account_id] += quantity * price * (1 - spread) - commission
        # Lots matter only where a sale is taxed; elsewhere the broker's default relieves them.
        named = tuple(sales) if household.accounts[account_id].is_taxable else ()
        trades.append(Trade(account_id, "sell", symbol, quantity, price, named, (), ""))
        spare[account_id].extend(
            (lot, lot.lot.quantity - take) for (lot, _), take in zip(chosen, takes, strict=True)
        )
    buy_trades: list[Trade] = []
    for b, spent in zip(buys, solution.buys, strict=True):
        if spent <= 1e-6:
            continue
        whole = not household.accounts[b.account].fractional
        qty = _quantize(_dec(spent) / (b.price * (1 + spread)), whole)
        if qty <= 0:
            continue
        buy_trades.append(Trade(b.account, "buy", b.symbol, qty, b.price, (), (), ""))
        cash[b.account] -= qty * b.price * (1 + spread) + commission
    # Rounding and commissions must never leave an account short of cash: trim its largest
    # purchase (a purchase cut to nothing saves its commission too), and where there is
    # none, sell one more step of a lot the plan already sells.
    for account_id in cash:
        floor = min(ZERO, cash_now[account_id])
        whole = not household.accounts[account_id].fractional
        step = Decimal(1) if whole else SHARE_STEP
        while cash[account_id] < floor:
            mine = [t for t in buy_trades if t.account == account_id and t.quantity > 0]
            if mine:
                biggest = max(mine, key=lambda t: t.value)
                cost = biggest.price * (1 + spread)
                cut = min(biggest.quantity,
                          max(step, _quantize((floor - cash[account_id]) / cost, whole) + step))
                buy_trades[buy_trades.index(biggest)] = Trade(
                    biggest.account, "buy", biggest.symbol, biggest.quantity - cut,
                    biggest.price, (), (), "")
                cash[account_id] += cut * cost + (commission if cut == biggest.quantity else 0)
                continue
            topup = next(((lot, room) for lot, room in spare[account_id] if room >= step), None)
            if topup is None:
                break  # verification will report the shortfall
            lot, room = topup
            spare[account_id].remove(topup)
            spare[account_id].append((lot, room - step))
            trades[:] = [_add_step(t, lot, step, spread) if t.account == account_id
                         and t.symbol == lot.lot.symbol and t.action == "sell" else t
                         for t in trades]
            cash[account_id] += step * lot.price * (1 - spread)
    trades.extend(t for t in buy_trades if t.quantity > 0)
    return trades


def _add_step(trade: Trade, lot: _Lot, step: Decimal, spread: Decimal) -> Trade:
    """``trade`` selling ``step`` more shares of ``lot``."""
    sales = list(trade.lots)
    index = next((i for i, sale in enumerate(sales) if sale.lot_id == lot.lot.lot_id), None)
    qty = step if index is None else sales[index].quantity + step
    basis = lot.lot.basis * qty / lot.lot.quantity
    proceeds = qty * lot.price * (1 - spread)
    sale = LotSale(lot.lot.lot_id, lot.lot.acquired, lot.lot.holding_start, qty, basis,
                   proceeds, proceeds - basis if lot.taxable else ZERO,
                   POOL if lot.pooled else lot.term.value)
    if index is None:
        sales.append(sale)
    else:
        sales[index] = sale
    return Trade(trade.account, trade.action, trade.symbol, trade.quantity + step, trade.price,
                 tuple(sales), trade.reasons, trade.rationale)


# -- reasons -----------------------------------------------------------------------------


def _explain(trades: list[Trade], household: Household, before: Allocation,
             flows: dict[str, Decimal], harvest: bool,
             withheld: set[tuple[str, str]]) -> None:
    drift = {c.asset_class: c for c in before.classes}
    harvested_classes = {
        (t.account, household.securities[t.symbol].asset_class)
        for t in trades if t.action == "sell" and any(lot.gain < 0 for lot in t.lots)
        and harvest
    }
    for index, trade in enumerate(trades):
        harvested = harvest
        account = household.accounts[trade.account]
        security = household.securities[trade.symbol]
        row = drift.get(security.asset_class)
        reasons: list[str] = []
        words: list[str] = []
        kind = account.type
        if row is not None:
            where = (f"{security.asset_class} is {abs(row.drift) * 100:.1f} points "
                     f"{'over' if row.drift > 0 else 'under'} target")
            if trade.action == "sell" and row.drift > 0:
                reasons.append(codes.OVERWEIGHT)
                words.append(where)
            elif trade.action == "buy" and row.drift < 0:
                reasons.append(codes.UNDERWEIGHT)
                words.append(where)
        flow = flows.get(trade.account, ZERO)
        if flow > 0 and trade.action == "buy":
            reasons.append(codes.CASH_FLOW)
            words.append(f"invests the {flow:,.2f} contribution")
        elif flow < 0 and trade.action == "sell":
            reasons.append(codes.CASH_FLOW)
            words.append(f"raises the {-flow:,.2f} withdrawal")
        elif trade.action == "buy" and not flow:
            reasons.append(codes.CASH_INVESTED)
        if trade.action == "buy" and (trade.account, security.asset_class) in harvested_classes:
            reasons.append(codes.REPLACEMENT)
            regime = regime_code(household.owners[account.owner])
            words.append(f"replaces the harvested position with {regime_words(regime).replacement}")
        if (trade.action == "buy" and (trade.account, trade.symbol) not in withheld
                and any(symbol == trade.symbol for _, symbol in withheld)):
            reasons.append(codes.WITHHOLDING)
            words.append("held here its dividends lose no tax withheld at source")
        primary = {codes.OVERWEIGHT, codes.UNDERWEIGHT, codes.CASH_FLOW}
        if row is not None and not primary & set(reasons):
            reasons.append(codes.ASSET_LOCATION)
            words.append(f"asset location: {security.asset_class} is better held in "
                         f"{'this' if trade.action == 'buy' else 'another'} kind of account")
        if not account.is_taxable:
            reasons.append(codes.TAX_FREE_ACCOUNT)
            words.append(f"a trade inside {account_kind(kind.value)} costs no tax")
        if trade.action == "sell" and account.is_taxable:
            losses = [lot for lot in trade.lots if lot.gain < 0]
            longs = [lot for lot in trade.lots if lot.gain >= 0 and lot.term == "long"]
            shorts = [lot for lot in trade.lots if lot.gain >= 0 and lot.term == "short"]
            pooled = [lot for lot in trade.lots if lot.gain >= 0 and lot.term == POOL]
            if losses and harvested:
                reasons.append(codes.HARVEST)
                words.append(f"harvests a loss of {-sum(lot.gain for lot in losses):,.2f} "
                             f"(a replacement keeps the exposure; {trade.symbol} may be bought "
                             f"back from {before.as_of + timedelta(days=31)})")
            elif losses:
                reasons.append(codes.REALIZES_LOSS)
                words.append(f"lots at a loss first ({sum(lot.gain for lot in losses):,.2f})")
            if longs:
                reasons.append(codes.LONG_TERM_GAIN)
                words.append(f"then long-term lots with the least gain per dollar "
                             f"({sum(lot.gain for lot in longs):,.2f})")
            if shorts:
                reasons.append(codes.SHORT_TERM_GAIN)
                words.append(f"short-term gain {sum(lot.gain for lot in shorts):,.2f}")
            if pooled:
                reasons.append(codes.POOLED_GAIN)
                words.append(f"a gain of {sum(lot.gain for lot in pooled):,.2f} at the pool's "
                             f"average cost (no lots to choose)")
        sentence = (f"{trade.action.capitalize()} {trade.quantity.normalize():f} {trade.symbol} "
                    f"in {trade.account}: " + "; ".join(words) if words else
                    f"{trade.action.capitalize()} {trade.quantity.normalize():f} {trade.symbol} "
                    f"in {trade.account}")
        trades[index] = Trade(trade.account, trade.action, trade.symbol, trade.quantity,
                              trade.price, trade.lots, tuple(dict.fromkeys(reasons)),
                              sentence + ".")


def _inputs_hash(household: Household, transactions: Sequence[Transaction], prices: PriceTable,
                 as_of: date, options: PlanOptions) -> str:
    """A digest of everything the plan was made from: household, journal, prices, policy."""
    digest = hashlib.sha256()
    digest.update(repr(household).encode())
    journal = sorted(transactions, key=lambda t: (t.date, t.seq))
    digest.update(pickle.dumps([
        (t.id, t.date, t.account, t.action.value, t.symbol, t.quantity, t.price, t.fees,
         t.amount, t.lots, t.to_account) for t in journal
    ], protocol=5))
    for symbol in sorted(household.securities):
        try:
            digest.update(f"{symbol}={prices.price_on(symbol, as_of)}".encode())
        except MissingPriceError:
            digest.update(f"{symbol}=none".encode())
    digest.update(repr((as_of, options)).encode())
    return digest.hexdigest()
