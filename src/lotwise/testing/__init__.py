"""Helpers for tests, benchmarks and demos: seeded synthetic households and journals.

:func:`generate` builds a household and a journal that :func:`lotwise.ledger.replay`
accepts, with wash sales, dividend reinvestments, specific-lot sells and splits in it.
The same seed always gives the same household and the same transactions.
"""

from lotwise.testing.synthetic import generate, generate_household

__all__ = ["generate", "generate_household"]
