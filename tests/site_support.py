"""A small ledger in a real Git repository, with an internal canary task, and its built site.

Shared by the site tests (build, leak, offline, browser): the site is built once per test
session (strict MkDocs build) and reused.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 12, 23)  # a Wednesday; deadlines a few working days on reach into 2027

CANARY_ID = "ES-2026-0666"
CANARY_TITLE = "金丝雀绝密事项演练"
#: Strings that exist only in the internal canary task or in commit messages about it.
CANARY_MARKERS = (
    CANARY_ID,
    CANARY_TITLE,
    "CANARYDESC7F3A9",
    "秘密调度室",
    "CANARYNOTE51",
    "CANARYCOMMIT88",
)

SETTINGS = """\
name: 测试州人民政府督办台账
short_name: 测试台账
id_prefix: ES
timezone: Asia/Shanghai
language: zh-CN
warning_days: 3
site_url: https://duban.example.gov.cn/
repo_url: https://git.example.gov.cn/duban/ledger
contact: 测试州人民政府督查室 0718-0000000
fictional: true
notice: 本站为测试用虚构数据。
"""

UNITS = "units:\n" + "".join(
    f"  - {{code: {code}, name: {name}, short_name: {short}, kind: {kind}, "
    f"maintainers: [{code}-clerk]}}\n"
    for code, name, short, kind in (
        ("zfb", "测试州人民政府办公室", "州政府办", "assigning"),
        ("fgw", "测试州发展和改革委员会", "州发改委", "department"),
        ("czj", "测试州财政局", "州财政局", "department"),
        ("jtj", "测试州交通运输局", "州交通运输局", "department"),
    )
)


def task_yaml(
    tid: str,
    title: str,
    unit: str,
    received: str,
    events: list[str],
    deadline: str | None = None,
    rule: str | None = None,
    co: str = "",
    visibility: str = "public",
    priority: str = "normal",
    extra: str = "",
) -> str:
    limit = f"deadline: {deadline}" if deadline else f"deadline_rule: {rule}"
    co_line = f"\n  co_units: [{co}]" if co else ""
    lines = "\n".join(f"  - {e}" for e in events)
    return (
        f"id: {tid}\ntitle: {title}\nreceived: {received}\nassigned_by: zfb\n"
        f"owner:\n  unit: {unit}\n  lead: 主要负责同志{co_line}\n"
        f"standard: 按要求完成并报送落实情况\npriority: {priority}\n{limit}\n"
        f"visibility: {visibility}\n{extra}events:\n{lines}\n"
    )


def ev(d: str, kind: str, by: str, note: str = "", **more: str) -> str:
    parts = [f"date: {d}", f"type: {kind}", f"by: {by}"]
    parts += [f"{k}: {v}" for k, v in more.items()]
    if note:
        parts.append(f"note: {note}")
    return "{" + ", ".join(parts) + "}"


def tasks() -> dict[str, str]:
    """Task id → YAML text (the final state)."""
    t = {
        "ES-2026-0101": task_yaml(
            "ES-2026-0101",
            "制定全州优化营商环境三年行动方案",
            "fgw",
            "2026-11-02",
            [
                ev("2026-11-02", "reported-to-leader", "fgw"),
                ev("2026-11-03", "decomposed", "fgw"),
                ev("2026-11-04", "deployed", "fgw", "制定工作方案"),
                ev("2026-11-06", "plan-reported", "fgw"),
                ev("2026-11-13", "progress-reported", "fgw"),
                ev("2026-12-14", "milestone-reported", "czj", milestone="完成调研"),
            ],
            deadline="2027-03-31",
            co="czj",
            extra="milestones:\n  - {title: 完成调研, due: 2026-12-15}\n",
        ),
        "ES-2026-0102": task_yaml(
            "ES-2026-0102",
            "推进全州农村公路提质改造",
            "jtj",
            "2026-11-16",
            [ev("2026-11-16", "reported-to-leader", "jtj"), ev("2026-11-17", "decomposed", "jtj")],
            deadline="2026-12-18",
            extra="description: 重点实施通村公路安全生命防护工程\n",
        ),
        "ES-2026-0103": task_yaml(
            "ES-2026-0103",
            "编制年度财政预算执行分析报告",
            "czj",
            "2026-12-14",
            [
                ev("2026-12-14", "reported-to-leader", "czj"),
                ev("2026-12-15", "decomposed", "czj"),
                ev("2026-12-16", "deployed", "czj"),
                ev("2026-12-18", "plan-reported", "czj"),
            ],
            deadline="2026-12-25",
        ),
        "ES-2026-0104": task_yaml(
            "ES-2026-0104",
            "清理规范涉企违规收费",
            "fgw",
            "2026-10-12",
            [
                ev("2026-10-12", "reported-to-leader", "fgw"),
                ev("2026-10-13", "decomposed", "fgw"),
                ev("2026-10-14", "deployed", "fgw"),
                ev("2026-10-16", "plan-reported", "fgw"),
                ev("2026-10-23", "progress-reported", "fgw"),
                ev("2026-11-27", "completed", "fgw", "已完成清理"),
            ],
            deadline="2026-11-30",
            co="czj",
        ),
        "ES-2026-0105": task_yaml(
            "ES-2026-0105",
            "整治城区交通拥堵点",
            "jtj",
            "2026-09-01",
            [
                ev("2026-09-01", "reported-to-leader", "jtj"),
                ev("2026-09-02", "decomposed", "jtj"),
                ev("2026-09-03", "deployed", "jtj"),
                ev("2026-09-07", "plan-reported", "jtj"),
                ev("2026-09-14", "progress-reported", "jtj"),
                ev("2026-11-05", "completed", "jtj"),
                ev("2026-11-10", "verified", "zfb", "现场核查"),
                ev("2026-11-10", "closed", "zfb"),
            ],
            deadline="2026-10-30",
        ),
        "ES-2026-0106": task_yaml(
            "ES-2026-0106",
            "出台支持民营经济发展若干措施",
            "fgw",
            "2026-11-02",
            [
                ev("2026-11-02", "reported-to-leader", "fgw"),
                ev("2026-11-03", "decomposed", "fgw"),
                ev("2026-11-04", "deployed", "fgw"),
                ev("2026-11-06", "plan-reported", "fgw"),
                ev("2026-11-16", "completed", "fgw", "代拟稿已报送"),
                ev("2026-11-20", "verified", "zfb"),
                ev("2026-11-20", "closed", "zfb"),
            ],
            rule="draft-general",
        ),
        "ES-2026-0107": task_yaml(
            "ES-2026-0107",
            "建设全州政务服务一网通办平台",
            "czj",
            "2026-12-21",
            [ev("2026-12-21", "reported-to-leader", "czj"), ev("2026-12-22", "decomposed", "czj")],
            deadline="2027-02-26",
        ),
        "ES-2026-0108": task_yaml(
            "ES-2026-0108",
            "完善重点项目调度机制",
            "jtj",
            "2026-12-01",
            [
                ev("2026-12-01", "reported-to-leader", "jtj"),
                ev("2026-12-02", "decomposed", "jtj", f"与 {CANARY_ID} 统筹推进"),
                ev("2026-12-03", "deployed", "jtj", f"参照{CANARY_TITLE}的做法"),
                ev("2026-12-07", "plan-reported", "jtj"),
            ],
            deadline="2027-01-29",
        ),
        CANARY_ID: task_yaml(
            CANARY_ID,
            CANARY_TITLE,
            "jtj",
            "2026-12-01",
            [
                ev("2026-12-01", "reported-to-leader", "jtj"),
                ev("2026-12-02", "decomposed", "jtj", "CANARYNOTE51 秘密调度室"),
            ],
            deadline="2026-12-10",
            visibility="internal",
            extra="description: CANARYDESC7F3A9 秘密调度室 专项工作\n",
        ),
    }
    return t


def _git(repo: Path, *args: str, when: str = "2026-09-01T09:00:00+08:00", who: str = "") -> None:
    name = who or "督查室 张三"
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": "clerk@example.gov.cn",
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": "clerk@example.gov.cn",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def make_repo(repo: Path) -> Path:
    """A Git repository with the site config, a ledger and a few commits of history."""
    repo.mkdir(parents=True, exist_ok=True)
    _git(repo, "init", "-q", "-b", "main")
    shutil.copy(ROOT / "mkdocs.yml", repo / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", repo / "docs")
    ledger = repo / "ledger"
    (ledger / "tasks" / "2026").mkdir(parents=True)
    (ledger / "ledger.yaml").write_text(SETTINGS, encoding="utf-8")
    (ledger / "units.yaml").write_text(UNITS, encoding="utf-8")
    shutil.copy(ROOT / "ledger" / "rules.yaml", ledger / "rules.yaml")
    shutil.copytree(ROOT / "ledger" / "calendar", ledger / "calendar")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "建立台账")
    final = tasks()
    folder = ledger / "tasks" / "2026"
    # First version of every task: without its last event (so the trail shows a change).
    for n, (tid, text) in enumerate(sorted(final.items())):
        lines = text.rstrip("\n").split("\n")
        (folder / f"{tid}.yaml").write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
        _git(repo, "add", "-A")
        subject = f"交办 {tid}" if tid != CANARY_ID else f"交办 {CANARY_ID} CANARYCOMMIT88"
        _git(repo, "commit", "-q", "-m", subject, when=f"2026-12-0{1 + n % 8}T10:00:00+08:00")
    # Then the last events, one commit naming the canary while touching a public task too.
    for tid, text in sorted(final.items()):
        (folder / f"{tid}.yaml").write_text(text, encoding="utf-8")
    _git(repo, "add", "-A")
    _git(
        repo,
        "commit",
        "-q",
        "-m",
        f"登记办理情况（含 {CANARY_ID} {CANARY_TITLE}）",
        when="2026-12-22T16:30:00+08:00",
        who="州交通运输局 李四",
    )
    return repo


@dataclass
class Built:
    repo: Path
    site: Path
    result: object
    problems: list


_CACHE: dict[str, Built] = {}


def built_site(tmp_path_factory) -> Built:  # type: ignore[no-untyped-def]
    """Build (once per session) the strict site of :func:`make_repo`."""
    if "site" not in _CACHE:
        from duban.web.build import build_site

        base = tmp_path_factory.mktemp("site")
        repo = make_repo(base / "repo")
        site = base / "out"
        cwd = os.getcwd()
        os.chdir(repo)
        try:
            result, problems = build_site(
                repo / "ledger", out=site, as_of=AS_OF, repo=repo, strict=True
            )
        finally:
            os.chdir(cwd)
        _CACHE["site"] = Built(repo, site, result, problems)
    return _CACHE["site"]
