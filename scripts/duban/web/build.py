"""Build the public status site: load → status → audit → public filter → pages → MkDocs.

Typical use (what ``duban build`` does)::

    result, problems = build_site(Path("ledger"), out=Path("site"))

The generated Markdown goes into a work folder (``.duban-build/docs`` beside ``mkdocs.yml``;
never committed) with a generated ``.duban-build/mkdocs.yml`` that ``INHERIT``s the
user-editable ``mkdocs.yml`` at the repository root and adds only what comes from the ledger
(site name, the navigation of summary pages, the notice, the speed-up hooks). So
``mkdocs build -f .duban-build/mkdocs.yml`` (or an engine that reads ``mkdocs.yml``) builds
the same site; we call MkDocs through its Python API. The machine-readable files (``api/``)
are written to ``.duban-build/feeds`` while MkDocs runs and copied into the site.

Two stages run in a child process beside the others (:mod:`duban.web.background`): the
audit trails while the pages are prepared, and the feeds while MkDocs runs.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from duban.git import TASKS_PREFIX
from duban.ledger import load_ledger
from duban.problems import Problem
from duban.source import Location
from duban.status.select import ledger_status
from duban.text import Text
from duban.web.background import Job
from duban.web.feeds import write_feeds
from duban.web.pages import Pages, SiteInfo, nav, notice_text
from duban.web.public import PublicView, public_view
from duban.web.trail import trail_tables

#: Static files of the site (CSS, logo) live in ``docs/`` beside ``mkdocs.yml``; template
#: overrides in ``docs/overrides`` are used by the theme, not copied as pages.
SKIP_ASSETS = {"overrides"}


@dataclass
class BuildResult:
    site_dir: Path
    docs_dir: Path
    config_file: Path
    as_of: date
    tasks: int = 0
    pages: int = 0
    commit: str = ""
    times: dict[str, float] = field(default_factory=dict)


def _problem(code: str, where: str, zh: str, en: str, severity: str = "error") -> Problem:
    return Problem(code, Location(where), Text(zh, en), severity=severity)


def git_toplevel(path: Path) -> Path | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(path), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    return Path(out.stdout.strip()) if out.returncode == 0 and out.stdout.strip() else None


def head_commit(repo: Path) -> tuple[str, str]:
    """(sha, committer date ISO) of HEAD, or ("", "")."""
    out = subprocess.run(
        ["git", "-C", str(repo), "log", "-1", "--format=%H%x00%cd", "--date=iso-strict"],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0 or "\0" not in out.stdout:
        return "", ""
    sha, when = out.stdout.strip().split("\0", 1)
    return sha, when


def _copy_assets(src: Path, dest: Path) -> None:
    if not src.is_dir():
        return
    for item in src.iterdir():
        if item.name in SKIP_ASSETS or item.name.startswith("."):
            continue
        if item.is_dir():
            shutil.copytree(item, dest / item.name, dirs_exist_ok=True)
        else:
            shutil.copy2(item, dest / item.name)


def _read_user_config(config_file: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The user's ``mkdocs.yml`` as a mapping (its ``INHERIT`` merged, as MkDocs reads it), or
    None and a ``site-config`` problem when it cannot be read or is not a mapping."""
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils import yaml_load

    where = str(config_file)
    try:
        with config_file.open("rb") as fh:
            data = yaml_load(fh)
    except (ConfigurationError, OSError) as exc:
        zh = f"无法读取网站配置文件 {config_file}: {exc}"
        return None, [_problem("site-config", where, zh, f"cannot read {config_file}: {exc}")]
    except TypeError:  # a number or the like at the top level ("INHERIT" in 5)
        data = None
    if not isinstance(data, dict):
        zh = f"网站配置文件 {config_file} 的顶层应是键值对(如 site_name: ...)"
        en = f"the top level of {config_file} must be a mapping (such as site_name: ...)"
        return None, [_problem("site-config", where, zh, en)]
    return data, []


def write_config(
    work: Path,
    user_config: Path,
    parent: dict[str, Any],
    site_name: str,
    site_url: str,
    notice: str,
) -> Path:
    """``work/mkdocs.yml``: the user's config (INHERIT; ``parent`` is its content) plus what
    the ledger decides."""
    generated: dict[str, Any] = {
        "INHERIT": str(Path(_relpath(user_config, work))),
        "site_name": site_name,
        "docs_dir": "docs",
        "nav": nav(),
        "hooks": [str(Path(__file__).with_name("mkdocs_hooks.py"))],
    }
    theme = parent.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        # Relative paths of the inherited config are read relative to the generated one.
        custom = user_config.parent / str(theme["custom_dir"])
        generated["theme"] = {"custom_dir": _relpath(custom, work)}
    if site_url and not parent.get("site_url"):
        generated["site_url"] = site_url
    if notice:
        generated["extra"] = {"duban_notice": notice}
    path = work / "mkdocs.yml"
    text = "# Generated by duban build: do not edit; edit ../mkdocs.yml instead.\n"
    text += yaml.safe_dump(generated, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def _relpath(target: Path, start: Path) -> str:
    import os

    return os.path.relpath(target.resolve(), start.resolve())


def mkdocs_build(config_file: Path, site_dir: Path, strict: bool) -> list[Problem]:
    """Build with MkDocs' Python API; warnings become problems (errors when ``strict``)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    messages: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record)

    handler = Collect(logging.WARNING)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    problems: list[Problem] = []
    try:
        cfg = load_config(config_file=str(config_file), site_dir=str(site_dir), strict=strict)
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            build(cfg)
        finally:
            cfg.plugins.on_shutdown()
    except (Abort, ConfigurationError, OSError) as exc:
        problems.append(
            _problem("site-mkdocs", str(config_file), f"MkDocs 构建失败: {exc}", f"MkDocs: {exc}")
        )
    finally:
        logger.removeHandler(handler)
    severity = "error" if strict else "warning"
    for record in messages:
        text = record.getMessage()
        problems.append(
            _problem("site-mkdocs-warning", str(config_file), text, text, severity=severity)
        )
    return problems


class Stopwatch:
    """Wall time of each stage, in order (``BuildResult.times``; the benchmark reports it)."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.times[stage] = now - self._last
        self._last = now


def find_config(config_file: Path | None, repo: Path | None) -> Path | None:
    """The user's ``mkdocs.yml``: as given, else in the current folder, else in the repo."""
    if config_file is None:
        candidates = [Path("mkdocs.yml")] + ([repo / "mkdocs.yml"] if repo else [])
        config_file = next((c for c in candidates if c.is_file()), None)
    return config_file if config_file is not None and config_file.is_file() else None


def _unsafe_out(
    out: Path, ledger_dir: Path, config_file: Path | None, work: Path | None, repo: Path | None
) -> Problem | None:
    """MkDocs empties ``out`` first: it must not be or hold the ledger, the work folder, the
    folder of ``mkdocs.yml`` or the repository root, nor lie inside the ledger or the work
    folder (inside the project, like the default ``site``, is fine)."""
    guarded = [
        (ledger_dir, False, "台账目录", "ledger folder"),
        (work, False, "生成文件的工作目录", "work folder"),
        (config_file.parent if config_file else None, True, "项目目录", "project folder"),
        (repo, True, "仓库根目录", "repository root"),
    ]
    for folder, may_hold_out, zh, en in guarded:
        if folder is None:
            continue
        folder = folder.resolve()
        if folder.is_relative_to(out) or (not may_hold_out and out.is_relative_to(folder)):
            return _problem(
                "site-out-unsafe",
                str(out),
                f"不能把网站输出到 {out}: 生成网站时会清空该目录, 而它与{zh} {folder} 重叠",
                f"cannot build the site into {out}: the build empties that folder,"
                f" which overlaps the {en} {folder}",
            )
    return None


def _write_feeds(view: PublicView, feeds: Path, *args: Any) -> None:
    """``write_feeds`` into ``feeds``, which appears whole or not at all: the hooks copy it
    into the site when MkDocs finishes, if it is there by then (``mkdocs build`` on the
    generated config gets ``api/`` too); ``build_site`` copies it once the job is done."""
    partial = feeds.with_name(feeds.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    write_feeds(view, partial, *args)
    partial.rename(feeds)


def build_site(
    ledger_dir: Path,
    out: Path = Path("site"),
    as_of: date | None = None,
    repo: Path | None = None,
    config_file: Path | None = None,
    work: Path | None = None,
    strict: bool = False,
) -> tuple[BuildResult | None, list[Problem]]:
    """Build the public site of ``ledger_dir`` into ``out``; returns the result and problems.

    ``repo`` is the Git repository whose history gives the audit trails (default: the one
    holding the ledger); ``config_file`` the user's ``mkdocs.yml`` (default: ``mkdocs.yml`` of
    the current folder, else of the repository); ``work`` the folder for generated Markdown
    (default: ``.duban-build`` beside ``mkdocs.yml``). Result is None when nothing could be
    built.
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)
    repo = repo if repo is not None else git_toplevel(ledger_dir)
    asked = str(config_file or "mkdocs.yml")
    config_file = find_config(config_file, repo)
    if config_file is not None and work is None:
        work = config_file.parent / ".duban-build"
    out = out.resolve()
    unsafe = _unsafe_out(out, ledger_dir, config_file, work, repo)
    if unsafe is not None:
        return None, [unsafe]
    clock = Stopwatch()
    ledger, problems = load_ledger(ledger_dir)
    clock.lap("load")
    if ledger is None:
        return None, problems
    if config_file is None or work is None:
        no_config = _problem(
            "site-no-config",
            asked,
            "找不到网站配置文件 mkdocs.yml",
            "no mkdocs.yml site configuration found",
        )
        return None, [*problems, no_config]
    user_config, config_problems = _read_user_config(config_file)
    if user_config is None:
        return None, [*problems, *config_problems]
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        cannot = _problem(
            "site-out",
            str(out),
            f"无法创建网站输出目录 {out}: {reason}",
            f"cannot create the site folder {out}: {reason}",
        )
        return None, [*problems, cannot]
    if as_of is None:
        from duban.calendar.clock import today

        as_of = today(ledger.config.timezone)
    if repo and (repo / TASKS_PREFIX).resolve() != (ledger_dir / "tasks").resolve():
        problems.append(
            _problem(
                "site-audit-layout",
                str(ledger_dir),
                f"变更记录只读取仓库根目录下 {TASKS_PREFIX} 的历史, 本台账不在该位置:"
                " 任务页将没有变更记录",
                f"audit trails are read from {TASKS_PREFIX} at the repository root only;"
                " this ledger is elsewhere, so task pages will have no trail",
                severity="warning",
            )
        )
    with ExitStack() as jobs:
        # The audit reads the Git history in a child process while the pages are prepared.
        audit = jobs.enter_context(Job(trail_tables, repo, ledger)) if repo else None
        view = public_view(ledger, ledger_status(ledger, as_of), as_of)
        clock.lap("status")
        commit, commit_date = head_commit(repo) if repo else ("", "")
        docs, feeds = work / "docs", work / "feeds"
        for folder in (docs, feeds):
            if folder.exists():
                shutil.rmtree(folder)
        docs.mkdir(parents=True)
        _copy_assets(config_file.parent / "docs", docs)
        note = "（没有变更记录。）\n" if repo else "（台账不在 Git 仓库中, 没有变更记录。）\n"
        info = SiteInfo(commit, commit_date, audit_note=note)
        directory_urls = bool(user_config.get("use_directory_urls", True))
        pages = Pages(view, docs, info, directory_urls)

        def trails() -> dict[str, str]:  # called by write_all once the other pages are done
            clock.lap("pages")
            if audit is None:
                return {}
            tables, audit_problems = audit.result()
            problems.extend(audit_problems)
            clock.lap("audit")
            return tables

        count = pages.write_all(trails)
        config = ledger.config
        generated = write_config(
            work, config_file, user_config, config.name, config.site_url, notice_text(config)
        )
        clock.lap("tasks")

        # The feeds are written in a child process while MkDocs builds the pages.
        site_url = config.site_url
        base_url = site_url if site_url.endswith("/") or not site_url else site_url + "/"
        made = jobs.enter_context(
            Job(_write_feeds, view, feeds, pages.units_used, commit, base_url, pages.page_url)
        )
        built = mkdocs_build(generated, out, strict)
        problems += built
        clock.lap("mkdocs")
        if any(p.code == "site-mkdocs" for p in built):
            return None, problems  # MkDocs did not finish: no site
        made.result()
        shutil.copytree(feeds, out, dirs_exist_ok=True)
        clock.lap("feeds")
    result = BuildResult(
        site_dir=out,
        docs_dir=docs,
        config_file=generated,
        as_of=as_of,
        tasks=len(view.statuses),
        pages=count,
        commit=commit,
        times=clock.times,
    )
    return result, problems


__all__ = ["BuildResult", "build_site", "head_commit", "mkdocs_build", "write_config"]
