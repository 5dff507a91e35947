"""United Kingdom: HMRC's own worked examples of losses and the annual exempt amount.

Sources (HMRC Capital Gains Manual; every figure below is HMRC's, read from the stored
copies of these pages):

* CG21543 "Relief for losses: example" (Mr D, 2009-10),
  https://www.gov.uk/hmrc-internal-manuals/capital-gains-manual/cg21543
* CG18202 "Annual exempt amount: example" (C), in two versions of the page: 2014-15 and
  1998-99, https://www.gov.uk/hmrc-internal-manuals/capital-gains-manual/cg18202
* CG21533 "Relief for losses: example" (Mrs C),
  https://www.gov.uk/hmrc-internal-manuals/capital-gains-manual/cg21533

The computation tests take a shipped year's parameters and put in the exempt amount HMRC
states for its year (``with_exempt_amount``); nothing is taxable in any of the examples, so
the rates of the shipped year play no part.  lotwise also ships the exempt amounts of
2008-09 to 2021-22 (to carry losses through those years), and the chain tests replay
HMRC's 2009-10 and 2014-15 examples through them: the amounts HMRC states are the ones in
lotwise's data.  The computation is :func:`lotwise.regimes.uk.compute_totals`,
the one the SA108 summary uses: the year's losses in full (TCGA 1992 s.2(2)(a)), then losses
brought forward only down to the exempt amount (s.3(5A)-(5C); CG18030, CG21570).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from lotwise.ledger import replay
from lotwise.regimes.uk import UkYearParams, compute_totals, load_uk_year, uk_years

from .households import D, household, journal

MR_D = household({"d": "UK"}, {"gia": ("d", "gia")}, securities={"A": None, "B": None})


def with_exempt_amount(amount: int) -> UkYearParams:
    return replace(load_uk_year(2025), annual_exempt_amount=D(amount))


def test_cg21543_mr_d_losses_brought_forward_only_down_to_the_exempt_amount() -> None:
    """CG21543: Mr D carries forward losses of £10,500 from 2008-09.  In 2009-10 he has gains
    of £16,300 and losses of £3,500; the annual exempt amount is £10,100.  Net gains £12,800;
    less the exempt amount, £2,700 remains, the smaller of that and the £10,500 brought
    forward: £2,700 of the losses brought forward are used.  Losses £3,500 + £2,700 =
    £6,200, exempt amount £10,100, nothing chargeable; £7,800 carried forward."""
    result = compute_totals(with_exempt_amount(10100), [D(16300)], D(3500), D(10500), None)
    assert (result.gains, result.losses) == (D(16300), D(3500))
    assert result.gains - result.losses == D(12800)
    assert result.losses_used == D(2700)
    assert result.losses + result.losses_used == D(6200)
    assert result.exempt_used == D(10100)
    assert result.taxable == 0 and result.slices == ()
    assert result.carried_forward == D(7800)


@pytest.mark.parametrize(
    ("version", "exempt", "gains", "brought_forward", "used", "carried"),
    [
        ("2014-15", 11000, 13000, 3500, 2000, 1500),
        ("1998-99", 6800, 8000, 3500, 1200, 2300),
    ],
)
def test_cg18202_losses_brought_forward_reduce_gains_to_the_exempt_amount(  # type: ignore[no-untyped-def]
    version, exempt, gains, brought_forward, used, carried
) -> None:
    """CG18202: C has gains and losses brought forward from earlier years.  The losses used
    bring the gains down to the exempt amount, which covers the rest (the "taxable amount"
    equals the exemption); the rest of the losses is carried forward.  2014-15 version:
    exempt amount £11,000, gains £13,000, £3,500 brought forward, £2,000 used, £1,500
    carried forward.  1998-99 version: £6,800, £8,000, £3,500, £1,200, £2,300."""
    result = compute_totals(with_exempt_amount(exempt), [D(gains)], D(0), D(brought_forward),
                            None)
    assert result.losses_used == D(used), version
    assert result.gains - result.losses_used == D(exempt), version  # covered by the exemption
    assert result.exempt_used == D(exempt) and result.taxable == 0, version
    assert result.carried_forward == D(carried), version


def test_cg21533_mrs_c_a_net_loss_is_carried_forward_and_the_exempt_amount_is_wasted() -> None:
    """CG21533: Mrs C has gains of £20,000 and losses of £25,000: net losses of £5,000 are
    carried forward; the net chargeable gains of the year are nil, no CGT is payable, and
    the annual exempt amount is not used (and may not be carried forward).

    HMRC states no year and no exempt amount: the shipped 2025-26 parameters are used as
    they are; the result does not depend on them."""
    result = compute_totals(load_uk_year(2025), [D(20000)], D(25000), D(0), None)
    assert (result.gains, result.losses) == (D(20000), D(25000))
    assert result.carried_forward == D(5000)
    assert result.taxable == 0 and result.exempt_used == 0 and result.losses_used == 0
    assert result.slices == ()


@pytest.mark.parametrize(
    ("tax_year", "brought_forward", "sales", "carried"),
    [
        # CG21543, Mr D, 2009-10: £10,500 brought forward from 2008-09; gains £16,300 and
        # losses £3,500; £2,700 used; £7,800 carried forward.
        (2009, 10500, ("2009-09-01 gia sell A 100 @263", "2009-10-01 gia sell B 100 @65"), 7800),
        # CG18202 (2014-15 version), C: £3,500 brought forward; gains £13,000; £2,000 used;
        # £1,500 carried forward.
        (2014, 3500, ("2014-09-01 gia sell A 100 @230",), 1500),
    ],
)
def test_hmrc_examples_through_the_shipped_exempt_amounts(  # type: ignore[no-untyped-def]
    tax_year, brought_forward, sales, carried
) -> None:
    """The losses brought forward are stated for HMRC's year (``[tax.uk.d.years.<year>]``);
    lotwise carries them through it with its own exempt amount for that year (£10,100 for
    2009-10, £11,000 for 2014-15) and brings what is left into 2022-23, the first tax year
    it computes the tax of."""
    hh = replace(MR_D, tax={"uk": {"d": {"years": {
        str(tax_year): {"losses_brought_forward": brought_forward}}}}})
    book = replay(hh, journal(f"""
        {tax_year}-05-01 gia buy A 100 @100
        {tax_year}-05-01 gia buy B 100 @100
        {chr(10).join(sales)}
    """))
    first = uk_years(book, hh, "d", 2022)[0]
    assert first.tax_year == 2022 and first.losses_brought_forward == D(carried)
