"""A seeded Monte Carlo universe in the setup of Arnott, Berkin and Ye (2001).

Arnott, Berkin and Ye, "Loss Harvesting: What's It Worth to the Taxable Investor?",
Journal of Wealth Management 3(4), Spring 2001: 500 assets, 25 years of monthly returns, a
35 % tax rate, losses harvested monthly; they report about 0.8 % a year of after-tax excess
return, net of the taxes due on liquidating at the end.

Returns follow a one-factor model, drawn from one ``random.Random(seed)``::

    month t, asset i:  log(1 + r_it) = log(1 + mu) / 12 - (s_m^2 + s_e^2) / 24
                                       + s_m / sqrt(12) * z_t + s_e / sqrt(12) * e_it

with ``z_t`` and ``e_it`` independent standard normals: every asset has the same expected
return ``mu`` (8 % a year by default, the "modest 8 percent" of the paper), the market
factor has volatility ``s_m`` (16 %) and each asset its own residual volatility ``s_e``
(25 %, so a single asset's volatility is about 30 %, that of a typical stock).  Prices start
at 100.  A dividend yield can be added (paid monthly, ``yield / 12`` of the price; 0 by
default, as returns are then all capital gains like the paper's).

Dates are the last weekday of each month from ``start`` on: 25 years are 301 dates (the
purchase date and 300 month ends).  The same arguments always give the same market.

Example::

    >>> m = generate_market(n_assets=3, years=1, seed=1)
    >>> len(m.calendar), len(m.symbols)
    (13, 3)
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from lotwise.backtest.data import Market, Series


@dataclass(frozen=True, slots=True)
class MonteCarloParams:
    n_assets: int = 500
    years: int = 25
    expected_return: float = 0.08
    market_vol: float = 0.16
    residual_vol: float = 0.25
    dividend_yield: float = 0.0
    start: date = date(2000, 1, 31)
    seed: int = 1


def month_ends(start: date, count: int) -> list[date]:
    """``count`` dates: the last weekday of ``start``'s month and of each month after."""
    out: list[date] = []
    year, month = start.year, start.month
    for _ in range(count):
        nxt = date(year + (month == 12), month % 12 + 1, 1)
        day = nxt - timedelta(days=1)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        out.append(day)
        year, month = nxt.year, nxt.month
    return out


def generate_market(
    n_assets: int = 500,
    years: int = 25,
    *,
    expected_return: float = 0.08,
    market_vol: float = 0.16,
    residual_vol: float = 0.25,
    dividend_yield: float = 0.0,
    start: date = date(2000, 1, 31),
    seed: int = 1,
) -> Market:
    """The Monte Carlo market; see the module docstring."""
    rng = random.Random(seed)
    months = years * 12
    dates = month_ends(start, months + 1)
    # expected_return is each asset's expected simple annual return: E[exp(X)] = exp(m + v / 2)
    drift = math.log1p(expected_return) / 12 - (market_vol**2 + residual_vol**2) / 24
    s_m = market_vol / math.sqrt(12)
    s_e = residual_vol / math.sqrt(12)
    width = len(str(n_assets))
    symbols = [f"A{i + 1:0{width}d}" for i in range(n_assets)]
    prices = [[100.0] for _ in symbols]
    dividends: list[dict[date, float]] = [{} for _ in symbols]
    monthly_yield = dividend_yield / 12
    for t in range(1, months + 1):
        z = rng.gauss(0.0, 1.0)
        common = drift + s_m * z
        for i in range(n_assets):
            total = math.exp(common + s_e * rng.gauss(0.0, 1.0))
            prev = prices[i][-1]
            if monthly_yield:
                # total return = price return + yield: the price falls by the payout
                payout = prev * total * monthly_yield
                prices[i].append(prev * total - payout)
                dividends[i][dates[t]] = payout
            else:
                prices[i].append(prev * total)
    series = {
        sym: Series(sym, tuple(dates), tuple(prices[i]), None, dividends[i], {},
                    f"montecarlo:{seed}")
        for i, sym in enumerate(symbols)
    }
    return Market(series, dates)
