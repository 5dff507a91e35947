"""The planner's optimisation model, built in bulk and solved with HiGHS.

Variables (all in dollars of market value):

* ``s[l]`` in ``[0, ub[l]]`` — sold from open lot ``l`` (``ub`` is 0 for a lot the plan may
  not sell: a blocked loss, a protected lot, a short-term gain when those are refused);
* ``b[k] >= 0`` — bought of buy option ``k`` = (account, security) the account may buy;
* for each class ``c`` (the leaf asset classes and cash): deviations above and below target,
  split into the part inside the band and the part beyond it:
  ``up_in[c], dn_in[c]`` in ``[0, band[c] * T]`` and ``up_out[c], dn_out[c] >= 0``;
* ``z[g]`` binary, one per (tax unit, identical group) that has both a sellable loss lot and a
  buy option: 1 lets the plan sell the group's loss lots, 0 lets it buy the group — never both,
  so the plan itself never makes a wash sale (IRC §1091).  Under UK share matching every lot
  of the person's GIA counts, gain or loss: a same-day purchase in a GIA would be matched to
  the sale and re-price its gain (TCGA 1992 s.105(1)(b));
* optionally ``t[p]`` binary per (account, security) when trades carry a commission or a
  minimum size — only for pairs that could trade (a lot to sell or a purchase to make).

Constraints:

* class balance, for each class ``c``::

      value[c] - sum(s[l], l in c) + sum(b[k], k in c) - target[c] * T
          = up_in[c] + up_out[c] - dn_in[c] - dn_out[c]

  where cash is a class too, fed by sales (net of the spread) and drained by purchases;
* account cash:
  ``cash[a] + flow[a] + (1 - spread) * sales(a) - (1 + spread) * buys(a) >= floor[a]``;
* household cash buffer: the sum over accounts of the same is at least the policy's buffer;
* wash guard: ``sum(s[l], l loss lot in g) <= value(g) * z[g]`` and
  ``sum(b[k], k in g) <= T * (1 - z[g])``;
* tax budget (optional): ``sum(rate[l] * gain_per_dollar[l] * s[l]) <= budget``;
  net gain cap (optional): ``sum(gain_per_dollar[l] * s[l]) <= max_gain``;
* trade size (optional): ``min_trade * t[p] <= trades(p) <= U[p] * t[p]``.

The big M of each binary is the most its own trades can be, not the household's value:
``U[p]`` is the value of the pair's lots plus the most its purchase can be, which is what the
account can pay for (cash above its floor plus everything it could sell); the same bound
goes on each purchase column, and into the wash-guard row in place of ``T``.  With a
commission, a purchase dearer than another of the same class in the same account (and
under no wash-guard row) is fixed at zero: the cheaper one does the same for less.  Both
leave the optimum unchanged and tighten the relaxation, so that HiGHS proves the plan
optimal well inside its time limit (``benchmarks/bench_plan_commission.py``; figures in
docs/benchmarks.md).

Objective, minimised::

    sum(cost_s[l] * s[l]) + sum(cost_b[k] * b[k])
      + w_in * sum(up_in + dn_in) + w_out * sum(up_out + dn_out) + commission * sum(t)

``cost_s`` is the tax of selling a dollar of the lot (gain per dollar times the tax unit's
marginal rate for that term; see :mod:`lotwise.plan.planner` for how losses are valued) plus
the spread, plus an asset-location term; ``cost_b`` is the spread plus the location term.
Drift beyond a band costs ``w_out`` (a dollar per dollar: fixing it is worth more than any
tax a dollar of sale can cost); drift inside a band costs ``w_in`` (small: enough to pay for
trades inside tax-advantaged accounts, not for taxable gains).

The tax function of a year is piecewise linear and not convex (a dollar of loss is worth the
ordinary rate up to $3,000 and less beyond), so the planner linearises it at the plan's own
realized gains and re-solves until the plan stops moving; the final plan's tax is always
recomputed exactly.  The gap of that scheme to the exact optimum is measured on small
instances by ``benchmarks/bench_plan.py`` and reported in ``docs/benchmarks.md``.

Example: one taxable lot of $100 (gain $50, long-term at 15 %), one IRA lot of $100 in the same
overweight class, and a $40 overweight: the IRA lot costs only the spread to sell, so the
model sells $40 there and buys $40 of the underweight class in the IRA; the taxable lot is
left alone.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import highspy
import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


MIP_SECONDS = 5.0  # most time for a plan with wash-sale or trade choices
MIP_GAP = 1e-4  # relative gap at which HiGHS stops: far below a cent per $100 of plan


class SolverError(RuntimeError):
    """HiGHS did not find an optimal plan (infeasible or failed): a bug or a contradiction
    in the request that the planner's checks did not catch."""


@dataclass
class Model:
    """The arrays of one planning problem (see the module docstring)."""

    n_classes: int
    n_accounts: int
    total: float
    # sells
    sell_value_ub: FloatArray
    sell_cost: FloatArray
    sell_class: IntArray
    sell_account: IntArray
    sell_gain: FloatArray  # gain per dollar sold (taxable lots), 0 elsewhere
    sell_tax_rate: FloatArray  # exact-marginal tax per dollar of gain (budget row)
    # buys
    buy_cost: FloatArray
    buy_class: IntArray
    buy_account: IntArray
    # classes
    class_value: FloatArray
    class_target: FloatArray  # in dollars
    band: FloatArray  # in dollars
    cash_class: int
    # accounts
    account_cash: FloatArray  # cash + flow
    account_floor: FloatArray
    cash_buffer: float
    spread: float
    w_in: float
    w_out: float
    # wash groups: for each group, its loss-lot sells and its buys
    wash_sells: list[IntArray] = field(default_factory=list)
    wash_buys: list[IntArray] = field(default_factory=list)
    # trade pairs (commission / minimum size): for each pair, its sells and buys
    pair_sells: list[IntArray] = field(default_factory=list)
    pair_buys: list[IntArray] = field(default_factory=list)
    commission: float = 0.0
    min_trade: float = 0.0
    tax_budget: float | None = None
    max_gain: float | None = None


@dataclass(frozen=True)
class Solution:
    sells: FloatArray
    buys: FloatArray
    deviation: FloatArray  # up - dn per class, dollars
    objective: float
    status: str
    iterations: int
    mip: bool
    gap: float = 0.0  # the solver's relative gap between the plan and its bound (MIP only)


@contextmanager
def _solver_output_off_stdout() -> Iterator[None]:
    """Send whatever the solver writes to the process's standard output to the null device.

    HiGHS prints its banner ("Running HiGHS ...") from C++ to file descriptor 1 the first
    time a solver is made in a process, before any option can switch its output off, so
    redirecting :data:`sys.stdout` would not catch it: ``lotwise plan --json`` must print
    JSON and nothing else.  Python's own buffered output is flushed first so that it keeps
    its place."""
    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


class _Triplets:
    """Coefficient triplets collected in bulk, turned into a column-wise matrix once."""

    def __init__(self) -> None:
        self.rows: list[IntArray] = []
        self.cols: list[IntArray] = []
        self.vals: list[FloatArray] = []

    def add(self, rows: IntArray | int, cols: IntArray, vals: FloatArray | float) -> None:
        cols = np.asarray(cols, dtype=np.int64)
        self.rows.append(np.broadcast_to(np.asarray(rows, dtype=np.int64), cols.shape).copy())
        self.cols.append(cols)
        self.vals.append(np.broadcast_to(np.asarray(vals, dtype=np.float64), cols.shape).copy())

    def csc(self, n_cols: int) -> tuple[IntArray, IntArray, FloatArray]:
        rows = np.concatenate(self.rows) if self.rows else np.zeros(0, np.int64)
        cols = np.concatenate(self.cols) if self.cols else np.zeros(0, np.int64)
        vals = np.concatenate(self.vals) if self.vals else np.zeros(0)
        order = np.lexsort((rows, cols))
        rows, cols, vals = rows[order], cols[order], vals[order]
        counts = np.bincount(cols, minlength=n_cols)
        start = np.concatenate(([0], np.cumsum(counts)))
        return start.astype(np.int32), rows.astype(np.int32), vals


def solve(model: Model) -> Solution:
    n_s = len(model.sell_value_ub)
    n_b = len(model.buy_cost)
    n_c = model.n_classes
    n_g = len(model.wash_sells)
    n_p = len(model.pair_sells) if (model.commission > 0 or model.min_trade > 0) else 0
    s0, b0 = 0, n_s
    d0 = n_s + n_b  # up_in, up_out, dn_in, dn_out blocks of n_c each
    z0 = d0 + 4 * n_c
    t0 = z0 + n_g
    n_cols = t0 + n_p
    inf = highspy.kHighsInf
    spread = model.spread
    total = model.total

    cost = np.zeros(n_cols)
    lower = np.zeros(n_cols)
    upper = np.full(n_cols, inf)
    cost[s0:b0] = model.sell_cost
    upper[s0:b0] = model.sell_value_ub
    cost[b0:d0] = model.buy_cost
    if n_g + n_p:
        # Bounds that the account cash rows imply anyway, given to the columns so that each
        # binary's big M is the most its own trades can be, not the household's value.
        buy_ub = _buy_bounds(model)
        if n_p:
            buy_ub[_dominated_buys(model)] = 0.0
        upper[b0:d0] = buy_ub
    else:
        buy_ub = np.full(n_b, total)
    cost[d0:d0 + n_c] = model.w_in
    cost[d0 + n_c:d0 + 2 * n_c] = model.w_out
    cost[d0 + 2 * n_c:d0 + 3 * n_c] = model.w_in
    cost[d0 + 3 * n_c:z0] = model.w_out
    upper[d0:d0 + n_c] = model.band
    upper[d0 + 2 * n_c:d0 + 3 * n_c] = model.band
    upper[z0:t0] = 1.0
    upper[t0:n_cols] = 1.0
    cost[t0:n_cols] = model.commission

    triplets = _Triplets()
    row_lo: list[float] = []
    row_hi: list[float] = []
    sells = np.arange(n_s, dtype=np.int64)
    buys = np.arange(n_b, dtype=np.int64)

    # Class balance rows: -s + b - up_in - up_out + dn_in + dn_out = target - value.
    class_rows = np.arange(n_c, dtype=np.int64)
    triplets.add(model.sell_class, s0 + sells, -1.0)
    triplets.add(model.buy_class, b0 + buys, 1.0)
    triplets.add(np.full(n_s, model.cash_class), s0 + sells, 1.0 - spread)
    triplets.add(np.full(n_b, model.cash_class), b0 + buys, -(1.0 + spread))
    triplets.add(class_rows, d0 + class_rows, -1.0)
    triplets.add(class_rows, d0 + n_c + class_rows, -1.0)
    triplets.add(class_rows, d0 + 2 * n_c + class_rows, 1.0)
    triplets.add(class_rows, d0 + 3 * n_c + class_rows, 1.0)
    rhs = model.class_target - model.class_value
    row_lo.extend(rhs.tolist())
    row_hi.extend(rhs.tolist())
    row = n_c

    # Account cash rows.
    triplets.add(row + model.sell_account, s0 + sells, 1.0 - spread)
    triplets.add(row + model.buy_account, b0 + buys, -(1.0 + spread))
    row_lo.extend((model.account_floor - model.account_cash).tolist())
    row_hi.extend([inf] * model.n_accounts)
    row += model.n_accounts

    # Household cash buffer.
    triplets.add(row, s0 + sells, 1.0 - spread)
    triplets.add(row, b0 + buys, -(1.0 + spread))
    row_lo.append(model.cash_buffer - float(model.account_cash.sum()))
    row_hi.append(inf)
    row += 1

    if model.tax_budget is not None:
        triplets.add(row, s0 + sells, model.sell_tax_rate * model.sell_gain)
        row_lo.append(-inf)
        row_hi.append(model.tax_budget)
        row += 1
    if model.max_gain is not None:
        triplets.add(row, s0 + sells, model.sell_gain)
        row_lo.append(-inf)
        row_hi.append(model.max_gain)
        row += 1

    for g in range(n_g):
        loss_lots = model.wash_sells[g]
        group_buys = model.wash_buys[g]
        triplets.add(row, s0 + loss_lots, 1.0)
        triplets.add(row, np.array([z0 + g]), -float(model.sell_value_ub[loss_lots].sum()))
        row_lo.append(-inf)
        row_hi.append(0.0)
        row += 1
        buy_bound = float(buy_ub[group_buys].sum())
        triplets.add(row, b0 + group_buys, 1.0)
        triplets.add(row, np.array([z0 + g]), buy_bound)
        row_lo.append(-inf)
        row_hi.append(buy_bound)
        row += 1

    for p in range(n_p):
        pair_sells = model.pair_sells[p]
        pair_buys = model.pair_buys[p]
        members = np.concatenate((s0 + pair_sells, b0 + pair_buys))
        bound = float(model.sell_value_ub[pair_sells].sum() + buy_ub[pair_buys].sum())
        if bound <= 0:  # nothing the pair could trade: no trade to decide
            upper[t0 + p] = 0.0
            continue
        limits = [(-bound, -inf, 0.0)]  # trades(p) <= bound * t[p]
        if model.min_trade > 0:
            limits.append((-model.min_trade, 0.0, inf))  # trades(p) >= min_trade * t[p]
        for coef_t, lo, hi in limits:
            triplets.add(row, members, 1.0)
            triplets.add(row, np.array([t0 + p]), coef_t)
            row_lo.append(lo)
            row_hi.append(hi)
            row += 1

    start, index, value = triplets.csc(n_cols)
    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = row
    lp.col_cost_ = cost
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    lp.row_lower_ = np.array(row_lo)
    lp.row_upper_ = np.array(row_hi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = start
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    mip = n_g + n_p > 0
    if mip:
        integrality = np.zeros(n_cols, dtype=np.int32)
        integrality[z0:n_cols] = 1
        lp.integrality_ = [highspy.HighsVarType(int(v)) for v in integrality]
    with _solver_output_off_stdout():
        highs = highspy.Highs()  # type: ignore[no-untyped-call]
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("threads", 1)
        if mip:
            # Dollars of tax and drift: a 0.01 % gap is far below a cent per $100 of plan,
            # and the time limit keeps a plan with hundreds of wash-sale choices from running
            # on; the best plan found by then is used (and verified like any other).
            highs.setOptionValue("mip_rel_gap", MIP_GAP)
            highs.setOptionValue("time_limit", MIP_SECONDS)
        else:
            # The model has few rows and many simple columns; HiGHS's presolve costs ten
            # times the simplex itself here (0.36 s against 0.03 s at 21,600 columns,
            # bench_plan.py).
            highs.setOptionValue("presolve", "off")
        highs.passModel(lp)
        highs.run()
    status = highs.modelStatusToString(highs.getModelStatus())
    model_status = highs.getModelStatus()
    timed_out_with_plan = (
        mip and model_status == highspy.HighsModelStatus.kTimeLimit
        and highs.getInfo().primal_solution_status == 2  # a feasible plan was found
    )
    if model_status != highspy.HighsModelStatus.kOptimal and not timed_out_with_plan:
        raise SolverError(f"the planning model was not solved: {status}")
    x = np.array(highs.getSolution().col_value)
    deviation = (
        x[d0:d0 + n_c] + x[d0 + n_c:d0 + 2 * n_c]
        - x[d0 + 2 * n_c:d0 + 3 * n_c] - x[d0 + 3 * n_c:z0]
    )
    info = highs.getInfo()
    iterations = int(info.simplex_iteration_count) if not mip else int(info.mip_node_count)
    return Solution(
        sells=np.clip(x[s0:b0], 0.0, model.sell_value_ub),
        buys=np.maximum(x[b0:d0], 0.0),
        deviation=deviation,
        objective=float(highs.getInfo().objective_function_value),
        status=status,
        iterations=iterations,
        mip=mip,
        gap=float(info.mip_gap) if mip else 0.0,
    )


def _buy_bounds(model: Model) -> FloatArray:
    """The most each purchase can be: what its account can pay for, its cash above the floor
    plus everything it could sell, after the spread both ways."""
    sales = np.bincount(model.sell_account, weights=model.sell_value_ub,
                        minlength=model.n_accounts)
    room = (model.account_cash - model.account_floor + (1.0 - model.spread) * sales)
    room = np.maximum(room, 0.0) / (1.0 + model.spread)
    return room[model.buy_account] if len(model.buy_account) else np.zeros(0)


def _dominated_buys(model: Model) -> IntArray:
    """Purchases no optimal plan needs when each trade has a fixed cost.  In one account and
    class, the cheapest purchase outside every wash group does whatever a dearer one does —
    same class, same account cash, same bound — for less and under fewer constraints, and
    opens one trade as the other would; so the dearer one is fixed at zero and its binary has
    nothing to decide."""
    guarded = np.zeros(len(model.buy_cost), dtype=bool)
    for group in model.wash_buys:
        guarded[group] = True
    cheapest: dict[tuple[int, int], int] = {}
    for k in np.argsort(model.buy_cost, kind="stable").tolist():
        if not guarded[k]:
            cheapest.setdefault((int(model.buy_account[k]), int(model.buy_class[k])), k)
    out = []
    for k in range(len(model.buy_cost)):
        best = cheapest.get((int(model.buy_account[k]), int(model.buy_class[k])))
        if best is not None and best != k and model.buy_cost[k] >= model.buy_cost[best]:
            out.append(k)
    return np.array(out, dtype=np.int64)
