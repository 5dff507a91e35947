"""Printing: Rich tables for people, JSON for programs, errors to stderr."""

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

from lotwise.cli.context import restate_rate_problems
from lotwise.errors import InputError
from lotwise.model.prices import MissingPriceError

# Piped output is not cut to 80 columns.
console = Console(width=None if sys.stdout.isatty() else 200)
errors = Console(stderr=True, width=None if sys.stderr.isatty() else 200)

P = ParamSpec("P")
R = TypeVar("R")

RIGHT = {"quantity", "basis", "proceeds", "adjustment", "gain", "value", "price", "unrealized",
         "basis_per_share", "wash_adjustment", "days_to_long_term", "weight_pct", "target_pct",
         "drift_pct", "band_pct", "total", "amount", "disallowed"}


def friendly_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Show problems in the user's input as messages, not tracebacks; exit with code 2."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except (InputError, MissingPriceError) as exc:
            shown = restate_rate_problems(exc) if isinstance(exc, InputError) else exc
            # The message names TOML tables such as [securities.VTI]: not markup.
            errors.print(f"[bold red]error:[/] {escape(str(shown))}", markup=True,
                         highlight=False)
            raise typer.Exit(2) from None

    return run


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, default=str))


def table(
    rows: Iterable[Mapping[str, object]], columns: Sequence[str], title: str | None = None
) -> Table:
    out = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        out.add_column(column.replace("_", " "), justify="right" if column in RIGHT else "left")
    for row in rows:
        out.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    return out
