"""Dividend withholding tax: treaty rates by source country, residence and account type,
and the foreign tax paid each year for credit claims.

The rates are data (``lotwise/data/withholding.toml``), each rule citing its treaty
article.  :func:`withholding_rate` answers, for example:

* US dividends to a Canadian resident: 15 % in a non-registered account or a TFSA
  (Canada-US Convention Art. X(2)(b)), 0 % in an RRSP or RRIF (Art. XXI(2));
* US dividends to a UK resident: 15 % in a GIA or an ISA with Form W-8BEN on file
  (UK-US Convention Art. 10(2)(b)), 0 % in a SIPP (Art. 10(3)(b));
* UK dividends: no tax withheld, whoever receives them.

A dividend row with a ``source_country`` and no ``withholding`` is taken to have had the
table's rate withheld; a row that gives ``withholding`` keeps its own figure (a broker
statement is the better evidence, e.g. 30 % when no W-8BEN was filed).  The ledger records
the tax on the dividend's :class:`~lotwise.ledger.CashEvent`.

:func:`foreign_tax_paid` sums, per owner, tax year and source country, the gross foreign
dividends and the tax withheld.  Only tax withheld in a taxable account can be credited at
home (US: IRC §901, Form 1116; Canada: ITA s.126(1), Form T2209; UK: TIOPA 2010 s.18,
foreign tax credit relief on form SA106); tax withheld inside a TFSA or an ISA is simply
lost, and is reported as such so that asset location can weigh it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from lotwise.model.household import Household
from lotwise.model.numbers import ZERO, dec

if TYPE_CHECKING:
    from lotwise.ledger.book import Book, CashEvent
    from lotwise.regimes.base import Regime

DATA = ("data", "withholding.toml")
_ANY = "*"
_ALIASES = {"US": "US", "USA": "US", "CA": "CA", "CAN": "CA", "UK": "UK", "GB": "UK",
            "GBR": "UK"}


def country(code: str) -> str:
    """A country code as lotwise writes it: ``GB`` is ``UK``; others in capitals."""
    text = code.strip().upper()
    return _ALIASES.get(text, text)


@dataclass(frozen=True, slots=True)
class Withholding:
    """The rate withheld on a dividend from ``source`` paid to a resident of ``residence``
    in an account of ``account_type``, and the authority for it.  ``statutory`` is the rate
    withheld when the treaty is not claimed."""

    source: str
    residence: str
    account_type: str
    rate: Decimal
    statutory: Decimal | None
    authority: str


@dataclass(frozen=True, slots=True)
class WithholdingRule:
    source: str
    residence: str
    account_types: frozenset[str]
    rate: Decimal
    statutory: Decimal | None
    authority: str

    def covers(self, source: str, residence: str, account_type: str) -> bool:
        return (
            self.source in (source, _ANY)
            and self.residence in (residence, _ANY)
            and (account_type in self.account_types or _ANY in self.account_types)
        )


class WithholdingTableError(ValueError):
    """The packaged withholding table is malformed: a bug in lotwise's data."""


@cache
def rules() -> tuple[WithholdingRule, ...]:
    """The rules of ``lotwise/data/withholding.toml``, in file order."""
    raw = tomllib.loads(resources.files("lotwise").joinpath(*DATA).read_text(encoding="utf-8"))
    return parse_rules(raw)


def parse_rules(raw: dict[str, Any]) -> tuple[WithholdingRule, ...]:
    try:
        if raw["format_version"] != 1:
            raise ValueError(f"format_version {raw['format_version']}")
        found = []
        for item in raw["rule"]:
            rate = dec(item["rate"])
            statutory = dec(item["statutory"]) if "statutory" in item else None
            if not ZERO <= rate <= 1 or (statutory is not None and not ZERO <= statutory <= 1):
                raise ValueError(f"rate out of range in {item}")
            if not str(item["authority"]).strip():
                raise ValueError(f"a rule without its authority: {item}")
            found.append(
                WithholdingRule(
                    source=country(str(item["source"])),
                    residence=country(str(item["residence"])),
                    account_types=frozenset(str(t) for t in item["account_types"]),
                    rate=rate,
                    statutory=statutory,
                    authority=str(item["authority"]),
                )
            )
    except (KeyError, TypeError, ValueError) as exc:
        raise WithholdingTableError(f"withholding.toml: {exc!r}") from exc
    return tuple(found)


def withholding_rate(source: str, residence: str, account_type: str) -> Withholding | None:
    """The rate for a dividend from ``source`` to a ``residence`` resident's account of type
    ``account_type`` (``tfsa``, ``isa``, ...); ``None`` when lotwise has no rule for it."""
    src, res = country(source), country(residence)
    for rule in rules():
        if rule.covers(src, res, account_type):
            return Withholding(src, res, account_type, rule.rate, rule.statutory, rule.authority)
    return None


@dataclass(frozen=True, slots=True)
class ForeignTax:
    """Foreign dividends and the tax withheld on them, for one owner, tax year and source
    country, split by whether the account is taxable (``creditable``) or sheltered."""

    owner: str
    regime: str
    tax_year: int
    source_country: str
    currency: str
    dividends: Decimal
    withheld: Decimal
    creditable: bool

    def to_json(self) -> dict[str, object]:
        return {
            "owner": self.owner,
            "regime": self.regime,
            "tax_year": self.tax_year,
            "source_country": self.source_country,
            "currency": self.currency,
            "dividends": str(self.dividends),
            "withheld": str(self.withheld),
            "creditable": self.creditable,
        }


def foreign_tax_paid(book: Book, household: Household) -> list[ForeignTax]:
    """Per owner, tax year (the regime's), source country and creditability: the gross
    dividends from abroad and the tax withheld on them, from the book's cash events.

    Dividends whose source is the owner's own country are not foreign and are left out."""
    from lotwise.regimes.base import regime_for

    totals: dict[tuple[str, int, str, bool], list[Decimal]] = {}
    regimes: dict[str, Regime] = {}
    for event in _dividends(book.cash_events):
        account = household.accounts.get(event.account)
        if account is None or event.source_country is None:
            continue
        owner = account.owner
        regime = regimes.get(owner)
        if regime is None:
            regime = regimes[owner] = regime_for(household, owner)
        if country(event.source_country) == regime.code:
            continue
        key = (owner, regime.tax_year(event.date), country(event.source_country),
               regime.is_taxable(account))
        pair = totals.setdefault(key, [ZERO, ZERO])
        pair[0] += event.amount
        pair[1] += event.withholding
    return [
        ForeignTax(owner, regimes[owner].code, year, source, regimes[owner].currency,
                   pair[0], pair[1], creditable)
        for (owner, year, source, creditable), pair in sorted(totals.items())
    ]


def _dividends(events: Iterable[CashEvent]) -> Iterable[CashEvent]:
    return (e for e in events if e.action in ("dividend", "reinvest"))
