"""Planner benchmark with per-trade commissions: how long HiGHS takes on the mixed-integer
model, and whether it proves the plan optimal.

A commission (or a minimum trade size) gives every (account, security) a binary "is it
traded" variable, so the plan's model becomes a mixed-integer programme.  This script plans
the bundled US example (``lotwise.io.example_dir("us")``, 268 lots, 53 purchase options)
with a commission added to its ``[policy]``, on 2026-11-20, under several requests, and
prints for each:

* ``plan s`` — wall time of :func:`lotwise.plan.propose` (model, every solve, rounding);
* ``solves`` and ``HiGHS s`` — how many models were solved and the time inside HiGHS;
* ``status``, ``gap`` — the last solve's model status and relative MIP gap (HiGHS's own
  figures, read after each run);
* ``objective`` — the last solve's objective (dollars of tax, trading cost and drift);
* ``trades`` — the plan's trade count.

    .venv/bin/python benchmarks/bench_plan_commission.py
    .venv/bin/python benchmarks/bench_plan_commission.py --commission 9.99 --repeat 3

It reads HiGHS's figures by wrapping ``highspy.Highs.run``, so it runs unchanged against an
older ``lotwise.plan.optimizer`` (put that revision's ``src`` first on ``PYTHONPATH``) to
measure a before and after on the same machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from importlib.metadata import version
from typing import Any

import highspy

from lotwise.io import example_dir, load_household, read_prices, read_transactions
from lotwise.ledger import replay
from lotwise.model import Household
from lotwise.model.prices import PriceTable
from lotwise.plan import CashFlow, propose
from lotwise.plan.options import options_from_policy

TODAY = date(2026, 11, 20)
SCENARIOS: dict[str, dict[str, Any]] = {
    "band": {},
    "review": {"review": True},
    "target": {"rebalance_to": "target"},
    "target + contribution": {"rebalance_to": "target",
                              "flows": (CashFlow("alex_taxable", Decimal(10000)),)},
    "target + withdrawal": {"rebalance_to": "target",
                            "flows": (CashFlow("alex_ira", Decimal(-5000)),)},
}


@dataclass
class Run:
    seconds: float
    status: str
    gap: float
    objective: float


RUNS: list[Run] = []
_original_run = highspy.Highs.run


def _timed_run(self: highspy.Highs) -> object:
    start = time.perf_counter()
    result = _original_run(self)
    seconds = time.perf_counter() - start
    info = self.getInfo()
    mip = info.mip_node_count >= 0
    RUNS.append(Run(seconds, self.modelStatusToString(self.getModelStatus()),
                    float(info.mip_gap) if mip else 0.0,
                    float(info.objective_function_value)))
    return result


highspy.Highs.run = _timed_run  # type: ignore[method-assign]


def with_commission(household: Household, commission: str) -> Household:
    extra = dict(household.policy.extra)
    extra["commission"] = commission
    return replace(household, policy=replace(household.policy, extra=extra))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commission", default="4.95", help="dollars per trade (4.95)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per scenario; the "
                        "fastest is shown (HiGHS is deterministic, the machine is not)")
    args = parser.parse_args()
    folder = example_dir("us")
    household = with_commission(load_household(folder / "household.toml"), args.commission)
    transactions = read_transactions(folder / "transactions.csv", household, today=TODAY)
    prices = PriceTable(read_prices(folder / "prices.csv", today=TODAY))
    book = replay(household, transactions, as_of=TODAY)
    print(f"Python {platform.python_version()}, highspy {version('highspy')}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print(f"US example, commission {args.commission} a trade, as of {TODAY}")
    print(f"{'scenario':<24}{'plan s':>8}{'solves':>8}{'HiGHS s':>9}  {'status':<20}"
          f"{'gap':>9}{'objective':>12}{'trades':>8}")
    for name, overrides in SCENARIOS.items():
        options = options_from_policy(household, **overrides)
        best: tuple[float, list[Run], int] | None = None
        for _ in range(args.repeat):
            RUNS.clear()
            start = time.perf_counter()
            proposal = propose(household, transactions, book, prices, TODAY, options)
            seconds = time.perf_counter() - start
            if best is None or seconds < best[0]:
                best = (seconds, list(RUNS), len(proposal.trades))
        assert best is not None
        seconds, runs, trades = best
        last = runs[-1]
        print(f"{name:<24}{seconds:>8.2f}{len(runs):>8}{sum(r.seconds for r in runs):>9.2f}  "
              f"{last.status:<20}{last.gap:>9.4%}{last.objective:>12.4f}{trades:>8}")


if __name__ == "__main__":
    main()
