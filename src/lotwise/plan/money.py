"""One currency for a plan: the household's ``base_currency``.

The book keeps each owner's tax amounts in the owner's tax currency (USD, CAD or GBP: see
:mod:`lotwise.fx`) and each account's cash in the account's own currency
(:mod:`lotwise.ledger.cash`); prices are in each security's own currency.  A plan compares
every holding with every other, so :func:`in_base_currency` restates, at the plan day's
rates of the FX table:

* each price in the base currency (``price × rate(security currency → base)``);
* each open lot's basis in the base currency (``× rate(tax currency → base)``);
* each account's cash in the base currency (``× rate(account currency → base)``), so
  that cash is worth what it would buy on the plan day, and a plan never spends more of
  an account's currency than the account holds;

and gives each tax unit's ``factor``: base-currency units per unit of its tax currency, so
that a gain planned in the base currency is taxed in the unit's own (``gain / factor``).
A household whose prices and book are all in the base currency is returned unchanged.

Example: the Gagnons keep their book in CAD; VTI is priced in USD at 300.00 and USD/CAD is
1.40 on the plan day, so the plan sees VTI at CAD 420.00, and a sale of 10 VTI lots bought
for CAD 3,500 realizes CAD 700 of gain.  The USD 1,000 in Claire's US-dollar account is
CAD 1,400 that day, whatever the rate when it was deposited: enough for 3.33 VTI.  The plan
is made at the converted price; the broker fills each order in the security's own currency,
so :func:`quotes` keeps, for the order file, each traded security's currency and its price
in it (VTI: USD 300.00).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from lotwise.errors import InputError, Source
from lotwise.fx import FxTable, MissingRateError, direct_pair_fix
from lotwise.ledger.book import Book
from lotwise.model.household import Household
from lotwise.model.prices import MissingPriceError, PriceTable
from lotwise.model.transactions import Price

ONE = Decimal(1)


@dataclass(frozen=True)
class BaseView:
    """The plan's inputs in the household's base currency."""

    currency: str
    book: Book
    prices: PriceTable
    converted: bool  # some price or amount was in another currency
    rates: dict[str, Decimal]  # currency -> base units per unit, on the plan day

    def factor(self, currency: str) -> Decimal:
        return self.rates.get(currency, ONE)


@dataclass(frozen=True, slots=True)
class Quote:
    """A security's price on the plan day in the currency it trades in."""

    currency: str
    price: Decimal


def quotes(household: Household, prices: PriceTable, symbols: Iterable[str],
           as_of: date) -> dict[str, Quote]:
    """``{symbol: Quote}`` for ``symbols``, from ``prices`` in each security's currency."""
    return {symbol: Quote(household.securities[symbol].currency,
                          prices.price_on(symbol, as_of))
            for symbol in sorted(set(symbols))}


def _rate(fx: FxTable | None, currency: str, base: str, day: date, why: str) -> Decimal:
    if currency == base:
        return ONE
    if fx is None:
        raise InputError.one(
            Source("--fx"), "fx",
            f"{why} is in {currency} and the household's base currency is {base}, but no FX "
            f"rates file was given",
            f"give --fx with a {currency}/{base} rate for {day.isoformat()}",
        )
    try:
        return fx.rate(currency, base, day)
    except MissingRateError as exc:
        raise InputError.one(
            Source(fx.origin.name), "rate", f"{exc} ({why} is in {currency})",
            f"add a row {day.isoformat()},{currency},{base},<rate> to {fx.origin.add_to}; "
            f"{exc.why}{direct_pair_fix(fx, currency, base)}",
        ) from exc


def in_base_currency(household: Household, book: Book, prices: PriceTable,
                     fx: FxTable | None, as_of: date, *, lots_only: bool = False) -> BaseView:
    """The book and the as-of day's prices in the household's base currency.

    A rate is asked for only where it is used: a security's only when it has a price on
    ``as_of`` (``lotwise lots`` without ``--prices`` needs none), every account's tax and
    cash currency for a plan.  With ``lots_only`` (a listing of lots), only the tax
    currency of an account that holds lots, and cash is left in its own currency."""
    base = household.base_currency
    currencies = {s.currency for s in household.securities.values()}
    currencies |= {book.currency_of(a) for a in household.accounts}
    currencies |= {book.cash_currency_of(a) for a in household.accounts}
    if currencies <= {base}:
        return BaseView(base, book, prices, False, {})
    rates: dict[str, Decimal] = {base: ONE}
    priced: dict[str, Decimal] = {}
    for symbol, security in sorted(household.securities.items()):
        try:
            priced[symbol] = prices.price_on(symbol, as_of)
        except MissingPriceError:
            continue
        if security.currency not in rates:
            rates[security.currency] = _rate(fx, security.currency, base, as_of,
                                             f"the price of {symbol}")
    holding = {lot.account for lot in book.lots}
    for account_id in sorted(household.accounts):
        needed = [(book.currency_of(account_id), "the book")]
        if lots_only and account_id not in holding:
            needed = []
        if not lots_only:
            needed.append((book.cash_currency_of(account_id), "the cash"))
        for currency, what in needed:
            if currency not in rates:
                rates[currency] = _rate(fx, currency, base, as_of,
                                        f"{what} of account {account_id}")
    converted_prices = [
        Price(as_of, symbol, price * rates[household.securities[symbol].currency])
        for symbol, price in priced.items()
    ]
    lots = tuple(
        lot if (r := rates[book.currency_of(lot.account)]) == ONE
        else replace(lot, basis=lot.basis * r)
        for lot in book.lots
    )
    firsts = {symbol: days[0] for symbol in household.securities
              if (days := prices.dates(symbol))}
    if lots_only:
        in_base = replace(book, lots=lots)
    else:
        cash = {account: amount * rates[book.cash_currency_of(account)]
                for account, amount in book.cash.items()}
        in_base = replace(book, lots=lots, cash=cash,
                          cash_currencies={account: base for account in household.accounts})
    del rates[base]
    return BaseView(base, in_base, PriceTable(converted_prices, prices.origin, firsts), True,
                    rates)
