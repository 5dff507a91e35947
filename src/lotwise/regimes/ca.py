"""The Canadian regime: the superficial-loss rule for the planner, and a person's year of
capital gains in the layout of Schedule 3.

Rules (Income Tax Act, "ITA"; the ledger side is :mod:`lotwise.ledger.ca`):

* Tax year: the calendar year (ITA s.249(1)).  Amounts in Canadian dollars (s.261(2)).
* Identical shares are pooled at their adjusted cost base, per person across every
  non-registered account (s.47(1)); there are no lots to choose and no holding period.
* Superficial loss (s.54, s.40(2)(g)(i), s.53(1)(f)): the seller or an affiliated person
  (s.251.1: spouse or common-law partner, controlled corporations, trusts such as their
  RRSP, RRIF, TFSA, RESP and FHSA) acquires identical property 30 days before to 30 days
  after the sale and holds it at the end of that period.  The denied loss is added to the
  ACB of the substituted property; in a registered plan it is lost for good.
* Half of a capital gain is a taxable capital gain and half of a capital loss an allowable
  capital loss (s.38(a), (b)); a year's allowable losses reduce its taxable gains only
  (s.3(b)); the excess is a net capital loss, carried forward indefinitely and deducted from
  later taxable capital gains (s.111(1)(b); T1 line 25300).  A gift of listed shares to a
  charity has a zero inclusion rate (s.38(a.1)).

Schedule 3 (T1 "Capital Gains (or Losses)"), Part 3 "Publicly traded shares, mutual fund
units ...": one line per disposition with the year of acquisition, proceeds of disposition,
adjusted cost base, outlays and expenses, and the gain or loss (lines 13199 and 13200).
:func:`ca_years` adds the year's totals, the taxable capital gain (T1 line 12700), the
net capital losses of other years applied (line 25300) and the losses carried forward.

Worked example: Claire sells 100 units of XIC in 2025 for $3,400 with a $9.99 commission;
her ACB is $2,800.  Gain = 3,400 - 2,800 - 9.99 = $590.01; taxable capital gain $295.005.
With $200 of net capital losses carried in, $200 is applied and $95.005 remains taxable.
Each line's amounts are rounded to the cent before they are added (one rule for
``lotwise gains``, ``lotwise tax`` and the planner: :mod:`lotwise.regimes.rounding`).

The household's ``[tax.ca]`` table (all keys optional)::

    [tax.ca.claire]
    net_capital_losses = 200       # net capital losses carried into the first year (the
                                   # allowable, i.e. already-halved, amount, as on the CRA
                                   # notice of assessment)
    marginal_rate = 0.4341         # combined federal + provincial rate on the next dollar
    [tax.ca.claire.years.2026]
    marginal_rate = 0.4641         # a year's own rate
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from lotwise.errors import InputError, Problem, Source
from lotwise.ledger.ca import CaDisposition, SuperficialLoss, affiliated_owners
from lotwise.model.household import Account, AccountType, Household
from lotwise.model.numbers import ZERO, dec, money
from lotwise.regimes.base import CA, CalendarYear, LossRule, owner_regimes
from lotwise.regimes.rounding import schedule_3_line
from lotwise.withholding import ForeignTax, Withholding, foreign_tax_paid, withholding_rate

if TYPE_CHECKING:
    from lotwise.ledger.book import Book

DATA_DIR = ("data", "tax", "ca")


@dataclass(frozen=True)
class CanadaRegime(CalendarYear):
    household: Household
    owner_id: str

    code = CA
    name = "Canada"
    currency = "CAD"
    has_holding_period = False
    relief_methods = ("average",)  # ITA s.47: adjusted cost base, no choice of lots

    def loss_rule(self) -> LossRule:
        owners = affiliated_owners(self.household, self.owner_id)
        regimes = owner_regimes(self.household)
        accounts = [a for a in self.household.accounts.values() if a.owner in owners]
        return LossRule(
            regime=CA,
            kind="superficial_loss",
            days_before=30,
            days_after=30,
            owners=owners,
            account_types=frozenset(AccountType),
            accounts=frozenset(a.id for a in accounts),
            # registered plans keep no ACB (s.53(1)(f) adds to nothing that is ever taxed);
            # nor does lotwise for an affiliated person who is not resident in Canada
            permanent_accounts=frozenset(
                a.id for a in accounts if not a.type.is_taxable or regimes[a.owner] != CA
            ),
            identical="group",
            must_hold_after=True,
            applies_to_gains=False,
            authority="ITA s.54 'superficial loss', s.40(2)(g)(i), s.53(1)(f), s.251.1; "
            "IT-456R; CRA 2021-0896031C6, 2022-0940941C6",
        )

    def is_taxable(self, account: Account) -> bool:
        return account.type.is_taxable

    def withholding(self, source_country: str, account: Account) -> Withholding | None:
        return withholding_rate(source_country, CA, account.type.value)


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True, slots=True)
class CaYearParams:
    year: int
    inclusion_rate: Decimal
    donation_inclusion_rate: Decimal
    authority: str


def available_years() -> tuple[int, ...]:
    folder = resources.files("lotwise").joinpath(*DATA_DIR)
    return tuple(
        sorted(int(e.name[:-5]) for e in folder.iterdir()
               if e.name.endswith(".toml") and e.name[:-5].isdigit())
    )


@cache
def load_ca_year(year: int) -> CaYearParams:
    """The parameters of ``year``; an :class:`InputError` when lotwise has none."""
    entry = resources.files("lotwise").joinpath(*DATA_DIR, f"{year}.toml")
    if not entry.is_file():
        have = ", ".join(str(y) for y in available_years())
        raise InputError.one(
            Source("lotwise/data/tax/ca"), "year",
            f"lotwise has no Canadian tax parameters for {year} (it has {have})",
            f"choose one of {have}, or add src/lotwise/data/tax/ca/{year}.toml citing the Act",
        )
    raw = tomllib.loads(entry.read_text(encoding="utf-8"))
    return CaYearParams(
        year=int(raw["year"]),
        inclusion_rate=_fraction(raw["inclusion_rate"]),
        donation_inclusion_rate=_fraction(raw["donation_inclusion_rate"]),
        authority=str(raw["authority"]),
    )


def _fraction(value: object) -> Decimal:
    if isinstance(value, str) and "/" in value:
        num, den = value.split("/", 1)
        return dec(num) / dec(den)
    return dec(value)


# --------------------------------------------------------------------------- profile


@dataclass(frozen=True, slots=True)
class CaProfile:
    """One person's ``[tax.ca.<owner>]`` settings."""

    net_capital_losses: Decimal = ZERO
    marginal_rate: Decimal | None = None
    years: Mapping[int, Decimal] = field(default_factory=dict)  # year -> marginal rate

    def rate_for(self, year: int) -> Decimal | None:
        return self.years.get(year, self.marginal_rate)


def ca_profile(household: Household, owner_id: str) -> CaProfile:
    """The owner's ``[tax.ca.<owner>]`` table, checked."""
    raw = household.tax.get("ca", {})
    table = raw.get(owner_id, {}) if isinstance(raw, Mapping) else {}
    problems: list[Problem] = []
    source = Source("household.toml")
    path = f"tax.ca.{owner_id}"
    if not isinstance(table, Mapping):
        raise InputError.one(source, path, "must be a table",
                             f"write [{path}] with net_capital_losses and marginal_rate")
    allowed = ("net_capital_losses", "marginal_rate", "years")
    for key in table:
        if key not in allowed:
            problems.append(Problem(source, f"{path}.{key}", f"unknown key '{key}'",
                                    f"use one of: {', '.join(allowed)}"))
    losses = _amount(table.get("net_capital_losses", 0), f"{path}.net_capital_losses",
                     problems, source)
    rate = None
    if "marginal_rate" in table:
        rate = _rate(table["marginal_rate"], f"{path}.marginal_rate", problems, source)
    years: dict[int, Decimal] = {}
    for year, sub in (table.get("years") or {}).items():
        sub_path = f"{path}.years.{year}"
        if not isinstance(sub, Mapping) or set(sub) - {"marginal_rate"}:
            problems.append(Problem(source, sub_path, "a year table takes only marginal_rate",
                                    f"write [{sub_path}] with marginal_rate = 0.4341"))
            continue
        if "marginal_rate" in sub:
            value = _rate(sub["marginal_rate"], f"{sub_path}.marginal_rate", problems, source)
            if value is not None:
                years[int(year)] = value
    if problems:
        raise InputError(problems)
    return CaProfile(losses or ZERO, rate, years)


def _amount(value: Any, path: str, problems: list[Problem], source: Source) -> Decimal | None:
    try:
        number = dec(value)
    except (ValueError, TypeError):
        problems.append(Problem(source, path, f"{value!r} is not a number", "write a number"))
        return None
    if number < 0:
        problems.append(Problem(source, path, f"{number} is negative",
                                "write the amount as a positive number"))
        return None
    return number


def _rate(value: Any, path: str, problems: list[Problem], source: Source) -> Decimal | None:
    number = _amount(value, path, problems, source)
    if number is not None and number > 1:
        problems.append(Problem(source, path, f"{number} is above 1",
                                "write the rate as a fraction: 0.4341 for 43.41 %"))
        return None
    return number


# --------------------------------------------------------------------------- the year


@dataclass(frozen=True, slots=True)
class CaYear:
    """One person's capital gains for a calendar year, in Canadian dollars.

    Every amount adds the Schedule 3 lines rounded to the cent
    (:mod:`lotwise.regimes.rounding`)."""

    owner: str
    year: int
    lines: tuple[CaDisposition, ...]
    superficial: tuple[SuperficialLoss, ...]
    inclusion_rate: Decimal
    proceeds: Decimal
    acb: Decimal
    outlays: Decimal
    denied: Decimal  # superficial losses denied (s.40(2)(g)(i))
    net_gain: Decimal  # total capital gains (or losses), exempt gifts left out
    exempt_gain: Decimal  # gains on gifts of listed shares (s.38(a.1)): zero inclusion
    taxable_capital_gain: Decimal  # T1 line 12700
    allowable_capital_loss: Decimal  # the year's net capital loss, at the inclusion rate
    carry_in: Decimal  # net capital losses of other years available
    applied: Decimal  # T1 line 25300
    carry_out: Decimal
    marginal_rate: Decimal | None
    foreign_tax: tuple[ForeignTax, ...]

    @property
    def lost_for_good(self) -> Decimal:
        return sum((money(loss.permanent) for loss in self.superficial), ZERO)

    @property
    def taxable_after_losses(self) -> Decimal:
        return self.taxable_capital_gain - self.applied

    @property
    def estimated_tax(self) -> Decimal | None:
        if self.marginal_rate is None:
            return None
        return self.taxable_after_losses * self.marginal_rate


def ca_years(book: Book, household: Household, owner_id: str, last: int) -> list[CaYear]:
    """The owner's years from the first with a disposition (or ``last``) to ``last``, net
    capital losses flowing forward (s.111(1)(b))."""
    profile = ca_profile(household, owner_id)
    lines = [d for d in book.ca_dispositions if d.owner == owner_id]
    first = min((d.sold.year for d in lines), default=last)
    first = min(first, last)
    foreign = [f for f in foreign_tax_paid(book, household) if f.owner == owner_id]
    carry = profile.net_capital_losses
    out = []
    for year in range(first, last + 1):
        params = load_ca_year(year)
        mine = tuple(d for d in lines if d.sold.year == year)
        rounded = [(d, schedule_3_line(d)) for d in mine]
        net = sum((r.reported_gain for d, r in rounded if not d.inclusion_exempt), ZERO)
        exempt = sum((r.gain for d, r in rounded if d.inclusion_exempt), ZERO)
        taxable = net * params.inclusion_rate if net > 0 else ZERO
        allowable_loss = -net * params.inclusion_rate if net < 0 else ZERO
        applied = min(carry, taxable)
        carry_out = carry - applied + allowable_loss
        out.append(
            CaYear(
                owner=owner_id, year=year, lines=mine,
                superficial=tuple(s for s in book.superficial_losses
                                  if s.owner == owner_id and s.sold.year == year),
                inclusion_rate=params.inclusion_rate,
                proceeds=sum((r.proceeds for _, r in rounded), ZERO),
                acb=sum((r.acb for _, r in rounded), ZERO),
                outlays=sum((r.outlays for _, r in rounded), ZERO),
                denied=sum((r.denied for _, r in rounded), ZERO),
                net_gain=net, exempt_gain=exempt,
                taxable_capital_gain=taxable, allowable_capital_loss=allowable_loss,
                carry_in=carry, applied=applied, carry_out=carry_out,
                marginal_rate=profile.rate_for(year),
                foreign_tax=tuple(f for f in foreign if f.tax_year == year),
            )
        )
        carry = carry_out
    return out
