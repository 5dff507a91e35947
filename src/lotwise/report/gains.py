"""Realized gains in each regime's layout.

United States (:func:`gain_rows`): Form 8949.  Rows are the reportable disposals of a tax
year (sales from taxable accounts and return of capital beyond basis) in accounts of US
residents, split into Part I (short-term) and Part II (long-term) as the Form 8949
instructions require.  Column (f) holds the adjustment code — ``W`` for a wash sale — and
column (g) the adjustment; column (h) is ``proceeds - basis + adjustment``.  Each line is
rounded to cents, and the totals are the sums of the rounded lines, as on the form.

Canada (:func:`schedule_3_rows`): Schedule 3, Part 3 (publicly traded shares and fund
units), in Canadian dollars, per calendar year: number, name, year of acquisition, proceeds
of disposition, adjusted cost base, outlays and expenses, gain (or loss).  A superficial
loss shows as the loss denied (code ``SL``, ITA s.40(2)(g)(i)) and a nil reported loss.  A
gift of listed securities to a qualified donee is worked out on Form T1170: its proceeds
(the fair market value, s.69(1)(b)) and ACB are on Schedule 3 like a sale's, but the gain
carried to Schedule 3 is only the part not eligible for the zero inclusion rate (s.38(a.1));
with no advantage to the donor that part is nil (code ``T1170``), and the whole gain is in
``zero_inclusion_gain``.  So each owner's lines add up to the two figures of the form:

    line 13199 = proceeds
    line 13200 = proceeds - ACB - outlays + superficial losses denied - zero-inclusion gains

Example (the bundled ``ca`` example, Claire, 2025): proceeds 13,953.60 (1,637.20 of them a
gift of XIC), ACB 14,183.23, outlays 0, superficial losses denied 370.28, the gift's gain
204.75: line 13200 = 13,953.60 - 14,183.23 + 370.28 - 204.75 = -64.10.

A gift made before 2 May 2006 is shown the same way, its gain on Form T1170 and off line
13200, although its gain was then included at 1/4, not nil: ``lotwise tax`` adds that part
to line 12700 (:func:`lotwise.regimes.ca.ca_years`, ``gift_taxable_gain``).

United Kingdom (:func:`sa108_rows`): the disposals of a tax year (6 April to 5 April,
named by the year it starts) in pounds sterling, one per person, share and day, with the
shares matched by each rule (same day, 30 days, section 104) — the figures behind the
SA108 boxes "disposal proceeds", "allowable costs" and "gains / losses"; ``matching`` names
the rule (or rules, with their shares) each line's shares were matched by, as the HS284
computation shows them: ``same day`` (TCGA s.105(1)), ``30 days`` (s.106A(5)) and
``section 104`` (s.104).

CSV (:func:`gains_csvs`, ``lotwise gains --csv F``): one file per regime of the household's
owners, each in its own layout and currency — Form 8949 (USD), Schedule 3 (CAD), SA108
(GBP).  A household whose owners share one regime gets ``F`` itself; otherwise each file is
``F`` with the regime before the extension (:func:`csv_path_for`): ``gains-us.csv``,
``gains-ca.csv``, ``gains-uk.csv``.

Canadian and UK lines are rounded by :mod:`lotwise.regimes.rounding`, the rule the year's
computation (``lotwise tax``, the planner) adds them by, so the two agree to the penny.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from lotwise.ledger.book import Book
from lotwise.model.lots import Disposal, Term
from lotwise.model.numbers import money
from lotwise.regimes.rounding import sa108_line, schedule_3_line
from lotwise.report.values import cents, shares

COLUMNS = (
    "description",
    "account",
    "symbol",
    "quantity",
    "acquired",
    "holding_start",
    "sold",
    "proceeds",
    "basis",
    "adjustment_code",
    "adjustment",
    "gain",
    "term",
    "kind",
    "lot",
)


def gain_rows(book: Book, year: int) -> list[dict[str, object]]:
    rows = [
        _row(d)
        for d in book.disposals
        if d.reportable and d.sold.year == year and book.regime_of(d.account) == "US"
    ]
    rows.sort(key=lambda r: (r["term"] != Term.SHORT.value, str(r["sold"]), str(r["symbol"])))
    return rows


def _row(d: Disposal) -> dict[str, object]:
    proceeds, basis, adjustment = money(d.proceeds), money(d.basis), money(d.adjustment)
    description = f"{shares(d.quantity)} sh {d.symbol}"
    if d.kind == "return_of_capital":
        description = f"{d.symbol} return of capital beyond basis"
    return {
        "description": description,
        "account": d.account,
        "symbol": d.symbol,
        "quantity": shares(d.quantity),
        "acquired": d.acquired.isoformat(),
        "holding_start": d.holding_start.isoformat(),
        "sold": d.sold.isoformat(),
        "proceeds": format(proceeds, "f"),
        "basis": format(basis, "f"),
        "adjustment_code": d.adjustment_code,
        "adjustment": format(adjustment, "f"),
        "gain": format(proceeds - basis + adjustment, "f"),
        "term": d.term.value,
        "kind": d.kind,
        "lot": d.lot_id,
    }


def totals(rows: list[dict[str, object]]) -> dict[str, dict[str, str]]:
    """Totals per term: proceeds, basis, adjustment and gain, plus wash-sale adjustments."""
    out: dict[str, dict[str, str]] = {}
    for term in (Term.SHORT.value, Term.LONG.value, "all"):
        chosen = [r for r in rows if term == "all" or r["term"] == term]
        sums = {
            key: sum((Decimal(str(r[key])) for r in chosen), Decimal(0))
            for key in ("proceeds", "basis", "adjustment", "gain")
        }
        wash = sum(
            (Decimal(str(r["adjustment"])) for r in chosen if r["adjustment_code"] == "W"),
            Decimal(0),
        )
        out[term] = {key: cents(value) for key, value in sums.items()}
        out[term]["wash_sale_adjustments"] = cents(wash)
        out[term]["lines"] = str(len(chosen))
    return out


def to_csv(rows: list[dict[str, object]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: row[key] for key in COLUMNS})
    return buffer.getvalue()


# --------------------------------------------------------------------------- Canada

SCHEDULE_3_COLUMNS = (
    "owner",
    "number",
    "name",
    "year_of_acquisition",
    "sold",
    "proceeds",
    "acb",
    "outlays",
    "gain",
    "code",
    "denied",
    "zero_inclusion_gain",
    "kind",
    "account",
)


def schedule_3_rows(book: Book, year: int) -> list[dict[str, object]]:
    """Schedule 3 lines of ``year`` (Canadian residents), in Canadian dollars."""
    rows: list[dict[str, object]] = []
    for line in book.ca_dispositions:
        if line.sold.year != year:
            continue
        amounts = schedule_3_line(line)
        gain = amounts.reported_gain
        # s.38(a.1): a gift's gain eligible for the zero inclusion rate stays on Form T1170
        exempt = gain if line.inclusion_exempt else money(Decimal(0))
        rows.append({
            "owner": line.owner,
            "number": shares(line.quantity),
            "name": line.symbol,
            "year_of_acquisition": line.acquired_year,
            "sold": line.sold.isoformat(),
            "proceeds": format(amounts.proceeds, "f"),
            "acb": format(amounts.acb, "f"),
            "outlays": format(amounts.outlays, "f"),
            "gain": format(gain - exempt, "f"),
            "code": "SL" if line.denied else ("T1170" if line.inclusion_exempt else ""),
            "denied": format(amounts.denied, "f"),
            "zero_inclusion_gain": format(exempt, "f"),
            "kind": line.kind,
            "account": line.account,
        })
    rows.sort(key=lambda r: (str(r["owner"]), str(r["sold"]), str(r["name"])))
    return rows


def schedule_3_totals(rows: list[dict[str, object]]) -> dict[str, dict[str, str]]:
    """Per owner: proceeds (line 13199), ACB, outlays, reported gain (line 13200),
    superficial losses denied and the gifts' gains at the zero inclusion rate (T1170)."""
    out: dict[str, dict[str, str]] = {}
    for owner in sorted({str(r["owner"]) for r in rows}):
        mine = [r for r in rows if r["owner"] == owner]
        out[owner] = {
            key: cents(sum((Decimal(str(r[key])) for r in mine), Decimal(0)))
            for key in ("proceeds", "acb", "outlays", "gain", "denied", "zero_inclusion_gain")
        }
        out[owner]["lines"] = str(len(mine))
    return out


T1170_COLUMNS = ("owner", "number", "name", "year_of_acquisition", "sold", "proceeds", "acb",
                 "outlays", "capital_gain", "eligible_amount", "zero_inclusion_gain")


def t1170_rows(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """The gifts among Schedule 3 ``rows`` whose gain has the zero inclusion rate, as Form
    T1170 lists them: the capital gain, the eligible amount of the gift (its fair market
    value: lotwise records no advantage to the donor) and the gain at the zero rate."""
    return [
        {key: row[key] for key in T1170_COLUMNS if key in row}
        | {"capital_gain": row["zero_inclusion_gain"], "eligible_amount": row["proceeds"]}
        for row in rows
        if row["code"] == "T1170"
    ]


# --------------------------------------------------------------------------- United Kingdom

SA108_COLUMNS = (
    "owner",
    "date",
    "description",
    "quantity",
    "proceeds",
    "allowable_costs",
    "gain",
    "same_day",
    "thirty_day",
    "s104",
    "matching",
    "kind",
)
SA108_CSV_COLUMNS = (*SA108_COLUMNS, "currency")
SCHEDULE_3_CSV_COLUMNS = (*SCHEDULE_3_COLUMNS, "currency")

# The matching rules as HS284 names them (TCGA 1992 s.105(1), s.106A(5), s.104).
RULE_WORDS = {"same_day": "same day", "thirty_day": "30 days", "s104": "section 104"}


def matching(by_rule: dict[str, Decimal]) -> str:
    """``section 104`` when one rule matched every share; ``same day 10; section 104 90``
    when several did."""
    used = [(rule, qty) for rule, qty in by_rule.items() if qty]
    if len(used) == 1:
        return RULE_WORDS[used[0][0]]
    return "; ".join(f"{RULE_WORDS[rule]} {shares(qty)}" for rule, qty in used)


def sa108_rows(book: Book, tax_year: int) -> list[dict[str, object]]:
    """The disposals of UK tax year ``tax_year`` (6 April to 5 April), in pounds.

    ``kind`` is ``sale``, ``donation`` (to a charity), ``spouse_transfer`` (to a spouse or
    civil partner: no gain, no loss, TCGA s.58), ``capital_distribution`` or
    ``offshore_income_gain`` (a sale at a gain of a fund without UK reporting status:
    income, not a capital gain, SI 2009/3001 regs. 17, 18, 44)."""
    rows: list[dict[str, object]] = []
    for d in book.uk_disposals:
        if d.tax_year != tax_year:
            continue
        amounts = sa108_line(d)
        by_rule = {"same_day": Decimal(0), "thirty_day": Decimal(0), "s104": Decimal(0)}
        for m in d.matches:
            by_rule[m.rule] += m.quantity
        later = sorted({m.acquired.isoformat() for m in d.matches
                        if m.rule == "thirty_day" and m.acquired})
        notes = []
        if d.to_owner:
            notes.append(f"to {d.to_owner}, no gain, no loss: s.58")
        if later:
            notes.append(f"30-day match: {', '.join(later)}")
        if d.is_offshore_income_gain:
            notes.append("offshore income gain: income, not on SA108, SI 2009/3001 reg. 18")
        elif d.offshore and d.kind == "sale":
            notes.append("non-reporting fund: a capital loss, SI 2009/3001 reg. 42")
        rows.append({
            "owner": d.owner,
            "date": d.date.isoformat(),
            "description": f"{shares(d.quantity)} {d.symbol}"
            + (f" ({'; '.join(notes)})" if notes else ""),
            "quantity": shares(d.quantity),
            "proceeds": format(amounts.proceeds, "f"),
            "allowable_costs": format(amounts.allowable_costs, "f"),
            "gain": format(amounts.gain, "f"),
            "same_day": shares(by_rule["same_day"]),
            "thirty_day": shares(by_rule["thirty_day"]),
            "s104": shares(by_rule["s104"]),
            "matching": matching(by_rule),
            "kind": "offshore_income_gain" if d.is_offshore_income_gain else d.kind,
        })
    rows.sort(key=lambda r: (str(r["owner"]), str(r["date"]), str(r["description"])))
    return rows


NOT_ON_SA108 = frozenset({"donation", "spouse_transfer", "offshore_income_gain"})


def sa108_totals(rows: list[dict[str, object]]) -> dict[str, dict[str, str]]:
    """Per owner, as the SA108 summary adds them: disposals, proceeds, allowable costs,
    gains before losses, losses.  Gifts (no gain, no loss) and offshore income gains (income,
    for the SA106 foreign pages) are not counted; ``offshore_income_gains`` adds those."""
    out: dict[str, dict[str, str]] = {}
    for owner in sorted({str(r["owner"]) for r in rows}):
        mine = [r for r in rows if r["owner"] == owner and r["kind"] not in NOT_ON_SA108]
        gains = [Decimal(str(r["gain"])) for r in mine]
        income = [Decimal(str(r["gain"])) for r in rows
                  if r["owner"] == owner and r["kind"] == "offshore_income_gain"]
        out[owner] = {
            "disposals": str(len(mine)),
            "proceeds": cents(sum((Decimal(str(r["proceeds"])) for r in mine), Decimal(0))),
            "allowable_costs": cents(
                sum((Decimal(str(r["allowable_costs"])) for r in mine), Decimal(0))
            ),
            "gains": cents(sum((g for g in gains if g > 0), Decimal(0))),
            "losses": cents(-sum((g for g in gains if g < 0), Decimal(0))),
            "offshore_income_gains": cents(sum(income, Decimal(0))),
        }
    return out


def to_csv_rows(rows: list[dict[str, object]], columns: tuple[str, ...]) -> str:
    """Any of the row lists above as CSV with the given columns."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: row[key] for key in columns})
    return buffer.getvalue()


# --------------------------------------------------------------------------- CSV files

@dataclass(frozen=True, slots=True)
class GainsCsv:
    """One regime's lines of a year as a CSV file's text."""

    regime: str  # US, CA or UK
    layout: str  # what the lines are, for the message that says where they went
    text: str
    lines: int


def gains_csvs(book: Book, year: int, regimes: set[str]) -> list[GainsCsv]:
    """The CSV of each regime in ``regimes`` (those of the household's owners), US first:
    Form 8949 lines, Schedule 3 lines in CAD, SA108 disposals in GBP with their matching."""
    out: list[GainsCsv] = []
    if "US" in regimes:
        rows = gain_rows(book, year)
        out.append(GainsCsv("US", "Form 8949, USD", to_csv(rows), len(rows)))
    if "CA" in regimes:
        rows = [r | {"currency": "CAD"} for r in schedule_3_rows(book, year)]
        out.append(GainsCsv("CA", "Schedule 3, CAD", to_csv_rows(rows, SCHEDULE_3_CSV_COLUMNS),
                            len(rows)))
    if "UK" in regimes:
        rows = [r | {"currency": "GBP"} for r in sa108_rows(book, year)]
        out.append(GainsCsv("UK", "SA108, GBP", to_csv_rows(rows, SA108_CSV_COLUMNS),
                            len(rows)))
    return out


def csv_path_for(path: Path, regime: str, several: bool) -> Path:
    """Where regime ``regime``'s CSV goes: ``path`` when the household has one regime,
    else ``path`` with the regime before its extension (``gains.csv`` -> ``gains-ca.csv``)."""
    if not several:
        return path
    return path.with_name(f"{path.stem}-{regime.lower()}{path.suffix or '.csv'}")
