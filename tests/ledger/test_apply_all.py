"""Replayer.apply_all: the same as applying the rows one by one, errors included.

A fresh replayer applies a journal one identical group at a time; the book must still be the
one of journal order, down to the order of its rows and of its cash accounts."""

from datetime import date
from operator import attrgetter

import pytest

from lotwise.errors import InputError
from lotwise.ledger import replay
from lotwise.ledger.replay import Replayer
from lotwise.testing import generate

from .journal import EVERY_ACTION, household, journal

_ACCOUNT = attrgetter("account")


def test_apply_all_gives_the_book_of_one_by_one() -> None:
    hh, txns = generate(1_500, seed=11)
    ordered = sorted(txns, key=lambda t: (t.date, t.seq))
    one_by_one, at_once = Replayer(hh), Replayer(hh)
    for txn in ordered:
        one_by_one.apply(txn)
    at_once.apply_all(ordered)
    assert at_once.by_group and not one_by_one.by_group
    grouped, in_order = at_once.finish(None), one_by_one.finish(None)
    assert grouped == in_order
    assert list(grouped.cash.items()) == list(in_order.cash.items())
    assert len(grouped.wash_sales) > 50 and len(set(map(_ACCOUNT, grouped.disposals))) > 3


def test_a_replayer_goes_on_one_row_at_a_time_after_a_whole_journal() -> None:
    hh, txns = generate(1_500, seed=12)
    ordered = sorted(txns, key=lambda t: (t.date, t.seq))
    cut = len(ordered) * 3 // 4
    one_by_one, at_once = Replayer(hh), Replayer(hh)
    for txn in ordered:
        one_by_one.apply(txn)
    at_once.apply_all(ordered[:cut])
    middle = at_once.book(None)
    for txn in ordered[cut:]:
        at_once.apply(txn)
    assert at_once.finish(None) == one_by_one.finish(None)
    assert middle == replay(hh, ordered[:cut])


def test_the_first_faulty_row_is_reported_when_its_group_comes_later() -> None:
    # Group X is met first, so its bad row (the later one) is found first; the replay then
    # starts again in journal order and reports the earlier one, in group M.
    rows = journal("""
        2024-01-02 taxable buy X 10 @100
        2024-01-03 taxable buy M 10 @100
        2024-01-04 taxable sell M 20 @100
        2024-01-05 taxable sell X 30 @100
    """)
    with pytest.raises(InputError, match="sell of 20 M") as raised:
        Replayer(household()).apply_all(rows)
    assert "sell of 30 X" not in str(raised.value)


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


def test_rows_of_every_action_give_the_book_of_one_by_one() -> None:
    rows = journal(EVERY_ACTION)
    hh = household({"taxable": ("me", "taxable", "fifo"), "other": ("spouse", "taxable", "fifo")})
    one_by_one, at_once = Replayer(hh), Replayer(hh)
    for txn in rows:
        one_by_one.apply(txn)
    at_once.apply_all(rows)
    grouped, in_order = at_once.finish(None), one_by_one.finish(None)
    assert at_once.by_group and grouped == in_order
    assert list(grouped.cash.items()) == list(in_order.cash.items())
    assert [e.action for e in grouped.cash_events] == [
        "deposit", "deposit", "dividend", "dividend", "reinvest", "interest",
        "return_of_capital", "withdrawal", "fee"]
    # The loss of 2025-01-04 is washed by the reinvested share, then by the buy of 01-15.
    assert [w.replacement_acquired.day for w in grouped.wash_sales] == [6, 15]


def test_rows_out_of_order_in_different_groups_are_refused() -> None:
    rows = journal("""
        2024-01-03 taxable buy X 10 @100
        2024-01-02 taxable buy M 10 @100
    """)
    with pytest.raises(ValueError, match=r"\(date, seq\) order"):
        Replayer(household()).apply_all(rows)


def test_rows_out_of_order_are_refused() -> None:
    later, earlier = journal("""
        2024-01-03 taxable buy X 10 @100
        2024-01-02 taxable buy X 10 @100
    """)
    replayer = Replayer(household())
    with pytest.raises(ValueError, match=r"\(date, seq\) order"):
        replayer.apply_all([later, earlier])
    assert replayer.last_date == date(2024, 1, 3)
