"""United Kingdom: share matching, encoded from HMRC's worked examples.

Sources: TCGA 1992 s.104 (section 104 holding), s.105 (same day), s.106A (30 days); HMRC
Cryptoassets Manual CRYPTO22251-CRYPTO22256 (the share-matching examples of the manual,
which apply the same sections to tokens); Capital Gains Manual CG51560; helpsheet HS284
("bed and breakfasting"); ISA Regulations 1998 reg. 34(2) (ISA holdings in another
capacity); TCGA s.58 (spouses), s.38 (allowable costs); Bentley v Pike (1981) 53 TC 590.

HMRC's figures are rounded to pounds; the ledger keeps exact values, compared to the pound
(or the penny when HMRC shows pence).
"""

from __future__ import annotations

from datetime import date

from lotwise.fx import FxRate, FxTable
from lotwise.ledger import replay

from ..regimes.households import D, household, journal, near

GIA = household(
    {"me": "UK", "spouse": "UK"},
    {
        "gia": ("me", "gia"),
        "gia2": ("me", "gia"),
        "isa": ("me", "isa"),
        "sipp": ("me", "sipp"),
        "sp_gia": ("spouse", "gia"),
    },
    spouses=("me", "spouse"),
    securities={"A": None, "B": None, "C": None, "E": None, "F": None, "X": "same_index",
                "Y": "same_index"},
)


def pool(book, symbol):  # type: ignore[no-untyped-def]
    (found,) = [p for p in book.pools if p.symbol == symbol and p.account is None
                and p.owner == "me"]
    return found


def test_crypto22251_basic_section_104_pool_disposal() -> None:
    # 100 for £1,000 and 50 for £125,000: a pool of 150 costing £126,000.  Selling 50 for
    # £300,000 deducts £126,000 x 50/150 = £42,000: gain £258,000; the pool keeps 100 and
    # £84,000.
    book = replay(GIA, journal("""
        2020-05-01 gia buy A 100 amount=1000 @10
        2021-09-18 gia buy A 50 amount=125000 @2500
        2021-12-01 gia sell A 50 amount=300000 @6000
    """))
    (d,) = book.uk_disposals
    assert (d.proceeds, d.cost, d.gain) == (D(300000), D(42000), D(258000))
    assert (pool(book, "A").quantity, pool(book, "A").cost) == (100, D(84000))


def test_crypto22252_same_day_disposals_are_one_and_are_matched_with_that_days_purchase() -> None:
    # Pool 5,000 costing £500.  On 23 June: sell 1,000 for £800 (morning), buy 1,600 for
    # £1,000 (afternoon), sell 500 for £600 (evening).  One disposal of 1,500 for £1,400,
    # matched with the day's purchase: cost £1,000 x 1,500/1,600 = £938 (£937.50); gain £462.
    # The other 100 (£62.50) go into the pool: 5,100 costing £562.
    book = replay(GIA, journal("""
        2020-01-02 gia buy B 5000 amount=500 @0.1
        2021-06-23 gia sell B 1000 amount=800 @0.8
        2021-06-23 gia buy B 1600 amount=1000 @0.625
        2021-06-23 gia sell B 500 amount=600 @1.2
    """))
    (d,) = book.uk_disposals
    assert d.quantity == 1500 and d.proceeds == D(1400)
    assert d.cost == D("937.5") and d.gain == D("462.5")  # HMRC: £938 and £462, rounded
    assert [(m.rule, m.quantity) for m in d.matches] == [("same_day", 1500)]
    assert near(pool(book, "B").quantity, 5100) and near(pool(book, "B").cost, "562.50")
    # the two rows share the day's result in proportion to their shares
    rows = [x for x in book.disposals if x.kind == "sale"]
    assert sorted(x.quantity for x in rows) == [500, 1000]
    assert sum((x.basis for x in rows), D(0)) == D("937.5")


def test_crypto22253_thirty_day_rule_earliest_first_day_31_not_matched() -> None:
    # Pool 2,000 costing £1,000.  31 March: sell 1,000 for £400.  20 April: sell 500 for
    # £150.  21 April: buy 700 for £175.  28 April: buy 500 for £100.  1 May: buy 500 for
    # £150.  31 March is matched with 21 April (700, £175) and 300 of 28 April (£60): gain
    # £165.  20 April with the other 200 of 28 April (£40) and 300 of 1 May (£90): gain £20.
    # 1 May is day 31 after 31 March, so it is not matched with it.  The pool gets the 200
    # left of 1 May (£60).  The first disposal is in one tax year and its matches in the next.
    book = replay(GIA, journal("""
        2020-01-02 gia buy C 2000 amount=1000 @0.5
        2021-03-31 gia sell C 1000 amount=400 @0.4
        2021-04-20 gia sell C 500 amount=150 @0.3
        2021-04-21 gia buy C 700 amount=175 @0.25
        2021-04-28 gia buy C 500 amount=100 @0.2
        2021-05-01 gia buy C 500 amount=150 @0.3
    """))
    first, second = book.uk_disposals
    assert (first.date, first.tax_year, first.gain) == (date(2021, 3, 31), 2020, D(165))
    assert [(m.rule, m.acquired, m.quantity, m.cost) for m in first.matches] == [
        ("thirty_day", date(2021, 4, 21), 700, D(175)),
        ("thirty_day", date(2021, 4, 28), 300, D(60)),
    ]
    assert (second.tax_year, second.gain) == (2021, D(20))
    assert [(m.acquired, m.quantity) for m in second.matches] == [
        (date(2021, 4, 28), 200), (date(2021, 5, 1), 300)]
    assert (pool(book, "C").quantity, pool(book, "C").cost) == (2200, D(1060))


def test_crypto22255_thirty_day_match_then_the_pool() -> None:
    # Pool 14,000 costing £200,000.  30 August: sell 4,000 for £160,000.  11 September: buy
    # 500 for £17,500.  Cost: £17,500 (30 days) + £200,000 x 3,500/14,000 = £50,000 (pool):
    # gain £92,500; the pool keeps 10,500 and £150,000.
    book = replay(GIA, journal("""
        2020-01-02 gia buy E 14000 amount=200000 @14.2857
        2021-08-30 gia sell E 4000 amount=160000 @40
        2021-09-11 gia buy E 500 amount=17500 @35
    """))
    (d,) = book.uk_disposals
    assert [(m.rule, m.quantity, m.cost) for m in d.matches] == [
        ("thirty_day", 500, D(17500)), ("s104", 3500, D(50000))]
    assert d.gain == D(92500)
    assert (pool(book, "E").quantity, pool(book, "E").cost) == (10500, D(150000))


def test_crypto22256_same_day_thirty_day_and_pool_together() -> None:
    # Pool 100,000 costing £300,000.  31 July: buy 10,000 for £45,000; sell 30,000 for
    # £150,000.  5 August: sell 20,000 for £100,000.  6 August: buy 50,000 for £225,000.
    # 7 August: sell 100,000 for £150,000.  31 July: 10,000 same day (£45,000) + 20,000 of
    # 6 August (£90,000): gain £15,000.  5 August: 20,000 of 6 August (£90,000): gain
    # £10,000.  6 August's other 10,000 (£45,000) enter the pool: 110,000 costing £345,000.
    # 7 August: £345,000 x 100/110 = £313,636: loss £163,636; 10,000 left costing £31,364.
    book = replay(GIA, journal("""
        2020-01-02 gia buy F 100000 amount=300000 @3
        2021-07-31 gia buy F 10000 amount=45000 @4.5
        2021-07-31 gia sell F 30000 amount=150000 @5
        2021-08-05 gia sell F 20000 amount=100000 @5
        2021-08-06 gia buy F 50000 amount=225000 @4.5
        2021-08-07 gia sell F 100000 amount=150000 @1.5
    """))
    july, august5, august7 = book.uk_disposals
    assert [(m.rule, m.quantity, m.cost) for m in july.matches] == [
        ("same_day", 10000, D(45000)), ("thirty_day", 20000, D(90000))]
    assert july.gain == D(15000) and august5.gain == D(10000)
    assert near(august7.cost, "313636.36") and near(august7.gain, "-163636.36")
    assert near(pool(book, "F").cost, "31363.64") and pool(book, "F").quantity == 10000


def test_bed_and_isa_an_isa_purchase_is_not_matched_with_a_gia_sale() -> None:
    # ISA Regulations 1998 reg. 34(2): ISA shares are held in another capacity.  Same for
    # a SIPP (the pension scheme's shares) and for the spouse (the rules are per person).
    book = replay(GIA, journal("""
        2020-01-02 gia buy A 100 @10
        2024-03-28 gia sell A 100 @15
        2024-03-28 isa buy A 100 @15
        2024-04-02 sipp buy A 100 @15
        2024-04-03 sp_gia buy A 100 @15
    """))
    (d,) = book.uk_disposals
    assert [(m.rule, m.quantity) for m in d.matches] == [("s104", 100)]
    assert d.gain == D(500)


def test_a_rebuy_in_the_gia_within_30_days_is_matched_even_across_5_april() -> None:
    book = replay(GIA, journal("""
        2024-01-02 gia buy A 100 @20
        2025-03-28 gia sell A 100 @15
        2025-04-10 gia2 buy A 100 @14
    """))
    (d,) = book.uk_disposals
    assert d.tax_year == 2024  # 2024-25: sold before 6 April
    assert [(m.rule, m.acquired) for m in d.matches] == [("thirty_day", date(2025, 4, 10))]
    assert d.gain == D(100)  # the £500 loss against the pool is gone: £1,500 - £1,400
    assert pool(book, "A").cost == D(2000)  # the 2025-04-10 shares never entered the pool


def test_day_30_is_matched_and_day_31_is_not() -> None:
    for buy_day, rule in (("2024-07-31", "thirty_day"), ("2024-08-01", "s104")):
        book = replay(GIA, journal(f"""
            2024-01-02 gia buy A 100 @20
            2024-07-01 gia sell A 100 @15
            {buy_day} gia buy A 100 @14
        """))
        (d,) = book.uk_disposals
        assert [m.rule for m in d.matches] == [rule], buy_day


def test_purchases_before_the_sale_are_pooled_not_matched() -> None:
    # No "30 days before" in the UK: an earlier purchase is part of the s.104 holding.
    book = replay(GIA, journal("""
        2024-01-02 gia buy A 100 @20
        2024-06-25 gia buy A 100 @10
        2024-07-01 gia sell A 100 @12
    """))
    (d,) = book.uk_disposals
    assert [(m.rule, m.cost) for m in d.matches] == [("s104", D(1500))]


def test_only_the_same_security_is_matched_not_a_similar_fund() -> None:
    # s.104(3): securities of the same class; two funds on one index are different.
    book = replay(GIA, journal("""
        2024-01-02 gia buy X 100 @20
        2024-07-01 gia sell X 100 @15
        2024-07-02 gia buy Y 100 @15
    """))
    assert [m.rule for m in book.uk_disposals[0].matches] == ["s104"]


def test_incidental_costs_are_allowable_costs() -> None:
    # s.38(1)(a), (c): the purchase commission is part of the cost, the sale commission an
    # incidental cost of disposal; SA108 "allowable costs" includes both.
    book = replay(GIA, journal("""
        2024-01-02 gia buy A 100 @20 fees=12
        2024-07-01 gia sell A 100 @25 fees=11
    """))
    (d,) = book.uk_disposals
    assert (d.proceeds, d.cost, d.costs_of_disposal) == (D(2500), D(2012), D(11))
    assert (d.allowable_costs, d.gain) == (D(2023), D(477))


def test_a_gift_to_a_spouse_is_at_no_gain_no_loss() -> None:
    # s.58: the spouse takes the shares at their cost out of the section 104 holding (the
    # identification rules, tests/ledger/test_uk_spouse.py, find no other shares here).
    book = replay(GIA, journal("""
        2024-01-02 gia buy A 100 @20
        2024-01-03 gia buy A 100 @10
        2024-07-01 gia transfer A 50 to=sp_gia
    """))
    (gift,) = book.uk_disposals
    assert (gift.kind, gift.to_owner, gift.proceeds, gift.cost, gift.gain) == (
        "spouse_transfer", "spouse", D(750), D(750), D(0))
    spouse = next(p for p in book.pools if p.owner == "spouse")
    assert (spouse.quantity, spouse.cost) == (50, D(750))
    assert (pool(book, "A").quantity, pool(book, "A").cost) == (150, D(2250))


def test_one_holding_across_the_persons_gia_accounts() -> None:
    book = replay(GIA, journal("""
        2024-01-02 gia buy A 100 @20
        2024-01-03 gia2 buy A 100 @10
        2024-07-01 gia2 sell A 100 @12
    """))
    assert book.uk_disposals[0].cost == D(1500)


def test_us_dollar_cost_and_proceeds_at_the_rate_of_their_own_days() -> None:
    # Bentley v Pike: sterling cost at the acquisition date's rate, sterling proceeds at
    # the disposal date's rate.
    hh = household({"me": "UK"}, {"gia": ("me", "gia")}, securities={"VTI": None},
                   currencies={"VTI": "USD"}, base="GBP")
    fx = FxTable([FxRate(date(2024, 1, 2), "GBP", "USD", D("1.25")),
                  FxRate(date(2024, 9, 2), "GBP", "USD", D("1.3125"))])
    book = replay(hh, journal("""
        2024-01-02 gia buy VTI 10 @250
        2024-09-02 gia sell VTI 10 @262.50
    """), fx=fx)
    (d,) = book.uk_disposals
    assert (d.cost, d.proceeds, d.gain) == (D(2000), D(2000), D(0))
