"""The ``lotwise`` command line: thin commands over the library.

Each command module registers itself on :data:`app`; :func:`main` is the entry point.
"""

from __future__ import annotations

from lotwise.cli.app import app


def main() -> None:
    from lotwise.cli import commands  # noqa: F401  (registers the commands)

    app()


__all__ = ["app", "main"]
