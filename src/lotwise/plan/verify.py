"""Checking a plan by replaying it through the same ledger and tax code.

The plan's trades become transactions dated the plan's day (sales with the exact lots to
relieve, purchases, and the cash flows), appended to the journal and replayed.  The plan is
accepted only if

* no wash sale involves its trades — neither against the journal, nor against purchases
  that will happen by themselves in the next 30 days (scheduled purchases and expected
  dividend reinvestments, replayed as well);
* no holding goes negative (the ledger refuses to sell shares that are not held);
* no account's cash falls below where it started (or zero);
* the year's tax is recomputed exactly from the replayed disposals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from lotwise.allocation import Allocation, allocation
from lotwise.errors import InputError
from lotwise.ledger import replay
from lotwise.ledger.book import Book
from lotwise.model.household import Household
from lotwise.model.lots import WashSale
from lotwise.model.numbers import ZERO
from lotwise.model.prices import MissingPriceError, PriceTable
from lotwise.model.transactions import Action, LotPick, Transaction
from lotwise.plan.guard import expected_reinvestments, scheduled_purchases
from lotwise.plan.options import PlanOptions
from lotwise.plan.taxes import realized_by_unit, total_tax
from lotwise.plan.trades import Trade
from lotwise.tax.federal import TaxPosition

CASH_TOLERANCE = Decimal("0.01")


@dataclass(frozen=True)
class Verification:
    ok: bool
    problems: tuple[str, ...]
    wash_sales: tuple[WashSale, ...]
    cash: Mapping[str, Decimal]
    realized: Mapping[str, tuple[Decimal, Decimal]]
    tax_after: Mapping[str, Decimal]
    after: Allocation
    book: Book = field(repr=False)


def plan_transactions(
    trades: Sequence[Trade], options: PlanOptions, as_of: date, first_seq: int
) -> list[Transaction]:
    """The plan as journal rows: cash flows, then sales, then purchases."""
    rows: list[Transaction] = []
    seq = first_seq
    for flow in options.flows:
        action = Action.DEPOSIT if flow.amount >= 0 else Action.WITHDRAWAL
        if flow.amount < 0:
            continue  # withdrawals leave after the sales that raise them
        rows.append(Transaction(seq, f"plan-flow-{seq}", as_of, flow.account, action,
                                amount=abs(flow.amount), memo="plan cash flow"))
        seq += 1
    spread = options.costs.spread
    for trade in sorted(trades, key=lambda t: t.action != "sell"):
        fees = (trade.quantity * trade.price * spread) + options.costs.commission
        action = Action.SELL if trade.action == "sell" else Action.BUY
        picks = tuple(LotPick(lot.lot_id, lot.quantity) for lot in trade.lots)
        rows.append(Transaction(seq, f"plan-{seq}", as_of, trade.account, action, trade.symbol,
                                trade.quantity, trade.price, fees, lots=picks,
                                method="specific" if picks else None, memo=trade.rationale))
        seq += 1
    for flow in options.flows:
        if flow.amount < 0:
            rows.append(Transaction(seq, f"plan-flow-{seq}", as_of, flow.account,
                                    Action.WITHDRAWAL, amount=-flow.amount,
                                    memo="plan cash flow"))
            seq += 1
    return rows


def verify_plan(
    household: Household,
    transactions: Sequence[Transaction],
    book: Book,
    prices: PriceTable,
    as_of: date,
    options: PlanOptions,
    trades: Sequence[Trade],
    positions: Mapping[str, TaxPosition],
) -> Verification:
    journal = [t for t in transactions if t.date <= as_of]
    first = max((t.seq for t in transactions), default=-1) + 1
    planned = plan_transactions(trades, options, as_of, first)
    plan_ids = {t.id for t in planned}
    problems: list[str] = []
    try:
        after_book = replay(household, journal + planned)
    except InputError as exc:
        raise AssertionError(f"the plan does not replay: {exc}") from exc

    washes = [w for w in after_book.wash_sales if _touches(w, plan_ids)]
    future = _future_purchases(household, transactions, prices, as_of, first + len(planned))
    if future:
        with_future = replay(household, journal + planned + future)
        washes += [
            w for w in with_future.wash_sales
            if w.loss_txn_id in plan_ids and w not in washes
        ]
    for w in washes:
        problems.append(f"wash sale: {w.symbol} sold {w.sold} in {w.account} replaced by "
                        f"{w.replacement_symbol} in {w.replacement_account}")
    for account, start in book.cash.items():
        end = after_book.cash.get(account, ZERO)
        if end < min(ZERO, start) - CASH_TOLERANCE:
            problems.append(f"cash of {account} would be {end:,.2f}")
    plan_disposals = [d for d in after_book.disposals if d.txn_id in plan_ids]
    realized = realized_by_unit(household, plan_disposals, as_of.year)
    tax_after = total_tax(positions, realized)
    after = allocation(household, after_book, prices, as_of)
    return Verification(
        ok=not problems,
        problems=tuple(problems),
        wash_sales=tuple(washes),
        cash=dict(after_book.cash),
        realized=realized,
        tax_after=tax_after,
        after=after,
        book=after_book,
    )


def _touches(wash: WashSale, plan_ids: set[str]) -> bool:
    """The wash sale involves the plan: its loss sale or its replacement purchase."""
    return wash.loss_txn_id in plan_ids or wash.replacement_lot_id.split("#")[0] in plan_ids


def _future_purchases(household: Household, transactions: Sequence[Transaction],
                      prices: PriceTable, as_of: date, first_seq: int) -> list[Transaction]:
    """Purchases that will happen by themselves in the next 30 days, as journal rows."""
    rows = []
    expected = scheduled_purchases(household, as_of) + expected_reinvestments(
        household, transactions, as_of
    )
    for offset, acq in enumerate(sorted(expected, key=lambda a: (a.day, a.account, a.symbol))):
        try:
            price = prices.price_on(acq.symbol, as_of)
        except MissingPriceError:
            continue
        rows.append(Transaction(first_seq + offset, f"expected-{offset}", acq.day, acq.account,
                                Action.BUY, acq.symbol, Decimal(1), price,
                                memo=acq.describe()))
    return rows
