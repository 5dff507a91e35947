"""Schedule D netting, the capital loss limit and the Capital Loss Carryover Worksheet.

Algorithm (Schedule D (Form 1040) and its instructions; IRC §§1211(b), 1212(b)):

1. Short-term and long-term are netted separately, each against its own carryover in:
   line 7 = short-term gains and losses (lines 1a-5) - short-term carryover (line 6);
   line 15 = long-term gains and losses (lines 8a-13) - long-term carryover (line 14).
2. Then against each other: line 16 = line 7 + line 15.
3. A net loss is deductible only up to $3,000 ($1,500 married filing separately), IRC
   §1211(b): line 21 is the smaller loss of line 16 and that limit.
4. What is not used carries over with its character, per the Capital Loss Carryover
   Worksheet (lines 1-13).  The deduction counts as used only to the extent of taxable
   income before it (IRC §1212(b)(2)): line 4 = smaller of the line-21 loss and
   (taxable income + that loss, not below 0).  The short-term loss is deemed used first
   (line 4 against line 5), then long-term (line 11 is what line 4 leaves over).

Worked example (single, 2024).  Short-term: -$9,000 realized, $1,000 carried in.  Long-term:
+$2,000.  Taxable income on Form 1040 line 15 (after the $3,000 deduction): $40,000.

    line 7  = -9,000 - 1,000     = -10,000
    line 15 =  2,000 - 0         =   2,000
    line 16 = -10,000 + 2,000    =  -8,000   -> line 21 = -3,000
    worksheet 1 = 40,000; 2 = 3,000; 3 = 43,000; 4 = min(3,000, 43,000) = 3,000
              5 = 10,000 (line 7 loss); 6 = 2,000 (line 15 gain); 7 = 5,000
              8 = 10,000 - 5,000 = 5,000   short-term carryover out
              (line 15 is a gain: lines 9-13 skipped) -> long-term carryover out 0

Had taxable income been -$1,000 (line 1), line 3 = 2,000 and line 4 = 2,000: only $2,000 of
the deduction counted as used and the short-term carryover would be $6,000.

For an estate or trust the Form 1041 Schedule D worksheet adds the §642(b) exemption back
into taxable income before line 3 (IRC §1212(b)(2)(B): "adjusted taxable income" is computed
without the deduction for personal exemptions); ``exemption`` carries it here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lotwise.model.numbers import ZERO


@dataclass(frozen=True, slots=True)
class ScheduleD:
    """The Schedule D lines lotwise fills.  Carryovers in are positive amounts of loss."""

    short_realized: Decimal  # lines 1a-5 combined
    short_carryover: Decimal  # line 6
    line7: Decimal  # net short-term gain or loss
    long_realized: Decimal  # lines 8a-13 combined
    long_carryover: Decimal  # line 14
    line15: Decimal  # net long-term gain or loss
    line16: Decimal  # combined
    line21: Decimal  # allowed loss, zero or negative; zero when line 16 is a gain
    limit: Decimal  # the §1211(b) limit used on line 21

    @property
    def to_form_1040_line7(self) -> Decimal:
        """The capital gain or (loss) that goes to Form 1040 line 7."""
        return self.line16 if self.line16 >= ZERO else self.line21

    @property
    def net_capital_gain(self) -> Decimal:
        """IRC §1222(11): excess of net long-term gain over net short-term loss
        (QDCGTW line 3: the smaller of line 15 and line 16, not below zero)."""
        if self.line15 > ZERO and self.line16 > ZERO:
            return min(self.line15, self.line16)
        return ZERO


def schedule_d(
    short_realized: Decimal,
    long_realized: Decimal,
    short_carryover: Decimal,
    long_carryover: Decimal,
    limit: Decimal,
) -> ScheduleD:
    """Net the year's realized gains with carryovers in (Schedule D lines 6-21)."""
    line7 = short_realized - short_carryover  # Schedule D line 7 (line 6 is entered as a loss)
    line15 = long_realized - long_carryover  # Schedule D line 15 (line 14 likewise)
    line16 = line7 + line15  # Schedule D line 16
    # Schedule D line 21; IRC §1211(b)(1): the lesser of $3,000 ($1,500 MFS) or the loss.
    line21 = max(line16, -limit) if line16 < ZERO else ZERO
    return ScheduleD(
        short_realized,
        short_carryover,
        line7,
        long_realized,
        long_carryover,
        line15,
        line16,
        line21,
        limit,
    )


@dataclass(frozen=True, slots=True)
class CarryoverWorksheet:
    """Capital Loss Carryover Worksheet (Schedule D instructions), lines 1-13."""

    line1: Decimal  # taxable income (Form 1040 line 15; negative if it would be a loss)
    exemption: Decimal  # estates and trusts only: §642(b) exemption added back (Form 1041)
    line2: Decimal  # loss from Schedule D line 21, as a positive amount
    line3: Decimal  # lines 1 + 2 (+ exemption), not below zero
    line4: Decimal  # smaller of line 2 or line 3: the deduction actually used
    line5: Decimal  # loss from Schedule D line 7 as a positive amount (0 if a gain)
    line6: Decimal  # gain from Schedule D line 15 (0 if a loss)
    line7: Decimal  # lines 4 + 6
    line8: Decimal  # short-term carryover: line 5 - line 7, not below zero
    line9: Decimal  # loss from Schedule D line 15 as a positive amount (0 if a gain)
    line10: Decimal  # gain from Schedule D line 7 (0 if a loss)
    line11: Decimal  # line 4 - line 5, not below zero
    line12: Decimal  # lines 10 + 11
    line13: Decimal  # long-term carryover: line 9 - line 12, not below zero

    @property
    def short_carryover(self) -> Decimal:
        return self.line8

    @property
    def long_carryover(self) -> Decimal:
        return self.line13


def carryover_worksheet(
    sched: ScheduleD, taxable_income: Decimal, exemption: Decimal = ZERO
) -> CarryoverWorksheet | None:
    """Carryovers out to next year; ``None`` when Schedule D line 21 has no loss.

    ``taxable_income`` is Form 1040 line 15 figured without its zero floor (the worksheet:
    "if the amount on that line would be a loss, enter it as a negative").
    """
    if sched.line16 >= ZERO:
        return None
    line1 = taxable_income
    line2 = -sched.line21
    line3 = max(line1 + line2 + exemption, ZERO)
    line4 = min(line2, line3)
    if sched.line7 < ZERO:
        line5 = -sched.line7
        line6 = max(sched.line15, ZERO)
        line7 = line4 + line6
        line8 = max(line5 - line7, ZERO)
    else:
        line5 = line6 = line7 = line8 = ZERO
    if sched.line15 < ZERO:
        line9 = -sched.line15
        line10 = max(sched.line7, ZERO)
        line11 = max(line4 - line5, ZERO)
        line12 = line10 + line11
        line13 = max(line9 - line12, ZERO)
    else:
        line9 = line10 = line11 = line12 = line13 = ZERO
    return CarryoverWorksheet(
        line1,
        exemption,
        line2,
        line3,
        line4,
        line5,
        line6,
        line7,
        line8,
        line9,
        line10,
        line11,
        line12,
        line13,
    )
