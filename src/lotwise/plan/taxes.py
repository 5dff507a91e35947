"""The year's tax position of each tax unit, as the planner sees it, under each owner's regime.

A *tax unit* is whoever shares one computation: under US rules the owner and spouse (their
key is ``alex+sam``, or ``alex`` alone); Canada and the UK tax each person separately, so
there the unit is the owner (``claire``).  Each unit has a position of its regime:

* US: :class:`~lotwise.tax.federal.TaxPosition`, built exactly as ``lotwise tax`` builds it
  (:func:`lotwise.tax.realized.carryforward_chain` from the first profile year), so the plan
  and the tax report agree to the cent;
* Canada: :class:`~lotwise.regimes.ca_position.CaPosition` (the Schedule 3 year so far);
* UK: :class:`~lotwise.regimes.uk_position.UkPosition` (the SA108 tax year so far).

:func:`evaluate` computes any of them and :func:`rates` gives the marginal rates that the
optimizer prices lots with; every amount is in the unit's own currency.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from lotwise.ledger.book import Book
from lotwise.ledger.uk import UkDisposal
from lotwise.model.household import Household
from lotwise.model.lots import Disposal, Term
from lotwise.model.numbers import ZERO
from lotwise.regimes.base import CA, UK, US, owner_regimes, sub_household
from lotwise.regimes.ca_position import CaComputed, CaPosition, ca_position
from lotwise.regimes.uk_position import UkComputed, UkPosition, uk_position
from lotwise.tax.federal import TaxPosition, TaxResult, compute
from lotwise.tax.marginal import MarginalRates, marginal_rates, rates_by_difference
from lotwise.tax.profile import parse_tax_profile, unit_key_of
from lotwise.tax.realized import carryforward_chain

Position = TaxPosition | CaPosition | UkPosition
Computed = TaxResult | CaComputed | UkComputed
# realized gain of a tax unit: (short-term, long-term, charged as income — the UK's offshore
# income gains, which only UK positions take)
Realized = tuple[Decimal, Decimal, Decimal]
NOTHING: Realized = (ZERO, ZERO, ZERO)


def evaluate(position: Position) -> Computed:
    """The year's tax of ``position`` (``.total``, and the losses it carries out)."""
    if isinstance(position, TaxPosition):
        return compute(position)
    return position.compute()


def rates(position: Position) -> MarginalRates:
    """The tax on the next dollar of gain and the value of the next dollar of loss."""
    if isinstance(position, TaxPosition):
        return marginal_rates(position)
    if isinstance(position, CaPosition):
        return rates_by_difference(position, position.future(), CaPosition.compute)
    return rates_by_difference(position, position.future(), UkPosition.compute, income=True)


def describe_position(position: Position) -> str:
    """Which tax a position prices, of which year, in which currency."""
    if isinstance(position, CaPosition):
        return f"{position.year} tax on taxable capital gains (CAD)"
    if isinstance(position, UkPosition):
        return (f"{position.params.label} capital gains tax and income tax on offshore funds "
                "(GBP)")
    return f"{position.year} federal + state on capital items (USD)"


def unit_of_accounts(household: Household) -> dict[str, str]:
    """``{account id: tax unit}``: the US return of a US owner's account (joint filers share
    one), the owner of a Canadian or UK resident's."""
    regimes = owner_regimes(household)
    us = household if all(c == US for c in regimes.values()) else sub_household(household, US)
    return {
        account.id: (unit_key_of(us, account.owner) if regimes[account.owner] == US
                     else account.owner)
        for account in household.accounts.values()
    }


def tax_positions(household: Household, book: Book, as_of: date) -> dict[str, Position]:
    """Each tax unit's position for its tax year of ``as_of`` with the gains realized so far.
    A Canadian or UK resident without a taxable account has nothing to price and no position."""
    regimes = owner_regimes(household)
    out: dict[str, Position] = {}
    if any(code == US for code in regimes.values()):
        out.update(_us_positions(household, regimes, book, as_of))
    for owner_id, code in sorted(regimes.items()):
        if code == US or not any(a.owner == owner_id and a.is_taxable
                                 for a in household.accounts.values()):
            continue
        if code == CA:
            out[owner_id] = ca_position(household, book, owner_id, as_of)
        elif code == UK:
            out[owner_id] = uk_position(household, book, owner_id, as_of)
    return out


def _us_positions(household: Household, regimes: Mapping[str, str], book: Book,
                  as_of: date) -> dict[str, Position]:
    us = household if all(c == US for c in regimes.values()) else sub_household(household, US)
    profile = parse_tax_profile(us)
    year = as_of.year
    earlier = [y for y in profile.profile_years() if y <= year]
    start = min(earlier) if earlier else year
    disposals = tuple(d for d in book.disposals if d.sold <= as_of and d.account in us.accounts)
    rows = carryforward_chain(us, disposals, range(start, year + 1), profile=profile)
    return {row.unit_key: row.result.position for row in rows if row.year == year}


def realized_by_unit(
    household: Household, disposals: Iterable[Disposal], as_of: date,
    uk_disposals: Iterable[UkDisposal] = (),
) -> dict[str, Realized]:
    """(short, long, income) gain per tax unit of the reportable disposals in each unit's
    tax year of ``as_of``.  Canada and the UK have no holding period: their gains are long.
    ``income`` are the gains charged as income: the disposals that ``uk_disposals`` (the
    book's, :attr:`~lotwise.ledger.book.Book.uk_disposals`) shows to be offshore income gains
    (SI 2009/3001 reg. 17; a loss on such a fund stays a capital loss, reg. 42)."""
    units = unit_of_accounts(household)
    regimes = owner_regimes(household)
    income_txns = {txn for d in uk_disposals if d.is_offshore_income_gain for txn in d.txn_ids}
    out: dict[str, Realized] = {}
    for d in disposals:
        owner = household.accounts[d.account].owner
        if not d.reportable or (regimes[owner] == US and d.sold.year != as_of.year):
            continue
        key = units[d.account]
        short, long, income = out.get(key, NOTHING)
        if d.txn_id in income_txns:
            income += d.gain
        elif d.term is Term.SHORT:
            short += d.gain
        else:
            long += d.gain
        out[key] = (short, long, income)
    return out


def total_tax(
    positions: Mapping[str, Position], extra: Mapping[str, Realized]
) -> dict[str, Decimal]:
    """Each unit's total tax with ``extra`` (short, long, income) gains added to its
    position."""
    return {
        key: evaluate(pos.with_gains(*extra.get(key, NOTHING))).total
        for key, pos in positions.items()
    }
