"""A person's ``[tax.ca.<owner>]`` or ``[tax.uk.<owner>]`` table, read and checked by one
rule for both countries.

Both tables have the same shape: losses carried into the first year (Canada's net capital
losses, the UK's losses brought forward), one yearly figure (a marginal rate; taxable
income) that ``[<path>.years.<year>]`` tables may set per year, and those year tables may
state the losses carried into *that* year instead, which starts the person's chain of years
there (docs/regimes.md, section 2).  The losses may be stated once: at the top, or in one
year's table; twice is an error naming both keys.

Example: ``[tax.uk.olivia]`` with ``taxable_income = 52000`` and
``[tax.uk.olivia.years.2008]`` with ``losses_brought_forward = 1200`` reads as income 52,000
in every year without its own, and a chain starting at 2008-09 with £1,200 brought forward.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lotwise.errors import InputError, Problem, Source
from lotwise.model.household import Household
from lotwise.model.numbers import ZERO, dec
from lotwise.regimes.base import year_tables


@dataclass(frozen=True, slots=True)
class ProfileShape:
    """What one country's table calls things, for its keys and its messages."""

    table: str  # "ca" of [tax.ca.<owner>]
    carry_key: str  # net_capital_losses, losses_brought_forward
    carry_words: str  # "the net capital losses carried in"
    yearly_key: str  # marginal_rate, taxable_income
    yearly_example: str  # "0.4341", for a fix
    yearly_is_rate: bool  # a fraction of at most 1
    year_word: str = "year"  # "tax year"
    first_event: str = "disposition"  # "disposal"
    naming: str | None = None  # how to name a year table, when not by the calendar year


@dataclass(frozen=True, slots=True)
class ProfileTable:
    """The table, checked: the losses carried into the first year, the yearly figure, its
    values by year, and the year a year table starts the chain at with its losses."""

    carry: Decimal
    yearly: Decimal | None
    years: Mapping[int, Decimal]
    start: tuple[int, Decimal] | None


def read_profile(household: Household, owner_id: str, shape: ProfileShape) -> ProfileTable:
    """The owner's table of ``shape``, or an :class:`InputError` listing every problem."""
    raw = household.tax.get(shape.table, {})
    table = raw.get(owner_id, {}) if isinstance(raw, Mapping) else {}
    source = Source(household.source)
    path = f"tax.{shape.table}.{owner_id}"
    problems: list[Problem] = []
    if not isinstance(table, Mapping):
        raise InputError.one(source, path, "must be a table",
                             f"write [{path}] with {shape.carry_key} and {shape.yearly_key}")
    allowed = (shape.carry_key, shape.yearly_key, "years")
    for key in table:
        if key not in allowed:
            problems.append(Problem(source, f"{path}.{key}", f"unknown key '{key}'",
                                    f"use one of: {', '.join(allowed)}"))

    def yearly(value: Any, at: str) -> Decimal | None:
        if shape.yearly_is_rate:
            return fraction(value, at, problems, source)
        return amount(value, at, problems, source)

    carry = amount(table.get(shape.carry_key, 0), f"{path}.{shape.carry_key}", problems,
                   source)
    figure = yearly(table[shape.yearly_key], f"{path}.{shape.yearly_key}") if (
        shape.yearly_key in table) else None
    years: dict[int, Decimal] = {}
    starts: dict[int, Decimal] = {}
    named = year_tables(table.get("years"), path, problems, source, what=shape.year_word,
                        naming=shape.naming)
    for year, sub in named.items():
        sub_path = f"{path}.years.{year}"
        if not isinstance(sub, Mapping) or set(sub) - {shape.yearly_key, shape.carry_key}:
            problems.append(Problem(source, sub_path,
                                    f"a year table takes only {shape.yearly_key} and "
                                    f"{shape.carry_key}",
                                    f"write [{sub_path}] with {shape.yearly_key} = "
                                    f"{shape.yearly_example}"))
            continue
        if shape.yearly_key in sub:
            value = yearly(sub[shape.yearly_key], f"{sub_path}.{shape.yearly_key}")
            if value is not None:
                years[int(year)] = value
        if shape.carry_key in sub:
            value = amount(sub[shape.carry_key], f"{sub_path}.{shape.carry_key}", problems,
                           source)
            if value is not None:
                starts[int(year)] = value
    if len(starts) > 1 or (starts and shape.carry_key in table):
        stated = [f"{path}.years.{y}.{shape.carry_key}" for y in sorted(starts)]
        if shape.carry_key in table:
            stated.insert(0, f"{path}.{shape.carry_key}")
        problems.append(Problem(
            source, stated[-1], f"{shape.carry_words} are stated {len(stated)} times "
            f"({', '.join(stated)})",
            f"state them once: for the {shape.year_word} lotwise starts at, in "
            f"[{path}.years.<year>], or for the first {shape.year_word} with a "
            f"{shape.first_event}, in [{path}]"))
    if problems:
        raise InputError(problems)
    start = next(iter(starts.items())) if starts else None
    return ProfileTable(carry or ZERO, figure, years, start)


def amount(value: Any, path: str, problems: list[Problem], source: Source) -> Decimal | None:
    """``value`` as a number of zero or more, else a problem at ``path`` and ``None``."""
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


def fraction(value: Any, path: str, problems: list[Problem], source: Source) -> Decimal | None:
    """``value`` as a rate from 0 to 1, else a problem at ``path`` and ``None``."""
    number = amount(value, path, problems, source)
    if number is not None and number > 1:
        problems.append(Problem(source, path, f"{number} is above 1",
                                "write the rate as a fraction: 0.4341 for 43.41 %"))
        return None
    return number
