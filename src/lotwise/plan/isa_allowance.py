"""How much a UK resident may still pay into their ISAs this tax year.

The ISA Regulations 1998 cap a person's subscriptions — cash paid in — to all of their ISAs
(other than a junior ISA) in a tax year at the *overall subscription limit* (reg. 4ZA(1):
£20,000 from 2017-18), read per tax year from ``lotwise/data/tax/uk/isa_allowance.toml``.
The tax year runs from 6 April (ITA 2007 s.4(2)).  The subscriptions of the year are the
``deposit`` rows of the journal into the person's ISA accounts from 6 April to the plan
day, in pounds (converted at each row's date like any other row, :func:`lotwise.fx.convert`).
Withdrawals do not give the allowance back (a "flexible" ISA's would, reg. 5DB; lotwise
does not model flexible ISAs, so its figure is the cautious one), and transfers of shares
between accounts are not subscriptions.

Example (2026-27): Olivia paid £1,000 into her ISA on the first of each month from May to
November — £7,000 since 6 April 2026 — so £20,000 - £7,000 = £13,000 of her allowance is
left for a "bed and ISA" rebuy.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources

from lotwise.errors import InputError, Source
from lotwise.fx import FxTable, convert
from lotwise.ledger.uk import uk_tax_year
from lotwise.model.household import AccountType, Household
from lotwise.model.numbers import ZERO, dec
from lotwise.model.transactions import Action, Transaction
from lotwise.regimes.base import CURRENCY, UK

DATA_FILE = ("data", "tax", "uk", "isa_allowance.toml")


@dataclass(frozen=True, slots=True)
class IsaLimit:
    tax_year: int
    label: str  # 2026-27
    amount: Decimal  # pounds
    authority: str


@dataclass(frozen=True, slots=True)
class IsaAllowance:
    """A person's ISA allowance of one tax year on the plan day, in pounds."""

    owner: str
    limit: IsaLimit
    subscribed: Decimal  # deposits into the person's ISAs since 6 April
    accounts: tuple[str, ...]  # the person's ISA accounts

    @property
    def left(self) -> Decimal:
        return max(ZERO, self.limit.amount - self.subscribed)

    @property
    def year_start(self) -> date:
        return date(self.limit.tax_year, 4, 6)

    def describe(self) -> str:
        """``£20,000 ISA allowance for 2026-27 (ISA Regulations 1998 reg. 4ZA(1), ...) has
        £12,000.00 left after £8,000.00 subscribed since 2026-04-06``."""
        return (f"£{self.limit.amount:,.0f} ISA allowance for {self.limit.label} "
                f"({self.limit.authority}) has £{self.left:,.2f} left after "
                f"£{self.subscribed:,.2f} subscribed since {self.year_start.isoformat()}")


def _label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


@cache
def _table() -> dict[int, IsaLimit]:
    entry = resources.files("lotwise").joinpath(*DATA_FILE)
    raw = tomllib.loads(entry.read_text(encoding="utf-8"))
    return {
        int(year): IsaLimit(int(year), _label(int(year)),
                            dec(row["overall_subscription_limit"]), str(row["authority"]))
        for year, row in raw["years"].items()
    }


def isa_limit(tax_year: int) -> IsaLimit:
    """The overall subscription limit of ``tax_year`` (2026 = 2026-27)."""
    limit = _table().get(tax_year)
    if limit is None:
        have = ", ".join(_label(y) for y in sorted(_table()))
        raise InputError.one(
            Source("lotwise/data/tax/uk/isa_allowance.toml"), f"years.{tax_year}",
            f"lotwise has no ISA subscription limit for {_label(tax_year)} (it has {have})",
            f"add [years.{tax_year}] with overall_subscription_limit and the regulation that "
            "sets it",
        )
    return limit


def isa_allowance(household: Household, transactions: Sequence[Transaction], owner_id: str,
                  as_of: date, fx: FxTable | None = None) -> IsaAllowance | None:
    """The owner's ISA allowance for the tax year of ``as_of``; ``None`` without an ISA."""
    accounts = tuple(a.id for a in household.accounts.values()
                     if a.owner == owner_id and a.type is AccountType.ISA)
    if not accounts:
        return None
    tax_year = uk_tax_year(as_of)
    start = date(tax_year, 4, 6)
    deposits = [t for t in transactions
                if t.action is Action.DEPOSIT and t.account in accounts
                and start <= t.date <= as_of]
    pounds = convert(household, deposits, dict.fromkeys(accounts, CURRENCY[UK]), fx)
    subscribed = sum((t.amount or ZERO for t in pounds), ZERO)
    return IsaAllowance(owner_id, isa_limit(tax_year), subscribed, accounts)


def check_contributions(household: Household, transactions: Sequence[Transaction],
                        contributions: Sequence[tuple[str, Decimal]], as_of: date,
                        fx: FxTable | None = None, base_per_pound: Decimal = Decimal(1),
                        ) -> None:
    """Refuse a plan whose contributions (account, amount in the base currency) would pay
    more into a person's ISAs this tax year than the allowance left (reg. 4ZA(1)): an
    over-subscription is not allowed, and the excess would have to be repaid."""
    paid: dict[str, Decimal] = {}
    for account, amount in contributions:
        acct = household.accounts.get(account)
        if acct is not None and acct.type is AccountType.ISA and amount > 0:
            paid[acct.owner] = paid.get(acct.owner, ZERO) + amount / base_per_pound
    for owner, pounds in sorted(paid.items()):
        allowance = isa_allowance(household, transactions, owner, as_of, fx)
        if allowance is None or pounds <= allowance.left:
            continue
        raise InputError.one(
            Source("plan request"), "contribution",
            f"contributions of £{pounds:,.2f} to {owner}'s ISA exceed the allowance left: "
            f"the {allowance.describe()}",
            f"contribute at most £{allowance.left:,.2f} to the ISA this tax year, and the rest "
            "to a GIA",
        )
