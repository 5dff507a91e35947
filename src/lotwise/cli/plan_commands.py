"""`lotwise drift`, `lotwise plan`, `lotwise plans` and `lotwise plans show ID`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from lotwise.allocation import allocation
from lotwise.cli.app import app
from lotwise.cli.book_commands import print_allocation
from lotwise.cli.context import Context, load_context, open_store
from lotwise.cli.options import (
    AsOfOpt,
    DbOpt,
    FxOpt,
    HouseholdIdOpt,
    HouseholdOpt,
    JsonOpt,
    PricesOpt,
    TransactionsOpt,
    as_date,
)
from lotwise.cli.output import console, errors, friendly_errors, print_json, table
from lotwise.cli.wording import loss_rules_created, us_only_options_note
from lotwise.errors import InputError, Source
from lotwise.model.numbers import dec
from lotwise.plan import CashFlow, Plan, make_plan
from lotwise.plan.frontier import frontier
from lotwise.plan.options import options_from_policy
from lotwise.plan.output import allocation_rows, orders_csv, plan_json, plan_record
from lotwise.report.holdings import holdings_rows

plans_app = typer.Typer(help="The decision log: plans made and why.", invoke_without_command=True)
app.add_typer(plans_app, name="plans")

FlowOpt = Annotated[
    list[str] | None,
    typer.Option(help="ACCOUNT=AMOUNT; repeat for several accounts."),
]


@app.command("drift")
@friendly_errors
def drift_command(
    household: HouseholdOpt = None,
    transactions: TransactionsOpt = None,
    prices: PricesOpt = None,
    db: DbOpt = None,
    household_id: HouseholdIdOpt = None,
    as_of: AsOfOpt = None,
    fx: FxOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Allocation by asset class against target, drift, and which classes are outside their
    bands (the smaller of the absolute and relative band)."""
    ctx = load_context(household=household, transactions=transactions, prices=prices, db=db,
                       household_id=household_id, as_of=as_date(as_of), fx=fx)
    view = ctx.in_base_currency()
    alloc = allocation(ctx.household, view.book, view.prices, ctx.as_of)
    outside = [c.asset_class for c in alloc.outside_band]
    if json_out:
        print_json({"as_of": ctx.as_of.isoformat(), "currency": view.currency,
                    "classes": allocation_rows(alloc),
                    "outside_band": outside, "rebalance_due": bool(outside)})
        return
    print_allocation(holdings_rows(alloc, view.currency))
    if outside:
        console.print(f"[bold]Outside their bands:[/] {escape(', '.join(outside))} — run "
                      "`lotwise plan`", markup=True)
    else:
        console.print("Every class is inside its band: no rebalance is due.")


def _flows(values: list[str] | None, sign: int, ctx: Context, what: str) -> list[CashFlow]:
    flows = []
    for text in values or []:
        account, _, amount = text.partition("=")
        try:
            value = dec(amount)
        except ValueError:
            value = None
        if not account or value is None or value <= 0:
            raise InputError.one(Source(f"--{what}"), what, f"'{text}' is not ACCOUNT=AMOUNT",
                                 f"write --{what} alex_taxable=5000")
        if account not in ctx.household.accounts:
            raise InputError.one(Source(f"--{what}"), what, f"unknown account '{account}'",
                                 f"use one of {', '.join(ctx.household.accounts)}")
        flows.append(CashFlow(account, sign * value))
    return flows


@app.command("plan")
@friendly_errors
def plan_command(
    household: HouseholdOpt = None,
    transactions: TransactionsOpt = None,
    prices: PricesOpt = None,
    db: DbOpt = None,
    household_id: HouseholdIdOpt = None,
    as_of: AsOfOpt = None,
    fx: FxOpt = None,
    contribution: FlowOpt = None,
    withdrawal: FlowOpt = None,
    to: Annotated[str | None, typer.Option("--to", help="band or target")] = None,
    tax_budget: Annotated[str | None, typer.Option(help="Most extra tax this year.")] = None,
    max_gain: Annotated[str | None, typer.Option(help="Most net gain to realize.")] = None,
    no_short_term: Annotated[bool, typer.Option("--no-short-term",
                                                help="Never realize short-term gains.")] = False,
    protect_days: Annotated[int | None, typer.Option(
        help="Keep short-term gain lots that turn long-term within N days.")] = None,
    review: Annotated[bool, typer.Option(help="Calendar review: rebalance inside bands too.")
                      ] = False,
    show_frontier: Annotated[bool, typer.Option("--frontier",
                                                help="Show tax cost against residual drift.")
                             ] = False,
    csv_path: Annotated[Path | None, typer.Option("--csv", help="Write orders to this CSV.")
                        ] = None,
    save: Annotated[bool, typer.Option(help="Record the plan in the store's decision log.")
                    ] = True,
    harvest: Annotated[bool, typer.Option(help="Harvest losses worth harvesting, with "
                                               "replacements, in the same plan.")] = False,
    json_out: JsonOpt = False,
) -> None:
    """What exactly to trade today: cash flows first, tax-advantaged accounts next, then the
    taxable lots that cost least — every trade with its lots and its reason."""
    ctx = load_context(household=household, transactions=transactions, prices=prices, db=db,
                       household_id=household_id, as_of=as_date(as_of), fx=fx)
    note = us_only_options_note(
        ctx.household, (["--no-short-term"] if no_short_term else [])
        + (["--protect-days"] if protect_days is not None else []))
    if note:
        errors.print(note, highlight=False)
    flows = tuple(_flows(contribution, 1, ctx, "contribution")
                  + _flows(withdrawal, -1, ctx, "withdrawal"))
    options = options_from_policy(
        ctx.household, rebalance_to=to, tax_budget=tax_budget, max_gain=max_gain,
        short_term_gains=False if no_short_term else None, protect_days=protect_days,
        review=review, flows=flows, harvest=harvest,
    )
    plan = make_plan(ctx.household, ctx.transactions, ctx.book, ctx.prices, ctx.as_of, options,
                     fx=ctx.fx)
    plan_id = None
    if save and household is None:
        record = plan_record(plan, datetime.now(UTC))
        with open_store(db) as store:
            store.save_plan(record)
        plan_id = record.id
    if csv_path is not None:
        csv_path.write_text(orders_csv(plan), encoding="utf-8")
    points = frontier(ctx.household, ctx.transactions, ctx.book, ctx.prices, ctx.as_of,
                      options, fx=ctx.fx) if show_frontier else []
    if json_out:
        data = plan_json(plan, plan_id)
        if show_frontier:
            data["frontier"] = [p.to_json() for p in points]
        print_json(data)
    else:
        print_plan(plan, plan_id)
        if show_frontier:
            console.print(table([p.to_json() for p in points],
                                ("tax_budget", "tax_change", "residual_drift_pct", "trades"),
                                "Frontier: tax cost against residual drift"))
    if not plan.verification.ok:
        raise typer.Exit(1)


def print_plan(plan: Plan, plan_id: str | None = None) -> None:
    title = (f"Plan for {plan.household_id} on {plan.as_of}" + (f" ({plan_id})" if plan_id else "")
             + f" (amounts in {plan.currency})")
    rows = [
        {
            "account": t.account, "action": t.action, "symbol": t.symbol,
            "quantity": t.to_json()["quantity"], "price": t.to_json()["price"],
            "value": t.to_json()["value"],
            "lots": ", ".join(f"{lot.lot_id}×{lot.quantity.normalize():f} "
                              f"({lot.term} {lot.gain:+,.2f})" for lot in t.lots),
            "why": t.rationale,
        }
        for t in plan.trades
    ]
    # a Canadian ACB pool or a UK section 104 holding is sold at its average cost: no lots
    terms = {lot.term for t in plan.trades for lot in t.lots}
    sold_from = ("pool" if terms == {"pool"} else "lots or pool" if "pool" in terms
                 else "lots")
    console.print(table(rows, ("account", "action", "symbol", "quantity", "price", "value",
                               "lots", "why"), title, headers={"lots": sold_from}))
    if not plan.trades:
        console.print("No trades: nothing to do today.")
    before = {r["asset_class"]: r for r in allocation_rows(plan.before)}
    drift = [
        {**row, "before_pct": before[str(row["asset_class"])]["weight_pct"],
         "after_pct": row["weight_pct"]}
        for row in allocation_rows(plan.after)
        if row["asset_class"] in before
    ]
    console.print(table(drift, ("asset_class", "target_pct", "before_pct", "after_pct",
                                "drift_pct", "band_pct"), "Allocation before and after (%)"))
    taxes: list[dict[str, object]] = [
        {"tax unit": t.unit, "tax": t.what, "before": f"{t.before:,.2f}",
         "after": f"{t.after:,.2f}", "change": f"{t.after - t.before:+,.2f}"}
        for t in plan.taxes
    ]
    console.print(table(taxes, ("tax unit", "tax", "before", "after", "change"),
                        "Projected tax on this year's capital items"))
    console.print(f"Trading costs (spread and commissions): {plan.trading_costs:,.2f} "
                  f"{plan.currency}", highlight=False)
    for note in plan.notes:
        console.print(f"  • {note}", highlight=False)
    status = "[green]verified[/]" if plan.verification.ok else "[red]NOT verified[/]"
    console.print(f"Replayed through the ledger: {status}; "
                  f"{escape(loss_rules_created(plan.verification))}", markup=True)
    for problem in plan.verification.problems:
        console.print(f"  ✗ {problem}", style="red")


@plans_app.callback()
def plans_list(
    ctx: typer.Context,
    db: DbOpt = None,
    household_id: HouseholdIdOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """List the plans in the decision log."""
    if ctx.invoked_subcommand is not None:
        return
    _list_plans(db, household_id, json_out)


@friendly_errors
def _list_plans(db: str | None, household_id: str | None, json_out: bool) -> None:
    from lotwise.cli.context import pick_household

    with open_store(db) as store:
        hid = pick_household(store, household_id, db)
        records = store.plans(hid)
    rows = []
    for record in records:
        summary = json.loads(record.policy_json)
        rows.append({"id": record.id, "created": record.created_at.isoformat(timespec="seconds"),
                     "as_of": summary.get("as_of"), "mode": summary.get("mode"),
                     "trades": len(json.loads(record.trades_json)),
                     "tax_change": summary.get("tax_change"),
                     "inputs_hash": record.inputs_hash[:12]})
    if json_out:
        print_json(rows)
    else:
        console.print(table(rows, ("id", "created", "as_of", "mode", "trades", "tax_change",
                                   "inputs_hash"), f"Decision log of {hid}"))


@plans_app.command("show")
@friendly_errors
def plans_show(
    plan_id: Annotated[str, typer.Argument(help="Plan id from `lotwise plans`.")],
    db: DbOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Show one recorded plan: its trades, the reasons and the inputs it was made from."""
    from lotwise.store import PlanNotFoundError

    try:
        with open_store(db) as store:
            record = store.plan(plan_id)
    except PlanNotFoundError:
        raise InputError.one(Source("decision log"), "id", f"no plan '{plan_id}'",
                             "list the plans with `lotwise plans`") from None
    data = {
        "id": record.id,
        "household_id": record.household_id,
        "created_at": record.created_at.isoformat(),
        "inputs_hash": record.inputs_hash,
        "summary": json.loads(record.policy_json),
        "trades": json.loads(record.trades_json),
        "reasons": json.loads(record.reasons_json),
    }
    if json_out:
        print_json(data)
        return
    console.print(f"[bold]{escape(record.id)}[/] for {escape(record.household_id)}, made "
                  f"{record.created_at:%Y-%m-%d %H:%M} UTC; inputs {record.inputs_hash[:16]}…",
                  markup=True)
    trades = [{"account": t["account"], "action": t["action"], "symbol": t["symbol"],
               "quantity": t["quantity"], "value": t["value"], "why": t["rationale"]}
              for t in data["trades"]]
    console.print(table(trades, ("account", "action", "symbol", "quantity", "value", "why"),
                        "Trades"))
    for note in data["reasons"]["notes"]:
        console.print(f"  • {note}", highlight=False)
