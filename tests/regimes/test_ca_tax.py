"""Canada: a person's year of capital gains, as Schedule 3 and the T1 lines add it up.

Sources: ITA s.38(a), (b) (one half since 18 October 2000), s.38(a.1) (gifts of listed
shares: 1/4 until 1 May 2006, then zero), s.3(b) (allowable losses only against taxable
gains), s.111(1)(b) (net capital losses carried forward, T1 line 25300), s.111(1.1) (losses
of years at other rates converted); the yearly parameter files under lotwise/data/tax/ca.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from lotwise.errors import InputError
from lotwise.ledger import replay
from lotwise.regimes.ca import available_years, ca_profile, ca_years, load_ca_year

from .households import D, household, journal

HH = household({"claire": "CA"}, {"cash": ("claire", "non_registered")},
               securities={"XIC": None, "VFV": None})


def test_the_inclusion_rate_is_one_half_in_every_year_lotwise_has() -> None:
    # Budget 2024's two-thirds rate was deferred and then cancelled: never law.  2001 is the
    # first year wholly after 17 October 2000, when the rate became one half.
    assert set(available_years()) == set(range(2001, 2027))
    for year in available_years():
        params = load_ca_year(year)
        assert params.inclusion_rate == D("0.5")
        assert "s.38(a)" in params.authority
        if year >= 2007:  # s.38(a.1): zero for gifts made after 1 May 2006
            assert params.donation_rate_on(date(year, 1, 1)) == 0
    with pytest.raises(InputError, match="no Canadian tax parameters for 1999"):
        load_ca_year(1999)


def test_gifts_of_listed_shares_were_taxed_at_one_quarter_until_1_may_2006() -> None:
    # s.38(a.1) before Budget 2006: half the 1/2 inclusion rate; zero for gifts after
    # 1 May 2006 (Budget Implementation Act, 2006, S.C. 2006, c. 4).
    assert load_ca_year(2003).donation_rate_on(date(2003, 6, 1)) == D("0.25")
    y2006 = load_ca_year(2006)
    assert y2006.donation_rate_on(date(2006, 5, 1)) == D("0.25")
    assert y2006.donation_rate_on(date(2006, 5, 2)) == 0
    # Gifts of $1,000 of gain on 1 March and 1 June 2006: $250 taxable, then nothing.
    book = replay(HH, journal("""
        2005-01-03 cash buy XIC 100 @20
        2005-01-03 cash buy VFV 100 @20
        2006-03-01 cash donate XIC 100 @30
        2006-06-01 cash donate VFV 100 @30
    """))
    (year,) = ca_years(book, HH, "claire", 2006)
    assert (year.exempt_gain, year.gift_taxable_gain) == (D(2000), D(250))
    assert year.net_gain == 0 and year.taxable_capital_gain == D(250)


def test_a_loss_of_a_year_before_the_one_asked_is_carried_into_it() -> None:
    # 2019: a $1,000 loss, $500 allowable, carried forward at 1/2 (every year from 2001 has
    # the rate of 2025, so no s.111(1.1) conversion); 2025: a $600 gain, $300 taxable, all
    # absorbed; $200 left.
    book = replay(HH, journal("""
        2019-01-03 cash buy XIC 100 @30
        2019-06-03 cash sell XIC 100 @20
        2025-01-03 cash buy VFV 100 @30
        2025-06-02 cash sell VFV 100 @36
    """))
    years = ca_years(book, HH, "claire", 2025)
    assert [y.year for y in years] == list(range(2019, 2026))
    assert years[0].carry_out == D(500) and years[-1].carry_in == D(500)
    assert (years[-1].applied, years[-1].carry_out) == (D(300), D(200))


def test_a_disposition_before_2001_is_an_error_saying_what_to_state() -> None:
    book = replay(HH, journal("""
        1999-01-04 cash buy XIC 100 @30 id=B1
        1999-06-01 cash sell XIC 50 @20 id=S1
        2025-06-02 cash sell XIC 50 @36 id=S2
    """))
    with pytest.raises(InputError) as caught:
        ca_years(book, HH, "claire", 2025)
    (problem,) = caught.value.problems
    assert problem.field == "tax.ca.claire.years.2001.net_capital_losses"
    text = str(problem)
    assert "XIC on 1999-06-01 (transaction S1)" in text
    assert "no Canadian tax parameters for 1999" in text and "s.111(1.1)" in text
    assert "net_capital_losses in [tax.ca.claire.years.2001]" in text
    # the fix goes in the household file the household was read from
    named = replace(HH, source="gagnon.toml")
    with pytest.raises(InputError) as caught:
        ca_years(book, named, "claire", 2025)
    assert str(caught.value.problems[0].source) == "gagnon.toml"
    # With no disposition before 2001, a year asked for before it is simply not there.
    with pytest.raises(InputError, match="choose a year from 2001 to 2026"):
        ca_years(replay(HH, []), HH, "claire", 1999)


def test_net_capital_losses_stated_for_a_year_start_the_years_there() -> None:
    # The 1999 loss is behind the $400 stated for 2001; the 2025 gain of $600 is $300
    # taxable, absorbed by the $400: $100 left.
    hh = replace(HH, tax={"ca": {"claire": {"years": {"2001": {"net_capital_losses": 400}}}}})
    book = replay(hh, journal("""
        1999-01-04 cash buy XIC 100 @30
        1999-06-01 cash sell XIC 50 @20
        2025-06-02 cash sell XIC 50 @42
    """))
    years = ca_years(book, hh, "claire", 2025)
    assert years[0].year == 2001 and years[0].carry_in == D(400)
    assert (years[-1].taxable_capital_gain, years[-1].carry_out) == (D(300), D(100))
    with pytest.raises(InputError, match="starts claire's capital gains at 2001"):
        ca_years(book, hh, "claire", 2000)


def test_worked_example_of_the_module_docstring() -> None:
    # Claire sells 100 XIC for $3,400 with a $9.99 commission; ACB $2,800: gain $590.01,
    # taxable $295.005; $200 of net capital losses carried in leave $95.005 taxable.
    hh = replace(HH, tax={"ca": {"claire": {"net_capital_losses": 200,
                                            "marginal_rate": 0.4341}}})
    book = replay(hh, journal("""
        2024-02-01 cash buy XIC 100 @28
        2025-06-02 cash sell XIC 100 @34 fees=9.99
    """))
    year = ca_years(book, hh, "claire", 2025)[-1]
    assert year.net_gain == D("590.01") and year.taxable_capital_gain == D("295.005")
    assert (year.carry_in, year.applied) == (D(200), D(200))
    assert year.taxable_after_losses == D("95.005")
    assert year.estimated_tax == D("95.005") * D("0.4341")


def test_a_net_loss_is_carried_forward_at_half_and_used_against_later_gains() -> None:
    book = replay(HH, journal("""
        2024-01-02 cash buy XIC 100 @30
        2024-01-02 cash buy VFV 100 @30
        2024-06-03 cash sell XIC 100 @20
        2025-06-02 cash sell VFV 100 @36
    """))
    y2024, y2025 = ca_years(book, HH, "claire", 2025)
    assert y2024.net_gain == D(-1000) and y2024.allowable_capital_loss == D(500)
    assert y2024.taxable_capital_gain == 0 and y2024.carry_out == D(500)
    assert y2025.taxable_capital_gain == D(300) and y2025.applied == D(300)
    assert y2025.carry_out == D(200)


def test_superficial_losses_are_nil_and_gifts_of_listed_shares_not_taxed() -> None:
    book = replay(HH, journal("""
        2024-01-02 cash buy XIC 100 @30
        2024-01-02 cash buy VFV 100 @30
        2025-04-09 cash sell XIC 100 @25
        2025-04-20 cash buy XIC 100 @24
        2025-12-10 cash donate VFV 50 @40
    """))
    (year,) = ca_years(book, HH, "claire", 2025)
    assert year.denied == D(500) and year.net_gain == 0
    assert year.exempt_gain == D(500) and year.taxable_capital_gain == 0


def test_the_profile_is_checked() -> None:
    hh = replace(HH, tax={"ca": {"claire": {"marginal_rate": 1.5, "net_capital_loss": 1}}})
    with pytest.raises(InputError) as caught:
        ca_profile(hh, "claire")
    fields = sorted(p.field or "" for p in caught.value.problems)
    assert fields == ["tax.ca.claire.marginal_rate", "tax.ca.claire.net_capital_loss"]
    yearly = replace(HH, tax={"ca": {"claire": {"marginal_rate": 0.3,
                                                "years": {"2026": {"marginal_rate": 0.4}}}}})
    profile = ca_profile(yearly, "claire")
    assert profile.rate_for(2025) == D("0.3") and profile.rate_for(2026) == D("0.4")


def test_the_net_capital_losses_carried_in_are_stated_once() -> None:
    twice = replace(HH, tax={"ca": {"claire": {
        "net_capital_losses": 100, "years": {"2019": {"net_capital_losses": 50}}}}})
    with pytest.raises(InputError, match="stated 2 times") as caught:
        ca_profile(twice, "claire")
    assert caught.value.problems[0].field == "tax.ca.claire.years.2019.net_capital_losses"
    bad = replace(HH, tax={"ca": {"claire": {"years": {"next": {"marginal_rate": 0.3},
                                                        "2019": {"income": 1}}}}})
    with pytest.raises(InputError) as caught:
        ca_profile(bad, "claire")
    assert sorted(p.field or "" for p in caught.value.problems) == [
        "tax.ca.claire.years.2019", "tax.ca.claire.years.next"]
    profile = ca_profile(replace(HH, tax={"ca": {"claire": {
        "years": {"2019": {"net_capital_losses": 50}}}}}), "claire")
    assert profile.start == (2019, D(50)) and profile.net_capital_losses == 0


def test_the_year_adds_the_lines_rounded_to_the_cent() -> None:
    # Three sales of 1 XIC bought at $10.005 with no fees: each line's ACB is $10.01 (half
    # up), proceeds $12.00, gain $1.99; the year adds $5.97, not 3 x $1.995 = $5.985.
    book = replay(HH, journal("""
        2025-01-03 cash buy XIC 3 @10.005
        2025-06-02 cash sell XIC 1 @12
        2025-06-03 cash sell XIC 1 @12
        2025-06-04 cash sell XIC 1 @12
    """))
    (year,) = ca_years(book, HH, "claire", 2025)
    assert (year.proceeds, year.acb, year.net_gain) == (D("36.00"), D("30.03"), D("5.97"))
    assert year.taxable_capital_gain == D("2.985")
