"""Planner benchmark: plan time by size, tax saved against a naive plan, and the gap of the
linearised tax to a brute-force optimum on small instances.

*plan* is :func:`lotwise.plan.propose` (the trades: model, solve, round, explain); *verify* is
the replay of the whole journal plus the plan through the ledger and tax code
(:func:`lotwise.plan.verify.verify_plan`); ``make_plan`` is the two together.

    .venv/bin/python benchmarks/bench_plan.py                 # all sizes
    .venv/bin/python benchmarks/bench_plan.py --sizes 1x10x5,4x20x10 --gap 20

Sizes are ACCOUNTSxSECURITIESxLOTS-PER-POSITION.  Every household is seeded: two spouses,
accounts alternating taxable / traditional / Roth / taxable / HSA, securities in three asset
classes with identical pairs, lots bought over three years at random prices, and today's
prices drawn so that stocks drift about 8 points over target.

The naive plan is what a tool without tax awareness does: in each account, sell the
overweight classes first-in-first-out and buy the underweight ones, until every class is at
target.  Both plans go to target (``rebalance_to = "target"``), so the tax saved is for the
same end state.
"""

from __future__ import annotations

import argparse
import itertools
import random
import time
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from lotwise.allocation import allocation
from lotwise.ledger import replay
from lotwise.model import (
    Account,
    AccountType,
    Action,
    FilingStatus,
    Household,
    Owner,
    Price,
    Security,
    TargetAllocation,
    Transaction,
)
from lotwise.model.numbers import ZERO
from lotwise.model.prices import PriceTable
from lotwise.model.transactions import LotPick
from lotwise.plan import PlanOptions, make_plan, propose
from lotwise.plan.taxes import realized_by_unit, tax_positions, total_tax
from lotwise.plan.verify import verify_plan

TODAY = date(2026, 6, 1)
TYPES = ["taxable", "traditional", "roth", "taxable", "hsa"]
CLASSES = {"us": Decimal("0.45"), "intl": Decimal("0.25"), "bonds": Decimal("0.30")}


def household(n_accounts: int, n_securities: int) -> Household:
    owners = {
        "me": Owner("me", spouse="spouse", filing_status=FilingStatus.MARRIED_JOINT),
        "spouse": Owner("spouse", spouse="me", filing_status=FilingStatus.MARRIED_JOINT),
    }
    accounts = {
        f"a{i}": Account(f"a{i}", "me" if i % 2 == 0 else "spouse", AccountType(TYPES[i % 5]))
        for i in range(n_accounts)
    }
    names = list(CLASSES)
    securities = {
        f"S{j}": Security(f"S{j}", names[j % 3], identical_group=f"g{j // 2}")
        for j in range(n_securities)
    }
    return Household(
        id="bench", owners=owners, accounts=accounts, securities=securities,
        targets=TargetAllocation(CLASSES),
        tax={"years": {"2026": {"ordinary_income": 180000, "qualified_dividends": 3000,
                                "ordinary_dividends": 4000}}},
    )


def journal(hh: Household, lots_per_position: int, seed: int) -> tuple[list[Transaction],
                                                                        PriceTable]:
    rng = random.Random(seed)
    txns: list[Transaction] = []
    seq = 0
    start = TODAY - timedelta(days=3 * 365)
    today_prices = {}
    for symbol, sec in hh.securities.items():
        drift = {"us": 1.35, "intl": 1.05, "bonds": 0.95}[sec.asset_class]
        today_prices[symbol] = Decimal(f"{100 * drift * rng.uniform(0.9, 1.1):.2f}")
    for account in hh.accounts:
        spent = ZERO
        for symbol, sec in hh.securities.items():
            weight = float(CLASSES[sec.asset_class])
            for _ in range(lots_per_position):
                day = start + timedelta(days=rng.randrange(0, 3 * 365 - 40))
                price = Decimal(f"{rng.uniform(70, 140):.2f}")
                qty = Decimal(max(1, int(rng.uniform(5, 40) * weight * 2)))
                txns.append(Transaction(seq, f"b{seq}", day, account, Action.BUY, symbol, qty,
                                        price))
                spent += qty * price
                seq += 1
        # Deposits pay for the purchases, plus 1 % of cash to invest.
        txns.append(Transaction(seq, f"d{seq}", start, account, Action.DEPOSIT,
                                amount=spent * Decimal("1.01")))
        seq += 1
    txns.sort(key=lambda t: (t.date, t.seq))
    prices = PriceTable([Price(TODAY, s, p) for s, p in today_prices.items()])
    return txns, prices


def naive_tax(hh: Household, txns: list[Transaction], prices: PriceTable) -> Decimal:
    """Tax of the naive plan: FIFO sales of overweight classes in every account, to target."""
    book = replay(hh, txns, as_of=TODAY)
    alloc = allocation(hh, book, prices, TODAY)
    excess = {c.asset_class: c.value - c.target * alloc.total
              for c in alloc.classes if c.leaf and c.asset_class in CLASSES}
    sales: list[Transaction] = []
    seq = max(t.seq for t in txns) + 1
    for lot in sorted(book.lots, key=lambda x: (x.account, x.acquired)):
        cls = hh.securities[lot.symbol].asset_class
        if excess.get(cls, ZERO) <= 0:
            continue
        price = prices.price_on(lot.symbol, TODAY)
        qty = min(lot.quantity, (excess[cls] / price).quantize(Decimal("0.0001")))
        if qty <= 0:
            continue
        excess[cls] -= qty * price
        sales.append(Transaction(seq, f"n{seq}", TODAY, lot.account, Action.SELL, lot.symbol,
                                 qty, price, lots=(), method="fifo"))
        seq += 1
    after = replay(hh, txns + sales)
    ids = {t.id for t in sales}
    realized = realized_by_unit(hh, [d for d in after.disposals if d.txn_id in ids], TODAY)
    positions = tax_positions(hh, book, TODAY)
    base = total_tax(positions, {})
    return sum((v - base[k] for k, v in total_tax(positions, realized).items()), ZERO)


def run_size(n_acc: int, n_sec: int, n_lots: int, seed: int) -> None:
    hh = household(n_acc, n_sec)
    txns, prices = journal(hh, n_lots, seed)
    options = PlanOptions(rebalance_to="target")
    t0 = time.perf_counter()
    book = replay(hh, txns, as_of=TODAY)
    t1 = time.perf_counter()
    proposal = propose(hh, txns, book, prices, TODAY, options)
    t2 = time.perf_counter()
    check = verify_plan(hh, txns, book, prices, TODAY, options, proposal.trades,
                        proposal.positions)
    t3 = time.perf_counter()
    plan = make_plan(hh, txns, book, prices, TODAY, options)
    tax = plan.tax_change
    naive = naive_tax(hh, txns, prices)
    print(f"{n_acc:>3} x {n_sec:>3} x {n_lots:>3} | lots {len(book.lots):>7} | "
          f"replay {t1 - t0:7.3f}s | plan {t2 - t1:7.3f}s | verify {t3 - t2:7.3f}s | "
          f"trades {len(plan.trades):>5} | tax {tax:>11,.2f} | naive tax {naive:>11,.2f} | "
          f"saved {naive - tax:>11,.2f} | costs {plan.trading_costs:>9,.2f} | "
          f"verified {check.ok and plan.verification.ok}", flush=True)


def gap_instance(seed: int) -> tuple[float, float]:
    """(planner's exact objective, best of a brute-force grid) on one taxable account."""
    rng = random.Random(seed)
    hh = household(1, 3)
    hh = replace(hh, securities={
        "S0": Security("S0", "us"), "S1": Security("S1", "intl"), "S2": Security("S2", "bonds")})
    txns = []
    lots = []
    for i in range(4):
        day = TODAY - timedelta(days=rng.choice([100, 200, 500, 900]))
        price = Decimal(f"{rng.uniform(40, 160):.2f}")
        qty = Decimal(rng.randrange(100, 400))
        txns.append(Transaction(i + 1, f"L{i}", day, "a0", Action.BUY, "S0", qty, price))
        lots.append((qty, price))
    txns.append(Transaction(9, "B", date(2020, 1, 2), "a0", Action.BUY, "S2", Decimal(100),
                            Decimal(100)))
    txns.append(Transaction(10, "I", date(2020, 1, 2), "a0", Action.BUY, "S1", Decimal(100),
                            Decimal(100)))
    spent = sum((t.quantity * t.price for t in txns if t.quantity and t.price), ZERO)
    txns.append(Transaction(0, "d", date(2019, 1, 2), "a0", Action.DEPOSIT, amount=spent))
    txns.sort(key=lambda t: (t.date, t.seq))
    prices = PriceTable([Price(TODAY, "S0", Decimal(100)), Price(TODAY, "S1", Decimal(100)),
                         Price(TODAY, "S2", Decimal(100))])
    book = replay(hh, txns, as_of=TODAY)
    options = PlanOptions(rebalance_to="target", review=True, protect_days=0)
    plan = make_plan(hh, txns, book, prices, TODAY, options)
    positions = tax_positions(hh, book, TODAY)
    base = sum(total_tax(positions, {}).values(), ZERO)
    spread = float(options.costs.spread)

    def objective(sold: list[Decimal]) -> float:
        """Exact tax + costs + drift (weight 1 per dollar), proceeds into the underweights."""
        picks = [
            Transaction(100 + i, f"x{i}", TODAY, "a0", Action.SELL, "S0", qty, Decimal(100),
                        qty * Decimal(100) * Decimal(repr(spread)),
                        lots=(LotPick(f"L{i}", qty),), method="specific")
            for i, qty in enumerate(sold)
            if qty > 0
        ]
        after = replay(hh, txns + picks)
        ids = {t.id for t in picks}
        realized = realized_by_unit(hh, [d for d in after.disposals if d.txn_id in ids], TODAY)
        tax = float(sum(total_tax(positions, realized).values(), ZERO) - base)
        alloc = allocation(hh, after, prices, TODAY)
        cash = float(sum(after.cash.values(), ZERO))
        values = {c.asset_class: float(c.value) for c in alloc.classes if c.leaf}
        total = float(alloc.total)
        # Invest the cash into the underweight classes as far as it goes.
        need = {k: max(0.0, float(CLASSES[k]) * total - values.get(k, 0.0))
                for k in ("intl", "bonds")}
        spend = min(cash, sum(need.values()))
        for k in need:
            share = need[k] / sum(need.values()) if sum(need.values()) else 0
            values[k] = values.get(k, 0.0) + spend * share * (1 - spread)
        drift = sum(abs(values.get(k, 0.0) - float(w) * total) for k, w in CLASSES.items())
        drift += abs(cash - spend)
        trading = spread * (float(sum(sold, ZERO)) * 100 + spend)
        return tax + trading + drift

    planned = [Decimal(0)] * 4
    for trade in plan.trades:
        for lot in trade.lots:
            planned[int(lot.lot_id[1])] += lot.quantity
    grid_best = min(
        objective([q * Decimal(k) / 8 for (q, _), k in zip(lots, ks, strict=True)])
        for ks in itertools.product(range(9), repeat=4)
    )
    return objective(planned), grid_best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1x10x5,4x20x10,4x50x20,10x100x50,10x500x10,"
                                           "10x500x100")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--gap", type=int, default=10, help="small instances for the gap")
    args = parser.parse_args()
    print("accounts x securities x lots/position: plan time, tax against the naive FIFO plan")
    for size in args.sizes.split(","):
        a, s, n = (int(x) for x in size.split("x"))
        run_size(a, s, n, args.seed)
    if args.gap:
        gaps = []
        for seed in range(args.gap):
            planned, best = gap_instance(seed)
            gaps.append((planned - best) / max(abs(best), 1.0))
            print(f"gap instance {seed}: planner {planned:12,.2f}  best of 6,561 grid plans "
                  f"{best:12,.2f}  gap {100 * gaps[-1]:+.3f} %", flush=True)
        print(f"gap over {len(gaps)} instances: worst {100 * max(gaps):+.3f} %, "
              f"mean {100 * sum(gaps) / len(gaps):+.3f} % (negative: better than the grid)")


if __name__ == "__main__":
    main()
