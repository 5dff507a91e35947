"""The tax a backtest charges each year: the US computation of :mod:`lotwise.tax`, or flat rates.

Both charge only what the portfolio adds to the household's tax: the year's tax with the
portfolio's realized gains, dividends and carryovers, minus the tax without them.  A
negative figure is a saving (a net loss offsetting up to $3,000 of other income under US
rules; any loss under the flat ``refund`` rule), credited to the portfolio.

US (``mode = "us"``)
    The household's other income (``ordinary_income``), filing status and state rate come
    from the config.  lotwise carries tax parameters only for recent years
    (:func:`lotwise.tax.available_years`), so every year is taxed under one law: the year
    ``law_year`` (default: the nearest year lotwise has, i.e. today's brackets applied to
    2000-2024 in nominal dollars).  Short- and long-term gains are netted with carryovers
    in (Schedule D), qualified dividends and long-term gains get the 0/15/20 % rates, NIIT
    and the $3,000 loss limit apply, and unused losses carry forward with their character.

Flat (``mode = "flat"``)
    ``short_rate`` on net short-term gain, ``long_rate`` on net long-term gain,
    ``dividend_rate`` on dividends.  ``losses = "refund"`` (the default, Arnott-Berkin-Ye's
    assumption that losses offset gains the investor has elsewhere) gives back the rate on
    a net loss; ``losses = "carryforward"`` carries it to offset later gains only.

Example (flat, 35 %, refund): a year with $10,000 short-term loss and $4,000 long-term gain
nets to -$6,000 and credits $2,100.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from lotwise.model.household import FilingStatus
from lotwise.model.numbers import ZERO, money
from lotwise.tax.federal import StateMode, TaxPosition, compute
from lotwise.tax.params import available_years, load_year


@dataclass(frozen=True, slots=True)
class TaxSpec:
    mode: str = "us"  # "us" or "flat"
    pay_from: str = "portfolio"  # "portfolio" or "outside"
    pay_month: int = 4  # taxes of a year are paid on the first trading day from the 15th
    filing_status: FilingStatus = FilingStatus.MARRIED_JOINT
    ordinary_income: Decimal = Decimal(150_000)
    state_rate: Decimal = ZERO
    law_year: int | None = None
    short_rate: Decimal = Decimal("0.35")
    long_rate: Decimal = Decimal("0.35")
    dividend_rate: Decimal = Decimal("0.35")
    losses: str = "refund"  # "refund" or "carryforward"
    ira_withdrawal_rate: Decimal = Decimal("0.24")


@dataclass(frozen=True, slots=True)
class YearTax:
    """One tax year of the portfolio.  ``tax`` is the tax the portfolio adds (negative: saves);
    ``short`` and ``long`` are realized gains of the year, before carryovers."""

    year: int
    short: Decimal
    long: Decimal
    qualified_dividends: Decimal
    ordinary_dividends: Decimal
    carry_in_short: Decimal
    carry_in_long: Decimal
    carry_out_short: Decimal
    carry_out_long: Decimal
    tax: Decimal


class TaxModel(Protocol):
    def year_tax(self, year: int, short: Decimal, long: Decimal, qualified: Decimal,
                 ordinary: Decimal, carry_in: tuple[Decimal, Decimal]) -> YearTax: ...

    def position(self, year: int, short: Decimal, long: Decimal, qualified: Decimal,
                 ordinary: Decimal, carry_in: tuple[Decimal, Decimal]) -> TaxPosition | None: ...


def law_year_for(year: int, given: int | None = None) -> int:
    """The parameter year used to tax ``year``: ``given``, else the nearest available."""
    have = available_years()
    if given is not None:
        return given
    if year in have:
        return year
    return min(have, key=lambda y: (abs(y - year), y))


class USTax:
    """Incremental US tax via :func:`lotwise.tax.federal.compute`."""

    def __init__(self, spec: TaxSpec) -> None:
        self.spec = spec

    def position(self, year: int, short: Decimal, long: Decimal, qualified: Decimal,
                 ordinary: Decimal, carry_in: tuple[Decimal, Decimal]) -> TaxPosition:
        spec = self.spec
        params = load_year(law_year_for(year, spec.law_year)).for_status(spec.filing_status)
        return TaxPosition(
            year=year,
            params=params,
            ordinary_income=spec.ordinary_income,
            ordinary_dividends=qualified + ordinary,
            qualified_dividends=qualified,
            short_gain=short,
            long_gain=long,
            carry_in_short=carry_in[0],
            carry_in_long=carry_in[1],
            state_rate=spec.state_rate,
            state_mode=StateMode.MARGINAL,
        )

    def year_tax(self, year: int, short: Decimal, long: Decimal, qualified: Decimal,
                 ordinary: Decimal, carry_in: tuple[Decimal, Decimal]) -> YearTax:
        with_portfolio = compute(self.position(year, short, long, qualified, ordinary, carry_in))
        without = compute(self.position(year, ZERO, ZERO, ZERO, ZERO, (ZERO, ZERO)))
        return YearTax(
            year, short, long, qualified, ordinary, carry_in[0], carry_in[1],
            with_portfolio.carry_out_short, with_portfolio.carry_out_long,
            money(with_portfolio.total - without.total),
        )


class FlatTax:
    """Flat rates; see the module docstring."""

    def __init__(self, spec: TaxSpec) -> None:
        self.spec = spec

    def position(self, year: int, short: Decimal, long: Decimal, qualified: Decimal,
                 ordinary: Decimal, carry_in: tuple[Decimal, Decimal]) -> None:
        return None

    def year_tax(self, year: int, short: Decimal, long: Decimal, qualified: Decimal,
                 ordinary: Decimal, carry_in: tuple[Decimal, Decimal]) -> YearTax:
        spec = self.spec
        s = short - carry_in[0]
        lg = long - carry_in[1]
        # net the two characters against each other, as Schedule D does
        if s < 0 < lg:
            lg, s = lg + s, ZERO
            if lg < 0:
                s, lg = lg, ZERO
        elif lg < 0 < s:
            s, lg = s + lg, ZERO
            if s < 0:
                lg, s = s, ZERO
        carry_s = carry_l = ZERO
        if spec.losses == "carryforward":
            if s < 0:
                carry_s, s = -s, ZERO
            if lg < 0:
                carry_l, lg = -lg, ZERO
        dividends = (qualified + ordinary) * spec.dividend_rate
        tax = s * spec.short_rate + lg * spec.long_rate + dividends
        return YearTax(year, short, long, qualified, ordinary, carry_in[0], carry_in[1],
                       carry_s, carry_l, money(tax))


def tax_model(spec: TaxSpec) -> USTax | FlatTax:
    return USTax(spec) if spec.mode == "us" else FlatTax(spec)
