"""Persistence: SQLite by default, PostgreSQL for advisors, one schema for both.

:class:`Store` keeps households, their journals, prices, the replayed book, capital-loss
carryforwards and the plan log.  Open it with :meth:`Store.open` (which migrates the
database to the newest schema with Alembic) and a URL from :func:`default_store_url` or
the user.  Design, guarantees and tables: ``docs/store.md``, :mod:`lotwise.store.store`
and :mod:`lotwise.store.schema`.
"""

from lotwise.store.records import (
    BookNotFoundError,
    BookRows,
    CarryforwardRow,
    HouseholdNotFoundError,
    ImportResult,
    NotFoundError,
    PlanNotFoundError,
    PlanRecord,
)
from lotwise.store.store import ENV_VAR, Store, default_store_url, sqlite_url

__all__ = [
    "ENV_VAR",
    "BookNotFoundError",
    "BookRows",
    "CarryforwardRow",
    "HouseholdNotFoundError",
    "ImportResult",
    "NotFoundError",
    "PlanNotFoundError",
    "PlanRecord",
    "Store",
    "default_store_url",
    "sqlite_url",
]
