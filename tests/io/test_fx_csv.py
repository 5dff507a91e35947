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
