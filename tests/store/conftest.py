"""Fixtures of the store tests, which run every case on both engines (``target``, from
:mod:`tests.stores`): the store itself, a snapshot of every table, and a failure injected
into a write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from tests.stores import Snapshot, Target, take_snapshot, target

from lotwise.store import Store

__all__ = ["target"]  # the fixture, for the tests of this folder


@pytest.fixture
def store(target: Target) -> Iterator[Store]:
    with target.open() as opened:
        yield opened


@pytest.fixture
def snapshot() -> Callable[[Store], Snapshot]:
    return take_snapshot


class Boom(RuntimeError):
    """The failure injected into a write."""


@pytest.fixture
def fail_on_insert() -> Iterator[Callable[[Store, str, int], list[str]]]:
    """Make the ``nth`` INSERT into ``table`` raise :class:`Boom`; returns the statements seen.

    Listens on the store's engine, so it fires inside the store's own transaction, after
    the earlier statements of that transaction have run.
    """
    installed: list[tuple[sa.Engine, Callable[..., None]]] = []

    def install(store: Store, table: str, nth: int) -> list[str]:
        seen: list[str] = []

        def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()} "):
                seen.append(statement)
                if len(seen) == nth:
                    raise Boom(f"injected failure on INSERT #{nth} into {table}")

        sa.event.listen(store.engine, "before_cursor_execute", before)
        installed.append((store.engine, before))
        return seen

    yield install
    for engine, listener in installed:
        sa.event.remove(engine, "before_cursor_execute", listener)
