"""United Kingdom: offshore funds (The Offshore Funds (Tax) Regulations 2009, SI 2009/3001).

* A gain on a fund without UK reporting status is an offshore income gain, charged as
  income (regs. 17, 18) and deducted from the capital gain (reg. 44); a loss is nil for the
  regulations and stays an allowable capital loss (reg. 42; HMRC IFM13550, OFM15100).
* A reporting fund's excess reportable income is a distribution on the fund distribution
  date to those holding at the end of the reporting period (reg. 94) and expenditure on the
  shares within TCGA s.38(1)(a) incurred that day (reg. 99; IFM13372): it adds to the cost
  of the section 104 holding.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from lotwise.errors import InputError
from lotwise.ledger import replay
from lotwise.model.household import Household
from lotwise.regimes.uk import uk_years

from ..regimes.households import D, household, journal


def with_funds(hh: Household, **reporting: bool) -> Household:
    securities = dict(hh.securities)
    for symbol, flag in reporting.items():
        securities[symbol] = replace(securities[symbol], uk_reporting_fund=flag)
    return replace(hh, securities=securities)


UK = with_funds(
    household({"me": "UK"}, {"gia": ("me", "gia"), "isa": ("me", "isa")},
              securities={"RPT": None, "NRF": None, "SHR": None}),
    RPT=True, NRF=False,
)


def test_excess_reportable_income_adds_to_the_cost_and_reduces_the_gain() -> None:
    # 1,000 units costing £10,000; ERI of £250 (25p a unit) on the fund distribution date:
    # the holding costs £10,250, and a sale of all of it for £12,000 gains £1,750, not £2,000.
    book = replay(UK, journal("""
        2024-01-02 gia buy RPT 1000 amount=10000 @10
        2024-12-31 gia excess_reportable_income RPT amount=250
        2025-03-03 gia sell RPT 1000 amount=12000 @12
    """))
    (sale,) = book.uk_disposals
    assert (sale.cost, sale.gain) == (D(10250), D(1750))
    (event,) = [e for e in book.cash_events if e.action == "excess_reportable_income"]
    assert (event.date, event.amount) == (date(2024, 12, 31), D(250))
    assert book.cash.get("gia", D(0)) == D(12000) - D(10000)  # reported, never paid


def test_a_part_sale_after_eri_takes_its_share_of_the_raised_cost() -> None:
    book = replay(UK, journal("""
        2024-01-02 gia buy RPT 1000 amount=10000 @10
        2024-12-31 gia excess_reportable_income RPT amount=250
        2025-03-03 gia sell RPT 400 amount=4800 @12
    """))
    (sale,) = book.uk_disposals
    assert (sale.cost, sale.gain) == (D(4100), D(700))
    (pool,) = [p for p in book.pools if p.symbol == "RPT"]
    assert (pool.quantity, pool.cost) == (600, D(6150))


def test_eri_is_income_of_the_tax_year_of_its_date_outside_the_sa108_totals() -> None:
    book = replay(UK, journal("""
        2024-01-02 gia buy RPT 1000 amount=10000 @10
        2024-01-02 isa buy RPT 100 amount=1000 @10
        2024-12-31 gia excess_reportable_income RPT amount=250
        2024-12-31 isa excess_reportable_income RPT amount=25
    """))
    (year,) = uk_years(book, UK, "me", 2024)
    # the ISA's is exempt (ISA Regulations 1998 reg. 22); the GIA's is taxable income
    assert [e.account for e in year.excess_reportable_income] == ["gia"]
    assert year.excess_reportable_income_total == D(250)
    assert (year.gains, year.taxable_gains) == (D(0), D(0))


def test_eri_without_shares_held_is_an_error() -> None:
    with pytest.raises(InputError) as caught:
        replay(UK, journal("""
            2024-01-02 gia excess_reportable_income RPT amount=250
        """))
    (problem,) = caught.value.problems
    assert problem.field == "symbol" and "no shares are held" in problem.message


def test_eri_for_a_us_resident_is_an_error() -> None:
    us = with_funds(household({"me": "US"}, {"taxable": ("me", "taxable")},
                              securities={"RPT": None}), RPT=True)
    with pytest.raises(InputError) as caught:
        replay(us, journal("""
            2024-01-02 taxable buy RPT 10 @10
            2024-12-31 taxable excess_reportable_income RPT amount=2
        """))
    assert "taxed in the UK" in caught.value.problems[0].message


def test_a_gain_on_a_non_reporting_fund_is_an_offshore_income_gain() -> None:
    book = replay(UK, journal("""
        2024-01-02 gia buy NRF 100 amount=10000 @100
        2024-01-02 gia buy SHR 100 amount=1000 @10
        2024-09-02 gia sell NRF 100 amount=13000 @130 fees=10
        2024-09-02 gia sell SHR 100 amount=6000 @60
    """))
    fund = next(d for d in book.uk_disposals if d.symbol == "NRF")
    assert fund.offshore and fund.is_offshore_income_gain and fund.gain == D(2990)
    (year,) = uk_years(book, UK, "me", 2024)
    # only the shares' £5,000 is a capital gain; the fund's £2,990 is income
    assert year.gains == D(5000) and [d.symbol for d in year.reportable] == ["SHR"]
    assert year.offshore_income_gain == D(2990)
    assert year.proceeds == D(6000)


def test_a_loss_on_a_non_reporting_fund_is_still_a_capital_loss() -> None:
    # reg. 42: the offshore income gain is nil, and the loss is relieved as a capital loss.
    book = replay(UK, journal("""
        2024-01-02 gia buy NRF 100 amount=10000 @100
        2024-01-02 gia buy SHR 100 amount=1000 @10
        2024-09-02 gia sell NRF 100 amount=7000 @70
        2024-09-02 gia sell SHR 100 amount=6000 @60
    """))
    fund = next(d for d in book.uk_disposals if d.symbol == "NRF")
    assert fund.offshore and not fund.is_offshore_income_gain
    (year,) = uk_years(book, UK, "me", 2024)
    assert (year.gains, year.losses, year.offshore_income_gain) == (D(5000), D(3000), D(0))
    assert len(year.reportable) == 2
