"""A rate missing from the store is reported as the store's, not the ``--fx`` file's."""

from __future__ import annotations

from datetime import date

from lotwise.cli.context import STORED_RATES, restate_rate_problems
from lotwise.errors import InputError, Problem, Source
from lotwise.fx import RATES_FILE, MissingRateError


def test_only_the_planners_problems_about_a_stored_rate_are_restated() -> None:
    stored = MissingRateError("USD", "CAD", date(2026, 11, 30), date(2026, 11, 20),
                              STORED_RATES)
    flagged = Problem(Source("--fx"), "rate", f"{stored} (the price of VTI is in USD)",
                      "add a row 2026-11-30,USD,CAD,<rate> to the FX rates file")
    other = Problem(Source("prices.csv", 3), "price", "a bad price", "correct it")
    error = InputError([flagged, other])
    error.__cause__ = stored
    restated = restate_rate_problems(error)
    assert restated.problems == (
        Problem(Source("the store's FX rates"), "rate", flagged.message,
                "add a row 2026-11-30,USD,CAD,<rate> to an FX rates file and import it with "
                "`lotwise import fx FILE`"),
        other,
    )
    from_file = InputError([flagged])
    from_file.__cause__ = MissingRateError("USD", "CAD", date(2026, 11, 30), None, RATES_FILE)
    assert restate_rate_problems(from_file) is from_file
    no_cause = InputError([flagged])
    assert restate_rate_problems(no_cause) is no_cause
