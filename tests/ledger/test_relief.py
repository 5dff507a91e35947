"""Lot relief methods (Pub 550 "Identifying the stock sold"; Reg. §1.1012-1(c), (e))."""

from datetime import date
from decimal import Decimal

import pytest

from lotwise.errors import InputError
from lotwise.ledger import relief, replay
from lotwise.model import Term

from .journal import household, journal

D = Decimal

THREE_LOTS = """
    2022-01-10 taxable buy X 10 @100 id=A
    2023-01-10 taxable buy X 10 @300 id=B
    2024-06-10 taxable buy X 10 @200 id=C
"""


def sold_lots(
    method: str, qty: int = 15, price: int = 250, extra: str = ""
) -> list[tuple[str, Decimal]]:
    hh = household({"taxable": ("me", "taxable", method)})
    book = replay(hh, journal(THREE_LOTS + f"2024-09-02 taxable sell X {qty} @{price} {extra}"))
    return [(d.lot_id, d.quantity) for d in book.disposals]


def test_fifo_relieves_the_oldest_lots_first() -> None:
    assert sold_lots("fifo") == [("A", D(10)), ("B", D(5))]


def test_lifo_relieves_the_newest_lots_first() -> None:
    assert sold_lots("lifo") == [("C", D(10)), ("B", D(5))]


def test_hifo_relieves_the_highest_basis_per_share_first() -> None:
    assert sold_lots("hifo") == [("B", D(10)), ("C", D(5))]


def test_min_tax_takes_losses_then_small_long_term_gains_and_short_term_gains_last() -> None:
    # At $250: B is a long-term loss, C a short-term gain of 50, A a long-term gain of 150.
    assert sold_lots("min_tax", qty=25) == [("B", D(10)), ("A", D(10)), ("C", D(5))]


def test_min_tax_takes_short_term_losses_before_long_term_losses() -> None:
    # At $150: C (bought $200, short-term) and B (bought $300, long-term) are both losses.
    assert sold_lots("min_tax", qty=12, price=150) == [("C", D(10)), ("B", D(2))]


def test_specific_identification_relieves_the_named_lots() -> None:
    assert sold_lots("fifo", extra="lot=C:5;A") == [("C", D(5)), ("A", D(10))]


def test_specific_method_without_named_lots_falls_back_to_fifo() -> None:
    # Reg. §1.1012-1(c)(1): shares not adequately identified are the first acquired.
    assert sold_lots("specific") == [("A", D(10)), ("B", D(5))]


def test_per_sell_method_overrides_the_account_default() -> None:
    assert sold_lots("fifo", extra="method=hifo") == [("B", D(10)), ("C", D(5))]


def test_unknown_lot_id_names_the_row_and_field() -> None:
    with pytest.raises(InputError) as err:
        sold_lots("fifo", extra="lot=NOPE")
    (problem,) = err.value.problems
    assert problem.field == "lot" and problem.source.row == 4
    assert "NOPE" in problem.message


def test_named_lots_that_do_not_cover_the_sale_are_an_error() -> None:
    with pytest.raises(InputError, match="add up to the quantity"):
        sold_lots("fifo", extra="lot=A:5")
    with pytest.raises(InputError, match="the named lots give 6 shares but the sell is for 15"):
        sold_lots("fifo", extra="lot=A:5;B:1")


def test_one_named_lot_is_relieved_by_itself_or_with_others_alike() -> None:
    # One named lot takes a shorter path than several; both give the same rows and errors.
    assert sold_lots("fifo", qty=10, extra="lot=B") == [("B", D(10))]
    assert sold_lots("fifo", qty=4, extra="lot=C:4") == [("C", D(4))]
    assert sold_lots("fifo", qty=5, extra="lot=C:4;C:1") == [("C", D(4)), ("C", D(1))]
    for extra in ("lot=A:11", "lot=B:1;A:11"):
        with pytest.raises(InputError, match="lot 'A' holds 10 shares but 11 were asked of it"):
            sold_lots("fifo", qty=11 if extra == "lot=A:11" else 12, extra=extra)
    for extra in ("lot=NOPE", "lot=A:1;NOPE"):
        with pytest.raises(InputError, match="lot 'NOPE' is not an open lot"):
            sold_lots("fifo", extra=extra)


def test_pub_564_average_basis_single_category_table_3() -> None:
    # Pub 564 (2009) Table 3: $4,000 at $25 (160 sh) on 2/6/08, $4,800 at $20 (240 sh) on
    # 8/7/08, a $300 dividend reinvested at $30 (10 sh) on 12/18/08; 210 sh sold 10/1/09 for
    # $6,720.  FIFO basis is $5,000; average basis uses all 410 shares costing $9,100.
    hh = household({"fund": ("me", "taxable", "average")})
    text = """
        2008-02-06 fund buy X 160 @25
        2008-08-07 fund buy X 240 @20
        2008-12-18 fund reinvest X 10 @30 amount=300
        2009-10-01 fund sell X 210 @32
    """
    book = replay(hh, journal(text))
    basis = sum(d.basis for d in book.disposals)
    assert basis == D(9100) * 210 / 410
    # Pub 564 rounds the average to $22.20 a share, giving $4,662.
    assert (D(9100) / 410).quantize(D("0.01")) * 210 == D(4662)
    # Holding period: the shares sold are the first acquired (Reg. §1.1012-1(e)(7)):
    # the 160 of 2/6/08 and 50 of 8/7/08, both held over a year.
    terms = [(d.lot_id, d.quantity, d.term) for d in book.disposals]
    assert terms == [("t0", D(160), Term.LONG), ("t1", D(50), Term.LONG)]
    fifo_book = replay(household({"fund": ("me", "taxable", "fifo")}), journal(text))
    assert sum(d.basis for d in fifo_book.disposals) == D(5000)


def test_pub_564_average_basis_remaining_shares_example() -> None:
    # Pub 564: 300 shares with a total basis of $4,800 ($1,000 + $1,200 + $2,600); 150 sold:
    # basis $2,400 ($16 a share), and the 150 left keep $16 a share.
    hh = household({"fund": ("me", "taxable", "average")})
    book = replay(hh, journal("""
        2008-01-02 fund buy X 100 @10
        2008-03-03 fund buy X 100 @12
        2008-05-01 fund buy X 100 @26
        2009-05-11 fund sell X 150 @20
    """))
    assert sum(d.basis for d in book.disposals) == D(2400)
    assert sum(x.basis for x in book.lots) == D(2400)


def test_sell_of_more_than_held_is_an_error_naming_row_and_field() -> None:
    with pytest.raises(InputError) as err:
        replay(household(), journal("""
            2024-01-02 taxable buy X 10 @5
            2024-02-02 taxable sell X 11 @6
        """))
    (problem,) = err.value.problems
    assert (problem.source.row, problem.field) == (2, "quantity")
    assert "only 10 held" in problem.message and problem.fix


def test_fees_add_to_basis_and_reduce_proceeds() -> None:
    book = replay(household(), journal("""
        2024-01-02 taxable buy X 10 @5 fees=1
        2024-02-02 taxable sell X 10 @6 fees=2
    """))
    (sale,) = book.disposals
    assert (sale.basis, sale.proceeds, sale.gain) == (D(51), D(58), D(7))
    assert book.cash["taxable"] == D(7)


def test_as_of_stops_the_replay_at_that_date() -> None:
    book = replay(household(), journal(THREE_LOTS), as_of=date(2023, 12, 31))
    assert [x.lot_id for x in book.lots] == ["A", "B"]


def test_take_first_says_how_many_shares_the_lots_could_not_give() -> None:
    lots = [_Piece("A", D(10)), _Piece("B", D("2.5"))]
    assert relief.take_first(lots, D(11)) == ([(lots[0], D(10)), (lots[1], D(1))], D(0))
    chosen, left = relief.take_first(lots, D(15))
    assert [shares for _, shares in chosen] == [D(10), D("2.5")] and left == D("2.5")
    # a lot taken whole gives its own quantity, exponent included
    assert str(relief.take_first(lots, D("10.000"))[0][0][1]) == "10"


def test_only_fifo_and_average_are_taken_in_the_order_given_whatever_the_sale() -> None:
    assert {name for name in relief.names() if relief.in_order(name)} == {"fifo", "average"}


def test_a_sell_relieved_in_order_beyond_the_shares_held_is_an_error_for_each_method() -> None:
    for method in ("fifo", "average", "lifo", "hifo"):
        with pytest.raises(InputError) as err:
            replay(household({"taxable": ("me", "taxable", method)}),
                   journal(THREE_LOTS + "2024-09-02 taxable sell X 31 @250"))
        (problem,) = err.value.problems
        assert problem.field == "quantity" and "only 30 held" in problem.message


class _Piece:
    def __init__(self, lot_id: str, qty: Decimal) -> None:
        self.lot_id = self.acq_id = lot_id
        self.qty = qty
        self.basis = qty
        self.holding_start = date(2024, 1, 2)
