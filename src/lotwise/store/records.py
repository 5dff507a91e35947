"""Small frozen types that the store takes and returns, and its not-found errors.

The domain types themselves (:class:`~lotwise.model.transactions.Transaction`,
:class:`~lotwise.model.lots.OpenLot`, ...) live in :mod:`lotwise.model`; these are the few
shapes that exist only because of storage: the outcome of an import, a saved book, a
carryforward row and a logged plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from lotwise.model.lots import Disposal, OpenLot, WashSale


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did.

    ``added`` rows were written and ``skipped`` rows were already stored with the same
    content.  ``import_id`` is the row written to the ``imports`` table, or ``None`` when
    nothing was added (an import that adds nothing leaves the store exactly as it was).
    """

    added: int
    skipped: int
    import_id: int | None


@dataclass(frozen=True, slots=True)
class BookRows:
    """The book snapshot last saved for a household, in the order it was saved."""

    as_of: date | None
    lots: tuple[OpenLot, ...]
    disposals: tuple[Disposal, ...]
    wash_sales: tuple[WashSale, ...]
    saved_at: datetime


@dataclass(frozen=True, slots=True)
class CarryforwardRow:
    """Capital losses carried into ``year`` for one tax unit, by character.

    ``tax_unit`` is the key the tax module uses for a filer (for example
    :meth:`lotwise.model.household.Household.tax_unit_key`).  ``short_term`` and
    ``long_term`` are stored exactly as given; ``source`` says where they came from (a
    computed year, a prior return, a user entry).
    """

    tax_unit: str
    year: int
    short_term: Decimal
    long_term: Decimal
    source: str = ""


@dataclass(frozen=True, slots=True)
class PlanRecord:
    """One entry of the decision log: a plan, the inputs it was made from and why.

    The ``*_json`` fields are JSON text, stored verbatim; ``inputs_hash`` identifies the
    household, journal, prices and policy the plan was computed from.
    """

    id: str
    household_id: str
    created_at: datetime
    inputs_hash: str
    policy_json: str
    trades_json: str
    reasons_json: str


class NotFoundError(KeyError):
    """Something asked for by key is not in the store.  ``str()`` is the plain message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class HouseholdNotFoundError(NotFoundError):
    """No household text is saved under this id."""


class BookNotFoundError(NotFoundError):
    """No book snapshot is saved for this household."""


class PlanNotFoundError(NotFoundError):
    """No plan is logged under this id."""
