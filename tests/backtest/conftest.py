"""Helpers for backtest tests: tiny synthetic markets with known answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from lotwise.backtest.data import Market, Series
from lotwise.backtest.engine import Costs, Flow, Setup
from lotwise.backtest.taxes import TaxSpec
from lotwise.backtest.universe import AssetClass, SecuritySpec, Universe, build_household

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: reads the real shared data files")


def business_days(start: date, n: int) -> list[date]:
    days: list[date] = []
    day = start
    while len(days) < n:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def market(prices: Mapping[str, Sequence[float]], start: date = date(2021, 1, 4),
           dividends: Mapping[str, Mapping[int, float]] | None = None) -> Market:
    """A market on business days from ``start``; ``dividends[sym][k]`` is paid on day k."""
    n = max(len(p) for p in prices.values())
    days = business_days(start, n)
    series = {}
    for sym, closes in prices.items():
        divs = {days[k]: v for k, v in (dividends or {}).get(sym, {}).items()}
        series[sym] = Series(sym, tuple(days[: len(closes)]), tuple(closes), None, divs)
    return Market(series, days)


def setup_for(
    mkt: Market,
    classes: Sequence[tuple[str, float, tuple[str, ...]]],
    groups: Mapping[str, str] | None = None,
    *,
    cash: float = 10_000,
    tax: TaxSpec | None = None,
    flows: Sequence[Flow] = (),
    costs: Costs | None = None,
    target: str = "fixed",
    dividends: str = "cash",
    step: str = "daily",
    record: str | None = "daily",
    ira: float | None = None,
    qualified: Mapping[str, bool] | None = None,
) -> Setup:
    syms = [s for _, _, ss in classes for s in ss]
    universe = Universe(
        "test",
        tuple(AssetClass(n, w, ss) for n, w, ss in classes),
        {s: SecuritySpec(s, (groups or {}).get(s, s), (qualified or {}).get(s, True))
         for s in syms},
        target=target,
    )
    initial = {"taxable": Decimal(repr(cash))}
    if ira is not None:
        initial["ira"] = Decimal(repr(ira))
    household = build_household(universe, ira=ira is not None)
    return Setup(
        market=mkt, universe=universe, household=household, start=mkt.calendar[0],
        end=mkt.calendar[-1], initial=initial, step=step, record=record, flows=tuple(flows),
        costs=costs or Costs(), dividends=dividends,
        tax=tax or TaxSpec(mode="flat", losses="refund"),
    )
