"""The household TOML file: what a good file gives, and what each mistake reports."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from lotwise.errors import InputError, Problem
from lotwise.io import load_household, parse_household
from lotwise.model.household import AccountType, FilingStatus

FIXTURES = Path(__file__).parent / "fixtures"

MINIMAL = """\
format_version = 1
id = "solo"

[owners.pat]
name = "Pat"

[accounts.brokerage]
owner = "pat"
type = "taxable"

[securities.VTI]
asset_class = "stocks"

[targets]
stocks = 1
"""


def problems_of(text: str) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        parse_household(text, "h.toml")
    return list(caught.value.problems)


def only_problem(text: str) -> Problem:
    problems = problems_of(text)
    assert len(problems) == 1, problems
    return problems[0]


# --------------------------------------------------------------------------- good files


def test_a_good_file_gives_the_household_it_describes() -> None:
    household = load_household(FIXTURES / "household.toml")

    assert household.id == "lee"
    assert household.name == "Jo and Kim Lee"
    assert household.base_currency == "USD"
    assert household.format_version == 1
    assert household.owners["jo"].spouse == "kim"
    assert household.owners["kim"].filing_status is FilingStatus.MARRIED_JOINT
    assert household.tax_unit("jo") == frozenset({"jo", "kim"})

    joint = household.accounts["joint"]
    assert (joint.owner, joint.type, joint.name) == ("jo", AccountType.TAXABLE, "Joint brokerage")
    assert joint.lot_method == "fifo"  # the default
    assert household.accounts["kim_taxable"].lot_method == "hifo"
    assert household.accounts["kim_roth"].type is AccountType.ROTH

    assert household.securities["VOO"].group == "sp500"
    assert household.securities["FXAIX"].kind == "mutual_fund"
    assert household.securities["VXUS"].group == "VXUS"  # no group: identical only to itself
    assert household.securities["VXUS"].kind == "etf"


def test_nested_target_weights_are_fractions_of_their_parent() -> None:
    targets = load_household(FIXTURES / "household.toml").targets

    assert targets.weights == {
        "bonds": Decimal("0.4"),
        "us": Decimal("0.42"),  # 0.6 * 0.7
        "intl": Decimal("0.18"),  # 0.6 * 0.3
    }
    assert dict(targets.parents) == {"us": "equity", "intl": "equity"}
    assert targets.inner_weights() == {"equity": Decimal("0.60")}


def test_policy_keeps_unknown_keys_in_extra_and_tax_is_kept_raw() -> None:
    household = load_household(FIXTURES / "household.toml")

    assert household.policy.absolute_band == Decimal("0.04")
    assert household.policy.relative_band == Decimal("0.25")  # the default
    assert household.policy.review_months == 6
    assert household.policy.extra == {"harvest_min_loss": 250}
    assert household.tax == {"years": {"2025": {"ordinary_income": 180000}}}


def test_a_minimal_file_takes_the_defaults() -> None:
    household = parse_household(MINIMAL, "h.toml")

    assert household.owners["pat"].filing_status is FilingStatus.SINGLE
    assert household.owners["pat"].spouse is None
    assert household.accounts["brokerage"].currency == "USD"
    assert household.targets.weights == {"stocks": Decimal(1)}
    assert household.policy.review_months == 12
    assert household.tax == {}


def test_a_byte_order_mark_is_ignored() -> None:
    assert parse_household("\ufeff" + MINIMAL, "h.toml").id == "solo"


def test_weights_summing_to_one_within_the_tolerance_are_accepted() -> None:
    text = MINIMAL.replace("stocks = 1", "stocks = 0.1\nbonds = 0.2\ncash = 0.7")
    household = parse_household(text, "h.toml")
    assert sum(household.targets.weights.values()) == 1


# --------------------------------------------------------------------------- file-level problems


def test_an_unsupported_format_version_is_the_only_problem_reported() -> None:
    problem = only_problem(MINIMAL.replace("format_version = 1", "format_version = 2\nbogus = 1"))
    assert problem.field == "format_version"
    assert problem.source.row == 1
    assert "format_version 2 is not supported" in problem.message


def test_a_missing_format_version_is_reported() -> None:
    problem = only_problem(MINIMAL.replace("format_version = 1\n", ""))
    assert "no format_version" in problem.message
    assert "format_version = 1" in problem.fix


def test_invalid_toml_names_the_line() -> None:
    problem = only_problem(MINIMAL.replace('type = "taxable"', "type = taxable"))
    assert problem.source.file == "h.toml"
    assert problem.source.row == 9
    assert "not valid TOML" in problem.message


def test_unknown_keys_are_errors_with_a_suggestion() -> None:
    text = MINIMAL.replace('id = "solo"', 'id = "solo"\nbase_curency = "USD"')
    problem = only_problem(text)
    assert problem.field == "base_curency"
    assert problem.source.row == 3
    assert "did you mean 'base_currency'?" in problem.message


def test_an_unknown_key_inside_an_account_names_its_path() -> None:
    problem = only_problem(MINIMAL.replace('type = "taxable"', 'type = "taxable"\nlotmethod = 1'))
    assert problem.field == "accounts.brokerage.lotmethod"
    assert "did you mean 'lot_method'?" in problem.message


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_household(tmp_path / "nope.toml")
    assert "does not exist" in caught.value.problems[0].message


def test_every_problem_of_the_file_is_reported_at_once() -> None:
    text = (
        MINIMAL.replace('type = "taxable"', 'type = "brokerage"')
        .replace('owner = "pat"', 'owner = "pta"')
        .replace('asset_class = "stocks"', 'asset_class = "stock"')
    )
    fields = [p.field for p in problems_of(text)]
    assert fields == [
        "accounts.brokerage.owner",
        "accounts.brokerage.type",
        "securities.VTI.asset_class",
    ]


# --------------------------------------------------------------------------- owners


def test_an_account_type_must_be_one_of_the_allowed_values() -> None:
    problem = only_problem(MINIMAL.replace('type = "taxable"', 'type = "brokerage"'))
    assert problem.field == "accounts.brokerage.type"
    assert problem.source.row == 9
    assert "'brokerage' is not a valid type" in problem.message
    assert problem.fix == "use one of: taxable, traditional, roth, hsa"


def test_an_account_owner_must_exist() -> None:
    problem = only_problem(MINIMAL.replace('owner = "pat"', 'owner = "pta"'))
    assert problem.field == "accounts.brokerage.owner"
    assert "owner 'pta' is not an owner of this household (did you mean 'pat'?)" in (
        problem.message
    )


def test_an_unknown_lot_method_lists_the_methods() -> None:
    problem = only_problem(
        MINIMAL.replace('type = "taxable"', 'type = "taxable"\nlot_method = "fifi"')
    )
    assert problem.field == "accounts.brokerage.lot_method"
    assert "did you mean 'fifo'?" in problem.message
    assert problem.fix == "use one of: fifo, lifo, hifo, specific, min_tax, average"


def test_a_filing_status_must_be_known() -> None:
    problem = only_problem(MINIMAL.replace('name = "Pat"', 'name = "Pat"\nfiling_status = "joint"'))
    assert problem.field == "owners.pat.filing_status"
    assert "married_joint" in problem.fix


SPOUSES = """\
format_version = 1
id = "h"
[owners.a]
spouse = "b"
filing_status = "married_joint"
[owners.b]
spouse = "{b_spouse}"
filing_status = "married_joint"
[owners.c]
[accounts.x]
owner = "a"
type = "taxable"
[securities.VTI]
asset_class = "stocks"
[targets]
stocks = 1
"""


def test_spouses_must_name_each_other() -> None:
    problem = only_problem(SPOUSES.format(b_spouse="c"))
    assert problem.field == "owners.a.spouse"
    assert "a names b as spouse, but b names c" in problem.message


def test_a_spouse_must_be_an_owner() -> None:
    problem = only_problem(SPOUSES.format(b_spouse="d"))
    assert problem.field == "owners.b.spouse"
    assert "spouse 'd' is not an owner" in problem.message


def test_an_owner_cannot_be_its_own_spouse() -> None:
    problem = only_problem(SPOUSES.format(b_spouse="b"))
    assert problem.field == "owners.b.spouse"


def test_a_one_sided_spouse_link_is_accepted() -> None:
    text = SPOUSES.format(b_spouse="x").replace('spouse = "x"\n', "")
    household = parse_household(text, "h.toml")
    assert household.tax_unit("b") == frozenset({"a", "b"})


def test_spouses_filing_jointly_must_both_say_so() -> None:
    text = SPOUSES.format(b_spouse="a").replace(
        'spouse = "a"\nfiling_status = "married_joint"', 'spouse = "a"\nfiling_status = "single"'
    )
    problem = only_problem(text)
    assert problem.field == "owners.b.filing_status"
    assert "a files married_joint but spouse b files single" in problem.message


# --------------------------------------------------------------------------- securities, targets


def test_a_security_asset_class_must_be_a_leaf_of_the_targets() -> None:
    problem = only_problem(MINIMAL.replace('asset_class = "stocks"', 'asset_class = "stock"'))
    assert problem.field == "securities.VTI.asset_class"
    assert problem.source.row == 12
    assert "asset class 'stock' is not in [targets] (did you mean 'stocks'?)" in problem.message


def test_a_security_cannot_be_in_an_inner_class() -> None:
    text = MINIMAL.replace('asset_class = "stocks"', 'asset_class = "equity"').replace(
        "stocks = 1", "[targets.equity]\nweight = 1\nus = 1"
    )
    problem = only_problem(text)
    assert "'equity' is a parent class in [targets], not a leaf" in problem.message
    assert "us" in problem.fix


def test_a_security_kind_must_be_known() -> None:
    problem = only_problem(
        MINIMAL.replace('asset_class = "stocks"', 'asset_class = "stocks"\nkind = "fund"')
    )
    assert problem.field == "securities.VTI.kind"
    assert problem.fix == "use one of: stock, etf, mutual_fund, bond, money_market"


def test_target_weights_must_sum_to_one() -> None:
    text = MINIMAL.replace("stocks = 1", "stocks = 0.6\nbonds = 0.3")
    problem = only_problem(text)
    assert problem.field == "targets"
    assert problem.message == "the target weights add up to 0.9, not 1 (stocks 0.6 + bonds 0.3)"
    assert "add up to 1" in problem.fix


def test_weights_inside_a_nested_class_must_sum_to_one() -> None:
    text = MINIMAL.replace('asset_class = "stocks"', 'asset_class = "us"').replace(
        "stocks = 1", "bonds = 0.4\n[targets.equity]\nweight = 0.6\nus = 0.7\nintl = 0.2"
    )
    problem = only_problem(text)
    assert problem.field == "targets.equity"
    assert "the weights inside [targets.equity] add up to 0.9, not 1 (us 0.7 + intl 0.2)" in (
        problem.message
    )


def test_a_nested_class_needs_a_weight() -> None:
    text = MINIMAL.replace('asset_class = "stocks"', 'asset_class = "us"').replace(
        "stocks = 1", "[targets.equity]\nus = 1"
    )
    problem = only_problem(text)
    assert problem.field == "targets.equity.weight"


def test_a_class_name_may_appear_only_once() -> None:
    text = MINIMAL.replace("stocks = 1", "stocks = 0.5\n[targets.other]\nweight = 0.5\nstocks = 1")
    problem = only_problem(text)
    assert problem.field == "targets.other.stocks"
    assert "appears twice" in problem.message


def test_a_weight_must_be_a_non_negative_number() -> None:
    problem = only_problem(MINIMAL.replace("stocks = 1", 'stocks = "lots"'))
    assert problem.field == "targets.stocks"
    assert "must be a number" in problem.message
    problem = only_problem(MINIMAL.replace("stocks = 1", "stocks = 1.5\nbonds = -0.5"))
    assert problem.field == "targets.bonds"
    assert "must not be negative" in problem.message


# --------------------------------------------------------------------------- policy, sections


def test_review_months_must_be_a_whole_number() -> None:
    problem = only_problem(MINIMAL + "[policy]\nreview_months = 1.5\n")
    assert problem.field == "policy.review_months"


def test_missing_sections_are_reported() -> None:
    text = MINIMAL.split("[owners.pat]")[0] + "[targets]\nstocks = 1\n"
    fields = [p.field for p in problems_of(text)]
    assert fields == ["owners", "accounts", "securities"]


def test_a_household_needs_an_id() -> None:
    problem = only_problem(MINIMAL.replace('id = "solo"\n', ""))
    assert problem.field == "id"
    assert "has no id" in problem.message


def test_text_values_must_be_quoted_strings() -> None:
    problem = only_problem(MINIMAL.replace('name = "Pat"', "name = 7"))
    assert problem.field == "owners.pat.name"
    assert "must be text" in problem.message


def test_securities_are_checked_even_when_the_target_weights_are_wrong() -> None:
    text = MINIMAL.replace("stocks = 1", "stocks = 0.5").replace(
        'asset_class = "stocks"', 'asset_class = "stonks"'
    )
    problems = problems_of(text)
    assert [p.field for p in problems] == ["securities.VTI.asset_class", "targets"]


def test_the_example_in_docs_formats_reads() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "formats.md").read_text()
    example = doc.split("```toml\n", 1)[1].split("```", 1)[0]
    household = parse_household(example, "formats.md")
    assert household.targets.weights == {
        "bonds": Decimal("0.3"),
        "us": Decimal("0.49"),
        "intl": Decimal("0.21"),
    }


def test_uk_reporting_fund_is_true_or_false() -> None:
    household = parse_household(
        MINIMAL.replace('asset_class = "stocks"',
                        'asset_class = "stocks"\nuk_reporting_fund = false'), "h.toml")
    assert household.securities["VTI"].uk_reporting_fund is False
    assert parse_household(MINIMAL, "h.toml").securities["VTI"].uk_reporting_fund is None
    problem = only_problem(
        MINIMAL.replace('asset_class = "stocks"', 'asset_class = "stocks"\nuk_reporting_fund = 1')
    )
    assert problem.field == "securities.VTI.uk_reporting_fund"
    assert problem.fix == "write uk_reporting_fund = true or uk_reporting_fund = false"


# --------------------------------------------------------------------------- [policy] location

NESTED = MINIMAL.replace("[targets]\nstocks = 1\n", """\
[securities.BND]
asset_class = "bonds"

[targets]
bonds = 0.4

[targets.equity]
weight = 0.6
stocks = 1
""")


def test_a_location_of_known_classes_and_account_types_is_kept() -> None:
    hh = parse_household(NESTED + '\n[policy.location]\nbonds = ["traditional", "taxable"]\n',
                         "h.toml")
    assert hh.policy.extra["location"] == {"bonds": ["traditional", "taxable"]}


def test_a_location_for_an_unknown_asset_class_names_the_classes() -> None:
    problem = only_problem(NESTED + '\n[policy.location]\nbond = ["traditional"]\n')
    assert problem.source.file == "h.toml" and problem.field == "policy.location.bond"
    assert "unknown asset class 'bond'" in problem.message and "did you mean 'bonds'" in (
        problem.message)
    assert problem.fix == "use one of the classes of [targets]: bonds, stocks"


def test_a_location_for_a_parent_class_says_to_name_its_classes() -> None:
    problem = only_problem(NESTED + '\n[policy.location]\nequity = ["roth"]\n')
    assert "'equity' groups other classes" in problem.message


def test_a_location_with_an_unknown_account_type_lists_the_types() -> None:
    problem, other = problems_of(NESTED + '\n[policy.location]\nbonds = ["traditionnal", '
                                          '"IRA"]\n')
    assert "unknown account type 'IRA'" in other.message
    assert problem.field == "policy.location.bonds"
    assert "unknown account type 'traditionnal'" in problem.message
    assert problem.fix.startswith("use account types from: taxable, traditional, roth, hsa, "
                                  "non_registered")
    problems = problems_of(NESTED + '\n[policy.location]\nbonds = ["IRA"]\nstocks = "roth"\n')
    assert [p.field for p in problems] == ["policy.location.bonds", "policy.location.stocks"]
    assert "must be a list of account types, got 'roth'" in problems[1].message


def test_a_location_that_is_not_a_table_or_repeats_a_type_is_an_error() -> None:
    problem = only_problem(NESTED.replace('id = "solo"\n',
                                          'id = "solo"\npolicy = { location = "bonds" }\n'))
    assert "location must be a table" in problem.message
    problem = only_problem(NESTED + '\n[policy.location]\nbonds = ["roth", "roth"]\n')
    assert "names roth more than once" in problem.message


def test_uk_bond_fund_is_true_or_false_and_defaults_to_false() -> None:
    # ITTOIA 2005 s.378A: a fund more than 60 % in interest-bearing assets pays interest
    household = parse_household(
        MINIMAL.replace('asset_class = "stocks"',
                        'asset_class = "stocks"\nuk_reporting_fund = true\nuk_bond_fund = true'),
        "h.toml")
    assert household.securities["VTI"].uk_bond_fund is True
    assert parse_household(MINIMAL, "h.toml").securities["VTI"].uk_bond_fund is False
    problem = only_problem(
        MINIMAL.replace('asset_class = "stocks"', 'asset_class = "stocks"\nuk_bond_fund = "yes"')
    )
    assert problem.field == "securities.VTI.uk_bond_fund"
    assert problem.fix == "write uk_bond_fund = true or uk_bond_fund = false"
