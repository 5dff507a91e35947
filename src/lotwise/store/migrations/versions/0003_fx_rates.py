"""FX rates: daily exchange rates, shared by all households like prices.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03

A journal in several currencies is replayed with the rate of each row's date (ITA
s.261(2)(b); *Bentley v Pike*), and a plan values holdings at the plan day's rate.  Until
now the rates could only be given as a file on every command; this table keeps them in the
store, imported by ``lotwise import fx`` with the same guarantees as prices: keyed by
(base, quote, date), all rows of a file or none, a second import of the same rows adds
nothing, a different rate for a stored day is refused.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DECIMAL = sa.Numeric(asdecimal=True).with_variant(sa.Text(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "fx_rates",
        sa.Column("base", sa.Text, primary_key=True),
        sa.Column("quote", sa.Text, primary_key=True),
        sa.Column("date", sa.Date, primary_key=True),
        sa.Column("rate", DECIMAL, nullable=False),
        sa.Column(
            "import_id",
            sa.Integer,
            sa.ForeignKey("imports.id", name="fk_fx_rates_import_id"),
            nullable=False,
        ),
    )


def downgrade() -> None:
    op.drop_table("fx_rates")
