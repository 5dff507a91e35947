"""Backtests: the same ledger and tax code run day by day over real or simulated prices.

Entry points: :func:`lotwise.backtest.runner.run_backtest` (a config file's strategies,
measured), :func:`lotwise.backtest.engine.run` (one strategy over one
:class:`~lotwise.backtest.engine.Setup`), and the :class:`~lotwise.backtest.state.Strategy`
protocol with :func:`~lotwise.backtest.strategies.register_strategy` for new strategies.
See docs/backtests.md.
"""

from lotwise.backtest.config import BacktestConfig, load_config, parse_config
from lotwise.backtest.data import Market, Series, read_sp500, read_yahoo_csv, resolve_data_dir
from lotwise.backtest.engine import Costs, Flow, RunResult, Setup, run
from lotwise.backtest.lotwise_strategy import LotwiseStrategy  # registers lotwise_* kinds
from lotwise.backtest.metrics import Metrics, metrics
from lotwise.backtest.montecarlo import generate_market
from lotwise.backtest.runner import Backtest, prepare, run_backtest, write_outputs
from lotwise.backtest.state import BookView, Quotes, Side, State, Strategy, Trade, WashGuard
from lotwise.backtest.strategies import Plan, make_strategy, register_strategy
from lotwise.backtest.taxes import TaxSpec
from lotwise.backtest.universe import AssetClass, SecuritySpec, Universe, build_household

__all__ = [
    "AssetClass",
    "Backtest",
    "BacktestConfig",
    "BookView",
    "Costs",
    "Flow",
    "LotwiseStrategy",
    "Market",
    "Metrics",
    "Plan",
    "Quotes",
    "RunResult",
    "SecuritySpec",
    "Series",
    "Setup",
    "Side",
    "State",
    "Strategy",
    "TaxSpec",
    "Trade",
    "Universe",
    "WashGuard",
    "build_household",
    "generate_market",
    "load_config",
    "make_strategy",
    "metrics",
    "parse_config",
    "prepare",
    "read_sp500",
    "read_yahoo_csv",
    "register_strategy",
    "resolve_data_dir",
    "run",
    "run_backtest",
    "write_outputs",
]
