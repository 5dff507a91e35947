"""Where a command's data comes from makes no difference: the bundled Canadian and UK
households, imported into a store on SQLite or PostgreSQL (household, FX rates,
transactions, prices), give every command the answers the same files give statelessly.
A rate missing from the store is reported as the store's, not the ``--fx`` file's."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D
from functools import cache
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner

from lotwise.cli import app
from lotwise.cli import commands as _commands  # noqa: F401  (registers the commands)
from lotwise.cli.context import STORED_RATES
from lotwise.errors import InputError, Source
from lotwise.fx import FxRate, FxTable, MissingRateError
from lotwise.io import example_dir, load_household
from lotwise.ledger import replay
from lotwise.model import Price
from lotwise.model.prices import PriceTable
from lotwise.plan.money import in_base_currency

if TYPE_CHECKING:
    from tests.stores import Target

runner = CliRunner()
AS_OF = ("--as-of", "2026-11-20")  # the last day of the examples' prices and rates
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("lots", *AS_OF),
    ("gains", "--year", "2024"),
    ("gains", "--year", "2025"),
    ("holdings", *AS_OF),
    ("tax", "--year", "2025", *AS_OF),
    ("tax", *AS_OF),
    ("plan", "--no-save", *AS_OF),
    ("plan", "--no-save", "--harvest", "--to", "target", *AS_OF),
    ("harvest", "--all", *AS_OF),
    ("drift", *AS_OF),
    ("calendar", *AS_OF),
)


def as_json(*args: str) -> Any:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code in (0, 1), result.output  # 1: a plan that fails verification
    return json.loads(result.output)


def files(name: str) -> list[str]:
    folder = example_dir(name)
    return ["--household", str(folder / "household.toml"),
            "--transactions", str(folder / "transactions.csv"),
            "--prices", str(folder / "prices.csv"), "--fx", str(folder / "fx.csv")]


@cache
def on_files(name: str, command: tuple[str, ...]) -> Any:
    return as_json(*command, *files(name))


def load_store(name: str, db: str) -> None:
    folder = example_dir(name)
    for args in (("init", folder / "household.toml"), ("import", "fx", folder / "fx.csv"),
                 ("import", "transactions", folder / "transactions.csv"),
                 ("import", "prices", folder / "prices.csv")):
        result = runner.invoke(app, [*map(str, args), "--db", db])
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize("name", ["ca", "uk"])
def test_the_store_gives_the_answers_of_the_files(target: Target, name: str) -> None:
    load_store(name, target.db)
    for command in COMMANDS:
        stored = as_json(*command, "--db", target.db)
        assert stored == on_files(name, command), command
    # What made the answers: every regime's figures are there and not empty.
    gains = on_files(name, ("gains", "--year", "2025"))
    assert (gains["schedule_3"]["lines"] if name == "ca" else gains["sa108"]["disposals"])
    tax = on_files(name, ("tax", "--year", "2025", *AS_OF))
    assert tax["canada" if name == "ca" else "united_kingdom"]
    plan = on_files(name, ("plan", "--no-save", *AS_OF))
    assert plan["verification"]["ok"] and plan["id"] is None


def test_a_plan_made_on_the_store_is_logged_with_the_inputs_of_the_files(target: Target) -> None:
    load_store("uk", target.db)
    plan = as_json("plan", *AS_OF, "--db", target.db)
    assert plan["id"] and plan["verification"]["ok"]
    assert plan["inputs_hash"] == on_files("uk", ("plan", "--no-save", *AS_OF))["inputs_hash"]
    logged = as_json("plans", "--db", target.db)
    assert [row["id"] for row in logged] == [plan["id"]]


def test_the_planners_problem_about_a_stored_rate_names_the_store() -> None:
    # The rates end on 2026-11-20; the plan day 2026-11-30 has none within a week.
    household = load_household(example_dir("ca") / "household.toml")
    rates = FxTable([FxRate(date(2026, 11, 20), "USD", "CAD", D("1.3676"))],
                    origin=STORED_RATES)
    prices = PriceTable([Price(date(2026, 11, 30), "VTI", D(300))])
    with pytest.raises(InputError) as caught:
        in_base_currency(household, replay(household, []), prices, rates, date(2026, 11, 30))
    (problem,) = caught.value.problems
    assert problem.source == Source("the store's FX rates") and problem.field == "rate"
    assert problem.message.startswith("no USD/CAD rate for 2026-11-30 or the 7 days before it")
    assert problem.fix.startswith(
        "add a row 2026-11-30,USD,CAD,<rate> to an FX rates file and import it with "
        "`lotwise import fx FILE`; a rate more than 7 days old is not used")
    assert isinstance(caught.value.__cause__, MissingRateError)
    assert caught.value.__cause__.origin is STORED_RATES
