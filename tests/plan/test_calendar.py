"""The calendar under UK share matching: a disposal at a gain opens a 30-day window too."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from lotwise.ledger import replay
from lotwise.plan.calendar import harvest_calendar
from lotwise.plan.guard import build_guard

from ..regimes.households import household, journal
from .test_regime_plans import TODAY, UK_GAIN, UK_GAIN_JOURNAL, UK_GAIN_PRICES


def entries(text: str):  # type: ignore[no-untyped-def]
    txns = journal(text)
    book = replay(UK_GAIN, txns, as_of=TODAY)
    return [e for e in harvest_calendar(UK_GAIN, txns, book, UK_GAIN_PRICES, TODAY)
            if e.kind != "year_end"]


def test_a_uk_gain_sale_shows_when_the_gia_may_buy_it_back() -> None:
    (entry,) = entries(UK_GAIN_JOURNAL)
    assert (entry.day, entry.unit, entry.group, entry.kind) == (
        date(2026, 12, 11), "UK:olivia", "VWRL", "buy_back_open")
    assert entry.text == ("VWRL may be bought again in olivia's GIA without being matched to "
                          "the disposal (VWRL sold at a gain in u_gia on 2026-11-10; a rebuy "
                          "before then re-prices it, TCGA 1992 s.106A)")


def test_a_uk_purchase_in_the_gia_catches_sales_up_to_its_own_day_only() -> None:
    # Matching looks 30 days forward from a disposal, never back (s.106A(5)): today's
    # purchase is matched to today's sales, and tomorrow's sales are free of it.
    (entry,) = entries("""
        2025-01-06 u_gia deposit amount=60000
        2025-01-06 u_gia buy VWRL 400 @100
        2026-11-20 u_gia buy VWRL 10 @128
    """)
    assert (entry.day, entry.kind) == (date(2026, 11, 21), "loss_sales_open")
    assert entry.text == ("sales of VWRL are no longer matched to it (bought VWRL in u_gia on "
                          "2026-11-20; TCGA 1992 s.106A)")


SPOUSES = replace(
    household({"olivia": "UK", "james": "UK"},
              {"u_gia": ("olivia", "gia"), "u_isa": ("olivia", "isa"),
               "j_gia": ("james", "gia")},
              spouses=("olivia", "james"), securities={"VWRL": None, "IGLT": None}),
    targets=UK_GAIN.targets, securities=UK_GAIN.securities,
)
GIFT_JOURNAL = """
    2025-01-06 u_gia deposit amount=60000
    2025-01-06 u_gia buy VWRL 400 @100
    2025-01-06 u_gia buy IGLT 1000 @10
    2026-11-10 u_gia transfer VWRL 100 to=j_gia
"""


def test_a_gift_to_a_spouse_opens_the_transferors_rebuy_window() -> None:
    # TCGA s.58 with s.106A(5): the gift is Olivia's disposal; a rebuy in her GIA by day 30
    # would be identified with it and change its cost, and so James's.
    txns = journal(GIFT_JOURNAL)
    book = replay(SPOUSES, txns, as_of=TODAY)
    found = [e for e in harvest_calendar(SPOUSES, txns, book, UK_GAIN_PRICES, TODAY)
             if e.kind != "year_end"]
    (entry,) = [e for e in found if e.unit == "UK:olivia"]
    assert (entry.day, entry.group, entry.kind) == (date(2026, 12, 11), "VWRL", "buy_back_open")
    assert "VWRL given to a spouse or civil partner from u_gia on 2026-11-10" in entry.text


def test_shares_received_from_a_spouse_are_the_spouses_acquisition_of_that_day() -> None:
    txns = journal(GIFT_JOURNAL.replace("2026-11-10", "2026-11-20"))
    book = replay(SPOUSES, txns, as_of=TODAY)
    guard = build_guard(SPOUSES, txns, book, TODAY)
    (acq,) = guard.acquisitions[("UK:james", "VWRL")]
    assert (acq.day, acq.account, acq.kind) == (TODAY, "j_gia", "received")
    assert guard.sales[("UK:olivia", "VWRL")][0].kind == "spouse_transfer"
