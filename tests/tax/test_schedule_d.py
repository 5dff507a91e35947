"""Schedule D netting, the $3,000 / $1,500 limit and the Capital Loss Carryover Worksheet."""

from __future__ import annotations

from decimal import Decimal

from lotwise.tax.schedule_d import carryover_worksheet, schedule_d

D = Decimal
LIMIT = D(3_000)


def test_carryover_in_reduces_its_own_character_first() -> None:
    """Schedule D line 6 reduces short-term (line 7), line 14 long-term (line 15)."""
    sd = schedule_d(D(5_000), D(8_000), D(2_000), D(10_000), LIMIT)
    assert sd.line7 == 3_000
    assert sd.line15 == -2_000
    assert sd.line16 == 1_000
    assert sd.line21 == 0
    assert sd.to_form_1040_line7 == 1_000
    # line 15 is a loss: no net capital gain for the preferential rates
    assert sd.net_capital_gain == 0


def test_net_capital_gain_is_the_smaller_of_lines_15_and_16() -> None:
    """IRC §1222(11); QDCGTW line 3."""
    assert schedule_d(D(-4_000), D(10_000), D(0), D(0), LIMIT).net_capital_gain == 6_000
    assert schedule_d(D(4_000), D(10_000), D(0), D(0), LIMIT).net_capital_gain == 10_000
    assert schedule_d(D(-12_000), D(10_000), D(0), D(0), LIMIT).net_capital_gain == 0


def test_net_loss_below_the_limit_is_deducted_in_full() -> None:
    sd = schedule_d(D(-2_000), D(0), D(0), D(0), LIMIT)
    assert sd.line21 == -2_000
    cw = carryover_worksheet(sd, taxable_income=D(50_000))
    assert cw is not None and cw.short_carryover == 0 and cw.long_carryover == 0


def test_net_loss_above_the_limit_is_capped_at_3000() -> None:
    """Pub 550, "Capital Losses", example: Bob and Gloria's $7,000 loss, taxable income
    $26,000: they deduct $3,000 and carry $4,000 over."""
    sd = schedule_d(D(-7_000), D(0), D(0), D(0), LIMIT)
    assert sd.line21 == -3_000
    cw = carryover_worksheet(sd, taxable_income=D(26_000))
    assert cw is not None
    assert cw.short_carryover == 4_000 and cw.long_carryover == 0


def test_married_filing_separately_limit_is_1500() -> None:
    sd = schedule_d(D(0), D(-7_000), D(0), D(0), D(1_500))
    assert sd.line21 == -1_500
    cw = carryover_worksheet(sd, taxable_income=D(40_000))
    assert cw is not None and cw.long_carryover == 5_500


def test_no_worksheet_without_a_net_loss() -> None:
    assert carryover_worksheet(schedule_d(D(1), D(-1), D(0), D(0), LIMIT), D(0)) is None
    assert carryover_worksheet(schedule_d(D(5), D(0), D(0), D(0), LIMIT), D(0)) is None


def test_worksheet_worked_example_line_by_line() -> None:
    """The example at the top of lotwise.tax.schedule_d."""
    sd = schedule_d(D(-9_000), D(2_000), D(1_000), D(0), LIMIT)
    cw = carryover_worksheet(sd, taxable_income=D(40_000))
    assert cw is not None
    lines = [cw.line1, cw.line2, cw.line3, cw.line4, cw.line5, cw.line6, cw.line7, cw.line8]
    assert lines == [40_000, 3_000, 43_000, 3_000, 10_000, 2_000, 5_000, 5_000]
    assert (cw.line9, cw.line13) == (0, 0)  # line 15 is a gain: lines 9-13 skipped


def test_short_term_loss_is_used_before_long_term() -> None:
    """Worksheet line 11 = line 4 - line 5: what the short-term loss leaves of the deduction."""
    sd = schedule_d(D(-1_000), D(-10_000), D(0), D(0), LIMIT)
    cw = carryover_worksheet(sd, taxable_income=D(60_000))
    assert cw is not None
    assert (cw.line4, cw.line5, cw.line8) == (3_000, 1_000, 0)
    assert (cw.line9, cw.line10, cw.line11, cw.line12, cw.line13) == (
        10_000,
        0,
        2_000,
        2_000,
        8_000,
    )


def test_both_losses_beyond_the_limit_carry_by_character() -> None:
    sd = schedule_d(D(-5_000), D(-6_000), D(0), D(0), LIMIT)
    cw = carryover_worksheet(sd, taxable_income=D(100_000))
    assert cw is not None
    assert (cw.short_carryover, cw.long_carryover) == (2_000, 6_000)


def test_short_gain_absorbs_long_loss_before_carryover() -> None:
    """Line 10: a short-term gain offsets the long-term loss (line 12)."""
    sd = schedule_d(D(4_000), D(-12_000), D(0), D(0), LIMIT)
    cw = carryover_worksheet(sd, taxable_income=D(70_000))
    assert cw is not None
    assert cw.short_carryover == 0
    assert cw.long_carryover == 12_000 - 4_000 - 3_000


def test_negative_taxable_income_keeps_the_unused_deduction_in_the_carryover() -> None:
    """IRC §1212(b)(2): the $3,000 counts as used only up to taxable income before it."""
    sd = schedule_d(D(-10_000), D(0), D(0), D(0), LIMIT)
    # taxable income before the loss deduction is +1,000; after it, -2,000
    cw = carryover_worksheet(sd, taxable_income=D(-2_000))
    assert cw is not None
    assert (cw.line3, cw.line4) == (1_000, 1_000)
    assert cw.short_carryover == 9_000
    # deeply negative: nothing used at all
    cw = carryover_worksheet(sd, taxable_income=D(-20_000))
    assert cw is not None and cw.line4 == 0 and cw.short_carryover == 10_000


def test_trust_worksheet_adds_the_exemption_back() -> None:
    """Form 1041 Schedule D instructions: taxable income figured without the exemption."""
    sd = schedule_d(D(-10_000), D(0), D(0), D(0), LIMIT)
    cw = carryover_worksheet(sd, taxable_income=D(-3_100), exemption=D(100))
    assert cw is not None
    assert cw.line3 == 0 and cw.short_carryover == 10_000
    cw = carryover_worksheet(sd, taxable_income=D(-2_000), exemption=D(100))
    assert cw is not None
    assert cw.line4 == 1_100 and cw.short_carryover == 8_900
