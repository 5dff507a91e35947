"""Running the store's Alembic migrations from code.

:meth:`lotwise.store.Store.open` calls :func:`upgrade` on every open; when the database is
already at the head revision that is one query and nothing else.  The migration scripts
live in ``lotwise/store/migrations`` (package data), so no ``alembic.ini`` is needed.

On PostgreSQL the upgrade first takes a transaction-scoped advisory lock, so that several
processes opening the same fresh database at once (an advisor's nightly batch) migrate it
once, one after the other, instead of racing to create the same tables.  On SQLite the
store's write transactions are ``BEGIN IMMEDIATE``, which serialises them the same way.

The version table is :data:`~lotwise.store.schema.VERSION_TABLE`.  Like every other table
it is named without a schema, so on PostgreSQL it lives in the first schema of the
connection's ``search_path``: the store's own schema when one is given.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from lotwise.store.schema import VERSION_TABLE

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(*, connection: sa.Connection | None = None, url: str | None = None) -> Config:
    """An Alembic config for the store's scripts, without an ini file."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision among the store's migration scripts."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migration scripts found in {MIGRATIONS_DIR}")
    return head


def current_revision(connection: sa.Connection) -> str | None:
    """The revision the database is at, or ``None`` for a database never migrated."""
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def advisory_lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``pg_advisory_xact_lock`` from a name."""
    digest = hashlib.blake2b(f"lotwise:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def upgrade(connection: sa.Connection, schema: str | None = None) -> None:
    """Bring the database to the head revision inside ``connection``'s transaction.

    The caller owns the transaction: a failing migration leaves nothing behind once it
    rolls back (PostgreSQL and SQLite both have transactional DDL).  ``schema`` only names
    the advisory lock; the connection's ``search_path`` decides where tables go.
    """
    if connection.dialect.name == "postgresql":
        key = advisory_lock_key(f"migrate:{schema or ''}")
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))
    if current_revision(connection) == head_revision():
        return
    command.upgrade(alembic_config(connection=connection), "head")
