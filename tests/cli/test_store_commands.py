"""`lotwise init` and `lotwise import transactions|prices|fx` on SQLite and PostgreSQL: every
household the file format allows is kept whole, an import writes all or nothing, FX rates
are imported like prices, and no store-mode message sends the user to `--fx`."""

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
from lotwise.io import example_dir, load_household, parse_household, read_transactions
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


def files(name: str) -> list[str]:
    folder = example_dir(name)
    return ["--household", str(folder / "household.toml"),
            "--transactions", str(folder / "transactions.csv"),
            "--prices", str(folder / "prices.csv"), "--fx", str(folder / "fx.csv")]


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
        ("family_trust", 2026, D(0), D(0)),  # a US return with nothing sold
        # a 1,000 loss in 2025-26 and the 2,000 brought forward, none used
        ("olivia", 2026, D(0), D(3000)),
    ]
    # The store's answers are the file's: the [tax], [tax.ca] and [tax.uk] tables survived.
    on_files = ["--household", str(path), "--transactions", str(FIXTURES / "every_key.csv")]
    for args in (["tax", "--year", "2025", "--as-of", "2025-12-31"], ["gains", "--year", "2025"]):
        assert as_json(*args, "--db", target.db) == as_json(*args, *on_files)


def reported_carryforwards(db: str, year: int) -> dict[str, tuple[str, str]]:
    """Each tax unit's (short-term, long-term) carryforward out of ``year`` as `lotwise tax`
    reports it; Canada and the UK have no short term."""
    report = as_json("tax", "--year", str(year), "--as-of", "2026-11-20", "--db", db)
    figures = {u["tax_unit"]: (u["carryforward_out"]["short"], u["carryforward_out"]["long"])
               for u in report["units"]}
    figures |= {o["owner"]: ("0", o["net_capital_losses_out"]) for o in report.get("canada", [])}
    figures |= {o["owner"]: ("0", o["losses_carried_forward"])
                for o in report.get("united_kingdom", [])}
    return figures


def test_stored_carryforwards_are_the_figures_lotwise_tax_reports_to_the_cent(
    target: Target, tmp_path: Path
) -> None:
    # Amounts off the cent in every regime: Alex's loss is 10,000.005, of which 3,000 is
    # deducted (IRC s.1211(b)), carrying 7,000.005; Claire's Schedule 3 line is 3,000.01 -
    # 4,000 = -999.99, half of it allowable (s.38(b)), 499.995 on top of the 1,500 carried
    # in; Olivia's proceeds of 7,000.0004 are 7,000.00 to the penny (SA108 lines are
    # rounded before they are added), a loss of 1,000.00 on the 2,000 brought forward.
    journal = tmp_path / "off_the_cent.csv"
    journal.write_text((FIXTURES / "every_key.csv").read_text()
                       .replace("VTI,100,200,", "VTI,100,199.99995,")
                       .replace("XIC,100,30,", "XIC,100,30.0001,")
                       .replace("ISF,1000,7,", "ISF,1000,7.0000004,"))
    ok("init", FIXTURES / "every_key.toml", "--db", target.db)
    ok("import", "transactions", journal, "--db", target.db)
    with target.open() as store:
        carried = store.carryforwards("every_key")
    assert [(r.tax_unit, r.year, str(r.short_term), str(r.long_term)) for r in carried] == [
        ("alex+sam", 2026, "7000.01", "1000.00"),  # 7,000.005 rounded half up
        ("claire", 2026, "0", "2000.00"),  # 1,999.995
        ("family_trust", 2026, "0.00", "0.00"),
        ("olivia", 2026, "0", "3000.00"),
    ]
    for row in carried:
        assert (str(row.short_term), str(row.long_term)) == reported_carryforwards(
            target.db, row.year - 1)[row.tax_unit], row


# -- an import writes all or nothing --------------------------------------------------------


def test_a_failure_after_the_rows_are_parsed_imports_nothing(
    target: Target, tmp_path: Path
) -> None:
    # A [tax] value that does not read is refused when the household file is read, by init,
    # before any import.
    bad = tmp_path / "household.toml"
    bad.write_text((FIXTURES / "every_key.toml").read_text().replace(
        "taxable_income = 52000", 'taxable_income = "a lot"'))
    code, out = run("init", bad, "--db", target.db)
    assert code == 2 and "field 'tax.uk.olivia.taxable_income': 'a lot' is not a number" in out
    # A journal whose last row needs a rate the store lacks (US dollars in a Canadian-dollar
    # account) fails in the replay, after its rows were parsed and added.
    ok("init", FIXTURES / "every_key.toml", "--db", target.db)
    journal = tmp_path / "transactions.csv"
    journal.write_text((FIXTURES / "every_key.csv").read_text()
                       + "2025-06-03,claire_cash,buy,VTI,1,300,,,,C3,\n")
    with target.open() as store:
        before = take_snapshot(store)
    code, out = run("import", "transactions", journal, "--db", target.db)
    assert code == 2 and "no USD/CAD rate for 2025-06-03" in out
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
        assert {r.tax_unit for r in store.carryforwards("every_key")} == {
            "alex+sam", "claire", "family_trust"}
    again = as_json("import", "transactions", second, "--db", target.db)
    assert (again["added"], again["skipped"]) == (3, 3)
    household = load_household(FIXTURES / "every_key.toml")
    book = replay(household, read_transactions(FIXTURES / "every_key.csv", household,
                                               today=date.today()))
    with target.open() as store:
        saved = store.load_book_rows("every_key")
        assert (saved.lots, saved.disposals) == (book.lots, book.disposals)
        assert store.carryforwards("every_key") == sorted(
            store_commands.carryforward_rows(household, book), key=lambda r: (r.tax_unit, r.year))
        assert {r.tax_unit for r in store.carryforwards("every_key")} == {
            "alex+sam", "claire", "family_trust", "olivia"}


# -- FX rates in the store -------------------------------------------------------------------


def test_fx_rates_import_once_and_a_different_rate_is_refused(
    target: Target, tmp_path: Path
) -> None:
    fx = example_dir("ca") / "fx.csv"
    count = len(fx.read_text().splitlines()) - 1
    first = as_json("import", "fx", fx, "--db", target.db)
    assert (first["kind"], first["added"], first["skipped"]) == ("fx", count, 0)
    again = as_json("import", "fx", fx, "--db", target.db)
    assert (again["added"], again["skipped"]) == (0, count)
    assert "Imported FX rates: 0 added" in ok("import", "fx", fx, "--db", target.db)
    conflict = tmp_path / "more.csv"
    conflict.write_text("date,base,quote,rate\n2023-06-01,USD,CAD,1.35\n"
                        "2024-01-03,USD,CAD,1.5\n")
    code, out = run("import", "fx", conflict, "--db", target.db)
    assert code == 2
    assert (f"{conflict}:3 field 'rate': the USD/CAD rate on 2024-01-03 is 1.5 here but 1.3329 "
            "in the store, from an earlier import") in out
    malformed = tmp_path / "bad.csv"
    malformed.write_text("date,base,quote,rate\n2024-01-02,USD,CAD,1.3297\n2024-01-03,US,CAD,x\n")
    code, out = run("import", "fx", malformed, "--db", target.db)
    assert code == 2 and f"{malformed}:3 field 'base'" in out and "field 'rate'" in out
    with target.open() as store:
        rates = store.fx_rates()
    assert len(rates) == count and min(r.date for r in rates).year == 2024  # not 2023-06-01


def test_a_price_that_disagrees_with_the_store_is_refused_naming_its_file_and_row(
    target: Target, tmp_path: Path
) -> None:
    first = tmp_path / "prices.csv"
    first.write_text("date,symbol,price\n2025-01-02,VTI,300\n2025-01-03,VTI,301\n")
    ok("import", "prices", first, "--db", target.db)
    later = tmp_path / "later.csv"
    later.write_text("date,symbol,price\n2025-01-06,VTI,302\n2025-01-03,VTI,310\n")
    code, out = run("import", "prices", later, "--db", target.db)
    assert code == 2
    assert f"{later}:3 field 'price'" in out
    with target.open() as store:
        assert [p.price for p in store.prices(["VTI"])] == [D(300), D(301)]  # nothing added


def test_store_mode_messages_say_to_import_rates_and_never_mention_the_fx_option(
    target: Target,
) -> None:
    folder = example_dir("ca")
    ok("init", folder / "household.toml", "--db", target.db)
    code, out = run("import", "transactions", folder / "transactions.csv", "--db", target.db)
    assert code == 2 and "--fx" not in out
    # the US-dollar deposit of row 3 moves cash and needs no rate; the purchase of row 13 does
    assert "transactions.csv:3 " not in out
    assert ("transactions.csv:13 field 'fx_rate': no USD/CAD rate for 2024-01-02: this buy "
            "is in USD and the owner's tax currency is CAD, in the store's FX rates. Fix: add a "
            "row 2024-01-02,USD,CAD,<rate> to an FX rates file and import it with `lotwise "
            "import fx FILE`, or give this row an fx_rate") in out
    ok("import", "fx", folder / "fx.csv", "--db", target.db)
    ok("import", "transactions", folder / "transactions.csv", "--db", target.db)
    ok("import", "prices", folder / "prices.csv", "--db", target.db)
    # The rates end on 2026-11-20: ten days later the plan day has none within a week.
    for command in ("holdings", "lots", "drift", "plan", "harvest"):
        code, out = run(command, "--db", target.db, "--as-of", "2026-11-30")
        assert code == 2, (command, out)
        assert "--fx" not in out, (command, out)
        assert ("the store's FX rates field 'rate': no USD/CAD rate for 2026-11-30" in out
                and "add a row 2026-11-30,USD,CAD,<rate> to an FX rates file and import it "
                "with `lotwise import fx FILE`" in out), (command, out)
    # A rates file given with --fx replaces the stored rates, and its messages name the file.
    code, out = run("holdings", "--db", target.db, "--as-of", "2026-11-30",
                    "--fx", folder / "fx.csv")
    assert code == 2 and out.startswith(f"error: {folder / 'fx.csv'} field 'rate'")
    assert as_json("holdings", "--db", target.db, "--as-of", "2026-11-20",
                   "--fx", folder / "fx.csv") == as_json(
        "holdings", "--db", target.db, "--as-of", "2026-11-20")


def test_stateless_messages_still_name_the_fx_option() -> None:
    args = [a for a in files("ca") if not a.endswith("fx.csv") and a != "--fx"]
    code, out = run("gains", "--year", "2025", *args)
    assert code == 2 and ("to an FX rates file and give it with --fx, or give this row an "
                          "fx_rate") in out
    code, out = run("holdings", "--as-of", "2026-11-30", *files("ca"))
    fx_file = example_dir("ca") / "fx.csv"
    assert code == 2 and out.startswith(f"error: {fx_file} field 'rate': no USD/CAD rate")


# -- the bundled Canadian and UK households -------------------------------------------------


@pytest.mark.parametrize("name", ["ca", "uk"])
def test_canadian_and_uk_households_import_with_their_tax_tables(
    target: Target, name: str
) -> None:
    folder = example_dir(name)
    ok("init", folder / "household.toml", "--db", target.db)
    ok("import", "fx", folder / "fx.csv", "--db", target.db)
    imported = as_json("import", "transactions", folder / "transactions.csv", "--db", target.db)
    assert imported["skipped"] == 0 and imported["added"] > 200
    household = load_household(folder / "household.toml")
    with target.open() as store:
        assert store.household_text(household.id) == (folder / "household.toml").read_text()
        assert parse_household(store.household_text(household.id), "store") == household
        carried = {(r.tax_unit, r.year): r for r in store.carryforwards(household.id)}
    # What the store carries into a year is what `lotwise tax` carries out of the one before,
    # from the losses of [tax.ca.claire] and [tax.uk.olivia] on.
    regime, key = ("canada", "net_capital_losses_out") if name == "ca" else (
        "united_kingdom", "losses_carried_forward")
    for year in (2024, 2025):
        report = as_json("tax", "--year", str(year), "--as-of", "2026-11-20", *files(name))
        assert report[regime]
        for owner in report[regime]:
            row = carried.get((owner["owner"], year + 1))
            if row is None:  # no disposal yet: nothing computed, nothing stored
                assert owner["owner"] == "marc" and year == 2024
                continue
            assert row.short_term == 0 and str(row.long_term) == owner[key]
    first = carried[("claire", 2025)] if name == "ca" else carried[("olivia", 2025)]
    assert first.long_term != 0


# -- the bundled examples share one store ---------------------------------------------------


def price_rows(path: Path, symbol: str) -> list[tuple[date, Decimal]]:
    rows = [line.split(",") for line in path.read_text().splitlines()[1:]]
    return [(date.fromisoformat(d), D(p)) for d, s, p in rows if s == symbol]


@pytest.mark.parametrize("name", ["ca", "uk"])
def test_a_bundled_example_imports_into_the_demos_store(target: Target, name: str) -> None:
    # `lotwise demo` fills the store with the US example; VTI is priced there, and the other
    # examples' VTI rows are the same rows, so they import beside it.
    ok("demo", "--db", target.db, "--as-of", "2026-11-20", "--json")
    folder = example_dir(name)
    household = load_household(folder / "household.toml")
    ok("init", folder / "household.toml", "--db", target.db)
    ok("import", "fx", folder / "fx.csv", "--db", target.db)
    ok("import", "transactions", folder / "transactions.csv", "--db", target.db,
       "--household-id", household.id)
    prices = as_json("import", "prices", folder / "prices.csv", "--db", target.db)
    vti = price_rows(folder / "prices.csv", "VTI")
    rows = len((folder / "prices.csv").read_text().splitlines()) - 1
    # every VTI row was in the store already, at the same price; the rest are new
    assert (prices["added"], prices["skipped"]) == (rows - len(vti), len(vti))
    with target.open() as store:
        assert store.household_ids() == sorted(["rivera", household.id])
        stored = [(p.date, p.price) for p in store.prices(["VTI"])]
    assert stored == price_rows(example_dir() / "prices.csv", "VTI")
    # the household's reports read the shared prices as they read its own file
    for args in (["holdings", "--as-of", "2026-11-20"], ["tax", "--year", "2025"]):
        assert as_json(*args, "--db", target.db, "--household-id", household.id) == as_json(
            *args, *files(name))
