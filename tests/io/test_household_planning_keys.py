"""Planning keys of the household file: fund menus, fractional shares, DRIP, scheduled buys."""

from datetime import date
from decimal import Decimal

import pytest

from lotwise.errors import InputError
from lotwise.io import parse_household

BASE = """
format_version = 1
id = "h"
[owners.me]
filing_status = "single"
[accounts.k401]
owner = "me"
type = "traditional"
{account_extra}
[securities.FXAIX]
asset_class = "us"
kind = "mutual_fund"
[securities.AGG]
asset_class = "bonds"
[targets]
us = 0.6
bonds = 0.4
{tail}
"""


def parse(account_extra: str = "", tail: str = ""):  # type: ignore[no-untyped-def]
    return parse_household(BASE.format(account_extra=account_extra, tail=tail), "h.toml")


def test_fund_menu_fractional_and_drip_are_read() -> None:
    hh = parse('allowed = ["FXAIX"]\nfractional = false\ndrip = true')
    account = hh.accounts["k401"]
    assert account.allowed == ("FXAIX",) and not account.fractional and account.drip is True
    assert account.may_buy("FXAIX") and not account.may_buy("AGG")


def test_defaults_allow_everything_fractionally_and_judge_drip_from_the_journal() -> None:
    account = parse().accounts["k401"]
    assert account.allowed == () and account.fractional and account.drip is None


def test_menu_naming_an_unknown_security_is_an_error() -> None:
    with pytest.raises(InputError) as err:
        parse('allowed = ["FXAIX", "VTSAX"]')
    (problem,) = err.value.problems
    assert problem.field == "accounts.k401.allowed" and "VTSAX" in problem.message


def test_flags_must_be_booleans() -> None:
    with pytest.raises(InputError, match="fractional must be true or false"):
        parse('fractional = "no"')


def test_scheduled_purchases_are_read() -> None:
    hh = parse(tail="""
[[scheduled]]
account = "k401"
symbol = "FXAIX"
amount = 500
next = 2026-12-15
every = "half_month"
""")
    (purchase,) = hh.scheduled
    assert (purchase.account, purchase.symbol, purchase.amount) == ("k401", "FXAIX", Decimal(500))
    assert purchase.next == date(2026, 12, 15) and purchase.every_days == 15


def test_scheduled_purchase_errors_name_the_entry_and_field() -> None:
    with pytest.raises(InputError) as err:
        parse(tail="""
[[scheduled]]
account = "k401"
symbol = "FXAIX"
amount = 500
next = "soon"
""")
    (problem,) = err.value.problems
    assert problem.field == "scheduled.0.next" and "must be a date" in problem.message
