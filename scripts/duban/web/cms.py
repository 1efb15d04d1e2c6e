"""The web form (Decap CMS): its ``config.yml`` and ``index.html``, derived from the task
schema and the ledger (``duban cms``; the folder is written by :mod:`duban.web.cms_admin`, the
local proxy run by :mod:`duban.web.cms_proxy`).

``config.yml`` is derived, never written by hand: the task collection's fields from
``schemas/task.schema.json`` (each field's ``title`` is its label, its ``description`` the
hint, an ``enum`` a select labelled by its ``enumDescriptions``, a ``$defs/date`` a date
without time, a ``$defs/unit`` a select of ``units.yaml``), the deadline rules from
``rules.yaml`` and the backend from ``ledger.yaml`` ``repo_url``. The result is written by
PyYAML from plain data, so no unit name, rule title or address can add a key: a value is
always one scalar (``tests/test_cms.py`` reads the file back and compares it).

Decap writes new entries under a lower-cased slug (its ``prepareSlug``), so a task made in
the form is saved as ``tasks/YYYY/sl-2026-0042.yaml``; existing files keep their names.

``index.html`` loads only the bundle from its own folder: no page of the form asks another
host for code.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from duban.clerk.fmt import schema_line
from duban.clerk.newtask import DEFAULT_LEAD, next_free, task_id
from duban.git.commands import toplevel
from duban.load.schema import load_schema
from duban.model import Ledger
from duban.problems import UserError
from duban.render.text import safe_url
from duban.text import Text
from duban.web.markup import esc

BUNDLE = "decap-cms.js"
BACKENDS = ("forgejo", "gitea")
PROXY_PORT = 8081
"""decap-server's own default port."""
PORT_ENV = "DUBAN_CMS_PROXY_PORT"
"""The environment variable that moves the local proxy's port (``build``, ``serve``)."""


def default_proxy_port() -> int:
    """``$DUBAN_CMS_PROXY_PORT`` when it is a port number, else :data:`PROXY_PORT`."""
    given = os.environ.get(PORT_ENV, "")
    return int(given) if given.isdigit() and 0 < int(given) < 65536 else PROXY_PORT


# -- the backend -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Forge:
    """Where the ledger repository is: ``https://git.example.org/shili/duban`` gives the base
    ``https://git.example.org``, the API ``…/api/v1`` and the repository ``shili/duban``."""

    base_url: str
    repo: str

    @property
    def api_root(self) -> str:
        return f"{self.base_url}/api/v1"


def forge_of(repo_url: str) -> Forge:
    """The forge of ``ledger.yaml`` ``repo_url``; a user error when it is missing or not a
    plain ``http(s)`` address of a repository (``owner/name`` after the host)."""
    url = safe_url(repo_url.strip())
    parts = urlsplit(url) if url else None
    segments = [s for s in parts.path.split("/") if s] if parts else []
    if parts is None or len(segments) < 2 or parts.query or parts.fragment:
        raise UserError(
            Text(
                "ledger.yaml 中的 repo_url 不是台账仓库的地址：请写成 "
                "https://git.example.org/单位/仓库 的形式（网页表单从这里读写任务文件）",
                "ledger.yaml repo_url is not the address of the ledger repository: write it "
                "as https://git.example.org/owner/repo (the form reads and writes tasks there)",
            )
        )
    name = segments[-1].removesuffix(".git")
    prefix = "/".join(segments[:-2])
    base = f"{parts.scheme}://{parts.netloc}" + (f"/{prefix}" if prefix else "")
    return Forge(base, f"{segments[-2]}/{name}")


# -- the fields, from the schema ---------------------------------------------------------------

DATE_WIDGET = {
    "widget": "datetime",
    "format": "YYYY-MM-DD",
    "date_format": "YYYY-MM-DD",
    "time_format": False,
}
"""A date without time, stored as ``YYYY-MM-DD`` text (Decap's datetime widget)."""

LONG_TEXT = 200
"""Strings that may be longer than this are a text area."""


@dataclass(frozen=True)
class Choices:
    """The options of the selects: units, deadline rules."""

    units: list[dict[str, str]]
    rules: list[dict[str, str]]


def _resolve(schema: Mapping[str, Any], node: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    """The ``$defs`` name a node refers to (or "") and the node with the definition merged
    under its own keys."""
    ref = node.get("$ref", "")
    if not isinstance(ref, str) or not ref.startswith("#/$defs/"):
        return "", node
    name = ref.removeprefix("#/$defs/")
    return name, {**schema["$defs"][name], **{k: v for k, v in node.items() if k != "$ref"}}


def _options(node: Mapping[str, Any]) -> list[dict[str, str]]:
    values = list(node["enum"])
    labels = list(node.get("enumDescriptions") or ())
    if len(labels) != len(values):
        labels = values  # no label for every value: the codes themselves
    return [{"label": str(label), "value": str(v)} for v, label in zip(values, labels, strict=True)]


def field(
    schema: Mapping[str, Any], name: str, node: Mapping[str, Any], required: bool, c: Choices
) -> dict[str, Any]:
    """One Decap field of the schema property ``name``."""
    kind, merged = _resolve(schema, node)
    out: dict[str, Any] = {
        "name": name,
        "label": str(merged.get("title") or name),
        "hint": zh_punctuation(str(merged.get("description", ""))),
        "required": required,
    }
    if kind == "date":
        out |= DATE_WIDGET
    elif kind == "unit":
        out |= {"widget": "select", "options": c.units}
    elif "enum" in merged:
        out |= {"widget": "select", "options": _options(merged)}
    elif kind == "event":
        out |= {"widget": "object", "fields": fields(schema, merged, c)}
    elif merged.get("type") == "object":
        out |= {"widget": "object", "collapsed": False, "fields": fields(schema, merged, c)}
    elif merged.get("type") == "array":
        items = merged.get("items", {})
        item_kind, item = _resolve(schema, items)
        if item_kind == "unit":
            out |= {"widget": "select", "multiple": True, "options": c.units}
        else:
            out |= {"widget": "list", "fields": fields(schema, item, c)}
    elif name == "deadline_rule":
        out |= {"widget": "select", "options": c.rules}
    else:
        long = int(merged.get("maxLength", 0)) > LONG_TEXT
        out["widget"] = "text" if long else "string"
        if "pattern" in merged:
            out["pattern"] = [_js_pattern(merged["pattern"]), "格式不对：" + out["hint"]]
    return out


_PUNCTUATION = (
    (re.compile(r" ?\((?=[^)]*\))"), "（"),
    (re.compile(r"\) ?"), "）"),
    (re.compile(r", "), "，"),
    (re.compile(r"; "), "；"),
    (re.compile(r": "), "："),
)


def zh_punctuation(text: str) -> str:
    """A schema description with the full-width punctuation people read (the schema keeps
    ASCII for editors that show it beside code)."""
    for pattern, mark in _PUNCTUATION:
        text = pattern.sub(mark, text)
    return text


def _js_pattern(pattern: str) -> str:
    """A schema pattern for the browser: the lookahead that forbids a trailing newline is
    the Python reading's, JavaScript's ``$`` needs none."""
    return pattern.replace("(?!\\n)", "")


def fields(schema: Mapping[str, Any], node: Mapping[str, Any], c: Choices) -> list[dict[str, Any]]:
    """The fields of an object node, in the schema's (the house style's) order."""
    required = set(node.get("required", ()))
    return [
        field(schema, name, sub, name in required, c)
        for name, sub in node.get("properties", {}).items()
    ]


# -- the config --------------------------------------------------------------------------------


def unit_choices(ledger: Ledger) -> list[dict[str, str]]:
    """Each unit of ``units.yaml``: its Chinese short name shown, its code stored."""
    return [{"label": u.label, "value": u.code} for u in ledger.units.values()]


def rule_choices(ledger: Ledger) -> list[dict[str, str]]:
    """The rules a task's ``deadline_rule`` may name, by their titles."""
    return [
        {"label": f"{r.title}（{r.id}）", "value": r.id}
        for r in ledger.rules.values()
        if r.usable_as_deadline
    ]


def next_id(ledger: Ledger, today: date) -> str | None:
    """The next free id of this year (None when the year's numbers are used up)."""
    prefix = ledger.config.id_prefix
    names = [t.id for t in ledger.tasks] + [p.stem for p in ledger.root.glob("tasks/**/*.*")]
    try:
        return task_id(prefix, today.year, next_free(prefix, today.year, names))
    except UserError:
        return None


def tasks_folder(ledger_root: Path) -> str:
    """The tasks folder relative to the repository (Decap's ``folder``)."""
    root = ledger_root.resolve()
    top = toplevel(root)
    base = top.resolve() if top is not None else root.parent
    return (root / "tasks").relative_to(base).as_posix()


def task_fields(ledger: Ledger, today: date) -> list[dict[str, Any]]:
    """The task collection's fields, with the house defaults and the form's own rules: the
    id pre-filled with the next free one, events only appended."""
    schema = load_schema("task")
    choices = Choices(unit_choices(ledger), rule_choices(ledger))
    out = fields(schema, schema, choices)
    assigning = [u.code for u in ledger.units.values() if u.kind == "assigning"]
    for f in out:
        name = f["name"]
        if name in ("deadline", "deadline_rule"):
            f["required"] = False  # one of the two: the schema's oneOf, checked by validate
        if name == "id":
            # Decap writes a field's comment above its key: the editor's schema line (the
            # first line of a task file in the house style) survives a save in the form.
            line = schema_line(ledger.root / "tasks" / str(today.year) / "x.yaml")
            f["comment"] = line.removeprefix("# ")
            suggested = next_id(ledger, today)
            if suggested is not None:
                f["default"] = suggested
                f["hint"] += (
                    f"新建任务时已预填生成表单时的下一个空闲编号 {suggested}；"
                    "若合并请求检查提示编号重复（duplicate-id），说明别人已先用了它："
                    "请改用提示中给出的未用编号。"
                )
        elif name == "priority":
            f["default"] = "normal"
        elif name == "visibility":
            f["default"] = "public"
        elif name == "assigned_by" and len(assigning) == 1:
            f["default"] = assigning[0]
        elif name == "owner":
            for sub in f["fields"]:
                if sub["name"] == "lead":
                    sub["default"] = DEFAULT_LEAD
        elif name == "events":
            f |= {
                "allow_remove": False,
                "allow_reorder": False,
                "add_to_top": False,
                "collapsed": True,
                "summary": "{{fields.date}} {{fields.type}} {{fields.by}}",
                "label_singular": "办理记录",
            }
            f["required"] = True
            f["default"] = []
        elif name == "milestones":
            f |= {"collapsed": True, "summary": "{{fields.title}} {{fields.due}}"}
    return out


def cms_config(
    ledger: Ledger,
    *,
    today: date,
    backend: str = "forgejo",
    branch: str = "main",
    app_id: str = "",
    proxy_port: int = PROXY_PORT,
) -> dict[str, Any]:
    """The whole ``config.yml`` as plain data."""
    forge = forge_of(ledger.config.repo_url)
    back: dict[str, Any] = {
        "name": backend,
        "repo": forge.repo,
        "branch": branch,
        "base_url": forge.base_url,
        "api_root": forge.api_root,
    }
    if app_id:
        back["app_id"] = app_id
    return {
        "backend": back,
        "publish_mode": "editorial_workflow",
        "local_backend": {
            "url": f"http://127.0.0.1:{proxy_port}/api/v1",
            "allowed_hosts": ["127.0.0.1", "localhost"],
        },
        "locale": "zh_Hans",
        "site_url": safe_url(ledger.config.site_url) or None,
        "media_folder": f"{tasks_folder(ledger.root).rsplit('/', 1)[0]}/media",
        "collections": [
            {
                "name": "tasks",
                "label": "督办任务",
                "label_singular": "督办任务",
                "description": (
                    "每项任务一个文件；保存后生成待审核的合并请求，经检查和审核后才进入台账。"
                ),
                "folder": tasks_folder(ledger.root),
                "path": "{{year}}/{{slug}}",
                "extension": "yaml",
                "format": "yaml",
                "create": True,
                "delete": False,
                "identifier_field": "id",
                "slug": "{{id}}",
                "summary": "{{id}} {{title}}",
                "sortable_fields": ["id", "received"],
                "editor": {"preview": False},
                "fields": task_fields(ledger, today),
            }
        ],
    }


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper without anchors and aliases (the unit list is repeated)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def config_text(config: Mapping[str, Any]) -> str:
    """``config.yml``: every value a quoted or plain scalar chosen by PyYAML's emitter, so a
    value never becomes a key, a comment or a document marker."""
    header = "# 由 duban cms 根据 schemas/task.schema.json 和台账设置生成，请勿手工修改。\n"
    body = yaml.dump(
        {k: v for k, v in config.items() if v is not None},
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=1_000_000,
    )
    return header + body


def index_html(ledger: Ledger) -> str:
    """The form's page: the bundle from this folder, nothing from elsewhere."""
    title = esc(f"{ledger.config.short_name or ledger.config.name} · 网页填报")
    return (
        "<!doctype html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{title}</title>\n"
        '<link href="config.yml" type="text/yaml" rel="cms-config-url">\n'
        "</head>\n<body>\n"
        f'<script src="{BUNDLE}"></script>\n'
        "</body>\n</html>\n"
    )


__all__ = [
    "BACKENDS",
    "BUNDLE",
    "PORT_ENV",
    "PROXY_PORT",
    "Forge",
    "cms_config",
    "config_text",
    "default_proxy_port",
    "field",
    "fields",
    "forge_of",
    "index_html",
    "next_id",
    "task_fields",
    "zh_punctuation",
]
