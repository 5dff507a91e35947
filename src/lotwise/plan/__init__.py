"""The rebalancing planner: what exactly should this household trade today?

Order of work, as the practitioners' guides give it: measure drift; place cash flows
(contributions, withdrawals) where they move the household toward target; rebalance inside
tax-advantaged accounts, where trades cost no tax; only then sell in taxable accounts,
choosing lots to minimise tax — all in one optimisation (:mod:`lotwise.plan.optimizer`),
verified by replaying the plan through the same ledger and tax code
(:mod:`lotwise.plan.verify`).
"""

from lotwise.plan.options import CashFlow, PlanOptions, TradingCosts
from lotwise.plan.planner import Plan, Proposal, make_plan, propose

__all__ = ["CashFlow", "Plan", "PlanOptions", "Proposal", "TradingCosts", "make_plan", "propose"]
