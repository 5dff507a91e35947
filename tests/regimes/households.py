"""Small households and journals for the Canadian and UK tests.

``household(...)`` builds owners with a tax residence and accounts of any type; ``journal``
reads the compact notation of ``tests/ledger/journal.py`` with more keys:

    DATE ACCOUNT ACTION [SYMBOL] [QTY] [@PRICE] [key=value ...]

keys: ``id``, ``fees``, ``amount``, ``lot``, ``method``, ``to``, ``currency``, ``fx``,
``source``, ``withholding``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lotwise.errors import Source
from lotwise.model import (
    Account,
    AccountType,
    Action,
    Household,
    LotPick,
    Owner,
    Security,
    TargetAllocation,
    Transaction,
)

D = Decimal


def household(
    owners: dict[str, str],
    accounts: dict[str, tuple[str, str]],
    *,
    spouses: tuple[str, str] | None = None,
    affiliates: dict[str, tuple[str, ...]] | None = None,
    securities: dict[str, str | None] | None = None,
    currencies: dict[str, str] | None = None,
    base: str | None = None,
) -> Household:
    """owners: id -> residence (US, CA, UK); accounts: id -> (owner, type);
    securities: symbol -> identical_group; currencies: symbol or account -> currency."""
    currencies = currencies or {}
    residence_currency = {"US": "USD", "CA": "CAD", "UK": "GBP"}
    base = base or residence_currency[next(iter(owners.values()))]
    affiliates = affiliates or {}
    owner_objs = {}
    for owner_id, residence in owners.items():
        spouse = None
        if spouses and owner_id in spouses:
            spouse = spouses[1] if owner_id == spouses[0] else spouses[0]
        owner_objs[owner_id] = Owner(owner_id, spouse=spouse, tax_residence=residence,
                                     affiliates=affiliates.get(owner_id, ()))
    securities = securities if securities is not None else {"X": None, "Y": None}
    return Household(
        id="test",
        owners=owner_objs,
        accounts={
            a: Account(a, owner=o, type=AccountType(t),
                       currency=currencies.get(a, residence_currency[owners[o]]))
            for a, (o, t) in accounts.items()
        },
        securities={
            s: Security(s, "equity", identical_group=g, currency=currencies.get(s, base))
            for s, g in securities.items()
        },
        targets=TargetAllocation({"equity": D(1)}),
        base_currency=base,
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
        qty = next((D(p) for p in positional if _numeric(p)), None)
        price = next((D(p[1:]) for p in positional if p.startswith("@")), None)
        lots: tuple[LotPick, ...] = ()
        if "lot" in opts:
            picks = []
            for item in opts["lot"].split(";"):
                head, _, count = item.rpartition(":")
                if head and _numeric(count):
                    picks.append(LotPick(head, D(count)))
                else:
                    picks.append(LotPick(item, None))
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
                fees=D(opts.get("fees", "0")),
                amount=D(opts["amount"]) if "amount" in opts else None,
                lots=lots,
                method=opts.get("method"),
                to_account=opts.get("to"),
                source=Source("journal", seq + 1),
                currency=opts.get("currency"),
                fx_rate=D(opts["fx"]) if "fx" in opts else None,
                source_country=opts.get("source"),
                withholding=D(opts["withholding"]) if "withholding" in opts else None,
            )
        )
    return txns


def _numeric(text: str) -> bool:
    try:
        D(text)
    except ArithmeticError:
        return False
    return True


def near(value: Decimal, expected: str | int, places: int = 2) -> bool:
    """``value`` equals ``expected`` when both are rounded to ``places`` decimals."""
    q = D(1).scaleb(-places)
    return value.quantize(q) == D(expected).quantize(q)
