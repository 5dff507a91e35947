"""A household: owners, their accounts, the securities they hold and the target allocation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from lotwise.model.wrappers import Recognition, recognition, treated_as


class AccountType(StrEnum):
    """Kinds of account.  Only ``taxable``, ``non_registered`` and ``gia`` accounts realize
    capital gains and losses; the others are tax-deferred or tax-exempt wrappers of their
    country (see docs/regimes.md)."""

    # United States
    TAXABLE = "taxable"
    TRADITIONAL = "traditional"  # traditional IRA, 401(k), 403(b): tax-deferred
    ROTH = "roth"  # Roth IRA / Roth 401(k): tax-exempt
    HSA = "hsa"  # health savings account: tax-exempt for qualified use
    # Canada
    NON_REGISTERED = "non_registered"  # an ordinary (taxable) investment account
    RRSP = "rrsp"  # registered retirement savings plan: tax-deferred (ITA s.146)
    RRIF = "rrif"  # registered retirement income fund: tax-deferred (ITA s.146.3)
    TFSA = "tfsa"  # tax-free savings account (ITA s.146.2)
    RESP = "resp"  # registered education savings plan: deferred (ITA s.146.1)
    FHSA = "fhsa"  # first home savings account: tax-free for a qualifying withdrawal (s.146.6)
    # United Kingdom
    GIA = "gia"  # general investment account: within capital gains tax
    ISA = "isa"  # individual savings account: outside CGT (ISA Regulations 1998 reg. 22, 34)
    SIPP = "sipp"  # self-invested personal pension: outside CGT (TCGA 1992 s.271(1A))

    # The treatment in the type's own country; whether an account is sheltered for its
    # owner is :attr:`Account.is_taxable` etc., which weigh the owner's residence.
    @property
    def is_taxable(self) -> bool:
        return self in _TAXABLE_TYPES

    @property
    def is_tax_deferred(self) -> bool:
        return self in _DEFERRED_TYPES

    @property
    def is_tax_exempt(self) -> bool:
        return self in _EXEMPT_TYPES

    @property
    def jurisdiction(self) -> str:
        """The country whose wrapper this is: ``US``, ``CA`` or ``UK``."""
        return _JURISDICTION[self]


_TAXABLE_TYPES = frozenset({AccountType.TAXABLE, AccountType.NON_REGISTERED, AccountType.GIA})
_DEFERRED_TYPES = frozenset(
    {AccountType.TRADITIONAL, AccountType.RRSP, AccountType.RRIF, AccountType.RESP,
     AccountType.SIPP}
)
_EXEMPT_TYPES = frozenset(
    {AccountType.ROTH, AccountType.HSA, AccountType.TFSA, AccountType.FHSA, AccountType.ISA}
)
_JURISDICTION = {
    **dict.fromkeys(
        (AccountType.TAXABLE, AccountType.TRADITIONAL, AccountType.ROTH, AccountType.HSA), "US"
    ),
    **dict.fromkeys(
        (AccountType.NON_REGISTERED, AccountType.RRSP, AccountType.RRIF, AccountType.TFSA,
         AccountType.RESP, AccountType.FHSA),
        "CA",
    ),
    **dict.fromkeys((AccountType.GIA, AccountType.ISA, AccountType.SIPP), "UK"),
}


class FilingStatus(StrEnum):
    SINGLE = "single"
    MARRIED_JOINT = "married_joint"
    MARRIED_SEPARATE = "married_separate"
    HEAD_OF_HOUSEHOLD = "head_of_household"
    QUALIFYING_SURVIVING_SPOUSE = "qualifying_surviving_spouse"
    TRUST = "trust"  # trusts and estates (Form 1041), compressed brackets


@dataclass(frozen=True, slots=True)
class Owner:
    """A person or entity that owns accounts.  ``spouse`` names another owner's id.

    ``tax_residence`` (``US``, ``CA`` or ``UK``) chooses the tax regime that the ledger
    applies to the owner's accounts.  ``affiliates`` names other owners affiliated with this
    one beyond the spouse, such as a corporation the owner controls (Canada: ITA s.251.1);
    their purchases count for the Canadian superficial-loss rule.
    """

    id: str
    name: str = ""
    spouse: str | None = None
    filing_status: FilingStatus = FilingStatus.SINGLE
    tax_residence: str = "US"
    affiliates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Account:
    """An account.  ``allowed`` lists the securities it may buy (a 401(k) fund menu; empty:
    any security of the household); ``fractional`` says whether it can trade fractions of a
    share; ``drip`` whether dividends are reinvested (``None``: judged from the journal)."""

    id: str
    owner: str
    type: AccountType
    lot_method: str = "fifo"
    name: str = ""
    currency: str = "USD"
    allowed: tuple[str, ...] = ()
    fractional: bool = True
    drip: bool | None = None
    jurisdiction: str = ""  # US, CA or UK; blank: the country of ``type``
    # the type whose tax treatment the account gets from its owner's residence (a US
    # resident's TFSA: ``taxable``); set by :class:`Household` from lotwise/data/wrappers.toml
    treated_as: AccountType | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.jurisdiction:
            object.__setattr__(self, "jurisdiction", self.type.jurisdiction)

    @property
    def tax_type(self) -> AccountType:
        """The type whose treatment the owner's country gives this account."""
        return self.treated_as or self.type

    @property
    def is_taxable(self) -> bool:
        """Whether the owner's country taxes the gains in this account as they are realized."""
        return self.tax_type.is_taxable

    @property
    def is_tax_deferred(self) -> bool:
        return self.tax_type.is_tax_deferred

    @property
    def is_tax_exempt(self) -> bool:
        return self.tax_type.is_tax_exempt

    def may_buy(self, symbol: str) -> bool:
        return not self.allowed or symbol in self.allowed


@dataclass(frozen=True, slots=True)
class ScheduledPurchase:
    """A purchase that happens by itself (payroll 401(k) contribution, automatic investment),
    every ``every_days`` days from ``next`` on.  The wash-sale guard counts it."""

    account: str
    symbol: str
    amount: Decimal
    next: date
    every_days: int


@dataclass(frozen=True, slots=True)
class Security:
    """A security.  ``identical_group`` names a set of substantially identical securities
    (for example several S&P 500 funds); a security without one is only identical to itself.

    ``uk_reporting_fund`` matters to UK residents only: ``False`` marks an offshore fund
    without reporting fund status, whose gains are offshore income gains taxed as income
    (SI 2009/3001 regs. 17, 18); ``True`` one with it, whose excess reportable income adds
    to the cost of the holding (regs. 94, 99).  ``uk_bond_fund`` marks an offshore fund that
    fails the qualifying investments test (more than 60 % of its assets interest-bearing):
    its distributions, and so its excess reportable income, are interest, not dividends
    (ITTOIA 2005 s.378A).  ``us_pfic`` matters to US residents only: a fund that is a passive
    foreign investment company (IRC §1297(a)), whose gains a US shareholder pays at the top
    ordinary rate with an interest charge (IRC §1291)."""

    symbol: str
    asset_class: str
    identical_group: str | None = None
    name: str = ""
    kind: str = "etf"  # stock, etf, mutual_fund, bond, money_market
    currency: str = "USD"
    source_country: str | None = None  # the dividend payer's country, for withholding tax
    dividend_yield: Decimal | None = None  # expected yearly dividends per unit of value
    # UK: an offshore fund with (True) or without (False) reporting fund status (Offshore
    # Funds (Tax) Regulations 2009); None: not an offshore fund (shares, a UK fund)
    uk_reporting_fund: bool | None = None
    uk_bond_fund: bool = False  # UK: distributions taxed as interest (ITTOIA 2005 s.378A)
    # US: a passive foreign investment company (IRC §1297(a)), e.g. an Irish UCITS ETF; a
    # US person's gain on it is an excess distribution (IRC §1291) unless an election applies
    us_pfic: bool = False

    @property
    def group(self) -> str:
        """The wash-sale group: two securities with the same group are substantially identical."""
        return self.identical_group or self.symbol


@dataclass(frozen=True, slots=True)
class TargetAllocation:
    """Target weights for leaf asset classes (summing to 1) and the class tree above them.

    ``parents`` maps a class (leaf or inner) to its parent class; top-level classes are absent.
    """

    weights: Mapping[str, Decimal]
    parents: Mapping[str, str] = field(default_factory=dict)

    def ancestors(self, asset_class: str) -> tuple[str, ...]:
        chain: list[str] = []
        current = self.parents.get(asset_class)
        while current is not None:
            chain.append(current)
            current = self.parents.get(current)
        return tuple(chain)

    def inner_weights(self) -> dict[str, Decimal]:
        """Weight of every inner class: the sum of the leaves below it."""
        totals: dict[str, Decimal] = {}
        for leaf, weight in self.weights.items():
            for parent in self.ancestors(leaf):
                totals[parent] = totals.get(parent, Decimal(0)) + weight
        return totals


@dataclass(frozen=True, slots=True)
class Policy:
    """Household policy settings.  Bands are fractions: 0.05 is five percentage points."""

    absolute_band: Decimal = Decimal("0.05")
    relative_band: Decimal = Decimal("0.25")
    review_months: int = 12
    cash_buffer: Decimal = Decimal(0)
    extra: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Household:
    id: str
    owners: Mapping[str, Owner]
    accounts: Mapping[str, Account]
    securities: Mapping[str, Security]
    targets: TargetAllocation
    policy: Policy = field(default_factory=Policy)
    name: str = ""
    base_currency: str = "USD"
    format_version: int = 1
    tax: Mapping[str, object] = field(default_factory=dict)  # raw [tax] table, see docs/tax.md
    scheduled: tuple[ScheduledPurchase, ...] = ()
    # the file (or store entry) the household was read from, named by errors found later;
    # not part of what the household is (equality, repr and so a plan's inputs hash)
    source: str = field(default="household.toml", compare=False, repr=False)

    def __post_init__(self) -> None:
        accounts = {
            key: _treated(account, self.owners.get(account.owner))
            for key, account in self.accounts.items()
        }
        object.__setattr__(self, "accounts", accounts)
        for name in ("owners", "accounts", "securities"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    def recognition(self, account_id: str) -> Recognition:
        """How the account's owner's country treats it, with the authority."""
        account = self.accounts[account_id]
        return recognition(self.owners[account.owner].tax_residence, account.type)

    def unsheltered(self) -> list[tuple[Account, Recognition]]:
        """Another country's wrappers that their owner's country taxes as ordinary accounts."""
        found = []
        for account in self.accounts.values():
            if account.owner in self.owners:
                seen = self.recognition(account.id)
                if seen.loses_shelter:
                    found.append((account, seen))
        return found

    def owner_of(self, account_id: str) -> Owner:
        return self.owners[self.accounts[account_id].owner]

    def tax_unit(self, owner_id: str) -> frozenset[str]:
        """The owners whose purchases count for this owner's wash sales: the owner and a spouse.

        IRS Pub 550, "Wash Sales": a purchase by your spouse is treated as yours.
        """
        owner = self.owners[owner_id]
        members = {owner.id}
        if owner.spouse:
            members.add(owner.spouse)
        for other in self.owners.values():
            if other.spouse == owner.id:
                members.add(other.id)
        return frozenset(members)

    def tax_unit_key(self, owner_id: str) -> str:
        return "+".join(sorted(self.tax_unit(owner_id)))

    def group_of(self, symbol: str) -> str:
        security = self.securities.get(symbol)
        return security.group if security else symbol


def _treated(account: Account, owner: Owner | None) -> Account:
    """The account with ``treated_as`` set from its owner's residence (wrappers.toml)."""
    if owner is None:
        return account
    kind = treated_as(owner.tax_residence, account.type)
    return account if account.treated_as is kind else replace(account, treated_as=kind)
