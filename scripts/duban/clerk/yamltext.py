"""Writing one value into a task file by hand (``new``, ``record``, ``import``, ``fmt``): plain
when the strict loader reads it back as the same string in a block mapping, a flow mapping
and a flow list alike (Chinese text with full-width punctuation, ``70%`` or ``R&D`` stay as
clerks write them); double-quoted, with every character that needs it escaped, otherwise. One
implementation, so that every tool writes a value the same way (a hypothesis test reads each
back)."""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from duban.load.yamlcore import plain_value
from duban.load.yamlload import load_text

#: Characters never written plain: controls, line and paragraph separators (libyaml reads
#: some of them as line breaks), byte-order marks and non-characters.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
#: Text certainly read back as itself in any context: it starts with a Chinese character or
#: full-width punctuation (so it is no number, boolean or null, and no YAML indicator) and
#: holds no character YAML gives a meaning (no ``:``, ``#``, ``,``, brackets, quotes or
#: spaces). Most ledger text is such; the rest is judged by reading it back.
_CERTAIN = re.compile(
    r"[\u3001-\u303f\u4e00-\u9fff\uff01-\uff5e]"
    r"[\u3001-\u303f\u4e00-\u9fff\uff01-\uff5eA-Za-z0-9.%/()+=~\u2014\u2026\u00b7\u201c\u201d-]*"
)
#: Codes, dates and words (``fgw``, ``2026-01-05``, ``SL-2026-0001``): plain unless the core
#: schema reads them as a number, boolean or null.
_SIMPLE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
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
    return value if _plain(value) else quoted(value)


def _plain(value: str) -> bool:
    if _CERTAIN.fullmatch(value):
        return True
    if _SIMPLE.fullmatch(value):
        return bool(plain_value(value) == value)
    if not value or value != value.strip() or _UNSAFE.search(value) or _NEVER.search(value):
        return False
    known = _KNOWN.get(value)
    if known is None:
        known = _KNOWN[value] = _reads_back(value)
    return known


#: Plain text YAML would not read as itself: a comment, a key, an indicator first.
_NEVER = re.compile(r": |:\Z| #|\A[-?:](?: |\Z)|\A[,\[\]{}#&*!|>'\"%@`]")
_KNOWN: dict[str, bool] = {}
"""What :func:`_reads_back` found (bounded: emptied at :data:`_KNOWN_MAX`)."""
_KNOWN_MAX = 100_000


def _reads_back(value: str) -> bool:
    """Whether the strict loader reads ``value`` written plain as this very string (not a
    number, a boolean or null, not cut by a comment, not an alias...) in every context."""
    if len(_KNOWN) >= _KNOWN_MAX:
        _KNOWN.clear()
    return all(_batch_reads_back([value], context) for context in _CONTEXTS)


def _batch_reads_back(values: Sequence[str], context: str) -> bool:
    """Whether every one of ``values`` written plain in ``context`` reads back as itself."""
    if context.startswith("k: {}"):
        text = "".join(f"k{i}: {v}\n" for i, v in enumerate(values))
    elif context.startswith("k: {{"):
        text = "k: {" + ", ".join(f"k{i}: {v}" for i, v in enumerate(values)) + "}\n"
    else:
        text = "k: [" + ", ".join(values) + "]\n"
    doc, _ = load_text(text, "<value>")
    if doc is None:
        return False
    if context.startswith("k: {}"):
        return bool(doc.data == {f"k{i}": v for i, v in enumerate(values)})
    if context.startswith("k: {{"):
        return bool(doc.data == {"k": {f"k{i}": v for i, v in enumerate(values)}})
    return bool(doc.data == {"k": list(values)})


def learn(values: Iterable[str]) -> None:
    """Judge many values at once (``fmt`` of a whole file): those a few large reads find
    plain in every context are remembered; the others are judged one by one when written.
    Halves a batch that fails, so a few odd values cost a few reads, not one per value."""
    todo = sorted(
        {
            v
            for v in values
            if v not in _KNOWN
            and not _CERTAIN.fullmatch(v)
            and not _SIMPLE.fullmatch(v)
            and v
            and v == v.strip()
            and not _UNSAFE.search(v)
            and not _NEVER.search(v)
        }
    )
    if len(_KNOWN) + len(todo) >= _KNOWN_MAX:
        _KNOWN.clear()
    stack = [todo] if todo else []
    while stack:
        batch = stack.pop()
        if all(_batch_reads_back(batch, context) for context in _CONTEXTS):
            _KNOWN.update(dict.fromkeys(batch, True))
        elif len(batch) > 1:
            half = len(batch) // 2
            stack += [batch[:half], batch[half:]]
        # a single value that fails is judged (and remembered) by _reads_back when written


def write_atomically(path: Path, data: bytes) -> None:
    """``data`` over ``path`` through a temporary file in the same folder and ``os.replace``,
    the file's permissions kept: the file is the old one or the new one, never a part."""
    mode = stat.S_IMODE(os.stat(path, follow_symlinks=False).st_mode)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


__all__ = ["learn", "quoted", "scalar", "write_atomically"]
