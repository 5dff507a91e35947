"""The one way to build money and quantities: exact decimals, never binary floats."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal(0)
CENT = Decimal("0.01")


def dec(value: object) -> Decimal:
    """Return ``value`` as a Decimal; floats go through ``repr`` so 0.1 stays 0.1.

    Raises ``ValueError`` for text that is not a number.
    """
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip().replace(",", "")
    if text.startswith("$"):
        text = text[1:]
    try:
        result = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def money(value: Decimal) -> Decimal:
    """Round to cents, half up, as tax forms do."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def without_negative_zero(value: Decimal) -> Decimal:
    """``value``, or zero when it rounds to 0.00: the dust of a difference of two
    computations (or a drift of -0.001 %) is shown as 0.00, never -0.00."""
    return ZERO if money(value) == 0 else value
