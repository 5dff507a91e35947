"""Loaders: distributions recovered from Adj Close, splits, the aligned market."""

from __future__ import annotations

from datetime import date

import pytest

from lotwise.backtest.data import Market, Series, read_sp500, read_yahoo_csv, resolve_data_dir
from lotwise.errors import InputError

from .conftest import FIXTURES, SHARED_DATA


def test_fund_file_drops_the_null_row_and_recovers_each_distribution() -> None:
    s = read_yahoo_csv(FIXTURES / "VTSMX_2023.csv", "VTSMX")
    assert s.first == date(2023, 1, 3) and s.last == date(2023, 12, 29)  # null row dropped
    assert len(s.dates) == 250
    # quarterly dividends of 2023: Close the day before times the jump of Adj Close / Close
    assert {d: round(v, 3) for d, v in s.dividends.items()} == {
        date(2023, 3, 22): 0.356,
        date(2023, 6, 22): 0.374,
        date(2023, 9, 20): 0.359,
        date(2023, 12, 20): 0.457,
    }


def test_bond_fund_pays_monthly() -> None:
    s = read_yahoo_csv(FIXTURES / "VBMFX_2023.csv", "VBMFX")
    assert len(s.dividends) == 12
    assert round(s.dividends[date(2023, 12, 29)], 3) == 0.027


@pytest.mark.parametrize("name", ["VTSMX_2023", "VBMFX_2023", "VTI_2022"])
def test_close_plus_dividends_rebuilds_the_adjusted_growth(name: str) -> None:
    s = read_yahoo_csv(FIXTURES / f"{name}.csv")
    assert s.total_return_growth() == pytest.approx(s.annualized_growth(), abs=0.0005)


def test_etf_cut_growth() -> None:
    s = read_yahoo_csv(FIXTURES / "VTI_2022.csv", "VTI")
    assert s.annualized_growth() == pytest.approx(-0.2024, abs=0.0005)


def test_stock_file_split_and_dividend() -> None:
    stocks = read_sp500(FIXTURES / "sp500_2020q3.csv")
    aapl = stocks["AAPL"]
    assert aapl.splits == {date(2020, 8, 31): 4.0}
    assert aapl.dividends == {date(2020, 8, 7): 0.82}
    assert aapl.total_return_growth() == pytest.approx(aapl.annualized_growth(), rel=1e-6)
    only = read_sp500(FIXTURES / "sp500_2020q3.csv", ["MSFT"], date(2020, 8, 1),
                      date(2020, 8, 31))
    assert list(only) == ["MSFT"]
    assert only["MSFT"].first == date(2020, 8, 3) and only["MSFT"].last == date(2020, 8, 31)


def test_market_total_return_crosses_the_split() -> None:
    m = Market(read_sp500(FIXTURES / "sp500_2020q3.csv"))
    i = m.index[date(2020, 8, 31)]
    assert m.splits["AAPL"] == {i: 4.0}
    assert m.tr["AAPL"][i] / m.tr["AAPL"][i - 1] == pytest.approx(129.04 * 4 / 499.23)


def test_market_carries_a_close_forward_and_is_nan_outside_a_series() -> None:
    a = read_yahoo_csv(FIXTURES / "VTSMX_2023.csv", "VTSMX").between(
        date(2023, 7, 1), date(2023, 7, 7))
    b = read_yahoo_csv(FIXTURES / "VBMFX_2023.csv", "VBMFX").between(
        date(2023, 7, 5), date(2023, 7, 10))
    gap = Series("C", (a.dates[0], a.dates[-1]), (1.0, 2.0))
    m = Market({"A": a, "B": b, "C": gap})
    assert [d.day for d in m.calendar] == [3, 5, 6, 7, 10]
    assert m.close["B"][0] != m.close["B"][0]  # nan before its first row
    assert m.close["A"][-1] != m.close["A"][-1]  # nan after its last row
    assert m.close["C"][:4] == [1.0, 1.0, 1.0, 2.0]  # carried forward over the gap
    assert m.available("A", 0) and not m.available("B", 0)


def test_missing_file_is_an_input_error_with_a_fix() -> None:
    with pytest.raises(InputError, match="data folder"):
        read_yahoo_csv(FIXTURES / "nope.csv")


def test_data_dir_default_and_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOTWISE_BACKTEST_DATA", raising=False)
    assert str(resolve_data_dir()) == "../shared/data"
    monkeypatch.setenv("LOTWISE_BACKTEST_DATA", "/x")
    assert str(resolve_data_dir()) == "/x"
    assert str(resolve_data_dir("/y")) == "/y"


@pytest.mark.slow
@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="shared data not present")
@pytest.mark.parametrize(
    ("path", "growth"),
    [("funds/VTSMX.csv", 0.101), ("funds/VBMFX.csv", 0.050), ("etfs/VTI.csv", 0.081),
     ("funds/VGSIX.csv", 0.087), ("funds/VTMGX.csv", 0.045)],
)
def test_real_files_reproduce_the_readme_growth(path: str, growth: float) -> None:
    s = read_yahoo_csv(SHARED_DATA / path)
    assert s.annualized_growth() == pytest.approx(growth, abs=0.0006)
    assert s.total_return_growth() == pytest.approx(growth, abs=0.0006)
