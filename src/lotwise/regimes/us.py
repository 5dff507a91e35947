"""The United States regime: the rules the existing ledger (:mod:`lotwise.ledger.replay`)
and tax module (:mod:`lotwise.tax`) implement, seen through the :class:`Regime` Protocol.

* Tax year: the calendar year (IRC §441(b)(1) for individuals on the calendar year).
* Lots: relieved by the account's method, FIFO by default (Treas. Reg. §1.1012-1(c)).
* Holding period: long-term when held more than one year (IRC §1222).
* Wash sale (IRC §1091; Treas. Reg. §1.1091-1; IRS Pub 550): substantially identical
  shares acquired 30 days before to 30 days after a loss sale, by the taxpayer or the
  taxpayer's spouse, in any account; the disallowed loss moves to the replacement's
  basis, or is lost for good when the replacement is in an IRA, Roth IRA or HSA
  (Rev. Rul. 2008-5).
"""

from __future__ import annotations

from dataclasses import dataclass

from lotwise.ledger import relief
from lotwise.model.household import Account, AccountType, Household
from lotwise.regimes.base import US, CalendarYear, LossRule, accounts_of
from lotwise.withholding import Withholding, withholding_rate


@dataclass(frozen=True)
class UnitedStatesRegime(CalendarYear):
    household: Household
    owner_id: str

    code = US
    name = "United States"
    currency = "USD"
    has_holding_period = True

    @property
    def relief_methods(self) -> tuple[str, ...]:
        return relief.names()

    def loss_rule(self) -> LossRule:
        owners = self.household.tax_unit(self.owner_id)  # self and spouse: IRS Pub 550
        accounts = accounts_of(self.household, owners)
        return LossRule(
            regime=US,
            kind="wash_sale",
            days_before=30,
            days_after=30,
            owners=owners,
            account_types=frozenset(AccountType),
            accounts=frozenset(a.id for a in accounts),
            permanent_accounts=frozenset(a.id for a in accounts if not a.is_taxable),
            identical="group",
            must_hold_after=False,
            applies_to_gains=False,
            authority="IRC §1091(a); Treas. Reg. §1.1091-1; IRS Pub 550; Rev. Rul. 2008-5",
        )

    def gain_is_income(self, symbol: str) -> bool:
        return False  # every gain lotwise records is a capital gain

    def is_taxable(self, account: Account) -> bool:
        return account.is_taxable

    def withholding(self, source_country: str, account: Account) -> Withholding | None:
        return withholding_rate(source_country, US, account.type.value)
