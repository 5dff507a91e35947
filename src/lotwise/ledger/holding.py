"""Holding periods under US law.

The holding period starts the day after acquisition and includes the day of sale; an
asset is long-term only when held *more than* one year (IRC §1222(3); IRS Pub 544,
"Holding Period"; Rev. Rul. 66-7).  So shares bought 2024-03-15 are short-term when sold
2025-03-15 and long-term from 2025-03-16.  Shares bought on 29 February have
their anniversary on 28 February of the next year, so shares bought 2024-02-29 are
long-term from 2025-03-01.

Example::

    >>> from datetime import date
    >>> term_on(date(2024, 3, 15), date(2025, 3, 15))
    <Term.SHORT: 'short'>
    >>> term_on(date(2024, 3, 15), date(2025, 3, 16))
    <Term.LONG: 'long'>
    >>> long_term_from(date(2024, 2, 29))
    datetime.date(2025, 3, 1)
"""

from __future__ import annotations

from datetime import date, timedelta

from lotwise.model.lots import Term

_ONE_DAY = timedelta(days=1)


def anniversary(start: date) -> date:
    """The same calendar day one year later; 29 February maps to 28 February."""
    try:
        return start.replace(year=start.year + 1)
    except ValueError:  # 29 February in a leap year
        return date(start.year + 1, 2, 28)


def long_term_from(holding_start: date) -> date:
    """The first sale date on which shares held from ``holding_start`` are long-term."""
    return anniversary(holding_start) + _ONE_DAY


def term_on(holding_start: date, sold: date) -> Term:
    return Term.LONG if sold > anniversary(holding_start) else Term.SHORT


def tacked_start(replacement_acquired: date, sold_holding_start: date, sold: date) -> date:
    """Holding-period start of wash-sale replacement shares.

    IRC §1223(3) and IRS Pub 550 ("Wash Sales"): the holding period of the new shares
    includes the holding period of the shares sold, so the new period is moved back by
    the number of days the old shares were held.
    """
    return replacement_acquired - (sold - sold_holding_start)


def long_term_cutoff(on: date) -> date:
    """The latest holding-period start that is long-term on ``on``.

    :func:`anniversary` never decreases, so a lot is long-term on ``on`` exactly when its
    holding period started on or before this date — one comparison per lot instead of a
    calendar computation.
    """
    day = on.replace(year=on.year - 1, day=28) if (on.month, on.day) == (2, 29) else (
        on.replace(year=on.year - 1))
    while anniversary(day) >= on:
        day -= _ONE_DAY
    while anniversary(day + _ONE_DAY) < on:
        day += _ONE_DAY
    return day
