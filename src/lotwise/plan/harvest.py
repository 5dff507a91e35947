"""Tax-loss harvesting: which losses are worth realizing today, into what, and why not others.

For every position of a taxable account, the lots trading below their basis are a candidate
harvest: sell exactly those lots (specific identification) and buy a replacement that is *not*
substantially identical, so the exposure stays (IRC §1091 disallows the loss only for
substantially identical stock; IRS Pub 550).  A candidate is proposed when

* its loss passes both thresholds — ``harvest_min_loss`` dollars (default 200) and
  ``harvest_min_pct`` of the lots' value (default 5 %);
* no purchase of the group in the last 30 days, and none expected in the next 30 (scheduled
  purchases, dividend reinvestments), in any account of the owner or spouse, would make it a
  wash sale (:mod:`lotwise.plan.guard`); when one would, the conflict is shown with what to
  change;
* a replacement exists: a security of the same asset class, of another identical group, that
  the account may buy and that was not itself sold at a loss in the last 30 days;
* its value exceeds its costs:

      value = tax saved this year (exact: the year's tax with and without the loss)
            + the loss carried forward × next year's rate × the carryforward discount
      costs = the spread both ways + commissions
            + the future tax on the lower basis: loss × long-term rate × harvest_deferral_discount

  (the last term is the critique that harvesting is partly deferral: the replacement's basis is
  lower by the loss, so the tax comes back when it is sold, unless it is donated or held for
  life).

Example: 100 shares of VOO bought at $500, now $440, long-term, in a household at 15 % + 5 %
state: loss $6,000; this year's tax falls by about $3,000 × 24 % (against ordinary income) +
the rest carried; costs $17.60 of spread and $6,000 × 20 % × 0.5 deferred — net worth doing;
the replacement is VTI (another index), and VOO may be bought back from day 31.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from lotwise.errors import InputError, Source
from lotwise.ledger.book import Book
from lotwise.ledger.holding import term_on
from lotwise.model.household import Household
from lotwise.model.lots import OpenLot, Term
from lotwise.model.numbers import ZERO, dec
from lotwise.model.prices import MissingPriceError, PriceTable
from lotwise.model.transactions import Transaction
from lotwise.plan.guard import WINDOW, Acquisition, WashGuard, build_guard
from lotwise.plan.options import TradingCosts
from lotwise.plan.taxes import tax_positions
from lotwise.plan.trades import LotSale
from lotwise.tax.federal import TaxPosition, compute
from lotwise.tax.marginal import marginal_rates

PROPOSED = "proposed"
BELOW_THRESHOLD = "below_threshold"
BLOCKED = "blocked"
NOT_WORTH_IT = "not_worth_it"
NO_REPLACEMENT = "no_replacement"


@dataclass(frozen=True)
class HarvestSettings:
    min_loss: Decimal = Decimal(200)
    min_pct: Decimal = Decimal("0.05")
    deferral_discount: Decimal = Decimal("0.5")
    replacements: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_policy(cls, household: Household) -> HarvestSettings:
        extra = household.policy.extra
        source = Source(f"household {household.id}")

        def number(key: str, default: Decimal) -> Decimal:
            if key not in extra:
                return default
            try:
                value = dec(extra[key])
            except ValueError:
                raise InputError.one(source, f"policy.{key}", f"{key} must be a number",
                                     f"write {key} = {default}") from None
            if value < 0:
                raise InputError.one(source, f"policy.{key}", f"{key} must not be negative",
                                     f"write {key} = {default}")
            return value

        raw = extra.get("replacements", {})
        replacements: dict[str, tuple[str, ...]] = {}
        if isinstance(raw, dict):
            for symbol, options in raw.items():
                if not isinstance(options, list) or any(o not in household.securities
                                                        for o in options):
                    raise InputError.one(
                        source, f"policy.replacements.{symbol}",
                        "replacements must list securities of the household",
                        f'write replacements = {{ {symbol} = ["VTI", "ITOT"] }}')
                replacements[str(symbol)] = tuple(str(o) for o in options)
        return cls(
            min_loss=number("harvest_min_loss", Decimal(200)),
            min_pct=number("harvest_min_pct", Decimal("0.05")),
            deferral_discount=number("harvest_deferral_discount", Decimal("0.5")),
            replacements=replacements,
        )


@dataclass(frozen=True)
class Conflict:
    """A purchase that would turn the harvest into a wash sale, and what to change."""

    acquisition: Acquisition
    fix: str

    def describe(self) -> str:
        return f"{self.acquisition.describe()}: {self.fix}"


@dataclass(frozen=True)
class HarvestProposal:
    account: str
    symbol: str
    unit: str
    lots: tuple[LotSale, ...]
    quantity: Decimal
    price: Decimal
    short_loss: Decimal  # positive amounts
    long_loss: Decimal
    tax_saved: Decimal
    carry_value: Decimal
    trading_costs: Decimal
    deferred_tax: Decimal
    replacement: str | None
    alternatives: tuple[str, ...]
    conflicts: tuple[Conflict, ...]
    buy_back_from: date
    status: str
    explanation: str

    @property
    def loss(self) -> Decimal:
        return self.short_loss + self.long_loss

    @property
    def value(self) -> Decimal:
        return self.quantity * self.price

    @property
    def net_value(self) -> Decimal:
        return self.tax_saved + self.carry_value - self.trading_costs - self.deferred_tax


def replacement_options(
    household: Household, symbol: str, account_id: str, guard: WashGuard, unit: str,
    settings: HarvestSettings, prices: PriceTable, as_of: date, avoid_groups: set[str],
) -> list[str]:
    """Substitutes for ``symbol`` in ``account_id``, best first: same asset class, another
    identical group, buyable there today without a wash sale."""
    security = household.securities[symbol]
    account = household.accounts[account_id]
    preferred = list(settings.replacements.get(symbol, ()))
    candidates = preferred + [s for s in household.securities if s not in preferred]
    out = []
    for other in candidates:
        sec = household.securities[other]
        if sec.asset_class != security.asset_class or sec.group == security.group:
            continue
        if sec.group in avoid_groups or not account.may_buy(other):
            continue
        if guard.buy_blockers(unit, sec.group):
            continue
        try:
            prices.price_on(other, as_of)
        except MissingPriceError:
            continue
        out.append(other)
    return out


def _fix(acq: Acquisition, replacement: str | None) -> str:
    after = acq.day + WINDOW + timedelta(days=1)
    if acq.kind == "scheduled":
        target = f" (to {replacement}, say)" if replacement else ""
        return f"skip or redirect that purchase{target}, or harvest on or after {after}"
    if acq.kind == "expected_reinvestment":
        return (f"turn off dividend reinvestment of {acq.symbol} in {acq.account} for 31 days, "
                f"or harvest on or after {after}")
    return f"the window closes: harvest on or after {after}"


def scan(
    household: Household,
    transactions: Sequence[Transaction],
    book: Book,
    prices: PriceTable,
    as_of: date,
    settings: HarvestSettings | None = None,
    costs: TradingCosts | None = None,
) -> list[HarvestProposal]:
    """Every taxable position with lots at a loss, as a proposal with its status, best first."""
    settings = settings or HarvestSettings.from_policy(household)
    costs = costs or TradingCosts()
    guard = build_guard(household, transactions, book, as_of)
    positions = tax_positions(household, book, as_of)
    rates = {unit: marginal_rates(pos) for unit, pos in positions.items()}
    unit_of = {a.id: household.tax_unit_key(a.owner) for a in household.accounts.values()}
    taxable = {a.id for a in household.accounts.values() if a.type.is_taxable}

    by_position: dict[tuple[str, str], list[tuple[OpenLot, Decimal]]] = {}
    price_of: dict[str, Decimal] = {}
    for lot in book.lots:
        if lot.account not in taxable:
            continue
        price = price_of.get(lot.symbol)
        if price is None:
            price = price_of[lot.symbol] = prices.price_on(lot.symbol, as_of)
        if lot.quantity * price < lot.basis:
            by_position.setdefault((lot.account, lot.symbol), []).append((lot, price))

    proposals = []
    for (account_id, symbol), held in sorted(by_position.items()):
        unit = unit_of[account_id]
        group = household.group_of(symbol)
        price = held[0][1]
        sales = []
        short_loss = long_loss = ZERO
        for lot, _ in held:
            proceeds = lot.quantity * price * (1 - costs.spread)
            loss = lot.basis - proceeds
            term = term_on(lot.holding_start, as_of)
            if term is Term.SHORT:
                short_loss += loss
            else:
                long_loss += loss
            sales.append(LotSale(lot.lot_id, lot.acquired, lot.holding_start, lot.quantity,
                                 lot.basis, proceeds, -loss, term.value))
        quantity = sum((s.quantity for s in sales), ZERO)
        value = quantity * price
        pos = positions[unit]
        base = compute(pos)
        after = compute(pos.with_gains(-short_loss, -long_loss))
        r = rates[unit]
        tax_saved = base.total - after.total
        carried_s = after.carry_out_short - base.carry_out_short
        carried_l = after.carry_out_long - base.carry_out_long
        carry_value = r.discount * (carried_s * r.carry_rate_short + carried_l * r.carry_rate_long)
        trading = 2 * value * costs.spread + 2 * costs.commission
        deferred = (short_loss + long_loss) * r.long_gain * settings.deferral_discount
        options = replacement_options(household, symbol, account_id, guard, unit, settings,
                                      prices, as_of, {group})
        replacement = options[0] if options else None
        conflicts = tuple(Conflict(acq, _fix(acq, replacement))
                          for acq in guard.loss_sale_blockers(unit, group))
        loss = short_loss + long_loss
        proposal = HarvestProposal(
            account=account_id, symbol=symbol, unit=unit, lots=tuple(sales), quantity=quantity,
            price=price, short_loss=short_loss, long_loss=long_loss, tax_saved=tax_saved,
            carry_value=carry_value, trading_costs=trading, deferred_tax=deferred,
            replacement=replacement, alternatives=tuple(options[1:4]), conflicts=conflicts,
            buy_back_from=as_of + WINDOW + timedelta(days=1), status=PROPOSED, explanation="",
        )
        if loss < settings.min_loss or loss < settings.min_pct * value:
            status = BELOW_THRESHOLD
        elif conflicts:
            status = BLOCKED
        elif replacement is None:
            status = NO_REPLACEMENT
        elif proposal.net_value <= 0:
            status = NOT_WORTH_IT
        else:
            status = PROPOSED
        proposals.append(replace(proposal, status=status,
                                 explanation=_explain(proposal, status, settings)))
    proposals = _resolve_overlaps(household, proposals)
    order = {PROPOSED: 0, BLOCKED: 1, NOT_WORTH_IT: 2, NO_REPLACEMENT: 3, BELOW_THRESHOLD: 4}
    proposals.sort(key=lambda p: (order[p.status], -p.net_value))
    return proposals


def _resolve_overlaps(household: Household, proposals: list[HarvestProposal]
                      ) -> list[HarvestProposal]:
    """No harvest may buy, as its replacement, a group that another harvest of the same tax
    unit sells at a loss: the purchase would wash that sale.  Better proposals choose first."""
    harvested = {(p.unit, household.group_of(p.symbol)) for p in proposals
                 if p.status == PROPOSED}
    out = []
    for p in sorted(proposals, key=lambda p: (p.status != PROPOSED, -p.net_value)):
        if p.status != PROPOSED:
            out.append(p)
            continue
        choices = [c for c in (p.replacement, *p.alternatives) if c]
        chosen = next((c for c in choices
                       if (p.unit, household.group_of(c)) not in harvested), None)
        if chosen is None:
            out.append(replace(p, status=NO_REPLACEMENT, explanation=p.explanation +
                               " Every replacement is itself being harvested."))
            continue
        out.append(replace(p, replacement=chosen) if chosen != p.replacement else p)
    return out


def _explain(p: HarvestProposal, status: str, settings: HarvestSettings) -> str:
    head = (f"{p.symbol} in {p.account}: {len(p.lots)} lot(s) at a loss of "
            f"{p.loss:,.2f} ({p.short_loss:,.2f} short-term, {p.long_loss:,.2f} long-term) "
            f"on {p.value:,.2f}.")
    arithmetic = (f" Tax saved this year {p.tax_saved:,.2f}, carried forward worth "
                  f"{p.carry_value:,.2f}; costs: trading {p.trading_costs:,.2f} and the future "
                  f"tax on the lower basis {p.deferred_tax:,.2f} (discounted by "
                  f"{settings.deferral_discount}); net {p.net_value:,.2f}.")
    if status == BELOW_THRESHOLD:
        return head + (f" Below the thresholds ({settings.min_loss:,.0f} and "
                       f"{settings.min_pct * 100:.0f} %).")
    if status == BLOCKED:
        return head + " Blocked: " + "; ".join(c.describe() for c in p.conflicts) + "."
    if status == NO_REPLACEMENT:
        return head + " No replacement of the same class that is not substantially identical."
    if status == NOT_WORTH_IT:
        return head + arithmetic + " Not worth it."
    return head + arithmetic + (f" Replace with {p.replacement}; {p.symbol} may be bought back "
                                f"from {p.buy_back_from}.")


def combined_tax_saved(
    household: Household, book: Book, as_of: date, proposals: Sequence[HarvestProposal]
) -> dict[str, Decimal]:
    """Exact tax saved this year per unit if every proposed harvest is made together."""
    positions: dict[str, TaxPosition] = tax_positions(household, book, as_of)
    extra: dict[str, tuple[Decimal, Decimal]] = {}
    for p in proposals:
        if p.status == PROPOSED:
            s, lg = extra.get(p.unit, (ZERO, ZERO))
            extra[p.unit] = (s - p.short_loss, lg - p.long_loss)
    return {
        unit: compute(pos).total - compute(pos.with_gains(*extra.get(unit, (ZERO, ZERO)))).total
        for unit, pos in positions.items()
    }
