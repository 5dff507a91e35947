"""Importing a journal into the store, importing it again, reading it back: SQLite and
PostgreSQL.

For each size, the synthetic journal of :func:`lotwise.testing.generate` (seed 1, 100,000
rows a year) goes into a fresh store: a SQLite file in a temporary directory, and a schema
of its own in the PostgreSQL server at ``--pg-url`` (dropped afterwards).  Timed, in one
process per size:

* *import*: :meth:`Store.import_transactions` of every row into the empty household;
* *again*: the same rows imported a second time, as a broker export that overlaps the
  last one is: every row is looked up among the stored ones and skipped;
* *read*: :meth:`Store.transactions`, the journal as the replay reads it.

``--no-analyze`` imports without refreshing PostgreSQL's planner statistics after the bulk
insert (see "Planner statistics" in :mod:`lotwise.store.store`), to show what that costs
the second import.  The rows read back are compared with the rows imported.

Usage::

    python benchmarks/bench_store.py                         # 10k and 100k rows
    python benchmarks/bench_store.py --sizes 20000 --no-analyze
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from typing import Any

import sqlalchemy as sa
from child import run_in_child

from lotwise.store import Store, sqlite_url
from lotwise.store import store as store_module
from lotwise.testing import generate

DEFAULT_SIZES = (10_000, 100_000)
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def timed_imports(url: str, schema: str | None, size: int) -> dict[str, float]:
    _, txns = generate(size, seed=1, years=size / 100_000)
    with Store.open(url, schema=schema) as store:
        store.save_household("synthetic", "# the household's text is not read here\n")
        started = time.perf_counter()
        first = store.import_transactions("synthetic", txns, file_name="journal.csv",
                                          file_sha256="1")
        imported = time.perf_counter() - started
        started = time.perf_counter()
        second = store.import_transactions("synthetic", txns, file_name="journal.csv",
                                           file_sha256="1")
        again = time.perf_counter() - started
        started = time.perf_counter()
        back = store.transactions("synthetic")
        read = time.perf_counter() - started
    if (first.added, second.skipped, len(back)) != (size, size, size) or back != txns:
        raise SystemExit(f"the store did not give back the {size:,} rows imported")
    return {"import_s": imported, "again_s": again, "read_s": read}


def measure(args: argparse.Namespace, size: int) -> dict[str, Any]:
    if args.no_analyze:
        store_module.ANALYZE_AFTER = sys.maxsize
    result: dict[str, Any] = {"size": size}
    with tempfile.TemporaryDirectory() as folder:
        result["sqlite"] = timed_imports(sqlite_url(os.path.join(folder, "s.sqlite")), None,
                                         size)
    schema = f"lotwise_bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(args.pg_url, poolclass=sa.NullPool)
    with admin.begin() as conn:
        conn.execute(sa.schema.CreateSchema(schema))
    try:
        result["postgresql"] = timed_imports(args.pg_url, schema, size)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.schema.DropSchema(schema, cascade=True, if_exists=True))
        admin.dispose()
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--pg-url", default=os.environ.get("LOTWISE_TEST_PG_URL",
                                                           DEFAULT_PG_URL))
    parser.add_argument("--no-analyze", action="store_true",
                        help="no ANALYZE after a bulk import (PostgreSQL), for comparison")
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one is not None:
        print(json.dumps(measure(args, args.one)))
        return

    print(f"command: {' '.join([os.path.basename(sys.executable), *sys.argv])}")
    print()
    print("| rows | engine | import s | again s | read s | rows/s imported |")
    print("|---:|---|---:|---:|---:|---:|")
    for size in args.sizes:
        row = run_in_child(__file__, argv, size)
        for engine in ("sqlite", "postgresql"):
            got = row[engine]
            print(f"| {size:,} | {engine} | {got['import_s']:.2f} | {got['again_s']:.2f} | "
                  f"{got['read_s']:.2f} | {size / got['import_s']:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
