"""Reading a household from its TOML file, format version 1.

A household file describes who owns what and where the household wants to be::

    format_version = 1
    id = "rivera"
    name = "Alex and Sam Rivera"
    base_currency = "USD"

    [owners.alex]
    name = "Alex Rivera"
    spouse = "sam"
    filing_status = "married_joint"

    [accounts.alex_taxable]
    owner = "alex"
    type = "taxable"          # taxable, traditional, roth, hsa; non_registered, rrsp,
                              # rrif, tfsa, resp, fhsa (Canada); gia, isa, sipp (UK)
    lot_method = "fifo"       # fifo, lifo, hifo, specific, min_tax, average

    [securities.VOO]
    asset_class = "us"        # a leaf of [targets]
    identical_group = "sp500" # substantially identical to every other "sp500" fund
    source_country = "US"     # optional: the dividend payer's country (withholding tax)
    dividend_yield = 0.013    # optional: expected yield (else the last 12 months' dividends)
    uk_reporting_fund = true  # optional, UK residents: an offshore fund with (true) or
                              # without (false) UK reporting fund status; absent: not an
                              # offshore fund (docs/regimes.md section 5)
    uk_bond_fund = false      # optional, UK residents: true for an offshore fund whose
                              # distributions are interest (ITTOIA 2005 s.378A)
    us_pfic = false           # optional, US residents: true for a passive foreign
                              # investment company (IRC §1297), e.g. an Irish UCITS ETF

    [targets]
    bonds = 0.3
    [targets.equity]          # an inner class: its own weight, and children as fractions of it
    weight = 0.7
    us = 0.6                  # 0.7 * 0.6 = 0.42 of the whole portfolio
    intl = 0.4

Reading checks everything it can and reports every problem at once in one
:class:`~lotwise.errors.InputError`: each :class:`~lotwise.errors.Problem` names the file, the
line (found on a best-effort basis) and the TOML key path as its field (``accounts.joint.type``),
says what is wrong and how to fix it, listing the allowed values.  Unknown keys are errors, with
a "did you mean" suggestion when a known key is close.  ``[policy]`` keeps keys it does not know
in :attr:`~lotwise.model.household.Policy.extra`, and ``[tax]`` is kept as it is, raw, in
:attr:`~lotwise.model.household.Household.tax`, once :mod:`lotwise.io.household_tax` has found
every setting in its right place and readable.  The household remembers the file it came from
(:attr:`~lotwise.model.household.Household.source`), which later errors name.

This module also holds the two small helpers every lotwise reader shares: :func:`read_text`
and :func:`did_you_mean`.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from datetime import date as date_type
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from lotwise.errors import InputError, Problem, Source
from lotwise.io.household_tax import tax_problems
from lotwise.model.household import (
    Account,
    AccountType,
    FilingStatus,
    Household,
    Owner,
    Policy,
    ScheduledPurchase,
    Security,
    TargetAllocation,
)
from lotwise.model.numbers import dec
from lotwise.withholding import country

FORMAT_VERSION = 1
"""The household file format this module reads."""

LOT_METHODS: tuple[str, ...] = ("fifo", "lifo", "hifo", "specific", "min_tax", "average")
"""Lot relief method names an account or a sell may name."""

SECURITY_KINDS: tuple[str, ...] = ("stock", "etf", "mutual_fund", "bond", "money_market")

WEIGHT_TOLERANCE = Decimal("1e-9")
"""How far from 1 a set of target weights may sum."""

_TOP_KEYS = (
    "format_version",
    "id",
    "name",
    "base_currency",
    "owners",
    "accounts",
    "securities",
    "targets",
    "policy",
    "tax",
    "scheduled",
)
_OWNER_KEYS = ("name", "spouse", "filing_status", "tax_residence", "affiliates")
_ACCOUNT_KEYS = (
    "owner", "type", "lot_method", "name", "currency", "allowed", "fractional", "drip",
    "jurisdiction",
)
_RESIDENCES = {"US": "US", "CA": "CA", "UK": "UK", "GB": "UK"}
_TYPES_OF = {
    code: tuple(t.value for t in AccountType if t.jurisdiction == code)
    for code in ("US", "CA", "UK")
}
_SCHEDULED_KEYS = ("account", "symbol", "amount", "next", "every")
_EVERY = {"week": 7, "two_weeks": 14, "half_month": 15, "month": 30, "quarter": 91}
_SECURITY_KEYS = ("asset_class", "identical_group", "name", "kind", "currency",
                  "source_country", "dividend_yield", "uk_reporting_fund", "uk_bond_fund",
                  "us_pfic")
_POLICY_KEYS = ("absolute_band", "relative_band", "review_months", "cash_buffer")

_BAD_ID_CHARS = re.compile(r"[\s,;:\"']")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")

KeyPath = tuple[str, ...]
_E = TypeVar("_E", bound=StrEnum)


# --------------------------------------------------------------------------- shared helpers


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a UTF-8 text file (a byte order mark is dropped).

    A missing file or text that is not UTF-8 is the user's problem: :class:`InputError`.
    """
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError.one(
            Source(name), None, "the file does not exist", "check the path and the file name"
        ) from None
    except IsADirectoryError:
        raise InputError.one(
            Source(name), None, "this is a folder, not a file", "give the path of the file"
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError.one(
            Source(name, line),
            None,
            f"the file is not UTF-8 text (byte {data[exc.start]:#04x})",
            "save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8')",
        ) from None
    return text.removeprefix("\ufeff")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when one of ``choices`` is close to ``word``, else ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def one_of(choices: Iterable[str]) -> str:
    """``use one of: a, b, c`` for a fix text."""
    return "use one of: " + ", ".join(choices)


def _dotted(path: KeyPath) -> str:
    return ".".join(part if _BARE_KEY.match(part) else f'"{part}"' for part in path)


# --------------------------------------------------------------------------- public API


def load_household(path: str | os.PathLike[str]) -> Household:
    """Read a household TOML file.  Raises :class:`InputError` listing every problem."""
    return parse_household(read_text(path), str(path))


def parse_household(text: str, source: str) -> Household:
    """Parse household TOML ``text``; ``source`` names the file in problems."""
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column \d+\)", message)
        line = int(match.group(1)) if match else None
        raise InputError.one(
            Source(source, line),
            None,
            f"this is not valid TOML: {message}",
            "correct the syntax on that line (strings need quotes, tables are [name], "
            "keys are key = value)",
        ) from None
    reader = _HouseholdReader(source, text)
    household = reader.household(data)
    if reader.problems or household is None:
        # in the order of the file; problems without a line (missing things) last
        problems = sorted(reader.problems, key=lambda p: (p.source.row is None, p.source.row or 0))
        raise InputError(problems)
    return household


# --------------------------------------------------------------------------- implementation


class _KeyLines:
    """A best-effort map from a TOML key path to the line defining it, for problem rows."""

    def __init__(self, text: str) -> None:
        self._lines: dict[KeyPath, int] = {}
        table: KeyPath = ()
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            header = re.match(r"^\[\s*([^\[\]]+?)\s*\]", line)
            if header:
                table = _split_key(header.group(1))
                self._lines.setdefault(table, number)
                continue
            key = re.match(
                r"^((?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*"
                r"(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*=",
                line,
            )
            if key:
                self._lines.setdefault(table + _split_key(key.group(1)), number)

    def line(self, path: KeyPath) -> int | None:
        """The line of ``path``; else of its first key written below it (``[tax.years.2025]``
        for ``tax.years``); else of the nearest table above it."""
        if path and path not in self._lines:
            below = [n for key, n in self._lines.items() if key[: len(path)] == path]
            if below:
                return min(below)
        while path:
            if path in self._lines:
                return self._lines[path]
            path = path[:-1]
        return None


def _split_key(key: str) -> KeyPath:
    parts = re.findall(r"\"([^\"]*)\"|'([^']*)'|([^.\s\"']+)", key)
    return tuple(next(p for p in groups if p) if any(groups) else "" for groups in parts)


class _HouseholdReader:
    """Walks the parsed TOML, collecting problems instead of stopping at the first."""

    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self.lines = _KeyLines(text)
        self.problems: list[Problem] = []
        # the class tree's names, known even when its weights are wrong
        self.leaf_classes: tuple[str, ...] | None = None
        self.inner_classes: set[str] = set()

    # -- reporting and small typed getters

    def problem(self, path: KeyPath, message: str, fix: str) -> None:
        field = _dotted(path) if path else None
        source = Source(self.source, self.lines.line(path))
        self.problems.append(Problem(source, field, message, fix))

    def check_keys(self, table: Mapping[str, Any], allowed: Iterable[str], path: KeyPath) -> None:
        allowed = tuple(allowed)
        where = f"[{_dotted(path)}]" if path else "the top level"
        for key in table:
            if key not in allowed:
                self.problem(
                    (*path, key),
                    f"unknown key '{key}' in {where}{did_you_mean(key, allowed)}",
                    f"remove it or correct its name; keys here: {', '.join(allowed)}",
                )

    def table(self, value: object, path: KeyPath, what: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.problem(
            path,
            f"{_dotted(path)} must be a table, got {_show(value)}",
            f"write a header line [{_dotted(path)}] followed by lines for {what}",
        )
        return None

    def text(
        self, table: Mapping[str, Any], key: str, path: KeyPath, *, required: bool = False
    ) -> str | None:
        if key not in table:
            if required:
                self.problem(
                    (*path, key),
                    f"[{_dotted(path)}] has no {key}",
                    f'add a line {key} = "..." to [{_dotted(path)}]',
                )
            return None
        value = table[key]
        if not isinstance(value, str):
            self.problem(
                (*path, key),
                f"{key} must be text, got {_show(value)}",
                f'put the value in quotes: {key} = "..."',
            )
            return None
        if required and not value.strip():
            self.problem((*path, key), f"{key} is empty", f"write a value for {key}")
            return None
        return value.strip()

    def ident(self, value: str, path: KeyPath, what: str) -> bool:
        if not value or _BAD_ID_CHARS.search(value):
            self.problem(
                path,
                f"'{value}' is not usable as {what}",
                "use letters, digits and '_', '-' or '.', without spaces, commas, ';' or ':'",
            )
            return False
        return True

    def choice(
        self, table: Mapping[str, Any], key: str, path: KeyPath, enum: type[_E], default: _E | None
    ) -> _E | None:
        allowed = [member.value for member in enum]
        if key not in table:
            if default is None:
                self.problem(
                    (*path, key),
                    f"[{_dotted(path)}] has no {key}",
                    f'add a line {key} = "..." to [{_dotted(path)}]; {one_of(allowed)}',
                )
            return default
        value = self.text(table, key, path, required=True)
        if value is None:
            return None
        try:
            return enum(value)
        except ValueError:
            self.problem(
                (*path, key),
                f"'{value}' is not a valid {key}{did_you_mean(value, allowed)}",
                one_of(allowed),
            )
            return None

    def word(
        self,
        table: Mapping[str, Any],
        key: str,
        path: KeyPath,
        allowed: tuple[str, ...],
        default: str,
    ) -> str | None:
        if key not in table:
            return default
        value = self.text(table, key, path, required=True)
        if value is None:
            return None
        if value not in allowed:
            self.problem(
                (*path, key),
                f"'{value}' is not a valid {key}{did_you_mean(value, allowed)}",
                one_of(allowed),
            )
            return None
        return value

    def currency(
        self, table: Mapping[str, Any], key: str, path: KeyPath, default: str
    ) -> str | None:
        if key not in table:
            return default
        value = self.text(table, key, path, required=True)
        if value is None:
            return None
        if not _CURRENCY.match(value):
            self.problem(
                (*path, key),
                f"'{value}' is not a currency code",
                'write the three-letter ISO 4217 code in capitals, e.g. "USD"',
            )
            return None
        return value

    def number(self, value: object, path: KeyPath, *, what: str) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.problem(path, f"{what} must be a number, got {_show(value)}", "write a number")
            return None
        try:
            result = dec(value)
        except ValueError:
            self.problem(path, f"{what} must be a number, got {_show(value)}", "write a number")
            return None
        if result < 0:
            self.problem(path, f"{what} must not be negative, got {value}", "write zero or more")
            return None
        return result

    # -- sections

    def household(self, data: dict[str, Any]) -> Household | None:
        version = data.get("format_version")
        if "format_version" not in data:
            self.problem(
                (),
                "the file has no format_version",
                f"add the line format_version = {FORMAT_VERSION} at the top of the file",
            )
        elif isinstance(version, bool) or version != FORMAT_VERSION:
            self.problem(
                ("format_version",),
                f"format_version {_show(version)} is not supported; "
                f"this lotwise reads version {FORMAT_VERSION}",
                f"write format_version = {FORMAT_VERSION} and the keys docs/formats.md "
                "describes, or use a lotwise that reads this version",
            )
            return None
        self.check_keys(data, _TOP_KEYS, ())
        household_id: str | None = None
        if "id" not in data:
            self.problem(
                ("id",),
                "the household has no id",
                'add a line id = "..." at the top of the file, e.g. id = "rivera"',
            )
        else:
            household_id = self.text(data, "id", (), required=True)
            if household_id is not None and not self.ident(household_id, ("id",), "an id"):
                household_id = None
        name = self.text(data, "name", ()) or ""
        base = self.currency(data, "base_currency", (), "USD")

        owners = self.owners(data)
        accounts = self.accounts(data, owners, base or "USD")
        targets = self.targets(data)
        securities = self.securities(data, base or "USD")
        policy = self.policy(data)
        scheduled: tuple[ScheduledPurchase, ...] = ()
        if accounts is not None and securities is not None:
            scheduled = self.scheduled(data, accounts, securities)
            for account in accounts.values():
                for symbol in account.allowed:
                    if symbol not in securities:
                        self.problem(
                            ("accounts", account.id, "allowed"),
                            f"allowed names '{symbol}', which is not in [securities]"
                            f"{did_you_mean(symbol, securities)}",
                            f"add [securities.{symbol}] or remove it from the list",
                        )
        tax: dict[str, Any] = {}
        if "tax" in data:
            tax = self.table(data["tax"], ("tax",), "the tax settings") or {}
        if (
            self.problems
            or household_id is None
            or base is None
            or owners is None
            or accounts is None
            or securities is None
            or targets is None
            or policy is None
        ):
            return None
        household = Household(
            id=household_id,
            owners=owners,
            accounts=accounts,
            securities=securities,
            targets=targets,
            policy=policy,
            name=name,
            base_currency=base,
            format_version=FORMAT_VERSION,
            tax=tax,
            scheduled=scheduled,
            source=self.source,
        )
        # the [tax] settings, now that the owners and their residences are known
        for path, message, fix in tax_problems(household):
            self.problem(path, message, fix)
        return None if self.problems else household

    def section(self, data: Mapping[str, Any], key: str, what: str) -> dict[str, Any] | None:
        if key not in data:
            self.problem(
                (key,),
                f"the file has no [{key}] section",
                f"add at least one {what}; see docs/formats.md for an example",
            )
            return None
        if not isinstance(data[key], dict):
            self.problem(
                (key,),
                f"{key} must be a section of tables, got {_show(data[key])}",
                f"remove this line and add at least one {what}",
            )
            return None
        table: dict[str, Any] = data[key]
        if not table:
            self.problem((key,), f"[{key}] is empty", f"add at least one {what}")
            return None
        return table

    def owners(self, data: Mapping[str, Any]) -> dict[str, Owner] | None:
        section = self.section(data, "owners", "owner, as [owners.<id>] with a name")
        if section is None:
            return None
        owners: dict[str, Owner] = {}
        ok = True
        for owner_id, value in section.items():
            path = ("owners", owner_id)
            table = self.table(value, path, "name, spouse and filing_status")
            if table is None or not self.ident(owner_id, path, "an owner id"):
                ok = False
                continue
            self.check_keys(table, _OWNER_KEYS, path)
            status = self.choice(table, "filing_status", path, FilingStatus, FilingStatus.SINGLE)
            residence = self.residence(table, path)
            owner = Owner(
                id=owner_id,
                name=self.text(table, "name", path) or "",
                spouse=self.text(table, "spouse", path),
                filing_status=status or FilingStatus.SINGLE,
                tax_residence=residence or "US",
                affiliates=self.owner_list(table, "affiliates", path),
            )
            ok = ok and status is not None and residence is not None
            owners[owner_id] = owner
        self.check_spouses(owners)
        self.check_affiliates(owners)
        return owners if ok else None

    def residence(self, table: Mapping[str, Any], path: KeyPath) -> str | None:
        """``US``, ``CA`` or ``UK`` (``GB`` is read as ``UK``): the regime of the owner."""
        if "tax_residence" not in table:
            return "US"
        value = self.text(table, "tax_residence", path, required=True)
        if value is None:
            return None
        code = _RESIDENCES.get(value.upper())
        if code is None:
            self.problem(
                (*path, "tax_residence"),
                f"lotwise has no tax regime for residence '{value}'",
                'write tax_residence = "US", "CA" or "UK"',
            )
        return code

    def owner_list(self, table: Mapping[str, Any], key: str, path: KeyPath) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(
                (*path, key),
                f"{key} must be a list of owner ids, got {_show(value)}",
                f'write {key} = ["holdco"] (ids of other owners of this file)',
            )
            return ()
        return tuple(value)

    def check_affiliates(self, owners: Mapping[str, Owner]) -> None:
        for owner in owners.values():
            for other in owner.affiliates:
                if other == owner.id or other not in owners:
                    self.problem(
                        ("owners", owner.id, "affiliates"),
                        f"affiliate '{other}' is not another owner of this household"
                        f"{did_you_mean(other, owners)}",
                        f"name other owners of the file: {', '.join(owners)}",
                    )

    def check_spouses(self, owners: Mapping[str, Owner]) -> None:
        known = ", ".join(owners)
        valid: dict[str, str] = {}  # owner -> spouse, for links to another existing owner
        for owner in owners.values():
            if owner.spouse is None:
                continue
            path = ("owners", owner.id, "spouse")
            if owner.spouse == owner.id:
                self.problem(
                    path,
                    f"{owner.id} names itself as spouse",
                    "name the other owner's id, or remove the spouse key",
                )
            elif owner.spouse not in owners:
                self.problem(
                    path,
                    f"spouse '{owner.spouse}' is not an owner of this household"
                    f"{did_you_mean(owner.spouse, owners)}",
                    f"add [owners.{owner.spouse}] or name an existing owner: {known}",
                )
            else:
                valid[owner.id] = owner.spouse
        troubled = {o.id for o in owners.values() if o.spouse is not None and o.id not in valid}
        for owner_id, spouse in valid.items():
            other = valid.get(spouse)
            if other is not None and other != owner_id:
                self.problem(
                    ("owners", owner_id, "spouse"),
                    f"{owner_id} names {spouse} as spouse, but {spouse} names {other}",
                    f"make the two spouse keys name each other: in [owners.{spouse}] write "
                    f'spouse = "{owner_id}"',
                )
                troubled.update((owner_id, spouse, other))
        joint = FilingStatus.MARRIED_JOINT
        pairs = {frozenset(pair) for pair in valid.items()}
        for pair in sorted(pairs, key=sorted):
            if pair & troubled:
                continue
            first, second = (owners[name] for name in sorted(pair))
            if (first.filing_status is joint) != (second.filing_status is joint):
                odd = second if first.filing_status is joint else first
                self.problem(
                    ("owners", odd.id, "filing_status"),
                    f"{first.id} files {first.filing_status.value} but spouse {second.id} files "
                    f"{second.filing_status.value}",
                    'spouses filing jointly both write filing_status = "married_joint"',
                )

    def accounts(
        self, data: Mapping[str, Any], owners: Mapping[str, Owner] | None, base: str
    ) -> dict[str, Account] | None:
        section = self.section(data, "accounts", "account, as [accounts.<id>] with owner and type")
        if section is None:
            return None
        accounts: dict[str, Account] = {}
        ok = True
        for account_id, value in section.items():
            path = ("accounts", account_id)
            table = self.table(value, path, "owner, type and lot_method")
            if table is None or not self.ident(account_id, path, "an account id"):
                ok = False
                continue
            self.check_keys(table, _ACCOUNT_KEYS, path)
            owner = self.text(table, "owner", path, required=True)
            if owner is not None and owners is not None and owner not in owners:
                self.problem(
                    (*path, "owner"),
                    f"owner '{owner}' is not an owner of this household"
                    f"{did_you_mean(owner, owners)}",
                    f"add [owners.{owner}] or name an existing owner: {', '.join(owners)}",
                )
                owner = None
            residence = "US"
            if owner is not None and owners is not None:
                residence = owners[owner].tax_residence
            kind = self.account_type(table, path, residence)
            method = self.word(table, "lot_method", path, LOT_METHODS, "fifo")
            currency = self.currency(table, "currency", path, base)
            jurisdiction = self.word(table, "jurisdiction", path, ("US", "CA", "UK", "GB"), "")
            if (
                owner is None or kind is None or method is None or currency is None
                or jurisdiction is None
            ):
                ok = False
                continue
            allowed = self.symbols_list(table, path)
            fractional = self.flag(table, "fractional", path, True)
            drip = self.flag(table, "drip", path, None)
            accounts[account_id] = Account(
                id=account_id,
                owner=owner,
                type=kind,
                lot_method=method,
                name=self.text(table, "name", path) or "",
                currency=currency,
                allowed=allowed,
                fractional=bool(fractional),
                drip=drip,
                jurisdiction=_RESIDENCES.get(jurisdiction, ""),
            )
        return accounts if ok else None

    def account_type(
        self, table: Mapping[str, Any], path: KeyPath, residence: str
    ) -> AccountType | None:
        """The account's type; a wrong one is told the types of the owner's country (any
        country's type is accepted: a Canadian resident may keep a US IRA)."""
        if "type" not in table:
            return self.choice(table, "type", path, AccountType, None)
        value = self.text(table, "type", path, required=True)
        if value is None:
            return None
        try:
            return AccountType(value)
        except ValueError:
            everything = [t.value for t in AccountType]
            self.problem(
                (*path, "type"),
                f"'{value}' is not a valid type{did_you_mean(value, everything)}",
                one_of(_TYPES_OF.get(residence, everything)),
            )
            return None

    def symbols_list(self, table: Mapping[str, Any], path: KeyPath) -> tuple[str, ...]:
        value = table.get("allowed", [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(
                (*path, "allowed"),
                f"allowed must be a list of symbols, got {_show(value)}",
                'write allowed = ["FXAIX", "AGG"] (the securities this account may buy)',
            )
            return ()
        return tuple(value)

    def flag(
        self, table: Mapping[str, Any], key: str, path: KeyPath, default: bool | None
    ) -> bool | None:
        if key not in table:
            return default
        value = table[key]
        if not isinstance(value, bool):
            self.problem(
                (*path, key),
                f"{key} must be true or false, got {_show(value)}",
                f"write {key} = true or {key} = false",
            )
            return default
        return value

    def scheduled(
        self,
        data: Mapping[str, Any],
        accounts: Mapping[str, Account],
        securities: Mapping[str, Security],
    ) -> tuple[ScheduledPurchase, ...]:
        raw = data.get("scheduled", [])
        if not isinstance(raw, list):
            self.problem(
                ("scheduled",),
                "scheduled must be an array of tables",
                "write each scheduled purchase as a [[scheduled]] table",
            )
            return ()
        found: list[ScheduledPurchase] = []
        for index, item in enumerate(raw):
            path = ("scheduled", str(index))
            if not isinstance(item, dict):
                self.problem(
                    path,
                    "each scheduled purchase must be a table",
                    "write it as [[scheduled]] with account, symbol, amount, next, every",
                )
                continue
            self.check_keys(item, _SCHEDULED_KEYS, path)
            account = self.text(item, "account", path, required=True)
            symbol = self.text(item, "symbol", path, required=True)
            if account is not None and account not in accounts:
                self.problem(
                    (*path, "account"),
                    f"unknown account '{account}'{did_you_mean(account, accounts)}",
                    "name an account of [accounts]",
                )
                continue
            if symbol is not None and symbol not in securities:
                self.problem(
                    (*path, "symbol"),
                    f"unknown symbol '{symbol}'{did_you_mean(symbol, securities)}",
                    f"add [securities.{symbol}] or fix the symbol",
                )
                continue
            amount = self.number(item.get("amount"), (*path, "amount"), what="amount")
            nxt = item.get("next")
            if not isinstance(nxt, date_type):
                self.problem(
                    (*path, "next"),
                    f"next must be a date, got {_show(nxt)}",
                    "write next = 2026-12-15 (no quotes)",
                )
                continue
            every = item.get("every", "month")
            if every not in _EVERY:
                self.problem(
                    (*path, "every"),
                    f"every must be one of {one_of(_EVERY)}, got {_show(every)}",
                    f'write every = "month" or {one_of(_EVERY)}',
                )
                continue
            if account is None or symbol is None or amount is None:
                continue
            found.append(ScheduledPurchase(account, symbol, amount, nxt, _EVERY[every]))
        return tuple(found)

    def securities(self, data: Mapping[str, Any], base: str) -> dict[str, Security] | None:
        section = self.section(
            data, "securities", "security, as [securities.<SYMBOL>] with its asset_class"
        )
        if section is None:
            return None
        leaves = self.leaf_classes
        inner = self.inner_classes
        securities: dict[str, Security] = {}
        ok = True
        for symbol, value in section.items():
            path = ("securities", symbol)
            table = self.table(value, path, "asset_class, identical_group, name and kind")
            if table is None or not self.ident(symbol, path, "a symbol"):
                ok = False
                continue
            self.check_keys(table, _SECURITY_KEYS, path)
            asset_class = self.text(table, "asset_class", path, required=True)
            if asset_class is not None and leaves is not None and asset_class not in leaves:
                what = (
                    f"'{asset_class}' is a parent class in [targets], not a leaf"
                    if asset_class in inner
                    else f"asset class '{asset_class}' is not in [targets]"
                    f"{did_you_mean(asset_class, leaves)}"
                )
                self.problem(
                    (*path, "asset_class"),
                    what,
                    f"use one of the leaf classes: {', '.join(leaves)} "
                    "(or add the class to [targets])",
                )
                asset_class = None
            group = self.text(table, "identical_group", path)
            if group is not None and not group:
                self.problem(
                    (*path, "identical_group"),
                    "identical_group is empty",
                    "name the group of substantially identical securities, or remove the key",
                )
            kind = self.word(table, "kind", path, SECURITY_KINDS, "etf")
            currency = self.currency(table, "currency", path, base)
            source = self.text(table, "source_country", path)
            if source is not None and not (len(source) in (2, 3) and source.isalpha()):
                self.problem((*path, "source_country"),
                             f"'{source}' is not a country code",
                             'write the dividend payer\'s country: "US", "CA" or "UK"')
                ok = False
            dividend_yield = None
            if "dividend_yield" in table:
                dividend_yield = self.number(table["dividend_yield"], (*path, "dividend_yield"),
                                             what="dividend_yield")
                if dividend_yield is not None and dividend_yield >= 1:
                    self.problem((*path, "dividend_yield"),
                                 f"dividend_yield {dividend_yield} is 100 % or more",
                                 "write the yield as a fraction: 0.015 for 1.5 %")
                    dividend_yield = None
                if dividend_yield is None:
                    ok = False
            reporting = self.flag(table, "uk_reporting_fund", path, None)
            bond_fund = self.flag(table, "uk_bond_fund", path, False)
            pfic = self.flag(table, "us_pfic", path, False)
            if asset_class is None or kind is None or currency is None:
                ok = False
                continue
            securities[symbol] = Security(
                symbol=symbol,
                asset_class=asset_class,
                identical_group=group or None,
                name=self.text(table, "name", path) or "",
                kind=kind,
                currency=currency,
                source_country=country(source) if source else None,
                dividend_yield=dividend_yield,
                uk_reporting_fund=reporting,
                uk_bond_fund=bool(bond_fund),
                us_pfic=bool(pfic),
            )
        return securities if ok else None

    def targets(self, data: Mapping[str, Any]) -> TargetAllocation | None:
        section = self.section(data, "targets", "asset class with its weight, e.g. bonds = 0.4")
        if section is None:
            return None
        before = len(self.problems)
        weights: dict[str, Decimal] = {}
        parents: dict[str, str] = {}
        defined: dict[str, KeyPath] = {}
        self.target_level(section, ("targets",), None, Decimal(1), weights, parents, defined)
        self.leaf_classes = tuple(name for name in defined if name not in self.inner_classes)
        if len(self.problems) > before:
            return None
        total = sum(weights.values(), Decimal(0))
        if abs(total - 1) > WEIGHT_TOLERANCE:
            top = [
                f"{name} {_plain(weight)}"
                for name, value in section.items()
                if (weight := _weight_of(value)) is not None
            ]
            self.problem(
                ("targets",),
                f"the target weights add up to {_plain(total)}, not 1 ({' + '.join(top)})",
                "change the top-level weights in [targets] so that they add up to 1",
            )
            return None
        return TargetAllocation(weights=weights, parents=parents)

    def target_level(
        self,
        table: Mapping[str, Any],
        path: KeyPath,
        parent: str | None,
        scale: Decimal,
        weights: dict[str, Decimal],
        parents: dict[str, str],
        defined: dict[str, KeyPath],
    ) -> Decimal:
        """Read one level of the class tree; return the sum of its (relative) weights."""
        total = Decimal(0)
        for name, value in table.items():
            if parent is not None and name == "weight":
                continue
            child = (*path, name)
            if name == "weight":
                self.problem(
                    child,
                    "'weight' is not a class name; a top-level class's weight is its value",
                    "write the class as name = 0.3, or as a table [targets.name] with weight",
                )
                continue
            if name in defined:
                self.problem(
                    child,
                    f"asset class '{name}' appears twice, also at {_dotted(defined[name])}",
                    "give every asset class a different name",
                )
                continue
            defined[name] = child
            if parent is not None:
                parents[name] = parent
            if isinstance(value, dict):
                children = {k: v for k, v in value.items() if k != "weight"}
                if children:
                    self.inner_classes.add(name)
                weight: Decimal | None = None
                if "weight" not in value:
                    self.problem(
                        (*child, "weight"),
                        f"[{_dotted(child)}] has no weight",
                        f"add weight = <fraction of {parent or 'the portfolio'}> to "
                        f"[{_dotted(child)}]",
                    )
                else:
                    weight = self.number(value["weight"], (*child, "weight"), what="a weight")
                if children:
                    # walked even without a weight, so that its classes are known
                    mark = len(self.problems)
                    inner = self.target_level(
                        children, child, name, scale * (weight or 0), weights, parents, defined
                    )
                    if (
                        weight is not None
                        and len(self.problems) == mark
                        and abs(inner - 1) > WEIGHT_TOLERANCE
                    ):
                        shares = " + ".join(
                            f"{k} {_plain(w)}"
                            for k, v in children.items()
                            if (w := _weight_of(v)) is not None
                        )
                        self.problem(
                            child,
                            f"the weights inside [{_dotted(child)}] add up to {_plain(inner)}, "
                            f"not 1 ({shares}); they are fractions of {name}'s weight",
                            f"change them so that they add up to 1 "
                            f"(weight = {_plain(weight)} stays {name}'s share of the whole)",
                        )
                elif weight is not None:
                    weights[name] = scale * weight
            else:
                weight = self.number(value, child, what="a weight")
                if weight is not None:
                    weights[name] = scale * weight
            if weight is None:
                continue
            total += weight
        return total

    def policy(self, data: Mapping[str, Any]) -> Policy | None:
        if "policy" not in data:
            return Policy()
        table = self.table(data["policy"], ("policy",), "absolute_band, relative_band, ...")
        if table is None:
            return None
        defaults = Policy()
        values: dict[str, Decimal] = {}
        ok = True
        for key in ("absolute_band", "relative_band", "cash_buffer"):
            if key in table:
                number = self.number(table[key], ("policy", key), what=key)
                if number is None:
                    ok = False
                else:
                    values[key] = number
        months = defaults.review_months
        if "review_months" in table:
            raw = table["review_months"]
            if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
                self.problem(
                    ("policy", "review_months"),
                    f"review_months must be a whole number of months, 1 or more, got {_show(raw)}",
                    "write e.g. review_months = 12",
                )
                ok = False
            else:
                months = raw
        if "location" in table and not self.location(table["location"]):
            ok = False
        if not ok:
            return None
        return Policy(
            absolute_band=values.get("absolute_band", defaults.absolute_band),
            relative_band=values.get("relative_band", defaults.relative_band),
            review_months=months,
            cash_buffer=values.get("cash_buffer", defaults.cash_buffer),
            extra={k: v for k, v in table.items() if k not in _POLICY_KEYS},
        )

    def location(self, value: object) -> bool:
        """``[policy] location``: each key a leaf asset class of ``[targets]`` (the classes
        the planner places), each value the account types in order of preference, e.g.
        ``bonds = ["traditional", "roth", "taxable"]``.  Whether it is well formed."""
        path: tuple[str, ...] = ("policy", "location")
        types = [t.value for t in AccountType]
        if not isinstance(value, dict):
            self.problem(path, f"location must be a table of asset classes, got {_show(value)}",
                         'write [policy.location] with lines such as bonds = ["traditional", '
                         '"roth", "taxable"]')
            return False
        classes = self.leaf_classes
        ok = True
        for name, order in value.items():
            where = (*path, name)
            if classes is not None and name not in classes:
                inner = (f"; '{name}' groups other classes, name those instead"
                         if name in self.inner_classes else did_you_mean(name, classes))
                self.problem(where, f"unknown asset class '{name}' in [policy.location]{inner}",
                             f"use one of the classes of [targets]: {', '.join(classes)}")
                ok = False
            if not isinstance(order, list) or not all(isinstance(t, str) for t in order):
                self.problem(where, f"{name} must be a list of account types, got {_show(order)}",
                             f'write e.g. {name} = ["traditional", "roth", "taxable"]; account '
                             f"types: {', '.join(types)}")
                ok = False
                continue
            for kind in order:
                if kind not in types:
                    self.problem(where, f"unknown account type '{kind}' in [policy.location] "
                                 f"{name}{did_you_mean(kind, types)}",
                                 f"use account types from: {', '.join(types)}")
                    ok = False
            repeated = sorted({k for k in order if order.count(k) > 1})
            if repeated:
                self.problem(where, f"{name} names {', '.join(repeated)} more than once",
                             "give each account type once, first choice first")
                ok = False
        return ok


def _weight_of(value: object) -> Decimal | None:
    raw = value.get("weight") if isinstance(value, dict) else value
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return None
    try:
        return dec(raw)
    except ValueError:
        return None


def _plain(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 0.42, 1, 0.9."""
    return format(value.normalize(), "f")


def _show(value: object) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return str(value)
