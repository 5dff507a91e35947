"""Holding period: long-term only when held more than one year (IRC §1222; Pub 544)."""

from datetime import date

from lotwise.ledger.holding import long_term_from, tacked_start, term_on
from lotwise.model import Term


def test_sold_on_the_anniversary_is_short_term() -> None:
    assert term_on(date(2024, 3, 15), date(2025, 3, 15)) is Term.SHORT


def test_sold_the_day_after_the_anniversary_is_long_term() -> None:
    assert term_on(date(2024, 3, 15), date(2025, 3, 16)) is Term.LONG


def test_leap_day_purchase_turns_long_term_on_march_first() -> None:
    assert long_term_from(date(2024, 2, 29)) == date(2025, 3, 1)
    assert term_on(date(2024, 2, 29), date(2025, 2, 28)) is Term.SHORT
    assert term_on(date(2024, 2, 29), date(2025, 3, 1)) is Term.LONG


def test_year_spanning_a_leap_day_still_uses_the_calendar_anniversary() -> None:
    # 2023-03-01 .. 2024-03-01 spans 29 Feb 2024: 366 days, still only "one year".
    assert term_on(date(2023, 3, 1), date(2024, 3, 1)) is Term.SHORT
    assert term_on(date(2023, 3, 1), date(2024, 3, 2)) is Term.LONG


def test_tacked_holding_period_adds_the_days_the_old_shares_were_held() -> None:
    # Old shares held 100 days; replacement bought 2025-06-01 starts 100 days earlier.
    start = tacked_start(date(2025, 6, 1), date(2025, 1, 1), date(2025, 4, 11))
    assert (date(2025, 6, 1) - start).days == 100


def test_long_term_cutoff_agrees_with_term_on_every_day_of_a_leap_cycle() -> None:
    from datetime import timedelta

    from lotwise.ledger.holding import long_term_cutoff

    for offset in range(0, 1500, 1):
        on = date(2023, 1, 1) + timedelta(days=offset)
        cutoff = long_term_cutoff(on)
        assert term_on(cutoff, on) is Term.LONG
        assert term_on(cutoff + timedelta(days=1), on) is Term.SHORT
