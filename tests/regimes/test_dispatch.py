"""One journal, several regimes: each owner's accounts replayed under the owner's regime
and merged into one book."""

from __future__ import annotations

from datetime import date

import pytest

from lotwise.errors import InputError
from lotwise.fx import FxRate, FxTable
from lotwise.ledger import replay
from lotwise.ledger.replay import Replayer
from lotwise.regimes import sub_household
from lotwise.testing import generate

from .households import D, household, journal

HH = household(
    {"ann": "US", "ben": "CA", "dee": "UK"},
    {
        "ann_taxable": ("ann", "taxable"),
        "ann_ira": ("ann", "traditional"),
        "ben_cash": ("ben", "non_registered"),
        "ben_tfsa": ("ben", "tfsa"),
        "dee_gia": ("dee", "gia"),
        "dee_isa": ("dee", "isa"),
    },
    spouses=("ann", "ben"),
    securities={"VTI": None, "X": None},
    currencies={"VTI": "USD", "X": "USD"},
    base="USD",
)
RATES = FxTable(
    [FxRate(date(2024, m, 1), "USD", "CAD", D("1.35")) for m in range(1, 13)]
    + [FxRate(date(2024, m, 1), "GBP", "USD", D("1.25")) for m in range(1, 13)],
    max_age_days=31,
)
JOURNAL = """
    2024-01-02 ann_taxable buy VTI 10 @200
    2024-01-02 ann_ira buy VTI 10 @200
    2024-01-02 ben_cash buy VTI 10 @200
    2024-01-02 dee_gia buy VTI 10 @200
    2024-01-02 dee_isa buy VTI 10 @200
    2024-03-04 ann_taxable sell VTI 10 @180
    2024-03-05 ann_ira buy VTI 5 @181
    2024-06-03 ben_cash sell VTI 5 @250
    2024-06-03 dee_gia sell VTI 5 @250
"""


def test_each_owner_is_replayed_under_his_own_regime_and_currency() -> None:
    book = replay(HH, journal(JOURNAL), fx=RATES)
    assert book.regimes == {"ann_taxable": "US", "ann_ira": "US", "ben_cash": "CA",
                            "ben_tfsa": "CA", "dee_gia": "UK", "dee_isa": "UK"}
    assert book.currency_of("ben_cash") == "CAD" and book.currency_of("dee_gia") == "GBP"
    (wash,) = book.wash_sales  # US: Ann's IRA repurchase, lost for good
    assert wash.permanent and wash.disallowed == D(100)
    (line,) = book.ca_dispositions
    assert (line.proceeds, line.acb) == (D("1687.50"), D(1350))  # CAD at 1.35
    (uk,) = book.uk_disposals
    assert (uk.proceeds, uk.cost) == (D(1000), D(800))  # GBP at 1/1.25
    assert [d.sold for d in book.disposals] == sorted(d.sold for d in book.disposals)
    assert {lot.account for lot in book.lots} == set(HH.accounts) - {"ben_tfsa", "ann_taxable"}


def test_the_us_part_is_exactly_what_the_us_ledger_gives() -> None:
    book = replay(HH, journal(JOURNAL), fx=RATES)
    us = sub_household(HH, "US")
    alone = Replayer(us)
    for txn in journal(JOURNAL):
        if txn.account in us.accounts:
            alone.apply(txn)
    expected = alone.book(None)
    assert [d for d in book.disposals if book.regime_of(d.account) == "US"] == list(
        expected.disposals)
    assert book.wash_sales == expected.wash_sales
    assert [lot for lot in book.lots if lot.account.startswith("ann")] == list(expected.lots)


def test_a_us_household_takes_the_us_ledger_alone() -> None:
    household_, txns = generate(400, seed=3)
    book = replay(household_, txns)
    direct = Replayer(household_)
    for txn in sorted(txns, key=lambda t: (t.date, t.seq)):
        direct.apply(txn)
    assert book == direct.book(None)
    assert book.regimes == {} and book.currencies == {}


def test_a_canadian_spouses_purchase_makes_the_loss_superficial_but_no_acb_is_kept() -> None:
    # ITA s.251.1: the spouse is affiliated wherever she lives; lotwise keeps no Canadian
    # ACB for a US resident, so the denied loss is shown as lost (docs/regimes.md).
    book = replay(HH, journal("""
        2024-01-02 ben_cash buy X 10 @200
        2024-03-04 ben_cash sell X 10 @150
        2024-03-10 ann_taxable buy X 10 @150
    """), fx=RATES)
    (loss,) = book.superficial_losses
    assert loss.substitutes[0].account == "ann_taxable" and loss.substitutes[0].permanent


def test_a_transfer_across_regimes_is_an_input_error() -> None:
    with pytest.raises(InputError, match="crosses tax regimes") as caught:
        replay(HH, journal("""
            2024-01-02 ann_taxable buy VTI 10 @200
            2024-02-01 ann_taxable transfer VTI 10 to=ben_cash
        """), fx=RATES)
    assert caught.value.problems[0].field == "to_account"


def test_as_of_cuts_the_journal_for_every_regime() -> None:
    book = replay(HH, journal(JOURNAL), fx=RATES, as_of=date(2024, 5, 31))
    assert book.ca_dispositions == () and book.uk_disposals == ()
    assert book.as_of == date(2024, 5, 31)
