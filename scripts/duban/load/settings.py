"""Reading ``ledger.yaml`` (settings) and ``units.yaml`` (the roster) into records."""

from __future__ import annotations

from pathlib import Path

from duban.load import schema
from duban.load.layout import Layout
from duban.load.yamlload import load_file, load_text
from duban.model import LedgerConfig, Unit
from duban.problems import Problem
from duban.source import Document, Location
from duban.text import Text


def _read(path: Path, name: str, layout: Layout) -> tuple[Document | None, list[Problem]]:
    if not path.is_file():
        return None, [
            Problem(
                "file-missing",
                Location(layout.display(path)),
                Text(f"缺少文件 {path.name}", f"missing file {path.name}"),
            )
        ]
    return _checked(*load_file(path, layout.display(path)), name)


def _checked(
    doc: Document | None, problems: list[Problem], name: str
) -> tuple[Document | None, list[Problem]]:
    """A parsed settings document if it passes its schema ``schemas/<name>.schema.json``."""
    if doc is None:
        return None, problems
    problems = schema.check(doc, name)
    return (doc if not problems else None), problems


def load_config(layout: Layout) -> tuple[LedgerConfig | None, list[Problem]]:
    return config_from(*_read(layout.config, "ledger", layout))


def load_config_text(raw: bytes, display: str) -> tuple[LedgerConfig | None, list[Problem]]:
    """``ledger.yaml`` from its contents (a Git blob), by the same steps as a file."""
    return config_from(*_checked(*load_text(raw, display), "ledger"))


def load_units_text(raw: bytes, display: str) -> tuple[dict[str, Unit], list[Problem]]:
    """``units.yaml`` from its contents (a Git blob), by the same steps as a file."""
    return units_from(*_checked(*load_text(raw, display), "units"))


def load_roster_text(
    raw: bytes, display: str
) -> tuple[dict[str, Unit], frozenset[str], list[Problem]]:
    """``units.yaml`` from a Git blob: the units and the ``code_maintainers`` (accounts that
    may change what lies outside the ledger folder, lower case, without ``@``)."""
    doc, problems = _checked(*load_text(raw, display), "units")
    units, problems = units_from(doc, problems)
    accounts = doc.data.get("code_maintainers", []) if doc is not None else []
    return units, frozenset(str(a).lstrip("@").lower() for a in accounts), problems


def config_from(
    doc: Document | None, problems: list[Problem]
) -> tuple[LedgerConfig | None, list[Problem]]:
    if doc is None:
        return None, problems
    data = doc.data
    config = LedgerConfig(
        name=data["name"],
        id_prefix=data["id_prefix"],
        timezone=data["timezone"],
        language=data["language"],
        short_name=data.get("short_name", ""),
        warning_days=data.get("warning_days", 3),
        backfill_days=data.get("backfill_days", 3),
        site_url=data.get("site_url", ""),
        repo_url=data.get("repo_url", ""),
        contact=data.get("contact", ""),
        fictional=data.get("fictional", False),
        notice=data.get("notice", ""),
        host=data.get("host", ""),
        operator=data.get("operator", ""),
        site_id_code=data.get("site_id_code", ""),
        icp=data.get("icp", ""),
        police_record=data.get("police_record", ""),
        gov_mark=data.get("gov_mark", ""),
        where=doc.loc(),
    )
    return config, problems


def load_units(layout: Layout) -> tuple[dict[str, Unit], list[Problem]]:
    return units_from(*_read(layout.units, "units", layout))


def units_from(
    doc: Document | None, problems: list[Problem]
) -> tuple[dict[str, Unit], list[Problem]]:
    if doc is None:
        return {}, problems
    units: dict[str, Unit] = {}
    for index, item in enumerate(doc.data["units"]):
        where = doc.loc("units", index, "code")
        if item["code"] in units:
            first = units[item["code"]].where
            problems.append(
                Problem(
                    "duplicate-unit",
                    where,
                    Text(
                        f"单位代码 {item['code']} 重复 (已用于 {first})",
                        f"unit code {item['code']} is used twice (first at {first})",
                    ),
                    field=f"$.units[{index}].code",
                )
            )
            continue
        units[item["code"]] = Unit(
            code=item["code"],
            name=item["name"],
            kind=item["kind"],
            maintainers=tuple(item["maintainers"]),
            short_name=item.get("short_name", ""),
            where=where,
            maintainers_at=tuple(
                doc.loc("units", index, "maintainers", k) for k in range(len(item["maintainers"]))
            ),
        )
    return units, problems
