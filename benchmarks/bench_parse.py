"""Reading a transactions CSV file: synthetic journals of 10k, 100k and 1M rows.

Each size runs in a fresh Python process: the journal of :func:`lotwise.testing.generate`
(seed 1, 100,000 rows a year, as ``bench_replay.py --per-year 100000``) is written out as
the text of a transactions CSV file in the format of docs/formats.md, then
:func:`lotwise.io.transactions_csv.parse_transactions` reads it ``--repeat`` times, the
fastest run kept: checking every cell, making the rows' content ids where ``id`` is blank
(``--blank-ids``), and building the :class:`~lotwise.model.Transaction` rows.  Printed per
size: rows, megabytes of CSV text, seconds, rows per second, microseconds per row and its
ratio to the first size (1.00 = linear), and peak memory.  Reading the file from disk and
the replay are not included (``bench_replay.py`` times the replay).

The rows read are checked against the journal written (same dates, accounts, actions,
symbols, quantities and amounts), so a fast but wrong reader would stop the run.

Usage::

    python benchmarks/bench_parse.py                       # 10k, 100k, 1M
    python benchmarks/bench_parse.py --sizes 200000 --repeat 3 --blank-ids
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import sys
import time
from datetime import date
from typing import Any

from child import run_in_child

from lotwise.io.transactions_csv import format_lots, parse_transactions
from lotwise.model.transactions import Transaction
from lotwise.testing import generate

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
COLUMNS = ("date", "account", "action", "symbol", "quantity", "price", "fees", "amount", "lot",
           "id", "memo", "method")


def journal_csv(txns: list[Transaction], *, blank_ids: bool) -> str:
    """The journal as the text of a transactions CSV file."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for txn in txns:
        writer.writerow((
            txn.date.isoformat(), txn.account, txn.action.value, txn.symbol or "",
            _cell(txn.quantity), _cell(txn.price), _cell(txn.fees), _cell(txn.amount),
            format_lots(txn.lots), "" if blank_ids else txn.id, txn.memo, txn.method or "",
        ))
    return out.getvalue()


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def essentials(txn: Transaction) -> tuple[object, ...]:
    return (txn.date, txn.account, txn.action, txn.symbol, txn.quantity, txn.price, txn.fees,
            txn.gross if txn.quantity is not None and txn.price is not None else txn.amount,
            txn.lots, txn.method)


def measure(args: argparse.Namespace, size: int) -> dict[str, Any]:
    household, txns = generate(size, seed=args.seed, years=size / 100_000)
    text = journal_csv(txns, blank_ids=args.blank_ids)
    timings = []
    parsed: list[Transaction] = []
    for _ in range(args.repeat):
        parsed = []
        started = time.perf_counter()
        parsed = parse_transactions(text, "journal.csv", household, today=date(2100, 1, 1))
        timings.append(time.perf_counter() - started)
    if list(map(essentials, parsed)) != list(map(essentials, txns)):
        raise SystemExit(f"the {size:,} rows read differ from the journal written")
    return {
        "rows": len(parsed),
        "megabytes": len(text.encode("utf-8")) / 1e6,
        "parse_s": min(timings),
        "runs_s": timings,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="reads per size; best is kept")
    parser.add_argument("--blank-ids", action="store_true",
                        help="leave id blank, so that every row's content id is made")
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one is not None:  # a child process: one size, printed as JSON
        print(json.dumps(measure(args, args.one)))
        return

    print(f"command: {' '.join([os.path.basename(sys.executable), *sys.argv])}")
    print(f"seed {args.seed}, 100,000 rows a year, ids {'blank' if args.blank_ids else 'given'}, "
          f"best of {args.repeat}")
    rows = []
    for size in args.sizes:
        rows.append(run_in_child(__file__, argv, size))
        runs = ", ".join(f"{t:.2f}" for t in rows[-1]["runs_s"])
        print(f"  {size:>9,} rows: read in [{runs}] s", flush=True)
    print()
    print("| rows | CSV MB | read s | rows/s | µs/row | µs/row ratio | peak RSS MiB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    base = rows[0]["parse_s"] / rows[0]["rows"]
    for row in rows:
        per = row["parse_s"] / row["rows"]
        print(f"| {row['rows']:,} | {row['megabytes']:.1f} | {row['parse_s']:.2f} | "
              f"{row['rows'] / row['parse_s']:,.0f} | {per * 1e6:.1f} | {per / base:.2f} | "
              f"{row['peak_rss_mib']:,.0f} |")


if __name__ == "__main__":
    main()
