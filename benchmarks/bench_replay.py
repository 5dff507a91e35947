"""Ledger replay throughput: synthetic journals of 10k, 100k and 1M transactions.

Each size runs in a fresh Python process (so that peak memory is that size's own): the
journal is generated with :func:`lotwise.testing.generate` (timed, but not counted as
replay time), then :func:`lotwise.ledger.replay` runs ``--repeat`` times and the fastest
run is reported.  Printed per size: transactions, wash sales found, disposals, open lots,
generation seconds, replay seconds (the fastest run, and the first: a process that replays
once, as the command line does, pays the first), the seconds then taken to read every
disposal once
(the book makes its rows when they are first read), transactions per second, microseconds
per transaction and its ratio to the smallest size (1.00 everywhere means linear), and
peak memory, and the machine's speed at that moment (:func:`gauge`):

* ``peak RSS``: ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` of the process at the end,
  i.e. the journal, the book and everything the replay allocated at its peak;
* ``replay heap``: with ``--tracemalloc``, the peak of Python allocations *during* one
  extra replay (tracemalloc started after generation, so the journal is excluded).  That
  replay is slower and is not timed.

Usage::

    python benchmarks/bench_replay.py                        # 10k, 100k, 1M, seed 1
    python benchmarks/bench_replay.py --sizes 10000 50000 --seed 7 --repeat 3
    python benchmarks/bench_replay.py --sizes 300000 --profile 25   # cProfile hotspots
    python benchmarks/bench_replay.py --gc freeze   # gc.freeze() the journal first
    python benchmarks/bench_replay.py --sizes 1000000 --steps 3    # each step timed
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import importlib
import json
import os
import platform
import pstats
import resource
import subprocess
import sys
import time
import tracemalloc
from statistics import mean
from typing import Any

from child import run_in_child

from lotwise.ledger import replay
from lotwise.testing import generate

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)


GAUGE_ADDITIONS = 10_000_000


def gauge() -> float:
    """Seconds for a fixed piece of plain Python work: ten million integer additions in a
    loop.  The same work takes the same time on the same machine at the same moment, so it
    says how fast the core ran while this size was measured: a virtual machine's core can
    run at half its usual speed at times, and figures from such moments are only
    comparable once divided by the gauge (docs/benchmarks.md)."""
    started = time.perf_counter()
    total = 0
    for number in range(GAUGE_ADDITIONS):
        total += number
    elapsed = time.perf_counter() - started
    assert total == GAUGE_ADDITIONS * (GAUGE_ADDITIONS - 1) // 2
    return elapsed


def measure(args: argparse.Namespace, size: int) -> dict[str, Any]:
    """Generate and replay one journal in this process; return the figures."""
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    gauge_before = gauge()
    started = time.perf_counter()
    household, txns = generate(
        size,
        seed=args.seed,
        n_accounts=args.accounts,
        n_symbols=args.symbols,
        years=years(args, size),
    )
    generation = time.perf_counter() - started
    gc.collect()
    if args.gc == "freeze":
        gc.freeze()  # the journal is long-lived: keep it out of every collection
    elif args.gc == "off":
        gc.disable()

    timings = []
    book = None
    for _ in range(args.repeat):
        book = None  # free the previous book before timing the next run
        started = time.perf_counter()
        book = replay(household, txns)
        timings.append(time.perf_counter() - started)
    assert book is not None
    # The book makes its Disposal rows when they are first read (lotwise.model.rows): time
    # that once, as a report reading every row (the Form 8949 lines) would pay it.
    started = time.perf_counter()
    realized = sum(d.gain for d in book.disposals)
    reading = time.perf_counter() - started
    gauge_after = gauge()
    result: dict[str, Any] = {
        "size": size,
        "transactions": len(txns),
        "wash_sales": len(book.wash_sales),
        "permanent": sum(1 for w in book.wash_sales if w.permanent),
        "disposals": len(book.disposals),
        "open_lots": len(book.lots),
        "generation_s": generation,
        "replay_s": min(timings),
        "replay_runs_s": timings,
        "read_s": reading,
        "gauge_s": [gauge_before, gauge_after],
        "realized": str(realized),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    book = None  # the extra replays below start, as the timed ones did, with no book alive
    if args.tracemalloc:
        gc.collect()
        tracemalloc.start()
        replay(household, txns)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result["replay_heap_mib"] = peak / 2**20
    if args.steps:
        result["steps_s"] = [timed_steps(household, txns) for _ in range(args.steps)]
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        replay(household, txns)
        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("tottime").print_stats(args.profile)
    return result


# The steps of a US replay timed by --steps: (label, module attribute path).
STEPS = (
    ("regime check", "_only_us"),
    ("grouping", "Replayer._groups_of"),
    ("applying the rows", "Replayer._apply_by_group"),
    ("disposals in order", "Replayer._disposals_in_order"),
    ("book", "Replayer._book"),
    ("wash sales in order (in book)", "Replayer._wash_sales_in_order"),
    ("release", "Replayer.release"),
)


def timed_steps(household: Any, txns: list[Any]) -> dict[str, float]:
    """One extra replay with each step of :data:`STEPS` wrapped by a timer; ``total`` is the
    whole replay, and what the steps leave of it is mostly the sorting of the journal."""
    module = importlib.import_module("lotwise.ledger.replay")
    spent: dict[str, float] = {}
    originals = []
    for label, path in STEPS:
        owner_name, _, name = path.rpartition(".")
        owner = getattr(module, owner_name) if owner_name else module
        original = getattr(owner, name)
        originals.append((owner, name, original))

        def timed(*a: Any, _f: Any = original, _label: str = label, **k: Any) -> Any:
            started = time.perf_counter()
            try:
                return _f(*a, **k)
            finally:
                spent[_label] = spent.get(_label, 0.0) + time.perf_counter() - started

        setattr(owner, name, timed)
    try:
        started = time.perf_counter()
        book = module.replay(household, txns)
        spent["total"] = time.perf_counter() - started
        del book  # freed after the timing, as measure() does
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)
    return spent


def years(args: argparse.Namespace, size: int) -> float:
    """The journal's span: ``--years``, or ``size / --per-year`` for a constant density."""
    return size / args.per_year if args.per_year else float(args.years)


def machine() -> str:
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            model = next(
                (line.split(":", 1)[1].strip() for line in info if line.startswith("model name")),
                "",
            )
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"{platform.system()} {platform.machine()}, {model or 'unknown CPU'}, {cores} cores "
        f"available; Python {platform.python_version()} ({platform.python_implementation()})"
    )


def revision() -> str:
    """The checkout's commit, and whether its working tree differs from it."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        head = subprocess.run(
            ["git", "-C", root, "rev-parse", "--short", "HEAD"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", root, "status", "--porcelain", "--", "src"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" (src/ has uncommitted changes)" if dirty else "")


def items(row: dict[str, Any]) -> int:
    """What the replay makes of a journal: a row applied, a disposal row, a wash sale each.
    A longer synthetic journal holds more lots (every reinvested dividend is one), so its
    sells relieve more lots each and find more wash sales: its rows are not the same work."""
    return int(row["transactions"] + row["disposals"] + row["wash_sales"])


def table(rows: list[dict[str, Any]], heap: bool) -> str:
    head = [
        "transactions",
        "wash sales",
        "disposals",
        "open lots",
        "generate s",
        "replay s",
        "first s",
        "read rows s",
        "txn/s",
        "µs/txn",
        "µs/txn ratio",
        "µs/item",
        "µs/item ratio",
        "peak RSS MiB",
        "gauge s",
        "replay / gauge",
    ]
    if heap:
        head.append("replay heap MiB")
    lines = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    base = rows[0]["replay_s"] / rows[0]["transactions"] if rows[0]["transactions"] else 0.0
    base_item = rows[0]["replay_s"] / items(rows[0]) if items(rows[0]) else 0.0
    for row in rows:
        n = row["transactions"]
        per = row["replay_s"] / n if n else 0.0
        per_item = row["replay_s"] / items(row) if items(row) else 0.0
        cells = [
            f"{n:,}",
            f"{row['wash_sales']:,}",
            f"{row['disposals']:,}",
            f"{row['open_lots']:,}",
            f"{row['generation_s']:.2f}",
            f"{row['replay_s']:.2f}",
            f"{row['replay_runs_s'][0]:.2f}",
            f"{row['read_s']:.2f}",
            f"{n / row['replay_s']:,.0f}" if row["replay_s"] else "-",
            f"{per * 1e6:.1f}",
            f"{per / base:.2f}" if base else "-",
            f"{per_item * 1e6:.2f}",
            f"{per_item / base_item:.2f}" if base_item else "-",
            f"{row['peak_rss_mib']:,.0f}",
            " / ".join(f"{g:.2f}" for g in row["gauge_s"]),
            f"{row['replay_s'] / mean(row['gauge_s']):.1f}",
        ]
        if heap:
            cells.append(f"{row['replay_heap_mib']:,.0f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="replays per size; best is kept")
    parser.add_argument("--accounts", type=int, default=10)
    parser.add_argument("--symbols", type=int, default=500)
    parser.add_argument("--years", type=float, default=10.0, help="span of every journal")
    parser.add_argument(
        "--per-year",
        type=int,
        default=0,
        metavar="N",
        help="instead of --years: N transactions a year, so every size has the same density",
    )
    parser.add_argument(
        "--gc",
        choices=("default", "freeze", "off"),
        default="default",
        help="garbage collector during replay (default: as it comes)",
    )
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also measure the replay's peak Python heap (one extra replay)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="cProfile one extra replay per size; print the top N to stderr",
    )
    parser.add_argument(
        "--steps",
        type=int,
        default=0,
        metavar="N",
        help="N extra replays per size with each step timed; printed after the table",
    )
    parser.add_argument("--cpu", type=int, default=None, help="pin each run to this CPU")
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.one is not None:  # a child process: measure one size, print JSON
        print(json.dumps(measure(args, args.one)))
        return

    print(f"machine: {machine()}")
    print(f"revision: {revision()}")
    print(f"command: {' '.join([os.path.basename(sys.executable), *sys.argv])}")
    span = f"{args.per_year:,} transactions a year" if args.per_year else f"{args.years:g} years"
    print(
        f"seed {args.seed}, {args.accounts} accounts, {args.symbols} symbols, {span}, "
        f"gc {args.gc}, best of {args.repeat}"
    )
    rows = []
    for size in args.sizes:
        row = run_in_child(__file__, argv, size)
        runs = ", ".join(f"{t:.2f}" for t in row["replay_runs_s"])
        print(
            f"  {size:>9,} over {years(args, size):g} years: "
            f"generated in {row['generation_s']:.2f} s, replayed in "
            f"[{runs}] s, {row['wash_sales']:,} wash sales "
            f"({row['permanent']:,} permanent)",
            flush=True,
        )
        rows.append(row)
    print()
    print(table(rows, args.tracemalloc))
    print()
    print(
        "peak RSS: resource.getrusage(RUSAGE_SELF).ru_maxrss of the process that generated "
        "and replayed that size (journal + book)."
    )
    if args.tracemalloc:
        print("replay heap: tracemalloc peak during one extra replay, journal excluded.")
    print(
        "read rows s: reading every disposal once after the replay (its Disposal rows are "
        "made when first read), as a gains report does."
    )
    for row in rows:
        for number, steps in enumerate(row.get("steps_s", []), 1):
            cells = ", ".join(f"{label} {seconds:.2f}" for label, seconds in steps.items())
            print(f"steps of replay {number} of {row['transactions']:,} rows (s): {cells}")
    print("first s: the first of the --repeat replays, in memory the process has not used yet.")
    print("µs/txn ratio: replay time per transaction relative to the first size (1.00 = linear).")
    print(
        "µs/item: replay time per item made, a row applied, a disposal or a wash sale (a longer "
        "journal's sells relieve more lots each); its ratio to the first size (1.00 = linear)."
    )
    print(
        f"gauge s: {GAUGE_ADDITIONS:,} additions in a Python loop, timed before generation and "
        "after the replays of that size: how fast the core ran then. replay / gauge: the best "
        "replay over the mean of the two, comparable between moments and machines."
    )


if __name__ == "__main__":
    main()
