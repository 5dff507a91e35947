"""What the CLI prints: user data comes out literally, never as Rich markup or emoji; and
`--json` prints JSON and nothing else on standard output, for every command.

HiGHS prints its banner from C++ to file descriptor 1 the first time a process makes a
solver, so the commands that solve (`plan`, `demo`, `backtest`) run in fresh processes, as
a user or a script runs them, and their whole stdout must parse.  The other commands run in
this process, with the file descriptors captured too (``capfd``): their output must parse and
nothing may reach the real stdout beside it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import typer.main
from rich.console import Console
from typer.testing import CliRunner

from lotwise.cli import app
from lotwise.cli import commands as _commands  # noqa: F401  (registers the commands)
from lotwise.cli.output import console, table
from lotwise.io import example_dir

ROWS = [
    {"lot": "ACB:rose:XIC@rose_cash", "symbol": "XIC", "value": "1.00"},
    {"lot": "ACB:a:XIC@a_cash", "symbol": "[bold]X[/bold]", "value": "2.00"},
]


def printed(target: Console, *objects: object) -> str:
    with target.capture() as captured:
        target.print(*objects)
    return captured.get()


def test_cells_and_titles_are_literal_whatever_console_prints_them() -> None:
    shown = table(ROWS, ("lot", "symbol", "value"), "Lots of [red]rose[/red] :rose:")
    for target in (console, Console(width=200)):  # the second one has markup and emoji on
        out = printed(target, shown)
        assert "ACB:rose:XIC@rose_cash" in out and "ACB:a:XIC@a_cash" in out
        assert "[bold]X[/bold]" in out and "Lots of [red]rose[/red] :rose:" in out
        assert "\N{ROSE}" not in out and "\N{NEGATIVE SQUARED LATIN CAPITAL LETTER A}" not in out


def test_plain_prints_of_the_cli_console_are_literal() -> None:
    out = printed(console, "sold [bold]X[/bold] from ACB:rose:XIC@rose_cash")
    assert out.strip() == "sold [bold]X[/bold] from ACB:rose:XIC@rose_cash"


def test_headers_rename_columns_on_screen() -> None:
    out = printed(console, table(ROWS, ("lot", "value"), headers={"value": "value CAD"}))
    assert "value CAD" in out and "lot" in out


AS_OF = "2026-11-20"
BACKTEST = """
name = "tiny"
step = "monthly"
benchmark = "buy_and_hold"
strategies = ["buy_and_hold", "lotwise_full"]

[accounts]
taxable = 100000

[tax]
mode = "us"
filing_status = "married_joint"
ordinary_income = 250000

[universe]
kind = "montecarlo"
n_assets = 4
years = 1
seed = 3
"""


def files(name: str, as_of: bool = True) -> list[str]:
    folder = example_dir(name)
    out = ["--household", str(folder / "household.toml"),
           "--transactions", str(folder / "transactions.csv"),
           "--prices", str(folder / "prices.csv")]
    if (folder / "fx.csv").is_file():
        out += ["--fx", str(folder / "fx.csv")]
    return out + (["--as-of", AS_OF] if as_of else [])


US, CA, UK = files("us"), files("ca"), files("uk")

# Commands that solve, each in a fresh process: case -> (command path, arguments).
SOLVING: dict[str, tuple[tuple[str, ...], list[str]]] = {
    "plan us": (("plan",), ["plan", *US, "--no-save"]),
    "plan ca": (("plan",), ["plan", *CA, "--no-save"]),
    "plan uk": (("plan",), ["plan", *UK, "--no-save"]),
    "demo": (("demo",), ["demo", "--db", "{tmp}/demo.sqlite", "--as-of", AS_OF]),
    "backtest": (("backtest",), ["backtest", "{tmp}/backtest.toml", "--out", "{tmp}/bt",
                                 "--no-png"]),
}
# The others, in this process, one after another (the store's in this order).
IN_PROCESS: dict[str, tuple[tuple[str, ...], list[str]]] = {
    "lots": (("lots",), ["lots", *US]),
    "gains": (("gains",), ["gains", "--year", "2026", *files("uk", as_of=False)]),
    "holdings": (("holdings",), ["holdings", *CA]),
    "tax": (("tax",), ["tax", "--year", "2026", *US]),
    "drift": (("drift",), ["drift", *CA]),
    "plan frontier": (("plan",), ["plan", *US, "--no-save", "--to", "target", "--frontier"]),
    "plan harvest": (("plan",), ["plan", *UK, "--no-save", "--harvest"]),
    "harvest": (("harvest",), ["harvest", *UK, "--all"]),
    "calendar": (("calendar",), ["calendar", *US]),
    "gift": (("gift",), ["gift", "--amount", "5000", *US]),
    "init": (("init",), ["init", str(example_dir("us") / "household.toml"), "--db", "{db}"]),
    "import transactions": (("import", "transactions"), [
        "import", "transactions", str(example_dir("us") / "transactions.csv"), "--db", "{db}"]),
    "import prices": (("import", "prices"), [
        "import", "prices", str(example_dir("us") / "prices.csv"), "--db", "{db}"]),
    "import fx": (("import", "fx"), [
        "import", "fx", str(example_dir("ca") / "fx.csv"), "--db", "{db}"]),
    "plan on the store": (("plan",), ["plan", "--db", "{db}", "--as-of", AS_OF]),
    "plans": (("plans",), ["plans", "--db", "{db}"]),
    "plans show": (("plans", "show"), ["plans", "show", "{plan_id}", "--db", "{db}"]),
}


def json_commands() -> set[tuple[str, ...]]:
    """Every command (and subcommand) that takes ``--json``."""
    found: set[tuple[str, ...]] = set()

    def walk(command: Any, path: tuple[str, ...]) -> None:
        if any("--json" in getattr(p, "opts", ()) for p in command.params):
            found.add(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return found


def lotwise(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from lotwise.cli import main; main()", *args, "--json"],
        capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "LOTWISE_DB": "/nonexistent/lotwise.sqlite"},
    )


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess[str]]:
    """The solving commands' finished processes, run two (or more) at a time."""
    tmp = tmp_path_factory.mktemp("json")
    (tmp / "backtest.toml").write_text(BACKTEST, encoding="utf-8")
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = {case: pool.submit(lotwise, [a.format(tmp=tmp) for a in args])
                   for case, (_, args) in SOLVING.items()}
        return {case: future.result() for case, future in futures.items()}


def assert_json_alone(stdout: str, stderr: str) -> Any:
    assert stdout.startswith(("{", "[")), stdout[:300]
    assert "HiGHS" not in stdout + stderr
    return json.loads(stdout)  # the whole of stdout is one JSON document


@pytest.mark.parametrize("case", sorted(SOLVING))
def test_stdout_of_a_solving_command_in_a_fresh_process_is_json_alone(
    fresh: dict[str, subprocess.CompletedProcess[str]], case: str
) -> None:
    result = fresh[case]
    assert result.returncode == 0, result.stderr
    assert_json_alone(result.stdout, result.stderr)


def test_stdout_of_every_other_command_is_json_alone(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    runner = CliRunner()
    values = {"db": str(tmp_path / "store.sqlite"), "plan_id": ""}
    for case, (_, args) in IN_PROCESS.items():
        capfd.readouterr()
        result = runner.invoke(app, [a.format(**values) for a in args] + ["--json"])
        assert result.exit_code == 0, (case, result.output)
        data = assert_json_alone(result.stdout, result.stderr)
        leaked = capfd.readouterr()
        assert leaked.out == "", (case, leaked.out[:300])
        if case == "plan on the store":
            values["plan_id"] = data["id"]


def test_every_command_that_takes_json_is_run() -> None:
    run = {path for path, _ in [*SOLVING.values(), *IN_PROCESS.values()]}
    missing = json_commands() - run
    assert missing == set(), f"add these commands to the cases: {sorted(missing)}"
