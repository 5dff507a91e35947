"""Write the bundled UK example household: household.toml, transactions.csv, prices.csv
and fx.csv.

    python scripts/make_uk_example.py [--out DIR]

The default folder is ``src/lotwise/data/examples/uk``.  Everything is deterministic (a
seeded price walk through fixed anchors and a fixed schedule), so running the script twice
writes identical bytes.  Read it with ``--fx fx.csv`` and today = 2026-11-20.

VTI's prices are not drawn: they are the US example's own rows
(``src/lotwise/data/examples/us/prices.csv``) from 2024-01-02 on, so both examples import
into one store, where prices are shared by symbol across households (docs/store.md).  VTI
trades in New York, so it has no price on 4 July; the London-listed funds do.

The story, 2024-01-02 to 2026-11-20: Olivia and James Bennett, spouses resident in the UK.

* Accounts: each has a general investment account (GIA) and a stocks and shares ISA;
  Olivia also has a SIPP.  Only the GIAs are within capital gains tax.
* Monthly ISA purchases; US-listed VTI in Olivia's GIA (US dividends withheld at 15 % under
  the UK-US treaty with a W-8BEN) and in her SIPP (0 %: pension scheme).
* Same-day aggregation (2024-06-14, before the 30 October 2024 rate change): Olivia sells
  VWRL twice and buys some back the same day: one disposal, matched first with that day's
  purchase, the rest from the section 104 holding.
* A gain after the rate change: James sells ISF on 2024-11-20 (18 % / 24 %).
* Bed and breakfast across 5 April: Olivia buys VUSA near the top on 2025-02-18, sells it
  at a loss in her GIA on 2025-03-28 (tax year 2024-25) and buys it back in the GIA on
  2025-04-10 (2025-26), after a further fall: the sale is matched with the April purchase,
  not with the pool, and the loss becomes a gain.
* Bed and ISA: on 2025-03-31 Olivia sells ISF in her GIA and buys it in her ISA the same
  day: not matched (the ISA holds in another capacity), the gain uses the exempt amount.
* Day 31: James sells VWRL at a loss on 2025-04-08 and buys it back on 2025-05-09, 31 days
  later: not matched, the loss stands against the section 104 holding.
* A transfer of IGLT from Olivia to James at no gain, no loss (s.58) on 2025-10-01, and
  Olivia's rebuy of 100 IGLT in her GIA on 2025-10-15: the transfer is identified first
  with that purchase (s.106A(5)), the rest with her section 104 holding, and James
  acquires at that cost.
* Offshore funds (SI 2009/3001): the London-listed funds are Irish-domiciled funds with UK
  reporting status (``uk_reporting_fund = true``); VWRL's excess reportable income for
  its reporting periods ending 30 June is recorded on the fund distribution dates, 31
  December 2024 and 2025, for the GIA holdings (reg. 94), and adds to their cost (reg.
  99), so James's VWRL loss of 2025-04-08 is larger by his share of it.  VTI, a US fund,
  has no UK reporting status (``uk_reporting_fund = false``): Olivia's sale of it in US
  dollars (converted at the rates of the purchase and sale dates) is an offshore income
  gain, taxed as income, not on the SA108.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

from example_series import last_weekday, path_value, render_csv, us_example_prices, weekdays

START = date(2024, 1, 2)
END = date(2026, 11, 20)
SEED = 20240106
EXAMPLES = Path(__file__).resolve().parent.parent / "src" / "lotwise" / "data" / "examples"
OUT = EXAMPLES / "uk"
CENT = Decimal("0.01")
ZERO = Decimal(0)

HOUSEHOLD_TOML = """\
# The Bennett household: the UK example that ships with lotwise (docs/regimes.md).
# Written by scripts/make_uk_example.py.  Amounts in GBP unless a security says otherwise;
# read the transactions with --fx fx.csv, or `lotwise import fx fx.csv` into a store.  Tax
# years run from 6 April to 5 April.
format_version = 1
id = "bennett"
name = "Olivia and James Bennett"
base_currency = "GBP"

[owners.olivia]
name = "Olivia Bennett"
spouse = "james"
tax_residence = "UK"

[owners.james]
name = "James Bennett"
spouse = "olivia"
tax_residence = "UK"

[accounts.olivia_gia]
name = "Olivia general investment account"
owner = "olivia"
type = "gia"

[accounts.olivia_isa]
name = "Olivia stocks and shares ISA"
owner = "olivia"
type = "isa"

[accounts.olivia_sipp]
name = "Olivia SIPP"
owner = "olivia"
type = "sipp"

[accounts.james_gia]
name = "James general investment account"
owner = "james"
type = "gia"

[accounts.james_isa]
name = "James stocks and shares ISA"
owner = "james"
type = "isa"

# The London-listed funds are Irish-domiciled offshore funds with UK reporting status; VTI,
# a US fund, has none, so a gain on it is an offshore income gain (docs/regimes.md).
[securities.VWRL]
name = "Vanguard FTSE All-World UCITS ETF"
asset_class = "global"
uk_reporting_fund = true

[securities.ISF]
name = "iShares Core FTSE 100 UCITS ETF"
asset_class = "uk"
uk_reporting_fund = true

[securities.VUSA]
name = "Vanguard S&P 500 UCITS ETF"
asset_class = "us"
uk_reporting_fund = true

[securities.VTI]
name = "Vanguard Total Stock Market ETF (US-listed)"
asset_class = "us"
currency = "USD"
uk_reporting_fund = false

[securities.IGLT]
name = "iShares Core UK Gilts UCITS ETF"
asset_class = "bonds"
uk_reporting_fund = true

[targets]
bonds = 0.25

[targets.equity]
weight = 0.75
global = 0.4
uk = 0.25
us = 0.35

# UK tax settings (docs/regimes.md): taxable income (sets the basic rate band left for
# gains) and losses brought forward into 2024-25.
[tax.uk.olivia]
taxable_income = 52000
losses_brought_forward = 2000

[tax.uk.james]
taxable_income = 28000
"""

# VTI keeps its place (and its draws of the seeded generator, unused) so that the series
# drawn after it are the same whether its prices are drawn or read from the US example.
PRICES: dict[str, tuple[str, Decimal]] = {
    "VWRL": ("GBP", Decimal("98.00")),
    "ISF": ("GBP", Decimal("7.60")),
    "VUSA": ("GBP", Decimal("72.00")),
    "VTI": ("USD", Decimal("237.00")),  # drawn, then replaced by the US example's rows
    "IGLT": ("GBP", Decimal("10.60")),
}
SHARED_WITH_US = ("VTI",)  # priced by the US example's prices.csv
# VWRL's excess reportable income per unit for its reporting periods ending 30 June, on the
# fund distribution date six months later (SI 2009/3001 reg. 94(3), (4)); illustrative.
ERI_PER_UNIT = {date(2024, 12, 31): Decimal("0.1520"), date(2025, 12, 31): Decimal("0.1685")}
EQUITY_PATH = (
    (date(2024, 1, 2), 1.00), (date(2024, 7, 15), 1.09), (date(2024, 12, 31), 1.16),
    (date(2025, 2, 19), 1.20), (date(2025, 3, 28), 1.08), (date(2025, 4, 8), 0.95),
    (date(2025, 4, 10), 1.00), (date(2025, 5, 9), 1.05), (date(2025, 8, 29), 1.22),
    (date(2026, 3, 10), 1.18), (date(2026, 11, 20), 1.34),
)
BOND_PATH = (
    (date(2024, 1, 2), 1.00), (date(2024, 9, 30), 1.03), (date(2025, 4, 8), 0.99),
    (date(2026, 11, 20), 1.02),
)
FX_PATH = (  # GBP/USD
    (date(2024, 1, 2), 1.27), (date(2024, 9, 30), 1.34), (date(2025, 1, 13), 1.22),
    (date(2025, 6, 30), 1.37), (date(2026, 11, 20), 1.33),
)


def make_prices(rng: random.Random) -> tuple[dict[tuple[str, date], Decimal],
                                            dict[date, Decimal]]:
    days = list(weekdays(START, END))
    prices: dict[tuple[str, date], Decimal] = {}
    for symbol, (_, start) in PRICES.items():
        path = BOND_PATH if symbol == "IGLT" else EQUITY_PATH
        for day in days:
            noise = 1 + rng.uniform(-0.004, 0.004)
            value = float(start) * path_value(path, day) * noise
            prices[(symbol, day)] = Decimal(str(value)).quantize(CENT)
    for symbol in SHARED_WITH_US:
        prices = {key: price for key, price in prices.items() if key[0] != symbol}
        prices.update(us_example_prices(symbol, START, END))
    fx = {
        day: Decimal(str(path_value(FX_PATH, day) * (1 + rng.uniform(-0.002, 0.002))))
        .quantize(Decimal("0.0001"))
        for day in days
    }
    return prices, fx


class Journal:
    """Rows written as they are made, with share counts checked as they go."""

    def __init__(self, prices: dict[tuple[str, date], Decimal]) -> None:
        self.prices = prices
        self.rows: list[dict[str, str]] = []
        self.held: dict[tuple[str, str], Decimal] = {}
        self.history: list[tuple[date, str, str, Decimal]] = []  # day, account, symbol, held
        self.count = 0

    def held_on(self, account: str, symbol: str, day: date) -> Decimal:
        """Shares of ``symbol`` in ``account`` at the end of ``day``."""
        found = ZERO
        for when, acct, sym, qty in self.history:
            if when <= day and (acct, sym) == (account, symbol):
                found = qty
        return found

    def note(self, day: date, account: str, symbol: str) -> None:
        self.history.append((day, account, symbol, self.held.get((account, symbol), ZERO)))

    def price(self, symbol: str, day: date) -> Decimal:
        return self.prices[(symbol, day)]

    def add(self, day: date, account: str, action: str, **cells: object) -> None:
        row = {"date": day.isoformat(), "account": account, "action": action}
        row.update({k: str(v) for k, v in cells.items() if v is not None})
        self.rows.append(row)

    def deposit(self, day: date, account: str, amount: Decimal) -> None:
        self.add(day, account, "deposit", amount=amount)

    def buy(self, day: date, account: str, symbol: str, qty: int, fees: str = "",
            memo: str = "", ident: str = "") -> None:
        """A purchase; ``ident`` names a row added to the story later, so that the rows
        after it keep their ids."""
        if not ident:
            self.count += 1
        self.held[(account, symbol)] = self.held.get((account, symbol), ZERO) + qty
        self.note(day, account, symbol)
        self.add(day, account, "buy", symbol=symbol, quantity=qty,
                 price=self.price(symbol, day), fees=fees or None,
                 id=ident or f"B{self.count}", memo=memo or None)

    def sell(self, day: date, account: str, symbol: str, qty: int | None = None,
             fees: str = "", memo: str = "") -> int:
        have = int(self.held.get((account, symbol), ZERO))
        qty = have if qty is None else qty
        if qty > have:
            sys.exit(f"{day} {account}: selling {qty} {symbol} but only {have} held")
        self.count += 1
        self.held[(account, symbol)] = Decimal(have - qty)
        self.note(day, account, symbol)
        self.add(day, account, "sell", symbol=symbol, quantity=qty,
                 price=self.price(symbol, day), fees=fees or None, id=f"S{self.count}",
                 memo=memo or None)
        return qty

    def dividend(self, day: date, account: str, symbol: str, per_share: Decimal,
                 source: str | None = None) -> None:
        qty = self.held.get((account, symbol), ZERO)
        if qty > 0:
            amount = (qty * per_share).quantize(CENT)
            self.add(day, account, "dividend", symbol=symbol, amount=amount,
                     source_country=source)


def story(j: Journal) -> None:
    def whole(amount: str, symbol: str, day: date) -> int:
        return int((Decimal(amount) / j.price(symbol, day)).to_integral_value(ROUND_DOWN))

    d = START
    j.deposit(d, "olivia_gia", Decimal("60000"))
    j.deposit(d, "olivia_isa", Decimal("20000"))
    j.deposit(d, "olivia_sipp", Decimal("30000"))
    j.deposit(d, "james_gia", Decimal("40000"))
    j.deposit(d, "james_isa", Decimal("20000"))
    j.buy(d, "olivia_gia", "VWRL", 200, fees="11.95")
    j.buy(d, "olivia_gia", "ISF", 1500, fees="11.95")
    j.buy(d, "olivia_gia", "IGLT", 800, fees="11.95")
    j.buy(d, "olivia_gia", "VTI", 30, fees="5.00")
    j.buy(d, "olivia_isa", "VWRL", 150)
    j.buy(d, "olivia_sipp", "VTI", 60)
    j.buy(d, "olivia_sipp", "IGLT", 800)
    j.buy(d, "james_gia", "VWRL", 180, fees="11.95")
    j.buy(d, "james_gia", "ISF", 1800, fees="11.95")
    j.buy(d, "james_gia", "IGLT", 600, fees="11.95")
    j.buy(d, "james_isa", "ISF", 1200)
    j.buy(d, "james_isa", "IGLT", 900)

    for day in weekdays(date(2024, 2, 1), END):
        first_of_month = day == next(weekdays(day.replace(day=1), day.replace(day=28)))
        quarter_end = day.month in (3, 6, 9, 12) and day == last_weekday(day)
        if first_of_month:
            j.deposit(day, "olivia_isa", Decimal("1000"))
            j.buy(day, "olivia_isa", "VWRL", whole("1000", "VWRL", day), memo="monthly ISA")
            j.deposit(day, "james_isa", Decimal("800"))
            j.buy(day, "james_isa", "ISF", whole("800", "ISF", day), memo="monthly ISA")
        if quarter_end:
            for account in ("olivia_gia", "olivia_sipp"):
                j.dividend(day, account, "VTI", Decimal("0.95"), source="US")
            for account in ("olivia_gia", "olivia_isa", "james_gia"):
                j.dividend(day, account, "VWRL", Decimal("0.45"))
            for account in ("olivia_gia", "james_gia", "james_isa"):
                j.dividend(day, account, "ISF", Decimal("0.09"))
        for event in EVENTS.get(day, ()):
            event(j, day)


def same_day(j: Journal, day: date) -> None:
    j.sell(day, "olivia_gia", "VWRL", 100, fees="11.95", memo="morning sale")
    j.buy(day, "olivia_gia", "VWRL", 30, fees="11.95", memo="same-day purchase")
    j.sell(day, "olivia_gia", "VWRL", 50, fees="11.95", memo="afternoon sale: one disposal "
           "with the morning's (s.105)")


def gain_after_rate_change(j: Journal, day: date) -> None:
    j.sell(day, "james_gia", "ISF", 900, fees="11.95", memo="after 30 October 2024: 18 % / 24 %")


def buy_vusa(j: Journal, day: date) -> None:
    j.buy(day, "olivia_gia", "VUSA", 150, fees="11.95", memo="bought near the top")


def bed_and_breakfast_sale(j: Journal, day: date) -> None:
    j.sell(day, "olivia_gia", "VUSA", 150, fees="11.95", memo="a loss against the pool, but "
           "bought back in the GIA on 2025-04-10 (across 5 April): matched with that purchase")


def bed_and_isa(j: Journal, day: date) -> None:
    j.sell(day, "olivia_gia", "ISF", 800, fees="11.95", memo="bed and ISA: sold here ...")
    j.deposit(day, "olivia_isa", Decimal("7000"))
    j.buy(day, "olivia_isa", "ISF", 800, memo="... bought in the ISA the same day: not matched")


def bed_and_breakfast_buy(j: Journal, day: date) -> None:
    j.buy(day, "olivia_gia", "VUSA", 150, fees="11.95", memo="13 days after the sale: matched "
          "with it (s.106A)")


def day_31_sale(j: Journal, day: date) -> None:
    j.sell(day, "james_gia", "VWRL", 100, fees="11.95", memo="loss; bought back 31 days later")


def day_31_buy(j: Journal, day: date) -> None:
    j.buy(day, "james_gia", "VWRL", 100, fees="11.95", memo="day 31: goes to the pool, the "
          "loss stands")


def transfer(j: Journal, day: date) -> None:
    j.held[("olivia_gia", "IGLT")] -= 300
    j.held[("james_gia", "IGLT")] = j.held.get(("james_gia", "IGLT"), ZERO) + 300
    j.note(day, "olivia_gia", "IGLT")
    j.note(day, "james_gia", "IGLT")
    j.add(day, "olivia_gia", "transfer", symbol="IGLT", quantity=300, to_account="james_gia",
          memo="gift to spouse: no gain, no loss (s.58), identified like any disposal")


def rebuy_after_transfer(j: Journal, day: date) -> None:
    j.buy(day, "olivia_gia", "IGLT", 100, fees="11.95", memo="14 days after the gift to James: "
          "identified with it first (s.106A(5)), so it sets part of his cost", ident="R1")


def excess_reportable_income(j: Journal, day: date) -> None:
    period_end = date(day.year, 6, 30)
    for account in ("olivia_gia", "james_gia"):
        units = j.held_on(account, "VWRL", period_end)
        if units > 0:
            j.add(day, account, "excess_reportable_income", symbol="VWRL",
                  amount=(units * ERI_PER_UNIT[day]).quantize(CENT),
                  memo=f"VWRL excess reportable income, {ERI_PER_UNIT[day]} a unit on the "
                  f"{units} held on {period_end.isoformat()} (reg. 94)")


def sell_vti(j: Journal, day: date) -> None:
    j.sell(day, "olivia_gia", "VTI", 30, fees="5.00", memo="US dollars: proceeds at this day's "
           "rate, cost at the purchase day's; a fund without UK reporting status: an "
           "offshore income gain")


EVENTS = {
    date(2024, 6, 14): (same_day,),
    date(2025, 2, 18): (buy_vusa,),
    date(2024, 11, 20): (gain_after_rate_change,),
    date(2025, 3, 28): (bed_and_breakfast_sale,),
    date(2025, 3, 31): (bed_and_isa,),
    date(2025, 4, 8): (day_31_sale,),
    date(2025, 4, 10): (bed_and_breakfast_buy,),
    date(2025, 5, 9): (day_31_buy,),
    date(2025, 10, 1): (transfer,),
    date(2025, 10, 15): (rebuy_after_transfer,),
    date(2024, 12, 31): (excess_reportable_income,),
    date(2025, 12, 31): (excess_reportable_income,),
    date(2026, 2, 2): (sell_vti,),
}

COLUMNS = ("date", "account", "action", "symbol", "quantity", "price", "fees", "amount", "lot",
           "to_account", "method", "source_country", "withholding", "id", "memo")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    rng = random.Random(SEED)
    prices, fx = make_prices(rng)
    journal = Journal(prices)
    story(journal)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "household.toml").write_text(HOUSEHOLD_TOML, encoding="utf-8")
    (args.out / "transactions.csv").write_text(render_csv(COLUMNS, journal.rows),
                                              encoding="utf-8")
    price_rows = [{"date": d.isoformat(), "symbol": s, "price": str(p)}
                  for (s, d), p in sorted(prices.items(), key=lambda i: (i[0][1], i[0][0]))]
    (args.out / "prices.csv").write_text(render_csv(("date", "symbol", "price"), price_rows),
                                        encoding="utf-8")
    fx_rows = [{"date": d.isoformat(), "base": "GBP", "quote": "USD", "rate": str(r)}
               for d, r in sorted(fx.items())]
    (args.out / "fx.csv").write_text(render_csv(("date", "base", "quote", "rate"), fx_rows),
                                    encoding="utf-8")
    print(f"wrote {len(journal.rows)} transactions, {len(price_rows)} prices, "
          f"{len(fx_rows)} rates to {args.out}")


if __name__ == "__main__":
    main()
