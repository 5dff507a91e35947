"""The UK regime: share matching for the planner, and a person's capital gains tax for a
tax year in the layout of the SA108 ("Capital gains summary") totals.

Rules (Taxation of Chargeable Gains Act 1992, "TCGA"; the ledger side is
:mod:`lotwise.ledger.uk`):

* Tax year: 6 April to 5 April (ITA 2007 s.4(2)); lotwise names it by the year it starts
  (``2024`` is 2024-25).  Amounts in pounds sterling.
* Share matching per person: same day, then the next 30 days (earliest first), then the
  section 104 holding (ss.104, 105, 106A).  Only the person's own acquisitions in accounts
  within CGT count: not a spouse's, not an ISA's (ISA Regulations 1998 reg. 34(2)), not a
  SIPP's (s.271(1A)).  The 30-day rule re-prices a gain as well as a loss; a loss is never
  "lost for good", it is measured against the new shares' cost instead.
* The year: the year's losses are set against its gains in full (s.2(2)(a)); losses
  brought forward only reduce what is left to the annual exempt amount (s.3(5A)-(5C);
  CG18030); then the annual exempt amount (s.1K; £6,000 in 2023-24, £3,000 from 2024-25:
  Finance Act 2023 s.8).  What remains is charged at the lower rate inside the basic rate
  band left over by taxable income and at the higher rate above it (s.1H(3), s.1I).
* 2024-25 has two pairs of rates: 10 % / 20 % for disposals before 30 October 2024 and
  18 % / 24 % from that day (Finance Act 2025 s.7).  Losses and the annual exempt amount
  may be set against the gains in the way most beneficial to the person (s.4B); lotwise
  also uses the basic rate band where it saves most, and says so in the computation.
* Earlier tax years: carrying losses through a year needs only its annual exempt amount,
  which lotwise has from 2008-09 (the first year without taper relief); the rates and the
  basic rate band, and so the tax, only from 2022-23.  A disposal before 2008-09 needs the
  losses unused at 6 April 2008 stated in the household file, and the years start there.
* Each disposal's amounts are rounded to the penny before they are added (one rule for
  ``lotwise gains``, ``lotwise tax`` and the planner: :mod:`lotwise.regimes.rounding`).
* Gifts to a spouse or civil partner (s.58) and to a charity (s.257) are at no gain, no
  loss and are not counted in the SA108 totals.
* Offshore funds (SI 2009/3001): a gain on a fund without reporting status is an offshore
  income gain, charged to income tax (regs. 17, 18) and not a chargeable gain (reg. 44):
  it is left out of the computation and listed apart, for the SA106 foreign pages; a loss
  on such a fund is an allowable capital loss (reg. 42; IFM13550) and counts here.  A
  reporting fund's excess reportable income held within CGT is income of the tax year of
  its fund distribution date (reg. 94(3)), listed apart too; the ledger adds it to the
  cost of the holding (reg. 99).
* The order of the year: the income tax on those items first, stacked on the owner's
  taxable income (ITA 2007 s.23; :mod:`lotwise.regimes.uk_income`), then the gains over the
  basic rate band the whole taxable income leaves (TCGA s.1I).  :attr:`UkYear.total_tax` is
  the capital gains tax plus that income tax.

Worked example (2024-25): taxable income £45,000 (the £37,700 band is used up); gains
£5,000 on 1 July 2024 and £8,000 on 1 December 2024; a £2,000 loss on 1 February 2025; no
losses brought forward.  Net gains £11,000; less the £3,000 exempt amount: £8,000 taxable.
The deductions (£2,000 + £3,000) go against the later gains, taxed at 24 % rather than 20 %:
£5,000 at 20 % = £1,000 and £3,000 at 24 % = £720; CGT £1,720.

The household's ``[tax.uk]`` table (all keys optional)::

    [tax.uk.olivia]
    losses_brought_forward = 1200   # allowable losses unused before the first tax year
    taxable_income = 52000          # income after allowances (sets the band left)
    [tax.uk.olivia.years.2025]      # tax year 2025-26
    taxable_income = 30000
    [tax.uk.olivia.years.2019]      # or: the losses brought forward into 2019-20, where
    losses_brought_forward = 800    # lotwise then starts (disposals before it count only
                                    # through this figure)

Without ``taxable_income`` lotwise cannot know the band left and charges every gain at the
higher rate, the cautious figure for planning.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from lotwise.errors import InputError, Source
from lotwise.ledger.uk import NO_GAIN_NO_LOSS, UkDisposal, gains_are_income, uk_tax_year
from lotwise.model.household import Account, Household
from lotwise.model.numbers import ZERO, dec
from lotwise.regimes.base import UK, LossRule
from lotwise.regimes.profile import ProfileShape, read_profile
from lotwise.regimes.rounding import sa108_line
from lotwise.regimes.uk_income import (
    IncomeItems,
    IncomeTax,
    IncomeTaxParams,
    income_tax,
    income_tax_params,
)
from lotwise.withholding import ForeignTax, Withholding, foreign_tax_paid, withholding_rate

if TYPE_CHECKING:
    from lotwise.ledger.book import Book, CashEvent

DATA_DIR = ("data", "tax", "uk")


def tax_year_label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


@dataclass(frozen=True)
class UnitedKingdomRegime:
    household: Household
    owner_id: str

    code = UK
    name = "United Kingdom"
    currency = "GBP"
    has_holding_period = False
    relief_methods = ("share_matching",)  # TCGA ss.104-106A: no choice of shares

    def tax_year(self, day: date) -> int:
        return uk_tax_year(day)

    def tax_year_span(self, year: int) -> tuple[date, date]:
        return date(year, 4, 6), date(year + 1, 4, 5)

    def tax_year_label(self, year: int) -> str:
        return tax_year_label(year)

    def loss_rule(self) -> LossRule:
        mine = [a for a in self.household.accounts.values() if a.owner == self.owner_id]
        counted = [a for a in mine if a.is_taxable]
        return LossRule(
            regime=UK,
            kind="bed_and_breakfast",
            days_before=0,  # same-day acquisitions are matched (s.105(1)(b)); earlier ones pool
            days_after=30,  # s.106A(5)
            owners=frozenset({self.owner_id}),  # the person alone: a spouse's purchase is not
            # the accounts within CGT: a GIA, or a wrapper the UK does not recognize
            # (wrappers.toml); ISA and SIPP holdings are held in another capacity
            account_types=frozenset(a.type for a in counted),
            accounts=frozenset(a.id for a in counted),
            permanent_accounts=frozenset(),
            identical="symbol",  # securities of the same class (s.104(3))
            must_hold_after=False,
            applies_to_gains=True,
            authority="TCGA 1992 ss.104, 105, 106A; ISA Regulations 1998 reg. 34; "
            "HMRC CG51560; HS284",
        )

    def is_taxable(self, account: Account) -> bool:
        return account.is_taxable

    def gain_is_income(self, symbol: str) -> bool:
        """A gain on a fund without UK reporting status is an offshore income gain, charged
        to income tax (SI 2009/3001 regs. 17, 18); a loss on it is a capital loss (reg. 42)."""
        security = self.household.securities.get(symbol)
        return security is not None and gains_are_income(security)

    def withholding(self, source_country: str, account: Account) -> Withholding | None:
        return withholding_rate(source_country, UK, account.type.value)


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True, slots=True)
class RatePeriod:
    start: date
    lower: Decimal
    higher: Decimal
    authority: str


@dataclass(frozen=True, slots=True)
class UkYearParams:
    tax_year: int
    label: str
    annual_exempt_amount: Decimal
    basic_rate_band: Decimal
    periods: tuple[RatePeriod, ...]
    income: IncomeTaxParams | None = None  # income tax rates and limits (``[income_tax]``)

    def period_of(self, day: date) -> int:
        index = 0
        for i, period in enumerate(self.periods):
            if day >= period.start:
                index = i
        return index


def available_years() -> tuple[int, ...]:
    """Every tax year lotwise has an annual exempt amount for (it carries losses through
    them); :func:`tax_years` are those it also computes the tax of."""
    folder = resources.files("lotwise").joinpath(*DATA_DIR)
    return tuple(
        sorted(int(e.name[:-5]) for e in folder.iterdir()
               if e.name.endswith(".toml") and e.name[:-5].isdigit())
    )


def tax_years() -> tuple[int, ...]:
    """The tax years lotwise has rates and a basic rate band for."""
    return tuple(y for y in available_years() if "rates" in _read(y))


@cache
def _read(year: int) -> dict[str, Any]:
    entry = resources.files("lotwise").joinpath(*DATA_DIR, f"{year}.toml")
    if not entry.is_file():
        years = available_years()
        have = f"{tax_year_label(years[0])} to {tax_year_label(years[-1])}"
        raise InputError.one(
            Source("lotwise/data/tax/uk"), "year",
            f"lotwise has no UK capital gains tax parameters for {tax_year_label(year)} "
            f"(it has {have})",
            f"choose a tax year from {have}, or add src/lotwise/data/tax/uk/{year}.toml "
            "citing the Acts",
        )
    return tomllib.loads(entry.read_text(encoding="utf-8"))


def annual_exempt_amount(year: int) -> Decimal:
    """The annual exempt amount of tax year ``year`` (TCGA s.1K, formerly s.3)."""
    return dec(_read(year)["annual_exempt_amount"])


@cache
def load_uk_year(year: int) -> UkYearParams:
    """The parameters of tax year ``year`` (``2024`` = 2024-25), rates included."""
    raw = _read(year)
    if "rates" not in raw:
        have = tax_years()
        raise InputError.one(
            Source(f"lotwise/data/tax/uk/{year}.toml"), "rates",
            f"lotwise computes UK capital gains tax from {tax_year_label(have[0])}: for "
            f"{tax_year_label(year)} it has only the annual exempt amount "
            f"(£{annual_exempt_amount(year):,}), with which it carries losses through the "
            "year, not the rates and basic rate band that charge its gains",
            f"ask for {tax_year_label(have[0])} or a later tax year (--year {have[0]}), or "
            f"add the rates and the basic rate band of {tax_year_label(year)} to "
            f"src/lotwise/data/tax/uk/{year}.toml citing the Acts",
        )
    periods = tuple(
        RatePeriod(p["from"], dec(p["lower"]), dec(p["higher"]), str(p["authority"]))
        for p in raw["rates"]
    )
    band = dec(raw["basic_rate_band"])
    return UkYearParams(
        tax_year=int(raw["tax_year"]),
        label=str(raw["label"]),
        annual_exempt_amount=dec(raw["annual_exempt_amount"]),
        basic_rate_band=band,
        periods=periods,
        income=income_tax_params(raw, band, f"lotwise/data/tax/uk/{year}.toml"),
    )


# --------------------------------------------------------------------------- profile


@dataclass(frozen=True, slots=True)
class UkProfile:
    losses_brought_forward: Decimal = ZERO  # into the first tax year
    taxable_income: Decimal | None = None
    years: Mapping[int, Decimal] = field(default_factory=dict)  # tax year -> taxable income
    start: tuple[int, Decimal] | None = None  # (tax year, losses brought forward into it)

    def income_for(self, year: int) -> Decimal | None:
        return self.years.get(year, self.taxable_income)


_SHAPE = ProfileShape(table="uk", carry_key="losses_brought_forward",
                      carry_words="the losses brought forward", yearly_key="taxable_income",
                      yearly_example="30000", yearly_is_rate=False, year_word="tax year",
                      first_event="disposal")


def uk_profile(household: Household, owner_id: str) -> UkProfile:
    """The owner's ``[tax.uk.<owner>]`` table, checked."""
    path = f"tax.uk.{owner_id}"
    shape = replace(_SHAPE, naming=f"name the table by the year the tax year starts: "
                                   f"[{path}.years.2025] for 2025-26")
    table = read_profile(household, owner_id, shape)
    return UkProfile(table.carry, table.yearly, table.years, table.start)


# --------------------------------------------------------------------------- the year


@dataclass(frozen=True, slots=True)
class RateSlice:
    """Taxable gains of one rate period charged at one rate."""

    period_start: date
    rate: Decimal
    amount: Decimal

    @property
    def tax(self) -> Decimal:
        return self.amount * self.rate


@dataclass(frozen=True, slots=True)
class UkYear:
    """One person's capital gains tax for one tax year, in pounds sterling.

    Every amount adds the disposals rounded to the penny (:mod:`lotwise.regimes.rounding`)."""

    owner: str
    tax_year: int
    label: str
    disposals: tuple[UkDisposal, ...]
    proceeds: Decimal  # of the reportable disposals (gifts at no gain, no loss left out)
    allowable_costs: Decimal
    gains: Decimal  # gains in the year, before losses
    losses: Decimal  # losses in the year, positive
    losses_brought_forward: Decimal
    losses_used: Decimal  # brought forward and used (only down to the exempt amount)
    annual_exempt_amount: Decimal
    exempt_used: Decimal
    taxable_gains: Decimal
    slices: tuple[RateSlice, ...]
    losses_carried_forward: Decimal
    taxable_income: Decimal | None
    basic_rate_band: Decimal
    foreign_tax: tuple[ForeignTax, ...]
    # income, not capital gains (SI 2009/3001): the year's offshore income gains (regs. 17,
    # 18) and the excess reportable income of reporting funds held in a GIA (reg. 94)
    offshore_income_gains: tuple[UkDisposal, ...] = ()
    excess_reportable_income: tuple[CashEvent, ...] = ()
    # the income tax on them, stacked on taxable_income (lotwise.regimes.uk_income); its
    # taxable income is what decided the basic rate band left for the gains (TCGA s.1I)
    income: IncomeTax | None = None
    bond_funds: frozenset[str] = frozenset()  # ERI of these is interest (ITTOIA s.378A)

    @property
    def income_tax(self) -> Decimal:
        """Income tax on the offshore income gains and excess reportable income."""
        return ZERO if self.income is None else self.income.tax

    @property
    def total_tax(self) -> Decimal:
        """Capital gains tax plus the income tax on lotwise's income items."""
        return self.tax + self.income_tax

    @property
    def reportable(self) -> tuple[UkDisposal, ...]:
        """The disposals of the SA108 totals: no gifts at no gain, no loss, no offshore
        income gains."""
        return tuple(d for d in self.disposals if on_sa108(d))

    @property
    def offshore_income_gain(self) -> Decimal:
        return sum((sa108_line(d).gain for d in self.offshore_income_gains), ZERO)

    @property
    def excess_reportable_income_total(self) -> Decimal:
        return sum((e.amount for e in self.excess_reportable_income), ZERO)

    @property
    def net_gains(self) -> Decimal:
        return self.gains - self.losses

    @property
    def tax(self) -> Decimal:
        return sum((s.tax for s in self.slices), ZERO)


def on_sa108(disposal: UkDisposal) -> bool:
    """Whether a disposal counts in the capital gains computation: not a gift at no gain,
    no loss (s.58, s.257), not an offshore income gain (SI 2009/3001 reg. 44)."""
    return disposal.kind not in NO_GAIN_NO_LOSS and not disposal.is_offshore_income_gain


def income_items(household: Household, offshore_income_gains: Iterable[UkDisposal],
                 excess: Iterable[CashEvent]) -> IncomeItems:
    """A tax year's income items: the offshore income gains (each rounded to the penny as on
    the return, :mod:`lotwise.regimes.rounding`), and the excess reportable income as
    interest for a bond fund (``uk_bond_fund``, ITTOIA 2005 s.378A) or else as dividends
    (SI 2009/3001 reg. 94(1))."""
    interest = dividends = ZERO
    for e in excess:
        security = household.securities.get(e.symbol or "")
        if security is not None and security.uk_bond_fund:
            interest += e.amount
        else:
            dividends += e.amount
    gains = sum((sa108_line(d).gain for d in offshore_income_gains
                 if d.is_offshore_income_gain), ZERO)
    return IncomeItems(gains, interest, dividends)


def excess_reportable_income(book: Book, household: Household,
                             owner_id: str) -> list[CashEvent]:
    """The owner's excess reportable income within CGT (a GIA's; an ISA's is exempt, ISA
    Regulations 1998 reg. 22)."""
    return [e for e in book.cash_events
            if e.action == "excess_reportable_income"
            and household.accounts[e.account].owner == owner_id
            and household.accounts[e.account].is_taxable]


def uk_years(book: Book, household: Household, owner_id: str, last: int) -> list[UkYear]:
    """The owner's tax years that lotwise computes the tax of, up to ``last``, unused
    losses carried forward (TCGA s.2(2)(b)).

    The chain starts at the tax year a ``[tax.uk.<owner>.years.<year>]`` table states the
    losses brought forward into, else at the owner's first disposal (or ``last``), with
    ``[tax.uk.<owner>] losses_brought_forward``.  Tax years lotwise has only the annual
    exempt amount for are carried through (:func:`net_year`) but not returned."""
    profile = uk_profile(household, owner_id)
    source = Source(household.source)
    mine = [d for d in book.uk_disposals if d.owner == owner_id]
    oldest = available_years()[0]
    if profile.start is not None:
        first, carried = profile.start
        key = f"tax.uk.{owner_id}.years.{first}.losses_brought_forward"
        if first < oldest:
            raise InputError.one(
                source, key,
                f"lotwise has no UK annual exempt amount for {tax_year_label(first)}: it has "
                f"them from {tax_year_label(oldest)}",
                f"state the losses brought forward into {tax_year_label(oldest)} or a later "
                "tax year instead",
            )
        if last < first:
            raise InputError.one(
                source, key,
                f"lotwise starts {owner_id}'s capital gains at {tax_year_label(first)}, the "
                f"tax year this table states the losses brought forward into, so it cannot "
                f"compute {tax_year_label(last)}",
                f"ask for {tax_year_label(first)} or a later tax year, or state the losses "
                f"brought forward into {tax_year_label(last)} or an earlier tax year instead",
            )
    else:
        first = min(min((d.tax_year for d in mine), default=last), last)
        carried = profile.losses_brought_forward
        _check_covered(first, mine, owner_id, source)
    load_uk_year(last)  # the year asked for must be one lotwise computes the tax of
    full = set(tax_years())
    foreign = [f for f in foreign_tax_paid(book, household) if f.owner == owner_id]
    eri = excess_reportable_income(book, household, owner_id)
    out = []
    for year in range(first, last + 1):
        disposals = tuple(d for d in mine if d.tax_year == year)
        if year not in full:
            gains, losses = _gains_and_losses(disposals)
            carried = net_year(annual_exempt_amount(year), gains, losses, carried).carried_forward
            continue
        params = load_uk_year(year)
        income = profile.income_for(year)
        oigs = tuple(d for d in disposals if d.is_offshore_income_gain)
        excess = tuple(e for e in eri if uk_tax_year(e.date) == year)
        assert params.income is not None
        # income tax first (ITA 2007 s.23), then the gains over the band it leaves (s.1I)
        charged = income_tax(params.income, income, income_items(household, oigs, excess))
        result = compute_year(params, disposals, carried, charged.taxable_income)
        lines = [sa108_line(d) for d in disposals if on_sa108(d)]
        out.append(
            UkYear(
                owner=owner_id, tax_year=year, label=params.label, disposals=disposals,
                proceeds=sum((line.proceeds for line in lines), ZERO),
                allowable_costs=sum((line.allowable_costs for line in lines), ZERO),
                gains=result.gains, losses=result.losses, losses_brought_forward=carried,
                losses_used=result.losses_used, annual_exempt_amount=params.annual_exempt_amount,
                exempt_used=result.exempt_used, taxable_gains=result.taxable,
                slices=result.slices, losses_carried_forward=result.carried_forward,
                taxable_income=income, basic_rate_band=params.basic_rate_band,
                foreign_tax=tuple(f for f in foreign if f.tax_year == year),
                offshore_income_gains=oigs, excess_reportable_income=excess,
                income=charged,
                bond_funds=frozenset(s for s, sec in household.securities.items()
                                           if sec.uk_bond_fund),
            )
        )
        carried = result.carried_forward
    return out


def _check_covered(first: int, disposals: list[UkDisposal], owner_id: str,
                   source: Source) -> None:
    """An :class:`InputError` when the owner's tax years would start before the first one
    lotwise has an annual exempt amount for, saying what is missing and how to start later;
    ``source`` is the household file, where the fix goes."""
    oldest = available_years()[0]
    if first >= oldest:
        return
    early = min((d for d in disposals if d.tax_year < oldest), key=lambda d: d.date,
                default=None)
    if early is None:  # no disposal before the data: the tax year asked for is too early
        _read(first)
        return
    raise InputError.one(
        source, f"tax.uk.{owner_id}.years.{oldest}.losses_brought_forward",
        f"{owner_id} disposed of {early.symbol} on {early.date.isoformat()} (tax year "
        f"{tax_year_label(early.tax_year)}), but lotwise has no UK capital gains tax "
        f"parameters for {tax_year_label(first)}: it has the annual exempt amount, which "
        f"carries losses forward, from {tax_year_label(oldest)}.  Before 6 April 2008 "
        "gains were reduced by taper relief and indexation allowance, and losses were set "
        "against gains before taper, which lotwise does not compute",
        f"state the allowable losses {owner_id} had unused at 6 April {oldest} (0 if none) "
        f"as losses_brought_forward in [tax.uk.{owner_id}.years.{oldest}], in place of any "
        f"losses_brought_forward in [tax.uk.{owner_id}] (docs/regimes.md section 2); lotwise "
        f"then computes {owner_id}'s tax years from {tax_year_label(oldest)} and the "
        "disposals before it count only through that figure",
    )


@dataclass(frozen=True, slots=True)
class _Result:
    gains: Decimal
    losses: Decimal
    losses_used: Decimal
    exempt_used: Decimal
    taxable: Decimal
    slices: tuple[RateSlice, ...]
    carried_forward: Decimal


def compute_year(
    params: UkYearParams,
    disposals: tuple[UkDisposal, ...],
    brought_forward: Decimal,
    taxable_income: Decimal | None,
) -> _Result:
    """Net the year's gains and losses, apply losses brought forward and the exempt amount,
    and charge the rest at the rates of each disposal's date."""
    gains, losses = period_totals(params, disposals)
    return compute_totals(params, gains, losses, brought_forward, taxable_income)


def _gains_and_losses(disposals: tuple[UkDisposal, ...]) -> tuple[Decimal, Decimal]:
    """The gains and the losses (positive) of the disposals."""
    gains, losses = _split(disposals, lambda d: 0, 1)
    return gains[0], losses


def period_totals(
    params: UkYearParams, disposals: tuple[UkDisposal, ...]
) -> tuple[list[Decimal], Decimal]:
    """The year's gains per rate period and its losses (positive)."""
    return _split(disposals, lambda d: params.period_of(d.date), len(params.periods))


def _split(
    disposals: tuple[UkDisposal, ...], bucket: Callable[[UkDisposal], int], buckets: int
) -> tuple[list[Decimal], Decimal]:
    """Gains into ``buckets`` by ``bucket``, losses added up (positive): each disposal
    rounded to the penny (:mod:`lotwise.regimes.rounding`), gifts at no gain, no loss and
    offshore income gains left out (:func:`on_sa108`)."""
    gains = [ZERO] * buckets
    losses = ZERO
    for d in disposals:
        if not on_sa108(d):
            continue
        gain = sa108_line(d).gain
        if gain >= 0:
            gains[bucket(d)] += gain
        else:
            losses -= gain
    return gains, losses


@dataclass(frozen=True, slots=True)
class Netted:
    """A tax year's gains after its losses, losses brought forward and the exempt amount."""

    losses_used: Decimal  # brought forward and used
    exempt_used: Decimal
    taxable: Decimal
    carried_forward: Decimal


def net_year(aea: Decimal, gains: Decimal, losses: Decimal, brought_forward: Decimal) -> Netted:
    """The year's losses in full (s.2(2)(a)); losses brought forward only down to the annual
    exempt amount (s.3(5A)-(5C), CG18030), the rest carried forward (s.2(2)(b)); then the
    exempt amount (s.1K)."""
    net = gains - losses
    if net <= 0:
        return Netted(ZERO, ZERO, ZERO, brought_forward - net)
    used = min(brought_forward, max(ZERO, net - aea))
    exempt = min(aea, net - used)
    return Netted(used, exempt, net - used - exempt, brought_forward - used)


def compute_totals(
    params: UkYearParams,
    gains: list[Decimal],
    losses: Decimal,
    brought_forward: Decimal,
    taxable_income: Decimal | None,
) -> _Result:
    """:func:`compute_year` from the year's gains per rate period and its losses."""
    total_gains = sum(gains, ZERO)
    netted = net_year(params.annual_exempt_amount, total_gains, losses, brought_forward)
    if netted.taxable <= 0:
        return _Result(total_gains, losses, netted.losses_used, netted.exempt_used, ZERO, (),
                       netted.carried_forward)
    # without the person's income lotwise cannot know the band left: the higher rate, the
    # cautious figure for planning
    band = ZERO if taxable_income is None else max(ZERO, params.basic_rate_band - taxable_income)
    slices = _cheapest(params, gains, netted.taxable, band)
    return _Result(total_gains, losses, netted.losses_used, netted.exempt_used, netted.taxable,
                   slices, netted.carried_forward)


def _cheapest(
    params: UkYearParams, gains: list[Decimal], taxable: Decimal, band: Decimal
) -> tuple[RateSlice, ...]:
    """Split ``taxable`` over the rate periods (at most each period's gains) and the band
    over them so that the tax is least (s.4B).  The tax is piecewise linear in the split,
    so its least value is at an end or where a part meets the band."""
    periods = params.periods
    if len(periods) == 1:
        return _charge(periods, [taxable], band, (0,))
    first, second = gains[0], gains[1]
    low, high = max(ZERO, taxable - second), min(first, taxable)
    candidates = {low, high}
    for point in (band, taxable - band):
        candidates.add(min(max(point, low), high))
    best: tuple[RateSlice, ...] | None = None
    best_tax = ZERO
    for part in sorted(candidates):
        for order in ((0, 1), (1, 0)):
            slices = _charge(periods, [part, taxable - part], band, order)
            tax = sum((s.tax for s in slices), ZERO)
            if best is None or tax < best_tax:
                best, best_tax = slices, tax
    assert best is not None
    return best


def _charge(
    periods: tuple[RatePeriod, ...], parts: list[Decimal], band: Decimal, order: tuple[int, ...]
) -> tuple[RateSlice, ...]:
    slices = []
    left = band
    for i in order:
        amount = parts[i]
        if amount <= 0:
            continue
        lower = min(left, amount)
        left -= lower
        period = periods[i]
        if lower > 0:
            slices.append(RateSlice(period.start, period.lower, lower))
        if amount - lower > 0:
            slices.append(RateSlice(period.start, period.higher, amount - lower))
    slices.sort(key=lambda s: (s.period_start, s.rate))
    return tuple(slices)
