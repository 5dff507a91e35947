"""A tax unit's federal income tax, net investment income tax and state capital tax for a year.

Algorithm, in the order of the forms (all amounts exact Decimals; no Tax Table rounding):

1. Schedule D (see :mod:`lotwise.tax.schedule_d`): net short- and long-term gains with the
   carryovers in, combine, limit a net loss to $3,000 ($1,500 MFS).
2. Form 1040: AGI (line 11) = ordinary income + taxable interest (2b) + ordinary dividends
   (3b) + capital gain or allowed loss (7).  Deduction (line 12) = the larger of the standard
   deduction and itemized deductions (IRC §63(b), (e)), unless the profile forces one.  An
   estate or trust has no standard deduction (IRC §63(c)(6)(D)) and deducts its §642(b)
   exemption.  Taxable income (line 15) = AGI - deduction, not below zero.
3. Tax (line 16): the Qualified Dividends and Capital Gain Tax Worksheet (Form 1040
   instructions), lines 1-25, with the rate schedule of IRC §1(j)(2) applied exactly.  For an
   estate or trust the same computation is Form 1041 Schedule D Part V, with the trust
   breakpoints.  28 % collectibles gain and unrecaptured §1250 gain are not modelled
   (Schedule D lines 18 and 19 are taken as zero).
4. Net investment income tax (IRC §1411, Form 8960): 3.8 % of the lesser of net investment
   income (interest + ordinary dividends + other investment income + the Form 1040 line 7
   capital amount, not below zero) and MAGI (= AGI here) over the threshold ($200,000
   single / HOH, $250,000 joint / surviving spouse, $125,000 MFS; for an estate or trust, the
   start of its highest bracket, IRC §1411(a)(2)).
5. State: ``gains`` mode taxes the net capital gain (Schedule D line 16, when positive) at a
   flat rate; ``marginal`` mode applies the household's marginal state rate to the Form 1040
   line 7 amount, so an allowed loss gives a (negative) saving.
6. Capital Loss Carryover Worksheet: carryovers out by character.

Worked example (single, 2024; Rev. Proc. 2023-34 figures).  Wages $60,000, qualified
dividends $2,000 (ordinary dividends $2,000), short-term +$1,000, long-term +$10,000.

    AGI = 60,000 + 2,000 + 11,000 = 73,000;  deduction 14,600;  taxable income 58,400
    QDCGTW  1: 58,400   2: 2,000   3: min(10,000, 11,000) = 10,000   4: 12,000
            5: 46,400   6: 47,025  7: 47,025  8: 46,400   9: 625 (taxed at 0 %)
           10: 12,000  11: 625    12: 11,375  13: 518,900 14: 58,400  15: 47,025
           16: 11,375  17: 11,375 18: 1,706.25            19: 12,000  20: 0   21: 0
           22: tax(46,400) = 1,160 + 12 % x 34,800 = 5,336
           23: 7,042.25             24: tax(58,400) = 5,426 + 22 % x 11,250 = 7,901
           25: 7,042.25  <- federal income tax
    NIIT: MAGI 73,000 is under 200,000 -> 0.

The hot path is :func:`compute`; :meth:`TaxResult.breakdown` names and numbers every line.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from lotwise.model.household import FilingStatus
from lotwise.model.numbers import ZERO
from lotwise.tax.params import StatusParams, load_year
from lotwise.tax.schedule_d import (
    CarryoverWorksheet,
    ScheduleD,
    carryover_worksheet,
    schedule_d,
)

if TYPE_CHECKING:
    from lotwise.tax.breakdown import Breakdown

RATE_15 = Decimal("0.15")  # IRC §1(h)(1)(C)
RATE_20 = Decimal("0.20")  # IRC §1(h)(1)(D)


class StateMode(StrEnum):
    """How state tax on capital items is estimated (see docs/tax.md)."""

    GAINS = "gains"  # flat rate on the net capital gain; losses save nothing
    MARGINAL = "marginal"  # marginal rate on the Form 1040 line 7 amount, gain or allowed loss


class DeductionChoice(StrEnum):
    AUTO = "auto"  # the larger of standard and itemized (IRC §63(b), (e))
    STANDARD = "standard"
    ITEMIZED = "itemized"  # e.g. required when a spouse filing separately itemizes (§63(c)(6)(A))


@dataclass(frozen=True, slots=True)
class TaxPosition:
    """Everything one tax unit's year's computation needs.

    ``ordinary_income`` is income other than interest, dividends and capital gains, less
    adjustments (wages, pensions, IRA distributions, business income, ...).  ``short_gain`` and
    ``long_gain`` are the year's realized net gains (Schedule D lines 1a-5 and 8a-13);
    ``carry_in_*`` are the losses carried into the year, as positive amounts (lines 6, 14).
    ``ordinary_dividends`` is the total of Form 1040 line 3b, which includes the qualified
    dividends of line 3a.  ``other_investment_income`` is already inside ``ordinary_income``
    and is added again only to net investment income (rents, royalties, passive income).
    """

    year: int
    params: StatusParams
    ordinary_income: Decimal = ZERO
    interest: Decimal = ZERO
    ordinary_dividends: Decimal = ZERO
    qualified_dividends: Decimal = ZERO
    other_investment_income: Decimal = ZERO
    itemized_deductions: Decimal = ZERO
    deduction: DeductionChoice = DeductionChoice.AUTO
    exemption: Decimal = ZERO
    short_gain: Decimal = ZERO
    long_gain: Decimal = ZERO
    carry_in_short: Decimal = ZERO
    carry_in_long: Decimal = ZERO
    state_rate: Decimal = ZERO
    state_mode: StateMode = StateMode.MARGINAL
    carry_discount: Decimal = Decimal("0.9")

    @property
    def status(self) -> FilingStatus:
        return self.params.status

    def with_gains(self, extra_short: Decimal, extra_long: Decimal,
                   extra_income: Decimal = ZERO) -> TaxPosition:
        """The same position with more (or, negative, less) realized gain.  US law as
        lotwise models it has no gain charged as income (``extra_income``, which the UK's
        offshore income gains use): it must be zero."""
        if extra_income:
            raise ValueError("a US position has no gains charged as income")
        return replace(
            self, short_gain=self.short_gain + extra_short, long_gain=self.long_gain + extra_long
        )


def position(year: int, status: FilingStatus | str, **fields: object) -> TaxPosition:
    """Build a :class:`TaxPosition` for ``year`` and ``status`` with the year's parameters."""
    params = load_year(year).for_status(FilingStatus(status))
    return TaxPosition(year, params, **fields)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class TaxResult:
    """The year's computation, line by line.  ``total`` = income tax + NIIT + state."""

    position: TaxPosition
    sched: ScheduleD
    capital: Decimal  # Form 1040 line 7
    agi: Decimal  # Form 1040 line 11
    deduction_used: Decimal  # Form 1040 line 12 (for a trust: deductions, without exemption)
    deduction_kind: str  # "standard", "itemized" or "trust"
    itemized_allowed: Decimal  # itemized deductions after the IRC §68 limitation
    taxable_unfloored: Decimal  # line 11 - line 12 - exemption, may be negative
    taxable: Decimal  # Form 1040 line 15
    qd: tuple[Decimal, ...]  # QDCGTW lines 1-25 (qd[0] is line 1)
    income_tax: Decimal  # Form 1040 line 16
    nii: Decimal  # Form 8960 line 12
    niit_excess: Decimal  # Form 8960 line 15 (line 19c for a trust)
    niit: Decimal  # Form 8960 line 17 (line 21 for a trust)
    state_base: Decimal
    state_tax: Decimal
    carryover: CarryoverWorksheet | None
    total: Decimal

    @property
    def carry_out_short(self) -> Decimal:
        return self.carryover.line8 if self.carryover is not None else ZERO

    @property
    def carry_out_long(self) -> Decimal:
        return self.carryover.line13 if self.carryover is not None else ZERO

    @property
    def federal(self) -> Decimal:
        """Federal income tax plus NIIT."""
        return self.income_tax + self.niit

    @property
    def zero_rate_gain(self) -> Decimal:
        """QDCGTW line 9: preferential income taxed at 0 %."""
        return self.qd[8]

    def breakdown(self) -> Breakdown:
        from lotwise.tax.breakdown import explain

        return explain(self)


def qdcgt_worksheet(
    p: StatusParams, taxable: Decimal, qualified_dividends: Decimal, net_capital_gain: Decimal
) -> tuple[Decimal, ...]:
    """Qualified Dividends and Capital Gain Tax Worksheet (Form 1040 instructions, line 16),
    lines 1-25; for an estate or trust, Form 1041 Schedule D Part V with its breakpoints."""
    l1 = taxable
    l2 = qualified_dividends
    l3 = net_capital_gain  # smaller of Schedule D lines 15 and 16, not below zero
    l4 = l2 + l3
    l5 = l1 - l4 if l1 > l4 else ZERO
    l6 = p.zero_rate_max  # IRC §1(h)(1)(B), §1(j)(5)(B)(i)
    l7 = l1 if l1 < l6 else l6
    l8 = l5 if l5 < l7 else l7
    l9 = l7 - l8  # taxed at 0 %
    l10 = l1 if l1 < l4 else l4
    l11 = l9
    l12 = l10 - l11
    l13 = p.fifteen_rate_max  # IRC §1(j)(5)(B)(ii)
    l14 = l1 if l1 < l13 else l13
    l15 = l5 + l9
    l16 = l14 - l15 if l14 > l15 else ZERO
    l17 = l12 if l12 < l16 else l16
    l18 = l17 * RATE_15
    l19 = l9 + l17
    l20 = l10 - l19
    l21 = l20 * RATE_20
    l22 = p.tax(l5)
    l23 = l18 + l21 + l22
    l24 = p.tax(l1)
    l25 = l23 if l23 < l24 else l24
    return (
        l1, l2, l3, l4, l5, l6, l7, l8, l9, l10, l11, l12, l13,
        l14, l15, l16, l17, l18, l19, l20, l21, l22, l23, l24, l25,
    )  # fmt: skip


def compute(pos: TaxPosition) -> TaxResult:
    """The full computation for one tax unit and year."""
    p = pos.params
    sched = schedule_d(
        pos.short_gain, pos.long_gain, pos.carry_in_short, pos.carry_in_long, p.capital_loss_limit
    )
    capital = sched.to_form_1040_line7
    agi = pos.ordinary_income + pos.interest + pos.ordinary_dividends + capital

    if p.status is FilingStatus.TRUST:
        deduction = itemized = pos.itemized_deductions
        kind = "trust"
        exemption = pos.exemption
    else:
        exemption = ZERO
        standard = p.standard_deduction
        itemized = pos.itemized_deductions
        if p.itemized_cut_num and itemized > ZERO:
            # IRC §68 as amended by P.L. 119-21 §70111 (from 2026): reduce by num/den of the
            # lesser of the itemized deductions and taxable income figured without §68 and
            # increased by them (= AGI here) over the start of the 37 % bracket.
            over = agi - p.top_bracket_start
            if over > ZERO:
                cut = itemized if itemized < over else over
                itemized -= cut * p.itemized_cut_num / p.itemized_cut_den
        choice = pos.deduction
        if choice is DeductionChoice.STANDARD or (
            choice is DeductionChoice.AUTO and standard >= itemized
        ):
            deduction, kind = standard, "standard"
        else:
            deduction, kind = itemized, "itemized"
    taxable_unfloored = agi - deduction - exemption
    taxable = taxable_unfloored if taxable_unfloored > ZERO else ZERO

    qd = qdcgt_worksheet(p, taxable, pos.qualified_dividends, sched.net_capital_gain)
    income_tax = qd[24]

    nii = pos.interest + pos.ordinary_dividends + pos.other_investment_income + capital
    if nii < ZERO:
        nii = ZERO
    excess = agi - p.niit_threshold
    if excess > ZERO and nii > ZERO:
        niit = (nii if nii < excess else excess) * p.niit_rate
    else:
        niit = ZERO
        if excess < ZERO:
            excess = ZERO

    if pos.state_mode is StateMode.GAINS:
        state_base = sched.line16 if sched.line16 > ZERO else ZERO
    else:
        state_base = capital
    state_tax = state_base * pos.state_rate

    carry = carryover_worksheet(sched, taxable_unfloored, exemption)
    return TaxResult(
        pos,
        sched,
        capital,
        agi,
        deduction,
        kind,
        itemized,
        taxable_unfloored,
        taxable,
        qd,
        income_tax,
        nii,
        excess,
        niit,
        state_base,
        state_tax,
        carry,
        income_tax + niit + state_tax,
    )


def total_tax(pos: TaxPosition) -> Decimal:
    """Income tax + NIIT + state for ``pos``: :func:`compute` without keeping the lines."""
    return compute(pos).total
