"""The engine on tiny synthetic series with known answers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lotwise.backtest.engine import Costs, Flow, run
from lotwise.backtest.montecarlo import generate_market
from lotwise.backtest.strategies import make_strategy
from lotwise.backtest.taxes import TaxSpec
from lotwise.model.transactions import Action

from .conftest import market, setup_for

DROP = [100.0] * 40 + [80.0] * 20 + [100.0] * 61  # 121 business days from 2021-01-04


def harvest_setup(**kw: object) -> object:
    mkt = market({"A": DROP, "B": DROP})
    return setup_for(mkt, [("stocks", 1.0, ("A", "B"))], {"A": "ga", "B": "gb"}, **kw)  # type: ignore[arg-type]


def test_a_single_drop_and_recovery_gives_one_harvest_of_known_size() -> None:
    setup = harvest_setup()
    result = run(setup, make_strategy("baseline_harvest", {"threshold": 0.05, "min_loss": 0}))
    sells = [t for t in result.journal if t.action is Action.SELL]
    assert len(sells) == 1
    sell = sells[0]
    assert (sell.date, sell.symbol, sell.quantity, sell.price) == (
        date(2021, 3, 1), "A", Decimal(100), Decimal("80.0000"))
    buys = [t for t in result.journal if t.action is Action.BUY]
    assert [(t.symbol, t.quantity) for t in buys] == [("A", Decimal(100)), ("B", Decimal(100))]
    (year,) = result.years
    assert year.losses == 2000.0 and year.gains == 0.0 and year.harvest_trades == 2
    # flat 35 % with losses refunded: the year's tax is a 700 saving, due at the end
    assert year.tax is not None and year.tax.tax == Decimal("-700.00")
    assert result.tax_due_at_end == -700.0
    assert result.harvest_yield_sum == pytest.approx(2000 / 10_000)
    assert result.wash_sales == 0 and result.ledger_consistent


def test_buy_and_hold_does_not_harvest_the_same_drop() -> None:
    result = run(harvest_setup(), make_strategy("buy_and_hold"))
    assert [t.action for t in result.journal if t.action is Action.SELL] == []
    assert result.pre_tax_growth == pytest.approx(1.0)
    assert result.after_tax_growth == pytest.approx(1.0)


def test_harvest_with_an_ira_buying_within_30_days_is_not_a_wash_sale() -> None:
    flows = [Flow("ira", Decimal(1000), "month", start=date(2021, 3, 2))]
    setup = harvest_setup(ira=0.0, flows=flows)
    result = run(setup, make_strategy("baseline_harvest", {"threshold": 0.05, "min_loss": 0}))
    ira_buys = [(t.date, t.symbol) for t in result.journal
                if t.action is Action.BUY and t.account == "ira"]
    # the day after A is sold at a loss the IRA may not buy A (the loss would be lost for
    # good, Rev. Rul. 2008-5): it buys B; a month later A again
    assert ira_buys[:2] == [(date(2021, 3, 2), "B"), (date(2021, 4, 1), "A")]
    assert result.years[0].losses == 2000.0
    assert result.wash_sales == 0


def test_a_recent_purchase_blocks_the_harvest() -> None:
    # a monthly IRA purchase of A within 30 days before the drop would wash the loss
    setup = harvest_setup(ira=0.0, flows=[Flow("ira", Decimal(1000), "month")])
    result = run(setup, make_strategy("baseline_harvest", {"threshold": 0.05, "min_loss": 0}))
    assert [t for t in result.journal if t.action is Action.SELL] == []
    assert result.wash_sales == 0


def test_no_trades_inside_the_bands() -> None:
    x = [100.0 + 0.1 * k for k in range(81)]  # 100 -> 108: weights 0.519 / 0.481
    mkt = market({"X": x, "Y": [100.0] * 81})
    setup = setup_for(mkt, [("x", 0.5, ("X",)), ("y", 0.5, ("Y",))])
    result = run(setup, make_strategy("band_hifo"))
    assert sorted((t.action, t.symbol, t.quantity) for t in result.journal
                  if t.action in (Action.BUY, Action.SELL)) == [
        (Action.BUY, "X", Decimal(50)), (Action.BUY, "Y", Decimal(50))]
    assert result.trades == 2


def test_outside_the_band_sells_highest_cost_lots_first() -> None:
    # X 100 -> 90 (a monthly contribution buys it cheap) -> 140: drift beyond 5 points
    x = [100.0] * 25 + [90.0] * 25 + [140.0] * 30
    mkt = market({"X": x, "Y": [100.0] * 80})
    setup = setup_for(mkt, [("x", 0.5, ("X",)), ("y", 0.5, ("Y",))],
                      flows=[Flow("taxable", Decimal(1000), "month")])
    result = run(setup, make_strategy("band_hifo"))
    sells = [t for t in result.journal if t.action is Action.SELL]
    assert len(sells) == 1 and sells[0].symbol == "X" and sells[0].date == date(2021, 3, 15)
    first_lot = next(t.id for t in result.journal if t.action is Action.BUY and t.symbol == "X")
    # highest cost first: the lot bought at 100 before the one bought at 90
    assert sells[0].lots[0].lot_id == first_lot
    assert result.wash_sales == 0


def test_dividends_are_taxed_in_the_year_paid_and_the_tax_paid_next_april() -> None:
    # business days from Monday 2021-12-20; day 9 is Friday 2021-12-31
    mkt = market({"X": [50.0] * 100}, start=date(2021, 12, 20), dividends={"X": {9: 1.0}})
    tax = TaxSpec(mode="flat", dividend_rate=Decimal("0.15"))
    setup = setup_for(mkt, [("x", 1.0, ("X",))], cash=10_000, tax=tax)
    result = run(setup, make_strategy("buy_and_hold"))
    by_year = {y.year: y for y in result.years}
    assert by_year[2021].dividends == 200.0  # 200 shares x $1
    assert by_year[2021].tax is not None
    assert by_year[2021].tax.qualified_dividends == Decimal("200.00")
    assert by_year[2021].tax.tax == Decimal("30.00")
    assert by_year[2022].tax is not None and by_year[2022].tax.tax == 0
    paid = [(t.date, t.amount) for t in result.journal if t.action is Action.WITHDRAWAL]
    assert paid == [(date(2022, 4, 15), Decimal("30.00"))]
    # the dividend was cash, then invested: after tax growth below pre-tax by the tax
    assert result.pre_tax_growth == pytest.approx(1.02)
    assert result.after_tax_growth == pytest.approx(1.02 - 30 / 10_000, rel=1e-6)


def test_bond_income_is_ordinary() -> None:
    mkt = market({"X": [50.0] * 20}, dividends={"X": {5: 0.5}})
    setup = setup_for(mkt, [("x", 1.0, ("X",))], qualified={"X": False})
    result = run(setup, make_strategy("buy_and_hold"))
    tax = result.years[0].tax
    assert tax is not None
    assert tax.ordinary_dividends == Decimal("100.00") and tax.qualified_dividends == 0


def test_reinvested_dividend_is_a_reinvest_transaction() -> None:
    mkt = market({"X": [50.0] * 20}, dividends={"X": {5: 0.5}})
    setup = setup_for(mkt, [("x", 1.0, ("X",))], dividends="reinvest")
    result = run(setup, make_strategy("buy_and_hold"))
    (reinvest,) = [t for t in result.journal if t.action is Action.REINVEST]
    assert reinvest.amount == Decimal("100.00") and reinvest.quantity == Decimal(2)


def test_contributions_and_withdrawals_are_not_return() -> None:
    mkt = market({"X": [20.0] * 130})
    flows = [Flow("taxable", Decimal(500), "month"), Flow("taxable", Decimal(-300), "quarter")]
    setup = setup_for(mkt, [("x", 1.0, ("X",))], flows=flows)
    result = run(setup, make_strategy("buy_and_hold"))
    assert result.pre_tax_growth == pytest.approx(1.0)
    assert result.forced_sales == 0
    withdrawals = [t for t in result.journal if t.action is Action.WITHDRAWAL]
    deposits = [t for t in result.journal if t.memo == "contribution"]
    assert [t.date.month for t in deposits] == [2, 3, 4, 5, 6, 7]  # not the start's month
    assert [t.date for t in withdrawals] == [date(2021, 4, 1), date(2021, 7, 1)]
    assert all(t.amount == Decimal(300) for t in withdrawals)
    assert result.final_value == pytest.approx(10_000 + 6 * 500 - 2 * 300)


def test_costs_are_fees_on_the_transactions() -> None:
    mkt = market({"X": [10.0] * 5})
    setup = setup_for(mkt, [("x", 1.0, ("X",))], costs=Costs(Decimal(10), Decimal(1)))
    result = run(setup, make_strategy("buy_and_hold"))
    (buy,) = [t for t in result.journal if t.action is Action.BUY]
    assert buy.fees == (buy.quantity * buy.price * Decimal("0.001") + 1).quantize(Decimal("0.01"))
    assert result.pre_tax_growth == pytest.approx(1 - float(buy.fees) / 10_000, abs=1e-4)


def test_us_tax_mode_charges_the_incremental_federal_tax() -> None:
    mkt = market({"X": [50.0] * 20}, dividends={"X": {5: 5.0}})
    tax = TaxSpec(mode="us", ordinary_income=Decimal(100_000), law_year=2024)
    from lotwise.model.household import FilingStatus

    tax = TaxSpec(mode="us", filing_status=FilingStatus.SINGLE,
                  ordinary_income=Decimal(100_000), law_year=2024)
    setup = setup_for(mkt, [("x", 1.0, ("X",))], tax=tax)
    result = run(setup, make_strategy("buy_and_hold"))
    year = result.years[0].tax
    # $1,000 of qualified dividends on top of $100,000 of wages: 15 % bracket
    assert year is not None and year.tax == Decimal("150.00")


def test_a_seed_gives_the_same_run_and_another_seed_another() -> None:
    def once(seed: int) -> tuple[object, ...]:
        mkt = generate_market(n_assets=8, years=3, seed=seed)
        setup = setup_for(mkt, [(s, 1 / 8, (s,)) for s in mkt.symbols], target="index",
                          step="monthly", record=None, cash=100_000)
        r = run(setup, make_strategy("baseline_harvest", {"threshold": 0.0, "min_loss": 0}))
        return (r.journal, r.after_tax_liquidated_growth, r.years)

    assert once(5) == once(5)
    assert once(5) != once(6)


@pytest.mark.parametrize("kind", ["buy_and_hold", "annual_fifo", "band_hifo",
                                  "baseline_harvest"])
def test_every_baseline_keeps_the_wash_sale_rule(kind: str) -> None:
    mkt = generate_market(n_assets=12, years=4, seed=11, residual_vol=0.4)
    setup = setup_for(mkt, [(s, 1 / 12, (s,)) for s in mkt.symbols], target="index",
                      step="monthly", record=None, cash=100_000,
                      flows=[Flow("taxable", Decimal(2000), "month")],
                      costs=Costs(Decimal(5), Decimal(0)))
    params = {"relative_band": 0.5} if kind in ("band_hifo", "baseline_harvest") else {}
    r = run(setup, make_strategy(kind, params))
    assert r.wash_sales == 0 and r.wash_sales_incremental == 0
    assert r.ledger_consistent
    assert r.rejected == 0
