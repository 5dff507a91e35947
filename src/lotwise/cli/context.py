"""Where a command's data comes from: files given on the command line, or the store.

Every reporting command works both ways:

* statelessly on files: ``--household H.toml --transactions T.csv [--prices P.csv]
  [--fx F.csv]``;
* on the store (SQLite by default, or ``--db PATH`` / ``--db URL`` / ``LOTWISE_DB``),
  choosing the household with ``--household-id`` when the store holds more than one.  The
  FX rates are the store's (``lotwise import fx``), unless ``--fx F.csv`` gives a file to
  use instead.

A message about a missing price or rate says where to add it: to the ``--prices`` or ``--fx``
file, named by its path, or to a file imported into the store (:data:`STORED_RATES`,
:data:`~lotwise.model.prices.STORED_PRICES`): each rates table carries its
:class:`~lotwise.fx.RatesOrigin`, each price table its
:class:`~lotwise.model.prices.PricesOrigin`.

The as-of date defaults to today; this module is the only place that asks the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lotwise.errors import InputError, Source
from lotwise.fx import FxTable, InconsistentRatesError, RatesOrigin
from lotwise.io import load_household, parse_household, read_prices, read_transactions
from lotwise.io.fx_csv import load_fx_table
from lotwise.ledger import Book, replay
from lotwise.model.household import Household
from lotwise.model.prices import NO_PRICES_FILE, STORED_PRICES, PricesOrigin, PriceTable
from lotwise.model.transactions import Transaction
from lotwise.plan.money import BaseView, in_base_currency
from lotwise.store import Store, default_store_url

#: Rates imported into the store with ``lotwise import fx``.
STORED_RATES = RatesOrigin(
    "the store's FX rates", "an FX rates file and import it with `lotwise import fx FILE`"
)


def today() -> date:
    return date.today()


def stored_rates(store: Store) -> FxTable:
    """Every FX rate in the store, as a table whose missing rates say to import them."""
    try:
        return FxTable(store.fx_rates(), origin=STORED_RATES)
    except InconsistentRatesError as exc:
        raise InputError.one(
            Source(STORED_RATES.name), "rate", str(exc),
            "the store holds both rates for that day: delete the wrong one from its fx_rates "
            "table; lotwise uses the direct pair when given and its inverse otherwise",
        ) from exc


def store_url(db: str | None) -> str:
    """``--db`` as given: a SQLAlchemy URL, or a path to a SQLite file."""
    if db is None:
        return default_store_url()
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


@dataclass(frozen=True)
class Context:
    household_id: str
    household: Household
    transactions: list[Transaction]
    prices: PriceTable
    as_of: date
    book: Book
    fx: FxTable | None = None

    def in_base_currency(self, *, lots_only: bool = False) -> BaseView:
        """The book and the as-of day's prices in the household's base currency, at the
        rates of ``fx``; ``lots_only``: only what a listing of lots needs."""
        return in_base_currency(self.household, self.book, self.prices, self.fx, self.as_of,
                                lots_only=lots_only)


def open_store(db: str | None) -> Store:
    return Store.open(store_url(db))


def pick_household(store: Store, household_id: str | None, db: str | None) -> str:
    ids = store.household_ids()
    if household_id is not None:
        if household_id not in ids:
            raise InputError.one(
                Source(store_url(db)), "household-id",
                f"no household '{household_id}' in the store (it has: {', '.join(ids) or 'none'})",
                "run `lotwise init HOUSEHOLD.toml` first, or pass one of the ids listed",
            )
        return household_id
    if len(ids) == 1:
        return ids[0]
    if not ids:
        raise InputError.one(
            Source(store_url(db)), None, "the store holds no household",
            "run `lotwise init HOUSEHOLD.toml`, or give --household/--transactions files, "
            "or try `lotwise demo`",
        )
    raise InputError.one(
        Source(store_url(db)), "household-id",
        f"the store holds several households ({', '.join(ids)})",
        "choose one with --household-id",
    )


def load_context(
    *,
    household: Path | None = None,
    transactions: Path | None = None,
    prices: Path | None = None,
    db: str | None = None,
    household_id: str | None = None,
    as_of: date | None = None,
    fx: Path | None = None,
) -> Context:
    now = today()
    rates = load_fx_table(fx, today=now) if fx is not None else None
    when = as_of or now
    if when > now:
        raise InputError.one(
            Source("--as-of"), "as-of", f"{when} is in the future",
            f"give a date on or before {now}",
        )
    if household is not None:
        hh = load_household(household)
        txns = read_transactions(transactions, hh, today=now) if transactions else []
        table = (PriceTable(read_prices(prices, today=now), PricesOrigin.file(str(prices)))
                 if prices else PriceTable(origin=NO_PRICES_FILE))
        return Context(hh.id, hh, txns, table, when, replay(hh, txns, as_of=when, fx=rates),
                       rates)
    if transactions is not None or prices is not None:
        raise InputError.one(
            Source("command line"), "household",
            "--transactions/--prices were given without --household",
            "give the household file too: --household H.toml",
        )
    with open_store(db) as store:
        hid = pick_household(store, household_id, db)
        hh = parse_household(store.household_text(hid), f"store:{hid}")
        txns = store.transactions(hid)
        symbols = set(hh.securities)
        table = PriceTable(store.prices(symbols), STORED_PRICES)
        if rates is None:
            rates = stored_rates(store)
    return Context(hid, hh, txns, table, when, replay(hh, txns, as_of=when, fx=rates), rates)
