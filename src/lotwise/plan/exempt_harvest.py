"""Using the UK annual exempt amount: gains realized on purpose while they are still free.

The first part of a tax year's net gains is exempt (TCGA 1992 s.1K: £3,000 from 2024-25)
and an exempt amount not used in its year is lost.  Realizing gains up to it each tax year
raises the cost of the shares held for nothing.  The catch is the 30-day rule: shares of
the same security bought back by the same person in a GIA within 30 days are matched to
the sale (s.106A) and the gain vanishes with the new cost.  So the shares are bought back

* in the owner's ISA — "bed and ISA": the proceeds are subscribed to the ISA (within its
  £20,000 yearly allowance) and an ISA purchase is not matched (ISA Regulations 1998
  reg. 34(2));
* or by the spouse in their own GIA — the rule matches only the same person's acquisitions,
  and a spouse buys at today's price (not a transfer at no gain, s.58);
* or after 30 days (from day 31), or as another security of the same asset class.

The room is the exempt amount less the tax year's net gains so far, when those are not
negative: in a year with net losses any gain realized uses up losses that would otherwise
be carried forward (s.2(2)), which lotwise does not recommend on its own.  Holdings are
taken most appreciated first, so that the fewest shares are sold for the gain.

Example (2026-27, exempt amount £3,000): Olivia has realized £1,200 of gains since
6 April; 3,000 - 1,200 = £1,800 of room.  Her GIA holds 500 ISF with a pool cost of £7.00
a share, priced at £10.17: selling 567 shares would exceed her holding, so all 500 go for
a gain of about £1,585 (less the spread), and she buys 500 ISF in her ISA the same day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from lotwise.fx import FxTable
from lotwise.ledger.book import Book
from lotwise.model.household import AccountType, Household
from lotwise.model.numbers import ZERO
from lotwise.model.prices import PriceTable
from lotwise.plan.money import in_base_currency
from lotwise.plan.options import TradingCosts
from lotwise.plan.taxes import tax_positions
from lotwise.regimes.uk_position import UkPosition

STEP = Decimal("0.0001")
MIN_GAIN = Decimal(1)  # pounds: smaller crumbs of room are not worth a trade


@dataclass(frozen=True, slots=True)
class ExemptSale:
    account: str
    symbol: str
    quantity: Decimal
    price: Decimal  # in the household's base currency
    gain: Decimal  # in pounds
    rebuy: str  # how to buy the shares back without the 30-day rule matching them


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


def exempt_harvest(household: Household, book: Book, prices: PriceTable, as_of: date,
                   costs: TradingCosts | None = None,
                   fx: FxTable | None = None) -> list[ExemptHarvest]:
    """For each UK resident with a GIA: the gains that the exempt amount still covers."""
    costs = costs or TradingCosts()
    view = in_base_currency(household, book, prices, fx, as_of)
    out = []
    for owner_id, position in tax_positions(household, book, as_of).items():
        if isinstance(position, UkPosition):
            out.append(_one(household, view.book, view.prices, as_of, costs, owner_id,
                            position, {a: view.factor(book.currency_of(a))
                                       for a in household.accounts}))
    return out


def _one(household: Household, book: Book, prices: PriceTable, as_of: date,
         costs: TradingCosts, owner_id: str, position: UkPosition,
         factors: dict[str, Decimal]) -> ExemptHarvest:
    aea = position.params.annual_exempt_amount
    net = sum(position.gains, ZERO) - position.losses
    room = max(ZERO, aea - net) if net >= 0 else ZERO
    keep = 1 - costs.spread
    candidates = []
    for lot in book.lots:
        account = household.accounts[lot.account]
        if account.owner != owner_id or account.type is not AccountType.GIA:
            continue
        price = prices.price_on(lot.symbol, as_of)
        factor = factors[lot.account]
        per_share = (price * keep - lot.basis / lot.quantity) / factor  # pounds
        if per_share > 0:
            candidates.append((per_share * factor / price, lot, price, per_share, factor))
    candidates.sort(key=lambda c: (-c[0], c[1].lot_id))
    left = room
    sales = []
    for _, lot, price, per_share, _factor in candidates:
        if left < MIN_GAIN:
            break
        fractional = household.accounts[lot.account].fractional
        qty = min(lot.quantity, left / per_share)
        qty = qty.quantize(STEP if fractional else Decimal(1), rounding=ROUND_DOWN)
        gain = qty * per_share
        if gain < MIN_GAIN:
            continue
        sales.append(ExemptSale(lot.account, lot.symbol, qty, price, gain,
                                _rebuy(household, owner_id, lot.symbol, as_of)))
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
                f"holding stands at a gain.")
    else:
        what = "; ".join(f"sell {s.quantity.normalize():f} {s.symbol} in {s.account} "
                         f"(gain {s.gain:,.2f}) and {s.rebuy}" for s in sales)
        text = (f"{owner_id}: {room:,.2f} of the {label} exempt amount ({aea:,.2f}) is unused "
                f"and is lost after {date(position.tax_year + 1, 4, 5)}: "
                f"{what}. The gain of {gain:,.2f} is free (TCGA s.1K) and raises the cost of "
                f"the shares held by as much; trading costs {trading:,.2f}.")
    return ExemptHarvest(owner_id, label, aea, net, room, tuple(sales), gain, trading, text)


def _rebuy(household: Household, owner_id: str, symbol: str, as_of: date) -> str:
    """How to keep the exposure without the 30-day rule matching the rebuy to the sale."""
    mine = [a for a in household.accounts.values() if a.owner == owner_id]
    isa = next((a for a in mine if a.type is AccountType.ISA and a.may_buy(symbol)), None)
    if isa is not None:
        return (f"buy {symbol} back in {isa.id} (bed and ISA: not matched, ISA Regulations "
                f"reg. 34(2); within the ISA allowance)")
    spouse = household.owners[owner_id].spouse
    gia = next((a for a in household.accounts.values() if a.owner == spouse
                and a.type is AccountType.GIA and a.may_buy(symbol)), None)
    if gia is not None:
        return (f"let {spouse} buy {symbol} in {gia.id} (a spouse's purchase is not matched, "
                f"TCGA s.106A)")
    return (f"buy {symbol} back in the GIA from {as_of + timedelta(days=31)} (earlier it "
            f"would be matched to the sale, TCGA s.106A), or another fund of its class now")
