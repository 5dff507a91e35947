"""Reading closing prices from a CSV file, and the CSV plumbing every lotwise reader shares.

The prices file has three columns, in any order, with a header line::

    date,symbol,price
    2026-11-20,VTI,301.27
    2026-11-20,BND,74.12

``price`` is the closing price per share, more than zero.  Every problem in the file is
collected and raised at once as an :class:`~lotwise.errors.InputError`; rows are numbered as
lines of the file, the header being row 1.  A (date, symbol) pair given twice with the same price
is read once; with two different prices it is a problem.

The shared plumbing (:func:`read_table`, :class:`RowCells`) reads a CSV text with a header
line: a byte order mark, CRLF line ends and blank lines are accepted, quoted cells may span
lines, and a row's number is the file line it starts on.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lotwise.errors import InputError, Problem, Source
from lotwise.gcpause import collector_paused
from lotwise.io.household_toml import did_you_mean, read_text
from lotwise.model.numbers import dec
from lotwise.model.transactions import Price

PRICE_COLUMNS = ("date", "symbol", "price")

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --------------------------------------------------------------------------- shared CSV plumbing


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One data row: the file line it starts on and its cells by column name, stripped
    (``""`` for a blank or missing cell)."""

    row: int
    cells: Mapping[str, str]


def read_table(
    text: str,
    source: str,
    problems: list[Problem],
    *,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
) -> list[CsvRow] | None:
    """Split CSV ``text`` into rows keyed by the (lower-cased) header names.

    Problems with the header or the shape of rows are appended to ``problems``; the result is
    ``None`` when the header is unusable.  Blank lines are skipped.

    The parsers of whole files run with the collector paused (``@collector_paused``): a
    file's cells, rows and values pile up, all kept until the end and none in a cycle, and
    the collector would walk them again and again to find no garbage.  That was half the
    time of reading a large transactions file (``benchmarks/bench_parse.py``).
    """
    text = text.removeprefix("\ufeff")
    header_line = ", ".join(required)
    example_header = ",".join(required)
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[tuple[int, list[str]]] = []
    line_end = 0
    try:
        for record in reader:
            start = line_end + 1
            line_end = reader.line_num
            if "".join(record).strip():  # not a blank line: some cell is more than spaces
                records.append((start, record))
    except csv.Error as exc:
        problems.append(
            Problem(
                Source(source, line_end + 1),
                None,
                f"this line cannot be read as CSV: {exc}",
                "check the quotes on this line: a quoted cell must end with a closing quote",
            )
        )
        return None
    if not records:
        problems.append(
            Problem(
                Source(source, None),
                None,
                "the file is empty",
                f"start the file with the header line {example_header}",
            )
        )
        return None

    header_row, header_cells = records[0]
    names = [cell.strip().lower() for cell in header_cells]
    known = required + optional
    if not set(names) & set(known):
        problems.append(
            Problem(
                Source(source, header_row),
                None,
                f"the first line is not a header: '{','.join(header_cells)}'",
                f"add the header line {example_header} as the first line of the file",
            )
        )
        return None
    bad_header = False
    seen: set[str] = set()
    for name in names:
        if name in seen:
            problems.append(
                Problem(
                    Source(source, header_row),
                    name,
                    f"column '{name}' appears twice in the header",
                    "remove one of the two columns",
                )
            )
            bad_header = True
        seen.add(name)
        if name not in known:
            problems.append(
                Problem(
                    Source(source, header_row),
                    name or None,
                    f"unknown column '{name}'{did_you_mean(name, known)}",
                    f"rename or remove it; the columns are {', '.join(known)}",
                )
            )
            bad_header = True
    missing = [name for name in required if name not in seen]
    if missing:
        problems.append(
            Problem(
                Source(source, header_row),
                missing[0],
                f"the header has no column{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
                f"add the missing column(s) to the header (cells may be left blank); "
                f"the required columns are {header_line}",
            )
        )
        bad_header = True
    if bad_header:
        return None

    rows: list[CsvRow] = []
    for row, record in records[1:]:
        if len(record) > len(names) and "".join(record[len(names) :]).strip():
            problems.append(
                Problem(
                    Source(source, row),
                    None,
                    f"this row has {len(record)} cells but the header has {len(names)} columns",
                    "remove the extra cells, or put a cell that contains a comma in double quotes",
                )
            )
            continue
        padded = record + [""] * (len(names) - len(record))
        # extra cells, all blank (checked above), are left out: zip stops at the last name
        rows.append(CsvRow(row, dict(zip(names, map(str.strip, padded), strict=False))))
    return rows


class RowCells:
    """Typed access to one row's cells, appending a :class:`Problem` for each bad cell."""

    def __init__(self, row: CsvRow, source: str, problems: list[Problem]) -> None:
        self.row = row
        self.source = source
        self.problems = problems
        self.failed = False

    def get(self, column: str) -> str:
        return self.row.cells.get(column, "")

    def source_of_row(self) -> Source:
        return Source(self.source, self.row.row)

    def problem(self, column: str | None, message: str, fix: str) -> None:
        self.failed = True
        self.problems.append(Problem(self.source_of_row(), column, message, fix))

    def date(self, column: str, *, today: date) -> date | None:
        text = self.get(column)
        if not text:
            self.problem(column, f"the {column} is missing", "write the date as YYYY-MM-DD")
            return None
        try:
            if not _ISO_DATE.match(text):
                raise ValueError(text)
            value = date.fromisoformat(text)
        except ValueError:
            self.problem(
                column,
                f"'{text}' is not a date",
                "write dates as YYYY-MM-DD, e.g. 2024-01-05",
            )
            return None
        if value > today:
            self.problem(
                column,
                f"{text} is a date in the future (today is {today.isoformat()})",
                "correct the date; only what has already happened belongs in this file",
            )
            return None
        return value

    def decimal(self, column: str) -> Decimal | None:
        """The cell as a number, or ``None`` when blank (or not a number: a problem)."""
        text = self.get(column)
        if not text:
            return None
        try:
            return dec(text)
        except ValueError:
            self.problem(
                column,
                f"'{text}' is not a number",
                "write a plain number such as 1234.56 (no letters or currency names)",
            )
            return None

    def symbol(self, column: str, known: Collection[str] | None) -> str | None:
        """The symbol, written as in ``known`` when it matches ignoring case."""
        text = self.get(column)
        if not text:
            self.problem(column, f"the {column} is missing", "write the ticker symbol")
            return None
        if known is None or text in known:
            return text
        folded = {symbol.casefold(): symbol for symbol in known}
        if text.casefold() in folded:
            return folded[text.casefold()]
        self.problem(
            column,
            f"unknown symbol '{text}'{did_you_mean(text, known)}",
            f"add [securities.{text}] with its asset_class to the household file, "
            "or correct the symbol",
        )
        return None


# --------------------------------------------------------------------------- prices


def read_prices(
    path: str | os.PathLike[str], *, today: date, known_symbols: Collection[str] | None = None
) -> list[Price]:
    """Read a prices CSV file (``date,symbol,price``).

    ``known_symbols``, when given, are the only symbols allowed (usually the household's
    securities).  Raises :class:`InputError` listing every problem.
    """
    return parse_prices(read_text(path), str(path), today=today, known_symbols=known_symbols)


def read_prices_with_sources(
    path: str | os.PathLike[str], *, today: date
) -> tuple[list[Price], list[Source]]:
    """Read a prices CSV file, with where each price was read (its file and row), for
    problems found later, such as a price that disagrees with one in the store."""
    return parse_prices_with_sources(read_text(path), str(path), today=today)


def parse_prices(
    text: str, source_name: str, *, today: date, known_symbols: Collection[str] | None = None
) -> list[Price]:
    """Parse prices CSV ``text``; ``source_name`` names the file in problems.

    Prices come back in file order, a repeated identical row only once.
    """
    return parse_prices_with_sources(text, source_name, today=today,
                                     known_symbols=known_symbols)[0]


@collector_paused(promote=True)  # see read_table
def parse_prices_with_sources(
    text: str, source_name: str, *, today: date, known_symbols: Collection[str] | None = None
) -> tuple[list[Price], list[Source]]:
    """Parse prices CSV ``text``: the prices in file order (a repeated row once) and,
    parallel to them, the row each was read from."""
    problems: list[Problem] = []
    rows = read_table(text, source_name, problems, required=PRICE_COLUMNS)
    if rows is None:
        raise InputError(problems)
    prices: list[Price] = []
    sources: list[Source] = []
    first: dict[tuple[date, str], tuple[Decimal, int]] = {}
    for row in rows:
        cells = RowCells(row, source_name, problems)
        day = cells.date("date", today=today)
        symbol = cells.symbol("symbol", known_symbols)
        price = cells.decimal("price")
        if price is None and not cells.failed:
            cells.problem("price", "the price is missing", "write the closing price per share")
        elif price is not None and price <= 0:
            cells.problem(
                "price",
                f"the price must be more than zero, got {cells.get('price')}",
                "write the closing price per share",
            )
        if cells.failed or day is None or symbol is None or price is None:
            continue
        key = (day, symbol)
        if key in first:
            earlier, earlier_row = first[key]
            if earlier != price:
                cells.problem(
                    "price",
                    f"{symbol} on {day.isoformat()} has two prices: {earlier} (row "
                    f"{earlier_row}) and {price}",
                    "keep one row per symbol and date",
                )
            continue
        first[key] = (price, row.row)
        prices.append(Price(date=day, symbol=symbol, price=price))
        sources.append(cells.source_of_row())
    if problems:
        raise InputError(problems)
    return prices, sources
