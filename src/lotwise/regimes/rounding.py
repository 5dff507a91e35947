"""The one rounding rule of the Canadian and UK figures: round each line, then add.

Every amount of a line — a Schedule 3 disposition, a UK disposal — is rounded to the cent
or penny, half up (:func:`lotwise.model.numbers.money`), and the line's gain is the
difference of its rounded amounts.  Every total and every computation of the year (the
``lotwise gains`` totals, the ``lotwise tax`` computation, the planner's positions) adds
these rounded lines and nothing else, so they agree to the penny and, on every line and
every total, proceeds less costs is the gain, as on the form.  Form 8949 lines are rounded
the same way (:mod:`lotwise.report.gains`).

Example (the bundled UK household, 2024-25): James sells 900 ISF for £7,803.00; the
allowable costs are £6,830.925, rounded to £6,830.93; the gain is £7,803.00 - £6,830.93 =
£972.07 (rounding the exact gain, £972.075, would give £972.08 and a table whose figures
do not subtract).

One refinement for Canada: a superficial loss's denied part is rounded like any amount,
but a loss denied in full reports nil — its denied part is then the rounded loss itself —
so that rounding can never leave a cent of a loss the Act denies (ITA s.40(2)(g)(i)).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lotwise.ledger.ca import CaDisposition
from lotwise.ledger.uk import UkDisposal
from lotwise.model.numbers import money


@dataclass(frozen=True, slots=True)
class Schedule3Line:
    """A Schedule 3 line's amounts, rounded to the cent."""

    proceeds: Decimal
    acb: Decimal
    outlays: Decimal
    denied: Decimal  # the superficial part of a loss, added back (s.40(2)(g)(i))

    @property
    def gain(self) -> Decimal:
        """Proceeds less ACB less outlays: the gain (or loss) before any denial."""
        return self.proceeds - self.acb - self.outlays

    @property
    def reported_gain(self) -> Decimal:
        """The gain (or loss) reported: a superficial loss is nil to the extent denied."""
        return self.gain + self.denied


def schedule_3_line(line: CaDisposition) -> Schedule3Line:
    """The rounded amounts of one Schedule 3 line."""
    proceeds, acb, outlays = money(line.proceeds), money(line.acb), money(line.outlays)
    denied = money(line.denied)
    if line.denied and line.reported_gain == 0:  # denied in full: nil, to the cent
        denied = -(proceeds - acb - outlays)
    return Schedule3Line(proceeds, acb, outlays, denied)


@dataclass(frozen=True, slots=True)
class Sa108Line:
    """A UK disposal's amounts, rounded to the penny."""

    proceeds: Decimal
    allowable_costs: Decimal

    @property
    def gain(self) -> Decimal:
        return self.proceeds - self.allowable_costs


def sa108_line(disposal: UkDisposal) -> Sa108Line:
    """The rounded amounts of one UK disposal (allowable costs: cost plus the incidental
    costs of the disposal, rounded as one amount, as SA108 asks for them)."""
    return Sa108Line(money(disposal.proceeds), money(disposal.allowable_costs))
