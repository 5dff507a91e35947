"""Wash sales (IRC §1091), encoded from the IRS's and Treasury's own worked examples.

Sources: IRS Pub 550 "Wash Sales"; Treas. Reg. §1.1091-1 and §1.1091-2; Rev. Rul. 56-602;
Rev. Rul. 70-231; Rev. Rul. 2008-5.
"""

from datetime import date
from decimal import Decimal

from lotwise.ledger import replay
from lotwise.model import Term

from .journal import household, journal

D = Decimal


def lot(book, lot_id):  # type: ignore[no-untyped-def]
    (found,) = [x for x in book.lots if x.lot_id == lot_id]
    return found


def test_pub_550_basic_example_disallows_250_and_adds_it_to_the_new_basis() -> None:
    # Pub 550: buy 100 shares for $1,000, sell for $750, within 30 days buy 100 for $800:
    # the $250 loss is disallowed and the new stock's basis is $1,050.
    book = replay(household(), journal("""
        2024-01-10 taxable buy X 100 @10 id=OLD
        2024-06-03 taxable sell X 100 @7.50
        2024-06-20 taxable buy X 100 @8 id=NEW
    """))
    (sale,) = book.disposals
    assert (sale.proceeds, sale.basis, sale.adjustment_code, sale.adjustment, sale.gain) == (
        D(750), D(1000), "W", D(250), D(0))
    assert lot(book, "NEW").basis == D(1050)
    (wash,) = book.wash_sales
    assert (wash.disallowed, wash.quantity, wash.permanent) == (D(250), D(100), False)


def test_reg_1_1091_2_example_1_new_share_bought_for_more_than_sale_price() -> None:
    # Reg. §1.1091-2(a) Ex. 1: bought for $100, sold 1955-01-15 for $80, bought
    # 1955-02-01 for $90: basis of the new share is $110.
    book = replay(household(), journal("""
        1935-06-01 taxable buy X 1 @100
        1955-01-15 taxable sell X 1 @80
        1955-02-01 taxable buy X 1 @90 id=NEW
    """))
    assert lot(book, "NEW").basis == D(110)
    assert book.disposals[0].gain == 0


def test_reg_1_1091_2_example_2_new_share_bought_for_less_than_sale_price() -> None:
    # Reg. §1.1091-2(a) Ex. 2: as Ex. 1 but the new share costs $70: basis $90.
    book = replay(household(), journal("""
        1935-06-01 taxable buy X 1 @100
        1955-01-15 taxable sell X 1 @80
        1955-02-01 taxable buy X 1 @70 id=NEW
    """))
    assert lot(book, "NEW").basis == D(90)


def test_pub_550_shares_bought_within_30_days_before_the_sale() -> None:
    # Pub 550: 100 sh M bought 2009-09-24 for $5,000; 50 sh bought 2009-12-18 for $2,750;
    # 25 sh bought 2009-12-28 for $1,125; the September shares sold 2010-01-07 for $4,000.
    # $1,000 loss: $750 (75 shares) disallowed, $250 (25 shares) deductible.
    book = replay(household(), journal("""
        2009-09-24 taxable buy M 100 @50 id=SEP
        2009-12-18 taxable buy M 50 @55 id=DEC18
        2009-12-28 taxable buy M 25 @45 id=DEC28
        2010-01-07 taxable sell M 100 @40 lot=SEP
    """))
    (sale,) = book.disposals
    assert sale.proceeds - sale.basis == D(-1000)
    assert sale.adjustment == D(750)
    assert sale.gain == D(-250)
    # The disallowed loss goes to the replacement shares in the order they were bought.
    assert lot(book, "DEC18").basis == D(2750) + D(500)
    assert lot(book, "DEC28").basis == D(1125) + D(250)


def test_pub_550_fewer_shares_bought_are_matched_in_order_of_purchase() -> None:
    # Pub 550 "More or less stock bought than sold": 100 sh sold at a $1,000 loss; on each
    # of four days 50 sh bought.  Half the loss ($500) goes to the 50 sh of the first day,
    # the other half to the 50 sh of the second day; the later purchases are untouched.
    book = replay(household(), journal("""
        2022-09-21 taxable buy M 100 @30 id=OLD
        2023-02-03 taxable sell M 100 @20
        2023-02-12 taxable buy M 50 @21 id=D12
        2023-02-13 taxable buy M 50 @21 id=D13
        2023-02-14 taxable buy M 50 @21 id=D14
        2023-02-15 taxable buy M 50 @21 id=D15
    """))
    assert book.disposals[0].adjustment == D(1000)
    assert lot(book, "D12").basis == D(1050) + D(500)
    assert lot(book, "D13").basis == D(1050) + D(500)
    assert lot(book, "D14").basis == D(1050)
    assert lot(book, "D15").basis == D(1050)


def test_rev_rul_70_231_a_loss_on_one_block_cannot_reduce_gains_on_others() -> None:
    # Rev. Rul. 70-231 (and Pub 550): 100 sh bought at each of $158, $100 and $95; all 300
    # sold 1969-12-22 at $125; 250 identical shares bought 1970-01-08.  The $33/share loss
    # on the first block ($3,300) is disallowed; the gains on the other blocks stand.
    book = replay(household(), journal("""
        1967-02-01 taxable buy M 100 @158 id=A
        1967-05-01 taxable buy M 100 @100 id=B
        1967-08-01 taxable buy M 100 @95 id=C
        1969-12-22 taxable sell M 300 @125
        1970-01-08 taxable buy M 250 @120 id=NEW
    """))
    gains = {d.lot_id: d for d in book.disposals}
    assert gains["A"].adjustment == D(3300) and gains["A"].gain == 0
    assert gains["B"].gain == D(2500) and gains["C"].gain == D(3000)
    assert sum(d.gain for d in book.disposals) == D(5500)
    # 100 of the 250 new shares carry the $3,300; the other 150 keep their cost.
    bases = sorted((x.quantity, x.basis) for x in book.lots)
    assert bases == [(D(100), D(12000) + D(3300)), (D(150), D(18000))]


def test_rev_rul_2008_5_replacement_in_an_ira_loses_the_loss_for_good() -> None:
    # Rev. Rul. 2008-5: an individual sells stock at a loss and his IRA buys substantially
    # identical stock within 30 days: the loss is disallowed and the IRA's basis is not
    # increased.
    hh = household({"taxable": ("me", "taxable", "fifo"), "ira": ("me", "traditional", "fifo")})
    book = replay(hh, journal("""
        2024-01-10 taxable buy X 100 @10
        2024-06-03 taxable sell X 100 @7
        2024-06-10 ira buy X 100 @7.10 id=IRA
    """))
    assert book.disposals[0].adjustment == D(300)
    assert lot(book, "IRA").basis == D(710)
    (wash,) = book.wash_sales
    assert wash.permanent is True and wash.replacement_account == "ira"


def test_rev_rul_56_602_rest_of_the_same_purchase_is_not_a_replacement() -> None:
    # Rev. Rul. 56-602: selling part of a lot bought less than 30 days earlier at a loss is
    # not a wash sale merely because the rest of that same lot is kept.
    book = replay(household(), journal("""
        2024-03-01 taxable buy X 200 @10 id=LOT
        2024-03-20 taxable sell X 100 @9
    """))
    assert book.wash_sales == ()
    assert book.disposals[0].gain == D(-100)


def test_spouse_purchase_in_any_account_washes_the_loss() -> None:
    hh = household({"mine": ("me", "taxable", "fifo"), "her_roth": ("spouse", "roth", "fifo")})
    book = replay(hh, journal("""
        2024-01-10 mine buy X 10 @100
        2024-05-01 mine sell X 10 @90
        2024-05-15 her_roth buy X 10 @91
    """))
    assert book.disposals[0].adjustment == D(100)
    assert book.wash_sales[0].permanent is True


def test_a_separate_taxpayer_such_as_a_trust_does_not_wash_the_loss() -> None:
    hh = household(
        {"mine": ("me", "taxable", "fifo"), "trust": ("family_trust", "taxable", "fifo")}
    )
    book = replay(hh, journal("""
        2024-01-10 mine buy X 10 @100
        2024-05-01 mine sell X 10 @90
        2024-05-15 trust buy X 10 @91
    """))
    assert book.wash_sales == ()


def test_day_30_after_the_sale_washes_day_31_does_not() -> None:
    text = """
        2024-01-10 taxable buy X 10 @100
        2024-05-01 taxable sell X 10 @90
        {day} taxable buy X 10 @91
    """
    assert replay(household(), journal(text.format(day="2024-05-31"))).wash_sales
    assert not replay(household(), journal(text.format(day="2024-06-01"))).wash_sales


def test_day_30_before_the_sale_washes_day_31_does_not() -> None:
    text = """
        2023-01-10 taxable buy X 10 @100 id=OLD
        {day} taxable buy X 10 @91 id=NEW
        2024-05-01 taxable sell X 10 @90 lot=OLD
    """
    assert replay(household(), journal(text.format(day="2024-04-01"))).wash_sales
    assert not replay(household(), journal(text.format(day="2024-03-31"))).wash_sales


def test_window_across_a_leap_day_counts_calendar_days() -> None:
    # 2024-02-01 + 30 days = 2024-03-02 (29 February counts as a day).
    text = """
        2023-01-10 taxable buy X 10 @100
        2024-02-01 taxable sell X 10 @90
        {day} taxable buy X 10 @91
    """
    assert replay(household(), journal(text.format(day="2024-03-02"))).wash_sales
    assert not replay(household(), journal(text.format(day="2024-03-03"))).wash_sales


def test_substantially_identical_group_washes_but_a_different_index_does_not() -> None:
    hh = household(groups={"VOO": "sp500", "IVV": "sp500", "VTI": None})
    sold = """
        2024-01-10 taxable buy VOO 10 @500
        2024-08-05 taxable sell VOO 10 @450
        2024-08-06 taxable buy {other} 10 @451
    """
    assert replay(hh, journal(sold.format(other="IVV"))).disposals[0].adjustment == D(500)
    assert replay(hh, journal(sold.format(other="VTI"))).wash_sales == ()


def test_dividend_reinvestment_is_an_acquisition_and_washes_part_of_the_loss() -> None:
    book = replay(household(), journal("""
        2024-01-10 taxable buy X 100 @100
        2024-03-20 taxable reinvest X 2 @95 amount=190
        2024-04-01 taxable sell X 100 @90 lot=t0
    """))
    (sale,) = book.disposals
    assert sale.adjustment == D(20)  # 2 of the 100 shares washed at $10 each
    assert sale.gain == D(-980)


def test_shares_sold_in_the_same_sale_are_not_replacements() -> None:
    book = replay(household(), journal("""
        2024-01-10 taxable buy X 100 @100
        2024-03-20 taxable reinvest X 2 @95 amount=190
        2024-04-01 taxable sell X 102 @90
    """))
    assert book.wash_sales == ()
    assert sum(d.gain for d in book.disposals) == D(102 * 90 - 10000 - 190)


def test_same_day_buy_after_a_loss_sale_is_a_wash() -> None:
    book = replay(household(), journal("""
        2024-01-10 taxable buy X 10 @100
        2024-05-01 taxable sell X 10 @90
        2024-05-01 taxable buy X 10 @90 id=NEW
    """))
    assert lot(book, "NEW").basis == D(1000)


def test_replacement_holding_period_is_tacked_onto_the_old_one() -> None:
    # Old shares held 2024-01-10 .. 2024-11-01 (296 days); replacement bought 2024-11-15
    # starts its holding period 296 days earlier and is long-term from 2025-01-25 on.
    book = replay(household(), journal("""
        2024-01-10 taxable buy X 10 @100
        2024-11-01 taxable sell X 10 @90
        2024-11-15 taxable buy X 10 @91 id=NEW
        2025-01-25 taxable sell X 10 @95
    """))
    replacement_sale = book.disposals[-1]
    assert replacement_sale.acquired == date(2024, 11, 15)
    assert replacement_sale.holding_start == date(2024, 1, 24)
    assert replacement_sale.term is Term.LONG
    assert replacement_sale.gain == D(950) - D(910) - D(100)


def test_chain_of_wash_sales_carries_the_loss_until_a_clean_sale() -> None:
    book = replay(household(), journal("""
        2024-01-10 taxable buy X 10 @100
        2024-03-01 taxable sell X 10 @90
        2024-03-10 taxable buy X 10 @85 id=SECOND
        2024-04-01 taxable sell X 10 @80
        2024-04-15 taxable buy X 10 @82 id=THIRD
        2024-07-01 taxable sell X 10 @83
    """))
    first, second, third = book.disposals
    assert first.adjustment == D(100) and first.gain == 0
    assert second.basis == D(950) and second.adjustment == D(150) and second.gain == 0
    assert third.basis == D(970) and third.gain == D(830) - D(970)
    assert third.adjustment == 0
    # Economic loss over the chain = 1000 - 800 + 850 - 850 + 820 - 830 ... all recognised once.
    assert sum(d.gain for d in book.disposals) == D(-140)


def test_replacement_later_sold_at_a_loss_with_no_rebuy_recognises_the_deferred_loss() -> None:
    book = replay(household(), journal("""
        2024-01-10 taxable buy X 10 @100
        2024-03-01 taxable sell X 10 @90
        2024-03-10 taxable buy X 10 @85
        2024-09-01 taxable sell X 10 @80
    """))
    assert book.disposals[1].gain == D(800) - D(950)


def test_replacement_bought_before_and_sold_before_the_loss_sale_takes_the_adjustment() -> None:
    # Shares acquired within 30 days before the loss sale count even if sold already
    # (IRC §1091(a) speaks of shares acquired in the window); the adjustment goes to the
    # basis of that earlier disposal.
    book = replay(household(), journal("""
        2024-01-10 taxable buy X 10 @100 id=OLD
        2024-04-10 taxable buy X 10 @92 id=MID
        2024-04-15 taxable sell X 10 @95 lot=MID
        2024-04-20 taxable sell X 10 @90 lot=OLD
    """))
    mid, old = book.disposals
    assert old.adjustment == D(100) and old.gain == 0
    assert mid.basis == D(920) + D(100) and mid.gain == D(950) - D(1020)
    assert sum(d.gain for d in book.disposals) == D(950 + 900 - 1000 - 920)


def test_partial_wash_when_fewer_shares_are_bought_after_a_partial_lot_sale() -> None:
    book = replay(household(), journal("""
        2024-01-10 taxable buy X 100 @10 id=OLD
        2024-06-03 taxable sell X 40 @8
        2024-06-20 taxable buy X 10 @8 id=NEW
    """))
    (sale,) = book.disposals
    assert sale.quantity == 40 and sale.adjustment == D(20) and sale.gain == D(-60)
    assert lot(book, "OLD").quantity == 60 and lot(book, "OLD").basis == D(600)
    assert lot(book, "NEW").basis == D(100)


def test_a_replacement_share_is_used_only_once() -> None:
    book = replay(household(), journal("""
        2024-01-10 taxable buy X 10 @100 id=A
        2024-01-11 taxable buy X 10 @100 id=B
        2024-06-01 taxable sell X 10 @90 lot=A
        2024-06-02 taxable sell X 10 @90 lot=B
        2024-06-05 taxable buy X 10 @90 id=NEW
    """))
    first, second = book.disposals
    assert first.adjustment == D(100)  # the earlier loss sale takes the replacement
    assert second.adjustment == 0
    assert lot(book, "NEW").basis == D(1000)


def test_losses_in_tax_advantaged_accounts_are_not_wash_sales() -> None:
    hh = household({"ira": ("me", "traditional", "fifo")})
    book = replay(hh, journal("""
        2024-01-10 ira buy X 10 @100
        2024-05-01 ira sell X 10 @90
        2024-05-02 ira buy X 10 @91
    """))
    assert book.wash_sales == ()
    assert not book.disposals[0].reportable


def test_a_split_rescales_a_spouses_waiting_loss_to_post_split_shares() -> None:
    # The spouse sells 10 X at a $20 loss a share; X splits 2-for-1 the next day (the row is
    # in my account, the spouse holds none); I buy 20 X post-split: those 20 shares replace
    # the spouse's 10 old shares, so all 20 carry the $200, $10 a share.
    hh = household({"mine": ("me", "taxable", "fifo"), "hers": ("spouse", "taxable", "fifo")})
    book = replay(hh, journal("""
        2024-01-02 hers buy X 10 @100
        2024-01-02 mine buy X 1 @100
        2024-05-01 hers sell X 10 @80
        2024-05-02 mine split X 2
        2024-05-10 mine buy X 20 @40 id=NEW
    """))
    assert book.disposals[0].adjustment == D(200)
    new = [x for x in book.lots if x.lot_id.startswith("NEW")]
    assert [(x.quantity, x.basis) for x in new] == [(D(20), D(1000))]
