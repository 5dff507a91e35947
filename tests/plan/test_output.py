"""A plan as an order file and as JSON: every trade, in the currency it trades in."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from functools import cache

from lotwise.cli.context import Context, load_context
from lotwise.io import example_dir
from lotwise.plan import Plan, make_plan
from lotwise.plan.options import options_from_policy
from lotwise.plan.output import ORDER_COLUMNS, _pct, orders_csv, plan_json

from .scenario import scenario

D = Decimal
TODAY = date(2026, 11, 20)


@cache
def example(name: str) -> tuple[Context, Plan]:
    folder = example_dir(name)
    fx = folder / "fx.csv"
    ctx = load_context(household=folder / "household.toml",
                       transactions=folder / "transactions.csv", prices=folder / "prices.csv",
                       fx=fx if fx.is_file() else None, as_of=TODAY)
    plan = make_plan(ctx.household, ctx.transactions, ctx.book, ctx.prices, ctx.as_of,
                     options_from_policy(ctx.household), fx=ctx.fx)
    assert plan.verification.ok, plan.verification.problems
    return ctx, plan


def rows(plan: Plan) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(orders_csv(plan))))


def test_the_order_file_has_every_trade_of_the_plan() -> None:
    for name in ("us", "ca", "uk"):
        _, plan = example(name)
        ordered: dict[tuple[str, str, str], Decimal] = {}
        for row in rows(plan):
            key = (row["account"], row["action"], row["symbol"])
            ordered[key] = ordered.get(key, D(0)) + D(row["quantity"])
        planned = {(t.account, t.action, t.symbol): t.quantity for t in plan.trades}
        assert ordered == planned, name


def test_sales_inside_registered_accounts_are_orders_too_and_come_first() -> None:
    # The Gagnons' TFSA sells VTI and buys ZSP with the proceeds; Olivia Bennett's SIPP sells
    # VTI to make room for gilts (bonds go in the pension first: asset location).
    _, ca = example("ca")
    orders = rows(ca)
    tfsa = [r for r in orders if r["account"] == "claire_tfsa"]
    assert (tfsa[0]["action"], tfsa[0]["symbol"], tfsa[0]["quantity"]) == ("sell", "VTI", "40")
    assert tfsa[0]["lot"] == "" and tfsa[0]["est_gain"] == "" and tfsa[0]["term"] == ""
    assert [r["action"] for r in orders] == sorted(r["action"] for r in orders)[::-1]
    _, uk = example("uk")
    sheltered = [t for t in uk.trades
                 if t.action == "sell" and t.account in {"olivia_sipp", "james_isa", "olivia_isa"}]
    assert sheltered, "the UK example's plan sells inside a SIPP or an ISA"
    for trade in sheltered:
        key = (trade.account, trade.action, trade.symbol)
        assert [D(r["quantity"]) for r in rows(uk)
                if (r["account"], r["action"], r["symbol"]) == key] == [trade.quantity]


def test_prices_are_in_the_securitys_own_currency_with_the_base_value_beside() -> None:
    ctx, plan = example("ca")
    usd_per_cad = ctx.fx.rate("USD", "CAD", TODAY) if ctx.fx else D(0)
    vti_usd = ctx.prices.price_on("VTI", TODAY)
    for row in rows(plan):
        security = ctx.household.securities[row["symbol"]]
        assert row["currency"] == security.currency and row["base_currency"] == "CAD"
        own = ctx.prices.price_on(row["symbol"], TODAY)
        assert row["est_price"] == f"{own:.2f}"
        assert D(row["est_value"]) == (D(row["quantity"]) * own).quantize(D("0.01"))
        rate = usd_per_cad if security.currency == "USD" else D(1)
        assert D(row["est_value_base"]) == (D(row["quantity"]) * own * rate).quantize(D("0.01"))
    vti = next(r for r in rows(plan) if r["symbol"] == "VTI")
    assert vti["currency"] == "USD" and vti["est_price"] == f"{vti_usd:.2f}"
    assert D(vti["est_value_base"]) > D(vti["est_value"])  # a US dollar buys more than C$1
    data = plan_json(plan)
    assert data["currency"] == "CAD"
    trade = next(t for t in data["trades"] if t["symbol"] == "VTI")
    assert trade["currency"] == "USD" and trade["price_in_currency"] == f"{vti_usd:.2f}"


def test_a_taxable_sale_has_one_order_row_per_lot() -> None:
    s = scenario("""
        2024-01-02 tax buy STK 500 @100
        2024-06-03 tax buy STK 50 @125
        2024-07-01 tax buy STK 50 @120
        2024-01-02 tax buy BND 400 @100
    """, {"STK": 150, "BND": 100, "STK2": 150, "TOT": 75, "AGG": 100})
    plan = s.plan(rebalance_to="target")
    (sale,) = [t for t in plan.trades if t.action == "sell"]
    sold = [r for r in rows(plan) if r["action"] == "sell"]
    assert [r["lot"] for r in sold] == [lot.lot_id for lot in sale.lots]
    assert len(sold) >= 2 and all(r["term"] == "long" and r["acquired"] for r in sold)
    assert sum(D(r["quantity"]) for r in sold) == sale.quantity
    assert sum(D(r["est_gain"]) for r in sold) == sale.gain.quantize(D("0.01"))
    assert list(rows(plan)[0]) == list(ORDER_COLUMNS)


def test_a_drift_that_rounds_to_zero_is_shown_without_a_sign() -> None:
    assert _pct(D("-0.00001")) == "0.00"
    assert _pct(D("-0.0001")) == "-0.01"
    assert _pct(D("0.7")) == "70.00"
