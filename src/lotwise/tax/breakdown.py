"""Every figure of a year's computation, named and numbered as on the forms.

:func:`explain` turns a :class:`~lotwise.tax.federal.TaxResult` into sections of lines
(Schedule D, Form 1040, the Qualified Dividends and Capital Gain Tax Worksheet, Form 8960,
state, the Capital Loss Carryover Worksheet).  A :class:`Breakdown` renders as a Rich table
for the CLI and as a JSON-ready dict; amounts are exact and shown rounded to cents.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from lotwise.model.household import FilingStatus
from lotwise.model.numbers import money

if TYPE_CHECKING:
    from lotwise.tax.federal import TaxResult


@dataclass(frozen=True, slots=True)
class Line:
    """One line: where it is on the form (``ref``), what it is, its amount."""

    ref: str
    label: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    authority: str
    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class Breakdown:
    """The explained computation for one tax unit and year."""

    year: int
    status: FilingStatus
    sections: tuple[Section, ...]
    total: Decimal

    def line(self, ref: str) -> Decimal:
        """The amount of the line whose ``ref`` is given, e.g. ``"QDCGTW 9"``."""
        for section in self.sections:
            for line in section.lines:
                if line.ref == ref:
                    return line.amount
        raise KeyError(ref)

    def to_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "filing_status": self.status.value,
            "total": str(money(self.total)),
            "sections": [
                {
                    "title": s.title,
                    "authority": s.authority,
                    "lines": [
                        {"ref": ln.ref, "label": ln.label, "amount": str(money(ln.amount))}
                        for ln in s.lines
                    ],
                }
                for s in self.sections
            ],
        }

    def to_rich(self, title: str | None = None) -> Table:
        table = Table(title=title or f"Tax computation {self.year} ({self.status.value})")
        table.add_column("Line", style="cyan", no_wrap=True)
        table.add_column("What")
        table.add_column("Amount", justify="right")
        for section in self.sections:
            heading = Text(section.title, style="bold")
            if section.authority:
                heading.append(f"  {section.authority}", style="dim")
            table.add_section()
            table.add_row("", heading, "")
            for line in section.lines:
                table.add_row(line.ref, line.label, f"{money(line.amount):,}")
        table.add_section()
        table.add_row("", Text("Total: income tax + NIIT + state", style="bold"),
                      f"{money(self.total):,}")
        return table


def explain(result: TaxResult) -> Breakdown:
    """Name and number every figure of ``result``."""
    pos = result.position
    p = pos.params
    trust = p.status is FilingStatus.TRUST
    sd = result.sched
    sections: list[Section] = []

    sections.append(
        Section(
            "Schedule D",
            "Schedule D (Form 1040) lines 6-21; IRC §1211(b), §1212(b)",
            (
                Line("Sched D 1a-5", "Short-term gains and losses realized", sd.short_realized),
                Line("Sched D 6", "Short-term capital loss carryover in", -sd.short_carryover),
                Line("Sched D 7", "Net short-term capital gain or (loss)", sd.line7),
                Line("Sched D 8a-13", "Long-term gains and losses realized", sd.long_realized),
                Line("Sched D 14", "Long-term capital loss carryover in", -sd.long_carryover),
                Line("Sched D 15", "Net long-term capital gain or (loss)", sd.line15),
                Line("Sched D 16", "Combined net gain or (loss)", sd.line16),
                Line("Sched D 21", f"Allowed loss (limit {money(sd.limit):,})", sd.line21),
            ),
        )
    )

    form = "Form 1041" if trust else "Form 1040"
    if trust:
        refs = ("Form 1041 3-8", "Form 1041 1", "Form 1041 2a", "Form 1041 2b(2)", "Form 1041 4")
        refs_total = "Form 1041 9"
    else:
        refs = ("Form 1040 1-8", "Form 1040 2b", "Form 1040 3b", "Form 1040 3a", "Form 1040 7")
        refs_total = "Form 1040 11"
    income = [
        Line(refs[0], "Ordinary income (after adjustments)", pos.ordinary_income),
        Line(refs[1], "Taxable interest", pos.interest),
        Line(refs[2], "Ordinary dividends", pos.ordinary_dividends),
        Line(refs[3], "Qualified dividends", pos.qualified_dividends),
        Line(refs[4], "Capital gain or (loss)", result.capital),
        Line(refs_total, "Total income (AGI)", result.agi),
    ]
    if trust:
        income.append(Line("Form 1041 16", "Deductions", result.deduction_used))
        income.append(Line("Form 1041 21", "Exemption (IRC §642(b))", pos.exemption))
        income.append(Line("Form 1041 23", "Taxable income", result.taxable))
    else:
        if result.itemized_allowed != pos.itemized_deductions:
            income.append(Line("Sched A 17", "Itemized deductions", pos.itemized_deductions))
            income.append(
                Line("IRC §68", "Itemized after the 2/37 limitation", result.itemized_allowed)
            )
        label = f"Deduction ({result.deduction_kind})"
        income.append(Line("Form 1040 12", label, result.deduction_used))
        income.append(Line("Form 1040 15", "Taxable income", result.taxable))
    form = "Form 1041" if trust else "Form 1040"
    sections.append(Section("Income", f"{form}; IRC §§62, 63", tuple(income)))

    names = (
        "Taxable income",
        "Qualified dividends",
        "Net capital gain (smaller of Sched D 15 or 16)",
        "Lines 2 + 3",
        "Ordinary part: line 1 - line 4",
        "Top of the 0 % bracket",
        "Smaller of line 1 or line 6",
        "Smaller of line 5 or line 7",
        "Taxed at 0 %: line 7 - line 8",
        "Smaller of line 1 or line 4",
        "Amount from line 9",
        "Line 10 - line 11",
        "Top of the 15 % bracket",
        "Smaller of line 1 or line 13",
        "Lines 5 + 9",
        "Line 14 - line 15 (not below 0)",
        "Taxed at 15 %: smaller of line 12 or line 16",
        "Line 17 x 15 %",
        "Lines 9 + 17",
        "Taxed at 20 %: line 10 - line 19",
        "Line 20 x 20 %",
        "Tax on line 5 (rate schedule)",
        "Lines 18 + 21 + 22",
        "Tax on line 1 (rate schedule)",
        "Tax: smaller of line 23 or line 24",
    )
    qd_authority = (
        "Form 1041 Schedule D Part V (same computation); IRC §1(h), §1(j)"
        if trust
        else "Form 1040 instructions, Qualified Dividends and Capital Gain Tax Worksheet; "
        "IRC §1(h), §1(j)"
    )
    sections.append(
        Section(
            "Qualified Dividends and Capital Gain Tax Worksheet",
            qd_authority,
            tuple(
                Line(f"QDCGTW {i + 1}", name, amount)
                for i, (name, amount) in enumerate(zip(names, result.qd, strict=True))
            ),
        )
    )

    niit_lines: tuple[Line, ...]
    if trust:
        niit_lines = (
            Line("Form 8960 18a", "Undistributed net investment income", result.nii),
            Line("Form 8960 19a", "Adjusted gross income", result.agi),
            Line("Form 8960 19b", "Where the highest bracket begins", p.niit_threshold),
            Line("Form 8960 19c", "Line 19a - line 19b (not below 0)", result.niit_excess),
            Line("Form 8960 21", "NIIT: 3.8 % of the smaller of 18a or 19c", result.niit),
        )
    else:
        niit_lines = (
            Line("Form 8960 1", "Taxable interest", pos.interest),
            Line("Form 8960 2", "Ordinary dividends", pos.ordinary_dividends),
            Line("Form 8960 4a", "Other investment income", pos.other_investment_income),
            Line("Form 8960 5a", "Net gain or (loss) (Form 1040 line 7)", result.capital),
            Line("Form 8960 12", "Net investment income (not below 0)", result.nii),
            Line("Form 8960 13", "Modified adjusted gross income", result.agi),
            Line("Form 8960 14", "Threshold", p.niit_threshold),
            Line("Form 8960 15", "Line 13 - line 14 (not below 0)", result.niit_excess),
            Line("Form 8960 17", "NIIT: 3.8 % of the smaller of 12 or 15", result.niit),
        )
    sections.append(Section("Net investment income tax", "IRC §1411; Form 8960", niit_lines))

    mode = pos.state_mode.value
    sections.append(
        Section(
            "State",
            "household setting: state_rate, state_mode (docs/tax.md)",
            (
                Line(
                    "State base",
                    "Net capital gain" if mode == "gains" else "Capital gain or allowed loss",
                    result.state_base,
                ),
                Line("State rate", f"Rate ({mode})", pos.state_rate),
                Line("State tax", "State tax on capital items", result.state_tax),
            ),
        )
    )

    cw = result.carryover
    if cw is not None:
        cw_lines = [
            Line("CLCW 1", "Taxable income (negative if it would be a loss)", cw.line1),
        ]
        if trust:
            cw_lines.append(Line("CLCW 1a", "Exemption added back (Form 1041)", cw.exemption))
        cw_lines += [
            Line("CLCW 2", "Loss on Sched D 21, as a positive amount", cw.line2),
            Line("CLCW 3", "Lines 1 + 2 (not below 0)", cw.line3),
            Line("CLCW 4", "Deduction used: smaller of line 2 or line 3", cw.line4),
            Line("CLCW 5", "Short-term loss (Sched D 7)", cw.line5),
            Line("CLCW 6", "Long-term gain (Sched D 15)", cw.line6),
            Line("CLCW 7", "Lines 4 + 6", cw.line7),
            Line("CLCW 8", "Short-term carryover out", cw.line8),
            Line("CLCW 9", "Long-term loss (Sched D 15)", cw.line9),
            Line("CLCW 10", "Short-term gain (Sched D 7)", cw.line10),
            Line("CLCW 11", "Line 4 - line 5 (not below 0)", cw.line11),
            Line("CLCW 12", "Lines 10 + 11", cw.line12),
            Line("CLCW 13", "Long-term carryover out", cw.line13),
        ]
        sections.append(
            Section(
                "Capital Loss Carryover Worksheet",
                "Schedule D instructions, lines 1-13; IRC §1212(b)",
                tuple(cw_lines),
            )
        )

    sections.append(
        Section(
            "Total",
            "",
            (
                Line("Income tax", "Federal income tax", result.income_tax),
                Line("NIIT", "Net investment income tax", result.niit),
                Line("State", "State tax on capital items", result.state_tax),
            ),
        )
    )
    return Breakdown(pos.year, p.status, tuple(sections), result.total)
