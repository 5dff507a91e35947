"""The regime of each owner and the loss rule the planner obeys.

US: IRC §1091, Pub 550 (self and spouse, any account), Rev. Rul. 2008-5 (IRA: lost).
Canada: ITA s.54, s.251.1 (self, spouse, controlled corporations, their plans; registered
plans: lost), s.54(b) (still held at the end).  UK: TCGA s.105, s.106A (the person alone,
same day and the next 30 days, gains too), ISA Regulations 1998 reg. 34 (bed and ISA).
"""

from __future__ import annotations

from datetime import date

import pytest

from lotwise.errors import InputError
from lotwise.model import Owner
from lotwise.model.household import AccountType
from lotwise.regimes import regime_code, regime_for, sub_household

from .households import household

MIXED = household(
    {"ann": "US", "ben": "CA", "cora": "CA", "co": "CA", "dee": "UK", "ed": "UK"},
    {
        "ann_taxable": ("ann", "taxable"),
        "ann_ira": ("ann", "traditional"),
        "ben_cash": ("ben", "non_registered"),
        "ben_rrsp": ("ben", "rrsp"),
        "cora_cash": ("cora", "non_registered"),
        "cora_tfsa": ("cora", "tfsa"),
        "co_cash": ("co", "non_registered"),
        "dee_gia": ("dee", "gia"),
        "dee_isa": ("dee", "isa"),
        "dee_sipp": ("dee", "sipp"),
        "ed_gia": ("ed", "gia"),
    },
    spouses=("ben", "cora"),
    affiliates={"co": ("ben",)},
)


def test_the_us_wash_sale_rule() -> None:
    rule = regime_for(MIXED, "ann").loss_rule()
    assert (rule.regime, rule.kind, rule.days_before, rule.days_after) == (
        "US", "wash_sale", 30, 30)
    assert rule.counts("ann_ira") and rule.is_permanent("ann_ira")
    assert rule.counts("ann_taxable") and not rule.is_permanent("ann_taxable")
    assert not rule.must_hold_after and not rule.applies_to_gains
    assert "§1091" in rule.authority


def test_the_canadian_superficial_loss_rule_reaches_affiliates_and_their_plans() -> None:
    rule = regime_for(MIXED, "ben").loss_rule()
    assert (rule.kind, rule.days_before, rule.days_after) == ("superficial_loss", 30, 30)
    assert rule.owners == {"ben", "cora", "co"}
    assert {"cora_tfsa", "cora_cash", "co_cash", "ben_rrsp"} <= rule.accounts
    assert rule.permanent_accounts == {"ben_rrsp", "cora_tfsa"}
    assert rule.must_hold_after and rule.identical == "group"
    assert regime_for(MIXED, "co").loss_rule().owners == {"co", "ben"}


def test_the_uk_rule_is_the_person_alone_in_accounts_within_cgt() -> None:
    rule = regime_for(MIXED, "dee").loss_rule()
    assert (rule.kind, rule.days_before, rule.days_after) == ("bed_and_breakfast", 0, 30)
    assert rule.owners == {"dee"} and rule.accounts == {"dee_gia"}
    assert not rule.counts("dee_isa") and not rule.counts("dee_sipp")  # bed and ISA
    assert not rule.counts("ed_gia")
    assert rule.permanent_accounts == frozenset() and rule.applies_to_gains
    assert rule.identical == "symbol"
    assert rule.account_types == {AccountType.GIA}  # the types of the accounts counted
    assert rule.in_window(date(2025, 3, 28), date(2025, 4, 27))
    assert not rule.in_window(date(2025, 3, 28), date(2025, 4, 28))
    assert not rule.in_window(date(2025, 3, 28), date(2025, 3, 27))


def test_currencies_tax_years_and_relief() -> None:
    us, ca, uk = (regime_for(MIXED, o) for o in ("ann", "ben", "dee"))
    assert (us.currency, ca.currency, uk.currency) == ("USD", "CAD", "GBP")
    assert uk.tax_year(date(2025, 4, 5)) == 2024 and uk.tax_year(date(2025, 4, 6)) == 2025
    assert uk.tax_year_span(2024) == (date(2024, 4, 6), date(2025, 4, 5))
    assert uk.tax_year_label(2024) == "2024-25" and ca.tax_year_label(2024) == "2024"
    assert ca.tax_year(date(2025, 4, 5)) == 2025
    assert ca.relief_methods == ("average",) and uk.relief_methods == ("share_matching",)
    assert "fifo" in us.relief_methods and us.has_holding_period
    assert not ca.has_holding_period and not uk.has_holding_period


def test_withholding_is_asked_of_the_regime() -> None:
    ben = regime_for(MIXED, "ben")
    rrsp = MIXED.accounts["ben_rrsp"]
    found = ben.withholding("US", rrsp)
    assert found is not None and found.rate == 0


def test_account_types_know_their_country_and_taxability() -> None:
    taxable = {t for t in AccountType if t.is_taxable}
    assert taxable == {AccountType.TAXABLE, AccountType.NON_REGISTERED, AccountType.GIA}
    assert MIXED.accounts["dee_isa"].jurisdiction == "UK"
    assert MIXED.accounts["ben_rrsp"].jurisdiction == "CA"
    assert AccountType.RRSP.is_tax_deferred and AccountType.TFSA.is_tax_exempt


def test_an_unknown_residence_has_no_regime() -> None:
    with pytest.raises(InputError, match="no tax regime for residence 'FR'"):
        regime_code(Owner("x", tax_residence="FR"))
    assert regime_code(Owner("x", tax_residence="GB")) == "UK"


def test_sub_household_keeps_one_regime_and_its_own_tax_tables() -> None:
    from dataclasses import replace

    hh = replace(MIXED, tax={"state_rate": 0.05, "ca": {"ben": {}}, "uk": {},
                             "years": {2025: {"ann": {"ordinary_income": 1}, "ben": {}}}})
    us = sub_household(hh, "US")
    assert set(us.owners) == {"ann"} and set(us.accounts) == {"ann_taxable", "ann_ira"}
    assert us.tax == {"state_rate": 0.05, "years": {2025: {"ann": {"ordinary_income": 1}}}}
    ca = sub_household(hh, "CA")
    assert ca.owners["ben"].spouse == "cora" and ca.owners["ben"].affiliates == ()
