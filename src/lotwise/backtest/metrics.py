"""Figures of a run, and of a run against the benchmark strategy.

Returns are time-weighted (chained daily by the engine, so contributions and withdrawals do
not count as return) and annualised over the calendar span: ``growth ** (1 / years) - 1``.

* **pre-tax return**: taxes treated as money taken out of the portfolio (not a loss).
* **after-tax return**: taxes charged, including the tax still due at the end.
* **after-tax return, liquidated**: also charging the tax of selling everything on the last
  day (and the IRA withdrawal tax).  The difference between the two is the tax deferred.
* **tax alpha** (Parametric's definition): after-tax excess return minus pre-tax excess
  return, both against the benchmark strategy::

      tax alpha = (R_at - R_at,bench) - (R_pre - R_pre,bench)

  i.e. how much more of its pre-tax return the strategy keeps than the benchmark does.  It
  is given without and with final liquidation.
* **harvesting yield** (Wealthfront's definition): losses realized each day divided by the
  portfolio value that day, summed and annualised (Wealthfront averages the daily ratios
  and multiplies by 252 trading days, which is the same); ``yield_by_year`` divides each
  year's realized losses by the portfolio value at the start of the year.
* **tracking error**: annualised standard deviation of the daily pre-tax return less the
  target's return (the target weights of the day before, each class earning the total return
  of its first security).
* **drift**: half the sum over classes (cash included, with target 0) of
  ``|weight - target|``, the share of the portfolio that is misplaced; mean and maximum over
  the recorded days.
* **turnover**: each year the smaller of purchases and sales over the mean of the year's
  start and end values; the mean over years.

Example: growth 2.0 over 10 years is 7.18 % a year; a strategy with pre-tax 7.0 % and
after-tax 6.5 % against a benchmark with 7.1 % and 6.2 % has a tax alpha of
(6.5 - 6.2) - (7.0 - 7.1) = 0.4 % a year.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from lotwise.backtest.engine import RunResult


def annualize(growth: float, years: float) -> float:
    if years <= 0 or growth <= 0:
        return float("nan")
    return float(growth ** (1.0 / years) - 1.0)


@dataclass(frozen=True, slots=True)
class Metrics:
    strategy: str
    label: str
    years: float
    pre_tax: float
    after_tax: float
    after_tax_liquidated: float
    target_return: float
    tax_alpha: float | None
    tax_alpha_liquidated: float | None
    harvesting_yield: float
    losses: float
    gains: float
    taxes: float
    tracking_error: float
    mean_drift: float
    max_drift: float
    turnover: float
    trades: int
    wash_sales: int
    final_value: float
    tax_due_at_end: float
    liquidation_tax: float
    ledger_consistent: bool

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__slots__}


def metrics(result: RunResult, label: str, benchmark: RunResult | None = None) -> Metrics:
    years = result.years_elapsed
    pre = annualize(result.pre_tax_growth, years)
    after = annualize(result.after_tax_growth, years)
    liq = annualize(result.after_tax_liquidated_growth, years)
    alpha = alpha_liq = None
    if benchmark is not None:
        b_pre = annualize(benchmark.pre_tax_growth, years)
        b_after = annualize(benchmark.after_tax_growth, years)
        b_liq = annualize(benchmark.after_tax_liquidated_growth, years)
        alpha = (after - b_after) - (pre - b_pre)
        alpha_liq = (liq - b_liq) - (pre - b_pre)
    excess = result.excess_returns
    te = (statistics.pstdev(excess) * math.sqrt(result.steps_per_year)
          if len(excess) > 1 else 0.0)
    drifts = [p.drift for p in result.points]
    turnovers = []
    for y in result.years:
        base = (y.start_value + y.end_value) / 2
        if base > 0:
            turnovers.append(min(y.bought, y.sold) / base)
    taxes = sum(float(y.tax.tax) for y in result.years if y.tax is not None)
    return Metrics(
        strategy=result.strategy,
        label=label,
        years=years,
        pre_tax=pre,
        after_tax=after,
        after_tax_liquidated=liq,
        target_return=annualize(result.benchmark_growth, years),
        tax_alpha=alpha,
        tax_alpha_liquidated=alpha_liq,
        harvesting_yield=result.harvest_yield_sum / years if years > 0 else 0.0,
        losses=sum(y.losses for y in result.years),
        gains=sum(y.gains for y in result.years),
        taxes=taxes,
        tracking_error=te,
        mean_drift=statistics.fmean(drifts) if drifts else 0.0,
        max_drift=max(drifts, default=0.0),
        turnover=statistics.fmean(turnovers) if turnovers else 0.0,
        trades=result.trades,
        wash_sales=result.wash_sales,
        final_value=result.final_value,
        tax_due_at_end=result.tax_due_at_end,
        liquidation_tax=result.liquidation_tax,
        ledger_consistent=result.ledger_consistent,
    )


def yield_by_year(result: RunResult) -> dict[int, float]:
    """Realized losses of each year over the portfolio value at its start."""
    return {y.year: (y.losses / y.start_value if y.start_value > 0 else 0.0)
            for y in result.years}
