"""Backtest speed: the two runs the issue sets targets for, on the real shared data.

* three-fund portfolio, 20 years daily (2000-01-03 to 2019-12-31), baseline harvester:
  target under 10 s;
* direct indexing on the S&P 500 stock set, 20 years daily (same span), baseline harvester:
  target under 5 minutes.

Each run uses the example config (examples/backtests/) with its period cut to 20 years and
only the named strategy.  Printed per run: trading days, positions at the end, trades,
ledger transactions, seconds to load the data, seconds to simulate (the engine, including
the final replay of the whole journal), and microseconds per trading day.

Usage (from the repository root, with ../shared/data present)::

    python benchmarks/bench_backtest.py
    python benchmarks/bench_backtest.py --only three_fund --strategy buy_and_hold
    python benchmarks/bench_backtest.py --data /path/to/shared/data --repeat 3
"""

from __future__ import annotations

import argparse
import dataclasses
import platform
import sys
import time
from datetime import date
from pathlib import Path

from lotwise.backtest.config import load_config
from lotwise.backtest.engine import run
from lotwise.backtest.runner import prepare
from lotwise.backtest.strategies import make_strategy

ROOT = Path(__file__).resolve().parents[1]
RUNS = {
    "three_fund": ("three_fund.toml", 10.0),
    "direct_indexing": ("direct_indexing.toml", 300.0),
}


def measure(name: str, args: argparse.Namespace) -> dict[str, object]:
    file, target = RUNS[name]
    cfg = load_config(ROOT / "examples" / "backtests" / file)
    cfg = dataclasses.replace(cfg, start=date(2000, 1, 3), end=date(2019, 12, 31))
    spec = next(s for s in cfg.strategies if s.name == args.strategy)
    started = time.perf_counter()
    setup, _ = prepare(cfg, args.data)
    load = time.perf_counter() - started
    best = float("inf")
    result = None
    for _ in range(args.repeat):
        strategy = make_strategy(spec.kind, dict(spec.params))
        started = time.perf_counter()
        result = run(setup, strategy)
        best = min(best, time.perf_counter() - started)
    assert result is not None
    cal = setup.market.calendar
    days = sum(1 for d in cal if result.start <= d <= result.end)
    return {
        "run": name, "strategy": args.strategy, "start": result.start, "end": result.end,
        "days": days, "symbols": len(setup.universe.symbols), "trades": result.trades,
        "transactions": result.transactions, "wash_sales": result.wash_sales,
        "load_s": load, "run_s": best, "us_per_day": best / days * 1e6, "target_s": target,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(RUNS), action="append")
    parser.add_argument("--strategy", default="baseline_harvest")
    parser.add_argument("--data", default=None, help="shared data folder (../shared/data)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per case; best is kept")
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    header = (f"{'run':<16} {'strategy':<17} {'period':<23} {'days':>5} {'symbols':>7} "
              f"{'trades':>7} {'txns':>7} {'wash':>4} {'load s':>7} {'run s':>7} "
              f"{'us/day':>7} {'target s':>8}")
    print(header)
    for name in args.only or list(RUNS):
        r = measure(name, args)
        print(f"{r['run']:<16} {r['strategy']:<17} {r['start']} {r['end']} {r['days']:>5} "
              f"{r['symbols']:>7} {r['trades']:>7} {r['transactions']:>7} "
              f"{r['wash_sales']:>4} {r['load_s']:>7.2f} {r['run_s']:>7.2f} "
              f"{r['us_per_day']:>7.0f} {r['target_s']:>8.0f}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
