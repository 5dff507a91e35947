"""How the replay stores its book: disposals column by column, no garbage left behind."""

import gc
import pickle
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from lotwise.gcpause import collector_paused
from lotwise.ledger import replay
from lotwise.ledger.replay import Replayer
from lotwise.model.lots import Disposal, Term
from lotwise.model.rows import ColumnRows
from lotwise.model.transactions import Price
from lotwise.testing import generate

from ..regimes.households import household as regime_household
from ..regimes.households import journal as regime_journal
from .journal import household, journal

D = Decimal


def price_columns() -> tuple[list[date], list[str], list[Decimal]]:
    days = [date(2026, 1, 2), date(2026, 1, 5), date(2026, 1, 6)]
    return days, ["VTI", "BND", "VXUS"], [D("300"), D("70"), D("65")]


def prices() -> ColumnRows[Price]:
    return ColumnRows(Price, price_columns())


def test_column_rows_behave_as_a_tuple_of_rows() -> None:
    rows = prices()
    expected = (
        Price(date(2026, 1, 2), "VTI", D("300")),
        Price(date(2026, 1, 5), "BND", D("70")),
        Price(date(2026, 1, 6), "VXUS", D("65")),
    )
    assert len(rows) == 3
    assert rows[0] == expected[0]
    assert rows[-1] == expected[-1]
    assert rows[1:] == expected[1:]
    assert list(rows) == list(expected)
    assert list(rows) == list(rows)  # iterable again
    assert rows == expected and expected == rows
    assert rows != expected[:2]
    assert expected[1] in rows
    assert rows.index(expected[2]) == 2
    assert list(reversed(rows)) == list(reversed(expected))
    assert hash(rows) == hash(expected)
    assert repr(rows) == repr(expected)
    assert pickle.loads(pickle.dumps(rows)) == expected
    with pytest.raises(IndexError):
        rows[3]
    with pytest.raises(IndexError):
        rows[-4]


def test_column_rows_read_before_and_after_being_kept_agree() -> None:
    rows = prices()
    single, part = rows[2], rows[:2]
    everything = rows.rows()
    assert rows.rows() is everything  # made once
    assert (rows[2], rows[:2]) == (single, part)


def test_column_rows_are_made_with_the_collector_paused_and_kept_in_the_oldest_generation(
) -> None:
    collecting: list[bool] = []

    def make(day: date, symbol: str, price: Decimal) -> Price:
        collecting.append(gc.isenabled())
        return Price(day, symbol, price)

    rows = ColumnRows(make, price_columns())
    gc.collect()
    made = rows.rows()
    assert collecting == [False, False, False]
    assert gc.isenabled()
    oldest = {id(row) for row in gc.get_objects(generation=2)}
    assert all(id(row) in oldest for row in made)
    assert made == tuple(prices())


def test_column_rows_that_fail_to_be_made_leave_the_collector_running() -> None:
    def make(day: date, symbol: str, price: Decimal) -> Price:
        if symbol == "BND":
            raise ValueError("no BND")
        return Price(day, symbol, price)

    rows = ColumnRows(make, price_columns())
    with pytest.raises(ValueError, match="no BND"):
        rows.rows()
    assert gc.isenabled()
    assert len(rows) == 3 and rows[0] == prices()[0]  # nothing kept, the columns still there


def test_column_rows_need_columns_of_one_length() -> None:
    with pytest.raises(ValueError, match="different lengths"):
        ColumnRows(Price, ([date(2026, 1, 2)], ["VTI", "BND"], [D(1)]))
    assert len(ColumnRows(Price, ())) == 0


def test_book_disposals_are_disposal_rows_in_sale_order() -> None:
    book = replay(household(), journal("""
        2024-01-02 taxable buy X 10 @100 id=B1
        2024-01-03 taxable buy X 10 @120 id=B2
        2025-03-01 taxable sell X 15 @110
        2025-03-04 taxable donate X 5 @130
    """))
    assert isinstance(book.disposals[0], Disposal)
    assert [(d.lot_id, d.quantity, d.gain, d.term, d.kind) for d in book.disposals] == [
        ("B1", D(10), D(100), Term.LONG, "sale"),
        ("B2", D(5), D(-50), Term.LONG, "sale"),
        ("B2", D(5), D(0), Term.LONG, "donation"),
    ]
    assert book == replace(book, disposals=tuple(book.disposals))
    assert book.disposals_in_year(2025) == tuple(book.disposals)


def test_frozen_rows_of_a_live_replayer_match_its_book() -> None:
    hh, txns = generate(600, seed=3)
    replayer = Replayer(hh)
    for txn in sorted(txns, key=lambda t: (t.date, t.seq)):
        replayer.apply(txn)
    frozen = tuple(d.freeze() for d in sorted(replayer.disposals, key=lambda d: (d.sold, d.order)))
    assert replayer.book(None).disposals == frozen
    assert replay(hh, txns).disposals == frozen


def test_replay_leaves_no_cyclic_garbage() -> None:
    hh, txns = generate(2_000, seed=5)
    gc.collect()
    book = replay(hh, txns)
    assert gc.collect() == 0
    assert len(book.disposals) > 0 and len(book.wash_sales) > 0


@pytest.mark.parametrize("residence", ["CA", "UK"])
def test_pooled_replays_leave_no_cyclic_garbage(residence: str) -> None:
    # The replay promotes what it keeps past the collector (lotwise.gcpause), which is
    # right only when the Canadian and UK replayers leave no cycle behind either.
    taxable = {"CA": "non_registered", "UK": "gia"}[residence]
    hh = regime_household({"me": residence, "sp": residence},
                          {"a": ("me", taxable), "b": ("sp", taxable)}, spouses=("me", "sp"))
    txns = regime_journal("""
        2025-01-02 a buy X 100 @10
        2025-02-03 a sell X 50 @8
        2025-02-10 b buy X 10 @8
        2025-03-03 a sell X 50 @12
    """)
    gc.collect()
    book = replay(hh, txns)
    assert gc.collect() == 0
    assert len(book.disposals) == 2


def test_promoted_objects_go_to_the_oldest_generation() -> None:
    with collector_paused(promote=True):
        kept = [[n] for n in range(100)]
    oldest = {id(x) for x in gc.get_objects(generation=2)}
    assert all(id(x) in oldest for x in kept)
    assert gc.isenabled()


def test_nothing_is_promoted_when_the_pause_ends_with_an_error() -> None:
    kept: list[list[int]] = []
    gc.collect()
    with pytest.raises(RuntimeError), collector_paused(promote=True):
        kept.extend([n] for n in range(100))
        raise RuntimeError
    assert gc.isenabled()
    oldest = {id(x) for x in gc.get_objects(generation=2)}
    assert not any(id(x) in oldest for x in kept)


def test_a_book_taken_midway_does_not_change_when_the_replay_goes_on() -> None:
    first, rest = journal("""
        2024-01-02 taxable buy X 10 @100 id=B1
        2024-02-01 taxable sell X 10 @80
    """), journal("""
        2024-02-15 taxable buy X 10 @85 id=B2
    """)
    replayer = Replayer(household())
    for txn in first:
        replayer.apply(txn)
    before = replayer.book(None)
    (loss,) = before.disposals
    for txn in rest:
        replayer.apply(txn)
    after = replayer.finish(None)
    assert before.disposals == (loss,) and loss.adjustment == 0
    assert after.disposals[0].adjustment == D(200)  # washed by the later buy


def test_a_finished_replayer_cannot_be_used_again() -> None:
    replayer = Replayer(household())
    (buy,) = journal("2024-01-02 taxable buy X 10 @100")
    replayer.apply(buy)
    replayer.finish(None)
    with pytest.raises(RuntimeError, match="released"):
        replayer.apply(buy)


def test_a_buy_of_no_shares_opens_no_lot() -> None:
    book = replay(household({"taxable": ("me", "taxable", "hifo")}), journal("""
        2024-01-02 taxable buy X 10 @100
        2024-01-03 taxable buy X 0 @100
        2024-02-01 taxable sell X 4 @120
    """))
    assert [(lot.quantity, lot.basis) for lot in book.lots] == [(D(6), D(600))]
