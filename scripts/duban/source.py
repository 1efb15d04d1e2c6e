"""Where things are written: a place in a file (:class:`Location`) and a parsed YAML file
that knows the position of every field (:class:`Document`). The bottom of the package."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a source file; ``line`` and ``col`` are 1-based (0 = unknown)."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:  # path:line:col, leaving out what is unknown
        if not self.line:
            return self.path
        return f"{self.path}:{self.line}:{self.col}" if self.col else f"{self.path}:{self.line}"


Key = str | int


Path_ = tuple[Key, ...]


@dataclass(frozen=True)
class Document:
    """A parsed YAML file: plain data plus the position of every key and list item."""

    path: str
    data: Any
    positions: Mapping[Path_, tuple[int, int]] = field(repr=False)
    text: str | None = field(default=None, repr=False, compare=False)
    """The decoded source, when known: lets a check that looks for rare characters pass a
    whole file with one scan (:func:`duban.check.hygiene.text_problems`)."""

    def loc(self, *keys: Key) -> Location:
        """Where the field at ``keys`` is written (its key), else its nearest known parent."""
        path = tuple(keys)
        while path:
            pos = self.positions.get(path)
            if pos is not None:
                return Location(self.path, *pos)
            path = path[:-1]
        return Location(self.path, 1, 1)
