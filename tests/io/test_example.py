"""The bundled US example household reads without a problem and matches its generator."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

from lotwise.io import example_dir, load_household, read_prices, read_transactions
from lotwise.model.household import AccountType
from lotwise.model.transactions import Action

TODAY = date(2026, 11, 20)
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_us_example.py"
FILES = ("household.toml", "transactions.csv", "prices.csv")


def test_the_example_reads_without_problems() -> None:
    folder = example_dir("us")
    household = load_household(folder / "household.toml")
    journal = read_transactions(folder / "transactions.csv", household, today=TODAY)
    prices = read_prices(
        folder / "prices.csv", today=TODAY, known_symbols=set(household.securities)
    )

    assert household.owners["alex"].spouse == "sam"
    assert household.owners["sam"].spouse == "alex"
    assert Counter(a.type for a in household.accounts.values()) == {
        AccountType.TAXABLE: 2,
        AccountType.TRADITIONAL: 2,
        AccountType.ROTH: 1,
        AccountType.HSA: 1,
    }
    assert {s for s, sec in household.securities.items() if sec.group == "sp500"} == {
        "VOO",
        "IVV",
        "FXAIX",
    }
    assert len({t.id for t in journal}) == len(journal)
    # every action is shown, but UK excess reportable income (the UK example has it)
    assert {t.action for t in journal} == set(Action) - {Action.EXCESS_REPORTABLE_INCOME}
    assert {p.symbol for p in prices} == set(household.securities)
    assert max(p.date for p in prices) == TODAY


def test_the_example_has_the_two_designed_loss_sales() -> None:
    folder = example_dir("us")
    household = load_household(folder / "household.toml")
    journal = read_transactions(folder / "transactions.csv", household, today=TODAY)
    sells = {(t.date, t.symbol): t for t in journal if t.action is Action.SELL}
    voo = sells[(date(2025, 3, 10), "VOO")]
    assert voo.account == "alex_taxable" and len(voo.lots) == 1
    assert sells[(date(2025, 4, 28), "IVV")].account == "alex_taxable"
    buys_after = [
        (t.account, t.symbol)
        for t in journal
        if t.action.acquires
        and date(2025, 3, 10) < t.date <= date(2025, 4, 9)
        and household.group_of(t.symbol or "") == "sp500"
    ]
    assert buys_after == [("alex_taxable", "VOO")]


def test_the_generator_writes_the_bundled_files_byte_for_byte(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path)], check=True, capture_output=True
    )
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (example_dir() / name).read_bytes(), name
