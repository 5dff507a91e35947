"""A UK resident's tax year of capital gains as the planner prices it.

:class:`UkPosition` holds the tax year's gains so far per rate period, its losses, the
losses brought forward and the owner's taxable income; :meth:`UkPosition.with_gains` adds
a plan's net gain (or loss) on the plan's day, and :meth:`UkPosition.compute` charges the
year exactly as the SA108 computation does (:func:`lotwise.regimes.uk.compute_totals`:
the year's losses in full, losses brought forward only down to the annual exempt amount,
the exempt amount, then the lower and higher rates over the basic rate band left).  There
is no holding period, so short and long gains are one.

A loss the year cannot use is carried forward (TCGA 1992 s.2(2)(b)) and is only ever set
against gains above a later year's exempt amount (s.3(5A)), so :meth:`UkPosition.future`
— the year a carried pound is assumed to meet — is this year with its exempt amount
already used: a carried pound is worth the rate of the next taxable pound of gain.

Example (2025-26, exempt amount £3,000, taxable income £52,000 so no basic rate band is
left): £2,000 of gains so far.  The next £1,000 of gain is covered by the exempt amount
(rate 0); beyond it each pound costs 24p.  A £5,000 loss today nets the year to -£3,000:
it saves nothing now and carries £3,000 forward, each pound of it worth 24p later (times
the carry-forward discount).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from lotwise.ledger.book import Book
from lotwise.ledger.uk import uk_tax_year
from lotwise.model.household import Household
from lotwise.model.numbers import ZERO
from lotwise.regimes.uk import (
    UkYearParams,
    compute_totals,
    load_uk_year,
    period_totals,
    uk_years,
)

CARRY_DISCOUNT = Decimal("0.9")


@dataclass(frozen=True, slots=True)
class UkComputed:
    total: Decimal
    taxable_gains: Decimal
    carry_out_short: Decimal  # always zero: one kind of loss
    carry_out_long: Decimal  # losses carried forward


@dataclass(frozen=True, slots=True)
class UkPosition:
    owner: str
    tax_year: int
    params: UkYearParams
    period: int  # the rate period of the plan's day
    gains: tuple[Decimal, ...]  # per rate period, so far this tax year
    losses: Decimal
    brought_forward: Decimal
    taxable_income: Decimal | None
    extra: Decimal = ZERO  # net gain the plan adds on its day
    carry_discount: Decimal = CARRY_DISCOUNT

    def with_gains(self, extra_short: Decimal, extra_long: Decimal) -> UkPosition:
        return replace(self, extra=self.extra + extra_short + extra_long)

    def compute(self) -> UkComputed:
        gains = list(self.gains)
        losses = self.losses
        if self.extra >= 0:
            gains[self.period] += self.extra
        else:
            losses -= self.extra
        result = compute_totals(self.params, gains, losses, self.brought_forward,
                                self.taxable_income)
        return UkComputed(
            total=sum((s.tax for s in result.slices), ZERO),
            taxable_gains=result.taxable,
            carry_out_short=ZERO,
            carry_out_long=result.carried_forward,
        )

    def future(self) -> UkPosition:
        """This year with its exempt amount used up and nothing else realized."""
        gains = [ZERO] * len(self.gains)
        gains[self.period] = self.params.annual_exempt_amount
        return replace(self, gains=tuple(gains), losses=ZERO, brought_forward=ZERO,
                       extra=ZERO)


def uk_position(household: Household, book: Book, owner_id: str, as_of: date) -> UkPosition:
    """The owner's position for the tax year of ``as_of`` from the book's disposals."""
    tax_year = uk_tax_year(as_of)
    year = uk_years(book, household, owner_id, tax_year)[-1]
    params: UkYearParams = load_uk_year(tax_year)
    gains, losses = period_totals(params, tuple(d for d in year.disposals if d.date <= as_of))
    return UkPosition(
        owner=owner_id,
        tax_year=tax_year,
        params=params,
        period=params.period_of(as_of),
        gains=tuple(gains),
        losses=losses,
        brought_forward=year.losses_brought_forward,
        taxable_income=year.taxable_income,
    )
