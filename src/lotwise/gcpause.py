"""Pausing Python's cyclic garbage collector around allocation-heavy loops.

The ledger replay and the harvest scan create many small objects that all live until the
end of the call; the collector would scan them again and again (it halves the replay's CPU
time on 50,000 transactions, ``benchmarks/bench_replay.py``).  Nothing they make is cyclic
garbage, so pausing it changes no result.

With ``promote=True`` the objects still alive when the pause ends go straight to the
collector's oldest generation, where it would move them after two more scans anyway.
Without it the first collection after the pause scans every one of them: 0.6 s for the
book of a 1,000,000-row replay.  They are scanned again only at the next full collection,
so the caller must leave no cyclic garbage behind; the objects are not frozen, and nothing
is promoted when the pause ends with an exception or when the program has frozen objects
itself (``gc.freeze``), whose choice is left alone.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(*, promote: bool = False) -> Iterator[None]:
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
        if promote and not gc.get_freeze_count():
            gc.freeze()  # every tracked object into the permanent generation ...
            gc.unfreeze()  # ... and from there into the oldest one, without a scan
    finally:
        if collecting:
            gc.enable()
