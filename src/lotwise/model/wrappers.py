"""Which foreign wrappers each tax residence recognizes.

A wrapper shelters its holdings only where the owner's country of residence says so.  An
account of the owner's own country keeps its type's treatment; for another country's
account, the table ``lotwise/data/wrappers.toml`` says, with its authority, whether the
owner's country taxes it as an ordinary account (``taxable``), taxes it only when paid out
(``deferred``) or never (``exempt``).  Where the law is uncertain the row says so and takes
the treatment that taxes.

The household gives each account the type whose treatment it gets, ``treated_as``: its own
type when the treatment matches, otherwise the owner's country's type of that treatment.
Example: a US resident's TFSA is treated as a US ``taxable`` account, so its sales realize
gains on Form 8949 under the wash-sale rules; a US resident's RRSP stays an RRSP (deferred,
Canada-US Convention Art. XVIII(7)); a UK resident's Roth IRA stays a Roth (exempt, UK-US
Convention Art. 17(1)(b), 18(1)).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lotwise.model.household import AccountType

DATA = ("data", "wrappers.toml")
TAXABLE = "taxable"
DEFERRED = "deferred"
EXEMPT = "exempt"
TREATMENTS = (TAXABLE, DEFERRED, EXEMPT)
_ALIASES = {"US": "US", "USA": "US", "CA": "CA", "CAN": "CA", "UK": "UK", "GB": "UK",
            "GBR": "UK"}
# the type of each treatment in each country, given to an account whose own type differs
_OF_COUNTRY = {
    "US": {TAXABLE: "taxable", DEFERRED: "traditional", EXEMPT: "roth"},
    "CA": {TAXABLE: "non_registered", DEFERRED: "rrsp", EXEMPT: "tfsa"},
    "UK": {TAXABLE: "gia", DEFERRED: "sipp", EXEMPT: "isa"},
}


def normalise_country(code: str) -> str | None:
    """``US``, ``CA`` or ``UK`` for a country code (``GB`` is the UK); ``None`` otherwise."""
    return _ALIASES.get(code.strip().upper())


@dataclass(frozen=True, slots=True)
class Recognition:
    """How ``residence`` treats an account of ``type``: ``treatment`` on the ``authority``;
    ``own`` when the wrapper is of the residence's own country."""

    residence: str
    type: str
    treatment: str
    authority: str
    uncertain: bool = False
    own: bool = False

    @property
    def loses_shelter(self) -> bool:
        """A wrapper of another country that the owner's country taxes as an ordinary
        account (a US resident's TFSA)."""
        return (not self.own and self.treatment == TAXABLE
                and _own_treatment(self.type) != TAXABLE)


def _own_treatment(kind: str) -> str:
    from lotwise.model.household import AccountType

    account_type = AccountType(kind)
    if account_type.is_taxable:
        return TAXABLE
    return DEFERRED if account_type.is_tax_deferred else EXEMPT


@cache
def table() -> dict[tuple[str, str], Recognition]:
    """The rows of ``wrappers.toml`` by (residence, type); a malformed row is an error."""
    from lotwise.model.household import AccountType

    text = resources.files("lotwise").joinpath(*DATA).read_text(encoding="utf-8")
    rows: dict[tuple[str, str], Recognition] = {}
    for index, row in enumerate(tomllib.loads(text).get("wrapper", [])):
        where = f"{'/'.join(DATA)}: wrapper {index + 1}"
        residence, kind, treatment = row.get("residence"), row.get("type"), row.get("treatment")
        if residence not in _OF_COUNTRY:
            raise ValueError(f"{where}: residence must be US, CA or UK, got {residence!r}")
        if kind not in {t.value for t in AccountType}:
            raise ValueError(f"{where}: unknown account type {kind!r}")
        if AccountType(kind).jurisdiction == residence:
            raise ValueError(f"{where}: a {kind} account is {residence}'s own wrapper")
        if treatment not in TREATMENTS:
            raise ValueError(f"{where}: treatment must be one of {', '.join(TREATMENTS)}")
        if not str(row.get("authority", "")).strip():
            raise ValueError(f"{where}: every row needs its authority")
        if (residence, kind) in rows:
            raise ValueError(f"{where}: a second row for {residence} {kind}")
        rows[(residence, kind)] = Recognition(residence, kind, treatment, row["authority"],
                                              bool(row.get("uncertain", False)))
    return rows


def recognition(residence: str, kind: AccountType) -> Recognition:
    """How an owner resident in ``residence`` is taxed on an account of type ``kind``.

    A residence lotwise has no regime for leaves the type's own treatment (the regime
    lookup reports that residence as an error)."""
    code = normalise_country(residence)
    if code is None or kind.jurisdiction == code:
        return Recognition(code or residence, kind.value, _own_treatment(kind.value),
                           "the owner's own country's wrapper", own=True)
    found = table().get((code, kind.value))
    if found is None:
        raise ValueError(f"{'/'.join(DATA)} has no row for a {code} resident's {kind.value}")
    return found


def treated_as(residence: str, kind: AccountType) -> AccountType:
    """The type whose treatment an account of ``kind`` gets from an owner in ``residence``."""
    from lotwise.model.household import AccountType

    found = recognition(residence, kind)
    if found.own or found.treatment == _own_treatment(kind.value):
        return kind
    return AccountType(_OF_COUNTRY[found.residence][found.treatment])
