"""A plan as JSON, as a CSV for order entry, and as a decision-log record."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from lotwise.allocation import Allocation
from lotwise.model.numbers import money, without_negative_zero
from lotwise.plan.planner import Plan
from lotwise.plan.trades import LotSale, Trade
from lotwise.report.values import cents, shares
from lotwise.store import PlanRecord

# One row per purchase, per lot of a taxable sale, and per sale inside a tax-advantaged
# account (which names no lots: it costs no tax).  ``currency``, ``est_price`` and
# ``est_value`` are the security's own trading currency (what the broker fills the order
# in); ``est_value_base`` and ``est_gain`` are in the household's ``base_currency``, as the
# plan is.  docs/plan.md describes each column.
ORDER_COLUMNS = ("account", "action", "symbol", "quantity", "currency", "est_price",
                 "est_value", "base_currency", "est_value_base", "lot", "acquired", "est_gain",
                 "term")


def _pct(fraction: Decimal) -> str:
    """A fraction as a percentage with two decimals; a drift that rounds to zero is 0.00,
    never -0.00."""
    return f"{money(without_negative_zero(fraction * 100)):.2f}"


def allocation_rows(alloc: Allocation) -> list[dict[str, object]]:
    return [
        {
            "asset_class": c.asset_class,
            "value": cents(c.value),
            "weight_pct": _pct(c.weight),
            "target_pct": _pct(c.target),
            "drift_pct": _pct(c.drift),
            "band_pct": _pct(c.band),
            "outside_band": c.outside_band,
        }
        for c in alloc.classes
    ]


def options_json(plan: Plan) -> dict[str, Any]:
    raw = asdict(plan.options)

    def clean(value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    return dict(clean(raw))


def plan_json(plan: Plan, plan_id: str | None = None) -> dict[str, Any]:
    return {
        "id": plan_id,
        "household_id": plan.household_id,
        "as_of": plan.as_of.isoformat(),
        "mode": plan.mode,
        "options": options_json(plan),
        "currency": plan.currency,
        "trades": [trade_json(plan, t) for t in plan.trades],
        "allocation": {
            "before": allocation_rows(plan.before),
            "after": allocation_rows(plan.after),
        },
        "tax": [
            {
                "tax_unit": t.unit,
                "tax": t.what,
                "before": cents(t.before),
                "after": cents(t.after),
                "change": cents(t.after - t.before),
                "realized_short": cents(t.realized_short),
                "realized_long": cents(t.realized_long),
                "realized_income": cents(t.realized_income),
            }
            for t in plan.taxes
        ],
        "tax_change": cents(plan.tax_change),
        "trading_costs": cents(plan.trading_costs),
        "notes": list(plan.notes),
        "verification": {
            "ok": plan.verification.ok,
            "problems": list(plan.verification.problems),
            "wash_sales": len(plan.verification.wash_sales),
        },
        "inputs_hash": plan.inputs_hash,
        "solver": plan.solver,
    }


def trade_json(plan: Plan, trade: Trade) -> dict[str, object]:
    """A trade as JSON: its amounts in the base currency, and its price and value in the
    security's own trading currency."""
    quote = plan.quotes.get(trade.symbol)
    own = (quote.currency, quote.price) if quote else (plan.currency, trade.price)
    return {**trade.to_json(), "currency": own[0], "price_in_currency": cents(own[1]),
            "value_in_currency": cents(trade.quantity * own[1])}


def orders_csv(plan: Plan) -> str:
    """Every trade of the plan as order rows (:data:`ORDER_COLUMNS`): one per purchase, one
    per lot of a taxable sale (for specific identification), one per sale in an account
    that names no lots — sales first, since purchases may spend their cash."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ORDER_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for trade in sorted(plan.trades, key=lambda t: t.action != "sell"):
        quote = plan.quotes.get(trade.symbol)
        currency, price = (quote.currency, quote.price) if quote else (plan.currency,
                                                                       trade.price)
        common = {"account": trade.account, "action": trade.action, "symbol": trade.symbol,
                  "currency": currency, "est_price": cents(price),
                  "base_currency": plan.currency}
        parts: list[tuple[Decimal, LotSale | None]] = (
            [(lot.quantity, lot) for lot in trade.lots] or [(trade.quantity, None)])
        for quantity, lot in parts:
            writer.writerow({
                **common,
                "quantity": shares(quantity),
                "est_value": cents(quantity * price),
                "est_value_base": cents(quantity * trade.price),
                "lot": lot.lot_id if lot else "",
                "acquired": lot.acquired.isoformat() if lot else "",
                "est_gain": cents(lot.gain) if lot else "",
                "term": lot.term if lot else "",
            })
    return buffer.getvalue()


def plan_record(plan: Plan, created_at: datetime) -> PlanRecord:
    """The decision-log entry: inputs hash, policy, trades and the reasons for each."""
    plan_id = f"P{created_at:%Y%m%d%H%M%S%f}-{plan.inputs_hash[:8]}"
    data = plan_json(plan, plan_id)
    summary = {k: data[k] for k in ("as_of", "mode", "options", "allocation", "tax",
                                    "tax_change", "trading_costs", "verification", "solver")}
    reasons = {
        "trades": [{"rationale": t.rationale, "reasons": list(t.reasons)} for t in plan.trades],
        "notes": list(plan.notes),
    }
    return PlanRecord(
        id=plan_id,
        household_id=plan.household_id,
        created_at=created_at,
        inputs_hash=plan.inputs_hash,
        policy_json=json.dumps(summary, sort_keys=True),
        trades_json=json.dumps(data["trades"], sort_keys=True),
        reasons_json=json.dumps(reasons, sort_keys=True),
    )
