"""The wash-sale guard: which loss sales and which purchases a plan must not make today.

IRC §1091 disallows a loss when substantially identical shares are acquired within 30 days
before or after the sale by the taxpayer or spouse in any account (IRS Pub 550; Rev. Rul.
2008-5 for IRAs).  A plan made on day D therefore must not

* sell at a loss shares of a group that the tax unit acquired on D-30 … D, or will acquire
  on D … D+30 by itself — a scheduled purchase (payroll 401(k), automatic investment) or a
  dividend reinvestment expected in that window; nor
* buy shares of a group that the tax unit sold at a loss on D-30 … D;
* nor, within the plan itself, both sell a group at a loss and buy that group (the
  optimizer enforces that with one binary choice per group, see
  :mod:`lotwise.plan.optimizer`).

Expected dividend reinvestments are judged from the journal: an account that reinvested a
symbol's dividends in the last 400 days (and whose ``drip`` is not ``false``, or whose
``drip`` is ``true``) is expected to reinvest again one median interval after the last one.

Example: Sam's 401(k) buys FXAIX every 15 days; on 2026-11-21 a loss lot of IVV (same
``sp500`` group) in Alex's taxable account is blocked, with the reason "scheduled purchase
of FXAIX in sam_401k on 2026-11-30".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from statistics import median

from lotwise.ledger.book import Book
from lotwise.model.household import Household
from lotwise.model.transactions import Action, Transaction

WINDOW = timedelta(days=30)
DRIP_LOOKBACK = timedelta(days=400)


@dataclass(frozen=True, slots=True)
class Acquisition:
    """A purchase, past or expected, that makes a loss sale a wash sale."""

    day: date
    account: str
    symbol: str
    kind: str  # bought, reinvested, scheduled, expected_reinvestment

    def describe(self) -> str:
        words = {
            "bought": "bought",
            "reinvested": "dividend reinvested in",
            "scheduled": "scheduled purchase of",
            "expected_reinvestment": "dividend reinvestment expected in",
        }[self.kind]
        return f"{words} {self.symbol} in {self.account} on {self.day.isoformat()}"


@dataclass(frozen=True, slots=True)
class LossSale:
    day: date
    account: str
    symbol: str

    def describe(self) -> str:
        return f"{self.symbol} sold at a loss in {self.account} on {self.day.isoformat()}"

    @property
    def buy_allowed_from(self) -> date:
        return self.day + WINDOW + timedelta(days=1)


@dataclass(frozen=True)
class WashGuard:
    """Blocks keyed by (tax unit, identical group)."""

    as_of: date
    acquisitions: dict[tuple[str, str], list[Acquisition]] = field(default_factory=dict)
    loss_sales: dict[tuple[str, str], list[LossSale]] = field(default_factory=dict)

    def loss_sale_blockers(self, unit: str, group: str) -> list[Acquisition]:
        return self.acquisitions.get((unit, group), [])

    def buy_blockers(self, unit: str, group: str) -> list[LossSale]:
        return self.loss_sales.get((unit, group), [])


def expected_reinvestments(
    household: Household, transactions: Sequence[Transaction], as_of: date
) -> list[Acquisition]:
    """Dividend reinvestments expected in the 30 days around ``as_of`` and not in the journal."""
    history: dict[tuple[str, str], list[date]] = {}
    for txn in transactions:
        if txn.action is Action.REINVEST and txn.symbol and txn.date <= as_of:
            history.setdefault((txn.account, txn.symbol), []).append(txn.date)
    expected = []
    for (account_id, symbol), days in history.items():
        account = household.accounts.get(account_id)
        if account is None or account.drip is False:
            continue
        days.sort()
        if account.drip is None and as_of - days[-1] > DRIP_LOOKBACK:
            continue
        gaps = [(b - a).days for a, b in pairwise(days) if b > a]
        interval = timedelta(days=int(median(gaps))) if gaps else timedelta(days=91)
        # The next reinvestment not yet in the journal: one that was due in the last 30
        # days (perhaps not imported yet) counts as well as one due in the next 30.
        next_day = days[-1] + interval
        while next_day < as_of - WINDOW:
            next_day += interval
        if next_day <= as_of + WINDOW:
            expected.append(Acquisition(next_day, account_id, symbol, "expected_reinvestment"))
    return expected


def scheduled_purchases(household: Household, as_of: date) -> list[Acquisition]:
    """Scheduled purchases falling in the 30 days after ``as_of``."""
    found = []
    for purchase in household.scheduled:
        day = purchase.next
        step = timedelta(days=purchase.every_days)
        while day <= as_of:
            day += step
        while day <= as_of + WINDOW:  # every occurrence in the window
            found.append(Acquisition(day, purchase.account, purchase.symbol, "scheduled"))
            day += step
    return found


def build_guard(
    household: Household, transactions: Iterable[Transaction], book: Book, as_of: date
) -> WashGuard:
    txns = list(transactions)
    unit_of = {a.id: household.tax_unit_key(a.owner) for a in household.accounts.values()}
    acquisitions: dict[tuple[str, str], list[Acquisition]] = {}

    def add(acq: Acquisition) -> None:
        key = (unit_of[acq.account], household.group_of(acq.symbol))
        acquisitions.setdefault(key, []).append(acq)

    for txn in txns:
        if txn.action.acquires and txn.symbol and as_of - WINDOW <= txn.date <= as_of:
            kind = "reinvested" if txn.action is Action.REINVEST else "bought"
            add(Acquisition(txn.date, txn.account, txn.symbol, kind))
    for acq in scheduled_purchases(household, as_of) + expected_reinvestments(
        household, txns, as_of
    ):
        add(acq)

    loss_sales: dict[tuple[str, str], list[LossSale]] = {}
    for d in book.disposals:
        # Only a loss still recognised can be washed by a new purchase: shares already
        # matched with replacements (d.gain == 0 after code W) are used up.
        if d.kind != "sale" or not d.reportable or d.gain >= 0:
            continue
        if as_of - WINDOW <= d.sold <= as_of:
            key = (unit_of[d.account], household.group_of(d.symbol))
            loss_sales.setdefault(key, []).append(LossSale(d.sold, d.account, d.symbol))
    return WashGuard(as_of, acquisitions, loss_sales)
