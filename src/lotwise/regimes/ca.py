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
  charity has a zero inclusion rate (s.38(a.1)); 1/4 for gifts before 2 May 2006.
* The years: lotwise has parameters from 2001, the first year wholly at the 1/2 rate
  (gains after 17 October 2000; the 2024 proposal of 2/3 was cancelled on 21 March 2025
  and never enacted), so a net capital loss of any of them is carried at the rate of the
  year that uses it.  Before that the rate was 2/3 or 3/4 and a loss is converted when
  used (s.111(1.1)), which lotwise does not compute: a journal reaching back before 2001
  needs the net capital losses left at the start of 2001 (or a later year) stated in the
  household file, and the years are computed from there.

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
    [tax.ca.claire.years.2019]
    net_capital_losses = 350       # or: the net capital losses carried into 2019, where
                                   # lotwise then starts (dispositions before it count only
                                   # through this figure)
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from lotwise.errors import InputError, Source
from lotwise.ledger.ca import CaDisposition, SuperficialLoss, affiliated_owners
from lotwise.model.household import Account, AccountType, Household
from lotwise.model.numbers import ZERO, dec, money
from lotwise.regimes.base import CA, CalendarYear, LossRule, owner_regimes
from lotwise.regimes.profile import ProfileShape, read_profile
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
                a.id for a in accounts if not a.is_taxable or regimes[a.owner] != CA
            ),
            identical="group",
            must_hold_after=True,
            applies_to_gains=False,
            authority="ITA s.54 'superficial loss', s.40(2)(g)(i), s.53(1)(f), s.251.1; "
            "IT-456R; CRA 2021-0896031C6, 2022-0940941C6",
        )

    def gain_is_income(self, symbol: str) -> bool:
        return False  # every gain lotwise records is a capital gain

    def is_taxable(self, account: Account) -> bool:
        return account.is_taxable

    def withholding(self, source_country: str, account: Account) -> Withholding | None:
        return withholding_rate(source_country, CA, account.type.value)


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True, slots=True)
class DonationRate:
    """The inclusion rate of a gain on a gift of listed shares (s.38(a.1)) from ``start``."""

    start: date
    rate: Decimal


@dataclass(frozen=True, slots=True)
class CaYearParams:
    year: int
    inclusion_rate: Decimal
    donation_rates: tuple[DonationRate, ...]  # by the day of the gift, earliest first
    authority: str

    def donation_rate_on(self, day: date) -> Decimal:
        """s.38(a.1): 1/4 for gifts before 2 May 2006, zero after 1 May 2006."""
        rate = self.donation_rates[0].rate
        for period in self.donation_rates:
            if day >= period.start:
                rate = period.rate
        return rate


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
        years = available_years()
        have = f"{years[0]} to {years[-1]}"
        raise InputError.one(
            Source("lotwise/data/tax/ca"), "year",
            f"lotwise has no Canadian tax parameters for {year} (it has {have})",
            f"choose a year from {have}, or add src/lotwise/data/tax/ca/{year}.toml citing "
            "the Act",
        )
    raw = tomllib.loads(entry.read_text(encoding="utf-8"))
    if "donation_inclusion_rates" in raw:
        donation = tuple(DonationRate(p["from"], _fraction(p["rate"]))
                         for p in raw["donation_inclusion_rates"])
    else:
        donation = (DonationRate(date(year, 1, 1), _fraction(raw["donation_inclusion_rate"])),)
    return CaYearParams(
        year=int(raw["year"]),
        inclusion_rate=_fraction(raw["inclusion_rate"]),
        donation_rates=donation,
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

    net_capital_losses: Decimal = ZERO  # carried into the first year
    marginal_rate: Decimal | None = None
    years: Mapping[int, Decimal] = field(default_factory=dict)  # year -> marginal rate
    start: tuple[int, Decimal] | None = None  # (year, net capital losses carried into it)

    def rate_for(self, year: int) -> Decimal | None:
        return self.years.get(year, self.marginal_rate)


_SHAPE = ProfileShape(table="ca", carry_key="net_capital_losses",
                      carry_words="the net capital losses carried in",
                      yearly_key="marginal_rate", yearly_example="0.4341", yearly_is_rate=True)


def ca_profile(household: Household, owner_id: str) -> CaProfile:
    """The owner's ``[tax.ca.<owner>]`` table, checked."""
    table = read_profile(household, owner_id, _SHAPE)
    return CaProfile(table.carry, table.yearly, table.years, table.start)


# --------------------------------------------------------------------------- the year


@dataclass(frozen=True, slots=True)
class CaTotals:
    """What a year's net capital gain does to its taxable gain and to the losses carried."""

    taxable_capital_gain: Decimal  # T1 line 12700
    allowable_capital_loss: Decimal  # the year's net capital loss, at the inclusion rate
    applied: Decimal  # T1 line 25300
    carry_out: Decimal  # net capital losses carried forward, at the inclusion rate


def ca_totals(
    net_gain: Decimal, gift_taxable: Decimal, inclusion_rate: Decimal, carry_in: Decimal
) -> CaTotals:
    """The year's taxable capital gain and losses carried: ``net_gain`` (gifts of listed
    shares left out) at the inclusion rate (s.38(a), (b)) plus ``gift_taxable``, the taxable
    part of gifts' gains (s.38(a.1)); allowable losses only against taxable gains (s.3(b));
    net capital losses of other years against what is left (s.111(1)(b))."""
    total = net_gain * inclusion_rate + gift_taxable
    taxable = total if total > 0 else ZERO
    allowable_loss = -total if total < 0 else ZERO
    applied = min(carry_in, taxable)
    return CaTotals(taxable, allowable_loss, applied, carry_in - applied + allowable_loss)


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
    net_gain: Decimal  # total capital gains (or losses), gifts of listed shares left out
    exempt_gain: Decimal  # gains on gifts of listed shares (s.38(a.1))
    gift_taxable_gain: Decimal  # their taxable part: zero for gifts after 1 May 2006
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
    """The owner's years from the first lotwise computes to ``last``, net capital losses
    flowing forward (s.111(1)(b)).

    The first year is the one a ``[tax.ca.<owner>.years.<year>]`` table states the net
    capital losses carried into, else the year of the owner's first disposition (or
    ``last``), with ``[tax.ca.<owner>] net_capital_losses`` carried into it."""
    profile = ca_profile(household, owner_id)
    source = Source(household.source)
    lines = [d for d in book.ca_dispositions if d.owner == owner_id]
    if profile.start is not None:
        first, carry = profile.start
        if first < available_years()[0]:
            oldest = available_years()[0]
            raise InputError.one(
                source, f"tax.ca.{owner_id}.years.{first}.net_capital_losses",
                f"lotwise has no Canadian tax parameters for {first}: it has them from "
                f"{oldest}",
                f"state the net capital losses carried into {oldest} or a later year instead",
            )
        if last < first:
            raise InputError.one(
                source, f"tax.ca.{owner_id}.years.{first}.net_capital_losses",
                f"lotwise starts {owner_id}'s capital gains at {first}, the year this table "
                f"states the net capital losses carried into, so it cannot compute {last}",
                f"ask for {first} or a later year, or state the net capital losses carried "
                f"into {last} or an earlier year instead",
            )
    else:
        first = min([d.sold.year for d in lines] + [last])
        carry = profile.net_capital_losses
        _check_covered(first, lines, owner_id, source)
    foreign = [f for f in foreign_tax_paid(book, household) if f.owner == owner_id]
    out = []
    for year in range(first, last + 1):
        params = load_ca_year(year)
        mine = tuple(d for d in lines if d.sold.year == year)
        rounded = [(d, schedule_3_line(d)) for d in mine]
        net = sum((r.reported_gain for d, r in rounded if not d.inclusion_exempt), ZERO)
        gifts = [(d, r) for d, r in rounded if d.inclusion_exempt]
        exempt = sum((r.gain for _, r in gifts), ZERO)
        gift_taxable = sum((r.gain * params.donation_rate_on(d.sold) for d, r in gifts), ZERO)
        totals = ca_totals(net, gift_taxable, params.inclusion_rate, carry)
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
                net_gain=net, exempt_gain=exempt, gift_taxable_gain=gift_taxable,
                taxable_capital_gain=totals.taxable_capital_gain,
                allowable_capital_loss=totals.allowable_capital_loss,
                carry_in=carry, applied=totals.applied, carry_out=totals.carry_out,
                marginal_rate=profile.rate_for(year),
                foreign_tax=tuple(f for f in foreign if f.tax_year == year),
            )
        )
        carry = totals.carry_out
    return out


def _check_covered(first: int, lines: list[CaDisposition], owner_id: str,
                   source: Source) -> None:
    """An :class:`InputError` when the owner's years would start before the first year
    lotwise has parameters for, saying what is missing and how to start later; ``source``
    is the household file, where the fix goes."""
    oldest = available_years()[0]
    if first >= oldest:
        return
    early = min((d for d in lines if d.sold.year < oldest), key=lambda d: d.sold, default=None)
    if early is None:  # no disposition before the data: the year asked for is too early
        load_ca_year(first)
        return
    raise InputError.one(
        source, f"tax.ca.{owner_id}.years.{oldest}.net_capital_losses",
        f"{owner_id} disposed of {early.symbol} on {early.sold.isoformat()} (transaction "
        f"{early.txn_id}), but lotwise has no Canadian tax parameters for {first}: it has "
        f"them from {oldest}, when every gain and loss is included at 1/2 (ITA s.38(a)).  Earlier "
        "inclusion rates were 1/2 before 1988, 2/3 in 1988-1989, 3/4 from 1990 to 27 "
        "February 2000 and 2/3 to 17 October 2000, and a net capital loss of those years is "
        "converted to the rate of the year it is used in (s.111(1.1); CRA Guide T4037), "
        "which lotwise does not compute",
        f"state the net capital losses {owner_id} had left at the start of {oldest}, at the "
        "1/2 rate as on the notice of assessment (0 if none), as net_capital_losses in "
        f"[tax.ca.{owner_id}.years.{oldest}], in place of any net_capital_losses in "
        f"[tax.ca.{owner_id}] (docs/regimes.md section 2); lotwise then computes "
        f"{owner_id}'s years from {oldest} and the dispositions before it count only "
        "through that figure",
    )
