"""Checking a plan by replaying it through the same ledger and tax code.

The plan's trades become transactions dated the plan's day (sales with the exact lots to
relieve, purchases, and the cash flows), appended to the journal and replayed.  The plan is
accepted only if

* no wash sale involves its trades — neither against the journal, nor against purchases
  that will happen by themselves in the next 30 days (scheduled purchases and expected
  dividend reinvestments, replayed as well);
* no holding goes negative (the ledger refuses to sell shares that are not held);
* no account's cash falls below where it started (or zero), counted in the account's own
  currency: a plan made in the base currency cannot spend more US dollars than a US-dollar
  account holds;
* no UK sale of the plan is matched to an acquisition of the same day or the next 30 days,
  and no purchase of the plan is matched to an earlier UK disposal (TCGA 1992 ss.105,
  106A): either would re-price a gain or a loss behind the plan's back;
* the year's tax is recomputed exactly from the replayed disposals, and the tax projected
  from the plan's own disposals agrees to the cent with the tax of the whole replayed
  book, unit by unit (the tax after the plan is the replayed book's).

Example: Olivia (UK) sold VWRL at a gain in her GIA ten days ago.  A plan that bought VWRL
in her GIA today would, replayed, have that sale matched to today's purchase (s.106A(5)):
the gain becomes a loss and her tax falls below the projection, so the plan is refused —
which the guard (:mod:`lotwise.plan.guard`) prevents in the first place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from lotwise.allocation import Allocation, allocation
from lotwise.errors import InputError
from lotwise.fx import FxTable
from lotwise.ledger import replay
from lotwise.ledger.book import Book
from lotwise.ledger.uk import S104
from lotwise.model.household import Household
from lotwise.model.lots import WashSale
from lotwise.model.numbers import ZERO
from lotwise.model.prices import MissingPriceError, PriceTable
from lotwise.model.transactions import Action, LotPick, Transaction
from lotwise.plan.guard import expected_reinvestments, scheduled_purchases
from lotwise.plan.money import in_base_currency
from lotwise.plan.options import PlanOptions
from lotwise.plan.taxes import (
    Position,
    Realized,
    realized_by_unit,
    tax_positions,
    total_tax,
)
from lotwise.plan.trades import Trade

CASH_TOLERANCE = Decimal("0.01")


@dataclass(frozen=True)
class Verification:
    ok: bool
    problems: tuple[str, ...]
    wash_sales: tuple[WashSale, ...]
    cash: Mapping[str, Decimal]  # each account's after the plan, in its own currency
    realized: Mapping[str, Realized]  # (short, long, income) per tax unit
    tax_after: Mapping[str, Decimal]
    after: Allocation
    book: Book = field(repr=False)


def plan_transactions(
    trades: Sequence[Trade], options: PlanOptions, as_of: date, first_seq: int,
    currency: str | None = None,
) -> list[Transaction]:
    """The plan as journal rows: cash flows, then sales, then purchases.  ``currency``: the
    currency of the plan's prices and flows when it is not each row's own (a plan made in
    the household's base currency, :mod:`lotwise.plan.money`)."""
    rows: list[Transaction] = []
    seq = first_seq
    for flow in options.flows:
        action = Action.DEPOSIT if flow.amount >= 0 else Action.WITHDRAWAL
        if flow.amount < 0:
            continue  # withdrawals leave after the sales that raise them
        rows.append(Transaction(seq, f"plan-flow-{seq}", as_of, flow.account, action,
                                amount=abs(flow.amount), memo="plan cash flow",
                                currency=currency))
        seq += 1
    spread = options.costs.spread
    for trade in sorted(trades, key=lambda t: t.action != "sell"):
        fees = (trade.quantity * trade.price * spread) + options.costs.commission
        action = Action.SELL if trade.action == "sell" else Action.BUY
        picks = tuple(LotPick(lot.lot_id, lot.quantity) for lot in trade.lots)
        rows.append(Transaction(seq, f"plan-{seq}", as_of, trade.account, action, trade.symbol,
                                trade.quantity, trade.price, fees, lots=picks,
                                method="specific" if picks else None, memo=trade.rationale,
                                currency=currency))
        seq += 1
    for flow in options.flows:
        if flow.amount < 0:
            rows.append(Transaction(seq, f"plan-flow-{seq}", as_of, flow.account,
                                    Action.WITHDRAWAL, amount=-flow.amount,
                                    memo="plan cash flow", currency=currency))
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
    positions: Mapping[str, Position],
    fx: FxTable | None = None,
) -> Verification:
    journal = [t for t in transactions if t.date <= as_of]
    first = max((t.seq for t in transactions), default=-1) + 1
    view = in_base_currency(household, book, prices, fx, as_of)
    planned = plan_transactions(trades, options, as_of, first,
                                view.currency if view.converted else None)
    plan_ids = {t.id for t in planned}
    problems: list[str] = []
    try:
        after_book = replay(household, journal + planned, fx=fx)
    except InputError as exc:
        raise AssertionError(f"the plan does not replay: {exc}") from exc

    washes = [w for w in after_book.wash_sales if _touches(w, plan_ids)]
    future = _future_purchases(household, transactions, prices, as_of, first + len(planned))
    if future:
        with_future = replay(household, journal + planned + future, fx=fx)
        washes += [
            w for w in with_future.wash_sales
            if w.loss_txn_id in plan_ids and w not in washes
        ]
    for w in washes:
        problems.append(f"wash sale: {w.symbol} sold {w.sold} in {w.account} replaced by "
                        f"{w.replacement_symbol} in {w.replacement_account}")
    final = with_future if future else after_book
    problems += _regime_problems(final, plan_ids)
    problems += _rematched(book, after_book, plan_ids)
    for account in {**book.cash, **after_book.cash}:  # an account without cash before too
        start, end = book.cash.get(account, ZERO), after_book.cash.get(account, ZERO)
        if end < min(ZERO, start) - CASH_TOLERANCE:
            problems.append(f"cash of {account} would be {end:,.2f} "
                            f"{after_book.cash_currency_of(account)}")
    plan_disposals = [d for d in after_book.disposals if d.txn_id in plan_ids]
    realized = realized_by_unit(household, plan_disposals, as_of, after_book.uk_disposals)
    projected = total_tax(positions, realized)
    replayed = total_tax(tax_positions(household, after_book, as_of), {})
    for unit in sorted(projected):
        if abs(replayed.get(unit, ZERO) - projected[unit]) > CASH_TOLERANCE:
            problems.append(f"tax of {unit}: the plan projects {projected[unit]:,.2f}, the "
                            f"replayed book comes to {replayed.get(unit, ZERO):,.2f}")
    # The tax after the plan is the replayed book's, computed as `lotwise tax` computes it
    # (each Canadian and UK line rounded to the cent first: lotwise.regimes.rounding); the
    # projection from the plan's own disposals agrees with it to the cent or is refused.
    tax_after = {unit: replayed.get(unit, tax) for unit, tax in projected.items()}
    after_view = in_base_currency(household, after_book, prices, fx, as_of)
    after = allocation(household, after_view.book, after_view.prices, as_of)
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


def _regime_problems(book: Book, plan_ids: set[str]) -> list[str]:
    """Canadian superficial losses of the plan's sales, and UK sales of the plan — at a gain
    or a loss — matched to shares bought the same day or in the next 30 days."""
    problems = [
        f"superficial loss: {s.symbol} sold {s.sold} in {s.account}, {s.denied:,.2f} denied "
        f"(ITA s.54)"
        for s in book.superficial_losses if s.txn_id in plan_ids
    ]
    for d in book.uk_disposals:
        if plan_ids.intersection(d.txn_ids) and any(m.rule != S104 for m in d.matches):
            problems.append(f"UK share matching: {d.symbol} sold {d.date} by {d.owner} is "
                            f"matched to shares acquired the same day or within 30 days "
                            f"(TCGA 1992 s.105, s.106A), which re-prices its gain")
    return problems


def _rematched(before: Book, after: Book, plan_ids: set[str]) -> list[str]:
    """Earlier UK disposals whose cost the plan's purchases change: a purchase in the 30 days
    after a disposal by the same person is matched to it (TCGA 1992 s.106A(5))."""
    cost = {(d.owner, d.symbol, d.date, d.kind): d for d in before.uk_disposals}
    problems = []
    for d in after.uk_disposals:
        old = cost.get((d.owner, d.symbol, d.date, d.kind))
        if old is None or plan_ids.intersection(d.txn_ids) or old.cost == d.cost:
            continue
        problems.append(f"UK share matching: the plan's purchase of {d.symbol} by {d.owner} is "
                        f"matched to the disposal of {d.date} (TCGA 1992 s.106A), changing its "
                        f"gain from {old.gain:,.2f} to {d.gain:,.2f}")
    return problems


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
