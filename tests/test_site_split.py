"""MkDocs' pages rendered by two processes (``duban.web.mkdocs_split``) give the very site one
process gives: every file compared byte for byte, the search index decoded. A child that
fails or dies makes the build start again in one process, with the same site; a warning of a
page either process renders is reported once, and counts once for ``--strict``.
"""

from __future__ import annotations

import os
import shutil
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from duban.problems import Problem
from duban.web import build, mkdocs_run, mkdocs_split
from duban.web.build import BuildResult
from duban.web.mkdocs_split import Split
from duban.web.search import BUNDLE
from duban.web.search_feed import PageFeed
from support.site import ROOT
from test_site_search_stream import decoded

DEMO_DAY = date(2026, 11, 30)


def _build(
    base: Path, config_file: Path = ROOT / "mkdocs.yml", strict: bool = False
) -> tuple[BuildResult | None, list[Problem]]:
    return build.build_site(
        ROOT / "ledger",
        out=base / "site",
        as_of=DEMO_DAY,
        config_file=config_file,
        work=base / "work",
        strict=strict,
    )


class Roles:
    """The role each split of the build took in this process, how MkDocs was run, and how
    the search feed got its pages."""

    def __init__(self, mp: pytest.MonkeyPatch) -> None:
        self.roles: list[str] = []
        self.splits: list[Split] = []
        self.runs: list[bool] = []  # one per MkDocs run: was it given a split
        self.feeds: list[tuple[int, int, int]] = []  # sent by the parent, piped, read
        fork, once, finish = Split.fork, mkdocs_run._mkdocs_once, PageFeed.finish

        def spy_finish(feed: PageFeed) -> list[Problem] | None:
            problems = finish(feed)
            self.feeds.append((feed.sent, feed.piped, feed.read))
            return problems

        mp.setattr(PageFeed, "finish", spy_finish)

        def spy_fork(split: Split, pages: list[str], in_nav: set[str]) -> None:
            fork(split, pages, in_nav)
            self.roles.append(split.role)
            self.splits.append(split)

        def spy_once(*args: Any) -> None:
            self.runs.append(args[-1] is not None)
            once(*args)

        mp.setattr(Split, "fork", spy_fork)
        mp.setattr(mkdocs_run, "_mkdocs_once", spy_once)


def _files(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in site.rglob("*")
        if p.is_file() and p.relative_to(site).parts[0] != BUNDLE
    }


def _same_site(ours: Path, whole: Path) -> None:
    a, b = _files(ours), _files(whole)
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []
    assert decoded(ours / BUNDLE) == decoded(whole / BUNDLE)


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's site built by MkDocs in one process."""
    base = tmp_path_factory.mktemp("whole")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(mkdocs_split, "cores", lambda: 1)
        roles = Roles(mp)
        result, problems = _build(base)
    assert result is not None, problems
    assert roles.roles == ["whole"] and roles.runs == [True]
    return result.site_dir


def test_two_processes_build_the_same_site(whole: Path, tmp_path: Path) -> None:
    with pytest.MonkeyPatch.context() as mp:
        roles = Roles(mp)
        result, problems = _build(tmp_path)
    assert result is not None, problems
    assert roles.roles == ["parent"] and roles.runs == [True]  # split, and no second run
    owners = roles.splits[0].owners
    theirs = [page for page, owner in owners.items() if owner == 1]
    assert len(theirs) > 20 and len(owners) - len(theirs) > 20  # their files came from the child
    [(sent, piped, read)] = roles.feeds
    assert sent == len(owners) - len(theirs)  # the parent's pages (the child sent its own)
    assert piped == len(owners) and read == 1  # every page through the pipes; 404.html read
    assert not [p for p in problems if p.code.startswith("site-")], problems
    assert len(list(result.site_dir.rglob("*.html"))) > 50
    _same_site(result.site_dir, whole)


@pytest.mark.parametrize("how", ["error", "no-report", "hangs"])
def test_a_child_that_fails_makes_one_process_build_it_all(
    how: str, whole: Path, tmp_path: Path
) -> None:
    """The child reports an error (a page of its share failed), dies without a word, or
    never ends (it is stopped once the parent has waited long enough)."""
    real_exit = Split.child_exit

    def child_exit(split: Split, error: str = "") -> None:
        if how == "error":
            real_exit(split, "injected failure")
        if how == "hangs":
            time.sleep(600)
        os._exit(7)

    started = time.monotonic()
    with pytest.MonkeyPatch.context() as mp:
        roles = Roles(mp)
        mp.setattr(Split, "child_exit", child_exit)
        mp.setattr(mkdocs_split, "JOIN_TIMEOUT", 3)
        result, problems = _build(tmp_path)
    assert result is not None, problems
    assert time.monotonic() - started < 300
    assert roles.runs == [True, False]  # the split run, then one process
    assert roles.roles == ["parent"]
    assert not [p for p in problems if p.severity == "error"], problems
    _same_site(result.site_dir, whole)


def _project_with_broken_links(base: Path, pages: int) -> Path:
    """The sample's mkdocs.yml and docs/, with ``pages`` extra pages each linking to a page
    that does not exist (MkDocs warns, once per page)."""
    project = base / "project"
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copy2(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    for n in range(pages):
        text = f"---\ntitle: 附页{n}\n---\n# 附页{n}\n\n见 [缺页](missing-{n}.md)。\n"
        (project / "docs" / f"extra-{n}.md").write_text(text, "utf-8")
    return project / "mkdocs.yml"


def _warnings(problems: list[Problem]) -> list[str]:
    return sorted(
        p.message("en")
        for p in problems
        if p.code == "site-mkdocs-warning" and "missing-" in p.message("en")
    )


def test_each_warning_is_reported_once(tmp_path: Path) -> None:
    config = _project_with_broken_links(tmp_path, 6)
    with pytest.MonkeyPatch.context() as mp:
        roles = Roles(mp)
        result, problems = _build(tmp_path / "build", config)
    assert result is not None, problems
    assert roles.roles == ["parent"] and roles.runs == [True]
    found = _warnings(problems)
    assert len(found) == 6 and len(set(found)) == 6, found
    assert all(f"missing-{n}.md" in " ".join(found) for n in range(6))


def test_a_strict_build_counts_the_child_s_warnings(tmp_path: Path) -> None:
    config = _project_with_broken_links(tmp_path, 4)
    with pytest.MonkeyPatch.context() as mp:
        roles = Roles(mp)
        result, problems = _build(tmp_path / "build", config, strict=True)
    assert result is None
    assert roles.roles == ["parent"]
    assert len(_warnings(problems)) == 4
    failed = [p.message("en") for p in problems if p.code == "site-mkdocs"]
    assert failed and "4 warnings" in failed[0], problems


def test_no_child_to_be_had_leaves_the_build_whole(whole: Path, tmp_path: Path) -> None:
    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    with pytest.MonkeyPatch.context() as mp:
        roles = Roles(mp)
        mp.setattr(mkdocs_split, "_fork", no_fork)
        result, problems = _build(tmp_path)
    assert result is not None, problems
    assert roles.roles == ["whole"] and roles.runs == [True]
    _same_site(result.site_dir, whole)


def test_ctrl_c_during_the_split_build_leaves_no_process_and_no_site(tmp_path: Path) -> None:
    """Ctrl-C reaches every process of the terminal's group: the child ignores it, the
    parent stops it (and the search feeder), the output folder stays as it was (absent)."""
    import signal
    import subprocess
    import sys

    project = tmp_path / "project"
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copy2(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    out = tmp_path / "site"
    duban = Path(sys.executable).with_name("duban")
    args = [str(duban), "build", "--ledger", str(ROOT / "ledger"), "--config"]
    args += [str(project / "mkdocs.yml"), "--out", str(out), "--as-of", DEMO_DAY.isoformat()]
    build_proc = subprocess.Popen(args, start_new_session=True, stdout=subprocess.DEVNULL)
    group = build_proc.pid
    staging = out.with_name(f".{out.name}.duban-tmp-{build_proc.pid}")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and build_proc.poll() is None:
        if len(list(staging.glob("tasks/*/index.html"))) >= 5:  # MkDocs is writing pages
            break
        time.sleep(0.05)
    assert build_proc.poll() is None, "the build ended before it could be interrupted"
    os.killpg(group, signal.SIGINT)
    assert build_proc.wait(timeout=60) != 0
    gone = time.monotonic() + 3  # the parent reaps the child; the feeder's service ends
    while time.monotonic() < gone:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("a process of the interrupted build is still running")
    assert not out.exists() and not staging.exists()
