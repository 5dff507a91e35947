"""Canada: the superficial-loss rule, from the Act and the CRA's own worked positions.

Sources: ITA s.54 "superficial loss", s.40(2)(g)(i), s.53(1)(f), s.251.1; Interpretation
Act s.27(5); IT-456R (partial superficial loss: loss x least of S, P, B / S, and ¶12: the
loss shared among affiliated persons as if one person); CRA 2021-0896031C6 (APFF 2021
Q.3, counting the 30 days; a spousal RRSP); CRA 2022-0940941C6 (APFF 2022 Q.4: spouse,
RRSP and the taxpayer all acquire; B counts every identical share held).
"""

from __future__ import annotations

from lotwise.ledger import replay

from ..regimes.households import D, household, journal, near

FAMILY = household(
    {"me": "CA", "spouse": "CA", "holdco": "CA", "brother": "CA"},
    {
        "me_cash": ("me", "non_registered"),
        "me_rrsp": ("me", "rrsp"),
        "me_tfsa": ("me", "tfsa"),
        "sp_cash": ("spouse", "non_registered"),
        "sp_rrsp": ("spouse", "rrsp"),
        "sp_tfsa": ("spouse", "tfsa"),
        "holdco_cash": ("holdco", "non_registered"),
        "brother_cash": ("brother", "non_registered"),
    },
    spouses=("me", "spouse"),
    affiliates={"holdco": ("me",)},
    securities={"P": None, "VFV": "sp500", "ZSP": "sp500", "XIC": None},
)


def lot(book, account, symbol="P"):  # type: ignore[no-untyped-def]
    (found,) = [x for x in book.lots if x.account == account and x.symbol == symbol]
    return found


def test_cra_2022_0940941c6_loss_shared_between_rrsp_spouse_and_taxpayer() -> None:
    # 15 March 2022: all 2,000 Pubco shares sold at a $10,000 loss.  The RRSP bought 1,000
    # on 10 March, the spouse 2,000 on 16 March, the taxpayer 500 on 13 April; all held at
    # the end of the period.  The whole loss is superficial and is shared 1,000/3,500,
    # 2,000/3,500 and 500/3,500 (IT-456R ¶12); the RRSP's share is lost.
    book = replay(FAMILY, journal("""
        2020-01-02 me_cash buy P 2000 @20
        2022-03-10 me_rrsp buy P 1000 @15
        2022-03-15 me_cash sell P 2000 @15
        2022-03-16 sp_cash buy P 2000 @15
        2022-04-13 me_cash buy P 500 @16
    """))
    (loss,) = book.superficial_losses
    assert (loss.shares_sold, loss.acquired, loss.held_at_end) == (2000, 3500, 3500)
    assert loss.loss == D(10000) and loss.denied == D(10000)
    shares = {s.account: (s.shares, s.amount, s.permanent) for s in loss.substitutes}
    assert near(shares["me_rrsp"][1], "2857.14") and shares["me_rrsp"][2] is True
    assert near(shares["sp_cash"][1], "5714.29") and shares["sp_cash"][2] is False
    assert near(shares["me_cash"][1], "1428.57") and shares["me_cash"][2] is False
    assert near(loss.permanent, "2857.14")
    (line,) = book.ca_dispositions
    assert line.gain == D(-10000) and line.reported_gain == 0
    assert near(lot(book, "sp_cash").basis, "35714.29")  # $30,000 + $5,714.29
    assert near(lot(book, "me_cash").basis, "9428.57")  # $8,000 + $1,428.57
    assert lot(book, "me_rrsp").basis == D(15000)  # nothing added in a registered plan


def test_cra_2021_0896031c6_a_spousal_rrsp_that_sells_before_the_end_saves_the_loss() -> None:
    # Sold 1 September 2021 at a $20,000 loss; the spouse's RRSP buys on 7 September and
    # sells by 28 September: no affiliated person owns the shares at the end of the period.
    book = replay(FAMILY, journal("""
        2020-01-02 me_cash buy P 1000 @50
        2021-09-01 me_cash sell P 1000 @30
        2021-09-07 sp_rrsp buy P 1200 @31
        2021-09-28 sp_rrsp sell P 1200 @32
    """))
    assert book.superficial_losses == ()
    assert book.ca_dispositions[0].reported_gain == D(-20000)


def test_cra_2021_0896031c6_a_purchase_on_day_30_counts_and_one_on_day_31_does_not() -> None:
    # Interpretation Act s.27(5): the day of the sale does not count, so the period after a
    # sale on 1 September ends on 1 October.
    base = """
        2020-01-02 me_cash buy P 1000 @50
        2021-09-01 me_cash sell P 1000 @30
        2021-09-07 sp_rrsp buy P 1200 @31
        2021-09-28 sp_rrsp sell P 1200 @32
    """
    day_30 = replay(FAMILY, journal(base + "2021-10-01 sp_rrsp buy P 1200 @33"))
    (loss,) = day_30.superficial_losses
    assert loss.denied == D(20000) and loss.permanent == D(20000)
    day_31 = replay(FAMILY, journal(base + "2021-10-02 sp_rrsp buy P 1200 @33"))
    assert day_31.superficial_losses == ()


def test_a_purchase_30_days_before_counts_and_31_days_before_does_not() -> None:
    for buy_day, superficial in (("2024-04-01", True), ("2024-03-31", False)):
        book = replay(FAMILY, journal(f"""
            2023-01-02 me_cash buy P 100 @50
            {buy_day} me_cash buy P 100 @45
            2024-05-01 me_cash sell P 100 @40
        """))
        assert bool(book.superficial_losses) is superficial, buy_day


def test_it_456r_partial_superficial_loss_least_of_s_p_and_b() -> None:
    # 200 sold at a loss, 60 bought back within 30 days, more than 60 held at the end:
    # loss x min(200, 60, B) / 200 is superficial, added to the ACB of the 60 units.
    book = replay(FAMILY, journal("""
        2024-01-02 me_cash buy P 500 @30
        2025-04-09 me_cash sell P 200 @25
        2025-05-08 me_cash buy P 60 @27
    """))
    (loss,) = book.superficial_losses
    assert (loss.shares_sold, loss.acquired, loss.held_at_end) == (200, 60, 360)
    assert loss.superficial_shares == 60
    assert loss.loss == D(1000) and loss.denied == D(300)
    (line,) = book.ca_dispositions
    assert line.reported_gain == D(-700)
    # ACB: 300 units x $30 = $9,000 + 60 x $27 = $1,620 + the $300 denied
    assert lot(book, "me_cash").basis == D(10920)


def test_b_counts_identical_shares_held_before_the_period() -> None:
    # CRA 2022-0940941C6 point 3: B is every identical share held at the end of the period.
    book = replay(FAMILY, journal("""
        2023-01-02 me_cash buy P 1000 @30
        2025-04-09 me_cash sell P 100 @25
        2025-04-20 me_cash buy P 40 @24
    """))
    (loss,) = book.superficial_losses
    assert loss.held_at_end == 940 and loss.superficial_shares == 40
    assert loss.denied == D(200)


def test_superficial_loss_when_the_holding_dropped_to_zero() -> None:
    # Everything sold at a loss, bought back within 30 days and held: the whole loss is
    # denied and goes into the ACB of the new shares (s.53(1)(f)).
    book = replay(FAMILY, journal("""
        2024-01-02 me_cash buy P 120 @33
        2025-04-08 me_cash sell P 120 @31
        2025-04-30 me_cash buy P 120 @34
    """))
    (loss,) = book.superficial_losses
    assert loss.denied == D(240) and loss.permanent == 0
    assert lot(book, "me_cash").basis == D(120 * 34 + 240)
    assert lot(book, "me_cash").wash_adjustment == D(240)


def test_an_affiliate_buying_in_a_tfsa_makes_the_loss_lost_for_good() -> None:
    # The spouse's TFSA is affiliated (a trust of which the spouse is the majority-interest
    # beneficiary); the denied loss is added to property in a plan that is never taxed.
    book = replay(FAMILY, journal("""
        2024-01-02 me_cash buy VFV 80 @110
        2025-04-07 me_cash sell VFV 80 @100
        2025-04-22 sp_tfsa buy ZSP 60 @65
    """))
    (loss,) = book.superficial_losses
    assert loss.superficial_shares == 60 and loss.denied == D(600)
    (sub,) = loss.substitutes
    assert (sub.account, sub.symbol, sub.permanent) == ("sp_tfsa", "ZSP", True)
    assert loss.permanent == D(600)
    assert lot(book, "sp_tfsa", "ZSP").basis == D(3900)


def test_the_rule_needs_identical_property_still_held_at_the_end() -> None:
    book = replay(FAMILY, journal("""
        2024-01-02 me_cash buy P 100 @30
        2025-04-09 me_cash sell P 100 @25
        2025-04-15 me_cash buy P 100 @24
        2025-05-01 me_cash sell P 100 @26
    """))
    assert [s.txn_id for s in book.superficial_losses] == []


def test_a_controlled_corporation_counts_and_a_brother_does_not() -> None:
    # s.251.1(1): a corporation controlled by the taxpayer is affiliated; other relatives
    # are not.
    sale = """
        2024-01-02 me_cash buy P 100 @30
        2025-04-09 me_cash sell P 100 @25
    """
    book = replay(FAMILY, journal(sale + "2025-04-15 holdco_cash buy P 100 @24"))
    (loss,) = book.superficial_losses
    assert loss.substitutes[0].account == "holdco_cash" and not loss.permanent
    assert lot(book, "holdco_cash").basis == D(2400 + 500)
    book = replay(FAMILY, journal(sale + "2025-04-15 brother_cash buy P 100 @24"))
    assert book.superficial_losses == ()


def test_dividend_reinvestments_are_acquisitions() -> None:
    book = replay(FAMILY, journal("""
        2024-01-02 me_cash buy P 100 @30
        2025-04-09 me_cash sell P 50 @25
        2025-04-30 me_cash reinvest P 2 @26 amount=52
    """))
    (loss,) = book.superficial_losses
    assert loss.superficial_shares == 2 and loss.denied == D(10)


def test_gains_and_registered_sales_are_not_touched() -> None:
    book = replay(FAMILY, journal("""
        2024-01-02 me_cash buy P 100 @30
        2024-01-02 me_tfsa buy P 100 @30
        2025-04-09 me_cash sell P 50 @35
        2025-04-09 me_tfsa sell P 50 @25
        2025-04-10 me_cash buy P 50 @34
        2025-04-10 me_tfsa buy P 50 @24
    """))
    assert book.superficial_losses == ()
    assert [line.account for line in book.ca_dispositions] == ["me_cash"]


def test_two_losses_may_be_superficial_because_of_the_same_purchase() -> None:
    # Each loss is tested on its own (s.54); nothing in the Act uses a substituted share up.
    book = replay(FAMILY, journal("""
        2024-01-02 me_cash buy P 300 @30
        2025-04-01 me_cash sell P 100 @25
        2025-04-03 me_cash sell P 100 @25
        2025-04-10 me_cash buy P 100 @24
    """))
    assert [s.superficial_shares for s in book.superficial_losses] == [100, 100]
