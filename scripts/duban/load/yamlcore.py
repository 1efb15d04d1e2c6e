"""The YAML 1.2 core schema for plain scalars, as the strict loader reads them: ``null``,
booleans, ints (decimal, ``0o``, ``0x``) and floats; everything else is text (dates stay
strings, ``no`` stays a string). A number too long to convert safely is refused, never
converted."""

from __future__ import annotations

import re
from typing import Any, Final

MAX_NUMBER_CHARS = 100
"""A plain scalar this long that looks like a number is refused before ``int()``/``float()``
(Python refuses to convert more than 4300 digits, and no ledger number is long)."""


_NULL = frozenset({"", "~", "null", "Null", "NULL"})


_TRUE = frozenset({"true", "True", "TRUE"})


_FALSE = frozenset({"false", "False", "FALSE"})


_INT = re.compile(r"[-+]?[0-9]+\Z")


_INT_OCT = re.compile(r"0o[0-7]+\Z")


_INT_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")


_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")


class _TooLong:
    """The value of a plain scalar that looks like a number but is too long to convert."""


TOO_LONG: Final = _TooLong()


def plain_value(value: str) -> Any:
    """A plain scalar's value under the core schema, or :data:`TOO_LONG`."""
    if value in _NULL:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    kind = _number_kind(value)
    if kind is None:
        return value
    if len(value) > MAX_NUMBER_CHARS:
        return TOO_LONG
    if kind == "int":
        return int(value)
    if kind == "oct":
        return int(value[2:], 8)
    if kind == "hex":
        return int(value[2:], 16)
    return float(value)


def _number_kind(value: str) -> str | None:
    """Which YAML 1.2 core number a plain scalar is, if any."""
    if _INT.match(value):
        return "int"
    if _INT_OCT.match(value):
        return "oct"
    if _INT_HEX.match(value):
        return "hex"
    if _FLOAT.match(value):
        return "float"
    return None


__all__ = ["MAX_NUMBER_CHARS", "TOO_LONG", "plain_value"]
