"""The [tax.ca.<owner>] / [tax.uk.<owner>] tables, read by one rule for both countries."""

from __future__ import annotations

from dataclasses import replace

import pytest

from lotwise.errors import InputError
from lotwise.regimes.ca import ca_profile
from lotwise.regimes.profile import ProfileShape, read_profile
from lotwise.regimes.uk import uk_profile

from .households import D, household

BOTH = household({"claire": "CA", "olivia": "UK"},
                 {"c": ("claire", "non_registered"), "o": ("olivia", "gia")})


def _with(tax: dict[str, object]):  # type: ignore[no-untyped-def]
    return replace(BOTH, tax=tax)


def test_both_countries_read_the_same_shape_under_their_own_names() -> None:
    hh = _with({"ca": {"claire": {"marginal_rate": "0.4341",
                                  "years": {"2001": {"net_capital_losses": 350,
                                                     "marginal_rate": "0.3"}}}},
                "uk": {"olivia": {"taxable_income": 52000,
                                  "years": {"2008": {"losses_brought_forward": 1200}}}}})
    ca, uk = ca_profile(hh, "claire"), uk_profile(hh, "olivia")
    assert (ca.net_capital_losses, ca.marginal_rate, ca.start) == (0, D("0.4341"), (2001, 350))
    assert ca.rate_for(2001) == D("0.3") and ca.rate_for(2002) == D("0.4341")
    assert (uk.losses_brought_forward, uk.income_for(2010), uk.start) == (0, 52000, (2008, 1200))


def test_losses_stated_twice_are_one_error_naming_both_keys_in_each_countrys_words() -> None:
    hh = _with({"ca": {"claire": {"net_capital_losses": 10,
                                  "years": {"2001": {"net_capital_losses": 350}}}},
                "uk": {"olivia": {"years": {"2008": {"losses_brought_forward": 1},
                                            "2009": {"losses_brought_forward": 2}}}}})
    with pytest.raises(InputError) as ca:
        ca_profile(hh, "claire")
    assert ("the net capital losses carried in are stated 2 times (tax.ca.claire."
            "net_capital_losses, tax.ca.claire.years.2001.net_capital_losses)") in str(ca.value)
    assert "or for the first year with a disposition, in [tax.ca.claire]" in str(ca.value)
    with pytest.raises(InputError) as uk:
        uk_profile(hh, "olivia")
    assert "the losses brought forward are stated 2 times" in str(uk.value)
    assert "or for the first tax year with a disposal, in [tax.uk.olivia]" in str(uk.value)


def test_a_rate_is_a_fraction_and_an_income_is_not() -> None:
    rate = ProfileShape(table="ca", carry_key="net_capital_losses", carry_words="losses",
                        yearly_key="marginal_rate", yearly_example="0.4341",
                        yearly_is_rate=True)
    hh = _with({"ca": {"claire": {"marginal_rate": 43.41}}})
    with pytest.raises(InputError) as caught:
        read_profile(hh, "claire", rate)
    assert "43.41 is above 1" in str(caught.value)
    income = replace(rate, yearly_key="taxable_income", yearly_is_rate=False)
    hh = _with({"ca": {"claire": {"taxable_income": 52000, "bogus": 1}}})
    with pytest.raises(InputError) as caught:
        read_profile(hh, "claire", income)
    assert "unknown key 'bogus'" in str(caught.value)
    assert "43.41" not in str(caught.value)
