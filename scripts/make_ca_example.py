"""Write the bundled Canadian example household: household.toml, transactions.csv,
prices.csv and fx.csv.

    python scripts/make_ca_example.py [--out DIR]

The default folder is ``src/lotwise/data/examples/ca``.  Everything is deterministic (a
seeded price walk through fixed anchors and a fixed schedule), so running the script twice
writes identical bytes.  Read it with ``--fx fx.csv`` and today = 2026-11-20.

VTI's prices are not drawn: they are the US example's own rows
(``src/lotwise/data/examples/us/prices.csv``) from 2024-01-02 on, so both examples import
into one store, where prices are shared by symbol across households (docs/store.md).  VTI
trades in New York, so it has no price on 4 July; the Canadian-listed funds do.

The story, 2024-01-02 to 2026-11-20: Claire and Marc Gagnon, spouses resident in Canada.

* Accounts: Claire's non-registered accounts in CAD (``claire_cash``) and in USD
  (``claire_usd``, which holds VTI), her RRSP and TFSA; Marc's non-registered account, TFSA
  and FHSA.  Claire's two non-registered accounts share one adjusted cost base per security.
* Their brokerage's rules, as ``[policy]`` and the accounts state them for ``lotwise
  plan``: whole ETF units only, no trade under C$1,000 (the commission is C$9.99 a trade),
  and US-dollar funds only in the US-dollar account.
* Monthly purchases, paused from March to May 2025 while markets fell; VTI held in the USD
  account, the RRSP and the TFSA, its dividends withheld at 15 %, 0 % (RRSP) and 15 %.
* Superficial loss (a): on 2025-04-07 Claire sells all her VFV at a loss; on 2025-04-22
  Marc's TFSA buys ZSP, another S&P 500 fund (same ``identical_group``), and still holds it
  30 days after: 60 of the 80 units' loss is denied and, being in a TFSA, lost for good.
* Superficial loss (b): on 2025-04-08 Claire sells all her XEF (the holding drops to zero)
  and buys it back in the same account on 2025-04-30: the whole loss is added to the ACB of
  the new units.
* Superficial loss (c): on 2025-04-09 Marc sells 200 XIC at a loss and buys 60 back on
  2025-05-08, day 29: 60/200 of the loss is denied (IT-456R) and added to his ACB.
* A sale at a gain with a commission (an outlay), a sale of VTI in US dollars converted at
  the rates of the purchase and sale dates, a gift of appreciated XIC to a charity
  (s.38(a.1)) and a transfer of XBB from Claire to Marc at ACB (s.73(1)).
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
SEED = 20240102
EXAMPLES = Path(__file__).resolve().parent.parent / "src" / "lotwise" / "data" / "examples"
OUT = EXAMPLES / "ca"
CENT = Decimal("0.01")
ZERO = Decimal(0)
PAUSE = (date(2025, 3, 1), date(2025, 5, 31))  # no scheduled purchases: markets falling

HOUSEHOLD_TOML = """\
# The Gagnon household: the Canadian example that ships with lotwise (docs/regimes.md).
# Written by scripts/make_ca_example.py.  Amounts in CAD unless an account or security says
# otherwise; read the transactions with --fx fx.csv, or `lotwise import fx fx.csv` into a store.
format_version = 1
id = "gagnon"
name = "Claire and Marc Gagnon"
base_currency = "CAD"

[owners.claire]
name = "Claire Gagnon"
spouse = "marc"
tax_residence = "CA"

[owners.marc]
name = "Marc Gagnon"
spouse = "claire"
tax_residence = "CA"

# Their brokerage, like most in Canada, trades ETF units in whole numbers only.
[accounts.claire_cash]
name = "Claire non-registered (CAD)"
owner = "claire"
type = "non_registered"
fractional = false

[accounts.claire_usd]
name = "Claire non-registered (USD)"
owner = "claire"
type = "non_registered"
fractional = false
currency = "USD"
allowed = ["VTI"]             # US-dollar funds only: others would need a currency exchange

[accounts.claire_rrsp]
name = "Claire RRSP"
owner = "claire"
type = "rrsp"
fractional = false

[accounts.claire_tfsa]
name = "Claire TFSA"
owner = "claire"
type = "tfsa"
fractional = false

[accounts.marc_cash]
name = "Marc non-registered"
owner = "marc"
type = "non_registered"
fractional = false

[accounts.marc_tfsa]
name = "Marc TFSA"
owner = "marc"
type = "tfsa"
fractional = false

[accounts.marc_fhsa]
name = "Marc FHSA"
owner = "marc"
type = "fhsa"
fractional = false

# Two S&P 500 funds from different providers share an identical_group: lotwise treats
# them as identical property for the superficial-loss rule, the cautious reading.
[securities.XIC]
name = "iShares Core S&P/TSX Capped Composite Index ETF"
asset_class = "canada"

[securities.VFV]
name = "Vanguard S&P 500 Index ETF"
asset_class = "us"
identical_group = "sp500"

[securities.ZSP]
name = "BMO S&P 500 Index ETF"
asset_class = "us"
identical_group = "sp500"

[securities.VTI]
name = "Vanguard Total Stock Market ETF"
asset_class = "us"
currency = "USD"

[securities.XEF]
name = "iShares Core MSCI EAFE IMI Index ETF"
asset_class = "intl"

[securities.XBB]
name = "iShares Core Canadian Universe Bond Index ETF"
asset_class = "bonds"

[targets]
bonds = 0.2

[targets.equity]
weight = 0.8
canada = 0.35
us = 0.45
intl = 0.2

# Their brokerage charges C$9.99 a trade (US$4.95 in the US-dollar account): the plan
# makes no trade under C$1,000, where that would be 1 % or more.
[policy]
min_trade = 1000

# Canadian tax settings (docs/regimes.md): net capital losses carried into 2024 (the
# allowable half, as on the notice of assessment) and the combined marginal rates.
[tax.ca.claire]
net_capital_losses = 1500
marginal_rate = 0.4341

[tax.ca.marc]
marginal_rate = 0.2965
"""

# symbol -> (currency, start price); the walks follow EQUITY_PATH or BOND_PATH.  VTI keeps
# its place (and its draws of the seeded generator, unused) so that the series drawn after
# it are the same whether its prices are drawn or read from the US example.
PRICES: dict[str, tuple[str, Decimal]] = {
    "XIC": ("CAD", Decimal("33.50")),
    "VFV": ("CAD", Decimal("110.00")),
    "ZSP": ("CAD", Decimal("68.00")),
    "VTI": ("USD", Decimal("237.00")),  # drawn, then replaced by the US example's rows
    "XEF": ("CAD", Decimal("33.00")),
    "XBB": ("CAD", Decimal("28.40")),
}
SHARED_WITH_US = ("VTI",)  # priced by the US example's prices.csv
EQUITY_PATH = (
    (date(2024, 1, 2), 1.00), (date(2024, 7, 15), 1.10), (date(2024, 12, 31), 1.18),
    (date(2025, 2, 19), 1.22), (date(2025, 4, 8), 0.96), (date(2025, 5, 8), 1.05),
    (date(2025, 8, 29), 1.24), (date(2026, 3, 10), 1.20), (date(2026, 11, 20), 1.38),
)
BOND_PATH = (
    (date(2024, 1, 2), 1.00), (date(2024, 9, 30), 1.04), (date(2025, 4, 8), 1.02),
    (date(2026, 11, 20), 1.05),
)
FX_PATH = (  # USD/CAD
    (date(2024, 1, 2), 1.33), (date(2024, 12, 31), 1.44), (date(2025, 4, 8), 1.42),
    (date(2025, 9, 30), 1.39), (date(2026, 11, 20), 1.37),
)


def make_prices(rng: random.Random) -> tuple[dict[tuple[str, date], Decimal],
                                            dict[date, Decimal]]:
    days = list(weekdays(START, END))
    prices: dict[tuple[str, date], Decimal] = {}
    for symbol, (_, start) in PRICES.items():
        path = BOND_PATH if symbol == "XBB" else EQUITY_PATH
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
        self.count = 0

    def price(self, symbol: str, day: date) -> Decimal:
        return self.prices[(symbol, day)]

    def add(self, day: date, account: str, action: str, **cells: object) -> None:
        row = {"date": day.isoformat(), "account": account, "action": action}
        row.update({k: str(v) for k, v in cells.items() if v is not None})
        self.rows.append(row)

    def deposit(self, day: date, account: str, amount: Decimal) -> None:
        self.add(day, account, "deposit", amount=amount)

    def buy(self, day: date, account: str, symbol: str, qty: int, fees: str = "",
            memo: str = "") -> None:
        self.count += 1
        self.held[(account, symbol)] = self.held.get((account, symbol), ZERO) + qty
        self.add(day, account, "buy", symbol=symbol, quantity=qty,
                 price=self.price(symbol, day), fees=fees or None, id=f"B{self.count}",
                 memo=memo or None)

    def sell(self, day: date, account: str, symbol: str, qty: int | None = None,
             fees: str = "", memo: str = "") -> int:
        have = int(self.held.get((account, symbol), ZERO))
        qty = have if qty is None else qty
        if qty > have:
            sys.exit(f"{day} {account}: selling {qty} {symbol} but only {have} held")
        self.count += 1
        self.held[(account, symbol)] = Decimal(have - qty)
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
    j.deposit(d, "claire_cash", Decimal("60000"))
    j.deposit(d, "claire_usd", Decimal("15000"))
    j.deposit(d, "claire_rrsp", Decimal("45000"))
    j.deposit(d, "claire_tfsa", Decimal("20000"))
    j.deposit(d, "marc_cash", Decimal("30000"))
    j.deposit(d, "marc_tfsa", Decimal("15000"))
    j.deposit(d, "marc_fhsa", Decimal("8000"))
    j.buy(d, "claire_cash", "XIC", whole("20000", "XIC", d), fees="9.99")
    j.buy(d, "claire_cash", "VFV", 80, fees="9.99")
    j.buy(d, "claire_cash", "XEF", 120, fees="9.99")
    j.buy(d, "claire_cash", "XBB", 300, fees="9.99")
    j.buy(d, "claire_usd", "VTI", 50, fees="4.95")
    j.buy(d, "claire_rrsp", "VTI", 100)
    j.buy(d, "claire_rrsp", "XBB", 400)
    j.buy(d, "claire_tfsa", "VTI", 40)
    j.buy(d, "claire_tfsa", "XEF", 200)
    j.buy(d, "marc_cash", "XIC", 500, fees="9.99")
    j.buy(d, "marc_cash", "XBB", 200, fees="9.99")
    j.buy(d, "marc_tfsa", "XEF", 150)
    j.buy(d, "marc_tfsa", "XBB", 200)
    j.buy(d, "marc_fhsa", "XIC", 200)

    for day in weekdays(date(2024, 2, 1), END):
        first_of_month = day == next(weekdays(day.replace(day=1), day.replace(day=28)))
        quarter_end = day.month in (3, 6, 9, 12) and day == last_weekday(day)
        if first_of_month and not PAUSE[0] <= day <= PAUSE[1]:
            j.deposit(day, "claire_cash", Decimal("1500"))
            j.buy(day, "claire_cash", "XIC", whole("1000", "XIC", day), fees="9.99",
                  memo="monthly purchase")
            j.deposit(day, "marc_cash", Decimal("600"))
            j.buy(day, "marc_cash", "XBB", whole("500", "XBB", day), fees="9.99",
                  memo="monthly purchase")
        if quarter_end:
            j.dividend(day, "claire_cash", "XIC", Decimal("0.26"))
            j.dividend(day, "marc_cash", "XIC", Decimal("0.26"))
            for account in ("claire_usd", "claire_rrsp", "claire_tfsa"):
                j.dividend(day, account, "VTI", Decimal("0.95"), source="US")
            for account in ("claire_cash", "claire_rrsp", "marc_cash", "marc_tfsa"):
                j.dividend(day, account, "XBB", Decimal("0.22"))
        # the story's own events on their days
        for event in EVENTS.get(day, ()):
            event(j, day)


def sell_gain(j: Journal, day: date) -> None:
    j.sell(day, "claire_cash", "XIC", 50, fees="9.99", memo="sale at a gain; the commission "
           "is an outlay")


def superficial_a(j: Journal, day: date) -> None:
    j.sell(day, "claire_cash", "VFV", memo="tax-loss sale; Marc's TFSA buys ZSP on 2025-04-22")


def superficial_b(j: Journal, day: date) -> None:
    j.sell(day, "claire_cash", "XEF", memo="sells every XEF unit at a loss; rebought "
           "2025-04-30")


def superficial_c(j: Journal, day: date) -> None:
    j.sell(day, "marc_cash", "XIC", 200, fees="9.99", memo="loss; 60 bought back on day 29")


def marc_tfsa_buys_zsp(j: Journal, day: date) -> None:
    j.deposit(day, "marc_tfsa", Decimal("4500"))
    j.buy(day, "marc_tfsa", "ZSP", 60, memo="identical to VFV: makes Claire's loss superficial")


def claire_rebuys_xef(j: Journal, day: date) -> None:
    j.buy(day, "claire_cash", "XEF", 120, fees="9.99", memo="back in 22 days after the sale")


def marc_rebuys_xic(j: Journal, day: date) -> None:
    j.buy(day, "marc_cash", "XIC", 60, fees="9.99", memo="day 29 after the loss sale")


def donate(j: Journal, day: date) -> None:
    j.count += 1
    j.held[("claire_cash", "XIC")] -= 40
    j.add(day, "claire_cash", "donate", symbol="XIC", quantity=40,
          price=j.price("XIC", day), id=f"D{j.count}",
          memo="gift of listed shares to a registered charity (s.38(a.1))")


def transfer(j: Journal, day: date) -> None:
    j.held[("claire_cash", "XBB")] -= 100
    j.held[("marc_cash", "XBB")] = j.held.get(("marc_cash", "XBB"), ZERO) + 100
    j.add(day, "claire_cash", "transfer", symbol="XBB", quantity=100, to_account="marc_cash",
          memo="gift to spouse: rolls over at ACB (s.73(1))")


def sell_vti(j: Journal, day: date) -> None:
    j.sell(day, "claire_usd", "VTI", 20, fees="4.95", memo="US dollars: proceeds at this "
           "day's rate, cost at the purchase day's")


EVENTS = {
    date(2024, 11, 15): (sell_gain,),
    date(2025, 4, 7): (superficial_a,),
    date(2025, 4, 8): (superficial_b,),
    date(2025, 4, 9): (superficial_c,),
    date(2025, 4, 22): (marc_tfsa_buys_zsp,),
    date(2025, 4, 30): (claire_rebuys_xef,),
    date(2025, 5, 8): (marc_rebuys_xic,),
    date(2025, 12, 10): (donate,),
    date(2026, 3, 2): (transfer,),
    date(2026, 6, 15): (sell_vti,),
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
    fx_rows = [{"date": d.isoformat(), "base": "USD", "quote": "CAD", "rate": str(r)}
               for d, r in sorted(fx.items())]
    (args.out / "fx.csv").write_text(render_csv(("date", "base", "quote", "rate"), fx_rows),
                                    encoding="utf-8")
    print(f"wrote {len(journal.rows)} transactions, {len(price_rows)} prices, "
          f"{len(fx_rows)} rates to {args.out}")


if __name__ == "__main__":
    main()
