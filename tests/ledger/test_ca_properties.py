"""Properties of Canadian ACB pooling and superficial losses on random journals.

For any valid history of two spouses (non-registered accounts, an RRSP, a TFSA):

* ACB: every dollar paid in a person's non-registered accounts, plus every denied loss
  added to that person's ACB (s.53(1)(f)), is either the ACB of a disposition or still in
  the pool;
* a superficial loss is never more than the loss, never negative, and is shared out in
  full among the substituted properties (IT-456R ¶12); its shares are the least of S, P
  and B (IT-456R);
* shares are conserved per account.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from lotwise.ledger import replay
from lotwise.model import Action

from ..regimes.households import household, journal

ACCOUNTS = {
    "me_a": ("me", "non_registered"),
    "me_b": ("me", "non_registered"),
    "me_tfsa": ("me", "tfsa"),
    "sp_a": ("spouse", "non_registered"),
    "sp_rrsp": ("spouse", "rrsp"),
}
HH = household({"me": "CA", "spouse": "CA"}, ACCOUNTS, spouses=("me", "spouse"),
               securities={"A": "g", "B": "g"})
START = date(2024, 1, 1)
TOLERANCE = Decimal("1e-15")

steps = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=12),
        st.sampled_from(("buy", "sell")),
        st.sampled_from(tuple(ACCOUNTS)),
        st.sampled_from(("A", "B")),
        st.integers(min_value=1, max_value=50),
        st.integers(min_value=100, max_value=3000),
        st.integers(min_value=0, max_value=999),
    ),
    min_size=1,
    max_size=40,
)


def build(rows) -> str:  # type: ignore[no-untyped-def]
    held: dict[tuple[str, str], int] = defaultdict(int)
    day = START
    lines = []
    for gap, action, account, symbol, qty, cents, fee in rows:
        day += timedelta(days=gap)
        if action == "sell":
            qty = min(qty, held[(account, symbol)])
            if qty == 0:
                continue
            held[(account, symbol)] -= qty
        else:
            held[(account, symbol)] += qty
        lines.append(f"{day.isoformat()} {account} {action} {symbol} {qty} "
                     f"@{Decimal(cents) / 100} fees={Decimal(fee) / 100}")
    return "\n".join(lines) or f"{START.isoformat()} me_a deposit amount=1"


@settings(max_examples=150, deadline=None)
@given(steps)
def test_acb_is_conserved_per_person(rows) -> None:  # type: ignore[no-untyped-def]
    txns = journal(build(rows))
    book = replay(HH, txns)
    for owner in ("me", "spouse"):
        accounts = {a for a, (o, t) in ACCOUNTS.items() if o == owner and t == "non_registered"}
        paid = sum((t.quantity * t.price + t.fees for t in txns
                    if t.account in accounts and t.action is Action.BUY), Decimal(0))
        added = sum((s.amount for loss in book.superficial_losses for s in loss.substitutes
                     if s.account in accounts), Decimal(0))
        relieved = sum((line.acb for line in book.ca_dispositions if line.owner == owner),
                       Decimal(0))
        left = sum((p.cost for p in book.pools if p.owner == owner and p.account is None),
                   Decimal(0))
        assert abs(paid + added - relieved - left) < TOLERANCE, owner


@settings(max_examples=150, deadline=None)
@given(steps)
def test_superficial_losses_are_bounded_and_shared_in_full(rows) -> None:  # type: ignore[no-untyped-def]
    book = replay(HH, journal(build(rows)))
    lines = {line.txn_id: line for line in book.ca_dispositions}
    for loss in book.superficial_losses:
        line = lines[loss.txn_id]
        assert Decimal(0) < loss.denied <= loss.loss + TOLERANCE
        assert loss.denied == line.denied
        assert loss.superficial_shares == min(loss.shares_sold, loss.acquired, loss.held_at_end)
        assert abs(sum((s.amount for s in loss.substitutes), Decimal(0)) - loss.denied) \
            < TOLERANCE
        assert line.reported_gain <= TOLERANCE


@settings(max_examples=100, deadline=None)
@given(steps)
def test_shares_are_conserved_per_account(rows) -> None:  # type: ignore[no-untyped-def]
    txns = journal(build(rows))
    book = replay(HH, txns)
    net: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for t in txns:
        if t.action is Action.BUY:
            net[(t.account, t.symbol or "")] += t.quantity or 0
        elif t.action is Action.SELL:
            net[(t.account, t.symbol or "")] -= t.quantity or 0
    held = {(lot.account, lot.symbol): lot.quantity for lot in book.lots}
    assert {k: v for k, v in net.items() if v} == held
