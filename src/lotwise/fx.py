"""Foreign exchange rates: a table of daily rates and the conversion of a journal into a
regime's currency.

Every amount of a transaction is in the transaction's own currency.  The ledger of a
Canadian resident keeps its book in Canadian dollars and that of a UK resident in pounds,
so each row is converted at the rate **of its own date**: the cost of a purchase at the
rate of the purchase date, the proceeds of a sale at the rate of the sale date.

* Canada: ITA s.261(2)(b) converts an amount "using the relevant spot rate for the
  particular day on which the amount arose"; the "relevant spot rate" (s.261(1)) is the
  Bank of Canada rate for that day or, when none is quoted that day, for the closest
  preceding day.
* United Kingdom: *Bentley v Pike* (1981) 53 TC 590: the sterling cost is the foreign cost
  at the rate of the acquisition date and the sterling proceeds the foreign proceeds at the
  rate of the disposal date (HMRC Capital Gains Manual CG78300+).

A rate says how many units of ``quote`` one unit of ``base`` buys::

    date,base,quote,rate
    2024-03-01,USD,CAD,1.3576

:meth:`FxTable.rate` answers ``rate("USD", "CAD", day)`` with the rate of ``day``; when the
table has none for that day (a weekend, a bank holiday) it takes the latest earlier rate
no more than ``max_age_days`` (default 7) before it, as central banks publish only on
business days.  The inverse pair is used when only it is given (``CAD,USD`` = 1 / rate);
a pair and its inverse given for the same day must multiply to 1 within 0.5 %
(:data:`INVERSE_TOLERANCE`), else :class:`InconsistentRatesError`.  No cross rate is ever
derived (``GBP/CAD`` from ``GBP/USD`` and ``USD/CAD``): the Bank of Canada publishes a
rate of each currency it quotes against CAD, the rate ITA s.261(1) asks for, and HMRC its
rates against sterling, so the direct pair is always to be had, and the product of two
rates fixed at different times of day is not it; a missing pair's message names the direct
pair to add (:func:`direct_pair_fix`).
No rate within that window is a :class:`MissingRateError`; :func:`convert` turns every
missing rate of a journal into one :class:`~lotwise.errors.InputError` naming the row, the
date, the pair and where the rates come from: a table knows its :class:`RatesOrigin` (the
file given with ``--fx``, or the store), so that the message says where to add the rate
that is missing.  An older rate is never used: seven days bridge any weekend and holiday
run, and beyond them a rate no longer says what a dollar was worth that day (ITA s.261(1):
the Bank of Canada's rate for the day or, when it quotes none, for the closest preceding
day).

Example: a Canadian resident buys 10 VTI at US$250.00 with US$1.00 fees on 2024-03-01
(USD/CAD 1.3576) and sells them at US$260.00 on 2024-09-03 (USD/CAD 1.3530).  The cost is
(2,500 + 1) x 1.3576 = C$3,395.36; the proceeds are 2,600 x 1.3530 = C$3,517.80; the
gain C$122.44 is not (2,600 - 2,501) x any single rate.

Cash is not a tax amount: an account keeps its cash in its own currency
(:mod:`lotwise.ledger.cash`).  :func:`in_account_currency` states each row in its
account's currency, converting only a row in another currency (a US-dollar security bought
in a Canadian-dollar account), at the rate of its date as the broker settled it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from lotwise.errors import InputError, Problem, Source
from lotwise.model.household import Household
from lotwise.model.transactions import Transaction

DEFAULT_MAX_AGE_DAYS = 7
ONE = Decimal(1)
#: A pair and its inverse given for the same day must multiply to 1 within this: 0.5 % is
#: far wider than the rounding of a published rate (four or more significant digits) and
#: far narrower than any real disagreement (a rate typed the wrong way round, a wrong day).
INVERSE_TOLERANCE = Decimal("0.005")


def inverse_disagrees(rate: Decimal, inverse: Decimal) -> bool:
    """Whether ``rate`` (base/quote) and ``inverse`` (quote/base) of one day contradict each
    other: their product differs from 1 by more than :data:`INVERSE_TOLERANCE`."""
    return abs(rate * inverse - ONE) > INVERSE_TOLERANCE


@dataclass(frozen=True, slots=True)
class FxRate:
    """One unit of ``base`` is worth ``rate`` units of ``quote`` on ``date``."""

    date: date
    base: str
    quote: str
    rate: Decimal


@dataclass(frozen=True, slots=True)
class RatesOrigin:
    """Where a table's rates come from, in the words of a message about a missing rate.

    ``name`` ends "no USD/CAD rate for 2024-01-02 ... in <name>"; ``add_to`` ends the fix
    "add a row 2024-01-02,USD,CAD,<rate> to <add_to>".
    """

    name: str
    add_to: str

    @classmethod
    def file(cls, path: str) -> RatesOrigin:
        """The rates of the file ``path``, named by its path."""
        return cls(path, path)


#: Rates read from a file given on the command line with ``--fx``, when its path is unknown.
RATES_FILE = RatesOrigin("the FX rates file", "the FX rates file (--fx)")


class MissingRateError(LookupError):
    """No ``base``/``quote`` rate on ``day`` or in the ``max_age_days`` before it, in a table
    from ``origin``."""

    def __init__(
        self,
        base: str,
        quote: str,
        day: date,
        latest: date | None,
        origin: RatesOrigin = RATES_FILE,
        max_age_days: int = DEFAULT_MAX_AGE_DAYS,
    ) -> None:
        self.base = base
        self.quote = quote
        self.day = day
        self.latest = latest
        self.origin = origin
        self.max_age_days = max_age_days
        when = (
            f"; the latest earlier rate is of {latest.isoformat()}, "
            f"{(day - latest).days} days before" if latest is not None else ""
        )
        super().__init__(f"no {base}/{quote} rate for {day.isoformat()} or the "
                         f"{max_age_days} days before it{when}")

    @property
    def why(self) -> str:
        """Why an older rate is not used, for the fix of a message."""
        return (f"a rate more than {self.max_age_days} days old is not used: that bridges "
                "weekends and bank holidays, and an older rate would misstate the day's value")


class InconsistentRatesError(ValueError):
    """A pair and its inverse on the same day whose product is not 1 (within
    :data:`INVERSE_TOLERANCE`)."""

    def __init__(self, base: str, quote: str, day: date, rate: Decimal,
                 inverse: Decimal) -> None:
        self.base, self.quote, self.day, self.rate, self.inverse = base, quote, day, rate, inverse
        super().__init__(
            f"{base}/{quote} {rate} and {quote}/{base} {inverse} on {day.isoformat()} "
            f"disagree: their product is {(rate * inverse).quantize(Decimal('0.0001'))}, "
            f"not 1 within {(INVERSE_TOLERANCE * 100).normalize():f} %")


class FxTable:
    """Daily rates by currency pair; immutable once built.

    The same (date, base, quote) given twice must have the same rate, else ``ValueError``;
    a pair and its inverse on the same day must agree (:func:`inverse_disagrees`), else
    :class:`InconsistentRatesError`.
    ``origin`` says where the rates came from, for messages about a missing one.
    """

    __slots__ = ("_dates", "_max_age", "_rates", "origin")

    def __init__(
        self,
        rates: Iterable[FxRate] = (),
        *,
        max_age_days: int = DEFAULT_MAX_AGE_DAYS,
        origin: RatesOrigin = RATES_FILE,
    ) -> None:
        self.origin = origin
        by_pair: dict[tuple[str, str], dict[date, Decimal]] = {}
        for fx in rates:
            if fx.rate <= 0:
                raise ValueError(f"rate {fx.base}/{fx.quote} on {fx.date} must be positive")
            series = by_pair.setdefault((fx.base, fx.quote), {})
            known = series.get(fx.date)
            if known is not None and known != fx.rate:
                raise ValueError(
                    f"two {fx.base}/{fx.quote} rates on {fx.date.isoformat()}: "
                    f"{known} and {fx.rate}"
                )
            series[fx.date] = fx.rate
        for (base, quote), series in sorted(by_pair.items()):
            inverse = by_pair.get((quote, base))
            if inverse is None or base > quote:
                continue
            for day in sorted(series.keys() & inverse.keys()):
                if inverse_disagrees(series[day], inverse[day]):
                    raise InconsistentRatesError(base, quote, day, series[day], inverse[day])
        self._dates: dict[tuple[str, str], tuple[date, ...]] = {}
        self._rates: dict[tuple[str, str], tuple[Decimal, ...]] = {}
        for pair, series in by_pair.items():
            days = tuple(sorted(series))
            self._dates[pair] = days
            self._rates[pair] = tuple(series[d] for d in days)
        self._max_age = timedelta(days=max_age_days)

    def __len__(self) -> int:
        return sum(len(days) for days in self._dates.values())

    def pairs(self) -> frozenset[tuple[str, str]]:
        return frozenset(self._dates)

    def bridges(self, base: str, quote: str) -> tuple[str, ...]:
        """The currencies through which a ``base``/``quote`` cross rate could be derived
        from this table's pairs (never done: see :func:`direct_pair_fix`)."""
        linked: dict[str, set[str]] = {}
        for a, b in self._dates:
            linked.setdefault(a, set()).add(b)
            linked.setdefault(b, set()).add(a)
        return tuple(sorted(linked.get(base, set()) & linked.get(quote, set())))

    def rate(self, base: str, quote: str, day: date) -> Decimal:
        """Units of ``quote`` per unit of ``base`` on ``day`` (1 when they are the same)."""
        if base == quote:
            return ONE
        direct = self._lookup((base, quote), day)
        if direct is not None:
            return direct[0]
        inverse = self._lookup((quote, base), day)
        if inverse is not None:
            return ONE / inverse[0]
        latest = max(
            (d for d in (self._latest((base, quote), day), self._latest((quote, base), day)) if d),
            default=None,
        )
        raise MissingRateError(base, quote, day, latest, self.origin, self._max_age.days)

    def _lookup(self, pair: tuple[str, str], day: date) -> tuple[Decimal, date] | None:
        days = self._dates.get(pair)
        if not days:
            return None
        index = bisect_right(days, day)
        if index == 0:
            return None
        found = days[index - 1]
        if day - found > self._max_age:
            return None
        return self._rates[pair][index - 1], found

    def _latest(self, pair: tuple[str, str], day: date) -> date | None:
        days = self._dates.get(pair)
        if not days:
            return None
        index = bisect_right(days, day)
        return days[index - 1] if index else None


#: Who publishes the direct rates that a tax currency's conversions use.
PUBLISHERS = {
    "CAD": "the Bank of Canada publishes a daily rate of each currency it quotes against "
           "CAD: the relevant spot rate of ITA s.261(1)",
    "GBP": "HMRC publishes exchange rates of each currency against GBP",
}


def direct_pair_fix(fx: FxTable | None, own: str, target: str) -> str:
    """What a missing-rate message adds to its fix: the direct pair is needed, where to find
    it, and, when the table could bridge the two currencies, why lotwise does not.

    lotwise never derives a cross rate (``GBP/CAD`` as ``GBP/USD × USD/CAD``): the
    conversion rules ask for the rate of the pair itself (ITA s.261(1): the Bank of
    Canada's rate for the day, published for each currency against CAD; HMRC: its rates
    against sterling), and a product of two rates, each rounded and fixed at its own time
    of day, is not that rate.
    """
    publisher = PUBLISHERS.get(target)
    text = f"; {publisher}" if publisher else ""
    via = fx.bridges(own, target) if fx is not None else ()
    if via:
        text += (f"; lotwise does not derive {own}/{target} through {', '.join(via)}: a cross "
                 "rate is not the published rate of the pair")
    return text


def row_currency(household: Household, txn: Transaction) -> str:
    """The currency of a row's amounts: its own, else its security's, else its account's."""
    if txn.currency:
        return txn.currency
    if txn.symbol is not None:
        security = household.securities.get(txn.symbol)
        if security is not None:
            return security.currency
    account = household.accounts.get(txn.account)
    return account.currency if account is not None else household.base_currency


def convert(
    household: Household,
    transactions: Iterable[Transaction],
    currency_of: Mapping[str, str],
    fx: FxTable | None,
) -> list[Transaction]:
    """The transactions with every amount in the currency ``currency_of[account]``.

    A row already in that currency is returned as it is.  Another row is converted at its
    ``fx_rate`` when given, else at the table's rate of its date; its ``currency`` becomes
    the target and its ``fx_rate`` the rate used.  Every row without a rate is reported at
    once in one :class:`InputError`.
    """
    return _convert(household, transactions, currency_of, fx, frozenset(currency_of),
                    "the owner's tax currency is")


def in_account_currency(
    household: Household,
    transactions: Iterable[Transaction],
    tax_currency_of: Mapping[str, str],
    fx: FxTable | None,
) -> list[Transaction]:
    """The transactions with every amount in its account's own currency: what each row
    moved in the account's cash.

    A row in another currency was settled by converting it on its date: at its
    ``fx_rate`` when the account's currency is the owner's tax currency
    (``tax_currency_of[account]``: the rate that column states), else at the table's rate
    of its date.  A row already in its account's currency is returned as it is, so cash
    deposited in an account's own currency is never converted.
    """
    accounts = {account.id: account.currency for account in household.accounts.values()}
    rated = frozenset(a for a, currency in accounts.items() if tax_currency_of.get(a) == currency)
    return _convert(household, transactions, accounts, fx, rated,
                    "its account keeps its cash in")


def _convert(
    household: Household,
    transactions: Iterable[Transaction],
    currency_of: Mapping[str, str],
    fx: FxTable | None,
    rated: frozenset[str],
    why: str,
) -> list[Transaction]:
    """:func:`convert`, taking a row's own ``fx_rate`` only in the ``rated`` accounts; a
    missing rate says the row is in its currency and ``why`` the target."""
    out: list[Transaction] = []
    problems: list[Problem] = []
    for txn in transactions:
        target = currency_of.get(txn.account)
        own = row_currency(household, txn)
        if target is None or own == target:
            out.append(txn)
            continue
        rated_row = txn.account in rated
        rate = txn.fx_rate if rated_row else None
        if rate is None:
            if fx is None:
                problems.append(_missing(txn, own, target, None, why, rated_row))
                continue
            try:
                rate = fx.rate(own, target, txn.date)
            except MissingRateError as exc:
                problems.append(_missing(txn, own, target, exc, why, rated_row, fx))
                continue
        out.append(_scaled(txn, rate, target))
    if problems:
        raise InputError(problems)
    return out


def _scaled(txn: Transaction, rate: Decimal, target: str) -> Transaction:
    def times(value: Decimal | None) -> Decimal | None:
        return None if value is None else value * rate

    return replace(
        txn,
        price=times(txn.price),
        fees=txn.fees * rate,
        amount=times(txn.amount),
        withholding=times(txn.withholding),
        currency=target,
        fx_rate=rate,
    )


def _missing(
    txn: Transaction, own: str, target: str, missing: MissingRateError | None, why: str,
    rated: bool, fx: FxTable | None = None,
) -> Problem:
    """The problem of a row without a rate; ``missing`` is ``None`` without a rates table.

    ``why`` says what the row is converted into; a row outside the ``rated`` accounts is
    converted at the table's rate whatever its ``fx_rate`` says, so its fix is the table.
    """
    day = txn.date.isoformat()
    source = txn.source or Source(f"transaction {txn.id}")
    or_row = ", or give this row an fx_rate" if rated else ""
    if missing is None:
        where = "and no FX rates file was given"
        fix = (f"add a row {day},{own},{target},<rate> to an FX rates file and give it with "
               f"--fx{or_row}{direct_pair_fix(None, own, target)}")
    else:
        where = f"in {missing.origin.name}"
        if missing.latest is not None:
            where += (f" (its latest earlier {own}/{target} rate is of "
                      f"{missing.latest.isoformat()})")
        fix = (f"add a row {day},{own},{target},<rate> to {missing.origin.add_to}{or_row}; "
               f"{missing.why}{direct_pair_fix(fx, own, target)}")
    return Problem(
        source,
        "fx_rate" if rated else "currency",
        f"no {own}/{target} rate for {day}: this {txn.action.value} is in {own} and {why} "
        f"{target}, {where}",
        fix,
    )
