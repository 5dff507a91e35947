"""PriceTable: the latest close on or before a day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lotwise.model.prices import STORED_PRICES, MissingPriceError, PricesOrigin, PriceTable
from lotwise.model.transactions import Price

FRI = date(2024, 3, 1)
MON = date(2024, 3, 4)


@pytest.fixture
def table() -> PriceTable:
    # given out of order on purpose
    return PriceTable(
        [
            Price(MON, "VTI", Decimal("251.00")),
            Price(FRI, "VTI", Decimal("250.10")),
            Price(FRI, "BND", Decimal("72.00")),
        ]
    )


def test_the_price_on_a_trading_day_is_that_day_close(table: PriceTable) -> None:
    assert table.price_on("VTI", FRI) == Decimal("250.10")
    assert table.price_on("VTI", MON) == Decimal("251.00")


def test_a_day_without_a_price_takes_the_latest_before_it(table: PriceTable) -> None:
    assert table.price_on("VTI", date(2024, 3, 2)) == Decimal("250.10")  # Saturday
    assert table.price_on("VTI", date(2025, 1, 1)) == Decimal("251.00")
    assert table.price_on("BND", MON) == Decimal("72.00")


def test_a_day_before_the_first_price_is_missing(table: PriceTable) -> None:
    with pytest.raises(MissingPriceError) as caught:
        table.price_on("VTI", date(2024, 2, 29))
    assert (caught.value.symbol, caught.value.day) == ("VTI", date(2024, 2, 29))
    assert str(caught.value) == (
        "no price for VTI on or before 2024-02-29 in the prices file (its first price is on "
        "2024-03-01). Fix: add a row 2024-02-29,VTI,<closing price> to the prices file "
        "(--prices), or to a prices CSV imported with `lotwise import prices FILE`"
    )


def test_a_symbol_without_prices_is_missing(table: PriceTable) -> None:
    with pytest.raises(LookupError, match="no price for VXUS") as caught:
        table.price_on("VXUS", MON)
    assert "add a row 2024-03-04,VXUS,<closing price> to the prices file" in str(caught.value)


def test_a_missing_price_names_the_file_it_was_looked_for_in() -> None:
    table = PriceTable([Price(FRI, "VTI", Decimal("250.10"))],
                       PricesOrigin.file("data/prices.csv"))
    with pytest.raises(MissingPriceError) as caught:
        table.price_on("VTI", date(2024, 2, 29))
    assert str(caught.value) == (
        "no price for VTI on or before 2024-02-29 in data/prices.csv (its first price is on "
        "2024-03-01). Fix: add a row 2024-02-29,VTI,<closing price> to data/prices.csv")


def test_a_missing_price_in_the_store_says_to_import_it() -> None:
    with pytest.raises(MissingPriceError) as caught:
        PriceTable([], STORED_PRICES).price_on("VTI", MON)
    assert "no price for VTI in the store's prices" in str(caught.value)
    assert "import it with `lotwise import prices FILE`" in str(caught.value)


def test_a_derived_table_reports_the_original_first_date() -> None:
    """The as-of day's prices in the base currency (plan.money) hold one day only; a price
    missing there is reported with the original table's first date and origin."""
    table = PriceTable([], PricesOrigin.file("p.csv"), first_dates={"VTI": MON})
    with pytest.raises(MissingPriceError) as caught:
        table.price_on("VTI", FRI)
    assert "(its first price is on 2024-03-04)" in str(caught.value)
    assert "to p.csv" in str(caught.value)


def test_what_the_table_holds(table: PriceTable) -> None:
    assert table.has("VTI") and not table.has("VXUS")
    assert table.symbols() == frozenset({"VTI", "BND"})
    assert table.dates("VTI") == (FRI, MON)
    assert table.last_date == MON
    assert len(table) == 3


def test_an_empty_table() -> None:
    table = PriceTable()
    assert table.last_date is None
    assert table.symbols() == frozenset()


def test_the_same_day_twice_must_agree() -> None:
    PriceTable([Price(FRI, "VTI", Decimal("250.1")), Price(FRI, "VTI", Decimal("250.10"))])
    with pytest.raises(ValueError, match="two prices for VTI on 2024-03-01"):
        PriceTable([Price(FRI, "VTI", Decimal("250")), Price(FRI, "VTI", Decimal("251"))])


def test_fast_row_builder_makes_equal_frozen_rows() -> None:
    import pytest as _pytest

    from lotwise.model.lots import Disposal, Term
    from lotwise.model.rows import builder

    values = ("t1", "L1", "a", "X", Decimal(2), date(2020, 1, 2), date(2020, 1, 2),
              date(2021, 3, 4), Decimal(30), Decimal(20), "", Decimal(0), Decimal(10),
              Term.LONG, "sale", True)
    row = builder(Disposal)(values)
    assert row == Disposal(*values)
    with _pytest.raises(ValueError, match="takes 16 values"):
        builder(Disposal)(values[:-1])
