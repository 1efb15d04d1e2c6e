"""The characters no ledger text may hold, and how to name one without printing it.

Refused in every string (value or key) of every ledger file, raw or written as a YAML escape
(``"\\x1b"``, ``"\\u200b"``):

- control characters: C0 (U+0000–U+001F) but the tab and the line feed, DEL (U+007F), C1
  (U+0080–U+009F, NEL too). A carriage return is refused in a value: the line ends of the
  file become line feeds when it is read, so one can only come from an escape (``"\\r"``),
  and in a terminal it writes the rest of the line over its start. An escape sequence
  (``"\\e[31m"``) would colour or rewrite a report.
- lone surrogates (U+D800–U+DFFF): not characters; libyaml already refuses them as escapes.
- invisible and format characters that can hide text or make two texts that look the same
  differ: every format character (Unicode category Cf: zero-width space, joiners, word joiner,
  soft hyphen, U+FEFF inside text, invisible operators, tag characters...), the line and
  paragraph separators (U+2028, U+2029), the combining grapheme joiner (U+034F) and the Hangul
  fillers (U+115F, U+1160, U+3164, U+FFA0), which show as nothing.
- the bidirectional controls (:data:`BIDI_CONTROLS`), reported as their own kind.

Allowed, because real text needs them: the tab; full-width punctuation, 〇, the ideographic
space and every visible character of any script (CJK extensions, emoji, private use); the
variation selectors (emoji presentation ``❤️``, ideographic variation sequences of names);
the zero-width joiner *inside an emoji sequence* (between two symbols, as in the emoji for
a technologist: woman, joiner, laptop); tag characters inside an emoji flag tag sequence
(the flag of Scotland: U+1F3F4, tags ``gbsct``, cancel tag); the Mongolian vowel separator
after a Mongolian letter.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

Kind = Literal["bidi", "control", "surrogate", "invisible"]

#: The bidirectional formatting characters of Unicode (UAX #9): embeddings, overrides,
#: isolates and their terminators, and the implicit marks.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)

#: The format characters (category Cf) of Unicode 15.1 and the other invisible ones, in the
#: Basic Multilingual Plane and beyond it; a test checks that every Cf character of the running
#: Python is in them.
_INVISIBLE_BMP = (
    "\u00ad\u034f\u0600-\u0605\u06dd\u070f\u0890-\u0891\u08e2\u115f\u1160\u180e"
    "\u200b-\u200d\u2028\u2029\u2060-\u2064\u206a-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb"
)
_INVISIBLE_ASTRAL = (
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f"
_SURROGATE = "\ud800-\udfff"
_BIDI = "".join(sorted(BIDI_CONTROLS))

REFUSED = re.compile(f"[{_CONTROL}{_SURROGATE}{_INVISIBLE_BMP}{_INVISIBLE_ASTRAL}{_BIDI}]")
"""Any refused character (some are allowed where :func:`first_refused` says so)."""

#: What :data:`REFUSED` finds, less the carriage return (a line end in a file) and the
#: characters beyond the Basic Multilingual Plane, which :func:`may_hold_refused` looks for
#: only in a text that has any: a class with ranges up there is several times slower to search.
_IN_SOURCE_BMP = re.compile(
    f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_SURROGATE}{_INVISIBLE_BMP}{_BIDI}]"
)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_REFUSED_ASTRAL = re.compile(f"[{_INVISIBLE_ASTRAL}]")


def may_hold_refused(source: str) -> bool:
    """Whether the text of a file may hold a refused character in a string: one written raw,
    or an escape (a backslash). False for nearly every ledger file, found with two fast scans."""
    if "\\" in source or _IN_SOURCE_BMP.search(source):
        return True
    return _ASTRAL.search(source) is not None and _REFUSED_ASTRAL.search(source) is not None


_ZWJ = "\u200d"
#: What may stand between an emoji and a zero-width joiner: the emoji presentation selector
#: and the skin tone modifiers.
_EMOJI_TAIL = frozenset("\ufe0f\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff")
_FLAG_TAGS = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")
_MONGOLIAN_VOWEL_SEPARATOR = "\u180e"

#: The names of the control characters (Unicode gives them none, only aliases).
_C0 = [
    "NULL",
    "START-OF-HEADING",
    "START-OF-TEXT",
    "END-OF-TEXT",
    "END-OF-TRANSMISSION",
    "ENQUIRY",
    "ACKNOWLEDGE",
    "BELL",
    "BACKSPACE",
    "CHARACTER-TABULATION",
    "LINE-FEED",
    "LINE-TABULATION",
    "FORM-FEED",
    "CARRIAGE-RETURN",
    "SHIFT-OUT",
    "SHIFT-IN",
    "DATA-LINK-ESCAPE",
    "DEVICE-CONTROL-ONE",
    "DEVICE-CONTROL-TWO",
    "DEVICE-CONTROL-THREE",
    "DEVICE-CONTROL-FOUR",
    "NEGATIVE-ACKNOWLEDGE",
    "SYNCHRONOUS-IDLE",
    "END-OF-TRANSMISSION-BLOCK",
    "CANCEL",
    "END-OF-MEDIUM",
    "SUBSTITUTE",
    "ESCAPE",
    "FILE-SEPARATOR",
    "GROUP-SEPARATOR",
    "RECORD-SEPARATOR",
    "UNIT-SEPARATOR",
]
_C1 = {
    0x7F: "DELETE",
    0x85: "NEXT-LINE",
    0x9B: "CONTROL-SEQUENCE-INTRODUCER",
    0x9D: "OPERATING-SYSTEM-COMMAND",
}


def _emoji_before(text: str, index: int) -> bool:
    """An emoji (a symbol, perhaps with its selector or skin tone) ends just before ``index``."""
    while index > 0 and text[index - 1] in _EMOJI_TAIL:
        index -= 1
    return index > 0 and unicodedata.category(text[index - 1]) == "So"


def _allowed(text: str, index: int) -> bool:
    """The refused-looking character at ``index`` is part of text that needs it."""
    char = text[index]
    if char == _ZWJ:
        after = text[index + 1 : index + 2]
        return bool(after) and unicodedata.category(after) == "So" and _emoji_before(text, index)
    if "\U000e0020" <= char <= "\U000e007f":
        return any(m.start() < index < m.end() for m in _FLAG_TAGS.finditer(text))
    if char == _MONGOLIAN_VOWEL_SEPARATOR:
        return index > 0 and "\u1820" <= text[index - 1] <= "\u18af"
    return False


def first_refused(text: str) -> tuple[int, str] | None:
    """The index and character of the first refused character of ``text``, if any."""
    for match in REFUSED.finditer(text):
        if not _allowed(text, match.start()):
            return match.start(), match.group()
    return None


def kind(char: str) -> Kind:
    """Which kind of refused character ``char`` is."""
    if char in BIDI_CONTROLS:
        return "bidi"
    if "\ud800" <= char <= "\udfff":
        return "surrogate"
    if char <= "\x9f" and (char < " " or char >= "\x7f"):
        return "control"
    return "invisible"


def char_name(char: str) -> str:
    """``U+001B ESCAPE``: the code point and name of ``char``, never the character itself."""
    code = ord(char)
    if code < 0x20:
        name = _C0[code]
    elif 0x7F <= code <= 0x9F:
        name = _C1.get(code, "C1-CONTROL")
    elif 0xD800 <= code <= 0xDFFF:
        name = "SURROGATE"
    else:
        name = unicodedata.name(char, "")
    return f"U+{code:04X} {name}".rstrip()


def shown(text: str) -> str:
    """``text`` with every refused character (and the line feed, the tab) written as
    ``\\u001b``: safe to print in a message about it, on one line."""
    if not REFUSED.search(text) and "\n" not in text and "\t" not in text:
        return text
    return re.sub(f"{REFUSED.pattern}|[\n\t]", _escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


__all__ = [
    "BIDI_CONTROLS",
    "REFUSED",
    "char_name",
    "first_refused",
    "kind",
    "may_hold_refused",
    "shown",
]
