"""`lotwise init` and `lotwise import transactions` on SQLite and PostgreSQL: every household
the file format allows is kept whole, and an import writes all or nothing."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from lotwise.cli import app, store_commands
from lotwise.cli import commands as _commands  # noqa: F401  (registers the commands)
from lotwise.io import load_household, parse_household, read_transactions
from lotwise.ledger import replay
from lotwise.store import BookNotFoundError
from tests.stores import take_snapshot

if TYPE_CHECKING:
    from tests.stores import Target

D = Decimal
FIXTURES = Path(__file__).resolve().parent / "fixtures"
runner = CliRunner()


def run(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, " ".join(result.output.split())  # Rich wraps long lines


def ok(*args: str | Path) -> str:
    code, out = run(*args)
    assert code == 0, out
    return out


def as_json(*args: str | Path) -> Any:
    result = runner.invoke(app, [*(str(a) for a in args), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# -- the household is kept whole ----------------------------------------------------------


def test_a_household_with_every_key_round_trips_and_imports(target: Target) -> None:
    path = FIXTURES / "every_key.toml"
    ok("init", path, "--db", target.db)
    ok("import", "transactions", FIXTURES / "every_key.csv", "--db", target.db)
    with target.open() as store:
        assert store.household_text("every_key") == path.read_text()
        assert parse_household(store.household_text("every_key"), "store") == load_household(path)
        carried = store.carryforwards("every_key")
    assert [(r.tax_unit, r.year, r.short_term, r.long_term) for r in carried] == [
        # 10,000 short-term loss; 3,000 deducted (IRC §1211(b)); the 1,000 long-term
        # carried in is untouched (Schedule D worksheet)
        ("alex+sam", 2026, D(7000), D(1000)),
        # half of a 1,000 loss (s.38(b)) on top of the 1,500 carried in
        ("claire", 2026, D(0), D(2000)),
        # a 1,000 loss in 2025-26 and the 2,000 brought forward, none used
        ("olivia", 2026, D(0), D(3000)),
    ]
    # The store's answers are the file's: the [tax], [tax.ca] and [tax.uk] tables survived.
    on_files = ["--household", str(path), "--transactions", str(FIXTURES / "every_key.csv")]
    for args in (["tax", "--year", "2025", "--as-of", "2025-12-31"], ["gains", "--year", "2025"]):
        assert as_json(*args, "--db", target.db) == as_json(*args, *on_files)


# -- an import writes all or nothing --------------------------------------------------------


def test_a_failure_after_the_rows_are_parsed_imports_nothing(
    target: Target, tmp_path: Path
) -> None:
    bad = tmp_path / "household.toml"
    bad.write_text((FIXTURES / "every_key.toml").read_text().replace(
        "taxable_income = 52000", 'taxable_income = "a lot"'))
    ok("init", bad, "--db", target.db)
    with target.open() as store:
        before = take_snapshot(store)
    code, out = run("import", "transactions", FIXTURES / "every_key.csv", "--db", target.db)
    assert code == 2 and "field 'tax.uk.olivia.taxable_income': 'a lot' is not a number" in out
    with target.open() as store:
        assert take_snapshot(store) == before
        assert store.transactions("every_key") == []
        with pytest.raises(BookNotFoundError):
            store.load_book_rows("every_key")


def test_a_database_failure_saving_the_carryforwards_rolls_back_the_rows_and_book(
    target: Target,
) -> None:
    with target.open() as store:
        store_commands.init_household(store, FIXTURES / "every_key.toml")
        before = take_snapshot(store)
        seen: list[str] = []

        def fail(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            seen.append(" ".join(statement.split()[:3]).upper())
            if statement.lstrip().upper().startswith("INSERT INTO CARRYFORWARDS "):
                raise RuntimeError("injected failure saving the carryforwards")

        sa.event.listen(store.engine, "before_cursor_execute", fail)
        try:
            with pytest.raises(RuntimeError, match="injected"):
                store_commands.import_transactions_file(store, FIXTURES / "every_key.csv")
        finally:
            sa.event.remove(store.engine, "before_cursor_execute", fail)
        # the rows, their import and the book were written first, in the same transaction
        assert {"INSERT INTO IMPORTS", "INSERT INTO TRANSACTIONS", "INSERT INTO BOOK_SNAPSHOTS",
                "INSERT INTO DISPOSALS"} <= set(seen)
        assert take_snapshot(store) == before


def test_a_later_file_adds_its_new_rows_and_the_book_and_carryforwards_are_redone(
    target: Target, tmp_path: Path
) -> None:
    lines = (FIXTURES / "every_key.csv").read_text().splitlines(keepends=True)
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text("".join(lines[:7]))  # up to Claire's sale
    second.write_text("".join(lines[:1] + lines[4:]))  # three rows of the first again
    ok("init", FIXTURES / "every_key.toml", "--db", target.db)
    ok("import", "transactions", first, "--db", target.db)
    with target.open() as store:
        assert {r.tax_unit for r in store.carryforwards("every_key")} == {"alex+sam", "claire"}
    again = as_json("import", "transactions", second, "--db", target.db)
    assert (again["added"], again["skipped"]) == (3, 3)
    household = load_household(FIXTURES / "every_key.toml")
    book = replay(household, read_transactions(FIXTURES / "every_key.csv", household,
                                               today=date.today()))
    with target.open() as store:
        saved = store.load_book_rows("every_key")
        assert (saved.lots, saved.disposals) == (book.lots, book.disposals)
        assert store.carryforwards("every_key") == store_commands.carryforward_rows(
            household, book)
        assert {r.tax_unit for r in store.carryforwards("every_key")} == {
            "alex+sam", "claire", "olivia"}
