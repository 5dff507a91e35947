"""Reading foreign exchange rates from a CSV file.

Four columns, in any order, with a header line::

    date,base,quote,rate
    2024-03-01,USD,CAD,1.3576
    2024-03-01,GBP,USD,1.2623

One unit of ``base`` is worth ``rate`` units of ``quote`` on ``date``; ``rate`` is more
than zero; currencies are three capital letters (ISO 4217).  A pair is found in either
direction (a ``GBP,USD`` row also answers ``USD,GBP`` as 1 / rate).  The same date and
pair twice with the same rate is read once; with two different rates it is a problem.  A
pair and its inverse may both be given for a day only if they agree: their product must be
1 within 0.5 % (:data:`~lotwise.fx.INVERSE_TOLERANCE`), else both rows are named.
Every problem in the file is reported at once as one :class:`~lotwise.errors.InputError`.
"""

from __future__ import annotations

import os
import re
from datetime import date
from decimal import Decimal

from lotwise.errors import InputError, Problem, Source
from lotwise.fx import (
    DEFAULT_MAX_AGE_DAYS,
    INVERSE_TOLERANCE,
    FxRate,
    FxTable,
    RatesOrigin,
    inverse_disagrees,
)
from lotwise.gcpause import collector_paused
from lotwise.io.household_toml import read_text
from lotwise.io.prices_csv import RowCells, read_table

FX_COLUMNS = ("date", "base", "quote", "rate")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def read_fx(path: str | os.PathLike[str], *, today: date) -> list[FxRate]:
    """Read an FX rates CSV file (``date,base,quote,rate``)."""
    return parse_fx(read_text(path), str(path), today=today)


def read_fx_with_sources(
    path: str | os.PathLike[str], *, today: date
) -> tuple[list[FxRate], list[Source]]:
    """Read an FX rates CSV file, with where each rate was read (its file and row), for
    problems found later, such as a rate that disagrees with one in the store."""
    return parse_fx_with_sources(read_text(path), str(path), today=today)


def load_fx_table(
    path: str | os.PathLike[str], *, today: date, max_age_days: int = DEFAULT_MAX_AGE_DAYS
) -> FxTable:
    """Read an FX rates file into an :class:`~lotwise.fx.FxTable` whose messages about a
    missing rate name the file."""
    return FxTable(read_fx(path, today=today), max_age_days=max_age_days,
                   origin=RatesOrigin.file(str(path)))


def parse_fx(text: str, source_name: str, *, today: date) -> list[FxRate]:
    """Parse FX rates CSV ``text``; ``source_name`` names the file in problems."""
    return parse_fx_with_sources(text, source_name, today=today)[0]


@collector_paused(promote=True)  # see lotwise.io.prices_csv.read_table
def parse_fx_with_sources(
    text: str, source_name: str, *, today: date
) -> tuple[list[FxRate], list[Source]]:
    """Parse FX rates CSV ``text``: the rates in file order (a repeated row once) and,
    parallel to them, the row each was read from."""
    problems: list[Problem] = []
    rows = read_table(text, source_name, problems, required=FX_COLUMNS)
    if rows is None:
        raise InputError(problems)
    rates: list[FxRate] = []
    sources: list[Source] = []
    first: dict[tuple[date, str, str], tuple[Decimal, int]] = {}
    for row in rows:
        cells = RowCells(row, source_name, problems)
        day = cells.date("date", today=today)
        pair = []
        for column in ("base", "quote"):
            code = cells.get(column).upper()
            if not _CURRENCY.match(code):
                cells.problem(
                    column,
                    f"'{cells.get(column)}' is not a currency code",
                    "write the three-letter ISO 4217 code, e.g. USD, CAD, GBP",
                )
            pair.append(code)
        base, quote = pair
        if base == quote and _CURRENCY.match(base):
            cells.problem("quote", f"the rate converts {base} into itself",
                          "name two different currencies")
        rate = cells.decimal("rate")
        if rate is None and not cells.failed:
            cells.problem("rate", "the rate is missing",
                          f"write how many {quote} one {base} buys on that day")
        elif rate is not None and rate <= 0:
            cells.problem("rate", f"the rate must be more than zero, got {cells.get('rate')}",
                          f"write how many {quote} one {base} buys on that day")
        if cells.failed or day is None or rate is None:
            continue
        key = (day, base, quote)
        if key in first:
            earlier, earlier_row = first[key]
            if earlier != rate:
                cells.problem(
                    "rate",
                    f"{base}/{quote} on {day.isoformat()} has two rates: {earlier} (row "
                    f"{earlier_row}) and {rate}",
                    "keep one row per date and pair",
                )
            continue
        first[key] = (rate, row.row)
        rates.append(FxRate(day, base, quote, rate))
        sources.append(Source(source_name, row.row))
        inverse = first.get((day, quote, base))
        if inverse is not None and inverse_disagrees(rate, inverse[0]):
            cells.problem(
                "rate",
                f"{base}/{quote} {rate} and {quote}/{base} {inverse[0]} (row {inverse[1]}) on "
                f"{day.isoformat()} disagree: their product is "
                f"{(rate * inverse[0]).quantize(Decimal('0.0001'))}, not 1 within "
                f"{(INVERSE_TOLERANCE * 100).normalize():f} %",
                f"keep one of the two rows, or correct the one typed the wrong way round "
                f"(one {base} buys {rate} {quote}, so one {quote} buys "
                f"{(1 / rate).quantize(Decimal('0.000001'))} {base})",
            )
    if problems:
        raise InputError(problems)
    return rates, sources
