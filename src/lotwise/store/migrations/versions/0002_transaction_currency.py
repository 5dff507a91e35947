"""Transactions keep their currency, exchange rate, source country and withholding.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

The Canadian and UK regimes read four more columns of a transactions file: the row's
currency and its own exchange rate, and a dividend's source country and tax withheld.  The
store keeps them so that a foreign-currency journal imported into the store replays as it
does from the file.  All four are optional, so existing rows need no value.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DECIMAL = sa.Numeric(asdecimal=True).with_variant(sa.Text(), "sqlite")


def upgrade() -> None:
    op.add_column("transactions", sa.Column("currency", sa.Text, nullable=True))
    op.add_column("transactions", sa.Column("fx_rate", DECIMAL, nullable=True))
    op.add_column("transactions", sa.Column("source_country", sa.Text, nullable=True))
    op.add_column("transactions", sa.Column("withholding", DECIMAL, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("transactions") as batch:
        for name in ("withholding", "source_country", "fx_rate", "currency"):
            batch.drop_column(name)
