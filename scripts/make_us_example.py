"""Write the bundled US example household: household.toml, transactions.csv, prices.csv.

    python scripts/make_us_example.py [--out DIR]

The default folder is ``src/lotwise/data/examples/us``.  Everything is deterministic: the
prices are a seeded random walk and the journal follows a fixed schedule, so running the
script twice writes identical bytes.

The story, 2023-11-01 to 2026-11-20: Alex and Sam Rivera, married filing jointly.

* Prices: weekday closes (less New Year, July 4 and Christmas) for ten funds driven by four
  correlated factors (US stocks, international stocks, REITs, bonds), each a seeded Brownian
  bridge through fixed anchors:
  a 2024 rally, a drawdown from 2025-02-19 to 2025-04-08, a recovery through August 2025.
  ITOT splits 2-for-1 on 2025-07-17.
* Monthly deposits and buys in both taxable accounts, 401(k) payroll contributions twice a
  month, yearly IRA, Roth IRA and HSA contributions; dividends reinvested in the
  retirement accounts and for VTI in alex_taxable, paid in cash elsewhere; monthly interest
  on taxable cash; a yearly 401(k) fee; a yearly return of capital on VNQ.
* Wash sale (a): on 2025-03-10 Alex sells the December 2024 VOO lot at a loss (specific
  identification) and buys VOO back in the same account on 2025-03-24: the loss is added to
  the new lot's basis.
* Wash sale (b): on 2025-04-28 Alex sells IVV at a loss; on 2025-05-12 Sam's 401(k) moves
  into FXAIX, another S&P 500 fund: the loss is disallowed for good (Rev. Rul. 2008-5).
* Later: a donation of appreciated VTI lots, an in-kind transfer of BND between the
  spouses' taxable accounts, an IRA rebalance, gain-only sells (fifo, min_tax, a hifo
  override) and a withdrawal.

The script simulates cash and lots as it goes and stops with an error if a sell exceeds
the shares held, cash goes negative, a designed loss is not a loss, a wash-sale window
holds an acquisition the story does not intend, or another taxable sell could realize a loss.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

START = date(2023, 11, 1)
END = date(2026, 11, 20)
SEED = 20231101
OUT = Path(__file__).resolve().parent.parent / "src" / "lotwise" / "data" / "examples" / "us"

TAXABLE = ("alex_taxable", "sam_taxable")
FIFO_TAXABLE = ("alex_taxable",)

CENT = Decimal("0.01")
MILLI = Decimal("0.001")
ZERO = Decimal(0)

HOUSEHOLD_TOML = """\
# The Rivera household: the example that ships with lotwise (see docs/formats.md).
# Written by scripts/make_us_example.py.
format_version = 1
id = "rivera"
name = "Alex and Sam Rivera"
base_currency = "USD"

[owners.alex]
name = "Alex Rivera"
spouse = "sam"
filing_status = "married_joint"

[owners.sam]
name = "Sam Rivera"
spouse = "alex"
filing_status = "married_joint"

[accounts.alex_taxable]
name = "Alex brokerage"
owner = "alex"
type = "taxable"              # lot_method defaults to fifo
fractional = false            # this broker trades whole shares only

[accounts.sam_taxable]
name = "Sam brokerage"
owner = "sam"
type = "taxable"
lot_method = "min_tax"

[accounts.alex_ira]
name = "Alex rollover IRA"
owner = "alex"
type = "traditional"

[accounts.sam_401k]
name = "Sam 401(k)"
owner = "sam"
type = "traditional"
allowed = ["FXAIX", "AGG", "IXUS"]   # the plan's fund menu

[accounts.alex_roth]
name = "Alex Roth IRA"
owner = "alex"
type = "roth"

[accounts.sam_hsa]
name = "Sam HSA"
owner = "sam"
type = "hsa"

# Substantially identical securities share an identical_group; a fund that tracks a
# different index is its own group (no identical_group).
[securities.VTI]
name = "Vanguard Total Stock Market ETF (CRSP US Total Market)"
asset_class = "us"

[securities.ITOT]
name = "iShares Core S&P Total U.S. Stock Market ETF"
asset_class = "us"

[securities.VOO]
name = "Vanguard S&P 500 ETF"
asset_class = "us"
identical_group = "sp500"

[securities.IVV]
name = "iShares Core S&P 500 ETF"
asset_class = "us"
identical_group = "sp500"

[securities.FXAIX]
name = "Fidelity 500 Index Fund"
asset_class = "us"
identical_group = "sp500"
kind = "mutual_fund"

[securities.VXUS]
name = "Vanguard Total International Stock ETF (FTSE Global All Cap ex US)"
asset_class = "intl"

[securities.IXUS]
name = "iShares Core MSCI Total International Stock ETF"
asset_class = "intl"

[securities.BND]
name = "Vanguard Total Bond Market ETF"
asset_class = "bonds"

[securities.AGG]
name = "iShares Core U.S. Aggregate Bond ETF"
asset_class = "bonds"

[securities.VNQ]
name = "Vanguard Real Estate ETF"
asset_class = "reit"

# Leaf weights are absolute, or fractions of their parent inside a nested table:
# us = 0.7 * 0.6 = 0.42 of the portfolio.
[targets]
bonds = 0.3

[targets.equity]
weight = 0.7
us = 0.6
intl = 0.3
reit = 0.1

[policy]
absolute_band = 0.05
relative_band = 0.25
review_months = 12
# Planning policy (docs/plan.md): rebalance back inside the bands, keep short-term gain
# lots that turn long-term within 30 days, pay a 2 basis-point half-spread per trade.
rebalance_to = "band"
protect_days = 30
spread_bps = 2

# Asset location: where each class is best held, first choice first.
[policy.location]
bonds = ["traditional", "hsa", "roth", "taxable"]
reit = ["traditional", "roth", "hsa", "taxable"]

# Sam's payroll contributions buy FXAIX twice a month: the wash-sale guard counts them.
[[scheduled]]
account = "sam_401k"
symbol = "FXAIX"
amount = 750
next = 2026-11-30
every = "half_month"

# The couple's other income, for the tax computation (docs/tax.md).
[tax]
state_rate = 0.05
state_mode = "marginal"

[tax.years.2024]
ordinary_income = 204000
qualified_dividends = 2900
ordinary_dividends = 3600
interest = 850

[tax.years.2025]
ordinary_income = 212000
qualified_dividends = 3300
ordinary_dividends = 4100
interest = 900

[tax.years.2026]
ordinary_income = 219000
qualified_dividends = 3700
ordinary_dividends = 4500
interest = 950
"""


# --------------------------------------------------------------------------- prices


@dataclass(frozen=True)
class Fund:
    symbol: str
    start: float
    factor: str
    beta: float
    idio: float  # daily idiosyncratic volatility
    dividend_yield: float  # per payment: bond funds pay monthly, the others quarterly


FUNDS = (
    Fund("VTI", 206.0, "us", 1.02, 0.0010, 0.0033),
    Fund("ITOT", 96.0, "us", 1.02, 0.0010, 0.0033),
    Fund("VOO", 385.0, "us", 1.00, 0.0002, 0.0031),
    Fund("IVV", 420.0, "us", 1.00, 0.0002, 0.0031),
    Fund("FXAIX", 148.0, "us", 1.00, 0.0002, 0.0031),
    Fund("VXUS", 52.0, "intl", 1.00, 0.0010, 0.0080),
    Fund("IXUS", 59.0, "intl", 1.00, 0.0010, 0.0080),
    Fund("BND", 68.0, "bond", 1.00, 0.0005, 0.0030),
    Fund("AGG", 92.0, "bond", 1.00, 0.0005, 0.0030),
    Fund("VNQ", 76.0, "reit", 1.00, 0.0010, 0.0090),
)
FUND = {fund.symbol: fund for fund in FUNDS}

# Each factor's log level passes exactly through these anchors (dates, cumulative log
# return); between anchors it is a Brownian bridge with the factor's volatility.  The shape:
# a 2024 rally, a drawdown from 2025-02-19 to 2025-04-08, a recovery through August 2025.
ANCHOR_DATES = (
    date(2023, 11, 1),
    date(2024, 12, 31),
    date(2025, 2, 19),
    date(2025, 4, 8),
    date(2025, 8, 29),
    date(2026, 11, 20),
)
FACTORS = {  # yearly volatility, log level at each anchor date
    "us": (0.13, (0.0, 0.25, 0.28, 0.06, 0.25, 0.40)),
    "intl": (0.12, (0.0, 0.05, 0.10, -0.02, 0.15, 0.25)),
    "reit": (0.16, (0.0, 0.08, 0.08, -0.08, 0.04, 0.18)),
    "bond": (0.05, (0.0, 0.02, 0.02, 0.03, 0.05, 0.08)),
}
CORRELATION = {"us": (1.0, 0.0), "intl": (0.75, 0.66), "reit": (0.60, 0.80), "bond": (-0.10, 0.99)}
SPLIT_SYMBOL = "ITOT"
SPLIT_DAY = date(2025, 7, 17)


def weekdays(start: date, end: date) -> list[date]:
    """Trading days: weekdays, less the fixed-date holidays (New Year, July 4, Christmas)."""
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5 and (day.month, day.day) not in ((1, 1), (7, 4), (12, 25)):
            days.append(day)
        day += timedelta(days=1)
    return days


def make_prices(days: list[date]) -> dict[str, dict[date, Decimal]]:
    rng = random.Random(SEED)
    count = len(days)
    common = [rng.gauss(0.0, 1.0) for _ in range(count)]
    factors: dict[str, list[float]] = {}
    for name, (sigma, anchors) in FACTORS.items():
        weight_common, weight_own = CORRELATION[name]
        daily = sigma / math.sqrt(252)
        walk = [0.0]
        for index in range(1, count):
            shock = weight_common * common[index] + weight_own * rng.gauss(0.0, 1.0)
            walk.append(walk[-1] + daily * shock)
        marks = [days.index(on_or_after(day, set(days))) for day in ANCHOR_DATES]
        path = [0.0] * count
        for (i0, a), (i1, b) in zip(
            zip(marks, anchors, strict=True), zip(marks[1:], anchors[1:], strict=True), strict=False
        ):
            for t in range(i0, i1 + 1):
                f = (t - i0) / (i1 - i0)
                path[t] = a + (b - a) * f + (walk[t] - walk[i0]) - (walk[i1] - walk[i0]) * f
        factors[name] = path
    prices: dict[str, dict[date, Decimal]] = {fund.symbol: {} for fund in FUNDS}
    for fund in FUNDS:
        idio = 0.0
        for index, day in enumerate(days):
            if index:
                idio += fund.idio * rng.gauss(0.0, 1.0)
            value = fund.start * math.exp(fund.beta * factors[fund.factor][index] + idio)
            if fund.symbol == SPLIT_SYMBOL and day >= SPLIT_DAY:
                value /= 2
            prices[fund.symbol][day] = Decimal(f"{value:.2f}")
    return prices


# --------------------------------------------------------------------------- journal


@dataclass
class Lot:
    id: str
    quantity: Decimal
    cost: Decimal  # per share


@dataclass
class Journal:
    prices: dict[str, dict[date, Decimal]]
    rows: list[dict[str, str]] = field(default_factory=list)
    cash: dict[str, Decimal] = field(default_factory=dict)
    lots: dict[tuple[str, str], list[Lot]] = field(default_factory=dict)
    acquisitions: list[tuple[date, str, str, str]] = field(default_factory=list)
    next_id: int = 0

    def price(self, symbol: str, day: date) -> Decimal:
        return self.prices[symbol][day]

    def held(self, account: str, symbol: str) -> Decimal:
        return sum((lot.quantity for lot in self.lots.get((account, symbol), [])), ZERO)

    def all_gains(self, account: str, symbol: str, day: date) -> bool:
        price = self.price(symbol, day)
        return all(lot.cost <= price for lot in self.lots.get((account, symbol), []))

    def new_id(self, prefix: str) -> str:
        self.next_id += 1
        return f"{prefix}{self.next_id}"

    def row(self, day: date, account: str, action: str, **cells: object) -> None:
        row = {"date": day.isoformat(), "account": account, "action": action}
        for key, value in cells.items():
            if isinstance(value, Decimal) and key in ("price", "amount", "fees"):
                row[key] = f"{value.quantize(CENT)}"
            else:
                row[key] = "" if value is None else _text(value)
        self.rows.append(row)

    def move_cash(self, account: str, amount: Decimal) -> None:
        self.cash[account] = self.cash.get(account, ZERO) + amount
        if self.cash[account] < 0:
            raise SystemExit(f"{account}: cash would be {self.cash[account]}")

    # -- cash
    def deposit(self, day: date, account: str, amount: Decimal, memo: str = "") -> None:
        self.move_cash(account, amount)
        self.row(day, account, "deposit", amount=amount, memo=memo)

    def withdraw(self, day: date, account: str, amount: Decimal, memo: str = "") -> None:
        self.move_cash(account, -amount)
        self.row(day, account, "withdrawal", amount=amount, memo=memo)

    def fee(self, day: date, account: str, amount: Decimal, memo: str = "") -> None:
        self.move_cash(account, -amount)
        self.row(day, account, "fee", amount=amount, memo=memo)

    def interest(self, day: date, account: str, yearly_rate: Decimal) -> None:
        amount = (self.cash.get(account, ZERO) * yearly_rate / 12).quantize(CENT)
        if amount > 0:
            self.move_cash(account, amount)
            self.row(day, account, "interest", amount=amount, memo="cash sweep interest")

    # -- trades
    def buy(
        self,
        day: date,
        account: str,
        symbol: str,
        *,
        dollars: Decimal | None = None,
        shares: Decimal | None = None,
        fractional: bool = False,
        memo: str = "",
    ) -> str | None:
        """Buy whole shares, or, with ``fractional``, ``dollars`` worth of shares to three
        decimals: then the row's amount is the dollars paid (a mutual fund purchase)."""
        price = self.price(symbol, day)
        amount: Decimal | None = None
        if shares is None:
            assert dollars is not None
            if fractional:
                amount = dollars.quantize(CENT, rounding=ROUND_DOWN)
                shares = (amount / price).quantize(MILLI, rounding=ROUND_DOWN)
            else:
                shares = (dollars / price).quantize(Decimal(1), rounding=ROUND_DOWN)
        if shares <= 0:
            return None
        lot_id = self.new_id("B")
        cost = amount if amount is not None else shares * price
        self.move_cash(account, -cost)
        self.open(day, account, symbol, Lot(lot_id, shares, cost / shares))
        self.row(
            day,
            account,
            "buy",
            symbol=symbol,
            quantity=shares,
            price=price,
            amount=amount,
            id=lot_id,
            memo=memo,
        )
        return lot_id

    def open(self, day: date, account: str, symbol: str, lot: Lot) -> None:
        self.lots.setdefault((account, symbol), []).append(lot)
        self.acquisitions.append((day, account, symbol, lot.id))

    def dividend(self, day: date, account: str, symbol: str, reinvest: bool) -> None:
        held = self.held(account, symbol)
        if held <= 0:
            return
        price = self.price(symbol, day)
        per_share = (price * Decimal(str(FUND[symbol].dividend_yield))).quantize(Decimal("0.0001"))
        amount = (held * per_share).quantize(CENT)
        if amount <= 0:
            return
        if not reinvest:
            self.move_cash(account, amount)
            self.row(day, account, "dividend", symbol=symbol, amount=amount)
            return
        shares = (amount / price).quantize(MILLI, rounding=ROUND_DOWN)
        if shares <= 0:
            return
        lot_id = self.new_id("B")
        self.open(day, account, symbol, Lot(lot_id, shares, amount / shares))
        self.row(
            day,
            account,
            "reinvest",
            symbol=symbol,
            quantity=shares,
            price=price,
            amount=amount,
            id=lot_id,
            memo="dividend reinvested",
        )

    def take(
        self,
        account: str,
        symbol: str,
        shares: Decimal,
        picks: list[tuple[str, Decimal]] | None,
    ) -> list[tuple[Lot, Decimal]]:
        """Remove shares from lots: the picks given, else first in, first out."""
        lots = self.lots.get((account, symbol), [])
        if shares > self.held(account, symbol):
            raise SystemExit(
                f"{account} sells {shares} {symbol} but holds {self.held(account, symbol)}"
            )
        taken: list[tuple[Lot, Decimal]] = []
        if picks is not None:
            by_id = {lot.id: lot for lot in lots}
            for lot_id, count in picks:
                lot = by_id[lot_id]
                if count > lot.quantity:
                    raise SystemExit(f"lot {lot_id} has {lot.quantity} shares, not {count}")
                taken.append((lot, count))
        else:
            left = shares
            for lot in lots:
                if left <= 0:
                    break
                count = min(left, lot.quantity)
                taken.append((lot, count))
                left -= count
        for lot, count in taken:
            lot.quantity -= count
        self.lots[(account, symbol)] = [lot for lot in lots if lot.quantity > 0]
        return taken

    def sell(
        self,
        day: date,
        account: str,
        symbol: str,
        shares: Decimal,
        *,
        picks: list[tuple[str, Decimal]] | None = None,
        method: str = "",
        loss: bool = False,
        memo: str = "",
    ) -> None:
        price = self.price(symbol, day)
        # lots any relief method might pick (min_tax and hifo may pick any lot)
        candidates = list(self.lots[(account, symbol)])
        taken = self.take(account, symbol, shares, picks)
        if account in FIFO_TAXABLE and not method:
            candidates = [lot for lot, _ in taken]
        if not loss and account in TAXABLE:
            worst = max(lot.cost for lot in candidates)
            if worst > price:
                raise SystemExit(f"{day} {account} {symbol}: a lot cost {worst} > {price}")
        if loss and any(lot.cost <= price for lot, _ in taken):
            raise SystemExit(f"{day} {account} {symbol}: the designed loss is not a loss")
        # fractional shares: the proceeds, rounded to cents, go in the amount column
        amount = None if shares == shares.to_integral() else (shares * price).quantize(CENT)
        self.move_cash(account, shares * price if amount is None else amount)
        lot_text = ";".join(f"{lot_id}:{_text(count)}" for lot_id, count in picks or [])
        self.row(
            day,
            account,
            "sell",
            symbol=symbol,
            quantity=shares,
            price=price,
            amount=amount,
            lot=lot_text,
            method=method,
            id=self.new_id("S"),
            memo=memo,
        )

    def donate(
        self, day: date, account: str, symbol: str, picks: list[tuple[str, Decimal]], memo: str
    ) -> None:
        shares = sum((count for _, count in picks), ZERO)
        self.take(account, symbol, shares, picks)
        lot_text = ";".join(f"{lot_id}:{_text(count)}" for lot_id, count in picks)
        self.row(
            day,
            account,
            "donate",
            symbol=symbol,
            quantity=shares,
            price=self.price(symbol, day),
            lot=lot_text,
            id=self.new_id("D"),
            memo=memo,
        )

    def transfer(
        self, day: date, account: str, to_account: str, symbol: str, shares: Decimal, memo: str
    ) -> None:
        for lot, count in self.take(account, symbol, shares, None):
            self.lots.setdefault((to_account, symbol), []).append(Lot(lot.id, count, lot.cost))
        self.row(
            day,
            account,
            "transfer",
            symbol=symbol,
            quantity=shares,
            to_account=to_account,
            memo=memo,
        )

    def split(self, day: date, symbol: str, ratio: Decimal) -> None:
        for (account, held_symbol), lots in sorted(self.lots.items()):
            if held_symbol != symbol or not lots:
                continue
            for lot in lots:
                lot.quantity *= ratio
                lot.cost /= ratio
            self.row(
                day, account, "split", symbol=symbol, quantity=ratio, memo=f"{ratio}-for-1 split"
            )

    def return_of_capital(self, day: date, account: str, symbol: str, per_share: Decimal) -> None:
        held = self.held(account, symbol)
        amount = (held * per_share).quantize(CENT)
        for lot in self.lots[(account, symbol)]:
            lot.cost -= per_share
        self.move_cash(account, amount)
        self.row(
            day,
            account,
            "return_of_capital",
            symbol=symbol,
            amount=amount,
            memo="return of capital (Form 1099-DIV box 3)",
        )


def _text(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def on_or_after(day: date, days: set[date]) -> date:
    while day not in days:
        day += timedelta(days=1)
    return day


def month_starts(days: list[date]) -> Iterator[date]:
    seen: set[tuple[int, int]] = set()
    for day in days:
        if (day.year, day.month) not in seen:
            seen.add((day.year, day.month))
            yield day


def make_journal(prices: dict[str, dict[date, Decimal]], days: list[date]) -> Journal:
    j = Journal(prices)
    open_days = set(days)
    first_of_month = set(month_starts(days))
    last_of_month = {
        max(d for d in days if (d.year, d.month) == (m.year, m.month)) for m in first_of_month
    }
    mid_month = {on_or_after(date(m.year, m.month, 15), open_days) for m in first_of_month}
    mid_month = {d for d in mid_month if d <= END}
    quarter_pay = {
        on_or_after(date(m.year, m.month, 26), open_days)
        for m in first_of_month
        if m.month in (3, 6, 9, 12)
    }
    bond_pay = {on_or_after(date(m.year, m.month, 5), open_days) for m in first_of_month}
    quarter_pay = {d for d in quarter_pay if d <= END}
    bond_pay = {d for d in bond_pay if d <= END}

    election_day = date(2025, 5, 12)
    dec_voo_lot = ""
    done: set[str] = set()
    rate = Decimal("0.04")

    for day in days:
        first = day in first_of_month
        year_first = first and day.month == 1

        # -- opening balances and yearly contributions
        if day == START:
            j.deposit(day, "alex_ira", Decimal(150000), "rollover from a former employer's plan")
            for symbol, share in (
                ("BND", "0.40"),
                ("VXUS", "0.30"),
                ("VNQ", "0.15"),
                ("VTI", "0.15"),
            ):
                j.buy(day, "alex_ira", symbol, dollars=Decimal(150000) * Decimal(share))
            j.deposit(day, "alex_roth", Decimal(25000), "opening balance (conversion)")
            j.buy(day, "alex_roth", "VTI", dollars=Decimal(20000))
            j.buy(day, "alex_roth", "VNQ", dollars=Decimal(5000))
            j.deposit(day, "sam_hsa", Decimal(8000), "opening balance")
            j.buy(day, "sam_hsa", "VTI", dollars=Decimal(7500))
            j.deposit(day, "sam_401k", Decimal(40000), "opening balance")
            j.buy(day, "sam_401k", "IXUS", dollars=Decimal(16000), fractional=True)
            j.buy(day, "sam_401k", "AGG", dollars=Decimal(24000), fractional=True)
        if year_first:
            j.deposit(day, "alex_roth", Decimal(7000), f"{day.year} Roth IRA contribution")
            j.buy(day, "alex_roth", "VTI", dollars=Decimal(7000))
            j.deposit(day, "sam_hsa", Decimal(8300), f"{day.year} HSA contribution (family)")
            j.buy(day, "sam_hsa", "VTI", dollars=Decimal(8000))
        if first and day.month == 2:
            j.deposit(day, "alex_ira", Decimal(7000), f"{day.year} IRA contribution")
            j.buy(day, "alex_ira", "BND", dollars=Decimal(7000))

        # -- monthly saving in the taxable accounts
        if first:
            j.interest(day, "alex_taxable", rate)
            j.interest(day, "sam_taxable", rate)
            j.deposit(day, "alex_taxable", Decimal(3000), "monthly saving")
            j.buy(day, "alex_taxable", "VTI", dollars=Decimal(1500))
            j.buy(day, "alex_taxable", "VXUS", dollars=Decimal(900))
            j.buy(day, "alex_taxable", "BND", dollars=Decimal(600))
            j.deposit(day, "sam_taxable", Decimal(2000), "monthly saving")
            j.buy(day, "sam_taxable", "ITOT", dollars=Decimal(800))
            j.buy(day, "sam_taxable", "IXUS", dollars=Decimal(500))
            j.buy(day, "sam_taxable", "AGG", dollars=Decimal(400))
            j.buy(day, "sam_taxable", "VNQ", dollars=Decimal(300))

        # -- 401(k) payroll: employee deferral and employer match, twice a month
        if day in mid_month or day in last_of_month:
            j.deposit(day, "sam_401k", Decimal(1250), "payroll deferral and employer match")
            invest = Decimal(1250)
            if day.month == 12 and day in mid_month:
                j.fee(day, "sam_401k", Decimal(30), "plan administration fee")
                invest -= Decimal(30)
            funds = (("IXUS", "0.4"), ("AGG", "0.6"))
            if day >= election_day:
                funds = (("FXAIX", "0.6"), ("AGG", "0.4"))
            for symbol, share in funds:
                j.buy(day, "sam_401k", symbol, dollars=invest * Decimal(share), fractional=True)

        # -- the story
        if day == date(2024, 6, 3):
            j.deposit(day, "alex_taxable", Decimal(5000), "bonus")
            j.buy(day, "alex_taxable", "VOO", shares=Decimal(10))
        if day == date(2024, 12, 2):
            j.deposit(day, "alex_taxable", Decimal(5000), "bonus")
            dec_voo_lot = j.buy(day, "alex_taxable", "VOO", shares=Decimal(8)) or ""
        if day == date(2025, 1, 6):
            j.deposit(day, "alex_taxable", Decimal(10000), "year-end bonus")
            j.buy(day, "alex_taxable", "IVV", shares=Decimal(15))
        if day == date(2025, 3, 10):
            j.sell(
                day,
                "alex_taxable",
                "VOO",
                Decimal(8),
                picks=[(dec_voo_lot, Decimal(8))],
                loss=True,
                memo="harvest the loss on the December lot",
            )
        if day == date(2025, 3, 24):
            j.buy(day, "alex_taxable", "VOO", shares=Decimal(8), memo="buy back VOO")
        if day == date(2025, 4, 28):
            j.sell(day, "alex_taxable", "IVV", Decimal(15), loss=True, memo="harvest the IVV loss")
        if day == election_day:
            agg = (j.held("sam_401k", "AGG") / 2).quantize(MILLI, rounding=ROUND_DOWN)
            j.sell(day, "sam_401k", "AGG", agg, memo="401(k) exchange: half of AGG into FXAIX")
            j.buy(
                day,
                "sam_401k",
                "FXAIX",
                dollars=j.cash["sam_401k"],
                fractional=True,
                memo="401(k) exchange: new election 60% FXAIX",
            )
        if day == SPLIT_DAY:
            j.split(day, SPLIT_SYMBOL, Decimal(2))
        if day == date(2025, 12, 15):
            vti = j.lots[("alex_taxable", "VTI")]
            picks = [(vti[0].id, vti[0].quantity), (vti[1].id, vti[1].quantity)]
            j.donate(day, "alex_taxable", "VTI", picks, "gift to the Rivera family foundation DAF")
        # gain-only sells from the min_tax account: on the first day in a window when no lot
        # is at a loss, so that no relief method can realize one
        if (
            "car" not in done
            and date(2026, 2, 9) <= day <= date(2026, 4, 30)
            and j.all_gains("sam_taxable", "ITOT", day)
        ):
            j.sell(day, "sam_taxable", "ITOT", Decimal(40), memo="raise cash for a car")
            j.withdraw(day, "sam_taxable", Decimal(5000), "car down payment")
            done.add("car")
        if day == date(2026, 3, 2):
            j.transfer(
                day,
                "alex_taxable",
                "sam_taxable",
                "BND",
                Decimal(20),
                "gift of BND shares to Sam (basis and dates carry over)",
            )
            j.sell(day, "alex_ira", "BND", Decimal(150), memo="IRA rebalance: bonds to stocks")
            j.buy(day, "alex_ira", "VXUS", dollars=j.cash["alex_ira"], memo="IRA rebalance")
        if day == date(2026, 6, 15):
            j.sell(day, "alex_taxable", "VTI", Decimal(30), memo="rebalance toward bonds")
            j.buy(
                day,
                "alex_taxable",
                "BND",
                dollars=j.cash["alex_taxable"] - Decimal(500),
                memo="rebalance toward bonds",
            )
        if (
            "vnq" not in done
            and date(2026, 9, 1) <= day <= date(2026, 11, 13)
            and j.all_gains("sam_taxable", "VNQ", day)
        ):
            j.sell(day, "sam_taxable", "VNQ", Decimal(20), method="hifo", memo="trim REITs")
            done.add("vnq")

        # -- income
        if day in quarter_pay:
            for account, symbol, reinvest in (
                ("alex_taxable", "VTI", True),
                ("alex_taxable", "VXUS", False),
                ("alex_taxable", "VOO", False),
                ("alex_taxable", "IVV", False),
                ("sam_taxable", "ITOT", False),
                ("sam_taxable", "IXUS", False),
                ("sam_taxable", "VNQ", False),
                ("alex_ira", "VXUS", True),
                ("alex_ira", "VNQ", True),
                ("alex_ira", "VTI", True),
                ("alex_roth", "VTI", True),
                ("alex_roth", "VNQ", True),
                ("sam_hsa", "VTI", True),
                ("sam_401k", "IXUS", True),
                ("sam_401k", "FXAIX", True),
            ):
                j.dividend(day, account, symbol, reinvest)
            if day.month == 12:
                j.return_of_capital(day, "sam_taxable", "VNQ", Decimal("0.25"))
        if day in bond_pay:
            for account, symbol, reinvest in (
                ("alex_taxable", "BND", False),
                ("sam_taxable", "AGG", False),
                ("sam_taxable", "BND", False),
                ("alex_ira", "BND", True),
                ("sam_401k", "AGG", True),
            ):
                j.dividend(day, account, symbol, reinvest)
    if done != {"car", "vnq"}:
        raise SystemExit(f"gain-only sells not made: {{'car', 'vnq'}} - {done}")
    check_windows(j)
    return j


def check_windows(j: Journal) -> None:
    """The two designed loss sales see exactly the replacements the story intends."""
    group = {"VOO", "IVV", "FXAIX"}
    window = timedelta(days=30)
    expected = {
        date(2025, 3, 10): [(date(2025, 3, 24), "alex_taxable", "VOO")],
        date(2025, 4, 28): [
            (date(2025, 5, 12), "sam_401k", "FXAIX"),
            (date(2025, 5, 15), "sam_401k", "FXAIX"),
        ],
    }
    for sold, wanted in expected.items():
        found = [
            (day, account, symbol)
            for day, account, symbol, _ in j.acquisitions
            if symbol in group and sold - window <= day <= sold + window and day != sold
        ]
        if found != wanted:
            raise SystemExit(f"wash window of {sold}: {found} != {wanted}")


# --------------------------------------------------------------------------- output

COLUMNS = (
    "date",
    "account",
    "action",
    "symbol",
    "quantity",
    "price",
    "fees",
    "amount",
    "lot",
    "to_account",
    "method",
    "id",
    "memo",
)


def render_transactions(j: Journal) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(j.rows)
    return out.getvalue()


def render_prices(prices: dict[str, dict[date, Decimal]], days: list[date]) -> str:
    lines = ["date,symbol,price"]
    for day in days:
        for fund in FUNDS:
            lines.append(f"{day.isoformat()},{fund.symbol},{prices[fund.symbol][day]}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=OUT, help="folder to write (default: %(default)s)"
    )
    args = parser.parse_args()
    days = weekdays(START, END)
    prices = make_prices(days)
    journal = make_journal(prices, days)
    args.out.mkdir(parents=True, exist_ok=True)
    files = {
        "household.toml": HOUSEHOLD_TOML,
        "transactions.csv": render_transactions(journal),
        "prices.csv": render_prices(prices, days),
    }
    for name, text in files.items():
        (args.out / name).write_bytes(text.encode("utf-8"))
        print(f"wrote {args.out / name} ({len(text.encode('utf-8')):,} bytes)")


if __name__ == "__main__":
    main()
