"""Replay of a household's journal into tax lots, disposals and wash sales."""

from lotwise.ledger.book import Book, CashEvent
from lotwise.ledger.replay import replay

__all__ = ["Book", "CashEvent", "replay"]
