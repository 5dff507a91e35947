"""Gain harvesting: realize long-term gains inside the room left in the 0 % bracket.

Long-term gains that fit under the top of the 0 % bracket cost no federal income tax
(IRC §1(h)(1)(B); the Qualified Dividends and Capital Gain Tax Worksheet).  Selling such lots
and buying the same security back at once steps the basis up for free — gains have no
wash-sale rule (IRC §1091 speaks only of losses).  The room is found exactly by
:func:`lotwise.tax.marginal.zero_rate_room`; lots are taken most appreciated first (the most
basis stepped up per dollar traded), the last one in part.  State tax on the gain, if any, is
shown as a cost.

Example: a married couple with $60,000 of taxable ordinary income in 2026 has about $38,700 of
room; their VTI lot bought at $150, now $300, gives $150 of gain a share, so about 258 shares
are sold and bought back, raising their basis by $38,700 and costing no federal tax.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from lotwise.fx import FxTable
from lotwise.ledger.book import Book
from lotwise.ledger.holding import term_on
from lotwise.model.household import Household
from lotwise.model.lots import Term
from lotwise.model.numbers import ZERO, without_negative_zero
from lotwise.model.prices import PriceTable
from lotwise.plan.money import in_base_currency
from lotwise.plan.options import TradingCosts
from lotwise.plan.taxes import tax_positions, unit_of_accounts
from lotwise.plan.trades import LotSale
from lotwise.report.words import counted
from lotwise.tax.federal import TaxPosition, compute
from lotwise.tax.marginal import zero_rate_room

STEP = Decimal("0.0001")


@dataclass(frozen=True)
class GainHarvest:
    unit: str
    room: Decimal
    lots: tuple[tuple[str, str, LotSale], ...]  # (account, symbol, lot)
    gain: Decimal
    federal_tax: Decimal
    other_tax: Decimal  # state and NIIT on the harvested gain
    trading_costs: Decimal
    explanation: str


def gain_harvest(household: Household, book: Book, prices: PriceTable, as_of: date,
                 costs: TradingCosts | None = None,
                 fx: FxTable | None = None) -> list[GainHarvest]:
    """Each US tax unit's gain harvest, in USD (the unit's tax currency): a lot's price is
    converted from its security's currency (``fx``) before it meets the lot's USD basis."""
    costs = costs or TradingCosts()
    out = []
    unit_of = unit_of_accounts(household)
    view = in_base_currency(household, book, prices, fx, as_of)
    for unit, pos in tax_positions(household, book, as_of).items():
        if not isinstance(pos, TaxPosition):
            continue  # the 0 % bracket is US law
        room = zero_rate_room(pos)
        candidates = []
        for lot in book.lots:
            account = household.accounts[lot.account]
            if not account.is_taxable or unit_of[account.id] != unit:
                continue
            if term_on(lot.holding_start, as_of) is not Term.LONG:
                continue
            price = (view.prices.price_on(lot.symbol, as_of)
                     / view.factor(book.currency_of(account.id)))
            gain = lot.quantity * price - lot.basis
            if gain > 0:
                candidates.append((gain / (lot.quantity * price), lot, price,
                                   account.fractional))
        candidates.sort(key=lambda c: (-c[0], c[1].lot_id))
        left = room
        chosen = []
        for _, lot, price, fractional in candidates:
            if left <= 0:
                break
            per_share = price - lot.basis / lot.quantity
            qty = min(lot.quantity, left / per_share)
            qty = qty.quantize(STEP if fractional else Decimal(1), rounding=ROUND_DOWN)
            if qty <= 0:
                continue
            basis = lot.basis * qty / lot.quantity
            sale = LotSale(lot.lot_id, lot.acquired, lot.holding_start, qty, basis,
                           qty * price, qty * price - basis, Term.LONG.value)
            chosen.append((lot.account, lot.symbol, sale))
            left -= sale.gain
        gain = sum((s.gain for _, _, s in chosen), ZERO)
        base, after = compute(pos), compute(pos.with_gains(ZERO, gain))
        value = sum((s.proceeds for _, _, s in chosen), ZERO)
        trading = 2 * value * costs.spread + 2 * costs.commission * len(chosen)
        federal = without_negative_zero(after.income_tax - base.income_tax)
        other = without_negative_zero((after.total - base.total) - federal)
        text = (f"{unit}: {room:,.2f} USD of long-term gain fits in the 0 % bracket; "
                f"realizing {gain:,.2f} ({counted(len(chosen), 'lot')}, sold and bought back "
                f"at once — gains have no wash-sale rule) raises the basis by as much for "
                f"{federal:,.2f} of federal income tax")
        text += f" and {other:,.2f} of state tax and NIIT" if other else ""
        text += f"; trading costs {trading:,.2f}."
        if not chosen:
            text = f"{unit}: no long-term gains to harvest in the {room:,.2f} USD of 0 % room."
        out.append(GainHarvest(unit, room, tuple(chosen), gain, federal, other, trading, text))
    return out
