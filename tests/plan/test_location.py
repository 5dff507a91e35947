"""Asset location for every country's accounts: tax-deferred, deducted-in-free-out,
tax-free and taxable, with withholding at source moving a foreign security out of the
wrappers where it is lost, and the household's own ``[policy] location`` winning."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from lotwise.ledger import replay
from lotwise.model import AccountType, Household, Price, TargetAllocation
from lotwise.model.prices import PriceTable
from lotwise.plan import PlanOptions, make_plan
from lotwise.plan.location import (
    DEDUCTED_AND_FREE,
    DEFERRED,
    TAX_FREE,
    TAXABLE,
    character,
    location,
)

from ..regimes.households import D, household, journal

TODAY = date(2026, 11, 20)


def test_every_account_type_has_its_tax_character() -> None:
    expected = {
        "taxable": TAXABLE, "non_registered": TAXABLE, "gia": TAXABLE,
        "traditional": DEFERRED, "rrsp": DEFERRED, "rrif": DEFERRED, "resp": DEFERRED,
        "sipp": DEFERRED,
        "hsa": DEDUCTED_AND_FREE, "fhsa": DEDUCTED_AND_FREE,
        "roth": TAX_FREE, "tfsa": TAX_FREE, "isa": TAX_FREE,
    }
    assert {kind.value: character(kind) for kind in AccountType} == expected


def _with_classes(hh: Household, classes: dict[str, str], targets: dict[str, str],
                  **securities: dict[str, object]) -> Household:
    return replace(
        hh,
        securities={s: replace(sec, asset_class=classes[s], **securities.get(s, {}))
                    for s, sec in hh.securities.items()},
        targets=TargetAllocation({c: D(w) for c, w in targets.items()}),
    )


# Claire (Canada): an RRSP and a TFSA with C$10,000 each, to invest half in VTI (US
# dividends; no yield known) and half in XIC.
CLAIRE = _with_classes(
    replace(household({"claire": "CA"}, {"rrsp": ("claire", "rrsp"),
                                         "tfsa": ("claire", "tfsa")},
                      securities={"VTI": None, "XIC": None}),
            tax={"ca": {"claire": {"marginal_rate": "0.4341"}}}),
    {"VTI": "us", "XIC": "canada"}, {"us": "0.5", "canada": "0.5"},
    VTI={"source_country": "US"}, XIC={"source_country": "CA"},
)
CLAIRE_JOURNAL = journal("""
    2026-01-05 rrsp deposit amount=10000
    2026-01-05 tfsa deposit amount=10000
""")
CLAIRE_PRICES = PriceTable([Price(TODAY, "VTI", D(100)), Price(TODAY, "XIC", D(40))])


def test_a_canadian_plan_puts_us_equity_in_the_rrsp_before_the_tfsa() -> None:
    book = replay(CLAIRE, CLAIRE_JOURNAL, as_of=TODAY)
    plan = make_plan(CLAIRE, CLAIRE_JOURNAL, book, CLAIRE_PRICES, TODAY,
                     PlanOptions(rebalance_to="target"))
    assert plan.verification.ok, plan.verification.problems
    bought = {(t.account, t.symbol) for t in plan.trades if t.action == "buy"}
    # Both are growth classes, which prefer the TFSA; but US dividends lose 15 % there
    # for good (Canada-US Convention Art. X(2)(b)) and nothing in the RRSP (Art. XXI(2))
    assert bought == {("rrsp", "VTI"), ("tfsa", "XIC")}


def test_withholding_moves_an_account_behind_those_where_nothing_is_lost() -> None:
    classes = ["us", "canada", "cash"]
    where = location(CLAIRE, classes, {"VTI": "US", "XIC": "CA"})
    assert where.cost(0, "tfsa", "XIC") < where.cost(0, "rrsp", "XIC")  # growth: tax-free
    assert where.cost(0, "rrsp", "VTI") < where.cost(0, "tfsa", "VTI")  # withholding lost
    unknown = location(CLAIRE, classes, {})  # no source known: no withholding ranks
    assert unknown.cost(0, "tfsa", "VTI") < unknown.cost(0, "rrsp", "VTI")
    assert where.cost(2, "tfsa", "VTI") == where.cost(2, "rrsp", "VTI") == 0.0  # cash


# Olivia (UK): a GIA with £10,000, an ISA and a SIPP with £5,000 each; half in gilts, half
# in a world equity fund.
OLIVIA = _with_classes(
    replace(household({"olivia": "UK"}, {"gia": ("olivia", "gia"), "isa": ("olivia", "isa"),
                                         "sipp": ("olivia", "sipp")},
                      securities={"IGLT": None, "VWRL": None}),
            tax={"uk": {"olivia": {"taxable_income": 52000}}}),
    {"IGLT": "bonds", "VWRL": "global"}, {"bonds": "0.5", "global": "0.5"},
)
OLIVIA_JOURNAL = journal("""
    2026-05-05 gia deposit amount=10000
    2026-05-05 isa deposit amount=5000
    2026-05-05 sipp deposit amount=5000
""")
OLIVIA_PRICES = PriceTable([Price(TODAY, "IGLT", D(10)), Price(TODAY, "VWRL", D(100))])


def _bought(hh: Household) -> dict[tuple[str, str], D]:
    book = replay(hh, OLIVIA_JOURNAL, as_of=TODAY)
    plan = make_plan(hh, OLIVIA_JOURNAL, book, OLIVIA_PRICES, TODAY,
                     PlanOptions(rebalance_to="target"))
    assert plan.verification.ok, plan.verification.problems
    # (the spread leaves a pound or two of each account's cash to a small top-up purchase)
    return {(t.account, t.symbol): t.value for t in plan.trades
            if t.action == "buy" and t.value > 100}


def test_a_uk_plan_puts_bonds_in_the_sipp_and_isa_not_the_gia() -> None:
    bought = _bought(OLIVIA)
    assert ("gia", "IGLT") not in bought
    assert set(bought) == {("sipp", "IGLT"), ("isa", "IGLT"), ("gia", "VWRL")}


def test_with_only_an_isa_and_a_gia_bonds_take_the_isa() -> None:
    # Equity would rather be in the ISA too, but bond interest in a GIA is taxed every year
    # at income rates: the stronger claim.
    hh = replace(OLIVIA, accounts={a: acct for a, acct in OLIVIA.accounts.items()
                                   if a != "sipp"})
    journal_without_sipp = [t for t in OLIVIA_JOURNAL if t.account != "sipp"]
    book = replay(hh, journal_without_sipp, as_of=TODAY)
    plan = make_plan(hh, journal_without_sipp, book, OLIVIA_PRICES, TODAY,
                     PlanOptions(rebalance_to="target"))
    bought = {(t.account, t.symbol) for t in plan.trades if t.action == "buy"}
    assert ("isa", "IGLT") in bought and ("isa", "VWRL") not in bought


def test_the_households_own_location_policy_still_wins() -> None:
    extra = {"location": {"bonds": ["gia", "isa", "sipp"], "global": ["sipp", "isa", "gia"]}}
    hh = replace(OLIVIA, policy=replace(OLIVIA.policy, extra=extra))
    bought = _bought(hh)
    assert set(bought) == {("gia", "IGLT"), ("sipp", "VWRL"), ("isa", "VWRL")}
