"""The backtest report, opened in a real headless browser (Debian's Chromium).

The page is loaded from disk with JavaScript on; the test fails on any script error, then
uses the page as a person would: the charts are drawn, a hover shows the values of the day,
and clicking a strategy's name hides its line.  ``.ci/run`` installs Chromium; without it
these tests fail rather than pass unseen.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from lotwise.backtest.config import load_config
from lotwise.backtest.runner import run_backtest, write_outputs

from .test_runner import TINY

playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright (dev)")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    config = folder / "tiny.toml"
    config.write_text(TINY.replace('"harvest_2pct"]', '"harvest_2pct", "lotwise_full"]'),
                      encoding="utf-8")
    write_outputs(run_backtest(load_config(config)), folder / "out", png=False)
    return folder / "out" / "index.html"


@pytest.fixture(scope="module")
def page(report: Path) -> Iterator[object]:
    assert Path(CHROMIUM).exists(), "install Debian's chromium (apt-get install chromium)"
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(report.as_uri())
        page.wait_for_load_state("load")
        page.errors = errors  # type: ignore[attr-defined]
        yield page
        browser.close()


def test_the_report_loads_without_script_errors(page) -> None:  # type: ignore[no-untyped-def]
    assert page.errors == []
    assert page.title().startswith("Tiny two-fund")
    assert page.locator("svg.chart").count() >= 5
    names = page.locator(".legend span[data-i]").first.locator("xpath=..").inner_text()
    assert "lotwise full" in names and "Buy and hold" in names


def test_hovering_a_chart_shows_the_values_of_that_day(page) -> None:  # type: ignore[no-untyped-def]
    chart = page.locator("svg.chart").first
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.5)
    tip = page.locator(".tip")
    assert tip.is_visible()
    assert "2023" in tip.inner_text() and "$" in tip.inner_text()


def test_clicking_a_name_hides_its_line(page) -> None:  # type: ignore[no-untyped-def]
    name = page.locator(".legend span[data-i='0']").first
    line = page.locator("svg.chart g.s0").first
    assert line.evaluate("e => getComputedStyle(e).display") != "none"
    name.click()
    assert "off" in (name.get_attribute("class") or "")
    assert line.evaluate("e => getComputedStyle(e).display") == "none"
    name.click()
    assert line.evaluate("e => getComputedStyle(e).display") != "none"
