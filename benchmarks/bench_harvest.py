"""Harvest scan on a direct-indexed household: 500 stocks, 100 lots each, 50,000 lots.

    .venv/bin/python benchmarks/bench_harvest.py [--stocks 500] [--lots 100] [--repeat 5]

The household holds the stocks in one taxable account (direct indexing), bought over three
years; today's prices leave about a third of the lots at a loss.  The scan is timed from the
replayed book (the replay is reported separately) and the best of ``--repeat`` runs printed.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta
from decimal import Decimal

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
from lotwise.model.prices import PriceTable
from lotwise.plan.harvest import PROPOSED, scan

TODAY = date(2026, 6, 1)
SECTORS = 11


def build(n_stocks: int, n_lots: int, seed: int) -> tuple[Household, list[Transaction],
                                                          PriceTable]:
    rng = random.Random(seed)
    classes = {f"sector{i}": Decimal(1) / SECTORS for i in range(SECTORS)}
    weights = dict(classes)
    weights[f"sector{SECTORS - 1}"] = Decimal(1) - sum(list(classes.values())[:-1])
    household = Household(
        id="direct", owners={"me": Owner("me", filing_status=FilingStatus.SINGLE)},
        accounts={"tax": Account("tax", "me", AccountType.TAXABLE, lot_method="specific")},
        securities={f"S{i:03d}": Security(f"S{i:03d}", f"sector{i % SECTORS}")
                    for i in range(n_stocks)},
        targets=TargetAllocation(weights),
        tax={"years": {"2026": {"ordinary_income": 250000}}},
    )
    txns = [Transaction(0, "fund", TODAY - timedelta(days=1200), "tax", Action.DEPOSIT,
                        amount=Decimal(10**9))]
    prices = []
    seq = 1
    for symbol in household.securities:
        today = Decimal(f"{rng.uniform(40, 300):.2f}")
        prices.append(Price(TODAY, symbol, today))
        for _ in range(n_lots):
            day = TODAY - timedelta(days=rng.randrange(40, 1100))
            paid = (today * Decimal(f"{rng.uniform(0.75, 1.35):.4f}")).quantize(Decimal("0.01"))
            txns.append(Transaction(seq, f"b{seq}", day, "tax", Action.BUY, symbol,
                                    Decimal(rng.randrange(1, 30)), paid))
            seq += 1
    return household, txns, PriceTable(prices)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stocks", type=int, default=500)
    parser.add_argument("--lots", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    household, txns, prices = build(args.stocks, args.lots, args.seed)
    t0 = time.perf_counter()
    book = replay(household, txns, as_of=TODAY)
    t1 = time.perf_counter()
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        proposals = scan(household, txns, book, prices, TODAY)
        times.append(time.perf_counter() - start)
    at_loss = sum(1 for lot in book.lots
                  if lot.quantity * prices.price_on(lot.symbol, TODAY) < lot.basis)
    proposed = [p for p in proposals if p.status == PROPOSED]
    print(f"stocks {args.stocks}, lots {len(book.lots):,} ({at_loss:,} at a loss), "
          f"replay {t1 - t0:.3f} s")
    print(f"harvest scan: best {min(times) * 1000:.1f} ms, median "
          f"{sorted(times)[len(times) // 2] * 1000:.1f} ms over {args.repeat} runs; "
          f"{len(proposals)} positions with losses, {len(proposed)} proposed, "
          f"net value of the proposals {sum(p.net_value for p in proposed):,.2f}")


if __name__ == "__main__":
    main()
