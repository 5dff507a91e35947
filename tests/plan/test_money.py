"""One currency for a plan: a rate missing on the valuation day names the rates file."""

from __future__ import annotations

from datetime import date

import pytest

from lotwise.errors import InputError
from lotwise.fx import FxRate, FxTable
from lotwise.ledger import replay
from lotwise.model import Price
from lotwise.model.prices import PriceTable
from lotwise.plan.money import in_base_currency

from ..regimes.households import D, household, journal


def test_a_stale_rate_is_not_used_and_the_error_names_the_rates_file() -> None:
    hh = household({"claire": "CA"}, {"cash": ("claire", "non_registered")},
                   securities={"VTI": None}, currencies={"VTI": "USD"})
    fx = FxTable([FxRate(date(2026, 10, 30), "USD", "CAD", D("1.38"))], source="gagnon/fx.csv")
    book = replay(hh, journal("2026-10-30 cash buy VTI 10 @300"), fx=fx)
    prices = PriceTable([Price(date(2026, 11, 20), "VTI", D(310))])
    with pytest.raises(InputError) as caught:
        in_base_currency(hh, book, prices, fx, date(2026, 11, 20))
    (problem,) = caught.value.problems
    assert str(problem.source) == "gagnon/fx.csv" and problem.field == "rate"
    assert problem.message.startswith("no USD/CAD rate for 2026-11-20 or the 7 days before it; "
                                      "the latest earlier rate is of 2026-10-30")
    assert problem.fix.startswith("add a row 2026-11-20,USD,CAD,<rate> to gagnon/fx.csv; a "
                                  "rate more than 7 days old is not used")
    assert in_base_currency(hh, book, prices, fx, date(2026, 11, 6)).rates["USD"] == D("1.38")
