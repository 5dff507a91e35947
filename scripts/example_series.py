"""What the bundled Canadian and UK example scripts share: business days, price paths drawn
between anchor points, the US example's prices of a shared symbol, and CSV text.

Imported by ``make_ca_example.py`` and ``make_uk_example.py`` (run as scripts, so this
folder is on ``sys.path``)."""

from __future__ import annotations

import csv
import io
import math
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

US_PRICES = (Path(__file__).resolve().parent.parent / "src" / "lotwise" / "data" / "examples"
             / "us" / "prices.csv")  # written by make_us_example.py


def weekdays(start: date, end: date) -> Iterator[date]:
    """Monday to Friday from ``start`` to ``end``, but 1 January and 25 December."""
    day = start
    while day <= end:
        if day.weekday() < 5 and (day.month, day.day) not in ((1, 1), (12, 25)):
            yield day
        day += timedelta(days=1)


def last_weekday(day: date) -> date:
    """The last business day of ``day``'s month."""
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return max(weekdays(day.replace(day=1), following - timedelta(days=1)))


def path_value(path: tuple[tuple[date, float], ...], day: date) -> float:
    """The level of ``path`` on ``day``: log-linear between its anchor points."""
    for (d0, v0), (d1, v1) in pairwise(path):
        if d0 <= day <= d1:
            t = (day - d0).days / (d1 - d0).days
            return math.exp(math.log(v0) + t * (math.log(v1) - math.log(v0)))
    return path[-1][1]


def us_example_prices(symbol: str, start: date, end: date) -> dict[tuple[str, date], Decimal]:
    """The US example's prices of ``symbol`` from ``start`` to ``end``, exactly as written."""
    with US_PRICES.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["symbol"] == symbol]
    found = {(symbol, date.fromisoformat(r["date"])): Decimal(r["price"]) for r in rows}
    shared = {key: price for key, price in found.items() if start <= key[1] <= end}
    if not shared or min(d for _, d in shared) != start or max(d for _, d in shared) != end:
        sys.exit(f"{US_PRICES} must price {symbol} from {start} to {end}: run "
                 "scripts/make_us_example.py first")
    return shared


def render_csv(columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    """``rows`` as CSV text with ``columns``, a missing field empty."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return buffer.getvalue()
