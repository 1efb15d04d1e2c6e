"""Build the public status site: load → status → audit → public filter → pages → MkDocs.

Typical use (what ``duban build`` does)::

    result, problems = build_site(Path("ledger"), out=Path("site"))

The generated Markdown goes into a work folder (``.duban-build/docs`` beside ``mkdocs.yml``;
never committed) with a generated ``.duban-build/mkdocs.yml`` that ``INHERIT``s the
user-editable ``mkdocs.yml`` at the repository root and adds only what comes from the ledger
(site name, the navigation of summary pages, the notice, the speed-up hooks). So
``mkdocs build -f .duban-build/mkdocs.yml`` (or an engine that reads ``mkdocs.yml``) builds
the same site; we call MkDocs through its Python API, or another engine that reads the same
files (``engine``: ProperDocs, Zensical; :mod:`duban.web.mkdocs_run`). Everything that is not
a page is written by duban itself, never by an engine's plugin or hook: the machine-readable
files (``api/``) and the published schemas (``schemas/``, :mod:`duban.web.schemas`) are written to
``.duban-build/feeds`` while the engine runs and copied into the site, and Pagefind indexes
the built pages into ``pagefind/`` (:mod:`duban.web.search`).

Two stages run in a child process beside the others (:mod:`duban.web.background`): the
audit trails while the pages are prepared, and the feeds while MkDocs runs.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from duban.calendar.clock import today
from duban.git import head_commit, tasks_prefix, toplevel
from duban.ledger import load_ledger
from duban.model import Ledger
from duban.problems import Problem
from duban.status.select import ledger_status

#: Static files of the site (CSS, logo) live in ``docs/`` beside ``mkdocs.yml``; template
#: overrides in ``docs/overrides`` are used by the theme, not copied as pages.
from duban.web.assets import copy_assets, site_files
from duban.web.background import Job, can_fork
from duban.web.bulletins import write_bulletins
from duban.web.context import PageContext, SiteInfo, notice_text, page_context, site_extra
from duban.web.duties import write_duties
from duban.web.feeds import write_feeds
from duban.web.mkdocs_run import (
    Engine,
    engine_build,
    engine_missing,
    find_config,
    mkdocs_build,
    read_user_config,
    write_config,
)
from duban.web.mkdocs_run import problem as _problem
from duban.web.mkdocs_split import Split
from duban.web.outdir import SiteSlot, refuse_out, write_marker
from duban.web.pages import write_all
from duban.web.public import PublicView, public_view, published
from duban.web.schemas import FOLDER, write_schemas
from duban.web.search import index_site, search_page
from duban.web.search_feed import PageFeed
from duban.web.search_stream import streaming
from duban.web.trail import trail_tables


@dataclass(frozen=True)
class BuildResult:
    """What a finished build made."""

    site_dir: Path
    """The built site (``--out``)."""
    docs_dir: Path
    """The generated Markdown (``.duban-build/docs``)."""
    config_file: Path
    """The generated ``mkdocs.yml`` (it ``INHERIT``s the user's)."""
    as_of: date
    """The status date of the site."""
    tasks: int = 0
    """How many public tasks the site shows."""
    pages: int = 0
    """How many Markdown pages were written."""
    commit: str = ""
    """The ledger's HEAD commit ("" outside Git)."""
    times: Mapping[str, float] = field(default_factory=dict)
    """Wall time of each stage in seconds, in order (the benchmark reports it)."""


class Stopwatch:
    """Wall time of each stage, in order (``BuildResult.times``; the benchmark reports it)."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.times[stage] = now - self._last
        self._last = now


def _unsafe_out(
    out: Path, ledger_dir: Path, config_file: Path | None, work: Path | None, repo: Path | None
) -> Problem | None:
    """The build replaces ``out`` whole: it must not be or hold the ledger, the work folder, the
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
                f"不能把网站输出到 {out}：生成网站时会清空该目录，而它与{zh} {folder} 重叠",
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
    write_schemas(partial / FOLDER, view.ledger.config.site_url)
    partial.rename(feeds)


@dataclass
class _Run:
    """One build under way: what the stages after loading share."""

    ledger: Ledger
    repo: Path | None
    config_file: Path
    work: Path
    out: Path
    """Where MkDocs builds: the staging folder, swapped in for ``--out`` when done."""
    user_config: dict[str, Any]
    strict: bool
    clock: Stopwatch
    problems: list[Problem]
    engine: Engine = "mkdocs"

    def result(self, site: Path, as_of: date, tasks: int, pages: int, commit: str) -> BuildResult:
        return BuildResult(
            site_dir=site,
            docs_dir=self.work / "docs",
            config_file=self.work / "mkdocs.yml",
            as_of=as_of,
            tasks=tasks,
            pages=pages,
            commit=commit,
            times=self.clock.times,
        )


def _site_config(
    asked: str, config_file: Path | None, work: Path | None
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The user's site config, once it is known to exist."""
    if config_file is None or work is None:
        no_config = _problem(
            "site-no-config",
            asked,
            "找不到网站配置文件 mkdocs.yml",
            "no mkdocs.yml site configuration found",
        )
        return None, [no_config]
    return read_user_config(config_file)


def _fresh_docs(run: _Run, assets: list[Path]) -> list[Problem]:
    """An empty ``work/docs`` with the static assets copied in and the site marker; the
    problems of assets that could not be copied."""
    docs = run.work / "docs"
    for folder in (docs, run.work / "feeds"):
        if folder.exists():
            shutil.rmtree(folder)
    docs.mkdir(parents=True)
    copied = copy_assets(run.config_file.parent / "docs", docs, assets)
    write_marker(docs)
    return copied


def _write_docs(
    run: _Run, view: PublicView, info: SiteInfo, audit: Job[Any] | None
) -> tuple[PageContext, int]:
    """The Markdown pages and charts in ``work/docs`` (made by :func:`_fresh_docs`); the
    audit trails are taken from ``audit`` once the other pages are written."""
    docs = run.work / "docs"
    directory_urls = bool(run.user_config.get("use_directory_urls", True))
    ctx = page_context(view, info, directory_urls)
    ctx.links.source_relative = run.engine == "zensical"  # see duban.web.links

    def trails() -> dict[str, str]:  # called by write_all once the other pages are done
        run.clock.lap("pages")
        if audit is None:
            return {}
        tables, audit_problems = audit.result()
        run.problems.extend(audit_problems)
        run.clock.lap("audit")
        return tables  # type: ignore[no-any-return]

    count = write_all(ctx, docs, trails) + write_bulletins(view, docs) + write_duties(ctx, docs)
    view.write(docs / "search.md", search_page(ctx.links))
    return ctx, count + 1


def _mkdocs_and_feeds(jobs: ExitStack, run: _Run, ctx: PageContext, commit: str) -> bool:
    """The engine builds the site while the feeds are written in a child process and, with
    MkDocs in this process (its pages rendered by two: :class:`Split`), Pagefind's service
    indexes in a third each page it renders (the hooks feed the :class:`PageFeed`); then the
    index is written, or Pagefind indexes the built site when that could not be done (another
    engine, any failure: the same index). False when the engine did not finish (no site)."""
    config = run.ledger.config
    generated = write_config(
        run.work,
        run.config_file,
        run.user_config,
        config.name,
        config.site_url,
        notice_text(config),
        run.engine,
        site=site_extra(config, ctx.info.commit_date),
    )
    run.clock.lap("tasks")
    feeds = run.work / "feeds"
    site_url = config.site_url
    base_url = site_url if site_url.endswith("/") or not site_url else site_url + "/"
    made = jobs.enter_context(
        Job(_write_feeds, ctx.view, feeds, ctx.units_used, commit, base_url, ctx.links.page_url)
    )
    # Pagefind's service in a process of its own, fed each page by the hooks as MkDocs writes
    # it; MkDocs renders the pages in two processes (duban.web.mkdocs_split).
    in_process = run.engine == "mkdocs"
    feed = jobs.enter_context(PageFeed(run.out)) if in_process and can_fork() else None
    with streaming(feed):
        built = engine_build(run.engine, generated, run.out, run.strict, Split(feed))
    run.problems.extend(built)
    run.clock.lap("mkdocs")
    if any(p.code == "site-mkdocs" for p in built):
        return False
    made.result()
    shutil.copytree(feeds, run.out, dirs_exist_ok=True)
    run.clock.lap("feeds")
    streamed = feed.finish() if feed is not None else None
    run.problems.extend(index_site(run.out) if streamed is None or streamed else streamed)
    run.clock.lap("search")
    return True


def build_site(
    ledger_dir: Path,
    out: Path = Path("site"),
    as_of: date | None = None,
    repo: Path | None = None,
    config_file: Path | None = None,
    work: Path | None = None,
    strict: bool = False,
    engine: Engine = "mkdocs",
) -> tuple[BuildResult | None, list[Problem]]:
    """Build the public site of ``ledger_dir`` into ``out``; returns the result and problems.

    ``repo`` is the Git repository whose history gives the audit trails (default: the one
    holding the ledger); ``config_file`` the user's ``mkdocs.yml`` (default: ``mkdocs.yml`` of
    the current folder, else of the repository); ``work`` the folder for generated Markdown
    (default: ``.duban-build`` beside ``mkdocs.yml``); ``engine`` the site engine
    (:data:`duban.web.mkdocs_run.ENGINES`). Result is None when nothing could be built.
    """
    missing = engine_missing(engine)
    if missing is not None:
        return None, [missing]
    repo = repo if repo is not None else toplevel(ledger_dir)
    asked = str(config_file or "mkdocs.yml")
    config_file = find_config(config_file, repo)
    if config_file is not None and work is None:
        work = config_file.parent / ".duban-build"
    out = out.resolve()
    refused = _unsafe_out(out, ledger_dir, config_file, work, repo) or refuse_out(out)
    if refused is not None:
        return None, [refused]
    clock = Stopwatch()
    prefix = tasks_prefix(repo, ledger_dir) if repo else None
    with ExitStack() as jobs:
        # The audit reads the Git history in a child process from the start, while the ledger
        # is loaded and the pages are prepared; it is told what is published once known.
        audit = (
            jobs.enter_context(Job(trail_tables, repo, prefix, inbox=True))
            if repo and prefix is not None
            else None
        )
        ledger, problems = load_ledger(ledger_dir)
        clock.lap("load")
        if ledger is None:
            return None, problems
        user_config, config_problems = _site_config(asked, config_file, work)
        if user_config is None or config_file is None or work is None:
            return None, [*problems, *config_problems]
        assets, refused_assets = site_files(config_file.parent / "docs")
        if refused_assets:
            return None, [*problems, *refused_assets]
        if as_of is None:
            as_of = today(ledger.config.timezone)
        if repo and prefix is None:
            problems.append(_no_trail(repo, ledger_dir))
        slot = jobs.enter_context(SiteSlot(out, work))  # the work folder locked
        cannot = slot.open()
        if cannot is not None:
            return None, [*problems, cannot]
        staging = slot.staging
        run = _Run(
            ledger, repo, config_file, work, staging, user_config, strict, clock, problems, engine
        )
        refused_assets = _fresh_docs(run, assets)
        if refused_assets:
            return None, [*problems, *refused_assets]
        shown = published(ledger)
        if audit is not None:
            audit.send(shown)
        view = public_view(ledger, ledger_status(ledger, as_of), as_of, shown)
        clock.lap("status")
        commit, commit_date = head_commit(repo) if repo else ("", "")
        note = "（没有变更记录。）\n" if repo else "（台账不在 Git 仓库中，没有变更记录。）\n"
        ctx, count = _write_docs(run, view, SiteInfo(commit, commit_date, note), audit)
        if not _mkdocs_and_feeds(jobs, run, ctx, commit):
            return None, problems  # MkDocs did not finish: no site, the previous one kept
        slot.publish()
    return run.result(out, as_of, len(view.statuses), count, commit), problems


def _no_trail(repo: Path, ledger_dir: Path) -> Problem:
    return _problem(
        "site-audit-layout",
        str(ledger_dir),
        f"变更记录读取仓库 {repo} 的历史，本台账不在该仓库中：任务页将没有变更记录",
        f"audit trails are read from the history of {repo}; this ledger is not in"
        " that repository, so task pages will have no trail",
        severity="warning",
    )


__all__ = ["BuildResult", "build_site", "head_commit", "mkdocs_build", "write_config"]
