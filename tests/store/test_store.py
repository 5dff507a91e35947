"""The store on SQLite and PostgreSQL: round trips, idempotent and atomic imports, replacement."""

from __future__ import annotations

import gc
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lotwise.errors import InputError, Source
from lotwise.fx import FxRate
from lotwise.ledger.book import Book
from lotwise.model import (
    Action,
    Disposal,
    LotPick,
    OpenLot,
    Price,
    Term,
    Transaction,
    WashSale,
)
from lotwise.store import (
    BookNotFoundError,
    CarryforwardRow,
    HouseholdNotFoundError,
    NotFoundError,
    PlanNotFoundError,
    PlanRecord,
    Store,
    default_store_url,
    sqlite_url,
)
from lotwise.store import schema as tables
from lotwise.store import store as store_module

if TYPE_CHECKING:  # conftest is not importable at run time under --import-mode=importlib
    from tests.stores import Target

D = Decimal
NOW = datetime(2025, 1, 15, 12, 30, tzinfo=UTC)  # the fixed clock of conftest.fixed_clock
TakeSnapshot = Callable[[Store], dict[str, list[tuple[Any, ...]]]]
FailOnInsert = Callable[[Store, str, int], list[str]]


def journal(file: str = "broker.csv") -> list[Transaction]:
    """One of each shape of row, using every field and every None."""
    return [
        Transaction(
            seq=0,
            id="t1",
            date=date(2023, 1, 3),
            account="brokerage",
            action=Action.DEPOSIT,
            amount=D("100000.00"),
            memo="opening deposit",
            source=Source(file, 2),
        ),
        Transaction(
            seq=1,
            id="t2",
            date=date(2023, 1, 4),
            account="brokerage",
            action=Action.BUY,
            symbol="VTI",
            quantity=D("100"),
            price=D("190.12345678"),
            fees=D("4.95"),
            memo='café ✓ «quoted» "text"',
            source=Source(file, 3),
        ),
        Transaction(
            seq=2,
            id="t3",
            date=date(2023, 6, 30),
            account="brokerage",
            action=Action.SELL,
            symbol="VTI",
            quantity=D("40.000001"),
            price=D("180.5"),
            fees=D("0"),
            amount=D("7219.999999"),
            lots=(LotPick("t2", D("40.000001")), LotPick("t9", None), LotPick("t8", D("1.50"))),
            method="specific",
            source=Source(file, None),
        ),
        Transaction(
            seq=3,
            id="t4",
            date=date(2023, 7, 1),
            account="brokerage",
            action=Action.TRANSFER,
            symbol="VTI",
            quantity=D("10"),
            to_account="ira",
        ),
        Transaction(
            seq=4,
            id="t5",
            date=date(2023, 12, 29),
            account="ira",
            action=Action.DIVIDEND,
            symbol=None,
            amount=D("0.00000001"),
        ),
    ]


def all_problems(error: InputError) -> list[str]:
    return [str(problem) for problem in error.problems]


# -- opening ------------------------------------------------------------------------------


def test_open_migrates_an_empty_store_and_is_a_context_manager(target: Target) -> None:
    with target.open() as store:
        assert store.revision() == "0003"
        assert store.household_ids() == []
        assert store.schema == target.schema
        assert store.url.startswith(target.engine) and repr(store) == f"Store({store.url!r})"


def test_open_creates_what_is_missing(target: Target, tmp_path: Path) -> None:
    if target.engine == "sqlite":
        path = tmp_path / "deep" / "er" / "store.sqlite"
        with Store.open(sqlite_url(path)) as store:
            store.save_household("h", "x = 1\n")
        assert path.exists()
        with Store.open("sqlite://") as memory:  # in memory: nothing on disk at all
            assert memory.revision() == "0003" and memory.household_ids() == []
        return
    # PostgreSQL: a schema that does not exist yet is created on open.
    assert target.schema is not None
    nested = target.schema + "_new"
    try:
        with Store.open(target.url, schema=nested) as store:
            store.save_household("h", "x = 1\n")
            with store.engine.connect() as conn:
                where = conn.execute(sa.text("SELECT current_schema()")).scalar_one()
            assert where == nested
    finally:
        engine = sa.create_engine(target.url, poolclass=sa.NullPool)
        with engine.begin() as conn:
            conn.execute(sa.schema.DropSchema(nested, cascade=True, if_exists=True))
        engine.dispose()


def test_sqlite_store_has_foreign_keys_and_wal(target: Target) -> None:
    with target.open() as store, store.engine.connect() as conn:
        if target.engine == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        # Foreign keys are enforced on both engines: a transaction needs its import row.
        row = {
            "household_id": "h",
            "id": "x",
            "seq": 0,
            "date": date(2024, 1, 1),
            "account": "a",
            "action": "buy",
            "fees": D(0),
            "lots": "[]",
            "memo": "",
            "import_id": 12345,
        }
        with pytest.raises(sa.exc.IntegrityError):
            conn.execute(tables.transactions.insert(), [row])


def test_open_rejects_other_databases_and_bad_schemas(target: Target) -> None:
    with pytest.raises(ValueError, match="unsupported database"):
        Store.open("mysql://user@host/db")
    if target.engine == "sqlite":
        with pytest.raises(ValueError, match="PostgreSQL"):
            Store.open(target.url, schema="s")
    else:
        for bad in ("bad name; drop", "MixedCase", "1st"):
            with pytest.raises(ValueError, match="schema name"):
                Store.open(target.url, schema=bad)


def test_default_store_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("LOTWISE_DB", raising=False)
    expected = Path(platformdirs.user_data_dir("lotwise", appauthor=False)) / "lotwise.sqlite"
    assert default_store_url() == sqlite_url(expected)
    monkeypatch.setenv("LOTWISE_DB", "postgresql+psycopg://advisor@db/books")
    assert default_store_url() == "postgresql+psycopg://advisor@db/books"
    monkeypatch.setenv("LOTWISE_DB", str(tmp_path / "mine.sqlite"))
    assert default_store_url() == "sqlite:///" + str((tmp_path / "mine.sqlite").resolve())


# -- households ---------------------------------------------------------------------------


def test_household_text_round_trips_verbatim_and_is_replaced(store: Store) -> None:
    text = '# lotwise household\nid = "smith"\nname = "Smith – Zoë"\n\n[policy]\n  band = 0.05  \n'
    store.save_household("smith", text)
    store.save_household("jones", "id = 'jones'")
    assert store.household_text("smith") == text
    assert store.household_ids() == ["jones", "smith"]
    store.save_household("smith", "id = 'smith'\n")
    assert store.household_text("smith") == "id = 'smith'\n"
    assert store.household_ids() == ["jones", "smith"]


def test_missing_household_is_a_key_error_with_a_clear_message(store: Store) -> None:
    store.save_household("jones", "")
    with pytest.raises(HouseholdNotFoundError) as caught:
        store.household_text("smith")
    assert isinstance(caught.value, KeyError)
    assert isinstance(caught.value, NotFoundError)
    message = str(caught.value)
    assert "'smith'" in message and "save it first" in message and "jones" in message


def test_household_id_must_be_given(store: Store) -> None:
    with pytest.raises(ValueError, match="household_id"):
        store.save_household("  ", "")
    with pytest.raises(ValueError, match="household_id"):
        store.import_transactions("", [], file_name="f", file_sha256="0")


# -- transactions -------------------------------------------------------------------------


def test_transactions_round_trip_every_field(store: Store, snapshot: TakeSnapshot) -> None:
    txns = journal()
    result = store.import_transactions("h", txns, file_name="broker.csv", file_sha256="ab" * 32)
    assert (result.added, result.skipped) == (5, 0)
    assert result.import_id is not None
    got = store.transactions("h")
    assert got == txns
    for before, after in zip(txns, got, strict=True):
        for name in ("quantity", "price", "fees", "amount"):
            value = getattr(before, name)
            if value is not None:  # same digits and scale, not only the same value
                assert getattr(after, name).as_tuple() == value.as_tuple(), name
        assert [p.quantity for p in after.lots] == [p.quantity for p in before.lots]
        assert type(after.action) is Action
    assert got[2].lots[2].quantity is not None
    assert str(got[2].lots[2].quantity) == "1.50"
    assert store.transactions("other") == []


def test_import_is_recorded_with_counts_and_clock_time(store: Store) -> None:
    store.import_transactions("h", journal()[:2], file_name="a.csv", file_sha256="1" * 64)
    explicit = datetime(2024, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=-5)))
    second = store.import_transactions(
        "h", journal()[1:4], file_name="b.csv", file_sha256="2" * 64, imported_at=explicit
    )
    imports = tables.imports
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(imports).order_by(imports.c.id)).all()
    assert [
        (r.kind, r.household_id, r.file_name, r.file_sha256, r.added, r.skipped) for r in rows
    ] == [
        ("transactions", "h", "a.csv", "1" * 64, 2, 0),
        ("transactions", "h", "b.csv", "2" * 64, 2, 1),
    ]
    assert rows[0].imported_at == NOW
    assert rows[1].imported_at == explicit
    assert rows[1].imported_at.tzinfo is UTC
    assert second.import_id == rows[1].id


def test_reimporting_the_same_file_adds_nothing_and_writes_nothing(
    store: Store, snapshot: TakeSnapshot
) -> None:
    first = store.import_transactions("h", journal(), file_name="broker.csv", file_sha256="s")
    before = snapshot(store)
    again = store.import_transactions("h", journal(), file_name="broker.csv", file_sha256="s")
    assert (again.added, again.skipped, again.import_id) == (0, 5, None)
    assert first.added == 5
    assert snapshot(store) == before


def test_same_content_with_other_seq_or_source_is_skipped(store: Store) -> None:
    """An overlapping broker export numbered from next_seq() skips the rows it shares."""
    store.import_transactions("h", journal()[:3], file_name="jan.csv", file_sha256="1")
    start = store.next_seq("h")
    overlap = [
        replace(txn, seq=start + i, source=Source("feb.csv", i + 2))
        for i, txn in enumerate(journal("feb.csv")[1:])
    ]
    # Decimal content is compared by value: 100 and 100.000 are the same quantity.
    overlap[0] = replace(overlap[0], quantity=D("100.000"))
    result = store.import_transactions("h", overlap, file_name="feb.csv", file_sha256="2")
    assert (result.added, result.skipped) == (2, 2)
    got = store.transactions("h")
    assert [t.id for t in got] == ["t1", "t2", "t3", "t4", "t5"]
    assert got[1].source == Source("broker.csv", 3)  # the stored row is kept as it was
    assert [t.seq for t in got] == [0, 1, 2, start + 2, start + 3]


def test_conflicting_id_is_rejected_and_nothing_is_written(
    store: Store, snapshot: TakeSnapshot
) -> None:
    store.import_transactions("h", journal()[:2], file_name="jan.csv", file_sha256="1")
    before = snapshot(store)
    changed = replace(journal()[1], seq=10, quantity=D("101"), source=Source("feb.csv", 7))
    new_row = replace(journal()[2], seq=11, source=Source("feb.csv", 8))
    with pytest.raises(InputError) as caught:
        store.import_transactions("h", [new_row, changed], file_name="feb.csv", file_sha256="2")
    [problem] = caught.value.problems
    assert problem.source == Source("feb.csv", 7)
    assert problem.field == "id"
    assert "'t2'" in problem.message and "quantity" in problem.message
    assert "broker.csv:3" in problem.message  # where the stored row came from
    assert "new id" in problem.fix and "correct the row" in problem.fix
    assert snapshot(store) == before


def test_every_conflict_is_reported_at_once(store: Store, snapshot: TakeSnapshot) -> None:
    store.import_transactions("h", journal(), file_name="broker.csv", file_sha256="1")
    before = snapshot(store)
    rows = [
        replace(journal()[0], seq=20, amount=D("1"), source=Source("x.csv", 2)),
        replace(journal()[3], seq=21, to_account="roth", memo="moved", source=Source("x.csv", 3)),
    ]
    with pytest.raises(InputError) as caught:
        store.import_transactions("h", rows, file_name="x.csv", file_sha256="2")
    problems = all_problems(caught.value)
    assert len(problems) == 2
    assert problems[0].startswith("x.csv:2 field 'id'") and "amount" in problems[0]
    assert problems[1].startswith("x.csv:3 field 'id'") and "to_account, memo" in problems[1]
    assert snapshot(store) == before


def test_conflict_inside_one_file(store: Store, snapshot: TakeSnapshot) -> None:
    before = snapshot(store)
    first = journal()[1]
    twin = replace(first, seq=9, price=D("1"), source=Source("broker.csv", 9))
    with pytest.raises(InputError) as caught:
        store.import_transactions("h", [first, twin], file_name="broker.csv", file_sha256="1")
    [problem] = caught.value.problems
    assert problem.source == Source("broker.csv", 9)
    assert "earlier in this import" in problem.message and "price" in problem.message
    assert snapshot(store) == before
    # An exact repeat inside one file is only skipped.
    result = store.import_transactions(
        "h", [first, replace(first, seq=9)], file_name="broker.csv", file_sha256="1"
    )
    assert (result.added, result.skipped) == (1, 1)


def test_conflict_without_a_source_names_the_file(store: Store) -> None:
    store.import_transactions("h", journal()[3:4], file_name="a.csv", file_sha256="1")
    changed = replace(journal()[3], seq=7, quantity=D("11"))
    with pytest.raises(InputError) as caught:
        store.import_transactions("h", [changed], file_name="b.csv", file_sha256="2")
    assert caught.value.problems[0].source == Source("b.csv")


def test_seq_must_be_unique_in_a_household(store: Store, snapshot: TakeSnapshot) -> None:
    store.import_transactions("h", journal()[:2], file_name="a.csv", file_sha256="1")
    before = snapshot(store)
    clash = replace(journal()[2], seq=1)
    with pytest.raises(ValueError, match=r"seq 1 .*'t3'.*'t2'.*next_seq"):
        store.import_transactions("h", [clash], file_name="b.csv", file_sha256="2")
    twins = [replace(journal()[2], seq=5), replace(journal()[3], seq=5)]
    with pytest.raises(ValueError, match="same seq 5"):
        store.import_transactions("h", twins, file_name="b.csv", file_sha256="2")
    assert snapshot(store) == before
    # Another household has its own numbering.
    assert store.import_transactions("g", [clash], file_name="b.csv", file_sha256="2").added == 1


def test_interrupted_import_leaves_the_store_unchanged(
    store: Store,
    snapshot: TakeSnapshot,
    fail_on_insert: FailOnInsert,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store.save_household("h", "id = 'h'")
    store.import_transactions("h", journal()[:1], file_name="a.csv", file_sha256="1")
    before = snapshot(store)
    next_seq = store.next_seq("h")
    monkeypatch.setattr(store_module, "_INSERT_CHUNK", 2)
    seen = fail_on_insert(store, "transactions", 2)
    with pytest.raises(RuntimeError, match="injected"):
        store.import_transactions("h", journal()[1:], file_name="b.csv", file_sha256="2")
    assert len(seen) == 2  # the first chunk of rows was inserted before the failure
    assert snapshot(store) == before
    assert store.next_seq("h") == next_seq
    # The store works normally afterwards and the same import then succeeds.
    monkeypatch.undo()
    result = store.import_transactions("h", journal()[1:], file_name="b.csv", file_sha256="2")
    assert (result.added, result.skipped) == (4, 0)


def test_failure_recording_the_import_leaves_the_store_unchanged(
    store: Store, snapshot: TakeSnapshot, fail_on_insert: FailOnInsert
) -> None:
    before = snapshot(store)
    fail_on_insert(store, "imports", 1)
    with pytest.raises(RuntimeError, match="injected"):
        store.import_transactions("h", journal(), file_name="a.csv", file_sha256="1")
    assert snapshot(store) == before


def deposits(start: int, count: int) -> list[Transaction]:
    return [
        Transaction(i, f"d{i}", date(2024, 1, 1) + timedelta(days=i % 300), "a",
                    Action.DEPOSIT, amount=D(i) / 100)
        for i in range(start, start + count)
    ]


def test_large_import_is_bulk_inserted(store: Store, fail_on_insert: FailOnInsert) -> None:
    count = 2500
    txns = deposits(0, count)
    seen = fail_on_insert(store, "transactions", 0)  # never fails; counts statements
    result = store.import_transactions("h", txns, file_name="big.csv", file_sha256="1")
    assert result.added == count
    assert len(seen) <= count // 1000 + 2  # executemany per chunk, not a round trip per row
    assert store.transactions("h") == txns
    assert store.next_seq("h") == count


def test_a_bulk_import_refreshes_postgresql_planner_statistics(
    target: Target, store: Store
) -> None:
    analyzed: list[str] = []

    def watch(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.upper().startswith("ANALYZE"):
            analyzed.append(statement)

    sa.event.listen(store.engine, "before_cursor_execute", watch)
    small = store_module.ANALYZE_AFTER - 1
    store.import_transactions("h", deposits(0, small), file_name="a.csv", file_sha256="a")
    assert analyzed == []  # a small import leaves it to PostgreSQL's own schedule
    store.import_transactions("h", deposits(small, store_module.ANALYZE_AFTER),
                              file_name="b.csv", file_sha256="b")
    store.import_prices([Price(date(2000, 1, 1) + timedelta(days=i), "VTI", D(i + 1))
                         for i in range(store_module.ANALYZE_AFTER)], file_name="p.csv")
    sa.event.remove(store.engine, "before_cursor_execute", watch)
    if target.engine == "sqlite":
        assert analyzed == []
        return
    assert analyzed == ["ANALYZE transactions", "ANALYZE prices"]
    with store.engine.connect() as conn:  # the statistics count every row imported
        counted = dict(conn.execute(sa.text(
            "SELECT relname, reltuples FROM pg_class WHERE oid IN "
            "('transactions'::regclass, 'prices'::regclass)")).all())
    assert counted == {"transactions": small + store_module.ANALYZE_AFTER,
                       "prices": store_module.ANALYZE_AFTER}
    # and the rows looked up again come by the primary key, all of them
    again = store.import_transactions("h", deposits(0, 2 * store_module.ANALYZE_AFTER),
                                      file_name="c.csv", file_sha256="c")
    assert (again.added, again.skipped) == (1, 2 * store_module.ANALYZE_AFTER - 1)


def test_the_journal_is_read_with_the_collector_paused(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.import_transactions("h", deposits(0, 3), file_name="a.csv", file_sha256="a")
    collecting: list[bool] = []
    real = store_module._transaction_from_row

    def spy(row: Any) -> Transaction:
        collecting.append(gc.isenabled())
        return real(row)

    monkeypatch.setattr(store_module, "_transaction_from_row", spy)
    assert store.transactions("h") == deposits(0, 3)
    assert collecting == [False, False, False] and gc.isenabled()


def test_empty_import_and_next_seq(store: Store) -> None:
    assert store.next_seq("h") == 0
    result = store.import_transactions("h", [], file_name="empty.csv", file_sha256="0")
    assert (result.added, result.skipped, result.import_id) == (0, 0, None)
    store.import_transactions("h", [replace(journal()[0], seq=41)], file_name="a", file_sha256="")
    assert store.next_seq("h") == 42


# -- exact decimals -----------------------------------------------------------------------

EXACT = [
    "0",
    "0.1",
    "0.00000001",
    "0.10000001",
    "-0.5",
    "1.50",
    "1E+5",
    "1E-30",
    "-0.000",
    "99999999999999999999999999999999.99999999999999999999",
    "12345678901234567890.123456789012345678",
    str(D(1) / D(3)),
    str(D(2).sqrt()),
]


def stored_form(value: Decimal) -> Decimal:
    """What the store keeps: the same value in positional notation, no negative zero."""
    if value.is_zero():
        value = value.copy_abs()
    return D(format(value, "f"))


@pytest.mark.parametrize("text", EXACT)
def test_decimals_round_trip_exactly(store: Store, text: str) -> None:
    value = D(text)
    store.save_carryforwards("h", [CarryforwardRow("u", 2024, value, -value, text)])
    [row] = store.carryforwards("h")
    assert row.short_term == value and row.long_term == -value
    assert row.short_term.as_tuple() == stored_form(value).as_tuple()
    store.import_prices([Price(date(2024, 1, 2), text, value)], file_name="p.csv")
    [price] = store.prices([text])
    assert price.price.as_tuple() == stored_form(value).as_tuple()


def test_point_one_plus_a_hundred_millionth(store: Store) -> None:
    value = D("0.1") + D("1e-8")
    store.import_transactions(
        "h",
        [Transaction(0, "t", date(2024, 1, 2), "a", Action.BUY, "X", value, value, value, value)],
        file_name="a",
        file_sha256="",
    )
    [txn] = store.transactions("h")
    assert txn.quantity == txn.price == txn.fees == txn.amount == D("0.10000001")
    assert txn.quantity is not None and str(txn.quantity) == "0.10000001"


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.integers(min_value=0, max_value=30).flatmap(
        lambda places: st.decimals(
            min_value=D("-1e25"),
            max_value=D("1e25"),
            places=places,
            allow_nan=False,
            allow_infinity=False,
        )
    )
)
def test_any_decimal_round_trips(store: Store, value: Decimal) -> None:
    store.save_carryforwards("h", [CarryforwardRow("u", 2024, value, value)])
    [row] = store.carryforwards("h")
    assert row.short_term == value
    assert row.short_term.as_tuple() == stored_form(value).as_tuple()


def test_non_finite_numbers_are_refused(store: Store) -> None:
    with pytest.raises(sa.exc.StatementError, match="non-finite"):
        store.save_carryforwards("h", [CarryforwardRow("u", 2024, D("NaN"), D(0))])
    assert store.carryforwards("h") == []


# -- prices -------------------------------------------------------------------------------

PRICES = [
    Price(date(2024, 1, 2), "VTI", D("236.07")),
    Price(date(2024, 1, 2), "BND", D("72.8800")),
    Price(date(2024, 1, 3), "VTI", D("233.9")),
    Price(date(2024, 1, 4), "VTI", D("233.12")),
    Price(date(2024, 1, 4), "BND", D("72.51")),
]


def test_prices_round_trip_and_filter(store: Store) -> None:
    result = store.import_prices(PRICES, file_name="prices.csv")
    assert (result.added, result.skipped) == (5, 0)
    assert store.prices() == sorted(PRICES, key=lambda p: (p.date, p.symbol))
    assert str(store.prices(["BND"])[0].price) == "72.8800"
    assert store.prices(["VTI"], start=date(2024, 1, 3)) == PRICES[2:4]
    assert store.prices(end=date(2024, 1, 2)) == [PRICES[1], PRICES[0]]
    assert store.prices({"BND", "VTI"}, date(2024, 1, 3), date(2024, 1, 3)) == [PRICES[2]]
    assert store.prices([]) == []
    assert store.prices(["NOPE"]) == []


def test_price_reimport_is_idempotent(store: Store, snapshot: TakeSnapshot) -> None:
    store.import_prices(PRICES[:3], file_name="a.csv", file_sha256="a")
    before = snapshot(store)
    again = store.import_prices(PRICES[:3] + PRICES[:1], file_name="a.csv")
    assert (again.added, again.skipped, again.import_id) == (0, 4, None)
    assert snapshot(store) == before
    more = store.import_prices(
        [Price(date(2024, 1, 3), "VTI", D("233.900")), *PRICES[3:]], file_name="b.csv"
    )
    assert (more.added, more.skipped) == (2, 1)
    with store.engine.connect() as conn:
        kinds = conn.execute(sa.select(tables.imports.c.kind, tables.imports.c.household_id))
        assert kinds.all() == [("prices", None), ("prices", None)]


def test_price_conflict_names_file_and_row(store: Store, snapshot: TakeSnapshot) -> None:
    store.import_prices(PRICES, file_name="a.csv")
    before = snapshot(store)
    rows = [Price(date(2024, 1, 5), "VTI", D("240")), Price(date(2024, 1, 3), "VTI", D("234"))]
    sources = [Source("b.csv", 2), Source("b.csv", 3)]
    with pytest.raises(InputError) as caught:
        store.import_prices(rows, file_name="b.csv", sources=sources)
    [problem] = caught.value.problems
    assert problem.source == Source("b.csv", 3)
    assert problem.field == "price"
    assert "VTI" in problem.message and "2024-01-03" in problem.message
    assert "234" in problem.message and "233.9" in problem.message
    assert "correct the price" in problem.fix
    # Prices are market data, one per symbol and day for every household: a second listing
    # under the same ticker needs a symbol of its own.
    assert problem.message.endswith(
        "(a store keeps one price per symbol and day, shared by all its households)")
    assert problem.fix.endswith(
        "if they are the prices of two listings under one ticker, on two exchanges, give each "
        "listing a symbol of its own, exchange-qualified like SHOP.TO for Shopify in Toronto "
        "beside SHOP in New York, in the household's [securities], transactions and prices")
    assert snapshot(store) == before
    # Without sources the file is still named.
    with pytest.raises(InputError) as caught:
        store.import_prices(rows, file_name="b.csv")
    assert caught.value.problems[0].source == Source("b.csv")


def test_price_conflict_inside_one_file(store: Store) -> None:
    rows = [Price(date(2024, 1, 5), "VTI", D("240")), Price(date(2024, 1, 5), "VTI", D("241"))]
    sources = [Source("c.csv", 2), Source("c.csv", 3)]
    with pytest.raises(InputError, match=r"c\.csv:3 field 'price'.*row c\.csv:2"):
        store.import_prices(rows, file_name="c.csv", sources=sources)
    assert store.prices() == []
    with pytest.raises(ValueError, match="2 sources for 1 prices"):
        store.import_prices(rows[:1], file_name="c.csv", sources=sources)


def test_interrupted_price_import_leaves_the_store_unchanged(
    store: Store,
    snapshot: TakeSnapshot,
    fail_on_insert: FailOnInsert,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store.import_prices(PRICES[:1], file_name="a.csv")
    before = snapshot(store)
    monkeypatch.setattr(store_module, "_INSERT_CHUNK", 2)
    fail_on_insert(store, "prices", 2)
    with pytest.raises(RuntimeError, match="injected"):
        store.import_prices(PRICES[1:], file_name="b.csv")
    assert snapshot(store) == before


# -- FX rates -----------------------------------------------------------------------------

RATES = [
    FxRate(date(2024, 1, 2), "USD", "CAD", D("1.3297")),
    FxRate(date(2024, 1, 2), "GBP", "USD", D("1.2696")),
    FxRate(date(2024, 1, 3), "USD", "CAD", D("1.33290")),
    FxRate(date(2024, 1, 3), "CAD", "USD", D("0.7502")),  # another pair than USD,CAD
]


def test_fx_rates_round_trip_exactly_and_filter(store: Store) -> None:
    result = store.import_fx(RATES, file_name="fx.csv", file_sha256="f")
    assert (result.added, result.skipped) == (4, 0) and result.import_id is not None
    assert store.fx_rates() == [RATES[1], RATES[0], RATES[3], RATES[2]]
    assert str(store.fx_rates(start=date(2024, 1, 3))[1].rate) == "1.33290"
    assert store.fx_rates(end=date(2024, 1, 2)) == [RATES[1], RATES[0]]
    assert store.fx_rates(date(2024, 1, 4)) == []
    with store.engine.connect() as conn:
        imports = conn.execute(
            sa.select(tables.imports.c.kind, tables.imports.c.household_id,
                      tables.imports.c.file_sha256, tables.imports.c.added)
        ).all()
    assert imports == [("fx", None, "f", 4)]


def test_fx_reimport_is_idempotent(store: Store, snapshot: TakeSnapshot) -> None:
    store.import_fx(RATES[:2], file_name="a.csv")
    before = snapshot(store)
    again = store.import_fx(RATES[:2] + RATES[:1], file_name="a.csv")
    assert (again.added, again.skipped, again.import_id) == (0, 3, None)
    assert snapshot(store) == before
    more = store.import_fx(
        [FxRate(date(2024, 1, 2), "USD", "CAD", D("1.32970")), *RATES[2:]], file_name="b.csv"
    )
    assert (more.added, more.skipped) == (2, 1)
    assert len(store.fx_rates()) == 4


def test_fx_conflict_names_file_row_and_field_and_writes_nothing(
    store: Store, snapshot: TakeSnapshot
) -> None:
    store.import_fx(RATES, file_name="a.csv")
    before = snapshot(store)
    rows = [FxRate(date(2024, 1, 4), "USD", "CAD", D("1.3282")),
            FxRate(date(2024, 1, 3), "USD", "CAD", D("1.34")),
            FxRate(date(2024, 1, 2), "GBP", "USD", D("1.27"))]
    sources = [Source("b.csv", 2), Source("b.csv", 3), Source("b.csv", 4)]
    with pytest.raises(InputError) as caught:
        store.import_fx(rows, file_name="b.csv", sources=sources)
    first, second = caught.value.problems
    assert (first.source, first.field, second.source) == (
        Source("b.csv", 3), "rate", Source("b.csv", 4))
    assert first.message == (
        "the USD/CAD rate on 2024-01-03 is 1.34 here but 1.33290 in the store, from an "
        "earlier import")
    assert "correct the rate in this row" in first.fix
    assert snapshot(store) == before


def test_fx_conflict_inside_one_file(store: Store) -> None:
    rows = [FxRate(date(2024, 1, 5), "USD", "CAD", D("1.3")),
            FxRate(date(2024, 1, 5), "USD", "CAD", D("1.4"))]
    sources = [Source("c.csv", 2), Source("c.csv", 3)]
    with pytest.raises(InputError, match=r"c\.csv:3 field 'rate'.*row c\.csv:2 of this import"):
        store.import_fx(rows, file_name="c.csv", sources=sources)
    assert store.fx_rates() == []


def test_interrupted_fx_import_leaves_the_store_unchanged(
    store: Store,
    snapshot: TakeSnapshot,
    fail_on_insert: FailOnInsert,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store.import_fx(RATES[:1], file_name="a.csv")
    before = snapshot(store)
    monkeypatch.setattr(store_module, "_INSERT_CHUNK", 2)
    fail_on_insert(store, "fx_rates", 2)
    with pytest.raises(RuntimeError, match="injected"):
        store.import_fx(RATES[1:], file_name="b.csv")
    assert snapshot(store) == before


def test_deleting_a_household_keeps_the_shared_rates(store: Store) -> None:
    store.save_household("h", "id = 'h'")
    store.import_fx(RATES, file_name="fx.csv")
    store.delete_household("h")
    assert store.household_ids() == [] and len(store.fx_rates()) == 4


# -- several calls, one transaction -------------------------------------------------------


def test_atomic_commits_every_call_together_and_reads_its_own_writes(store: Store) -> None:
    with store.atomic() as tx:
        tx.save_household("h", "id = 'h'")
        result = tx.import_transactions("h", journal(), file_name="broker.csv",
                                        file_sha256="x")
        assert tx.next_seq("h") == len(journal())  # the block sees its own rows
        tx.save_carryforwards("h", [CarryforwardRow("kim", 2024, D(1), D(2))])
        with tx.atomic() as inner:  # joins the same transaction
            inner.import_fx(RATES[:1], file_name="fx.csv")
    assert result.added == len(journal())
    assert store.transactions("h") == journal()
    assert store.carryforwards("h") == [CarryforwardRow("kim", 2024, D(1), D(2))]
    assert store.fx_rates() == RATES[:1]


def test_an_exception_in_an_atomic_block_rolls_back_every_call(
    store: Store, snapshot: TakeSnapshot
) -> None:
    store.save_household("h", "id = 'h'")
    before = snapshot(store)
    with pytest.raises(ZeroDivisionError), store.atomic() as tx:
        tx.import_transactions("h", journal(), file_name="broker.csv", file_sha256="x")
        tx.save_book("h", Book(date(2024, 1, 1), (lot(1),), (), ()))
        tx.import_fx(RATES, file_name="fx.csv")
        tx.save_carryforwards("h", [CarryforwardRow("kim", 2024, D(1), D(2))])
        _ = 1 / 0  # a failure after every write, as a replay that fails would be
    assert snapshot(store) == before
    assert store.transactions("h") == [] and store.fx_rates() == []


def test_a_store_left_by_its_atomic_block_is_not_used_again(store: Store) -> None:
    with store.atomic() as tx:
        tx.save_household("h", "id = 'h'")
    tx.close()  # does not close the store that began it
    assert store.household_ids() == ["h"]
    with pytest.raises(sa.exc.ResourceClosedError):
        tx.household_ids()


def test_two_imports_into_one_household_at_once_run_one_after_the_other(target: Target) -> None:
    """Each import numbers its rows from the next seq it reads inside its block.  The second
    block waits for the first (PostgreSQL: the household's lock, taken first; SQLite: BEGIN
    IMMEDIATE), so it reads the seq after the first block's rows, not before them."""
    rows = journal()
    first, second = rows[:2], rows[2:]

    def numbered(batch: list[Transaction], start: int) -> list[Transaction]:
        return [replace(txn, seq=start + i) for i, txn in enumerate(batch)]

    with target.open() as one, target.open() as other:
        one.save_household("h", "id = 'h'")
        failures: list[BaseException] = []

        def import_second() -> None:
            try:
                with other.atomic("h") as tx:
                    tx.import_transactions("h", numbered(second, tx.next_seq("h")),
                                           file_name="b.csv", file_sha256="b")
            except BaseException as exc:
                failures.append(exc)

        with one.atomic("h") as tx:
            start = tx.next_seq("h")
            thread = threading.Thread(target=import_second)
            thread.start()
            if target.engine == "postgresql":
                wait_for_a_waiting_advisory_lock(one)
            tx.import_transactions("h", numbered(first, start), file_name="a.csv",
                                   file_sha256="a")
        thread.join()
        assert failures == []
        stored = one.transactions("h")
    assert [(t.id, t.seq) for t in stored] == [(t.id, i) for i, t in enumerate(rows)]


def wait_for_a_waiting_advisory_lock(store: Store) -> None:
    """Return once some session waits for an advisory lock (polled, not timed)."""
    waiting = sa.text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
    for _ in range(1000):
        with store.engine.connect() as conn:
            if conn.execute(waiting).scalar_one():
                return
        time.sleep(0.01)
    pytest.fail("the second import never waited for the household's lock")


# -- book snapshot ------------------------------------------------------------------------


def lot(n: int, account: str = "brokerage") -> OpenLot:
    return OpenLot(
        lot_id=f"t{n}",
        account=account,
        symbol="VTI",
        quantity=D("10.123456789"),
        basis=D("2000.00") + n,
        acquired=date(2023, 2, n),
        holding_start=date(2023, 1, n),
        origin="buy",
        wash_adjustment=D("12.34") if n % 2 else D(0),
    )


DISPOSAL = Disposal(
    txn_id="s1",
    lot_id="t1",
    account="brokerage",
    symbol="VTI",
    quantity=D("5"),
    acquired=date(2023, 2, 1),
    holding_start=date(2023, 1, 1),
    sold=date(2024, 3, 1),
    proceeds=D("1100.00"),
    basis=D("1200.005"),
    adjustment_code="W",
    adjustment=D("100.005"),
    gain=D("0"),
    term=Term.LONG,
)
WASH = WashSale(
    loss_txn_id="s1",
    loss_lot_id="t1",
    sold=date(2024, 3, 1),
    account="brokerage",
    symbol="VTI",
    quantity=D("5"),
    disallowed=D("100.005"),
    replacement_lot_id="t7",
    replacement_account="roth",
    replacement_symbol="VOO",
    replacement_acquired=date(2024, 3, 15),
    permanent=True,
)


def test_book_round_trips_in_order(store: Store) -> None:
    lots = (lot(3), lot(1, "ira"), lot(2), lot(3, "ira"))  # same lot_id in two accounts
    donation = replace(DISPOSAL, kind="donation", reportable=False, term=Term.SHORT, gain=D(0))
    book = Book(
        as_of=date(2024, 12, 31),
        lots=lots,
        disposals=(DISPOSAL, donation),
        wash_sales=(WASH, replace(WASH, permanent=False, replacement_account="brokerage")),
        cash={"brokerage": D("5.00")},
    )
    store.save_book("h", book)
    rows = store.load_book_rows("h")
    assert rows.as_of == date(2024, 12, 31)
    assert rows.lots == lots
    assert rows.disposals == (DISPOSAL, donation)
    assert rows.wash_sales == book.wash_sales
    assert type(rows.disposals[0].term) is Term
    assert rows.disposals[1].reportable is False and rows.wash_sales[0].permanent is True
    assert rows.saved_at == NOW


def test_save_book_replaces_only_that_household(store: Store) -> None:
    store.save_book("h", Book(date(2024, 1, 1), (lot(1), lot(2)), (DISPOSAL,), (WASH,)))
    store.save_book("g", Book(None, (lot(9),), (), ()))
    later = datetime(2025, 2, 1, tzinfo=UTC)
    store.save_book("h", Book(None, (lot(4),), (), ()), saved_at=later)
    rows = store.load_book_rows("h")
    assert (rows.as_of, rows.lots, rows.disposals, rows.wash_sales, rows.saved_at) == (
        None,
        (lot(4),),
        (),
        (),
        later,
    )
    assert store.load_book_rows("g").lots == (lot(9),)
    store.save_book("h", Book(None, (), (), ()))
    assert store.load_book_rows("h").lots == ()


def test_interrupted_save_book_keeps_the_old_book(
    store: Store, snapshot: TakeSnapshot, fail_on_insert: FailOnInsert
) -> None:
    store.save_book("h", Book(date(2024, 1, 1), (lot(1),), (DISPOSAL,), (WASH,)))
    before = snapshot(store)
    fail_on_insert(store, "wash_sales", 1)
    with pytest.raises(RuntimeError, match="injected"):
        store.save_book("h", Book(date(2024, 6, 1), (lot(2), lot(3)), (), (WASH,)))
    assert snapshot(store) == before


def test_missing_book_is_a_key_error(store: Store) -> None:
    with pytest.raises(BookNotFoundError, match="no book saved for household 'h'"):
        store.load_book_rows("h")


def test_book_tables_have_a_column_for_every_field() -> None:
    for table, kind in (
        (tables.lots, OpenLot),
        (tables.disposals, Disposal),
        (tables.wash_sales, WashSale),
    ):
        names = {f.name for f in kind.__dataclass_fields__.values()}
        assert names | {"household_id", "position"} == set(table.c.keys()), table.name


# -- carryforwards ------------------------------------------------------------------------


def test_carryforwards_round_trip_and_replace_by_key(store: Store) -> None:
    rows = [
        CarryforwardRow("alex+sam", 2024, D("-1234.56"), D("-20000.00"), "2023 Schedule D"),
        CarryforwardRow("alex+sam", 2023, D("0"), D("-3000"), "entered by user"),
        CarryforwardRow("kim", 2024, D("-0.01"), D("0.00")),
    ]
    store.save_carryforwards("h", rows)
    store.save_carryforwards("g", [CarryforwardRow("kim", 2024, D(1), D(2), "other")])
    assert store.carryforwards("h") == [rows[1], rows[0], rows[2]]
    update = CarryforwardRow("alex+sam", 2024, D("-1000"), D("-19000"), "recomputed")
    store.save_carryforwards("h", [update])
    assert store.carryforwards("h") == [rows[1], update, rows[2]]
    assert store.carryforwards("g") == [CarryforwardRow("kim", 2024, D(1), D(2), "other")]
    store.save_carryforwards("h", [])
    assert len(store.carryforwards("h")) == 3


def test_carryforward_keys_must_be_unique(store: Store) -> None:
    row = CarryforwardRow("kim", 2024, D(1), D(2))
    with pytest.raises(ValueError, match="repeat"):
        store.save_carryforwards("h", [row, replace(row, source="x")])
    assert store.carryforwards("h") == []


def test_interrupted_carryforward_save_keeps_the_old_rows(
    store: Store, snapshot: TakeSnapshot, fail_on_insert: FailOnInsert
) -> None:
    store.save_carryforwards("h", [CarryforwardRow("kim", 2024, D(1), D(2))])
    before = snapshot(store)
    fail_on_insert(store, "carryforwards", 1)
    with pytest.raises(RuntimeError, match="injected"):
        store.save_carryforwards("h", [CarryforwardRow("kim", 2024, D(5), D(6))])
    assert snapshot(store) == before


# -- plans --------------------------------------------------------------------------------


def plan_record(plan_id: str, minutes: int = 0, household: str = "h") -> PlanRecord:
    return PlanRecord(
        id=plan_id,
        household_id=household,
        created_at=datetime(2025, 1, 2, 9, minutes, tzinfo=timezone(timedelta(hours=1))),
        inputs_hash="sha256:" + "0" * 64,
        policy_json='{"absolute_band": "0.05"}',
        trades_json='[{"sell": "VTI", "quantity": "10.5"}]',
        reasons_json='["harvest loss of 1,234.56 — wash-sale safe"]',
    )


def test_plans_round_trip(store: Store) -> None:
    later, earlier, other = plan_record("p2", 30), plan_record("p1", 5), plan_record("p3", 1, "g")
    for record in (later, earlier, other):
        store.save_plan(record)
    assert store.plans("h") == [earlier, later]
    got = store.plan("p2")
    assert got == later
    assert got.created_at.tzinfo is UTC and got.created_at == later.created_at
    assert got.reasons_json == later.reasons_json
    assert store.plans("nobody") == []


def test_plan_log_is_append_only(store: Store) -> None:
    store.save_plan(plan_record("p1"))
    store.save_plan(plan_record("p1"))  # the same plan again: nothing to do
    with pytest.raises(ValueError, match="append-only"):
        store.save_plan(replace(plan_record("p1"), trades_json="[]"))
    with pytest.raises(ValueError, match="trades_json is not valid JSON"):
        store.save_plan(replace(plan_record("p2"), trades_json="[oops"))
    with pytest.raises(sa.exc.StatementError, match="timezone-aware"):
        store.save_plan(replace(plan_record("p3"), created_at=datetime(2025, 1, 1)))
    assert store.plans("h") == [plan_record("p1")]


def test_missing_plan_is_a_key_error(store: Store) -> None:
    with pytest.raises(PlanNotFoundError, match="no plan 'p9'"):
        store.plan("p9")


# -- deleting a household -----------------------------------------------------------------


def fill(store: Store, household: str) -> None:
    store.save_household(household, f"id = '{household}'")
    store.import_transactions(household, journal(), file_name="a.csv", file_sha256="1")
    store.save_book(household, Book(None, (lot(1),), (DISPOSAL,), (WASH,)))
    store.save_carryforwards(household, [CarryforwardRow("u", 2024, D(1), D(2))])
    store.save_plan(plan_record(f"plan-{household}", household=household))


def test_delete_household_removes_all_its_rows(store: Store, snapshot: TakeSnapshot) -> None:
    store.import_prices(PRICES, file_name="p.csv")
    fill(store, "g")
    alone = snapshot(store)
    fill(store, "h")
    store.delete_household("h")
    after = snapshot(store)
    assert after == alone
    assert store.prices() != []
    store.delete_household("h")  # deleting again is harmless
    assert snapshot(store) == alone


def test_interrupted_delete_keeps_everything(store: Store, snapshot: TakeSnapshot) -> None:
    fill(store, "h")
    before = snapshot(store)

    def boom(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("DELETE FROM CARRYFORWARDS"):
            raise RuntimeError("injected")

    sa.event.listen(store.engine, "before_cursor_execute", boom)
    try:
        with pytest.raises(RuntimeError, match="injected"):
            store.delete_household("h")
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", boom)
    assert snapshot(store) == before


def test_sqlite_file_is_readable_by_plain_sqlite(target: Target) -> None:
    """SQL users can query the SQLite file directly; decimals are exact text there."""
    with target.open() as store:
        store.import_transactions("h", journal(), file_name="a.csv", file_sha256="1")
        if target.engine != "sqlite":
            with store.engine.connect() as conn:
                total = conn.execute(
                    sa.text("SELECT sum(amount) FROM transactions WHERE household_id = 'h'")
                ).scalar_one()
            assert total == D("107219.99999901")
            return
        path = target.url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        stored = conn.execute("SELECT amount FROM transactions WHERE id = 't5'").fetchone()[0]
    assert stored == "0.00000001"


def test_foreign_currency_columns_round_trip_and_reimport_adds_nothing(store: Store) -> None:
    # Migration 0002: a Canadian household's US dividend, in USD with its own rate and the
    # tax withheld, comes back exactly; importing the same rows again is not a conflict.
    from dataclasses import replace

    base = journal()[0]
    txn = replace(base, id="fx1", seq=99, currency="USD", fx_rate=D("1.3571"),
                  source_country="US", withholding=D("1.50"))
    store.import_transactions("h", [txn], file_name="ca.csv", file_sha256="c" * 64)
    (got,) = store.transactions("h")
    assert (got.currency, got.fx_rate, got.source_country, got.withholding) == (
        "USD", D("1.3571"), "US", D("1.50"))
    again = store.import_transactions("h", [txn], file_name="ca.csv", file_sha256="c" * 64)
    assert (again.added, again.skipped) == (0, 1)
