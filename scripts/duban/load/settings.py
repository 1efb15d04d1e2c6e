"""Reading ``ledger.yaml`` (settings) and ``units.yaml`` (the roster) into records."""

from __future__ import annotations

from pathlib import Path

from duban.load import schema
from duban.load.layout import Layout
from duban.load.yamlload import load_file, load_text
from duban.model import Channel, LedgerConfig, Unit
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
    if name == "units":
        secrets = channel_secrets(doc)
        flagged = {p.field for p in secrets}
        problems = [p for p in problems if p.field not in flagged] + secrets
    return (doc if not problems else None), problems


_SECRET_HINTS = ("://", "access_token", "key=", "hook/", "@")


def _looks_secret(value: object) -> bool:
    """A webhook address, a token or a password written where an environment variable's
    NAME belongs (names are upper case, digits and ``_``; a 钉钉 secret is ``SEC`` and 64
    hex digits)."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if any(hint in text.lower() for hint in _SECRET_HINTS):
        return True
    return len(text) >= 24 and any(c.islower() for c in text) and any(c.isdigit() for c in text)


def channel_secrets(doc: Document) -> list[Problem]:
    """``units.yaml`` must not hold a webhook address or a secret: each ``channels`` field
    names an environment variable (the forge's secrets), and a value that looks like the
    address or the secret itself is an error at its line, saying what to do instead."""
    found: list[Problem] = []
    units = doc.data.get("units") if isinstance(doc.data, dict) else None
    if not isinstance(units, list):
        return found
    for i, unit in enumerate(units):
        channels = unit.get("channels") if isinstance(unit, dict) else None
        if not isinstance(channels, list):
            continue
        for j, channel in enumerate(channels):
            if not isinstance(channel, dict):
                continue
            for key, value in channel.items():
                if key == "kind" or not _looks_secret(value):
                    continue
                field = f"$.units[{i}].channels[{j}].{key}"
                found.append(
                    Problem(
                        "channel-secret-in-file",
                        doc.loc("units", i, "channels", j, key),
                        Text(
                            f"字段 {field}：这里像是写入了 webhook 地址、密钥或口令本身。"
                            "units.yaml 是公开的台账文件，只能写环境变量的名字（如 "
                            "DUBAN_FGW_DINGTALK_URL），地址和密钥请放在代码托管平台的 "
                            "secrets 中；已经提交的密钥请立即在机器人设置中重置。",
                            f"field {field}: this looks like a webhook address, secret or "
                            "password itself. units.yaml is a public ledger file: write the "
                            "NAME of an environment variable (e.g. DUBAN_FGW_DINGTALK_URL) and "
                            "keep the value in the forge's secrets; reset a secret that was "
                            "committed.",
                        ),
                        field=field,
                    )
                )
    return found


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
                        f"单位代码 {item['code']} 重复（已用于 {first}）",
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
            channels=tuple(
                Channel(
                    kind=channel["kind"],
                    webhook_env=channel.get("webhook_env", ""),
                    secret_env=channel.get("secret_env", ""),
                    to_env=channel.get("to_env", ""),
                    internal=channel.get("internal", False),
                    where=doc.loc("units", index, "channels", k),
                )
                for k, channel in enumerate(item.get("channels", ()))
            ),
        )
    return units, problems
