"""Plans and harvests for Canadian and UK owners: priced under their own regime, in the
household's base currency, obeying their loss rule, and weighing withholding tax."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from lotwise.cli import app
from lotwise.cli import commands as _commands  # noqa: F401  (registers the commands)
from lotwise.errors import InputError
from lotwise.ledger import replay
from lotwise.model import Price, TargetAllocation
from lotwise.model.prices import PriceTable
from lotwise.plan import PlanOptions, make_plan
from lotwise.plan.calendar import harvest_calendar
from lotwise.plan.harvest import PROPOSED, scan
from lotwise.plan.money import in_base_currency
from lotwise.plan.withholding_cost import lost_withholding

from ..regimes.households import D, household, journal
from ..regimes.test_examples import files

TODAY = date(2026, 11, 20)
runner = CliRunner()

UK = replace(
    household(
        {"olivia": "UK"},
        {"gia": ("olivia", "gia"), "isa": ("olivia", "isa")},
        securities={"VUSA": "sp500", "CSPX": "sp500", "ISF": None},
    ),
    tax={"uk": {"olivia": {"taxable_income": 52000}}},
)
UK_JOURNAL = """
    2026-01-05 gia deposit amount=30000
    2026-01-05 gia buy VUSA 100 @100
    2026-01-05 gia buy ISF 1000 @10
    2026-06-01 gia sell ISF 1000 @19
    2026-01-05 isa deposit amount=5000
"""
UK_PRICES = PriceTable([Price(TODAY, "VUSA", D(80)), Price(TODAY, "CSPX", D(40)),
                        Price(TODAY, "ISF", D(19))])


def test_uk_harvest_replaces_with_another_security_even_of_the_same_index() -> None:
    txns = journal(UK_JOURNAL)
    book = replay(UK, txns, as_of=TODAY)
    (proposal,) = scan(UK, txns, book, UK_PRICES, TODAY)
    assert proposal.status == PROPOSED
    # TCGA s.104(3): only shares of the same class are matched; CSPX is another security
    assert proposal.replacement == "CSPX"
    # 2026-27: gains 9,000 are above the 3,000 exempt amount, so the whole loss of
    # 2,000 (less the spread) saves the higher rate of 24 %
    assert proposal.tax_saved == proposal.loss * D("0.24")
    assert "short-term" not in proposal.explanation


def test_uk_plan_after_a_loss_sale_buys_back_in_the_isa_not_the_gia() -> None:
    txns = journal(UK_JOURNAL + "\n    2026-11-10 gia sell VUSA 100 @80")
    book = replay(UK, txns, as_of=TODAY)
    hh = replace(UK, securities={"VUSA": replace(UK.securities["VUSA"], asset_class="us"),
                                 "ISF": replace(UK.securities["ISF"], asset_class="uk")},
                 targets=TargetAllocation({"us": D("0.5"), "uk": D("0.5")}))
    plan = make_plan(hh, txns, book, UK_PRICES, TODAY, PlanOptions(rebalance_to="target"))
    assert plan.verification.ok, plan.verification.problems
    bought = {(t.account, t.symbol) for t in plan.trades if t.action == "buy"}
    assert ("gia", "VUSA") not in bought
    assert ("isa", "VUSA") in bought
    assert any("VUSA is not bought in gia" in note for note in plan.notes)


def test_prices_in_another_currency_need_fx_rates() -> None:
    hh = household({"claire": "CA"}, {"cash": ("claire", "non_registered")},
                   securities={"VTI": None}, currencies={"VTI": "USD"})
    book = replay(hh, [], as_of=TODAY)
    prices = PriceTable([Price(TODAY, "VTI", D(300))])
    with pytest.raises(InputError) as caught:
        in_base_currency(hh, book, prices, None, TODAY)
    assert "--fx" in str(caught.value) and "USD" in str(caught.value)


def test_the_canadian_example_plans_in_cad_and_keeps_us_funds_out_of_the_tfsa() -> None:
    result = runner.invoke(app, ["plan", *files("ca"), "--as-of", "2026-11-20", "--no-save",
                                 "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert plan["verification"]["ok"]
    assert {t["tax"] for t in plan["tax"]} == {"2026 tax on taxable capital gains (CAD)"}
    bought = {(t["account"], t["symbol"]) for t in plan["trades"] if t["action"] == "buy"}
    # US dividends lose 15 % in a TFSA or FHSA (Canada-US Convention Art. X(2)(b)) and none
    # in an RRSP (Art. XXI(2)): VTI is bought where nothing is lost
    assert not {("claire_tfsa", "VTI"), ("marc_tfsa", "VTI"), ("marc_fhsa", "VTI")} & bought
    assert ("claire_rrsp", "VTI") in bought
    assert any(note.startswith("withholding: VTI") for note in plan["notes"])


def test_the_uk_example_plans_in_gbp_with_pooled_sales() -> None:
    result = runner.invoke(app, ["plan", *files("uk"), "--as-of", "2026-11-20", "--no-save",
                                 "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert plan["verification"]["ok"]
    assert {t["tax"] for t in plan["tax"]} == {"2026-27 capital gains tax (GBP)"}
    gia_sales = [t for t in plan["trades"] if t["action"] == "sell"
                 and t["account"].endswith("_gia")]
    assert gia_sales and all(lot["term"] == "pool" for t in gia_sales for lot in t["lots"])
    assert all("POOLED_GAIN" in t["reasons"] for t in gia_sales
               if any(Decimal(lot["gain"]) > 0 for lot in t["lots"]))


def test_withholding_is_lost_only_where_it_cannot_be_credited() -> None:
    hh = household({"claire": "CA"},
                   {"cash": ("claire", "non_registered"), "rrsp": ("claire", "rrsp"),
                    "tfsa": ("claire", "tfsa")},
                   securities={"VTI": None, "XIC": None})
    hh = replace(hh, securities={
        "VTI": replace(hh.securities["VTI"], source_country="US", dividend_yield=D("0.013")),
        "XIC": replace(hh.securities["XIC"], source_country="CA", dividend_yield=D("0.03")),
    })
    book = replay(hh, [], as_of=TODAY)
    lost = lost_withholding(hh, book, PriceTable([]), TODAY)
    assert set(lost) == {("tfsa", "VTI")}
    assert lost[("tfsa", "VTI")].per_year == D("0.013") * D("0.15")


def test_the_uk_calendar_ends_the_tax_year_on_5_april_and_has_no_long_term_dates() -> None:
    txns = journal(UK_JOURNAL + "\n    2026-11-10 gia sell VUSA 100 @80")
    book = replay(UK, txns, as_of=TODAY)
    entries = harvest_calendar(UK, txns, book, UK_PRICES, TODAY)
    (year_end,) = [e for e in entries if e.kind == "year_end"]
    assert year_end.day == date(2027, 4, 5) and "2026-27" in year_end.text
    assert not [e for e in entries if e.kind == "turns_long_term"]
    (buy_back,) = [e for e in entries if e.kind == "buy_back_open"]
    assert buy_back.day == date(2026, 12, 11) and buy_back.group == "VUSA"


def test_uk_harvests_and_plans_speak_of_the_30_day_rule_not_substantial_identity() -> None:
    txns = journal(UK_JOURNAL)
    book = replay(UK, txns, as_of=TODAY)
    plan = make_plan(UK, txns, book, UK_PRICES, TODAY, PlanOptions(harvest=True))
    (rebuy,) = [t for t in plan.trades if t.action == "buy" and t.account == "gia"]
    assert "another security, which the 30-day rule does not match" in rebuy.rationale
    (isa,) = [t for t in plan.trades if t.account == "isa"]
    assert "a trade inside an ISA costs no tax" in isa.rationale
    alone = replace(UK, securities={"VUSA": UK.securities["VUSA"]})
    txns = journal("""
        2026-01-05 gia deposit amount=30000
        2026-01-05 gia buy VUSA 100 @100
    """)
    (proposal,) = scan(alone, txns, replay(alone, txns, as_of=TODAY), UK_PRICES, TODAY)
    assert proposal.status == "no_replacement" and proposal.regime == "UK"
    assert "No replacement: every other security of the same class is bought" in (
        proposal.explanation)
    assert "substantially identical" not in proposal.explanation + rebuy.rationale


def test_a_canadian_harvest_without_a_replacement_names_identical_property() -> None:
    hh = household({"claire": "CA"}, {"cash": ("claire", "non_registered")},
                   securities={"XIC": None})
    hh = replace(hh, tax={"ca": {"claire": {"marginal_rate": 0.4341}}})
    txns = journal("""
        2026-01-05 cash deposit amount=30000
        2026-01-05 cash buy XIC 100 @100
    """)
    prices = PriceTable([Price(TODAY, "XIC", D(80))])
    (proposal,) = scan(hh, txns, replay(hh, txns, as_of=TODAY), prices, TODAY)
    assert proposal.status == "no_replacement"
    assert "every security of the same class that is not identical property" in (
        proposal.explanation)
