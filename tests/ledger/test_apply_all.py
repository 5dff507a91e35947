"""Replayer.apply_all: the same as applying the rows one by one, errors included."""

from datetime import date

import pytest

from lotwise.errors import InputError
from lotwise.ledger.replay import Replayer
from lotwise.testing import generate

from .journal import household, journal


def test_apply_all_gives_the_book_of_one_by_one() -> None:
    hh, txns = generate(1_500, seed=11)
    ordered = sorted(txns, key=lambda t: (t.date, t.seq))
    one_by_one, at_once = Replayer(hh), Replayer(hh)
    for txn in ordered:
        one_by_one.apply(txn)
    at_once.apply_all(ordered)
    assert at_once.finish(None) == one_by_one.finish(None)


def test_the_first_faulty_row_is_reported() -> None:
    rows = journal("""
        2024-01-02 taxable buy X 10 @100
        2024-01-03 taxable sell X 20 @100
        2024-01-04 nope buy X 1 @1
    """)
    with pytest.raises(InputError, match="only 10 held"):
        Replayer(household()).apply_all(rows)
    with pytest.raises(InputError, match="unknown account 'nope'"):
        Replayer(household()).apply_all([rows[0], rows[2]])


def test_rows_out_of_order_are_refused() -> None:
    later, earlier = journal("""
        2024-01-03 taxable buy X 10 @100
        2024-01-02 taxable buy X 10 @100
    """)
    replayer = Replayer(household())
    with pytest.raises(ValueError, match=r"\(date, seq\) order"):
        replayer.apply_all([later, earlier])
    assert replayer.last_date == date(2024, 1, 3)
