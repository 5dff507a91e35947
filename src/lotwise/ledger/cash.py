"""Cash: each account's balance, kept in the account's own currency.

An account holds cash in its own currency (``currency`` of ``[accounts.<id>]``): a Canadian
resident's US-dollar account holds US dollars.  Cash is money, not a tax amount, so it is
never restated at a past rate: the balance is the sum of the account's cash movements in the
account's currency, and whoever values it (holdings, drift, the planner) converts it at the
rate of the valuation day (:mod:`lotwise.plan.money`).  The cost and proceeds of shares are
different: they are converted at the rates of their own dates (:mod:`lotwise.fx`).

Each row moves its account's cash by :func:`movement`, in the row's currency:

=========================================  ===========================
buy                                        ``-(gross + fees)``
sell                                       ``gross - fees``
dividend                                   ``gross - withholding``
reinvest                                   ``-(fees + withholding)``
interest, deposit, return of capital       ``+amount``
withdrawal, fee                            ``-amount``
split, transfer (in kind), donate (in kind) nothing
excess reportable income (UK)              nothing: reported, not paid
=========================================  ===========================

where ``gross`` is shares times price, or ``amount`` when given.  A row in another currency
than its account's (a US-dollar security bought in a Canadian-dollar account) was settled by
the broker converting it on its date, so it is first stated in the account's currency at the
rate of its date (:func:`lotwise.fx.in_account_currency`).

Example: a Canadian deposits US$10,000 into a US-dollar account when USD/CAD is 1.40.  The
account holds US$10,000; when the rate is 1.30 the holding is worth C$13,000 (not the
C$14,000 it cost), and a plan may spend at most C$13,000 there.  Shares bought with it on
the day of the deposit would have cost C$14,000 for tax, and that cost would stay
(ITA s.261(2)(b)).

Balances are summed exactly (:data:`EXACT`): a balance is never rounded, however many
digits its rows have, so it does not depend on the order its rows are added in.

The US ledger (:class:`lotwise.ledger.replay.Replayer`) applies the same movements while it
replays a journal whose every amount is in dollars; tests check that the two agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal

from lotwise.model.transactions import Action, Transaction

ZERO = Decimal(0)
# Unbounded precision: sums of cash are exact, as money adds up (see above).
EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
add = EXACT.add
subtract = EXACT.subtract

# In-kind moves of shares, and income reported but not paid: no cash changes hands.
MOVES_NO_CASH = frozenset({Action.SPLIT, Action.TRANSFER, Action.DONATE,
                           Action.EXCESS_REPORTABLE_INCOME})


def movement(txn: Transaction) -> Decimal:
    """What the row adds to its account's cash (negative: takes out), in the row's
    currency.  ``withholding`` is the foreign tax withheld on a dividend at source."""
    action = txn.action
    if action in MOVES_NO_CASH:
        return ZERO
    withheld = txn.withholding or ZERO
    if action is Action.BUY:
        return -(txn.gross + txn.fees)
    if action is Action.SELL:
        return txn.gross - txn.fees
    if action is Action.DIVIDEND:
        return txn.gross - withheld
    if action is Action.REINVEST:  # the dividend paid for the shares; fees and tax are cash
        return -(txn.fees + withheld)
    if action in (Action.WITHDRAWAL, Action.FEE):
        return -txn.gross
    return txn.gross  # interest, deposit, return of capital


def balances(transactions: Iterable[Transaction]) -> dict[str, Decimal]:
    """Each account's cash after ``transactions``, every row already in its account's
    currency; an account appears once a row has moved (or could have moved) its cash."""
    cash: dict[str, Decimal] = {}
    for txn in transactions:
        if txn.action not in MOVES_NO_CASH:
            cash[txn.account] = add(cash.get(txn.account, ZERO), movement(txn))
    return cash
