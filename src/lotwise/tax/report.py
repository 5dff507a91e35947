"""The ``lotwise tax`` report as a pure function: a household and its book in, Rich and JSON out.

For each tax unit: gains realized so far in the year by term, carryovers in and out,
the projected tax for the year (the full-year income profile with the gains realized up to
``as_of``) with its line-by-line breakdown, the marginal rates and the 0 % bracket room.
Carryovers into the year come from :func:`~lotwise.tax.realized.carryforward_chain` run from
the household's first profile year, so past years' realized losses flow forward.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from lotwise.ledger.uk import uk_tax_year
from lotwise.model.household import Household
from lotwise.model.numbers import money
from lotwise.regimes.base import CA, UK, US, owner_regimes, sub_household
from lotwise.regimes.report import ca_tax_view, uk_tax_view
from lotwise.report.lost import LostLoss, us_lost_for_good
from lotwise.tax.foreign_credit import ForeignTaxCredit, credit_json, foreign_tax_credits
from lotwise.tax.marginal import marginal_rates, zero_rate_room
from lotwise.tax.profile import parse_tax_profile
from lotwise.tax.realized import carryforward_chain
from lotwise.withholding import foreign_tax_paid

if TYPE_CHECKING:
    from lotwise.ledger.book import Book


def _m(value: Decimal) -> str:
    return str(money(value))


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(Decimal('0.01'))} %"


def render_tax_report(
    household: Household, book: Book, year: int, as_of: date, *, year_is_default: bool = False
) -> tuple[RenderableType, dict[str, Any]]:
    """The report for ``year`` as of ``as_of``: (Rich renderable, JSON-ready dict).

    A household of US residents gets the US report alone.  Otherwise each regime speaks
    its own language (:mod:`lotwise.regimes.report`): US residents' tax units as below
    (``units``), Canadian residents' calendar year in CAD (``canada``), UK residents' tax
    year in GBP (``united_kingdom``; ``year`` names the tax year starting 6 April of it, or,
    when ``year_is_default``, the tax year that contains ``as_of``).
    """
    regimes = owner_regimes(household)
    if all(code == US for code in regimes.values()):
        return _render_us(household, book, year, as_of)
    renderables: list[RenderableType] = []
    data: dict[str, Any] = {"year": year, "as_of": as_of.isoformat(), "units": []}
    if US in regimes.values():
        us_view, us_data = _render_us(sub_household(household, US), book, year, as_of)
        renderables.append(us_view)
        data.update(us_data)
    if CA in regimes.values():
        views, rows = ca_tax_view(household, book, year, as_of)
        renderables += views
        data["canada"] = rows
    if UK in regimes.values():
        tax_year = uk_tax_year(as_of) if year_is_default else year
        views, rows = uk_tax_view(household, book, tax_year, as_of)
        renderables += views
        data["united_kingdom"] = rows
    return Group(*renderables), data


def _render_us(
    household: Household, book: Book, year: int, as_of: date
) -> tuple[RenderableType, dict[str, Any]]:
    """The US report: tax units, Schedule D, worksheets, marginal rates."""
    profile = parse_tax_profile(household)
    earlier = [y for y in profile.profile_years() if y <= year]
    start = min(earlier) if earlier else year
    disposals = tuple(
        d for d in book.disposals if d.sold <= as_of and book.regime_of(d.account) == US
    )
    rows = [
        r
        for r in carryforward_chain(household, disposals, range(start, year + 1), profile=profile)
        if r.year == year
    ]

    units_json: list[dict[str, Any]] = []
    renderables: list[RenderableType] = []
    summary = Table(title=f"US tax {year} (United States, USD) as of {as_of.isoformat()}")
    summary.add_column("Tax unit", style="cyan")
    summary.add_column("Status")
    summary.add_column("Realized ST", justify="right")
    summary.add_column("Realized LT", justify="right")
    summary.add_column("Carry in ST/LT", justify="right")
    summary.add_column("Carry out ST/LT", justify="right")
    summary.add_column("Income tax", justify="right")
    summary.add_column("NIIT", justify="right")
    summary.add_column("State", justify="right")
    summary.add_column("Total", justify="right")
    summary.add_column("0 % room", justify="right")
    rates_table = Table(title="Marginal rates (per next dollar)")
    for name in ("Tax unit", "ST gain", "LT gain", "ST loss value", "LT loss value"):
        rates_table.add_column(name, justify="right" if name != "Tax unit" else "left")
    credits = {c.unit: c for c in foreign_tax_credits(
        profile.units, foreign_tax_paid(book, household), year)}

    for row in rows:
        unit = profile.unit(row.unit_key)
        res = row.result
        pos = res.position
        rates = marginal_rates(pos)
        room = zero_rate_room(pos)
        breakdown = res.breakdown()
        summary.add_row(
            unit.key,
            unit.status.value,
            f"{money(row.short_realized):,}",
            f"{money(row.long_realized):,}",
            f"{money(row.carry_in_short):,} / {money(row.carry_in_long):,}",
            f"{money(row.carry_out_short):,} / {money(row.carry_out_long):,}",
            f"{money(res.income_tax):,}",
            f"{money(res.niit):,}",
            f"{money(res.state_tax):,}",
            f"{money(res.total):,}",
            f"{money(room):,}",
        )
        rates_table.add_row(
            unit.key,
            _pct(rates.short_gain),
            _pct(rates.long_gain),
            _pct(rates.short_loss),
            _pct(rates.long_loss),
        )
        renderables.append(breakdown.to_rich(
            title=f"{unit.key}: tax computation {year} (United States, USD)"))
        lost = us_lost_for_good(household, (
            w for w in book.wash_sales
            if w.sold.year == year and w.sold <= as_of
            and household.accounts[w.account].owner in unit.members))
        if lost:
            renderables.append(_lost_table(unit.key, year, lost))
        notes = []
        if row.profile_year != year:
            notes.append(f"no profile for {year}: the amounts of {row.profile_year} are used")
        units_json.append(
            {
                "tax_unit": unit.key,
                "members": list(unit.members),
                "filing_status": unit.status.value,
                "profile_year": row.profile_year,
                "notes": notes,
                "realized": {"short": _m(row.short_realized), "long": _m(row.long_realized)},
                "carryforward_in": {"short": _m(row.carry_in_short), "long": _m(row.carry_in_long)},
                "carryforward_out": {
                    "short": _m(row.carry_out_short),
                    "long": _m(row.carry_out_long),
                },
                "tax": {
                    "income_tax": _m(res.income_tax),
                    "niit": _m(res.niit),
                    "state": _m(res.state_tax),
                    "total": _m(res.total),
                },
                "marginal": rates.to_json(),
                "zero_rate_room": _m(room),
                "wash_sales_lost_for_good": _m(sum((x.amount for x in lost), Decimal(0))),
                "lost_for_good_by": [x.to_json() for x in lost],
                "breakdown": breakdown.to_json(),
                "foreign_tax_credit": (credit_json(credits[unit.key])
                                       if unit.key in credits else None),
            }
        )

    data: dict[str, Any] = {
        "year": year,
        "as_of": as_of.isoformat(),
        "projection": "full-year income profile with gains realized up to as_of",
        "units": units_json,
    }
    foreign = [_foreign_table(credits[key]) for key in sorted(credits)]
    return Group(summary, rates_table, *renderables, *foreign), data


def _foreign_table(credit: ForeignTaxCredit) -> Table:
    """Form 1116 terms for one unit: foreign-source dividends and foreign tax by country."""
    table = Table(title=f"{credit.unit}: foreign tax credit {credit.year} (Form 1116, "
                  "passive category, USD)", title_justify="left")
    for name in ("Country", "Foreign-source dividends", "Foreign tax paid",
                 "Over treaty rate (reclaim)", "Lost (IRA/Roth/HSA)"):
        table.add_column(name, justify="left" if name == "Country" else "right")
    for line in credit.lines:
        table.add_row(line.source_country, f"{money(line.dividends):,}",
                      f"{money(line.foreign_tax):,}", f"{money(line.reclaimable):,}",
                      f"{money(line.lost):,}")
    table.add_row("Total", f"{money(credit.dividends):,}", f"{money(credit.foreign_tax):,}",
                  f"{money(credit.reclaimable):,}", f"{money(credit.lost):,}",
                  style="bold")
    table.caption = credit.how_to_claim
    return table


def _lost_table(unit: str, year: int, lost: list[LostLoss]) -> Table:
    """The unit's wash-sale losses lost for good in ``year``, each with its reason."""
    table = Table(title=Text(f"{unit}: wash-sale losses lost for good in {year} "
                             f"({lost[0].authority})"), title_justify="left",
                  header_style="bold")
    for name in ("Sold", "Account", "Symbol", "Why", "Lost"):
        table.add_column(name, justify="right" if name == "Lost" else "left")
    for x in lost:
        table.add_row(x.sold.isoformat(), Text(x.account), Text(x.symbol), Text(x.why),
                      f"{money(x.amount):,}")
    return table
