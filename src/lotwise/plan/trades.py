"""What a plan says to do: trades, the lots each sale relieves, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lotwise.report.values import cents, shares


@dataclass(frozen=True, slots=True)
class LotSale:
    """Shares of one open lot that a sale relieves, for a specific-identification order."""

    lot_id: str
    acquired: date
    holding_start: date
    quantity: Decimal
    basis: Decimal
    proceeds: Decimal
    gain: Decimal
    term: str


@dataclass(frozen=True, slots=True)
class Trade:
    account: str
    action: str  # buy or sell
    symbol: str
    quantity: Decimal
    price: Decimal
    lots: tuple[LotSale, ...]
    reasons: tuple[str, ...]
    rationale: str

    @property
    def value(self) -> Decimal:
        return self.quantity * self.price

    @property
    def gain(self) -> Decimal:
        return sum((lot.gain for lot in self.lots), Decimal(0))

    def to_json(self) -> dict[str, object]:
        return {
            "account": self.account,
            "action": self.action,
            "symbol": self.symbol,
            "quantity": shares(self.quantity),
            "price": cents(self.price),
            "value": cents(self.value),
            "lots": [
                {
                    "lot": lot.lot_id,
                    "acquired": lot.acquired.isoformat(),
                    "quantity": shares(lot.quantity),
                    "basis": cents(lot.basis),
                    "proceeds": cents(lot.proceeds),
                    "gain": cents(lot.gain),
                    "term": lot.term,
                }
                for lot in self.lots
            ],
            "reasons": list(self.reasons),
            "rationale": self.rationale,
        }


# Reason codes, machine-readable; the rationale sentence says the same in words.
CASH_FLOW = "CASH_FLOW"  # invests a contribution or raises a withdrawal
TAX_FREE_ACCOUNT = "TAX_FREE_ACCOUNT"  # trade inside a traditional, Roth or HSA account
OVERWEIGHT = "OVERWEIGHT"
UNDERWEIGHT = "UNDERWEIGHT"
REALIZES_LOSS = "REALIZES_LOSS"
LONG_TERM_GAIN = "LONG_TERM_GAIN"
SHORT_TERM_GAIN = "SHORT_TERM_GAIN"
POOLED_GAIN = "POOLED_GAIN"  # a gain at a Canadian ACB or UK section 104 pool's average cost
CASH_INVESTED = "CASH_INVESTED"  # puts idle cash to work
ASSET_LOCATION = "ASSET_LOCATION"
HARVEST = "HARVEST"  # realizes a loss on purpose (plan --harvest)
REPLACEMENT = "REPLACEMENT"  # keeps the exposure of a harvested position
WITHHOLDING = "WITHHOLDING"  # placed where its dividends lose no tax withheld at source
