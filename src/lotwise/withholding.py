"""Dividend withholding tax: treaty rates by source country, residence and account type,
and the foreign tax paid each year for credit claims.

The rates are data (``lotwise/data/withholding.toml``), each rule citing its treaty
article.  :func:`withholding_rate` answers, for example:

* US dividends to a Canadian resident: 15 % in a non-registered account or a TFSA
  (Canada-US Convention Art. X(2)(b)), 0 % in an RRSP or RRIF (Art. XXI(2));
* US dividends to a UK resident: 15 % in a GIA or an ISA with Form W-8BEN on file
  (UK-US Convention Art. 10(2)(b)), 0 % in a SIPP (Art. 10(3)(b));
* UK dividends: no tax withheld, whoever receives them.

The table covers every account type for every source and residence among the US, Canada
and the UK: an owner may hold another country's account (a Canadian resident's US IRA),
and a plan that is a trust of its own is paid as that trust (an RRSP is a Canadian pension
trust whoever its annuitant).  Where the law is uncertain the rule says so and takes the
higher rate (a Canadian dividend to an HSA: 15 %).

A dividend row with a ``source_country`` and no ``withholding`` is taken to have had the
table's rate withheld; a row that gives ``withholding`` keeps its own figure (a broker
statement is the better evidence, e.g. 30 % when no W-8BEN was filed).  The ledger records
the tax on the dividend's :class:`~lotwise.ledger.CashEvent`.

:func:`foreign_tax_paid` sums, per owner, tax year and source country, the gross foreign
dividends and the tax withheld, split three ways.  The part above the treaty rate
(:func:`over_treaty`) is reclaimable from the source country and never creditable at home.
The rest is creditable when the account is taxable (US: IRC §901, Form 1116; Canada: ITA
s.126(1), Form T2209; UK: TIOPA 2010 s.18, foreign tax credit relief on form SA106), and
lost inside a TFSA or an ISA, reported as such so that asset location can weigh it.

Example: a US resident's taxable account receives a C$100 Canadian dividend with C$25
withheld (no Form NR301 filed), at USD/CAD 1.25 on its date: US$80 of foreign-source
dividends, US$20 withheld, of which US$12 (15 %) is creditable on Form 1116 and US$8 is
reclaimable from the CRA (Form NR7-R).
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
    country, split by whether the account is within the home tax (``taxable_account``).

    ``withheld`` splits three ways: ``reclaimable`` is the part above the treaty rate
    (claim it back from the source country); of the rest, ``creditable`` is the tax of a
    taxable account (credited at home) and ``lost`` that of a sheltered one."""

    owner: str
    regime: str
    tax_year: int
    source_country: str
    currency: str
    dividends: Decimal
    withheld: Decimal
    taxable_account: bool
    reclaimable: Decimal = ZERO

    @property
    def creditable(self) -> Decimal:
        """Tax withheld up to the treaty rate in a taxable account: the foreign tax credit's
        foreign tax paid (Form 1116, T2209, SA106)."""
        return self.withheld - self.reclaimable if self.taxable_account else ZERO

    @property
    def lost(self) -> Decimal:
        """Tax withheld up to the treaty rate in a sheltered account: neither credited at
        home nor reclaimable."""
        return ZERO if self.taxable_account else self.withheld - self.reclaimable

    def to_json(self) -> dict[str, object]:
        return {
            "owner": self.owner,
            "regime": self.regime,
            "tax_year": self.tax_year,
            "source_country": self.source_country,
            "currency": self.currency,
            "taxable_account": self.taxable_account,
            "dividends": str(self.dividends),
            "withheld": str(self.withheld),
            "creditable": str(self.creditable),
            "reclaimable": str(self.reclaimable),
            "lost": str(self.lost),
        }


#: Withholding up to half a percentage point of the gross above the treaty rate is the
#: payer's rounding to the cent, not tax withheld over the treaty rate.
OVER_TREATY_TOLERANCE = Decimal("0.005")


def over_treaty(gross: Decimal, withheld: Decimal, rate: Decimal) -> Decimal:
    """The tax withheld above the treaty ``rate`` on a ``gross`` dividend: reclaimable from
    the source country, never creditable at home.

    * US: Treas. Reg. §1.901-2(e)(5): an amount paid is not a compulsory payment (not tax)
      to the extent it exceeds the liability under foreign law as modified by a treaty;
    * Canada: CRA Income Tax Folio S5-F2-C1 ¶1.35: withholding above the treaty rate is not
      foreign tax paid for s.126; the credit is on the treaty rate, the excess is refunded by
      the foreign authority;
    * UK: TIOPA 2010 s.33: credit is limited to the tax after all reasonable steps under the
      treaty to minimise it (HMRC INTM161250: 25 % withheld, credit 15 %).

    Example: 30 % withheld on a US$100 dividend whose treaty rate is 15 % (no Form W-8BEN
    on file): US$15 over the treaty rate.  Within :data:`OVER_TREATY_TOLERANCE` of the
    gross it is nil.
    """
    excess = withheld - gross * rate
    return excess if excess > gross * OVER_TREATY_TOLERANCE else ZERO


def foreign_tax_paid(book: Book, household: Household) -> list[ForeignTax]:
    """Per owner, tax year (the regime's), source country and kind of account: the gross
    dividends from abroad, the tax withheld on them and the part of it above the treaty
    rate (:func:`over_treaty`), from the book's cash events.

    Dividends whose source is the owner's own country are not foreign and are left out.
    A source with no rule in the table (another country) has no treaty rate in lotwise:
    all its tax counts as withheld at the treaty rate."""
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
        source = country(event.source_country)
        if source == regime.code:
            continue
        rule = withholding_rate(source, regime.code, account.type.value)
        excess = ZERO if rule is None else over_treaty(event.amount, event.withholding,
                                                        rule.rate)
        key = (owner, regime.tax_year(event.date), source, regime.is_taxable(account))
        sums = totals.setdefault(key, [ZERO, ZERO, ZERO])
        sums[0] += event.amount
        sums[1] += event.withholding
        sums[2] += excess
    return [
        ForeignTax(owner, regimes[owner].code, year, source, regimes[owner].currency,
                   sums[0], sums[1], taxable, sums[2])
        for (owner, year, source, taxable), sums in sorted(totals.items())
    ]


def _dividends(events: Iterable[CashEvent]) -> Iterable[CashEvent]:
    return (e for e in events if e.action in ("dividend", "reinvest"))
