"""Turning exact values into report cells."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import Enum

from lotwise.model.numbers import money


def cell(value: object) -> object:
    """A JSON-ready cell: Decimals as exact strings, dates ISO, enums by value."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def cents(value: Decimal) -> str:
    return format(money(value), "f")


def shares(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
