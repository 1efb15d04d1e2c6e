"""去标识化: no personal data in the text of a public task.

A ``visibility: public`` task is published word for word, so none of its text fields (title,
standard, description, source, ``owner.lead``, milestone titles, event notes: every string of
the document) may carry a person's mainland mobile number, 18-digit resident ID number or
e-mail address. Each finding is a ``personal-data`` problem at the field's line, naming the
kind found and where in the text, never echoing the value (problems end up in CI logs).
A masked value (``138****1234``) is not personal data. Internal tasks are not checked.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from duban.problems import Problem, json_path
from duban.source import Document, Key
from duban.text import Text

#: A mainland mobile number: 1[3-9] and nine more digits (optionally grouped 3-4-4 by a
#: hyphen or space), not part of a longer run of digits; ``+86`` may precede it.
MOBILE = re.compile(r"(?:(?<=\+86)|(?<![0-9]))1[3-9][0-9](?:[- ]?[0-9]{4}){2}(?![0-9])")
#: An 18-digit resident ID number: 17 digits and a check digit (0-9 or X), alone.
RESIDENT_ID = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])")
#: An e-mail address.
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

#: Field names for people, by the last key of the field's path.
FIELD_NAMES = {
    "title": Text("标题", "title"),
    "standard": Text("工作标准", "standard"),
    "description": Text("说明", "description"),
    "source": Text("交办来源", "source"),
    "lead": Text("第一责任人", "first responsible"),
    "note": Text("办理说明", "note"),
    "milestone": Text("阶段节点名称", "milestone"),
}
MILESTONE_TITLE = Text("阶段节点名称", "milestone title")


def id_checksum_ok(number: str) -> bool:
    """The GB 11643 check digit of an 18-digit resident ID number is right."""
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def _comparable(text: str) -> str:
    """``text`` with full-width digits and signs folded to ASCII, one character for one (so
    positions still point into the original text)."""
    return "".join(unicodedata.normalize("NFKC", c)[:1] or c for c in text)


#: What every piece of personal data above holds: an at sign, or eleven digits (any script's
#: decimal digits) with at most one other character between each. Most text has neither, and
#: is passed over without the per-character folding.
_MAYBE = re.compile(r"[@＠﹫]|(?:\d\D?){10}\d")


def findings(text: str) -> list[tuple[int, Text]]:
    """(0-based position, kind) of every piece of personal data in ``text``."""
    if _MAYBE.search(text) is None:
        return []
    plain = text if text.isascii() else _comparable(text)
    found: list[tuple[int, Text]] = []
    ids = [m for m in RESIDENT_ID.finditer(plain) if id_checksum_ok(m.group())]
    found += [(m.start(), Text("身份证号码", "a resident ID number")) for m in ids]
    found += [(m.start(), Text("手机号码", "a mobile number")) for m in MOBILE.finditer(plain)]
    found += [(m.start(), Text("电子邮箱地址", "an e-mail address")) for m in EMAIL.finditer(plain)]
    return sorted(found, key=lambda hit: hit[0])


def _strings(data: Any, keys: tuple[Key, ...] = ()) -> Iterator[tuple[tuple[Key, ...], str]]:
    """Every string value of the document with its path."""
    if isinstance(data, str):
        yield keys, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*keys, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*keys, index))


def _field_name(keys: tuple[Key, ...]) -> Text:
    if len(keys) == 3 and keys[0] == "milestones" and keys[2] == "title":
        return MILESTONE_TITLE
    last = keys[-1] if keys else ""
    return FIELD_NAMES.get(str(last), Text("", ""))


def _problem(doc: Document, keys: tuple[Key, ...], position: int, kind: Text) -> Problem:
    path = json_path(keys)
    name = _field_name(keys)
    zh_name = f"（{name.zh}）" if name.zh else ""
    en_name = f" ({name.en})" if name.en else ""
    return Problem(
        "personal-data",
        doc.loc(*keys),
        Text(
            f"公开事项的字段 {path}{zh_name} 第 {position + 1} 个字符起含{kind.zh}；"
            "公开事项的内容会原样发布到网站，不得含有个人信息（去标识化）："
            "请删除，或打码后再写（如 138****1234），需要时改写为单位及其公开联系方式",
            f"field {path}{en_name} of a public task contains {kind.en} at character "
            f"{position + 1}; public tasks are published as written and must hold no personal "
            "data: remove or mask it (e.g. 138****1234), or name the unit instead",
        ),
        field=path,
    )


def personal_data(doc: Document) -> list[Problem]:
    """``personal-data`` problems of a public task document (none for an internal one)."""
    data = doc.data
    if not isinstance(data, dict) or data.get("visibility") != "public":
        return []
    return [
        _problem(doc, keys, position, kind)
        for keys, text in _strings(data)
        for position, kind in findings(text)
    ]


__all__ = ["findings", "id_checksum_ok", "personal_data"]
