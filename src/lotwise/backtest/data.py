"""Price series for backtests: readers for the shared data files and the aligned market.

Two kinds of file are read in place (never copied into the project):

``funds/*.csv`` and ``etfs/*.csv`` (daily, Yahoo layout)
    ``Date, Open, High, Low, Close, Adj Close, Volume[, stock]``.  Rows whose ``Close`` is
    ``null`` (the last row of every ``funds/`` file) are dropped.  Trades use ``Close``.
    ``Close`` is already adjusted for splits but not for distributions; ``Adj Close`` folds the
    cash distributions in.  A cash distribution (dividend or capital gain distribution) is
    recovered from the jump of the ratio ``r = Adj Close / Close`` on its ex-date ``t``: the
    data vendor scales every earlier adjusted price by ``1 - D / Close[t-1]``, so

        D = Close[t-1] * (1 - r[t-1] / r[t])

    Worked example (VTSMX, 2023-12-20): the ratio rose by 0.395 % and the close the day
    before was 115.7, so D = 115.7 * 0.00395 = 0.457 a share.  Ratio moves smaller than
    ``min_yield`` (2e-5, far below any real distribution) are rounding noise of the
    six-decimal file and are ignored.

``stocks/sp500_daily.csv.gz``
    ``symbol, date, close, adjusted_close, dividend, split``: unadjusted closes with the cash
    dividend per share and the split ratio (new shares per old share) on their ex-dates.
    The 504 stocks are the S&P 500 members of April 2021: a backtest on them is
    **survivorship-biased** (the companies that failed, were acquired or left the index
    between 2000 and 2021 are missing, so returns are overstated and fewer deep losses are
    there to harvest than a real index investor would have met).

:class:`Series` keeps one symbol's closes, distributions and splits;
:meth:`Series.annualized_growth` is the growth of ``Adj Close`` (the shared data README
quotes VTSMX 10.1 %, VBMFX 5.0 %, VTI 8.1 %) and :meth:`Series.total_return_growth` the
growth of a share with every recovered distribution reinvested at the close: the two agree
when the distributions were recovered right.

:class:`Market` aligns many series on one calendar (the union of their trading days),
carrying a close forward over a day that one series lacks.
"""

from __future__ import annotations

import csv
import gzip
import math
import os
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from lotwise.errors import InputError, Problem, Source

DEFAULT_DATA_DIR = Path("..") / "shared" / "data"
DATA_ENV = "LOTWISE_BACKTEST_DATA"
MIN_YIELD = 2e-5
DAYS_PER_YEAR = 365.25


def resolve_data_dir(given: str | os.PathLike[str] | None = None) -> Path:
    """The shared data folder: ``given``, else ``$LOTWISE_BACKTEST_DATA``, else
    ``../shared/data`` relative to the current directory (the repository root)."""
    if given is not None:
        return Path(given).expanduser()
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser()
    return DEFAULT_DATA_DIR


@dataclass(frozen=True, slots=True)
class Series:
    """One symbol's daily closes (ascending dates), distributions and splits.

    ``dividends`` maps an ex-date to the cash paid per share held before it; ``splits`` maps
    an ex-date to new shares per old share.  ``adj_close`` is the vendor's total-return
    series when the file has one.
    """

    symbol: str
    dates: tuple[date, ...]
    close: tuple[float, ...]
    adj_close: tuple[float, ...] | None = None
    dividends: Mapping[date, float] = field(default_factory=dict)
    splits: Mapping[date, float] = field(default_factory=dict)
    source: str = ""

    @property
    def first(self) -> date:
        return self.dates[0]

    @property
    def last(self) -> date:
        return self.dates[-1]

    def years(self) -> float:
        return (self.last - self.first).days / DAYS_PER_YEAR

    def annualized_growth(self) -> float:
        """Annualised growth of ``Adj Close`` from the first to the last row."""
        if self.adj_close is None:
            return self.total_return_growth()
        return float((self.adj_close[-1] / self.adj_close[0]) ** (1 / self.years()) - 1)

    def total_return_growth(self) -> float:
        """Annualised growth of one share with distributions reinvested at the close and
        splits applied: rebuilt from ``close``, ``dividends`` and ``splits`` alone."""
        shares = 1.0
        for i in range(1, len(self.dates)):
            day = self.dates[i]
            ratio = self.splits.get(day)
            if ratio:
                shares *= ratio
            dividend = self.dividends.get(day)
            if dividend:
                shares += shares * dividend / self.close[i]
        growth = shares * self.close[-1] / self.close[0]
        return float(growth ** (1 / self.years()) - 1)

    def between(self, start: date | None, end: date | None) -> Series:
        lo = 0 if start is None else bisect_left(self.dates, start)
        hi = len(self.dates) if end is None else bisect_right(self.dates, end)
        dates = self.dates[lo:hi]
        keep = set(dates)
        return Series(
            self.symbol,
            dates,
            self.close[lo:hi],
            None if self.adj_close is None else self.adj_close[lo:hi],
            {d: v for d, v in self.dividends.items() if d in keep},
            {d: v for d, v in self.splits.items() if d in keep},
            self.source,
        )


def _number(text: str) -> float | None:
    text = text.strip()
    if not text or text.lower() == "null":
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def read_yahoo_csv(
    path: str | os.PathLike[str], symbol: str | None = None, *, min_yield: float = MIN_YIELD
) -> Series:
    """Read a ``funds/`` or ``etfs/`` file; see the module docstring for the rules."""
    file = Path(path)
    name = symbol or file.stem.upper()
    if not file.is_file():
        raise InputError.one(
            Source(str(file)), None, f"no price file for {name}",
            "check the data folder (--data, or `data` in the config; default ../shared/data)",
        )
    dates: list[date] = []
    close: list[float] = []
    adj: list[float] = []
    problems: list[Problem] = []
    with file.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        for row_no, row in enumerate(reader, start=2):
            try:
                c = _number(row["Close"])
                a = _number(row["Adj Close"])
                if c is None or a is None or c <= 0 or a <= 0:
                    continue  # the trailing null row, or a day without a price
                day = date.fromisoformat(row["Date"].strip())
            except (KeyError, ValueError) as exc:
                problems.append(Problem(Source(str(file), row_no), None, f"bad row: {exc}",
                                        "fix or delete the row"))
                continue
            if dates and day <= dates[-1]:
                problems.append(Problem(Source(str(file), row_no), "Date",
                                        f"{day} is not after the row before",
                                        "sort the file by date, one row per day"))
                continue
            dates.append(day)
            close.append(c)
            adj.append(a)
    if problems:
        raise InputError(problems)
    if len(dates) < 2:
        raise InputError.one(Source(str(file)), None, f"fewer than two prices for {name}",
                             "use a file with daily rows")
    dividends: dict[date, float] = {}
    for i in range(1, len(dates)):
        before = adj[i - 1] / close[i - 1]
        now = adj[i] / close[i]
        drop = 1.0 - before / now
        if drop > min_yield:
            dividends[dates[i]] = close[i - 1] * drop
    return Series(name, tuple(dates), tuple(close), tuple(adj), dividends, {}, str(file))


def read_sp500(
    path: str | os.PathLike[str],
    symbols: Iterable[str] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> dict[str, Series]:
    """Read ``stocks/sp500_daily.csv.gz`` (or an uncompressed cut of it), keeping ``symbols``
    (all when ``None``) and the rows from ``start`` to ``end``.  Split ratios are rounded to
    four decimals (the file writes 7:1 as 7.00000700001)."""
    file = Path(path)
    if not file.is_file():
        raise InputError.one(
            Source(str(file)), None, "no S&P 500 stock file",
            "check the data folder (--data, or `data` in the config; default ../shared/data)",
        )
    wanted = None if symbols is None else set(symbols)
    lo = start.isoformat() if start else ""
    hi = end.isoformat() if end else "9999"
    rows: dict[str, list[tuple[str, float, float, float, float]]] = {}
    opener = gzip.open if file.suffix == ".gz" else open
    with opener(file, "rt", newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = [h.strip() for h in next(reader)]
        expect = ["symbol", "date", "close", "adjusted_close", "dividend", "split"]
        if header[:6] != expect:
            raise InputError.one(Source(str(file), 1), None,
                                 f"unexpected columns {header}", f"expected {expect}")
        for row in reader:
            sym = row[0]
            if wanted is not None and sym not in wanted:
                continue
            day = row[1]
            if day < lo or day > hi:
                continue
            c = float(row[2])
            if not c > 0:
                continue
            rows.setdefault(sym, []).append(
                (day, c, float(row[3]), float(row[4]), float(row[5].strip() or 1.0))
            )
    out: dict[str, Series] = {}
    for sym in sorted(rows):
        data = sorted(rows[sym])
        if len(data) < 2:
            continue
        dates = tuple(date.fromisoformat(r[0]) for r in data)
        dividends = {dates[i]: r[3] for i, r in enumerate(data) if r[3] > 0}
        splits = {
            dates[i]: round(r[4], 4) for i, r in enumerate(data) if abs(r[4] - 1.0) > 1e-9
        }
        out[sym] = Series(
            sym, dates, tuple(r[1] for r in data), tuple(r[2] for r in data), dividends, splits,
            str(file),
        )
    return out


class Market:
    """Series aligned on one trading calendar.

    ``close[symbol][i]`` is the close on ``calendar[i]`` (carried forward over a day the
    series lacks; ``nan`` before its first row or after its last).  ``dividends[symbol]`` and
    ``splits[symbol]`` map a calendar index to the amount or ratio of that day; an event on a
    day outside the calendar moves to the next calendar day.  ``tr[symbol][i]`` is a total
    return index (1.0 on the symbol's first day): dividends reinvested, splits applied.
    """

    def __init__(self, series: Mapping[str, Series], calendar: Sequence[date] | None = None):
        if not series:
            raise ValueError("a market needs at least one series")
        if calendar is None:
            days: set[date] = set()
            for s in series.values():
                days.update(s.dates)
            calendar = sorted(days)
        self.calendar: tuple[date, ...] = tuple(calendar)
        self.index = {day: i for i, day in enumerate(self.calendar)}
        self.symbols: tuple[str, ...] = tuple(series)
        self.series = dict(series)
        self.close: dict[str, list[float]] = {}
        self.dividends: dict[str, dict[int, float]] = {}
        self.splits: dict[str, dict[int, float]] = {}
        self.first: dict[str, int] = {}
        self.last: dict[str, int] = {}
        self.tr: dict[str, list[float]] = {}
        n = len(self.calendar)
        for sym, s in series.items():
            closes = [math.nan] * n
            j = 0
            last_close = math.nan
            first = -1
            lastk = -1
            for i, day in enumerate(self.calendar):
                while j < len(s.dates) and s.dates[j] <= day:
                    last_close = s.close[j]
                    j += 1
                if j == 0:
                    continue
                if day > s.dates[-1]:
                    break
                closes[i] = last_close
                if first < 0:
                    first = i
                lastk = i
            self.close[sym] = closes
            self.first[sym] = first
            self.last[sym] = lastk
            self.dividends[sym] = self._events(s.dividends, first, lastk, add=True)
            self.splits[sym] = self._events(s.splits, first, lastk, add=False)
            self.tr[sym] = self._total_return(sym)

    def _events(self, events: Mapping[date, float], first: int, last: int, *,
                add: bool) -> dict[int, float]:
        out: dict[int, float] = {}
        for day, value in events.items():
            i = bisect_left(self.calendar, day)
            if i <= first or i > last:
                continue  # on the first day nobody held the share yet
            if i in out:
                out[i] = out[i] + value if add else out[i] * value
            else:
                out[i] = value
        return out

    def _total_return(self, sym: str) -> list[float]:
        closes = self.close[sym]
        out = [math.nan] * len(closes)
        first = self.first[sym]
        if first < 0:
            return out
        level = 1.0
        out[first] = level
        divs = self.dividends[sym]
        splits = self.splits[sym]
        for i in range(first + 1, self.last[sym] + 1):
            ratio = splits.get(i, 1.0)
            payout = divs.get(i, 0.0)
            level *= ratio * (closes[i] + payout) / closes[i - 1]
            out[i] = level
        return out

    def __len__(self) -> int:
        return len(self.calendar)

    def available(self, sym: str, i: int) -> bool:
        return self.first.get(sym, -1) <= i <= self.last.get(sym, -2) and self.first[sym] >= 0

    def coverage(self) -> dict[str, tuple[date, date]]:
        return {
            sym: (self.calendar[self.first[sym]], self.calendar[self.last[sym]])
            for sym in self.symbols
            if self.first[sym] >= 0
        }
