"""The trade-off curve: tax cost against the drift a plan leaves.

Each point is a full plan to target under a tax budget, from no tax at all up to the tax of
the unconstrained plan; the user picks the point they like.  Residual drift is the share of
the portfolio in the wrong class: half the sum of the leaf classes' absolute drifts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from lotwise.allocation import CASH, Allocation
from lotwise.fx import FxTable
from lotwise.ledger.book import Book
from lotwise.model.household import Household
from lotwise.model.numbers import ZERO
from lotwise.model.prices import PriceTable
from lotwise.model.transactions import Transaction
from lotwise.plan.options import PlanOptions
from lotwise.plan.planner import make_plan


def residual_drift(alloc: Allocation) -> Decimal:
    return sum((abs(c.drift) for c in alloc.classes if c.leaf and c.asset_class != CASH),
               ZERO) / 2


@dataclass(frozen=True)
class FrontierPoint:
    tax_budget: Decimal | None
    tax_change: Decimal
    residual_drift: Decimal
    trades: int

    def to_json(self) -> dict[str, object]:
        return {
            "tax_budget": "none" if self.tax_budget is None else f"{self.tax_budget:.2f}",
            "tax_change": f"{self.tax_change:.2f}",
            "residual_drift_pct": f"{self.residual_drift * 100:.2f}",
            "trades": self.trades,
        }


def frontier(
    household: Household,
    transactions: Sequence[Transaction],
    book: Book,
    prices: PriceTable,
    as_of: date,
    options: PlanOptions,
    points: int = 6,
    fx: FxTable | None = None,
) -> list[FrontierPoint]:
    to_target = replace(options, rebalance_to="target", review=True, tax_budget=None)
    full = make_plan(household, transactions, book, prices, as_of, to_target, fx=fx)
    top = max(full.tax_change, ZERO)
    out = []
    budgets = sorted({top * k / (points - 1) for k in range(points - 1)})
    for budget in budgets:
        plan = make_plan(household, transactions, book, prices, as_of,
                         replace(to_target, tax_budget=budget), fx=fx)
        out.append(FrontierPoint(budget, plan.tax_change, residual_drift(plan.after),
                                 len(plan.trades)))
    out.append(FrontierPoint(None, full.tax_change, residual_drift(full.after), len(full.trades)))
    return out
