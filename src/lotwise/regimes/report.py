"""The ``lotwise tax`` views of Canadian and UK residents: a Rich renderable and a JSON-ready
dict per person, in the regime's own currency, tax year and form.

* Canada (:func:`ca_tax_view`): Schedule 3 totals, the taxable capital gain (T1 line
  12700), net capital losses of other years applied (line 25300) and carried forward,
  superficial losses denied (and lost for good), foreign tax paid for the foreign tax
  credit (Form T2209), and the tax at the person's marginal rate when one is given.
* United Kingdom (:func:`uk_tax_view`): the SA108 "Capital gains summary" totals —
  number of disposals, disposal proceeds, allowable costs, gains before losses, losses in
  the year, losses brought forward and used, the annual exempt amount — then the taxable
  gains charged at each rate of the year (both pairs of rates in 2024-25) and the losses
  carried forward, with the foreign tax paid for foreign tax credit relief (SA106); then the
  offshore income gains and excess reportable income, the income tax on them at each rate
  (stacked on the taxable income, before the gains), and the total of the two taxes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from lotwise.model.household import Household
from lotwise.model.numbers import ZERO, money
from lotwise.regimes.base import CA, UK, owner_regimes
from lotwise.regimes.ca import CaYear, ca_years
from lotwise.regimes.rounding import sa108_line, schedule_3_line
from lotwise.regimes.uk import UkYear, tax_year_label, uk_years
from lotwise.regimes.uk_income import DIVIDENDS, NON_SAVINGS, SAVINGS
from lotwise.report.lost import LostLoss, ca_lost_for_good
from lotwise.report.values import shares as shares_text
from lotwise.withholding import ForeignTax

if TYPE_CHECKING:
    from lotwise.ledger.book import Book


def _m(value: Decimal) -> str:
    return format(money(value), "f")


def _show(value: Decimal) -> str:
    return f"{money(value):,}"


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f} %"


def _lines(title: str, rows: list[tuple[str, str, str]]) -> Table:
    """A form's lines; the title and the cells, which carry owner ids, are literal text."""
    table = Table(title=Text(title), title_justify="left", header_style="bold")
    table.add_column("Line", style="cyan", no_wrap=True)
    table.add_column("What")
    table.add_column("Amount", justify="right")
    for ref, label, amount in rows:
        table.add_row(Text(ref), Text(label), Text(amount))
    return table


def _foreign_rows(foreign: tuple[ForeignTax, ...], credit: str) -> list[tuple[str, str, str]]:
    """Each source's dividends and tax: creditable on ``credit`` (the form), over the treaty
    rate (reclaimable from the source country), or lost in a sheltered account."""
    rows = []
    for f in foreign:
        where = "taxable accounts" if f.taxable_account else "sheltered accounts"
        rows.append((credit if f.taxable_account else "",
                     f"Dividends from {f.source_country}, {where}", _show(f.dividends)))
        rows.append(("", f"  tax withheld in {f.source_country}", _show(f.withheld)))
        if f.taxable_account:
            rows.append((credit, "  of which creditable (up to the treaty rate)",
                         _show(f.creditable)))
        else:
            rows.append(("", "  of which lost (up to the treaty rate, not creditable)",
                         _show(f.lost)))
        if f.reclaimable:
            rows.append(("", f"  of which over the treaty rate: reclaim from "
                         f"{f.source_country}, not creditable", _show(f.reclaimable)))
    return rows


def _foreign_json(foreign: tuple[ForeignTax, ...]) -> list[dict[str, object]]:
    return [
        {"source_country": f.source_country, "taxable_account": f.taxable_account,
         "dividends": _m(f.dividends), "withheld": _m(f.withheld),
         "creditable": _m(f.creditable), "reclaimable": _m(f.reclaimable), "lost": _m(f.lost)}
        for f in foreign
    ]


# --------------------------------------------------------------------------- Canada


def ca_tax_view(
    household: Household, book: Book, year: int, as_of: date
) -> tuple[list[RenderableType], list[dict[str, Any]]]:
    """Per Canadian resident: the year's capital gains computation (CAD)."""
    renderables: list[RenderableType] = []
    data: list[dict[str, Any]] = []
    for owner, code in sorted(owner_regimes(household).items()):
        if code != CA:
            continue
        row = ca_years(book, household, owner, year)[-1]
        lost = ca_lost_for_good(household, row.superficial)
        renderables.append(_lines(f"{owner}: capital gains {year} (Canada, CAD) as of "
                                  f"{as_of.isoformat()}", _ca_rows(row, lost)))
        data.append(_ca_json(row) | {"lost_for_good_by": [x.to_json() for x in lost]})
    return renderables, data


def _ca_rows(row: CaYear, lost: list[LostLoss]) -> list[tuple[str, str, str]]:
    """Schedule 3 from line 13199 down to line 13200, then the year: each step a line, so
    that the proceeds (gifts of listed securities included, at fair market value) add up to
    the gain or loss reported (their gain deemed nil, on Form T1170).  Every amount is the
    sum of the lines rounded to the cent (:mod:`lotwise.regimes.rounding`), as ``lotwise
    gains`` adds them."""
    gifts = [line for line in row.lines if line.inclusion_exempt]
    given = sum((schedule_3_line(line).proceeds for line in gifts), ZERO)
    rows = [
        ("Sched 3 13199", "Proceeds of disposition (publicly traded shares, fund units)"
         + (f", of which gifts of listed securities {_show(given)}" if gifts else ""),
         _show(row.proceeds)),
        ("Sched 3", "less adjusted cost base", _show(row.acb)),
        ("Sched 3", "less outlays and expenses", _show(row.outlays)),
    ]
    if row.denied:
        rows.append(("s.40(2)(g)(i)", "plus superficial losses denied (those losses are nil)",
                     _show(row.denied)))
        rows.append(("", "  of which lost for good" + ("" if row.lost_for_good else
                                                          " (none: all added to the ACB)"),
                     _show(row.lost_for_good)))
        rows += [("s.53(1)(f)", f"    {x.describe()}", _show(money(x.amount))) for x in lost]
    if row.exempt_gain:
        if row.gift_taxable_gain:  # a gift before 2 May 2006: included at 1/4
            rows.append(("T1170", "less the gain on gifts of listed securities to a "
                         "qualified donee (ITA s.38(a.1))", _show(row.exempt_gain)))
            rows.append(("", "  of which taxable (1/4 for gifts before 2 May 2006, nil "
                         "after), added to line 12700", _show(row.gift_taxable_gain)))
        else:
            rows.append(("T1170", "less the gain on gifts of listed securities to a "
                         "qualified donee, deemed nil (ITA s.38(a.1))", _show(row.exempt_gain)))
    rows += [
        ("Sched 3 13200", "Gain (or loss)", _show(row.net_gain)),
        ("T1 12700", f"Taxable capital gain ({_pct(row.inclusion_rate)} of a net gain"
         + (", plus the gifts' taxable part)" if row.gift_taxable_gain else ")"),
         _show(row.taxable_capital_gain)),
        ("", "Net capital losses of other years available", _show(row.carry_in)),
        ("T1 25300", "Net capital losses of other years applied", _show(row.applied)),
        ("", "Allowable capital loss of the year (carried forward)",
         _show(row.allowable_capital_loss)),
        ("", "Net capital losses carried forward", _show(row.carry_out)),
    ]
    if row.marginal_rate is not None and row.estimated_tax is not None:
        rows.append(("", f"Tax at the marginal rate {_pct(row.marginal_rate)}",
                     _show(row.estimated_tax)))
    rows += _foreign_rows(row.foreign_tax, "T2209")
    return rows


def _ca_json(row: CaYear) -> dict[str, Any]:
    return {
        "owner": row.owner,
        "regime": CA,
        "currency": "CAD",
        "year": row.year,
        "proceeds": _m(row.proceeds),
        "acb": _m(row.acb),
        "outlays": _m(row.outlays),
        "net_gain": _m(row.net_gain),
        "exempt_gain": _m(row.exempt_gain),
        "gift_taxable_gain": _m(row.gift_taxable_gain),
        "inclusion_rate": str(row.inclusion_rate),
        "taxable_capital_gain": _m(row.taxable_capital_gain),
        "net_capital_losses_in": _m(row.carry_in),
        "net_capital_losses_applied": _m(row.applied),
        "allowable_capital_loss": _m(row.allowable_capital_loss),
        "net_capital_losses_out": _m(row.carry_out),
        "superficial_losses_denied": _m(row.denied),
        "lost_for_good": _m(row.lost_for_good),
        "marginal_rate": None if row.marginal_rate is None else str(row.marginal_rate),
        "estimated_tax": None if row.estimated_tax is None else _m(row.estimated_tax),
        "foreign_tax": _foreign_json(row.foreign_tax),
    }


# --------------------------------------------------------------------------- United Kingdom


def uk_tax_view(
    household: Household, book: Book, tax_year: int, as_of: date
) -> tuple[list[RenderableType], list[dict[str, Any]]]:
    """Per UK resident: the tax year's capital gains tax computation (GBP)."""
    renderables: list[RenderableType] = []
    data: list[dict[str, Any]] = []
    for owner, code in sorted(owner_regimes(household).items()):
        if code != UK:
            continue
        row = uk_years(book, household, owner, tax_year)[-1]
        renderables.append(_lines(
            f"{owner}: capital gains tax {row.label} (6 April {tax_year} to 5 April "
            f"{tax_year + 1}, GBP) as of {as_of.isoformat()}", _uk_rows(row)))
        data.append(_uk_json(row))
    return renderables, data


def _uk_rows(row: UkYear) -> list[tuple[str, str, str]]:
    rows = [
        ("SA108", "Number of disposals", str(len(row.reportable))),
        ("SA108", "Disposal proceeds", _show(row.proceeds)),
        ("SA108", "Allowable costs (including purchase price)", _show(row.allowable_costs)),
        ("SA108", "Gains in the year, before losses", _show(row.gains)),
        ("SA108", "Losses in the year", _show(row.losses)),
        ("TCGA s.2(2)", "Net gains", _show(row.net_gains)),
        ("", "Losses brought forward", _show(row.losses_brought_forward)),
        ("SA108", "Losses brought forward and used (down to the exempt amount)",
         _show(row.losses_used)),
        ("TCGA s.1K", f"Annual exempt amount {_show(row.annual_exempt_amount)}, used",
         _show(row.exempt_used)),
        ("", "Taxable gains", _show(row.taxable_gains)),
    ]
    income = "not given: all gains at the higher rate" if row.taxable_income is None else (
        _show(row.taxable_income))
    rows.append(("ITA s.10", f"Basic rate band {_show(row.basic_rate_band)}; taxable income "
                 f"{income}", ""))
    for piece in row.slices:
        rows.append(("TCGA s.1H", f"Gains from disposals on or after "
                     f"{piece.period_start.isoformat()} at {_pct(piece.rate)}: "
                     f"{_show(piece.amount)}", _show(piece.tax)))
    rows.append(("", "Capital gains tax", _show(row.tax)))
    rows.append(("", "Losses carried forward", _show(row.losses_carried_forward)))
    for d in row.offshore_income_gains:
        rows.append(("SI 2009/3001 reg. 18", f"Offshore income gain (income tax, SA106): "
                     f"{shares_text(d.quantity)} {d.symbol} sold {d.date.isoformat()}",
                     _show(sa108_line(d).gain)))
    for e in row.excess_reportable_income:
        rows.append(("SI 2009/3001 reg. 94", f"Excess reportable income (income tax, SA106; "
                     f"added to the cost, reg. 99): {e.symbol} in {e.account}, "
                     f"{e.date.isoformat()}, {_eri_kind(row, e.symbol)}", _show(e.amount)))
    rows += _income_rows(row)
    rows += _foreign_rows(row.foreign_tax, "SA106")
    return rows


def _eri_kind(row: UkYear, symbol: str | None) -> str:
    bond = symbol in row.bond_funds
    return "interest (ITTOIA s.378A)" if bond else "a dividend (reg. 94(1))"


_KIND_WORDS = {NON_SAVINGS: "offshore income gains", SAVINGS: "interest",
               DIVIDENDS: "dividends"}


def _income_rows(row: UkYear) -> list[tuple[str, str, str]]:
    """The income tax on the year's income items, slice by slice, and the total tax."""
    income = row.income
    if income is None or not income.items.total:
        return [("", "Total tax (capital gains tax; no income items)", _show(row.total_tax))]
    stacked = ("not given: taken as the basic rate limit" if income.other_income is None
               else _show(income.other_income))
    rows = [("ITA s.23", f"Income tax on these items, stacked on taxable income {stacked} "
             "(rest-of-UK rates)", "")]
    for s in income.slices:
        kind = "other income" if "allowance withdrawn" in s.what else _KIND_WORDS[s.kind]
        rows.append(("ITA s.10-13A", f"  {kind} at the {s.what} {_pct(s.rate)}: "
                     f"{_show(s.amount)}", _show(s.tax)))
    rows.append(("", "Income tax on offshore income gains and excess reportable income",
                 _show(row.income_tax)))
    rows.append(("TCGA s.1I", f"Taxable income with them {_show(income.taxable_income)}: "
                 "the basic rate band left for gains is what it leaves", ""))
    rows.append(("", "Total tax (capital gains tax + this income tax)", _show(row.total_tax)))
    return rows


def _uk_json(row: UkYear) -> dict[str, Any]:
    return {
        "owner": row.owner,
        "regime": UK,
        "currency": "GBP",
        "tax_year": row.tax_year,
        "label": row.label,
        "disposals": len(row.reportable),
        "proceeds": _m(row.proceeds),
        "allowable_costs": _m(row.allowable_costs),
        "gains": _m(row.gains),
        "losses": _m(row.losses),
        "losses_brought_forward": _m(row.losses_brought_forward),
        "losses_used": _m(row.losses_used),
        "annual_exempt_amount": _m(row.annual_exempt_amount),
        "exempt_used": _m(row.exempt_used),
        "taxable_gains": _m(row.taxable_gains),
        "taxable_income": None if row.taxable_income is None else _m(row.taxable_income),
        "rates": [
            {"from": s.period_start.isoformat(), "rate": str(s.rate), "amount": _m(s.amount),
             "tax": _m(s.tax)}
            for s in row.slices
        ],
        "tax": _m(row.tax),
        "losses_carried_forward": _m(row.losses_carried_forward),
        "foreign_tax": _foreign_json(row.foreign_tax),
        "offshore_income_gains": [
            {"date": d.date.isoformat(), "symbol": d.symbol, "quantity": shares_text(d.quantity),
             "gain": _m(sa108_line(d).gain)}
            for d in row.offshore_income_gains
        ],
        "offshore_income_gain": _m(row.offshore_income_gain),
        "excess_reportable_income": [
            {"date": e.date.isoformat(), "account": e.account, "symbol": e.symbol,
             "amount": _m(e.amount)}
            for e in row.excess_reportable_income
        ],
        "excess_reportable_income_total": _m(row.excess_reportable_income_total),
        "income_tax": _income_json(row),
        "total_tax": _m(row.total_tax),
    }


def _income_json(row: UkYear) -> dict[str, Any]:
    income = row.income
    if income is None:
        return {"tax": _m(ZERO)}
    return {
        "offshore_income_gains": _m(income.items.offshore_income_gains),
        "interest": _m(income.items.interest),
        "dividends": _m(income.items.dividends),
        "other_income": None if income.other_income is None else _m(income.other_income),
        "personal_allowance_withdrawn": _m(income.allowance_withdrawn),
        "slices": [
            {"kind": s.kind, "rate_name": s.what, "rate": str(s.rate), "amount": _m(s.amount),
             "tax": _m(s.tax)}
            for s in income.slices
        ],
        "tax": _m(income.tax),
        "taxable_income": _m(income.taxable_income),
    }


def uk_label(tax_year: int) -> str:
    return tax_year_label(tax_year)
