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
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from lotwise.allocation import allocation
from lotwise.errors import InputError, Source
from lotwise.fx import FxTable
from lotwise.gcpause import collector_paused
from lotwise.ledger.book import Book
from lotwise.ledger.holding import long_term_cutoff
from lotwise.model.household import Household
from lotwise.model.lots import OpenLot
from lotwise.model.numbers import ZERO
from lotwise.model.prices import MissingPriceError, PriceTable
from lotwise.model.transactions import Transaction
from lotwise.plan.guard import WINDOW, Acquisition, WashGuard, build_guard
from lotwise.plan.money import in_base_currency
from lotwise.plan.options import TradingCosts, policy_number
from lotwise.plan.penal_funds import ONE, SEVERAL, penalty
from lotwise.plan.taxes import Position, evaluate, rates, tax_positions, unit_of_accounts
from lotwise.plan.trades import LotSale
from lotwise.regimes.base import US, owner_regimes
from lotwise.report.values import shares
from lotwise.report.words import counted, words

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
            value = policy_number(extra, key, source)
            return default if value is None else value

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
    """A purchase that would bring the harvest under the owner's loss rule (a US wash sale,
    a Canadian superficial loss, a UK 30-day match), and what to change."""

    acquisition: Acquisition
    fix: str

    def describe(self) -> str:
        return f"{self.acquisition.describe()}: {self.fix}"


@dataclass(frozen=True)
class HarvestProposal:
    """One position's harvest.  ``lots`` (the specific-identification order) is built on
    first use: a direct-indexed household's scan weighs hundreds of positions and their
    tens of thousands of lots, most of which nobody trades."""

    account: str
    symbol: str
    unit: str
    held: tuple[OpenLot, ...]  # the lots at a loss
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
    settings: HarvestSettings = field(default_factory=lambda: HarvestSettings())
    long_from: date = date.min  # holding-period starts on or before this are long-term
    keep: Decimal = Decimal(1)  # share of the price kept after the spread
    terms: bool = True  # the owner's regime has short and long terms (the US)
    regime: str = US  # the owner's regime, for the words of the explanation
    factor: Decimal = Decimal(1)  # base-currency units per unit of the owner's tax currency
    not_offered: tuple[str, ...] = ()  # same-class funds without UK reporting status
    only_those: bool = False  # ``not_offered`` are the only other securities of the class

    @property
    def lots(self) -> tuple[LotSale, ...]:
        price = self.price * self.keep
        return tuple(
            LotSale(lot.lot_id, lot.acquired, lot.holding_start, lot.quantity, lot.basis,
                    lot.quantity * price, lot.quantity * price - lot.basis,
                    "long" if lot.holding_start <= self.long_from else "short")
            for lot in self.held
        )

    @property
    def loss(self) -> Decimal:
        return self.short_loss + self.long_loss

    @property
    def explanation(self) -> str:
        return _explain(self, self.settings, len(self.held))

    @property
    def value(self) -> Decimal:
        return self.quantity * self.price

    @property
    def net_value(self) -> Decimal:
        return self.tax_saved + self.carry_value - self.trading_costs - self.deferred_tax


class _Substitutes:
    """Replacement candidates, prepared once per scan: per (account, asset class), the
    securities the account may buy and that have a price today, in preference order."""

    def __init__(self, household: Household, settings: HarvestSettings, prices: PriceTable,
                 as_of: date) -> None:
        self.household = household
        self.settings = settings
        self.priced = set()
        for symbol in household.securities:
            try:
                prices.price_on(symbol, as_of)
            except MissingPriceError:
                continue
            self.priced.add(symbol)
        self.by_class: dict[tuple[str, str, bool], list[str]] = {}
        self.group_of = {symbol: sec.group for symbol, sec in household.securities.items()}

    def options(self, symbol: str, account_id: str, guard: WashGuard) -> list[str]:
        """Substitutes for ``symbol`` in ``account_id``, best first: same asset class, not
        identical under the owner's loss rule (another identical group in the US and Canada,
        another security in the UK), and not one whose purchase today would disallow or
        re-price a recent loss."""
        household = self.household
        security = household.securities[symbol]
        account = household.accounts[account_id]
        # A harvest never swaps a fund whose gains are capital gains into one whose gains the
        # owner's country taxes as income (lotwise.plan.penal_funds: a UK resident's offshore
        # fund without reporting status, a US resident's PFIC).
        avoid = penalty(household, account, security) is None
        key = (account_id, security.asset_class, avoid)
        pool = self.by_class.get(key)
        if pool is None:
            pool = self.by_class[key] = [
                s for s, sec in household.securities.items()
                if sec.asset_class == security.asset_class and s in self.priced
                and account.may_buy(s)
                and not (avoid and penalty(household, account, sec) is not None)
            ]
        preferred = [s for s in self.settings.replacements.get(symbol, ()) if s in pool]
        sold = guard.sell_key(account_id, symbol)
        return [other for other in preferred + [s for s in pool if s not in preferred]
                if sold not in guard.buy_keys(account_id, other)
                and not guard.buy_blockers(account_id, other)]


def _not_offered(household: Household, substitutes: _Substitutes, account_id: str,
                 symbol: str) -> tuple[tuple[str, ...], bool]:
    """The securities of ``symbol``'s class that a taxable account could buy but is not
    offered, because the owner's country taxes their gains as income
    (:mod:`lotwise.plan.penal_funds`), and whether they are the class's only other
    securities."""
    asset_class = household.securities[symbol].asset_class
    offered = substitutes.by_class.get((account_id, asset_class, True))
    if offered is None:
        return (), False
    account = household.accounts[account_id]
    symbols = tuple(s for s, sec in household.securities.items()
                    if sec.asset_class == asset_class
                    and penalty(household, account, sec) is not None
                    and s in substitutes.priced and account.may_buy(s))
    return symbols, all(s == symbol for s in offered)


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
    positions: dict[str, Position] | None = None,
    fx: FxTable | None = None,
) -> list[HarvestProposal]:
    """Every taxable position with lots at a loss, as a proposal with its status, best first.
    ``positions`` (each tax unit's year so far) are computed from the book when not given;
    amounts are in the household's base currency (:mod:`lotwise.plan.money`, with ``fx``)."""
    with collector_paused():
        positions = positions or tax_positions(household, book, as_of)
        view = in_base_currency(household, book, prices, fx, as_of)
        factors = {account: view.factor(book.currency_of(account))
                   for account in household.accounts}
        return _scan(household, transactions, view.book, view.prices, as_of,
                     settings or HarvestSettings.from_policy(household), costs or TradingCosts(),
                     positions, factors)


def _scan(household: Household, transactions: Sequence[Transaction], book: Book,
          prices: PriceTable, as_of: date, settings: HarvestSettings,
          costs: TradingCosts, positions: dict[str, Position],
          factors: dict[str, Decimal]) -> list[HarvestProposal]:
    guard = build_guard(household, transactions, book, as_of)
    unit_rates = {unit: rates(pos) for unit, pos in positions.items()}
    unit_of = unit_of_accounts(household)
    taxable = {a.id for a in household.accounts.values() if a.is_taxable}
    regimes = owner_regimes(household)
    terms = {a.id: regimes[a.owner] == US for a in household.accounts.values()}
    us_long_from = long_term_cutoff(as_of)
    keep = 1 - costs.spread

    by_position: dict[tuple[str, str], list[OpenLot]] = {}
    price_of: dict[str, Decimal] = {}
    for lot in book.lots:
        if lot.account not in taxable:
            continue
        price = price_of.get(lot.symbol)
        if price is None:
            price = price_of[lot.symbol] = prices.price_on(lot.symbol, as_of)
        if lot.quantity * price < lot.basis:
            by_position.setdefault((lot.account, lot.symbol), []).append(lot)

    substitutes = _Substitutes(household, settings, prices, as_of)
    # Where a class has no other security (direct indexing: one stock, one class), a harvest
    # keeps the exposure at the portfolio's level instead: allowed when selling the lots
    # leaves the class inside its band, the proceeds going to the underweight classes.
    room: dict[str, Decimal] = {}
    total = ZERO

    def fits_in_band(asset_class: str, value: Decimal) -> bool:
        nonlocal total
        if not room:  # computed once, and only for a class with no other security
            alloc = allocation(household, book, prices, as_of)
            room.update({c.asset_class: c.drift + c.band for c in alloc.classes})
            total = alloc.total
        return bool(total) and room.get(asset_class, ZERO) * total >= value
    candidates: list[_Candidate] = []
    for (account_id, symbol), held in sorted(by_position.items()):
        unit = unit_of[account_id]
        price = price_of[symbol]
        long_from = us_long_from if terms[account_id] else date.max
        quantity = short_basis = long_basis = short_qty = long_qty = ZERO
        for lot in held:
            if lot.holding_start <= long_from:
                long_basis += lot.basis
                long_qty += lot.quantity
            else:
                short_basis += lot.basis
                short_qty += lot.quantity
        quantity = short_qty + long_qty
        short_loss = short_basis - short_qty * price * keep if short_qty else ZERO
        long_loss = long_basis - long_qty * price * keep if long_qty else ZERO
        value = quantity * price
        pos = positions[unit]
        base = evaluate(pos)
        factor = factors[account_id]  # base-currency units per unit of the owner's tax currency
        after = evaluate(pos.with_gains(-short_loss / factor, -long_loss / factor))
        r = unit_rates[unit]
        carried_s = after.carry_out_short - base.carry_out_short
        carried_l = after.carry_out_long - base.carry_out_long
        options = substitutes.options(symbol, account_id, guard)
        conflicts = tuple(Conflict(acq, _fix(acq, options[0] if options else None))
                          for acq in guard.loss_sale_blockers(account_id, symbol))
        tax_saved = (base.total - after.total) * factor
        carry_value = r.discount * (carried_s * r.carry_rate_short
                                    + carried_l * r.carry_rate_long) * factor
        trading = 2 * value * costs.spread + 2 * costs.commission
        deferred = (short_loss + long_loss) * r.long_gain * settings.deferral_discount
        loss = short_loss + long_loss
        if loss < settings.min_loss or loss < settings.min_pct * value:
            status = BELOW_THRESHOLD
        elif conflicts:
            status = BLOCKED
        elif not options and not fits_in_band(household.securities[symbol].asset_class, value):
            status = NO_REPLACEMENT
        elif tax_saved + carry_value - trading - deferred <= 0:
            status = NOT_WORTH_IT
        else:
            status = PROPOSED
        candidates.append(_Candidate(
            account_id, symbol, unit, tuple(held), quantity, price, short_loss, long_loss,
            tax_saved, carry_value, trading, deferred, options, conflicts, status,
            within_band=not options))
    buy_back = as_of + WINDOW + timedelta(days=1)
    penalised = {(c.account, c.symbol): _not_offered(household, substitutes, c.account,
                                                     c.symbol)
                 for c in candidates}
    out = [
        HarvestProposal(
            account=c.account, symbol=c.symbol, unit=c.unit, held=c.held, quantity=c.quantity,
            price=c.price, short_loss=c.short_loss, long_loss=c.long_loss,
            tax_saved=c.tax_saved, carry_value=c.carry_value, trading_costs=c.trading,
            deferred_tax=c.deferred, replacement=c.options[0] if c.options else None,
            alternatives=tuple(c.options[1:4]), conflicts=c.conflicts, buy_back_from=buy_back,
            status=c.status, settings=settings,
            long_from=us_long_from if terms[c.account] else date.max, keep=keep,
            terms=terms[c.account], factor=factors[c.account],
            regime=regimes[household.accounts[c.account].owner],
            not_offered=penalised[c.account, c.symbol][0],
            only_those=penalised[c.account, c.symbol][1],
        )
        for c in _resolve_overlaps(guard, candidates)
    ]
    order = {PROPOSED: 0, BLOCKED: 1, NOT_WORTH_IT: 2, NO_REPLACEMENT: 3, BELOW_THRESHOLD: 4}
    out.sort(key=lambda p: (order[p.status], -p.net_value))
    return out


@dataclass(slots=True)
class _Candidate:
    """A harvest while the scan still weighs it against the others."""

    account: str
    symbol: str
    unit: str
    held: tuple[OpenLot, ...]
    quantity: Decimal
    price: Decimal
    short_loss: Decimal
    long_loss: Decimal
    tax_saved: Decimal
    carry_value: Decimal
    trading: Decimal
    deferred: Decimal
    options: list[str]
    conflicts: tuple[Conflict, ...]
    status: str
    within_band: bool = False  # selling the lots leaves their class inside its band

    @property
    def net_value(self) -> Decimal:
        return self.tax_saved + self.carry_value - self.trading - self.deferred


def _resolve_overlaps(guard: WashGuard, candidates: list[_Candidate]) -> list[_Candidate]:
    """Harvests must not buy, as a replacement, what another of them sells at a loss under the
    same loss rule: that purchase would disallow (or re-price) the sale.  Greedily, best net
    value first: a harvest is accepted unless its key is already some accepted harvest's
    replacement, and it takes the first replacement that no accepted harvest sells —
    preferring one with no loss to harvest, so that direct-indexed households can harvest many
    stocks at once."""
    def sell_key(c: _Candidate) -> tuple[str, str]:
        key = guard.sell_key(c.account, c.symbol)
        assert key is not None
        return key

    wanted = {sell_key(c) for c in candidates if c.status == PROPOSED}
    harvested: set[tuple[str, str]] = set()
    bought: set[tuple[str, str]] = set()
    ranked = sorted(candidates, key=lambda c: (c.status != PROPOSED, -c.net_value))
    for c in ranked:
        if c.status != PROPOSED:
            continue
        key = sell_key(c)
        if c.within_band and key not in bought:
            harvested.add(key)  # no replacement: the class may shrink within its band
            continue
        choices = [o for o in c.options
                   if not harvested.intersection(guard.buy_keys(c.account, o))]
        choices.sort(key=lambda o: bool(wanted.intersection(guard.buy_keys(c.account, o))))
        if key in bought or not choices:
            c.status = NO_REPLACEMENT
            continue
        harvested.add(key)
        bought.update(guard.buy_keys(c.account, choices[0]))
        c.options = choices
    return ranked


def _what_is_sold(p: HarvestProposal, n_lots: int) -> str:
    """``2 lots`` (US); a Canadian's whole ACB pool (ITA s.47) or a UK section 104 holding
    (TCGA s.104), which are one pool of shares at their average cost, not lots."""
    if p.regime == "CA":
        return f"the ACB pool of {shares(p.quantity)} shares"
    if p.regime == "UK":
        return f"the section 104 holding of {shares(p.quantity)} shares"
    return counted(n_lots, "lot")


def _explain(p: HarvestProposal, settings: HarvestSettings, n_lots: int) -> str:
    status = p.status
    split = (f" ({p.short_loss:,.2f} short-term, {p.long_loss:,.2f} long-term)" if p.terms
             else "")
    head = (f"{p.symbol} in {p.account}: {_what_is_sold(p, n_lots)} at a loss of "
            f"{p.loss:,.2f}{split} on {p.value:,.2f}.")
    arithmetic = (f" Tax saved this year {p.tax_saved:,.2f}, carried forward worth "
                  f"{p.carry_value:,.2f}; costs: trading {p.trading_costs:,.2f} and the future "
                  f"tax on the lower {words(p.regime).cost} {p.deferred_tax:,.2f} (discounted "
                  f"by {settings.deferral_discount}); net {p.net_value:,.2f}.")
    if status == BELOW_THRESHOLD:
        return head + (f" Below the thresholds ({settings.min_loss:,.0f} and "
                       f"{settings.min_pct * 100:.0f} %).")
    if status == BLOCKED:
        return head + " Blocked: " + "; ".join(c.describe() for c in p.conflicts) + "."
    penalised = _not_offered_note(p.not_offered, p.regime, only=p.only_those)
    if status == NO_REPLACEMENT:
        if p.not_offered and p.only_those:
            return head + arithmetic + penalised
        return (head + arithmetic + f" No replacement: {words(p.regime).no_replacement}."
                + penalised)
    if status == NOT_WORTH_IT:
        return head + arithmetic + " Not worth it."
    if p.replacement is None:
        return head + arithmetic + (f" No security of its class to replace it with, and the "
                                    f"class stays inside its band without it: the proceeds go "
                                    f"to the underweight classes; {p.symbol} may be bought "
                                    f"back from {p.buy_back_from}." + penalised)
    return head + arithmetic + (f" Replace with {p.replacement}; {p.symbol} may be bought back "
                                f"from {p.buy_back_from}." + penalised)


def _not_offered_note(symbols: tuple[str, ...], regime: str, *, only: bool) -> str:
    """Why funds whose gains are taxed as income are not offered as replacements; ``only``
    when they were the class's only other securities."""
    if not symbols:
        return ""
    several = len(symbols) > 1
    names = ", ".join(symbols)
    if only:
        names += (", the other securities of its class," if several
                  else ", the other security of its class,")
    why = (SEVERAL if several else ONE)[regime]
    return f" {names} {'are' if several else 'is'} not offered: {why}."


def combined_tax_saved(
    household: Household, book: Book, as_of: date, proposals: Sequence[HarvestProposal]
) -> dict[str, Decimal]:
    """Exact tax saved this year per unit if every proposed harvest is made together."""
    positions: dict[str, Position] = tax_positions(household, book, as_of)
    extra: dict[str, tuple[Decimal, Decimal]] = {}
    for p in proposals:
        if p.status == PROPOSED:
            s, lg = extra.get(p.unit, (ZERO, ZERO))
            extra[p.unit] = (s - p.short_loss / p.factor, lg - p.long_loss / p.factor)
    return {
        unit: evaluate(pos).total - evaluate(pos.with_gains(*extra.get(unit, (ZERO, ZERO)))).total
        for unit, pos in positions.items()
    }
