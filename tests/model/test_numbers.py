"""Number helpers shared by the reports."""

from __future__ import annotations

from decimal import Decimal

from lotwise.model.numbers import without_negative_zero


def test_dust_that_rounds_to_zero_is_zero_and_other_amounts_are_kept() -> None:
    assert str(without_negative_zero(Decimal("-0.004"))) == "0"
    assert f"{without_negative_zero(Decimal('-0.0049')):.2f}" == "0.00"
    assert without_negative_zero(Decimal("-0.005")) == Decimal("-0.005")  # rounds to -0.01
    assert without_negative_zero(Decimal("12.345")) == Decimal("12.345")
