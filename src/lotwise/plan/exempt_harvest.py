"""Using the UK annual exempt amount: gains realized on purpose while they are still free.

The first part of a tax year's net gains is exempt (TCGA 1992 s.1K: £3,000 from 2024-25)
and an exempt amount not used in its year is lost.  Realizing gains up to it each tax year
raises the cost of the shares held for nothing.  The catch is the 30-day rule: shares of
the same security bought back by the same person in a GIA within 30 days are matched to
the sale (s.106A) and the gain vanishes with the new cost.  So the shares are bought back

* in the owner's ISA — "bed and ISA": an ISA purchase is not matched (ISA Regulations 1998
  reg. 34(2)).  The ISA buys with the cash it already holds and with new subscriptions, and
  a person's subscriptions to their ISAs in a tax year are capped (reg. 4ZA(1): £20,000 from
  2017-18, :mod:`lotwise.plan.isa_allowance`), so the ISA rebuy is capped at the allowance
  left plus the ISA's cash, sale by sale in the order the gains are taken;
* or, for what the ISA cannot take, by the spouse in their own GIA — the rule matches only
  the same person's acquisitions, and a spouse buys at today's price (not a transfer at no
  gain, s.58);
* or after 30 days (from day 31) in the GIA, or as another security of the same asset class
  now (only shares of the same class are matched, s.104(3)).

A fund without UK reporting status (``uk_reporting_fund = false``) is never sold for this:
its gain is an offshore income gain, taxed as income (SI 2009/3001 regs. 17, 18).

A holding is not sold at all when a GIA purchase of it by the same person is already due
the same day or within 30 days (a ``[[scheduled]]`` purchase, an expected reinvestment):
the sale would be matched to it (:meth:`lotwise.plan.guard.WashGuard.sale_blockers`).

The room is the exempt amount less the tax year's net gains so far, when those are not
negative: in a year with net losses any gain realized uses up losses that would otherwise
be carried forward (s.2(2)), which lotwise does not recommend on its own.  Holdings are
taken most appreciated first, so that the fewest shares are sold for the gain.

Example (2026-27, exempt amount £3,000): Olivia has realized £1,200 of gains since
6 April; 3,000 - 1,200 = £1,800 of room.  Her GIA holds 500 ISF with a pool cost of £7.00
a share, priced at £10.17: selling 567 shares would exceed her holding, so all 500 go for
a gain of about £1,584 (less the spread).  She has paid £19,000 into her ISA since 6 April
and it holds no cash, so £1,000 of her £20,000 allowance is left: she buys 98.3087 ISF back
in her ISA the same day (£1,000 at £10.17 plus the 2 bp spread), and James buys the other
401.6913 in his GIA (without a spouse's GIA she would buy them back in hers from day 31).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from lotwise.fx import FxTable
from lotwise.ledger.book import Book
from lotwise.ledger.uk import gains_are_income
from lotwise.model.household import Account, AccountType, Household
from lotwise.model.numbers import ZERO
from lotwise.model.prices import PriceTable
from lotwise.model.transactions import Transaction
from lotwise.plan.guard import WashGuard, build_guard
from lotwise.plan.isa_allowance import IsaAllowance, isa_allowance
from lotwise.plan.money import in_base_currency
from lotwise.plan.options import TradingCosts
from lotwise.plan.taxes import tax_positions
from lotwise.regimes.uk_position import UkPosition

STEP = Decimal("0.0001")
MIN_GAIN = Decimal(1)  # pounds: smaller crumbs of room are not worth a trade
DAY_31 = timedelta(days=31)
ISA = "isa"  # bed and ISA
SPOUSE = "spouse"  # the spouse buys in their own GIA
GIA_DAY_31 = "gia_day_31"  # the owner buys back in the GIA from day 31


@dataclass(frozen=True, slots=True)
class Rebuy:
    """Shares of a sale bought back where (or when) the 30-day rule does not match them."""

    how: str  # isa, spouse, gia_day_31
    account: str
    symbol: str
    quantity: Decimal
    first_day: date  # the first day the purchase is not matched to the sale
    others: tuple[str, ...] = ()  # funds of the class that another may buy today instead


@dataclass(frozen=True, slots=True)
class ExemptSale:
    account: str
    symbol: str
    quantity: Decimal
    price: Decimal  # in the household's base currency
    gain: Decimal  # in pounds
    rebuy: str  # how to buy the shares back without the 30-day rule matching them, in words
    rebuys: tuple[Rebuy, ...] = ()


@dataclass(frozen=True, slots=True)
class ExemptHarvest:
    owner: str
    tax_year: str
    exempt_amount: Decimal
    net_gains: Decimal  # of the tax year so far
    room: Decimal
    sales: tuple[ExemptSale, ...]
    gain: Decimal
    trading_costs: Decimal
    explanation: str
    isa: IsaAllowance | None = None  # the owner's ISA allowance of the tax year


def exempt_harvest(household: Household, transactions: Sequence[Transaction], book: Book,
                   prices: PriceTable, as_of: date, costs: TradingCosts | None = None,
                   fx: FxTable | None = None) -> list[ExemptHarvest]:
    """For each UK resident with a GIA: the gains that the exempt amount still covers, and
    how to buy the shares back.  ``transactions`` give the ISA subscriptions of the tax year
    and the purchases due that a sale would be matched to."""
    costs = costs or TradingCosts()
    view = in_base_currency(household, book, prices, fx, as_of)
    guard = build_guard(household, transactions, book, as_of)
    factors = {a: view.factor(book.currency_of(a)) for a in household.accounts}
    out = []
    for owner_id, position in tax_positions(household, book, as_of).items():
        if isinstance(position, UkPosition):
            allowance = isa_allowance(household, transactions, owner_id, as_of, fx)
            rebuyer = _Rebuyer(household, view.prices, as_of, costs, owner_id, guard,
                               allowance, book, factors)
            out.append(_one(household, view.book, view.prices, as_of, costs, owner_id,
                            position, factors, guard, rebuyer))
    return out


def _one(household: Household, book: Book, prices: PriceTable, as_of: date,
         costs: TradingCosts, owner_id: str, position: UkPosition,
         factors: dict[str, Decimal], guard: WashGuard, rebuyer: _Rebuyer) -> ExemptHarvest:
    aea = position.params.annual_exempt_amount
    net = sum(position.gains, ZERO) - position.losses
    room = max(ZERO, aea - net) if net >= 0 else ZERO
    keep = 1 - costs.spread
    candidates = []
    held_back: list[str] = []
    for lot in book.lots:
        account = household.accounts[lot.account]
        if account.owner != owner_id or not account.is_taxable:
            continue
        price = prices.price_on(lot.symbol, as_of)
        factor = factors[lot.account]
        per_share = (price * keep - lot.basis / lot.quantity) / factor  # pounds
        if per_share <= 0:
            continue
        if gains_are_income(household.securities[lot.symbol]):
            # an offshore income gain is income, which the exempt amount does not cover
            # (SI 2009/3001 regs. 17, 18)
            held_back.append(f"{lot.symbol} in {lot.account} is not sold: it has no UK "
                             "reporting status, so its gain would be an offshore income "
                             "gain, taxed as income, not covered by the exempt amount")
            continue
        blockers = guard.sale_blockers(lot.account, lot.symbol, at_loss=False)
        if blockers:
            held_back.append(f"{lot.symbol} in {lot.account} is not sold: it would be matched "
                             f"to the {blockers[0].describe()} (TCGA s.106A)")
            continue
        candidates.append((per_share * factor / price, lot, price, per_share))
    candidates.sort(key=lambda c: (-c[0], c[1].lot_id))
    left = room
    sales = []
    for _, lot, price, per_share in candidates:
        if left < MIN_GAIN:
            break
        fractional = household.accounts[lot.account].fractional
        qty = min(lot.quantity, left / per_share)
        qty = qty.quantize(STEP if fractional else Decimal(1), rounding=ROUND_DOWN)
        gain = qty * per_share
        if gain < MIN_GAIN:
            continue
        text, rebuys = rebuyer.rebuy(lot.account, lot.symbol, qty, price)
        sales.append(ExemptSale(lot.account, lot.symbol, qty, price, gain, text, rebuys))
        left -= gain
    gain = sum((s.gain for s in sales), ZERO)
    value = sum((s.quantity * s.price for s in sales), ZERO)
    trading = 2 * value * costs.spread + 2 * costs.commission * len(sales)
    label = position.params.label
    if not room:
        text = (f"{owner_id}: no exempt amount left for {label} (net gains so far "
                f"{net:,.2f} against {aea:,.2f})" + ("; a year with net losses keeps them "
                                                     "to carry forward" if net < 0 else "")
                + ".")
    elif not sales:
        text = (f"{owner_id}: {room:,.2f} of the {label} exempt amount is unused, but no GIA "
                f"holding stands at a gain" + (" that may be sold today" if held_back else "")
                + ".")
    else:
        what = "; ".join(f"sell {s.quantity.normalize():f} {s.symbol} in {s.account} "
                         f"(gain {s.gain:,.2f}) and {s.rebuy}" for s in sales)
        text = (f"{owner_id}: {room:,.2f} of the {label} exempt amount ({aea:,.2f}) is unused "
                f"and is lost after {date(position.tax_year + 1, 4, 5)}: "
                f"{what}. The gain of {gain:,.2f} is free (TCGA s.1K) and raises the cost of "
                f"the shares held by as much; trading costs {trading:,.2f}.")
    if sales and (isa := rebuyer.summary()):
        text += f" ISA: {isa}"
    if room and held_back:
        text += " " + "; ".join(held_back) + "."
    return ExemptHarvest(owner_id, label, aea, net, room, tuple(sales), gain, trading, text,
                         rebuyer.allowance)


class _Rebuyer:
    """Where each sale's shares are bought back: the ISA while its allowance and cash last,
    then the spouse's GIA, else the owner's GIA from day 31 (or another fund now)."""

    def __init__(self, household: Household, prices: PriceTable, as_of: date,
                 costs: TradingCosts, owner_id: str, guard: WashGuard,
                 allowance: IsaAllowance | None, book: Book,
                 factors: dict[str, Decimal]) -> None:
        self.household = household
        self.prices = prices
        self.as_of = as_of
        self.costs = costs
        self.owner_id = owner_id
        self.guard = guard
        self.allowance = allowance
        self.factors = factors
        # The ISA's own cash buys without a new subscription (pounds, as the book keeps it).
        self.cash = {a: max(ZERO, book.cash.get(a, ZERO))
                     for a in (allowance.accounts if allowance else ())}
        self.subscribe = allowance.left if allowance else ZERO  # what may still be paid in
        self.used_allowance = ZERO
        self.used_cash = ZERO
        self.tried = False  # a rebuy in the ISA was considered

    def rebuy(self, account_id: str, symbol: str, quantity: Decimal,
              price: Decimal) -> tuple[str, tuple[Rebuy, ...]]:
        isa = self._isa(symbol)
        if isa is None:
            return self._elsewhere(account_id, symbol, quantity)
        factor = self.factors[isa.id]
        per_share = price * (1 + self.costs.spread) / factor  # pounds
        commission = self.costs.commission / factor
        cash = self.cash[isa.id]
        left = self.subscribe
        self.tried = True
        budget = left + cash - commission
        step = STEP if isa.fractional else Decimal(1)
        fits = (budget / per_share).quantize(step, rounding=ROUND_DOWN) if budget > 0 else ZERO
        taken = min(quantity, max(ZERO, fits))
        cost = taken * per_share + commission if taken else ZERO
        from_cash = min(cash, cost)
        self.cash[isa.id] = cash - from_cash
        self.subscribe -= cost - from_cash
        self.used_cash += from_cash
        self.used_allowance += cost - from_cash
        bed = ("bed and ISA: an ISA purchase is not matched, ISA Regulations 1998 "
               "reg. 34(2)")
        own = (Rebuy(ISA, isa.id, symbol, taken, self.as_of),) if taken else ()
        if taken == quantity:
            return (f"buy {symbol} back in {isa.id} the same day for about £{cost:,.2f} "
                    f"({bed})", own)
        text, rest = self._elsewhere(account_id, symbol, quantity - taken)
        available = self._available(isa.id, left, cash)
        if taken > 0:
            return (f"buy {taken.normalize():f} {symbol} back in {isa.id} the same day for "
                    f"about £{cost:,.2f} ({bed}) — all that {available} buys at about "
                    f"£{per_share:,.2f} a share —, and for the other "
                    f"{(quantity - taken).normalize():f}, {text}", own + rest)
        return (f"not in {isa.id}: {available} buys not one share at about "
                f"£{per_share:,.2f}; instead {text}", rest)

    def _available(self, isa_id: str, left: Decimal, cash: Decimal) -> str:
        """What the ISA still had for this rebuy, in words with the figures."""
        assert self.allowance is not None
        label = self.allowance.limit.label
        allowance = (f"£{left:,.2f} left of {self.owner_id}'s £"
                     f"{self.allowance.limit.amount:,.0f} ISA allowance for {label} (reg. "
                     f"4ZA(1); £{self.allowance.subscribed:,.2f} subscribed since "
                     f"{self.allowance.year_start.isoformat()})" if left
                     else f"nothing left of {self.owner_id}'s £"
                     f"{self.allowance.limit.amount:,.0f} ISA allowance for {label} (reg. "
                     f"4ZA(1); £{self.allowance.subscribed:,.2f} subscribed since "
                     f"{self.allowance.year_start.isoformat()})")
        return allowance + (f" and £{cash:,.2f} of cash in {isa_id}" if cash else "")

    def summary(self) -> str:
        """The ISA allowance and what the rebuys take of it, for the explanation."""
        if self.allowance is None or not (self.used_cash or self.used_allowance
                                          or self.tried):
            return ""
        text = f"{self.owner_id}'s {self.allowance.describe()}"
        if self.used_allowance or self.used_cash:
            text += (f"; the ISA rebuys take £{self.used_allowance:,.2f} of new subscriptions"
                     + (f" and £{self.used_cash:,.2f} of cash already in the ISA"
                        if self.used_cash else ""))
        return text + "."

    def _isa(self, symbol: str) -> Account | None:
        return next((a for a in self.household.accounts.values()
                     if a.owner == self.owner_id and a.type is AccountType.ISA
                     and a.may_buy(symbol)), None)

    def _elsewhere(self, account_id: str, symbol: str,
                   quantity: Decimal) -> tuple[str, tuple[Rebuy, ...]]:
        """The spouse's GIA now, else the owner's GIA from day 31 or another fund now."""
        shares = f"{quantity.normalize():f} {symbol}"
        spouse = self.household.owners[self.owner_id].spouse
        gia = next((a for a in self.household.accounts.values() if a.owner == spouse
                    and a.type is AccountType.GIA and a.may_buy(symbol)
                    and not self.guard.buy_blockers(a.id, symbol)), None)
        if gia is not None and spouse is not None:
            return (f"let {spouse} buy {shares} in {gia.id} (a spouse's purchase is not "
                    f"matched, TCGA s.106A)",
                    (Rebuy(SPOUSE, gia.id, symbol, quantity, self.as_of),))
        day = self.as_of + DAY_31
        others = self._others(account_id, symbol)
        now = (f"or buy {' or '.join(others)} now (another fund of its class: only shares of "
               f"the same class are matched, s.104(3))" if others
               else "or another fund of its class now")
        return (f"buy {shares} back in {account_id} from {day} (earlier it would be matched to the "
                f"sale, TCGA s.106A), {now}",
                (Rebuy(GIA_DAY_31, account_id, symbol, quantity, day, others),))

    def _others(self, account_id: str, symbol: str) -> tuple[str, ...]:
        """Securities of the same asset class, priced today, that the GIA may buy unmatched."""
        account = self.household.accounts[account_id]
        asset_class = self.household.securities[symbol].asset_class
        return tuple(s for s, sec in sorted(self.household.securities.items())
                     if s != symbol and sec.asset_class == asset_class and account.may_buy(s)
                     and self.prices.has(s) and not self.guard.buy_blockers(account_id, s))[:3]
