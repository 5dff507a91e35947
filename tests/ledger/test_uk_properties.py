"""Properties of UK share matching on random journals: nothing created, nothing lost.

For any valid history of one person's purchases and sales (GIA, a second GIA, an ISA):

* shares: bought in the GIAs = matched to disposals + left in the section 104 holding, and
  the holding equals the shares the GIAs hold;
* cost: every pound paid in the GIAs is either the cost of a disposal or still in the
  holding (TCGA s.104: the holding is one asset whose cost grows and shrinks);
* each disposal's matched shares add up to it, same-day matches are of the same day and
  30-day matches of the next 30 days (s.105, s.106A);
* ISA activity changes nothing within capital gains tax (ISA Regulations reg. 34(2)).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from lotwise.ledger import replay
from lotwise.model import Action

from ..regimes.households import household, journal

HH = household({"me": "UK"}, {"gia": ("me", "gia"), "gia2": ("me", "gia"),
                              "isa": ("me", "isa")}, securities={"A": None})
START = date(2024, 1, 1)
TOLERANCE = Decimal("1e-15")

steps = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=6),  # days since the previous row
        st.sampled_from(("buy", "sell")),
        st.sampled_from(("gia", "gia2", "isa")),
        st.integers(min_value=1, max_value=60),  # shares
        st.integers(min_value=100, max_value=3000),  # price in pence
        st.integers(min_value=0, max_value=900),  # fees in pence
    ),
    min_size=1,
    max_size=40,
)


def build(rows: list[tuple[int, str, str, int, int, int]], *, isa: bool = True) -> str:
    held = {"gia": 0, "gia2": 0, "isa": 0}
    day = START
    lines = []
    for gap, action, account, qty, pence, fee in rows:
        day += timedelta(days=gap)
        if account == "isa" and not isa:
            continue
        if action == "sell":
            qty = min(qty, held[account])
            if qty == 0:
                continue
            held[account] -= qty
        else:
            held[account] += qty
        price = Decimal(pence) / 100
        fees = Decimal(fee) / 100
        lines.append(f"{day.isoformat()} {account} {action} A {qty} @{price} fees={fees}")
    return "\n".join(lines) or f"{START.isoformat()} gia deposit amount=1"


@settings(max_examples=150, deadline=None)
@given(steps)
def test_shares_and_cost_are_conserved_in_the_section_104_holding(rows) -> None:  # type: ignore[no-untyped-def]
    txns = journal(build(rows))
    book = replay(HH, txns)
    gia = [t for t in txns if t.account != "isa"]
    bought = sum((t.quantity for t in gia if t.action is Action.BUY), Decimal(0))
    paid = sum((t.quantity * t.price + t.fees for t in gia if t.action is Action.BUY),
               Decimal(0))
    matched = sum((m.quantity for d in book.uk_disposals for m in d.matches), Decimal(0))
    costs = sum((d.cost for d in book.uk_disposals), Decimal(0))
    holding = [p for p in book.pools if p.account is None]
    left = holding[0].quantity if holding else Decimal(0)
    left_cost = holding[0].cost if holding else Decimal(0)
    assert abs(bought - matched - left) < TOLERANCE
    assert abs(paid - costs - left_cost) < TOLERANCE
    held_in_gias = sum((lot.quantity for lot in book.lots if lot.account != "isa"), Decimal(0))
    assert abs(left - held_in_gias) < TOLERANCE
    assert all(lot.basis >= -TOLERANCE for lot in book.lots)


@settings(max_examples=150, deadline=None)
@given(steps)
def test_every_disposal_is_fully_matched_inside_its_windows(rows) -> None:  # type: ignore[no-untyped-def]
    book = replay(HH, journal(build(rows)))
    for d in book.uk_disposals:
        assert abs(sum((m.quantity for m in d.matches), Decimal(0)) - d.quantity) < TOLERANCE
        for m in d.matches:
            if m.rule == "same_day":
                assert m.acquired == d.date
            elif m.rule == "thirty_day":
                assert m.acquired is not None
                assert timedelta(days=1) <= m.acquired - d.date <= timedelta(days=30)


@settings(max_examples=100, deadline=None)
@given(steps)
def test_isa_activity_changes_nothing_within_capital_gains_tax(rows) -> None:  # type: ignore[no-untyped-def]
    with_isa = replay(HH, journal(build(rows)))
    without = replay(HH, journal(build(rows, isa=False)))
    assert [(d.date, d.quantity, d.gain) for d in with_isa.uk_disposals] == [
        (d.date, d.quantity, d.gain) for d in without.uk_disposals
    ]
