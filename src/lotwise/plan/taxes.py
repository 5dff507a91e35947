"""The year's tax position of each tax unit, as the planner sees it.

Built exactly as ``lotwise tax`` builds it (:func:`lotwise.tax.realized.carryforward_chain`
from the first profile year), so the plan and the tax report agree to the cent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from lotwise.ledger.book import Book
from lotwise.model.household import Household
from lotwise.model.lots import Disposal, Term
from lotwise.model.numbers import ZERO
from lotwise.tax.federal import TaxPosition, compute
from lotwise.tax.profile import parse_tax_profile, unit_key_of
from lotwise.tax.realized import carryforward_chain


def tax_positions(household: Household, book: Book, as_of: date) -> dict[str, TaxPosition]:
    """Each tax unit's position for the year of ``as_of`` with the gains realized so far."""
    profile = parse_tax_profile(household)
    year = as_of.year
    earlier = [y for y in profile.profile_years() if y <= year]
    start = min(earlier) if earlier else year
    disposals = tuple(d for d in book.disposals if d.sold <= as_of)
    rows = carryforward_chain(household, disposals, range(start, year + 1), profile=profile)
    return {row.unit_key: row.result.position for row in rows if row.year == year}


def realized_by_unit(
    household: Household, disposals: Iterable[Disposal], year: int
) -> dict[str, tuple[Decimal, Decimal]]:
    """(short, long) net gain per tax unit of the reportable disposals of ``year``."""
    out: dict[str, tuple[Decimal, Decimal]] = {}
    for d in disposals:
        if not d.reportable or d.sold.year != year:
            continue
        key = unit_key_of(household, household.accounts[d.account].owner)
        short, long = out.get(key, (ZERO, ZERO))
        if d.term is Term.SHORT:
            short += d.gain
        else:
            long += d.gain
        out[key] = (short, long)
    return out


def total_tax(
    positions: Mapping[str, TaxPosition], extra: Mapping[str, tuple[Decimal, Decimal]]
) -> dict[str, Decimal]:
    """Each unit's total tax with ``extra`` (short, long) gains added to its position."""
    return {
        key: compute(pos.with_gains(*extra.get(key, (ZERO, ZERO)))).total
        for key, pos in positions.items()
    }
