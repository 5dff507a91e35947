"""Form 1040 income, the Qualified Dividends and Capital Gain Tax Worksheet, NIIT, state tax."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lotwise.model.household import FilingStatus
from lotwise.tax.federal import DeductionChoice, StateMode, compute, position

D = Decimal


def test_qdcgt_worksheet_worked_example_line_by_line() -> None:
    """The worked example in lotwise.tax.federal's docstring (single, 2024)."""
    r = compute(
        position(
            2024,
            "single",
            ordinary_income=D(60_000),
            ordinary_dividends=D(2_000),
            qualified_dividends=D(2_000),
            short_gain=D(1_000),
            long_gain=D(10_000),
        )
    )
    assert (r.agi, r.deduction_used, r.taxable) == (73_000, 14_600, 58_400)
    expected = [
        58_400, 2_000, 10_000, 12_000, 46_400, 47_025, 47_025, 46_400, 625, 12_000, 625,
        11_375, 518_900, 58_400, 47_025, 11_375, 11_375, D("1706.25"), 12_000, 0, 0,
        5_336, D("7042.25"), 7_901, D("7042.25"),
    ]  # fmt: skip
    assert list(r.qd) == expected
    assert r.income_tax == D("7042.25")
    assert r.niit == 0
    b = r.breakdown()
    assert b.line("QDCGTW 9") == 625
    assert b.line("Form 1040 15") == 58_400
    assert b.to_json()["total"] == "7042.25"


# Validated by an independent open model: PSL Tax-Calculator 6.8.0 (taxcalc) gives the same
# income tax before credits (taxbc) and NIIT for each case.  Reproduce with
#   /tmp/taxcalc-venv/bin/python benchmarks/compare_taxcalc.py --fixed
# (cases: benchmarks/compare_taxcalc.py FIXED_CASES; wages -> e00200, interest -> e00300,
# ordinary / qualified dividends -> e00600 / e00650, ST / LT -> p22250 / p23250,
# itemized -> e19200).
TAXCALC_CASES = [
    # year, status, wages, interest, odiv, qdiv, ST, LT, itemized, income tax, NIIT
    (2024, "single", 60_000, 0, 2_000, 2_000, 1_000, 10_000, 0, "7042.25", "0"),
    (2025, "married_joint", 90_000, 0, 0, 0, 0, 60_000, 0, "9813.00", "0"),
    (2025, "single", 450_000, 5_000, 20_000, 15_000, 0, 150_000, 0, "153577.25", "6650.00"),
    (2024, "married_joint", 240_000, 8_000, 12_000, 10_000, 5_000, 40_000, 35_000,
     "46385.00", "2090.00"),
    (2026, "married_separate", 70_000, 500, 0, 0, -9_000, 2_000, 0, "6350.00", "0"),
    (2026, "head_of_household", 130_000, 1_000, 3_000, 2_500, 4_000, 25_000, 30_000,
     "20236.00", "0"),
    (2024, "qualifying_surviving_spouse", 900_000, 20_000, 40_000, 30_000, 25_000, 200_000, 0,
     "314671.50", "10830.00"),
    (2025, "single", 20_000, 300, 1_000, 800, 0, 20_000, 0, "475.00", "0"),
]  # fmt: skip


@pytest.mark.parametrize("case", TAXCALC_CASES)
def test_agrees_with_tax_calculator(case: tuple[object, ...]) -> None:
    year, status, wages, interest, odiv, qdiv, st, lt, itemized, tax, niit = case
    r = compute(
        position(
            int(str(year)),
            str(status),
            ordinary_income=D(str(wages)),
            interest=D(str(interest)),
            ordinary_dividends=D(str(odiv)),
            qualified_dividends=D(str(qdiv)),
            short_gain=D(str(st)),
            long_gain=D(str(lt)),
            itemized_deductions=D(str(itemized)),
        )
    )
    assert r.income_tax == D(str(tax))
    assert r.niit == D(str(niit))


def test_long_term_gain_straddling_the_zero_and_fifteen_percent_brackets() -> None:
    """MFJ 2025: taxable income 118,500 of which 58,500 ordinary; the 0 % bracket ends at
    96,700, so 38,200 of the gain is taxed at 0 % and 21,800 at 15 %."""
    r = compute(position(2025, "married_joint", ordinary_income=D(90_000), long_gain=D(60_000)))
    assert r.qd[8] == 38_200  # line 9, at 0 %
    assert r.qd[16] == 21_800  # line 17, at 15 %
    assert r.qd[17] == D("3270.00")
    assert r.income_tax == D("9813.00")


def test_long_term_gain_straddling_the_fifteen_and_twenty_percent_brackets() -> None:
    r = compute(
        position(
            2025,
            "single",
            ordinary_income=D(450_000),
            interest=D(5_000),
            ordinary_dividends=D(20_000),
            qualified_dividends=D(15_000),
            long_gain=D(150_000),
        )
    )
    assert r.qd[16] == 89_150  # 15 %: 533,400 - 444,250
    assert r.qd[19] == 75_850  # 20 %
    assert r.income_tax == D("153577.25")


def test_gain_exactly_at_the_top_of_the_zero_bracket_is_untaxed() -> None:
    """Single 2024: taxable income 47,025 = the maximum zero rate amount."""
    r = compute(position(2024, "single", ordinary_income=D(14_600 + 20_000), long_gain=D(27_025)))
    assert r.taxable == 47_025
    assert r.qd[8] == 27_025
    assert r.income_tax == D("2168.00")  # the tax on the 20,000 of wages alone
    one_more = compute(
        position(2024, "single", ordinary_income=D(14_600 + 20_000), long_gain=D(27_026))
    )
    assert one_more.income_tax - r.income_tax == D("0.15")


def test_short_term_gain_is_ordinary_income() -> None:
    base = compute(position(2024, "single", ordinary_income=D(80_000)))
    more = compute(position(2024, "single", ordinary_income=D(80_000), short_gain=D(1_000)))
    assert more.income_tax - base.income_tax == D("220.00")  # 22 % bracket
    assert more.qd[2] == 0  # no net capital gain


def test_income_below_the_standard_deduction_pays_nothing() -> None:
    r = compute(position(2024, "single", long_gain=D(10_000)))
    assert r.taxable == 0 and r.income_tax == 0 and r.total == 0


def test_larger_of_standard_and_itemized_unless_forced() -> None:
    """IRC §63(b), (e)."""
    auto = compute(
        position(2024, "single", ordinary_income=D(100_000), itemized_deductions=D(20_000))
    )
    assert (auto.deduction_kind, auto.deduction_used) == ("itemized", 20_000)
    small = compute(
        position(2024, "single", ordinary_income=D(100_000), itemized_deductions=D(9_000))
    )
    assert (small.deduction_kind, small.deduction_used) == ("standard", 14_600)
    forced = compute(
        position(
            2024,
            "single",
            ordinary_income=D(100_000),
            itemized_deductions=D(9_000),
            deduction=DeductionChoice.ITEMIZED,
        )
    )
    assert (forced.deduction_kind, forced.deduction_used) == ("itemized", 9_000)
    std = compute(
        position(
            2024,
            "single",
            ordinary_income=D(100_000),
            itemized_deductions=D(20_000),
            deduction=DeductionChoice.STANDARD,
        )
    )
    assert std.deduction_used == 14_600


def test_2026_itemized_deductions_lose_two_thirty_sevenths_in_the_top_bracket() -> None:
    """IRC §68 as amended by P.L. 119-21 §70111: 2/37 of the lesser of the itemized
    deductions and (AGI here) over the start of the 37 % bracket (640,600 single)."""
    capped = compute(
        position(2026, "single", ordinary_income=D(700_000), itemized_deductions=D(50_000))
    )
    assert capped.itemized_allowed == D(50_000) - D(50_000) * 2 / 37
    partial = compute(
        position(2026, "single", ordinary_income=D(650_000), itemized_deductions=D(50_000))
    )
    assert partial.itemized_allowed == D(50_000) - D(9_400) * 2 / 37
    below = compute(
        position(2026, "single", ordinary_income=D(600_000), itemized_deductions=D(50_000))
    )
    assert below.itemized_allowed == 50_000
    same_2025 = compute(
        position(2025, "single", ordinary_income=D(700_000), itemized_deductions=D(50_000))
    )
    assert same_2025.itemized_allowed == 50_000


def test_net_loss_deduction_and_carryover_in_the_full_computation() -> None:
    r = compute(position(2024, "single", ordinary_income=D(80_000), short_gain=D(-10_000)))
    assert r.capital == -3_000
    assert r.agi == 77_000
    assert (r.carry_out_short, r.carry_out_long) == (7_000, 0)


def test_net_loss_in_a_year_with_no_taxable_income_is_mostly_carried() -> None:
    """Income 10,000 < standard deduction: the $3,000 deduction is not used (§1212(b)(2))."""
    r = compute(position(2024, "single", ordinary_income=D(10_000), long_gain=D(-5_000)))
    assert r.taxable == 0
    assert r.carry_out_long == 5_000


def test_mfs_loss_limit_in_the_full_computation() -> None:
    r = compute(position(2025, "married_separate", ordinary_income=D(80_000), long_gain=D(-5_000)))
    assert r.capital == -1_500
    assert r.carry_out_long == 3_500


def test_niit_below_the_threshold_is_zero() -> None:
    r = compute(position(2024, "single", ordinary_income=D(150_000), long_gain=D(20_000)))
    assert r.niit == 0


def test_niit_on_the_excess_when_it_is_smaller() -> None:
    """MAGI 210,000: 3.8 % of min(NII 20,000, excess 10,000)."""
    r = compute(position(2024, "single", ordinary_income=D(190_000), long_gain=D(20_000)))
    assert r.niit_excess == 10_000 and r.nii == 20_000
    assert r.niit == D("380.000")


def test_niit_on_net_investment_income_when_it_is_smaller() -> None:
    r = compute(
        position(
            2025, "married_joint", ordinary_income=D(400_000), interest=D(1_000), long_gain=D(9_000)
        )
    )
    assert r.niit == D("0.038") * 10_000


def test_niit_married_filing_separately_threshold_125000() -> None:
    r = compute(position(2024, "married_separate", ordinary_income=D(120_000), interest=D(10_000)))
    assert r.niit == D("0.038") * 5_000


def test_allowed_capital_loss_reduces_net_investment_income() -> None:
    """Form 8960 line 5a takes the Form 1040 line 7 amount, a loss of up to $3,000."""
    r = compute(
        position(
            2024,
            "single",
            ordinary_income=D(300_000),
            interest=D(10_000),
            short_gain=D(-8_000),
        )
    )
    assert r.nii == 7_000
    assert r.niit == D("0.038") * 7_000


def test_other_investment_income_counts_only_for_niit() -> None:
    base = compute(position(2024, "single", ordinary_income=D(300_000)))
    rents = compute(
        position(2024, "single", ordinary_income=D(300_000), other_investment_income=D(5_000))
    )
    assert rents.income_tax == base.income_tax
    assert rents.niit == D("0.038") * 5_000


def test_trust_compressed_brackets_exemption_and_niit() -> None:
    """2024 trust: interest 20,000, §642(b) exemption 100: taxable 19,900; NIIT on the
    excess of AGI 20,000 over 15,200, where the 37 % bracket begins (IRC §1411(a)(2))."""
    r = compute(position(2024, FilingStatus.TRUST, interest=D(20_000), exemption=D(100)))
    assert r.taxable == 19_900
    assert r.income_tax == D("3659.50") + D("0.37") * 4_700
    assert r.niit == D("0.038") * 4_800


def test_trust_long_term_gain_uses_trust_breakpoints() -> None:
    r = compute(
        position(2024, FilingStatus.TRUST, interest=D(2_000), long_gain=D(10_000), exemption=D(100))
    )
    assert r.taxable == 11_900
    assert r.qd[8] == 1_250  # 0 % up to 3,150
    assert r.qd[16] == 8_750  # 15 %
    assert r.income_tax == D("1502.50")
    assert r.niit == 0


def test_trust_has_no_standard_deduction() -> None:
    r = compute(position(2025, FilingStatus.TRUST, ordinary_income=D(1_000)))
    assert r.deduction_used == 0 and r.taxable == 1_000 and r.income_tax == 100


def test_state_gains_mode_taxes_net_gains_only() -> None:
    gain = compute(
        position(2024, "single", ordinary_income=D(50_000), long_gain=D(11_000),
                 state_rate=D("0.05"), state_mode=StateMode.GAINS)
    )  # fmt: skip
    assert gain.state_tax == D("550.00")
    loss = compute(
        position(2024, "single", ordinary_income=D(50_000), long_gain=D(-11_000),
                 state_rate=D("0.05"), state_mode=StateMode.GAINS)
    )  # fmt: skip
    assert loss.state_tax == 0


def test_state_marginal_mode_credits_the_allowed_loss() -> None:
    loss = compute(
        position(2024, "single", ordinary_income=D(50_000), long_gain=D(-11_000),
                 state_rate=D("0.05"), state_mode=StateMode.MARGINAL)
    )  # fmt: skip
    assert loss.state_tax == D("-150.00")
    assert loss.total == loss.income_tax + loss.niit + loss.state_tax


def test_breakdown_renders_for_cli_and_json() -> None:
    from rich.console import Console

    r = compute(position(2024, "single", ordinary_income=D(80_000), short_gain=D(-10_000)))
    b = r.breakdown()
    data = b.to_json()
    titles = [s["title"] for s in data["sections"]]
    assert "Capital Loss Carryover Worksheet" in titles
    assert b.line("CLCW 8") == 7_000
    console = Console(record=True, width=120)
    console.print(b.to_rich())
    assert "Qualified Dividends and Capital Gain Tax Worksheet" in console.export_text()
