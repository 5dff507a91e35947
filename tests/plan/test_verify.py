"""Verification counts each account's cash in the account's own currency: a plan made in
the base currency cannot spend more US dollars than a US-dollar account holds."""

from __future__ import annotations

from dataclasses import replace

from lotwise.ledger import replay
from lotwise.plan import PlanOptions, make_plan
from lotwise.plan.options import TradingCosts
from lotwise.plan.taxes import tax_positions
from lotwise.plan.trades import Trade
from lotwise.plan.verify import verify_plan

from ..regimes.households import D
from .test_money import AUDIT, JOURNAL, PRICES, RATES, TODAY

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
