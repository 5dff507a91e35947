"""The planning model's solver: HiGHS never writes to standard output."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from lotwise.plan.optimizer import _solver_output_off_stdout

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
