"""`lotwise init` and `lotwise import transactions|prices`: fill the store, atomically.

An import is checked in full before anything is written: every row is parsed and the whole
journal, old rows and new, is replayed, so a sell of more shares than held or an unknown
lot fails the import and leaves the store as it was.  Re-importing a file adds nothing.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from lotwise.cli.app import app
from lotwise.cli.context import open_store, pick_household, store_url, today
from lotwise.cli.options import DbOpt, HouseholdIdOpt, JsonOpt
from lotwise.cli.output import console, friendly_errors, print_json
from lotwise.errors import InputError, Problem, Source
from lotwise.io import parse_household, read_prices, read_transactions
from lotwise.io.household_toml import read_text
from lotwise.ledger import replay
from lotwise.ledger.book import Book
from lotwise.model.household import Household
from lotwise.store import CarryforwardRow, ImportResult, Store
from lotwise.tax.params import available_years
from lotwise.tax.profile import parse_tax_profile
from lotwise.tax.realized import carryforward_chain

import_app = typer.Typer(help="Import transactions or prices into the store.", no_args_is_help=True)
app.add_typer(import_app, name="import")

FileArg = Annotated[Path, typer.Argument(help="CSV file to import.")]


def init_household(store: Store, path: Path) -> str:
    text = read_text(path)
    household = parse_household(text, str(path))
    store.save_household(household.id, text)
    return household.id


def import_transactions_file(
    store: Store, path: Path, household_id: str | None = None, db: str | None = None
) -> tuple[str, ImportResult]:
    hid = pick_household(store, household_id, db)
    household = parse_household(store.household_text(hid), f"store:{hid}")
    existing = store.transactions(hid)
    new = read_transactions(path, household, today=today(), seq_start=store.next_seq(hid))
    known = {t.id for t in existing}
    replay(household, existing + [t for t in new if t.id not in known])
    data = path.read_bytes()
    result = store.import_transactions(
        hid, new, file_name=str(path), file_sha256=hashlib.sha256(data).hexdigest()
    )
    book = replay(household, store.transactions(hid))
    store.save_book(hid, book)
    save_carryforwards(store, hid, household, book)
    return hid, result


def save_carryforwards(store: Store, household_id: str, household: Household, book: Book) -> None:
    """Persist each tax unit's capital-loss carryovers year by year (Schedule D worksheet),
    from the first year of the household's tax profile to the last year with a disposal."""
    if not household.tax:
        return
    profile = parse_tax_profile(household)
    years = profile.profile_years()
    if not years:
        return
    last = max([years[-1], *(d.sold.year for d in book.disposals)])
    last = min(last, max(available_years()))
    rows = carryforward_chain(household, book.disposals, range(years[0], last + 1),
                              profile=profile)
    store.save_carryforwards(household_id, [
        CarryforwardRow(r.unit_key, r.year + 1, r.carry_out_short, r.carry_out_long,
                        source=f"carryover worksheet {r.year}")
        for r in rows
    ])


def import_prices_file(store: Store, path: Path) -> ImportResult:
    prices = read_prices(path, today=today())
    return store.import_prices(
        prices,
        file_name=str(path),
        file_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
    )


@app.command("init")
@friendly_errors
def init_command(
    household_file: Annotated[Path, typer.Argument(help="Household TOML file.")],
    db: DbOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Create the store if needed and save (or replace) a household in it."""
    with open_store(db) as store:
        hid = init_household(store, household_file)
    if json_out:
        print_json({"household_id": hid, "store": store_url(db)})
    else:
        console.print(f"Saved household [bold]{escape(hid)}[/] in {escape(store_url(db))}",
                      markup=True)


@import_app.command("transactions")
@friendly_errors
def import_transactions_command(
    file: FileArg, db: DbOpt = None, household_id: HouseholdIdOpt = None, json_out: JsonOpt = False
) -> None:
    """Import a transactions CSV: all rows or none; re-importing adds nothing."""
    _require_file(file)
    with open_store(db) as store:
        hid, result = import_transactions_file(store, file, household_id, db)
    _report(json_out, "transactions", hid, result)


@import_app.command("prices")
@friendly_errors
def import_prices_command(file: FileArg, db: DbOpt = None, json_out: JsonOpt = False) -> None:
    """Import a prices CSV (date,symbol,price): all rows or none."""
    _require_file(file)
    with open_store(db) as store:
        result = import_prices_file(store, file)
    _report(json_out, "prices", None, result)


def _require_file(path: Path) -> None:
    if not path.is_file():
        raise InputError([Problem(Source(str(path)), None, "no such file",
                                  "check the path of the file to import")])


def _report(json_out: bool, what: str, hid: str | None, result: ImportResult) -> None:
    if json_out:
        print_json({"household_id": hid, "kind": what, "added": result.added,
                    "skipped": result.skipped})
    else:
        console.print(f"Imported {what}: {result.added} added, {result.skipped} already present")
