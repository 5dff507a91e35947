"""The planning interface: what more gain or loss would cost or save, by exact recomputation.

Nothing here approximates the tax: every figure is a difference of two full computations
(:func:`lotwise.tax.federal.compute`), so kinks (bracket edges, the 0 % / 15 % / 20 %
breakpoints, the $3,000 loss limit, the NIIT threshold, a taxable income of zero) are honoured.

* :func:`tax_change` - total tax (federal income tax + NIIT + state) with extra realized short-
  and long-term gain (negative: loss), minus the total tax without it.
* :func:`marginal_rates` - the tax on the next dollar of short- and long-term gain, and the
  value of the next dollar of short- and long-term loss.  A dollar of loss is worth what it
  saves this year (offsetting gains, or the $3,000 against ordinary income) plus, for the
  part that only grows the carryover out, ``discount`` times the rate at which a carried
  dollar of that character is assumed to save tax later.  That rate is the position's own
  rate on a dollar of gain of the same character with this year's capital items removed
  (the household's profile, no gains, no carryovers): "next year looks like this year".
  A dollar of short-term loss can grow the long-term carryover (the Capital Loss Carryover
  Worksheet uses the short-term loss first), so both carryovers are valued.
* :func:`rates_by_difference` - the same rates for any regime's position (Canada, the UK:
  :mod:`lotwise.plan.taxes`), given how to compute it and the year a carried loss meets;
  for a regime that charges some gains to income tax (the UK's offshore income gains), also
  the tax on the next pound of such a gain (``income_gain``).
* :func:`zero_rate_room` - the long-term gain that can still be realized without raising the
  federal income tax: the rest of the 0 % bracket, plus any unused deduction, plus any net
  loss beyond the $3,000 limit that the gain would only absorb.  NIIT and state tax are not
  counted (the 0 % bracket lies far below the NIIT thresholds).

Worked example (single, 2025, wages $60,000 and nothing else; standard deduction $15,750,
so taxable income is $44,250, inside the 12 % bracket that runs to $48,475 and below the top
of the 0 % capital gains bracket, $48,350):

    zero_rate_room        = 48,350 - 44,250 = 4,100
    next $ short-term gain: 0.12      next $ long-term gain: 0 (0 % bracket)

Realize a $10,000 short-term loss: $3,000 offsets wages (saving $360) and $7,000 carries.
The next dollar of loss saves nothing this year; it grows the short-term carryover by $1,
which would offset a short-term gain taxed at 0.12, so it is worth 0.9 x 0.12 = 0.108
with the default discount.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Protocol, Self, TypeVar

from lotwise.model.numbers import CENT, ZERO
from lotwise.tax.federal import TaxPosition, compute

ONE = Decimal(1)
P = TypeVar("P", bound="GainPosition")


def tax_change(position: TaxPosition, extra_short: Decimal, extra_long: Decimal) -> Decimal:
    """Total tax with ``extra_short`` / ``extra_long`` more realized gain, minus without."""
    base = compute(position).total
    return compute(position.with_gains(extra_short, extra_long)).total - base


@dataclass(frozen=True, slots=True)
class MarginalRates:
    """Per dollar.  Gain rates are tax added; loss values are tax saved (now + discounted
    carryover).  ``*_carried`` is how much of the dollar of loss grows each carryover out."""

    short_gain: Decimal
    long_gain: Decimal
    short_loss: Decimal
    long_loss: Decimal
    short_loss_now: Decimal
    long_loss_now: Decimal
    short_loss_carried_short: Decimal
    short_loss_carried_long: Decimal
    long_loss_carried_short: Decimal
    long_loss_carried_long: Decimal
    carry_rate_short: Decimal
    carry_rate_long: Decimal
    discount: Decimal
    step: Decimal
    income_gain: Decimal = ZERO  # a gain charged as income (UK offshore income gain)

    def to_json(self) -> dict[str, str]:
        return {name: str(getattr(self, name)) for name in self.__slots__}


class Computed(Protocol):
    """What a year's computation must show for rates by difference: the total tax and the
    capital losses it carries out, by character (a regime without characters uses long)."""

    @property
    def total(self) -> Decimal: ...
    @property
    def carry_out_short(self) -> Decimal: ...
    @property
    def carry_out_long(self) -> Decimal: ...


class GainPosition(Protocol):
    """A year's position to which more realized gain (negative: loss) can be added."""

    @property
    def carry_discount(self) -> Decimal: ...
    def with_gains(self, extra_short: Decimal, extra_long: Decimal,
                   extra_income: Decimal = ZERO) -> Self: ...


def marginal_rates(position: TaxPosition, step: Decimal = ONE) -> MarginalRates:
    """Rates on the next ``step`` dollars (default $1) of gain and loss, per dollar."""
    future = replace(
        position, short_gain=ZERO, long_gain=ZERO, carry_in_short=ZERO, carry_in_long=ZERO
    )
    return rates_by_difference(position, future, compute, step)


def rates_by_difference(
    position: P, future: P, evaluate: Callable[[P], Computed], step: Decimal = ONE,
    income: bool = False,
) -> MarginalRates:
    """:class:`MarginalRates` of any regime's ``position``, by full recomputation with
    ``evaluate``; ``future`` is the position that a carried dollar of loss is assumed to
    meet later ("next year looks like this year").  ``income``: the regime charges some
    gains as income, and ``income_gain`` is the tax on the next ``step`` of them."""
    base = evaluate(position)
    income_gain = ZERO
    if income:
        income_gain = (evaluate(position.with_gains(ZERO, ZERO, step)).total - base.total) / step
    up_s = evaluate(position.with_gains(step, ZERO))
    up_l = evaluate(position.with_gains(ZERO, step))
    dn_s = evaluate(position.with_gains(-step, ZERO))
    dn_l = evaluate(position.with_gains(ZERO, -step))

    future_base = evaluate(future).total
    carry_rate_short = (evaluate(future.with_gains(step, ZERO)).total - future_base) / step
    carry_rate_long = (evaluate(future.with_gains(ZERO, step)).total - future_base) / step
    discount = position.carry_discount

    def loss_value(down: Decimal, carried_s: Decimal, carried_l: Decimal) -> Decimal:
        later = carried_s * carry_rate_short + carried_l * carry_rate_long
        return down + discount * later

    s_now = (base.total - dn_s.total) / step
    l_now = (base.total - dn_l.total) / step
    ss = (dn_s.carry_out_short - base.carry_out_short) / step
    sl = (dn_s.carry_out_long - base.carry_out_long) / step
    ls = (dn_l.carry_out_short - base.carry_out_short) / step
    ll = (dn_l.carry_out_long - base.carry_out_long) / step
    return MarginalRates(
        short_gain=(up_s.total - base.total) / step,
        long_gain=(up_l.total - base.total) / step,
        short_loss=loss_value(s_now, ss, sl),
        long_loss=loss_value(l_now, ls, ll),
        short_loss_now=s_now,
        long_loss_now=l_now,
        short_loss_carried_short=ss,
        short_loss_carried_long=sl,
        long_loss_carried_short=ls,
        long_loss_carried_long=ll,
        carry_rate_short=carry_rate_short,
        carry_rate_long=carry_rate_long,
        discount=discount,
        step=step,
        income_gain=income_gain,
    )


def zero_rate_room(position: TaxPosition) -> Decimal:
    """Long-term gain (to the cent) that can be added without raising federal income tax.

    Federal income tax is non-decreasing in long-term gain, so the gains that leave it
    unchanged form an interval [0, room]: found by doubling, then bisection on cents.
    """
    base = compute(position).income_tax

    def free(extra: Decimal) -> bool:
        return compute(position.with_gains(ZERO, extra)).income_tax <= base

    hi = Decimal(1024)
    while free(hi):
        hi *= 2
    lo_cents, hi_cents = 0, int(hi / CENT)  # free(lo) holds, free(hi) does not
    while hi_cents - lo_cents > 1:
        mid = (lo_cents + hi_cents) // 2
        if free(mid * CENT):
            lo_cents = mid
        else:
            hi_cents = mid
    return lo_cents * CENT
