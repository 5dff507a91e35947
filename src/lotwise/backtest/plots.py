"""PNG plots of a backtest, drawn with matplotlib (the optional ``backtest`` extra).

Five figures, one file each: ``wealth.png`` (portfolio value of each strategy, log scale),
``taxes.png`` (tax charged by year; negative is a saving), ``losses.png`` (losses realized
by year), ``drift.png`` (share of the portfolio away from target) and ``deferral.png`` (for
each harvesting strategy against the benchmark: value gained, the extra tax deferred in its
unrealized gains, and their difference, the gain after liquidation).

The series shared with the HTML report are computed in :mod:`lotwise.backtest.series`.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lotwise.backtest.series import COLORS, deferral_series, year_table

if TYPE_CHECKING:
    from lotwise.backtest.runner import Backtest


def available() -> bool:
    try:
        importlib.import_module("matplotlib")
    except ImportError:
        return False
    return True


def write_pngs(bt: Backtest, out: Path) -> list[Path]:
    """Write the PNGs into ``out``; none (and no error) without matplotlib."""
    if not available():
        return []
    importlib.import_module("matplotlib").use("Agg")
    plt: Any = importlib.import_module("matplotlib.pyplot")

    written: list[Path] = []
    title = bt.config.name

    def save(fig: Any, name: str) -> None:
        path = out / name
        fig.savefig(path, dpi=120, bbox_inches="tight")
        plt.close(fig)
        written.append(path)

    fig, ax = plt.subplots(figsize=(10, 5))
    for n, r in enumerate(bt.runs):
        pts = r.result.points
        ax.plot([p.day for p in pts], [p.value for p in pts], label=r.label,
                color=COLORS[n % len(COLORS)], linewidth=1.4)
    ax.set_yscale("log")
    ax.set_title(f"{title}: portfolio value (taxes paid as they fell due)")
    ax.set_ylabel("value ($, log scale)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    save(fig, "wealth.png")

    years, taxes, losses = year_table(bt)
    for name, table, label in (("taxes.png", taxes, "tax charged ($; negative = saved)"),
                               ("losses.png", losses, "losses realized ($)")):
        fig, ax = plt.subplots(figsize=(10, 4.5))
        width = 0.8 / max(1, len(bt.runs))
        for n, r in enumerate(bt.runs):
            xs = [i + (n - (len(bt.runs) - 1) / 2) * width for i in range(len(years))]
            ax.bar(xs, [table[r.spec.name].get(y, 0.0) for y in years], width=width,
                   label=r.label, color=COLORS[n % len(COLORS)])
        ax.set_xticks(range(len(years)), [str(y) for y in years], rotation=90, fontsize=7)
        ax.axhline(0, color="black", linewidth=0.6)
        ax.set_title(f"{title}: {label} by year")
        ax.grid(True, axis="y", alpha=0.3)
        ax.legend(fontsize=8)
        save(fig, name)

    fig, ax = plt.subplots(figsize=(10, 4))
    for n, r in enumerate(bt.runs):
        pts = r.result.points
        ax.plot([p.day for p in pts], [100 * p.drift for p in pts], label=r.label,
                color=COLORS[n % len(COLORS)], linewidth=1.0)
    ax.set_title(f"{title}: drift from target (% of the portfolio misplaced)")
    ax.set_ylabel("%")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    save(fig, "drift.png")

    deferral = deferral_series(bt)
    if deferral:
        fig, ax = plt.subplots(figsize=(10, 5))
        for n, (label, days, gained, deferred, net) in enumerate(deferral):
            color = COLORS[(n + 1) % len(COLORS)]
            ax.plot(days, gained, color=color, linewidth=1.4, label=f"{label}: value gained")
            ax.plot(days, deferred, color=color, linewidth=1.0, linestyle="--",
                    label=f"{label}: extra tax deferred")
            ax.plot(days, net, color=color, linewidth=2.2, alpha=0.5,
                    label=f"{label}: gained after liquidation")
        ax.axhline(0, color="black", linewidth=0.6)
        ax.set_title(f"{title}: tax saved or only deferred? (vs {bt.config.benchmark})")
        ax.set_ylabel("$ (cumulative)")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
        save(fig, "deferral.png")
    return written
