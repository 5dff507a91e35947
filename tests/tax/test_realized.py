"""Realized gains by tax unit and term (reportable disposals only); carryforwards year to year."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from lotwise.errors import InputError
from lotwise.io import load_household, read_transactions
from lotwise.ledger import replay
from lotwise.model.household import (
    Account,
    AccountType,
    FilingStatus,
    Household,
    Owner,
    TargetAllocation,
)
from lotwise.model.lots import Disposal, Term
from lotwise.tax.realized import carryforward_chain, realized

FIXTURES = Path(__file__).parent / "fixtures"
D = Decimal


def disposal(account: str, sold: str, gain: int, term: Term, reportable: bool = True) -> Disposal:
    day = date.fromisoformat(sold)
    return Disposal(
        txn_id=f"{account}-{sold}",
        lot_id="L",
        account=account,
        symbol="VTI",
        quantity=D(1),
        acquired=date(2020, 1, 1),
        holding_start=date(2020, 1, 1),
        sold=day,
        proceeds=D(0),
        basis=D(0),
        adjustment_code="",
        adjustment=D(0),
        gain=D(gain),
        term=term,
        reportable=reportable,
    )


def single(tax: dict[str, object] | None = None) -> Household:
    return Household(
        id="h",
        owners={"pat": Owner("pat", filing_status=FilingStatus.SINGLE)},
        accounts={
            "brokerage": Account("brokerage", "pat", AccountType.TAXABLE),
            "ira": Account("ira", "pat", AccountType.TRADITIONAL),
        },
        securities={},
        targets=TargetAllocation({"us": D(1)}),
        tax=tax or {},
    )


def test_sums_by_term_and_year_and_skips_what_is_not_reportable() -> None:
    hh = single()
    ds = [
        disposal("brokerage", "2025-01-02", -500, Term.SHORT),
        disposal("brokerage", "2025-03-02", 2_000, Term.LONG),
        disposal("brokerage", "2025-06-02", 300, Term.SHORT),
        disposal("brokerage", "2024-12-31", 9_999, Term.SHORT),  # another year
        disposal("ira", "2025-05-05", 7_000, Term.SHORT, reportable=False),
    ]
    assert realized(ds, hh, 2025) == {"pat": (D(-200), D(2_000))}


def test_every_unit_appears_even_without_disposals() -> None:
    hh = load_household(FIXTURES / "household.toml")
    assert realized([], hh, 2025) == {"alex+sam": (0, 0), "family_trust": (0, 0)}


def test_an_unknown_account_is_an_input_error() -> None:
    with pytest.raises(InputError, match="nowhere"):
        realized([disposal("nowhere", "2025-01-02", 1, Term.SHORT)], single(), 2025)


def test_replayed_fixture_maps_accounts_to_their_owners_units() -> None:
    hh = load_household(FIXTURES / "household.toml")
    txns = read_transactions(FIXTURES / "transactions.csv", hh, today=date(2025, 12, 31))
    book = replay(hh, txns, as_of=date(2025, 12, 31))
    assert realized(book.disposals, hh, 2024) == {
        "alex+sam": (D(-1_000), D(-2_500)),
        "family_trust": (0, 0),
    }
    # the Roth sale in 2025 is not reportable
    assert realized(book.disposals, hh, 2025) == {
        "alex+sam": (0, D(3_000)),
        "family_trust": (0, D(3_000)),
    }


def test_carryforwards_flow_from_year_to_year() -> None:
    """The worked example in lotwise.tax.realized."""
    hh = single({"years": {"2024": {"ordinary_income": 100_000}}})
    ds = [
        disposal("brokerage", "2024-05-01", -20_000, Term.SHORT),
        disposal("brokerage", "2025-05-01", 5_000, Term.LONG),
    ]
    rows = carryforward_chain(hh, ds, [2024, 2025, 2026])
    assert [(r.year, r.carry_in_short, r.carry_out_short) for r in rows] == [
        (2024, 0, 17_000),
        (2025, 17_000, 9_000),
        (2026, 9_000, 6_000),
    ]
    assert rows[1].result.sched.line16 == -12_000
    assert rows[2].profile_year == 2024  # no 2025/2026 profile: 2024's amounts


def test_first_year_carry_in_comes_from_the_profile_or_the_caller() -> None:
    hh = single({"years": {"2025": {"ordinary_income": 90_000, "carryforward_long": 4_000}}})
    rows = carryforward_chain(hh, [], [2025])
    assert (rows[0].carry_in_long, rows[0].carry_out_long) == (4_000, 1_000)
    rows = carryforward_chain(hh, [], [2025], carry_in={"pat": (D(500), D(0))})
    assert (rows[0].carry_in_short, rows[0].carry_in_long) == (500, 0)


def test_a_later_year_may_not_contradict_the_chained_carryforward() -> None:
    hh = single(
        {
            "years": {
                "2024": {"ordinary_income": 90_000, "carryforward_short": 10_000},
                "2025": {"ordinary_income": 90_000, "carryforward_short": 1},
            }
        }
    )
    with pytest.raises(InputError) as err:
        carryforward_chain(hh, [], [2024, 2025])
    assert err.value.problems[0].field == "tax.years.2025.carryforward_short"
    # agreeing with the chain (10,000 - 3,000) is fine
    hh_ok = single(
        {
            "years": {
                "2024": {"ordinary_income": 90_000, "carryforward_short": 10_000},
                "2025": {"ordinary_income": 90_000, "carryforward_short": 7_000},
            }
        }
    )
    assert carryforward_chain(hh_ok, [], [2024, 2025])[1].carry_in_short == 7_000


def test_years_must_be_consecutive() -> None:
    with pytest.raises(ValueError, match="consecutive"):
        carryforward_chain(single({"years": {"2024": {}}}), [], [2024, 2026])


def test_capital_gain_distributions_are_long_term_gains() -> None:
    """IRC §852(b)(3)(B); Schedule D line 13."""
    hh = single({"years": {"2025": {"ordinary_income": 90_000, "capital_gain_distributions": 800}}})
    ds = [disposal("brokerage", "2025-05-01", 200, Term.LONG)]
    row = carryforward_chain(hh, ds, [2025])[0]
    assert row.long_realized == 200
    assert row.result.sched.long_realized == 1_000
