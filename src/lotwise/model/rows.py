"""Fast construction of frozen rows for code that makes hundreds of thousands of them.

Two tools.  :func:`builder` makes one frozen row quickly; :class:`ColumnRows` keeps many
rows column by column and makes each one only when it is read.

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``.  ``builder``
fills in an instance of an unfrozen class with the same slots by plain attribute stores and
then sets its ``__class__`` to the frozen one, whose memory layout it shares: a fifth of
the time or less (a 12-field :class:`~lotwise.model.lots.WashSale`, ``timeit`` on the
development machine: 2.0 µs against 0.36 µs).
``builder(Cls)`` returns a function that takes the field values as one tuple, in the
dataclass's field order; the class must have slots and no base class.

Example::

    >>> from lotwise.model.transactions import Price
    >>> from datetime import date
    >>> from decimal import Decimal
    >>> make = builder(Price)
    >>> day, price = date(2026, 1, 2), Decimal("300")
    >>> make((day, "VTI", price)) == Price(day, "VTI", price)
    True

A replay that ends with 900,000 disposals would spend seconds freezing rows that most
callers never read (a report reads one year, a plan the last few weeks).  ``ColumnRows``
holds one list per column instead, so only a handful of objects outlive the replay, and
behaves like a tuple of rows: ``len``, indexing, slicing (to a tuple), iteration as often
as wanted, equality with a tuple of the same rows.  The first full iteration keeps the rows
it made, so reading everything twice costs what a tuple would::

    >>> prices = ColumnRows(lambda d, s, p: make((d, s, p)), ([day, day], ["VTI", "BND"],
    ...                     [price, Decimal("70")]))
    >>> len(prices), prices[1].symbol, prices == tuple(prices)
    (2, 'BND', True)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import fields, is_dataclass
from typing import Any, TypeVar, overload

from lotwise.gcpause import collector_paused

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


def builder(cls: type[T]) -> Callable[[tuple[Any, ...]], T]:
    names = tuple(f.name for f in fields(cls)) if is_dataclass(cls) else ()
    if not names or vars(cls).get("__slots__") != names or cls.__bases__ != (object,):
        raise TypeError(f"{cls.__name__} is not a dataclass with slots and no base class")
    # An unfrozen class with the same slots: its instances are filled in by plain
    # attribute stores, then become instances of ``cls`` (same memory layout).  The stores
    # are unrolled, as dataclasses unrolls its own __init__, and made in ``build`` itself:
    # calling a class with an ``__init__`` costs more than the stores.
    size = len(names)
    scope: dict[str, Any] = {
        "cls": cls,
        "new": object.__new__,
        "twin": type(f"_{cls.__name__}Fields", (), {"__slots__": names}),
    }
    exec(
        "def build(values):\n"
        f"    if len(values) != {size}:\n"
        f"        raise ValueError('{cls.__name__} takes {size} values')\n"
        "    row = new(twin)\n"
        f"    {', '.join(f'row.{name}' for name in names)}{',' if size == 1 else ''} = values\n"
        "    row.__class__ = cls\n"
        "    return row\n",
        scope,
    )
    build: Callable[[tuple[Any, ...]], T] = scope["build"]
    return build


class ColumnRows(Sequence[T_co]):
    """Rows stored as equal-length columns; ``make(*values)`` builds row ``i`` from the
    ``i``-th value of every column.  The columns must not change afterwards."""

    __slots__ = ("_columns", "_make", "_rows", "_size")

    def __init__(self, make: Callable[..., T_co], columns: Sequence[Sequence[Any]]) -> None:
        sizes = {len(column) for column in columns}
        if len(sizes) > 1:
            raise ValueError(f"columns of different lengths: {sorted(sizes)}")
        self._make = make
        self._columns = tuple(columns)
        self._size = sizes.pop() if sizes else 0
        self._rows: tuple[T_co, ...] | None = None

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> T_co: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[T_co, ...]: ...
    def __getitem__(self, index: int | slice) -> T_co | tuple[T_co, ...]:
        if self._rows is not None:
            return self._rows[index]
        if isinstance(index, slice):
            return tuple(map(self._make, *(column[index] for column in self._columns)))
        if index < 0:
            index += self._size
        if not 0 <= index < self._size:
            raise IndexError("row index out of range")
        return self._make(*(column[index] for column in self._columns))

    def __iter__(self) -> Iterator[T_co]:
        return iter(self.rows())

    def rows(self) -> tuple[T_co, ...]:
        """Every row, made once and kept (the columns are then let go).

        The collector is paused while they are made (:mod:`lotwise.gcpause`): hundreds of
        thousands of new rows, all kept, would set off collections that walk every object of
        the program again, the journal and the book included, to find no garbage.  Making the
        887,003 disposal rows of the 1,000,000-row benchmark took 4.8 s with the collector
        running and 2.1 s paused.  ``make`` must leave no cyclic garbage (rows never do)."""
        if self._rows is None:
            with collector_paused(promote=True):
                self._rows = tuple(map(self._make, *self._columns))
            self._columns = ()
        return self._rows

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ColumnRows):
            other = other.rows()
        if not isinstance(other, tuple):
            return NotImplemented
        return self.rows() == other

    def __hash__(self) -> int:
        return hash(self.rows())

    def __repr__(self) -> str:
        return repr(self.rows())
