"""Digests of replayed books, to show that a change to the ledger leaves every book identical.

For each configuration (journal size, seed, years, lot method, whole or up to a mid-journal
``as_of``) the script replays a :func:`lotwise.testing.generate` journal and prints the counts
of disposals and wash sales and a SHA-256 of the ``repr`` of the book's lots, disposals, wash
sales, cash (accounts in the book's order) and cash events.  Run it on two checkouts and
compare the outputs::

    PYTHONPATH=old/src python benchmarks/book_digests.py > old.txt
    PYTHONPATH=src python benchmarks/book_digests.py > new.txt
    diff old.txt new.txt            # no output: identical books

``None`` as the method keeps the generator's methods and its sells that name lots; for
every other method each account is switched to it and the named lots are dropped (they
were chosen for first in, first out).  ``--quick`` leaves out the 200,000-row journal.
"""

from __future__ import annotations

import argparse
import hashlib
from dataclasses import replace

from lotwise.ledger import replay
from lotwise.ledger.book import Book
from lotwise.testing import generate

CONFIGS = ((3000, 1, 1.0), (3000, 2, 0.3), (30000, 3, 1.0), (30000, 5, 0.5), (200000, 1, 2.0))
METHODS = (None, "fifo", "lifo", "hifo", "min_tax", "average")


def digest(book: Book) -> str:
    h = hashlib.sha256()
    for part in (book.lots, tuple(book.disposals), tuple(book.wash_sales),
                 tuple(book.cash.items()), tuple(book.cash_events)):
        h.update(repr(part).encode())
    return h.hexdigest()[:16]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="leave out the 200,000-row journal")
    args = parser.parse_args(argv)
    for size, seed, years in CONFIGS[:-1] if args.quick else CONFIGS:
        household, txns = generate(size, seed=seed, years=years)
        for method in METHODS:
            if method is None:
                hh, rows = household, txns
            else:
                hh = replace(household, accounts={
                    key: replace(account, lot_method=method)
                    for key, account in household.accounts.items()})
                rows = [replace(t, lots=()) if t.lots else t for t in txns]
            for as_of in (None, txns[len(txns) // 2].date):
                book = replay(hh, rows, as_of=as_of)
                print(size, seed, method, as_of, len(book.disposals), len(book.wash_sales),
                      digest(book), flush=True)


if __name__ == "__main__":
    main()
