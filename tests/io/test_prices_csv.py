"""The prices CSV: date, symbol and closing price, one row per symbol and day."""

from __future__ import annotations

import gc
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from lotwise.errors import InputError, Problem
from lotwise.io import load_household, parse_prices, parse_transactions, read_prices
from lotwise.io.fx_csv import parse_fx
from lotwise.io.prices_csv import RowCells
from lotwise.model.transactions import Price

TODAY = date(2026, 11, 20)
KNOWN = {"VTI", "BND"}


def problems_of(text: str, known: set[str] | None = KNOWN) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        parse_prices(text, "p.csv", today=TODAY, known_symbols=known)
    return list(caught.value.problems)


def test_a_good_file_gives_prices_in_file_order(tmp_path: Path) -> None:
    path = tmp_path / "prices.csv"
    path.write_text("date,symbol,price\n2024-01-02,VTI,230.10\n2024-01-02,BND,72.5\n\n")
    assert read_prices(path, today=TODAY, known_symbols=KNOWN) == [
        Price(date(2024, 1, 2), "VTI", Decimal("230.10")),
        Price(date(2024, 1, 2), "BND", Decimal("72.5")),
    ]


def test_columns_may_come_in_any_order_and_symbols_ignore_case() -> None:
    prices = parse_prices(
        "price,symbol,date\n230.10,vti,2024-01-02\n", "p.csv", today=TODAY, known_symbols=KNOWN
    )
    assert prices == [Price(date(2024, 1, 2), "VTI", Decimal("230.10"))]


def test_without_known_symbols_any_symbol_is_accepted() -> None:
    (price,) = parse_prices("date,symbol,price\n2024-01-02,XYZ,1\n", "p.csv", today=TODAY)
    assert price.symbol == "XYZ"


def test_a_repeated_identical_row_is_read_once() -> None:
    text = "date,symbol,price\n2024-01-02,VTI,230.10\n2024-01-02,VTI,230.1\n"
    assert len(parse_prices(text, "p.csv", today=TODAY)) == 1


def test_two_prices_for_the_same_day_are_a_problem() -> None:
    text = "date,symbol,price\n2024-01-02,VTI,230.10\n2024-01-02,VTI,231.00\n"
    (problem,) = problems_of(text)
    assert (problem.source.row, problem.field) == (3, "price")
    assert problem.message == "VTI on 2024-01-02 has two prices: 230.10 (row 2) and 231.00"
    assert problem.fix == "keep one row per symbol and date"


@pytest.mark.parametrize("price", ["0", "-1"])
def test_a_price_must_be_more_than_zero(price: str) -> None:
    (problem,) = problems_of(f"date,symbol,price\n2024-01-02,VTI,{price}\n")
    assert problem.field == "price"
    assert problem.message == f"the price must be more than zero, got {price}"


def test_an_unknown_symbol_when_the_symbols_are_known() -> None:
    (problem,) = problems_of("date,symbol,price\n2024-01-02,VTII,1\n")
    assert problem.field == "symbol"
    assert problem.message == "unknown symbol 'VTII' (did you mean 'VTI'?)"


def test_every_problem_is_reported_with_its_row() -> None:
    text = (
        "date,symbol,price\n"
        "2024-01-02,VTI,abc\n"
        "2027-01-04,VTI,1\n"
        "01/02/2024,BND,1\n"
        "2024-01-02,BND,\n"
    )
    found = [(p.source.row, p.field) for p in problems_of(text)]
    assert found == [(2, "price"), (3, "date"), (4, "date"), (5, "price")]


def test_a_file_without_its_header_is_reported() -> None:
    (problem,) = problems_of("2024-01-02,VTI,230.10\n")
    assert problem.source.row == 1
    assert problem.fix == "add the header line date,symbol,price as the first line of the file"


def test_an_empty_file_is_reported() -> None:
    (problem,) = problems_of("")
    assert problem.message == "the file is empty"


FILES = {
    "prices": ("date,symbol,price\n2024-01-02,VTI,236.07\n2024-01-03,VTI,233.9\n",
               lambda text: parse_prices(text, "p.csv", today=TODAY)),
    "fx": ("date,base,quote,rate\n2024-01-02,USD,CAD,1.33\n2024-01-03,USD,CAD,1.34\n",
           lambda text: parse_fx(text, "fx.csv", today=TODAY)),
    "transactions": (
        "date,account,action,symbol,quantity,price,fees,amount,lot,id,memo\n"
        "2024-01-02,joint,deposit,,,,,100,,,\n2024-01-03,joint,deposit,,,,,200,,,\n",
        lambda text: parse_transactions(text, "t.csv", TRANSACTIONS_HOUSEHOLD, today=TODAY)),
}
TRANSACTIONS_HOUSEHOLD = load_household(Path(__file__).parent / "fixtures" / "household.toml")


@pytest.mark.parametrize("kind", sorted(FILES))
def test_files_are_read_with_the_collector_paused_and_leave_it_running(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text, read = FILES[kind]
    collecting: list[bool] = []
    real = RowCells.date

    def spy(self: RowCells, column: str, *, today: date) -> date | None:
        collecting.append(gc.isenabled())
        return real(self, column, today=today)

    monkeypatch.setattr(RowCells, "date", spy)
    assert len(read(text)) == 2
    assert collecting == [False, False] and gc.isenabled()
    with pytest.raises(InputError):
        read(text.replace("2024-01-03", "2024-13-03"))
    assert gc.isenabled()
