"""Small planning scenarios: a household, a journal in the ledger tests' notation, prices."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from lotwise.ledger import replay
from lotwise.model import (
    Account,
    AccountType,
    Action,
    FilingStatus,
    Household,
    Owner,
    Policy,
    Price,
    ScheduledPurchase,
    Security,
    TargetAllocation,
    Transaction,
)
from lotwise.model.prices import PriceTable
from lotwise.plan import Plan, PlanOptions, make_plan
from tests.ledger.journal import journal

D = Decimal
TODAY = date(2026, 6, 1)

# Two classes, 60/40, with a substitute pair per class and an S&P 500 group.
SECURITIES = {
    "STK": Security("STK", "stocks", "sp500"),
    "STK2": Security("STK2", "stocks", "sp500"),
    "TOT": Security("TOT", "stocks"),
    "BND": Security("BND", "bonds"),
    "AGG": Security("AGG", "bonds"),
}


@dataclass
class Scenario:
    household: Household
    transactions: list[Transaction]
    prices: PriceTable

    def plan(self, as_of: date = TODAY, **options: object) -> Plan:
        book = replay(self.household, self.transactions, as_of=as_of)
        return make_plan(self.household, self.transactions, book, self.prices, as_of,
                         PlanOptions(**options))  # type: ignore[arg-type]


def scenario(
    text: str,
    prices: dict[str, float],
    accounts: dict[str, tuple[str, str]] | None = None,
    scheduled: tuple[ScheduledPurchase, ...] = (),
    policy: Policy | None = None,
    targets: dict[str, str] | None = None,
    income: int = 150000,
) -> Scenario:
    """accounts: id -> (owner, type).  Prices hold from 2020 to TODAY."""
    accounts = accounts or {"tax": ("me", "taxable"), "ira": ("me", "traditional")}
    owners = {o for o, _ in accounts.values()} | {"me", "spouse"}
    household = Household(
        id="s",
        owners={
            o: Owner(o, spouse={"me": "spouse", "spouse": "me"}.get(o),
                     filing_status=FilingStatus.MARRIED_JOINT if o in ("me", "spouse")
                     else FilingStatus.SINGLE)
            for o in owners
        },
        accounts={a: Account(a, o, AccountType(t)) for a, (o, t) in accounts.items()},
        securities=SECURITIES,
        targets=TargetAllocation({"stocks": D("0.6"), "bonds": D("0.4")}),
        policy=policy or Policy(),
        tax={"years": {"2026": {"ordinary_income": income}}},
        scheduled=scheduled,
    )
    txns = journal(text)
    # Fund each account the way a real journal does, so cash never goes negative.
    first = min(t.date for t in txns)
    cost: dict[str, Decimal] = {}
    for t in txns:
        if t.action.value == "buy":
            cost[t.account] = cost.get(t.account, D(0)) + t.gross + t.fees
    deposits = [
        Transaction(-1 - i, f"fund-{a}", first, a, Action.DEPOSIT, amount=amount)
        for i, (a, amount) in enumerate(sorted(cost.items()))
    ]
    table = PriceTable([Price(date(2020, 1, 1), s, D(repr(p))) for s, p in prices.items()]
                       + [Price(TODAY, s, D(repr(p))) for s, p in prices.items()])
    return Scenario(household, deposits + txns, table)


def with_policy(s: Scenario, **extra: object) -> Scenario:
    policy = replace(s.household.policy, extra={**s.household.policy.extra, **extra})
    return replace(s, household=replace(s.household, policy=policy))
