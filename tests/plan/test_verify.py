"""Verification replays a plan and refuses one the replay does not bear out.

Cash is counted in each account's own currency: a plan made in the base currency cannot
spend more US dollars than a US-dollar account holds.  A UK rebuy that the 30-day rule
matches to an earlier sale at a gain (TCGA 1992 s.106A) re-prices that gain, so the plan's
projected tax no longer stands and the plan is refused."""

from __future__ import annotations

from dataclasses import replace

from lotwise.ledger import replay
from lotwise.plan import PlanOptions, make_plan
from lotwise.plan.options import TradingCosts
from lotwise.plan.taxes import tax_positions
from lotwise.plan.trades import Trade
from lotwise.plan.verify import verify_plan

from ..regimes.households import D, journal
from .test_money import AUDIT, JOURNAL, PRICES, RATES, TODAY
from .test_regime_plans import TODAY as UK_TODAY
from .test_regime_plans import UK_GAIN, UK_GAIN_JOURNAL, UK_GAIN_PRICES

NO_COSTS = TradingCosts(spread_bps=D(0))


def test_a_purchase_beyond_the_us_dollars_held_is_refused() -> None:
    # The order the deposit-day rate gave: 43.0596 VTI at CAD 325, CAD 13,994.37, is
    # US$10,767.05 with the spread at 1.30, out of US$10,000.
    book = replay(AUDIT, JOURNAL, as_of=TODAY, fx=RATES)
    trade = Trade("a_usd", "buy", "VTI", D("43.0596"), D(325), (), (), "")
    result = verify_plan(AUDIT, JOURNAL, book, PRICES, TODAY, PlanOptions(), [trade],
                         tax_positions(AUDIT, book, TODAY), fx=RATES)
    assert not result.ok
    assert result.problems == ("cash of a_usd would be -767.05 USD",)


def test_the_plan_spends_at_most_the_us_dollars_the_account_holds() -> None:
    book = replay(AUDIT, JOURNAL, as_of=TODAY, fx=RATES)
    options = PlanOptions()
    plan = make_plan(AUDIT, JOURNAL, book, PRICES, TODAY, options, fx=RATES)
    (buy,) = plan.trades
    assert (buy.account, buy.action, buy.symbol, buy.price) == ("a_usd", "buy", "VTI", D(325))
    spent = buy.quantity * buy.price * (1 + options.costs.spread)  # CAD at 1.30
    assert D(12900) < spent <= D(13000)
    assert plan.verification.ok, plan.verification.problems
    left = plan.verification.cash["a_usd"]  # US dollars
    assert D(0) <= left < D(100)
    assert abs(left - (D(10000) - spent / D("1.30"))) < D("0.000001")


def test_a_purchase_in_an_account_that_never_held_cash_is_refused() -> None:
    two = replace(AUDIT, accounts={**AUDIT.accounts,
                                   "b_usd": replace(AUDIT.accounts["a_usd"], id="b_usd")})
    book = replay(two, JOURNAL, as_of=TODAY, fx=RATES)
    assert "b_usd" not in book.cash
    trade = Trade("b_usd", "buy", "VTI", D(4), D(325), (), (), "")
    result = verify_plan(two, JOURNAL, book, PRICES, TODAY, PlanOptions(costs=NO_COSTS),
                         [trade], tax_positions(two, book, TODAY), fx=RATES)
    assert result.problems == ("cash of b_usd would be -1,000.00 USD",)


# -- UK share matching


def check(*trades: Trade):  # type: ignore[no-untyped-def]
    txns = journal(UK_GAIN_JOURNAL)
    book = replay(UK_GAIN, txns, as_of=UK_TODAY)
    return verify_plan(UK_GAIN, txns, book, UK_GAIN_PRICES, UK_TODAY, PlanOptions(), trades,
                       tax_positions(UK_GAIN, book, UK_TODAY))


def test_a_gia_rebuy_after_a_gain_sale_is_refused_with_the_replayed_tax() -> None:
    result = check(Trade("u_gia", "buy", "VWRL", D(100), D(128), (), (), ""))
    assert not result.ok
    matched, tax = result.problems
    # The sale of 200 on 2026-11-10 takes today's 100 shares at £128 plus the 2 bp spread
    # (s.106A(5), s.38(1)(a)) and 100 from the pool at £100: a gain of
    # 200 x 130 - (12,800 + 2.56) - 100 x 100 = £3,197.44.
    assert matched == ("UK share matching: the plan's purchase of VWRL by olivia is matched "
                       "to the disposal of 2026-11-10 (TCGA 1992 s.106A), changing its gain "
                       "from 6,000.00 to 3,197.44")
    # The projection (nothing sold today) keeps 720.00; the replay: (3,197.44 - 3,000 exempt)
    # x 24 % = 47.39.
    assert tax == "tax of olivia: the plan projects 720.00, the replayed book comes to 47.39"


def test_a_rebuy_in_the_isa_is_not_matched_and_verifies() -> None:
    result = check(Trade("u_isa", "buy", "VWRL", D(30), D(128), (), (), ""))
    assert result.ok, result.problems
    assert result.tax_after == {"olivia": D(720)}
