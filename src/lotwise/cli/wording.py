"""Sentences of the command line that depend on the owners' regimes (see
:mod:`lotwise.report.words`): the loss rules a plan was checked against, and what to do
about a gift to charity that lotwise does not plan."""

from __future__ import annotations

from lotwise.errors import InputError, Source
from lotwise.model.household import Household
from lotwise.plan.verify import Verification
from lotwise.regimes.base import owner_regimes
from lotwise.report.words import in_order, words

# How :mod:`lotwise.plan.verify` starts the problem of a plan sale caught by each regime's
# loss rule; a US wash sale is also kept in ``Verification.wash_sales``.
_PROBLEM_PREFIX = {"CA": "superficial loss:", "UK": "UK share matching:"}


def loss_rules_created(verification: Verification) -> str:
    """``wash sales created: 0`` for US owners, ``superficial losses created: 0`` for
    Canadian ones, and the UK's 30-day matches of loss sales, for the regimes of the
    accounts in the replayed book."""
    book = verification.book
    accounts = {lot.account for lot in book.lots} | set(book.cash) | set(book.regimes)
    parts = []
    for regime in in_order(book.regime_of(a) for a in accounts) or ["US"]:
        if regime == "US":
            count = len(verification.wash_sales)
        else:
            count = sum(p.startswith(_PROBLEM_PREFIX[regime]) for p in verification.problems)
        parts.append(f"{words(regime).loss_rules_created}: {count}")
    return "; ".join(parts)


# What a gift of shares to charity does outside the US, for owners whose gifts
# :func:`lotwise.plan.gifts.plan_gift` does not plan (it follows IRC §170(e)).
_GIFTS_ELSEWHERE = {
    "CA": "a gift of listed securities to a qualified donee has its capital gain deemed nil "
    "(ITA s.38(a.1); Form T1170) and earns the donation credit on its fair market value "
    "(s.118.1): give "
    "the units with the largest gain per dollar from a non-registered account, and record the "
    "gift as a donate row",
    "UK": "a gift of shares to a charity is a disposal at no gain and no loss (TCGA 1992 "
    "s.257) and its market value is relieved from income tax (ITA 2007 s.431): give the "
    "shares with the largest gain per pound from a GIA, and record the gift as a donate row",
}


def gift_outside_us(household: Household, account: str | None) -> InputError | None:
    """The error to give when a gift would be planned for owners who are not US residents:
    ``lotwise gift`` picks US residents' long-term lots, and would otherwise report that
    the household's appreciated lots are worth nothing."""
    regimes = owner_regimes(household)
    if account is not None and account in household.accounts:
        owner = household.accounts[account].owner
        if regimes[owner] == "US":
            return None
        why = f"{account} belongs to {owner}, who is resident in {words(regimes[owner]).country}"
        elsewhere = regimes[owner]
    else:
        if any(regimes[a.owner] == "US" and a.is_taxable
               for a in household.accounts.values()):
            return None
        others = in_order(regimes.values())
        why = (f"no owner of {household.id} is a US resident with a taxable account (they are "
               f"resident in {' and '.join(words(c).country for c in others)})")
        elsewhere = others[0]
    return InputError.one(
        Source("gift request"), "account" if account else None,
        f"{why}, and gift planning covers US residents' taxable accounts (IRC §170(e))",
        f"choose the shares yourself: {_GIFTS_ELSEWHERE[elsewhere]}",
    )



def us_only_options_note(household: Household, given: list[str]) -> str | None:
    """What to tell an owner outside the US who gives ``--no-short-term`` or
    ``--protect-days`` (``given``): both act on the US holding period (IRC §1222), which a
    Canadian ACB pool (ITA s.47) or a UK section 104 holding (TCGA s.104) does not have.
    ``None`` when every owner is a US resident or no such option was given."""
    regimes = owner_regimes(household)
    others = sorted(owner for owner, code in regimes.items() if code != "US")
    if not given or not others:
        return None
    options = " and ".join(given)
    verb = "apply" if len(given) > 1 else "applies"
    where = " and ".join(words(c).country for c in in_order(regimes[o] for o in others))
    text = (f"note: {options} {verb} only to US owners' lots, which have short and long terms "
            f"(IRC §1222); {_and(others)} {'is' if len(others) == 1 else 'are'} resident "
            f"in {where}, whose pooled shares have no holding period, so ")
    if len(others) == len(regimes):
        return text + f"{'it changes' if len(given) == 1 else 'they change'} nothing here"
    return text + f"{'it changes' if len(given) == 1 else 'they change'} nothing for them"


def _and(names: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


_COUNTRY = {"US": "the US", "CA": "Canada", "UK": "the UK"}


def unsheltered_notes(household: Household) -> list[str]:
    """A note for each account of another country that its owner's country taxes as an
    ordinary account (lotwise/data/wrappers.toml), citing the table's row."""
    notes = []
    for account, seen in household.unsheltered():
        home = _COUNTRY.get(account.type.jurisdiction, account.type.jurisdiction)
        residence = _COUNTRY.get(seen.residence, seen.residence)
        doubt = " (the law is uncertain: lotwise takes the treatment that taxes)" \
            if seen.uncertain else ""
        notes.append(
            f"note: {account.id} ({account.type.value}, {home}) is taxed as an ordinary "
            f"account: its owner {account.owner} is resident in {residence}, which does not "
            f"recognize it{doubt}. wrappers.toml {seen.residence} {seen.type}: {seen.authority}"
        )
    return notes
