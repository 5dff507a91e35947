"""Evaluations per second of the tax computation and of the marginal interface.

    .venv/bin/python benchmarks/bench_tax.py [--seconds 2] [--seed 7]

Prints figures; asserts nothing.  One process, one core.  Positions are drawn once
(seeded) from all years and filing statuses with wages, dividends, interest, gains and
losses and carryovers, then evaluated round-robin so that no single branch is favoured.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from lotwise.model.household import FilingStatus
from lotwise.tax.federal import StateMode, TaxPosition, compute, position
from lotwise.tax.marginal import marginal_rates, tax_change, zero_rate_room


def positions(n: int, seed: int) -> list[TaxPosition]:
    rng = random.Random(seed)

    def cents(lo: float, hi: float) -> Decimal:
        return Decimal(round(rng.uniform(lo, hi), 2)).quantize(Decimal("0.01"))

    out = []
    for _ in range(n):
        status = rng.choice(list(FilingStatus))
        odiv = cents(0, 40_000)
        out.append(
            position(
                rng.choice((2024, 2025, 2026)),
                status,
                ordinary_income=cents(0, 900_000),
                interest=cents(0, 20_000),
                ordinary_dividends=odiv,
                qualified_dividends=(odiv * Decimal("0.8")).quantize(Decimal("0.01")),
                itemized_deductions=cents(0, 60_000),
                exemption=Decimal(100) if status is FilingStatus.TRUST else Decimal(0),
                short_gain=cents(-30_000, 60_000),
                long_gain=cents(-30_000, 300_000),
                carry_in_short=cents(0, 5_000),
                carry_in_long=cents(0, 5_000),
                state_rate=Decimal("0.05"),
                state_mode=rng.choice(list(StateMode)),
            )
        )
    return out


def rate(fn: Callable[[TaxPosition], object], pool: list[TaxPosition], seconds: float) -> float:
    count = 0
    n = len(pool)
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for i in range(256):
            fn(pool[(count + i) % n])
        count += 256
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - start)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    pool = positions(1_000, args.seed)
    extra_s, extra_l = Decimal("1234.56"), Decimal("-789.01")
    cases: list[tuple[str, Callable[[TaxPosition], object]]] = [
        ("compute (full computation, all worksheet lines)", compute),
        ("compute + breakdown (named lines)", lambda p: compute(p).breakdown()),
        ("tax_change (two full computations)", lambda p: tax_change(p, extra_s, extra_l)),
        ("marginal_rates (7 full computations)", marginal_rates),
        ("zero_rate_room (doubling + bisection to the cent)", zero_rate_room),
    ]
    print(f"python {platform.python_version()} on {platform.machine()}, one core, Decimal")
    for name, fn in cases:
        print(f"{name:52} {rate(fn, pool, args.seconds):>12,.0f} /s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
