"""The Typer application that every command module registers on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="lotwise",
    help="Tax-efficient rebalancing and tax-loss harvesting for households.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
