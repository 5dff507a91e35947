"""The store's tables, as SQLAlchemy Core metadata, and the two column types they need.

One schema serves SQLite (the embedded default) and PostgreSQL.  The tables are created
and changed only by the Alembic migrations in ``lotwise/store/migrations/versions``; this
module describes the same tables for queries, and a test compares the two so they cannot
drift apart.

Exact numbers
    Money and quantities are :class:`~decimal.Decimal` and must come back exactly as they
    went in.  :class:`ExactDecimal` stores them as PostgreSQL ``NUMERIC`` with no precision
    or scale (arbitrary precision, scale kept: ``1.50`` stays ``1.50``) and as SQLite
    ``TEXT`` in plain positional notation (SQLite's own ``NUMERIC`` affinity would turn
    them into 8-byte floats).  Both engines therefore return the same digits: a value is
    written as ``format(value, "f")``, so ``Decimal("1E+2")`` is stored and read back as
    ``Decimal("100")`` on both.  SQLite still does arithmetic on such text
    (``SELECT sum(quantity) FROM lots`` works, in floating point); exact sums belong in
    Python or PostgreSQL.

Times
    :class:`UTCDateTime` takes timezone-aware datetimes, stores UTC (PostgreSQL
    ``timestamptz``; SQLite ISO text without an offset) and returns aware UTC datetimes.

Dates are SQL ``DATE`` (ISO ``YYYY-MM-DD`` text on SQLite, which sorts correctly), enums
are their string values, and specific-identification lot picks are JSON text.

Tables (keys in brackets)
    ``households`` [household_id]: the household's TOML text, verbatim.
    ``imports`` [id]: one row per import batch that added rows.
    ``transactions`` [household_id, id]: the journal; unique (household_id, seq).
    ``prices`` [symbol, date]: closing prices, shared by all households.
    ``fx_rates`` [base, quote, date]: exchange rates, shared by all households.
    ``book_snapshots`` [household_id], ``lots``, ``disposals``, ``wash_sales``
    [household_id, position]: the last saved replay, derived data for SQL users.
    ``carryforwards`` [household_id, tax_unit, year]: capital-loss carryforwards.
    ``plans`` [id]: the decision log.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

#: Alembic's version table.  Named for lotwise so that a PostgreSQL database shared with
#: other Alembic-managed applications keeps one version table each.
VERSION_TABLE = "lotwise_alembic_version"


class ExactDecimal(sa.types.TypeDecorator[Decimal]):
    """A Decimal stored exactly: ``NUMERIC`` on PostgreSQL, ``TEXT`` on SQLite."""

    impl = sa.Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.Text())
        return dialect.type_descriptor(sa.Numeric(asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"expected a Decimal, got {type(value).__name__}: {value!r}")
        if not value.is_finite():
            raise ValueError(f"cannot store a non-finite number: {value!r}")
        if value.is_zero():
            value = value.copy_abs()  # PostgreSQL has no negative zero
        text = format(value, "f")
        return text if dialect.name == "sqlite" else Decimal(text)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, Decimal):
            return value
        return Decimal(str(value))


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """An aware datetime stored in UTC and returned as an aware UTC datetime."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"timestamps must be timezone-aware, got {value!r}")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


metadata = sa.MetaData()


def _id(name: str, **kwargs: Any) -> sa.Column[str]:
    return sa.Column(name, sa.Text, **kwargs)


households = sa.Table(
    "households",
    metadata,
    _id("household_id", primary_key=True),
    sa.Column("toml_text", sa.Text, nullable=False),
    sa.Column("saved_at", UTCDateTime, nullable=False),
)

imports = sa.Table(
    "imports",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.Text, nullable=False),  # "transactions", "prices" or "fx"
    _id("household_id", nullable=True),  # None for prices and rates, which all households share
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("file_sha256", sa.Text, nullable=True),
    sa.Column("added", sa.Integer, nullable=False),
    sa.Column("skipped", sa.Integer, nullable=False),
    sa.Column("imported_at", UTCDateTime, nullable=False),
    sa.Index("ix_imports_household_id", "household_id"),
)

transactions = sa.Table(
    "transactions",
    metadata,
    _id("household_id", primary_key=True),
    _id("id", primary_key=True),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("date", sa.Date, nullable=False),
    _id("account", nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    _id("symbol", nullable=True),
    sa.Column("quantity", ExactDecimal, nullable=True),
    sa.Column("price", ExactDecimal, nullable=True),
    sa.Column("fees", ExactDecimal, nullable=False),
    sa.Column("amount", ExactDecimal, nullable=True),
    sa.Column("lots", sa.Text, nullable=False),  # JSON: [{"lot_id": ..., "quantity": ...}]
    sa.Column("method", sa.Text, nullable=True),
    _id("to_account", nullable=True),
    sa.Column("memo", sa.Text, nullable=False),
    sa.Column("source_file", sa.Text, nullable=True),
    sa.Column("source_row", sa.Integer, nullable=True),
    sa.Column(
        "import_id",
        sa.Integer,
        sa.ForeignKey("imports.id", name="fk_transactions_import_id"),
        nullable=False,
    ),
    # Migration 0002: the row's currency and rate, a dividend's source and withholding.
    sa.Column("currency", sa.Text, nullable=True),
    sa.Column("fx_rate", ExactDecimal, nullable=True),
    sa.Column("source_country", sa.Text, nullable=True),
    sa.Column("withholding", ExactDecimal, nullable=True),
    sa.UniqueConstraint("household_id", "seq", name="uq_transactions_household_seq"),
)

prices = sa.Table(
    "prices",
    metadata,
    _id("symbol", primary_key=True),
    sa.Column("date", sa.Date, primary_key=True),
    sa.Column("price", ExactDecimal, nullable=False),
    sa.Column(
        "import_id",
        sa.Integer,
        sa.ForeignKey("imports.id", name="fk_prices_import_id"),
        nullable=False,
    ),
    sa.Index("ix_prices_date", "date"),
)

# Migration 0003: one unit of ``base`` is worth ``rate`` units of ``quote`` on ``date``.
fx_rates = sa.Table(
    "fx_rates",
    metadata,
    sa.Column("base", sa.Text, primary_key=True),
    sa.Column("quote", sa.Text, primary_key=True),
    sa.Column("date", sa.Date, primary_key=True),
    sa.Column("rate", ExactDecimal, nullable=False),
    sa.Column(
        "import_id",
        sa.Integer,
        sa.ForeignKey("imports.id", name="fk_fx_rates_import_id"),
        nullable=False,
    ),
)

book_snapshots = sa.Table(
    "book_snapshots",
    metadata,
    _id("household_id", primary_key=True),
    sa.Column("as_of", sa.Date, nullable=True),
    sa.Column("saved_at", UTCDateTime, nullable=False),
)

lots = sa.Table(
    "lots",
    metadata,
    _id("household_id", primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    _id("lot_id", nullable=False),
    _id("account", nullable=False),
    _id("symbol", nullable=False),
    sa.Column("quantity", ExactDecimal, nullable=False),
    sa.Column("basis", ExactDecimal, nullable=False),
    sa.Column("acquired", sa.Date, nullable=False),
    sa.Column("holding_start", sa.Date, nullable=False),
    _id("origin", nullable=False),
    sa.Column("wash_adjustment", ExactDecimal, nullable=False),
)

disposals = sa.Table(
    "disposals",
    metadata,
    _id("household_id", primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    _id("txn_id", nullable=False),
    _id("lot_id", nullable=False),
    _id("account", nullable=False),
    _id("symbol", nullable=False),
    sa.Column("quantity", ExactDecimal, nullable=False),
    sa.Column("acquired", sa.Date, nullable=False),
    sa.Column("holding_start", sa.Date, nullable=False),
    sa.Column("sold", sa.Date, nullable=False),
    sa.Column("proceeds", ExactDecimal, nullable=False),
    sa.Column("basis", ExactDecimal, nullable=False),
    sa.Column("adjustment_code", sa.Text, nullable=False),
    sa.Column("adjustment", ExactDecimal, nullable=False),
    sa.Column("gain", ExactDecimal, nullable=False),
    sa.Column("term", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("reportable", sa.Boolean, nullable=False),
)

wash_sales = sa.Table(
    "wash_sales",
    metadata,
    _id("household_id", primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    _id("loss_txn_id", nullable=False),
    _id("loss_lot_id", nullable=False),
    sa.Column("sold", sa.Date, nullable=False),
    _id("account", nullable=False),
    _id("symbol", nullable=False),
    sa.Column("quantity", ExactDecimal, nullable=False),
    sa.Column("disallowed", ExactDecimal, nullable=False),
    _id("replacement_lot_id", nullable=False),
    _id("replacement_account", nullable=False),
    _id("replacement_symbol", nullable=False),
    sa.Column("replacement_acquired", sa.Date, nullable=False),
    sa.Column("permanent", sa.Boolean, nullable=False),
)

carryforwards = sa.Table(
    "carryforwards",
    metadata,
    _id("household_id", primary_key=True),
    _id("tax_unit", primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("short_term", ExactDecimal, nullable=False),
    sa.Column("long_term", ExactDecimal, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
)

plans = sa.Table(
    "plans",
    metadata,
    _id("id", primary_key=True),
    _id("household_id", nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("inputs_hash", sa.Text, nullable=False),
    sa.Column("policy_json", sa.Text, nullable=False),
    sa.Column("trades_json", sa.Text, nullable=False),
    sa.Column("reasons_json", sa.Text, nullable=False),
    sa.Index("ix_plans_household_id", "household_id"),
)

#: Tables holding one household's rows, in an order safe for deleting them.
HOUSEHOLD_TABLES: tuple[sa.Table, ...] = (
    transactions,
    imports,
    lots,
    disposals,
    wash_sales,
    book_snapshots,
    carryforwards,
    plans,
    households,
)
