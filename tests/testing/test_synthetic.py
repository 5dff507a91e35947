"""The synthetic household and journal generator: deterministic, valid, with wash sales."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lotwise.ledger import replay
from lotwise.model import AccountType, Action, FilingStatus
from lotwise.testing import generate, generate_household
from lotwise.testing.synthetic import DEFAULT_START


def test_the_same_seed_gives_the_same_household_and_journal() -> None:
    assert generate(3_000, seed=11) == generate(3_000, seed=11)
    assert generate_household(seed=11) == generate(10, seed=11)[0]


def test_different_seeds_give_different_journals() -> None:
    assert generate(500, seed=1)[1] != generate(500, seed=2)[1]


@pytest.mark.parametrize("n", [0, 1, 7, 1_000, 12_345])
def test_exactly_the_requested_number_of_rows_in_file_order(n: int) -> None:
    _, txns = generate(n, seed=5, years=3)
    assert len(txns) == n
    assert [t.seq for t in txns] == list(range(n))
    assert len({t.id for t in txns}) == n
    dates = [t.date for t in txns]
    assert dates == sorted(dates)
    assert all(d.weekday() < 5 for d in dates)
    if dates:
        assert dates[0] >= DEFAULT_START
        assert dates[-1] < DEFAULT_START.replace(year=DEFAULT_START.year + 3)


@pytest.mark.parametrize(("n_accounts", "n_symbols"), [(2, 2), (3, 7), (10, 500), (25, 40)])
def test_household_has_the_requested_accounts_and_securities(
    n_accounts: int, n_symbols: int
) -> None:
    household = generate_household(seed=3, n_accounts=n_accounts, n_symbols=n_symbols)
    assert len(household.accounts) == n_accounts
    assert len(household.securities) == n_symbols
    assert sum(household.targets.weights.values()) == Decimal(1)
    for security in household.securities.values():
        assert security.asset_class in household.targets.weights
    types = {account.type for account in household.accounts.values()}
    assert AccountType.TAXABLE in types
    assert types - {AccountType.TAXABLE}  # and at least one tax-advantaged account


def test_default_household_mixes_spouses_account_types_trust_and_identical_groups() -> None:
    household = generate_household(seed=1)
    alice, bob = household.owners["alice"], household.owners["bob"]
    assert (alice.spouse, bob.spouse) == ("bob", "alice")
    assert household.owners["family_trust"].filing_status is FilingStatus.TRUST
    kinds = Counter((a.owner, a.type) for a in household.accounts.values())
    for owner in ("alice", "bob"):
        for kind in (
            AccountType.TAXABLE,
            AccountType.TRADITIONAL,
            AccountType.ROTH,
            AccountType.HSA,
        ):
            assert kinds[(owner, kind)] >= 1, (owner, kind)
    groups = Counter(s.identical_group for s in household.securities.values())
    sizes = {count for group, count in groups.items() if group is not None}
    assert sizes == {2, 3}
    assert groups[None] > 0
    assert len({s.asset_class for s in household.securities.values()}) == 8
    assert generate_household(seed=1, trust=False).owners.keys() == {"alice", "bob"}


def test_journal_uses_every_kind_of_row() -> None:
    household, txns = generate(20_000, seed=2)
    actions = Counter(t.action for t in txns)
    for action in (
        Action.DEPOSIT,
        Action.BUY,
        Action.SELL,
        Action.REINVEST,
        Action.DIVIDEND,
        Action.INTEREST,
        Action.FEE,
        Action.WITHDRAWAL,
        Action.SPLIT,
    ):
        assert actions[action] > 0, action
    sells = [t for t in txns if t.action is Action.SELL]
    assert any(t.lots and t.lots[0].quantity is None for t in sells)  # a whole named lot
    assert any(t.lots and t.lots[0].quantity is not None for t in sells)  # part of one
    assert any(t.method == "lifo" for t in sells)
    assert any(t.fees for t in sells) and any(t.fees for t in txns if t.action is Action.BUY)
    reinvested_in = {
        household.accounts[t.account].type for t in txns if t.action is Action.REINVEST
    }
    assert AccountType.TAXABLE in reinvested_in and reinvested_in - {AccountType.TAXABLE}


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_journal_replays_with_wash_sales_of_every_kind(seed: int) -> None:
    household, txns = generate(10_000, seed=seed)
    book = replay(household, txns)
    washes = book.wash_sales
    assert len(washes) > 100
    by_id = {t.id: t for t in txns}
    assert any(w.permanent for w in washes)  # replacement bought in an IRA, Roth or HSA
    assert any(not w.permanent for w in washes)
    assert any(w.replacement_account != w.account for w in washes)  # a spouse's or an IRA
    assert any(w.replacement_symbol != w.symbol for w in washes)  # an identical fund
    assert any(w.replacement_acquired < w.sold for w in washes)  # bought before the loss
    assert any(w.replacement_acquired > w.sold for w in washes)
    assert any(
        by_id[w.replacement_lot_id.split("#")[0]].action is Action.REINVEST for w in washes
    )  # a dividend reinvestment
    # Not every loss is washed: some replacements come too late or from the trust.
    assert any(d.gain < 0 and not d.adjustment for d in book.disposals if d.reportable)
    # Wash sales inside the 30-day window only.
    assert all(abs(w.replacement_acquired - w.sold) <= timedelta(days=30) for w in washes)


def test_trust_purchases_never_wash_the_spouses_losses() -> None:
    household, txns = generate(20_000, seed=4)
    book = replay(household, txns)
    for w in book.wash_sales:
        trust_sale = w.account.startswith("family_trust")
        assert trust_sale == w.replacement_account.startswith("family_trust")


def test_open_positions_match_the_shares_the_generator_bought_and_sold() -> None:
    household, txns = generate(5_000, seed=9)
    expected: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for t in txns:
        if t.symbol is None or t.quantity is None:
            continue
        key = (t.account, t.symbol)
        if t.action.acquires:
            expected[key] += t.quantity
        elif t.action is Action.SELL:
            expected[key] -= t.quantity
        elif t.action is Action.SPLIT:
            expected[key] *= t.quantity
    book = replay(household, txns)
    assert book.positions() == {k: v for k, v in expected.items() if v}


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(0, 400),
    seed=st.integers(0, 2**32),
    n_accounts=st.integers(2, 14),
    n_symbols=st.integers(2, 30),
    years=st.floats(0.001, 4),
    trust=st.booleans(),
)
def test_any_arguments_give_a_journal_that_replays(
    n: int, seed: int, n_accounts: int, n_symbols: int, years: float, trust: bool
) -> None:
    household, txns = generate(
        n, seed=seed, n_accounts=n_accounts, n_symbols=n_symbols, years=years, trust=trust
    )
    assert len(txns) == n
    replay(household, txns)  # raises InputError on any invalid row


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        generate(-1, seed=0)
    with pytest.raises(ValueError):
        generate(10, seed=0, n_accounts=1)
    with pytest.raises(ValueError):
        generate(10, seed=0, n_symbols=1)
    with pytest.raises(ValueError):
        generate(10, seed=0, years=0)
    with pytest.raises(ValueError):
        generate(10, seed=0, years=float("nan"))
