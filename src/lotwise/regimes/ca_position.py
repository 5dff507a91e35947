"""A Canadian resident's year of capital gains as the planner prices it.

The tax a year's capital gains add is piecewise linear in the net capital gain ``G``
(Income Tax Act; :mod:`lotwise.regimes.ca` has the rules and the Schedule 3 report):

    taxable capital gain   T = G × inclusion rate        when G > 0   (s.38(a), s.3(b))
                           (plus the taxable part of gifts' gains, nil since 2 May 2006)
    losses applied         A = min(net capital losses carried in, T)   (s.111(1)(b))
    tax                        = (T - A) × the owner's marginal rate
    carried out                = carried in - A + (-G × inclusion rate when G < 0)

:class:`CaPosition` holds ``G`` so far this year, the net capital losses carried in and
the owner's combined federal and provincial marginal rate (``[tax.ca.<owner>]
marginal_rate``); :meth:`CaPosition.with_gains` adds a plan's gains (there is no holding
period in Canada, so short and long are one), and :meth:`CaPosition.compute` gives the
total and the losses carried out, in dollars of capital loss so that the planner's rates
by difference (:func:`lotwise.tax.marginal.rates_by_difference`) value a carried dollar at
``inclusion rate × marginal rate`` — what it saves when a later gain absorbs it.

Example: Claire (marginal rate 43.41 %, $1,500 of net capital losses carried in) has
realized $1,000 of gains this year: T = $500, all absorbed by the carried losses, tax $0.
The next $1,000 of gain adds T = $500, absorbed too ($1,000 of the losses left): still $0.
The next dollar beyond $3,000 of gain costs 0.5 × 0.4341 = $0.217.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from lotwise.errors import InputError, Source
from lotwise.ledger.book import Book
from lotwise.model.household import Household
from lotwise.model.numbers import ZERO
from lotwise.regimes.ca import ca_totals, ca_years

CARRY_DISCOUNT = Decimal("0.9")


@dataclass(frozen=True, slots=True)
class CaComputed:
    total: Decimal
    taxable_capital_gain: Decimal
    applied: Decimal
    carry_out_short: Decimal  # always zero: Canada has one kind of capital loss
    carry_out_long: Decimal  # net capital losses carried out, in dollars of capital loss


@dataclass(frozen=True, slots=True)
class CaPosition:
    owner: str
    year: int
    inclusion_rate: Decimal
    net_gain: Decimal  # realized so far this year, superficial losses left out
    carry_in: Decimal  # net capital losses available, at the inclusion rate (T1 line 25300)
    marginal_rate: Decimal
    gift_taxable_gain: Decimal = ZERO  # taxable part of gifts' gains (s.38(a.1)): zero today
    carry_discount: Decimal = CARRY_DISCOUNT

    def with_gains(self, extra_short: Decimal, extra_long: Decimal,
                   extra_income: Decimal = ZERO) -> CaPosition:
        if extra_income:  # Canada has no gain charged as income in lotwise
            raise ValueError("a Canadian position has no gains charged as income")
        return replace(self, net_gain=self.net_gain + extra_short + extra_long)

    def compute(self) -> CaComputed:
        rate = self.inclusion_rate
        totals = ca_totals(self.net_gain, self.gift_taxable_gain, rate, self.carry_in)
        return CaComputed(
            total=(totals.taxable_capital_gain - totals.applied) * self.marginal_rate,
            taxable_capital_gain=totals.taxable_capital_gain,
            applied=totals.applied,
            carry_out_short=ZERO,
            carry_out_long=totals.carry_out / rate if rate else ZERO,
        )

    def future(self) -> CaPosition:
        """A year like this one with no gains and no losses carried in."""
        return replace(self, net_gain=ZERO, gift_taxable_gain=ZERO, carry_in=ZERO)


def ca_position(household: Household, book: Book, owner_id: str, as_of: date) -> CaPosition:
    """The owner's position for the calendar year of ``as_of`` from the book's dispositions
    (their Schedule 3 year, :func:`lotwise.regimes.ca.ca_years`)."""
    year = ca_years(book, household, owner_id, as_of.year)[-1]
    if year.marginal_rate is None:
        raise InputError.one(
            Source(household.source), f"tax.ca.{owner_id}.marginal_rate",
            f"planning needs {owner_id}'s marginal tax rate to price capital gains",
            f"add marginal_rate = 0.4341 (combined federal and provincial) to "
            f"[tax.ca.{owner_id}]",
        )
    return CaPosition(
        owner=owner_id,
        year=as_of.year,
        inclusion_rate=year.inclusion_rate,
        net_gain=year.net_gain,
        carry_in=year.carry_in,
        marginal_rate=year.marginal_rate,
        gift_taxable_gain=year.gift_taxable_gain,
    )
