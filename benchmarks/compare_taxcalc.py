"""Compare lotwise's federal income tax and NIIT with PSL Tax-Calculator (``taxcalc``).

Tax-Calculator is an independent open-source model of US federal individual income tax.
It is NOT a lotwise dependency: run this script with a separate environment that has both
``taxcalc`` and lotwise's runtime packages, pointing it at this checkout's ``src``::

    python3 -m venv /tmp/taxcalc-venv
    /tmp/taxcalc-venv/bin/pip install taxcalc rich
    /tmp/taxcalc-venv/bin/python benchmarks/compare_taxcalc.py --n 1000 --seed 2025

It draws ``--n`` seeded random profiles (years 2024-2026, the five individual filing
statuses; wages, interest, ordinary and qualified dividends, short- and long-term net gains
or losses, itemized deductions entered as mortgage interest), computes both models and
prints every difference over ``--tolerance`` dollars with its diagnosed cause, then a
summary.  Compared: taxable income (taxcalc ``c04800``), income tax before credits
(``taxbc``, Form 1040 line 16) and the net investment income tax (``niit``).

``--fixed`` prints the two models' figures for the fixed cases that tests/tax/test_federal.py
cites as "validated by Tax-Calculator".
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from lotwise.model.household import FilingStatus
from lotwise.tax.federal import DeductionChoice, TaxResult, compute, position

MARS = {
    FilingStatus.SINGLE: 1,
    FilingStatus.MARRIED_JOINT: 2,
    FilingStatus.MARRIED_SEPARATE: 3,
    FilingStatus.HEAD_OF_HOUSEHOLD: 4,
    FilingStatus.QUALIFYING_SURVIVING_SPOUSE: 5,
}

# (name, year, status, wages, interest, ordinary dividends, qualified dividends, ST, LT, itemized)
KEYS = ("name", "year", "status", "wages", "interest", "odiv", "qdiv", "st", "lt", "itemized")
# fmt: off
FIXED_CASES: list[tuple[str, int, FilingStatus, int, int, int, int, int, int, int]] = [
    ("worked example", 2024, FilingStatus.SINGLE, 60_000, 0, 2_000, 2_000, 1_000, 10_000, 0),
    ("0%/15% straddle", 2025, FilingStatus.MARRIED_JOINT, 90_000, 0, 0, 0, 0, 60_000, 0),
    ("15%/20% straddle", 2025, FilingStatus.SINGLE, 450_000, 5_000, 20_000, 15_000, 0, 150_000, 0),
    ("NIIT above threshold", 2024, FilingStatus.MARRIED_JOINT, 240_000, 8_000, 12_000, 10_000,
     5_000, 40_000, 35_000),
    ("net loss, MFS", 2026, FilingStatus.MARRIED_SEPARATE, 70_000, 500, 0, 0, -9_000, 2_000, 0),
    ("head of household, itemizing", 2026, FilingStatus.HEAD_OF_HOUSEHOLD, 130_000, 1_000,
     3_000, 2_500, 4_000, 25_000, 30_000),
    ("surviving spouse, top bracket", 2024, FilingStatus.QUALIFYING_SURVIVING_SPOUSE, 900_000,
     20_000, 40_000, 30_000, 25_000, 200_000, 0),
    ("low income, gains in 0%", 2025, FilingStatus.SINGLE, 20_000, 300, 1_000, 800, 0, 20_000, 0),
]
# fmt: on


def lotwise_result(case: dict[str, Any]) -> TaxResult:
    return compute(
        position(
            case["year"],
            case["status"],
            ordinary_income=Decimal(case["wages"]),
            interest=Decimal(case["interest"]),
            ordinary_dividends=Decimal(case["odiv"]),
            qualified_dividends=Decimal(case["qdiv"]),
            itemized_deductions=Decimal(case["itemized"]),
            short_gain=Decimal(case["st"]),
            long_gain=Decimal(case["lt"]),
        )
    )


def taxcalc_results(cases: list[dict[str, Any]]) -> list[dict[str, float]]:
    import pandas as pd
    import taxcalc as tc

    out: list[dict[str, float]] = [{} for _ in cases]
    for year in sorted({c["year"] for c in cases}):
        idx = [i for i, c in enumerate(cases) if c["year"] == year]
        rows = []
        for n, i in enumerate(idx):
            c = cases[i]
            joint = c["status"] in (FilingStatus.MARRIED_JOINT,)
            rows.append(
                {
                    "RECID": n + 1,
                    "MARS": MARS[c["status"]],
                    "XTOT": 2 if joint else 1,
                    "age_head": 40,
                    "age_spouse": 40 if joint else 0,
                    "e00200": float(c["wages"]),
                    "e00200p": float(c["wages"]),
                    "e00200s": 0.0,
                    "e00300": float(c["interest"]),
                    "e00600": float(c["odiv"]),
                    "e00650": float(c["qdiv"]),
                    "p22250": float(c["st"]),
                    "p23250": float(c["lt"]),
                    "e19200": float(c["itemized"]),
                }
            )
        records = tc.Records(
            data=pd.DataFrame(rows),
            start_year=year,
            gfactors=None,
            weights=None,
            adjust_ratios=None,
        )
        calc = tc.Calculator(policy=tc.Policy(), records=records, verbose=False)
        calc.calc_all()
        names = ("c00100", "c04800", "taxbc", "niit", "c04470", "standard")
        arrays = {v: calc.array(v) for v in names}
        for n, i in enumerate(idx):
            out[i] = {k: float(a[n]) for k, a in arrays.items()}
    return out


def random_cases(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    statuses = list(MARS)

    def cents(lo: float, hi: float) -> Decimal:
        return Decimal(round(rng.uniform(lo, hi), 2)).quantize(Decimal("0.01"))

    cases = []
    for _ in range(n):
        band = rng.random()
        if band < 0.35:
            wages = cents(0, 120_000)
        elif band < 0.75:
            wages = cents(120_000, 500_000)
        else:
            wages = cents(500_000, 1_500_000)
        odiv = cents(0, 60_000) if rng.random() < 0.7 else Decimal(0)
        qdiv = (odiv * Decimal(str(round(rng.random(), 3)))).quantize(Decimal("0.01"))
        cases.append(
            {
                "year": rng.choice((2024, 2025, 2026)),
                "status": rng.choice(statuses),
                "wages": wages,
                "interest": cents(0, 30_000) if rng.random() < 0.6 else Decimal(0),
                "odiv": odiv,
                "qdiv": qdiv,
                "st": cents(-40_000, 80_000) if rng.random() < 0.7 else Decimal(0),
                "lt": cents(-40_000, 400_000) if rng.random() < 0.8 else Decimal(0),
                "itemized": cents(0, 80_000) if rng.random() < 0.5 else Decimal(0),
            }
        )
    return cases


def diagnose(case: dict[str, Any], mine: TaxResult, theirs: dict[str, float]) -> str:
    """Name the cause of a difference, and check it: recompute lotwise with taxcalc's
    deduction substituted and see whether the difference disappears."""
    if abs(float(mine.taxable) - theirs["c04800"]) <= 1:
        return "unexplained: same taxable income, different tax"
    itemized_in = Decimal(case["itemized"])
    theirs_itemized = Decimal(str(round(theirs["c04470"], 2)))
    if case["year"] >= 2026 and itemized_in > 0 and theirs_itemized < mine.itemized_allowed:
        # Substitute taxcalc's allowed itemized deductions, without lotwise's own §68 cut.
        pos = mine.position
        params = replace(pos.params, itemized_cut_num=Decimal(0))
        itemizes = abs(theirs["c04800"] - max(0.0, theirs["c00100"] - theirs["c04470"])) < 1
        choice = DeductionChoice.ITEMIZED if itemizes else DeductionChoice.STANDARD
        alt = compute(
            replace(pos, params=params, itemized_deductions=theirs_itemized, deduction=choice)
        )
        residual = float(alt.income_tax) - theirs["taxbc"]
        note = ""
        if itemizes and theirs["c04470"] < float(pos.params.standard_deduction):
            note = (
                "; taxcalc then itemizes although its reduced figure is below the standard "
                f"deduction {pos.params.standard_deduction:,}"
            )
        return (
            "IRC §68 2/37 limitation (P.L. 119-21 §70111, from 2026): lotwise reduces "
            f"itemized deductions {itemized_in:,.2f} to {mine.itemized_allowed:,.2f} "
            "(2/37 of the lesser of the deductions and AGI over the 37 % bracket start); "
            f"taxcalc 6.8.0 to {theirs_itemized:,.2f} (2/37 of the whole excess, without "
            f"the statute's 'lesser of' cap); with taxcalc's figure lotwise's tax differs "
            f"by {residual:+,.2f}{note}"
        )
    return (
        f"taxable income differs: lotwise {mine.taxable:,.2f}, taxcalc "
        f"{theirs['c04800']:,.2f} (unexplained)"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--tolerance", type=float, default=1.0)
    ap.add_argument("--fixed", action="store_true", help="print the fixed test cases")
    args = ap.parse_args()

    if args.fixed:
        cases = [dict(zip(KEYS, c, strict=True)) for c in FIXED_CASES]
        theirs = taxcalc_results(cases)
        for case, t in zip(cases, theirs, strict=True):
            mine = lotwise_result(case)
            print(
                f"{case['name']:32} {case['year']} {case['status'].value:28} "
                f"taxbc {t['taxbc']:>12,.2f} lotwise {mine.income_tax:>12,.2f}   "
                f"niit {t['niit']:>9,.2f} lotwise {mine.niit:>9,.2f}"
            )
        return 0

    cases = random_cases(args.n, args.seed)
    t0 = time.perf_counter()
    theirs = taxcalc_results(cases)
    t1 = time.perf_counter()
    mine = [lotwise_result(c) for c in cases]
    t2 = time.perf_counter()

    diffs: list[tuple[int, str, float, float, str]] = []
    max_tax = max_niit = 0.0
    for i, (case, m, t) in enumerate(zip(cases, mine, theirs, strict=True)):
        d_tax = float(m.income_tax) - t["taxbc"]
        d_niit = float(m.niit) - t["niit"]
        max_tax = max(max_tax, abs(d_tax))
        max_niit = max(max_niit, abs(d_niit))
        for what, d in (("income tax", d_tax), ("NIIT", d_niit)):
            if abs(d) > args.tolerance:
                diffs.append((i, what, d, float(m.taxable) - t["c04800"], diagnose(case, m, t)))

    for i, what, d, d_ti, cause in diffs:
        c = cases[i]
        print(
            f"case {i}: {c['year']} {c['status'].value} wages {c['wages']:,} ST {c['st']:,} "
            f"LT {c['lt']:,} itemized {c['itemized']:,}: {what} differs by {d:+,.2f} "
            f"(taxable income {d_ti:+,.2f}); cause: {cause}"
        )
    flagged = {i for i, *_ in diffs}
    rest = [
        abs(float(m.income_tax) - t["taxbc"])
        for i, (m, t) in enumerate(zip(mine, theirs, strict=True))
        if i not in flagged
    ]
    causes: dict[str, int] = {}
    for *_, cause in diffs:
        key = cause.split(" (")[0].split(":")[0]
        causes[key] = causes.get(key, 0) + 1
    print()
    print(f"profiles: {len(cases)} (seed {args.seed}); tolerance ${args.tolerance:.2f}")
    print(f"max |income tax difference|: ${max_tax:,.2f}; max |NIIT difference|: ${max_niit:,.2f}")
    print(f"differences over tolerance: {len(diffs)}; by cause: {causes or 'none'}")
    print(
        f"the other {len(rest)} profiles: max |income tax difference| ${max(rest, default=0):,.2f}"
    )
    print(f"time: taxcalc {t1 - t0:.2f} s (vectorised), lotwise {t2 - t1:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
