"""Redaction by construction: the text of a public task never names an internal task.

A ``visibility: public`` task is published word for word, so none of its strings (title,
standard, description, source, ``owner.lead``, milestone titles, event notes: every string
of the document) may name a task that is not published: an internal task, or a task file
that did not load (it may be internal). Naming is

- its **id** in any spelling a reader would recognise: any case, any separator or none,
  full-width forms, invisible characters between (``SL-2026-0042``, ``sl-2026-0042``,
  ``SL20260042``, ``SL 2026 0042``, ``ＳＬ－２０２６－００４２``);
- its **title**, compared on letters and digits only (case, width, spaces, punctuation and
  Markdown marks ignored), when the title has at least :data:`MIN_TITLE_CHARS` of them: a
  shorter title (``安全生产``) is a common phrase that many public notes use innocently, and
  reveals little.

Each finding is a ``names-internal-task`` problem at the field's line. It is an error: the
site is not built until the public text is reworded or the other task made public, so no
public word is ever altered on its way to the site (the site's writers never search and
replace). The message names the internal task's id and file for the clerk, never its title.
``validate`` and ``build`` run it over the whole ledger (:func:`ledger_problems`, from
:mod:`duban.ledger`); ``check-change`` over the merged tree (:mod:`duban.check.change`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from duban.check.privacy import FIELD_NAMES, MILESTONE_TITLE
from duban.load.layout import Layout
from duban.load.reading import decode, read_bounded
from duban.load.yamlload import load_text
from duban.model import Task
from duban.problems import Problem, json_path
from duban.source import Document, Key
from duban.text import Text

#: A title is matched only when it has at least this many letters and digits (see above).
MIN_TITLE_CHARS = 6

#: What may stand between the parts of an id (after NFKC folding): spaces, hyphens and dashes
#: of every kind, dots, slashes, underscores.
_SEP = r"[\s\-_./\\·・\u2010-\u2015\u2212\ufe58\ufe63\uff0d~～]{0,3}"
#: An id-shaped run: prefix letters, a four-digit year, a number.
_ID_SHAPE = re.compile(
    rf"(?<![A-Za-z0-9])([A-Za-z]{{2,8}}){_SEP}([0-9]{{4}}){_SEP}([0-9]{{1,8}})(?![0-9])"
)
_DIGITS = re.compile(r"[0-9]{4}")
_TITLE_LINE = re.compile(r"^title:[ \t]*['\"]?(.+?)['\"]?[ \t]*$", re.M)

IdKey = tuple[str, str, int]


@dataclass(frozen=True, slots=True)
class Secret:
    """A task that is not published: its id (file name), title and file."""

    id: str
    title: str
    path: str
    former: bool = False
    """A public task's own past as an internal task (its old id, if renamed, and old title,
    known to ``check-change`` from the base): named by its own text, it is still a finding."""


#: Invisible format characters (Unicode category Cf: zero-width spaces and joiners, soft
#: hyphen, bidirectional marks and controls, word joiner, BOM, tags): dropped.
_INVISIBLE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\u0890\u0891\u08e2\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)
_NOT_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """``text`` as compared for ids: NFKC (full-width forms to ASCII), invisible format
    characters dropped."""
    if text.isascii():
        return text
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def title_key(text: str) -> str:
    """``text`` as compared for titles: folded, lower case, letters and digits only."""
    return _NOT_WORD.sub("", fold(text).casefold())


def id_key(text: str) -> IdKey | None:
    """The id an id-shaped string stands for (``sl 2026 42`` → ``("SL", "2026", 42)``)."""
    match = _ID_SHAPE.fullmatch(fold(text).strip())
    return _key(match) if match else None


def _key(match: re.Match[str]) -> IdKey:
    return match.group(1).upper(), match.group(2), int(match.group(3))


def _trie_pattern(words: Iterable[str]) -> str:
    """One regex alternation of many literal words, as a prefix trie (fast on long texts)."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = True

    def build(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(c) + build(sub) for c, sub in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


@dataclass(frozen=True)
class Matcher:
    """Finds the secrets a text names (built once per ledger)."""

    secrets: Sequence[Secret]

    @cached_property
    def _ids(self) -> dict[IdKey, Secret]:
        out: dict[IdKey, Secret] = {}
        for secret in self.secrets:
            key = id_key(secret.id)
            if key is not None:
                out.setdefault(key, secret)
        return out

    @cached_property
    def _titles(self) -> dict[str, Secret]:
        out: dict[str, Secret] = {}
        for secret in self.secrets:
            for words in (secret.title, "" if id_key(secret.id) else secret.id):
                key = title_key(words)
                if len(key) >= MIN_TITLE_CHARS:
                    out.setdefault(key, secret)
        return out

    @cached_property
    def _title_pattern(self) -> re.Pattern[str] | None:
        return re.compile(_trie_pattern(self._titles)) if self._titles else None

    def named(self, text: str) -> tuple[Secret, Text] | None:
        """The first secret ``text`` names and how (编号 or 标题), or None."""
        if not text or not self.secrets:
            return None
        folded = fold(text)
        if self._ids and _DIGITS.search(folded) is not None:
            for match in _ID_SHAPE.finditer(folded):
                secret = self._ids.get(_key(match))
                if secret is not None:
                    return secret, Text("编号", "id")
        if self._title_pattern is not None:
            found = self._title_pattern.search(_NOT_WORD.sub("", folded.casefold()))
            if found is not None:
                return self._titles[found.group()], Text("标题", "title")
        return None

    def names_any(self, *texts: str) -> bool:
        return any(self.named(t) is not None for t in texts)


def strings(data: Any, keys: tuple[Key, ...] = ()) -> Iterator[tuple[tuple[Key, ...], str]]:
    """Every string value of a task's data with its path."""
    if isinstance(data, str):
        yield keys, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from strings(value, (*keys, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from strings(value, (*keys, index))


def _field_name(keys: tuple[Key, ...]) -> Text:
    if len(keys) == 3 and keys[0] == "milestones" and keys[2] == "title":
        return MILESTONE_TITLE
    return FIELD_NAMES.get(str(keys[-1]) if keys else "", Text("", ""))


def _problem(doc: Document, keys: tuple[Key, ...], secret: Secret, how: Text) -> Problem:
    path = json_path(keys)
    name = _field_name(keys)
    zh_name = f"（{name.zh}）" if name.zh else ""
    en_name = f" ({name.en})" if name.en else ""
    if secret.former:
        old = f" {secret.id}" if secret.id else ""
        return Problem(
            "names-internal-task",
            doc.loc(*keys),
            Text(
                f"公开事项的字段 {path}{zh_name} 提及了本事项转为公开之前作为内部事项时的"
                f"{how.zh}{old}（{secret.path}）；内部阶段的编号和标题不予公开："
                "请改写该处文字，不写其旧编号和旧标题",
                f"field {path}{en_name} of a public task names this task's {how.en}{old} from "
                f"when it was internal ({secret.path}); its internal past is not published: "
                "reword it without the old id or title",
            ),
            field=path,
        )
    return Problem(
        "names-internal-task",
        doc.loc(*keys),
        Text(
            f"公开事项的字段 {path}{zh_name} 提及了不公开的事项 {secret.id}"
            f"（{secret.path}）的{how.zh}；公开事项的内容会原样发布到网站，不得提及内部事项，"
            "网站在改正前不予生成：请改写该处文字（不写其编号和标题），"
            "或经审定后将该事项改为公开（visibility: public）",
            f"field {path}{en_name} of a public task names the unpublished task {secret.id} "
            f"({secret.path}) by its {how.en}; public tasks are published as written and must "
            "not name an internal task, and the site is not built until this is fixed: reword "
            "it (without that task's id or title), or make that task public",
        ),
        field=path,
    )


def findings(doc: Document, matcher: Matcher, own_id: str = "") -> list[tuple[Problem, Secret]]:
    """Each ``names-internal-task`` problem of one task document (none unless it is public),
    with the secret it names."""
    data = doc.data
    if not isinstance(data, dict) or data.get("visibility") != "public":
        return []
    found = []
    for keys, text in strings(data):
        hit = matcher.named(text)
        if hit is not None and (hit[0].former or hit[0].id != own_id):
            found.append((_problem(doc, keys, *hit), hit[0]))
    return found


def document_problems(doc: Document, matcher: Matcher, own_id: str = "") -> list[Problem]:
    """``names-internal-task`` problems of one task document (none unless it is public)."""
    return [problem for problem, _ in findings(doc, matcher, own_id)]


def read_task(raw: bytes | None, stem: str, display: str) -> tuple[Document | None, Secret | None]:
    """A task file's contents as judged here: the document of a file that says it is public
    under its own id (file name), else the secret of a file that may be internal (its id is
    its file name, its title as written, even when it does not parse)."""
    doc, _ = load_text(raw, display) if raw is not None else (None, [])
    data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
    if doc is not None and data.get("visibility") == "public" and data.get("id") == stem:
        return doc, None
    text = decode(raw, display)[0] if raw is not None else ""
    if raw is not None and not text:
        text = raw.decode("utf-8", errors="replace")
    match = _TITLE_LINE.search(text)
    title = data.get("title")
    if not isinstance(title, str):
        title = match.group(1) if match else ""
    return None, Secret(stem, title, display)


def secret_of(raw: bytes | None, stem: str, display: str) -> Secret | None:
    """The secret of a task file that did not load as a valid task, or None when it says it
    is public under its own id (public, merely invalid: nothing secret about it)."""
    return read_task(raw, stem, display)[1]


def task_secrets(tasks: Iterable[Task]) -> list[Secret]:
    """The secrets of the loaded tasks that are not public."""
    return [Secret(t.id, t.title, t.path) for t in tasks if not t.public]


def file_secrets(paths: Iterable[Path], display: Any) -> list[Secret]:
    """The secrets of task files that did not load (read again, bounded); ``display`` gives
    the path as messages show it."""
    out = []
    for path in paths:
        raw, _ = read_bounded(path, display(path))
        secret = secret_of(raw, path.stem, display(path))
        if secret is not None:
            out.append(secret)
    return out


def ledger_problems(tasks: Sequence[Task], secrets: Sequence[Secret]) -> list[Problem]:
    """``names-internal-task`` problems of every public task of a ledger."""
    matcher = Matcher(tuple(secrets))
    if not secrets:
        return []
    return [
        problem
        for task in tasks
        if task.public and task.doc is not None
        for problem in document_problems(task.doc, matcher, task.id)
    ]


def ledger_secrets(root: Path, tasks: Sequence[Task]) -> list[Secret]:
    """What no public text of the ledger at ``root`` may name: its loaded tasks that are not
    public, and every task file that did not load as one of ``tasks``."""
    layout = Layout(root)
    loaded = {t.path for t in tasks}
    unsure = [p for p in layout.task_files() if layout.display(p) not in loaded]
    return task_secrets(tasks) + file_secrets(unsure, layout.display)


__all__ = [
    "MIN_TITLE_CHARS",
    "Matcher",
    "Secret",
    "document_problems",
    "file_secrets",
    "findings",
    "fold",
    "id_key",
    "ledger_problems",
    "ledger_secrets",
    "read_task",
    "secret_of",
    "task_secrets",
    "title_key",
]
