"""Verification replays a plan and refuses one whose tax the replay does not bear out: here
a UK rebuy that the 30-day rule matches to an earlier sale at a gain (TCGA 1992 s.106A)."""

from __future__ import annotations

from lotwise.ledger import replay
from lotwise.plan import PlanOptions
from lotwise.plan.taxes import tax_positions
from lotwise.plan.trades import Trade
from lotwise.plan.verify import verify_plan

from ..regimes.households import D, journal
from .test_regime_plans import TODAY, UK_GAIN, UK_GAIN_JOURNAL, UK_GAIN_PRICES


def check(*trades: Trade):  # type: ignore[no-untyped-def]
    txns = journal(UK_GAIN_JOURNAL)
    book = replay(UK_GAIN, txns, as_of=TODAY)
    return verify_plan(UK_GAIN, txns, book, UK_GAIN_PRICES, TODAY, PlanOptions(), trades,
                       tax_positions(UK_GAIN, book, TODAY))


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
