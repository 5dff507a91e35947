"""The backtest config file (TOML) and its reading; the format is documented in
docs/backtests.md with one example per universe in ``examples/backtests/``.

Shape (every key but ``[universe]`` has a default)::

    name = "Three-fund portfolio"
    start = 2000-01-03                 # first trading day on or after
    end = 2024-05-01                   # clipped to the last day every security has a price
    step = "daily"                     # daily | weekly | monthly: strategy decision days
    record = "weekly"                  # points kept for plots (default weekly for daily)
    dividends = "cash"                 # cash (to underweight classes) | reinvest
    benchmark = "buy_and_hold"         # the strategy tax alpha is measured against
    strategies = ["buy_and_hold", "annual_fifo", "band_hifo", "baseline_harvest"]
    output = "backtest-out/three-fund" # relative to the current directory
    data = "../shared/data"            # optional; --data and $LOTWISE_BACKTEST_DATA win

    [accounts]                         # starting cash; "ira" creates a traditional IRA
    taxable = 100000
    ira = 0

    [[flows]]                          # contributions (+) and withdrawals (-)
    account = "taxable"
    amount = 1000
    every = "month"                    # month | quarter | year
    # start = 2005-01-01, end = ...

    [costs]
    bps = 1.0                          # of each trade's value
    per_trade = 0.0                    # dollars per trade

    [tax]
    mode = "us"                        # us | flat
    pay_from = "portfolio"             # portfolio | outside
    pay_month = 4
    filing_status = "married_joint"    # us
    ordinary_income = 200000           # us: other income, in the dollars of every year
    state_rate = 0.0                   # us
    law_year = 2024                    # us: optional, default nearest year lotwise has
    short_rate = 0.35                  # flat
    long_rate = 0.35                   # flat
    dividend_rate = 0.35               # flat
    losses = "refund"                  # flat: refund | carryforward
    ira_withdrawal_rate = 0.24         # liquidation tax of the IRA

    [universe]
    kind = "funds"                     # funds | sp500 | montecarlo
    target = "fixed"                   # fixed | index (weights drift with total return)
    [[universe.classes]]
    name = "us_stocks"
    weight = 0.5
    securities = ["VTSMX", "SPY"]      # first the primary, then substitutes
    [universe.securities.VTSMX]
    file = "funds/VTSMX.csv"           # relative to the data folder
    group = "us_total_market"          # identical group (wash sales)
    qualified = true                   # dividends qualified (false: bond income)

    [strategy.baseline_harvest]        # parameters of a strategy in `strategies`
    threshold = 0.05
    [strategy.harvest_10pct]           # a variant: its own name, a `kind` and parameters
    kind = "baseline_harvest"
    threshold = 0.10

``kind = "sp500"`` takes ``file`` (default ``stocks/sp500_daily.csv.gz``), ``symbols``
(``"all"`` or a list; only stocks with a price on the start day are kept, equal weights)
and ``qualified``.  ``kind = "montecarlo"`` takes ``n_assets``, ``years``,
``expected_return``, ``market_vol``, ``residual_vol``, ``dividend_yield``, ``seed`` and
``start_date``; its dates come from the generator.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from lotwise.backtest.engine import PERIODS, STEPS, Costs, Flow
from lotwise.backtest.strategies import strategy_kinds
from lotwise.backtest.taxes import TaxSpec
from lotwise.backtest.universe import IRA, TAXABLE
from lotwise.errors import InputError, Problem, Source
from lotwise.model.household import FilingStatus
from lotwise.model.numbers import dec

TOP_KEYS = {
    "name", "start", "end", "step", "record", "dividends", "benchmark", "strategies",
    "output", "data", "accounts", "flows", "costs", "tax", "universe", "strategy", "fractional",
}
TAX_KEYS = {f for f in TaxSpec.__dataclass_fields__}
UNIVERSE_KINDS = ("funds", "sp500", "montecarlo")


@dataclass(frozen=True, slots=True)
class StrategySpec:
    name: str
    kind: str
    params: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class UniverseSpec:
    kind: str
    target: str
    classes: tuple[tuple[str, float, tuple[str, ...]], ...] = ()
    securities: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BacktestConfig:
    path: Path
    name: str
    start: date | None
    end: date | None
    step: str
    record: str | None
    dividends: str
    benchmark: str
    strategies: tuple[StrategySpec, ...]
    output: Path
    data: Path | None
    initial: Mapping[str, Decimal]
    flows: tuple[Flow, ...]
    costs: Costs
    tax: TaxSpec
    universe: UniverseSpec
    fractional: bool = True

    @property
    def ira(self) -> bool:
        return IRA in self.initial or any(f.account == IRA for f in self.flows)


def load_config(path: str | Path) -> BacktestConfig:
    file = Path(path)
    source = Source(str(file))
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError.one(source, None, "no such config file",
                             "give the path of a backtest TOML file, e.g. "
                             "examples/backtests/three_fund.toml") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError.one(source, None, f"not valid TOML: {exc}",
                             "fix the syntax at the line named") from None
    return parse_config(raw, file)


def parse_config(raw: Mapping[str, Any], path: Path) -> BacktestConfig:
    source = Source(str(path))
    problems: list[Problem] = []

    def bad(key: str, message: str, fix: str) -> None:
        problems.append(Problem(source, key, message, fix))

    for key in raw:
        if key not in TOP_KEYS:
            bad(key, f"unknown key '{key}'", f"use one of: {', '.join(sorted(TOP_KEYS))}")

    def choice(key: str, value: Any, allowed: tuple[str, ...]) -> str:
        if value not in allowed:
            bad(key, f"'{value}' is not allowed", f"use one of: {', '.join(allowed)}")
            return allowed[0]
        return str(value)

    def day(key: str, value: Any) -> date | None:
        if value is None:
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            bad(key, f"'{value}' is not a date", "write it as 2000-01-03")
            return None

    def number(key: str, value: Any, default: Decimal) -> Decimal:
        if value is None:
            return default
        try:
            if isinstance(value, bool):
                raise ValueError
            return dec(value)
        except ValueError:
            bad(key, f"{value!r} is not a number", "write a plain number")
            return default

    step = choice("step", raw.get("step", "daily"), STEPS)
    record = raw.get("record")
    if record is not None:
        record = choice("record", record, STEPS)
    dividends = choice("dividends", raw.get("dividends", "cash"), ("cash", "reinvest"))

    accounts_raw = raw.get("accounts", {TAXABLE: 100_000})
    initial: dict[str, Decimal] = {}
    for acct, amount in accounts_raw.items():
        if acct not in (TAXABLE, IRA):
            bad(f"accounts.{acct}", f"unknown account '{acct}'", "use taxable and ira")
            continue
        initial[acct] = number(f"accounts.{acct}", amount, Decimal(0))
    initial.setdefault(TAXABLE, Decimal(0))

    flows: list[Flow] = []
    for n, flow in enumerate(raw.get("flows", [])):
        key = f"flows[{n}]"
        acct = flow.get("account", TAXABLE)
        if acct not in (TAXABLE, IRA):
            bad(f"{key}.account", f"unknown account '{acct}'", "use taxable or ira")
        flows.append(Flow(
            account=acct,
            amount=number(f"{key}.amount", flow.get("amount"), Decimal(0)),
            every=choice(f"{key}.every", flow.get("every", "month"), PERIODS),
            start=day(f"{key}.start", flow.get("start")),
            end=day(f"{key}.end", flow.get("end")),
        ))

    costs_raw = raw.get("costs", {})
    costs = Costs(number("costs.bps", costs_raw.get("bps"), Decimal(0)),
                  number("costs.per_trade", costs_raw.get("per_trade"), Decimal(0)))

    tax_raw = dict(raw.get("tax", {}))
    for key in tax_raw:
        if key not in TAX_KEYS:
            bad(f"tax.{key}", f"unknown key '{key}'", f"use one of: {', '.join(sorted(TAX_KEYS))}")
    tax_args: dict[str, Any] = {}
    if "mode" in tax_raw:
        tax_args["mode"] = choice("tax.mode", tax_raw["mode"], ("us", "flat"))
    if "pay_from" in tax_raw:
        tax_args["pay_from"] = choice("tax.pay_from", tax_raw["pay_from"],
                                      ("portfolio", "outside"))
    if "losses" in tax_raw:
        tax_args["losses"] = choice("tax.losses", tax_raw["losses"], ("refund", "carryforward"))
    if "filing_status" in tax_raw:
        statuses = tuple(s.value for s in FilingStatus)
        tax_args["filing_status"] = FilingStatus(
            choice("tax.filing_status", tax_raw["filing_status"], statuses))
    for key in ("pay_month", "law_year"):
        if key in tax_raw:
            value = tax_raw[key]
            if not isinstance(value, int) or isinstance(value, bool):
                bad(f"tax.{key}", f"{value!r} is not a whole number", "write e.g. 4 or 2024")
            else:
                tax_args[key] = value
    for key in ("ordinary_income", "state_rate", "short_rate", "long_rate", "dividend_rate",
                "ira_withdrawal_rate"):
        if key in tax_raw:
            tax_args[key] = number(f"tax.{key}", tax_raw[key], Decimal(0))
    tax = TaxSpec(**tax_args)

    universe = _universe(raw.get("universe"), bad)

    names = raw.get("strategies", ["buy_and_hold", "annual_fifo", "band_hifo",
                                   "baseline_harvest"])
    tables = raw.get("strategy", {})
    strategies: list[StrategySpec] = []
    kinds = strategy_kinds()
    for name in names:
        params = dict(tables.get(name, {}))
        kind = str(params.pop("kind", name))
        if kind not in kinds:
            bad(f"strategy.{name}", f"unknown strategy kind '{kind}'",
                f"use one of: {', '.join(kinds)} (or give `kind` in [strategy.{name}])")
            continue
        strategies.append(StrategySpec(name, kind, params))
    for name in tables:
        if name not in names:
            bad(f"strategy.{name}", f"[strategy.{name}] is not listed in `strategies`",
                "add it to `strategies` or remove the table")
    benchmark = str(raw.get("benchmark", names[0] if names else "buy_and_hold"))
    if names and benchmark not in names:
        bad("benchmark", f"benchmark '{benchmark}' is not one of the strategies",
            "name one of `strategies`")

    start = day("start", raw.get("start"))
    end = day("end", raw.get("end"))
    if universe.kind != "montecarlo" and start is None:
        bad("start", "no start date", "add start = 2000-01-03")
    fractional = raw.get("fractional", True)
    if problems:
        raise InputError(problems)
    return BacktestConfig(
        path=path,
        name=str(raw.get("name", path.stem)),
        start=start,
        end=end,
        step=step,
        record=record,
        dividends=dividends,
        benchmark=benchmark,
        strategies=tuple(strategies),
        output=Path(str(raw.get("output", Path("backtest-out") / path.stem))),
        data=Path(str(raw["data"])) if "data" in raw else None,
        initial=initial,
        flows=tuple(flows),
        costs=costs,
        tax=tax,
        universe=universe,
        fractional=bool(fractional),
    )


def _universe(raw: Any, bad: Any) -> UniverseSpec:
    if not isinstance(raw, Mapping):
        bad("universe", "no [universe] table", "add [universe] with kind = funds, sp500 or "
            "montecarlo (see docs/backtests.md)")
        return UniverseSpec("funds", "fixed")
    kind = raw.get("kind", "funds")
    if kind not in UNIVERSE_KINDS:
        bad("universe.kind", f"'{kind}' is not allowed", f"use one of: {', '.join(UNIVERSE_KINDS)}")
        kind = "funds"
    target = raw.get("target", "fixed" if kind == "funds" else "index")
    if target not in ("fixed", "index"):
        bad("universe.target", f"'{target}' is not allowed", "use fixed or index")
    classes: list[tuple[str, float, tuple[str, ...]]] = []
    securities = dict(raw.get("securities", {}))
    if kind == "funds":
        for n, c in enumerate(raw.get("classes", [])):
            key = f"universe.classes[{n}]"
            syms = tuple(c.get("securities", ()))
            if not syms:
                bad(f"{key}.securities", "no securities", 'list them, e.g. ["VTSMX", "SPY"]')
            for sym in syms:
                if sym not in securities:
                    bad(f"{key}.securities", f"{sym} has no [universe.securities.{sym}] table",
                        "add one with its file and group")
            try:
                weight = float(c.get("weight", 0))
            except (TypeError, ValueError):
                bad(f"{key}.weight", "not a number", "write e.g. 0.4")
                weight = 0.0
            classes.append((str(c.get("name", f"class{n}")), weight, syms))
        if not classes:
            bad("universe.classes", "no asset classes", "add [[universe.classes]] tables")
        total = sum(w for _, w, _ in classes)
        if classes and abs(total - 1.0) > 1e-6:
            bad("universe.classes", f"weights add up to {total}, not 1", "fix the weights")
        for sym, spec in securities.items():
            if "file" not in spec:
                bad(f"universe.securities.{sym}.file", "no file",
                    f'add file = "funds/{sym}.csv" (relative to the data folder)')
    options = {k: v for k, v in raw.items()
               if k not in ("kind", "target", "classes", "securities")}
    return UniverseSpec(str(kind), str(target), tuple(classes), securities, options)
