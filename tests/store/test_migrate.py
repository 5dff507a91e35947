"""Migrations: a fresh database reaches head, re-opening changes nothing, and the tables
the migrations build are the tables ``lotwise.store.schema`` describes."""

from __future__ import annotations

import pathlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from lotwise.store import Store
from lotwise.store.migrate import alembic_config, current_revision, head_revision
from lotwise.store.schema import VERSION_TABLE, metadata

if TYPE_CHECKING:  # conftest is not importable at run time under --import-mode=importlib
    from tests.stores import Target

TABLES = {table.name for table in metadata.sorted_tables}


@contextmanager
def statements() -> Iterator[list[str]]:
    """Every SQL statement any engine runs inside the block."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement.strip())

    sa.event.listen(sa.Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", record)


def table_names(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        return set(sa.inspect(conn).get_table_names(schema=store.schema))


def test_fresh_database_is_migrated_to_head(target: Target) -> None:
    with target.open() as store:
        assert head_revision() == "0003"
        assert store.revision() == head_revision()
        assert table_names(store) == TABLES | {VERSION_TABLE}
        if target.engine == "postgresql":
            with store.engine.connect() as conn:
                where = conn.execute(
                    sa.text(
                        "SELECT table_schema FROM information_schema.tables "
                        "WHERE table_name = :name"
                    ),
                    {"name": VERSION_TABLE},
                ).scalars()
                assert target.schema in set(where)
                assert current_revision(conn) == "0003"


def test_reopening_is_a_no_op(target: Target) -> None:
    with target.open() as store:
        store.save_household("h", "id = 'h'")
    with statements() as seen, target.open() as store:
        assert store.revision() == head_revision()
        assert store.household_text("h") == "id = 'h'"
    changes = [
        s
        for s in seen
        if s.split()[0].upper() in {"CREATE", "ALTER", "DROP", "INSERT", "UPDATE", "DELETE"}
    ]
    assert changes == []


def test_schema_module_matches_the_migrations(target: Target) -> None:
    with target.open() as store, store.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"compare_type": True, "version_table": VERSION_TABLE},
        )
        assert compare_metadata(context, metadata) == []


def test_downgrade_to_nothing_and_back(target: Target) -> None:
    with target.open() as store:
        with store.engine.begin() as conn:
            command.downgrade(alembic_config(connection=conn), "base")
        assert table_names(store) == {VERSION_TABLE}
        with store.engine.connect() as conn:
            assert current_revision(conn) is None
    with target.open() as store:
        assert table_names(store) == TABLES | {VERSION_TABLE}
        assert store.revision() == head_revision()


def test_concurrent_opens_of_a_fresh_database_migrate_once(target: Target) -> None:
    def open_and_read(_: int) -> str | None:
        with target.open() as store:
            return store.revision()

    with ThreadPoolExecutor(max_workers=4) as pool:
        revisions = list(pool.map(open_and_read, range(4)))
    assert revisions == [head_revision()] * 4


def test_a_store_made_at_0001_upgrades_to_head_keeping_its_rows(tmp_path: pathlib.Path) -> None:
    from lotwise.store.migrate import alembic_config

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(connection=conn), "0001")
        conn.execute(sa.text(
            "INSERT INTO households (household_id, toml_text, saved_at) "
            "VALUES ('h', 'id = \"h\"', '2026-01-01 00:00:00')"))
    engine.dispose()
    with Store.open(url) as store:
        assert store.revision() == head_revision() == "0003"
        assert store.household_text("h") == 'id = "h"'
        columns = {c["name"] for c in sa.inspect(store.engine).get_columns("transactions")}
        assert {"currency", "fx_rate", "source_country", "withholding"} <= columns


def test_a_store_at_0002_gains_the_fx_rates_table_and_keeps_its_prices(target: Target) -> None:
    with target.open() as store, store.engine.begin() as conn:
        command.downgrade(alembic_config(connection=conn), "0002")
        assert "fx_rates" not in sa.inspect(conn).get_table_names(schema=store.schema)
        conn.execute(sa.text(
            "INSERT INTO imports (kind, file_name, added, skipped, imported_at) "
            "VALUES ('prices', 'p.csv', 1, 0, '2026-01-01 00:00:00+00')"))
        conn.execute(sa.text(
            "INSERT INTO prices (symbol, date, price, import_id) "
            "VALUES ('VTI', '2026-01-02', '250.10', 1)"))
    with target.open() as store:
        assert store.revision() == "0003"
        assert "fx_rates" in table_names(store)
        assert [(p.symbol, p.price) for p in store.prices()] == [("VTI", Decimal("250.10"))]
        assert store.fx_rates() == []
