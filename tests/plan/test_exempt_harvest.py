"""Using the UK annual exempt amount (TCGA 1992 s.1K) with a rebuy that the 30-day rule
(s.106A) does not match: bed and ISA, or the spouse's GIA, or day 31."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from lotwise.ledger import replay
from lotwise.model import Action, Price, ScheduledPurchase, Transaction
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
    (plan,) = exempt_harvest(hh, JOURNAL, book, PRICES, TODAY)
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
    (plan,) = [p for p in exempt_harvest(hh, JOURNAL, book, PRICES, TODAY) if p.owner == "olivia"]
    (sale,) = plan.sales
    assert "james" in sale.rebuy and "james_gia" in sale.rebuy


def test_alone_the_rebuy_waits_for_day_31() -> None:
    hh = uk({"gia": ("olivia", "gia")})
    book = replay(hh, JOURNAL, as_of=TODAY)
    (plan,) = exempt_harvest(hh, JOURNAL, book, PRICES, TODAY)
    (sale,) = plan.sales
    assert "from 2026-12-21" in sale.rebuy


def test_no_room_once_the_years_gains_pass_the_exempt_amount() -> None:
    hh = uk({"gia": ("olivia", "gia"), "isa": ("olivia", "isa")})
    txns = [*JOURNAL, *journal("2026-07-01 gia sell VUSA 100 @90")]  # another 4,000 of gain
    book = replay(hh, txns, as_of=TODAY)
    (plan,) = exempt_harvest(hh, txns, book, PRICES, TODAY)
    assert plan.room == 0 and plan.sales == ()
    assert "no exempt amount left" in plan.explanation


# The ISA subscription limit (ISA Regulations 1998 reg. 4ZA(1): £20,000 a tax year): £20,000
# paid in on 5 April 2026 counts for 2025-26; £19,500 paid in on 1 May 2026 leaves £500 of
# 2026-27's, and the ISA keeps £60 of cash.  VUSA costs about £80.02 a share with the spread.
FULL_ISA = journal("""
    2026-04-05 isa deposit amount=20000
    2026-04-05 isa buy VUSA 250 @80
    2026-05-01 isa deposit amount=19500
    2026-05-01 isa buy VUSA 243 @80
""")
PRICES_AND_CSPX = PriceTable([Price(TODAY, "VUSA", D(80)), Price(TODAY, "CSPX", D(400))])


def uk_with_cspx(accounts: dict[str, tuple[str, str]]):  # type: ignore[no-untyped-def]
    hh = household({"olivia": "UK", "james": "UK"}, accounts, spouses=("olivia", "james"),
                   securities={"VUSA": None, "CSPX": None})
    return replace(hh, tax={"uk": {"olivia": {"taxable_income": 52000}}})


def test_the_isa_rebuy_is_capped_at_the_allowance_left_and_the_rest_waits_for_day_31() -> None:
    hh = uk_with_cspx({"gia": ("olivia", "gia"), "isa": ("olivia", "isa")})
    txns = [*JOURNAL, *FULL_ISA]
    book = replay(hh, txns, as_of=TODAY)
    (plan,) = exempt_harvest(hh, txns, book, PRICES_AND_CSPX, TODAY)
    assert plan.isa is not None
    assert (plan.isa.subscribed, plan.isa.left, plan.isa.limit.amount) == (
        D(19500), D(500), D(20000))
    (sale,) = plan.sales
    isa, later = sale.rebuys
    # (500 + 60) / (80 x 1.0002) = 6.9986 shares (the ISA trades fractions)
    assert (isa.how, isa.account, isa.quantity, isa.first_day) == ("isa", "isa", D("6.9986"),
                                                                   TODAY)
    assert (later.how, later.account, later.first_day) == ("gia_day_31", "gia",
                                                           date(2026, 12, 21))
    assert later.quantity == sale.quantity - isa.quantity and later.others == ("CSPX",)
    assert ("all that £500.00 left of olivia's £20,000 ISA allowance for 2026-27 (reg. "
            "4ZA(1); £19,500.00 subscribed since 2026-04-06) and £60.00 of cash in isa buys"
            in sale.rebuy)
    assert "or buy CSPX now" in sale.rebuy
    assert "has £500.00 left after £19,500.00 subscribed since 2026-04-06" in plan.explanation

    # Replayed as advised: the ISA buys with its £60 of cash and £500 of new money, the rest
    # comes back in the GIA on day 31; the gain stands and the year's subscriptions stay
    # within £20,000.
    spread = TradingCosts().spread
    cost = isa.quantity * D(80) * (1 + spread)
    day_31 = later.first_day
    advice = [
        Transaction(100, "x-sell", TODAY, "gia", Action.SELL, "VUSA", sale.quantity, D(80),
                    sale.quantity * D(80) * spread),
        Transaction(101, "x-dep", TODAY, "isa", Action.DEPOSIT, amount=cost - D(60)),
        Transaction(102, "x-isa", TODAY, "isa", Action.BUY, "VUSA", isa.quantity, D(80),
                    isa.quantity * D(80) * spread),
        Transaction(103, "x-gia", day_31, "gia", Action.BUY, "VUSA", later.quantity, D(80)),
    ]
    after = replay(hh, [*txns, *advice], as_of=day_31)
    (disposal,) = [d for d in after.uk_disposals if d.date == TODAY]
    assert all(m.rule == "s104" for m in disposal.matches)
    assert abs(disposal.gain - sale.gain) < D("0.01")
    assert after.cash["isa"] >= 0
    subscribed = sum((t.amount or D(0) for t in [*txns, *advice]
                      if t.account == "isa" and t.action is Action.DEPOSIT
                      and t.date >= date(2026, 4, 6)), D(0))
    assert subscribed <= D(20000)


def test_with_nothing_left_in_the_isa_the_spouse_buys_and_the_reason_gives_the_figures() -> None:
    hh = uk_with_cspx({"gia": ("olivia", "gia"), "isa": ("olivia", "isa"),
                       "james_gia": ("james", "gia")})
    txns = [*JOURNAL, *journal("""
        2026-05-01 isa deposit amount=20000
        2026-05-01 isa buy VUSA 250 @80
    """)]
    book = replay(hh, txns, as_of=TODAY)
    (plan,) = [p for p in exempt_harvest(hh, txns, book, PRICES_AND_CSPX, TODAY)
               if p.owner == "olivia"]
    assert plan.isa is not None and plan.isa.left == 0
    (sale,) = plan.sales
    (rebuy,) = sale.rebuys
    assert (rebuy.how, rebuy.account, rebuy.quantity) == ("spouse", "james_gia", sale.quantity)
    assert sale.rebuy.startswith(
        "not in isa: nothing left of olivia's £20,000 ISA allowance for 2026-27 (reg. 4ZA(1); "
        "£20,000.00 subscribed since 2026-04-06) buys not one share at about £80.02; instead "
        "let james buy")


def test_subscriptions_in_another_currency_count_in_pounds() -> None:
    hh = uk({"gia": ("olivia", "gia"), "isa": ("olivia", "isa")})
    txns = [*JOURNAL, *journal("2026-06-01 isa deposit amount=1000 currency=USD fx=0.8")]
    book = replay(hh, txns, as_of=TODAY)
    (plan,) = exempt_harvest(hh, txns, book, PRICES, TODAY)
    assert plan.isa is not None and plan.isa.subscribed == D(800)


def test_a_gia_purchase_due_within_30_days_keeps_the_holding_unsold() -> None:
    # The sale would be matched to the scheduled purchase (s.106A(5)) and the gain undone.
    hh = replace(uk({"gia": ("olivia", "gia"), "isa": ("olivia", "isa")}),
                 scheduled=(ScheduledPurchase("gia", "VUSA", D(500), date(2026, 12, 1), 30),))
    book = replay(hh, JOURNAL, as_of=TODAY)
    (plan,) = exempt_harvest(hh, JOURNAL, book, PRICES, TODAY)
    assert plan.sales == () and plan.room == D(2600)
    assert ("VUSA in gia is not sold: it would be matched to the scheduled purchase of VUSA in "
            "gia on 2026-12-01 (TCGA s.106A)") in plan.explanation


def test_a_fund_without_uk_reporting_status_is_not_sold_to_use_the_exempt_amount() -> None:
    # Its gain would be an offshore income gain, taxed as income (SI 2009/3001 regs. 17, 18),
    # which the annual exempt amount does not cover.
    hh = uk({"gia": ("olivia", "gia"), "isa": ("olivia", "isa")})
    hh = replace(hh, securities={"VUSA": replace(hh.securities["VUSA"],
                                                 uk_reporting_fund=False)})
    book = replay(hh, JOURNAL, as_of=TODAY)
    (plan,) = exempt_harvest(hh, JOURNAL, book, PRICES, TODAY)
    assert plan.sales == ()
    assert "VUSA in gia is not sold: it has no UK reporting status" in plan.explanation
    # the 2026-06-01 sale of it was itself an offshore income gain: no net gains so far
    assert plan.net_gains == 0
