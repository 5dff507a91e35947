"""Funds whose gains the owner's country taxes as income are not bought, or swapped into,
in that owner's taxable accounts while another fund of the class will do: a US resident's
PFIC (IRC §1291, §1297) and a UK resident's offshore fund without reporting status
(SI 2009/3001 regs. 17, 18)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from lotwise.ledger import replay
from lotwise.model import Price, TargetAllocation
from lotwise.model.household import Household
from lotwise.model.prices import PriceTable
from lotwise.plan import PlanOptions, make_plan
from lotwise.plan.harvest import scan
from lotwise.plan.penal_funds import UK_OFFSHORE, US_PFIC, penalty

from ..regimes.households import D, household, journal

TODAY = date(2026, 11, 20)
PRICES = PriceTable([Price(TODAY, "VOO", D(80)), Price(TODAY, "CSPX", D(20)),
                     Price(TODAY, "VTI", D(19))])


def us_household(**pfic: bool) -> Household:
    hh = household({"ann": "US"}, {"brokerage": ("ann", "taxable"), "ira": ("ann", "traditional")},
                   securities={"VOO": "sp500", "CSPX": "sp500-ucits", "VTI": None})
    return replace(hh, targets=TargetAllocation({"equity": D(1)}),
                   tax={"years": {"2026": {"ordinary_income": 150000}}}, securities={
        s: replace(sec, us_pfic=pfic.get(s, False)) for s, sec in hh.securities.items()})


def test_a_pfic_is_penalised_only_in_a_us_residents_taxable_account() -> None:
    hh = us_household(CSPX=True)
    cspx = hh.securities["CSPX"]
    assert penalty(hh, hh.accounts["brokerage"], cspx) == US_PFIC
    # Treas. Reg. §1.1291-1(e); Notice 2014-28: not through an IRA
    assert penalty(hh, hh.accounts["ira"], cspx) is None
    assert penalty(hh, hh.accounts["brokerage"], hh.securities["VOO"]) is None
    # a UK resident's GIA: the US flag means nothing, the UK one does
    uk = household({"olivia": "UK"}, {"gia": ("olivia", "gia")}, securities={"CSPX": None})
    flagged = replace(uk.securities["CSPX"], us_pfic=True)
    assert penalty(uk, uk.accounts["gia"], flagged) is None
    assert penalty(uk, uk.accounts["gia"], replace(flagged, uk_reporting_fund=False)) == (
        UK_OFFSHORE)


def test_a_us_plan_buys_no_pfic_in_a_taxable_account_while_another_fund_will_do() -> None:
    hh = us_household(CSPX=True)
    txns = journal("""
        2026-01-05 brokerage deposit amount=30000
        2026-01-05 ira deposit amount=5000
    """)
    plan = make_plan(hh, txns, replay(hh, txns, as_of=TODAY), PRICES, TODAY,
                     PlanOptions(rebalance_to="target"))
    assert plan.verification.ok, plan.verification.problems
    bought = {(t.account, t.symbol) for t in plan.trades if t.action == "buy"}
    assert bought and ("brokerage", "CSPX") not in bought
    assert (f"CSPX is not bought in brokerage: {US_PFIC}; it may buy VOO or VTI of the same "
            "class instead") in plan.notes
    assert not any(n.startswith("CSPX is not bought in ira") for n in plan.notes)
    # without the flag, CSPX (the cheapest per share here) is a candidate like any other
    unflagged = us_household()
    plan = make_plan(unflagged, txns, replay(unflagged, txns, as_of=TODAY), PRICES, TODAY,
                     PlanOptions(rebalance_to="target"))
    assert not any("passive foreign investment company" in n for n in plan.notes)


def test_a_us_harvest_never_swaps_into_a_pfic() -> None:
    txns = journal("""
        2026-01-05 brokerage deposit amount=30000
        2026-01-05 brokerage buy VOO 100 @100
    """)
    prices = PriceTable([Price(TODAY, "VOO", D(80)), Price(TODAY, "CSPX", D(20))])
    only_pfic = replace(us_household(CSPX=True), securities={
        s: v for s, v in us_household(CSPX=True).securities.items() if s != "VTI"})
    (proposal,) = scan(only_pfic, txns, replay(only_pfic, txns, as_of=TODAY), prices, TODAY)
    assert proposal.replacement is None and proposal.not_offered == ("CSPX",)
    assert ("CSPX, the other security of its class, is not offered: it is a passive foreign "
            "investment company") in proposal.explanation
    plain = replace(only_pfic, securities={
        s: replace(v, us_pfic=False) for s, v in only_pfic.securities.items()})
    (proposal,) = scan(plain, txns, replay(plain, txns, as_of=TODAY), prices, TODAY)
    assert proposal.replacement == "CSPX" and proposal.not_offered == ()
