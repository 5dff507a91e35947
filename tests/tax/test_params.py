"""Yearly parameters: every year loads, figures match their authority, a missing year is clear."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lotwise.errors import InputError
from lotwise.model.household import FilingStatus
from lotwise.tax.params import available_years, load_year, parse_year

D = Decimal


def test_the_three_years_are_packaged() -> None:
    assert {2024, 2025, 2026} <= set(available_years())


def test_a_missing_year_names_the_years_there_are() -> None:
    with pytest.raises(InputError) as err:
        load_year(1999)
    problem = err.value.problems[0]
    assert problem.field == "year"
    assert "1999" in problem.message and "2024" in problem.message
    assert "2024" in problem.fix


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_every_status_has_seven_brackets_or_four_for_trusts(year: int) -> None:
    params = load_year(year)
    for status in FilingStatus:
        p = params.for_status(status)
        assert len(p.starts) == (4 if status is FilingStatus.TRUST else 7)
        assert p.rates[0] == D("0.10") and p.rates[-1] == D("0.37")


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_surviving_spouse_uses_the_joint_figures(year: int) -> None:
    """IRC §1(a): surviving spouses are taxed on the joint return table."""
    params = load_year(year)
    joint = params.for_status(FilingStatus.MARRIED_JOINT)
    qss = params.for_status(FilingStatus.QUALIFYING_SURVIVING_SPOUSE)
    assert (qss.starts, qss.standard_deduction, qss.zero_rate_max, qss.fifteen_rate_max) == (
        joint.starts,
        joint.standard_deduction,
        joint.zero_rate_max,
        joint.fifteen_rate_max,
    )


def test_2025_standard_deduction_is_the_one_big_beautiful_bill_act_figure() -> None:
    """Rev. Proc. 2024-40 said $15,000 / $30,000 / $22,500; P.L. 119-21 §70102 raised them."""
    p = load_year(2025)
    assert p.for_status(FilingStatus.SINGLE).standard_deduction == 15_750
    assert p.for_status(FilingStatus.MARRIED_SEPARATE).standard_deduction == 15_750
    assert p.for_status(FilingStatus.MARRIED_JOINT).standard_deduction == 31_500
    assert p.for_status(FilingStatus.HEAD_OF_HOUSEHOLD).standard_deduction == 23_625
    assert p.for_status(FilingStatus.TRUST).standard_deduction == 0


@pytest.mark.parametrize(
    ("year", "status", "zero", "fifteen"),
    [
        (2024, FilingStatus.SINGLE, 47_025, 518_900),
        (2024, FilingStatus.MARRIED_JOINT, 94_050, 583_750),
        (2024, FilingStatus.TRUST, 3_150, 15_450),
        (2025, FilingStatus.HEAD_OF_HOUSEHOLD, 64_750, 566_700),
        (2025, FilingStatus.MARRIED_SEPARATE, 48_350, 300_000),
        (2026, FilingStatus.SINGLE, 49_450, 545_500),
        (2026, FilingStatus.MARRIED_JOINT, 98_900, 613_700),
    ],
)
def test_capital_gains_breakpoints(
    year: int, status: FilingStatus, zero: int, fifteen: int
) -> None:
    p = load_year(year).for_status(status)
    assert (p.zero_rate_max, p.fifteen_rate_max) == (zero, fifteen)


def test_loss_limit_is_1500_only_for_married_filing_separately() -> None:
    """IRC §1211(b)(1)."""
    p = load_year(2025)
    for status in FilingStatus:
        expected = 1_500 if status is FilingStatus.MARRIED_SEPARATE else 3_000
        assert p.for_status(status).capital_loss_limit == expected


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_niit_thresholds(year: int) -> None:
    """IRC §1411(b) for individuals (not indexed); §1411(a)(2) for trusts: top bracket start."""
    p = load_year(year)
    expected = {
        FilingStatus.SINGLE: 200_000,
        FilingStatus.HEAD_OF_HOUSEHOLD: 200_000,
        FilingStatus.MARRIED_JOINT: 250_000,
        FilingStatus.QUALIFYING_SURVIVING_SPOUSE: 250_000,
        FilingStatus.MARRIED_SEPARATE: 125_000,
    }
    for status, threshold in expected.items():
        assert p.for_status(status).niit_threshold == threshold
    trust = p.for_status(FilingStatus.TRUST)
    assert trust.niit_threshold == trust.top_bracket_start


# 2024 Instructions for Form 1040, Tax Computation Worksheet—Line 16, Section A (single) and
# Section B (married filing jointly / qualifying surviving spouse): tax = income x rate - k.
@pytest.mark.parametrize(
    ("status", "income", "rate", "subtract"),
    [
        (FilingStatus.SINGLE, 100_200, "0.22", "4947.00"),
        (FilingStatus.SINGLE, 150_000, "0.24", "6957.50"),
        (FilingStatus.SINGLE, 200_000, "0.32", "22313.50"),
        (FilingStatus.SINGLE, 300_000, "0.35", "29625.25"),
        (FilingStatus.SINGLE, 700_000, "0.37", "41812.25"),
        (FilingStatus.MARRIED_JOINT, 150_000, "0.22", "9894.00"),
        (FilingStatus.MARRIED_JOINT, 300_000, "0.24", "13915.00"),
        (FilingStatus.MARRIED_JOINT, 400_000, "0.32", "44627.00"),
        (FilingStatus.MARRIED_JOINT, 600_000, "0.35", "59250.50"),
        (FilingStatus.MARRIED_JOINT, 800_000, "0.37", "73874.50"),
    ],
)
def test_rate_schedule_agrees_with_the_tax_computation_worksheet(
    status: FilingStatus, income: int, rate: str, subtract: str
) -> None:
    p = load_year(2024).for_status(status)
    assert p.tax(D(income)) == D(income) * D(rate) - D(subtract)


def test_bracket_edges_are_taxed_exactly() -> None:
    """The tax at a threshold is the sum of the lower brackets, with no Tax Table rounding."""
    p = load_year(2024).for_status(FilingStatus.SINGLE)
    assert p.tax(D(11_600)) == D("1160.00")
    assert p.tax(D("11600.01")) == D("1160.0012")
    assert p.tax(D(47_150)) == D("5426.00")
    assert p.tax(D(0)) == 0 and p.tax(D(-5)) == 0
    assert p.rate_at(D(11_600)) == D("0.12")  # the next dollar above 11,600
    assert p.rate_at(D("11599.99")) == D("0.10")


def test_trust_brackets_2024() -> None:
    """Rev. Proc. 2023-34 Table 5: $310 + 24% over 3,100; $2,242 + 35% over 11,150;
    $3,659.50 + 37% over 15,200."""
    p = load_year(2024).for_status(FilingStatus.TRUST)
    assert p.tax(D(11_150)) == D(2_242)
    assert p.tax(D(15_200)) == D("3659.50")
    assert p.tax(D(20_000)) == D("3659.50") + D("0.37") * 4_800


def test_the_2026_itemized_limitation_is_two_thirty_sevenths_but_not_for_trusts() -> None:
    p26 = load_year(2026)
    single = p26.for_status(FilingStatus.SINGLE)
    assert (single.itemized_cut_num, single.itemized_cut_den) == (2, 37)
    assert p26.for_status(FilingStatus.TRUST).itemized_cut_num == 0
    assert load_year(2025).for_status(FilingStatus.SINGLE).itemized_cut_num == 0


def test_a_malformed_file_is_a_bug_not_an_input_error() -> None:
    from lotwise.tax.params import ParameterFileError

    with pytest.raises(ParameterFileError):
        parse_year({"year": 2030, "niit": {"rate": 0.038}}, "2030.toml")
