"""Tax regimes behind one small Protocol: the United States, Canada and the United Kingdom.

:func:`regime_for` gives the :class:`Regime` of an owner (chosen by ``tax_residence``);
its :meth:`~Regime.loss_rule` is the :class:`LossRule` the planner and the harvester obey.
See docs/regimes.md.
"""

from lotwise.regimes.base import (
    CA,
    CURRENCY,
    REGIMES,
    UK,
    US,
    LossRule,
    Regime,
    account_regimes,
    owner_regimes,
    regime_code,
    regime_for,
    sub_household,
)

__all__ = [
    "CA",
    "CURRENCY",
    "REGIMES",
    "UK",
    "US",
    "LossRule",
    "Regime",
    "account_regimes",
    "owner_regimes",
    "regime_code",
    "regime_for",
    "sub_household",
]
