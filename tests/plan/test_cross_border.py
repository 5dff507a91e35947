"""A household across two regimes: a US resident and a Canadian resident, books in USD and
CAD, planned in one base currency (USD) with each owner's tax in its own currency."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from lotwise.fx import FxRate, FxTable
from lotwise.ledger import replay
from lotwise.model import Price, TargetAllocation
from lotwise.model.prices import PriceTable
from lotwise.plan import PlanOptions, make_plan
from lotwise.plan.gain_harvest import gain_harvest
from lotwise.plan.harvest import scan

from ..regimes.households import D, household, journal

TODAY = date(2026, 11, 20)
BOUGHT = date(2025, 3, 3)
RATE = D("1.35")  # CAD per USD
FX = FxTable([FxRate(day, "USD", "CAD", RATE) for day in (BOUGHT, TODAY)])
BASE = household({"alex": "US", "claire": "CA"},
                 {"alex_tax": ("alex", "taxable"), "claire_cash": ("claire", "non_registered")},
                 securities={"VTI": None, "XIC": None},
                 currencies={"VTI": "USD", "XIC": "CAD"}, base="USD")
HOUSEHOLD = replace(
    BASE,
    securities={"VTI": replace(BASE.securities["VTI"], asset_class="us"),
                "XIC": replace(BASE.securities["XIC"], asset_class="canada")},
    targets=TargetAllocation({"us": D("0.5"), "canada": D("0.5")}),
    tax={"years": {"2026": {"ordinary_income": 150000}},
         "ca": {"claire": {"marginal_rate": "0.4341"}}},
)
JOURNAL = journal(f"""
    {BOUGHT} alex_tax deposit amount=20000
    {BOUGHT} alex_tax buy VTI 100 @200
    {BOUGHT} claire_cash deposit amount=9000
    {BOUGHT} claire_cash buy XIC 300 @30
""")
PRICES = PriceTable([Price(TODAY, "VTI", D(260)), Price(TODAY, "XIC", D(25))])


def test_each_owner_is_taxed_in_their_own_currency_and_the_plan_verifies() -> None:
    book = replay(HOUSEHOLD, JOURNAL, as_of=TODAY, fx=FX)
    plan = make_plan(HOUSEHOLD, JOURNAL, book, PRICES, TODAY,
                     PlanOptions(rebalance_to="target"), fx=FX)
    assert plan.verification.ok, plan.verification.problems
    assert {t.unit: t.what for t in plan.taxes} == {
        "alex": "2026 federal + state on capital items (USD)",
        "claire": "2026 tax on taxable capital gains (CAD)",
    }
    # us is 82 % of the household in USD (26,000 against 7,500 CAD = 5,555.56 USD)
    assert any(t.action == "sell" and t.symbol == "VTI" for t in plan.trades)
    assert any(t.action == "buy" and t.symbol == "XIC" for t in plan.trades)
    by_unit = {t.unit: t for t in plan.taxes}
    alex, claire = by_unit["alex"], by_unit["claire"]
    assert claire.factor == 1 / RATE
    assert plan.tax_change == (alex.after - alex.before) + (claire.after - claire.before) / RATE
    weights = {c.asset_class: c.weight for c in plan.after.classes}
    assert abs(weights["us"] - D("0.5")) < D("0.001")


def test_a_canadians_loss_is_valued_in_cad_and_reported_in_the_base_currency() -> None:
    book = replay(HOUSEHOLD, JOURNAL, as_of=TODAY, fx=FX)
    (harvest,) = [p for p in scan(HOUSEHOLD, JOURNAL, book, PRICES, TODAY, fx=FX)
                  if p.symbol == "XIC"]
    # basis 9,000 CAD and price 25 CAD, in USD: the loss is about 1,500 / 1.35
    assert abs(harvest.loss - D(1500) / RATE) < D(10)
    assert harvest.tax_saved == 0  # Claire has no gains this year: the loss carries
    # carried at 0.9 × 1/2 × 43.41 % of the CAD loss, shown in USD
    expected = harvest.loss * D("0.9") * D("0.5") * D("0.4341")
    assert abs(harvest.carry_value - expected) < D("0.01")


def test_a_plans_harvest_of_a_foreign_currency_security_is_the_harvest_scans() -> None:
    """The plan's harvest uses the same loss as ``lotwise harvest``: a CAD security in a
    USD-based household is converted once, not twice."""
    base = household({"alex": "US", "claire": "CA"},
                     {"alex_tax": ("alex", "taxable"),
                      "claire_cash": ("claire", "non_registered")},
                     securities={"VTI": None, "XIC": "tsx", "ZCN": "tsx2"},
                     currencies={"VTI": "USD", "XIC": "CAD", "ZCN": "CAD"}, base="USD")
    classes = {"VTI": "us", "XIC": "canada", "ZCN": "canada"}
    hh = replace(
        base,
        securities={s: replace(sec, asset_class=classes[s])
                    for s, sec in base.securities.items()},
        targets=HOUSEHOLD.targets, tax=HOUSEHOLD.tax,
    )
    prices = PriceTable([Price(TODAY, "VTI", D(260)), Price(TODAY, "XIC", D(25)),
                         Price(TODAY, "ZCN", D(30))])
    book = replay(hh, JOURNAL, as_of=TODAY, fx=FX)
    (harvest,) = [p for p in scan(hh, JOURNAL, book, prices, TODAY, fx=FX)
                  if p.symbol == "XIC"]
    assert harvest.status == "proposed"
    assert abs(harvest.loss - D(1500) / RATE) < D(10)
    plan = make_plan(hh, JOURNAL, book, prices, TODAY,
                     PlanOptions(rebalance_to="target", harvest=True), fx=FX)
    assert plan.verification.ok, plan.verification.problems
    assert harvest.explanation in plan.notes


def test_a_us_residents_gain_harvest_converts_a_foreign_securitys_price_to_usd() -> None:
    # Alex (US) holds XIC, priced in CAD, in his USD account: its gain is the CAD price in
    # USD less the USD basis, 100 × (40 − 30) / 1.35, not 100 × 40 CAD less 2,222.22 USD.
    hh = replace(HOUSEHOLD, tax={**HOUSEHOLD.tax, "years": {"2026": {"ordinary_income": 30000}}})
    txns = journal(f"""
        {BOUGHT} alex_tax deposit amount=20000
        {BOUGHT} alex_tax buy XIC 100 @30
    """)
    prices = PriceTable([Price(TODAY, "VTI", D(260)), Price(TODAY, "XIC", D(40))])
    book = replay(hh, txns, as_of=TODAY, fx=FX)
    (harvest,) = gain_harvest(hh, book, prices, TODAY, fx=FX)
    assert harvest.room > 1000
    ((account, symbol, sale),) = harvest.lots
    assert (account, symbol) == ("alex_tax", "XIC")
    assert abs(sale.gain - D(1000) / RATE) < D("0.01")
    assert harvest.explanation.startswith(f"alex: {harvest.room:,.2f} USD of long-term gain")
    assert "-0.00" not in harvest.explanation
