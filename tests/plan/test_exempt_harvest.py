"""Using the UK annual exempt amount (TCGA 1992 s.1K) with a rebuy that the 30-day rule
(s.106A) does not match: bed and ISA, or the spouse's GIA, or day 31."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from lotwise.ledger import replay
from lotwise.model import Action, Price, Transaction
from lotwise.model.prices import PriceTable
from lotwise.plan.exempt_harvest import exempt_harvest
from lotwise.plan.options import TradingCosts
from lotwise.regimes.uk_position import uk_position

from ..regimes.households import D, household, journal

TODAY = date(2026, 11, 20)
PRICES = PriceTable([Price(TODAY, "VUSA", D(80))])
JOURNAL = journal("""
    2025-01-06 gia deposit amount=10000
    2025-01-06 gia buy VUSA 200 @50
    2026-06-01 gia sell VUSA 20 @70
""")  # a gain of 400 realized in 2026-27


def uk(accounts: dict[str, tuple[str, str]]):  # type: ignore[no-untyped-def]
    hh = household({"olivia": "UK", "james": "UK"}, accounts, spouses=("olivia", "james"),
                   securities={"VUSA": None})
    return replace(hh, tax={"uk": {"olivia": {"taxable_income": 52000}}})


def test_room_is_the_exempt_amount_less_the_years_net_gains_and_the_isa_rebuys() -> None:
    hh = uk({"gia": ("olivia", "gia"), "isa": ("olivia", "isa")})
    book = replay(hh, JOURNAL, as_of=TODAY)
    (plan,) = exempt_harvest(hh, book, PRICES, TODAY)
    assert plan.tax_year == "2026-27" and plan.net_gains == D(400)
    assert plan.room == D(3000) - D(400)
    (sale,) = plan.sales
    assert sale.account == "gia" and "bed and ISA" in sale.rebuy and "isa" in sale.rebuy
    assert D(2599) < sale.gain <= plan.room

    # Replayed as advised: sold in the GIA, bought back in the ISA the same day.
    spread = TradingCosts().spread
    advice = [
        Transaction(100, "x-sell", TODAY, "gia", Action.SELL, "VUSA", sale.quantity, D(80),
                    sale.quantity * D(80) * spread),
        Transaction(101, "x-dep", TODAY, "isa", Action.DEPOSIT, amount=D(20000)),
        Transaction(102, "x-buy", TODAY, "isa", Action.BUY, "VUSA", sale.quantity, D(80)),
    ]
    after = replay(hh, [*JOURNAL, *advice], as_of=TODAY)
    (disposal,) = [d for d in after.uk_disposals if d.date == TODAY]
    assert all(m.rule == "s104" for m in disposal.matches)  # the ISA purchase is not matched
    assert abs(disposal.gain - sale.gain) < D("0.01")
    assert uk_position(hh, after, "olivia", TODAY).compute().total == 0


def test_without_an_isa_the_spouse_buys_in_their_own_gia() -> None:
    hh = uk({"gia": ("olivia", "gia"), "james_gia": ("james", "gia")})
    book = replay(hh, JOURNAL, as_of=TODAY)
    (plan,) = [p for p in exempt_harvest(hh, book, PRICES, TODAY) if p.owner == "olivia"]
    (sale,) = plan.sales
    assert "james" in sale.rebuy and "james_gia" in sale.rebuy


def test_alone_the_rebuy_waits_for_day_31() -> None:
    hh = uk({"gia": ("olivia", "gia")})
    book = replay(hh, JOURNAL, as_of=TODAY)
    (plan,) = exempt_harvest(hh, book, PRICES, TODAY)
    (sale,) = plan.sales
    assert "from 2026-12-21" in sale.rebuy


def test_no_room_once_the_years_gains_pass_the_exempt_amount() -> None:
    hh = uk({"gia": ("olivia", "gia"), "isa": ("olivia", "isa")})
    txns = [*JOURNAL, *journal("2026-07-01 gia sell VUSA 100 @90")]  # another 4,000 of gain
    book = replay(hh, txns, as_of=TODAY)
    (plan,) = exempt_harvest(hh, book, PRICES, TODAY)
    assert plan.room == 0 and plan.sales == ()
    assert "no exempt amount left" in plan.explanation
