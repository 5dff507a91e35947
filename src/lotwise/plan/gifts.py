"""Charitable gifts in kind: which lots to give, and the purchase that restores the allocation.

Giving appreciated long-term shares to a public charity avoids the tax on their gain and is
deductible at fair market value (IRC §170(e)(1); IRS Pub 526, "Giving Property That Has
Increased in Value"; the deduction is limited to 30 % of AGI for such property, §170(b)(1)(C)).
So for a gift of $X the best lots are the long-term lots with the most gain per dollar; short-term
lots would be deductible only at basis and are never chosen.  The cash the donor would have given
buys the same security back, restoring the allocation with a basis at today's price (no wash
sale: nothing is sold at a loss).

Gifts are planned for owners under US rules; Canada's zero inclusion rate on gifts of listed
shares (ITA s.38(a.1)) is recorded by the ledger but not planned here.

Example: a $10,000 gift from a taxable account holding VTI lots bought at $150 and $280, now
$300: give 34 shares of the $150 lot (gain $5,100 never taxed), buy 34 VTI back with the $10,000.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_UP, Decimal

from lotwise.errors import InputError, Source
from lotwise.ledger.book import Book
from lotwise.ledger.holding import term_on
from lotwise.model.household import Household
from lotwise.model.lots import Term
from lotwise.model.numbers import ZERO
from lotwise.model.prices import PriceTable
from lotwise.plan.taxes import evaluate, tax_positions, unit_of_accounts
from lotwise.plan.trades import LotSale
from lotwise.regimes.base import US
from lotwise.report.words import counted


@dataclass(frozen=True)
class Gift:
    amount: Decimal
    lots: tuple[tuple[str, str, LotSale], ...]  # (account, symbol, lot given)
    value: Decimal
    gain_avoided: Decimal
    tax_avoided: Decimal
    rebuys: tuple[tuple[str, str, Decimal], ...]  # (account, symbol, shares)
    explanation: str


def plan_gift(household: Household, book: Book, prices: PriceTable, as_of: date,
              amount: Decimal, account: str | None = None) -> Gift:
    source = Source("gift request")
    if amount <= 0:
        raise InputError.one(source, "amount", "the gift must be more than zero",
                             "give --amount 5000")
    if account is not None and account not in household.accounts:
        raise InputError.one(source, "account", f"unknown account '{account}'",
                             f"use one of {', '.join(household.accounts)}")
    candidates = []
    for lot in book.lots:
        acct = household.accounts[lot.account]
        if (not acct.is_taxable or book.regime_of(lot.account) != US
                or (account is not None and lot.account != account)):
            continue
        if term_on(lot.holding_start, as_of) is not Term.LONG:
            continue
        price = prices.price_on(lot.symbol, as_of)
        value = lot.quantity * price
        if value > lot.basis:
            candidates.append(((value - lot.basis) / value, lot, price, acct.fractional))
    candidates.sort(key=lambda c: (-c[0], c[1].lot_id))
    available = sum((c[1].quantity * c[2] for c in candidates), ZERO)
    if available < amount:
        raise InputError.one(source, "amount",
                             f"the appreciated long-term lots are worth {available:,.2f}, less "
                             f"than the gift of {amount:,.2f}",
                             "give less, or give cash for the rest")
    left = amount
    given = []
    for _, lot, price, fractional in candidates:
        if left <= 0:
            break
        qty = min(lot.quantity, left / price)
        qty = qty.quantize(Decimal("0.0001") if fractional else Decimal(1), rounding=ROUND_UP)
        qty = min(qty, lot.quantity)
        basis = lot.basis * qty / lot.quantity
        given.append((lot.account, lot.symbol,
                      LotSale(lot.lot_id, lot.acquired, lot.holding_start, qty, basis,
                              qty * price, qty * price - basis, Term.LONG.value)))
        left -= qty * price
    value = sum((s.proceeds for _, _, s in given), ZERO)
    gain = sum((s.gain for _, _, s in given), ZERO)
    taxes = ZERO
    units: dict[str, Decimal] = {}
    unit_of = unit_of_accounts(household)
    for acct_id, _, sale in given:
        unit = unit_of[acct_id]
        units[unit] = units.get(unit, ZERO) + sale.gain
    positions = tax_positions(household, book, as_of)
    for unit, unit_gain in units.items():
        pos = positions[unit]
        taxes += evaluate(pos.with_gains(ZERO, unit_gain)).total - evaluate(pos).total
    rebuys: dict[tuple[str, str], Decimal] = {}
    for acct_id, symbol, sale in given:
        rebuys[(acct_id, symbol)] = rebuys.get((acct_id, symbol), ZERO) + sale.quantity
    text = (f"Give {counted(len(given), 'lot')} worth {value:,.2f} in kind: their {gain:,.2f} of "
            f"long-term gain is never taxed (a sale would have cost {taxes:,.2f}), and the gift "
            f"is deductible at fair market value (IRC §170(e), up to 30 % of AGI). Buy the same "
            f"shares back with the cash you would have given: the allocation is restored and "
            f"the new lots' basis is today's price.")
    return Gift(amount, tuple(given), value, gain, taxes,
                tuple((a, s, q) for (a, s), q in sorted(rebuys.items())), text)
