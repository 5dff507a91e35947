"""A UK resident's tax year of capital gains as the planner prices it.

:class:`UkPosition` holds the tax year's gains so far per rate period, its losses, the
losses brought forward and the owner's taxable income; :meth:`UkPosition.with_gains` adds
a plan's net gain (or loss) on the plan's day, and :meth:`UkPosition.compute` charges the
year exactly as the SA108 computation does (:func:`lotwise.regimes.uk.compute_totals`:
the year's losses in full, losses brought forward only down to the annual exempt amount,
the exempt amount, then the lower and higher rates over the basic rate band left).  There
is no holding period, so short and long gains are one.

Income lotwise records for the owner is in the position too (:mod:`lotwise.regimes.uk_income`):
the offshore income gains realized so far and the excess reportable income of the year, and
``extra_income`` — the offshore income gains a plan adds (the third argument of
:meth:`UkPosition.with_gains`).  :meth:`UkPosition.compute` charges the income tax on them
first and then the gains over the basic rate band the income leaves (TCGA s.1I), so its total
is the capital gains tax *and* that income tax: a plan's sale of a fund without reporting
status at a gain costs income tax at 20, 40 or 45 %, and can push capital gains from the
lower to the higher rate.

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

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from lotwise.ledger.book import Book
from lotwise.ledger.uk import uk_tax_year
from lotwise.model.household import Household
from lotwise.model.numbers import ZERO
from lotwise.regimes.uk import (
    UkYearParams,
    compute_totals,
    income_items,
    load_uk_year,
    period_totals,
    uk_years,
)
from lotwise.regimes.uk_income import IncomeItems, income_tax

CARRY_DISCOUNT = Decimal("0.9")


@dataclass(frozen=True, slots=True)
class UkComputed:
    total: Decimal
    taxable_gains: Decimal
    carry_out_short: Decimal  # always zero: one kind of loss
    carry_out_long: Decimal  # losses carried forward
    income_tax: Decimal = ZERO  # of the total, the income tax on the income items


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
    income: IncomeItems = field(default_factory=IncomeItems)  # the year's income items so far
    extra_income: Decimal = ZERO  # offshore income gains the plan adds

    def with_gains(self, extra_short: Decimal, extra_long: Decimal,
                   extra_income: Decimal = ZERO) -> UkPosition:
        """More capital gain (negative: loss), and more offshore income gain."""
        return replace(self, extra=self.extra + extra_short + extra_long,
                       extra_income=self.extra_income + extra_income)

    def compute(self) -> UkComputed:
        gains = list(self.gains)
        losses = self.losses
        if self.extra >= 0:
            gains[self.period] += self.extra
        else:
            losses -= self.extra
        assert self.params.income is not None
        # income tax first (ITA 2007 s.23), then the gains over the band left (TCGA s.1I)
        charged = income_tax(self.params.income, self.taxable_income,
                             self.income + IncomeItems(self.extra_income))
        result = compute_totals(self.params, gains, losses, self.brought_forward,
                                charged.taxable_income)
        return UkComputed(
            total=sum((s.tax for s in result.slices), ZERO) + charged.tax,
            taxable_gains=result.taxable,
            carry_out_short=ZERO,
            carry_out_long=result.carried_forward,
            income_tax=charged.tax,
        )

    def future(self) -> UkPosition:
        """This year with its exempt amount used up and nothing else realized (its excess
        reportable income, which recurs, kept; its offshore income gains, which do not,
        left out)."""
        gains = [ZERO] * len(self.gains)
        gains[self.period] = self.params.annual_exempt_amount
        income = IncomeItems(ZERO, self.income.interest, self.income.dividends)
        return replace(self, gains=tuple(gains), losses=ZERO, brought_forward=ZERO,
                       extra=ZERO, income=income, extra_income=ZERO)


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
        income=income_items(household,
                            (d for d in year.offshore_income_gains if d.date <= as_of),
                            (e for e in year.excess_reportable_income if e.date <= as_of)),
    )
