"""Results of a replay: open lots, disposals and wash sales."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Term(StrEnum):
    SHORT = "short"
    LONG = "long"


@dataclass(frozen=True, slots=True)
class OpenLot:
    """Shares of one acquisition still held in one account.

    ``acquired`` is the trade date of the acquisition; ``holding_start`` is the date the
    holding period is counted from, earlier than ``acquired`` when a wash sale tacked the
    holding period of the shares sold onto this lot (IRC §1223(3)).  ``basis`` is the total
    adjusted basis of ``quantity`` shares, including any disallowed loss added to it.
    """

    lot_id: str
    account: str
    symbol: str
    quantity: Decimal
    basis: Decimal
    acquired: date
    holding_start: date
    origin: str
    wash_adjustment: Decimal

    @property
    def basis_per_share(self) -> Decimal:
        return self.basis / self.quantity


@dataclass(frozen=True, slots=True)
class Disposal:
    """Shares of one lot relieved by one sale (or donation), in Form 8949 terms.

    ``gain = proceeds - basis + adjustment``; ``adjustment`` is positive for a disallowed
    wash-sale loss (code ``W``).  ``reportable`` is false for sales inside tax-advantaged
    accounts and for donations, which realize nothing.
    """

    txn_id: str
    lot_id: str
    account: str
    symbol: str
    quantity: Decimal
    acquired: date
    holding_start: date
    sold: date
    proceeds: Decimal
    basis: Decimal
    adjustment_code: str
    adjustment: Decimal
    gain: Decimal
    term: Term
    kind: str = "sale"  # sale, donation, return_of_capital
    reportable: bool = True


@dataclass(frozen=True, slots=True)
class WashSale:
    """A loss disallowed, wholly or in part, by replacement shares.

    ``permanent`` is true when the replacement was bought in an IRA, Roth IRA or HSA:
    the loss is not added to any basis and is lost for good (Rev. Rul. 2008-5).
    """

    loss_txn_id: str
    loss_lot_id: str
    sold: date
    account: str
    symbol: str
    quantity: Decimal
    disallowed: Decimal
    replacement_lot_id: str
    replacement_account: str
    replacement_symbol: str
    replacement_acquired: date
    permanent: bool
