"""Another country's wrapper in the ledger: taxed under the owner's regime unless the
owner's country recognizes it (lotwise/data/wrappers.toml)."""

from __future__ import annotations

from lotwise.ledger import replay
from lotwise.report.gains import gain_rows, sa108_rows, schedule_3_rows

from ..regimes.households import D, household, journal


def test_us_residents_tfsa_sale_realizes_a_gain_on_form_8949() -> None:
    # IRC §61, §1001: a TFSA is not a pension under Canada-US Convention Art. XVIII
    hh = household({"me": "US"}, {"tfsa": ("me", "tfsa")})
    book = replay(hh, journal("""
        2024-01-10 tfsa buy X 100 @10
        2024-06-03 tfsa sell X 100 @12
    """))
    (row,) = gain_rows(book, 2024)
    assert (row["account"], row["gain"], row["term"]) == ("tfsa", "200.00", "short")


def test_us_residents_tfsa_loss_is_washed_by_a_rebuy_in_the_taxable_account() -> None:
    # IRC §1091: the TFSA is a taxable account of the owner, so the rebuy defers the loss
    # and adds it to the new shares' basis
    hh = household({"me": "US"}, {"tfsa": ("me", "tfsa"), "brokerage": ("me", "taxable")})
    book = replay(hh, journal("""
        2024-01-10 tfsa buy X 100 @10
        2024-06-03 tfsa sell X 100 @7.50
        2024-06-20 brokerage buy X 100 @8 id=NEW
    """))
    (sale,) = book.disposals
    assert (sale.adjustment_code, sale.adjustment, sale.gain) == ("W", D(250), D(0))
    (wash,) = book.wash_sales
    assert wash.permanent is False
    (new,) = [lot for lot in book.lots if lot.lot_id == "NEW"]
    assert new.basis == D(1050)


def test_us_residents_rrsp_is_sheltered_and_a_rebuy_in_it_loses_the_loss() -> None:
    # Canada-US Convention Art. XVIII(7), Rev. Proc. 2014-55: deferred
    hh = household({"me": "US"}, {"rrsp": ("me", "rrsp"), "brokerage": ("me", "taxable")})
    book = replay(hh, journal("""
        2024-01-10 brokerage buy X 100 @10
        2024-02-10 rrsp buy Y 10 @10
        2024-05-01 rrsp sell Y 10 @20
        2024-06-03 brokerage sell X 100 @7
        2024-06-10 rrsp buy X 100 @7
    """))
    assert [r["account"] for r in gain_rows(book, 2024)] == ["brokerage"]
    (wash,) = book.wash_sales
    assert wash.permanent is True


def test_canadians_isa_sale_lands_on_schedule_3_in_the_acb_pool() -> None:
    # ITA s.3, s.38: no provision recognizes an ISA; the ISA's shares share the owner's ACB
    hh = household({"me": "CA"}, {"isa": ("me", "isa"), "cash": ("me", "non_registered")})
    book = replay(hh, journal("""
        2024-01-10 isa buy X 100 @10
        2024-02-10 cash buy X 100 @20
        2024-06-03 isa sell X 100 @18
    """))
    (row,) = schedule_3_rows(book, 2024)
    # ACB is the average over both accounts: (1,000 + 2,000) / 200 = 15 a share
    assert (row["account"], row["proceeds"], row["acb"], row["gain"]) == (
        "isa", "1800.00", "1500.00", "300.00")


def test_uk_residents_tfsa_shares_join_the_section_104_pool() -> None:
    # TCGA 1992 s.2, s.104: the TFSA is within capital gains tax for a UK resident
    hh = household({"me": "UK"}, {"tfsa": ("me", "tfsa"), "gia": ("me", "gia")})
    book = replay(hh, journal("""
        2024-05-01 tfsa buy X 100 @10
        2024-06-01 gia buy X 100 @20
        2024-09-02 tfsa sell X 100 @18
    """))
    (row,) = sa108_rows(book, 2024)
    assert row["matching"] == "section 104"
    (pool,) = [p for p in book.pools if p.kind == "s104"]
    assert pool.quantity == D(100)
    (disposal,) = book.uk_disposals
    assert (disposal.proceeds, disposal.cost) == (D(1800), D(1500))


def test_uk_residents_us_ira_stays_sheltered() -> None:
    # UK-US Convention Art. 18(1): income of a US pension scheme is taxed only when paid
    hh = household({"me": "UK"}, {"ira": ("me", "traditional"), "roth": ("me", "roth")})
    book = replay(hh, journal("""
        2024-05-01 ira buy X 100 @10
        2024-05-01 roth buy Y 100 @10
        2024-09-02 ira sell X 100 @18
        2024-09-02 roth sell Y 100 @18
    """))
    assert sa108_rows(book, 2024) == [] and book.uk_disposals == ()
    assert all(p.kind == "sheltered" for p in book.pools)


def test_own_country_wrappers_are_unchanged() -> None:
    hh = household({"me": "CA"}, {"tfsa": ("me", "tfsa"), "rrsp": ("me", "rrsp")})
    book = replay(hh, journal("""
        2024-01-10 tfsa buy X 100 @10
        2024-06-03 tfsa sell X 100 @12
        2024-06-03 rrsp buy Y 1 @12
    """))
    assert schedule_3_rows(book, 2024) == []
    assert hh.accounts["tfsa"].is_tax_exempt and hh.accounts["rrsp"].is_tax_deferred
