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
from lotwise.withholding import foreign_tax_paid, parse_rules, rules, withholding_rate

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


def test_pairs_without_a_rule_have_no_rate() -> None:
    assert withholding_rate("US", "CA", "isa") is None
    assert withholding_rate("FR", "CA", "non_registered") is None


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
    lines = [(f.tax_year, f.creditable, f.dividends, f.withheld)
             for f in foreign_tax_paid(book, HH)]
    assert lines == [
        (2024, False, D(270), D("20.25")),  # RRSP and TFSA: nothing to credit
        (2024, True, D(135), D("20.25")),  # non-registered: T2209
        (2025, True, D(140), D("42.0")),  # 30 % without a W-8BEN: as the broker reported
    ]


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
