"""Canada: a person's year of capital gains, as Schedule 3 and the T1 lines add it up.

Sources: ITA s.38(a), (b) (one half), s.38(a.1) (gifts of listed shares), s.3(b) (allowable
losses only against taxable gains), s.111(1)(b) (net capital losses carried forward, T1
line 25300); the yearly parameter files under lotwise/data/tax/ca.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from lotwise.errors import InputError
from lotwise.ledger import replay
from lotwise.regimes.ca import available_years, ca_profile, ca_years, load_ca_year

from .households import D, household, journal

HH = household({"claire": "CA"}, {"cash": ("claire", "non_registered")},
               securities={"XIC": None, "VFV": None})


def test_the_inclusion_rate_is_one_half_in_every_year_lotwise_has() -> None:
    # Budget 2024's two-thirds rate was deferred and then cancelled: never law.
    assert set(available_years()) >= {2024, 2025, 2026}
    for year in available_years():
        params = load_ca_year(year)
        assert params.inclusion_rate == D("0.5") and params.donation_inclusion_rate == 0
        assert "s.38(a)" in params.authority
    with pytest.raises(InputError, match="no Canadian tax parameters for 1999"):
        load_ca_year(1999)


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
