"""Printing: Rich tables for people, JSON for programs, errors to stderr.

User data (ids, symbols, lot names such as ``ACB:rose:XIC@rose_cash``, memos) is printed
literally: both consoles are made with Rich markup and emoji codes off, so neither
``[bold]`` in a symbol nor ``:rose:`` in a lot id is interpreted.  Text that is meant to be
styled says so: ``console.print(..., markup=True)`` with every user value passed through
:func:`rich.markup.escape`, or a :class:`rich.text.Text` with a style.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from lotwise.errors import InputError
from lotwise.model.prices import MissingPriceError

# Piped output is not cut to 80 columns.
console = Console(width=None if sys.stdout.isatty() else 200, markup=False, emoji=False)
errors = Console(stderr=True, width=None if sys.stderr.isatty() else 200, markup=False,
                 emoji=False)

P = ParamSpec("P")
R = TypeVar("R")

RIGHT = {"quantity", "basis", "proceeds", "adjustment", "gain", "value", "price", "unrealized",
         "basis_per_share", "wash_adjustment", "days_to_long_term", "weight_pct", "target_pct",
         "drift_pct", "band_pct", "total", "amount", "disallowed", "acb", "outlays", "denied",
         "zero_inclusion_gain", "capital_gain", "eligible_amount", "allowable_costs",
         "lost_for_good", "number", "balance", "superficial_loss_adjustment", "acb_per_share",
         "cost_per_share", "before_pct", "after_pct", "before", "after", "change"}


def friendly_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Show problems in the user's input as messages, not tracebacks; exit with code 2."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except (InputError, MissingPriceError) as exc:
            # The message names TOML tables such as [securities.VTI]: not markup.
            errors.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True,
                         highlight=False)
            raise typer.Exit(2) from None

    return run


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, default=str))


def table(
    rows: Iterable[Mapping[str, object]],
    columns: Sequence[str],
    title: str | None = None,
    *,
    headers: Mapping[str, str] | None = None,
) -> Table:
    """A table of ``rows`` with ``columns`` (keys of the rows); ``headers`` renames some of
    them on screen (``{"basis": "ACB"}``), others show with ``_`` as a space.  Every cell and
    the title are literal text, whatever console prints them."""
    names = headers or {}
    out = Table(title=None if title is None else Text(title), title_justify="left",
                header_style="bold")
    for column in columns:
        out.add_column(Text(names.get(column, column.replace("_", " "))),
                       justify="right" if column in RIGHT else "left")
    for row in rows:
        out.add_row(*(Text("" if row.get(c) is None else str(row.get(c))) for c in columns))
    return out
