"""The household [tax] table: tax units, settings and yearly profiles, and its error messages."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from lotwise.errors import InputError
from lotwise.io import load_household
from lotwise.model.household import (
    Account,
    AccountType,
    FilingStatus,
    Household,
    Owner,
    TargetAllocation,
)
from lotwise.tax.federal import StateMode
from lotwise.tax.profile import parse_tax_profile, tax_units, unit_key_of

FIXTURES = Path(__file__).parent / "fixtures"
D = Decimal


def household(tax: dict[str, Any], *, joint: bool = True, separate: bool = False) -> Household:
    owners = {
        "alex": Owner(
            "alex",
            spouse="sam",
            filing_status=FilingStatus.MARRIED_SEPARATE if separate else FilingStatus.MARRIED_JOINT,
        ),
        "sam": Owner(
            "sam",
            spouse="alex",
            filing_status=FilingStatus.MARRIED_SEPARATE if separate else FilingStatus.MARRIED_JOINT,
        ),
    }
    if not joint:
        owners = {"alex": Owner("alex")}
    return Household(
        id="h",
        owners=owners,
        accounts={"t": Account("t", "alex", AccountType.TAXABLE)},
        securities={},
        targets=TargetAllocation({"us": D(1)}),
        tax=tax,
    )


def test_fixture_household_has_a_joint_unit_and_a_trust() -> None:
    hh = load_household(FIXTURES / "household.toml")
    units = tax_units(hh)
    assert [(u.key, u.members, u.status) for u in units] == [
        ("alex+sam", ("alex", "sam"), FilingStatus.MARRIED_JOINT),
        ("family_trust", ("family_trust",), FilingStatus.TRUST),
    ]
    joint, trust = units
    assert joint.settings.state_rate == D("0.05")
    assert joint.settings.state_mode is StateMode.MARGINAL
    assert trust.settings.state_rate == 0  # [tax.units.family_trust] override
    assert trust.settings.trust_exemption == 100


def test_a_year_table_may_name_the_unit_by_a_member() -> None:
    hh = load_household(FIXTURES / "household.toml")
    profile = parse_tax_profile(hh)
    p2024 = profile.profile_for("alex+sam", 2024)
    assert p2024.ordinary_income == 180_000
    assert p2024.carryforward_short == 2_000 and p2024.carryforward_long is None


def test_a_year_without_a_profile_uses_the_latest_earlier_one_without_carryforwards() -> None:
    hh = load_household(FIXTURES / "household.toml")
    profile = parse_tax_profile(hh)
    trust2025 = profile.profile_for("family_trust", 2025)
    assert trust2025.year == 2024 and trust2025.interest == 5_000
    joint2026 = profile.profile_for("alex+sam", 2026)
    assert joint2026.year == 2025 and joint2026.carryforward_short is None


def test_no_profile_at_all_is_an_input_error_saying_what_to_add() -> None:
    hh = household({})
    with pytest.raises(InputError) as err:
        parse_tax_profile(hh).profile_for("alex+sam", 2025)
    assert "[tax.years.2025]" in err.value.problems[0].fix


def test_single_unit_household_gives_amounts_directly() -> None:
    hh = household({"years": {"2025": {"ordinary_income": 50_000, "interest": "1,200.50"}}})
    p = parse_tax_profile(hh).profile_for("alex+sam", 2025)
    assert p.ordinary_income == 50_000 and p.interest == D("1200.50")


def test_ordinary_dividends_default_to_the_qualified_ones() -> None:
    hh = household({"years": {"2025": {"qualified_dividends": 3_000}}})
    p = parse_tax_profile(hh).profile_for("alex+sam", 2025)
    assert p.ordinary_dividends == 3_000


def test_spouses_filing_separately_are_two_units_keyed_by_owner() -> None:
    hh = household({}, separate=True)
    assert [u.key for u in tax_units(hh)] == ["alex", "sam"]
    assert unit_key_of(hh, "alex") == "alex"
    assert unit_key_of(household({}), "sam") == "alex+sam"


def test_every_problem_is_reported_at_once_with_its_path_and_fix() -> None:
    hh = household(
        {
            "state_rate": 5,
            "state_mode": "flat",
            "loss_carryforward_discount": 1.5,
            "colour": "blue",
            "years": {
                "2025": {
                    "ordinary_income": "lots",
                    "qualified_dividends": 10,
                    "ordinary_dividends": 5,
                },
                "twenty": {},
            },
        }
    )
    with pytest.raises(InputError) as err:
        parse_tax_profile(hh)
    fields = {p.field for p in err.value.problems}
    assert {
        "tax.state_rate",
        "tax.state_mode",
        "tax.loss_carryforward_discount",
        "tax.colour",
        "tax.years.2025.ordinary_income",
        "tax.years.twenty",
    } <= fields
    for problem in err.value.problems:
        assert problem.fix and problem.source.file == "household.toml"


def test_qualified_dividends_cannot_exceed_ordinary_dividends() -> None:
    hh = household({"years": {"2025": {"qualified_dividends": 10, "ordinary_dividends": 5}}})
    with pytest.raises(InputError, match="qualified dividends"):
        parse_tax_profile(hh)


def test_negative_amounts_are_errors_except_ordinary_income() -> None:
    hh = household({"years": {"2025": {"interest": -1, "ordinary_income": -5_000}}})
    with pytest.raises(InputError) as err:
        parse_tax_profile(hh)
    assert [p.field for p in err.value.problems] == ["tax.years.2025.interest"]


def test_several_units_need_per_unit_tables() -> None:
    hh = household({"years": {"2025": {"ordinary_income": 1}}}, separate=True)
    with pytest.raises(InputError) as err:
        parse_tax_profile(hh)
    assert "alex, sam" in err.value.problems[0].fix


def test_unknown_unit_names_the_known_ones() -> None:
    hh = household({"years": {"2025": {"carol": {"ordinary_income": 1}}}})
    with pytest.raises(InputError) as err:
        parse_tax_profile(hh)
    assert "alex+sam" in err.value.problems[0].fix


def test_spouses_must_agree_on_filing_jointly() -> None:
    hh = Household(
        id="h",
        owners={
            "alex": Owner("alex", spouse="sam", filing_status=FilingStatus.MARRIED_JOINT),
            "sam": Owner("sam", spouse="alex", filing_status=FilingStatus.MARRIED_SEPARATE),
        },
        accounts={},
        securities={},
        targets=TargetAllocation({"us": D(1)}),
    )
    with pytest.raises(InputError, match="married_joint"):
        tax_units(hh)
