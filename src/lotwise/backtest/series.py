"""Series derived from a backtest for the plots and the HTML report.

The deferral view answers the standard critique of harvesting (that most of its benefit is
tax deferred, not tax saved: a harvested loss lowers the basis, so the tax comes back when
the replacement is sold).  For each strategy against the benchmark, on each recorded day:

* value gained: the strategy's portfolio value minus the benchmark's (less the taxes paid
  from outside, when they are), what a statement would show;
* extra tax deferred: ``rate x`` (the strategy's unrealized gain minus the benchmark's), the
  extra tax a sale of everything that day would bring, at the long-term rate ``rate``
  (the flat long-term rate, or the household's marginal long-term rate from
  :func:`lotwise.tax.marginal_rates` under US tax);
* gained after liquidation: the difference of the two, what the strategy has really added
  if everything were sold that day.

Only strategies that made harvest trades (a trade ``reason`` containing "harvest") are
shown, or every strategy when none did.  Example: a harvester $50,000 ahead of buy and hold
whose unrealized gains are $120,000 larger at a 23.8 % rate has deferred $28,560 of tax and
is $21,440 ahead after liquidation.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from lotwise.backtest.engine import Point
from lotwise.backtest.taxes import USTax
from lotwise.model.numbers import ZERO
from lotwise.tax.marginal import marginal_rates

if TYPE_CHECKING:
    from lotwise.backtest.runner import Backtest

COLORS = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3",
          "#8c8c8c", "#ccb974", "#64b5cd")


def year_table(bt: Backtest) -> tuple[list[int], dict[str, dict[int, float]],
                                      dict[str, dict[int, float]]]:
    """Years, then tax and realized losses per strategy name and year."""
    years = sorted({y.year for r in bt.runs for y in r.result.years})
    taxes = {r.spec.name: {y.year: float(y.tax.tax) if y.tax else 0.0 for y in r.result.years}
             for r in bt.runs}
    losses = {r.spec.name: {y.year: y.losses for y in r.result.years} for r in bt.runs}
    return years, taxes, losses


def deferral_rate(bt: Backtest) -> float:
    """The long-term rate the deferred gains are valued at."""
    spec = bt.setup.tax
    if spec.mode != "us":
        return float(spec.long_rate)
    year = bt.setup.end.year
    pos = USTax(spec).position(year, ZERO, ZERO, ZERO, ZERO, (ZERO, ZERO))
    return float(marginal_rates(pos, Decimal(1000)).long_gain)


def deferral_series(
    bt: Backtest,
) -> list[tuple[str, list[date], list[float], list[float], list[float]]]:
    """For each strategy other than the benchmark: (label, days, value gained, extra tax
    deferred, gained after liquidation)."""
    try:
        bench = bt.run_named(bt.config.benchmark).result
    except KeyError:
        return []
    rate = deferral_rate(bt)
    outside = bt.setup.tax.pay_from == "outside"

    def worth(p: Point) -> float:
        return p.value - p.cum_tax if outside else p.value

    out = []
    for r in bt.runs:
        if r.spec.name == bt.config.benchmark:
            continue
        pts = r.result.points
        n = min(len(pts), len(bench.points))
        days = [pts[i].day for i in range(n)]
        gained = [worth(pts[i]) - worth(bench.points[i]) for i in range(n)]
        deferred = [rate * (pts[i].unrealized - bench.points[i].unrealized) for i in range(n)]
        net = [g - d for g, d in zip(gained, deferred, strict=True)]
        harvests = any(y.harvest_trades for y in r.result.years)
        out.append((harvests, r.label, days, gained, deferred, net))
    shown = [row for row in out if row[0]] or out
    return [(label, days, gained, deferred, net) for _, label, days, gained, deferred, net in shown]
