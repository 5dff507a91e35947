"""Yearly US federal tax parameters, read from ``lotwise/data/tax/us/<year>.toml``.

Each year's file holds, for every filing status, the rate brackets, the standard deduction,
the 0 % and 15 % capital gains breakpoints, the capital loss limit and the net investment
income tax threshold, each with a comment citing its authority (the year's Rev. Proc., or the
Code where a figure is statutory or a later act changed it).  The loader turns them into
exact :class:`~decimal.Decimal` values and precomputes, for each bracket, the tax on all
income below it, so that the tax on an amount is one multiply and one add.

A year without a file is an :class:`~lotwise.errors.InputError` naming the years there are.
"""

from __future__ import annotations

import tomllib
from bisect import bisect_right
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any

from lotwise.errors import InputError, Source
from lotwise.model.household import FilingStatus
from lotwise.model.numbers import ZERO, dec

DATA_PACKAGE = "lotwise"
DATA_DIR = ("data", "tax", "us")


class ParameterFileError(ValueError):
    """A packaged parameter file is malformed: a bug in lotwise's data, not in the user's."""


@dataclass(frozen=True, slots=True)
class StatusParams:
    """One filing status's figures for one year.

    ``starts`` are the taxable-income thresholds where each bracket begins (the first is 0),
    ``rates`` the bracket rates, and ``base`` the tax on all income below each threshold
    (IRC §1(j)(2) tables: "$x plus y% of the excess over $z").
    """

    status: FilingStatus
    starts: tuple[Decimal, ...]
    rates: tuple[Decimal, ...]
    base: tuple[Decimal, ...]
    standard_deduction: Decimal
    zero_rate_max: Decimal
    fifteen_rate_max: Decimal
    capital_loss_limit: Decimal
    niit_threshold: Decimal
    niit_rate: Decimal
    itemized_cut_num: Decimal = ZERO  # IRC §68 limitation rate as a fraction num / den
    itemized_cut_den: Decimal = Decimal(1)

    def tax(self, taxable: Decimal) -> Decimal:
        """Tax on ``taxable`` income from the rate schedule, exactly (no Tax Table rounding)."""
        if taxable <= ZERO:
            return ZERO
        i = bisect_right(self.starts, taxable) - 1
        return self.base[i] + self.rates[i] * (taxable - self.starts[i])

    def rate_at(self, taxable: Decimal) -> Decimal:
        """The bracket rate on the next dollar above ``taxable``."""
        if taxable < ZERO:
            return ZERO
        return self.rates[bisect_right(self.starts, taxable) - 1]

    @property
    def top_bracket_start(self) -> Decimal:
        return self.starts[-1]


@dataclass(frozen=True, slots=True)
class YearParams:
    """All filing statuses' figures for one tax year, and the authority they come from."""

    year: int
    authority: str
    later_law: str
    statuses: dict[FilingStatus, StatusParams]

    def for_status(self, status: FilingStatus) -> StatusParams:
        return self.statuses[status]


def available_years() -> tuple[int, ...]:
    """The years that have a parameter file, ascending."""
    folder = resources.files(DATA_PACKAGE).joinpath(*DATA_DIR)
    years = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".toml") and name[:-5].isdigit():
            years.append(int(name[:-5]))
    return tuple(sorted(years))


def load_year(year: int) -> YearParams:
    """The parameters for ``year``; an :class:`InputError` if lotwise has none for it."""
    return _load_year(int(year))


@cache
def _load_year(year: int) -> YearParams:
    entry = resources.files(DATA_PACKAGE).joinpath(*DATA_DIR, f"{year}.toml")
    if not entry.is_file():
        have = ", ".join(str(y) for y in available_years()) or "none"
        raise InputError.one(
            Source("/".join((DATA_PACKAGE, *DATA_DIR))),
            "year",
            f"lotwise has no US federal tax parameters for {year} (it has {have})",
            f"choose one of {have}, or add src/lotwise/data/tax/us/{year}.toml with that "
            "year's Rev. Proc. figures, each with its source",
        )
    raw = tomllib.loads(entry.read_text(encoding="utf-8"))
    return parse_year(raw, f"{year}.toml")


def parse_year(raw: dict[str, Any], name: str = "<parameters>") -> YearParams:
    """Build :class:`YearParams` from a parsed year file, checking its shape."""
    try:
        year = int(raw["year"])
        niit_rate = dec(raw["niit"]["rate"])
        cut = _fraction(raw["itemized_limitation"]["rate"])
        statuses: dict[FilingStatus, StatusParams] = {}
        for status in FilingStatus:
            table = raw["status"][status.value]
            statuses[status] = _status(status, table, niit_rate)
            if status is not FilingStatus.TRUST:  # IRC §68(e): not for estates and trusts
                statuses[status] = replace(
                    statuses[status], itemized_cut_num=cut[0], itemized_cut_den=cut[1]
                )
    except (KeyError, TypeError, ValueError) as exc:
        raise ParameterFileError(f"{name}: malformed tax parameters: {exc!r}") from exc
    return YearParams(
        year=year,
        authority=str(raw.get("authority", "")),
        later_law=str(raw.get("later_law", "")),
        statuses=statuses,
    )


def _fraction(value: object) -> tuple[Decimal, Decimal]:
    """A rate written as a number or as "num/den" (kept exact: 2/37 has no finite decimal)."""
    if isinstance(value, str) and "/" in value:
        num, den = value.split("/", 1)
        return dec(num), dec(den)
    return dec(value), Decimal(1)


def _status(status: FilingStatus, table: dict[str, Any], niit_rate: Decimal) -> StatusParams:
    pairs = [(dec(start), dec(rate)) for start, rate in table["brackets"]]
    starts = tuple(p[0] for p in pairs)
    rates = tuple(p[1] for p in pairs)
    if not starts or starts[0] != ZERO:
        raise ValueError(f"{status}: the first bracket must start at 0")
    if any(b <= a for a, b in pairwise(starts)):
        raise ValueError(f"{status}: bracket starts must increase")
    if any(b <= a for a, b in pairwise(rates)):
        raise ValueError(f"{status}: bracket rates must increase")
    base = [ZERO]
    for i in range(1, len(starts)):
        base.append(base[-1] + rates[i - 1] * (starts[i] - starts[i - 1]))
    zero_max = dec(table["zero_rate_max"])
    fifteen_max = dec(table["fifteen_rate_max"])
    if not ZERO < zero_max < fifteen_max:
        raise ValueError(f"{status}: need 0 < zero_rate_max < fifteen_rate_max")
    return StatusParams(
        status=status,
        starts=starts,
        rates=rates,
        base=tuple(base),
        standard_deduction=dec(table["standard_deduction"]),
        zero_rate_max=zero_max,
        fifteen_rate_max=fifteen_max,
        capital_loss_limit=dec(table["capital_loss_limit"]),
        niit_threshold=dec(table["niit_threshold"]),
        niit_rate=niit_rate,
    )
