"""The household's [tax] table is checked when the file is read: every setting in its
place, with a value that reads, and each problem names the file, the key and the fix."""

from __future__ import annotations

from datetime import date

import pytest

from lotwise.errors import InputError, Problem
from lotwise.io import example_dir, parse_household
from lotwise.ledger import Book
from lotwise.regimes import US, sub_household
from lotwise.regimes.ca_position import ca_position
from lotwise.tax.profile import parse_tax_profile

MIXED = """\
format_version = 1
id = "mixed"

[owners.ann]
tax_residence = "US"

[owners.claire]
tax_residence = "CA"

[owners.olivia]
tax_residence = "UK"

[accounts.ann_t]
owner = "ann"
type = "taxable"

[accounts.claire_c]
owner = "claire"
type = "non_registered"

[accounts.olivia_g]
owner = "olivia"
type = "gia"

[securities.VTI]
asset_class = "stocks"

[targets]
stocks = 1
"""
CANADIANS = MIXED.replace('tax_residence = "US"', 'tax_residence = "CA"').replace(
    'tax_residence = "UK"', 'tax_residence = "CA"').replace('"taxable"', '"non_registered"'
                                                           ).replace('"gia"', '"rrsp"')


def problems_of(text: str, name: str = "family.toml") -> list[Problem]:
    with pytest.raises(InputError) as caught:
        parse_household(text, name)
    return list(caught.value.problems)


def line_of(text: str, start: str) -> int:
    """The number of the first line of ``text`` that starts with ``start``."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def only_problem(text: str) -> Problem:
    (problem,) = problems_of(text)
    return problem


def test_settings_in_their_right_places_are_read() -> None:
    text = MIXED + """
[tax]
state_rate = 0.05

[tax.years.2025]
ordinary_income = 90000

[tax.ca.claire]
marginal_rate = 0.4341
[tax.ca.claire.years.2026]
marginal_rate = 0.45

[tax.uk.olivia]
taxable_income = 52000
"""
    household = parse_household(text, "family.toml")
    assert household.source == "family.toml"
    assert set(household.tax) == {"state_rate", "years", "ca", "uk"}


@pytest.mark.parametrize("name", ["us", "ca", "uk"])
def test_the_bundled_examples_have_every_setting_in_its_place(name: str) -> None:
    path = example_dir(name) / "household.toml"
    assert parse_household(path.read_text(), str(path)).tax


def test_uk_settings_of_a_canadian_resident_say_where_they_belong() -> None:
    text = MIXED + "\n[tax.uk.claire]\ntaxable_income = 30000\n"
    problem = only_problem(text)
    assert str(problem.source) == f"family.toml:{line_of(text, '[tax.uk.claire]')}"
    assert problem.field == "tax.uk.claire"
    assert "claire is resident in Canada" in problem.message
    assert "would never be used" in problem.message
    assert "[tax.ca.claire]" in problem.fix and 'tax_residence = "UK"' in problem.fix


def test_settings_of_an_unknown_owner_name_the_residents() -> None:
    problem = only_problem(MIXED + "\n[tax.ca.claira]\nmarginal_rate = 0.3\n")
    assert problem.field == "tax.ca.claira"
    assert problem.message == "'claira' is not an owner of this household"
    assert problem.fix == "name an owner resident in Canada: claire"


def test_regional_settings_without_any_resident_say_how_to_fix_it() -> None:
    problem = only_problem(CANADIANS + "\n[tax.uk.olivia]\ntaxable_income = 30000\n")
    assert "olivia is resident in Canada" in problem.message
    problem = only_problem(CANADIANS + "\n[tax.uk.nobody]\ntaxable_income = 30000\n")
    assert 'no owner has tax_residence = "UK"' in problem.fix


def test_us_settings_without_a_us_resident_are_errors() -> None:
    text = CANADIANS + "\n[tax]\nstate_rate = 0.05\n[tax.years.2025]\nordinary_income = 1\n"
    problems = problems_of(text)
    assert [p.field for p in problems] == ["tax.state_rate", "tax.years"]
    assert all("no owner of this household is resident in the United States" in p.message
               for p in problems)
    assert problems[1].source.row == line_of(text, "[tax.years.2025]")


def test_a_us_year_table_for_a_canadian_resident_is_misplaced() -> None:
    problem = only_problem(MIXED + "\n[tax.years.2025.claire]\nordinary_income = 1\n")
    assert problem.field == "tax.years.2025.claire"
    assert "claire is resident in Canada" in problem.message
    assert "[tax.ca.claire]" in problem.fix


def test_an_unknown_tax_key_is_an_error() -> None:
    problem = only_problem(MIXED + "\n[tax]\nwages = 1\n")
    assert problem.field == "tax.wages" and "unknown key 'wages' in [tax]" in problem.message
    assert "ca, uk" in problem.fix


def test_wrong_values_name_the_file_the_line_and_the_key() -> None:
    text = MIXED + """
[tax.ca.claire]
net_capital_loss = 1500
marginal_rate = 1.5

[tax.ca.claire.years.next]
marginal_rate = 0.3

[tax.uk.olivia]
years = 5

[tax.years.2025.ann]
ordinary_incom = 1
"""
    where = {p.field: str(p.source) for p in problems_of(text, "gagnon.toml")}
    assert where == {
        field: f"gagnon.toml:{line_of(text, start)}" for field, start in (
            ("tax.ca.claire.net_capital_loss", "net_capital_loss"),
            ("tax.ca.claire.marginal_rate", "marginal_rate = 1.5"),
            ("tax.ca.claire.years.next", "[tax.ca.claire.years.next]"),
            ("tax.uk.olivia.years", "years = 5"),
            ("tax.years.2025.ann.ordinary_incom", "ordinary_incom"),
        )
    }


def test_errors_found_later_name_the_file_the_household_came_from() -> None:
    household = parse_household(MIXED + "\n[tax.ca.claire]\nnet_capital_losses = 10\n",
                                "gagnon.toml")
    with pytest.raises(InputError) as caught:
        ca_position(household, Book(None, (), (), ()), "claire", date(2025, 6, 30))
    (problem,) = caught.value.problems
    assert str(problem.source) == "gagnon.toml"
    assert problem.field == "tax.ca.claire.marginal_rate"
    us_part = sub_household(household, US)
    with pytest.raises(InputError, match=r"^gagnon\.toml field 'tax\.years\.2025'"):
        parse_tax_profile(us_part).profile_for("ann", 2025)
