"""Losses lost for good, each with the reason it is lost, as ``lotwise tax`` shows them.

A loss denied by a loss rule is normally only postponed: it is added to the cost of the
shares that caused the denial, and comes back when those shares are sold.  It is lost for
good when those shares are where a cost does not count:

* United States — a wash sale whose replacement shares were bought in an IRA, Roth IRA (or
  another tax-advantaged account: 401(k), HSA): the disallowed loss is not added to the
  basis of the IRA shares and is never deducted (IRC §1091(a), (d); Rev. Rul. 2008-5).
* Canada — a superficial loss whose substituted property was acquired in a registered plan
  (RRSP, RRIF, TFSA, RESP, FHSA), which has no adjusted cost base to add it to (ITA
  s.40(2)(g)(i), s.53(1)(f)); or by an affiliated person whose cost lotwise does not keep:
  the loss goes to that person's cost (s.53(1)(f)), so the seller never claims it.

Example (the bundled ``ca`` example): Claire sells 80 VFV at a loss on 2025-04-07 and her
spouse Marc buys ZSP, identical property, in his TFSA on 2025-04-22; 192.29 of the loss is
denied and lost for good::

    {"rule": "superficial loss", "sold": "2025-04-07", "account": "claire_cash",
     "symbol": "VFV", "amount": "192.29", "substitute_account": "marc_tfsa",
     "substitute_owner": "marc", "substitute_symbol": "ZSP", "substitute_account_type": "tfsa",
     "why": "identical ZSP bought in marc's TFSA; a registered plan has no adjusted cost
             base to add the denied loss to", "authority": "ITA s.40(2)(g)(i), s.53(1)(f)"}
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lotwise.ledger.ca import SuperficialLoss
from lotwise.model.household import Household
from lotwise.model.lots import WashSale
from lotwise.report.values import cents
from lotwise.report.words import account_kind

US_AUTHORITY = "IRC §1091(a), (d); Rev. Rul. 2008-5"
CA_AUTHORITY = "ITA s.40(2)(g)(i), s.53(1)(f)"


@dataclass(frozen=True, slots=True)
class LostLoss:
    """One denied loss, or the part of it that went to one account, lost for good."""

    rule: str  # "wash sale" or "superficial loss"
    owner: str  # who sold at a loss
    sold: date
    account: str
    symbol: str
    amount: Decimal
    substitute_account: str
    substitute_owner: str
    substitute_symbol: str
    substitute_account_type: str
    why: str
    authority: str

    def to_json(self) -> dict[str, object]:
        return {
            "rule": self.rule, "owner": self.owner, "sold": self.sold.isoformat(),
            "account": self.account, "symbol": self.symbol, "amount": cents(self.amount),
            "substitute_account": self.substitute_account,
            "substitute_owner": self.substitute_owner,
            "substitute_symbol": self.substitute_symbol,
            "substitute_account_type": self.substitute_account_type,
            "why": self.why, "authority": self.authority,
        }

    def describe(self) -> str:
        """``VFV sold 2025-04-07 in claire_cash: identical ZSP bought in marc's TFSA; ...``"""
        return f"{self.symbol} sold {self.sold.isoformat()} in {self.account}: {self.why}"


def _owned(household: Household, account_id: str) -> tuple[str, str, str]:
    """(owner, account type, "marc's TFSA") of an account of the household."""
    account = household.accounts.get(account_id)
    if account is None:  # the book names only the household's accounts; kept safe
        return "", "", account_id
    kind = account_kind(account.type.value)
    kind = kind.split(" ", 1)[1] if kind.startswith(("a ", "an ")) else kind
    return account.owner, account.type.value, f"{account.owner}'s {kind}"


def us_lost_for_good(household: Household, washes: Iterable[WashSale]) -> list[LostLoss]:
    """The wash sales among ``washes`` whose loss is lost for good, with the reason."""
    out: list[LostLoss] = []
    for w in washes:
        if not w.permanent:
            continue
        seller = household.accounts[w.account].owner if w.account in household.accounts else ""
        holder, kind, where = _owned(household, w.replacement_account)
        out.append(LostLoss(
            "wash sale", seller, w.sold, w.account, w.symbol, w.disallowed,
            w.replacement_account, holder, w.replacement_symbol, kind,
            f"replacement {w.replacement_symbol} bought in {where}; shares in a "
            "tax-advantaged account take no basis adjustment, so the disallowed loss is never "
            "deducted", US_AUTHORITY))
    return out


_CA_REGISTERED = frozenset({"rrsp", "rrif", "tfsa", "resp", "fhsa"})


def ca_lost_for_good(household: Household, losses: Iterable[SuperficialLoss]) -> list[LostLoss]:
    """The parts of the superficial losses among ``losses`` that are lost for good, one per
    substituted account, with the reason."""
    out: list[LostLoss] = []
    for loss in losses:
        for s in loss.substitutes:
            if not s.permanent:
                continue
            holder, kind, where = _owned(household, s.account)
            account = household.accounts.get(s.account)
            if account is not None and not account.is_taxable:
                plan = ("a registered plan" if account.type.value in _CA_REGISTERED
                        else "a retirement or savings plan outside Canadian capital gains "
                             "rules")
                why = (f"identical {s.symbol} bought in {where}; {plan} has no "
                       "adjusted cost base to add the denied loss to")
            else:
                why = (f"identical {s.symbol} bought by {s.owner}, an affiliated person, in "
                       f"{s.account}; the denied loss goes to {s.owner}'s cost, which lotwise "
                       f"does not keep, and {loss.owner} never claims it")
            out.append(LostLoss(
                "superficial loss", loss.owner, loss.sold, loss.account, loss.symbol,
                s.amount, s.account, holder or s.owner, s.symbol, kind, why, CA_AUTHORITY))
    return out
