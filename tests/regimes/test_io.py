"""The household keys and transaction columns of the Canadian and UK regimes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lotwise.errors import InputError
from lotwise.io import parse_household, parse_transactions
from lotwise.io.transactions_csv import content_id
from lotwise.model.household import AccountType

TODAY = date(2026, 11, 20)
HOUSEHOLD = """\
format_version = 1
id = "gagnon"
base_currency = "CAD"

[owners.claire]
tax_residence = "CA"
spouse = "marc"
affiliates = ["holdco"]

[owners.marc]
tax_residence = "CA"
spouse = "claire"

[owners.holdco]
name = "Claire's holding company"
tax_residence = "CA"

[owners.olivia]
tax_residence = "GB"

[accounts.claire_cash]
owner = "claire"
type = "non_registered"

[accounts.claire_usd]
owner = "claire"
type = "non_registered"
currency = "USD"

[accounts.claire_tfsa]
owner = "claire"
type = "tfsa"

[accounts.claire_ira]
owner = "claire"
type = "traditional"

[accounts.olivia_isa]
owner = "olivia"
type = "isa"

[securities.XIC]
asset_class = "canada"

[securities.VTI]
asset_class = "canada"
currency = "USD"

[targets]
canada = 1
"""


def test_canadian_and_uk_owners_and_account_types_are_read() -> None:
    hh = parse_household(HOUSEHOLD, "household.toml")
    assert hh.owners["claire"].tax_residence == "CA"
    assert hh.owners["olivia"].tax_residence == "UK"  # GB is the UK
    assert hh.owners["claire"].affiliates == ("holdco",)
    assert hh.accounts["claire_tfsa"].type is AccountType.TFSA
    assert hh.accounts["claire_ira"].jurisdiction == "US"  # a US IRA kept by a Canadian
    assert hh.accounts["claire_usd"].currency == "USD"


def test_a_wrong_type_is_told_the_types_of_the_owners_country() -> None:
    with pytest.raises(InputError) as caught:
        parse_household(HOUSEHOLD.replace('type = "tfsa"', 'type = "tfs"'), "h.toml")
    (problem,) = caught.value.problems
    assert problem.field == "accounts.claire_tfsa.type"
    assert "(did you mean 'tfsa'?)" in problem.message
    assert problem.fix == "use one of: non_registered, rrsp, rrif, tfsa, resp, fhsa"


def test_residence_affiliates_and_jurisdiction_are_checked() -> None:
    text = (HOUSEHOLD.replace('tax_residence = "GB"', 'tax_residence = "FR"')
            .replace('affiliates = ["holdco"]', 'affiliates = ["holdcoo"]')
            .replace('type = "isa"', 'type = "isa"\njurisdiction = "DE"'))
    with pytest.raises(InputError) as caught:
        parse_household(text, "h.toml")
    fields = sorted(p.field or "" for p in caught.value.problems)
    assert fields == ["accounts.olivia_isa.jurisdiction", "owners.claire.affiliates",
                      "owners.olivia.tax_residence"]


HEADER = ("date,account,action,symbol,quantity,price,fees,amount,lot,id,memo,currency,"
          "fx_rate,source_country,withholding\n")


def test_currency_fx_rate_source_country_and_withholding_columns() -> None:
    hh = parse_household(HOUSEHOLD, "household.toml")
    txns = parse_transactions(
        HEADER
        + "2024-03-01,claire_usd,buy,VTI,10,250,1,,,,,usd,1.3576,,\n"
        + "2024-03-27,claire_usd,dividend,VTI,,,,9.50,,,,,,us,1.43\n"
        + "2024-03-27,claire_tfsa,dividend,VTI,,,,9.50,,,,,,GB,\n",
        "t.csv", hh, today=TODAY,
    )
    buy, dividend, uk_dividend = txns
    assert (buy.currency, buy.fx_rate) == ("USD", Decimal("1.3576"))
    assert (dividend.source_country, dividend.withholding) == ("US", Decimal("1.43"))
    assert uk_dividend.source_country == "UK" and uk_dividend.withholding is None


def test_the_new_columns_are_checked() -> None:
    hh = parse_household(HOUSEHOLD, "household.toml")
    with pytest.raises(InputError) as caught:
        parse_transactions(
            HEADER
            + "2024-03-01,claire_usd,buy,VTI,10,250,1,,,,,US$,0,,\n"
            + "2024-03-01,claire_usd,buy,VTI,10,250,1,,,,,,,US,\n"
            + "2024-03-27,claire_usd,dividend,VTI,,,,9.50,,,,,,USA,\n"
            + "2024-03-27,claire_usd,dividend,VTI,,,,9.50,,,,,,US,10\n",
            "t.csv", hh, today=TODAY,
        )
    problems = [(p.source.row, p.field) for p in caught.value.problems]
    assert problems == [(2, "currency"), (2, "fx_rate"), (3, "source_country"),
                        (4, "source_country"), (5, "withholding")]


def test_rows_without_the_new_columns_keep_their_ids() -> None:
    hh = parse_household(HOUSEHOLD, "household.toml")
    plain = "date,account,action,symbol,quantity,price,fees,amount,lot,id,memo\n"
    row = "2024-01-02,claire_cash,deposit,,,,,3000,,,\n"
    (old,) = parse_transactions(plain + row, "t.csv", hh, today=TODAY)
    (new,) = parse_transactions(HEADER + row.rstrip("\n") + ",,,,\n", "t.csv", hh, today=TODAY)
    assert old.id == new.id == content_id(old)
    (foreign,) = parse_transactions(HEADER + row.rstrip("\n") + ",CAD,,,\n", "t.csv", hh,
                                    today=TODAY)
    assert foreign.id != old.id


def test_a_security_may_give_its_dividend_source_country_and_yield() -> None:
    text = HOUSEHOLD.replace('currency = "USD"\n\n[targets]',
                             'currency = "USD"\nsource_country = "us"\n'
                             'dividend_yield = 0.013\n\n[targets]')
    hh = parse_household(text, "household.toml")
    assert hh.securities["VTI"].source_country == "US"
    assert hh.securities["VTI"].dividend_yield == Decimal("0.013")
    assert hh.securities["XIC"].source_country is None


def test_a_bad_source_country_or_yield_is_named_with_its_fix() -> None:
    text = HOUSEHOLD.replace('currency = "USD"\n\n[targets]',
                             'currency = "USD"\nsource_country = "United States"\n'
                             'dividend_yield = 1.3\n\n[targets]')
    with pytest.raises(InputError) as caught:
        parse_household(text, "h.toml")
    by_field = {p.field: p for p in caught.value.problems}
    assert set(by_field) == {"securities.VTI.source_country", "securities.VTI.dividend_yield"}
    assert "0.015 for 1.5 %" in (by_field["securities.VTI.dividend_yield"].fix or "")
