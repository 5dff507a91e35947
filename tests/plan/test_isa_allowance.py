"""The ISA subscription limit of each tax year, from its data file, and what is left of it."""

from __future__ import annotations

from datetime import date

import pytest

from lotwise.errors import InputError
from lotwise.plan.isa_allowance import check_contributions, isa_allowance, isa_limit

from ..regimes.households import D, household, journal


def test_the_limit_is_20000_from_2017_18_with_its_regulation() -> None:
    limit = isa_limit(2026)
    assert (limit.amount, limit.label) == (D(20000), "2026-27")
    assert "reg. 4ZA(1)" in limit.authority and "SI 2017/186" in limit.authority
    assert isa_limit(2017).amount == D(20000)


def test_a_year_without_a_limit_names_the_file_and_how_to_fix_it() -> None:
    with pytest.raises(InputError) as caught:
        isa_limit(2016)
    message = str(caught.value)
    assert "isa_allowance.toml" in message and "2016-17" in message
    assert "add [years.2016]" in message


def test_subscriptions_are_the_deposits_of_the_tax_year_into_every_isa_of_the_person() -> None:
    hh = household({"olivia": "UK", "james": "UK"},
                   {"isa": ("olivia", "isa"), "isa2": ("olivia", "isa"),
                    "gia": ("olivia", "gia"), "james_isa": ("james", "isa")},
                   spouses=("olivia", "james"))
    txns = journal("""
        2026-04-05 isa deposit amount=5000
        2026-04-06 isa deposit amount=1000
        2026-07-01 isa2 deposit amount=2000
        2026-07-01 isa withdrawal amount=500
        2026-07-01 gia deposit amount=9000
        2026-07-01 james_isa deposit amount=4000
        2026-12-01 isa deposit amount=700
    """)
    allowance = isa_allowance(hh, txns, "olivia", date(2026, 11, 20))
    assert allowance is not None
    # 5 April belongs to 2025-26; a withdrawal gives nothing back; the GIA, James's ISA and
    # a deposit after the plan day do not count.
    assert allowance.accounts == ("isa", "isa2")
    assert (allowance.subscribed, allowance.left) == (D(3000), D(17000))
    assert allowance.describe() == (
        "£20,000 ISA allowance for 2026-27 (ISA Regulations 1998 reg. 4ZA(1), as amended by SI "
        "2017/186 reg. 5) has £17,000.00 left after £3,000.00 subscribed since 2026-04-06")
    over = isa_allowance(hh, [*txns, *journal("2026-08-01 isa deposit amount=30000")], "olivia",
                         date(2026, 11, 20))
    assert over is not None and over.left == 0


def test_no_isa_no_allowance() -> None:
    hh = household({"olivia": "UK"}, {"gia": ("olivia", "gia")})
    assert isa_allowance(hh, [], "olivia", date(2026, 11, 20)) is None


def test_contributions_beyond_the_allowance_left_are_refused_with_the_figures() -> None:
    hh = household({"olivia": "UK"}, {"isa": ("olivia", "isa"), "isa2": ("olivia", "isa"),
                                      "gia": ("olivia", "gia")})
    txns = journal("2026-05-01 isa deposit amount=15000")
    today = date(2026, 11, 20)
    check_contributions(hh, txns, [("isa", D(3000)), ("isa2", D(2000)), ("gia", D(9000))],
                        today)  # £5,000 left: exactly used
    with pytest.raises(InputError) as caught:
        check_contributions(hh, txns, [("isa", D(3000)), ("isa2", D("2000.01"))], today)
    message = str(caught.value)
    assert "contributions of £5,000.01 to olivia's ISA exceed the allowance left" in message
    assert "£5,000.00 left after £15,000.00 subscribed since 2026-04-06" in message
    assert "contribute at most £5,000.00 to the ISA" in message


def test_contributions_in_another_base_currency_are_counted_in_pounds() -> None:
    hh = household({"olivia": "UK"}, {"isa": ("olivia", "isa")})
    # Base currency worth half a pound: 30,000 units are £15,000, within £20,000.
    check_contributions(hh, [], [("isa", D(30000))], date(2026, 11, 20),
                        base_per_pound=D(2))
    with pytest.raises(InputError):
        check_contributions(hh, [], [("isa", D(40002))], date(2026, 11, 20),
                            base_per_pound=D(2))
