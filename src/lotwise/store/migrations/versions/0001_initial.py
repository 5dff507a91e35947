"""Initial schema: households, imports, transactions, prices, book snapshot, carryforwards, plans.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Self-contained on purpose: a revision describes the tables as they were when it was
written, so it does not import ``lotwise.store.schema`` (which describes them as they are
now).  Exact decimals are ``NUMERIC`` on PostgreSQL and ``TEXT`` on SQLite, as explained
in that module.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DECIMAL = sa.Numeric(asdecimal=True).with_variant(sa.Text(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "households",
        sa.Column("household_id", sa.Text, primary_key=True),
        sa.Column("toml_text", sa.Text, nullable=False),
        sa.Column("saved_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("household_id", sa.Text, nullable=True),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("file_sha256", sa.Text, nullable=True),
        sa.Column("added", sa.Integer, nullable=False),
        sa.Column("skipped", sa.Integer, nullable=False),
        sa.Column("imported_at", TIMESTAMP, nullable=False),
    )
    op.create_index("ix_imports_household_id", "imports", ["household_id"])
    op.create_table(
        "transactions",
        sa.Column("household_id", sa.Text, primary_key=True),
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("symbol", sa.Text, nullable=True),
        sa.Column("quantity", DECIMAL, nullable=True),
        sa.Column("price", DECIMAL, nullable=True),
        sa.Column("fees", DECIMAL, nullable=False),
        sa.Column("amount", DECIMAL, nullable=True),
        sa.Column("lots", sa.Text, nullable=False),
        sa.Column("method", sa.Text, nullable=True),
        sa.Column("to_account", sa.Text, nullable=True),
        sa.Column("memo", sa.Text, nullable=False),
        sa.Column("source_file", sa.Text, nullable=True),
        sa.Column("source_row", sa.Integer, nullable=True),
        sa.Column(
            "import_id",
            sa.Integer,
            sa.ForeignKey("imports.id", name="fk_transactions_import_id"),
            nullable=False,
        ),
        sa.UniqueConstraint("household_id", "seq", name="uq_transactions_household_seq"),
    )
    op.create_table(
        "prices",
        sa.Column("symbol", sa.Text, primary_key=True),
        sa.Column("date", sa.Date, primary_key=True),
        sa.Column("price", DECIMAL, nullable=False),
        sa.Column(
            "import_id",
            sa.Integer,
            sa.ForeignKey("imports.id", name="fk_prices_import_id"),
            nullable=False,
        ),
    )
    op.create_index("ix_prices_date", "prices", ["date"])
    op.create_table(
        "book_snapshots",
        sa.Column("household_id", sa.Text, primary_key=True),
        sa.Column("as_of", sa.Date, nullable=True),
        sa.Column("saved_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "lots",
        sa.Column("household_id", sa.Text, primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("lot_id", sa.Text, nullable=False),
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("symbol", sa.Text, nullable=False),
        sa.Column("quantity", DECIMAL, nullable=False),
        sa.Column("basis", DECIMAL, nullable=False),
        sa.Column("acquired", sa.Date, nullable=False),
        sa.Column("holding_start", sa.Date, nullable=False),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("wash_adjustment", DECIMAL, nullable=False),
    )
    op.create_table(
        "disposals",
        sa.Column("household_id", sa.Text, primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("txn_id", sa.Text, nullable=False),
        sa.Column("lot_id", sa.Text, nullable=False),
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("symbol", sa.Text, nullable=False),
        sa.Column("quantity", DECIMAL, nullable=False),
        sa.Column("acquired", sa.Date, nullable=False),
        sa.Column("holding_start", sa.Date, nullable=False),
        sa.Column("sold", sa.Date, nullable=False),
        sa.Column("proceeds", DECIMAL, nullable=False),
        sa.Column("basis", DECIMAL, nullable=False),
        sa.Column("adjustment_code", sa.Text, nullable=False),
        sa.Column("adjustment", DECIMAL, nullable=False),
        sa.Column("gain", DECIMAL, nullable=False),
        sa.Column("term", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("reportable", sa.Boolean, nullable=False),
    )
    op.create_table(
        "wash_sales",
        sa.Column("household_id", sa.Text, primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("loss_txn_id", sa.Text, nullable=False),
        sa.Column("loss_lot_id", sa.Text, nullable=False),
        sa.Column("sold", sa.Date, nullable=False),
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("symbol", sa.Text, nullable=False),
        sa.Column("quantity", DECIMAL, nullable=False),
        sa.Column("disallowed", DECIMAL, nullable=False),
        sa.Column("replacement_lot_id", sa.Text, nullable=False),
        sa.Column("replacement_account", sa.Text, nullable=False),
        sa.Column("replacement_symbol", sa.Text, nullable=False),
        sa.Column("replacement_acquired", sa.Date, nullable=False),
        sa.Column("permanent", sa.Boolean, nullable=False),
    )
    op.create_table(
        "carryforwards",
        sa.Column("household_id", sa.Text, primary_key=True),
        sa.Column("tax_unit", sa.Text, primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("short_term", DECIMAL, nullable=False),
        sa.Column("long_term", DECIMAL, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("household_id", sa.Text, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("inputs_hash", sa.Text, nullable=False),
        sa.Column("policy_json", sa.Text, nullable=False),
        sa.Column("trades_json", sa.Text, nullable=False),
        sa.Column("reasons_json", sa.Text, nullable=False),
    )
    op.create_index("ix_plans_household_id", "plans", ["household_id"])


def downgrade() -> None:
    op.drop_index("ix_plans_household_id", table_name="plans")
    op.drop_table("plans")
    op.drop_table("carryforwards")
    op.drop_table("wash_sales")
    op.drop_table("disposals")
    op.drop_table("lots")
    op.drop_table("book_snapshots")
    op.drop_index("ix_prices_date", table_name="prices")
    op.drop_table("prices")
    op.drop_table("transactions")
    op.drop_index("ix_imports_household_id", table_name="imports")
    op.drop_table("imports")
    op.drop_table("households")
