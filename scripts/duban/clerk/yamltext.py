"""Writing one value into a task file by hand (``new``, ``record``, ``import``): plain when the
strict loader certainly reads it back as the same string, in a block mapping and inside a
flow collection alike (Chinese text with full-width punctuation stays as clerks write it);
double-quoted, with every character that needs it escaped, otherwise. One implementation,
so that every tool writes a value the same way (a hypothesis test reads each back)."""

from __future__ import annotations

import re

from duban.load.yamlload import load_text

#: Plain text that reads back as itself, in a flow mapping and in a block mapping alike:
#: no YAML indicator at all, and no character that needs care (the rest is quoted).
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff:#,\[\]{}'\"\\&*!|>%@`]")
_LEADING = re.compile(r"[-?~=+<\s]")

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
    plain = (
        value
        and not _UNSAFE.search(value)
        and not _LEADING.match(value)
        and value == value.strip()
        and _reads_back(value)
    )
    return value if plain else quoted(value)


def _reads_back(value: str) -> bool:
    """Whether the strict loader reads ``value`` written plain as this very string (not a
    number, a boolean or null)."""
    doc, _ = load_text(f"k: {value}\n", "<value>")
    return doc is not None and doc.data == {"k": value}


__all__ = ["quoted", "scalar"]
