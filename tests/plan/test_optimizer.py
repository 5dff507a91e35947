"""The planning model's solver: HiGHS never writes to standard output, and with per-trade
commissions it proves the plan optimal."""

from __future__ import annotations

import itertools
import os
import random
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from lotwise.plan.optimizer import (
    MIP_GAP,
    Model,
    _dominated_buys,
    _solver_output_off_stdout,
    solve,
)

SOLVE_ONE = """
import numpy as np
from lotwise.plan.optimizer import Model, solve

# One overweight class of $100 in one account, $40 over target: sell $40, buy the other.
model = Model(
    n_classes=3, n_accounts=1, total=200.0,
    sell_value_ub=np.array([100.0]), sell_cost=np.array([0.001]),
    sell_class=np.array([0]), sell_account=np.array([0]),
    sell_gain=np.array([0.0]), sell_tax_rate=np.array([0.0]),
    buy_cost=np.array([0.001]), buy_class=np.array([1]), buy_account=np.array([0]),
    class_value=np.array([140.0, 60.0, 0.0]), class_target=np.array([100.0, 100.0, 0.0]),
    band=np.array([0.0, 0.0, 0.0]), cash_class=2,
    account_cash=np.array([0.0]), account_floor=np.array([0.0]), cash_buffer=0.0,
    spread=0.0, w_in=1.0, w_out=1.0,
)
solution = solve(model)
import sys
sys.stderr.write(f"sold {solution.sells[0]:.2f} bought {solution.buys[0]:.2f}")
"""


def test_a_fresh_process_that_solves_prints_nothing_on_stdout() -> None:
    # HiGHS prints its banner from C++ on the first solver of a process: run it in a new one.
    result = subprocess.run([sys.executable, "-c", SOLVE_ONE], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == "sold 40.00 bought 40.00"


def test_output_to_file_descriptor_1_is_dropped_and_python_output_keeps_its_place(
    capfd: pytest.CaptureFixture[str],
) -> None:
    print("before ", end="")
    with _solver_output_off_stdout():
        os.write(1, b"Running HiGHS\n")
    print("after")
    assert capfd.readouterr().out == "before after\n"


# -- per-trade commissions: a mixed-integer model -------------------------------------------

SYMBOLS = (("A1", 0), ("B1", 1), ("B2", 1))  # symbol, class (2 is cash)


def _commission_model(seed: int, commission: float) -> tuple[Model, list[tuple[int, str]]]:
    """Two accounts holding random lots of three securities in two classes; every account
    may buy every security; class A is overweight.  Returns the model and its pairs."""
    rng = random.Random(seed)
    sells: list[tuple[int, int, float, float]] = []  # account, class, value, cost per dollar
    pairs: list[tuple[int, str]] = []
    sell_pair: list[int] = []
    for account in (0, 1):
        for symbol, klass in SYMBOLS:
            pairs.append((account, symbol))
            for _ in range(rng.randint(0, 2)):
                sells.append((account, klass, rng.uniform(10, 80), rng.uniform(0, 0.2)))
                sell_pair.append(len(pairs) - 1)
    buy_pair = list(range(len(pairs)))
    class_value = np.zeros(3)
    for _, klass, value, _ in sells:
        class_value[klass] += value
    cash = np.array([rng.uniform(0, 20), rng.uniform(0, 20)])
    class_value[2] = cash.sum()
    total = float(class_value.sum())
    model = Model(
        n_classes=3, n_accounts=2, total=total,
        sell_value_ub=np.array([s[2] for s in sells]),
        sell_cost=np.array([s[3] for s in sells]),
        sell_class=np.array([s[1] for s in sells], dtype=np.int64),
        sell_account=np.array([s[0] for s in sells], dtype=np.int64),
        sell_gain=np.zeros(len(sells)), sell_tax_rate=np.zeros(len(sells)),
        buy_cost=np.array([0.001 * (1 + i % 3) for i in range(len(pairs))]),
        buy_class=np.array([dict(SYMBOLS)[s] for _, s in pairs], dtype=np.int64),
        buy_account=np.array([a for a, _ in pairs], dtype=np.int64),
        class_value=class_value,
        class_target=np.array([0.3, 0.7, 0.0]) * total,
        band=np.zeros(3), cash_class=2,
        account_cash=cash, account_floor=np.zeros(2), cash_buffer=0.0,
        spread=0.001, w_in=1.0, w_out=1.0,
        pair_sells=[np.array([i for i, p in enumerate(sell_pair) if p == k], dtype=np.int64)
                    for k in range(len(pairs))],
        pair_buys=[np.array([i for i, p in enumerate(buy_pair) if p == k], dtype=np.int64)
                   for k in range(len(pairs))],
        commission=commission,
    )
    return model, pairs


def _brute_force(model: Model) -> float:
    """The best plan over every set of pairs allowed to trade, each set an LP."""
    best = float("inf")
    n_pairs = len(model.pair_sells)
    for chosen in itertools.product((False, True), repeat=n_pairs):
        ub = model.sell_value_ub.copy()
        buy_cost = model.buy_cost.copy()
        for p, on in enumerate(chosen):
            if not on:
                ub[model.pair_sells[p]] = 0.0
                buy_cost[model.pair_buys[p]] = 1e6  # never bought
        lp = replace(model, sell_value_ub=ub, buy_cost=buy_cost, commission=0.0,
                     pair_sells=[], pair_buys=[])
        best = min(best, solve(lp).objective + model.commission * sum(chosen))
    return best


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_with_commissions_the_mip_finds_the_brute_force_optimum(seed: int) -> None:
    model, _ = _commission_model(seed, commission=2.0)
    solution = solve(model)
    assert solution.mip and solution.status == "Optimal"
    assert solution.gap <= MIP_GAP
    assert solution.objective == pytest.approx(_brute_force(model), abs=1e-6)


def test_a_dearer_purchase_of_a_class_in_the_same_account_gets_no_trade_to_decide() -> None:
    model, pairs = _commission_model(1, commission=2.0)
    # per account: A1 costs 0.001, B1 0.002, B2 0.003 a dollar: B2 does what B1 does, dearer
    assert {pairs[k] for k in _dominated_buys(model)} == {(0, "B2"), (1, "B2")}
    # a purchase the wash-sale guard constrains dominates nothing: it may be forbidden
    b1 = [k for k, pair in enumerate(pairs) if pair[1] == "B1"]
    guarded = replace(model, wash_sells=[np.array([0]) for _ in b1],
                      wash_buys=[np.array([k]) for k in b1])
    assert len(_dominated_buys(guarded)) == 0
    solution = solve(model)
    assert solution.buys[[k for k, pair in enumerate(pairs) if pair[1] == "B2"]].sum() == 0
