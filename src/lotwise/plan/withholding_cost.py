"""Withholding tax in asset location: what holding a security in an account loses each year.

Foreign dividends have tax withheld at source (treaty rates in :mod:`lotwise.withholding`).
In a taxable account that tax is credited against the owner's own tax (US: IRC §901, Form
1116; Canada: ITA s.126(1); UK: TIOPA 2010 s.18), so it costs nothing in the end; in a
sheltered account there is no tax to credit it against and it is simply lost — unless the
treaty exempts the account (US dividends to an RRSP or RRIF: Canada-US Convention Art.
XXI(2); to a SIPP: UK-US Convention Art. 10(3)(b)).  So a dollar of a security held in an
account loses, per year,

    dividend yield × the rate withheld and not creditable there.

The planner counts ``withholding_horizon_years`` (``[policy]``, default 1) of that loss as a
cost per dollar bought into the account, and as a saving per dollar sold out of it, which is
enough to place new money well without selling anything to relocate.

The yield is the security's ``dividend_yield`` when the household gives it, else the
last 365 days' gross dividends and reinvested dividends of the security in the journal
divided by the household's holding of it today.  The source country is the security's
``source_country``, else the one on its latest dividend row; a security with neither has
no withholding cost.

Example: VTI (US source, 1.3 % yield) for Claire, a Canadian resident: 15 % is withheld in
her TFSA and lost (0.013 × 0.15 = 0.195 % a year), 0 % in her RRSP, and 15 % in her
non-registered account but credited: the plan buys VTI in the RRSP and Canadian-listed
funds in the TFSA.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from lotwise.errors import Source
from lotwise.ledger.book import Book
from lotwise.model.household import Household
from lotwise.model.numbers import ZERO
from lotwise.model.prices import MissingPriceError, PriceTable
from lotwise.plan.options import policy_number
from lotwise.regimes.base import regime_for
from lotwise.withholding import country

YEAR = timedelta(days=365)
_DIVIDENDS = ("dividend", "reinvest")


@dataclass(frozen=True, slots=True)
class LostWithholding:
    """What one security loses to withholding in one account, per dollar held per year."""

    account: str
    symbol: str
    source: str
    dividend_yield: Decimal
    rate: Decimal  # withheld and not creditable
    authority: str

    @property
    def per_year(self) -> Decimal:
        return self.dividend_yield * self.rate


def lost_withholding(household: Household, book: Book, prices: PriceTable,
                     as_of: date) -> dict[tuple[str, str], LostWithholding]:
    """Every (account, security) that loses withholding tax, with the figures."""
    yields = _yields(household, book, prices, as_of)
    sources = dividend_sources(household, book)
    out: dict[tuple[str, str], LostWithholding] = {}
    regimes = {owner: regime_for(household, owner) for owner in household.owners}
    for account in household.accounts.values():
        if account.is_taxable:
            continue  # credited at home
        regime = regimes[account.owner]
        for symbol in household.securities:
            source = sources.get(symbol)
            dividend_yield = yields.get(symbol, ZERO)
            if source is None or dividend_yield <= 0:
                continue
            rule = regime.withholding(source, account)
            if rule is None or rule.rate <= 0:
                continue
            out[(account.id, symbol)] = LostWithholding(
                account.id, symbol, source, dividend_yield, rule.rate, rule.authority)
    return out


def horizon_years(household: Household) -> Decimal:
    value = policy_number(household.policy.extra, "withholding_horizon_years",
                          Source(f"household {household.id}"))
    return Decimal(1) if value is None else value


def dividend_sources(household: Household, book: Book) -> dict[str, str]:
    """Each security's source country: its ``source_country``, else its latest dividend's."""
    found: dict[str, str] = {}
    for event in sorted(book.cash_events, key=lambda e: e.date):
        if event.symbol and event.source_country and event.action in _DIVIDENDS:
            found[event.symbol] = country(event.source_country)
    for symbol, security in household.securities.items():
        if security.source_country:
            found[symbol] = security.source_country
    return found


def _yields(household: Household, book: Book, prices: PriceTable,
            as_of: date) -> dict[str, Decimal]:
    paid: dict[str, Decimal] = {}
    for event in book.cash_events:
        if (event.symbol and event.action in _DIVIDENDS
                and as_of - YEAR < event.date <= as_of):
            paid[event.symbol] = paid.get(event.symbol, ZERO) + event.amount
    held: dict[str, Decimal] = {}
    for lot in book.lots:
        held[lot.symbol] = held.get(lot.symbol, ZERO) + lot.quantity
    out: dict[str, Decimal] = {}
    for symbol, security in household.securities.items():
        if security.dividend_yield is not None:
            out[symbol] = security.dividend_yield
            continue
        if symbol not in paid or not held.get(symbol):
            continue
        try:
            value = held[symbol] * prices.price_on(symbol, as_of)
        except MissingPriceError:
            continue
        if value > 0:
            out[symbol] = paid[symbol] / value
    return out


def describe(costs: Sequence[LostWithholding]) -> list[str]:
    """One note per security that loses withholding somewhere."""
    by_symbol: dict[str, list[LostWithholding]] = {}
    for cost in costs:
        by_symbol.setdefault(cost.symbol, []).append(cost)
    notes = []
    for symbol, items in sorted(by_symbol.items()):
        first = items[0]
        where = ", ".join(f"{c.account} {c.rate * 100:.0f} %" for c in items)
        notes.append(f"withholding: {symbol} dividends ({first.source} source, yield "
                     f"{first.dividend_yield * 100:.2f} %) lose tax withheld at source in "
                     f"{where} ({first.authority.split(';')[0]}); the plan weighs it in where "
                     f"{symbol} is bought")
    return notes
