"""Frozen domain types: household, accounts, securities, transactions, lots, disposals.

No I/O happens here.  Money and quantities are :class:`decimal.Decimal`, built through
:func:`lotwise.model.numbers.dec`.
"""

from lotwise.model.household import (
    Account,
    AccountType,
    FilingStatus,
    Household,
    Owner,
    Policy,
    ScheduledPurchase,
    Security,
    TargetAllocation,
)
from lotwise.model.lots import Disposal, OpenLot, Term, WashSale
from lotwise.model.numbers import ZERO, dec, money
from lotwise.model.transactions import Action, LotPick, Price, Transaction

__all__ = [
    "ZERO",
    "Account",
    "AccountType",
    "Action",
    "Disposal",
    "FilingStatus",
    "Household",
    "LotPick",
    "OpenLot",
    "Owner",
    "Policy",
    "Price",
    "ScheduledPurchase",
    "Security",
    "TargetAllocation",
    "Term",
    "Transaction",
    "WashSale",
    "dec",
    "money",
]
