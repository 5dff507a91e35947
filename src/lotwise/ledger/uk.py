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
    spouse's purchase is not matched.  A gift to a charity (s.257) is at no gain, no loss.

    **Spouses and civil partners** (s.58; HMRC CG22200, HS281).  A transfer between spouses
    or civil partners living together is a disposal by the transferor and an acquisition by
    the transferee "for such consideration as will give neither a gain nor a loss": the
    consideration is the cost of the shares disposed of.  Which shares those are is decided
    by the identification rules like any other disposal's (s.105, s.106A apply to every
    disposal of securities; CG51560), so a transfer is matched first with the transferor's
    acquisitions of its day, then of the next 30 days, then with the pool; the transferee
    acquires at that cost on the day of the transfer, into his or her own same-day, 30-day
    and s.104 rules (the transferee does not take over the transferor's acquisition dates).

    Worked case: Olivia's pool is 1,000 VWRL costing £50,000.  On 3 June she gives 100 to
    her husband James; on 10 June she buys 100 for £4,100.  The transfer is identified with
    the 10 June purchase (s.106A(5), day 7), so its cost, and so its consideration, is
    £4,100: no gain, no loss for Olivia; James acquires 100 costing £4,100.  The 10 June
    shares never enter Olivia's pool, which stays 1,000 shares costing £50,000.  Without
    the rebuy the 100 would come from the pool at £50,000 x 100/1,000 = £5,000.

    **Offshore funds** (Offshore Funds (Tax) Regulations 2009, SI 2009/3001).  A gain on
    the disposal of a fund without UK reporting status (``uk_reporting_fund = false``) is
    an offshore income gain, charged to income tax (regs. 17, 18) and taken out of the
    capital gain (reg. 44); a loss is nil for the regulations and stays an allowable
    capital loss (reg. 42; IFM13550).  :class:`UkDisposal` marks such disposals
    ``offshore``.  A reporting fund's excess reportable income is a distribution to the
    holders at the end of its reporting period (reg. 94) and is expenditure on the shares
    within s.38(1)(a), incurred on the fund distribution date (reg. 99): it is added to the
    cost of the holding.  Example: 1,000 units costing £10,000, ERI of £0.25 a unit: the
    pool costs £10,250, and a later sale of all 1,000 for £12,000 gains £1,750, not £2,000.

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

    A spouse transfer is a disposal of the transferor's day and an acquisition of the
    transferee's day in that pass.  Its cost is only known once the transferor's side is
    replayed, so when the transferee's own same-day or 30-day rule matches it,
    :func:`replay_uk` replays again with the costs found until they no longer change
    (costs flow forward in time, so this ends; one pass when no such match exists).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from lotwise.ledger.pools import ZERO, PooledReplayer, error
from lotwise.model.household import Household, Security
from lotwise.model.transactions import Action, Transaction

THIRTY_DAYS = timedelta(days=30)  # TCGA 1992 s.106A(5)
SAME_DAY = "same_day"
THIRTY_DAY = "thirty_day"
S104 = "s104"
SPOUSE = "spouse_transfer"  # a transfer to a spouse or civil partner, s.58
NO_GAIN_NO_LOSS = frozenset({"donation", SPOUSE})  # not on the SA108 totals


def uk_tax_year(day: date) -> int:
    """The UK tax year that ``day`` falls in, named by the year it starts: 6 April 2024 to
    5 April 2025 is 2024 (ITA 2007 s.4(2): "a tax year ... begins on 6 April and ends on
    the following 5 April")."""
    return day.year if (day.month, day.day) >= (4, 6) else day.year - 1


def gains_are_income(security: Security) -> bool:
    """Whether a UK resident's gain on ``security`` is an offshore income gain, charged to
    income tax and not to capital gains tax: a fund without UK reporting status
    (``uk_reporting_fund = false``; SI 2009/3001 regs. 17, 18, 44).  A loss on it stays a
    capital loss (reg. 42)."""
    return security.uk_reporting_fund is False


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
    kind: str = "sale"  # sale, donation, spouse_transfer, capital_distribution
    offshore: bool = False  # a fund without UK reporting status (SI 2009/3001 reg. 17)
    to_owner: str | None = None  # the spouse or civil partner of a spouse_transfer

    @property
    def allowable_costs(self) -> Decimal:
        return self.cost + self.costs_of_disposal

    @property
    def gain(self) -> Decimal:
        return self.proceeds - self.allowable_costs

    @property
    def tax_year(self) -> int:
        return uk_tax_year(self.date)

    @property
    def is_offshore_income_gain(self) -> bool:
        """A gain on a fund without reporting status: income, not a capital gain (SI
        2009/3001 regs. 17, 18, 44).  A loss on it is still a capital loss (reg. 42)."""
        return self.offshore and self.kind == "sale" and self.gain > 0


@dataclass(slots=True)
class _Day:
    """A person's acquisitions and disposals of one security on one day."""

    bought: Decimal = ZERO
    cost: Decimal = ZERO
    sold: Decimal = ZERO
    same_day: Decimal = ZERO
    used: Decimal = ZERO  # of ``bought``, matched to earlier disposals (30-day rule)
    matches: list[tuple[date, Decimal]] = field(default_factory=list)  # 30-day: (day, qty)
    received: list[str] = field(default_factory=list)  # ids of spouse transfers in

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

    def __init__(self, days: dict[tuple[str, str], dict[date, _Day]],
                 transfer_quantity: Mapping[str, Decimal]) -> None:
        self._days = days
        self.transfer_quantity = transfer_quantity  # spouse transfer id -> shares

    @property
    def prices_transfers(self) -> bool:
        """Whether a transferee's same-day or 30-day rule matches shares received from a
        spouse, whose cost the replay finds (:func:`replay_uk`)."""
        return any(
            entry.received and (entry.same_day > 0 or entry.used > 0)
            for by_day in self._days.values() for entry in by_day.values()
        )

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


def plan_matches(
    rows: Iterable[tuple[str, Transaction]],
    owner_of: Mapping[str, str] | None = None,
    transfer_costs: Mapping[str, Decimal] | None = None,
) -> MatchPlan:
    """Settle the same-day and 30-day rules for ``(owner, transaction)`` rows of accounts
    within capital gains tax, in date order.

    ``owner_of`` gives the owner of each such account: a transfer to another owner's
    account is the transferor's disposal and the transferee's acquisition (s.58), at the
    cost in ``transfer_costs`` (by transaction id; zero until the replay has found it)."""
    owner_of = owner_of or {}
    costs = transfer_costs or {}
    days: dict[tuple[str, str], dict[date, _Day]] = {}
    held: dict[tuple[str, str], Decimal] = {}  # (account, symbol): a blank transfer's shares
    transfers: dict[str, Decimal] = {}

    def day_of(owner: str, symbol: str, day: date) -> _Day:
        by_day = days.setdefault((owner, symbol), {})
        entry = by_day.get(day)
        if entry is None:
            entry = by_day[day] = _Day()
        return entry

    for owner, txn in rows:
        symbol, action = txn.symbol, txn.action
        if symbol is None:
            continue
        key = (txn.account, symbol)
        if action is Action.SPLIT and txn.quantity is not None:
            held[key] = held.get(key, ZERO) * txn.quantity
            continue
        if action is Action.TRANSFER:
            quantity = txn.quantity if txn.quantity is not None else held.get(key, ZERO)
            target = txn.to_account
            held[key] = held.get(key, ZERO) - quantity
            if target is not None:
                held[(target, symbol)] = held.get((target, symbol), ZERO) + quantity
            receiver = owner_of.get(target or "")
            if receiver is None or receiver == owner or quantity <= 0:
                continue  # the person's own accounts: one holding, nothing disposed of
            transfers[txn.id] = quantity
            day_of(owner, symbol, txn.date).sold += quantity
            entry = day_of(receiver, symbol, txn.date)
            entry.bought += quantity
            entry.cost += costs.get(txn.id, ZERO)
            entry.received.append(txn.id)
            continue
        if txn.quantity is None:
            continue
        if action in (Action.BUY, Action.REINVEST):
            held[key] = held.get(key, ZERO) + txn.quantity
            entry = day_of(owner, symbol, txn.date)
            entry.bought += txn.quantity
            entry.cost += txn.gross + txn.fees
        elif action in (Action.SELL, Action.DONATE):
            held[key] = held.get(key, ZERO) - txn.quantity
            day_of(owner, symbol, txn.date).sold += txn.quantity
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
    return MatchPlan(days, transfers)


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
        self.transfer_costs: dict[str, Decimal] = {}  # spouse transfer id -> its cost
        self.receivers: dict[tuple[str, str, date], str] = {}  # (owner, symbol, day) -> spouse
        self.offshore = frozenset(
            symbol for symbol, security in household.securities.items()
            if gains_are_income(security)
        )

    def rule_name(self) -> str:
        return "the section 104 holding, TCGA 1992 s.104"

    # -- acquisitions

    def acquire(self, txn: Transaction, quantity: Decimal, cost: Decimal,
                account: str | None = None) -> None:
        """Shares acquired in ``account`` (default: the row's): the part of the day's
        acquisitions that the same-day and 30-day rules leave goes into the holding."""
        assert txn.symbol is not None
        account = account or txn.account
        if not self.taxable[account]:
            self.sheltered_buy(txn, quantity, cost)
            return
        owner = self.owner_of[account]
        fraction = self.plan.pool_fraction(owner, txn.symbol, txn.date)
        if fraction > 0:
            self.pool(account, txn.symbol).add(quantity * fraction, cost * fraction, txn.date)
        self.hold(account, txn.symbol, quantity)

    # -- disposals

    def sell(self, txn: Transaction) -> None:
        self.dispose(txn, "sale")

    def donate(self, txn: Transaction) -> None:
        self.dispose(txn, "donation")

    def dispose(self, txn: Transaction, kind: str, quantity: Decimal | None = None) -> Decimal:
        """A disposal under the identification rules; returns the cost of the shares
        identified.  A sale's proceeds are its price; a gift's (to a charity or a spouse)
        are that cost: no gain, no loss (s.257, s.58)."""
        quantity = quantity if quantity is not None else txn.quantity
        assert quantity is not None and txn.symbol is not None
        if not self.taxable[txn.account]:
            self.sheltered_sale(txn, kind)
            return ZERO
        self.check_picks(txn)
        self.check_held(txn, quantity)
        owner = self.owner_of[txn.account]
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
        matched_cost = sum((c for *_, c in pieces), ZERO)
        at_cost = kind in NO_GAIN_NO_LOSS
        gross = matched_cost if at_cost else txn.gross
        fees = txn.fees if kind == "sale" else ZERO
        net = gross - fees
        aggregate = self.days.get((owner, txn.symbol, txn.date, kind))
        if aggregate is None:
            aggregate = self.days[(owner, txn.symbol, txn.date, kind)] = _Aggregate()
        aggregate.quantity += quantity
        aggregate.proceeds += gross
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
            proceeds = cost if at_cost else net * qty / quantity
            self.record(txn, lot_id, qty, acquired or txn.date, proceeds, cost, kind=kind,
                        reportable=kind == "sale")
        return matched_cost

    # -- other actions

    def transfer(self, txn: Transaction) -> None:
        assert txn.symbol is not None and txn.to_account is not None
        target = txn.to_account
        if target not in self.accounts:
            raise error(txn, "to_account", f"unknown destination account '{target}'",
                        "name an account of the household in to_account")
        self.check_picks(txn)
        quantity = self.transfer_quantity(txn)
        giver, receiver = self.owner_of[txn.account], self.owner_of[target]
        if self.pool(txn.account, txn.symbol) is self.pool(target, txn.symbol):
            self.move(txn, target, quantity)  # the person's own GIAs: one holding
            return
        if not (self.taxable[txn.account] and self.taxable[target]):
            raise error(txn, "to_account", f"a transfer from '{txn.account}' to '{target}' "
                        "moves shares into or out of an ISA or SIPP",
                        "record a sale in the first account and a purchase in the second")
        if not self.spouses(giver, receiver):
            raise error(
                txn, "to_account",
                f"{giver} gives {txn.symbol} to {receiver}, who is not {giver}'s spouse or "
                "civil partner: a gift to anyone else is a disposal at market value (TCGA "
                "1992 s.17(1), s.18(3)), which a transfer does not record",
                f"if they are married or civil partners write spouse = \"{receiver}\" in "
                f"[owners.{giver}]; otherwise record a sell in '{txn.account}' at the market "
                f"price and a buy in '{target}' at the same price")
        # s.58: no gain, no loss.  The transfer is the giver's disposal, identified by the
        # same-day and 30-day rules before the pool (s.105, s.106A; CG51560), and its cost
        # is the consideration at which the spouse acquires the shares, on this day.
        self.receivers[(giver, txn.symbol, txn.date)] = receiver
        cost = self.dispose(txn, SPOUSE, quantity)
        self.transfer_costs[txn.id] = cost
        self.acquire(txn, quantity, cost, target)

    def spouses(self, one: str, other: str) -> bool:
        owners = self.household.owners
        return owners[one].spouse == other or owners[other].spouse == one

    def excess_reportable_income(self, txn: Transaction) -> None:
        """Excess reportable income of a reporting fund (SI 2009/3001 reg. 94): income of
        the tax year it is dated in (the fund distribution date, reg. 94(3)), and
        expenditure on the shares within TCGA s.38(1)(a) incurred that day (reg. 99(2),
        (4); IFM13372): it is added to the cost of the holding."""
        assert txn.symbol is not None and txn.amount is not None
        held = self.held.get((txn.account, txn.symbol), ZERO)
        if held <= 0:
            raise error(
                txn, "symbol",
                f"excess reportable income on {txn.symbol} in '{txn.account}' on {txn.date} "
                "but no shares are held then",
                "date the row on the fund distribution date and put it in the account that "
                "held the shares at the end of the fund's reporting period (a later sale "
                "takes the income into its cost only if the row comes before the sale)")
        self.event(txn, txn.amount)
        self.pool(txn.account, txn.symbol).cost += txn.amount

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
                           matches, tuple(agg.txn_ids), kind, symbol in self.offshore,
                           self.receivers.get((owner, symbol, day)) if kind == SPOUSE
                           else None)
            )
        out.sort(key=lambda d: (d.date, d.owner, d.symbol, d.kind))
        return out


_RULE_ORDER = {SAME_DAY: 0, THIRTY_DAY: 1, S104: 2}


def replay_uk(household: Household, accounts: Sequence[str],
              transactions: Sequence[Transaction]) -> UkReplayer:
    """Replay the UK residents' ``accounts``: plan the matches, replay, and when a
    transferee's own same-day or 30-day rule matches shares received from a spouse (whose
    cost the transferor's replay gives), plan and replay again with the costs found until
    they no longer change.  Each pass settles at least the earliest transfer whose cost
    was still open, so it takes at most one pass more than there are transfers."""
    within_cgt = {a: household.accounts[a].owner for a in accounts
                  if household.accounts[a].is_taxable}
    rows = [(within_cgt[t.account], t) for t in transactions if t.account in within_cgt]
    costs: dict[str, Decimal] = {}
    passes = 0
    while True:
        plan = plan_matches(rows, within_cgt, costs)
        replayer = UkReplayer(household, accounts, plan)
        for txn in transactions:
            replayer.apply(txn)
        passes += 1
        if not plan.prices_transfers or replayer.transfer_costs == costs:
            return replayer
        if passes > len(plan.transfer_quantity) + 1:
            raise RuntimeError("spouse transfer costs did not settle")  # a bug, not input
        costs = dict(replayer.transfer_costs)
