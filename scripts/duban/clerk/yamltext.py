"""Writing one value into a task file by hand (``new``, ``record``, ``import``, ``fmt``): plain
when the strict loader reads it back as the same string in a block mapping, a flow mapping
and a flow list alike (Chinese text with full-width punctuation, ``70%`` or ``R&D`` stay as
clerks write them); double-quoted, with every character that needs it escaped, otherwise. One
implementation, so that every tool writes a value the same way (a hypothesis test reads each
back)."""

from __future__ import annotations

import re

from duban.load.yamlload import load_text

#: Characters never written plain: controls, line and paragraph separators (libyaml reads
#: some of them as line breaks), byte-order marks and non-characters.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
#: Where a value is written: a block mapping, a flow mapping, a flow list.
_CONTEXTS = ("k: {}\n", "k: {{k: {}}}\n", "k: [{}]\n")

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0"}
_ESCAPES |= {"\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P", "\x07": "\\a", "\x1b": "\\e"}


def _printable(ch: str) -> bool:
    """YAML's printable characters (c-printable), which may stand in a quoted scalar."""
    o = ord(ch)
    return (
        0x20 <= o <= 0x7E
        or o == 0x85
        or 0xA0 <= o <= 0xD7FF
        or 0xE000 <= o <= 0xFFFD
        or 0x10000 <= o <= 0x10FFFF
    ) and ch not in "\ufeff"


def quoted(value: str) -> str:
    """``value`` as a YAML double-quoted scalar, every non-printable character escaped."""
    out = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif not _printable(ch):
            o = ord(ch)
            out.append(
                f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}"
            )
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def scalar(value: str) -> str:
    """``value`` as YAML that the strict loader reads back as the same string: plain when
    that is certain (Chinese text with full-width punctuation stays as clerks write it),
    double-quoted otherwise."""
    plain = value and value == value.strip() and not _UNSAFE.search(value) and _reads_back(value)
    return value if plain else quoted(value)


def _reads_back(value: str) -> bool:
    """Whether the strict loader reads ``value`` written plain as this very string (not a
    number, a boolean or null, not cut by a comment, not an alias...) in every context."""
    for context in _CONTEXTS:
        doc, _ = load_text(context.format(value), "<value>")
        if doc is None:
            return False
        inside = doc.data["k"]
        got = inside if context.startswith("k: {}") else _only(inside)
        if got != value:
            return False
    return True


def _only(inside: object) -> object:
    """The one item of the flow list or mapping a value was written into."""
    if isinstance(inside, list) and len(inside) == 1:
        return inside[0]
    if isinstance(inside, dict) and list(inside) == ["k"]:
        return inside["k"]
    return None


__all__ = ["quoted", "scalar"]
