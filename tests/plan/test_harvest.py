"""Tax-loss harvesting, gain harvesting and gifts (issue: tax-loss harvesting)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lotwise.ledger import replay
from lotwise.model import ScheduledPurchase
from lotwise.plan.calendar import harvest_calendar
from lotwise.plan.gain_harvest import gain_harvest
from lotwise.plan.gifts import plan_gift
from lotwise.plan.harvest import (
    BELOW_THRESHOLD,
    BLOCKED,
    PROPOSED,
    HarvestProposal,
    scan,
)
from lotwise.plan.options import PlanOptions
from lotwise.plan.taxes import tax_positions
from lotwise.plan.trades import Trade
from lotwise.plan.verify import verify_plan

from .scenario import TODAY, Scenario, scenario

D = Decimal
PRICES = {"STK": 100.0, "BND": 100.0, "STK2": 100.0, "TOT": 50.0, "AGG": 100.0}


def proposals(s: Scenario, as_of: date = TODAY) -> dict[str, HarvestProposal]:
    book = replay(s.household, s.transactions, as_of=as_of)
    return {p.symbol: p for p in scan(s.household, s.transactions, book, s.prices, as_of)}


def test_a_loss_too_small_is_not_harvested() -> None:
    s = scenario("""
        2025-01-02 tax buy STK 10 @101
        2020-01-02 tax buy BND 10 @100
    """, PRICES)
    assert proposals(s)["STK"].status == BELOW_THRESHOLD  # $10 loss, 1 %


def test_a_harvest_with_a_replacement_that_is_not_substantially_identical() -> None:
    s = scenario("""
        2025-01-02 tax buy STK 300 @130
        2020-01-02 tax buy BND 200 @100
    """, PRICES)
    p = proposals(s)["STK"]
    assert p.status == PROPOSED
    assert p.long_loss > D(8900)  # 300 x $30, less the spread
    assert p.replacement == "TOT"  # STK2 is in the same S&P 500 group
    assert p.tax_saved > 0 and p.net_value > 0
    assert p.buy_back_from == TODAY + timedelta(days=31)
    assert "Replace with TOT" in p.explanation
    # The same harvest made by the planner, with the replacement, verifies.
    plan = s.plan(harvest=True)
    sold = [t for t in plan.trades if t.action == "sell" and t.symbol == "STK"]
    bought = [t for t in plan.trades if t.action == "buy" and t.account == "tax"]
    assert sold and "HARVEST" in sold[0].reasons
    assert bought and all(t.symbol not in ("STK", "STK2") for t in bought)
    assert any("REPLACEMENT" in t.reasons for t in bought)
    assert plan.verification.ok and plan.tax_change < 0


def test_the_spouses_ira_purchase_ten_days_ago_blocks_the_harvest() -> None:
    s = scenario("""
        2025-01-02 tax buy STK 300 @130
        2020-01-02 tax buy BND 200 @100
        2026-05-22 her_ira buy STK2 5 @100
    """, PRICES, accounts={"tax": ("me", "taxable"), "her_ira": ("spouse", "traditional")})
    p = proposals(s)["STK"]
    assert p.status == BLOCKED
    (conflict,) = p.conflicts
    assert "bought STK2 in her_ira on 2026-05-22" in conflict.describe()
    assert "2026-06-22" in conflict.fix
    plan = s.plan(harvest=True)
    assert not [t for t in plan.trades if t.symbol == "STK" and t.action == "sell"]


def test_a_dividend_reinvestment_next_week_is_shown_with_what_to_change() -> None:
    s = scenario("""
        2025-01-02 tax buy STK 300 @130
        2025-03-06 tax reinvest STK 1 @120 amount=120
        2025-06-05 tax reinvest STK 1 @120 amount=120
        2025-09-04 tax reinvest STK 1 @120 amount=120
        2025-12-04 tax reinvest STK 1 @120 amount=120
        2026-03-05 tax reinvest STK 1 @120 amount=120
        2020-01-02 tax buy BND 200 @100
    """, PRICES)
    p = proposals(s)["STK"]
    assert p.status == BLOCKED
    (conflict,) = p.conflicts
    assert conflict.acquisition.kind == "expected_reinvestment"
    assert conflict.acquisition.day == date(2026, 6, 4)  # one quarter after the last
    assert "turn off dividend reinvestment of STK in tax for 31 days" in conflict.fix


def test_a_scheduled_401k_purchase_is_a_conflict_with_a_redirect_fix() -> None:
    s = scenario("""
        2025-01-02 tax buy STK 300 @130
        2020-01-02 tax buy BND 200 @100
    """, PRICES, accounts={"tax": ("me", "taxable"), "k401": ("spouse", "traditional")},
        scheduled=(ScheduledPurchase("k401", "STK2", D(500), date(2026, 6, 8), 14),))
    p = proposals(s)["STK"]
    assert p.status == BLOCKED
    assert all(c.acquisition.kind == "scheduled" for c in p.conflicts)
    assert [c.acquisition.day for c in p.conflicts] == [date(2026, 6, 8), date(2026, 6, 22)]
    assert "skip or redirect that purchase (to TOT, say)" in p.conflicts[0].fix


HARVESTED = """
    2025-01-02 tax buy STK 300 @130
    2020-01-02 tax buy BND 200 @100
    2026-05-01 tax sell STK 300 @100
    2026-05-01 tax buy TOT 600 @50
"""


def test_switchback_on_day_30_is_refused_and_on_day_31_allowed() -> None:
    s = scenario(HARVESTED, {**PRICES, "TOT": 45.0})
    day30, day31 = date(2026, 5, 31), date(2026, 6, 1)
    plan30 = s.plan(as_of=day30, rebalance_to="target", review=True)
    assert not [t for t in plan30.trades if t.action == "buy" and t.symbol in ("STK", "STK2")]
    assert any("STK is not bought in tax" in note and "allowed again from 2026-06-01" in note
               for note in plan30.notes)
    book = replay(s.household, s.transactions, as_of=day30)
    entries = harvest_calendar(s.household, s.transactions, book, s.prices, day30)
    switch = [e for e in entries if e.kind == "switchback"]
    assert switch and switch[0].day == day31 and "TOT" in switch[0].text
    # On day 31 the S&P 500 group may be bought again: nothing blocks it.
    plan31 = s.plan(as_of=day31, rebalance_to="target", review=True)
    assert not any(" is not bought in " in note for note in plan31.notes)
    assert plan31.verification.ok


def test_gain_harvest_is_limited_to_the_zero_rate_room() -> None:
    s = scenario("""
        2020-01-02 tax buy STK 2000 @40
        2020-01-02 tax buy BND 100 @100
    """, PRICES, income=60000)
    book = replay(s.household, s.transactions, as_of=TODAY)
    (harvest,) = gain_harvest(s.household, book, s.prices, TODAY)
    assert harvest.room > 0
    assert harvest.gain <= harvest.room
    assert harvest.room - harvest.gain < D(60)  # within one share's gain ($60)
    assert harvest.federal_tax == 0
    lot_ids = {lot.lot_id for _, _, lot in harvest.lots}
    assert lot_ids == {"t0"}


def test_no_gain_harvest_above_the_zero_rate_bracket() -> None:
    s = scenario("""
        2020-01-02 tax buy STK 2000 @40
    """, PRICES, income=400000)
    book = replay(s.household, s.transactions, as_of=TODAY)
    (harvest,) = gain_harvest(s.household, book, s.prices, TODAY)
    assert harvest.room == 0 and harvest.lots == ()


def test_a_gift_gives_the_most_appreciated_long_term_lots() -> None:
    s = scenario("""
        2020-01-02 tax buy STK 100 @40 id=MOST
        2021-01-04 tax buy STK 100 @90 id=LITTLE
        2026-01-05 tax buy STK 100 @20 id=SHORT
        2020-01-02 tax buy BND 100 @100
    """, PRICES)
    book = replay(s.household, s.transactions, as_of=TODAY)
    gift = plan_gift(s.household, book, s.prices, TODAY, D(12000))
    given = [(lot.lot_id, lot.quantity) for _, _, lot in gift.lots]
    assert given == [("MOST", D(100)), ("LITTLE", D(20))]  # never the short-term lot
    assert gift.gain_avoided == D(6000) + D(200)
    assert gift.tax_avoided > 0
    assert gift.rebuys == (("tax", "STK", D(120)),)


@st.composite
def loss_journals(draw: st.DrawFn) -> str:
    lines = ["2020-01-02 tax buy BND 300 @100"]
    for i in range(draw(st.integers(1, 6))):
        account = draw(st.sampled_from(["tax", "her_tax", "ira", "her_roth"]))
        symbol = draw(st.sampled_from(["STK", "STK2", "TOT", "AGG"]))
        day = TODAY - timedelta(days=draw(st.integers(1, 700)))
        price = draw(st.integers(60, 200))
        action = draw(st.sampled_from(["buy", "buy", "reinvest"]))
        qty = draw(st.integers(1, 200))
        extra = f" amount={qty * price}" if action == "reinvest" else ""
        lines.append(f"{day} {account} {action} {symbol} {qty} @{price} id=R{i}{extra}")
    return "\n".join(lines)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(loss_journals(), st.booleans())
def test_harvests_and_plans_together_never_make_a_wash_sale(text: str, schedule: bool) -> None:
    accounts = {"tax": ("me", "taxable"), "her_tax": ("spouse", "taxable"),
                "ira": ("me", "traditional"), "her_roth": ("spouse", "roth")}
    scheduled = (ScheduledPurchase("ira", "STK2", D(300), TODAY + timedelta(days=9), 14),
                 ) if schedule else ()
    s = scenario(text, PRICES, accounts=accounts, scheduled=scheduled)
    plan = s.plan(harvest=True, review=True)
    assert plan.verification.ok, plan.verification.problems
    # Every proposed harvest, executed with its replacement and replayed with the purchases
    # that will happen by themselves, is free of wash sales too.
    book = replay(s.household, s.transactions, as_of=TODAY)
    chosen = [p for p in scan(s.household, s.transactions, book, s.prices, TODAY)
              if p.status == PROPOSED]
    trades = []
    for p in chosen:
        trades.append(Trade(p.account, "sell", p.symbol, p.quantity, p.price, p.lots, (), ""))
        assert p.replacement is not None
        price = s.prices.price_on(p.replacement, TODAY)
        qty = (p.value / price).quantize(D("0.0001"))
        trades.append(Trade(p.account, "buy", p.replacement, qty, price, (), (), ""))
    check = verify_plan(s.household, s.transactions, book, s.prices, TODAY, PlanOptions(),
                        trades, tax_positions(s.household, book, TODAY))
    assert check.wash_sales == (), check.problems


def test_a_class_of_one_security_is_harvested_when_its_band_allows_it() -> None:
    # Direct indexing: each stock is its own class.  With no other security in the class, a
    # harvest keeps the exposure at the portfolio's level: allowed when selling the loss lots
    # leaves the class inside its band; the proceeds go to the underweight classes.
    from dataclasses import replace as dc_replace

    from lotwise.model import Policy, Security, TargetAllocation

    text = """
        2025-01-02 tax buy STK 300 @130
        2020-01-02 tax buy BND 300 @100
    """
    s = scenario(text, PRICES)
    securities = {"STK": Security("STK", "stocks"), "BND": Security("BND", "bonds")}
    targets = TargetAllocation({"stocks": D("0.5"), "bonds": D("0.5")})
    loose = dc_replace(s.household, securities=securities, targets=targets,
                       policy=Policy(absolute_band=D(1), relative_band=D(1)))
    s.household = loose
    p = proposals(s)["STK"]
    assert p.status == PROPOSED and p.replacement is None
    assert "proceeds go to the underweight classes" in p.explanation
    s.household = dc_replace(loose, policy=Policy())  # 5 points / 25 %: too tight
    assert proposals(s)["STK"].status == "no_replacement"
