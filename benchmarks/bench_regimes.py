"""Replay speed under the Canadian and UK regimes, against the US ledger on the same journal.

One journal per size from :func:`lotwise.testing.generate` (two spouses and a family trust,
10 accounts, 500 funds in identical groups, buys, sells, dividend reinvestments, cash rows,
splits, planted wash sales).  The same household is then moved to another country:

* ``us``: as generated (taxable, traditional, Roth, HSA accounts; the US ledger);
* ``ca``: every owner resident in Canada, accounts non-registered / RRSP / TFSA / FHSA,
  amounts in CAD: adjusted cost base pooled per person, superficial losses;
* ``uk``: every owner resident in the UK, accounts GIA / SIPP / ISA / ISA, amounts in
  GBP: same-day, 30-day and section 104 matching.

The Canadian and UK ledgers pool shares, so the rows' specific-lot instructions (``lot``,
``method``) are dropped for all three regimes; the US ledger then relieves lots by each
account's own method (FIFO).  Each (regime, size) runs in a fresh Python process (peak
memory is that run's own); generation is timed but is not replay time; the replay runs
``--repeat`` times and the fastest is reported.  No timing is asserted anywhere.

Usage::

    python benchmarks/bench_regimes.py                         # 1M rows, us/ca/uk, seed 1
    python benchmarks/bench_regimes.py --sizes 100000 1000000 --repeat 3
    python benchmarks/bench_regimes.py --regimes ca --sizes 200000 --profile 25
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import platform
import pstats
import resource
import sys
import time
from dataclasses import replace
from typing import Any

from child import run_in_child

from lotwise.ledger import replay
from lotwise.model import AccountType, Household, Transaction
from lotwise.testing import generate

DEFAULT_SIZES = (1_000_000,)
REGIMES = ("us", "ca", "uk")
_TYPES = {
    "ca": {
        AccountType.TAXABLE: AccountType.NON_REGISTERED,
        AccountType.TRADITIONAL: AccountType.RRSP,
        AccountType.ROTH: AccountType.TFSA,
        AccountType.HSA: AccountType.FHSA,
    },
    "uk": {
        AccountType.TAXABLE: AccountType.GIA,
        AccountType.TRADITIONAL: AccountType.SIPP,
        AccountType.ROTH: AccountType.ISA,
        AccountType.HSA: AccountType.ISA,
    },
}
_CURRENCY = {"ca": "CAD", "uk": "GBP"}


def move(household: Household, regime: str) -> Household:
    """The same household with every owner resident in ``regime`` and its accounts turned
    into that country's wrappers; all amounts in that country's currency."""
    if regime == "us":
        return household
    types, currency = _TYPES[regime], _CURRENCY[regime]
    return replace(
        household,
        base_currency=currency,
        owners={k: replace(o, tax_residence=regime.upper()) for k, o in household.owners.items()},
        accounts={
            k: replace(a, type=types[a.type], currency=currency, jurisdiction="")
            for k, a in household.accounts.items()
        },
        securities={k: replace(s, currency=currency) for k, s in household.securities.items()},
    )


def pooled(transactions: list[Transaction]) -> list[Transaction]:
    """The journal without lot instructions (pooled regimes choose no lots)."""
    return [replace(t, lots=(), method=None) if t.lots or t.method else t for t in transactions]


def measure(args: argparse.Namespace, regime: str, size: int) -> dict[str, Any]:
    started = time.perf_counter()
    household, txns = generate(size, seed=args.seed, n_accounts=args.accounts,
                               n_symbols=args.symbols, years=args.years)
    household, txns = move(household, regime), pooled(txns)
    generation = time.perf_counter() - started
    gc.collect()
    timings = []
    cpu = []
    book = None
    for _ in range(args.repeat):
        book = None
        started, started_cpu = time.perf_counter(), time.process_time()
        book = replay(household, txns)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    assert book is not None
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        replay(household, txns)
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(args.profile)
    disposals = sum(1 for d in book.disposals if d.reportable)
    if regime == "uk":
        events, label = len(book.uk_disposals), "UK disposals (person, share, day)"
        rule = sum(1 for d in book.uk_disposals if any(m.rule != "s104" for m in d.matches))
    elif regime == "ca":
        events, label = len(book.ca_dispositions), "Schedule 3 lines"
        rule = len(book.superficial_losses)
    else:
        events, label = disposals, "Form 8949 lines"
        rule = len(book.wash_sales)
    return {
        "regime": regime,
        "size": size,
        "transactions": len(txns),
        "events": events,
        "events_label": label,
        "rule": rule,
        "open_lots": len(book.lots),
        "generation_s": generation,
        "replay_s": min(timings),
        "replay_runs_s": timings,
        "replay_cpu_s": min(cpu),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def machine() -> str:
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            model = next((line.split(":", 1)[1].strip() for line in info
                          if line.startswith("model name")), "")
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (f"{platform.system()} {platform.machine()}, {model or 'unknown CPU'}, {cores} cores "
            f"available; Python {platform.python_version()}")


RULE_NAMES = {"us": "wash sales", "ca": "superficial losses",
              "uk": "same-day / 30-day matched disposals"}


def table(rows: list[dict[str, Any]]) -> str:
    head = ["regime", "transactions", "reported", "loss rule hits", "replay s", "CPU s",
            "txn/s", "µs/txn", "vs US", "peak RSS MiB"]
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    us = {r["size"]: r["replay_s"] / r["transactions"] for r in rows if r["regime"] == "us"}
    for row in rows:
        n = row["transactions"]
        per = row["replay_s"] / n
        base = us.get(row["size"])
        lines.append("| " + " | ".join([
            row["regime"].upper(),
            f"{n:,}",
            f"{row['events']:,} {row['events_label']}",
            f"{row['rule']:,} {RULE_NAMES[row['regime']]}",
            f"{row['replay_s']:.2f}",
            f"{row['replay_cpu_s']:.2f}",
            f"{n / row['replay_s']:,.0f}",
            f"{per * 1e6:.2f}",
            f"{per / base:.2f}x" if base else "-",
            f"{row['peak_rss_mib']:,.0f}",
        ]) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--regimes", nargs="+", choices=REGIMES, default=list(REGIMES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--accounts", type=int, default=10)
    parser.add_argument("--symbols", type=int, default=500)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="cProfile one extra replay; print the top N to stderr")
    parser.add_argument("--one", nargs=2, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one is not None:  # a child process: one regime and size, JSON out
        print(json.dumps(measure(args, args.one[0], int(args.one[1]))))
        return
    print(f"machine: {machine()}")
    print(f"command: {' '.join([os.path.basename(sys.executable), *sys.argv])}")
    print(f"seed {args.seed}, {args.accounts} accounts, {args.symbols} symbols, {args.years} "
          f"years, best of {args.repeat}")
    rows = []
    for size in args.sizes:
        for regime in args.regimes:
            row = run_in_child(__file__, argv, regime, size)
            runs = ", ".join(f"{t:.2f}" for t in row["replay_runs_s"])
            print(f"  {regime} {size:>9,}: generated in {row['generation_s']:.2f} s, replayed "
                  f"in [{runs}] s", flush=True)
            rows.append(row)
    print()
    print(table(rows))
    print()
    print("reported: reportable disposal records of the regime; replay s: wall time, best "
          "run; CPU s: process CPU time, best run (less sensitive to other load); txn/s, "
          "µs/txn and vs US (time per row relative to the US ledger on the same journal) "
          "from the wall time; peak RSS: ru_maxrss of the process that generated and "
          "replayed (journal + book).")


if __name__ == "__main__":
    main()
