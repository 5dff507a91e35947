"""Losses lost for good, with the reason each is lost (IRC §1091 and Rev. Rul. 2008-5; ITA
s.40(2)(g)(i) and s.53(1)(f))."""

from __future__ import annotations

from decimal import Decimal

from lotwise.ledger import replay
from lotwise.report.lost import ca_lost_for_good, us_lost_for_good
from tests.regimes.households import household, journal


def test_a_spouses_tfsa_purchase_loses_the_superficial_loss_for_good() -> None:
    """CRA "Superficial loss": the spouse (an affiliated person) buys identical property in
    a TFSA within 30 days; the denied loss cannot be added to an ACB there."""
    hh = household({"claire": "CA", "marc": "CA"},
                   {"cash": ("claire", "non_registered"), "tfsa": ("marc", "tfsa")},
                   spouses=("claire", "marc"))
    book = replay(hh, journal("""
        2025-01-02 cash buy X 100 @50
        2025-04-07 cash sell X 100 @40
        2025-04-22 tfsa buy X 100 @41
    """))
    (lost,) = ca_lost_for_good(hh, book.superficial_losses)
    assert (lost.rule, lost.owner, lost.account, lost.symbol, lost.amount) == (
        "superficial loss", "claire", "cash", "X", Decimal(1000))
    assert (lost.substitute_account, lost.substitute_owner, lost.substitute_account_type) == (
        "tfsa", "marc", "tfsa")
    assert "marc's TFSA" in lost.why and "a registered plan has no adjusted cost base" in lost.why
    assert lost.to_json()["amount"] == "1000.00"
    assert lost.authority == "ITA s.40(2)(g)(i), s.53(1)(f)"


def test_a_canadians_us_ira_purchase_is_not_called_a_registered_plan() -> None:
    """A Canadian resident's US IRA is no registered plan (ITA s.248(1)), but keeps no ACB
    either: the denied loss is lost, and the reason says what the account is."""
    hh = household({"luc": "CA"},
                   {"cash": ("luc", "non_registered"), "ira": ("luc", "traditional")})
    book = replay(hh, journal("""
        2025-01-02 cash buy X 100 @50
        2025-04-07 cash sell X 100 @40
        2025-04-22 ira buy X 100 @41
    """))
    (lost,) = ca_lost_for_good(hh, book.superficial_losses)
    assert lost.amount == Decimal(1000) and lost.substitute_account_type == "traditional"
    assert "registered plan" not in lost.why
    assert ("a retirement or savings plan outside Canadian capital gains rules has no "
            "adjusted cost base") in lost.why


def test_a_rebuy_in_the_same_non_registered_account_is_not_lost() -> None:
    hh = household({"claire": "CA"}, {"cash": ("claire", "non_registered")})
    book = replay(hh, journal("""
        2025-01-02 cash buy X 100 @50
        2025-04-07 cash sell X 100 @40
        2025-04-22 cash buy X 100 @41
    """))
    assert book.superficial_losses and ca_lost_for_good(hh, book.superficial_losses) == []


def test_an_ira_replacement_loses_the_wash_sale_loss_for_good() -> None:
    """Rev. Rul. 2008-5: shares bought in the taxpayer's IRA within 30 days; the loss is
    disallowed and not added to the basis of the IRA shares."""
    hh = household({"ann": "US"}, {"brokerage": ("ann", "taxable"),
                                    "ira": ("ann", "traditional")})
    book = replay(hh, journal("""
        2025-01-02 brokerage buy X 10 @100
        2025-03-03 brokerage sell X 10 @80
        2025-03-10 ira buy X 10 @81
    """))
    (lost,) = us_lost_for_good(hh, book.wash_sales)
    assert (lost.rule, lost.owner, lost.symbol, lost.amount) == ("wash sale", "ann", "X",
                                                                 Decimal(200))
    assert "ann's traditional IRA" in lost.why and lost.authority.endswith("Rev. Rul. 2008-5")
