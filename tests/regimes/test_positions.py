"""The planner's view of a Canadian and a UK year: exact tax, marginal rates, loss values.

Figures are worked by hand from the rules cited in lotwise.regimes.ca_position and
lotwise.regimes.uk_position (ITA s.38, s.111(1)(b); TCGA 1992 ss.1H, 1I, 2, 3, 4B).
"""

from __future__ import annotations

from datetime import date

from lotwise.plan.taxes import evaluate, rates
from lotwise.regimes.ca_position import CaPosition
from lotwise.regimes.uk import load_uk_year
from lotwise.regimes.uk_position import UkPosition

from .households import D

HALF = D("0.5")


def claire(net_gain: str = "1000", carry_in: str = "750") -> CaPosition:
    # $1,500 of net capital losses as a capital loss is $750 allowable at 1/2 inclusion
    return CaPosition("claire", 2026, HALF, D(net_gain), D(carry_in), D("0.4341"))


def test_canada_carried_losses_absorb_taxable_gains_first() -> None:
    assert evaluate(claire()).total == 0  # T = 500, all absorbed
    assert evaluate(claire().with_gains(D(0), D(500))).total == 0  # T = 750: exactly absorbed
    after = evaluate(claire().with_gains(D(0), D(1500)))  # G = 2,500, T = 1,250
    assert after.total == D(500) * D("0.4341")
    assert after.carry_out_long == 0


def test_canada_next_dollar_of_gain_costs_inclusion_times_marginal_rate() -> None:
    r = rates(claire(net_gain="5000"))
    assert r.long_gain == HALF * D("0.4341")
    assert r.short_gain == r.long_gain  # no holding period in Canada


def test_canada_a_loss_in_a_net_loss_year_is_carried_at_a_discount() -> None:
    position = claire(net_gain="-100", carry_in="0")
    computed = evaluate(position)
    assert computed.total == 0
    assert computed.carry_out_long == D(100)  # in dollars of capital loss, i.e. $50 allowable
    r = rates(position)
    assert r.long_loss_now == 0
    assert r.long_loss == D("0.9") * HALF * D("0.4341")


def test_canada_a_loss_in_a_gain_year_saves_tax_now() -> None:
    r = rates(claire(net_gain="5000", carry_in="0"))
    assert r.long_loss_now == HALF * D("0.4341")


def uk(year: int, gains: tuple[str, ...], losses: str = "0", income: str | None = "52000",
       day: date = date(2025, 11, 1), brought_forward: str = "0") -> UkPosition:
    params = load_uk_year(year)
    return UkPosition("olivia", year, params, params.period_of(day),
                      tuple(D(g) for g in gains), D(losses), D(brought_forward),
                      None if income is None else D(income))


def test_uk_exempt_amount_then_higher_rate() -> None:
    position = uk(2025, ("2000",))  # 2025-26: exempt amount 3,000, no basic band left
    assert evaluate(position).total == 0
    assert evaluate(position.with_gains(D(0), D(1000))).total == 0
    assert evaluate(position.with_gains(D(0), D(1100))).total == D(100) * D("0.24")
    assert rates(position).long_gain == 0
    assert rates(position.with_gains(D(0), D(2000))).long_gain == D("0.24")


def test_uk_a_year_with_net_losses_carries_them_at_the_rate_above_the_exempt_amount() -> None:
    position = uk(2025, ("2000",)).with_gains(D(0), D(-5000))
    computed = evaluate(position)
    assert computed.total == 0
    assert computed.carry_out_long == D(3000)
    r = rates(position)
    assert r.long_loss_now == 0
    assert r.long_loss == D("0.9") * D("0.24")


def test_uk_losses_brought_forward_only_down_to_the_exempt_amount() -> None:
    position = uk(2025, ("4000",), brought_forward="2000")
    computed = evaluate(position)
    assert computed.total == 0
    assert computed.carry_out_long == D(1000)  # 1,000 used to bring 4,000 down to 3,000


def test_uk_rate_change_of_30_october_2024_module_worked_example() -> None:
    # lotwise.regimes.uk docstring: 2024-25, income 45,000; gains 5,000 (July) and 8,000
    # (December), a 2,000 loss: CGT 1,720 with the deductions set against the later gains.
    position = uk(2024, ("5000", "8000"), losses="2000", income="45000",
                  day=date(2024, 12, 1))
    assert evaluate(position).total == D(1720)
