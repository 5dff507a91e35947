"""The tax regime interface: one small Protocol that the US, Canadian and UK regimes share.

An owner's ``tax_residence`` chooses the regime that the ledger, the tax computation and
the planner apply to that owner's accounts.  :func:`regime_for` returns the regime bound
to one owner of one household; everything the planner needs to stay within the law is
asked of it, never of a country name:

* :meth:`Regime.loss_rule` — the :class:`LossRule` that can disallow, defer or re-price a
  loss: its window around the sale, whose acquisitions count, in which accounts, and
  which accounts make a loss lost for good;
* :meth:`Regime.tax_year` / :meth:`Regime.tax_year_span` — the calendar year for the US
  and Canada, 6 April to 5 April for the UK;
* :attr:`Regime.currency` — the currency the book of that owner is kept in;
* :meth:`Regime.is_taxable` — whether an account's gains are taxed: by its type in its own
  country, and for another country's wrapper by ``lotwise/data/wrappers.toml``
  (:mod:`lotwise.model.wrappers`);
* :meth:`Regime.gain_is_income` — whether a gain on a security is charged to income tax
  rather than as a capital gain (the UK's offshore income gains); the tax positions price
  such gains through the third argument of ``with_gains`` (:mod:`lotwise.plan.taxes`);
* :meth:`Regime.withholding` — the dividend withholding rate for a source country and
  account (treaties; :mod:`lotwise.withholding`), for asset location.

The three loss rules side by side (the authorities are in each regime's module):

==========================  ===============  ===================  ==================
                            US wash sale     CA superficial loss  UK 30-day matching
==========================  ===============  ===================  ==================
days before / after         30 / 30          30 / 30              0 (same day) / 30
whose acquisitions count    self, spouse     self, spouse,        self only
                                             affiliates
accounts that count         every account    every account        GIA only: not ISA,
                                                                  not SIPP
repurchase lost for good    IRA, Roth, HSA   RRSP, RRIF, TFSA,    never (re-priced)
                                             RESP, FHSA
must still hold after       no               yes (day 30)         no
also re-prices gains        no               no                   yes
==========================  ===============  ===================  ==================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from lotwise.errors import InputError, Problem, Source
from lotwise.model.household import Account, AccountType, Household, Owner
from lotwise.model.wrappers import normalise_country as normalise_country

if TYPE_CHECKING:
    from lotwise.withholding import Withholding

US = "US"
CA = "CA"
UK = "UK"
REGIMES: tuple[str, ...] = (US, CA, UK)
CURRENCY: Mapping[str, str] = {US: "USD", CA: "CAD", UK: "GBP"}


def regime_code(owner: Owner) -> str:
    """The regime of an owner, from its ``tax_residence``.

    An :class:`InputError` for a residence lotwise has no regime for."""
    code = normalise_country(owner.tax_residence)
    if code is None:
        raise InputError.one(
            Source("household.toml"),
            f"owners.{owner.id}.tax_residence",
            f"lotwise has no tax regime for residence '{owner.tax_residence}'",
            "write US, CA or UK",
        )
    return code


def owner_regimes(household: Household) -> dict[str, str]:
    """``{owner id: regime code}`` for every owner."""
    return {owner_id: regime_code(owner) for owner_id, owner in household.owners.items()}


def account_regimes(household: Household) -> dict[str, str]:
    """``{account id: regime code of its owner}``."""
    by_owner = owner_regimes(household)
    return {acct.id: by_owner[acct.owner] for acct in household.accounts.values()}


def is_all_us(household: Household) -> bool:
    return all(code == US for code in owner_regimes(household).values())


@dataclass(frozen=True, slots=True)
class LossRule:
    """When a sale's loss is disallowed (US, Canada) or re-priced (UK) by acquisitions.

    An acquisition of identical property (``identical`` = ``"group"``: the same symbol or
    ``identical_group``; ``"symbol"``: the same security only) made ``days_before`` days
    before to ``days_after`` days after the sale (day 0 is the sale date; both ends count)
    in one of ``accounts`` (owned by one of ``owners``, of one of ``account_types``) brings
    the rule into play.  An acquisition in one of ``permanent_accounts`` makes the loss lost
    for good rather than deferred.  ``must_hold_after``: the rule applies only if identical
    property is still held at the end of the window (Canada).  ``applies_to_gains``: the
    matching also re-prices gains (UK), so it is not only a loss rule.
    """

    regime: str
    kind: str  # wash_sale, superficial_loss, bed_and_breakfast
    days_before: int
    days_after: int
    owners: frozenset[str]
    account_types: frozenset[AccountType]
    accounts: frozenset[str]
    permanent_accounts: frozenset[str]
    identical: str  # "group" or "symbol"
    must_hold_after: bool
    applies_to_gains: bool
    authority: str

    def counts(self, account_id: str) -> bool:
        """Do acquisitions in this account count against the owner's sales?"""
        return account_id in self.accounts

    def is_permanent(self, account_id: str) -> bool:
        """Does an acquisition in this account make the loss lost for good?"""
        return account_id in self.permanent_accounts

    def in_window(self, sold: date, acquired: date) -> bool:
        days = (acquired - sold).days
        return -self.days_before <= days <= self.days_after

    def to_json(self) -> dict[str, object]:
        return {
            "regime": self.regime,
            "kind": self.kind,
            "days_before": self.days_before,
            "days_after": self.days_after,
            "owners": sorted(self.owners),
            "account_types": sorted(t.value for t in self.account_types),
            "accounts": sorted(self.accounts),
            "permanent_accounts": sorted(self.permanent_accounts),
            "identical": self.identical,
            "must_hold_after": self.must_hold_after,
            "applies_to_gains": self.applies_to_gains,
            "authority": self.authority,
        }


class Regime(Protocol):
    """A tax jurisdiction's rules, bound to one owner of one household."""

    @property
    def code(self) -> str: ...  # US, CA, UK
    @property
    def name(self) -> str: ...
    @property
    def currency(self) -> str: ...
    @property
    def owner_id(self) -> str: ...
    @property
    def relief_methods(self) -> tuple[str, ...]: ...  # how sold shares are identified
    @property
    def has_holding_period(self) -> bool: ...  # short / long term (US only)

    def loss_rule(self) -> LossRule: ...
    def tax_year(self, day: date) -> int: ...
    def tax_year_span(self, year: int) -> tuple[date, date]: ...
    def tax_year_label(self, year: int) -> str: ...
    def is_taxable(self, account: Account) -> bool: ...
    def gain_is_income(self, symbol: str) -> bool: ...  # not a capital gain (UK: SI 2009/3001)
    def withholding(self, source_country: str, account: Account) -> Withholding | None: ...


class CalendarYear:
    """Tax years that are calendar years (US, Canada)."""

    def tax_year(self, day: date) -> int:
        return day.year

    def tax_year_span(self, year: int) -> tuple[date, date]:
        return date(year, 1, 1), date(year, 12, 31)

    def tax_year_label(self, year: int) -> str:
        return str(year)


def regime_for(household: Household, owner_id: str) -> Regime:
    """The regime that applies to ``owner_id``, chosen by the owner's ``tax_residence``."""
    from lotwise.regimes.ca import CanadaRegime
    from lotwise.regimes.uk import UnitedKingdomRegime
    from lotwise.regimes.us import UnitedStatesRegime

    owner = household.owners[owner_id]
    code = regime_code(owner)
    if code == CA:
        return CanadaRegime(household, owner_id)
    if code == UK:
        return UnitedKingdomRegime(household, owner_id)
    return UnitedStatesRegime(household, owner_id)


def accounts_of(household: Household, owners: frozenset[str]) -> list[Account]:
    return [acct for acct in household.accounts.values() if acct.owner in owners]


def sub_household(household: Household, code: str) -> Household:
    """The household restricted to the owners under regime ``code`` and their accounts.

    Spouse links to owners of other regimes are dropped, and the ``[tax]`` table loses the
    other regimes' tables (``[tax.ca]``, ``[tax.uk]``), so that a single-regime computation
    (such as the US tax module) sees only its own people."""
    from dataclasses import replace

    regimes = owner_regimes(household)
    keep = {owner_id for owner_id, c in regimes.items() if c == code}
    owners = {}
    for owner_id in keep:
        owner = household.owners[owner_id]
        spouse = owner.spouse if owner.spouse in keep else None
        affiliates = tuple(a for a in owner.affiliates if a in keep)
        owners[owner_id] = replace(owner, spouse=spouse, affiliates=affiliates)
    accounts = {a.id: a for a in household.accounts.values() if a.owner in keep}
    tax = {k: v for k, v in household.tax.items() if k not in ("ca", "uk")}
    years = tax.get("years")
    if isinstance(years, Mapping) and code == US:
        dropped = set(household.owners) - keep
        tax["years"] = {
            year: (
                {k: v for k, v in table.items() if k not in dropped}
                if isinstance(table, Mapping)
                else table
            )
            for year, table in years.items()
        }
    scheduled = tuple(s for s in household.scheduled if s.account in accounts)
    return replace(household, owners=owners, accounts=accounts, tax=tax, scheduled=scheduled)


def year_tables(value: Any, path: str, problems: list[Problem], source: Source, *,
                what: str = "year", naming: str | None = None) -> dict[int, Any]:
    """``[<path>.years.<year>]`` tables of ``[tax.ca.<owner>]`` or ``[tax.uk.<owner>]`` by
    year; a problem for anything else.  ``what`` and ``naming`` say what a key must be and
    how to name the table (the UK names a tax year by the year it starts)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        problems.append(Problem(source, f"{path}.years", "years must be a table of years",
                                f"write [{path}.years.2026] tables"))
        return {}
    tables = {}
    for key, sub in value.items():
        if not str(key).isdigit():
            problems.append(Problem(
                source, f"{path}.years.{key}", f"'{key}' is not a {what}",
                naming or f"name the table by its year, e.g. [{path}.years.2026]"))
            continue
        tables[int(key)] = sub
    return tables
