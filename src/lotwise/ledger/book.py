"""The result of replaying a journal: the book of record at a point in time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from lotwise.model.lots import Disposal, OpenLot, WashSale

if TYPE_CHECKING:
    from lotwise.ledger.ca import CaDisposition, SuperficialLoss
    from lotwise.ledger.pools import PoolBalance
    from lotwise.ledger.uk import UkDisposal


@dataclass(frozen=True, slots=True)
class CashEvent:
    """Income and cash movements kept for the tax year: dividends, interest, fees, etc.

    ``amount`` is the gross amount; for a dividend with foreign tax withheld at source,
    ``withholding`` is that tax (the cash received is ``amount - withholding``) and
    ``source_country`` the payer's country (see :mod:`lotwise.withholding`).
    """

    txn_id: str
    date: date
    account: str
    action: str
    symbol: str | None
    amount: Decimal
    withholding: Decimal = Decimal(0)
    source_country: str | None = None


@dataclass(frozen=True, slots=True)
class Book:
    """Open lots, disposals and wash sales after replaying transactions up to ``as_of``.

    ``cash`` is each account's cash balance in the account's own currency
    (:meth:`cash_currency_of`; :mod:`lotwise.ledger.cash`): value it at the rate of the day
    it is valued, never at the rates of the deposits.  Everything here is derived from the
    journal and is reproduced exactly by replaying it again.

    ``disposals`` and ``cash_events`` behave as tuples of their rows (length, indexing,
    slicing, iteration as often as wanted, equality with a tuple); the US replay keeps them
    column by column and makes each row when it is read (:class:`lotwise.model.rows.ColumnRows`).
    """

    as_of: date | None
    lots: tuple[OpenLot, ...]
    disposals: Sequence[Disposal]
    wash_sales: tuple[WashSale, ...]
    cash: Mapping[str, Decimal] = field(default_factory=dict)
    cash_events: Sequence[CashEvent] = ()
    # Accounts of owners taxed outside the United States (see docs/regimes.md).  An account
    # missing from ``regimes`` is under US rules and its amounts are in ``USD``.
    regimes: Mapping[str, str] = field(default_factory=dict)  # account -> US, CA or UK
    currencies: Mapping[str, str] = field(default_factory=dict)  # account -> tax currency
    cash_currencies: Mapping[str, str] = field(default_factory=dict)  # account -> its own
    pools: tuple[PoolBalance, ...] = ()  # Canadian ACB and UK section 104 pools at as_of
    superficial_losses: tuple[SuperficialLoss, ...] = ()  # Canada, ITA s.54
    ca_dispositions: tuple[CaDisposition, ...] = ()  # Canada, Schedule 3 lines
    uk_disposals: tuple[UkDisposal, ...] = ()  # United Kingdom, one per person, share, day

    def regime_of(self, account: str) -> str:
        """``US``, ``CA`` or ``UK``: the regime the account's owner is taxed under."""
        return self.regimes.get(account, "US")

    def currency_of(self, account: str) -> str:
        """The currency of the book's amounts for ``account`` (lots, disposals, pools, cash
        events): its owner's tax currency.  Its cash is in :meth:`cash_currency_of`."""
        return self.currencies.get(account, "USD")

    def cash_currency_of(self, account: str) -> str:
        """The currency of ``cash[account]``: the account's own, which need not be the
        currency of its other amounts (a Canadian resident's US-dollar account)."""
        return self.cash_currencies.get(account) or self.currency_of(account)

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
