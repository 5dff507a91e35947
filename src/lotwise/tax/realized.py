"""Realized gains by year, term and tax unit, and carryforwards from one year to the next.

:func:`realized` sums the ``gain`` of every *reportable* disposal sold in the year (sales in
taxable accounts; not sales inside IRAs / Roths / HSAs, nor donations) into short- and
long-term totals per tax unit, mapping each disposal's account to its owner
(``household.accounts[acct].owner``) and the owner to its tax unit.  Wash-sale adjustments
are already inside ``gain`` (Form 8949 column (g), code W).

:func:`carryforward_chain` runs the year's computation for consecutive years, feeding each
year's carryovers out (Capital Loss Carryover Worksheet lines 8 and 13) into the next year's
Schedule D lines 6 and 14.  Worked example, single filer, no other capital activity:

    2024: short-term -20,000 realized, carry in 0   -> deduct 3,000, carry out ST 17,000
    2025: long-term  +5,000 realized, carry in ST 17,000
          line 7 = -17,000, line 15 = 5,000, line 16 = -12,000 -> deduct 3,000
          worksheet: line 5 = 17,000, line 6 = 5,000, line 7 = 8,000 -> carry out ST 9,000
    2026: carry in ST 9,000 ...
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from lotwise.errors import InputError, Source
from lotwise.model.household import Household
from lotwise.model.lots import Disposal, Term
from lotwise.model.numbers import ZERO
from lotwise.tax.federal import TaxResult, compute
from lotwise.tax.profile import TaxProfile, build_position, parse_tax_profile, unit_key_of


def realized(
    book_disposals: Iterable[Disposal], household: Household, year: int
) -> dict[str, tuple[Decimal, Decimal]]:
    """``{tax unit key: (short-term gain, long-term gain)}`` for ``year``; every tax unit of
    the household appears, with zeros when it realized nothing."""
    totals: dict[str, list[Decimal]] = {}
    for owner_id in household.owners:
        totals.setdefault(unit_key_of(household, owner_id), [ZERO, ZERO])
    for d in book_disposals:
        if not d.reportable or d.sold.year != year:
            continue
        account = household.accounts.get(d.account)
        if account is None:
            raise InputError.one(
                Source("transactions", None),
                "account",
                f"disposal {d.txn_id} ({d.symbol}) is in account '{d.account}', which the "
                "household does not define",
                "add the account to the household file or correct the transaction",
            )
        key = unit_key_of(household, account.owner)
        pair = totals.setdefault(key, [ZERO, ZERO])
        if d.term is Term.SHORT:
            pair[0] += d.gain
        else:
            pair[1] += d.gain
    return {key: (pair[0], pair[1]) for key, pair in sorted(totals.items())}


@dataclass(frozen=True, slots=True)
class CarryRow:
    """One tax unit's year: carryovers in, the computation, carryovers out.

    ``profile_year`` is the year whose amounts were used (an earlier one when the year has
    no profile of its own)."""

    year: int
    unit_key: str
    carry_in_short: Decimal
    carry_in_long: Decimal
    short_realized: Decimal
    long_realized: Decimal
    result: TaxResult
    profile_year: int

    @property
    def carry_out_short(self) -> Decimal:
        return self.result.carry_out_short

    @property
    def carry_out_long(self) -> Decimal:
        return self.result.carry_out_long


def carryforward_chain(
    household: Household,
    disposals: Iterable[Disposal],
    years: Iterable[int],
    carry_in: Mapping[str, tuple[Decimal, Decimal]] | None = None,
    profile: TaxProfile | None = None,
) -> list[CarryRow]:
    """Rows for each year (ascending) and tax unit, carryovers flowing year to year.

    ``years`` must be consecutive.  The first year's carry in is ``carry_in[unit]`` when
    given (e.g. from the store), else the profile's ``carryforward_short`` /
    ``carryforward_long`` for that year, else zero.  A later year's profile may repeat the
    carry in only if it agrees with the chain; otherwise that is an :class:`InputError`.
    """
    ordered = sorted(set(years))
    if not ordered:
        return []
    if ordered != list(range(ordered[0], ordered[-1] + 1)):
        raise ValueError(f"years must be consecutive, got {ordered}")
    prof = profile or parse_tax_profile(household)
    all_disposals = tuple(disposals)
    rows: list[CarryRow] = []
    carry: dict[str, tuple[Decimal, Decimal]] = {}
    for index, year in enumerate(ordered):
        gains = realized(all_disposals, household, year)
        for unit in prof.units:
            yp = prof.profile_for(unit.key, year)
            own = yp.year == year
            if index == 0:
                if carry_in is not None and unit.key in carry_in:
                    c_short, c_long = carry_in[unit.key]
                elif own:
                    c_short = yp.carryforward_short or ZERO
                    c_long = yp.carryforward_long or ZERO
                else:
                    c_short = c_long = ZERO
            else:
                c_short, c_long = carry[unit.key]
                if own:
                    _check_repeat(prof, unit.key, year, yp.carryforward_short, c_short, "short")
                    _check_repeat(prof, unit.key, year, yp.carryforward_long, c_long, "long")
            short, long = gains.get(unit.key, (ZERO, ZERO))
            pos = build_position(unit, year, yp, short, long, c_short, c_long)
            result = compute(pos)
            rows.append(CarryRow(year, unit.key, c_short, c_long, short, long, result, yp.year))
            carry[unit.key] = (result.carry_out_short, result.carry_out_long)
    return rows


def _check_repeat(
    prof: TaxProfile, key: str, year: int, given: Decimal | None, chained: Decimal, term: str
) -> None:
    if given is None or given == chained:
        return
    table = f"tax.years.{year}" if len(prof.units) == 1 else f"tax.years.{year}.{key}"
    raise InputError.one(
        prof.source,
        f"{table}.carryforward_{term}",
        f"carryforward_{term} = {given} disagrees with the {chained} carried out of "
        f"{year - 1} by lotwise's own computation",
        f"remove it (lotwise carries it from {year - 1}), or start the computation at {year}",
    )
