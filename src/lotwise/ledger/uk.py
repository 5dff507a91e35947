"""The UK ledger: share matching for capital gains tax (TCGA 1992 ss.104-106A).

The rules (HMRC Capital Gains Manual CG51550-CG51575; helpsheet HS284)
    Shares of the same class held by one person in one capacity are matched, disposal by
    disposal, in this order:

    1. **Same day.**  All acquisitions of a day are one acquisition and all disposals of a
       day are one disposal (s.105(1)(a)); the disposal is matched first with that day's
       acquisition (s.105(1)(b)), even one made later in the day.
    2. **The next 30 days.**  What is left is matched with acquisitions in the 30 days
       after the disposal, earliest first (s.106A(5), (5ZA)); an earlier disposal has first
       call on them.  This is the "bed and breakfast" rule; it works across the 5 April
       tax-year end like any other day.  Day 30 counts, day 31 does not.
    3. **The section 104 holding.**  The rest comes out of the pool of all other shares at
       their average cost (s.104): ``pool cost * shares / pool shares``.

    Acquisitions matched under 1 or 2 never enter the pool.  Allowable costs are the cost
    of the shares matched plus the incidental costs of the disposal (s.38(1)(a), (c)).
    Shares in an ISA are held "in a capacity other than" the investor's other shares (ISA
    Regulations 1998, reg. 34(2)) and their gains are exempt (reg. 22); a SIPP's are the
    pension scheme's (s.271(1A)).  So a purchase in an ISA or SIPP is never matched with a
    sale in a general account: "bed and ISA" works.  The rules apply to the person alone: a
    spouse's purchase is not matched.  A gift to a spouse (s.58) or to a charity (s.257) is
    at no gain, no loss.

Worked example (HMRC Cryptoassets Manual CRYPTO22256; the pooling rules there are those of
TCGA ss.104-106A): a pool of 100,000 units costing £300,000.  31 July: buy 10,000 for
£45,000 and sell 30,000 for £150,000.  5 August: sell 20,000 for £100,000.  6 August: buy
50,000 for £225,000.  7 August: sell 100,000 for £150,000.

* 31 July: 10,000 same day (£45,000) + 20,000 of 6 August (£225,000 x 20/50 = £90,000):
  gain £150,000 - £135,000 = £15,000.  Nothing enters or leaves the pool.
* 5 August: 20,000 of 6 August (£90,000): gain £10,000.
* 6 August: the other 10,000 (£45,000) go into the pool: 110,000 costing £345,000.
* 7 August: 100,000 from the pool: £345,000 x 100/110 = £313,636.36; loss £163,636.36;
  the pool keeps 10,000 costing £31,363.64.

The algorithm
    The matching depends only on share counts and on the cost of each day's acquisitions,
    which is known from the journal; only the pool's cost depends on the replay.  So a first
    pass (:func:`plan_matches`) groups the general-account rows by person, security and day
    and settles rules 1 and 2 for every day: it walks the disposal days in order with a
    pointer into the acquisition days, which only moves forward (the 30-day matches take the
    earliest days first), so it is linear.  The replay then needs no look-ahead: a sale takes
    its same-day and 30-day parts at the costs the plan gives and the rest from the pool; a
    purchase adds to the pool only the part of its day's acquisition that the plan left
    unmatched.  Each row of a day gets the day's result in proportion to its shares.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from lotwise.ledger.pools import ZERO, PooledReplayer, error
from lotwise.model.household import Household
from lotwise.model.transactions import Action, Transaction

THIRTY_DAYS = timedelta(days=30)  # TCGA 1992 s.106A(5)
SAME_DAY = "same_day"
THIRTY_DAY = "thirty_day"
S104 = "s104"


def uk_tax_year(day: date) -> int:
    """The UK tax year that ``day`` falls in, named by the year it starts: 6 April 2024 to
    5 April 2025 is 2024 (ITA 2007 s.4(2): "a tax year ... begins on 6 April and ends on
    the following 5 April")."""
    return day.year if (day.month, day.day) >= (4, 6) else day.year - 1


@dataclass(frozen=True, slots=True)
class UkMatch:
    """Shares of a disposal matched by one rule (``same_day``, ``thirty_day`` or ``s104``)
    and their allowable cost; ``acquired`` is the acquisition day (none for the pool)."""

    rule: str
    quantity: Decimal
    cost: Decimal
    acquired: date | None = None


@dataclass(frozen=True, slots=True)
class UkDisposal:
    """One disposal for capital gains tax: a person's disposals of one security on one day,
    in pounds sterling.  ``gain = proceeds - (cost + costs_of_disposal)``."""

    owner: str
    symbol: str
    date: date
    quantity: Decimal
    proceeds: Decimal
    costs_of_disposal: Decimal
    cost: Decimal
    matches: tuple[UkMatch, ...]
    txn_ids: tuple[str, ...]
    kind: str = "sale"  # sale, donation, capital_distribution

    @property
    def allowable_costs(self) -> Decimal:
        return self.cost + self.costs_of_disposal

    @property
    def gain(self) -> Decimal:
        return self.proceeds - self.allowable_costs

    @property
    def tax_year(self) -> int:
        return uk_tax_year(self.date)


@dataclass(slots=True)
class _Day:
    """A person's acquisitions and disposals of one security on one day."""

    bought: Decimal = ZERO
    cost: Decimal = ZERO
    sold: Decimal = ZERO
    same_day: Decimal = ZERO
    used: Decimal = ZERO  # of ``bought``, matched to earlier disposals (30-day rule)
    matches: list[tuple[date, Decimal]] = field(default_factory=list)  # 30-day: (day, qty)

    @property
    def to_pool(self) -> Decimal:
        return self.bought - self.same_day - self.used


@dataclass(frozen=True, slots=True)
class DayPlan:
    """The matching of one person's disposal of one security on one day."""

    sold: Decimal
    same_day: Decimal
    same_day_cost: Decimal
    thirty_day: tuple[tuple[date, Decimal, Decimal], ...]  # (acquired, quantity, cost)

    @property
    def pool(self) -> Decimal:
        return self.sold - self.same_day - sum((q for _, q, _ in self.thirty_day), ZERO)


class MatchPlan:
    """Rules 1 and 2 settled for every day: what each disposal day takes from same-day and
    later acquisitions, and what fraction of each acquisition day goes to the pool."""

    def __init__(self, days: dict[tuple[str, str], dict[date, _Day]]) -> None:
        self._days = days

    def disposal(self, owner: str, symbol: str, day: date) -> DayPlan:
        entry = self._days[(owner, symbol)][day]
        same_cost = entry.cost * entry.same_day / entry.bought if entry.bought else ZERO
        later = self._days[(owner, symbol)]
        thirty = tuple(
            (f, qty, later[f].cost * qty / later[f].bought) for f, qty in entry.matches
        )
        return DayPlan(entry.sold, entry.same_day, same_cost, thirty)

    def pool_fraction(self, owner: str, symbol: str, day: date) -> Decimal:
        """The part of the day's acquisitions that goes into the section 104 holding."""
        entry = self._days[(owner, symbol)][day]
        if entry.bought == 0:
            return ZERO
        return entry.to_pool / entry.bought


def plan_matches(rows: Iterable[tuple[str, Transaction]]) -> MatchPlan:
    """Settle the same-day and 30-day rules for ``(owner, transaction)`` rows of accounts
    within capital gains tax, in date order."""
    days: dict[tuple[str, str], dict[date, _Day]] = {}
    for owner, txn in rows:
        if txn.symbol is None or txn.quantity is None:
            continue
        action = txn.action
        if action in (Action.BUY, Action.REINVEST):
            cost = txn.gross + txn.fees
        elif action in (Action.SELL, Action.DONATE):
            cost = ZERO
        else:
            continue
        by_day = days.setdefault((owner, txn.symbol), {})
        entry = by_day.get(txn.date)
        if entry is None:
            entry = by_day[txn.date] = _Day()
        if action in (Action.BUY, Action.REINVEST):
            entry.bought += txn.quantity
            entry.cost += cost
        else:
            entry.sold += txn.quantity
    for by_day in days.values():
        ordered = sorted(by_day)
        for entry in by_day.values():
            entry.same_day = min(entry.bought, entry.sold)  # s.105(1)(b)
        buys = [d for d in ordered if by_day[d].bought > by_day[d].same_day]
        pointer = 0
        for day in ordered:
            entry = by_day[day]
            left = entry.sold - entry.same_day
            if left <= 0:
                continue
            while pointer < len(buys) and (
                buys[pointer] <= day or by_day[buys[pointer]].to_pool <= 0
            ):
                pointer += 1
            last = day + THIRTY_DAYS
            scan = pointer
            while left > 0 and scan < len(buys) and buys[scan] <= last:  # s.106A(5)
                later = by_day[buys[scan]]
                free = later.to_pool
                if free > 0:
                    take = min(free, left)
                    later.used += take
                    entry.matches.append((buys[scan], take))
                    left -= take
                scan += 1
    return MatchPlan(days)


@dataclass(slots=True)
class _Aggregate:
    """Rows of one day's disposal, summed for its :class:`UkDisposal`."""

    quantity: Decimal = ZERO
    proceeds: Decimal = ZERO
    fees: Decimal = ZERO
    matched: dict[tuple[str, date | None], list[Decimal]] = field(default_factory=dict)
    txn_ids: list[str] = field(default_factory=list)


class UkReplayer(PooledReplayer):
    """Replays the accounts of the household's UK residents, in pounds sterling."""

    regime = "UK"
    taxable_kind = "s104"
    lot_prefix = "S104"

    def __init__(self, household: Household, accounts: Iterable[str], plan: MatchPlan) -> None:
        super().__init__(household, accounts)
        self.plan = plan
        self.days: dict[tuple[str, str, date, str], _Aggregate] = {}
        self.extra: list[UkDisposal] = []

    def rule_name(self) -> str:
        return "the section 104 holding, TCGA 1992 s.104"

    # -- acquisitions

    def acquire(self, txn: Transaction, quantity: Decimal, cost: Decimal) -> None:
        assert txn.symbol is not None
        if not self.taxable[txn.account]:
            self.sheltered_buy(txn, quantity, cost)
            return
        owner = self.owner_of[txn.account]
        fraction = self.plan.pool_fraction(owner, txn.symbol, txn.date)
        if fraction > 0:
            self.pool(txn.account, txn.symbol).add(quantity * fraction, cost * fraction, txn.date)
        self.hold(txn.account, txn.symbol, quantity)

    # -- disposals

    def sell(self, txn: Transaction) -> None:
        self.dispose(txn, "sale")

    def donate(self, txn: Transaction) -> None:
        self.dispose(txn, "donation")

    def dispose(self, txn: Transaction, kind: str) -> None:
        assert txn.quantity is not None and txn.symbol is not None
        if not self.taxable[txn.account]:
            self.sheltered_sale(txn, kind)
            return
        self.check_picks(txn)
        self.check_held(txn, txn.quantity)
        owner = self.owner_of[txn.account]
        quantity = txn.quantity
        plan = self.plan.disposal(owner, txn.symbol, txn.date)
        share = quantity / plan.sold
        pieces: list[tuple[str, date | None, Decimal, Decimal]] = []
        if plan.same_day:
            pieces.append((SAME_DAY, txn.date, plan.same_day * share, plan.same_day_cost * share))
        for day, qty, cost in plan.thirty_day:
            pieces.append((THIRTY_DAY, day, qty * share, cost * share))
        from_pool = plan.pool * share
        pool = self.pool(txn.account, txn.symbol)
        if from_pool > 0:
            since = pool.first
            if from_pool > pool.qty:  # only rounding can get here
                from_pool = pool.qty
            cost, _ = pool.take(from_pool)
            pieces.append((S104, since, from_pool, cost))
        self.hold(txn.account, txn.symbol, -quantity)
        gross = txn.gross
        fees = txn.fees if kind == "sale" else ZERO
        net = gross - fees
        aggregate = self.days.get((owner, txn.symbol, txn.date, kind))
        if aggregate is None:
            aggregate = self.days[(owner, txn.symbol, txn.date, kind)] = _Aggregate()
        aggregate.quantity += quantity
        aggregate.proceeds += sum((c for *_, c in pieces), ZERO) if kind == "donation" else gross
        aggregate.fees += fees
        aggregate.txn_ids.append(txn.id)
        for rule, acquired, qty, cost in pieces:
            sums = aggregate.matched.setdefault((rule, acquired), [ZERO, ZERO])
            sums[0] += qty
            sums[1] += cost
            lot_id = (
                self.lot_id(txn.account, txn.symbol) if rule == S104
                else f"{rule}:{owner}:{txn.symbol}@{acquired.isoformat() if acquired else ''}"
            )
            proceeds = cost if kind == "donation" else net * qty / quantity
            self.record(txn, lot_id, qty, acquired or txn.date, proceeds, cost, kind=kind,
                        reportable=kind == "sale")

    # -- other actions

    def transfer(self, txn: Transaction) -> None:
        assert txn.symbol is not None and txn.to_account is not None
        target = txn.to_account
        if target not in self.accounts:
            raise error(txn, "to_account", f"unknown destination account '{target}'",
                        "name an account of the household in to_account")
        self.check_picks(txn)
        quantity = self.transfer_quantity(txn)
        source_pool = self.pool(txn.account, txn.symbol)
        target_pool = self.pool(target, txn.symbol)
        if source_pool is not target_pool:
            # s.58: between spouses living together, no gain and no loss: the spouse takes
            # the shares at their cost out of the transferor's section 104 holding
            since = source_pool.first or txn.date
            cost, _ = source_pool.take(quantity)
            target_pool.add(quantity, cost, since)
        self.move(txn, target, quantity)

    def return_of_capital(self, txn: Transaction) -> None:
        """A capital distribution: the amount reduces the cost of the holding (s.122(2),
        the treatment HMRC allows for a small distribution, CG57836); an excess over the
        cost is a gain (s.122(4)).  Large distributions treated as part disposals under
        s.122(1) with the A/(A+B) apportionment are not modelled."""
        assert txn.symbol is not None and txn.amount is not None
        held = self.held.get((txn.account, txn.symbol), ZERO)
        if held <= 0:
            raise error(txn, "symbol", f"return of capital on {txn.symbol} in '{txn.account}' "
                        "but no shares are held", "check the account and symbol of this row")
        self.event(txn, txn.amount)
        pool = self.pool(txn.account, txn.symbol)
        if txn.amount <= pool.cost:
            pool.cost -= txn.amount
            return
        excess_cost = pool.cost
        pool.cost = ZERO
        if not self.taxable[txn.account]:
            return
        owner = self.owner_of[txn.account]
        since = pool.first or txn.date
        self.extra.append(
            UkDisposal(owner, txn.symbol, txn.date, ZERO, txn.amount, ZERO, excess_cost,
                       (UkMatch(S104, ZERO, excess_cost),), (txn.id,), "capital_distribution")
        )
        self.record(txn, self.lot_id(txn.account, txn.symbol), held, since, txn.amount,
                    excess_cost, kind="return_of_capital")

    # -- results

    def uk_disposals(self) -> list[UkDisposal]:
        out = list(self.extra)
        for (owner, symbol, day, kind), agg in self.days.items():
            matches = tuple(
                UkMatch(rule, qty, cost, None if rule == S104 else acquired)
                for (rule, acquired), (qty, cost) in sorted(
                    agg.matched.items(), key=lambda item: (_RULE_ORDER[item[0][0]],
                                                           item[0][1] or date.min))
            )
            cost = sum((m.cost for m in matches), ZERO)
            out.append(
                UkDisposal(owner, symbol, day, agg.quantity, agg.proceeds, agg.fees, cost,
                           matches, tuple(agg.txn_ids), kind)
            )
        out.sort(key=lambda d: (d.date, d.owner, d.symbol, d.kind))
        return out


_RULE_ORDER = {SAME_DAY: 0, THIRTY_DAY: 1, S104: 2}
