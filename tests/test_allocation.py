"""Allocation against target and the 5/25 drift bands."""

from datetime import date
from decimal import Decimal

import pytest

from lotwise.allocation import allocation
from lotwise.ledger import replay
from lotwise.model import Account, AccountType, Household, Owner, Price, Security, TargetAllocation
from lotwise.model.prices import MissingPriceError, PriceTable
from tests.ledger.journal import journal

D = Decimal
DAY = date(2025, 1, 2)


def household() -> Household:
    return Household(
        id="h",
        owners={"me": Owner("me")},
        accounts={"t": Account("t", "me", AccountType.TAXABLE),
                  "ira": Account("ira", "me", AccountType.TRADITIONAL)},
        securities={"STK": Security("STK", "us"), "INT": Security("INT", "intl"),
                    "BND": Security("BND", "bonds")},
        targets=TargetAllocation({"us": D("0.42"), "intl": D("0.18"), "bonds": D("0.40")},
                                 {"us": "equity", "intl": "equity"}),
    )


def prices(**values: int) -> PriceTable:
    return PriceTable([Price(DAY, s, D(v)) for s, v in values.items()])


def test_weights_drift_and_bands_follow_the_5_25_rule() -> None:
    book = replay(household(), journal("""
        2024-06-03 t buy STK 500 @100
        2024-06-03 t buy INT 200 @100
        2024-06-03 ira buy BND 300 @100
    """))
    alloc = allocation(household(), book, prices(STK=100, INT=100, BND=100), DAY)
    rows = {c.asset_class: c for c in alloc.classes}
    assert alloc.total == D(100000)
    assert rows["us"].weight == D("0.5") and rows["us"].drift == D("0.08")
    assert rows["bonds"].drift == D("-0.10")
    # Bands: min(5 points, 25 % of target).
    assert rows["intl"].band == D("0.045") and rows["bonds"].band == D("0.05")
    assert rows["us"].outside_band and rows["bonds"].outside_band
    assert not rows["intl"].outside_band  # 0.20 vs 0.18: inside ±0.045
    # The inner class aggregates its leaves.
    assert rows["equity"].value == D(70000) and rows["equity"].target == D("0.60")
    assert not rows["equity"].leaf
    assert {c.asset_class for c in alloc.outside_band} == {"us", "bonds"}


def test_cash_counts_in_the_total_and_shows_as_its_own_class() -> None:
    book = replay(household(), journal("""
        2024-06-03 t deposit amount=1000
        2024-06-03 t buy STK 5 @100
    """))
    alloc = allocation(household(), book, prices(STK=100), DAY)
    rows = {c.asset_class: c for c in alloc.classes}
    assert alloc.total == D(1000) and rows["cash"].weight == D("0.5")


def test_missing_price_names_the_symbol() -> None:
    book = replay(household(), journal("2024-06-03 t buy STK 5 @100"))
    with pytest.raises(MissingPriceError, match="STK"):
        allocation(household(), book, prices(), DAY)


def test_a_class_without_target_uses_only_the_absolute_band() -> None:
    book = replay(household(), journal("""
        2024-06-03 t deposit amount=10300
        2024-06-03 t buy STK 100 @100
    """))
    alloc = allocation(household(), book, prices(STK=100), DAY)
    cash = {c.asset_class: c for c in alloc.classes}["cash"]
    assert cash.band == D("0.05") and not cash.outside_band
