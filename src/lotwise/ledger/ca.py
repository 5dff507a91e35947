"""The Canadian ledger: adjusted cost base pooling and the superficial-loss rule.

Adjusted cost base (ACB)
    Identical properties of one person are pooled: every share of a security held in any
    of that person's non-registered accounts has the same cost, the pool's average (ITA
    s.47(1); CRA, "Identical properties").  A purchase adds its cost and the commission to
    the pool (the cost of the property includes the outlays to acquire it); a sale takes
    ``ACB * shares sold / shares held`` out of it.  The gain on a sale is proceeds of
    disposition - ACB - outlays and expenses of the sale (ITA s.40(1)(a)(i); Schedule 3's
    columns).  Registered accounts (RRSP, RRIF, TFSA, RESP, FHSA) realize nothing and keep a
    pool of their own.  A return of capital reduces the ACB (s.53(2)(c)); below zero the
    excess is a capital gain and the ACB becomes nil (s.40(3)).  A gift of listed shares to
    a charity is a disposition at fair market value whose gain is not taxed (s.38(a.1)).
    A transfer to a spouse's non-registered account rolls over at ACB (s.73(1)).

Superficial loss (ITA s.54 "superficial loss", s.40(2)(g)(i), s.53(1)(f))
    A loss on a sale from a non-registered account is denied when, in the period from 30
    days before to 30 days after the sale, the seller or an affiliated person (s.251.1: the
    spouse or common-law partner, a corporation either controls, a trust of which either
    is a majority-interest beneficiary, which includes their RRSP, RRIF, TFSA, RESP and
    FHSA) acquires identical property, and at the end of that period the seller or an
    affiliated person still owns identical property.  Days are counted from the day after
    the sale, so a purchase on the 30th day counts and one on the 31st does not
    (Interpretation Act s.27(5); CRA 2021-0896031C6: a sale on 1 September, a spousal RRSP
    purchase on 1 October, still held then: superficial).

    Partial superficial loss (IT-456R; restated in CRA 2022-0940941C6)::

        superficial loss = loss x (least of S, P and B) / S

    S shares sold, P identical shares acquired in the 61-day period by the seller and the
    affiliated persons, B identical shares they hold at the end of it (all of them, those
    bought before the period included).  The denied loss is added to the ACB of the
    substituted property (s.53(1)(f)).  When several affiliated persons acquired it, the
    loss is worked out as if they were one person and shared in proportion to the
    substituted shares each holds at the end of the period (IT-456R ¶12; CRA
    2022-0940941C6).  The part that lands in a registered plan is lost for good: no ACB is
    kept there.

    Worked example (CRA 2022-0940941C6): on 15 March 2022 a person sells all 2,000 shares
    of Pubco at a $10,000 loss.  The person's RRSP bought 1,000 on 10 March, the spouse buys
    2,000 on 16 March and the person 500 on 13 April; all are held on 14 April.  S = 2,000,
    P = 3,500, B = 3,500: the whole $10,000 is superficial.  It is shared 1,000/3,500 to the
    RRSP ($2,857.14, lost), 2,000/3,500 to the spouse's ACB ($5,714.29) and 500/3,500 to the
    person's own ACB ($1,428.57).

The algorithm
    Whether a loss is superficial depends on purchases and holdings up to 30 days after the
    sale.  Share counts never depend on costs, so a first pass over the journal builds a
    :class:`QuantityIndex`: for each account and security, the acquisitions and the
    shares held at the end of each day, looked up by binary search.  The replay is then one
    forward pass: at a loss sale it asks the index for P, B and each account's substituted
    shares, denies the loss at once and adds each share of it to the acquirer's pool — now
    if the acquirer's substituted shares were bought on or before the sale day, else when
    the acquirer next buys that security.  Cost per transaction is constant in the length
    of the journal (the index is O(log n) per look-up).

    Each sale is judged on its own: the same substituted shares may make two losses
    superficial (the statute has no "used once" rule, unlike Treas. Reg. §1.1091-1(e)).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from lotwise.ledger.pools import ZERO, PooledReplayer, error
from lotwise.model.household import Household
from lotwise.model.rows import builder
from lotwise.model.transactions import Action, Transaction

WINDOW = timedelta(days=30)  # ITA s.54 "superficial loss" (a): 30 days before and after


def affiliated_owners(household: Household, owner_id: str) -> frozenset[str]:
    """The owners whose acquisitions count for ``owner_id``'s superficial losses: the owner,
    a spouse or common-law partner, and owners named as affiliated in ``affiliates`` (either
    way round: affiliation is mutual, ITA s.251.1(1))."""
    members = {owner_id}
    owner = household.owners[owner_id]
    if owner.spouse:
        members.add(owner.spouse)
    members.update(owner.affiliates)
    for other in household.owners.values():
        if other.spouse == owner_id or owner_id in other.affiliates:
            members.add(other.id)
    return frozenset(m for m in members if m in household.owners)


@dataclass(frozen=True, slots=True)
class SubstituteShare:
    """The part of a superficial loss added to one account's substituted property.

    ``permanent``: the property is in a registered plan (or with a person lotwise keeps no
    Canadian ACB for), so the amount is lost for good."""

    account: str
    owner: str
    symbol: str
    shares: Decimal  # substituted shares bought in the period and still held at its end
    amount: Decimal
    permanent: bool


@dataclass(frozen=True, slots=True)
class SuperficialLoss:
    """A loss denied, wholly or in part, by ITA s.40(2)(g)(i)."""

    txn_id: str
    owner: str
    account: str
    symbol: str
    sold: date
    shares_sold: Decimal  # S
    acquired: Decimal  # P
    held_at_end: Decimal  # B
    superficial_shares: Decimal  # least of S, P and B
    loss: Decimal  # the whole loss on the sale, positive
    denied: Decimal
    substitutes: tuple[SubstituteShare, ...]

    @property
    def permanent(self) -> Decimal:
        """The part of the denied loss that is lost for good."""
        return sum((s.amount for s in self.substitutes if s.permanent), ZERO)


@dataclass(frozen=True, slots=True)
class CaDisposition:
    """One line of Schedule 3: a disposition by a Canadian resident, in Canadian dollars.

    ``gain`` is proceeds - ACB - outlays; ``reported_gain`` adds back the superficial part
    of a loss, which is nil for tax (s.40(2)(g)(i)).  ``inclusion_exempt``: a gift of
    listed securities to a qualified donee, whose gain has a zero inclusion rate
    (s.38(a.1))."""

    txn_id: str
    owner: str
    account: str
    symbol: str
    quantity: Decimal
    acquired_year: int | None
    sold: date
    proceeds: Decimal
    acb: Decimal
    outlays: Decimal
    denied: Decimal = ZERO
    kind: str = "sale"  # sale, donation, return_of_capital
    inclusion_exempt: bool = False

    @property
    def gain(self) -> Decimal:
        return self.proceeds - self.acb - self.outlays

    @property
    def reported_gain(self) -> Decimal:
        return self.gain + self.denied


class ShareSeries:
    """One account's share counts of one security, day by day: the running total of shares
    acquired and the shares held at the end of each day on which either changed."""

    __slots__ = ("acq_days", "acq_totals", "days", "held")

    def __init__(self) -> None:
        self.acq_days: list[date] = []
        self.acq_totals: list[Decimal] = []  # shares acquired up to and including that day
        self.days: list[date] = []
        self.held: list[Decimal] = []  # shares held at the end of that day

    def acquired(self, start: date, end: date) -> Decimal:
        """Shares acquired (bought or reinvested) from ``start`` to ``end``, both included."""
        days = self.acq_days
        hi = bisect_right(days, end)
        lo = bisect_left(days, start, 0, hi)
        if hi <= lo:
            return ZERO
        totals = self.acq_totals
        return totals[hi - 1] - totals[lo - 1] if lo else totals[hi - 1]

    def window(self, start: date, end: date) -> tuple[Decimal, Decimal]:
        """Shares acquired from ``start`` to ``end`` (both included), and held at the end of
        ``end``: what the superficial-loss test asks of every series, in one call."""
        index = bisect_right(self.days, end)
        return self.acquired(start, end), self.held[index - 1] if index else ZERO

    def first_acquired(self, start: date, end: date) -> date | None:
        days = self.acq_days
        lo = bisect_left(days, start)
        return days[lo] if lo < len(days) and days[lo] <= end else None

    def record_held(self, day: date, held: Decimal) -> None:
        if self.days and self.days[-1] == day:
            self.held[-1] = held
        else:
            self.days.append(day)
            self.held.append(held)

    def record_acquired(self, day: date, shares: Decimal) -> None:
        totals = self.acq_totals
        if self.acq_days and self.acq_days[-1] == day:
            totals[-1] += shares
        else:
            self.acq_days.append(day)
            totals.append(totals[-1] + shares if totals else shares)


# Superficial losses make many of these per replay (lotwise.model.rows: field order).
_build_substitute = builder(SubstituteShare)
_build_superficial = builder(SuperficialLoss)


class QuantityIndex:
    """Acquisitions and end-of-day holdings per (account, symbol), from share counts only.

    Built in one pass over the whole (date-ordered) journal; every account of the household
    is indexed, whatever its owner's regime, because an affiliated person may live under
    another regime.  An (account, symbol) that never held shares has no series."""

    __slots__ = ("_series",)

    def __init__(self, transactions: Iterable[Transaction]) -> None:
        series: dict[tuple[str, str], ShareSeries] = {}
        acquisitions = (Action.BUY, Action.REINVEST)
        disposals = (Action.SELL, Action.DONATE)
        for txn in transactions:
            symbol = txn.symbol
            if symbol is None:
                continue
            key = (txn.account, symbol)
            own = series.get(key)
            if own is None:
                own = series[key] = ShareSeries()
            now = own.held[-1] if own.held else ZERO
            action = txn.action
            if action in acquisitions:
                assert txn.quantity is not None
                own.record_acquired(txn.date, txn.quantity)
                own.record_held(txn.date, now + txn.quantity)
            elif action in disposals:
                assert txn.quantity is not None
                own.record_held(txn.date, now - txn.quantity)
            elif action is Action.TRANSFER and txn.to_account is not None:
                moved = now if txn.quantity is None else txn.quantity
                own.record_held(txn.date, now - moved)
                other = series.get((txn.to_account, symbol))
                if other is None:
                    other = series[(txn.to_account, symbol)] = ShareSeries()
                other.record_held(txn.date, (other.held[-1] if other.held else ZERO) + moved)
            elif action is Action.SPLIT and txn.quantity is not None and now:
                own.record_held(txn.date, now * txn.quantity)
        self._series = series

    def series(self, account: str, symbol: str) -> ShareSeries | None:
        return self._series.get((account, symbol))

    def acquired(self, account: str, symbol: str, start: date, end: date) -> Decimal:
        """Shares acquired (bought or reinvested) from ``start`` to ``end``, both included."""
        found = self._series.get((account, symbol))
        return found.acquired(start, end) if found is not None else ZERO

    def first_acquired(self, account: str, symbol: str, start: date, end: date) -> date | None:
        found = self._series.get((account, symbol))
        return found.first_acquired(start, end) if found is not None else None


class CaReplayer(PooledReplayer):
    """Replays the accounts of the household's Canadian residents, in Canadian dollars."""

    regime = "CA"
    taxable_kind = "acb"
    lot_prefix = "ACB"

    def __init__(
        self, household: Household, accounts: Iterable[str], index: QuantityIndex,
        tracked_owners: Iterable[str],
    ) -> None:
        super().__init__(household, accounts)
        self.index = index
        self.tracked = frozenset(tracked_owners)  # owners with a Canadian ACB in this book
        self.dispositions: list[CaDisposition] = []
        self.superficial: list[SuperficialLoss] = []
        # ACB to add to a pool when this account next acquires the symbol: (amount, by)
        self.waiting: dict[tuple[str, str], list[tuple[Decimal, date]]] = {}
        self.members: dict[str, list[str]] = {}  # identical group -> symbols
        for symbol, security in household.securities.items():
            self.members.setdefault(security.group, []).append(symbol)
        self.related_accounts: dict[str, tuple[str, ...]] = {}
        for owner in {self.owner_of[a] for a in self.accounts}:
            related = affiliated_owners(household, owner)
            self.related_accounts[owner] = tuple(
                a.id for a in household.accounts.values() if a.owner in related
            )
        # (owner, identical group) -> the share series of every affiliated account and
        # identical security that ever held shares, found once
        self.identical: dict[tuple[str, str], list[tuple[str, str, ShareSeries]]] = {}
        # account -> its owner, and whether a denied loss added there is lost for good: the
        # property is in a registered plan, or with a person lotwise keeps no Canadian ACB for
        self.substitute_holder = {
            a.id: (a.owner, not a.is_taxable or a.owner not in self.tracked)
            for a in household.accounts.values()
        }

    def rule_name(self) -> str:
        return "adjusted cost base, ITA s.47"

    # -- acquisitions

    def acquire(self, txn: Transaction, quantity: Decimal, cost: Decimal) -> None:
        assert txn.symbol is not None
        if not self.taxable[txn.account]:
            self.sheltered_buy(txn, quantity, cost)
            return
        pool = self.pool(txn.account, txn.symbol)
        pool.add(quantity, cost, txn.date)
        self.hold(txn.account, txn.symbol, quantity)
        waiting = self.waiting.pop((txn.account, txn.symbol), None)
        if waiting:
            for amount, _ in waiting:
                pool.cost += amount
                pool.adj += amount

    # -- dispositions

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
        pool = self.pool(txn.account, txn.symbol)
        since = pool.first or txn.date
        acb, _ = pool.take(txn.quantity)
        self.hold(txn.account, txn.symbol, -txn.quantity)
        proceeds = txn.gross  # fair market value for a gift (s.69(1)(b))
        outlays = txn.fees if kind == "sale" else ZERO
        loss = acb + outlays - proceeds
        denied = ZERO
        if loss > 0:
            denied = self.superficial_loss(txn, owner, loss)
        line = CaDisposition(
            txn_id=txn.id, owner=owner, account=txn.account, symbol=txn.symbol,
            quantity=txn.quantity, acquired_year=since.year, sold=txn.date, proceeds=proceeds,
            acb=acb, outlays=outlays, denied=denied, kind=kind,
            inclusion_exempt=kind == "donation" and loss < 0,
        )
        self.dispositions.append(line)
        self.record(txn, self.lot_id(txn.account, txn.symbol), txn.quantity, since,
                    proceeds - outlays, acb, kind=kind, reportable=kind == "sale",
                    code="SL" if denied else "", adjustment=denied)

    def superficial_loss(self, txn: Transaction, owner: str, loss: Decimal) -> Decimal:
        """Deny the superficial part of ``loss``; return it (ITA s.54, s.40(2)(g)(i))."""
        assert txn.symbol is not None and txn.quantity is not None
        start, end = txn.date - WINDOW, txn.date + WINDOW
        acquired = ZERO
        held = ZERO
        caps: list[tuple[str, str, Decimal, Decimal]] = []  # account, symbol, cap, held
        for account, symbol, series in self._identical_series(owner, txn.symbol):
            bought, still = series.window(start, end)
            acquired += bought
            held += still
            if bought > 0 or still > 0:
                caps.append((account, symbol, bought if bought < still else still, still))
        shares = min(txn.quantity, acquired, held)
        if shares <= 0:
            return ZERO
        denied = loss * shares / txn.quantity
        total = sum((c for _, _, c, _ in caps), ZERO)
        if total == 0:  # substitutes sold again, identical shares held: share by holdings
            caps = [(a, s, h, h) for a, s, _, h in caps]
            total = sum((c for _, _, c, _ in caps), ZERO)
        substitutes = []
        for account, symbol, cap, _ in caps:
            if cap <= 0:
                continue
            amount = denied * cap / total
            holder, permanent = self.substitute_holder[account]
            if not permanent:
                self.add_to_acb(account, symbol, amount, txn.date, end)
            substitutes.append(_build_substitute((account, holder, symbol, cap, amount,
                                                  permanent)))
        self.superficial.append(_build_superficial((
            txn.id, owner, txn.account, txn.symbol, txn.date, txn.quantity, acquired, held,
            shares, loss, denied, tuple(substitutes),
        )))
        return denied

    def _identical_series(self, owner: str, symbol: str) -> list[tuple[str, str, ShareSeries]]:
        """The share series of identical property held by ``owner`` or an affiliated person:
        every affiliated account and every security of ``symbol``'s identical group."""
        group = self.household.group_of(symbol)
        found = self.identical.get((owner, group))
        if found is None:
            found = self.identical[(owner, group)] = [
                (account, member, series)
                for account in self.related_accounts[owner]
                for member in self.members.get(group, [symbol])
                if (series := self.index.series(account, member)) is not None
            ]
        return found

    def add_to_acb(self, account: str, symbol: str, amount: Decimal, sold: date,
                   end: date) -> None:
        """s.53(1)(f): add a denied loss to the ACB of the substituted property — now if it
        was bought by the sale day, else when it is bought."""
        bought_before = self.index.acquired(account, symbol, sold - WINDOW, sold) > 0
        if bought_before or self.index.first_acquired(account, symbol, sold, end) is None:
            pool = self.pool(account, symbol)
            pool.cost += amount
            pool.adj += amount
        else:
            self.waiting.setdefault((account, symbol), []).append((amount, end))

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
            # s.73(1): a transfer to a spouse rolls over at the transferor's ACB
            since = source_pool.first or txn.date
            cost, adj = source_pool.take(quantity)
            target_pool.add(quantity, cost, since)
            target_pool.adj += adj
        self.move(txn, target, quantity)

    def return_of_capital(self, txn: Transaction) -> None:
        assert txn.symbol is not None and txn.amount is not None
        held = self.held.get((txn.account, txn.symbol), ZERO)
        if held <= 0:
            raise error(txn, "symbol", f"return of capital on {txn.symbol} in '{txn.account}' "
                        "but no shares are held", "check the account and symbol of this row")
        self.event(txn, txn.amount)
        pool = self.pool(txn.account, txn.symbol)
        pool.cost -= txn.amount  # s.53(2)(c)
        if pool.cost >= 0:
            return
        excess = -pool.cost
        pool.cost = ZERO
        if not self.taxable[txn.account]:
            return
        # s.40(3): a negative ACB is a capital gain, and the ACB becomes nil
        owner = self.owner_of[txn.account]
        since = pool.first or txn.date
        self.dispositions.append(
            CaDisposition(txn.id, owner, txn.account, txn.symbol, ZERO, since.year, txn.date,
                          excess, ZERO, ZERO, kind="return_of_capital")
        )
        self.record(txn, self.lot_id(txn.account, txn.symbol), held, since, excess, ZERO,
                    kind="return_of_capital")


def lost_for_good(losses: Iterable[SuperficialLoss]) -> Mapping[str, Decimal]:
    """Denied losses lost for good, per selling owner."""
    out: dict[str, Decimal] = {}
    for loss in losses:
        out[loss.owner] = out.get(loss.owner, ZERO) + loss.permanent
    return out
