"""Config files, the runner, the outputs and the `lotwise backtest` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lotwise.backtest.config import load_config, parse_config
from lotwise.backtest.runner import prepare, run_backtest, write_outputs
from lotwise.errors import InputError

from .conftest import FIXTURES

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "backtests"

TINY = f"""
name = "Tiny two-fund"
start = 2023-01-03
end = 2023-12-29
data = "{FIXTURES}"
strategies = ["buy_and_hold", "annual_fifo", "band_hifo", "baseline_harvest", "harvest_2pct"]
benchmark = "buy_and_hold"

[accounts]
taxable = 50000

[[flows]]
account = "taxable"
amount = 500
every = "month"

[tax]
mode = "us"
filing_status = "single"
ordinary_income = 120000

[universe]
kind = "funds"
[[universe.classes]]
name = "stocks"
weight = 0.6
securities = ["VTSMX"]
[[universe.classes]]
name = "bonds"
weight = 0.4
securities = ["VBMFX"]
[universe.securities.VTSMX]
file = "VTSMX_2023.csv"
group = "total_market"
[universe.securities.VBMFX]
file = "VBMFX_2023.csv"
group = "total_bond"
qualified = false

[strategy.harvest_2pct]
kind = "baseline_harvest"
threshold = 0.02
min_loss = 0
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY, encoding="utf-8")
    return path


def test_every_example_config_parses() -> None:
    examples = sorted(EXAMPLES.glob("*.toml"))
    assert {p.stem for p in examples} >= {"three_fund", "direct_indexing", "montecarlo_aby"}
    for path in examples:
        cfg = load_config(path)
        assert cfg.strategies and cfg.benchmark in {s.name for s in cfg.strategies}


def test_a_bad_config_lists_every_problem_with_a_fix(tmp_path: Path) -> None:
    raw = {"start": "2000-13-01", "step": "hourly", "strategies": ["nope"],
           "universe": {"kind": "funds", "classes": [{"name": "a", "weight": 0.5,
                                                      "securities": ["X"]}]}}
    with pytest.raises(InputError) as err:
        parse_config(raw, tmp_path / "bad.toml")
    fields = {p.field for p in err.value.problems}
    assert {"start", "step", "strategy.nope", "universe.classes"} <= fields
    assert all(p.fix for p in err.value.problems)


def test_tiny_backtest_end_to_end(tiny: Path, tmp_path: Path) -> None:
    bt = run_backtest(load_config(tiny))
    assert [r.spec.name for r in bt.runs] == [
        "buy_and_hold", "annual_fifo", "band_hifo", "baseline_harvest", "harvest_2pct"]
    bench = bt.run_named("buy_and_hold").metrics
    assert bench.tax_alpha == 0.0
    for r in bt.runs:
        assert r.metrics.wash_sales == 0 and r.metrics.ledger_consistent
        assert r.result.start.isoformat() == "2023-01-03"
    # 2023 total market ~ +26 %, bonds ~ +5.5 %: a 60/40 mix earned between the two
    assert 0.10 < bench.pre_tax < 0.25
    out = tmp_path / "out"
    files = {p.name for p in write_outputs(bt, out, png=False)}
    assert {"metrics.json", "years.csv", "index.html"} <= files
    data = json.loads((out / "metrics.json").read_text())
    assert data["strategies"][0]["metrics"]["wash_sales"] == 0
    page = (out / "index.html").read_text()
    assert page.count("<svg") >= 5 and "Tiny two-fund" in page and "harvest_2pct" in page


def test_pngs_when_matplotlib_is_installed(tiny: Path, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    bt = run_backtest(load_config(tiny), only=["baseline_harvest"])
    files = {p.name for p in write_outputs(bt, tmp_path, html=False)}
    assert {"wealth.png", "taxes.png", "losses.png", "drift.png", "deferral.png"} <= files


def test_montecarlo_config_prepares_a_seeded_universe(tmp_path: Path) -> None:
    raw = {"step": "monthly", "strategies": ["buy_and_hold"],
           "tax": {"mode": "flat"},
           "universe": {"kind": "montecarlo", "n_assets": 5, "years": 2, "seed": 3}}
    setup, notes = prepare(parse_config(raw, tmp_path / "mc.toml"))
    assert len(setup.market.calendar) == 25 and len(setup.universe.classes) == 5
    assert "seed 3" in notes[0]


def test_missing_data_folder_says_how_to_fix(tiny: Path) -> None:
    with pytest.raises(InputError, match="--data"):
        run_backtest(load_config(tiny), "/nonexistent/shared/data")


def test_cli_prints_the_table_and_writes_the_report(tiny: Path, tmp_path: Path) -> None:
    from lotwise.cli import backtest_command, commands  # noqa: F401  (register commands)
    from lotwise.cli.app import app

    out = tmp_path / "cli-out"
    result = CliRunner().invoke(app, ["backtest", str(tiny), "--out", str(out), "--no-png",
                                      "-s", "baseline_harvest"])
    assert result.exit_code == 0, result.output
    assert "wash sales" in result.output and (out / "index.html").is_file()
    result = CliRunner().invoke(app, ["backtest", str(tiny), "--out", str(out), "--no-png",
                                      "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["benchmark"] == "buy_and_hold"
    bad = CliRunner().invoke(app, ["backtest", str(tmp_path / "missing.toml")])
    assert bad.exit_code == 2
