"""Each regime's own words for what the three countries share, so that a Canadian or UK
owner never reads US terms (docs/regimes.md).

==================  ==========================  ===========================  ====================
                    US                          Canada                       United Kingdom
==================  ==========================  ===========================  ====================
taxable account     taxable account             non-registered account       GIA
sheltered accounts  IRA, 401(k), Roth, HSA      RRSP, RRIF, TFSA, RESP,      ISA, SIPP
                                                FHSA
loss rule           wash sale (IRC §1091)       superficial loss (ITA s.54)  30-day rule
                                                                             (TCGA s.106A)
what it looks at    substantially identical     identical property           the same shares
cost of shares      basis                       adjusted cost base (ACB)     allowable cost
holding period      short and long term         none                         none
==================  ==========================  ===========================  ====================

Example: ``words("CA").loss_rules_created`` is ``"superficial losses created"`` where a US
owner reads ``"wash sales created"``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RegimeWords:
    regime: str  # US, CA or UK
    country: str  # "the United States", "Canada", "the United Kingdom"
    taxable_account: str  # the account that realizes gains: "a taxable account"
    taxable_adjective: str  # "taxable", "non-registered", "GIA"
    sheltered_accounts: str  # the wrappers, named as their owners know them
    loss_rules_created: str  # a count of the rule's hits follows it
    replacement: str  # what a harvest buys instead of what it sells
    no_replacement: str  # why a harvest has nothing to buy instead
    cost: str  # the cost of shares for the tax


_WORDS = {
    "US": RegimeWords(
        regime="US",
        country="the United States",
        taxable_account="a taxable account",
        taxable_adjective="taxable",
        sheltered_accounts="a retirement or health account (IRA, 401(k), Roth, HSA)",
        loss_rules_created="wash sales created",
        replacement="a security that is not substantially identical",
        no_replacement="every security of the same class that is not substantially "
        "identical is bought or harvested elsewhere",
        cost="basis",
    ),
    "CA": RegimeWords(
        regime="CA",
        country="Canada",
        taxable_account="a non-registered account",
        taxable_adjective="non-registered",
        sheltered_accounts="a registered plan (RRSP, RRIF, TFSA, RESP, FHSA)",
        loss_rules_created="superficial losses created",
        replacement="a security that is not identical property (ITA s.54)",
        no_replacement="every security of the same class that is not identical property "
        "is bought or harvested elsewhere",
        cost="ACB",
    ),
    "UK": RegimeWords(
        regime="UK",
        country="the United Kingdom",
        taxable_account="a general investment account (GIA)",
        taxable_adjective="GIA",
        sheltered_accounts="an ISA or a SIPP",
        loss_rules_created="loss sales matched same day or within 30 days",
        replacement="another security, which the 30-day rule does not match (TCGA s.106A)",
        no_replacement="every other security of the same class is bought or harvested "
        "elsewhere",
        cost="allowable cost",
    ),
}


_KINDS = {
    "taxable": "a taxable account",
    "traditional": "a traditional IRA or 401(k)",
    "roth": "a Roth account",
    "hsa": "an HSA",
    "non_registered": "a non-registered account",
    "rrsp": "an RRSP",
    "rrif": "a RRIF",
    "tfsa": "a TFSA",
    "resp": "an RESP",
    "fhsa": "an FHSA",
    "gia": "a general investment account (GIA)",
    "isa": "an ISA",
    "sipp": "a SIPP",
}


def account_kind(kind: str) -> str:
    """An account type as its owner says it: ``an RRSP``, ``a TFSA``, ``an ISA``."""
    return _KINDS.get(kind, f"a {kind} account")


def words(regime: str) -> RegimeWords:
    """The words of regime ``US``, ``CA`` or ``UK``."""
    return _WORDS[regime]


def in_order(regimes: Iterable[str]) -> list[str]:
    """The regimes given, US first, then Canada, then the UK."""
    present = set(regimes)
    return [code for code in _WORDS if code in present]


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """``1 disposal``, ``2 disposals``, ``1 lot``, ``3 proposals``; ``plural`` for the words
    that do not just add an s."""
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"
