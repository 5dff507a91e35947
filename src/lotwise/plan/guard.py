"""The loss-rule guard: which loss sales and which purchases a plan must not make today.

Each owner's regime has a loss rule (:meth:`lotwise.regimes.base.Regime.loss_rule`) that
says whose acquisitions, in which accounts, of what identical property, how many days before
and after a sale, disallow or re-price its loss:

* US wash sale (IRC §1091; IRS Pub 550; Rev. Rul. 2008-5): the owner and spouse, every
  account, the identical group, 30 days before and after;
* Canadian superficial loss (ITA s.54, s.40(2)(g)(i)): the owner and affiliated persons
  (spouse, their RRSP/TFSA/...), every account, the identical group, 30 days either side;
* UK share matching (TCGA 1992 ss.105, 106A): the owner alone, only accounts within CGT
  (a GIA: not an ISA or a SIPP), the same security, the same day and the next 30 days.
  It is not only a loss rule (``LossRule.applies_to_gains``): *every* disposal — at a gain
  or a loss, a sale or a gift — is identified first with the person's acquisitions of the
  same shares on its day and in the 30 days after it, so a rebuy re-prices a gain too.

A plan made on day D therefore must not

* sell at a loss (UK: sell at all) shares that the rule's people acquired within its window
  before D (for the UK: on D itself), or will acquire by themselves within its window after
  D — a scheduled purchase (payroll 401(k), automatic investment) or an expected dividend
  reinvestment; nor
* buy, in an account the rule counts, shares identical to ones sold at a loss (UK: disposed
  of at all, unless already matched in full) within the window before D — for the UK a
  repurchase in the GIA is matched to the sale, one in the ISA is not ("bed and ISA" is
  allowed);
* nor, within the plan itself, both sell at a loss (UK: sell at all) and buy identical
  shares where the rule counts them (the optimizer enforces that with one binary choice per
  :meth:`WashGuard.sell_key`, see :mod:`lotwise.plan.optimizer`).

Blocking is what keeps a plan's projected tax true: a UK gain sale that a rebuy re-matched
would lose its gain (the rebuy's cost replaces the pool's), and a day's exempt-amount harvest
would be undone without a word.

Expected dividend reinvestments are judged from the journal: an account that reinvested a
symbol's dividends in the last 400 days (and whose ``drip`` is not ``false``, or whose
``drip`` is ``true``) is expected to reinvest again one median interval after the last one.

Example: Sam's 401(k) buys FXAIX every 15 days; on 2026-11-21 a loss lot of IVV (same
``sp500`` group) in Alex's taxable account is blocked, with the reason "scheduled purchase
of FXAIX in sam_401k on 2026-11-30".  Olivia (UK) sold VUSA at a loss in her GIA on
2026-11-10: the plan may not buy VUSA in her GIA until 2026-12-11, but may in her ISA; had
she sold it at a gain, the same holds (the rebuy would be matched to the sale, s.106A(5)).
Had she given the VUSA to her husband James on 2026-11-10 (s.58), the same holds again: a
rebuy in her GIA by 2026-12-10 would be identified with the gift and change its cost, and so
James's; and James, who acquired the shares that day, may not sell VUSA at a gain that day.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from statistics import median

from lotwise.ledger.book import Book
from lotwise.ledger.uk import SAME_DAY, SPOUSE, THIRTY_DAY
from lotwise.model.household import Household
from lotwise.model.transactions import Action, Transaction
from lotwise.regimes.base import UK, US, LossRule, owner_regimes, regime_for

WINDOW = timedelta(days=30)
DRIP_LOOKBACK = timedelta(days=400)


@dataclass(frozen=True, slots=True)
class Acquisition:
    """A purchase, past or expected, that makes a loss sale a wash sale."""

    day: date
    account: str
    symbol: str
    kind: str  # bought, reinvested, scheduled, expected_reinvestment, received

    def describe(self) -> str:
        words = {
            "received": "received from a spouse or civil partner:",
            "bought": "bought",
            "reinvested": "dividend reinvested in",
            "scheduled": "scheduled purchase of",
            "expected_reinvestment": "dividend reinvestment expected in",
        }[self.kind]
        return f"{words} {self.symbol} in {self.account} on {self.day.isoformat()}"


@dataclass(frozen=True, slots=True)
class RecentSale:
    """A disposal in the window before the plan day that a purchase would disallow (a loss
    sale: US, Canada) or be matched to (any disposal: UK)."""

    day: date
    account: str
    symbol: str
    window_days: int = 30
    gain: Decimal = Decimal(-1)  # of this part of the disposal; negative: a loss
    kind: str = "sale"  # sale, donation or spouse_transfer

    def describe(self) -> str:
        if self.kind == "donation":
            return f"{self.symbol} given to charity from {self.account} on {self.day.isoformat()}"
        if self.kind == "spouse_transfer":
            return (f"{self.symbol} given to a spouse or civil partner from {self.account} on "
                    f"{self.day.isoformat()}")
        how = "at a loss" if self.gain < 0 else "at a gain"
        return f"{self.symbol} sold {how} in {self.account} on {self.day.isoformat()}"

    @property
    def buy_allowed_from(self) -> date:
        return self.day + timedelta(days=self.window_days + 1)


@dataclass(frozen=True, slots=True)
class LossScope:
    """One loss rule's reach: ``key`` names it (``alex+sam`` for a US tax unit,
    ``CA:claire+marc``, ``UK:olivia``)."""

    key: str
    rule: LossRule

    def identical(self, household: Household, symbol: str) -> str:
        return household.group_of(symbol) if self.rule.identical == "group" else symbol


@dataclass(frozen=True)
class WashGuard:
    """Blocks keyed by (scope, identical property): the scope of the seller's loss rule and
    the identical group (US, Canada) or security (UK)."""

    as_of: date
    acquisitions: dict[tuple[str, str], list[Acquisition]] = field(default_factory=dict)
    sales: dict[tuple[str, str], list[RecentSale]] = field(default_factory=dict)
    seller: dict[str, LossScope] = field(default_factory=dict)  # taxable account -> scope
    counted_in: dict[str, tuple[LossScope, ...]] = field(default_factory=dict)
    identical: dict[tuple[str, str], str] = field(default_factory=dict)
    buy_key_cache: dict[tuple[str, str], tuple[tuple[str, str], ...]] = field(
        default_factory=dict, repr=False, compare=False)

    def sell_key(self, account: str, symbol: str) -> tuple[str, str] | None:
        """The (scope, identical) key of a loss sale of ``symbol`` in ``account``; ``None``
        where a sale realizes nothing (a tax-sheltered account)."""
        scope = self.seller.get(account)
        return None if scope is None else (scope.key, self.identical[(scope.key, symbol)])

    def buy_keys(self, account: str, symbol: str) -> tuple[tuple[str, str], ...]:
        """Every (scope, identical) key whose loss sales a purchase of ``symbol`` in
        ``account`` would disallow or re-price."""
        found = self.buy_key_cache.get((account, symbol))
        if found is None:
            found = self.buy_key_cache[(account, symbol)] = tuple(
                (scope.key, self.identical[(scope.key, symbol)])
                for scope in self.counted_in.get(account, ()))
        return found

    def matches_gains(self, account: str) -> bool:
        """Does the seller's rule match a sale at a gain too (UK), not only a loss?"""
        scope = self.seller.get(account)
        return scope is not None and scope.rule.applies_to_gains

    def sale_blockers(self, account: str, symbol: str, at_loss: bool) -> list[Acquisition]:
        """The acquisitions that a sale of ``symbol`` in ``account`` today would be matched
        to: for a loss sale under any rule, for a gain sale where the rule matches gains."""
        if not at_loss and not self.matches_gains(account):
            return []
        key = self.sell_key(account, symbol)
        return [] if key is None else self.acquisitions.get(key, [])

    def loss_sale_blockers(self, account: str, symbol: str) -> list[Acquisition]:
        return self.sale_blockers(account, symbol, at_loss=True)

    def buy_blockers(self, account: str, symbol: str) -> list[RecentSale]:
        if not self.sales:
            return []
        return [sale for key in self.buy_keys(account, symbol)
                for sale in self.sales.get(key, [])]


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


def _received_from_spouse(household: Household, regimes: dict[str, str],
                          txn: Transaction) -> bool:
    """A UK resident's transfer in kind to another owner's account (a spouse's, s.58)."""
    if txn.action is not Action.TRANSFER or txn.to_account is None or (
            txn.to_account not in household.accounts):
        return False
    giver = household.accounts[txn.account].owner
    receiver = household.accounts[txn.to_account].owner
    return giver != receiver and regimes.get(receiver) == UK


def loss_scopes(household: Household) -> dict[str, LossScope]:
    """The loss-rule scope of each account where a sale can realize a loss."""
    regimes = owner_regimes(household)
    scopes: dict[str, LossScope] = {}
    by_owner: dict[str, LossScope] = {}
    for account in household.accounts.values():
        if not account.is_taxable:
            continue
        scope = by_owner.get(account.owner)
        if scope is None:
            rule = regime_for(household, account.owner).loss_rule()
            owners = "+".join(sorted(rule.owners))
            key = owners if regimes[account.owner] == US else f"{rule.regime}:{owners}"
            scope = by_owner[account.owner] = LossScope(key, rule)
        scopes[account.id] = scope
    return scopes


def build_guard(
    household: Household, transactions: Iterable[Transaction], book: Book, as_of: date
) -> WashGuard:
    txns = list(transactions)
    seller = loss_scopes(household)
    scopes = {scope.key: scope for scope in seller.values()}
    counted_in: dict[str, tuple[LossScope, ...]] = {
        account_id: tuple(scope for scope in scopes.values() if scope.rule.counts(account_id))
        for account_id in household.accounts
    }
    identical = {(key, symbol): scope.identical(household, symbol)
                 for key, scope in scopes.items() for symbol in household.securities}
    widest = max((s.rule.days_before for s in scopes.values()), default=0)

    acquisitions: dict[tuple[str, str], list[Acquisition]] = {}

    def add(acq: Acquisition) -> None:
        for scope in counted_in.get(acq.account, ()):
            if scope.rule.in_window(as_of, acq.day):
                key = (scope.key, identical.get((scope.key, acq.symbol), acq.symbol))
                acquisitions.setdefault(key, []).append(acq)

    earliest = as_of - timedelta(days=widest)
    regimes = owner_regimes(household)
    for txn in txns:
        if not (earliest <= txn.date <= as_of and txn.symbol):
            continue
        if txn.action.acquires:
            kind = "reinvested" if txn.action is Action.REINVEST else "bought"
            add(Acquisition(txn.date, txn.account, txn.symbol, kind))
        elif _received_from_spouse(household, regimes, txn):
            # TCGA s.58: the spouse acquires the shares that day, an acquisition for the
            # spouse's own same-day and 30-day rules (s.105, s.106A)
            assert txn.to_account is not None
            add(Acquisition(txn.date, txn.to_account, txn.symbol, "received"))
    for acq in scheduled_purchases(household, as_of) + expected_reinvestments(
        household, txns, as_of
    ):
        add(acq)

    sales: dict[tuple[str, str], list[RecentSale]] = {}
    for d in book.disposals:
        scope = seller.get(d.account)
        if scope is None or not scope.rule.in_window(d.sold, as_of):
            continue
        if scope.rule.applies_to_gains:
            # TCGA 1992 s.106A(5): any disposal, gain or loss, sale or gift, is identified
            # with the person's acquisitions in the 30 days after it.  The parts already
            # identified (same day, or an earlier acquisition of the 30 days) are settled;
            # the part from the section 104 pool is still open to a rebuy.  A transfer to a
            # spouse is a disposal too (s.58), and a rebuy would change its cost and so the
            # cost at which the spouse acquired the shares.
            if d.kind not in ("sale", "donation", SPOUSE) or d.lot_id.startswith(
                    (SAME_DAY, THIRTY_DAY)):
                continue
        # Only a loss still recognised can be washed by a new purchase: shares already
        # matched with replacements (d.gain == 0 after code W) are used up.
        elif d.kind != "sale" or not d.reportable or d.gain >= 0:
            continue
        key = (scope.key, identical.get((scope.key, d.symbol), d.symbol))
        sales.setdefault(key, []).append(
            RecentSale(d.sold, d.account, d.symbol, scope.rule.days_after, d.gain, d.kind))
    return WashGuard(as_of, acquisitions, sales, seller, counted_in, identical)
