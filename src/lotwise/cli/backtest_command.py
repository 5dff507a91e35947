"""`lotwise backtest CONFIG`: run a backtest config, print the metrics, write plots and a report.

A thin wrapper over :mod:`lotwise.backtest.runner`; the config format is in docs/backtests.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from lotwise.backtest.config import load_config
from lotwise.backtest.runner import Backtest, run_backtest, summary, write_outputs
from lotwise.cli.app import app
from lotwise.cli.output import console, friendly_errors, print_json


def _pct(x: float | None) -> str:
    if x is None or x != x:
        return "–"
    return f"{100 * x:.2f} %"


def metrics_table(bt: Backtest) -> Table:
    first = bt.runs[0].result
    out = Table(
        title=f"{bt.config.name}: {first.start} to {first.end} "
        f"({first.years_elapsed:.1f} years), benchmark {bt.config.benchmark}",
        title_justify="left", header_style="bold",
    )
    out.add_column("strategy")
    for name in ("pre-tax", "after tax", "after tax, liquidated", "tax alpha",
                 "tax alpha, liq.", "harvest yield", "losses", "taxes", "tracking error",
                 "mean drift", "turnover", "trades", "wash sales", "seconds"):
        out.add_column(name, justify="right")
    for r in bt.runs:
        m = r.metrics
        out.add_row(
            r.label, _pct(m.pre_tax), _pct(m.after_tax), _pct(m.after_tax_liquidated),
            _pct(m.tax_alpha), _pct(m.tax_alpha_liquidated), _pct(m.harvesting_yield),
            f"{m.losses:,.0f}", f"{m.taxes:,.0f}", _pct(m.tracking_error), _pct(m.mean_drift),
            _pct(m.turnover), str(m.trades),
            Text(str(m.wash_sales), style="green" if m.wash_sales == 0 else "red"),
            f"{r.seconds:.1f}",
        )
    return out


@app.command("backtest")
@friendly_errors
def backtest_command(
    config: Annotated[Path, typer.Argument(help="Backtest config (TOML), see docs/backtests.md.")],
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Shared data folder (default: config `data`, "
                     "$LOTWISE_BACKTEST_DATA, or ../shared/data)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Output folder (default: config `output`).")
    ] = None,
    strategy: Annotated[
        list[str] | None,
        typer.Option("--strategy", "-s", help="Run only this strategy (and the benchmark)."),
    ] = None,
    png: Annotated[bool, typer.Option("--png/--no-png", help="Write PNG plots.")] = True,
    html: Annotated[bool, typer.Option("--html/--no-html", help="Write the HTML report.")] = True,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Simulate each strategy of CONFIG day by day through the ledger and tax code; print
    after-tax returns, tax alpha, harvesting yield, drift, turnover and wash sales; write
    metrics.json, years.csv, PNG plots and index.html."""
    cfg = load_config(config)
    with Progress(
        TextColumn("{task.description:<24}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(), console=console, transient=json_out, disable=json_out,
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def report(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = progress.add_task(name, total=total)
            progress.update(tasks[name], completed=done)

        bt = run_backtest(cfg, data, only=strategy, progress=report)
    folder = out if out is not None else cfg.output
    written = write_outputs(bt, folder, png=png, html=html)
    if json_out:
        print_json({**summary(bt), "files": [str(p) for p in written]})
        return
    console.print(metrics_table(bt))
    for note in bt.notes:
        console.print(Text.assemble(("note:", "dim"), f" {note}"))
    if png and not any(p.suffix == ".png" for p in written):
        console.print("PNG plots need matplotlib: pip install 'lotwise[backtest]'", style="yellow")
    console.print(f"Wrote {len(written)} files to {folder}/ (open {folder}/index.html)")
