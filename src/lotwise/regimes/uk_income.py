"""UK income tax on the income lotwise records for a UK resident: offshore income gains and
excess reportable income, stacked on the owner's other taxable income.

What each item is (the Offshore Funds (Tax) Regulations 2009, SI 2009/3001):

* An **offshore income gain** (a gain on a fund without reporting status, regs. 17, 18) is
  charged as miscellaneous income under ITTOIA 2005 Part 5 Chapter 8 for the tax year of
  the disposal (reg. 18(3); HMRC IFM13414).  Savings income is only the income listed in ITA
  2007 s.18(3)-(4) (interest, annuities, deeply discounted securities, accrued income
  profits, life insurance gains), so an offshore income gain is *not* savings income: it is
  charged at the main rates like earnings, with no starting rate for savings and no personal
  savings allowance, and no dividend allowance.
* **Excess reportable income** of a reporting fund is treated as a distribution (reg. 94(1)):
  a foreign dividend, charged at the dividend rates after the dividend allowance — unless the
  fund fails the qualifying investments test (more than 60 % of its assets in interest-bearing
  or similar investments at any time in the period), when it is treated as interest (ITTOIA
  2005 s.378A; HMRC OFM27310): savings income.  lotwise cannot see a fund's portfolio, so the
  household file says so per security: ``uk_bond_fund = true``.

The computation (ITA 2007 s.23; rest-of-UK rates, Scottish rates not modelled):

1. The owner's ``taxable_income`` is their other income after allowances, taken as
   non-savings income (earnings, pensions) that has used the personal allowance in full.
   Their net income is found from it by undoing the allowance: ``T + 12,570`` up to
   £87,430; above that the allowance was already being withdrawn (£1 for every £2 of income
   above £100,000, s.35(2)), so ``N = (T + 12,570 + 50,000) / 1.5`` up to £125,140; beyond,
   ``N = T``.
2. lotwise's items are added to net income, and the personal allowance is recomputed: what
   the items withdraw of it makes more of the other income taxable (s.35(2); allowances are
   set against non-savings income first, s.25(2)).
3. The income is charged in the statutory order — non-savings income, then savings income,
   then dividend income (s.16) — over the bands: the basic rate limit (£37,700, s.10(5)) and
   the higher rate limit (£150,000 in 2022-23, £125,140 from 2023-24, s.10(5A)).  Savings
   within the starting rate limit for savings (£5,000 of taxable income, s.12) are charged at
   0 %; the next £1,000 (basic rate taxpayer) or £500 (higher rate) of savings at the savings
   nil rate (ss.12A, 12B); the first £500 (2024-25 on) of dividends at the dividend nil rate
   (s.13A).  Income at a nil rate still fills its band.
4. The income tax on the items is the tax with them less the tax without them.
5. Capital gains come last: they are charged at the lower rate within the part of the basic
   rate band that the taxable income — the other income *and* the items — leaves unused
   (TCGA 1992 s.1I; HMRC CG21204), so an offshore income gain can move a capital gain from
   18 % to 24 %.  :func:`lotwise.regimes.uk.compute_totals` takes :attr:`IncomeTax.taxable_income`.

Without ``taxable_income`` lotwise cannot know the bands left: it takes the other income to
be exactly the basic rate limit — every item and every gain at the higher rates, the cautious
figure it already uses for capital gains.

Worked example (2025-26; taxable income £35,000, an offshore income gain of £5,000 and
£1,000 of excess reportable income from an equity fund): the gain fills the last £2,700 of
the basic rate band at 20 % (£540) and £2,300 of the higher rate band at 40 % (£920); the
dividend's first £500 is at the nil rate, the other £500 at 33.75 % (£168.75).  Income tax
on the items £1,628.75; taxable income £41,000, so no basic rate band is left for gains.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from lotwise.errors import InputError, Source
from lotwise.model.numbers import ZERO, dec

TWO = Decimal(2)
PENNY = Decimal("0.01")
NON_SAVINGS = "non_savings"
SAVINGS = "savings"
DIVIDENDS = "dividends"

_KEYS = (
    "personal_allowance", "personal_allowance_income_limit", "higher_rate_limit",
    "basic_rate", "higher_rate", "additional_rate",
    "savings_basic_rate", "savings_higher_rate", "savings_additional_rate",
    "starting_rate_limit_for_savings", "personal_savings_allowance_basic",
    "personal_savings_allowance_higher", "dividend_allowance",
    "dividend_ordinary_rate", "dividend_upper_rate", "dividend_additional_rate",
)


@dataclass(frozen=True, slots=True)
class IncomeTaxParams:
    """A tax year's income tax rates and limits (``[income_tax]`` of the year's file)."""

    basic_rate_limit: Decimal
    personal_allowance: Decimal
    personal_allowance_income_limit: Decimal
    higher_rate_limit: Decimal
    basic_rate: Decimal
    higher_rate: Decimal
    additional_rate: Decimal
    savings_basic_rate: Decimal
    savings_higher_rate: Decimal
    savings_additional_rate: Decimal
    starting_rate_limit_for_savings: Decimal
    personal_savings_allowance_basic: Decimal
    personal_savings_allowance_higher: Decimal
    dividend_allowance: Decimal
    dividend_ordinary_rate: Decimal
    dividend_upper_rate: Decimal
    dividend_additional_rate: Decimal

    def rates(self, kind: str) -> tuple[Decimal, Decimal, Decimal]:
        if kind == SAVINGS:
            return self.savings_basic_rate, self.savings_higher_rate, self.savings_additional_rate
        if kind == DIVIDENDS:
            return (self.dividend_ordinary_rate, self.dividend_upper_rate,
                    self.dividend_additional_rate)
        return self.basic_rate, self.higher_rate, self.additional_rate


def income_tax_params(raw: Mapping[str, Any], basic_rate_limit: Decimal,
                      path: str) -> IncomeTaxParams:
    """The ``[income_tax]`` table of a year's file; a missing key names the file."""
    table = raw.get("income_tax")
    missing = [k for k in _KEYS if not isinstance(table, Mapping) or k not in table]
    if missing:
        raise InputError.one(
            Source(path), "income_tax",
            f"the UK income tax parameters lack {', '.join(missing)}",
            f"add them to [income_tax] in {path}, citing the Income Tax Act 2007 and the "
            "Finance Act of the year",
        )
    assert isinstance(table, Mapping)
    values = {k: dec(table[k]) for k in _KEYS}
    return IncomeTaxParams(basic_rate_limit=basic_rate_limit, **values)


@dataclass(frozen=True, slots=True)
class IncomeItems:
    """A person's income of one tax year that lotwise records, in pounds: offshore income
    gains (non-savings income), excess reportable income of bond funds (interest: savings
    income) and of other reporting funds (dividends)."""

    offshore_income_gains: Decimal = ZERO
    interest: Decimal = ZERO
    dividends: Decimal = ZERO

    def __add__(self, other: IncomeItems) -> IncomeItems:
        return IncomeItems(self.offshore_income_gains + other.offshore_income_gains,
                           self.interest + other.interest, self.dividends + other.dividends)

    @property
    def total(self) -> Decimal:
        return self.offshore_income_gains + self.interest + self.dividends


@dataclass(frozen=True, slots=True)
class IncomeSlice:
    """Income of one kind charged at one rate: ``what`` names the rate."""

    kind: str  # non_savings, savings, dividends
    what: str
    rate: Decimal
    amount: Decimal

    @property
    def tax(self) -> Decimal:
        return self.amount * self.rate


@dataclass(frozen=True, slots=True)
class IncomeTax:
    """The income tax on lotwise's items for a tax year, and the taxable income that decides
    the capital gains rates (TCGA s.1I)."""

    items: IncomeItems
    other_income: Decimal | None  # the owner's taxable_income, as given
    assumed_other_income: Decimal  # what was used for it (the basic rate limit if not given)
    allowance_withdrawn: Decimal  # personal allowance the items take away (ITA s.35(2))
    slices: tuple[IncomeSlice, ...]  # the items' income (and the allowance withdrawn)
    taxable_income: Decimal  # other income + allowance withdrawn + items

    @property
    def tax(self) -> Decimal:
        return sum((s.tax for s in self.slices), ZERO)


def _net_income(taxable: Decimal, p: IncomeTaxParams) -> Decimal:
    """Net income whose taxable income, after the personal allowance (s.35), is ``taxable``."""
    pa, limit = p.personal_allowance, p.personal_allowance_income_limit
    if taxable + pa <= limit:
        return taxable + pa
    if taxable < limit + TWO * pa:  # in the withdrawal: T = N - (pa - (N - limit) / 2)
        return ((taxable + pa + limit / TWO) * TWO / 3).quantize(PENNY, ROUND_HALF_UP)
    return taxable


def _allowance(net: Decimal, p: IncomeTaxParams) -> Decimal:
    """The personal allowance at net income ``net`` (ITA s.35(1), (2))."""
    excess = max(ZERO, net - p.personal_allowance_income_limit)
    return max(ZERO, p.personal_allowance - excess / TWO)


def _band(start: Decimal, p: IncomeTaxParams) -> tuple[int, Decimal]:
    """The band (0 basic, 1 higher, 2 additional) of taxable income at ``start``, and where
    that band ends."""
    if start < p.basic_rate_limit:
        return 0, p.basic_rate_limit
    if start < p.higher_rate_limit:
        return 1, p.higher_rate_limit
    return 2, Decimal("Infinity")


_BAND_NAMES = {NON_SAVINGS: ("basic rate", "higher rate", "additional rate"),
               SAVINGS: ("savings basic rate", "savings higher rate", "savings additional rate"),
               DIVIDENDS: ("dividend ordinary rate", "dividend upper rate",
                           "dividend additional rate")}


def _charge(kind: str, start: Decimal, amount: Decimal, p: IncomeTaxParams,
            out: list[IncomeSlice]) -> None:
    """Charge ``amount`` of ``kind`` lying from ``start`` up in the bands."""
    rates = p.rates(kind)
    at = start
    left = amount
    while left > 0:
        band, end = _band(at, p)
        piece = min(left, end - at)
        out.append(IncomeSlice(kind, _BAND_NAMES[kind][band], rates[band], piece))
        at += piece
        left -= piece


def _nil(kind: str, what: str, start: Decimal, amount: Decimal,
         out: list[IncomeSlice]) -> Decimal:
    if amount > 0:
        out.append(IncomeSlice(kind, what, ZERO, amount))
    return start + amount


def _charge_all(non_savings: Decimal, savings: Decimal, dividends: Decimal,
                p: IncomeTaxParams) -> list[IncomeSlice]:
    """Every slice of taxable income, in the order of s.16: non-savings, savings, dividends."""
    out: list[IncomeSlice] = []
    _charge(NON_SAVINGS, ZERO, non_savings, p, out)
    at = non_savings
    total = non_savings + savings + dividends
    if savings > 0:
        starting = min(savings, max(ZERO, p.starting_rate_limit_for_savings - at))
        at = _nil(SAVINGS, "starting rate for savings (ITA s.12)", at, starting, out)
        # s.12B: the allowance depends on the highest band the person's income reaches
        if total <= p.basic_rate_limit:
            psa = p.personal_savings_allowance_basic
        elif total <= p.higher_rate_limit:
            psa = p.personal_savings_allowance_higher
        else:
            psa = ZERO
        nil = min(savings - starting, psa)
        at = _nil(SAVINGS, "savings nil rate (ITA s.12A)", at, nil, out)
        rest = savings - starting - nil
        _charge(SAVINGS, at, rest, p, out)
        at += rest
    if dividends > 0:
        nil = min(dividends, p.dividend_allowance)
        at = _nil(DIVIDENDS, "dividend nil rate (ITA s.13A)", at, nil, out)
        _charge(DIVIDENDS, at, dividends - nil, p, out)
    return out


def income_tax(p: IncomeTaxParams, other_income: Decimal | None,
               items: IncomeItems) -> IncomeTax:
    """The income tax on ``items`` stacked on ``other_income`` (taxable non-savings income
    after the personal allowance), by the steps in the module docstring."""
    other = p.basic_rate_limit if other_income is None else other_income
    net = _net_income(other, p)
    allowance_before = _allowance(net, p)
    allowance_after = _allowance(net + items.total, p)
    withdrawn = allowance_before - allowance_after
    # the allowance is set against the other (non-savings) income first (s.25(2)), so what
    # the items withdraw makes that much more of it taxable
    base = other + withdrawn + items.offshore_income_gains
    slices = _charge_all(base, items.interest, items.dividends, p)
    # the other income's own tax lies below it and is the same with or without the items,
    # so the tax on the items is that of the slices above it (step 4)
    top = other + withdrawn
    stacked = [IncomeSlice(s.kind, f"{s.what}, on personal allowance withdrawn (ITA s.35(2))",
                           s.rate, s.amount) for s in _between(slices, other, top)]
    stacked += _between(slices, top, None)
    return IncomeTax(items, other_income, other, withdrawn, tuple(stacked),
                     top + items.total)


def _between(slices: list[IncomeSlice], low: Decimal,
             high: Decimal | None) -> list[IncomeSlice]:
    """The parts of ``slices`` (laid end to end from 0) between ``low`` and ``high``."""
    out = []
    at = ZERO
    for s in slices:
        start, end = at, at + s.amount
        at = end
        lo, hi = max(start, low), end if high is None else min(end, high)
        if hi > lo:
            out.append(IncomeSlice(s.kind, s.what, s.rate, hi - lo))
    return out
