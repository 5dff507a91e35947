"""Errors that lotwise raises.

Problems in the user's data are :class:`InputError` values that carry every
:class:`Problem` found, each naming the file, row and field and saying how to fix it.
Bugs and solver failures are ordinary typed exceptions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Source:
    """Where a value came from: a file and a 1-based row (the header is row 1)."""

    file: str
    row: int | None = None

    def __str__(self) -> str:
        return self.file if self.row is None else f"{self.file}:{self.row}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in the user's input, with where it is and how to fix it."""

    source: Source
    field: str | None
    message: str
    fix: str

    def __str__(self) -> str:
        where = str(self.source)
        if self.field:
            where += f" field '{self.field}'"
        return f"{where}: {self.message}. Fix: {self.fix}"


class InputError(ValueError):
    """The user's input is wrong; nothing was written.  Carries all problems found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("InputError needs at least one problem")
        lines = [str(p) for p in self.problems]
        head = lines[0] if len(lines) == 1 else f"{len(lines)} problems:\n  " + "\n  ".join(lines)
        super().__init__(head)

    @classmethod
    def one(cls, source: Source, field: str | None, message: str, fix: str) -> InputError:
        return cls([Problem(source, field, message, fix)])
