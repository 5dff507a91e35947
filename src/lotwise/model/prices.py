"""A table of closing prices, looked up as "the latest price on or before a day".

Prices are kept per symbol as two parallel tuples sorted by date; a lookup is a binary
search (:func:`bisect.bisect_right`) for the last date not after the day asked for.  With
closes for VTI on Friday 2024-03-01 (250.10) and Monday 2024-03-04 (251.00)::

    table.price_on("VTI", date(2024, 3, 2))   # Saturday -> 250.10, Friday's close
    table.price_on("VTI", date(2024, 3, 4))   # -> 251.00
    table.price_on("VTI", date(2024, 2, 29))  # before the first price -> MissingPriceError

A day with no price on or before it raises :class:`MissingPriceError`, whose message names
the symbol and the day, where the prices came from (the table's :class:`PricesOrigin`: the
``--prices`` file by its path, or the store) and the row to add there::

    no price for VTI on or before 2024-02-29 in prices.csv (its first price is on
    2024-03-01). Fix: add a row 2024-02-29,VTI,<closing price> to prices.csv
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lotwise.model.transactions import Price


@dataclass(frozen=True, slots=True)
class PricesOrigin:
    """Where a table's prices come from, in the words of a message about a missing price:
    ``name`` ends "no price for VTI ... in <name>", ``add_to`` ends the fix "add a row
    2024-01-02,VTI,<closing price> to <add_to>"."""

    name: str
    add_to: str

    @classmethod
    def file(cls, path: str) -> PricesOrigin:
        """The prices of the file ``path`` (``--prices``), named by its path."""
        return cls(path, path)


#: Prices of a table whose source is not known more precisely.
PRICES_FILE = PricesOrigin("the prices file", "the prices file (--prices), or to a prices CSV "
                           "imported with `lotwise import prices FILE`")
#: No ``--prices`` file was given to a command run on files.
NO_PRICES_FILE = PricesOrigin(
    "the prices given (no --prices file)",
    "a prices CSV (header date,symbol,price) and pass it with --prices FILE")
#: Prices imported into the store with ``lotwise import prices``.
STORED_PRICES = PricesOrigin(
    "the store's prices",
    "a prices CSV (header date,symbol,price) and import it with `lotwise import prices FILE`")


class MissingPriceError(LookupError):
    """No price for ``symbol`` on or before ``day`` in a table from ``origin``."""

    def __init__(self, symbol: str, day: date, first: date | None = None,
                 origin: PricesOrigin = PRICES_FILE) -> None:
        self.symbol = symbol
        self.day = day
        self.first = first
        self.origin = origin
        if first is None:
            what = f"no price for {symbol} in {origin.name}: there is no row for it"
        else:
            what = (
                f"no price for {symbol} on or before {day.isoformat()} in {origin.name} "
                f"(its first price is on {first.isoformat()})"
            )
        super().__init__(
            f"{what}. Fix: add a row {day.isoformat()},{symbol},<closing price> to "
            f"{origin.add_to}"
        )


class PriceTable:
    """Closing prices by symbol and date; immutable once built.

    Built from :class:`~lotwise.model.transactions.Price` values in any order.  The same
    (symbol, date) given twice must have the same price, else ``ValueError``.  ``origin``
    says where they come from; ``first_dates`` gives, for a table derived from another
    (the as-of day's prices converted to one currency), each symbol's first date in the
    original, so that a missing price is reported as the original would report it.
    """

    __slots__ = ("_dates", "_first_dates", "_last_date", "_prices", "origin")

    def __init__(self, prices: Iterable[Price] = (), origin: PricesOrigin = PRICES_FILE,
                 first_dates: Mapping[str, date] | None = None) -> None:
        self.origin = origin
        self._first_dates = dict(first_dates or {})
        by_symbol: dict[str, dict[date, Decimal]] = {}
        for price in prices:
            series = by_symbol.setdefault(price.symbol, {})
            known = series.get(price.date)
            if known is not None and known != price.price:
                raise ValueError(
                    f"two prices for {price.symbol} on {price.date.isoformat()}: "
                    f"{known} and {price.price}"
                )
            series[price.date] = price.price
        self._dates: dict[str, tuple[date, ...]] = {}
        self._prices: dict[str, tuple[Decimal, ...]] = {}
        for symbol, series in by_symbol.items():
            days = tuple(sorted(series))
            self._dates[symbol] = days
            self._prices[symbol] = tuple(series[day] for day in days)
        self._last_date = max((days[-1] for days in self._dates.values()), default=None)

    def price_on(self, symbol: str, day: date) -> Decimal:
        """The latest price of ``symbol`` on or before ``day``."""
        days = self._dates.get(symbol)
        if days is None:
            raise MissingPriceError(symbol, day, self._first_dates.get(symbol), self.origin)
        index = bisect_right(days, day)
        if index == 0:
            raise MissingPriceError(symbol, day, days[0], self.origin)
        return self._prices[symbol][index - 1]

    def has(self, symbol: str) -> bool:
        """Whether the table has any price for ``symbol``."""
        return symbol in self._dates

    def symbols(self) -> frozenset[str]:
        return frozenset(self._dates)

    def dates(self, symbol: str) -> tuple[date, ...]:
        """The dates with a price for ``symbol``, ascending (empty when it has none)."""
        return self._dates.get(symbol, ())

    @property
    def last_date(self) -> date | None:
        """The latest date with any price, or ``None`` for an empty table."""
        return self._last_date

    def __len__(self) -> int:
        return sum(len(days) for days in self._dates.values())

    def __repr__(self) -> str:
        return f"PriceTable({len(self._dates)} symbols, {len(self)} prices, last {self._last_date})"
