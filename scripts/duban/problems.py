"""Problems are values: every stage returns them; only the CLI turns them into exit codes."""

from __future__ import annotations

import os
from dataclasses import dataclass

from duban.source import Location


def pick_lang(explicit: str | None = None) -> str:
    """The language for people: ``--lang`` wins, then ``DUBAN_LANG``, then Chinese."""
    lang = (explicit or os.environ.get("DUBAN_LANG") or "zh").lower()
    return "en" if lang.startswith("en") else "zh"


class UserError(Exception):
    """A mistake in what the user asked for, with a Chinese and an English message (``str()``
    is English); the CLI prints :meth:`message` and exits, never a traceback."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en

    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, in both languages.

    ``code`` is stable and machine-readable (e.g. ``yaml-duplicate-key``);
    ``field`` is the JSON path of the offending field (``$.events[2].date``) or "".
    """

    code: str
    where: Location
    zh: str
    en: str
    field: str = ""
    severity: str = "error"

    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh

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
