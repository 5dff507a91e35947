"""Reading a household's journal of transactions from a CSV file.

The header names the columns, in any order::

    date,account,action,symbol,quantity,price,fees,amount,lot,id,memo

and two optional columns, ``to_account`` (for transfers) and ``method`` (a sell's lot method).
Each action uses some columns and must leave the others blank; the table below says which
(``req`` required, ``opt`` optional).  Numbers must not be negative, ``quantity`` is more than
zero, ``amount`` of a cash action is more than zero:

=================  ======  ========  =====  ====  ======  ===  ==========  ======
action             symbol  quantity  price  fees  amount  lot  to_account  method
=================  ======  ========  =====  ====  ======  ===  ==========  ======
buy                req     req       req    opt   opt
reinvest           req     req       req    opt   opt
sell               req     req       req    opt   opt     opt              opt
dividend           req                            req
interest           opt                            req
deposit                                           req
withdrawal                                        req
fee                opt                            req
split              req     req
transfer           req     opt                            opt  req
donate             req     req       req                  opt              opt
return_of_capital  req                            req
excess_reportable_income req                      req
=================  ======  ========  =====  ====  ======  ===  ==========  ======

A reinvest's ``amount`` is the dividend reinvested; when blank it is ``quantity * price``.
A split's ``quantity`` is the new shares per old share (2 for 2-for-1, 0.1 for 1-for-10).
A transfer moves ``quantity`` shares (blank: all of them) between two taxable accounts of the
household, keeping their basis and dates.  ``lot`` names lots by the ``id`` of the row that
opened them, optionally with a share count: ``B12`` or ``B12:10;B13:5``.
An ``excess_reportable_income`` row (UK residents) gives, in ``amount``, the excess
reportable income of a reporting fund on the shares the account held at the end of the
fund's reporting period, dated the fund distribution date; the security must have
``uk_reporting_fund = true`` (Offshore Funds (Tax) Regulations 2009 regs. 94, 99).

When ``id`` is blank the row gets an id made from its content: ``r`` and the first 12 hex
digits of the SHA-256 of its normalised fields (date, account, action, symbol, quantity,
price, fees, amount, lot, to_account, method — not the memo), with ``-2``, ``-3``, ... for
the second, third ... identical row, so reading the same file again gives the same ids.
For example the row ``2024-01-02,alex_taxable,deposit,,,,,3000,,,`` always gets the same id,
whatever the spelling of its numbers (``3000`` and ``3000.00`` are the same).

Every problem in the file is collected and raised at once as one
:class:`~lotwise.errors.InputError`; each names the row (the header is row 1) and the column.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from lotwise.errors import InputError, Problem
from lotwise.gcpause import collector_paused
from lotwise.io.household_toml import LOT_METHODS, did_you_mean, one_of, read_text
from lotwise.io.prices_csv import CsvRow, RowCells, read_table
from lotwise.model.household import AccountType, Household
from lotwise.model.transactions import Action, LotPick, Transaction
from lotwise.regimes.base import US, normalise_country
from lotwise.report.words import account_kind, words

REQUIRED_COLUMNS = (
    "date",
    "account",
    "action",
    "symbol",
    "quantity",
    "price",
    "fees",
    "amount",
    "lot",
    "id",
    "memo",
)
OPTIONAL_COLUMNS = ("to_account", "method", "currency", "fx_rate", "source_country", "withholding")
"""``currency``, ``fx_rate``: the row's currency and its rate into the owner's tax currency
(any row with an amount); ``source_country``, ``withholding``: a dividend's payer country and
the foreign tax withheld (``dividend`` and ``reinvest`` rows).  See docs/regimes.md."""

_VALUE_COLUMNS = ("symbol", "quantity", "price", "fees", "amount", "lot", "to_account", "method")
_ID = re.compile(r"^[^\s,;:\"']+$")
_ACTIONS = {action.value: action for action in Action}
_ACTION_NAMES = tuple(_ACTIONS)


@dataclass(frozen=True, slots=True)
class _Rule:
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    def uses(self) -> str:
        return ", ".join(("date", "account", "action", *self.required, *self.optional))


_RULES: Mapping[Action, _Rule] = {
    Action.BUY: _Rule(("symbol", "quantity", "price"), ("fees", "amount")),
    Action.REINVEST: _Rule(("symbol", "quantity", "price"), ("fees", "amount")),
    Action.SELL: _Rule(("symbol", "quantity", "price"), ("fees", "amount", "lot", "method")),
    Action.DIVIDEND: _Rule(("symbol", "amount")),
    Action.INTEREST: _Rule(("amount",), ("symbol",)),
    Action.DEPOSIT: _Rule(("amount",)),
    Action.WITHDRAWAL: _Rule(("amount",)),
    Action.FEE: _Rule(("amount",), ("symbol",)),
    Action.SPLIT: _Rule(("symbol", "quantity")),
    Action.TRANSFER: _Rule(("symbol", "to_account"), ("quantity", "lot")),
    Action.DONATE: _Rule(("symbol", "quantity", "price"), ("lot", "method")),
    Action.RETURN_OF_CAPITAL: _Rule(("symbol", "amount")),
    Action.EXCESS_REPORTABLE_INCOME: _Rule(("symbol", "amount")),
}

_HOW = {
    "symbol": "write the ticker symbol",
    "quantity": "write the number of shares, more than zero",
    "price": "write the price per share",
    "amount": "write the cash amount, more than zero",
    "to_account": "name the taxable account that receives the shares (column to_account)",
}
_QUANTITY_HOW = {
    Action.SPLIT: "write the new shares per old share: 2 for a 2-for-1 split, 0.1 for 1-for-10",
    Action.TRANSFER: "write the number of shares moved, or leave it blank to move all of them",
}
_PRICE_HOW = {Action.DONATE: "write the fair market value per share on the day of the gift"}
_LOT_FORMAT = (
    "write lot ids separated by ';', each optionally followed by ':' and a share count, "
    "e.g. B12 or B12:10;B13:5"
)


def read_transactions(
    path: str | os.PathLike[str], household: Household, *, today: date, seq_start: int = 0
) -> list[Transaction]:
    """Read a transactions CSV file for ``household``.

    ``today`` is the as-of date (no row may be later); ``seq`` numbers the rows from
    ``seq_start`` in file order.  Raises :class:`InputError` listing every problem.
    """
    return parse_transactions(
        read_text(path), str(path), household, today=today, seq_start=seq_start
    )


@collector_paused(promote=True)  # see lotwise.io.prices_csv.read_table
def parse_transactions(
    text: str, source_name: str, household: Household, *, today: date, seq_start: int = 0
) -> list[Transaction]:
    """Parse transactions CSV ``text``; ``source_name`` names the file in problems."""
    problems: list[Problem] = []
    rows = read_table(
        text, source_name, problems, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS
    )
    if rows is None:
        raise InputError(problems)
    transactions: list[Transaction] = []
    explicit_ids: dict[str, int] = {}
    for row in rows:
        # A file with a problem raises, so a row's seq is the number of rows before it.
        txn = _parse_row(row, source_name, household, today, problems, explicit_ids,
                         seq_start + len(transactions))
        if txn is not None:
            transactions.append(txn)
    if problems:
        raise InputError(problems)

    repeats: dict[str, int] = {}
    for index, txn in enumerate(transactions):
        if not txn.id:
            base = content_id(txn)
            repeats[base] = repeats.get(base, 0) + 1
            txn_id = base if repeats[base] == 1 else f"{base}-{repeats[base]}"
            transactions[index] = replace(txn, id=txn_id)
    return transactions


def content_id(txn: Transaction) -> str:
    """The id of a row without one: ``r`` + 12 hex digits of a hash of its normalised fields."""
    fields: tuple[str, ...] = (
        txn.date.isoformat(),
        txn.account,
        txn.action.value,
        txn.symbol or "",
        _norm(txn.quantity),
        _norm(txn.price),
        _norm(txn.fees),
        _norm(txn.amount),
        format_lots(txn.lots),
        txn.to_account or "",
        txn.method or "",
    )
    foreign = (txn.currency or "", _norm(txn.fx_rate), txn.source_country or "",
               _norm(txn.withholding))
    if any(foreign):  # rows without them keep the ids they always had
        fields += foreign
    digest = hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()
    return "r" + digest[:12]


def format_lots(lots: tuple[LotPick, ...]) -> str:
    """The canonical text of a lot list: ``B12:10;B13``."""
    return ";".join(
        pick.lot_id if pick.quantity is None else f"{pick.lot_id}:{_norm(pick.quantity)}"
        for pick in lots
    )


def parse_lots(text: str) -> tuple[LotPick, ...]:
    """Parse ``B12`` or ``B12:10;B13:5``; raises ``ValueError`` saying what is wrong."""
    picks: list[LotPick] = []
    seen: set[str] = set()
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        lot_id, colon, count = (s.strip() for s in part.partition(":"))
        if not lot_id or not _ID.match(lot_id):
            raise ValueError(f"'{part}' does not start with a lot id")
        if lot_id in seen:
            raise ValueError(f"lot {lot_id} is named twice")
        seen.add(lot_id)
        quantity: Decimal | None = None
        if colon:
            try:
                quantity = Decimal(count)
            except ArithmeticError:
                raise ValueError(f"'{count}' after {lot_id}: is not a share count") from None
            if not quantity.is_finite() or quantity <= 0:
                raise ValueError(f"the share count of lot {lot_id} must be more than zero")
        picks.append(LotPick(lot_id, quantity))
    if not picks:
        raise ValueError("no lot id is given")
    return tuple(picks)


# --------------------------------------------------------------------------- implementation


def _parse_row(
    row: CsvRow,
    source: str,
    household: Household,
    today: date,
    problems: list[Problem],
    explicit_ids: dict[str, int],
    seq: int,
) -> Transaction | None:
    """The row's transaction, numbered ``seq``, with its own id or none (made later from
    its content); None, with the row's problems added, when it has any."""
    cells = RowCells(row, source, problems)
    day = cells.date("date", today=today)
    account = _account(cells, "account", household)

    action_text = cells.get("action").lower()
    action: Action | None = None
    if not action_text:
        cells.problem("action", "the action is missing", one_of(_ACTION_NAMES))
    else:
        action = _ACTIONS.get(action_text)
        if action is None:
            cells.problem(
                "action",
                f"unknown action '{cells.get('action')}'"
                f"{did_you_mean(action_text, _ACTION_NAMES)}",
                one_of(_ACTION_NAMES),
            )

    txn_id = cells.get("id")
    if txn_id:
        if not _ID.match(txn_id):
            cells.problem(
                "id",
                f"'{txn_id}' is not usable as an id",
                "use letters, digits and '_', '-' or '.', without spaces, commas, ';' or ':'",
            )
        elif txn_id in explicit_ids:
            cells.problem(
                "id",
                f"id '{txn_id}' is already used on row {explicit_ids[txn_id]}",
                "give each row its own id, or leave id blank to have one made from the row",
            )
        else:
            explicit_ids[txn_id] = row.row

    if action is None:
        return None
    rule = _RULES[action]
    shape_problems = len(problems)
    for column in _VALUE_COLUMNS:
        text = cells.get(column)
        if column in rule.required and not text:
            how = _QUANTITY_HOW.get(action) if column == "quantity" else None
            how = how or (_PRICE_HOW.get(action) if column == "price" else None)
            cells.problem(column, f"{_a(action)} needs a {column}", how or _HOW[column])
        elif column not in rule.required and column not in rule.optional and text:
            if column == "fees" and _is_zero(text):
                continue
            cells.problem(
                column,
                f"{_a(action)} does not use {column} (got '{text}')",
                f"leave {column} blank; {_a(action)} row uses {rule.uses()}",
            )
    if len(problems) > shape_problems:
        return None

    symbol = None
    if cells.get("symbol"):
        symbol = cells.symbol("symbol", household.securities)
    quantity = _number(cells, "quantity", action, positive=True)
    price = _number(cells, "price", action, positive=False)
    fees = _number(cells, "fees", action, positive=False)
    amount = _number(cells, "amount", action, positive=action not in (Action.BUY, Action.SELL))

    lots: tuple[LotPick, ...] = ()
    if cells.get("lot"):
        try:
            lots = parse_lots(cells.get("lot"))
        except ValueError as exc:
            cells.problem("lot", f"'{cells.get('lot')}' is not a lot list: {exc}", _LOT_FORMAT)
        else:
            named = sum((p.quantity for p in lots if p.quantity is not None), Decimal(0))
            if quantity is not None and named > quantity:
                cells.problem(
                    "lot",
                    f"the lots name {_norm(named)} shares but the {action} is of {_norm(quantity)}",
                    "make the share counts in lot add up to no more than quantity",
                )

    method = cells.get("method").lower() or None
    if method is not None:
        if method not in LOT_METHODS:
            cells.problem(
                "method",
                f"unknown lot method '{cells.get('method')}'{did_you_mean(method, LOT_METHODS)}",
                one_of(LOT_METHODS) + ", or leave it blank for the account's own method",
            )
        elif cells.get("lot") and method != "specific":
            cells.problem(
                "method",
                f"method {method} contradicts the lots named in lot",
                "leave method blank (or write specific) to sell the named lots, "
                "or clear lot to use " + method,
            )
    if (
        method is None
        and action in (Action.SELL, Action.DONATE)
        and account is not None
        and household.accounts[account].lot_method == "specific"
        and not cells.get("lot")
    ):
        cells.problem(
            "lot",
            f"account {account} uses specific identification but no lot is named",
            "name the lots in lot, e.g. B12 or B12:10;B13:5, or give a method for this row",
        )
    if method == "specific" and not cells.get("lot"):
        cells.problem(
            "lot",
            "method specific needs the lots to sell",
            "name them in lot, e.g. B12 or B12:10;B13:5",
        )

    to_account = None
    if action is Action.TRANSFER:
        to_account = _transfer_accounts(cells, household, account)
    if action is Action.EXCESS_REPORTABLE_INCOME:
        _check_reporting_fund(cells, household, account, symbol)
    currency, fx_rate, source_country, withholding = _foreign(cells, action)

    if cells.failed or day is None or account is None:
        return None
    if action is Action.REINVEST and amount is None:
        assert quantity is not None and price is not None
        amount = quantity * price
    if withholding is not None and amount is not None and withholding > amount:
        cells.problem(
            "withholding",
            f"the tax withheld ({_norm(withholding)}) is more than the dividend "
            f"({_norm(amount)})",
            "write the gross dividend in amount and the tax withheld from it in withholding",
        )
        return None
    return Transaction(
        seq=seq,
        id=txn_id,
        date=day,
        account=account,
        action=action,
        symbol=symbol,
        quantity=quantity,
        price=price,
        fees=fees if fees is not None else Decimal(0),
        amount=amount,
        lots=lots,
        method=method,
        to_account=to_account,
        memo=cells.get("memo"),
        source=cells.source_of_row(),
        currency=currency,
        fx_rate=fx_rate,
        source_country=source_country,
        withholding=withholding,
    )


_CURRENCY = re.compile(r"^[A-Z]{3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_DIVIDENDS = (Action.DIVIDEND, Action.REINVEST)


def _foreign(
    cells: RowCells, action: Action
) -> tuple[str | None, Decimal | None, str | None, Decimal | None]:
    """The optional columns ``currency``, ``fx_rate``, ``source_country``, ``withholding``."""
    currency = cells.get("currency").upper() or None
    if currency is not None and not _CURRENCY.match(currency):
        cells.problem("currency", f"'{cells.get('currency')}' is not a currency code",
                      "write the three-letter ISO 4217 code, e.g. USD, CAD, GBP")
        currency = None
    fx_rate = cells.decimal("fx_rate")
    if fx_rate is not None and fx_rate <= 0:
        cells.problem("fx_rate", f"the fx_rate must be more than zero, got {cells.get('fx_rate')}",
                      "write how many units of the owner's tax currency one unit of the row's "
                      "currency buys on the row's date")
        fx_rate = None
    source_country = cells.get("source_country").upper() or None
    withholding = cells.decimal("withholding")
    for column, value in (("source_country", source_country), ("withholding", withholding)):
        if value is not None and action not in _DIVIDENDS:
            cells.problem(column, f"{_a(action)} does not use {column} (got '{cells.get(column)}')",
                          f"leave {column} blank; it belongs to dividend and reinvest rows")
            return currency, fx_rate, None, None
    if source_country is not None and not _COUNTRY.match(source_country):
        cells.problem("source_country", f"'{cells.get('source_country')}' is not a country code",
                      "write the two-letter ISO 3166 code of the payer's country, e.g. US, CA, GB")
        source_country = None
    if source_country == "GB":
        source_country = "UK"
    if withholding is not None and withholding < 0:
        cells.problem("withholding", f"the withholding must not be negative, got "
                      f"{cells.get('withholding')}", "write the tax withheld as zero or more")
        withholding = None
    return currency, fx_rate, source_country, withholding


def _kind(kind: str) -> str:
    """A US type by its key (``traditional``), a Canadian or UK one as said (``an RRSP``)."""
    return kind if AccountType(kind).jurisdiction == US else account_kind(kind)


def _account(cells: RowCells, column: str, household: Household) -> str | None:
    text = cells.get(column)
    if not text:
        if column == "account":
            cells.problem(column, "the account is missing", "name one of the household's accounts")
        return None
    if text in household.accounts:
        return text
    known = ", ".join(household.accounts)
    cells.problem(
        column,
        f"unknown account '{text}'{did_you_mean(text, household.accounts)}",
        f"use one of {known}, or add [accounts.{text}] to the household file",
    )
    return None


def _transfer_accounts(cells: RowCells, household: Household, source: str | None) -> str | None:
    """The receiving account of a transfer in kind, which only taxable accounts make; a
    wrapper is funded by a sale in the taxable account and a purchase in the wrapper, in the
    words of the owner's regime (an RRSP or TFSA in Canada, an ISA or SIPP in the UK)."""
    residence = (household.owners[household.accounts[source].owner].tax_residence
                 if source is not None else US)
    said = words(normalise_country(residence) or US)
    if source is not None and not household.accounts[source].is_taxable:
        kind = household.accounts[source].type.value
        cells.problem(
            "account",
            f"a transfer moves shares between {said.taxable_adjective} accounts, and "
            f"{source} is {_kind(kind)}",
            f"to take the shares out of {source} record a sell and a withdrawal in it",
        )
    target = _account(cells, "to_account", household)
    if target is None:
        return None
    kind = household.accounts[target].type
    if not household.accounts[target].is_taxable:
        cells.problem(
            "to_account",
            f"a transfer moves shares between {said.taxable_adjective} accounts, and "
            f"{target} is {_kind(kind.value)}",
            f"name {said.taxable_account}; to move the shares into {target} record the sale "
            f"in {source or 'the ' + said.taxable_adjective + ' account'} (a sell and a "
            f"withdrawal), then a deposit and a buy in {target}",
        )
        return None
    if target == source:
        cells.problem(
            "to_account",
            f"the transfer goes from {target} to itself",
            "name the account that receives the shares",
        )
        return None
    return target


def _check_reporting_fund(
    cells: RowCells, household: Household, account: str | None, symbol: str | None
) -> None:
    """Excess reportable income is UK law for a fund with UK reporting status: the owner is
    resident in the UK and the security says ``uk_reporting_fund = true`` (SI 2009/3001
    reg. 94 treats the excess as a distribution to participants of a reporting fund)."""
    if account is not None:
        owner = household.owners[household.accounts[account].owner]
        if normalise_country(owner.tax_residence) != "UK":
            cells.problem(
                "action",
                f"excess reportable income is taxed in the UK (Offshore Funds (Tax) "
                f"Regulations 2009 reg. 94), and {owner.id}, who holds {account}, is resident "
                f"in {owner.tax_residence}",
                "record what the fund paid as a dividend row; excess_reportable_income rows "
                "belong to accounts of owners with tax_residence = \"UK\"",
            )
    if symbol is None or symbol not in household.securities:
        return
    reporting = household.securities[symbol].uk_reporting_fund
    if reporting is not True:
        state = ("has uk_reporting_fund = false: a fund without reporting status reports no "
                 "income" if reporting is False
                 else "is not marked as an offshore reporting fund")
        cells.problem(
            "symbol",
            f"{symbol} {state}, and only a reporting fund has excess reportable income "
            "(Offshore Funds (Tax) Regulations 2009 reg. 94)",
            f"if the fund has UK reporting fund status write uk_reporting_fund = true in "
            f"[securities.{symbol}] of the household file; otherwise remove this row",
        )


def _number(cells: RowCells, column: str, action: Action, *, positive: bool) -> Decimal | None:
    value = cells.decimal(column)
    if value is None:
        return None
    if positive and value <= 0:
        cells.problem(
            column,
            f"the {column} of {_a(action)} must be more than zero, got {cells.get(column)}",
            f"write the {column} as a positive number (the action says the direction)",
        )
        return None
    if value < 0:
        cells.problem(
            column,
            f"the {column} must not be negative, got {cells.get(column)}",
            f"write the {column} as zero or more (the action says the direction)",
        )
        return None
    return value


def _is_zero(text: str) -> bool:
    try:
        return Decimal(text) == 0
    except ArithmeticError:
        return False


def _norm(value: Decimal | None) -> str:
    """A number's canonical text: ``10``, ``0.5`` (``10.00`` and ``1E+1`` both give ``10``)."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


def _a(action: Action) -> str:
    """``a sell``, ``an interest``."""
    return ("an " if action.value[0] in "aeiou" else "a ") + action.value
