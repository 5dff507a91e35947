"""The store's column types on both dialects: exact decimals and UTC timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from lotwise.store.schema import ExactDecimal, UTCDateTime

DIALECTS: dict[str, Dialect] = {
    "sqlite": sqlite.dialect(),
    "postgresql": postgresql.psycopg.dialect(),  # type: ignore[no-untyped-call]
}


@pytest.fixture(params=sorted(DIALECTS))
def dialect(request: pytest.FixtureRequest) -> Dialect:
    return DIALECTS[request.param]


def test_exact_decimal_column_type(dialect: Dialect) -> None:
    ddl = ExactDecimal().dialect_impl(dialect).compile(dialect=dialect)
    assert ddl == ("TEXT" if dialect.name == "sqlite" else "NUMERIC")


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("1E+2", "100"),
        ("1E-9", "0.000000001"),
        ("1.50", "1.50"),
        ("-0.00", "0.00"),
        ("-12.5", "-12.5"),
    ],
)
def test_exact_decimal_is_written_positionally(dialect: Dialect, value: str, stored: str) -> None:
    bound = ExactDecimal().process_bind_param(Decimal(value), dialect)
    assert bound == (stored if dialect.name == "sqlite" else Decimal(stored))
    if dialect.name != "sqlite":  # same digits and exponent, not only the same value
        assert bound.as_tuple() == Decimal(stored).as_tuple()


def test_exact_decimal_refuses_floats_and_non_finite(dialect: Dialect) -> None:
    kind = ExactDecimal()
    with pytest.raises(TypeError, match="expected a Decimal"):
        kind.process_bind_param(0.1, dialect)  # type: ignore[arg-type]
    for bad in ("NaN", "Infinity", "-Infinity"):
        with pytest.raises(ValueError, match="non-finite"):
            kind.process_bind_param(Decimal(bad), dialect)
    assert kind.process_bind_param(None, dialect) is None


def test_exact_decimal_reads_text_and_numbers(dialect: Dialect) -> None:
    kind = ExactDecimal()
    assert kind.process_result_value("0.10000001", dialect) == Decimal("0.10000001")
    assert kind.process_result_value(Decimal("2.50"), dialect) == Decimal("2.50")
    assert kind.process_result_value(7, dialect) == Decimal(7)
    assert kind.process_result_value(None, dialect) is None


def test_utc_datetime(dialect: Dialect) -> None:
    kind = UTCDateTime()
    local = datetime(2025, 3, 1, 8, 0, tzinfo=timezone(timedelta(hours=-5)))
    bound = kind.process_bind_param(local, dialect)
    if dialect.name == "sqlite":
        assert bound == datetime(2025, 3, 1, 13, 0)  # naive UTC text on SQLite
    else:
        assert bound == local and bound.tzinfo is UTC
    back = kind.process_result_value(bound, dialect)
    assert back == local and back is not None and back.tzinfo is UTC
    with pytest.raises(ValueError, match="timezone-aware"):
        kind.process_bind_param(datetime(2025, 3, 1), dialect)
