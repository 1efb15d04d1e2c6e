"""Problems are values: every stage returns them; only the CLI turns them into exit codes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from duban.source import Location
from duban.text import Text

Severity = Literal["error", "warning"]


class Bilingual:
    """Something with a :class:`Text`: its Chinese, its English, and its message in a language."""

    __slots__ = ()
    text: Text

    @property
    def zh(self) -> str:
        return self.text.zh

    @property
    def en(self) -> str:
        return self.text.en

    def message(self, lang: str = "zh") -> str:
        return self.text(lang)


class UserError(Bilingual, Exception):
    """A mistake in what the user asked for, with its message in both languages (``str()``
    is English); the CLI prints :meth:`message` and exits, never a traceback."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


@dataclass(frozen=True, slots=True)
class Problem(Bilingual):
    """One thing wrong with the input, in both languages."""

    code: str
    """Stable and machine-readable, e.g. ``yaml-duplicate-key``."""
    where: Location
    """The file, line and column it is about."""
    text: Text
    """What is wrong and how to fix it."""
    field: str = ""
    """The JSON path of the offending field (``$.events[2].date``), or ""."""
    severity: Severity = "error"
    """``error`` (the input is refused) or ``warning``."""

    def to_json(self, lang: str = "zh") -> dict[str, object]:
        return {
            "path": self.where.path,
            "line": self.where.line,
            "col": self.where.col,
            "code": self.code,
            "field": self.field,
            "severity": self.severity,
            "message": self.message(lang),
        }

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.where.path, self.where.line, self.where.col, self.code)


def json_path(keys: tuple[str | int, ...]) -> str:
    """``("events", 2, "date")`` → ``$.events[2].date``."""
    out = "$"
    for key in keys:
        out += f"[{key}]" if isinstance(key, int) else f".{key}"
    return out
