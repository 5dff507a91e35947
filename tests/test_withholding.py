"""Dividend withholding by source country, residence and account type, with its treaty, and
the foreign tax paid each year.

Sources: Canada-US Tax Convention Art. X(2)(b) (15 %) and Art. XXI(2) (pension trusts:
RRSP, RRIF exempt; a TFSA is not one); UK-US Convention Art. 10(2)(b) (15 %) and
Art. 10(3)(b) (pension schemes exempt); no UK tax at source on dividends; ITA s.126
(foreign tax credit), TIOPA 2010 s.18 (foreign tax credit relief).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from lotwise.errors import InputError
from lotwise.ledger import replay
from lotwise.withholding import (
    foreign_tax_paid,
    over_treaty,
    parse_rules,
    rules,
    withholding_rate,
)

from .regimes.households import household, journal

D = Decimal


@pytest.mark.parametrize(
    ("source", "residence", "account_type", "rate", "article"),
    [
        ("US", "CA", "non_registered", "0.15", "Art. X(2)(b)"),
        ("US", "CA", "rrsp", "0", "Art. XXI(2)"),
        ("US", "CA", "rrif", "0", "Art. XXI(2)"),
        ("US", "CA", "tfsa", "0.15", "Art. X(2)(b)"),
        ("US", "UK", "gia", "0.15", "Art. 10(2)(b)"),
        ("US", "UK", "isa", "0.15", "Art. 10(2)(b)"),
        ("US", "GB", "sipp", "0", "Art. 10(3)(b)"),
        ("GB", "CA", "tfsa", "0", "ITA 2007 Part 15"),
        ("CA", "CA", "tfsa", "0", "s.212(2)"),
        ("US", "US", "taxable", "0", "§1441"),
    ],
)
def test_treaty_rates_by_source_residence_and_account(
    source: str, residence: str, account_type: str, rate: str, article: str
) -> None:
    found = withholding_rate(source, residence, account_type)
    assert found is not None
    assert found.rate == D(rate)
    assert article in found.authority


TYPES = ("taxable", "traditional", "roth", "hsa", "non_registered", "rrsp", "rrif", "tfsa",
         "resp", "fhsa", "gia", "isa", "sipp")

# The rate withheld, per account type in the order of TYPES, for each source and residence,
# with words every authority of the pair cites.
MATRIX = {
    # US source: nothing to US persons and US plan trusts (§1441); RRSP/RRIF Art. XXI(2);
    # SIPP Art. 10(3)(b); TFSA/RESP/FHSA 15 % (not pension trusts)
    ("US", "US"): ("0 0 0 0 0 0 0 .15 .15 .15 0 0 0", "§1441"),
    ("US", "CA"): (".15 0 0 0 .15 0 0 .15 .15 .15 .15 .15 0", ""),
    ("US", "UK"): (".15 0 0 0 .15 0 0 .15 .15 .15 .15 .15 0", ""),
    # Canadian source: nothing to residents and Canadian plan trusts (s.212(2)); IRA and
    # Roth IRA Art. XXI(2); HSA 15 %; SIPP nil under the 2014 Supplementary Convention
    ("CA", "CA"): ("0 0 0 .15 0 0 0 0 0 0 0 0 0", ""),
    ("CA", "US"): (".15 0 0 .15 .15 0 0 0 0 0 .15 .15 0", ""),
    ("CA", "UK"): (".15 0 0 .15 .15 0 0 0 0 0 .15 .15 0", ""),
    # UK source: no tax at source
    ("UK", "US"): ("0 0 0 0 0 0 0 0 0 0 0 0 0", "ITA 2007 Part 15"),
    ("UK", "CA"): ("0 0 0 0 0 0 0 0 0 0 0 0 0", "ITA 2007 Part 15"),
    ("UK", "UK"): ("0 0 0 0 0 0 0 0 0 0 0 0 0", "ITA 2007 Part 15"),
}


@pytest.mark.parametrize(("source", "residence"), sorted(MATRIX))
def test_every_account_type_of_every_pair_has_its_rate(source: str, residence: str) -> None:
    rates, cites = MATRIX[(source, residence)]
    for account_type, rate in zip(TYPES, rates.split(), strict=True):
        found = withholding_rate(source, residence, account_type)
        assert found is not None, (source, residence, account_type)
        assert found.rate == D(rate), (source, residence, account_type, found.authority)
        assert cites in found.authority


def test_each_cell_is_covered_by_exactly_one_rule() -> None:
    for source in ("US", "CA"):
        for residence in ("US", "CA", "UK"):
            for account_type in TYPES:
                covering = [r for r in rules() if r.covers(source, residence, account_type)]
                assert len(covering) == 1, (source, residence, account_type, covering)


@pytest.mark.parametrize(
    ("source", "residence", "account_type", "cites"),
    [
        ("CA", "US", "roth", "Roth IRA"),  # CRA: a Roth IRA is a pension trust for XXI(2)
        ("CA", "US", "hsa", "uncertain"),  # an HSA is not: the higher rate, and it says so
        ("CA", "UK", "sipp", "21 July 2014"),  # the 2014 Supplementary Convention
        ("CA", "UK", "gia", "2003 Protocol"),
        ("US", "UK", "sipp", "Art. 10(3)(b)"),
        ("US", "CA", "rrsp", "Art. XXI(2)"),
        ("US", "CA", "hsa", "§223(e)"),  # a US trust: no US withholding whoever owns it
        ("US", "US", "tfsa", "uncertain"),
    ],
)
def test_rules_cite_the_article_that_decides_them(
    source: str, residence: str, account_type: str, cites: str
) -> None:
    found = withholding_rate(source, residence, account_type)
    assert found is not None and cites in found.authority


def test_treaty_rates_record_the_statutory_rate_without_the_claim() -> None:
    us = withholding_rate("US", "CA", "tfsa")
    ca = withholding_rate("CA", "UK", "gia")
    assert us is not None and us.statutory == D("0.30")  # IRC §871(a), §1441
    assert ca is not None and ca.statutory == D("0.25")  # ITA s.212(2)


def test_pairs_without_a_rule_have_no_rate() -> None:
    assert withholding_rate("FR", "CA", "non_registered") is None
    assert withholding_rate("US", "FR", "taxable") is None


def test_every_rule_cites_its_authority_and_the_table_is_checked() -> None:
    assert all(rule.authority.strip() for rule in rules())
    with pytest.raises(ValueError, match="without its authority"):
        parse_rules({"format_version": 1, "rule": [
            {"source": "US", "residence": "CA", "account_types": ["*"], "rate": 0.1,
             "authority": " "}]})


HH = household(
    {"claire": "CA"},
    {"cash": ("claire", "non_registered"), "rrsp": ("claire", "rrsp"),
     "tfsa": ("claire", "tfsa")},
    securities={"VTI": None}, currencies={"VTI": "USD"}, base="CAD",
)


def test_dividends_carry_the_treaty_rate_and_foreign_tax_is_summed_per_year() -> None:
    book = replay(HH, journal("""
        2024-01-02 cash buy VTI 10 @200 fx=1.35
        2024-01-02 rrsp buy VTI 10 @200 fx=1.35
        2024-01-02 tfsa buy VTI 10 @200 fx=1.35
        2024-03-27 cash dividend VTI amount=100 source=US fx=1.35
        2024-03-27 rrsp dividend VTI amount=100 source=US fx=1.35
        2024-03-27 tfsa dividend VTI amount=100 source=US fx=1.35
        2025-03-27 cash dividend VTI amount=100 source=US withholding=30 fx=1.40
    """))
    withheld = {(e.account, e.date.year): e.withholding for e in book.cash_events
                if e.action == "dividend"}
    assert withheld == {("cash", 2024): D("20.25"), ("rrsp", 2024): 0,
                        ("tfsa", 2024): D("20.25"), ("cash", 2025): D("42.0")}
    assert book.cash["tfsa"] == D("135") - D("20.25") - D(2700)
    lines = [(f.tax_year, f.taxable_account, f.dividends, f.withheld, f.creditable,
              f.reclaimable, f.lost)
             for f in foreign_tax_paid(book, HH)]
    assert lines == [
        # RRSP and TFSA: nothing to credit, the TFSA's 15 % lost
        (2024, False, D(270), D("20.25"), 0, 0, D("20.25")),
        (2024, True, D(135), D("20.25"), D("20.25"), 0, 0),  # non-registered: T2209
        # 30 % without a W-8BEN: 15 % (C$21) creditable, 15 % reclaimable from the IRS
        (2025, True, D(140), D("42.0"), D("21.0"), D("21.0"), 0),
    ]


def test_tax_over_the_treaty_rate_is_reclaimable_in_any_account() -> None:
    """30 % withheld in a TFSA whose treaty rate is 15 %: 15 % lost, 15 % reclaimable."""
    book = replay(HH, journal("""
        2024-01-02 tfsa buy VTI 10 @200 fx=1.35
        2024-03-27 tfsa dividend VTI amount=100 source=US withholding=30 fx=1.40
    """))
    [line] = foreign_tax_paid(book, HH)
    assert (line.creditable, line.reclaimable, line.lost) == (0, D("21.0"), D("21.0"))
    assert D(str(line.to_json()["reclaimable"])) == 21


@pytest.mark.parametrize(
    ("withheld", "excess"),
    [("15", "0"), ("15.4", "0"), ("15.6", "0.6"), ("30", "15"), ("10", "0")],
)
def test_over_treaty_tolerates_the_payers_rounding(withheld: str, excess: str) -> None:
    assert over_treaty(D(100), D(withheld), D("0.15")) == D(excess)


def test_uk_residents_foreign_tax_falls_in_the_uk_tax_year() -> None:
    hh = household({"olivia": "UK"}, {"gia": ("olivia", "gia")}, securities={"VTI": None},
                   currencies={"VTI": "USD"}, base="GBP")
    book = replay(hh, journal("""
        2025-01-02 gia buy VTI 10 @200 fx=0.8
        2025-04-05 gia dividend VTI amount=10 source=US fx=0.8
        2025-04-06 gia dividend VTI amount=10 source=US fx=0.8
    """))
    years = [(f.tax_year, f.withheld) for f in foreign_tax_paid(book, hh)]
    assert years == [(2024, D("1.2")), (2025, D("1.2"))]


def test_a_dividend_with_no_rule_needs_its_withholding() -> None:
    hh = household({"me": "CA"}, {"cash": ("me", "non_registered")}, securities={"X": None})
    with pytest.raises(InputError, match="no withholding rate for a dividend from FR"):
        replay(hh, journal("""
            2024-01-02 cash buy X 1 @10
            2024-03-27 cash dividend X amount=1 source=FR
        """))
