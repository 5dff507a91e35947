"""The harvest calendar: dates that open and close harvesting choices, per security group.

* **Wash windows.** A purchase of a group on day D blocks loss sales of it until D+30; loss
  sales are safe again from D+31 (IRC §1091: 30 days before or after).  Scheduled purchases
  and expected dividend reinvestments count as purchases on their day.
* **UK share matching.** A UK resident's disposal on day D — at a gain or a loss — is matched
  with their own purchases of the same shares in a GIA on D and up to D+30 (TCGA 1992
  s.106A), so the calendar shows D+31 for gain sales too: a rebuy before then re-prices the
  sale.  A GIA purchase on day P catches sales up to P itself, so sales are free of it from
  P+1.
* **Buy-backs and switchbacks.** A group sold at a loss on day D may be bought back from D+31.
  A replacement bought right after a harvest may be switched back from then on; doing so
  before its lots turn long-term would realize any gain as short-term, so the calendar gives
  the date on which the switchback realizes no short-term gain.
* **Lots turning long-term** in the next 30 and 60 days: a gain is cheaper to realize after,
  a loss is worth more before (short-term losses offset short-term gains first).
* **Year end.** Trades settle by trade date for capital gains (IRS Pub 550, "Trade date"), so
  31 December is the last day to realize gains or losses for the year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from lotwise.ledger.book import Book
from lotwise.ledger.holding import long_term_from, term_on
from lotwise.model.household import Household
from lotwise.model.lots import Term
from lotwise.model.prices import MissingPriceError, PriceTable
from lotwise.model.transactions import Action, Transaction
from lotwise.plan.guard import WINDOW, build_guard
from lotwise.plan.taxes import unit_of_accounts
from lotwise.regimes.base import US, regime_for

SWAP_DAYS = timedelta(days=5)  # a purchase this soon after a loss sale is taken as its replacement
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    day: date
    unit: str
    group: str
    kind: str  # loss_sales_open, buy_back_open, switchback, turns_long_term, year_end
    text: str

    def to_json(self) -> dict[str, str]:
        return {"day": self.day.isoformat(), "tax_unit": self.unit, "group": self.group,
                "kind": self.kind, "text": self.text}


def harvest_calendar(household: Household, transactions: Sequence[Transaction], book: Book,
                     prices: PriceTable, as_of: date, horizon_days: int = 60
                     ) -> list[CalendarEntry]:
    guard = build_guard(household, transactions, book, as_of)
    unit_of = unit_of_accounts(household)
    horizon = as_of + timedelta(days=horizon_days)
    entries: list[CalendarEntry] = []
    recurring = {key: p for p in household.scheduled
                 for key in guard.buy_keys(p.account, p.symbol)}
    rules = {scope.key: scope.rule for scope in guard.seller.values()}
    for (unit, group), acqs in guard.acquisitions.items():
        last = max(acqs, key=lambda a: a.day)
        rule = rules[unit]
        sales = "sales" if rule.applies_to_gains else "loss sales"
        text = (f"{sales} of {group} are no longer matched to it ({last.describe()}; TCGA "
                f"1992 s.106A)" if rule.applies_to_gains
                else f"loss sales of {group} are safe again ({last.describe()})")
        if (unit, group) in recurring:
            p = recurring[(unit, group)]
            text = (f"{p.symbol} is bought in {p.account} every {p.every_days} days, so "
                    f"{sales} of {group} stay blocked: pause or redirect that purchase for "
                    f"{rule.days_after + 1} days to "
                    f"{'sell' if rule.applies_to_gains else 'harvest'}")
        entries.append(CalendarEntry(
            last.day + timedelta(days=rule.days_before) + ONE_DAY, unit, group,
            "loss_sales_open", text))
    for (unit, group), recent in guard.sales.items():
        last_sale = max(recent, key=lambda s: s.day)
        text = f"{group} may be bought again ({last_sale.describe()})"
        if rules[unit].applies_to_gains:
            text = (f"{group} may be bought again in {unit.split(':', 1)[-1]}'s GIA without "
                    f"being matched to the disposal ({last_sale.describe()}; a rebuy before "
                    f"then re-prices it, TCGA 1992 s.106A)")
        entries.append(CalendarEntry(last_sale.buy_allowed_from, unit, group, "buy_back_open",
                                     text))
    entries += _switchbacks(household, transactions, book, prices, as_of)
    for lot in book.lots:
        account = household.accounts[lot.account]
        if (not account.is_taxable or book.regime_of(lot.account) != US
                or term_on(lot.holding_start, as_of) is Term.LONG):
            continue  # a holding period is US law
        day = long_term_from(lot.holding_start)
        if day > horizon:
            continue
        try:
            gain = lot.quantity * prices.price_on(lot.symbol, as_of) - lot.basis
        except MissingPriceError:
            continue
        hint = ("realize the gain after it" if gain > 0
                else "harvest the loss before it to keep it short-term")
        entries.append(CalendarEntry(
            day, unit_of[lot.account], household.group_of(lot.symbol),
            "turns_long_term",
            f"lot {lot.lot_id} ({lot.quantity.normalize():f} {lot.symbol} in {lot.account}, "
            f"{gain:+,.2f} today) turns long-term: {hint}"))
    ends = set()
    for owner_id in household.owners:
        regime = regime_for(household, owner_id)
        year = regime.tax_year(as_of)
        ends.add((regime.tax_year_span(year)[1], regime.tax_year_label(year), regime.name))
    for end, label, name in sorted(ends):
        who = "household" if len(ends) == 1 else name
        entries.append(CalendarEntry(end, who, "*", "year_end",
                                     f"last trade date to realize gains or losses for {label}"
                                     + ("" if len(ends) == 1 else f" ({name})")))
    year_end = max(end for end, _, _ in ends)
    entries = [e for e in entries if as_of <= e.day <= max(horizon, year_end)]
    entries.sort(key=lambda e: (e.day, e.unit, e.group, e.kind))
    return entries


def _switchbacks(household: Household, transactions: Sequence[Transaction], book: Book,
                 prices: PriceTable, as_of: date) -> list[CalendarEntry]:
    """Replacements bought right after a harvest: when they may be switched back."""
    unit_of = unit_of_accounts(household)
    loss_sales = [d for d in book.disposals
                  if d.kind == "sale" and d.reportable and d.proceeds < d.basis
                  and as_of - timedelta(days=90) <= d.sold <= as_of]
    entries = []
    seen: set[tuple[str, str]] = set()
    for sale in loss_sales:
        sold_class = household.securities[sale.symbol].asset_class
        for txn in transactions:
            if (txn.action is not Action.BUY or txn.account != sale.account or not txn.symbol
                    or not sale.sold <= txn.date <= sale.sold + SWAP_DAYS):
                continue
            bought = household.securities[txn.symbol]
            if bought.asset_class != sold_class or bought.group == household.group_of(
                    sale.symbol):
                continue
            key = (txn.account, txn.symbol)
            if key in seen:
                continue
            seen.add(key)
            allowed = sale.sold + WINDOW + ONE_DAY
            lots = [lot for lot in book.lots
                    if lot.account == txn.account and lot.symbol == txn.symbol]
            short_gain_until = max(
                (long_term_from(lot.holding_start) for lot in lots
                 if _gain(lot.quantity, lot.basis, lot.symbol, prices, as_of) > 0
                 and term_on(lot.holding_start, as_of) is Term.SHORT),
                default=None,
            )
            day = max(allowed, short_gain_until) if short_gain_until else allowed
            unit = unit_of[txn.account]
            text = (f"switch {txn.symbol} in {txn.account} back to {sale.symbol}: allowed from "
                    f"{allowed}")
            if short_gain_until and short_gain_until > allowed:
                text += (f"; {txn.symbol} lots hold a short-term gain until {short_gain_until}, "
                         "so switching back then realizes none")
            entries.append(CalendarEntry(day, unit, household.group_of(sale.symbol),
                                         "switchback", text))
    return entries


def _gain(quantity: Decimal, basis: Decimal, symbol: str, prices: PriceTable,
          as_of: date) -> Decimal:
    try:
        return quantity * prices.price_on(symbol, as_of) - basis
    except MissingPriceError:
        return Decimal(0)
