"""A compact journal notation for ledger tests.

Each line: ``DATE ACCOUNT ACTION [SYMBOL] [QTY] [@PRICE] [key=value ...]`` where keys are
``id``, ``fees``, ``amount``, ``lot`` (``B1`` or ``B1:10;B2:5``), ``method``, ``to``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lotwise.errors import Source
from lotwise.model import (
    Account,
    AccountType,
    Action,
    FilingStatus,
    Household,
    LotPick,
    Owner,
    Security,
    TargetAllocation,
    Transaction,
)


def household(
    accounts: dict[str, tuple[str, str, str]] | None = None,
    groups: dict[str, str | None] | None = None,
    spouses: tuple[str, str] | None = ("me", "spouse"),
) -> Household:
    """accounts: id -> (owner, type, lot_method); groups: symbol -> identical_group."""
    accounts = accounts or {"taxable": ("me", "taxable", "fifo")}
    groups = groups or {"M": None, "X": None}
    owners = {o for o, _, _ in accounts.values()} | (set(spouses) if spouses else set())
    owner_objs = {}
    for owner in sorted(owners):
        spouse = None
        if spouses and owner in spouses:
            spouse = spouses[1] if owner == spouses[0] else spouses[0]
        owner_objs[owner] = Owner(owner, spouse=spouse, filing_status=FilingStatus.MARRIED_JOINT)
    return Household(
        id="test",
        owners=owner_objs,
        accounts={
            a: Account(a, owner=o, type=AccountType(t), lot_method=m)
            for a, (o, t, m) in accounts.items()
        },
        securities={s: Security(s, "equity", identical_group=g) for s, g in groups.items()},
        targets=TargetAllocation({"equity": Decimal(1)}),
    )


def journal(text: str) -> list[Transaction]:
    txns = []
    for seq, raw in enumerate(line.strip() for line in text.strip().splitlines()):
        if not raw or raw.startswith("#"):
            continue
        parts = raw.split()
        day, account, action = date.fromisoformat(parts[0]), parts[1], Action(parts[2])
        rest = parts[3:]
        opts = dict(p.split("=", 1) for p in rest if "=" in p)
        positional = [p for p in rest if "=" not in p]
        symbol = next((p for p in positional if not _numeric(p) and not p.startswith("@")), None)
        qty = next((Decimal(p) for p in positional if _numeric(p)), None)
        price = next((Decimal(p[1:]) for p in positional if p.startswith("@")), None)
        lots: tuple[LotPick, ...] = ()
        if "lot" in opts:
            picks = []
            for item in opts["lot"].split(";"):
                lot_id, _, n = item.partition(":")
                picks.append(LotPick(lot_id, Decimal(n) if n else None))
            lots = tuple(picks)
        txns.append(
            Transaction(
                seq=seq,
                id=opts.get("id", f"t{seq}"),
                date=day,
                account=account,
                action=action,
                symbol=symbol,
                quantity=qty,
                price=price,
                fees=Decimal(opts.get("fees", "0")),
                amount=Decimal(opts["amount"]) if "amount" in opts else None,
                lots=lots,
                method=opts.get("method"),
                to_account=opts.get("to"),
                source=Source("journal", seq + 1),
            )
        )
    return txns


def _numeric(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


# One row of every action, in two taxable accounts ``taxable`` and ``other`` (X and M): a
# loss washed by a reinvestment and by a later buy, a split, a donation and a transfer.
EVERY_ACTION = """
    2025-01-02 taxable deposit amount=1000
    2025-01-02 other deposit amount=50
    2025-01-03 taxable buy X 10 @20 fees=1
    2025-01-03 other buy M 5 @10
    2025-01-04 taxable sell X 4 @15 fees=2
    2025-01-05 taxable dividend X amount=12
    2025-01-05 other dividend M amount=2
    2025-01-06 taxable reinvest X 1 @20 amount=20 fees=0.5
    2025-01-07 taxable interest amount=3
    2025-01-08 taxable return_of_capital X amount=6
    2025-01-09 other withdrawal amount=10
    2025-01-10 taxable fee amount=4
    2025-01-11 taxable split X 2
    2025-01-12 taxable donate X 2 @30
    2025-01-13 taxable transfer X 2 to=other
    2025-01-14 other sell X 2 @5
    2025-01-15 other buy X 1 @6
"""
