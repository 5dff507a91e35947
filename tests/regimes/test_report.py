"""`lotwise tax` for a household whose owners live in three countries."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from rich.console import Console

from lotwise.fx import FxRate, FxTable
from lotwise.ledger import replay
from lotwise.report.gains import gain_rows, sa108_rows, schedule_3_rows
from lotwise.tax.report import render_tax_report

from .households import D, household, journal

HH = replace(
    household(
        {"ann": "US", "ben": "CA", "dee": "UK"},
        {"ann_t": ("ann", "taxable"), "ben_c": ("ben", "non_registered"),
         "dee_g": ("dee", "gia")},
        securities={"VTI": None}, currencies={"VTI": "USD"}, base="USD",
    ),
    tax={"years": {2025: {"ann": {"ordinary_income": 100000}}},
         "ca": {"ben": {"marginal_rate": 0.3}}, "uk": {"dee": {"taxable_income": 20000}}},
)
FX = FxTable([FxRate(date(2025, m, 1), "USD", "CAD", D("1.4")) for m in range(1, 13)]
             + [FxRate(date(2025, m, 1), "GBP", "USD", D("1.25")) for m in range(1, 13)],
             max_age_days=31)
BOOK = replay(HH, journal("""
    2025-01-02 ann_t buy VTI 10 @200
    2025-01-02 ben_c buy VTI 10 @200
    2025-01-02 dee_g buy VTI 10 @200
    2025-06-02 ann_t sell VTI 10 @250
    2025-06-02 ben_c sell VTI 10 @250
    2025-06-02 dee_g sell VTI 10 @250
"""), fx=FX)


def test_each_regime_reports_in_its_own_currency_year_and_form() -> None:
    _, data = render_tax_report(HH, BOOK, 2025, date(2025, 12, 31))
    assert [u["tax_unit"] for u in data["units"]] == ["ann"]
    assert data["units"][0]["realized"]["short"] == "500.00"  # USD, Form 8949 Part I
    (ben,) = data["canada"]
    assert (ben["currency"], ben["net_gain"], ben["taxable_capital_gain"]) == (
        "CAD", "700.00", "350.00")
    assert ben["estimated_tax"] == "105.00"
    (dee,) = data["united_kingdom"]
    assert (dee["currency"], dee["label"], dee["gains"]) == ("GBP", "2025-26", "400.00")
    assert dee["exempt_used"] == "400.00" and dee["tax"] == "0.00"


def test_without_a_year_the_uk_report_takes_the_tax_year_of_the_as_of_date() -> None:
    _, data = render_tax_report(HH, BOOK, 2026, date(2026, 3, 31), year_is_default=True)
    assert data["united_kingdom"][0]["label"] == "2025-26"


def test_each_gains_layout_keeps_to_its_own_residents() -> None:
    assert [r["account"] for r in gain_rows(BOOK, 2025)] == ["ann_t"]
    assert [r["owner"] for r in schedule_3_rows(BOOK, 2025)] == ["ben"]
    assert [r["owner"] for r in sa108_rows(BOOK, 2025)] == ["dee"]


def test_the_canadian_view_adds_line_13199_down_to_line_13200() -> None:
    """Gifts of listed securities: proceeds on line 13199, gain deemed nil (ITA s.38(a.1),
    Form T1170); superficial losses nil (s.40(2)(g)(i)).  Each step is a line of the view."""
    from rich.console import Console

    from lotwise.regimes.report import ca_tax_view

    hh = replace(household({"ben": "CA"}, {"ben_c": ("ben", "non_registered")},
                           securities={"XIC": None, "VFV": None}),
                 tax={"ca": {"ben": {"marginal_rate": 0.3}}})
    book = replay(hh, journal("""
        2024-01-02 ben_c buy XIC 100 @30
        2024-01-02 ben_c buy VFV 100 @30
        2025-04-09 ben_c sell XIC 100 @25
        2025-04-20 ben_c buy XIC 100 @24
        2025-12-10 ben_c donate VFV 50 @40
    """))
    (view,), (data,) = ca_tax_view(hh, book, 2025, date(2025, 12, 31))
    console = Console(width=250, record=True)
    console.print(view)
    lines = [line for line in console.export_text().splitlines() if "│" in line]
    steps = [(cells[1].strip(), cells[3].strip()) for cells in
             (line.split("│") for line in lines[:6])]
    assert steps == [("Sched 3 13199", "4,500.00"), ("Sched 3", "4,500.00"),
                     ("Sched 3", "0.00"), ("s.40(2)(g)(i)", "500.00"), ("", "0.00"),
                     ("T1170", "500.00")]
    assert "of which gifts of listed securities 2,000.00" in lines[0]
    assert lines[6].split("│")[1].strip() == "Sched 3 13200"
    assert data["net_gain"] == "0.00" and data["exempt_gain"] == "500.00"


def test_a_gift_before_2_may_2006_is_taxed_at_one_quarter_on_a_line_of_its_own() -> None:
    """s.38(a.1) before Budget 2006: 1/4 of the gain on a gift of listed shares; zero after
    1 May 2006.  $1,000 of gain given on 1 March and on 1 June 2006: both gains are on Form
    T1170, off line 13200; $250 of them is taxable and joins line 12700."""
    from rich.console import Console

    from lotwise.regimes.report import ca_tax_view

    hh = household({"ben": "CA"}, {"ben_c": ("ben", "non_registered")},
                   securities={"XIC": None, "VFV": None})
    book = replay(hh, journal("""
        2005-01-03 ben_c buy XIC 100 @20
        2005-01-03 ben_c buy VFV 100 @20
        2006-03-01 ben_c donate XIC 100 @30
        2006-06-01 ben_c donate VFV 100 @30
    """))
    (view,), (data,) = ca_tax_view(hh, book, 2006, date(2006, 12, 31))
    console = Console(width=250, record=True)
    console.print(view)
    rows = [[cell.strip() for cell in line.split("│")[1:4]]
            for line in console.export_text().splitlines() if "│" in line]
    labels = [label for _, label, _ in rows]
    assert ["T1170", "less the gain on gifts of listed securities to a qualified donee "
            "(ITA s.38(a.1))", "2,000.00"] in rows
    assert any(label.startswith("of which taxable (1/4 for gifts before 2 May 2006")
               for label in labels)
    assert ["Sched 3 13200", "Gain (or loss)", "0.00"] in rows
    (line_12700,) = [row for row in rows if row[0] == "T1 12700"]
    assert line_12700[1].endswith("plus the gifts' taxable part)")
    assert line_12700[2] == "250.00"
    assert (data["exempt_gain"], data["gift_taxable_gain"], data["taxable_capital_gain"]) == (
        "2000.00", "250.00", "250.00")
    lines = schedule_3_rows(book, 2006)
    assert [(r["code"], r["gain"], r["zero_inclusion_gain"]) for r in lines] == [
        ("T1170", "0.00", "1000.00"), ("T1170", "0.00", "1000.00")]


def test_tax_withheld_over_the_treaty_rate_is_reported_apart_from_the_creditable_tax() -> None:
    """US$100 dividends with 30 % withheld (no Form W-8BEN): Canada credits 15 % on T2209
    (CRA Folio S5-F2-C1 ¶1.35) and the UK 15 % on SA106 (TIOPA 2010 s.33); the other 15 %
    is reclaimed from the IRS.  At USD/CAD 1.4 and GBP/USD 1.25."""
    book = replay(HH, journal("""
        2025-01-02 ben_c buy VTI 10 @200
        2025-01-02 dee_g buy VTI 10 @200
        2025-06-02 ben_c dividend VTI amount=100 source=US withholding=30
        2025-06-02 dee_g dividend VTI amount=100 source=US withholding=30
    """), fx=FX)
    view, data = render_tax_report(HH, book, 2025, date(2025, 12, 31))
    [ben] = data["canada"]
    [dee] = data["united_kingdom"]
    assert ben["foreign_tax"] == [{
        "source_country": "US", "taxable_account": True, "dividends": "140.00",
        "withheld": "42.00", "creditable": "21.00", "reclaimable": "21.00", "lost": "0.00"}]
    assert dee["foreign_tax"][0]["creditable"] == "12.00"
    assert dee["foreign_tax"][0]["reclaimable"] == "12.00"
    console = Console(width=200, record=True)
    console.print(view)
    text = console.export_text()
    assert "of which creditable (up to the treaty rate)" in text
    assert "of which over the treaty rate: reclaim from US, not creditable" in text
