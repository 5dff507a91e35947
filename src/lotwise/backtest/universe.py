"""What a backtest trades: asset classes, the securities that can hold each, and the target.

Each :class:`AssetClass` lists its securities in order of preference: the first is the
primary, the others substitutes a harvest may move into (they must be in a different
identical group, or a sale at a loss and the purchase would be a wash sale).

The target is either ``fixed`` (constant weights, as a three-fund portfolio) or ``index``:
weights that drift with each class's total return from the initial weights, which is what a
capitalisation-weighted index does between reconstitutions (a direct-indexing portfolio
tracks it).  Example: two classes at 0.5 / 0.5 whose total returns are +20 % and -20 % have
index weights 0.6 / 0.4.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from lotwise.model.household import (
    Account,
    AccountType,
    FilingStatus,
    Household,
    Owner,
    Policy,
    Security,
    TargetAllocation,
)

OWNER = "investor"
TAXABLE = "taxable"
IRA = "ira"


@dataclass(frozen=True, slots=True)
class SecuritySpec:
    """A tradable security: its identical group (wash sales) and whether its dividends are
    qualified (taxed at the long-term rates) or ordinary (bond fund income)."""

    symbol: str
    group: str
    qualified: bool = True
    kind: str = "etf"
    name: str = ""


@dataclass(frozen=True, slots=True)
class AssetClass:
    name: str
    weight: float
    securities: tuple[str, ...]

    @property
    def primary(self) -> str:
        return self.securities[0]


@dataclass(frozen=True, slots=True)
class Universe:
    name: str
    classes: tuple[AssetClass, ...]
    securities: Mapping[str, SecuritySpec]
    target: str = "fixed"  # "fixed" or "index"
    class_of: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.class_of:
            mapping = {sym: c.name for c in self.classes for sym in c.securities}
            object.__setattr__(self, "class_of", mapping)

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(sym for c in self.classes for sym in c.securities)

    def asset_class(self, name: str) -> AssetClass:
        for c in self.classes:
            if c.name == name:
                return c
        raise KeyError(name)

    def group_of(self, symbol: str) -> str:
        spec = self.securities.get(symbol)
        return spec.group if spec else symbol


def build_household(
    universe: Universe,
    *,
    filing_status: FilingStatus = FilingStatus.SINGLE,
    ira: bool = False,
    fractional: bool = True,
    tax: Mapping[str, object] | None = None,
) -> Household:
    """A one-owner household: a taxable account (first-in first-out by default) and, when
    ``ira``, a traditional IRA; securities and targets from the universe."""
    accounts = {TAXABLE: Account(TAXABLE, OWNER, AccountType.TAXABLE, fractional=fractional)}
    if ira:
        accounts[IRA] = Account(IRA, OWNER, AccountType.TRADITIONAL, fractional=fractional)
    securities = {
        sym: Security(sym, universe.class_of[sym], spec.group, spec.name, spec.kind)
        for sym, spec in universe.securities.items()
        if sym in universe.class_of
    }
    weights = {c.name: Decimal(repr(c.weight)) for c in universe.classes}
    return Household(
        id="backtest",
        owners={OWNER: Owner(OWNER, "Investor", None, filing_status)},
        accounts=accounts,
        securities=securities,
        targets=TargetAllocation(weights),
        policy=Policy(),
        name=universe.name,
        tax=dict(tax or {}),
    )
