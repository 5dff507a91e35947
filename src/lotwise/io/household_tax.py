"""Checking a household's ``[tax]`` table when the file is read, so that no setting is
silently ignored.

The table holds three kinds of settings (docs/tax.md, docs/regimes.md):

* US settings for US residents' returns: ``state_rate``, ``state_mode``,
  ``loss_carryforward_discount``, ``deduction``, ``trust_exemption``, ``[tax.units.<unit>]``
  and ``[tax.years.<year>]``;
* ``[tax.ca.<owner>]`` for each owner resident in Canada;
* ``[tax.uk.<owner>]`` for each owner resident in the United Kingdom.

A setting that no owner can use is an error naming the key and where it belongs: a
``[tax.uk.marc]`` table for Canadian-resident Marc (his settings go in ``[tax.ca.marc]``), a
``[tax.ca.<name>]`` naming no owner, US settings in a household without a US resident, a
``[tax.years.2025.claire]`` table for a Canadian resident.  Then the settings that are in
the right place are read by the very functions that use them later
(:func:`lotwise.tax.profile.parse_tax_profile`, :func:`lotwise.regimes.ca.ca_profile`,
:func:`lotwise.regimes.uk.uk_profile`), so their values are checked once, by one rule,
and now rather than in the middle of a plan.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import partial
from typing import Any

from lotwise.errors import InputError, Problem
from lotwise.model.household import Household
from lotwise.regimes.base import CA, UK, US, owner_regimes, sub_household
from lotwise.regimes.ca import ca_profile
from lotwise.regimes.uk import uk_profile
from lotwise.report.words import words
from lotwise.tax.profile import SETTING_KEYS, parse_tax_profile

US_KEYS = (*SETTING_KEYS, "units", "years")
"""The ``[tax]`` keys of US residents' returns (docs/tax.md)."""

_REGION = {CA: "ca", UK: "uk"}
_KEYS_OF = {
    US: "[tax] with state_rate and the like, and [tax.years.<year>] (docs/tax.md)",
    CA: "[tax.ca.{owner}] (keys net_capital_losses, marginal_rate, years)",
    UK: "[tax.uk.{owner}] (keys losses_brought_forward, taxable_income, years)",
}

Found = tuple[tuple[str, ...], str, str]
"""A problem as (TOML key path, what is wrong, how to fix it)."""


def tax_problems(household: Household) -> list[Found]:
    """Every problem of ``household.tax``: misplaced settings, then wrong values."""
    raw = household.tax
    regimes = owner_regimes(household)
    found: list[Found] = []
    for key in raw:
        if key not in (*US_KEYS, *_REGION.values()):
            allowed = ", ".join((*US_KEYS, *_REGION.values()))
            found.append((("tax", key), f"unknown key '{key}' in [tax]",
                          f"remove it or correct its name; keys here: {allowed}"))
    for code, region in _REGION.items():
        found += _regional(household, regimes, code, region)
    found += _us(household, regimes)
    return found


def _regional(household: Household, regimes: Mapping[str, str], code: str,
              region: str) -> list[Found]:
    """``[tax.ca]`` or ``[tax.uk]``: one table per owner resident in that country."""
    section = household.tax.get(region)
    if section is None:
        return []
    path = ("tax", region)
    if not isinstance(section, Mapping):
        return [(path, f"tax.{region} must be a table of owners' tables",
                 f"write one [tax.{region}.<owner>] table per owner resident in "
                 f"{words(code).country}")]
    residents = [owner for owner, c in regimes.items() if c == code]
    found: list[Found] = []
    read: list[str] = []
    for owner in section:
        where = (*path, owner)
        if owner not in household.owners:
            found.append((where, f"'{owner}' is not an owner of this household",
                          _name_a_resident(code, region, residents)))
        elif regimes[owner] != code:
            found.append((where, f"{owner} is resident in {words(regimes[owner]).country} "
                          f"(tax_residence), so [tax.{region}.{owner}], the settings of "
                          f"residents of {words(code).country}, would never be used",
                          _move_to(owner, regimes[owner], code)))
        else:
            read.append(owner)
    profile = ca_profile if code == CA else uk_profile
    for owner in read:
        found += _caught(partial(profile, household, owner))
    return found


def _us(household: Household, regimes: Mapping[str, str]) -> list[Found]:
    """The US settings: only with a US resident, and naming only US residents."""
    given = {k: v for k, v in household.tax.items() if k in US_KEYS}
    if not given:
        return []
    if US not in regimes.values():
        return [(("tax", key), f"'{key}' is a setting of US returns, and no owner of this "
                 "household is resident in the United States",
                 "remove it; Canadian residents' settings go in [tax.ca.<owner>] and UK "
                 "residents' in [tax.uk.<owner>] (docs/regimes.md)")
                for key in given]
    found: list[Found] = []
    units = given.get("units")
    if isinstance(units, Mapping):
        found += _foreigners(units, ("tax", "units"), regimes)
    years = given.get("years")
    if isinstance(years, Mapping):
        for year, table in years.items():
            if isinstance(table, Mapping):
                found += _foreigners(table, ("tax", "years", str(year)), regimes)
    if found:
        return found
    us_only = replace(household, tax=given)
    if any(code != US for code in regimes.values()):
        us_only = sub_household(us_only, US)
    return _caught(partial(parse_tax_profile, us_only))


def _foreigners(table: Mapping[str, Any], path: tuple[str, ...],
                regimes: Mapping[str, str]) -> list[Found]:
    """Tables of a US section named after an owner resident elsewhere."""
    return [
        ((*path, name), f"{name} is resident in {words(regimes[name]).country} "
         f"(tax_residence), and [{'.'.join(path)}] is for the returns of US residents",
         _move_to(name, regimes[name], US))
        for name, value in table.items()
        if isinstance(value, Mapping) and regimes.get(name, US) != US
    ]


def _name_a_resident(code: str, region: str, residents: list[str]) -> str:
    if residents:
        return f"name an owner resident in {words(code).country}: {', '.join(residents)}"
    return (f"no owner has tax_residence = \"{code}\": remove [tax.{region}], or set "
            f"tax_residence = \"{code}\" for the owner who lives in {words(code).country}")


def _move_to(owner: str, residence: str, wrong: str) -> str:
    return (f"give {owner}'s settings in " + _KEYS_OF[residence].format(owner=owner)
            + f", or, if {owner} lives in {words(wrong).country}, write tax_residence = "
            f"\"{wrong}\" in [owners.{owner}]")


def _caught(read: Callable[[], object]) -> list[Found]:
    """The problems of calling ``read()`` (a reader of settings), as key paths."""
    try:
        read()
    except InputError as exc:
        return [_found(problem) for problem in exc.problems]
    return []


def _found(problem: Problem) -> Found:
    path = tuple(problem.field.split(".")) if problem.field else ("tax",)
    return path, problem.message, problem.fix
