"""A small ledger in a real Git repository, with an internal canary task, and its built site.

Shared by the site tests (build, leak, offline, browser, background): :func:`make_repo` makes
the repository, :func:`build` builds a site of it; ``tests/conftest.py`` builds the strict site
once per session (the ``built_site`` fixture, a :class:`Built`).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from support.gitrepo import AUTHOR, EMAIL, GitRepo
from support.paths import ROOT
from support.tasks import ev, task_yaml

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


def site_task(
    tid: str,
    title: str,
    unit: str,
    received: str,
    events: list[str],
    deadline: str | None = None,
    rule: str | None = None,
    co: str = "",
    visibility: str = "public",
    **more: Any,
) -> str:
    """A task of this ledger: :func:`support.tasks.task_yaml` with its standard and units."""
    return task_yaml(
        tid,
        title=title,
        unit=unit,
        received=received,
        events=events,
        deadline=deadline,
        deadline_rule=rule,
        co_units=[co] if co else [],
        visibility=visibility,
        standard="按要求完成并报送落实情况",
        **more,
    )


def tasks() -> dict[str, str]:
    """Task id → YAML text (the final state)."""
    t = {
        "ES-2026-0101": site_task(
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
            milestones=[("完成调研", "2026-12-15")],
        ),
        "ES-2026-0102": site_task(
            "ES-2026-0102",
            "推进全州农村公路提质改造",
            "jtj",
            "2026-11-16",
            [ev("2026-11-16", "reported-to-leader", "jtj"), ev("2026-11-17", "decomposed", "jtj")],
            deadline="2026-12-18",
            description="重点实施通村公路安全生命防护工程",
        ),
        "ES-2026-0103": site_task(
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
        "ES-2026-0104": site_task(
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
        "ES-2026-0105": site_task(
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
        "ES-2026-0106": site_task(
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
        "ES-2026-0107": site_task(
            "ES-2026-0107",
            "建设全州政务服务一网通办平台",
            "czj",
            "2026-12-21",
            [ev("2026-12-21", "reported-to-leader", "czj"), ev("2026-12-22", "decomposed", "czj")],
            deadline="2027-02-26",
        ),
        "ES-2026-0108": site_task(
            "ES-2026-0108",
            "完善重点项目调度机制",
            "jtj",
            "2026-12-01",
            [
                ev("2026-12-01", "reported-to-leader", "jtj"),
                ev("2026-12-02", "decomposed", "jtj", "与相关专项统筹推进"),
                ev("2026-12-03", "deployed", "jtj", "参照既有调度做法"),
                ev("2026-12-07", "plan-reported", "jtj"),
            ],
            deadline="2027-01-29",
        ),
        CANARY_ID: site_task(
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
            description="CANARYDESC7F3A9 秘密调度室 专项工作",
        ),
    }
    return t


#: The clerk who commits to this ledger, and the date of commits that give none.
CLERK = "督查室 张三"
CLERK_MAIL = "clerk@example.gov.cn"
#: The clerk of 州交通运输局 who records the last events.
OTHER_CLERK = "州交通运输局 李四"
#: Personal data of the commit authors: never on the public site (the trail names units).
AUTHOR_MARKERS = ("张三", "李四", CLERK_MAIL, OTHER_CLERK, AUTHOR, EMAIL)
FIRST_DAY = "2026-09-01T09:00:00+08:00"


def site_git(repo: Path, init: bool = False) -> GitRepo:
    """The repository of :func:`make_repo` (``init``: a new one), committing as the clerk."""
    return GitRepo(repo, author=CLERK, email=CLERK_MAIL, when=FIRST_DAY, init=init)


def make_repo(repo: Path) -> Path:
    """A Git repository with the site config, a ledger and a few commits of history."""
    git = site_git(repo, init=True)
    shutil.copy(ROOT / "mkdocs.yml", repo / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", repo / "docs")
    ledger = repo / "ledger"
    (ledger / "tasks" / "2026").mkdir(parents=True)
    (ledger / "ledger.yaml").write_text(SETTINGS, encoding="utf-8")
    (ledger / "units.yaml").write_text(UNITS, encoding="utf-8")
    shutil.copy(ROOT / "ledger" / "rules.yaml", ledger / "rules.yaml")
    shutil.copytree(ROOT / "ledger" / "calendar", ledger / "calendar")
    git.commit("建立台账")
    final = tasks()
    folder = ledger / "tasks" / "2026"
    # First version of every task: without its last event (so the trail shows a change).
    for n, (tid, text) in enumerate(sorted(final.items())):
        lines = text.rstrip("\n").split("\n")
        (folder / f"{tid}.yaml").write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
        subject = f"交办 {tid}" if tid != CANARY_ID else f"交办 {CANARY_ID} CANARYCOMMIT88"
        git.commit(subject, when=f"2026-12-0{1 + n % 8}T10:00:00+08:00")
    # Then the last events, one commit naming the canary while touching a public task too.
    for tid, text in sorted(final.items()):
        (folder / f"{tid}.yaml").write_text(text, encoding="utf-8")
    git.commit(
        f"登记办理情况（含 {CANARY_ID} {CANARY_TITLE}）",
        author=OTHER_CLERK,
        when="2026-12-22T16:30:00+08:00",
    )
    return repo


@dataclass
class Built:
    repo: Path
    site: Path
    result: Any
    problems: list[Any]


def build(project: Path, out: Path, strict: bool = False, **options: Any) -> Built:
    """Build the site of the repository ``project`` (its ``ledger/`` and ``mkdocs.yml``,
    given explicitly, so the build never depends on the current folder) into ``out``;
    ``options`` go to :func:`duban.web.build.build_site` (``repo=None``: found from the
    ledger)."""
    from duban.web.build import build_site

    options.setdefault("as_of", AS_OF)
    options.setdefault("repo", project)
    options.setdefault("config_file", project / "mkdocs.yml")
    result, problems = build_site(project / "ledger", out=out, strict=strict, **options)
    return Built(project, out, result, problems)
