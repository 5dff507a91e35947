"""United Kingdom: a person's capital gains tax for a tax year (6 April to 5 April).

Sources: TCGA 1992 s.1K and Finance Act 2023 s.8 (annual exempt amount £12,300, £6,000,
£3,000); s.1H(3) and Finance Act 2025 s.7 (10 %/20 %, then 18 %/24 % for disposals on or
after 30 October 2024); s.2(2) (the year's losses in full), s.3(5A)-(5C) and HMRC CG18030
(losses brought forward only down to the exempt amount); s.4B (losses and the exempt
amount set where most beneficial); ITA 2007 s.10(5), Finance Act 2021 s.5 (basic rate
limit £37,700).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from lotwise.errors import InputError
from lotwise.ledger import replay
from lotwise.regimes.uk import (
    annual_exempt_amount,
    load_uk_year,
    tax_years,
    uk_profile,
    uk_years,
)

from .households import D, household, journal

HH = household({"olivia": "UK"}, {"gia": ("olivia", "gia")},
               securities={"A": None, "B": None, "C": None})


def with_profile(**table: object):  # type: ignore[no-untyped-def]
    return replace(HH, tax={"uk": {"olivia": table}})


@pytest.mark.parametrize(
    ("year", "exempt", "rates", "act"),
    [
        (2022, 12300, [("0.10", "0.20")], "Finance Act 2021 s.40"),
        (2023, 6000, [("0.10", "0.20")], "Finance Act 2023 s.8(2)"),
        (2024, 3000, [("0.10", "0.20"), ("0.18", "0.24")], "Finance Act 2023 s.8(4)"),
        (2025, 3000, [("0.18", "0.24")], "Finance Act 2023 s.8(4)"),
    ],
)
def test_exempt_amount_and_rates_by_tax_year(year, exempt, rates, act) -> None:  # type: ignore[no-untyped-def]
    params = load_uk_year(year)
    assert params.annual_exempt_amount == exempt and params.basic_rate_band == 37700
    assert [(p.lower, p.higher) for p in params.periods] == [(D(a), D(b)) for a, b in rates]
    assert params.periods[0].start == date(year, 4, 6)
    if year == 2024:
        assert params.periods[1].start == date(2024, 10, 30)
        assert "Finance Act 2025 s.7" in params.periods[1].authority
    text = (Path_of(year)).read_text(encoding="utf-8")
    assert act in text


def Path_of(year: int):  # type: ignore[no-untyped-def]
    from importlib import resources

    return resources.files("lotwise").joinpath("data", "tax", "uk", f"{year}.toml")


@pytest.mark.parametrize(
    ("year", "exempt", "authority"),
    [
        (2008, 9600, "SI 2008/708"),
        (2009, 10100, "SI 2009/824"),
        (2010, 10100, "SI 2011/899"),
        (2011, 10600, "SI 2011/899"),
        (2012, 10600, "Finance Act 2012 s.34"),
        (2013, 10900, "SI 2013/662"),
        (2014, 11000, "Finance Act 2014 s.8"),
        (2015, 11100, "Finance Act 2014 s.9"),
        (2016, 11100, "Finance Act 2014 s.9(1)"),
        (2017, 11300, "SI 2017/377"),
        (2018, 11700, "SI 2018/244"),
        (2019, 12000, "Order 2019"),
        (2020, 12300, "SI 2020/333"),
        (2021, 12300, "Finance Act 2021 s.40"),
    ],
)
def test_exempt_amounts_of_the_years_lotwise_carries_losses_through(  # type: ignore[no-untyped-def]
    year, exempt, authority
) -> None:
    # Only the exempt amount: all the law needs to carry losses through the year (losses
    # brought forward are used only down to it, TCGA s.2(2), s.3; CG18030).
    assert annual_exempt_amount(year) == exempt
    assert year not in tax_years()
    assert authority in Path_of(year).read_text(encoding="utf-8")
    with pytest.raises(InputError, match="computes UK capital gains tax from 2022-23"):
        load_uk_year(year)


def test_worked_example_2024_25_deductions_go_where_the_rate_is_highest() -> None:
    # Band used up by income; gains £5,000 (1 July) and £8,000 (1 December 2024), a £2,000
    # loss (1 February 2025): £11,000 net, £8,000 taxable after the £3,000 exempt amount.
    # s.4B: deductions against the 24 % gains: £5,000 x 20 % + £3,000 x 24 % = £1,720.
    hh = with_profile(taxable_income=45000)
    book = replay(hh, journal("""
        2024-01-02 gia buy A 100 @100
        2024-01-02 gia buy B 100 @100
        2024-01-02 gia buy C 100 @100
        2024-07-01 gia sell A 100 @150
        2024-12-02 gia sell B 100 @180
        2025-02-03 gia sell C 100 @80
    """))
    year = uk_years(book, hh, "olivia", 2024)[-1]
    assert (year.gains, year.losses, year.taxable_gains) == (D(13000), D(2000), D(8000))
    assert [(s.rate, s.amount) for s in year.slices] == [(D("0.20"), D(5000)),
                                                         (D("0.24"), D(3000))]
    assert year.tax == D(1720)


def test_2024_25_the_basic_rate_band_and_the_exempt_amount_both_used_where_they_save_most() -> (
    None
):
    # Band left £7,700 (income £30,000); gains £5,000 before and £8,000 after 30 October.
    # Least tax: the exempt amount against the later gains, the band first against the
    # earlier: £5,000 x 10 % + £2,700 x 18 % + £2,300 x 24 % = £1,538.
    hh = with_profile(taxable_income=30000)
    book = replay(hh, journal("""
        2024-01-02 gia buy A 100 @100
        2024-01-02 gia buy B 100 @100
        2024-07-01 gia sell A 100 @150
        2024-12-02 gia sell B 100 @180
    """))
    year = uk_years(book, hh, "olivia", 2024)[-1]
    assert year.taxable_gains == D(10000) and year.tax == D(1538)


def test_losses_brought_forward_only_down_to_the_exempt_amount() -> None:
    # s.3(5A)-(5C), CG18030: £10,000 of net gains, £9,000 brought forward: £7,000 used, the
    # £3,000 exempt amount covers the rest, £2,000 carried on.
    hh = with_profile(losses_brought_forward=9000, taxable_income=60000)
    book = replay(hh, journal("""
        2025-05-01 gia buy A 100 @100
        2025-09-01 gia sell A 100 @200
    """))
    year = uk_years(book, hh, "olivia", 2025)[-1]
    assert (year.losses_used, year.exempt_used, year.taxable_gains) == (D(7000), D(3000), 0)
    assert year.losses_carried_forward == D(2000) and year.tax == 0


def test_the_years_own_losses_count_in_full_even_below_the_exempt_amount() -> None:
    # s.2(2)(a): £4,000 of gains and £3,000 of losses: £1,000 net, under the exempt amount;
    # losses brought forward are left untouched.
    hh = with_profile(losses_brought_forward=500)
    book = replay(hh, journal("""
        2025-05-01 gia buy A 100 @100
        2025-05-01 gia buy B 100 @100
        2025-09-01 gia sell A 100 @140
        2025-09-02 gia sell B 100 @70
    """))
    year = uk_years(book, hh, "olivia", 2025)[-1]
    assert year.net_gains == D(1000) and year.losses_used == 0
    assert year.exempt_used == D(1000) and year.losses_carried_forward == D(500)


def test_a_net_loss_is_carried_forward() -> None:
    hh = with_profile(losses_brought_forward=500)
    book = replay(hh, journal("""
        2025-05-01 gia buy A 100 @100
        2025-09-01 gia sell A 100 @80
    """))
    y2025, y2026 = uk_years(book, hh, "olivia", 2026)
    assert y2025.losses_carried_forward == D(2500)
    assert y2026.losses_brought_forward == D(2500)


def test_the_basic_rate_band_left_by_income_is_charged_at_the_lower_rate() -> None:
    hh = with_profile(taxable_income=30000)
    book = replay(hh, journal("""
        2025-05-01 gia buy A 100 @100
        2025-09-01 gia sell A 100 @230
    """))
    year = uk_years(book, hh, "olivia", 2025)[-1]
    assert year.taxable_gains == D(10000)
    assert [(s.rate, s.amount) for s in year.slices] == [(D("0.18"), D(7700)),
                                                         (D("0.24"), D(2300))]
    without_income = uk_years(book, HH, "olivia", 2025)[-1]
    assert [(s.rate, s.amount) for s in without_income.slices] == [(D("0.24"), D(10000))]


def test_a_disposal_on_5_april_and_one_on_6_april_fall_in_different_years() -> None:
    book = replay(HH, journal("""
        2024-05-01 gia buy A 100 @100
        2025-04-05 gia sell A 50 @110
        2025-04-06 gia sell A 50 @110
    """))
    y2024, y2025 = uk_years(book, HH, "olivia", 2025)
    assert (len(y2024.disposals), len(y2025.disposals)) == (1, 1)
    assert y2024.label == "2024-25" and y2025.label == "2025-26"


def test_the_profile_is_checked() -> None:
    with pytest.raises(InputError) as caught:
        uk_profile(with_profile(taxable_income=-1, loses=2), "olivia")
    assert sorted(p.field or "" for p in caught.value.problems) == [
        "tax.uk.olivia.loses", "tax.uk.olivia.taxable_income"]
    profile = uk_profile(with_profile(taxable_income=1, years={"2025": {"taxable_income": 2}}),
                         "olivia")
    assert (profile.income_for(2024), profile.income_for(2025)) == (D(1), D(2))
    twice = with_profile(losses_brought_forward=1,
                         years={"2019": {"losses_brought_forward": 2}})
    with pytest.raises(InputError, match="stated 2 times") as caught:
        uk_profile(twice, "olivia")
    assert caught.value.problems[0].field == "tax.uk.olivia.years.2019.losses_brought_forward"
    start = uk_profile(with_profile(years={"2019": {"losses_brought_forward": 2}}), "olivia")
    assert start.start == (2019, D(2)) and start.losses_brought_forward == 0
    with pytest.raises(InputError) as caught:
        uk_profile(with_profile(years={"2025-26": {"taxable_income": 2}}), "olivia")
    (problem,) = caught.value.problems
    assert (problem.field, problem.message) == ("tax.uk.olivia.years.2025-26",
                                                "'2025-26' is not a tax year")
    assert problem.fix.endswith("[tax.uk.olivia.years.2025] for 2025-26")


def test_a_loss_of_a_tax_year_before_the_one_asked_is_carried_into_it() -> None:
    # 2019-20: a £2,000 loss, carried forward (s.2(2)(b)).  2020-21: gains of £14,000, the
    # exempt amount £12,300: £1,700 of the loss used (down to the exempt amount, s.3(5A)),
    # £300 carried.  2025-26: £5,000 of gains, the £3,000 exempt amount, £300 used.
    book = replay(HH, journal("""
        2019-05-01 gia buy A 100 @100
        2019-05-01 gia buy B 100 @100
        2019-05-01 gia buy C 100 @100
        2019-09-02 gia sell A 100 @80
        2020-09-01 gia sell B 100 @240
        2025-09-01 gia sell C 100 @150
    """))
    year = uk_years(book, HH, "olivia", 2025)[-1]
    assert year.losses_brought_forward == D(300)
    assert (year.losses_used, year.taxable_gains, year.losses_carried_forward) == (
        D(300), D(1700), D(0))
    assert [y.tax_year for y in uk_years(book, HH, "olivia", 2025)] == [2022, 2023, 2024, 2025]


def test_the_tax_of_a_year_with_only_an_exempt_amount_is_an_error() -> None:
    book = replay(HH, journal("""
        2019-05-01 gia buy A 100 @100
        2019-09-02 gia sell A 100 @80
    """))
    with pytest.raises(InputError) as caught:
        uk_years(book, HH, "olivia", 2019)
    (problem,) = caught.value.problems
    assert problem.field == "rates"
    assert "for 2019-20 it has only the annual exempt amount (£12,000)" in str(problem)
    assert "--year 2022" in str(problem)


def test_a_disposal_before_2008_09_is_an_error_saying_what_to_state() -> None:
    book = replay(HH, journal("""
        2006-05-01 gia buy A 100 @100
        2007-03-01 gia sell A 50 @80
        2025-09-01 gia sell A 50 @150
    """))
    with pytest.raises(InputError) as caught:
        uk_years(book, HH, "olivia", 2025)
    (problem,) = caught.value.problems
    assert problem.field == "tax.uk.olivia.years.2008.losses_brought_forward"
    text = str(problem)
    assert "A on 2007-03-01 (tax year 2006-07)" in text and "taper relief" in text
    assert "losses_brought_forward in [tax.uk.olivia.years.2008]" in text
    # the fix goes in the household file the household was read from
    with pytest.raises(InputError) as caught:
        uk_years(book, replace(HH, source="patel.toml"), "olivia", 2025)
    assert str(caught.value.problems[0].source) == "patel.toml"
    with pytest.raises(InputError, match="choose a tax year from 2008-09"):
        uk_years(replay(HH, []), HH, "olivia", 2005)
    # Stated: the years start at 2008-09 with it, the 2006-07 disposal behind the figure.
    hh = with_profile(years={"2008": {"losses_brought_forward": 1000}}, taxable_income=60000)
    year = uk_years(book, hh, "olivia", 2025)[-1]
    assert (year.gains, year.losses_brought_forward) == (D(2500), D(1000))
    assert year.losses_carried_forward == D(1000)  # £2,500 is under the exempt amount
    with pytest.raises(InputError, match="starts olivia's capital gains at 2008-09"):
        uk_years(book, hh, "olivia", 2007)


def test_the_year_adds_the_disposals_rounded_to_the_penny() -> None:
    # Three disposals of 1 A bought at £10.005: each one's allowable cost is £10.01 (half
    # up), its gain £1.99; the year adds £5.97, not 3 x £1.995 = £5.985.
    book = replay(HH, journal("""
        2025-05-01 gia buy A 3 @10.005
        2025-06-02 gia sell A 1 @12
        2025-06-03 gia sell A 1 @12
        2025-06-04 gia sell A 1 @12
    """))
    year = uk_years(book, HH, "olivia", 2025)[-1]
    assert (year.proceeds, year.allowable_costs, year.gains) == (D(36), D("30.03"), D("5.97"))
