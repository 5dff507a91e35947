"""The transactions CSV: what each action reads as, and what each mistake reports."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from lotwise.errors import InputError, Problem, Source
from lotwise.io import load_household, parse_household, parse_transactions, read_transactions
from lotwise.io.transactions_csv import content_id, parse_lots
from lotwise.model.household import Household
from lotwise.model.transactions import Action, LotPick, Transaction

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = date(2026, 11, 20)
HEADER = "date,account,action,symbol,quantity,price,fees,amount,lot,id,memo,to_account,method\n"


@pytest.fixture(scope="module")
def household() -> Household:
    return load_household(FIXTURES / "household.toml")


def parse(text: str, household: Household, **kwargs: int) -> list[Transaction]:
    return parse_transactions(text, "t.csv", household, today=TODAY, **kwargs)


def problems_of(text: str, household: Household) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        parse(text, household)
    return list(caught.value.problems)


def only_problem(row: str, household: Household) -> Problem:
    problems = problems_of(HEADER + row + "\n", household)
    assert len(problems) == 1, problems
    return problems[0]


# --------------------------------------------------------------------------- a good file


@pytest.fixture(scope="module")
def journal(household: Household) -> list[Transaction]:
    return read_transactions(FIXTURES / "transactions.csv", household, today=TODAY)


def test_rows_keep_file_order_as_seq_and_point_back_to_their_line(
    journal: list[Transaction],
) -> None:
    assert [t.seq for t in journal] == list(range(18))
    assert journal[0].source == Source(str(FIXTURES / "transactions.csv"), 2)
    assert journal[-1].source is not None and journal[-1].source.row == 19


def test_a_buy_reads_as_shares_price_and_fees(journal: list[Transaction]) -> None:
    buy = journal[1]
    assert buy == Transaction(
        seq=1,
        id="B1",
        date=date(2024, 1, 2),
        account="joint",
        action=Action.BUY,
        symbol="VOO",
        quantity=Decimal(10),
        price=Decimal("430.50"),
        fees=Decimal("1.00"),
        source=buy.source,
    )
    assert journal[2].fees == 0  # fees blank = 0


def test_a_deposit_is_cash_only(journal: list[Transaction]) -> None:
    deposit = journal[0]
    assert deposit.action is Action.DEPOSIT
    assert (deposit.symbol, deposit.quantity, deposit.price) == (None, None, None)
    assert deposit.amount == Decimal(10000)
    assert deposit.memo == "opening deposit"


def test_a_reinvest_amount_defaults_to_shares_times_price(journal: list[Transaction]) -> None:
    assert journal[5].action is Action.REINVEST
    assert journal[5].amount == Decimal("36.000")  # 0.5 * 72.00
    assert journal[6].amount == Decimal("45.00")  # the dividend reinvested, as written


def test_a_sell_names_its_lots_for_specific_identification(journal: list[Transaction]) -> None:
    sell = journal[10]
    assert sell.action is Action.SELL
    assert sell.lots == (LotPick("B1", Decimal(6)), LotPick("B2"))
    assert sell.method is None
    assert sell.fees == Decimal("0.50")


def test_a_sell_may_override_the_account_lot_method(journal: list[Transaction]) -> None:
    assert journal[11].method == "lifo"
    assert journal[11].lots == ()


def test_a_split_quantity_is_new_shares_per_old(journal: list[Transaction]) -> None:
    split = journal[12]
    assert (split.action, split.symbol, split.quantity) == (Action.SPLIT, "VOO", Decimal(2))


def test_a_transfer_moves_some_or_all_shares_to_another_taxable_account(
    journal: list[Transaction],
) -> None:
    some, rest = journal[13], journal[14]
    assert (some.to_account, some.quantity, some.lots) == (
        "kim_taxable",
        Decimal(3),
        (LotPick("B2"),),
    )
    assert (rest.to_account, rest.quantity) == ("kim_taxable", None)


def test_cash_actions_read_their_amount(journal: list[Transaction]) -> None:
    by_action = {t.action: t for t in journal}
    assert by_action[Action.DIVIDEND].amount == Decimal("12.50")
    assert by_action[Action.DIVIDEND].symbol == "VOO"
    assert by_action[Action.INTEREST].amount == Decimal("3.21")
    assert by_action[Action.FEE].symbol is None
    assert by_action[Action.WITHDRAWAL].amount == Decimal(500)
    assert by_action[Action.RETURN_OF_CAPITAL].amount == Decimal(4)
    donate = by_action[Action.DONATE]
    assert (donate.id, donate.quantity, donate.price) == ("G1", Decimal(2), Decimal("230.25"))


def test_columns_may_come_in_any_order_and_the_optional_ones_may_be_absent(
    household: Household,
) -> None:
    text = (
        "memo,id,lot,amount,fees,price,quantity,symbol,action,account,date\n"
        ",,,,,430,2,VOO,buy,joint,2024-01-02\n"
    )
    (buy,) = parse(text, household)
    assert (buy.action, buy.quantity, buy.price, buy.to_account) == (
        Action.BUY,
        Decimal(2),
        Decimal(430),
        None,
    )


def test_bom_crlf_and_blank_lines_are_accepted(household: Household) -> None:
    text = "\ufeff" + HEADER + "\r\n" + "2024-01-02,joint,deposit,,,,,100,,,,,\r\n\r\n\r\n"
    (deposit,) = parse(text.replace("\n", "\r\n").replace("\r\r", "\r"), household)
    assert deposit.amount == 100
    assert deposit.source == Source("t.csv", 3)


def test_rows_of_blank_cells_are_skipped_and_extra_blank_cells_are_ignored(
    household: Household,
) -> None:
    text = HEADER + " , ,  ,\n" + "2024-01-02, joint ,deposit,,,,, 100 ,,,,,,  , \n" + ",,,\n"
    (deposit,) = parse(text, household)
    assert (deposit.account, deposit.amount, deposit.seq) == ("joint", Decimal(100), 0)
    assert deposit.source == Source("t.csv", 3)


def test_a_header_alone_is_an_empty_journal(household: Household) -> None:
    assert parse(HEADER, household) == []


def test_symbols_match_the_household_ignoring_case(household: Household) -> None:
    (buy,) = parse(HEADER + "2024-01-02,joint,Buy,voo,1,400,,,,,,,\n", household)
    assert (buy.action, buy.symbol) == (Action.BUY, "VOO")


def test_seq_counts_from_seq_start(household: Household) -> None:
    text = HEADER + "2024-01-02,joint,deposit,,,,,100,,,,,\n2024-01-03,joint,deposit,,,,,100,,,,,\n"
    assert [t.seq for t in parse(text, household, seq_start=100)] == [100, 101]


def test_rows_with_and_without_ids_are_numbered_in_file_order(household: Household) -> None:
    text = HEADER + (
        "2024-01-02,joint,deposit,,,,,100,,D1,,,\n"
        "2024-01-02,joint,deposit,,,,,100,,,,,\n"
        "2024-01-03,joint,deposit,,,,,200,,D3,,,\n"
    )
    rows = parse(text, household, seq_start=7)
    assert [t.seq for t in rows] == [7, 8, 9]
    assert [t.id for t in rows][::2] == ["D1", "D3"] and rows[1].id == content_id(rows[1])
    assert [t.source for t in rows] == [Source("t.csv", n) for n in (2, 3, 4)]


# --------------------------------------------------------------------------- ids


def test_a_blank_id_is_made_from_the_row_and_is_stable(household: Household) -> None:
    text = HEADER + "2024-01-02,joint,deposit,,,,,3000,,,first,,\n"
    first = parse(text, household)[0].id
    assert first.startswith("r") and len(first) == 13
    assert parse(text, household)[0].id == first
    # the spelling of numbers and the memo do not change it; the content does
    assert parse(text.replace("3000", '"3,000.00"').replace("first", "x"), household)[0].id == first
    assert parse(text.replace("3000", "3001"), household)[0].id != first


def test_identical_rows_get_numbered_ids(household: Household) -> None:
    row = "2024-01-02,joint,deposit,,,,,100,,,,,\n"
    ids = [t.id for t in parse(HEADER + row * 3, household)]
    assert ids == [ids[0], ids[0] + "-2", ids[0] + "-3"]


def test_content_id_hashes_the_normalised_fields(journal: list[Transaction]) -> None:
    deposit = journal[0]
    assert deposit.id == content_id(deposit)


def test_ids_are_the_same_when_the_file_is_read_again(household: Household) -> None:
    path = FIXTURES / "transactions.csv"
    first = [t.id for t in read_transactions(path, household, today=TODAY)]
    second = [t.id for t in read_transactions(path, household, today=TODAY)]
    assert first == second
    assert len(set(first)) == len(first)


# --------------------------------------------------------------------------- lot lists


def test_lot_lists_parse_with_and_without_share_counts() -> None:
    assert parse_lots("B12") == (LotPick("B12"),)
    assert parse_lots("B12:10; B13:5;") == (LotPick("B12", Decimal(10)), LotPick("B13", Decimal(5)))


@pytest.mark.parametrize("text", ["B12:x", ":5", "B12:0", "B12;B12", ";", "B12:-1"])
def test_bad_lot_lists_are_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        parse_lots(text)


# --------------------------------------------------------------------------- file problems


def test_an_empty_file_is_reported(household: Household) -> None:
    (problem,) = problems_of("\n\n", household)
    assert problem.message == "the file is empty"
    assert problem.fix.startswith("start the file with the header line date,account,action")


def test_a_file_without_header_is_reported(household: Household) -> None:
    (problem,) = problems_of("2024-01-02,joint,deposit,,,,,100,,,\n", household)
    assert problem.source.row == 1
    assert problem.message.startswith("the first line is not a header")


def test_missing_and_unknown_columns_are_reported(household: Household) -> None:
    text = "date,account,action,symbol,quantity,price,fees,amount,lots,id\n"
    problems = problems_of(text, household)
    assert [p.field for p in problems] == ["lots", "lot"]
    assert "unknown column 'lots' (did you mean 'lot'?)" in problems[0].message
    assert problems[1].message == "the header has no columns lot, memo"


def test_a_row_with_extra_cells_is_reported(household: Household) -> None:
    problem = only_problem("2024-01-02,joint,deposit,,,,,1,000,,,,,x", household)
    assert problem.source.row == 2
    assert "14 cells but the header has 13 columns" in problem.message
    assert "double quotes" in problem.fix


def test_a_non_utf8_file_is_reported(tmp_path: Path, household: Household) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(
        HEADER.encode() + "2024-01-02,joint,deposit,,,,,1,,,caf\xe9,,\n".encode("latin-1")
    )
    with pytest.raises(InputError) as caught:
        read_transactions(path, household, today=TODAY)
    assert caught.value.problems[0].source.row == 2
    assert "not UTF-8" in caught.value.problems[0].message


# --------------------------------------------------------------------------- row problems


def test_an_unparsable_date(household: Household) -> None:
    problem = only_problem("2024/01/02,joint,deposit,,,,,100,,,,,", household)
    assert (problem.source.row, problem.field) == (2, "date")
    assert problem.message == "'2024/01/02' is not a date"
    assert problem.fix == "write dates as YYYY-MM-DD, e.g. 2024-01-05"


def test_a_date_in_the_future(household: Household) -> None:
    problem = only_problem("2026-11-21,joint,deposit,,,,,100,,,,,", household)
    assert problem.field == "date"
    assert problem.message == "2026-11-21 is a date in the future (today is 2026-11-20)"


def test_an_unparsable_number(household: Household) -> None:
    problem = only_problem("2024-01-02,joint,buy,VOO,ten,400,,,,,,,", household)
    assert problem.field == "quantity"
    assert problem.message == "'ten' is not a number"


def test_an_unknown_action(household: Household) -> None:
    problem = only_problem("2024-01-02,joint,purchase,VOO,1,400,,,,,,,", household)
    assert problem.field == "action"
    assert problem.message == "unknown action 'purchase'"
    assert problem.fix.startswith("use one of: buy, sell, reinvest")
    problem = only_problem("2024-01-02,joint,sel,VOO,1,400,,,,,,,", household)
    assert "did you mean 'sell'?" in problem.message


def test_an_unknown_account(household: Household) -> None:
    problem = only_problem("2024-01-02,jiont,deposit,,,,,100,,,,,", household)
    assert problem.field == "account"
    assert problem.message == "unknown account 'jiont' (did you mean 'joint'?)"
    assert "add [accounts.jiont] to the household file" in problem.fix


def test_an_unknown_symbol(household: Household) -> None:
    problem = only_problem("2024-01-02,joint,buy,VTI,1,200,,,,,,,", household)
    assert problem.field == "symbol"
    assert problem.message == "unknown symbol 'VTI'"
    assert problem.fix.startswith("add [securities.VTI]")


@pytest.mark.parametrize("quantity", ["-5", "0"])
def test_a_quantity_must_be_positive(household: Household, quantity: str) -> None:
    problem = only_problem(f"2024-01-02,joint,sell,VOO,{quantity},400,,,,,,,", household)
    assert problem.field == "quantity"
    assert problem.message == f"the quantity of a sell must be more than zero, got {quantity}"


def test_a_negative_fee_or_price(household: Household) -> None:
    problems = problems_of(HEADER + "2024-01-02,joint,buy,VOO,1,-400,-1,,,,,,\n", household)
    assert [p.field for p in problems] == ["price", "fees"]


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("2024-01-02,joint,buy,,1,400,,,,,,,", "symbol"),
        ("2024-01-02,joint,buy,VOO,,400,,,,,,,", "quantity"),
        ("2024-01-02,joint,sell,VOO,1,,,,,,,,", "price"),
        ("2024-01-02,joint,dividend,VOO,,,,,,,,,", "amount"),
        ("2024-01-02,joint,dividend,,,,,5,,,,,", "symbol"),
        ("2024-01-02,joint,split,VOO,,,,,,,,,", "quantity"),
        ("2024-01-02,joint,donate,VOO,1,,,,,,,,", "price"),
        ("2024-01-02,joint,transfer,VOO,1,,,,,,,,", "to_account"),
        ("2024-01-02,joint,return_of_capital,,,,,5,,,,,", "symbol"),
        (",joint,deposit,,,,,5,,,,,", "date"),
        ("2024-01-02,,deposit,,,,,5,,,,,", "account"),
        ("2024-01-02,joint,,,,,,5,,,,,", "action"),
    ],
)
def test_a_field_the_action_needs_is_missing(household: Household, row: str, field: str) -> None:
    problem = only_problem(row, household)
    assert problem.field == field
    assert "missing" in problem.message or "needs a" in problem.message


def test_a_field_the_action_does_not_use(household: Household) -> None:
    problem = only_problem("2024-01-02,joint,deposit,VOO,,,,100,,,,,", household)
    assert problem.field == "symbol"
    assert problem.message == "a deposit does not use symbol (got 'VOO')"
    assert problem.fix == "leave symbol blank; a deposit row uses date, account, action, amount"


def test_zero_fees_are_allowed_on_any_row(household: Household) -> None:
    (dividend,) = parse(HEADER + "2024-01-02,joint,dividend,VOO,,,0,5,,,,,\n", household)
    assert dividend.fees == 0


def test_a_bad_lot_spec(household: Household) -> None:
    problem = only_problem("2024-01-02,joint,sell,VOO,5,400,,,B1:x,,,,", household)
    assert problem.field == "lot"
    assert problem.message == "'B1:x' is not a lot list: 'x' after B1: is not a share count"
    assert "B12:10;B13:5" in problem.fix


def test_lots_may_not_name_more_shares_than_sold(household: Household) -> None:
    problem = only_problem("2024-01-02,joint,sell,VOO,5,400,,,B1:4;B2:3,,,,", household)
    assert problem.field == "lot"
    assert problem.message == "the lots name 7 shares but the sell is of 5"


def test_an_unknown_lot_method(household: Household) -> None:
    problem = only_problem("2024-01-02,joint,sell,VOO,5,400,,,,,,,hifi", household)
    assert problem.field == "method"
    assert problem.message == "unknown lot method 'hifi' (did you mean 'hifo'?)"


def test_a_lot_list_with_another_method_is_a_contradiction(household: Household) -> None:
    problem = only_problem("2024-01-02,joint,sell,VOO,5,400,,,B1,,,,fifo", household)
    assert problem.field == "method"
    problem = only_problem("2024-01-02,joint,sell,VOO,5,400,,,,,,,specific", household)
    assert problem.field == "lot"


def test_a_duplicate_id(household: Household) -> None:
    text = (
        HEADER
        + "2024-01-02,joint,buy,VOO,1,400,,,,B1,,,\n2024-01-03,joint,buy,VOO,1,400,,,,B1,,,\n"
    )
    (problem,) = problems_of(text, household)
    assert (problem.source.row, problem.field) == (3, "id")
    assert problem.message == "id 'B1' is already used on row 2"


def test_an_id_cannot_hold_lot_list_separators(household: Household) -> None:
    problem = only_problem("2024-01-02,joint,buy,VOO,1,400,,,,B:1,,,", household)
    assert problem.field == "id"


def test_a_transfer_to_a_retirement_account(household: Household) -> None:
    problem = only_problem("2024-01-02,joint,transfer,VOO,1,,,,,,,jo_ira,", household)
    assert problem.field == "to_account"
    assert problem.message == (
        "a transfer moves shares between taxable accounts, and jo_ira is traditional"
    )


def test_a_transfer_to_an_unknown_account(household: Household) -> None:
    problem = only_problem("2024-01-02,joint,transfer,VOO,1,,,,,,,kim_taxble,", household)
    assert problem.field == "to_account"
    assert problem.message == "unknown account 'kim_taxble' (did you mean 'kim_taxable'?)"


def test_a_transfer_from_a_retirement_account(household: Household) -> None:
    problem = only_problem("2024-01-02,kim_roth,transfer,VOO,1,,,,,,,joint,", household)
    assert problem.field == "account"


def test_a_transfer_to_the_same_account(household: Household) -> None:
    problem = only_problem("2024-01-02,joint,transfer,VOO,1,,,,,,,joint,", household)
    assert problem.field == "to_account"
    assert "to itself" in problem.message


def test_every_problem_in_the_file_is_reported_at_once(household: Household) -> None:
    text = (
        HEADER
        + "2024-01-02,joint,deposit,,,,,100,,,,,\n"
        + "2024-13-01,joint,deposit,,,,,100,,,,,\n"
        + "2024-01-03,joint,buy,VTI,1,200,,,,,,,\n"
        + "\n"
        + "2024-01-04,nobody,sell,VOO,-1,400,,,,,,,\n"
    )
    found = [(p.source.row, p.field) for p in problems_of(text, household)]
    assert found == [(3, "date"), (4, "symbol"), (6, "account"), (6, "quantity")]


def test_a_transfer_takes_no_lot_method(household: Household) -> None:
    problem = only_problem("2024-01-02,joint,transfer,VOO,1,,,,,,,kim_taxable,hifo", household)
    assert problem.field == "method"
    assert problem.message == "a transfer does not use method (got 'hifo')"


def test_a_sell_from_a_specific_identification_account_names_its_lots(
    household: Household,
) -> None:
    text = (
        "format_version = 1\nid = 'h'\n[owners.pat]\n[accounts.a]\nowner = 'pat'\n"
        "type = 'taxable'\nlot_method = 'specific'\n[securities.VTI]\nasset_class = 's'\n"
        "[targets]\ns = 1\n"
    )
    specific = parse_household(text, "h.toml")
    row = "2024-01-02,a,sell,VTI,1,200,,,,,,,\n"
    with pytest.raises(InputError) as caught:
        parse(HEADER + row, specific)
    (problem,) = caught.value.problems
    assert problem.field == "lot"
    assert problem.message == "account a uses specific identification but no lot is named"
    (sell,) = parse(HEADER + "2024-01-02,a,sell,VTI,1,200,,,B1,,,,\n", specific)
    assert sell.lots == (LotPick("B1"),)


def test_a_transfer_into_a_wrapper_is_told_in_the_owners_own_words() -> None:
    from lotwise.io import example_dir

    canadians = load_household(example_dir("ca") / "household.toml")
    problem = only_problem("2025-01-02,claire_cash,transfer,XIC,10,,,,,,,claire_rrsp,",
                           canadians)
    assert problem.message == ("a transfer moves shares between non-registered accounts, and "
                               "claire_rrsp is an RRSP")
    assert problem.fix == ("name a non-registered account; to move the shares into "
                           "claire_rrsp record the sale in claire_cash (a sell and a "
                           "withdrawal), then a deposit and a buy in claire_rrsp")
    britons = load_household(example_dir("uk") / "household.toml")
    problem = only_problem("2025-01-02,olivia_gia,transfer,ISF,10,,,,,,,olivia_isa,", britons)
    assert problem.message == ("a transfer moves shares between GIA accounts, and olivia_isa "
                               "is an ISA")
    assert problem.fix.startswith("name a general investment account (GIA); to move the "
                                  "shares into olivia_isa record the sale in olivia_gia")
    problem = only_problem("2025-01-02,olivia_isa,transfer,ISF,10,,,,,,,olivia_gia,", britons)
    assert problem.field == "account"
    assert problem.fix == ("to take the shares out of olivia_isa record a sell and a "
                           "withdrawal in it")


# --------------------------------------------------------------------------- UK offshore funds

OFFSHORE = """\
format_version = 1
id = "funds"
base_currency = "GBP"

[owners.olivia]
tax_residence = "UK"

[owners.pat]

[accounts.olivia_gia]
owner = "olivia"
type = "gia"

[accounts.pat_taxable]
owner = "pat"
type = "taxable"

[securities.VWRL]
asset_class = "stocks"
uk_reporting_fund = true

[securities.VTI]
asset_class = "stocks"
uk_reporting_fund = false

[securities.BARC]
asset_class = "stocks"

[targets]
stocks = 1
"""


@pytest.fixture(scope="module")
def funds() -> Household:
    return parse_household(OFFSHORE, "funds.toml")


def test_excess_reportable_income_reads_its_symbol_and_amount(funds: Household) -> None:
    (txn,) = parse(HEADER + "2025-06-30,olivia_gia,excess_reportable_income,VWRL,,,,12.34,,,"
                   "ERI 2024,,\n", funds)
    assert (txn.action, txn.symbol, txn.amount) == (
        Action.EXCESS_REPORTABLE_INCOME, "VWRL", Decimal("12.34"))
    assert funds.securities["VWRL"].uk_reporting_fund is True
    assert funds.securities["BARC"].uk_reporting_fund is None


@pytest.mark.parametrize(("symbol", "said"), [
    ("VTI", "VTI has uk_reporting_fund = false"),
    ("BARC", "BARC is not marked as an offshore reporting fund"),
])
def test_excess_reportable_income_needs_a_reporting_fund(
    funds: Household, symbol: str, said: str
) -> None:
    problem = only_problem(f"2025-06-30,olivia_gia,excess_reportable_income,{symbol},,,,5,,,,,",
                           funds)
    assert problem.source == Source("t.csv", 2) and problem.field == "symbol"
    assert problem.message.startswith(said)
    assert "reg. 94" in problem.message
    assert problem.fix.startswith(f"if the fund has UK reporting fund status write "
                                  f"uk_reporting_fund = true in [securities.{symbol}]")


def test_excess_reportable_income_of_a_us_resident_is_refused(funds: Household) -> None:
    problem = only_problem("2025-06-30,pat_taxable,excess_reportable_income,VWRL,,,,5,,,,,",
                           funds)
    assert problem.field == "action" and "pat, who holds pat_taxable, is resident in US" in (
        problem.message)


def test_excess_reportable_income_needs_an_amount_and_no_quantity(funds: Household) -> None:
    problem = only_problem("2025-06-30,olivia_gia,excess_reportable_income,VWRL,,,,,,,,,",
                           funds)
    assert problem.field == "amount"
    problem = only_problem("2025-06-30,olivia_gia,excess_reportable_income,VWRL,10,,,5,,,,,",
                           funds)
    assert problem.field == "quantity"
