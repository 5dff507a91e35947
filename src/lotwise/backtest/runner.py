"""From a config to results on disk: load the universe, run each strategy, measure, write.

:func:`prepare` turns a :class:`~lotwise.backtest.config.BacktestConfig` into an engine
:class:`~lotwise.backtest.engine.Setup` (reading the data folder, clipping the period to the
days every security has prices, and saying so in the notes); :func:`run_backtest` runs the
strategies and computes :class:`~lotwise.backtest.metrics.Metrics` against the benchmark;
:func:`write_outputs` writes ``metrics.json``, ``years.csv``, PNG plots (when matplotlib,
the ``backtest`` extra, is installed) and ``index.html``.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from lotwise.backtest.config import BacktestConfig, StrategySpec
from lotwise.backtest.data import Market, read_sp500, read_yahoo_csv, resolve_data_dir
from lotwise.backtest.engine import RunResult, Setup, run
from lotwise.backtest.metrics import Metrics, metrics, yield_by_year
from lotwise.backtest.montecarlo import generate_market
from lotwise.backtest.strategies import LABELS, make_strategy
from lotwise.backtest.universe import AssetClass, SecuritySpec, Universe, build_household
from lotwise.errors import InputError, Source

SURVIVORSHIP = (
    "Survivorship bias: the stock set holds only the S&P 500 members of April 2021, so the "
    "companies that failed, were taken over or left the index since 2000 are missing; returns "
    "are overstated and there are fewer deep losses to harvest than an index investor met."
)


@dataclass(frozen=True, slots=True)
class StrategyRun:
    spec: StrategySpec
    label: str
    result: RunResult
    metrics: Metrics
    seconds: float


@dataclass(frozen=True, slots=True)
class Backtest:
    config: BacktestConfig
    setup: Setup
    runs: tuple[StrategyRun, ...]
    notes: tuple[str, ...]

    def run_named(self, name: str) -> StrategyRun:
        for r in self.runs:
            if r.spec.name == name:
                return r
        raise KeyError(name)


def label_of(spec: StrategySpec) -> str:
    base = LABELS.get(spec.kind, spec.kind)
    if spec.name == spec.kind:
        return base
    return f"{spec.name} ({base})"


def prepare(config: BacktestConfig, data_dir: str | Path | None = None) -> tuple[Setup, list[str]]:
    """The engine setup of ``config``, and notes about the data (clipping, biases)."""
    u = config.universe
    notes: list[str] = []
    folder = resolve_data_dir(data_dir if data_dir is not None else config.data)
    source = Source(str(config.path))
    if u.kind == "montecarlo":
        opts = dict(u.options)
        start_date = opts.pop("start_date", date(2000, 1, 31))
        known = {"n_assets", "years", "expected_return", "market_vol", "residual_vol",
                 "dividend_yield", "seed"}
        unknown = set(opts) - known
        if unknown:
            raise InputError.one(source, "universe", f"unknown key(s) {sorted(unknown)}",
                                 f"use: {', '.join(sorted(known))}, start_date")
        market = generate_market(start=start_date, **opts)
        symbols = market.symbols
        n = len(symbols)
        universe = Universe(
            f"Monte Carlo, {n} assets (seed {opts.get('seed', 1)})",
            tuple(AssetClass(s, 1.0 / n, (s,)) for s in symbols),
            {s: SecuritySpec(s, s, kind="stock") for s in symbols},
            target=u.target,
        )
        start, end = market.calendar[0], market.calendar[-1]
        notes.append(
            f"Monte Carlo universe: {n} assets, {opts.get('years', 25)} years of monthly "
            f"returns, seed {opts.get('seed', 1)}; assets are statistically identical, so "
            "the target is the buy-and-hold index of the starting equal weights."
        )
    elif u.kind == "sp500":
        if not folder.is_dir():
            raise _no_data(folder, source)
        file = folder / str(u.options.get("file", "stocks/sp500_daily.csv.gz"))
        wanted = u.options.get("symbols", "all")
        symbols_opt = None if wanted == "all" else [str(s) for s in wanted]
        assert config.start is not None
        series = read_sp500(file, symbols_opt, config.start - timedelta(days=10), config.end)
        first_day = min((d for s in series.values() for d in s.dates if d >= config.start),
                        default=config.start)
        kept = {sym: s for sym, s in series.items() if s.first <= first_day}
        dropped = len(series) - len(kept)
        if not kept:
            raise InputError.one(source, "universe", "no stock has a price on the start day",
                                 "choose a later start")
        market = Market(kept)
        n = len(kept)
        qualified = bool(u.options.get("qualified", True))
        universe = Universe(
            f"Direct indexing, {n} S&P 500 stocks",
            tuple(AssetClass(s, 1.0 / n, (s,)) for s in kept),
            {s: SecuritySpec(s, s, qualified, "stock") for s in kept},
            target=u.target,
        )
        start = first_day
        end = min(s.last for s in kept.values())
        if config.end is not None and config.end < end:
            end = config.end
        notes.append(SURVIVORSHIP)
        notes.append(f"{n} stocks had a price on {first_day}; {dropped} listed later were left "
                     "out. Equal starting weights; the target drifts with each stock's total "
                     "return, as a capitalisation-weighted index does.")
    else:
        if not folder.is_dir():
            raise _no_data(folder, source)
        loaded = {}
        for sym, spec in u.securities.items():
            loaded[sym] = read_yahoo_csv(folder / str(spec["file"]), sym)
        assert config.start is not None
        start = config.start
        for name, _, syms in u.classes:
            first = min(loaded[s].first for s in syms)
            if first > start:
                notes.append(f"{name}: no price before {first}; the backtest starts then")
                start = first
        last = min(s.last for s in loaded.values())
        end = config.end or last
        if last < end:
            which = sorted(s for s, v in loaded.items() if v.last == last)
            notes.append(f"The period ends on {last}, the last price of {', '.join(which)} "
                         f"(asked: {end}).")
            end = last
        market = Market({s: v.between(start - timedelta(days=10), end)
                         for s, v in loaded.items()})
        universe = Universe(
            config.name,
            tuple(AssetClass(n, w, syms) for n, w, syms in u.classes),
            {s: SecuritySpec(s, str(spec.get("group", s)), bool(spec.get("qualified", True)),
                             str(spec.get("kind", "mutual_fund")), str(spec.get("name", "")))
             for s, spec in u.securities.items()},
            target=u.target,
        )
        groups: dict[str, list[str]] = {}
        for sym, sec in universe.securities.items():
            groups.setdefault(sec.group, []).append(sym)
        for group, members in sorted(groups.items()):
            if len(members) > 1:
                notes.append(f"Substantially identical (one wash-sale group '{group}'): "
                             f"{', '.join(sorted(members))}.")
    household = build_household(
        universe, filing_status=config.tax.filing_status, ira=config.ira,
        fractional=config.fractional,
    )
    setup = Setup(
        market=market, universe=universe, household=household, start=start, end=end,
        initial=config.initial, step=config.step, record=config.record, flows=config.flows,
        costs=config.costs, dividends=config.dividends, tax=config.tax,
    )
    return setup, notes


def _no_data(folder: Path, source: Source) -> InputError:
    return InputError.one(
        source, "data", f"the data folder {folder} does not exist",
        "run from the repository root (the default is ../shared/data), or give --data DIR, "
        "`data = ...` in the config, or $LOTWISE_BACKTEST_DATA",
    )


def run_backtest(
    config: BacktestConfig,
    data_dir: str | Path | None = None,
    *,
    only: Sequence[str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Backtest:
    """Run the config's strategies (or ``only`` those, plus the benchmark)."""
    setup, notes = prepare(config, data_dir)
    specs = [s for s in config.strategies
             if only is None or s.name in only or s.name == config.benchmark]
    results: dict[str, tuple[RunResult, float]] = {}
    for spec in specs:
        strategy = make_strategy(spec.kind, {**spec.params, "name": spec.name})
        callback = None
        if progress is not None:
            def callback(done: int, total: int, _name: str = spec.name) -> None:
                progress(_name, done, total)
        started = time.perf_counter()
        result = run(setup, strategy, callback)
        results[spec.name] = (result, time.perf_counter() - started)
    bench = results.get(config.benchmark, (None, 0.0))[0]
    runs = tuple(
        StrategyRun(spec, label_of(spec), results[spec.name][0],
                    metrics(results[spec.name][0], label_of(spec), bench),
                    results[spec.name][1])
        for spec in specs
    )
    return Backtest(config, setup, runs, tuple(notes))


def summary(bt: Backtest) -> dict[str, object]:
    """Everything of a backtest as plain data (what ``metrics.json`` holds)."""
    first = bt.runs[0].result if bt.runs else None
    return {
        "name": bt.config.name,
        "config": str(bt.config.path),
        "start": str(first.start) if first else None,
        "end": str(first.end) if first else None,
        "benchmark": bt.config.benchmark,
        "notes": list(bt.notes),
        "strategies": [
            {
                "name": r.spec.name,
                "kind": r.spec.kind,
                "label": r.label,
                "seconds": round(r.seconds, 3),
                "metrics": r.metrics.as_dict(),
                "transactions": r.result.transactions,
                "forced_sales": r.result.forced_sales,
                "rejected": r.result.rejected,
                "wash_sales_incremental": r.result.wash_sales_incremental,
                "years": [
                    {
                        "year": y.year,
                        "start_value": round(y.start_value, 2),
                        "tax": float(y.tax.tax) if y.tax else None,
                        "losses": round(y.losses, 2),
                        "gains": round(y.gains, 2),
                        "dividends": round(y.dividends, 2),
                        "trades": y.trades,
                        "harvest_trades": y.harvest_trades,
                        "harvest_yield": yield_by_year(r.result).get(y.year, 0.0),
                    }
                    for y in r.result.years
                ],
            }
            for r in bt.runs
        ],
    }


def write_outputs(bt: Backtest, out_dir: str | Path, *, png: bool = True,
                  html: bool = True) -> list[Path]:
    """Write the results under ``out_dir``; returns the files written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    data = summary(bt)
    path = out / "metrics.json"
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    written.append(path)
    path = out / "years.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["strategy", "year", "start_value", "tax", "losses", "gains",
                         "dividends", "trades", "harvest_trades"])
        for r in bt.runs:
            for y in r.result.years:
                writer.writerow([r.spec.name, y.year, f"{y.start_value:.2f}",
                                 "" if y.tax is None else str(y.tax.tax), f"{y.losses:.2f}",
                                 f"{y.gains:.2f}", f"{y.dividends:.2f}", y.trades,
                                 y.harvest_trades])
    written.append(path)
    if png:
        from lotwise.backtest import plots

        written.extend(plots.write_pngs(bt, out))
    if html:
        from lotwise.backtest import report

        path = out / "index.html"
        path.write_text(report.render_html(bt), encoding="utf-8")
        written.append(path)
    return written
