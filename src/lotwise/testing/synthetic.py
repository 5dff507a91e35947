"""A seeded generator of synthetic households and journals.

:func:`generate` returns a :class:`~lotwise.model.Household` and a list of
:class:`~lotwise.model.Transaction` that :func:`lotwise.ledger.replay` accepts: no sell
ever exceeds the shares held, every named lot is open when it is named, dates never go
backwards and ``seq`` is the position in the list.  The same arguments always give the
same household and the same journal on a given Python version: everything is drawn from
``random.Random`` generators seeded from ``seed`` (Python only promises ``random()`` itself
to stay the same across versions, not ``choice`` or ``gauss``).

The household
    Two spouses (``alice`` and ``bob``, married filing jointly) with a mix of taxable,
    traditional, Roth and HSA accounts, and optionally a family trust (a separate taxpayer,
    so its purchases never wash the spouses' losses).  Securities come in identical groups
    of one, two or three funds tracking the same index (``identical_group``), spread over
    eight leaf asset classes whose target weights sum to 1.

The journal
    ``n_transactions`` rows spread evenly over the business days (Monday to Friday) of
    ``years`` years (of 365.25 days; fractions allowed) from ``start``.  Each row is drawn
    from a fixed mix: deposits, buys, sells (first-in first-out, last-in first-out, whole or
    partial specific lots, full liquidations), dividend reinvestments in taxable and
    tax-advantaged accounts, cash dividends, interest, fees, withdrawals and, rarely,
    forward splits of 2, 3 or 4 for 1 (one row per account holding the symbol;
    ``splits=False`` leaves them out).  Wash sales are planted on purpose:

    * *harvests* sell the costliest lot of a taxable position while it is under water and
      schedule a replacement 0-25 business days later: the same fund in the same account,
      an identical fund, the spouse's account, an IRA/Roth/HSA (the loss is then lost for
      good), just outside the 30-day window, or the trust's account (not a wash);
    * *pre-buys* buy an identical fund first and sell an older losing lot 1-20 business
      days later, so the replacement precedes the loss;
    * dividend reinvestments wash part of any loss sold within 30 days of them.

    The generator tracks every lot it opens (id, shares, cost per share) with the same
    first-in first-out order the ledger uses, so sells and lot picks are always valid.
    Buys are of whole shares, reinvestments of thousandths of a share; prices are cents and
    follow one seeded geometric random walk per identical group (funds of a group move
    together, each at its own price level).

Example::

    >>> from lotwise.ledger import replay
    >>> household, journal = generate(2_000, seed=7)
    >>> len(journal), len(household.accounts)
    (2000, 10)
    >>> book = replay(household, journal)
    >>> len(book.wash_sales) > 0
    True
"""

from __future__ import annotations

import heapq
import math
import random
from datetime import date, timedelta
from decimal import Decimal

from lotwise.model import (
    Account,
    AccountType,
    Action,
    FilingStatus,
    Household,
    LotPick,
    Owner,
    Security,
    TargetAllocation,
    Transaction,
)

DEFAULT_START = date(2016, 1, 4)

#: Leaf asset classes: (class, parent, target weight, (kinds ...)).  Weights sum to 1.
ASSET_CLASSES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("us_large", "us_equity", "0.30", ("etf", "mutual_fund", "stock")),
    ("us_small", "us_equity", "0.08", ("etf", "mutual_fund", "stock")),
    ("intl_developed", "intl_equity", "0.17", ("etf", "mutual_fund")),
    ("emerging", "intl_equity", "0.07", ("etf", "mutual_fund")),
    ("reit", "real_assets", "0.05", ("etf", "stock")),
    ("us_bonds", "fixed_income", "0.20", ("etf", "mutual_fund", "bond")),
    ("tips", "fixed_income", "0.08", ("etf", "mutual_fund")),
    ("intl_bonds", "fixed_income", "0.05", ("etf", "mutual_fund")),
)
_PARENTS = {"us_equity": "equity", "intl_equity": "equity"}

#: Accounts in the order they are created: (owner, type, name).  The trust, when asked
#: for, takes the last place.
_ACCOUNT_PLAN: tuple[tuple[str, AccountType, str], ...] = (
    ("alice", AccountType.TAXABLE, "taxable"),
    ("bob", AccountType.TRADITIONAL, "traditional"),
    ("bob", AccountType.TAXABLE, "taxable"),
    ("alice", AccountType.ROTH, "roth"),
    ("alice", AccountType.TRADITIONAL, "traditional"),
    ("bob", AccountType.ROTH, "roth"),
    ("alice", AccountType.HSA, "hsa"),
    ("alice", AccountType.TAXABLE, "taxable_2"),
    ("bob", AccountType.HSA, "hsa"),
)

# Actions drawn for ordinary rows, with weights (per 10,000).  Harvests and pre-buys
# schedule a second row, so they count about twice.
_DEPOSIT, _BUY, _SELL, _HARVEST, _PREBUY, _REINVEST = range(6)
_DIVIDEND, _INTEREST, _FEE, _WITHDRAWAL, _SPLIT = range(6, 11)
_MIX: tuple[tuple[int, int], ...] = (
    (_DEPOSIT, 400),
    (_BUY, 3300),
    (_SELL, 1700),
    (_HARVEST, 700),
    (_PREBUY, 250),
    (_REINVEST, 1900),
    (_DIVIDEND, 700),
    (_INTEREST, 350),
    (_FEE, 350),
    (_WITHDRAWAL, 345),
    (_SPLIT, 5),
)
_MIX_TABLE: tuple[int, ...] = tuple(kind for kind, weight in _MIX for _ in range(weight))

_DAILY_DRIFT = 0.06 / 252
_ZERO = Decimal(0)


def generate(
    n_transactions: int,
    *,
    seed: int,
    n_accounts: int = 10,
    n_symbols: int = 500,
    years: float = 10,
    start: date = DEFAULT_START,
    trust: bool = True,
    splits: bool = True,
) -> tuple[Household, list[Transaction]]:
    """A household and a journal of exactly ``n_transactions`` rows, valid for replay.

    ``n_accounts`` (at least 2) accounts of two spouses, the last one owned by a family
    trust when ``trust`` is true and there are at least 4 accounts; ``n_symbols`` (at least
    2) securities; rows spread over the business days of ``years`` years (of 365.25 days,
    fractions allowed) from ``start``.  ``splits=False`` leaves stock splits out.
    """
    if n_transactions < 0:
        raise ValueError(f"n_transactions must be >= 0, not {n_transactions}")
    if not years > 0:
        raise ValueError(f"years must be > 0, not {years}")
    household = generate_household(
        seed=seed, n_accounts=n_accounts, n_symbols=n_symbols, trust=trust
    )
    rng = random.Random(f"lotwise-journal-{seed}")
    return household, _Journal(household, rng, years, start, splits).run(n_transactions)


def generate_household(
    *, seed: int, n_accounts: int = 10, n_symbols: int = 500, trust: bool = True
) -> Household:
    """The household :func:`generate` uses: accounts, securities and target allocation."""
    if n_accounts < 2:
        raise ValueError(f"n_accounts must be >= 2, not {n_accounts}")
    if n_symbols < 2:
        raise ValueError(f"n_symbols must be >= 2, not {n_symbols}")
    rng = random.Random(f"lotwise-household-{seed}")

    with_trust = trust and n_accounts >= 4
    plan = [_ACCOUNT_PLAN[i % len(_ACCOUNT_PLAN)] for i in range(n_accounts - with_trust)]
    accounts: dict[str, Account] = {}
    for index, (owner, kind, name) in enumerate(plan):
        round_ = index // len(_ACCOUNT_PLAN)
        account_id = f"{owner}_{name}" + (f"_r{round_ + 1}" if round_ else "")
        accounts[account_id] = Account(account_id, owner, kind, name=f"{owner} {name}")
    owners = {
        "alice": Owner("alice", "Alice", "bob", FilingStatus.MARRIED_JOINT),
        "bob": Owner("bob", "Bob", "alice", FilingStatus.MARRIED_JOINT),
    }
    if with_trust:
        owners["family_trust"] = Owner("family_trust", "Family trust", None, FilingStatus.TRUST)
        accounts["family_trust_taxable"] = Account(
            "family_trust_taxable", "family_trust", AccountType.TAXABLE, name="trust taxable"
        )

    securities: dict[str, Security] = {}
    class_weights = [float(weight) for _, _, weight, _ in ASSET_CLASSES]
    n_groups = 0
    while len(securities) < n_symbols:
        left = n_symbols - len(securities)
        roll = rng.random()
        size = min(left, 1 if roll < 0.45 else 2 if roll < 0.8 else 3)
        asset_class, _, _, kinds = rng.choices(ASSET_CLASSES, class_weights)[0]
        group = f"{asset_class}_index_{n_groups}" if size > 1 else None
        n_groups += 1
        for _ in range(size):
            symbol = _ticker(len(securities))
            fund_kind = rng.choice(kinds) if size == 1 else rng.choice(kinds[:2])
            securities[symbol] = Security(symbol, asset_class, group, kind=fund_kind)

    weights = {name: Decimal(weight) for name, _, weight, _ in ASSET_CLASSES}
    parents = {name: parent for name, parent, _, _ in ASSET_CLASSES} | _PARENTS
    return Household(
        id=f"synthetic-{seed}",
        owners=owners,
        accounts=accounts,
        securities=securities,
        targets=TargetAllocation(weights, parents),
        name=f"Synthetic household {seed}",
    )


def _ticker(index: int) -> str:
    """Four capital letters, distinct for each index below 26**4."""
    letters = []
    for _ in range(4):
        index, digit = divmod(index, 26)
        letters.append(chr(ord("A") + digit))
    return "".join(reversed(letters))


def _business_days(start: date, years: float) -> list[date]:
    end = start + timedelta(days=max(1, round(365.25 * years)))
    days: list[date] = []
    day = start
    one = timedelta(days=1)
    while day < end or not days:
        if day.weekday() < 5:
            days.append(day)
        day += one
    return days


class _KeySet:
    """A set of keys with O(1) add, discard and uniform random choice."""

    __slots__ = ("index", "items")

    def __init__(self) -> None:
        self.items: list[tuple[int, int]] = []
        self.index: dict[tuple[int, int], int] = {}

    def add(self, key: tuple[int, int]) -> None:
        if key not in self.index:
            self.index[key] = len(self.items)
            self.items.append(key)

    def discard(self, key: tuple[int, int]) -> None:
        where = self.index.pop(key, None)
        if where is None:
            return
        last = self.items.pop()
        if where < len(self.items):
            self.items[where] = last
            self.index[last] = where

    def choice(self, rng: random.Random) -> tuple[int, int] | None:
        if not self.items:
            return None
        return self.items[int(rng.random() * len(self.items))]


class _HeldLot:
    """A lot as the generator tracks it: the id of the row that opened it, shares in
    thousandths, and cost per share in cents (before any wash-sale adjustment)."""

    __slots__ = ("cost", "lot_id", "milli")

    def __init__(self, lot_id: str, milli: int, cost: float) -> None:
        self.lot_id = lot_id
        self.milli = milli
        self.cost = cost


class _Journal:
    """The state of one generation run: prices, lots held, rows scheduled for later."""

    def __init__(
        self, household: Household, rng: random.Random, years: float, start: date, splits: bool
    ) -> None:
        self.rng = rng
        self.splits = splits
        self.days = _business_days(start, years)
        self.accounts = list(household.accounts.values())
        self.account_ids = [account.id for account in self.accounts]
        self.taxable = [account.is_taxable for account in self.accounts]
        units = [household.tax_unit_key(account.owner) for account in self.accounts]
        # Accounts of the same tax unit (a wash-sale replacement may land in any of them),
        # split into taxable ones of another owner (the spouse) and tax-advantaged ones.
        self.spouse_taxable: list[list[int]] = []
        self.advantaged: list[list[int]] = []
        self.outsiders: list[list[int]] = []
        for i, account in enumerate(self.accounts):
            same_unit = [j for j in range(len(self.accounts)) if units[j] == units[i]]
            self.spouse_taxable.append(
                [
                    j
                    for j in same_unit
                    if self.taxable[j] and self.accounts[j].owner != account.owner
                ]
            )
            self.advantaged.append([j for j in same_unit if not self.taxable[j]])
            self.outsiders.append([j for j in range(len(self.accounts)) if units[j] != units[i]])

        self.symbols = list(household.securities)
        group_ids: dict[str, int] = {}
        self.group_of: list[int] = []
        self.siblings: list[list[int]] = []
        members: dict[str, list[int]] = {}
        for index, security in enumerate(household.securities.values()):
            group_ids.setdefault(security.group, len(group_ids))
            self.group_of.append(group_ids[security.group])
            members.setdefault(security.group, []).append(index)
        for security in household.securities.values():
            self.siblings.append(members[security.group])
        n_groups = len(group_ids)
        # One random walk per identical group; each fund sits at its own price level.
        self.level = [1.0] * n_groups
        self.level_day = [0] * n_groups
        self.sigma = [rng.uniform(0.008, 0.025) for _ in range(n_groups)]
        self.scale = [rng.uniform(15.0, 400.0) for _ in self.symbols]

        self.lots: dict[tuple[int, int], list[_HeldLot]] = {}
        self.held = _KeySet()
        self.held_taxable = _KeySet()
        self.scheduled: list[tuple[int, int, tuple[object, ...]]] = []
        self.counter = 0
        self.out: list[Transaction] = []
        self.day = 0
        self.cents_cache: dict[int, Decimal] = {}
        self.shares_cache: dict[int, Decimal] = {}

    # -- numbers -------------------------------------------------------------------

    def cents(self, value: int) -> Decimal:
        found = self.cents_cache.get(value)
        if found is None:
            found = self.cents_cache[value] = Decimal(value).scaleb(-2)
        return found

    def shares(self, milli: int) -> Decimal:
        if milli % 1000:
            return Decimal(milli).scaleb(-3)
        found = self.shares_cache.get(milli)
        if found is None:
            found = self.shares_cache[milli] = Decimal(milli // 1000)
        return found

    def price(self, symbol: int) -> int:
        """Today's price of ``symbol`` in cents, moving its group's walk up to today."""
        group = self.group_of[symbol]
        elapsed = self.day - self.level_day[group]
        if elapsed > 0:
            sigma = self.sigma[group]
            shock = self.rng.gauss(0.0, 1.0) * sigma * math.sqrt(elapsed)
            self.level[group] *= math.exp((_DAILY_DRIFT - sigma * sigma / 2) * elapsed + shock)
            self.level_day[group] = self.day
        return max(100, round(self.level[group] * self.scale[symbol] * 100))

    # -- rows ----------------------------------------------------------------------

    def emit(
        self,
        account: int,
        action: Action,
        symbol: int | None = None,
        quantity: Decimal | None = None,
        price: Decimal | None = None,
        fees: Decimal = _ZERO,
        amount: Decimal | None = None,
        lots: tuple[LotPick, ...] = (),
        method: str | None = None,
    ) -> str:
        seq = len(self.out)
        txn_id = f"t{seq}"
        self.out.append(
            Transaction(
                seq,
                txn_id,
                self.days[self.day],
                self.account_ids[account],
                action,
                None if symbol is None else self.symbols[symbol],
                quantity,
                price,
                fees,
                amount,
                lots,
                method,
            )
        )
        return txn_id

    def schedule(self, offset: int, job: tuple[object, ...]) -> None:
        self.counter += 1
        heapq.heappush(self.scheduled, (self.day + offset, self.counter, job))

    def fee(self) -> Decimal:
        return self.cents(495) if self.rng.random() < 0.15 else _ZERO

    # -- holdings ------------------------------------------------------------------

    def open_lot(self, key: tuple[int, int], lot_id: str, milli: int, cost: float) -> None:
        lots = self.lots.get(key)
        if lots is None:
            lots = self.lots[key] = []
            self.held.add(key)
            if self.taxable[key[0]]:
                self.held_taxable.add(key)
        lots.append(_HeldLot(lot_id, milli, cost))

    def held_milli(self, key: tuple[int, int]) -> int:
        return sum(lot.milli for lot in self.lots[key])

    def take(self, key: tuple[int, int], milli: int, last_first: bool = False) -> None:
        """Remove ``milli`` thousandths of a share, first-in first-out (or last-in)."""
        lots = self.lots[key]
        while milli > 0:
            lot = lots[-1] if last_first else lots[0]
            if lot.milli <= milli:
                milli -= lot.milli
                lots.pop(-1 if last_first else 0)
            else:
                lot.milli -= milli
                milli = 0
        self.forget_if_empty(key)

    def forget_if_empty(self, key: tuple[int, int]) -> None:
        if not self.lots[key]:
            del self.lots[key]
            self.held.discard(key)
            self.held_taxable.discard(key)

    def loss_lot(self, key: tuple[int, int], price: int) -> int | None:
        """Index of the costliest lot of ``key`` when it is under water at ``price``."""
        lots = self.lots[key]
        best = max(range(len(lots)), key=lambda i: lots[i].cost)
        return best if lots[best].cost > price else None

    # -- the loop ------------------------------------------------------------------

    def run(self, n: int) -> list[Transaction]:
        rng = self.rng
        n_days = len(self.days)
        table = _MIX_TABLE
        size = len(table)
        handlers = {
            _DEPOSIT: self.deposit,
            _BUY: self.buy,
            _SELL: self.sell,
            _HARVEST: self.harvest,
            _PREBUY: self.prebuy,
            _REINVEST: self.reinvest,
            _DIVIDEND: self.dividend,
            _INTEREST: self.interest,
            _FEE: self.account_fee,
            _WITHDRAWAL: self.withdrawal,
            _SPLIT: self.split,
        }
        dispatch = [handlers[kind] for kind in range(len(handlers))]
        out = self.out
        scheduled = self.scheduled
        while len(out) < n:
            today = len(out) * n_days // n
            while scheduled and scheduled[0][0] <= today and len(out) < n:
                day, _, job = heapq.heappop(scheduled)
                self.day = day
                self.run_job(job)
            if len(out) >= n:
                break
            self.day = today
            dispatch[table[int(rng.random() * size)]](n)
        return out

    def run_job(self, job: tuple[object, ...]) -> None:
        kind = job[0]
        if kind == "buy":
            _, account, symbol, milli = job
            assert isinstance(account, int) and isinstance(symbol, int)
            assert isinstance(milli, int)
            self.buy_shares(account, symbol, milli)
        else:  # "sell_lot": sell what is left of a named lot, if anything
            _, key, lot_id = job
            assert isinstance(key, tuple) and isinstance(lot_id, str)
            lots = self.lots.get(key)
            if not lots:
                return
            for index, lot in enumerate(lots):
                if lot.lot_id == lot_id:
                    self.sell_lot(key, index)
                    return

    # -- ordinary rows -------------------------------------------------------------

    def random_account(self) -> int:
        return int(self.rng.random() * len(self.accounts))

    def deposit(self, n: int) -> None:
        amount = self.cents(int(self.rng.uniform(1_000, 50_000)) * 100)
        self.emit(self.random_account(), Action.DEPOSIT, amount=amount)

    def withdrawal(self, n: int) -> None:
        amount = self.cents(int(self.rng.uniform(100, 10_000)) * 100)
        self.emit(self.random_account(), Action.WITHDRAWAL, amount=amount)

    def interest(self, n: int) -> None:
        amount = self.cents(int(self.rng.uniform(1, 20_000)))
        self.emit(self.random_account(), Action.INTEREST, amount=amount)

    def account_fee(self, n: int) -> None:
        amount = self.cents(int(self.rng.uniform(500, 20_000)))
        self.emit(self.random_account(), Action.FEE, amount=amount)

    def buy(self, n: int) -> None:
        symbol = int(self.rng.random() * len(self.symbols))
        account = self.random_account()
        self.buy_shares(account, symbol, self.lot_size(self.price(symbol)))

    def lot_size(self, price: int) -> int:
        """Whole shares worth between about $500 and $20,000, in thousandths."""
        value = self.rng.uniform(50_000, 2_000_000)
        return max(1, int(value / price)) * 1000

    def buy_shares(self, account: int, symbol: int, milli: int) -> str:
        price = self.price(symbol)
        txn_id = self.emit(
            account, Action.BUY, symbol, self.shares(milli), self.cents(price), self.fee()
        )
        self.open_lot((account, symbol), txn_id, milli, float(price))
        return txn_id

    def sell(self, n: int) -> None:
        key = self.held.choice(self.rng)
        if key is None:
            self.buy(n)
            return
        account, symbol = key
        price = self.cents(self.price(symbol))
        lots = self.lots[key]
        held = self.held_milli(key)
        roll = self.rng.random()
        if roll < 0.2:  # specific identification of one lot, whole or in part
            index = int(self.rng.random() * len(lots))
            lot = lots[index]
            if lot.milli >= 2000 and self.rng.random() < 0.5:
                part = max(1000, int(self.rng.uniform(0.2, 0.9) * lot.milli) // 1000 * 1000)
                self.emit(
                    account,
                    Action.SELL,
                    symbol,
                    self.shares(part),
                    price,
                    self.fee(),
                    lots=(LotPick(lot.lot_id, self.shares(part)),),
                )
                lot.milli -= part
            else:
                self.sell_lot(key, index)
            return
        if roll < 0.3:  # everything
            milli = held
        else:
            milli = int(self.rng.uniform(0.1, 1.0) * held)
            if held >= 2000:
                milli = max(1000, milli // 1000 * 1000)
            milli = max(1, milli)
        last_first = 0.3 <= roll < 0.4
        self.emit(
            account,
            Action.SELL,
            symbol,
            self.shares(milli),
            price,
            self.fee(),
            method="lifo" if last_first else None,
        )
        self.take(key, milli, last_first)

    def sell_lot(self, key: tuple[int, int], index: int) -> None:
        """Sell all that is left of lot ``index`` of ``key``, naming it."""
        account, symbol = key
        lots = self.lots[key]
        lot = lots.pop(index)
        picks = (LotPick(lot.lot_id),) if index or self.rng.random() < 0.5 else ()
        self.emit(
            account,
            Action.SELL,
            symbol,
            self.shares(lot.milli),
            self.cents(self.price(symbol)),
            self.fee(),
            lots=picks,
        )
        self.forget_if_empty(key)

    def reinvest(self, n: int) -> None:
        key = self.held.choice(self.rng)
        if key is None:
            self.buy(n)
            return
        account, symbol = key
        price = self.price(symbol)
        value = self.held_milli(key) * price / 1000  # cents
        dividend = max(1, int(value * self.rng.uniform(0.002, 0.012)))
        milli = round(dividend * 1000 / price)
        if milli < 1:
            self.emit(account, Action.DIVIDEND, symbol, amount=self.cents(dividend))
            return
        txn_id = self.emit(
            account,
            Action.REINVEST,
            symbol,
            self.shares(milli),
            self.cents(price),
            amount=self.cents(dividend),
        )
        self.open_lot(key, txn_id, milli, float(price))

    def dividend(self, n: int) -> None:
        key = self.held.choice(self.rng)
        if key is None:
            self.interest(n)
            return
        account, symbol = key
        value = self.held_milli(key) * self.price(symbol) / 1000
        amount = self.cents(max(1, int(value * self.rng.uniform(0.002, 0.012))))
        self.emit(account, Action.DIVIDEND, symbol, amount=amount)

    def split(self, n: int) -> None:
        key = self.held.choice(self.rng)
        if key is None or not self.splits:
            self.buy(n)
            return
        symbol = key[1]
        ratio = self.rng.choice((2, 3, 4))
        self.price(symbol)  # bring the walk to today before the price level changes
        self.scale[symbol] /= ratio
        for account in range(len(self.accounts)):
            holder = (account, symbol)
            lots = self.lots.get(holder)
            if lots is None or len(self.out) >= n:
                continue
            self.emit(account, Action.SPLIT, symbol, Decimal(ratio))
            for lot in lots:
                lot.milli *= ratio
                lot.cost /= ratio

    # -- planted wash sales ----------------------------------------------------------

    def losing_position(self) -> tuple[tuple[int, int], int] | None:
        """A taxable position and the index of a lot of it that is under water."""
        for _ in range(4):
            key = self.held_taxable.choice(self.rng)
            if key is None:
                return None
            index = self.loss_lot(key, self.price(key[1]))
            if index is not None:
                return key, index
        return None

    def harvest(self, n: int) -> None:
        found = self.losing_position()
        if found is None:
            self.sell(n)
            return
        key, index = found
        account, symbol = key
        sold = self.lots[key][index].milli
        self.sell_lot(key, index)
        rng = self.rng
        milli = max(1, round(sold * rng.uniform(0.3, 1.3) / 1000)) * 1000
        offset = int(rng.random() * 21)  # 0-20 business days: at most 28 calendar days
        siblings = self.siblings[symbol]
        roll = rng.random()
        if roll < 0.35:  # the same fund again
            target, replacement = account, symbol
        elif roll < 0.5:  # an identical fund tracking the same index
            target, replacement = account, rng.choice(siblings)
        elif roll < 0.65 and self.spouse_taxable[account]:  # the spouse buys it
            target, replacement = rng.choice(self.spouse_taxable[account]), rng.choice(siblings)
        elif roll < 0.8 and self.advantaged[account]:  # an IRA buys it: lost for good
            target, replacement = rng.choice(self.advantaged[account]), rng.choice(siblings)
        elif roll < 0.9:  # around the end of the window: 29 to 36 calendar days later
            target, replacement, offset = account, symbol, 21 + int(rng.random() * 5)
        elif self.outsiders[account]:  # another taxpayer (the trust): no wash sale
            target, replacement = rng.choice(self.outsiders[account]), symbol
        else:  # a fund of another index: no wash sale
            target, replacement = account, int(rng.random() * len(self.symbols))
        self.schedule(offset, ("buy", target, replacement, milli))

    def prebuy(self, n: int) -> None:
        found = self.losing_position()
        if found is None:
            self.buy(n)
            return
        key, index = found
        account, symbol = key
        rng = self.rng
        lot_id = self.lots[key][index].lot_id
        roll = rng.random()
        target = account
        if roll < 0.25 and self.spouse_taxable[account]:
            target = rng.choice(self.spouse_taxable[account])
        elif roll < 0.5 and self.advantaged[account]:
            target = rng.choice(self.advantaged[account])
        replacement = rng.choice(self.siblings[symbol])
        self.buy_shares(target, replacement, self.lot_size(self.price(replacement)))
        self.schedule(1 + int(rng.random() * 20), ("sell_lot", key, lot_id))
