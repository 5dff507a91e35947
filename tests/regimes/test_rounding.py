"""One rounding rule for the Canadian and UK lines: each amount to the cent, half up; the
gain is the difference of the rounded amounts; a loss denied in full reports nil."""

from __future__ import annotations

from datetime import date

from lotwise.ledger.ca import CaDisposition
from lotwise.ledger.uk import UkDisposal
from lotwise.regimes.rounding import sa108_line, schedule_3_line

from .households import D


def ca_line(proceeds: str, acb: str, outlays: str = "0", denied: str = "0") -> CaDisposition:
    return CaDisposition(txn_id="S1", owner="claire", account="cash", symbol="XIC",
                         quantity=D(1), acquired_year=2025, sold=date(2025, 6, 2),
                         proceeds=D(proceeds), acb=D(acb), outlays=D(outlays),
                         denied=D(denied))


def test_a_schedule_3_line_is_its_rounded_amounts_and_their_difference() -> None:
    # ACB 10.005 rounds half up to 10.01; the gain is 12.00 - 10.01 - 0.00 = 1.99, not the
    # exact 1.995 rounded (2.00).
    line = schedule_3_line(ca_line("12", "10.005"))
    assert (line.proceeds, line.acb, line.outlays) == (D("12.00"), D("10.01"), D("0.00"))
    assert line.gain == line.reported_gain == D("1.99")


def test_a_loss_denied_in_full_reports_nil_to_the_cent() -> None:
    # Proceeds 100.005 -> 100.01, ACB 200.004 -> 200.00: the rounded loss is 99.99 while the
    # denied loss, 99.999, rounds to 100.00.  Denied in full, the line reports nil.
    line = schedule_3_line(ca_line("100.005", "200.004", denied="99.999"))
    assert line.gain == D("-99.99") and line.denied == D("99.99")
    assert line.reported_gain == 0


def test_a_loss_denied_in_part_rounds_the_denied_part() -> None:
    line = schedule_3_line(ca_line("100", "200", denied="33.3333"))
    assert (line.gain, line.denied, line.reported_gain) == (D(-100), D("33.33"), D("-66.67"))


def test_a_uk_disposal_is_its_rounded_proceeds_and_allowable_costs() -> None:
    # The bundled household's James, 20 November 2024: 900 ISF for £7,803.00, allowable
    # costs £6,830.925 -> £6,830.93, gain £972.07 (the exact gain, £972.075, would round to
    # £972.08).
    disposal = UkDisposal(owner="james", symbol="ISF", date=date(2024, 11, 20),
                          quantity=D(900), proceeds=D("7803"), costs_of_disposal=D("11.95"),
                          cost=D("6818.975"), matches=(), txn_ids=("S1",))
    line = sa108_line(disposal)
    assert (line.proceeds, line.allowable_costs, line.gain) == (
        D("7803.00"), D("6830.93"), D("972.07"))
