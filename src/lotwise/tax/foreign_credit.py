"""A US tax unit's foreign tax credit for a year, in the terms of Form 1116: foreign-source
dividends, the foreign tax paid on them, and whether the de minimis election applies.

The figures come from :func:`lotwise.withholding.foreign_tax_paid` (the tax withheld on
each foreign dividend, in USD at the rate of its date), summed over the unit's members:

* **gross foreign-source dividends** (Form 1116 Part I, line 1a, passive category income):
  dividends from abroad received in taxable accounts.  Dividends in an IRA, Roth IRA or HSA
  are not in the return, and the tax withheld on them is lost (reported apart as ``lost``).
* **foreign tax paid** (Form 1116 Part II): the tax withheld up to the treaty rate.  Tax
  withheld above it is not a compulsory payment and not creditable (Treas. Reg.
  §1.901-2(e)(5)); it is ``reclaimable`` from the source country (Canada: Form NR7-R).
* **de minimis election** (IRC §904(j); Form 1040 instructions, Schedule 3 line 1; IRS
  Pub. 514 "Exemption from foreign tax credit limit"): an individual whose creditable
  foreign taxes are at most $300 ($600 on a joint return), whose only foreign-source income
  is qualified passive income, all shown on a payee statement (Form 1099-DIV box 7), may
  elect to claim the credit without Form 1116 and without the §904 limit.  lotwise knows
  only the dividends of its journal: it takes them to be the unit's only foreign income and
  reported on Form 1099-DIV, says so, and leaves the election to the taxpayer.  A trust or
  an estate cannot make it (§904(j)(1): "an individual").

Example: a single US resident receives C$400 of Canadian dividends in a taxable account,
15 % withheld (C$60), at USD/CAD 1.25: US$320 of foreign-source dividends and US$48 of
foreign tax paid, at most $300, so the credit may be claimed without Form 1116.  Had the
payer withheld 25 % (no Form NR301), US$80 would be withheld: US$48 creditable and US$32
reclaimable from the CRA.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from lotwise.model.household import FilingStatus
from lotwise.model.numbers import ZERO, money
from lotwise.tax.profile import TaxUnit
from lotwise.withholding import ForeignTax

#: IRC §904(j)(1): the de minimis amount of creditable foreign taxes.
DE_MINIMIS = Decimal(300)
DE_MINIMIS_JOINT = Decimal(600)


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One source country's dividends and tax for the unit."""

    source_country: str
    dividends: Decimal  # taxable accounts
    foreign_tax: Decimal  # creditable
    reclaimable: Decimal
    lost: Decimal  # withheld in IRAs, Roth IRAs and HSAs


@dataclass(frozen=True, slots=True)
class ForeignTaxCredit:
    """A US tax unit's foreign-source dividends and foreign tax for one year."""

    unit: str
    year: int
    status: FilingStatus
    lines: tuple[SourceLine, ...]

    @property
    def dividends(self) -> Decimal:
        return sum((line.dividends for line in self.lines), ZERO)

    @property
    def foreign_tax(self) -> Decimal:
        return sum((line.foreign_tax for line in self.lines), ZERO)

    @property
    def reclaimable(self) -> Decimal:
        return sum((line.reclaimable for line in self.lines), ZERO)

    @property
    def lost(self) -> Decimal:
        return sum((line.lost for line in self.lines), ZERO)

    @property
    def de_minimis_limit(self) -> Decimal | None:
        """$300, $600 on a joint return; ``None`` for a trust (no election)."""
        if self.status is FilingStatus.TRUST:
            return None
        return DE_MINIMIS_JOINT if self.status is FilingStatus.MARRIED_JOINT else DE_MINIMIS

    @property
    def de_minimis(self) -> bool:
        """Whether the §904(j) election is open: creditable foreign tax within the limit."""
        limit = self.de_minimis_limit
        return limit is not None and ZERO < self.foreign_tax <= limit

    @property
    def how_to_claim(self) -> str:
        if self.foreign_tax <= 0:
            return "no creditable foreign tax"
        if self.de_minimis:
            return (f"foreign tax paid within ${self.de_minimis_limit}: may be claimed on "
                    "Schedule 3 line 1 without Form 1116 (IRC §904(j) election), if these "
                    "dividends are the only foreign income and reported on Form 1099-DIV")
        if self.de_minimis_limit is None:
            return "Form 1116 (a trust or estate cannot make the §904(j) election)"
        return (f"foreign tax paid more than ${self.de_minimis_limit}: Form 1116, passive "
                "category income")


def foreign_tax_credits(
    units: Iterable[TaxUnit], foreign: Iterable[ForeignTax], year: int
) -> list[ForeignTaxCredit]:
    """Per tax unit with foreign dividends in ``year``: its :class:`ForeignTaxCredit`."""
    rows = [f for f in foreign if f.tax_year == year]
    out = []
    for unit in units:
        mine = [f for f in rows if f.owner in unit.members]
        if not mine:
            continue
        by_source: dict[str, list[Decimal]] = {}
        for f in mine:
            sums = by_source.setdefault(f.source_country, [ZERO, ZERO, ZERO, ZERO])
            if f.taxable_account:
                sums[0] += f.dividends
            sums[1] += f.creditable
            sums[2] += f.reclaimable
            sums[3] += f.lost
        lines = tuple(SourceLine(source, *sums) for source, sums in sorted(by_source.items()))
        out.append(ForeignTaxCredit(unit.key, year, unit.status, lines))
    return out


def credit_json(credit: ForeignTaxCredit) -> dict[str, object]:
    """The unit's Form 1116 figures, amounts to the cent in USD."""
    def m(value: Decimal) -> str:
        return str(money(value))

    return {
        "form": "1116",
        "category": "passive",
        "gross_foreign_source_dividends": m(credit.dividends),
        "foreign_tax_paid": m(credit.foreign_tax),
        "reclaimable_over_treaty_rate": m(credit.reclaimable),
        "lost_in_sheltered_accounts": m(credit.lost),
        "de_minimis_limit": None if credit.de_minimis_limit is None
        else m(credit.de_minimis_limit),
        "de_minimis_election_available": credit.de_minimis,
        "how_to_claim": credit.how_to_claim,
        "by_country": [
            {"source_country": line.source_country, "dividends": m(line.dividends),
             "foreign_tax_paid": m(line.foreign_tax), "reclaimable": m(line.reclaimable),
             "lost": m(line.lost)}
            for line in credit.lines
        ],
    }
