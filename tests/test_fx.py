"""FX rates: the table, the rates file, and converting a journal at each row's own date.

Sources: ITA s.261(1) "relevant spot rate" (the Bank of Canada rate for the day, or for the
closest preceding day when none is quoted) and s.261(2)(b); Bentley v Pike (1981) 53 TC 590
(cost and proceeds each at the rate of their own dates).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from lotwise.errors import InputError
from lotwise.fx import (
    RATES_FILE,
    FxRate,
    FxTable,
    InconsistentRatesError,
    MissingRateError,
    RatesOrigin,
    convert,
    in_account_currency,
    row_currency,
)
from lotwise.io.fx_csv import load_fx_table, parse_fx
from lotwise.ledger import replay

from .regimes.households import household, journal

D = Decimal
TODAY = date(2026, 11, 20)
FRIDAY, SATURDAY, MONDAY = date(2024, 3, 1), date(2024, 3, 2), date(2024, 3, 4)


def test_a_rate_on_its_day_and_the_latest_earlier_one_on_a_weekend() -> None:
    table = FxTable([FxRate(FRIDAY, "USD", "CAD", D("1.3576")),
                     FxRate(MONDAY, "USD", "CAD", D("1.3580"))])
    assert table.rate("USD", "CAD", FRIDAY) == D("1.3576")
    assert table.rate("USD", "CAD", SATURDAY) == D("1.3576")  # s.261(1): preceding day
    assert table.rate("USD", "CAD", MONDAY) == D("1.3580")
    assert table.rate("CAD", "CAD", SATURDAY) == 1


def test_the_inverse_pair_answers_too() -> None:
    table = FxTable([FxRate(FRIDAY, "GBP", "USD", D("1.25"))])
    assert table.rate("USD", "GBP", FRIDAY) == D("0.8")


def test_no_rate_within_a_week_is_missing() -> None:
    table = FxTable([FxRate(FRIDAY, "USD", "CAD", D("1.3576"))])
    assert table.rate("USD", "CAD", date(2024, 3, 8)) == D("1.3576")  # 7 days on
    with pytest.raises(MissingRateError) as caught:
        table.rate("USD", "CAD", date(2024, 3, 9))
    assert caught.value.latest == FRIDAY
    with pytest.raises(MissingRateError):
        table.rate("USD", "CAD", date(2024, 2, 29))  # before the first rate
    with pytest.raises(ValueError, match="two USD/CAD rates"):
        FxTable([FxRate(FRIDAY, "USD", "CAD", D(1)), FxRate(FRIDAY, "USD", "CAD", D(2))])


def test_the_rates_file_is_read_and_every_problem_is_reported() -> None:
    rates = parse_fx("date,base,quote,rate\n2024-03-01,usd,CAD,1.3576\n"
                     "2024-03-01,USD,CAD,1.3576\n", "fx.csv", today=TODAY)
    assert rates == [FxRate(FRIDAY, "USD", "CAD", D("1.3576"))]  # a repeated row, once
    with pytest.raises(InputError) as caught:
        parse_fx("date,base,quote,rate\n2024-03-01,US,CAD,1.3\n2024-03-01,USD,USD,1\n"
                 "2024-03-04,USD,CAD,0\n2024-03-05,USD,CAD,1.3\n2024-03-05,USD,CAD,1.4\n",
                 "fx.csv", today=TODAY)
    problems = [(p.source.row, p.field) for p in caught.value.problems]
    assert problems == [(2, "base"), (3, "quote"), (4, "rate"), (6, "rate")]


def test_load_fx_table(tmp_path: Path) -> None:
    path = tmp_path / "fx.csv"
    path.write_text("date,base,quote,rate\n2024-03-01,USD,CAD,1.3576\n", encoding="utf-8")
    assert load_fx_table(path, today=TODAY).rate("CAD", "USD", FRIDAY) == 1 / D("1.3576")


HH = household({"me": "CA"}, {"cash": ("me", "non_registered"), "usd": ("me", "non_registered")},
               securities={"VTI": None, "XIC": None},
               currencies={"VTI": "USD", "usd": "USD"}, base="CAD")


def test_a_rows_currency_is_its_own_else_its_securitys_else_its_accounts() -> None:
    rows = journal("""
        2024-03-01 cash buy XIC 1 @30
        2024-03-01 cash buy VTI 1 @250
        2024-03-01 usd deposit amount=100
        2024-03-01 cash buy VTI 1 @340 currency=CAD
    """)
    assert [row_currency(HH, t) for t in rows] == ["CAD", "USD", "USD", "CAD"]


def test_convert_uses_the_rows_own_fx_rate_before_the_table() -> None:
    rows = journal("""
        2024-03-01 usd buy VTI 10 @250 fees=1 fx=1.35
        2024-03-01 usd buy VTI 10 @250
    """)
    table = FxTable([FxRate(FRIDAY, "USD", "CAD", D("1.3576"))])
    first, second = convert(HH, rows, {"usd": "CAD", "cash": "CAD"}, table)
    assert (first.price, first.fees, first.currency, first.fx_rate) == (
        D("337.50"), D("1.35"), "CAD", D("1.35"))
    assert second.price == D("339.400") and second.fx_rate == D("1.3576")


def test_in_account_currency_converts_only_rows_in_another_currency_than_their_account() -> None:
    rows = journal("""
        2024-03-01 usd deposit amount=100
        2024-03-01 usd buy VTI 1 @250 fx=1.35
        2024-03-01 usd buy XIC 10 @30 fx=2
        2024-03-01 cash buy VTI 1 @250 fx=1.35
    """)
    table = FxTable([FxRate(FRIDAY, "USD", "CAD", D("1.25"))])
    deposit, vti, xic, cad_vti = in_account_currency(HH, rows, {"usd": "CAD", "cash": "CAD"},
                                                     table)
    assert (deposit, vti) == (rows[0], rows[1])  # US dollars in the US-dollar account
    # fx= is the rate into the owner's tax currency: not the US-dollar account's
    assert (xic.price, xic.currency, xic.fx_rate) == (D("24.0"), "USD", D("0.8"))
    # ... but the Canadian-dollar account's currency is the tax currency
    assert (cad_vti.price, cad_vti.currency) == (D("337.50"), "CAD")


def test_a_missing_rate_names_the_row_the_date_and_the_pair() -> None:
    rows = journal("""
        2024-03-01 usd buy VTI 10 @250
        2024-04-15 usd sell VTI 10 @260
    """)
    table = FxTable([FxRate(FRIDAY, "USD", "CAD", D("1.3576"))])
    with pytest.raises(InputError) as caught:
        replay(HH, rows, fx=table)
    (problem,) = caught.value.problems
    assert problem.source.row == 2 and problem.field == "fx_rate"  # the sell row
    assert "no USD/CAD rate for 2024-04-15" in problem.message
    assert "latest earlier USD/CAD rate is of 2024-03-01" in problem.message
    assert problem.fix.startswith("add a row 2024-04-15,USD,CAD,<rate>")
    with pytest.raises(InputError, match="no FX rates file was given"):
        replay(HH, rows)


def test_a_missing_rate_says_how_old_a_rate_may_be_and_why(tmp_path: Path) -> None:
    table = FxTable([FxRate(FRIDAY, "USD", "CAD", D("1.3576"))], max_age_days=3)
    with pytest.raises(MissingRateError) as caught:
        table.rate("USD", "CAD", date(2024, 3, 11))
    assert str(caught.value) == ("no USD/CAD rate for 2024-03-11 or the 3 days before it; the "
                                 "latest earlier rate is of 2024-03-01, 10 days before")
    assert caught.value.why.startswith("a rate more than 3 days old is not used")
    assert table.origin is RATES_FILE
    path = tmp_path / "rates.csv"
    path.write_text("date,base,quote,rate\n2024-03-01,USD,CAD,1.3576\n", encoding="utf-8")
    assert load_fx_table(path, today=TODAY).origin == RatesOrigin(str(path), str(path))


def test_a_missing_rate_of_a_row_names_the_rates_file() -> None:
    rows = journal("2024-04-15 usd buy VTI 10 @260")
    table = FxTable([FxRate(FRIDAY, "USD", "CAD", D("1.3576"))],
                    origin=RatesOrigin.file("rates/fx.csv"))
    with pytest.raises(InputError) as caught:
        replay(HH, rows, fx=table)
    (problem,) = caught.value.problems
    assert problem.message.endswith(
        "in rates/fx.csv (its latest earlier USD/CAD rate is of 2024-03-01)")
    assert "to rates/fx.csv" in problem.fix and "more than 7 days old is not used" in problem.fix


def test_a_missing_rate_of_a_rows_cash_names_the_rates_file_and_not_the_rows_fx_rate() -> None:
    # XIC is in Canadian dollars; the US-dollar account paid for it in US dollars, at the
    # table's rate of the day whatever fx= says (that column is the rate into the tax currency)
    rows = journal("2024-04-15 usd buy XIC 10 @30 fx=1")
    table = FxTable([FxRate(FRIDAY, "USD", "CAD", D("1.3576"))],
                    origin=RatesOrigin.file("rates/fx.csv"))
    with pytest.raises(InputError) as caught:
        in_account_currency(HH, rows, {"usd": "CAD", "cash": "CAD"}, table)
    (problem,) = caught.value.problems
    assert problem.field == "currency"
    assert problem.message == (
        "no CAD/USD rate for 2024-04-15: this buy is in CAD and its account keeps its cash in "
        "USD, in rates/fx.csv (its latest earlier CAD/USD rate is of 2024-03-01)")
    assert problem.fix.startswith("add a row 2024-04-15,CAD,USD,<rate> to rates/fx.csv; a rate "
                                  "more than 7 days old is not used")
    assert "fx_rate" not in problem.fix
    with pytest.raises(InputError) as caught:
        in_account_currency(HH, rows, {"usd": "CAD", "cash": "CAD"}, None)
    (problem,) = caught.value.problems
    assert "no FX rates file was given" in problem.message
    assert problem.fix == ("add a row 2024-04-15,CAD,USD,<rate> to an FX rates file and give it "
                           "with --fx")


def test_a_missing_rate_says_where_the_tables_rates_come_from() -> None:
    rows = journal("""
        2024-03-01 usd buy VTI 10 @250
    """)
    elsewhere = RatesOrigin("the rates of the back office", "the back office's rates sheet")
    table = FxTable([FxRate(date(2024, 2, 1), "USD", "CAD", D("1.35"))], origin=elsewhere)
    assert table.origin is elsewhere and FxTable().origin is RATES_FILE
    with pytest.raises(InputError) as caught:
        replay(HH, rows, fx=table)
    (problem,) = caught.value.problems
    assert problem.message.endswith(
        "owner's tax currency is CAD, in the rates of the back office (its latest earlier "
        "USD/CAD rate is of 2024-02-01)")
    assert problem.fix.startswith("add a row 2024-03-01,USD,CAD,<rate> to the back office's "
                                  "rates sheet, or give this row an fx_rate; a rate more than "
                                  "7 days old is not used")
    with pytest.raises(MissingRateError) as missing:
        table.rate("CAD", "USD", FRIDAY)
    assert missing.value.origin is elsewhere
    assert (missing.value.base, missing.value.quote, missing.value.day) == ("CAD", "USD", FRIDAY)


def test_a_table_refuses_a_pair_and_its_inverse_that_disagree() -> None:
    with pytest.raises(InconsistentRatesError) as caught:
        FxTable([FxRate(FRIDAY, "USD", "CAD", D("1.3576")),
                 FxRate(FRIDAY, "CAD", "USD", D("0.70"))])
    assert str(caught.value) == ("CAD/USD 0.70 and USD/CAD 1.3576 on 2024-03-01 disagree: "
                                 "their product is 0.9503, not 1 within 0.5 %")
    agreeing = FxTable([FxRate(FRIDAY, "USD", "CAD", D("1.3576")),
                        FxRate(FRIDAY, "CAD", "USD", D("0.7366"))])
    assert agreeing.rate("USD", "CAD", FRIDAY) == D("1.3576")  # the direct pair first


def test_no_cross_rate_is_derived_and_the_message_asks_for_the_direct_pair() -> None:
    """GBP/USD and USD/CAD are known; GBP/CAD is not derived from them (ITA s.261(1): the
    Bank of Canada publishes a rate for each currency against CAD)."""
    hh = household({"c": "CA"}, {"gbp": ("c", "non_registered")}, securities={"VOD": None},
                   currencies={"VOD": "GBP", "gbp": "GBP"}, base="CAD")
    table = FxTable([FxRate(FRIDAY, "GBP", "USD", D("1.2623")),
                     FxRate(FRIDAY, "USD", "CAD", D("1.3576"))])
    assert table.bridges("GBP", "CAD") == ("USD",)
    with pytest.raises(MissingRateError):
        table.rate("GBP", "CAD", FRIDAY)
    with pytest.raises(InputError) as caught:
        replay(hh, journal("2024-03-01 gbp buy VOD 10 @1.5"), fx=table)
    (problem,) = caught.value.problems
    assert "no GBP/CAD rate for 2024-03-01" in problem.message
    assert problem.fix.startswith("add a row 2024-03-01,GBP,CAD,<rate> to the FX rates file")
    assert "the Bank of Canada publishes a daily rate of each currency" in problem.fix
    assert "lotwise does not derive GBP/CAD through USD" in problem.fix


def test_cash_moving_in_another_currency_needs_no_rate() -> None:
    """A Canadian's US-dollar deposit and withdrawal move cash kept in US dollars: replaying
    them asks for no USD/CAD rate; a buy in US dollars still does."""
    rows = journal("""
        2024-03-01 usd deposit amount=1000
        2024-03-04 usd withdrawal amount=200
    """)
    book = replay(HH, rows)
    assert book.cash["usd"] == D(800)
    with pytest.raises(InputError, match="no USD/CAD rate for 2024-03-05"):
        replay(HH, [*rows, *journal("2024-03-05 usd buy VTI 1 @250")])
