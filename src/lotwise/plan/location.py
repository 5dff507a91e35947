"""Asset location: how much the plan prefers each account for each holding.

The practitioners' rule, for every country's wrappers alike, ranks accounts by their tax
character:

* **tax-deferred** — ``traditional``, ``rrsp``, ``rrif``, ``resp``, ``sipp``: contributions
  deducted or relieved, everything taxed as income on the way out;
* **deducted in, free out** — ``hsa`` (IRC §223), ``fhsa`` (ITA s.146.6): both ends
  sheltered for a qualifying use;
* **tax-free** — ``roth``, ``tfsa``, ``isa``: taxed money in, nothing taxed after;
* **taxable** — ``taxable``, ``non_registered``, ``gia``.

Tax-inefficient classes (bonds, REITs, income: their yield is taxed as income every year)
go where that income is sheltered and will be taxed at most once: tax-deferred first, then
deducted-in-free-out, tax-free, and taxable a long way last.  Every other class (the
highest expected growth) goes where growth is never taxed: tax-free, deducted-in-free-out,
taxable (where gains wait and are taxed at capital gains rates), tax-deferred last (where
they would come out as income).  The ranks make the first rule the stronger, so that with
only an ISA and a GIA, bonds take the ISA:

| group | tax-inefficient class | other classes |
|---|---:|---:|
| tax-deferred | 0 | 3 |
| deducted in, free out | 1 | 1 |
| tax-free | 2 | 0 |
| taxable | 5 | 2 |

**Withholding.**  Tax withheld at source on a foreign dividend is credited in a taxable
account, exempt by treaty in some pension wrappers (US dividends to an RRSP or RRIF:
Canada-US Convention Art. XXI(2); to a SIPP: UK-US Convention Art. 10(3)(b)) and simply
lost in the others (a TFSA, FHSA, RESP or ISA).  So for a security whose source country is
known, an account where its dividends would lose tax
(:meth:`lotwise.regimes.base.Regime.withholding`) takes 5 more ranks, behind every account
where they would not.  This needs no dividend yield; where the yield is known the planner
also prices the loss itself (:mod:`lotwise.plan.withholding_cost`).

``[policy] location = { bonds = ["sipp", "isa", "gia"] }`` ranks account types for a class
by hand (its rank is its place in the list, unlisted types after the last); a class given
there gets no withholding ranks (a known yield is still priced).

Each rank costs :data:`LOCATION_STEP` per dollar held, a fraction of the spread: enough to
decide where new money and tax-free trades go.

Example: Claire (Canada) buys VTI (US source) and XIC.  For the ``us`` class the growth
ranks are TFSA 0, FHSA 1, non-registered 2, RRSP 3; VTI's dividends lose 15 % in the TFSA
and FHSA (Art. X(2)(b)) and nothing in the RRSP or (credited) in the non-registered
account, so VTI's ranks are non-registered 2, RRSP 3, TFSA 5, FHSA 6, while XIC's stay TFSA
first: VTI is bought in the RRSP and XIC in the TFSA.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lotwise.allocation import CASH
from lotwise.model.household import AccountType, Household
from lotwise.regimes.base import regime_for

LOCATION_STEP = 0.0002  # per dollar held one rank away from a class's preferred account

DEFERRED = "deferred"
DEDUCTED_AND_FREE = "deducted_and_free"
TAX_FREE = "tax_free"
TAXABLE = "taxable"
# IRC §223(a), (f)(1) (HSA); ITA s.146.6(5), s.146.6(1) "qualifying withdrawal" (FHSA).
_DEDUCTED_AND_FREE = frozenset({AccountType.HSA, AccountType.FHSA})
INEFFICIENT_RANKS = {DEFERRED: 0, DEDUCTED_AND_FREE: 1, TAX_FREE: 2, TAXABLE: 5}
GROWTH_RANKS = {TAX_FREE: 0, DEDUCTED_AND_FREE: 1, TAXABLE: 2, DEFERRED: 3}
WITHHOLDING_RANKS = 5  # behind every account of the same class where nothing is lost
TAX_INEFFICIENT = ("bond", "reit", "real_estate", "fixed", "income", "tips")


def character(kind: AccountType) -> str:
    """The tax character of an account type: one of the four groups above."""
    if kind.is_taxable:
        return TAXABLE
    if kind in _DEDUCTED_AND_FREE:
        return DEDUCTED_AND_FREE
    return DEFERRED if kind.is_tax_deferred else TAX_FREE


def default_ranks(asset_class: str) -> Mapping[str, int]:
    """The rank of each group for a class, judged by its name."""
    if any(word in asset_class.lower() for word in TAX_INEFFICIENT):
        return INEFFICIENT_RANKS
    return GROWTH_RANKS


@dataclass(frozen=True)
class Location:
    """Per-dollar cost of holding a security of a class in an account."""

    ranks: Mapping[tuple[int, str], int]  # (class index, account) -> rank by tax character
    fixed: frozenset[int]  # classes without withholding ranks: [policy] location, cash
    withholding_lost: frozenset[tuple[str, str]]  # (account, symbol) losing tax at source
    demotion: int  # ranks added where withholding is lost

    def cost(self, class_index: int, account: str, symbol: str) -> float:
        rank = self.ranks[(class_index, account)]
        if class_index not in self.fixed and (account, symbol) in self.withholding_lost:
            rank += self.demotion
        return LOCATION_STEP * rank


def location(household: Household, classes: Sequence[str],
             sources: Mapping[str, str]) -> Location:
    """The location costs of ``household`` for ``classes`` (cash costs nothing anywhere);
    ``sources`` maps a symbol to the country its dividends come from."""
    configured = household.policy.extra.get("location", {})
    if not isinstance(configured, dict):
        configured = {}
    ranks: dict[tuple[int, str], int] = {}
    fixed: set[int] = set()
    for index, name in enumerate(classes):
        if isinstance(configured.get(name), list):
            fixed.add(index)
            order = [str(t) for t in configured[name]]
            for account in household.accounts.values():
                kind = account.type.value
                ranks[(index, account.id)] = (order.index(kind) if kind in order
                                              else len(order))
            continue
        if name == CASH:
            fixed.add(index)
        groups = default_ranks(name)
        for account in household.accounts.values():
            ranks[(index, account.id)] = 0 if name == CASH else groups[character(account.tax_type)]
    return Location(ranks, frozenset(fixed), _withholding_lost(household, sources),
                    WITHHOLDING_RANKS)


def _withholding_lost(household: Household,
                      sources: Mapping[str, str]) -> frozenset[tuple[str, str]]:
    """(account, symbol) pairs where the symbol's dividends lose tax withheld at source:
    a sheltered account whose owner's treaty rate for the source is above zero."""
    out = set()
    regimes = {owner: regime_for(household, owner) for owner in household.owners}
    for account in household.accounts.values():
        if account.is_taxable:
            continue  # credited against the owner's own tax
        for symbol in household.securities:
            source = sources.get(symbol)
            if source is None:
                continue
            rule = regimes[account.owner].withholding(source, account)
            if rule is not None and rule.rate > 0:
                out.add((account.id, symbol))
    return frozenset(out)
