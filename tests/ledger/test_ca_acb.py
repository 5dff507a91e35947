"""Canada: adjusted cost base pooled per person across non-registered accounts.

Sources: ITA s.47(1) (identical properties are averaged); CRA, "Identical properties" (the
average cost is recomputed at each purchase, a sale does not change it); Schedule 3
columns (proceeds, ACB, outlays and expenses); s.53(2)(c) and s.40(3) (return of capital
below zero is a gain); s.73(1) (a transfer to a spouse at cost); s.38(a.1) (gifts of listed
shares); s.261(2)(b) (each amount at the rate of its own day).
"""

from __future__ import annotations

from datetime import date

import pytest

from lotwise.errors import InputError
from lotwise.fx import FxRate, FxTable
from lotwise.ledger import replay

from ..regimes.households import D, household, journal, near

CLAIRE = household(
    {"claire": "CA", "marc": "CA"},
    {
        "cash": ("claire", "non_registered"),
        "cash2": ("claire", "non_registered"),
        "tfsa": ("claire", "tfsa"),
        "marc_cash": ("marc", "non_registered"),
    },
    spouses=("claire", "marc"),
)


def test_identical_properties_average_cost_is_recomputed_at_each_purchase() -> None:
    # CRA "Identical properties": the ACB per unit is the total cost of the identical
    # properties bought divided by the number held; a sale leaves the average unchanged.
    # 400 units at $15 ($6,000) and 300 at $20 ($6,000): ACB $12,000 / 700 = $17.1429.
    # Selling 200 at $25 takes 200/700 of $12,000 = $3,428.57; the gain is $1,571.43 and
    # the remaining 500 units keep $17.1429 each ($8,571.43).
    book = replay(CLAIRE, journal("""
        2023-02-01 cash buy X 400 @15
        2023-08-01 cash buy X 300 @20
        2024-03-01 cash sell X 200 @25
    """))
    (line,) = book.ca_dispositions
    assert line.proceeds == D(5000)
    assert near(line.acb, "3428.57") and near(line.gain, "1571.43")
    assert line.acquired_year == 2023
    (lot,) = book.lots
    assert lot.quantity == 500 and near(lot.basis, "8571.43")
    assert near(lot.basis_per_share, "17.1429", 4)


def test_commissions_are_in_the_cost_and_sale_costs_are_outlays_and_expenses() -> None:
    # Schedule 3: gain = proceeds of disposition - ACB - outlays and expenses.
    book = replay(CLAIRE, journal("""
        2024-01-10 cash buy X 100 @10 fees=9.99
        2024-06-10 cash sell X 100 @12 fees=9.99
    """))
    (line,) = book.ca_dispositions
    assert (line.proceeds, line.acb, line.outlays) == (D(1200), D("1009.99"), D("9.99"))
    assert line.gain == D("180.02")
    (disposal,) = book.disposals
    assert disposal.proceeds == D("1190.01") and disposal.gain == D("180.02")


def test_one_pool_per_person_across_all_non_registered_accounts() -> None:
    # s.47 pools identical properties of the taxpayer, whichever account holds them.
    book = replay(CLAIRE, journal("""
        2024-01-10 cash buy X 100 @10
        2024-02-10 cash2 buy X 100 @20
        2024-03-10 cash2 sell X 50 @18
    """))
    (line,) = book.ca_dispositions
    assert line.acb == D(750)  # 50 x the person's average $15, not cash2's $20
    by_account = {lot.account: lot for lot in book.lots}
    assert by_account["cash"].basis == D(1500) and by_account["cash2"].basis == D(750)


def test_registered_plans_and_the_spouse_keep_their_own_cost() -> None:
    book = replay(CLAIRE, journal("""
        2024-01-10 cash buy X 100 @10
        2024-01-11 tfsa buy X 100 @30
        2024-01-12 marc_cash buy X 100 @50
        2024-06-10 cash sell X 100 @11
        2024-06-10 tfsa sell X 100 @11
    """))
    (line,) = book.ca_dispositions  # the TFSA sale is not on Schedule 3
    assert (line.owner, line.acb, line.gain) == ("claire", D(1000), D(100))
    tfsa_sale = next(d for d in book.disposals if d.account == "tfsa")
    assert not tfsa_sale.reportable
    (marc,) = [lot for lot in book.lots if lot.account == "marc_cash"]
    assert marc.basis == D(5000)


def test_return_of_capital_reduces_the_acb_and_below_zero_is_a_capital_gain() -> None:
    # s.53(2)(c): the ACB is reduced; s.40(3): a negative ACB is a gain and becomes nil.
    book = replay(CLAIRE, journal("""
        2024-01-10 cash buy X 10 @10
        2024-06-28 cash return_of_capital X amount=30
        2024-12-27 cash return_of_capital X amount=100
    """))
    (line,) = book.ca_dispositions
    assert (line.kind, line.gain) == ("return_of_capital", D(30))
    assert book.lots[0].basis == 0


def test_a_gift_to_a_spouse_rolls_over_at_acb() -> None:
    # s.73(1): property transferred to a spouse is disposed of and acquired at its ACB.
    book = replay(CLAIRE, journal("""
        2024-01-10 cash buy X 100 @10
        2024-01-11 marc_cash buy X 100 @40
        2024-05-01 cash transfer X 50 to=marc_cash
    """))
    assert book.ca_dispositions == ()
    by_account = {lot.account: lot for lot in book.lots}
    assert by_account["cash"].basis == D(500)
    assert by_account["marc_cash"].quantity == 150 and by_account["marc_cash"].basis == D(4500)


def test_a_gift_of_listed_shares_to_a_charity_is_a_disposition_at_fair_market_value() -> None:
    # s.69(1)(b): proceeds = fair market value; s.38(a.1): the gain has a zero inclusion rate.
    book = replay(CLAIRE, journal("""
        2024-01-10 cash buy X 100 @10
        2024-12-10 cash donate X 40 @25
    """))
    (line,) = book.ca_dispositions
    assert (line.kind, line.gain, line.inclusion_exempt) == ("donation", D(600), True)
    assert not book.disposals[0].reportable


def test_us_dollar_cost_and_proceeds_are_converted_at_the_rate_of_their_own_days() -> None:
    # ITA s.261(2)(b): each amount at the relevant spot rate of the day it arose
    # (the example of lotwise/fx.py).
    hh = household({"claire": "CA"}, {"usd": ("claire", "non_registered")},
                   currencies={"usd": "USD", "VTI": "USD"}, securities={"VTI": None},
                   base="CAD")
    rates = FxTable([FxRate(date(2024, 3, 1), "USD", "CAD", D("1.3576")),
                     FxRate(date(2024, 9, 3), "USD", "CAD", D("1.3530"))])
    book = replay(hh, journal("""
        2024-03-01 usd buy VTI 10 @250 fees=1
        2024-09-03 usd sell VTI 10 @260
    """), fx=rates)
    (line,) = book.ca_dispositions
    assert near(line.acb, "3395.36") and near(line.proceeds, "3517.80")
    assert near(line.gain, "122.44")
    assert book.currency_of("usd") == "CAD" and book.regime_of("usd") == "CA"


def test_selling_more_than_is_held_or_naming_a_lot_is_an_input_error() -> None:
    with pytest.raises(InputError, match="only 10 held"):
        replay(CLAIRE, journal("""
            2024-01-10 cash buy X 10 @10
            2024-02-10 cash sell X 11 @10
        """))
    with pytest.raises(InputError, match="pooled at their average cost") as caught:
        replay(CLAIRE, journal("""
            2024-01-10 cash buy X 10 @10 id=B1
            2024-02-10 cash sell X 5 @10 lot=B1
        """))
    assert caught.value.problems[0].field == "lot"


def test_the_pool_id_of_the_book_may_be_named_back() -> None:
    book = replay(CLAIRE, journal("""
        2024-01-10 cash buy X 10 @10
        2024-02-10 cash sell X 5 @12 lot=ACB:claire:X@cash
    """))
    assert book.lots[0].lot_id == "ACB:claire:X@cash" and book.lots[0].quantity == 5
