"""The `lotwise` commands, end to end on a temporary SQLite store and on files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lotwise.cli import app
from lotwise.cli import commands as _commands  # noqa: F401  (registers the commands)
from lotwise.io import example_dir
from lotwise.store import Store

runner = CliRunner()
EXAMPLE = example_dir()
FILES = [
    "--household", str(EXAMPLE / "household.toml"),
    "--transactions", str(EXAMPLE / "transactions.csv"),
    "--prices", str(EXAMPLE / "prices.csv"),
]


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "lotwise.sqlite")


def test_demo_imports_once_and_shows_both_wash_sales(db: str) -> None:
    code, out = run("demo", "--db", db, "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["imported"]["transactions"] == 1003 and data["wash_sales"] == 2
    assert data["gains"]["2025"]["totals"]["all"]["wash_sale_adjustments"] == "1128.92"
    code, out = run("demo", "--db", db, "--json")
    assert json.loads(out)["imported"] == {"transactions": 0, "prices": 0}


def test_demo_tables_are_readable(db: str) -> None:
    code, out = run("demo", "--db", db)
    assert code == 0, out
    assert "Allocation against target" in out and "lost for good" in out


def test_lots_work_statelessly_on_files() -> None:
    code, out = run("lots", *FILES, "--as-of", "2026-06-30", "--json")
    assert code == 0, out
    lots = json.loads(out)["lots"]
    assert lots and {"lot", "basis", "term", "days_to_long_term", "unrealized"} <= set(lots[0])


def test_gains_json_has_the_form_8949_keys_and_csv_export(tmp_path: Path) -> None:
    csv_path = tmp_path / "8949.csv"
    code, out = run("gains", "--year", "2025", *FILES, "--json", "--csv", str(csv_path))
    assert code == 0, out
    data = json.loads(out)
    required = {"account", "symbol", "quantity", "acquired", "sold", "proceeds", "basis",
                "adjustment_code", "adjustment", "gain", "term"}
    assert all(required <= set(row) for row in data["disposals"])
    assert {row["adjustment_code"] for row in data["disposals"]} == {"W"}
    assert len(data["wash_sales"]) == 2
    assert csv_path.read_text().splitlines()[0].startswith("description,account,symbol")


def test_holdings_on_the_store_after_init_and_import(db: str) -> None:
    assert run("init", str(EXAMPLE / "household.toml"), "--db", db)[0] == 0
    assert run("import", "transactions", str(EXAMPLE / "transactions.csv"), "--db", db)[0] == 0
    assert run("import", "prices", str(EXAMPLE / "prices.csv"), "--db", db)[0] == 0
    code, out = run("holdings", "--db", db, "--as-of", "2026-11-20", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert {c["asset_class"] for c in data["classes"]} >= {"us", "intl", "bonds", "equity"}


def test_reimport_adds_nothing(db: str) -> None:
    run("init", str(EXAMPLE / "household.toml"), "--db", db)
    path = str(EXAMPLE / "transactions.csv")
    run("import", "transactions", path, "--db", db)
    _code, out = run("import", "transactions", path, "--db", db, "--json")
    assert json.loads(out)["added"] == 0 and json.loads(out)["skipped"] == 1003


def test_a_file_with_one_impossible_sell_imports_nothing(db: str, tmp_path: Path) -> None:
    run("init", str(EXAMPLE / "household.toml"), "--db", db)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "date,account,action,symbol,quantity,price,fees,amount,lot,id,memo\n"
        "2024-01-02,alex_taxable,buy,VTI,10,200,0,,,X1,\n"
        "2024-02-02,alex_taxable,sell,VTI,11,210,0,,,X2,\n"
    )
    code, out = run("import", "transactions", str(bad), "--db", db)
    assert code == 2
    assert "bad.csv:3" in out and "'quantity'" in out and "only 10 held" in out
    with Store.open(f"sqlite:///{db}") as store:
        assert store.transactions("rivera") == []


def test_future_as_of_is_refused() -> None:
    code, out = run("lots", *FILES, "--as-of", "2999-01-01")
    assert code == 2 and "in the future" in out


def test_store_without_household_says_what_to_do(db: str) -> None:
    code, out = run("lots", "--db", db)
    assert code == 2 and "lotwise init" in out


def test_transactions_without_household_file_is_refused() -> None:
    code, out = run("lots", "--transactions", str(EXAMPLE / "transactions.csv"))
    assert code == 2 and "--household" in out


def test_demo_ends_with_a_verified_plan_in_the_decision_log(db: str) -> None:
    code, out = run("demo", "--db", db, "--json")
    assert code == 0, out
    plan = json.loads(out)["plan"]
    assert plan["verification"]["ok"] and plan["trades"]
    code, out = run("plans", "--db", db, "--json")
    assert [row["id"] for row in json.loads(out)] == [plan["id"]]
    code, out = run("plans", "show", plan["id"], "--db", db, "--json")
    shown = json.loads(out)
    assert shown["inputs_hash"] == plan["inputs_hash"]
    assert len(shown["trades"]) == len(plan["trades"])
    assert all(r["rationale"] for r in shown["reasons"]["trades"])


def test_plan_on_files_with_a_contribution_writes_orders(tmp_path: Path) -> None:
    orders = tmp_path / "orders.csv"
    code, out = run("plan", *FILES, "--contribution", "alex_taxable=5000", "--json",
                    "--csv", str(orders))
    assert code == 0, out
    data = json.loads(out)
    assert data["verification"]["ok"] and data["id"] is None  # files: nothing recorded
    assert any(t["account"] == "alex_taxable" and t["action"] == "buy" for t in data["trades"])
    header = orders.read_text().splitlines()[0]
    assert header == ("account,action,symbol,quantity,currency,est_price,est_value,"
                      "base_currency,est_value_base,lot,acquired,est_gain,term")


def test_plan_frontier_and_bad_flows() -> None:
    code, out = run("plan", *FILES, "--to", "target", "--frontier", "--json")
    assert code == 0, out
    assert json.loads(out)["frontier"][-1]["tax_budget"] == "none"
    code, out = run("plan", *FILES, "--withdrawal", "alex_taxable=abc")
    assert code == 2 and "ACCOUNT=AMOUNT" in out
    code, out = run("plan", *FILES, "--contribution", "nobody=100")
    assert code == 2 and "unknown account" in out


def test_drift_says_whether_a_rebalance_is_due() -> None:
    code, out = run("drift", *FILES, "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["rebalance_due"] == bool(data["outside_band"])
    assert {c["asset_class"] for c in data["classes"]} >= {"us", "bonds"}


def test_harvest_calendar_and_gift_commands() -> None:
    code, out = run("harvest", *FILES, "--all", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert {p["status"] for p in data["proposals"]} <= {
        "proposed", "below_threshold", "blocked", "not_worth_it", "no_replacement"}
    assert data["gain_harvest"][0]["tax_unit"] == "alex+sam"
    code, out = run("calendar", *FILES, "--json")
    assert code == 0, out
    kinds = {entry["kind"] for entry in json.loads(out)}
    assert "year_end" in kinds and "loss_sales_open" in kinds
    code, out = run("gift", "--amount", "5000", *FILES, "--json")
    assert code == 0, out
    gift = json.loads(out)
    assert float(gift["value"]) >= 5000 and gift["give"] and gift["buy"]
    code, out = run("gift", "--amount", "99999999", *FILES)
    assert code == 2 and "give less" in out


def test_plan_with_harvest_verifies() -> None:
    code, out = run("plan", *FILES, "--harvest", "--json")
    assert code == 0, out
    assert json.loads(out)["verification"]["ok"]


def test_error_messages_keep_the_toml_table_names(tmp_path: Path) -> None:
    bad = tmp_path / "h.toml"
    bad.write_text((EXAMPLE / "household.toml").read_text().replace(
        'asset_class = "reit"', 'asset_class = "reits"'))
    code, out = run("lots", "--household", str(bad))
    assert code == 2 and "[targets]" in out


def test_uk_harvest_json_gives_the_isa_allowance_and_each_rebuy() -> None:
    uk = example_dir("uk")
    code, out = run("harvest", "--household", str(uk / "household.toml"),
                    "--transactions", str(uk / "transactions.csv"),
                    "--prices", str(uk / "prices.csv"), "--fx", str(uk / "fx.csv"),
                    "--as-of", "2026-11-20", "--json")
    assert code == 0, out
    olivia = next(e for e in json.loads(out)["exempt_amount_harvest"] if e["owner"] == "olivia")
    # £1,000 paid in on the first of each month; May to November fall in 2026-27.
    assert olivia["isa_allowance"] == {
        "tax_year": "2026-27", "limit": "20000.00", "subscribed": "7000.00",
        "left": "13000.00", "accounts": ["olivia_isa"],
        "authority": "ISA Regulations 1998 reg. 4ZA(1), as amended by SI 2017/186 reg. 5"}
    rebuys = [r for sale in olivia["sales"] for r in sale["rebuys"]]
    assert rebuys and all(r["how"] == "isa" and r["account"] == "olivia_isa" for r in rebuys)
