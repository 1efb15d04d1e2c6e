"""Text for people, in both languages: one value (:class:`Text`) used by problems, user
errors, labels and obligations, and the choice of language (:func:`pick_lang`)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

Lang = Literal["zh", "en"]


def pick_lang(explicit: str | None = None) -> Lang:
    """The language for people: ``--lang`` wins, then ``DUBAN_LANG``, then Chinese."""
    lang = (explicit or os.environ.get("DUBAN_LANG") or "zh").lower()
    return "en" if lang.startswith("en") else "zh"


@dataclass(frozen=True, slots=True)
class Text:
    """A phrase in Simplified Chinese (full-width punctuation) and in English."""

    zh: str
    """What Chinese readers see; the default everywhere."""
    en: str
    """The same in English (``--lang en``)."""

    def __call__(self, lang: str = "zh") -> str:
        """The phrase in ``lang`` (``"en"``, else Chinese)."""
        return self.en if lang == "en" else self.zh

    def __str__(self) -> str:
        return self.zh


def label(table: dict[str, Text], key: str, lang: str = "zh") -> str:
    """The label of a code in ``lang``, or the code itself when unknown."""
    text = table.get(key)
    return key if text is None else text(lang)
