"""The store: households' journals, prices, FX rates and derived books, SQLite or PostgreSQL.

:class:`Store` is a thin layer over SQLAlchemy Core.  Every public method is one database
transaction, so each either happens completely or not at all; :meth:`Store.atomic` makes
several calls one transaction.  What is stored:

* the household definition, as its TOML text, verbatim;
* the journal (:class:`~lotwise.model.transactions.Transaction`), prices and FX rates
  (:class:`~lotwise.fx.FxRate`): the inputs, the book of record's source of truth;
* the replayed book (open lots, disposals, wash sales), capital-loss carryforwards and the
  plan log: derived or decided data kept for reports, SQL users and audit.

Idempotent imports
    A transaction is identified by ``(household_id, id)``; its *content* is every field
    except ``seq`` (its place in one particular file) and ``source`` (which file and row
    it was read from).  Importing a batch compares each row with what is stored:

    * id not stored yet: added;
    * same id, same content: skipped (the same file, or an overlapping broker export);
    * same id, different content: a :class:`~lotwise.errors.InputError` naming the file,
      row and field ``id``, with every such row reported at once, and nothing written.

    Importing the same file twice therefore adds nothing the second time, and a batch
    that adds nothing writes nothing at all (not even an ``imports`` row).  Decimals are
    compared by value, so ``1.0`` and ``1.00`` are the same content.  Prices and FX rates
    work the same way, keyed by ``(symbol, date)`` and ``(base, quote, date)``.  They are
    market data, shared by every household of the store: one price per symbol and day, so
    two listings under one ticker (SHOP in New York and in Toronto) need a symbol each.

    Worked example: ``a.csv`` holds rows ``t1, t2``; importing it gives ``added=2``.
    ``b.csv`` holds ``t2, t3`` with ``t2`` unchanged: ``added=1, skipped=1``.  ``c.csv``
    holds ``t3`` with another quantity: ``InputError("c.csv:2 field 'id': ...")`` and the
    store still holds exactly ``t1, t2, t3``.

Atomicity
    A batch is checked completely before anything is written; then the ``imports`` row
    and all its transactions are inserted with bulk ``executemany`` calls inside the same
    transaction.  Any failure, including one halfway through the inserts, rolls the whole
    batch back.  On PostgreSQL, writers to one household take a transaction-scoped
    advisory lock, so two concurrent imports of the same file cannot both decide a row is
    new.  On SQLite, write transactions start with ``BEGIN IMMEDIATE`` (lotwise takes over
    transaction control from the ``sqlite3`` module, which would otherwise begin only at
    the first INSERT), which serialises writers the same way; reads run in deferred
    transactions and, with write-ahead logging, do not block writers.

    Work that spans several calls, such as importing a file and saving the book replayed
    from the journal it completes, runs inside ``with store.atomic() as tx:``: every call
    on ``tx`` uses one connection and one transaction, reads see the block's own writes,
    and an exception anywhere in the block (a replay that fails, say) rolls all of it
    back.

Planner statistics (PostgreSQL)
    An import looks its rows up among the stored ones by key, 500 keys at a time
    (``WHERE household_id = ... AND id IN (...)``).  PostgreSQL picks the index for that
    from the table's statistics, which it refreshes in the background only some time
    after a bulk load; until then it may read every row of the household for each chunk
    and compare it with all 500 keys.  Importing 100,000 rows again right after they were
    first imported took 261 s that way, and 2.7 s once the statistics were current
    (``benchmarks/bench_store.py``, docs/benchmarks.md).  So
    an import that adds at least :data:`ANALYZE_AFTER` rows runs ``ANALYZE`` on the table
    before it commits, as the PostgreSQL manual advises after a bulk load ("Populating a
    Database", section 14.4.8 "Run ANALYZE Afterwards").  SQLite plans these lookups
    by its primary-key index without statistics.

Ordering
    ``seq`` orders same-day rows (replay sorts by ``(date, seq)``) and is unique within a
    household.  A reader numbering a new file's rows should start at :meth:`Store.next_seq`;
    rows that are skipped simply leave gaps.

Clock
    Timestamps (``imports.imported_at``, ``saved_at``) come from the ``clock`` given to
    :meth:`Store.open`, defaulting to the UTC wall clock, or from an explicit argument.
    Nothing else in the store depends on the time.

The store depends on :mod:`lotwise.model` and :class:`lotwise.fx.FxRate` only;
:class:`~lotwise.ledger.book.Book` is used as an annotation and read through its attributes.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

import platformdirs
import sqlalchemy as sa
from sqlalchemy import event

from lotwise.errors import InputError, Problem, Source
from lotwise.fx import FxRate
from lotwise.gcpause import collector_paused
from lotwise.model.lots import Disposal, OpenLot, Term, WashSale
from lotwise.model.transactions import Action, LotPick, Price, Transaction
from lotwise.store import migrate
from lotwise.store import schema as t
from lotwise.store.records import (
    BookNotFoundError,
    BookRows,
    CarryforwardRow,
    HouseholdNotFoundError,
    ImportResult,
    PlanNotFoundError,
    PlanRecord,
)

if TYPE_CHECKING:
    from lotwise.ledger.book import Book

Clock = Callable[[], datetime]

#: Environment variable naming the store: a SQLAlchemy URL, or a path to a SQLite file.
ENV_VAR = "LOTWISE_DB"
DEFAULT_FILE_NAME = "lotwise.sqlite"

_WRITE_OPTION = "lotwise_write"
_INSERT_CHUNK = 1000  # rows per executemany call
_LOOKUP_CHUNK = 500  # keys per IN (...) lookup; well under SQLite's bound-parameter limit
#: Rows an import must add for PostgreSQL's planner statistics of the table to be refreshed
#: (see "Planner statistics" above).
ANALYZE_AFTER = 1000
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}\Z")  # PostgreSQL folds unquoted names
_SUPPORTED_DIALECTS = ("sqlite", "postgresql")

_T = TypeVar("_T")


def _utc_now() -> datetime:
    return datetime.now(UTC)


def sqlite_url(path: str | os.PathLike[str]) -> str:
    """The SQLAlchemy URL of a SQLite file at ``path`` (made absolute)."""
    return "sqlite:///" + str(Path(path).expanduser().resolve())


def default_store_url() -> str:
    """Where the store lives unless told otherwise.

    ``$LOTWISE_DB`` when set (a SQLAlchemy URL, or a path to a SQLite file); otherwise
    ``lotwise.sqlite`` in the user data directory (``platformdirs.user_data_dir("lotwise")``,
    for example ``~/.local/share/lotwise`` on Linux).
    """
    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        return override if "://" in override else sqlite_url(override)
    directory = Path(platformdirs.user_data_dir("lotwise", appauthor=False))
    return sqlite_url(directory / DEFAULT_FILE_NAME)


class Store:
    """Persistent storage for households, journals, prices, books, carryforwards and plans.

    Open with :meth:`Store.open`; use as a context manager or call :meth:`close`.
    """

    def __init__(self, engine: sa.Engine, *, schema: str | None, clock: Clock) -> None:
        """Wrap an engine already configured and migrated by :meth:`open`."""
        self._engine = engine
        self._write_engine = engine.execution_options(**{_WRITE_OPTION: True})
        self._schema = schema
        self._clock = clock

    # -- opening and closing -------------------------------------------------------------

    @classmethod
    def open(
        cls,
        url: str,
        *,
        schema: str | None = None,
        clock: Clock | None = None,
        engine_options: Mapping[str, Any] | None = None,
    ) -> Store:
        """Open the store at ``url``, creating it and migrating it to the newest schema.

        ``url`` is a SQLAlchemy URL: ``sqlite:///path/to/file.sqlite`` (parent directories
        are created), ``sqlite://`` for a private in-memory store, or
        ``postgresql+psycopg://user@host/dbname``.  ``schema`` (PostgreSQL only) keeps
        every table, including Alembic's version table, in that schema, creating it if
        needed.  ``clock`` returns aware datetimes for ``saved_at``/``imported_at``
        columns.  ``engine_options`` go to :func:`sqlalchemy.create_engine`.
        """
        parsed = sa.make_url(url)
        dialect = parsed.get_backend_name()
        if dialect not in _SUPPORTED_DIALECTS:
            raise ValueError(
                f"unsupported database {dialect!r} in store URL; lotwise supports "
                "sqlite:///path and postgresql+psycopg://user@host/dbname"
            )
        options: dict[str, Any] = dict(engine_options or {})
        if schema is not None:
            if dialect != "postgresql":
                raise ValueError("a schema can only be given for a PostgreSQL store")
            if not _SCHEMA_NAME.match(schema):
                raise ValueError(
                    f"schema name {schema!r} must be lowercase letters, digits and "
                    "underscores, not starting with a digit, at most 63 characters"
                )
            _create_pg_schema(parsed, schema, options)
            connect_args = dict(options.get("connect_args", {}))
            connect_args["options"] = f"-csearch_path={schema}"
            options["connect_args"] = connect_args
        if dialect == "sqlite":
            _make_sqlite_parent(parsed)
        engine = sa.create_engine(parsed, **options)
        if dialect == "sqlite":
            _configure_sqlite(engine)
        store = cls(engine, schema=schema, clock=clock or _utc_now)
        try:
            with store._write() as conn:
                migrate.upgrade(conn, schema)
        except BaseException:
            engine.dispose()
            raise
        return store

    def close(self) -> None:
        """Release the store's pooled connections."""
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def engine(self) -> sa.Engine:
        """The SQLAlchemy engine, for read-only SQL over the tables in :mod:`.schema`."""
        return self._engine

    @property
    def url(self) -> str:
        """The store's URL with any password hidden."""
        return self._engine.url.render_as_string(hide_password=True)

    @property
    def schema(self) -> str | None:
        return self._schema

    def revision(self) -> str | None:
        """The migration revision the database is at."""
        with self._read() as conn:
            return migrate.current_revision(conn)

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    @contextmanager
    def atomic(self, household_id: str | None = None) -> Iterator[Store]:
        """The store inside one database transaction, for work that spans several calls.

        Every method of the store yielded runs on the same connection and transaction: its
        reads see the block's own writes, the transaction commits when the block ends, and
        an exception anywhere in the block rolls back everything the block wrote::

            with store.atomic(household_id) as tx:
                rows = read_rows(seq_start=tx.next_seq(household_id))
                tx.import_transactions(household_id, rows, file_name=..., file_sha256=...)
                tx.save_book(household_id, replay(household, tx.transactions(household_id)))

        It is a write transaction from the start (``BEGIN IMMEDIATE`` on SQLite, which
        lets one writer in at a time).  On PostgreSQL, naming ``household_id`` takes that
        household's writers' lock first, so that what the block reads of the household
        (its next ``seq``, its journal) cannot change before the block has written.  The
        store yielded is only valid inside the block; ``atomic()`` on it joins the same
        transaction.
        """
        with self._write() as conn:
            if household_id is not None:
                self._lock(conn, f"household:{household_id}")
            yield _InTransaction(self, conn)

    # -- households ---------------------------------------------------------------------

    def save_household(
        self, household_id: str, toml_text: str, *, saved_at: datetime | None = None
    ) -> None:
        """Store the household's TOML text, replacing any text saved before."""
        _check_key("household_id", household_id)
        hh = t.households
        with self._write() as conn:
            self._lock(conn, f"household:{household_id}")
            conn.execute(hh.delete().where(hh.c.household_id == household_id))
            conn.execute(
                hh.insert().values(
                    household_id=household_id,
                    toml_text=toml_text,
                    saved_at=saved_at or self._clock(),
                )
            )

    def household_text(self, household_id: str) -> str:
        """The household's TOML text exactly as saved.

        Raises :class:`HouseholdNotFoundError` (a ``KeyError``) when none is saved.
        """
        hh = t.households
        with self._read() as conn:
            text = conn.execute(
                sa.select(hh.c.toml_text).where(hh.c.household_id == household_id)
            ).scalar_one_or_none()
        if text is None:
            raise HouseholdNotFoundError(
                f"no household {household_id!r} in the store at {self.url}; "
                "save it first (known households: "
                f"{', '.join(self.household_ids()) or 'none'})"
            )
        return str(text)

    def household_ids(self) -> list[str]:
        """Ids of the households whose text is saved, sorted."""
        hh = t.households
        with self._read() as conn:
            return list(
                conn.execute(sa.select(hh.c.household_id).order_by(hh.c.household_id)).scalars()
            )

    def delete_household(self, household_id: str) -> None:
        """Remove every row belonging to the household in one transaction.

        Prices, which all households share, are kept.  Deleting an unknown household does
        nothing.
        """
        with self._write() as conn:
            self._lock(conn, f"household:{household_id}")
            for table in t.HOUSEHOLD_TABLES:
                conn.execute(table.delete().where(table.c.household_id == household_id))

    # -- transactions -------------------------------------------------------------------

    def import_transactions(
        self,
        household_id: str,
        transactions: Sequence[Transaction],
        *,
        file_name: str,
        file_sha256: str,
        imported_at: datetime | None = None,
    ) -> ImportResult:
        """Add a file's transactions to the household's journal, atomically and idempotently.

        Rows already stored with the same content are skipped.  A row whose id is stored
        (or appears earlier in the batch) with different content raises
        :class:`~lotwise.errors.InputError` listing every such row, and nothing is written.
        A new row whose ``seq`` is already used in the household raises ``ValueError``
        (number new rows from :meth:`next_seq`).
        """
        _check_key("household_id", household_id)
        tx = t.transactions
        with self._write() as conn:
            self._lock(conn, f"household:{household_id}")
            stored = self._stored_transactions(conn, household_id, {x.id for x in transactions})
            problems: list[Problem] = []
            seen: dict[str, Transaction] = {}
            new: list[Transaction] = []
            skipped = 0
            for txn in transactions:
                earlier = seen.get(txn.id)
                previous = earlier if earlier is not None else stored.get(txn.id)
                if previous is None:
                    new.append(txn)
                elif differing := _differing_fields(previous, txn):
                    problems.append(
                        _id_conflict(txn, previous, differing, file_name, earlier is not None)
                    )
                else:
                    skipped += 1
                seen.setdefault(txn.id, txn)
            if problems:
                raise InputError(problems)
            self._check_seqs(conn, household_id, new)
            if not new:
                return ImportResult(added=0, skipped=skipped, import_id=None)
            import_id = self._record_import(
                conn,
                kind="transactions",
                household_id=household_id,
                file_name=file_name,
                file_sha256=file_sha256,
                added=len(new),
                skipped=skipped,
                imported_at=imported_at,
            )
            rows = [_transaction_row(household_id, txn, import_id) for txn in new]
            for chunk in _chunks(rows, _INSERT_CHUNK):
                conn.execute(tx.insert(), chunk)
            _refresh_statistics(conn, tx, len(new))
        return ImportResult(added=len(new), skipped=skipped, import_id=import_id)

    @collector_paused(promote=True)  # a journal's rows are all kept, none in a cycle
    def transactions(self, household_id: str) -> list[Transaction]:
        """The household's journal, ordered by ``seq``."""
        tx = t.transactions
        with self._read() as conn:
            rows = conn.execute(
                sa.select(tx).where(tx.c.household_id == household_id).order_by(tx.c.seq)
            )
            return [_transaction_from_row(row._mapping) for row in rows]

    def next_seq(self, household_id: str) -> int:
        """The ``seq`` for the next row of the household's journal: 0 when it is empty."""
        tx = t.transactions
        with self._read() as conn:
            top = conn.execute(
                sa.select(sa.func.max(tx.c.seq)).where(tx.c.household_id == household_id)
            ).scalar_one()
        return 0 if top is None else int(top) + 1

    def _stored_transactions(
        self, conn: sa.Connection, household_id: str, ids: set[str]
    ) -> dict[str, Transaction]:
        tx = t.transactions
        found: dict[str, Transaction] = {}
        for chunk in _chunks(sorted(ids), _LOOKUP_CHUNK):
            rows = conn.execute(
                sa.select(tx).where(tx.c.household_id == household_id, tx.c.id.in_(chunk))
            )
            for row in rows:
                txn = _transaction_from_row(row._mapping)
                found[txn.id] = txn
        return found

    def _check_seqs(self, conn: sa.Connection, household_id: str, new: list[Transaction]) -> None:
        tx = t.transactions
        owners: dict[int, str] = {}
        for txn in new:
            if txn.seq in owners:
                raise ValueError(
                    f"transactions {owners[txn.seq]!r} and {txn.id!r} have the same seq "
                    f"{txn.seq}; seq must be unique within a household"
                )
            owners[txn.seq] = txn.id
        for chunk in _chunks(sorted(owners), _LOOKUP_CHUNK):
            clash = conn.execute(
                sa.select(tx.c.id, tx.c.seq)
                .where(tx.c.household_id == household_id, tx.c.seq.in_(chunk))
                .limit(1)
            ).first()
            if clash is not None:
                raise ValueError(
                    f"seq {clash.seq} of new transaction {owners[clash.seq]!r} is already used "
                    f"by stored transaction {clash.id!r} in household {household_id!r}; "
                    "number a new file's rows from Store.next_seq()"
                )

    # -- prices and FX rates -------------------------------------------------------------

    def import_prices(
        self,
        prices: Sequence[Price],
        *,
        file_name: str,
        sources: Sequence[Source] | None = None,
        file_sha256: str | None = None,
        imported_at: datetime | None = None,
    ) -> ImportResult:
        """Add prices, atomically and idempotently, keyed by ``(symbol, date)``.

        ``sources``, parallel to ``prices``, says where each came from for error messages.
        A price already stored (or earlier in the batch) for the same symbol and day with
        a different value raises :class:`~lotwise.errors.InputError`, and nothing is
        written.  Prices are shared by every household of the store; the error says to
        give two listings under one ticker a symbol each.
        """
        return self._import_series(
            _PRICES, prices, file_name=file_name, sources=sources, file_sha256=file_sha256,
            imported_at=imported_at,
        )

    def prices(
        self,
        symbols: Iterable[str] | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> list[Price]:
        """Stored prices, optionally for some symbols and dates ``start..end`` inclusive,
        ordered by date then symbol."""
        pr = t.prices
        query = sa.select(pr.c.date, pr.c.symbol, pr.c.price).order_by(pr.c.date, pr.c.symbol)
        if symbols is not None:
            wanted = sorted(set(symbols))
            if not wanted:
                return []
            query = query.where(pr.c.symbol.in_(wanted))
        if start is not None:
            query = query.where(pr.c.date >= start)
        if end is not None:
            query = query.where(pr.c.date <= end)
        with self._read() as conn:
            return [Price(row.date, row.symbol, row.price) for row in conn.execute(query)]

    def import_fx(
        self,
        rates: Sequence[FxRate],
        *,
        file_name: str,
        sources: Sequence[Source] | None = None,
        file_sha256: str | None = None,
        imported_at: datetime | None = None,
    ) -> ImportResult:
        """Add FX rates, atomically and idempotently, keyed by ``(base, quote, date)``.

        Exactly as :meth:`import_prices`: a rate already stored (or earlier in the batch)
        for the same pair and day with a different value raises
        :class:`~lotwise.errors.InputError` naming the row and the field ``rate``, and
        nothing is written.  ``USD,CAD`` and ``CAD,USD`` are different pairs.
        """
        return self._import_series(
            _FX_RATES, rates, file_name=file_name, sources=sources, file_sha256=file_sha256,
            imported_at=imported_at,
        )

    def fx_rates(self, start: date | None = None, end: date | None = None) -> list[FxRate]:
        """Stored FX rates, optionally of dates ``start..end`` inclusive, ordered by date,
        base and quote."""
        fx = t.fx_rates
        query = sa.select(fx.c.date, fx.c.base, fx.c.quote, fx.c.rate).order_by(
            fx.c.date, fx.c.base, fx.c.quote
        )
        if start is not None:
            query = query.where(fx.c.date >= start)
        if end is not None:
            query = query.where(fx.c.date <= end)
        with self._read() as conn:
            return [FxRate(r.date, r.base, r.quote, r.rate) for r in conn.execute(query)]

    def _import_series(
        self,
        series: _Series[_T],
        items: Sequence[_T],
        *,
        file_name: str,
        sources: Sequence[Source] | None,
        file_sha256: str | None,
        imported_at: datetime | None,
    ) -> ImportResult:
        """Import dated values shared by all households (prices, rates): see the module
        docstring.  A value stored or earlier in the batch under the same key with another
        value is a problem of the row; every problem is reported at once."""
        if sources is not None and len(sources) != len(items):
            raise ValueError(f"got {len(sources)} sources for {len(items)} {series.kind}")
        where = list(sources) if sources is not None else [Source(file_name)] * len(items)
        with self._write() as conn:
            self._lock(conn, series.kind)
            stored = self._stored_values(conn, series, {series.key_of(i) for i in items})
            problems: list[Problem] = []
            seen: dict[tuple[Any, ...], tuple[Decimal, Source]] = {}
            new: list[_T] = []
            skipped = 0
            for item, source in zip(items, where, strict=True):
                key, value = series.key_of(item), series.value_of(item)
                earlier = seen.get(key)
                previous = earlier[0] if earlier is not None else stored.get(key)
                if previous is None:
                    new.append(item)
                elif previous == value:
                    skipped += 1
                else:
                    origin = (
                        f"row {earlier[1]} of this import"
                        if earlier is not None
                        else "the store, from an earlier import"
                    )
                    problems.append(
                        Problem(
                            source,
                            series.value,
                            f"{series.describe(item)} is {value} here but {previous} in "
                            f"{origin}{series.shared}",
                            f"correct the {series.value} in this row, or remove the row if the "
                            f"other {series.value} is right{series.other_fix}",
                        )
                    )
                seen.setdefault(key, (value, source))
            if problems:
                raise InputError(problems)
            if not new:
                return ImportResult(added=0, skipped=skipped, import_id=None)
            import_id = self._record_import(
                conn,
                kind=series.kind,
                household_id=None,
                file_name=file_name,
                file_sha256=file_sha256,
                added=len(new),
                skipped=skipped,
                imported_at=imported_at,
            )
            rows = [series.row(item, import_id) for item in new]
            for chunk in _chunks(rows, _INSERT_CHUNK):
                conn.execute(series.table.insert(), chunk)
            _refresh_statistics(conn, series.table, len(new))
        return ImportResult(added=len(new), skipped=skipped, import_id=import_id)

    @staticmethod
    def _stored_values(
        conn: sa.Connection, series: _Series[_T], keys: set[tuple[Any, ...]]
    ) -> dict[tuple[Any, ...], Decimal]:
        """The stored values of ``keys``, looked up by everything but the date, then by
        chunks of dates."""
        table = series.table
        *fixed, day = (table.c[name] for name in series.keys)
        by_prefix: dict[tuple[Any, ...], list[date]] = {}
        for key in keys:
            by_prefix.setdefault(key[:-1], []).append(key[-1])
        found: dict[tuple[Any, ...], Decimal] = {}
        for prefix, days in sorted(by_prefix.items()):
            same = [column == part for column, part in zip(fixed, prefix, strict=True)]
            for chunk in _chunks(sorted(days), _LOOKUP_CHUNK):
                query = sa.select(day, table.c[series.value]).where(*same, day.in_(chunk))
                for row in conn.execute(query):
                    found[(*prefix, row[0])] = row[1]
        return found

    # -- derived book -------------------------------------------------------------------

    def save_book(self, household_id: str, book: Book, *, saved_at: datetime | None = None) -> None:
        """Replace the household's stored lots, disposals and wash sales with ``book``'s.

        One transaction: readers see the old snapshot or the new one, never a mixture.
        Cash balances and cash events are not stored; they are reproduced by replay.
        """
        _check_key("household_id", household_id)
        with self._write() as conn:
            self._lock(conn, f"household:{household_id}")
            for table in (t.lots, t.disposals, t.wash_sales, t.book_snapshots):
                conn.execute(table.delete().where(table.c.household_id == household_id))
            conn.execute(
                t.book_snapshots.insert().values(
                    household_id=household_id,
                    as_of=book.as_of,
                    saved_at=saved_at or self._clock(),
                )
            )
            for table, rows in (
                (t.lots, _book_rows(household_id, book.lots)),
                (t.disposals, _book_rows(household_id, book.disposals)),
                (t.wash_sales, _book_rows(household_id, book.wash_sales)),
            ):
                for chunk in _chunks(rows, _INSERT_CHUNK):
                    conn.execute(table.insert(), chunk)

    def load_book_rows(self, household_id: str) -> BookRows:
        """The book snapshot last saved for the household.

        Raises :class:`BookNotFoundError` (a ``KeyError``) if none was saved.
        """
        snap = t.book_snapshots
        with self._read() as conn:
            head = conn.execute(
                sa.select(snap.c.as_of, snap.c.saved_at).where(snap.c.household_id == household_id)
            ).first()
            if head is None:
                raise BookNotFoundError(
                    f"no book saved for household {household_id!r}; replay its journal "
                    "and call save_book first"
                )
            return BookRows(
                as_of=head.as_of,
                lots=tuple(self._book_items(conn, t.lots, household_id, OpenLot)),
                disposals=tuple(self._book_items(conn, t.disposals, household_id, Disposal)),
                wash_sales=tuple(self._book_items(conn, t.wash_sales, household_id, WashSale)),
                saved_at=head.saved_at,
            )

    @staticmethod
    def _book_items(
        conn: sa.Connection, table: sa.Table, household_id: str, kind: type[_T]
    ) -> Iterator[_T]:
        names = [f.name for f in fields(kind)]  # type: ignore[arg-type]
        query = (
            sa.select(*(table.c[name] for name in names))
            .where(table.c.household_id == household_id)
            .order_by(table.c.position)
        )
        for row in conn.execute(query):
            values = dict(row._mapping)
            if "term" in values:
                values["term"] = Term(values["term"])
            yield kind(**values)

    # -- carryforwards ------------------------------------------------------------------

    def save_carryforwards(self, household_id: str, rows: Sequence[CarryforwardRow]) -> None:
        """Store carryforwards, replacing any stored for the same ``(tax_unit, year)``.

        Keys not in ``rows`` are left alone.  All rows are written in one transaction.
        """
        _check_key("household_id", household_id)
        keys = [(row.tax_unit, row.year) for row in rows]
        if len(set(keys)) != len(keys):
            dupes = sorted({k for k in keys if keys.count(k) > 1})
            raise ValueError(f"carryforward rows repeat (tax_unit, year) keys: {dupes}")
        if not rows:
            return
        cf = t.carryforwards
        with self._write() as conn:
            self._lock(conn, f"household:{household_id}")
            delete = cf.delete().where(
                cf.c.household_id == household_id,
                cf.c.tax_unit == sa.bindparam("k_tax_unit"),
                cf.c.year == sa.bindparam("k_year"),
            )
            conn.execute(delete, [{"k_tax_unit": u, "k_year": y} for u, y in keys])
            conn.execute(
                cf.insert(),
                [
                    {
                        "household_id": household_id,
                        "tax_unit": row.tax_unit,
                        "year": row.year,
                        "short_term": row.short_term,
                        "long_term": row.long_term,
                        "source": row.source,
                    }
                    for row in rows
                ],
            )

    def carryforwards(self, household_id: str) -> list[CarryforwardRow]:
        """The household's carryforwards, ordered by tax unit then year."""
        cf = t.carryforwards
        query = (
            sa.select(cf.c.tax_unit, cf.c.year, cf.c.short_term, cf.c.long_term, cf.c.source)
            .where(cf.c.household_id == household_id)
            .order_by(cf.c.tax_unit, cf.c.year)
        )
        with self._read() as conn:
            return [
                CarryforwardRow(r.tax_unit, r.year, r.short_term, r.long_term, r.source)
                for r in conn.execute(query)
            ]

    # -- plans --------------------------------------------------------------------------

    def save_plan(self, plan: PlanRecord) -> None:
        """Append a plan to the decision log.

        The log is append-only: saving a plan whose id is logged with the same content does
        nothing; with different content it raises ``ValueError``.  The JSON fields must be
        valid JSON.
        """
        _check_key("plan id", plan.id)
        _check_key("household_id", plan.household_id)
        for name in ("policy_json", "trades_json", "reasons_json"):
            try:
                json.loads(getattr(plan, name))
            except ValueError as exc:
                raise ValueError(f"plan {plan.id!r}: {name} is not valid JSON: {exc}") from None
        with self._write() as conn:
            self._lock(conn, f"household:{plan.household_id}")
            existing = self._plan(conn, plan.id)
            if existing is None:
                conn.execute(t.plans.insert().values(**_plan_values(plan)))
            elif existing != plan:
                raise ValueError(
                    f"plan {plan.id!r} is already logged with different content; "
                    "the plan log is append-only, give the new plan a new id"
                )

    def plans(self, household_id: str) -> list[PlanRecord]:
        """The household's logged plans, oldest first."""
        pl = t.plans
        query = (
            sa.select(pl)
            .where(pl.c.household_id == household_id)
            .order_by(pl.c.created_at, pl.c.id)
        )
        with self._read() as conn:
            return [PlanRecord(**row._mapping) for row in conn.execute(query)]

    def plan(self, plan_id: str) -> PlanRecord:
        """One logged plan.  Raises :class:`PlanNotFoundError` (a ``KeyError``) if absent."""
        with self._read() as conn:
            found = self._plan(conn, plan_id)
        if found is None:
            raise PlanNotFoundError(f"no plan {plan_id!r} in the store at {self.url}")
        return found

    @staticmethod
    def _plan(conn: sa.Connection, plan_id: str) -> PlanRecord | None:
        row = conn.execute(sa.select(t.plans).where(t.plans.c.id == plan_id)).first()
        return None if row is None else PlanRecord(**row._mapping)

    # -- plumbing -----------------------------------------------------------------------

    def _read(self) -> AbstractContextManager[sa.Connection]:
        return self._engine.connect()

    def _write(self) -> AbstractContextManager[sa.Connection]:
        return self._write_engine.begin()

    def _lock(self, conn: sa.Connection, name: str) -> None:
        """Serialise writers of one household (or of prices) on PostgreSQL."""
        if conn.dialect.name == "postgresql":
            key = migrate.advisory_lock_key(f"{self._schema or ''}:{name}")
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))

    def _record_import(
        self,
        conn: sa.Connection,
        *,
        kind: str,
        household_id: str | None,
        file_name: str,
        file_sha256: str | None,
        added: int,
        skipped: int,
        imported_at: datetime | None,
    ) -> int:
        result = conn.execute(
            t.imports.insert().values(
                kind=kind,
                household_id=household_id,
                file_name=file_name,
                file_sha256=file_sha256,
                added=added,
                skipped=skipped,
                imported_at=imported_at or self._clock(),
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])


class _InTransaction(Store):
    """The store inside :meth:`Store.atomic`: every method runs on one open connection, in
    the transaction the block began."""

    def __init__(self, outer: Store, conn: sa.Connection) -> None:
        super().__init__(outer.engine, schema=outer.schema, clock=outer._clock)
        self._conn = conn

    def _read(self) -> AbstractContextManager[sa.Connection]:
        return nullcontext(self._conn)

    def _write(self) -> AbstractContextManager[sa.Connection]:
        return nullcontext(self._conn)

    def close(self) -> None:
        """Nothing to release: the store that began the transaction owns the engine."""


@dataclass(frozen=True, slots=True)
class _Series(Generic[_T]):
    """A table of dated values that all households share, as :meth:`Store._import_series`
    sees it: its key columns (the date last) and the column of the value."""

    kind: str  # the ``imports.kind`` of its imports, and the name of its writers' lock
    table: sa.Table
    keys: tuple[str, ...]
    value: str  # the value's column, and the field a problem names
    key_of: Callable[[_T], tuple[Any, ...]]
    value_of: Callable[[_T], Decimal]
    describe: Callable[[_T], str]  # "the price of VTI on 2024-01-02", for problems
    shared: str = ""  # what a conflict's message adds: how the values are shared
    other_fix: str = ""  # what its fix adds

    def row(self, item: _T, import_id: int) -> dict[str, Any]:
        values: dict[str, Any] = dict(zip(self.keys, self.key_of(item), strict=True))
        values[self.value] = self.value_of(item)
        values["import_id"] = import_id
        return values


_PRICES: _Series[Price] = _Series(
    kind="prices",
    table=t.prices,
    keys=("symbol", "date"),
    value="price",
    key_of=lambda p: (p.symbol, p.date),
    value_of=lambda p: p.price,
    describe=lambda p: f"the price of {p.symbol} on {p.date.isoformat()}",
    shared=" (a store keeps one price per symbol and day, shared by all its households)",
    other_fix=(
        "; if they are the prices of two listings under one ticker, on two exchanges, give "
        "each listing a symbol of its own, exchange-qualified like SHOP.TO for Shopify in "
        "Toronto beside SHOP in New York, in the household's [securities], transactions and "
        "prices"
    ),
)
_FX_RATES: _Series[FxRate] = _Series(
    kind="fx",
    table=t.fx_rates,
    keys=("base", "quote", "date"),
    value="rate",
    key_of=lambda r: (r.base, r.quote, r.date),
    value_of=lambda r: r.rate,
    describe=lambda r: f"the {r.base}/{r.quote} rate on {r.date.isoformat()}",
)


# -- engine set-up ----------------------------------------------------------------------


def _refresh_statistics(conn: sa.Connection, table: sa.Table, added: int) -> None:
    """``ANALYZE`` ``table`` on PostgreSQL when an import added :data:`ANALYZE_AFTER` rows
    or more, in the import's own transaction (see "Planner statistics" above)."""
    if conn.dialect.name == "postgresql" and added >= ANALYZE_AFTER:
        conn.execute(sa.text(f"ANALYZE {conn.dialect.identifier_preparer.quote(table.name)}"))


def _make_sqlite_parent(url: sa.URL) -> None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: sa.Engine) -> None:
    """Foreign keys on, write-ahead logging, and explicit transaction control.

    The ``sqlite3`` module would otherwise issue ``BEGIN`` only before the first
    INSERT/UPDATE/DELETE, leaving the reads that decide what to insert outside the
    transaction.  lotwise issues ``BEGIN`` itself: ``BEGIN IMMEDIATE`` for writes, which
    takes the write lock up front, and a deferred ``BEGIN`` for reads.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys = ON")
            _use_wal(cursor)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        write = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _use_wal(cursor: Any, attempts: int = 50) -> None:
    """Switch the database to write-ahead logging, once: the mode is kept in the file.

    Switching needs a lock that SQLite does not wait for, so a second process opening a new
    database while the first migrates it can be told "database is locked": wait and retry.
    """
    for attempt in range(attempts):
        try:
            mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() == "wal":
                return
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.1)


def _create_pg_schema(url: sa.URL, schema: str, options: Mapping[str, Any]) -> None:
    """Create the store's PostgreSQL schema if missing, before the store's own engine
    connects (so that engine sees its schema from its first connection).  Opening a store
    whose schema exists runs no DDL."""
    bootstrap = sa.create_engine(
        url, poolclass=sa.NullPool, connect_args=options.get("connect_args", {})
    )
    exists = sa.text("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = :name")
    try:
        with bootstrap.begin() as conn:
            if conn.execute(exists, {"name": schema}).first() is not None:
                return
            key = migrate.advisory_lock_key(f"schema:{schema}")
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))
            conn.execute(sa.schema.CreateSchema(schema, if_not_exists=True))
    finally:
        bootstrap.dispose()


# -- row codecs -------------------------------------------------------------------------

#: Transaction fields that are not part of its content (see the module docstring).
_NOT_CONTENT = frozenset({"seq", "source"})
_CONTENT_FIELDS = tuple(f.name for f in fields(Transaction) if f.name not in _NOT_CONTENT)


def _differing_fields(a: Transaction, b: Transaction) -> list[str]:
    return [name for name in _CONTENT_FIELDS if getattr(a, name) != getattr(b, name)]


def _id_conflict(
    txn: Transaction,
    previous: Transaction,
    differing: list[str],
    file_name: str,
    in_batch: bool,
) -> Problem:
    source = txn.source or Source(file_name)
    where = f" ({previous.source})" if previous.source else ""
    if in_batch:
        message = f"transaction id {txn.id!r} appears earlier in this import{where}"
    else:
        message = f"transaction id {txn.id!r} is already in the store{where}"
    message += f" with a different {', '.join(differing)}"
    fix = (
        "if this row is a different transaction, give it a new id; if it is the same "
        "transaction, correct the row so that it matches the stored one"
    )
    return Problem(source, "id", message, fix)


def _decimal_text(value: Decimal) -> str:
    return format(value, "f")


def _lots_json(picks: tuple[LotPick, ...]) -> str:
    return json.dumps(
        [
            {
                "lot_id": pick.lot_id,
                "quantity": None if pick.quantity is None else _decimal_text(pick.quantity),
            }
            for pick in picks
        ],
        separators=(",", ":"),
    )


def _lots_from_json(text: str) -> tuple[LotPick, ...]:
    return tuple(
        LotPick(
            item["lot_id"],
            None if item["quantity"] is None else Decimal(item["quantity"]),
        )
        for item in json.loads(text)
    )


def _transaction_row(household_id: str, txn: Transaction, import_id: int) -> dict[str, Any]:
    return {
        "household_id": household_id,
        "id": txn.id,
        "seq": txn.seq,
        "date": txn.date,
        "account": txn.account,
        "action": txn.action.value,
        "symbol": txn.symbol,
        "quantity": txn.quantity,
        "price": txn.price,
        "fees": txn.fees,
        "amount": txn.amount,
        "lots": _lots_json(txn.lots),
        "method": txn.method,
        "to_account": txn.to_account,
        "memo": txn.memo,
        "source_file": txn.source.file if txn.source else None,
        "source_row": txn.source.row if txn.source else None,
        "import_id": import_id,
        "currency": txn.currency,
        "fx_rate": txn.fx_rate,
        "source_country": txn.source_country,
        "withholding": txn.withholding,
    }


def _transaction_from_row(row: sa.RowMapping) -> Transaction:
    source_file = row["source_file"]
    return Transaction(
        seq=int(row["seq"]),
        id=row["id"],
        date=row["date"],
        account=row["account"],
        action=Action(row["action"]),
        symbol=row["symbol"],
        quantity=row["quantity"],
        price=row["price"],
        fees=row["fees"],
        amount=row["amount"],
        lots=_lots_from_json(row["lots"]),
        method=row["method"],
        to_account=row["to_account"],
        memo=row["memo"],
        source=None if source_file is None else Source(source_file, row["source_row"]),
        currency=row["currency"],
        fx_rate=row["fx_rate"],
        source_country=row["source_country"],
        withholding=row["withholding"],
    )


def _book_rows(
    household_id: str, items: Sequence[OpenLot | Disposal | WashSale]
) -> list[dict[str, Any]]:
    """Rows for one book table: the item's fields plus the household and its position."""
    rows: list[dict[str, Any]] = []
    for position, item in enumerate(items):
        values: dict[str, Any] = {f.name: getattr(item, f.name) for f in fields(item)}
        if isinstance(item, Disposal):
            values["term"] = item.term.value
        values["household_id"] = household_id
        values["position"] = position
        rows.append(values)
    return rows


def _plan_values(plan: PlanRecord) -> dict[str, Any]:
    return {f.name: getattr(plan, f.name) for f in fields(plan)}


# -- helpers ----------------------------------------------------------------------------


def _check_key(name: str, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")


def _chunks(items: Sequence[_T], size: int) -> Iterator[list[_T]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
