"""Pausing Python's cyclic garbage collector around allocation-heavy loops.

The ledger replay and the harvest scan create many small objects that all live until the
end of the call; the collector would scan them again and again (it halves the replay's CPU
time on 50,000 transactions, ``benchmarks/bench_replay.py``).  Nothing they make is cyclic
garbage, so pausing it changes no result.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
