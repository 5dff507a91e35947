"""The household's ``[tax]`` table: settings, tax units and per-year income profiles.

Format (documented with an example in docs/tax.md)::

    [tax]
    state_rate = 0.05                  # 0..1
    state_mode = "marginal"            # or "gains"
    loss_carryforward_discount = 0.9   # 0..1, value today of a dollar carried forward
    deduction = "auto"                 # or "standard" / "itemized"
    trust_exemption = 100              # estates and trusts only (IRC §642(b))

    [tax.units.carol]                  # per tax unit overrides of the settings above
    state_rate = 0.0

    [tax.years.2025]                   # one tax unit: the amounts directly
    ordinary_income = 180000
    qualified_dividends = 4000
    ...

    [tax.years.2025.alice]             # several tax units: one table per unit, named by the
    ordinary_income = 180000           # unit key ("alice+bob") or by any member's owner id

A tax unit is one return: an owner whose filing status is ``married_joint`` together with the
spouse (key :meth:`Household.tax_unit_key`), or any other owner alone (key = owner id).

A year without its own table uses the latest earlier year's amounts (carryforwards excepted):
planning for next year assumes this year's income unless told otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lotwise.errors import InputError, Problem, Source
from lotwise.model.household import FilingStatus, Household
from lotwise.model.numbers import ZERO, dec
from lotwise.tax.federal import DeductionChoice, StateMode, TaxPosition
from lotwise.tax.params import load_year

DEFAULT_SOURCE = Source("household.toml")

SETTING_KEYS = (
    "state_rate",
    "state_mode",
    "loss_carryforward_discount",
    "deduction",
    "trust_exemption",
)
AMOUNT_KEYS = (
    "ordinary_income",
    "qualified_dividends",
    "ordinary_dividends",
    "interest",
    "other_investment_income",
    "itemized_deductions",
    "capital_gain_distributions",
    "carryforward_short",
    "carryforward_long",
)
_MAY_BE_NEGATIVE = frozenset({"ordinary_income"})


@dataclass(frozen=True, slots=True)
class TaxSettings:
    state_rate: Decimal = ZERO
    state_mode: StateMode = StateMode.MARGINAL
    loss_carryforward_discount: Decimal = Decimal("0.9")
    deduction: DeductionChoice = DeductionChoice.AUTO
    trust_exemption: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class YearProfile:
    """Amounts for one tax unit.  ``year`` is the year they were given for; carryforwards are
    ``None`` when not given (then lotwise carries them from the year before, or takes 0)."""

    year: int
    ordinary_income: Decimal = ZERO
    qualified_dividends: Decimal = ZERO
    ordinary_dividends: Decimal = ZERO
    interest: Decimal = ZERO
    other_investment_income: Decimal = ZERO
    itemized_deductions: Decimal = ZERO
    capital_gain_distributions: Decimal = ZERO  # 1099-DIV box 2a: long-term (Sched D line 13)
    carryforward_short: Decimal | None = None
    carryforward_long: Decimal | None = None


@dataclass(frozen=True, slots=True)
class TaxUnit:
    """One return: its key, its members (owner ids), filing status and settings."""

    key: str
    members: tuple[str, ...]
    status: FilingStatus
    settings: TaxSettings


@dataclass(frozen=True, slots=True)
class TaxProfile:
    """The parsed ``[tax]`` table."""

    units: tuple[TaxUnit, ...]
    years: Mapping[int, Mapping[str, YearProfile]] = field(default_factory=dict)
    source: Source = DEFAULT_SOURCE

    def unit(self, key: str) -> TaxUnit:
        for unit in self.units:
            if unit.key == key:
                return unit
        raise KeyError(key)

    def unit_of_owner(self, owner_id: str) -> TaxUnit:
        for unit in self.units:
            if owner_id in unit.members:
                return unit
        raise KeyError(owner_id)

    def profile_years(self) -> tuple[int, ...]:
        return tuple(sorted(self.years))

    def profile_for(self, unit_key: str, year: int) -> YearProfile:
        """The unit's amounts for ``year``: its own, else the latest earlier year's (with no
        carryforwards).  An :class:`InputError` if there is none."""
        own = self.years.get(year, {}).get(unit_key)
        if own is not None:
            return own
        earlier = [y for y in self.years if y < year and unit_key in self.years[y]]
        if earlier:
            prior = self.years[max(earlier)][unit_key]
            return YearProfile(
                year=prior.year,
                ordinary_income=prior.ordinary_income,
                qualified_dividends=prior.qualified_dividends,
                ordinary_dividends=prior.ordinary_dividends,
                interest=prior.interest,
                other_investment_income=prior.other_investment_income,
                itemized_deductions=prior.itemized_deductions,
                capital_gain_distributions=prior.capital_gain_distributions,
            )
        table = f"tax.years.{year}" if len(self.units) == 1 else f"tax.years.{year}.{unit_key}"
        raise InputError.one(
            self.source,
            table,
            f"no tax profile for tax unit '{unit_key}' in {year} or an earlier year",
            f"add a [{table}] table with ordinary_income, qualified_dividends, "
            "ordinary_dividends, interest and itemized_deductions (see docs/tax.md)",
        )


def tax_units(household: Household) -> list[TaxUnit]:
    """The household's returns, in order of their keys.

    An :class:`InputError` when spouses disagree about filing jointly.
    """
    return list(parse_tax_profile(household).units)


def unit_key_of(household: Household, owner_id: str) -> str:
    """The tax unit key of an owner: joint filers share ``tax_unit_key``, others their id."""
    owner = household.owners[owner_id]
    if owner.filing_status is FilingStatus.MARRIED_JOINT:
        return household.tax_unit_key(owner_id)
    return owner_id


def parse_tax_profile(household: Household, source: Source | None = None) -> TaxProfile:
    """Parse and check ``household.tax``; every problem found is reported at once, naming
    ``source`` (by default the file the household was read from)."""
    source = source or Source(household.source)
    problems: list[Problem] = []
    raw: Mapping[str, Any] = household.tax or {}

    def bad(path: str, message: str, fix: str) -> None:
        problems.append(Problem(source, path, message, fix))

    # Tax units from owners' filing status and spouse links.
    members: dict[str, set[str]] = {}
    statuses: dict[str, FilingStatus] = {}
    for owner_id in sorted(household.owners):
        owner = household.owners[owner_id]
        key = unit_key_of(household, owner_id)
        if owner.filing_status is FilingStatus.MARRIED_JOINT:
            for other in household.tax_unit(owner_id) - {owner_id}:
                other_status = household.owners[other].filing_status
                if other_status is not FilingStatus.MARRIED_JOINT:
                    bad(
                        f"owners.{other}.filing_status",
                        f"'{owner_id}' files married_joint with spouse '{other}', "
                        f"whose filing status is {other_status.value}",
                        'give both spouses filing_status = "married_joint", or both '
                        '"married_separate"',
                    )
        members.setdefault(key, set()).add(owner_id)
        statuses[key] = owner.filing_status

    known = {*SETTING_KEYS, "units", "years"}
    for k in raw:
        if k not in known:
            bad(f"tax.{k}", f"unknown key '{k}'", f"use one of: {', '.join(sorted(known))}")
    base = _settings(raw, TaxSettings(), "tax", bad)

    alias: dict[str, str] = {}
    for key, owners in members.items():
        alias[key] = key
        for owner_id in owners:
            alias[owner_id] = key

    overrides: dict[str, TaxSettings] = {}
    units_raw = raw.get("units", {})
    if not isinstance(units_raw, Mapping):
        bad("tax.units", "must be a table of tax units", "write [tax.units.<owner id>] tables")
        units_raw = {}
    for name, table in units_raw.items():
        path = f"tax.units.{name}"
        if name not in alias:
            bad(path, f"'{name}' is not a tax unit or owner", _unit_fix(alias))
            continue
        if not isinstance(table, Mapping):
            bad(path, "must be a table", f"write [{path}] with setting keys under it")
            continue
        for k in table:
            if k not in SETTING_KEYS:
                bad(f"{path}.{k}", f"unknown key '{k}'", f"use one of: {', '.join(SETTING_KEYS)}")
        overrides[alias[name]] = _settings(table, base, path, bad)

    units = tuple(
        TaxUnit(key, tuple(sorted(members[key])), statuses[key], overrides.get(key, base))
        for key in sorted(members)
    )

    years: dict[int, dict[str, YearProfile]] = {}
    years_raw = raw.get("years", {})
    if not isinstance(years_raw, Mapping):
        bad("tax.years", "must be a table of years", "write [tax.years.2025] tables")
        years_raw = {}
    for year_key, table in years_raw.items():
        path = f"tax.years.{year_key}"
        try:
            year = int(str(year_key))
        except ValueError:
            bad(
                path, f"'{year_key}' is not a year", "name the table by year, e.g. [tax.years.2025]"
            )
            continue
        if not isinstance(table, Mapping):
            bad(path, "must be a table", f"write [{path}] with amounts under it")
            continue
        scalars = {k: v for k, v in table.items() if not isinstance(v, Mapping)}
        subtables = {k: v for k, v in table.items() if isinstance(v, Mapping)}
        per_unit: dict[str, YearProfile] = {}
        if scalars:
            if len(units) != 1:
                bad(
                    path,
                    f"the household has {len(units)} tax units, so amounts must be given per unit",
                    "move them under ["
                    + path
                    + ".<unit>] for each of: "
                    + ", ".join(u.key for u in units),
                )
            elif subtables:
                bad(
                    path,
                    "mixes amounts and unit tables",
                    f"put the amounts under [{path}.{units[0].key}]",
                )
            else:
                profile = _year_profile(scalars, year, path, bad)
                if profile is not None:
                    per_unit[units[0].key] = profile
        for name, sub in subtables.items():
            sub_path = f"{path}.{name}"
            if name not in alias:
                bad(sub_path, f"'{name}' is not a tax unit or owner", _unit_fix(alias))
                continue
            key = alias[name]
            if key in per_unit:
                bad(
                    sub_path,
                    f"tax unit '{key}' is given twice for {year}",
                    "keep one table per unit",
                )
                continue
            profile = _year_profile(sub, year, sub_path, bad)
            if profile is not None:
                per_unit[key] = profile
        years[year] = per_unit

    if problems:
        raise InputError(problems)
    return TaxProfile(units=units, years=years, source=source)


def _unit_fix(alias: Mapping[str, str]) -> str:
    keys = sorted(set(alias.values()))
    return "use a tax unit key or a member's owner id: " + ", ".join(keys)


def _number(value: object, path: str, bad: Any, *, negative: bool = False) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        bad(path, f"{value!r} is not a number", "write a plain number, e.g. 12500.00")
        return None
    try:
        number = dec(value)
    except ValueError:
        bad(path, f"{value!r} is not a number", "write a plain number, e.g. 12500.00")
        return None
    if number < ZERO and not negative:
        bad(path, f"{number} is negative", "enter the amount as a positive number")
        return None
    return number


def _settings(raw: Mapping[str, Any], base: TaxSettings, path: str, bad: Any) -> TaxSettings:
    state_rate = base.state_rate
    if "state_rate" in raw:
        n = _number(raw["state_rate"], f"{path}.state_rate", bad)
        if n is not None and n > 1:
            bad(
                f"{path}.state_rate",
                f"{n} is above 1",
                "write the rate as a fraction: 0.05 for 5 %",
            )
        elif n is not None:
            state_rate = n
    discount = base.loss_carryforward_discount
    if "loss_carryforward_discount" in raw:
        n = _number(raw["loss_carryforward_discount"], f"{path}.loss_carryforward_discount", bad)
        if n is not None and n > 1:
            bad(
                f"{path}.loss_carryforward_discount",
                f"{n} is above 1",
                "a dollar carried forward is worth at most a dollar today: use 0..1, e.g. 0.9",
            )
        elif n is not None:
            discount = n
    exemption = base.trust_exemption
    if "trust_exemption" in raw:
        n = _number(raw["trust_exemption"], f"{path}.trust_exemption", bad)
        if n is not None:
            exemption = n
    mode = base.state_mode
    if "state_mode" in raw:
        try:
            mode = StateMode(str(raw["state_mode"]))
        except ValueError:
            bad(
                f"{path}.state_mode",
                f"unknown mode {raw['state_mode']!r}",
                'use "gains" or "marginal"',
            )
    deduction = base.deduction
    if "deduction" in raw:
        try:
            deduction = DeductionChoice(str(raw["deduction"]))
        except ValueError:
            bad(
                f"{path}.deduction",
                f"unknown choice {raw['deduction']!r}",
                'use "auto", "standard" or "itemized"',
            )
    return TaxSettings(state_rate, mode, discount, deduction, exemption)


def _year_profile(raw: Mapping[str, Any], year: int, path: str, bad: Any) -> YearProfile | None:
    values: dict[str, Decimal] = {}
    ok = True
    for k, v in raw.items():
        if k not in AMOUNT_KEYS:
            bad(f"{path}.{k}", f"unknown key '{k}'", f"use one of: {', '.join(AMOUNT_KEYS)}")
            ok = False
            continue
        n = _number(v, f"{path}.{k}", bad, negative=k in _MAY_BE_NEGATIVE)
        if n is None:
            ok = False
        else:
            values[k] = n
    if not ok:
        return None
    qualified = values.get("qualified_dividends", ZERO)
    ordinary = values.get("ordinary_dividends", qualified)
    if qualified > ordinary:
        bad(
            f"{path}.qualified_dividends",
            f"qualified dividends {qualified} exceed ordinary dividends {ordinary}",
            "ordinary_dividends is the total (1099-DIV box 1a, Form 1040 line 3b) and includes "
            "the qualified part (box 1b, line 3a)",
        )
        return None
    return YearProfile(
        year=year,
        ordinary_income=values.get("ordinary_income", ZERO),
        qualified_dividends=qualified,
        ordinary_dividends=ordinary,
        interest=values.get("interest", ZERO),
        other_investment_income=values.get("other_investment_income", ZERO),
        itemized_deductions=values.get("itemized_deductions", ZERO),
        capital_gain_distributions=values.get("capital_gain_distributions", ZERO),
        carryforward_short=values.get("carryforward_short"),
        carryforward_long=values.get("carryforward_long"),
    )


def build_position(
    unit: TaxUnit,
    year: int,
    profile: YearProfile,
    short_gain: Decimal,
    long_gain: Decimal,
    carry_in_short: Decimal,
    carry_in_long: Decimal,
) -> TaxPosition:
    """The :class:`TaxPosition` of one unit and year from its profile and realized gains.

    Capital gain distributions are long-term gains (IRC §852(b)(3)(B); Schedule D line 13)."""
    s = unit.settings
    return TaxPosition(
        year=year,
        params=load_year(year).for_status(unit.status),
        ordinary_income=profile.ordinary_income,
        interest=profile.interest,
        ordinary_dividends=profile.ordinary_dividends,
        qualified_dividends=profile.qualified_dividends,
        other_investment_income=profile.other_investment_income,
        itemized_deductions=profile.itemized_deductions,
        deduction=s.deduction,
        exemption=s.trust_exemption if unit.status is FilingStatus.TRUST else ZERO,
        short_gain=short_gain,
        long_gain=long_gain + profile.capital_gain_distributions,
        carry_in_short=carry_in_short,
        carry_in_long=carry_in_long,
        state_rate=s.state_rate,
        state_mode=s.state_mode,
        carry_discount=s.loss_carryforward_discount,
    )
