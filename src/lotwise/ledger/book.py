"""The result of replaying a journal: the book of record at a point in time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from lotwise.model.lots import Disposal, OpenLot, WashSale


@dataclass(frozen=True, slots=True)
class CashEvent:
    """Income and cash movements kept for the tax year: dividends, interest, fees, etc."""

    txn_id: str
    date: date
    account: str
    action: str
    symbol: str | None
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Book:
    """Open lots, disposals and wash sales after replaying transactions up to ``as_of``.

    ``cash`` is each account's cash balance.  Everything here is derived from the journal
    and is reproduced exactly by replaying it again.
    """

    as_of: date | None
    lots: tuple[OpenLot, ...]
    disposals: tuple[Disposal, ...]
    wash_sales: tuple[WashSale, ...]
    cash: Mapping[str, Decimal] = field(default_factory=dict)
    cash_events: tuple[CashEvent, ...] = ()

    def lots_in(self, account: str) -> tuple[OpenLot, ...]:
        return tuple(lot for lot in self.lots if lot.account == account)

    def positions(self) -> dict[tuple[str, str], Decimal]:
        """Shares held per (account, symbol)."""
        held: dict[tuple[str, str], Decimal] = {}
        for lot in self.lots:
            key = (lot.account, lot.symbol)
            held[key] = held.get(key, Decimal(0)) + lot.quantity
        return held

    def disposals_in_year(self, year: int) -> tuple[Disposal, ...]:
        return tuple(d for d in self.disposals if d.sold.year == year)
