"""The journal: transactions as read from a file, and prices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from lotwise.errors import Source


class Action(StrEnum):
    BUY = "buy"
    SELL = "sell"
    REINVEST = "reinvest"  # dividend reinvestment: an acquisition paid by a dividend
    DIVIDEND = "dividend"
    INTEREST = "interest"
    DEPOSIT = "deposit"
    WITHDRAWAL = "withdrawal"
    FEE = "fee"
    SPLIT = "split"  # quantity = new shares per old share
    TRANSFER = "transfer"  # in-kind to ``to_account``, keeping basis and dates
    DONATE = "donate"  # in-kind gift to charity: no gain realized
    RETURN_OF_CAPITAL = "return_of_capital"
    # UK: a reporting fund's income reported above what it paid out, per holding, on the
    # fund distribution date (Offshore Funds (Tax) Regulations 2009 regs. 94, 99)
    EXCESS_REPORTABLE_INCOME = "excess_reportable_income"

    @property
    def acquires(self) -> bool:
        return self in (Action.BUY, Action.REINVEST)

    @property
    def needs_symbol(self) -> bool:
        return self in _SYMBOL_ACTIONS


_SYMBOL_ACTIONS = frozenset(
    {
        Action.BUY,
        Action.SELL,
        Action.REINVEST,
        Action.SPLIT,
        Action.TRANSFER,
        Action.DONATE,
        Action.RETURN_OF_CAPITAL,
        Action.EXCESS_REPORTABLE_INCOME,
    }
)


@dataclass(frozen=True, slots=True)
class LotPick:
    """A lot named for specific identification: the id of the buy that opened it, and how many
    shares to take from it (``None``: as many as the sell still needs)."""

    lot_id: str
    quantity: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Transaction:
    """One row of the journal.

    ``seq`` is the order in the journal; replay sorts by ``(date, seq)`` so same-day rows
    keep their file order.  ``amount`` is the cash amount for cash actions (dividend,
    interest, deposit, withdrawal, fee, return_of_capital, excess_reportable_income, and the
    dividend that paid a reinvest); for buys and sells the cash is ``quantity * price`` plus
    or minus ``fees`` unless ``amount`` is given.  An excess_reportable_income row moves no
    cash: its ``amount`` is income reported, not paid.

    ``currency`` is the currency of the row's price, fees and amount (``None``: the
    security's currency for a row with a symbol, else the account's).  ``fx_rate``, when
    given, converts it into the account owner's tax currency (1 unit of ``currency`` =
    ``fx_rate`` units of the tax currency) instead of the rates file.  A dividend's
    ``source_country`` (ISO code of the payer's country) and ``withholding`` (foreign tax
    withheld, in the row's currency; ``None``: the treaty rate of
    :mod:`lotwise.withholding`) feed foreign tax credits; ``amount`` stays the gross dividend.
    """

    seq: int
    id: str
    date: date
    account: str
    action: Action
    symbol: str | None = None
    quantity: Decimal | None = None
    price: Decimal | None = None
    fees: Decimal = Decimal(0)
    amount: Decimal | None = None
    lots: tuple[LotPick, ...] = ()
    method: str | None = None
    to_account: str | None = None
    memo: str = ""
    source: Source | None = None
    currency: str | None = None
    fx_rate: Decimal | None = None
    source_country: str | None = None
    withholding: Decimal | None = None

    @property
    def gross(self) -> Decimal:
        """Shares times price, or ``amount`` when given."""
        if self.amount is not None:
            return self.amount
        assert self.quantity is not None and self.price is not None
        return self.quantity * self.price


@dataclass(frozen=True, slots=True)
class Price:
    date: date
    symbol: str
    price: Decimal
