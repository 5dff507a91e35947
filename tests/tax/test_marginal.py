"""The planning interface: exact recomputation, marginal rates, 0 % room; and the invariants
of the whole computation as properties (monotone in income and gains, carryovers conserved)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from lotwise.model.household import FilingStatus
from lotwise.tax.federal import StateMode, TaxPosition, compute, position
from lotwise.tax.marginal import marginal_rates, tax_change, zero_rate_room

D = Decimal
CENT = D("0.01")


def test_tax_change_is_the_difference_of_two_full_computations() -> None:
    pos = position(2025, "single", ordinary_income=D(60_000))
    assert tax_change(pos, D(4_000), D(0)) == D(480)  # taxable 44,250 -> 48,250: 12 %
    # 10,000 more crosses into the 22 % bracket at 48,475: 4,225 x 12 % + 5,775 x 22 %
    assert tax_change(pos, D(10_000), D(0)) == D("1777.50")
    assert tax_change(pos, D(0), D(4_100)) == 0  # fills the 0 % bracket exactly
    assert tax_change(pos, D(0), D(4_200)) == D(15)  # $100 over it at 15 %


def test_marginal_rates_worked_example() -> None:
    """lotwise.tax.marginal docstring: single 2025, wages 60,000."""
    pos = position(2025, "single", ordinary_income=D(60_000))
    rates = marginal_rates(pos)
    assert rates.short_gain == D("0.12")
    assert rates.long_gain == 0
    assert rates.short_loss == D("0.12")  # offsets $1 of wages under the $3,000
    assert zero_rate_room(pos) == D(4_100)

    harvested = pos.with_gains(D(-10_000), D(0))
    rates = marginal_rates(harvested)
    assert rates.short_loss_now == 0
    assert rates.short_loss_carried_short == 1
    assert rates.carry_rate_short == D("0.12")
    assert rates.short_loss == D("0.9") * D("0.12")


def test_loss_value_offsetting_a_gain_is_the_gain_rate() -> None:
    pos = position(2024, "single", ordinary_income=D(100_000), short_gain=D(20_000))
    rates = marginal_rates(pos)
    assert rates.short_loss == rates.short_gain == D("0.24")


def test_a_short_term_loss_can_grow_the_long_term_carryover() -> None:
    """Worksheet: the short-term loss is used first, so one more dollar of it leaves a dollar
    more of the long-term loss unused."""
    pos = position(
        2024, "single", ordinary_income=D(100_000), short_gain=D(-1_000), long_gain=D(-10_000)
    )
    rates = marginal_rates(pos)
    assert rates.short_loss_now == 0
    assert (rates.short_loss_carried_short, rates.short_loss_carried_long) == (0, 1)


def test_discount_is_configurable() -> None:
    pos = position(
        2024, "single", ordinary_income=D(100_000), short_gain=D(-10_000), carry_discount=D("0.5")
    )
    assert marginal_rates(pos).short_loss == D("0.5") * D("0.22")


def test_zero_rate_room_absorbs_excess_losses_first() -> None:
    """Net loss 10,000 beyond the 3,000 limit: 7,000 of gain only shrinks the carryover;
    after that each dollar reduces the deduction, taxed at the ordinary rate."""
    pos = position(2024, "single", ordinary_income=D(100_000), short_gain=D(-10_000))
    assert zero_rate_room(pos) == D(7_000)


def test_zero_rate_room_uses_an_unused_standard_deduction() -> None:
    """Single 2024, wages 10,000: 4,600 of standard deduction unused, then 47,025 at 0 %."""
    pos = position(2024, "single", ordinary_income=D(10_000))
    assert zero_rate_room(pos) == D(4_600 + 47_025)


def test_zero_rate_room_is_zero_above_the_bracket() -> None:
    pos = position(2024, "married_joint", ordinary_income=D(300_000))
    assert zero_rate_room(pos) == 0


def test_zero_rate_room_for_a_trust() -> None:
    pos = position(2024, FilingStatus.TRUST, interest=D(1_000), exemption=D(100))
    assert zero_rate_room(pos) == D(3_150 - 900)


# ----------------------------------------------------------------------------- properties

money = st.integers(min_value=0, max_value=150_000_000).map(lambda c: D(c) * CENT)
gain = st.integers(min_value=-30_000_000, max_value=80_000_000).map(lambda c: D(c) * CENT)


@st.composite
def positions(draw: st.DrawFn) -> TaxPosition:
    status = draw(st.sampled_from(list(FilingStatus)))
    odiv = draw(money) / 10
    return position(
        draw(st.sampled_from([2024, 2025, 2026])),
        status,
        ordinary_income=draw(money),
        interest=draw(money) / 20,
        ordinary_dividends=odiv,
        qualified_dividends=(odiv * draw(st.integers(0, 100)) / 100).quantize(CENT),
        other_investment_income=draw(money) / 50,
        itemized_deductions=draw(money) / 20,
        exemption=D(100) if status is FilingStatus.TRUST else D(0),
        short_gain=draw(gain),
        long_gain=draw(gain),
        carry_in_short=draw(money) / 50,
        carry_in_long=draw(money) / 50,
        state_rate=D(draw(st.integers(0, 13))) / 100,
        state_mode=draw(st.sampled_from(list(StateMode))),
    )


step = st.integers(min_value=1, max_value=5_000_000).map(lambda c: D(c) * CENT)


@given(positions(), step)
def test_tax_is_non_decreasing_in_ordinary_income(pos: TaxPosition, more: Decimal) -> None:
    from dataclasses import replace

    base = compute(pos)
    up = compute(replace(pos, ordinary_income=pos.ordinary_income + more))
    assert up.income_tax >= base.income_tax
    assert up.niit >= base.niit


@given(positions(), step, st.booleans())
def test_tax_is_non_decreasing_in_gains(pos: TaxPosition, more: Decimal, short: bool) -> None:
    base = compute(pos)
    up = compute(pos.with_gains(more, D(0)) if short else pos.with_gains(D(0), more))
    assert up.income_tax >= base.income_tax
    assert up.niit >= base.niit
    assert up.total >= base.total or (pos.state_mode is StateMode.MARGINAL and up.state_tax < 0)


@given(positions(), step, st.booleans())
def test_total_tax_is_non_decreasing_in_gains(pos: TaxPosition, more: Decimal, short: bool) -> None:
    """State tax in both modes is non-decreasing in gains too, so the total is."""
    base = compute(pos)
    up = compute(pos.with_gains(more, D(0)) if short else pos.with_gains(D(0), more))
    assert up.total >= base.total


@given(positions(), gain, gain)
def test_marginal_interface_equals_full_recomputation(
    pos: TaxPosition, extra_short: Decimal, extra_long: Decimal
) -> None:
    full = compute(pos.with_gains(extra_short, extra_long)).total - compute(pos).total
    assert tax_change(pos, extra_short, extra_long) == full
    # path independence: short first, then long
    first = tax_change(pos, extra_short, D(0))
    then = tax_change(pos.with_gains(extra_short, D(0)), D(0), extra_long)
    assert first + then == full


@settings(max_examples=40)
@given(positions())
def test_marginal_rates_equal_one_dollar_recomputations(pos: TaxPosition) -> None:
    rates = marginal_rates(pos)
    base = compute(pos)
    assert rates.short_gain == compute(pos.with_gains(D(1), D(0))).total - base.total
    assert rates.long_gain == compute(pos.with_gains(D(0), D(1))).total - base.total
    down = compute(pos.with_gains(D(-1), D(0)))
    assert rates.short_loss_now == base.total - down.total
    carried = (down.carry_out_short - base.carry_out_short) * rates.carry_rate_short + (
        down.carry_out_long - base.carry_out_long
    ) * rates.carry_rate_long
    assert rates.short_loss == rates.short_loss_now + pos.carry_discount * carried


@settings(max_examples=40)
@given(positions())
def test_zero_rate_room_is_the_edge_of_no_tax_change(pos: TaxPosition) -> None:
    room = zero_rate_room(pos)
    base = compute(pos).income_tax
    assert compute(pos.with_gains(D(0), room)).income_tax == base
    assert compute(pos.with_gains(D(0), room + CENT)).income_tax > base


@given(positions())
def test_net_loss_is_either_deducted_or_carried(pos: TaxPosition) -> None:
    """Capital Loss Carryover Worksheet: used deduction (line 4) + carryovers = net loss."""
    r = compute(pos)
    if r.sched.line16 < 0:
        assert r.carryover is not None
        used = r.carryover.line4
        assert used + r.carry_out_short + r.carry_out_long == -r.sched.line16
        assert used <= r.sched.limit
    else:
        assert r.carry_out_short == r.carry_out_long == 0
