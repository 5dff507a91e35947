"""Each measured size in a fresh Python process, so that its memory and caches are its own.

A benchmark script calls :func:`run_in_child` with its own path, its command line and the
size (or regime and size) to measure; the child is the same script run with ``--one ...``
added, and prints its figures as JSON on its last line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any


def run_in_child(script: str, argv: list[str] | None, *one: object) -> dict[str, Any]:
    """Run ``script`` with the parent's arguments (``argv``, or ``sys.argv[1:]``) and
    ``--one`` followed by ``one``; return the JSON object the child printed last."""
    args = list(argv if argv is not None else sys.argv[1:])
    done = subprocess.run(
        [sys.executable, script, *args, "--one", *map(str, one)],
        check=True, stdout=subprocess.PIPE, text=True,
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures
