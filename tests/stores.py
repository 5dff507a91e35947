"""The store's two engines, for every test that opens a store: SQLite and PostgreSQL.

A conftest that needs them imports the ``target`` fixture (``tests/store/conftest.py``,
``tests/cli/conftest.py``).

``target`` is a fresh, empty store location: a SQLite file under ``tmp_path``, or a unique
schema in the PostgreSQL server at ``$LOTWISE_TEST_PG_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``), dropped after the test.  When that
server is unreachable the PostgreSQL tests fail, saying how to start it: a store that is
only tested on SQLite is not tested.  ``Target.db`` is the same location as the command
line's ``--db`` takes it, and :func:`take_snapshot` every row of a store.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from lotwise.store import Store, sqlite_url
from lotwise.store.schema import VERSION_TABLE, metadata

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_START = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
NOW = datetime(2025, 1, 15, 12, 30, tzinfo=UTC)


def fixed_clock() -> datetime:
    return NOW


@dataclass(frozen=True)
class Target:
    """Where a test's store lives."""

    engine: str  # "sqlite" or "postgresql"
    url: str
    schema: str | None

    def open(self, **kwargs: Any) -> Store:
        kwargs.setdefault("clock", fixed_clock)
        return Store.open(self.url, schema=self.schema, **kwargs)

    @property
    def db(self) -> str:
        """The store as ``--db`` names it: a URL whose connections use the test's schema."""
        if self.schema is None:
            return self.url
        joiner = "&" if "?" in self.url else "?"
        return f"{self.url}{joiner}options=-csearch_path%3D{self.schema}"


def pg_url() -> str:
    return os.environ.get("LOTWISE_TEST_PG_URL", DEFAULT_PG_URL)


def pg_admin_engine() -> sa.Engine:
    """An engine on the test server, or a test failure saying how to start PostgreSQL."""
    url = pg_url()
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        engine.dispose()
        pytest.fail(
            f"PostgreSQL is not reachable at {url} ({exc.orig}).  The store tests need it: "
            f"start it with `{PG_START}`, or point LOTWISE_TEST_PG_URL at a server.",
            pytrace=False,
        )
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Target]:
    if request.param == "sqlite":
        yield Target("sqlite", sqlite_url(tmp_path / "data" / "lotwise.sqlite"), None)
        return
    admin = pg_admin_engine()
    schema = f"lotwise_test_{uuid.uuid4().hex[:16]}"
    with admin.begin() as conn:
        conn.execute(sa.schema.CreateSchema(schema))
    try:
        yield Target("postgresql", pg_url(), schema)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.schema.DropSchema(schema, cascade=True, if_exists=True))
        admin.dispose()


Snapshot = dict[str, list[tuple[Any, ...]]]


def take_snapshot(store: Store) -> Snapshot:
    """Every row of every store table (and the version table), in key order."""
    result: Snapshot = {}
    with store.engine.connect() as conn:
        for table in metadata.sorted_tables:
            query = sa.select(table).order_by(*table.primary_key.columns)
            result[table.name] = [tuple(row) for row in conn.execute(query)]
        version = sa.table(VERSION_TABLE, sa.column("version_num"), schema=store.schema)
        result[VERSION_TABLE] = [tuple(row) for row in conn.execute(sa.select(version))]
    return result
