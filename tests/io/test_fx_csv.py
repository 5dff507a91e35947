"""The FX rates reader gives, with the rates, the row each was read from."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from lotwise.errors import InputError, Source
from lotwise.fx import FxRate
from lotwise.io.fx_csv import parse_fx, parse_fx_with_sources, read_fx_with_sources

TODAY = date(2026, 11, 20)
TEXT = ("date,base,quote,rate\n"
        "2024-03-01,USD,CAD,1.3576\n"
        "\n"
        "2024-03-01,USD,CAD,1.3576\n"  # the same row again: read once
        "2024-03-04,gbp,usd,1.2623\n")


def test_every_rate_comes_with_its_file_and_row() -> None:
    rates, sources = parse_fx_with_sources(TEXT, "fx.csv", today=TODAY)
    assert rates == [FxRate(date(2024, 3, 1), "USD", "CAD", Decimal("1.3576")),
                     FxRate(date(2024, 3, 4), "GBP", "USD", Decimal("1.2623"))]
    assert sources == [Source("fx.csv", 2), Source("fx.csv", 5)]
    assert parse_fx(TEXT, "fx.csv", today=TODAY) == rates


def test_reading_a_file_names_it(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(TEXT)
    rates, sources = read_fx_with_sources(path, today=TODAY)
    assert len(rates) == 2 and sources[1] == Source(str(path), 5)
    path.write_text("date,base,quote,rate\n2024-03-01,USD,CAD,-1\n")
    with pytest.raises(InputError, match=r"rates\.csv:2 field 'rate'"):
        read_fx_with_sources(path, today=TODAY)


def test_a_pair_and_its_inverse_that_disagree_name_both_rows_and_values() -> None:
    text = ("date,base,quote,rate\n"
            "2024-03-01,USD,CAD,1.3576\n"
            "2024-03-01,CAD,USD,0.7500\n"  # 1.3576 x 0.75 = 1.0182: 1.8 % off
            "2024-03-04,USD,CAD,1.3580\n"
            "2024-03-04,CAD,USD,0.7364\n")  # 1.3580 x 0.7364 = 1.00003: agrees
    with pytest.raises(InputError) as caught:
        parse_fx(text, "fx.csv", today=TODAY)
    (problem,) = caught.value.problems
    assert problem.source == Source("fx.csv", 3) and problem.field == "rate"
    assert problem.message == ("CAD/USD 0.7500 and USD/CAD 1.3576 (row 2) on 2024-03-01 "
                               "disagree: their product is 1.0182, not 1 within 0.5 %")
    assert "keep one of the two rows" in problem.fix
    assert "one CAD buys 0.7500 USD" in problem.fix


def test_a_pair_and_its_inverse_within_half_a_percent_are_both_read() -> None:
    text = ("date,base,quote,rate\n"
            "2024-03-01,GBP,USD,1.2623\n"
            "2024-03-01,USD,GBP,0.7900\n")  # 1.2623 x 0.79 = 0.99722
    assert len(parse_fx(text, "fx.csv", today=TODAY)) == 2
