"""What a plan is asked for: cash flows, policy switches and trading costs.

Defaults come from the household's ``[policy]`` table (keys below) and can be overridden
per request (the CLI's options).

| key | meaning | default |
|---|---|---|
| ``rebalance_to`` | ``"band"``: back inside the bands; ``"target"``: all the way | band |
| ``tax_budget`` | most extra federal+state tax this plan may cause this year | none |
| ``max_gain`` | most net gain this plan may realize | none |
| ``short_term_gains`` | may the plan realize short-term gains | true |
| ``protect_days`` | keep short-term gain lots that turn long-term within this many days | 30 |
| ``commission`` | cost per trade | 0 |
| ``spread_bps`` | half-spread paid on each trade, in basis points of its value | 2 |
| ``min_trade`` | smallest trade worth making | 0 |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Literal

from lotwise.errors import InputError, Source
from lotwise.model.household import Household
from lotwise.model.numbers import dec

RebalanceTo = Literal["band", "target"]


@dataclass(frozen=True, slots=True)
class TradingCosts:
    commission: Decimal = Decimal(0)
    spread_bps: Decimal = Decimal(2)
    min_trade: Decimal = Decimal(0)

    @property
    def spread(self) -> Decimal:
        return self.spread_bps / Decimal(10000)


@dataclass(frozen=True, slots=True)
class CashFlow:
    """Money in (positive: a contribution) or out (negative: a withdrawal) of an account today."""

    account: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PlanOptions:
    rebalance_to: RebalanceTo = "band"
    tax_budget: Decimal | None = None
    max_gain: Decimal | None = None
    short_term_gains: bool = True
    protect_days: int = 30
    review: bool = False  # a calendar review is due: rebalance even inside the bands
    costs: TradingCosts = field(default_factory=TradingCosts)
    flows: tuple[CashFlow, ...] = ()
    harvest: bool = False

    def with_flows(self, flows: tuple[CashFlow, ...]) -> PlanOptions:
        return replace(self, flows=flows)


_KEYS = ("rebalance_to", "tax_budget", "max_gain", "short_term_gains", "protect_days",
         "commission", "spread_bps", "min_trade")


def policy_number(values: Mapping[str, object], key: str, source: Source) -> Decimal | None:
    """``values[key]`` as a non-negative number (``None`` when absent), or an
    :class:`InputError` naming ``policy.<key>``."""
    if values.get(key) is None:
        return None
    try:
        result = dec(values[key])
    except ValueError:
        raise InputError.one(source, f"policy.{key}", f"{key} must be a number, got "
                             f"{values[key]!r}", f"write {key} = 1000") from None
    if result < 0:
        raise InputError.one(source, f"policy.{key}", f"{key} must not be negative",
                             f"write {key} = 0 or more")
    return result


def options_from_policy(household: Household, **overrides: object) -> PlanOptions:
    """The household's planning policy, with ``overrides`` (non-``None`` values) on top."""
    extra: Mapping[str, object] = household.policy.extra
    source = Source(f"household {household.id}")
    values: dict[str, object] = {k: extra[k] for k in _KEYS if k in extra}
    values.update({k: v for k, v in overrides.items() if v is not None})

    def number(key: str) -> Decimal | None:
        return policy_number(values, key, source)

    rebalance_to = str(values.get("rebalance_to", "band"))
    if rebalance_to not in ("band", "target"):
        raise InputError.one(source, "policy.rebalance_to",
                             f"rebalance_to must be 'band' or 'target', got '{rebalance_to}'",
                             'write rebalance_to = "band" or rebalance_to = "target"')
    short_term = values.get("short_term_gains", True)
    if not isinstance(short_term, bool):
        raise InputError.one(source, "policy.short_term_gains",
                             "short_term_gains must be true or false",
                             "write short_term_gains = false to never realize them")
    protect = number("protect_days")
    costs = TradingCosts(
        commission=number("commission") or Decimal(0),
        spread_bps=_or(number("spread_bps"), Decimal(2)),
        min_trade=number("min_trade") or Decimal(0),
    )
    flows = overrides.get("flows") or ()
    assert isinstance(flows, tuple)
    return PlanOptions(
        rebalance_to=rebalance_to,  # type: ignore[arg-type]
        tax_budget=number("tax_budget"),
        max_gain=number("max_gain"),
        short_term_gains=short_term,
        protect_days=int(protect) if protect is not None else 30,
        review=bool(overrides.get("review", False)),
        costs=costs,
        flows=flows,
        harvest=bool(overrides.get("harvest", False)),
    )


def _or(value: Decimal | None, default: Decimal) -> Decimal:
    return default if value is None else value
