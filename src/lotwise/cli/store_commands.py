"""`lotwise init` and `lotwise import transactions|prices|fx`: fill the store, atomically.

Importing transactions is one database transaction from start to end: every row of the
file is parsed, the new rows are added to the household's journal, the whole journal (old
rows and new) is replayed with the FX rates in the store, and the book and each tax unit's
capital-loss carryforwards are saved from that replay.  Whatever fails on the way (a sell
of more shares than held, an unknown lot, a missing exchange rate, a bad ``[tax]`` table)
rolls all of it back, and the store is as it was.  Re-importing a file adds nothing.

Prices and FX rates are shared by every household in the store and imported the same way:
all rows of a file or none, the same rows again add nothing, and a different value for a
stored day is refused.  A store holds one price per symbol and day, whichever household's
file it came from, so two listings under one ticker need a symbol each (SHOP and SHOP.TO).
Import the FX rates a journal needs before the journal.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from lotwise.cli.app import app
from lotwise.cli.context import open_store, pick_household, store_url, stored_rates, today
from lotwise.cli.options import DbOpt, HouseholdIdOpt, JsonOpt
from lotwise.cli.output import console, friendly_errors, print_json
from lotwise.errors import InputError, Problem, Source
from lotwise.io import parse_household, read_transactions
from lotwise.io.fx_csv import read_fx_with_sources
from lotwise.io.household_toml import read_text
from lotwise.io.prices_csv import read_prices_with_sources
from lotwise.ledger import replay
from lotwise.ledger.book import Book
from lotwise.model.household import Household
from lotwise.model.numbers import ZERO, money
from lotwise.regimes import ca as ca_regime
from lotwise.regimes import uk as uk_regime
from lotwise.regimes.base import CA, UK, US, is_all_us, owner_regimes, sub_household
from lotwise.store import CarryforwardRow, ImportResult, Store
from lotwise.tax.params import available_years
from lotwise.tax.profile import parse_tax_profile
from lotwise.tax.realized import carryforward_chain

import_app = typer.Typer(
    help="Import transactions, prices or FX rates into the store.", no_args_is_help=True
)
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
    """Add a transactions file to the household's journal and save the book and the
    carryforwards replayed from the whole journal, in one database transaction."""
    hid = pick_household(store, household_id, db)
    digest = _sha256(path)
    with store.atomic(hid) as tx:
        household = parse_household(tx.household_text(hid), f"store:{hid}")
        new = read_transactions(path, household, today=today(), seq_start=tx.next_seq(hid))
        result = tx.import_transactions(hid, new, file_name=str(path), file_sha256=digest)
        book = replay(household, tx.transactions(hid), fx=stored_rates(tx))
        tx.save_book(hid, book)
        tx.save_carryforwards(hid, carryforward_rows(household, book))
    return hid, result


def carryforward_rows(household: Household, book: Book) -> list[CarryforwardRow]:
    """Each tax unit's capital losses carried out of each year, under its owners' regime.

    * US residents' units (joint filers together): short- and long-term carryovers from the
      Schedule D Capital Loss Carryover Worksheet, year by year from the first year of the
      ``[tax]`` profile (:func:`lotwise.tax.realized.carryforward_chain`);
    * Canadian residents: net capital losses (the allowable part) carried forward under ITA
      s.111(1)(b) (:func:`lotwise.regimes.ca.ca_years`), from their first year with a
      disposition;
    * UK residents: allowable losses carried forward under TCGA 1992 s.2(2)(b)
      (:func:`lotwise.regimes.uk.uk_years`), from their first tax year with a disposal.

    Neither Canada nor the UK has a holding period, so their losses are in ``long_term``.
    A row's ``year`` is the year the losses are carried into (for the UK, the tax year that
    starts on 6 April of it), its amounts are in the unit's tax currency, and the years run
    up to the last with a disposal but not past the last one lotwise has parameters for.

    The amounts are the figures ``lotwise tax`` reports as carried out of the year: the
    same computations, rounded to the cent as the report rounds them
    (:func:`lotwise.model.numbers.money`).  A Canadian net capital loss is half a sum of
    cents, so the computation may carry half a cent: 1,399.305 is reported, and stored,
    as 1,399.31.
    """
    regimes = owner_regimes(household)
    rows = _us_rows(household, book) if US in regimes.values() else []
    for owner_id, code in sorted(regimes.items()):
        if code == CA:
            rows += _ca_rows(household, book, owner_id)
        elif code == UK:
            rows += _uk_rows(household, book, owner_id)
    return rows


def _us_rows(household: Household, book: Book) -> list[CarryforwardRow]:
    us = household if is_all_us(household) else sub_household(household, US)
    if not us.tax:
        return []
    profile = parse_tax_profile(us)
    years = profile.profile_years()
    if not years:
        return []
    disposals = [d for d in book.disposals if d.account in us.accounts]
    last = min(max([years[-1], *(d.sold.year for d in disposals)]), max(available_years()))
    chain = carryforward_chain(us, disposals, range(years[0], last + 1), profile=profile)
    return [
        CarryforwardRow(r.unit_key, r.year + 1, money(r.carry_out_short),
                        money(r.carry_out_long), source=f"carryover worksheet {r.year}")
        for r in chain
    ]


def _ca_rows(household: Household, book: Book, owner_id: str) -> list[CarryforwardRow]:
    sold = [d.sold.year for d in book.ca_dispositions if d.owner == owner_id]
    if not sold:
        return []
    last = min(max(sold), max(ca_regime.available_years()))
    return [
        CarryforwardRow(owner_id, y.year + 1, ZERO, money(y.carry_out),
                        source=f"net capital losses after {y.year} (ITA s.111(1)(b))")
        for y in ca_regime.ca_years(book, household, owner_id, last)
    ]


def _uk_rows(household: Household, book: Book, owner_id: str) -> list[CarryforwardRow]:
    sold = [d.tax_year for d in book.uk_disposals if d.owner == owner_id]
    if not sold:
        return []
    last = min(max(sold), max(uk_regime.available_years()))
    return [
        CarryforwardRow(owner_id, y.tax_year + 1, ZERO, money(y.losses_carried_forward),
                        source=f"losses carried forward after {y.label} (TCGA 1992 s.2(2)(b))")
        for y in uk_regime.uk_years(book, household, owner_id, last)
    ]


def import_prices_file(store: Store, path: Path) -> ImportResult:
    prices, sources = read_prices_with_sources(path, today=today())
    return store.import_prices(prices, file_name=str(path), sources=sources,
                               file_sha256=_sha256(path))


def import_fx_file(store: Store, path: Path) -> ImportResult:
    rates, sources = read_fx_with_sources(path, today=today())
    return store.import_fx(rates, file_name=str(path), sources=sources,
                           file_sha256=_sha256(path))


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
    """Import a transactions CSV: all rows or none; re-importing adds nothing.  Rows in
    other currencies are converted at the store's FX rates: import them first."""
    _require_file(file)
    with open_store(db) as store:
        hid, result = import_transactions_file(store, file, household_id, db)
    _report(json_out, "transactions", hid, result)


@import_app.command("prices")
@friendly_errors
def import_prices_command(file: FileArg, db: DbOpt = None, json_out: JsonOpt = False) -> None:
    """Import a prices CSV (date,symbol,price): all rows or none.  Prices are shared by
    every household in the store, one per symbol and day."""
    _require_file(file)
    with open_store(db) as store:
        result = import_prices_file(store, file)
    _report(json_out, "prices", None, result)


@import_app.command("fx")
@friendly_errors
def import_fx_command(file: FileArg, db: DbOpt = None, json_out: JsonOpt = False) -> None:
    """Import an FX rates CSV (date,base,quote,rate), shared by every household: all rows
    or none; re-importing adds nothing."""
    _require_file(file)
    with open_store(db) as store:
        result = import_fx_file(store, file)
    _report(json_out, "fx", None, result)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _require_file(path: Path) -> None:
    if not path.is_file():
        raise InputError([Problem(Source(str(path)), None, "no such file",
                                  "check the path of the file to import")])


def _report(json_out: bool, what: str, hid: str | None, result: ImportResult) -> None:
    if json_out:
        print_json({"household_id": hid, "kind": what, "added": result.added,
                    "skipped": result.skipped})
    else:
        name = "FX rates" if what == "fx" else what
        console.print(f"Imported {name}: {result.added} added, {result.skipped} already present")
