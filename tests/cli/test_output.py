"""Printing: user data comes out literally, never as Rich markup or emoji."""

from __future__ import annotations

from rich.console import Console

from lotwise.cli.output import console, table

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
