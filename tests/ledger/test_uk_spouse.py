"""United Kingdom: transfers between spouses and civil partners (TCGA 1992 s.58).

The transfer is a disposal by the transferor at the consideration that gives neither a gain
nor a loss — the cost of the shares disposed of (HMRC CG22200, HS281) — and those shares are
found by the identification rules like any other disposal's: same day (s.105), the next 30
days (s.106A(5); CG51560), then the section 104 holding.  The transferee acquires them at
that cost on the day of the transfer, into his or her own matching rules.
"""

from __future__ import annotations

from datetime import date

import pytest

from lotwise.errors import InputError
from lotwise.ledger import replay
from lotwise.ledger.book import Book
from lotwise.ledger.pools import PoolBalance
from lotwise.regimes.uk import uk_years

from ..regimes.households import D, household, journal

BENNETT = household(
    {"olivia": "UK", "james": "UK", "ann": "UK"},
    {
        "olivia_gia": ("olivia", "gia"),
        "olivia_isa": ("olivia", "isa"),
        "james_gia": ("james", "gia"),
        "ann_gia": ("ann", "gia"),
    },
    spouses=("olivia", "james"),
    securities={"VWRL": None},
)


def holding(book: Book, owner: str) -> PoolBalance:
    (found,) = [p for p in book.pools if p.owner == owner and p.account is None]
    return found


def test_the_worked_case_a_transfer_matched_with_the_transferors_rebuy() -> None:
    # Olivia's pool: 1,000 VWRL costing £50,000.  3 June: 100 to James.  10 June: she buys
    # 100 for £4,100, day 7 after the transfer, so the transfer is identified with them
    # (s.106A(5)): its cost, and James's, is £4,100; the pool never gives up a share.
    book = replay(BENNETT, journal("""
        2024-01-02 olivia_gia buy VWRL 1000 amount=50000 @50
        2024-06-03 olivia_gia transfer VWRL 100 to=james_gia id=T1
        2024-06-10 olivia_gia buy VWRL 100 amount=4100 @41
    """))
    (gift,) = book.uk_disposals
    assert (gift.owner, gift.kind, gift.to_owner, gift.quantity) == (
        "olivia", "spouse_transfer", "james", 100)
    assert [(m.rule, m.quantity, m.cost, m.acquired) for m in gift.matches] == [
        ("thirty_day", 100, D(4100), date(2024, 6, 10))]
    assert (gift.proceeds, gift.allowable_costs, gift.gain) == (D(4100), D(4100), D(0))
    olivia, james = holding(book, "olivia"), holding(book, "james")
    assert (olivia.quantity, olivia.cost) == (1000, D(50000))
    assert (james.quantity, james.cost, james.since) == (100, D(4100), date(2024, 6, 3))
    # the generic disposal row shows the match, at no gain, and is not reportable
    (row,) = book.disposals
    assert (row.kind, row.lot_id, row.gain, row.reportable) == (
        "spouse_transfer", "thirty_day:olivia:VWRL@2024-06-10", D(0), False)
    # the shares are James's from then on: his sale is measured against £4,100
    later = replay(BENNETT, journal("""
        2024-01-02 olivia_gia buy VWRL 1000 amount=50000 @50
        2024-06-03 olivia_gia transfer VWRL 100 to=james_gia
        2024-06-10 olivia_gia buy VWRL 100 amount=4100 @41
        2024-09-02 james_gia sell VWRL 100 amount=4500 @45
    """))
    sale = next(d for d in later.uk_disposals if d.owner == "james")
    assert (sale.cost, sale.gain) == (D(4100), D(400))


def test_a_transfer_with_no_rebuy_comes_out_of_the_pool_pro_rata() -> None:
    # £50,000 x 100/1,000 = £5,000; the pool keeps 900 costing £45,000.
    book = replay(BENNETT, journal("""
        2024-01-02 olivia_gia buy VWRL 600 amount=27000 @45
        2024-02-01 olivia_gia buy VWRL 400 amount=23000 @57.5
        2024-06-03 olivia_gia transfer VWRL 100 to=james_gia
        2024-07-04 olivia_gia buy VWRL 100 amount=4100 @41
    """))
    (gift,) = book.uk_disposals
    assert [(m.rule, m.quantity, m.cost) for m in gift.matches] == [("s104", 100, D(5000))]
    assert gift.gain == 0
    # the 4 July purchase is day 31: not matched, it goes into the pool
    olivia, james = holding(book, "olivia"), holding(book, "james")
    assert (olivia.quantity, olivia.cost) == (1000, D(45000) + D(4100))
    assert (james.quantity, james.cost) == (100, D(5000))


def test_a_transfer_before_5_april_is_matched_with_a_rebuy_after_it() -> None:
    # 31 March 2025 (tax year 2024-25), rebuy 15 April 2025 (2025-26), day 15: matched
    # across the year end (s.106A(5) knows no tax year).  The gift is in 2024-25 at no gain,
    # no loss and is left out of the SA108 totals; Olivia's later sale in 2025-26 comes
    # from the untouched pool.
    hh = BENNETT
    book = replay(hh, journal("""
        2024-01-02 olivia_gia buy VWRL 1000 amount=50000 @50
        2025-03-31 olivia_gia transfer VWRL 200 to=james_gia
        2025-04-15 olivia_gia buy VWRL 150 amount=6000 @40
        2025-05-20 olivia_gia sell VWRL 100 amount=5500 @55
    """))
    gift, sale = book.uk_disposals
    assert (gift.tax_year, sale.tax_year) == (2024, 2025)
    assert [(m.rule, m.quantity, m.cost) for m in gift.matches] == [
        ("thirty_day", 150, D(6000)), ("s104", 50, D(2500))]
    assert gift.proceeds == gift.cost == D(8500)
    assert holding(book, "james").cost == D(8500)
    # the pool gave 50 to the gift and 100 to the sale, at £50 each
    assert [(m.rule, m.quantity, m.cost) for m in sale.matches] == [("s104", 100, D(5000))]
    assert (holding(book, "olivia").quantity, holding(book, "olivia").cost) == (850, D(42500))
    (year,) = uk_years(book, hh, "olivia", 2024)
    assert (year.reportable, year.gains, year.losses) == ((), D(0), D(0))
    assert year.disposals == (gift,)


def test_a_transfer_and_a_sale_of_one_day_are_one_disposal_matched_with_the_days_buy() -> None:
    # s.105(1): the day's disposals (150 sold, 50 given) are matched first with the day's
    # purchase of 100 (£4,000), then with the pool (£50 a share); each part gets its share.
    book = replay(BENNETT, journal("""
        2024-01-02 olivia_gia buy VWRL 1000 amount=50000 @50
        2024-06-03 olivia_gia sell VWRL 150 amount=6600 @44
        2024-06-03 olivia_gia transfer VWRL 50 to=james_gia
        2024-06-03 olivia_gia buy VWRL 100 amount=4000 @40
    """))
    gift = next(d for d in book.uk_disposals if d.kind == "spouse_transfer")
    sale = next(d for d in book.uk_disposals if d.kind == "sale")
    # 100 same-day shares and 100 pool shares, shared 150:50
    assert (sale.cost, gift.cost) == (D(3000) + D(3750), D(1000) + D(1250))
    assert gift.gain == 0 and sale.gain == D(6600) - D(6750)
    assert holding(book, "james").cost == D(2250)


def test_the_transferees_own_30_day_rule_matches_the_shares_received() -> None:
    # James sells 100 VWRL on 1 June out of his pool (£30 a share) and receives 100 from
    # Olivia on 3 June: his sale is identified with that acquisition (s.106A(5)), whose cost
    # is what Olivia's identification gives it — here her own rebuy of 10 June, £4,100.
    book = replay(BENNETT, journal("""
        2024-01-02 james_gia buy VWRL 300 amount=9000 @30
        2024-01-02 olivia_gia buy VWRL 1000 amount=50000 @50
        2024-06-01 james_gia sell VWRL 100 amount=4300 @43
        2024-06-03 olivia_gia transfer VWRL 100 to=james_gia
        2024-06-10 olivia_gia buy VWRL 100 amount=4100 @41
    """))
    sale = next(d for d in book.uk_disposals if d.owner == "james")
    assert [(m.rule, m.quantity, m.cost, m.acquired) for m in sale.matches] == [
        ("thirty_day", 100, D(4100), date(2024, 6, 3))]
    assert sale.gain == D(200)
    # the sale took nothing from James's pool and the received shares never entered it: it
    # is still 300 costing £9,000, and he holds 300 - 100 + 100 shares
    assert (holding(book, "james").quantity, holding(book, "james").cost) == (300, D(9000))
    assert book.positions()[("james_gia", "VWRL")] == 300


def test_a_transfer_of_every_share_when_the_quantity_is_blank() -> None:
    book = replay(BENNETT, journal("""
        2024-01-02 olivia_gia buy VWRL 40 amount=2000 @50
        2024-06-03 olivia_gia transfer VWRL to=james_gia
        2024-06-05 olivia_gia buy VWRL 10 amount=450 @45
    """))
    (gift,) = book.uk_disposals
    assert [(m.rule, m.quantity, m.cost) for m in gift.matches] == [
        ("thirty_day", 10, D(450)), ("s104", 30, D(1500))]
    assert holding(book, "james").cost == D(1950)


def test_an_isa_purchase_is_not_matched_with_a_transfer() -> None:
    # reg. 34(2) ISA Regulations 1998: the ISA holds in another capacity.
    book = replay(BENNETT, journal("""
        2024-01-02 olivia_gia buy VWRL 100 amount=5000 @50
        2024-06-03 olivia_gia transfer VWRL 100 to=james_gia
        2024-06-04 olivia_isa buy VWRL 100 amount=4000 @40
    """))
    assert [m.rule for m in book.uk_disposals[0].matches] == ["s104"]


def test_a_gift_to_someone_who_is_not_a_spouse_is_an_error() -> None:
    with pytest.raises(InputError) as caught:
        replay(BENNETT, journal("""
            2024-01-02 olivia_gia buy VWRL 100 amount=5000 @50
            2024-06-03 olivia_gia transfer VWRL 10 to=ann_gia
        """))
    (problem,) = caught.value.problems
    assert problem.field == "to_account"
    assert "not olivia's spouse or civil partner" in problem.message
    assert "s.17(1)" in problem.message and "market price" in problem.fix
