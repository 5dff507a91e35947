"""Funds whose gains an owner's country taxes far harder than capital gains, which plans and
harvests do not buy in that owner's taxable accounts while another fund of the class will do.

* UK residents: an offshore fund without reporting fund status (``uk_reporting_fund =
  false``): its gain is an offshore income gain, charged to income tax, not capital gains
  tax (The Offshore Funds (Tax) Regulations 2009, SI 2009/3001, regs. 17, 18).
* US residents: a passive foreign investment company (``us_pfic = true``, IRC §1297(a)),
  such as an Irish UCITS ETF: a gain on it is an excess distribution, spread over the
  holding period, taxed at the highest ordinary rate of each year with an interest charge
  (IRC §1291(a)).  Held in an IRA, a Roth IRA or a 401(k) it is not (Treas. Reg.
  §1.1291-1(e); Notice 2014-28), and a sheltered account is never considered here.

Example: a UK resident's GIA may buy VUSA (a reporting fund) or VTI (a US ETF, an offshore
fund without reporting status); ``penalty(household, gia, VTI)`` gives the reason VTI is
not bought there, and the planner buys VUSA.  In the same resident's ISA both may be bought.
"""

from __future__ import annotations

from lotwise.ledger.uk import gains_are_income
from lotwise.model.household import Account, Household, Security
from lotwise.regimes.base import UK, US, regime_code

UK_OFFSHORE = ("without UK reporting status its gains would be offshore income gains, "
               "taxed as income (SI 2009/3001 regs. 17, 18)")
US_PFIC = ("it is a passive foreign investment company, and a US person's gain on it is an "
           "excess distribution, taxed at the top ordinary rate with an interest charge "
           "(IRC §1291)")
#: the reasons above for several funds at once, by regime
SEVERAL = {
    UK: UK_OFFSHORE.replace("its gains", "their gains"),
    US: ("they are passive foreign investment companies, and a US person's gain on them is "
         "an excess distribution, taxed at the top ordinary rate with an interest charge "
         "(IRC §1291)"),
}
ONE = {UK: UK_OFFSHORE, US: US_PFIC}


def penalty(household: Household, account: Account, security: Security) -> str | None:
    """Why ``security`` is not to be bought in ``account`` by its owner, or ``None``."""
    if not account.is_taxable:
        return None
    regime = regime_code(household.owners[account.owner])
    if regime == UK and gains_are_income(security):
        return ONE[UK]
    if regime == US and security.us_pfic:
        return ONE[US]
    return None
