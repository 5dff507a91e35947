"""lotwise's own strategies in the backtest engine, on tiny series with known answers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lotwise.backtest.engine import Flow, run
from lotwise.backtest.montecarlo import generate_market
from lotwise.backtest.strategies import make_strategy
from lotwise.backtest.taxes import TaxSpec
from lotwise.model.household import FilingStatus
from lotwise.model.transactions import Action

from .conftest import market, setup_for

DROP = [100.0] * 40 + [80.0] * 20 + [100.0] * 61  # 121 business days from 2021-01-04
US = TaxSpec(mode="us", filing_status=FilingStatus.MARRIED_JOINT,
             ordinary_income=Decimal(200_000), law_year=2024)


def drop_setup(**kw: object) -> object:
    mkt = market({"A": DROP, "B": DROP})
    return setup_for(mkt, [("stocks", 1.0, ("A", "B"))], {"A": "ga", "B": "gb"},  # type: ignore[arg-type]
                     tax=US, cash=100_000, **kw)


def test_lotwise_full_harvests_the_drop_into_the_other_group() -> None:
    result = run(drop_setup(), make_strategy("lotwise_full"))
    (first_buy,) = [t for t in result.journal if t.action is Action.BUY][:1]
    held, other = first_buy.symbol, {"A": "B", "B": "A"}[first_buy.symbol]
    sells = [t for t in result.journal if t.action is Action.SELL]
    assert sells and sells[0].symbol == held and sells[0].date == date(2021, 3, 1)
    assert sells[0].price == Decimal("80.0000") and sells[0].memo == "harvest"
    after = [t for t in result.journal if t.action is Action.BUY and t.date == sells[0].date]
    assert after and all(t.symbol == other for t in after)  # the replacement, another group
    assert result.years[0].losses > 19_000  # 1,000 shares x $20, less costs
    assert result.wash_sales == 0 and result.ledger_consistent


def test_lotwise_without_harvesting_leaves_the_drop_alone() -> None:
    result = run(drop_setup(), make_strategy("lotwise_no_harvest"))
    assert [t for t in result.journal if t.action is Action.SELL] == []
    assert result.wash_sales == 0


def test_the_lotwise_strategies_refuse_a_flat_rate_tax() -> None:
    mkt = market({"A": DROP, "B": DROP})
    setup = setup_for(mkt, [("stocks", 1.0, ("A", "B"))], {"A": "ga", "B": "gb"},
                      cash=100_000)
    with pytest.raises(ValueError, match='mode = "us"'):
        run(setup, make_strategy("lotwise_full"))


@pytest.mark.parametrize("kind", ["lotwise_full", "lotwise_no_harvest"])
def test_lotwise_strategies_keep_the_wash_sale_rule_with_an_ira(kind: str) -> None:
    mkt = generate_market(n_assets=6, years=3, seed=3, residual_vol=0.4)
    symbols = list(mkt.symbols)
    classes = [("a", 0.5, tuple(symbols[:3])), ("b", 0.5, tuple(symbols[3:]))]
    setup = setup_for(mkt, classes, tax=US, step="weekly", record=None, cash=100_000,
                      ira=50_000, flows=[Flow("taxable", Decimal(1000), "month"),
                                         Flow("ira", Decimal(500), "month")])
    r = run(setup, make_strategy(kind))
    assert r.wash_sales == 0 and r.wash_sales_incremental == 0
    assert r.ledger_consistent and r.rejected == 0


def test_unknown_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown parameter"):
        make_strategy("lotwise_full", {"threshold": 0.1})
