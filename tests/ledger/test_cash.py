"""Cash: each account's balance in the account's own currency, never restated at the rate
of a past day, while cost and proceeds are converted at their own dates' rates (ITA
s.261(2)(b); HMRC CG78310)."""

from __future__ import annotations

from datetime import date

import pytest

from lotwise.errors import InputError
from lotwise.fx import FxRate, FxTable
from lotwise.ledger import replay
from lotwise.ledger.cash import balances, movement
from lotwise.ledger.replay import Replayer
from lotwise.model.transactions import Action
from lotwise.regimes import sub_household
from lotwise.testing import generate

from ..regimes.households import D, household, journal
from ..regimes.test_dispatch import HH as MIXED
from ..regimes.test_dispatch import JOURNAL as MIXED_JOURNAL
from ..regimes.test_dispatch import RATES as MIXED_RATES
from .journal import EVERY_ACTION
from .journal import household as us_household
from .journal import journal as us_journal

DEPOSITED, BOUGHT, SOLD, TODAY = (date(2025, 1, 2), date(2025, 2, 3), date(2025, 4, 1),
                                  date(2025, 6, 2))
RATES = FxTable([
    FxRate(DEPOSITED, "USD", "CAD", D("1.40")),
    FxRate(BOUGHT, "USD", "CAD", D("1.35")),
    FxRate(SOLD, "USD", "CAD", D("1.32")),
    FxRate(TODAY, "USD", "CAD", D("1.30")),
])
# A Canadian resident with a Canadian-dollar and a US-dollar non-registered account.
CA = household({"a": "CA"}, {"a_cad": ("a", "non_registered"), "a_usd": ("a", "non_registered")},
               securities={"VTI": None, "XIC": None},
               currencies={"VTI": "USD", "a_usd": "USD"}, base="CAD")


def test_each_action_moves_the_cash_by_its_rule() -> None:
    rows = us_journal("""
        2025-01-02 taxable deposit amount=1000
        2025-01-03 taxable buy X 10 @20 fees=1
        2025-01-04 taxable sell X 4 @25 fees=2
        2025-01-05 taxable dividend X amount=12
        2025-01-06 taxable reinvest X 1 @20 amount=20 fees=0.5
        2025-01-07 taxable interest amount=3
        2025-01-08 taxable return_of_capital X amount=6
        2025-01-09 taxable withdrawal amount=100
        2025-01-10 taxable fee amount=4
        2025-01-11 taxable split X 2
        2025-01-12 taxable donate X 2 @30
    """)
    assert [movement(t) for t in rows] == [
        D(1000), D(-201), D(98), D(12), D("-0.5"), D(3), D(6), D(-100), D(-4), 0, 0]
    assert balances(rows) == {"taxable": D("813.5")}
    assert balances([t for t in rows if t.action is Action.SPLIT]) == {}


def test_withholding_comes_out_of_a_dividend_and_of_a_reinvested_one() -> None:
    rows = journal("""
        2025-01-02 a_usd dividend VTI amount=100 withholding=15
        2025-01-02 a_usd reinvest VTI 1 @100 amount=100 fees=1 withholding=15
    """)
    assert [movement(t) for t in rows] == [D(85), D(-16)]


def test_the_us_ledger_keeps_the_same_cash() -> None:
    # The US ledger applies the same movements in its own hot paths; the two must agree.
    household_, txns = generate(600, seed=11)
    ordered = sorted(txns, key=lambda t: (t.date, t.seq))
    assert {Action.SELL, Action.DIVIDEND, Action.REINVEST} <= {t.action for t in ordered}
    replayer = Replayer(household_)
    replayer.apply_all(ordered)
    assert balances(ordered) == replayer.cash
    every_action = us_journal(EVERY_ACTION)
    us = us_household({"taxable": ("me", "taxable", "fifo"), "other": ("me", "taxable", "fifo")})
    assert replay(us, every_action).cash == balances(every_action)


def test_balances_are_exact_sums_whatever_the_order_of_their_rows() -> None:
    # 35 significant digits: rounded at the default 28, the sum would depend on the order.
    rows = us_journal("""
        2025-01-02 taxable deposit amount=100000000000000000000
        2025-01-03 taxable deposit amount=0.000000000000001
        2025-01-04 taxable withdrawal amount=100000000000000000000
        2025-01-05 taxable deposit amount=0.000000000000002
    """)
    exact = D("0.000000000000003")
    assert balances(rows) == {"taxable": exact}
    assert balances(reversed(rows)) == {"taxable": exact}
    assert replay(us_household(), rows).cash == {"taxable": exact}


def test_us_dollars_deposited_by_a_canadian_stay_us_dollars() -> None:
    # The audit's case: US$10,000 deposited at USD/CAD 1.40, nothing bought.
    book = replay(CA, journal(f"{DEPOSITED} a_usd deposit amount=10000"), fx=RATES)
    assert book.cash == {"a_usd": D(10000)}
    assert book.cash_currency_of("a_usd") == "USD" and book.currency_of("a_usd") == "CAD"
    # a deposit in another currency than the tax currency moves cash and has no tax
    # amount: it is not a tax event and asks for no rate
    assert book.cash_events == ()
    assert replay(CA, journal(f"{DEPOSITED} a_usd deposit amount=10000")).cash == book.cash


def test_trades_in_the_accounts_currency_move_its_cash_unconverted() -> None:
    book = replay(CA, journal(f"""
        {DEPOSITED} a_usd deposit amount=10000
        {BOUGHT} a_usd buy VTI 20 @250 fees=5
        {SOLD} a_usd sell VTI 20 @260 fees=5
        {SOLD} a_usd dividend VTI amount=100 source=US
    """), fx=RATES)
    assert book.cash["a_usd"] == D(10000) - D(5005) + D(5195) + D(85)
    (line,) = book.ca_dispositions  # the tax amounts, each at its own day's rate
    assert (line.acb, line.proceeds, line.outlays) == (D("6756.75"), D("6864.00"), D("6.60"))


def test_a_row_in_another_currency_moves_the_cash_at_the_rate_of_its_date() -> None:
    # A US-dollar fund bought in the Canadian-dollar account: the broker converted on the
    # day; its fx_rate is the rate into the tax currency, which is the account's too.
    book = replay(CA, journal(f"""
        {DEPOSITED} a_cad deposit amount=20000
        {BOUGHT} a_cad buy VTI 10 @250 fx=1.36
        {SOLD} a_cad buy VTI 10 @250
    """), fx=RATES)
    assert book.cash["a_cad"] == D(20000) - D(3400) - D(3300)
    assert book.cash_currency_of("a_cad") == "CAD"


def test_a_canadian_dollar_purchase_in_the_us_dollar_account_takes_the_tables_rate() -> None:
    # fx= states the rate into the tax currency (CAD): the US-dollar cash ignores it.
    book = replay(CA, journal(f"""
        {DEPOSITED} a_usd deposit amount=10000
        {TODAY} a_usd buy XIC 100 @26 fx=9
    """), fx=RATES)
    assert abs(book.cash["a_usd"] - (D(10000) - D(2000))) < D("1e-20")  # 2,600 / 1.30
    assert book.lots[0].basis == D(2600)  # cost: already in CAD


def test_a_missing_rate_for_the_cash_names_the_row_and_the_accounts_currency() -> None:
    rows = journal(f"""
        {DEPOSITED} a_usd deposit amount=10000
        2025-03-03 a_usd buy XIC 100 @26
    """)
    with pytest.raises(InputError) as caught:
        replay(CA, rows, fx=RATES)
    (problem,) = caught.value.problems
    assert (problem.source.row, problem.field) == (2, "currency")
    assert problem.message.startswith(
        "no CAD/USD rate for 2025-03-03: this buy is in CAD and its account keeps its cash "
        "in USD, in the FX rates file")
    # no "or give this row an fx_rate": that column is the rate into the tax currency
    assert problem.fix.startswith("add a row 2025-03-03,CAD,USD,<rate> to the FX rates file "
                                  "(--fx); a rate more than 7 days old is not used")
    assert "fx_rate" not in problem.fix


def test_the_us_part_of_a_mixed_household_keeps_the_us_ledgers_cash() -> None:
    book = replay(MIXED, journal(MIXED_JOURNAL), fx=MIXED_RATES)
    us = sub_household(MIXED, "US")
    alone = Replayer(us)
    alone.apply_all(t for t in journal(MIXED_JOURNAL) if t.account in us.accounts)
    assert {a: c for a, c in book.cash.items() if a in us.accounts} == alone.cash
    # ben's Canadian-dollar account paid 2,700 CAD (at 1.35) for US$2,000 of VTI; dee's
    # pounds paid 1,600 GBP (at 1/1.25)
    assert book.cash["ben_cash"] == D(-2700) + D("1687.50")
    assert book.cash["dee_gia"] == D(-1600) + D(1000)


def test_a_us_household_keeps_dollars_everywhere() -> None:
    household_, txns = generate(200, seed=5)
    book = replay(household_, txns)
    assert book.cash_currencies == {}
    assert {book.cash_currency_of(a) for a in household_.accounts} == {"USD"}
