"""Which foreign wrappers each residence recognizes (lotwise/data/wrappers.toml)."""

from __future__ import annotations

import pytest

from lotwise.model.household import Account, AccountType, Household, Owner, TargetAllocation
from lotwise.model.wrappers import DEFERRED, EXEMPT, TAXABLE, recognition, table, treated_as

RESIDENCES = ("US", "CA", "UK")


@pytest.mark.parametrize("residence", RESIDENCES)
@pytest.mark.parametrize("kind", list(AccountType))
def test_every_residence_and_type_resolves_with_an_authority(residence: str,
                                                             kind: AccountType) -> None:
    found = recognition(residence, kind)
    assert found.treatment in (TAXABLE, DEFERRED, EXEMPT)
    assert found.authority.strip()
    assert found.own is (kind.jurisdiction == residence)
    if not found.own:
        assert (residence, kind.value) in table()


def test_the_table_has_a_row_for_every_foreign_type_and_no_more() -> None:
    expected = {(r, t.value) for r in RESIDENCES for t in AccountType if t.jurisdiction != r}
    assert set(table()) == expected


def test_uncertain_rows_take_the_treatment_that_taxes() -> None:
    uncertain = [row for row in table().values() if row.uncertain]
    assert uncertain and all(row.treatment == TAXABLE for row in uncertain)
    assert all("uncertain" in row.authority for row in uncertain)


@pytest.mark.parametrize(("residence", "kind", "expected"), [
    # US residents: RRSP/RRIF deferred (Canada-US Art. XVIII(7)), SIPP deferred (UK-US
    # Art. 18(1)); TFSA, RESP, FHSA and ISA taxed as a US taxable account
    ("US", "rrsp", "rrsp"), ("US", "rrif", "rrif"), ("US", "sipp", "sipp"),
    ("US", "tfsa", "taxable"), ("US", "resp", "taxable"), ("US", "fhsa", "taxable"),
    ("US", "isa", "taxable"), ("US", "gia", "gia"), ("US", "non_registered", "non_registered"),
    # Canadian residents: IRA/401(k) deferred (s.248(1), Reg. 6803), Roth exempt with the
    # Art. XVIII(7) election; HSA, ISA and SIPP (CRA 2014-0553001E5) non-registered
    ("CA", "traditional", "traditional"), ("CA", "roth", "roth"),
    ("CA", "hsa", "non_registered"), ("CA", "isa", "non_registered"),
    ("CA", "sipp", "non_registered"),
    # UK residents: US pension schemes (UK-US Art. 17, 18) keep their shelter; HSA and the
    # Canadian plans are taxed as a GIA
    ("UK", "traditional", "traditional"), ("UK", "roth", "roth"), ("UK", "hsa", "gia"),
    ("UK", "tfsa", "gia"), ("UK", "resp", "gia"), ("UK", "fhsa", "gia"),
    ("UK", "rrsp", "gia"), ("UK", "rrif", "gia"),
])
def test_treated_as(residence: str, kind: str, expected: str) -> None:
    assert treated_as(residence, AccountType(kind)) is AccountType(expected)


def test_roth_row_for_a_canadian_names_the_treaty_election() -> None:
    assert "election" in recognition("CA", AccountType.ROTH).authority


@pytest.mark.parametrize("kind", list(AccountType))
def test_own_country_accounts_keep_their_type(kind: AccountType) -> None:
    assert treated_as(kind.jurisdiction, kind) is kind
    assert treated_as("GB" if kind.jurisdiction == "UK" else kind.jurisdiction, kind) is kind


def _household(residence: str, kind: str) -> Household:
    return Household(
        id="h", owners={"o": Owner("o", tax_residence=residence)},
        accounts={"a": Account("a", "o", AccountType(kind))},
        securities={}, targets=TargetAllocation({}),
    )


def test_household_load_sets_the_treatment_of_each_account() -> None:
    account = _household("US", "tfsa").accounts["a"]
    assert account.type is AccountType.TFSA  # the type as written: words, withholding
    assert account.jurisdiction == "CA"
    assert account.is_taxable and not account.is_tax_exempt and not account.is_tax_deferred
    ira = _household("UK", "roth").accounts["a"]
    assert ira.is_tax_exempt and not ira.is_taxable
    rrsp = _household("US", "rrsp").accounts["a"]
    assert rrsp.is_tax_deferred and not rrsp.is_taxable


def test_household_lists_the_wrappers_that_lose_their_shelter() -> None:
    (found,) = _household("CA", "isa").unsheltered()
    account, seen = found
    assert account.id == "a" and seen.loses_shelter and seen.treatment == TAXABLE
    assert _household("CA", "traditional").unsheltered() == []
    assert _household("US", "gia").unsheltered() == []  # ordinary anywhere
    assert _household("UK", "isa").unsheltered() == []
