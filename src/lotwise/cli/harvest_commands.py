"""`lotwise harvest`, `lotwise calendar` and `lotwise gift`."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import typer

from lotwise.cli.app import app
from lotwise.cli.context import load_context
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
from lotwise.cli.output import console, friendly_errors, print_json, table
from lotwise.cli.wording import gift_outside_us
from lotwise.errors import InputError, Source
from lotwise.model.numbers import dec
from lotwise.plan.calendar import harvest_calendar
from lotwise.plan.exempt_harvest import exempt_harvest
from lotwise.plan.gain_harvest import gain_harvest
from lotwise.plan.gifts import plan_gift
from lotwise.plan.harvest import PROPOSED, HarvestProposal, combined_tax_saved, scan
from lotwise.plan.options import options_from_policy
from lotwise.report.values import cents, shares


def proposal_json(p: HarvestProposal) -> dict[str, object]:
    return {
        "account": p.account, "symbol": p.symbol, "tax_unit": p.unit, "status": p.status,
        "quantity": shares(p.quantity), "value": cents(p.value),
        "loss": cents(p.loss), "short_loss": cents(p.short_loss), "long_loss": cents(p.long_loss),
        "tax_saved": cents(p.tax_saved), "carry_value": cents(p.carry_value),
        "trading_costs": cents(p.trading_costs), "deferred_tax": cents(p.deferred_tax),
        "net_value": cents(p.net_value), "replacement": p.replacement,
        "alternatives": list(p.alternatives), "not_offered": list(p.not_offered),
        "buy_back_from": p.buy_back_from.isoformat(),
        "lots": [{"lot": lot.lot_id, "quantity": shares(lot.quantity), "gain": cents(lot.gain),
                  "term": lot.term if p.terms else "pool"} for lot in p.lots],
        "conflicts": [c.describe() for c in p.conflicts],
        "explanation": p.explanation,
    }


def together_saved(count: int, saved: Decimal) -> str:
    """What the ``count`` proposed harvests save together, said for one or for several."""
    if count == 1:
        return (f"The proposed harvest saves {saved:,.2f} of tax this year. "
                "`lotwise plan --harvest` trades it with the rebalance.")
    return (f"The {count} proposed harvests together save {saved:,.2f} of tax this year. "
            "`lotwise plan --harvest` trades them with the rebalance.")


@app.command("harvest")
@friendly_errors
def harvest_command(
    household: HouseholdOpt = None,
    transactions: TransactionsOpt = None,
    prices: PricesOpt = None,
    db: DbOpt = None,
    household_id: HouseholdIdOpt = None,
    as_of: AsOfOpt = None,
    fx: FxOpt = None,
    show_all: Annotated[bool, typer.Option("--all", help="Also list losses not proposed.")
                        ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Tax-loss harvesting opportunities, household-wide and safe from each owner's loss rule
    (US wash sales, Canadian superficial losses, UK same-day and 30-day matching), with their
    arithmetic; the long-term gains that fit in the 0 % bracket (US); and the gains that the
    annual exempt amount still covers, with a rebuy the 30-day rule does not match (UK)."""
    ctx = load_context(household=household, transactions=transactions, prices=prices, db=db,
                       household_id=household_id, as_of=as_date(as_of), fx=fx)
    costs = options_from_policy(ctx.household).costs
    proposals = scan(ctx.household, ctx.transactions, ctx.book, ctx.prices, ctx.as_of,
                     costs=costs, fx=ctx.fx)
    together = combined_tax_saved(ctx.household, ctx.book, ctx.as_of, proposals)
    gains = gain_harvest(ctx.household, ctx.book, ctx.prices, ctx.as_of, costs, ctx.fx)
    exempt = exempt_harvest(ctx.household, ctx.transactions, ctx.book, ctx.prices, ctx.as_of,
                            costs, ctx.fx)
    shown = proposals if show_all else [p for p in proposals if p.status != "below_threshold"]
    if json_out:
        print_json({
            "as_of": ctx.as_of.isoformat(),
            "currency": ctx.household.base_currency,
            "proposals": [proposal_json(p) for p in shown],
            "tax_saved_together": {u: cents(v) for u, v in together.items()},
            "gain_harvest": [
                {"tax_unit": g.unit, "currency": "USD", "zero_rate_room": cents(g.room),
                 "gain": cents(g.gain),
                 "federal_tax": cents(g.federal_tax), "other_tax": cents(g.other_tax),
                 "lots": [{"account": a, "symbol": s, "lot": lot.lot_id,
                           "quantity": shares(lot.quantity), "gain": cents(lot.gain)}
                          for a, s, lot in g.lots],
                 "explanation": g.explanation}
                for g in gains
            ],
            "exempt_amount_harvest": [
                {"owner": e.owner, "tax_year": e.tax_year,
                 "exempt_amount": cents(e.exempt_amount), "net_gains": cents(e.net_gains),
                 "room": cents(e.room), "gain": cents(e.gain),
                 "sales": [{"account": x.account, "symbol": x.symbol,
                            "quantity": shares(x.quantity), "gain": cents(x.gain),
                            "rebuy": x.rebuy,
                            "rebuys": [{"how": r.how, "account": r.account,
                                        "symbol": r.symbol, "quantity": shares(r.quantity),
                                        "from": r.first_day.isoformat(),
                                        "instead_now": list(r.others)} for r in x.rebuys]}
                           for x in e.sales],
                 "isa_allowance": None if e.isa is None else {
                     "tax_year": e.isa.limit.label, "limit": cents(e.isa.limit.amount),
                     "subscribed": cents(e.isa.subscribed), "left": cents(e.isa.left),
                     "accounts": list(e.isa.accounts), "authority": e.isa.limit.authority},
                 "explanation": e.explanation}
                for e in exempt
            ],
        })
        return
    rows = [{"account": p.account, "symbol": p.symbol, "status": p.status,
             "loss": f"{p.loss:,.2f}", "saved": f"{p.tax_saved + p.carry_value:,.2f}",
             "costs": f"{p.trading_costs + p.deferred_tax:,.2f}", "net": f"{p.net_value:,.2f}",
             "replace with": p.replacement or "", "buy back from": str(p.buy_back_from)}
            for p in shown]
    console.print(table(rows, ("account", "symbol", "status", "loss", "saved", "costs", "net",
                               "replace with", "buy back from"),
                        f"Tax-loss harvesting on {ctx.as_of} (amounts in "
                        f"{ctx.household.base_currency})"))
    for p in shown:
        if p.status != "below_threshold":
            console.print(f"  • {p.explanation}", highlight=False)
    proposed = [p for p in proposals if p.status == PROPOSED]
    if proposed:
        saved = sum(together.values(), Decimal(0))
        console.print(together_saved(len(proposed), saved), highlight=False)
    else:
        console.print("No harvest is worth making today.")
    for g in gains:
        console.print(f"Gain harvesting — {g.explanation}", highlight=False)
    for e in exempt:
        console.print(f"UK exempt amount — {e.explanation}", highlight=False)


@app.command("calendar")
@friendly_errors
def calendar_command(
    household: HouseholdOpt = None,
    transactions: TransactionsOpt = None,
    prices: PricesOpt = None,
    db: DbOpt = None,
    household_id: HouseholdIdOpt = None,
    as_of: AsOfOpt = None,
    fx: FxOpt = None,
    days: Annotated[int, typer.Option(help="How far ahead to look.")] = 60,
    json_out: JsonOpt = False,
) -> None:
    """The harvest calendar: when each owner's 30-day window (wash sale, superficial loss, UK
    matching) closes, when switchbacks are allowed, which US lots turn long-term soon, and each
    tax year's end."""
    ctx = load_context(household=household, transactions=transactions, prices=prices, db=db,
                       household_id=household_id, as_of=as_date(as_of), fx=fx)
    entries = harvest_calendar(ctx.household, ctx.transactions, ctx.book, ctx.prices,
                               ctx.as_of, days)
    if json_out:
        print_json([e.to_json() for e in entries])
        return
    console.print(table([e.to_json() for e in entries], ("day", "tax_unit", "group", "kind",
                                                         "text"),
                        f"Harvest calendar from {ctx.as_of}"))


@app.command("gift")
@friendly_errors
def gift_command(
    amount: Annotated[str, typer.Option(help="Gift to charity, in the base currency.")],
    account: Annotated[str | None, typer.Option(help="Give from this account only.")] = None,
    household: HouseholdOpt = None,
    transactions: TransactionsOpt = None,
    prices: PricesOpt = None,
    db: DbOpt = None,
    household_id: HouseholdIdOpt = None,
    as_of: AsOfOpt = None,
    fx: FxOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Which appreciated long-term lots to give in kind for a gift, and the purchase that
    restores the allocation (US residents; IRC §170(e))."""
    ctx = load_context(household=household, transactions=transactions, prices=prices, db=db,
                       household_id=household_id, as_of=as_date(as_of), fx=fx)
    try:
        value = dec(amount)
    except ValueError:
        raise InputError.one(Source("--amount"), "amount", f"'{amount}' is not an amount",
                             "write --amount 5000") from None
    outside = gift_outside_us(ctx.household, account)
    if outside is not None:
        raise outside
    gift = plan_gift(ctx.household, ctx.book, ctx.prices, ctx.as_of, value, account)
    lots = [{"account": a, "symbol": s, "lot": lot.lot_id, "quantity": shares(lot.quantity),
             "value": cents(lot.proceeds), "gain": cents(lot.gain)} for a, s, lot in gift.lots]
    rebuys = [{"account": a, "symbol": s, "quantity": shares(q)} for a, s, q in gift.rebuys]
    if json_out:
        print_json({"amount": cents(gift.amount), "value": cents(gift.value),
                    "gain_avoided": cents(gift.gain_avoided),
                    "tax_avoided": cents(gift.tax_avoided), "give": lots, "buy": rebuys,
                    "explanation": gift.explanation})
        return
    console.print(table(lots, ("account", "symbol", "lot", "quantity", "value", "gain"),
                        f"Give in kind ({gift.value:,.2f})"))
    console.print(table(rebuys, ("account", "symbol", "quantity"),
                        "Then buy back with the cash"))
    console.print(gift.explanation, highlight=False)
