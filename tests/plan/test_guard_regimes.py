"""The guard under each owner's loss rule: US wash sales, Canadian superficial losses and UK
share matching (TCGA 1992 ss.105, 106A; ISA Regulations 1998 reg. 34(2); ITA s.54, s.251.1)."""

from __future__ import annotations

from datetime import date

from lotwise.ledger import replay
from lotwise.plan.guard import build_guard

from ..regimes.households import household, journal

TODAY = date(2026, 11, 20)
UK_HOUSEHOLD = household(
    {"olivia": "UK", "james": "UK"},
    {"gia": ("olivia", "gia"), "isa": ("olivia", "isa"), "james_gia": ("james", "gia")},
    spouses=("olivia", "james"),
    securities={"VUSA": "sp500", "CSPX": "sp500", "ISF": None},
)
CA_HOUSEHOLD = household(
    {"claire": "CA", "marc": "CA"},
    {"cash": ("claire", "non_registered"), "marc_tfsa": ("marc", "tfsa")},
    spouses=("claire", "marc"),
    securities={"VFV": "sp500", "ZSP": "sp500", "XIC": None},
)
US_HOUSEHOLD = household(
    {"alex": "US", "sam": "US"},
    {"taxable": ("alex", "taxable"), "sam_ira": ("sam", "traditional")},
    spouses=("alex", "sam"),
    securities={"VOO": "sp500", "IVV": "sp500", "VTI": None},
)


def guard(hh, text):  # type: ignore[no-untyped-def]
    txns = journal(text)
    return build_guard(hh, txns, replay(hh, txns, as_of=TODAY), TODAY)


def test_uk_loss_sale_blocks_a_rebuy_in_the_gia_but_not_in_the_isa() -> None:
    g = guard(UK_HOUSEHOLD, """
        2026-01-05 gia deposit amount=10000
        2026-01-05 gia buy VUSA 100 @90
        2026-11-10 gia sell VUSA 100 @80
    """)
    blockers = g.buy_blockers("gia", "VUSA")
    assert [b.day for b in blockers] == [date(2026, 11, 10)]
    assert blockers[0].buy_allowed_from == date(2026, 12, 11)
    assert g.buy_blockers("isa", "VUSA") == []  # bed and ISA
    assert g.buy_blockers("james_gia", "VUSA") == []  # a spouse's purchase is not matched
    assert g.buy_blockers("gia", "CSPX") == []  # another security, though the same index


def test_uk_purchase_before_the_sale_day_goes_to_the_pool_and_blocks_nothing() -> None:
    g = guard(UK_HOUSEHOLD, """
        2026-01-05 gia deposit amount=20000
        2026-01-05 gia buy VUSA 100 @90
        2026-11-10 gia buy VUSA 10 @80
        2026-11-20 isa deposit amount=1000
        2026-11-20 isa buy VUSA 1 @80
    """)
    assert g.loss_sale_blockers("gia", "VUSA") == []


def test_uk_same_day_purchase_in_the_gia_blocks_a_loss_sale() -> None:
    g = guard(UK_HOUSEHOLD, """
        2026-01-05 gia deposit amount=20000
        2026-01-05 gia buy VUSA 100 @90
        2026-11-20 gia buy VUSA 10 @80
    """)
    assert [a.day for a in g.loss_sale_blockers("gia", "VUSA")] == [TODAY]


def test_us_purchase_of_a_substantially_identical_fund_in_the_spouse_ira_blocks() -> None:
    g = guard(US_HOUSEHOLD, """
        2026-01-05 taxable deposit amount=20000
        2026-01-05 taxable buy VOO 10 @500
        2026-11-01 sam_ira deposit amount=5000
        2026-11-01 sam_ira buy IVV 1 @450
    """)
    assert [a.account for a in g.loss_sale_blockers("taxable", "VOO")] == ["sam_ira"]
    assert g.sell_key("sam_ira", "IVV") is None  # nothing is realized in an IRA


def test_canada_spouse_tfsa_purchase_is_an_affiliated_acquisition() -> None:
    g = guard(CA_HOUSEHOLD, """
        2026-01-05 cash deposit amount=20000
        2026-01-05 cash buy VFV 100 @120
        2026-10-25 marc_tfsa deposit amount=5000
        2026-10-25 marc_tfsa buy ZSP 10 @100
    """)
    assert [a.account for a in g.loss_sale_blockers("cash", "VFV")] == ["marc_tfsa"]
    assert g.loss_sale_blockers("cash", "XIC") == []


def test_canada_day_31_is_outside_the_window() -> None:
    g = guard(CA_HOUSEHOLD, """
        2026-01-05 cash deposit amount=20000
        2026-01-05 cash buy VFV 100 @120
        2026-10-20 marc_tfsa deposit amount=5000
        2026-10-20 marc_tfsa buy ZSP 10 @100
    """)  # 31 days before 2026-11-20
    assert g.loss_sale_blockers("cash", "VFV") == []


UK_TWO_GIAS = household(
    {"olivia": "UK", "james": "UK"},
    {"gia": ("olivia", "gia"), "gia2": ("olivia", "gia"), "isa": ("olivia", "isa"),
     "james_gia": ("james", "gia")},
    spouses=("olivia", "james"),
    securities={"VWRL": None, "ISF": None},
)


def test_uk_gain_sale_blocks_a_rebuy_in_every_gia_of_the_person_for_30_days() -> None:
    # TCGA 1992 s.106A(5): a gain is re-priced like a loss by a rebuy within 30 days.
    text = """
        2025-01-06 gia deposit amount=20000
        2025-01-06 gia buy VWRL 100 @100
        2026-11-10 gia sell VWRL 50 @130
    """
    g = guard(UK_TWO_GIAS, text)
    (sale,) = g.buy_blockers("gia", "VWRL")
    assert sale.describe() == "VWRL sold at a gain in gia on 2026-11-10"
    assert sale.buy_allowed_from == date(2026, 12, 11)  # day 31
    assert g.buy_blockers("gia2", "VWRL") == [sale]  # the same person, another GIA
    assert g.buy_blockers("isa", "VWRL") == []  # another capacity (ISA Regulations reg. 34)
    assert g.buy_blockers("james_gia", "VWRL") == []  # another person
    assert g.buy_blockers("gia", "ISF") == []
    # Day 30 after the sale still counts; day 31 does not.
    txns = journal(text)
    day_30, day_31 = date(2026, 12, 10), date(2026, 12, 11)
    assert build_guard(UK_TWO_GIAS, txns, replay(UK_TWO_GIAS, txns, as_of=day_30),
                       day_30).buy_blockers("gia", "VWRL")
    assert not build_guard(UK_TWO_GIAS, txns, replay(UK_TWO_GIAS, txns, as_of=day_31),
                           day_31).buy_blockers("gia", "VWRL")


def test_uk_disposal_already_matched_in_full_blocks_no_further_rebuy() -> None:
    # The sale of 11-10 was identified with the 50 bought on 11-12 (s.106A(5)): nothing of
    # it is left to match a later purchase.
    g = guard(UK_TWO_GIAS, """
        2025-01-06 gia deposit amount=20000
        2025-01-06 gia buy VWRL 100 @100
        2026-11-10 gia sell VWRL 50 @130
        2026-11-12 gia buy VWRL 50 @131
    """)
    assert g.buy_blockers("gia", "VWRL") == []


def test_uk_gift_to_charity_blocks_a_rebuy_too() -> None:
    # A gift is a disposal (at no gain, s.257), and s.106A matches any disposal.
    g = guard(UK_TWO_GIAS, """
        2025-01-06 gia deposit amount=20000
        2025-01-06 gia buy VWRL 100 @100
        2026-11-10 gia donate VWRL 10 @130
    """)
    (gift,) = g.buy_blockers("gia", "VWRL")
    assert gift.describe() == "VWRL given to charity from gia on 2026-11-10"


def test_uk_same_day_purchase_blocks_a_gain_sale_but_a_us_one_does_not() -> None:
    g = guard(UK_TWO_GIAS, """
        2025-01-06 gia deposit amount=20000
        2025-01-06 gia buy VWRL 100 @100
        2026-11-20 gia2 deposit amount=2000
        2026-11-20 gia2 buy VWRL 10 @130
    """)
    assert g.matches_gains("gia") and not g.matches_gains("isa")
    assert [a.account for a in g.sale_blockers("gia", "VWRL", at_loss=False)] == ["gia2"]
    us = guard(US_HOUSEHOLD, """
        2026-01-05 taxable deposit amount=20000
        2026-01-05 taxable buy VOO 10 @500
        2026-11-20 taxable buy VOO 1 @550
    """)
    assert not us.matches_gains("taxable")
    assert us.sale_blockers("taxable", "VOO", at_loss=False) == []  # gains have no wash rule
    assert us.sale_blockers("taxable", "VOO", at_loss=True)


def test_us_gain_sale_blocks_no_rebuy() -> None:
    g = guard(US_HOUSEHOLD, """
        2026-01-05 taxable deposit amount=20000
        2026-01-05 taxable buy VOO 10 @500
        2026-11-10 taxable sell VOO 5 @600
    """)
    assert g.buy_blockers("taxable", "VOO") == []
