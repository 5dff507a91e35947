"""Splits, in-kind transfers, donations, return of capital and cash."""

from datetime import date
from decimal import Decimal

import pytest

from lotwise.errors import InputError
from lotwise.ledger import replay

from .journal import household, journal

D = Decimal
TWO_TAXABLE = {"a": ("me", "taxable", "fifo"), "b": ("spouse", "taxable", "fifo")}


def test_split_multiplies_shares_and_keeps_basis_and_dates() -> None:
    book = replay(household(), journal("""
        2024-01-02 taxable buy X 10 @100
        2024-06-03 taxable split X 2
    """))
    (lot,) = book.lots
    assert (lot.quantity, lot.basis, lot.acquired) == (D(20), D(1000), date(2024, 1, 2))


def test_reverse_split_divides_shares() -> None:
    book = replay(household(), journal("""
        2024-01-02 taxable buy X 100 @1
        2024-06-03 taxable split X 0.1
    """))
    assert book.lots[0].quantity == D(10)


def test_transfer_in_kind_keeps_basis_dates_and_lot_identity() -> None:
    book = replay(household(TWO_TAXABLE), journal("""
        2023-01-02 a buy X 10 @100 id=L1
        2024-06-03 a transfer X 4 to=b
    """))
    moved = [x for x in book.lots if x.account == "b"]
    kept = [x for x in book.lots if x.account == "a"]
    assert [(x.quantity, x.basis, x.acquired) for x in moved] == [(D(4), D(400), date(2023, 1, 2))]
    assert [(x.quantity, x.basis) for x in kept] == [(D(6), D(600))]
    assert book.disposals == ()


def test_transfer_of_all_shares_when_quantity_is_blank() -> None:
    book = replay(household(TWO_TAXABLE), journal("""
        2023-01-02 a buy X 10 @100
        2023-02-02 a buy X 5 @110
        2024-06-03 a transfer X to=b
    """))
    assert {x.account for x in book.lots} == {"b"}
    assert sum(x.quantity for x in book.lots) == D(15)


def test_donation_realizes_nothing_and_records_fair_market_value() -> None:
    book = replay(household(), journal("""
        2020-01-02 taxable buy X 10 @100
        2024-06-03 taxable donate X 10 @300
    """))
    (gift,) = book.disposals
    assert gift.kind == "donation" and not gift.reportable
    assert (gift.proceeds, gift.basis, gift.gain) == (D(3000), D(1000), D(0))


def test_return_of_capital_reduces_basis_then_is_a_gain() -> None:
    # Pub 550, "Nondividend Distributions": reduce basis; beyond basis it is a capital gain.
    book = replay(household(), journal("""
        2020-01-02 taxable buy X 10 @10
        2024-06-03 taxable return_of_capital X amount=60
        2024-09-03 taxable return_of_capital X amount=70
    """))
    (lot,) = book.lots
    assert lot.basis == 0
    (gain,) = book.disposals
    assert gain.kind == "return_of_capital" and gain.gain == D(30)


def test_cash_follows_deposits_dividends_fees_and_trades() -> None:
    book = replay(household(), journal("""
        2024-01-02 taxable deposit amount=1000
        2024-01-03 taxable buy X 5 @100 fees=1
        2024-03-01 taxable dividend X amount=12.5
        2024-03-02 taxable interest amount=0.5
        2024-03-03 taxable fee amount=2
        2024-04-01 taxable withdrawal amount=100
    """))
    assert book.cash["taxable"] == D(1000) - D(501) + D("12.5") + D("0.5") - D(2) - D(100)
    assert [e.action for e in book.cash_events] == [
        "deposit", "dividend", "interest", "fee", "withdrawal"]


def test_unknown_account_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown account 'nope'"):
        replay(household(), journal("2024-01-02 nope buy X 1 @1"))
