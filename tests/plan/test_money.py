"""The plan's one currency: prices and basis restated at the plan day's rates, and each
account's cash, kept in the account's own currency, valued at the plan day's rate; a rate
missing on the valuation day names the rates file."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from lotwise.errors import InputError
from lotwise.fx import FxRate, FxTable, RatesOrigin
from lotwise.ledger import replay
from lotwise.model import Price, TargetAllocation
from lotwise.model.prices import PriceTable
from lotwise.plan.money import in_base_currency
from lotwise.testing import generate

from ..regimes.households import D, household, journal

DEPOSITED, TODAY = date(2025, 1, 2), date(2025, 6, 2)
# The audit's case: a Canadian deposits US$10,000 into a US-dollar account at USD/CAD
# 1.40; on the plan day the rate is 1.30 and VTI is US$250.
RATES = FxTable([FxRate(DEPOSITED, "USD", "CAD", D("1.40")),
                 FxRate(TODAY, "USD", "CAD", D("1.30"))])
_BASE = household({"a": "CA"}, {"a_usd": ("a", "non_registered")}, securities={"VTI": None},
                  currencies={"VTI": "USD", "a_usd": "USD"}, base="CAD")
AUDIT = replace(
    _BASE,
    securities={"VTI": replace(_BASE.securities["VTI"], asset_class="us")},
    targets=TargetAllocation({"us": D(1)}),
    tax={"ca": {"a": {"marginal_rate": "0.5"}}},
)
JOURNAL = journal(f"{DEPOSITED} a_usd deposit amount=10000")
PRICES = PriceTable([Price(TODAY, "VTI", D(250))])


def test_us_dollar_cash_is_worth_the_plan_days_rate_not_the_deposits() -> None:
    book = replay(AUDIT, JOURNAL, as_of=TODAY, fx=RATES)
    assert book.cash == {"a_usd": D(10000)}
    view = in_base_currency(AUDIT, book, PRICES, RATES, TODAY)
    assert view.converted and view.currency == "CAD"
    assert view.book.cash == {"a_usd": D("13000.00")}  # not the 14,000 it cost
    assert view.book.cash_currency_of("a_usd") == "CAD"
    assert view.prices.price_on("VTI", TODAY) == D("325.00")


def test_a_us_residents_canadian_dollars_are_valued_at_the_days_rate() -> None:
    us = household({"ann": "US"}, {"ann_cad": ("ann", "taxable")}, securities={"X": None},
                   currencies={"ann_cad": "CAD"})
    rates = FxTable([FxRate(DEPOSITED, "USD", "CAD", D("1.35")),
                     FxRate(TODAY, "USD", "CAD", D("1.50"))])
    book = replay(us, journal(f"{DEPOSITED} ann_cad deposit amount=1350"), fx=rates)
    assert book.cash == {"ann_cad": D(1350)} and book.cash_currency_of("ann_cad") == "CAD"
    view = in_base_currency(us, book, PriceTable([Price(TODAY, "X", D(10))]), rates, TODAY)
    assert view.book.cash["ann_cad"] == D(900)  # 1,350 / 1.50, not 1,350 / 1.35 = 1,000


def test_a_missing_rate_for_an_accounts_cash_names_it() -> None:
    cad_only = replace(AUDIT, securities={
        "XIC": replace(AUDIT.securities["VTI"], symbol="XIC", currency="CAD")})
    book = replay(cad_only, JOURNAL, as_of=TODAY, fx=RATES)
    too_late = FxTable([FxRate(DEPOSITED, "USD", "CAD", D("1.40"))],
                       origin=RatesOrigin.file("a/fx.csv"))
    with pytest.raises(InputError) as caught:
        in_base_currency(cad_only, book, PriceTable([Price(TODAY, "XIC", D(30))]), too_late,
                         TODAY)
    (problem,) = caught.value.problems
    assert "(the cash of account a_usd is in USD)" in problem.message
    assert str(problem.source) == "a/fx.csv"
    assert problem.fix.startswith("add a row 2025-06-02,USD,CAD,<rate> to a/fx.csv; a rate "
                                  "more than 7 days old is not used")


def test_a_us_household_in_dollars_is_left_as_it_is() -> None:
    household_, txns = generate(300, seed=7)
    book = replay(household_, txns)
    prices = PriceTable([Price(TODAY, s, D(10)) for s in household_.securities])
    view = in_base_currency(household_, book, prices, None, TODAY)
    assert view.book is book and view.prices is prices and not view.converted


def test_a_stale_rate_is_not_used_and_the_error_names_the_rates_file() -> None:
    hh = household({"claire": "CA"}, {"cash": ("claire", "non_registered")},
                   securities={"VTI": None}, currencies={"VTI": "USD"})
    fx = FxTable([FxRate(date(2026, 10, 30), "USD", "CAD", D("1.38"))],
                 origin=RatesOrigin.file("gagnon/fx.csv"))
    book = replay(hh, journal("2026-10-30 cash buy VTI 10 @300"), fx=fx)
    prices = PriceTable([Price(date(2026, 11, 20), "VTI", D(310))])
    with pytest.raises(InputError) as caught:
        in_base_currency(hh, book, prices, fx, date(2026, 11, 20))
    (problem,) = caught.value.problems
    assert str(problem.source) == "gagnon/fx.csv" and problem.field == "rate"
    assert problem.message.startswith("no USD/CAD rate for 2026-11-20 or the 7 days before it; "
                                      "the latest earlier rate is of 2026-10-30")
    assert problem.fix.startswith("add a row 2026-11-20,USD,CAD,<rate> to gagnon/fx.csv; a "
                                  "rate more than 7 days old is not used")
    earlier = PriceTable([Price(date(2026, 11, 6), "VTI", D(305))])
    assert in_base_currency(hh, book, earlier, fx, date(2026, 11, 6)).rates["USD"] == D("1.38")


def test_no_rate_is_asked_for_a_price_that_is_not_there() -> None:
    """`lotwise lots` without --prices: VTI has no price, so no USD/CAD rate of the day is
    needed; its lots are already in CAD, the Canadian resident's tax currency."""
    hh = household({"claire": "CA"}, {"cash": ("claire", "non_registered")},
                   securities={"VTI": None}, currencies={"VTI": "USD"})
    fx = FxTable([FxRate(date(2026, 10, 30), "USD", "CAD", D("1.38"))])
    book = replay(hh, journal("2026-10-30 cash buy VTI 10 @300"), fx=fx)
    view = in_base_currency(hh, book, PriceTable([]), fx, date(2026, 12, 3))
    assert view.rates == {} and view.book.lots == book.lots
    assert view.book.lots[0].basis == D("4140.00")


def test_a_listing_of_lots_asks_no_rate_for_the_cash() -> None:
    """US-dollar cash in a Canadian's account needs the day's rate to be valued in a plan,
    not to list the lots."""
    book = replay(AUDIT, JOURNAL, as_of=TODAY, fx=RATES)
    stale = FxTable([FxRate(DEPOSITED, "USD", "CAD", D("1.40"))])
    with pytest.raises(InputError, match="the cash of account a_usd"):
        in_base_currency(AUDIT, book, PriceTable([]), stale, TODAY)
    view = in_base_currency(AUDIT, book, PriceTable([]), stale, TODAY, lots_only=True)
    assert view.book.cash == {"a_usd": D(10000)} and view.book.cash_currency_of("a_usd") == "USD"
