"""UK income tax on offshore income gains and excess reportable income, stacked on the
owner's taxable income, and the capital gains rates that income leaves.

Authorities: SI 2009/3001 regs. 17, 18 (an offshore income gain is miscellaneous income,
ITTOIA 2005 Part 5 Chapter 8; HMRC IFM13414), reg. 42 (a loss stays a capital loss), reg. 94
(excess reportable income is a distribution), ITTOIA 2005 s.378A (a bond fund's is
interest); ITA 2007 s.18 (savings income: an offshore income gain is not), ss.10, 12, 12A,
12B, 13, 13A, 16, 35; TCGA 1992 s.1I; ISA Regulations 1998 reg. 22.  HMRC's manuals give no
worked example of the income tax on an offshore income gain, so the figures are worked by
hand from the Acts, each in its comment.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from lotwise.ledger import replay
from lotwise.model.household import Household
from lotwise.plan.taxes import evaluate, rates
from lotwise.regimes.uk import load_uk_year, uk_years
from lotwise.regimes.uk_income import DIVIDENDS, SAVINGS, IncomeItems, income_tax
from lotwise.regimes.uk_position import uk_position

from .households import D, household, journal


def tax(year: int, other: str | None, oig: str = "0", interest: str = "0",
        dividends: str = "0") -> D:
    params = load_uk_year(year).income
    assert params is not None
    return income_tax(params, None if other is None else D(other),
                      IncomeItems(D(oig), D(interest), D(dividends))).tax


# ---------------------------------------------------------------- the income tax itself


def test_the_module_example_straddles_the_basic_rate_limit() -> None:
    # 2025-26, taxable income £35,000: the £5,000 gain fills the last £2,700 of the basic
    # rate band at 20 % (£540) and £2,300 above it at 40 % (£920); the £1,000 dividend lies
    # above the gain: £500 at the dividend nil rate, £500 at 33.75 % (£168.75).
    params = load_uk_year(2025).income
    assert params is not None
    result = income_tax(params, D(35000), IncomeItems(D(5000), D(0), D(1000)))
    assert result.tax == D("1628.75")
    assert result.taxable_income == D(41000)
    assert [(s.what, s.amount) for s in result.slices] == [
        ("basic rate", D(2700)), ("higher rate", D(2300)),
        ("dividend nil rate (ITA s.13A)", D(500)), ("dividend upper rate", D(500))]


def test_an_offshore_income_gain_is_not_savings_income() -> None:
    # ITA s.18: no starting rate for savings and no personal savings allowance for it;
    # taxable income £2,000: £5,000 of gain all at 20 %.  The same £5,000 as interest: the
    # first £3,000 at the starting rate (the £5,000 limit less £2,000, s.12), £1,000 at the
    # savings nil rate (s.12B, a basic rate taxpayer), £1,000 at 20 %.
    assert tax(2025, "2000", oig="5000") == D(1000)
    assert tax(2025, "2000", interest="5000") == D(200)


def test_the_personal_savings_allowance_follows_the_highest_band() -> None:
    assert tax(2025, "52000", interest="1000") == D(200)  # £500 nil, £500 at 40 %
    assert tax(2025, "130000", interest="1000") == D(450)  # additional rate: none, 45 %


def test_the_additional_rate_starts_at_150000_in_2022_23_and_125140_after() -> None:
    # ITA s.10(5A): £150,000 until 2022-23; Finance Act 2023 s.6: £125,140 from 2023-24
    assert tax(2022, "130000", oig="1000") == D(400)
    assert tax(2023, "130000", oig="1000") == D(450)
    assert tax(2022, "149500", oig="1000") == D(200) + D(225)  # £500 at 40 %, £500 at 45 %


def test_dividend_allowance_and_rates_by_year() -> None:
    # s.13A(2): £2,000 (2022-23), £1,000 (2023-24), £500 (2024-25 on); s.8: 8.75 %, and
    # 10.75 % from 2026-27 (Finance Act 2026)
    assert tax(2022, "20000", dividends="1500") == 0
    assert tax(2023, "20000", dividends="1500") == D("500") * D("0.0875")
    assert tax(2024, "20000", dividends="1500") == D("1000") * D("0.0875")
    assert tax(2026, "20000", dividends="1500") == D("1000") * D("0.1075")


def test_dividends_sit_above_offshore_income_gains() -> None:
    # s.16: non-savings, then savings, then dividends.  Taxable income £36,000: the £1,000
    # gain fills £36,000-£37,000 at 20 % (£200); the dividend £37,000-£38,000: £500 nil rate,
    # £200 at 8.75 % (£17.50), £300 at 33.75 % (£101.25).
    assert tax(2025, "36000", oig="1000", dividends="1000") == D("318.75")


def test_the_personal_allowance_withdrawn_makes_60_per_cent() -> None:
    # Taxable income £95,000 is net income £105,046.67 with £10,046.67 of allowance left
    # (s.35(2)); a £10,000 gain withdraws £5,000 more of it, so £15,000 is charged at 40 %:
    # £6,000, 60 % of the gain.
    params = load_uk_year(2025).income
    assert params is not None
    result = income_tax(params, D(95000), IncomeItems(D(10000)))
    assert result.allowance_withdrawn == D(5000)
    assert result.tax == D(6000)
    assert result.taxable_income == D(110000)
    # below the £100,000 limit nothing is withdrawn: taxable £80,000 is net £92,570
    assert tax(2025, "80000", oig="5000") == D(2000)
    # taxable £120,000 is net £121,713.33 with £1,713.33 of allowance left; a £5,000 gain
    # withdraws it all: £1,713.335 more of the other income and £3,426.665 of the gain at
    # 40 % up to £125,140, the other £1,573.335 of the gain at 45 %
    assert tax(2025, "120000", oig="5000") == (D("0.4") * (D("1713.335") + D("3426.665"))
                                                + D("0.45") * D("1573.335"))


def test_without_taxable_income_every_item_is_at_the_higher_rates() -> None:
    assert tax(2025, None, oig="1000") == D(400)
    assert tax(2025, None, interest="1000") == D(200)  # £500 nil (higher rate taxpayer)
    assert tax(2025, None, dividends="1000") == D(500) * D("0.3375")


# ---------------------------------------------------------------- the year, from a journal


def funds(hh: Household, **flags: tuple[bool | None, bool]) -> Household:
    securities = dict(hh.securities)
    for symbol, (reporting, bond) in flags.items():
        securities[symbol] = replace(securities[symbol], uk_reporting_fund=reporting,
                                     uk_bond_fund=bond)
    return replace(hh, securities=securities)


def uk(income: int | None = 30000) -> Household:
    hh = funds(household({"me": "UK"}, {"gia": ("me", "gia"), "isa": ("me", "isa")},
                         securities={"SHR": None, "NRF": None, "RPT": None, "BND": None}),
               NRF=(False, False), RPT=(True, False), BND=(True, True))
    table = {} if income is None else {"taxable_income": income}
    return replace(hh, tax={"uk": {"me": table}})


def year_of(hh: Household, text: str, year: int = 2025):  # type: ignore[no-untyped-def]
    return uk_years(replay(hh, journal(text)), hh, "me", year)[-1]


def test_an_offshore_income_gain_uses_up_the_band_for_capital_gains() -> None:
    # 2025-26, taxable income £30,000.  A £13,000 capital gain (£10,000 after the exempt
    # amount) and a £5,000 offshore income gain.  Income first (ITA s.23): the gain is
    # charged at 20 % within the basic rate band (£1,000) and takes taxable income to
    # £35,000, leaving £2,700 of band for the capital gain (TCGA s.1I): £2,700 at 18 % and
    # £7,300 at 24 % = £2,238, where without it £7,700 at 18 % and £2,300 at 24 % = £1,938.
    text = """
        2025-05-01 gia buy SHR 100 @100
        2025-05-01 gia buy NRF 100 @100
        2025-09-01 gia sell SHR 100 @230
        2025-09-01 gia sell NRF 100 @150
    """
    row = year_of(uk(), text)
    assert row.offshore_income_gain == D(5000)
    assert row.income_tax == D(1000)
    assert row.tax == D(2238)
    assert row.total_tax == D(3238)
    assert row.income is not None and row.income.taxable_income == D(35000)
    alone = year_of(uk(), "\n".join(text.strip().splitlines()[::2]))  # SHR only
    assert (alone.tax, alone.income_tax) == (D(1938), D(0))


def test_an_offshore_income_gain_in_an_isa_is_exempt() -> None:
    row = year_of(uk(), """
        2025-05-01 isa buy NRF 100 @100
        2025-09-01 isa sell NRF 100 @150
    """)
    assert row.offshore_income_gains == ()
    assert (row.income_tax, row.total_tax) == (D(0), D(0))


def test_a_loss_on_a_fund_without_reporting_status_is_a_capital_loss_not_income() -> None:
    row = year_of(uk(), """
        2025-05-01 gia buy NRF 100 @100
        2025-09-01 gia sell NRF 100 @70
    """)
    assert row.losses == D(3000) and row.losses_carried_forward == D(3000)
    assert row.offshore_income_gains == ()
    assert row.income is not None and row.income.items.total == 0
    assert row.total_tax == 0


def test_excess_reportable_income_is_a_dividend_or_for_a_bond_fund_interest() -> None:
    # Taxable income £52,000 (higher rate): £1,000 of equity-fund ERI is £500 at the dividend
    # nil rate and £500 at 33.75 %; £2,000 of bond-fund ERI is interest (ITTOIA s.378A): £500
    # at the savings nil rate and £1,500 at 40 %.  The ISA's ERI is exempt (ISA Regs reg. 22).
    row = year_of(uk(52000), """
        2025-05-01 gia buy RPT 100 @100
        2025-05-01 gia buy BND 100 @100
        2025-05-01 isa buy RPT 100 @100
        2025-12-31 gia excess_reportable_income RPT amount=1000
        2025-12-31 gia excess_reportable_income BND amount=2000
        2025-12-31 isa excess_reportable_income RPT amount=700
    """)
    assert row.income is not None
    assert (row.income.items.dividends, row.income.items.interest) == (D(1000), D(2000))
    kinds = {(s.kind, s.rate): s.amount for s in row.income.slices}
    # interest sits below the dividends (s.16)
    assert kinds == {(SAVINGS, D(0)): D(500), (SAVINGS, D("0.40")): D(1500),
                     (DIVIDENDS, D(0)): D(500), (DIVIDENDS, D("0.3375")): D(500)}
    assert row.income_tax == D(600) + D("168.75")
    assert row.bond_funds == frozenset({"BND"})


def test_the_planner_position_prices_an_offshore_income_gain_as_income() -> None:
    # Olivia's band is used up (£52,000): a pound of capital gain above the exempt amount
    # costs 24p, a pound of offshore income gain 40p, and the position's tax is the sum.
    hh = uk(52000)
    book = replay(hh, journal("""
        2025-05-01 gia buy SHR 100 @100
        2025-09-01 gia sell SHR 100 @150
    """))
    from datetime import date
    position = uk_position(hh, book, "me", date(2025, 11, 1))
    r = rates(position)
    assert (r.long_gain, r.income_gain) == (D("0.24"), D("0.4"))
    before = evaluate(position).total
    assert before == D(2000) * D("0.24")
    after = evaluate(position.with_gains(D(0), D(0), D(1000)))
    assert after.total - before == D(400)


@pytest.mark.parametrize("year", [2022, 2023, 2024, 2025, 2026])
def test_every_tax_year_lotwise_computes_has_income_tax_parameters(year: int) -> None:
    params = load_uk_year(year).income
    assert params is not None
    assert params.basic_rate_limit == D(37700)
    assert params.personal_allowance == D(12570)
