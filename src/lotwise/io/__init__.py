"""Readers for lotwise's own file formats (see ``docs/formats.md``).

* :func:`load_household` / :func:`parse_household`: the household TOML file;
* :func:`read_transactions` / :func:`parse_transactions`: the journal CSV;
* :func:`read_prices` / :func:`parse_prices`: the closing prices CSV;
* :func:`read_fx` / :func:`parse_fx`: the FX rates CSV (``date,base,quote,rate``);
* :func:`example_dir`: the bundled example household.

Every reader collects all the problems of a file and raises them together as one
:class:`~lotwise.errors.InputError`.
"""

from __future__ import annotations

from pathlib import Path

from lotwise.io.fx_csv import parse_fx, read_fx
from lotwise.io.household_toml import load_household, parse_household
from lotwise.io.prices_csv import parse_prices, read_prices
from lotwise.io.transactions_csv import parse_transactions, read_transactions

EXAMPLES = ("us", "ca", "uk")


def example_dir(name: str = "us") -> Path:
    """The folder of a bundled example: ``household.toml``, ``transactions.csv``,
    ``prices.csv`` (and ``fx.csv`` for ``ca`` and ``uk``).  The bundled examples are:
    ``us`` (docs/formats.md), ``ca`` and ``uk`` (docs/regimes.md)."""
    if name not in EXAMPLES:
        raise ValueError(f"no bundled example '{name}'; the examples are {', '.join(EXAMPLES)}")
    return Path(__file__).resolve().parent.parent / "data" / "examples" / name


__all__ = [
    "EXAMPLES",
    "example_dir",
    "load_household",
    "parse_fx",
    "parse_household",
    "parse_prices",
    "parse_transactions",
    "read_fx",
    "read_prices",
    "read_transactions",
]
