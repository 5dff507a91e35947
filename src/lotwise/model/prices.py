"""A table of closing prices, looked up as "the latest price on or before a day".

Prices are kept per symbol as two parallel tuples sorted by date; a lookup is a binary
search (:func:`bisect.bisect_right`) for the last date not after the day asked for.  With
closes for VTI on Friday 2024-03-01 (250.10) and Monday 2024-03-04 (251.00)::

    table.price_on("VTI", date(2024, 3, 2))   # Saturday -> 250.10, Friday's close
    table.price_on("VTI", date(2024, 3, 4))   # -> 251.00
    table.price_on("VTI", date(2024, 2, 29))  # before the first price -> MissingPriceError

A day with no price on or before it raises :class:`MissingPriceError`, whose message names
the symbol and the day and says which row to add to the prices file.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from lotwise.model.transactions import Price


class MissingPriceError(LookupError):
    """No price for ``symbol`` on or before ``day``."""

    def __init__(self, symbol: str, day: date, first: date | None = None) -> None:
        self.symbol = symbol
        self.day = day
        self.first = first
        if first is None:
            what = f"no price for {symbol}: the prices file has no row for it"
        else:
            what = (
                f"no price for {symbol} on or before {day.isoformat()} "
                f"(its first price is on {first.isoformat()})"
            )
        super().__init__(
            f"{what}. Fix: add a row {day.isoformat()},{symbol},<closing price> to the prices file"
        )


class PriceTable:
    """Closing prices by symbol and date; immutable once built.

    Built from :class:`~lotwise.model.transactions.Price` values in any order.  The same
    (symbol, date) given twice must have the same price, else ``ValueError``.
    """

    __slots__ = ("_dates", "_last_date", "_prices")

    def __init__(self, prices: Iterable[Price] = ()) -> None:
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
            raise MissingPriceError(symbol, day)
        index = bisect_right(days, day)
        if index == 0:
            raise MissingPriceError(symbol, day, days[0])
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
