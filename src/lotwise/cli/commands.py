"""Imports every command module so that each registers its commands on the app."""

from __future__ import annotations

from lotwise.cli import (
    backtest_command,
    book_commands,
    demo,
    harvest_commands,
    plan_commands,
    store_commands,
    tax_command,
)

__all__ = [
    "backtest_command",
    "book_commands",
    "demo",
    "harvest_commands",
    "plan_commands",
    "store_commands",
    "tax_command",
]
