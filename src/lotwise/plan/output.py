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
from lotwise.plan.planner import Plan
from lotwise.report.values import cents, shares
from lotwise.store import PlanRecord

ORDER_COLUMNS = ("account", "action", "symbol", "quantity", "lot", "acquired", "est_price",
                 "est_value", "est_gain", "term")


def allocation_rows(alloc: Allocation) -> list[dict[str, object]]:
    return [
        {
            "asset_class": c.asset_class,
            "value": cents(c.value),
            "weight_pct": f"{c.weight * 100:.2f}",
            "target_pct": f"{c.target * 100:.2f}",
            "drift_pct": f"{c.drift * 100:.2f}",
            "band_pct": f"{c.band * 100:.2f}",
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
        "trades": [t.to_json() for t in plan.trades],
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


def orders_csv(plan: Plan) -> str:
    """One row per buy and one per lot of each sale, for specific-identification orders."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ORDER_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for trade in plan.trades:
        if trade.action == "sell":
            for lot in trade.lots:
                writer.writerow({
                    "account": trade.account, "action": "sell", "symbol": trade.symbol,
                    "quantity": shares(lot.quantity), "lot": lot.lot_id,
                    "acquired": lot.acquired.isoformat(), "est_price": cents(trade.price),
                    "est_value": cents(lot.quantity * trade.price), "est_gain": cents(lot.gain),
                    "term": lot.term,
                })
        else:
            writer.writerow({
                "account": trade.account, "action": "buy", "symbol": trade.symbol,
                "quantity": shares(trade.quantity), "lot": "", "acquired": "",
                "est_price": cents(trade.price), "est_value": cents(trade.value),
                "est_gain": "", "term": "",
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
