"""The site output folder is safe (issue 12, item 10) and a build that cannot run says so in
one line with exit 2 (item 4: unwritable work folder or output parent, concurrent build).

``build --out DIR`` refuses a non-empty folder that is not a previous duban site, builds beside
it and swaps the new site in only when the build succeeded; two builds never share the work
folder (``.duban-build/.lock``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from duban.web.build import build_site
from duban.web.outdir import LOCK, MARKER
from support import run_cli
from support.site import AS_OF

pytestmark = pytest.mark.slow  # real MkDocs builds


def _build(repo: Path, out: Path, **options):  # type: ignore[no-untyped-def]
    options.setdefault("config_file", repo / "mkdocs.yml")
    options.setdefault("work", repo / ".duban-build")
    return build_site(repo / "ledger", out=out, as_of=AS_OF, repo=repo, **options)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.glob(f".{out.name}.duban-*"))


@pytest.fixture
def previous_site(site_repo: Path) -> Path:
    """``site_repo`` with a site built into ``site_repo/site``."""
    result, problems = _build(site_repo, site_repo / "site")
    assert result is not None and not [p for p in problems if p.severity == "error"]
    return site_repo / "site"


def test_every_site_carries_the_marker(previous_site: Path) -> None:
    marker = json.loads((previous_site / MARKER).read_text("utf-8"))
    assert marker["tool"] == "duban" and marker["version"]
    assert _leftovers(previous_site) == []


def test_a_folder_holding_other_files_is_refused_and_kept(site_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "photos"
    out.mkdir()
    (out / "holiday.jpg").write_bytes(b"\xff\xd8 not a site")
    (out / "sub").mkdir()
    (out / "sub" / "notes.txt").write_text("mine", "utf-8")
    before = _snapshot(out)
    result, problems = _build(site_repo, out)
    assert result is None
    assert [p.code for p in problems] == ["site-out-not-a-site"]
    assert "空目录或此前生成的网站" in problems[0].message("zh")
    assert "choose an empty folder or a previous site" in problems[0].message("en")
    assert _snapshot(out) == before
    assert _leftovers(out) == []


def test_cli_refuses_a_folder_holding_other_files(site_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "docs-of-someone"
    out.mkdir()
    (out / "keep.md").write_text("keep", "utf-8")
    run = run_cli("build", "--as-of", "2026-12-23", "--out", out, cwd=site_repo)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "该目录中已有其他文件" in run.stderr
    assert (out / "keep.md").read_text("utf-8") == "keep"


def test_an_empty_folder_or_a_previous_site_is_built_into(
    previous_site: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result, _ = _build(previous_site.parent, empty)
    assert result is not None and (empty / "index.html").is_file()
    # A previous site is replaced whole: a file only the old site had is gone.
    (previous_site / "stale.html").write_text("old", "utf-8")
    result, _ = _build(previous_site.parent, previous_site)
    assert result is not None and result.site_dir == previous_site.resolve()
    assert not (previous_site / "stale.html").exists()
    assert (previous_site / MARKER).is_file() and (previous_site / "api" / "tasks.json").is_file()
    assert _leftovers(previous_site) == [] and _leftovers(empty) == []


def _strict_warning(repo: Path) -> dict[str, object]:
    """A page with a link to nothing: a MkDocs warning, so ``--strict`` fails."""
    (repo / "docs" / "extra.md").write_text("# x\n\n[nowhere](missing.md)\n", "utf-8")
    return {"strict": True}


def _broken_theme(repo: Path) -> dict[str, object]:
    config = repo / "broken.yml"
    config.write_text("site_name: x\ntheme:\n  name: no-such-theme\n", "utf-8")
    return {"config_file": config}


@pytest.mark.parametrize("failure", [_strict_warning, _broken_theme])
def test_a_failed_build_leaves_the_previous_site_byte_identical(
    previous_site: Path,
    failure,  # type: ignore[no-untyped-def]
) -> None:
    before = _snapshot(previous_site)
    result, problems = _build(previous_site.parent, previous_site, **failure(previous_site.parent))
    assert result is None
    assert {"site-mkdocs", "site-mkdocs-warning"} & {p.code for p in problems}
    assert _snapshot(previous_site) == before
    assert _leftovers(previous_site) == []


def test_an_interrupted_build_leaves_the_previous_site(
    previous_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duban.web.build as build_module

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    before = _snapshot(previous_site)
    monkeypatch.setattr(build_module, "engine_build", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _build(previous_site.parent, previous_site)
    assert _snapshot(previous_site) == before
    assert _leftovers(previous_site) == []


def test_what_a_killed_build_left_is_swept(previous_site: Path) -> None:
    left = previous_site.with_name(f".{previous_site.name}.duban-tmp-999999999")
    left.mkdir()
    (left / "index.html").write_text("half", "utf-8")
    result, _ = _build(previous_site.parent, previous_site)
    assert result is not None and not left.exists()


HOLD = """\
import fcntl, sys
lock = open(sys.argv[1], "ab")
fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
print("held", flush=True)
sys.stdin.read()
"""


def test_a_concurrent_build_cannot_run(previous_site: Path) -> None:
    """Another process (a build under way) holds the work folder's lock: this build cannot
    run, says so in one line, exit 2, and the other's output is untouched."""
    repo = previous_site.parent
    work = repo / ".duban-build"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(work / LOCK)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        before = _snapshot(previous_site)
        docs_before = _snapshot(work / "docs")
        result, problems = _build(repo, previous_site)
        assert result is None and [p.code for p in problems] == ["site-busy"]
        assert "another site build is using the work folder" in problems[0].message("en")
        run = run_cli("build", "--as-of", "2026-12-23", "--lang", "en", cwd=repo)
        assert run.returncode == 2 and "Traceback" not in run.stderr
        lines = [line for line in run.stderr.splitlines() if "another site build" in line]
        assert len(lines) == 1 and "site built" not in run.stderr
        assert _snapshot(previous_site) == before and _snapshot(work / "docs") == docs_before
        assert _leftovers(previous_site) == []
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=10)
    result, _ = _build(repo, previous_site)  # the lock is released with its holder
    assert result is not None


def test_the_lock_is_released_after_a_build(previous_site: Path) -> None:
    import fcntl

    with (previous_site.parent / ".duban-build" / LOCK).open("ab") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # would raise if still held


def _a_file(tmp_path: Path) -> Path:
    a_file = tmp_path / "a-file"
    a_file.write_text("x", "utf-8")
    return a_file


def test_an_unwritable_work_folder_cannot_run(site_repo: Path, tmp_path: Path) -> None:
    """A work folder that cannot be made (under a regular file: tests run as root, where a
    read-only folder would still be written) is one problem; via the CLI one line, exit 2."""
    result, problems = _build(site_repo, tmp_path / "site", work=_a_file(tmp_path) / "w")
    assert result is None and [p.code for p in problems] == ["site-work"]
    assert not (tmp_path / "site").exists()
    (site_repo / ".duban-build").write_text("not a folder", "utf-8")
    run = run_cli("build", "--as-of", "2026-12-23", "--lang", "en", cwd=site_repo)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert len([ln for ln in run.stderr.splitlines() if "cannot write the work folder" in ln]) == 1


def test_an_unwritable_output_parent_cannot_run(site_repo: Path, tmp_path: Path) -> None:
    out = _a_file(tmp_path) / "site"
    run = run_cli("build", "--as-of", "2026-12-23", "--lang", "en", "--out", out, cwd=site_repo)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert len([ln for ln in run.stderr.splitlines() if "cannot create the site folder" in ln]) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders anyway")
def test_a_read_only_output_parent_cannot_run(site_repo: Path, tmp_path: Path) -> None:
    parent = tmp_path / "read-only"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        result, problems = _build(site_repo, parent / "site")
        assert result is None and [p.code for p in problems] == ["site-out"]
    finally:
        parent.chmod(0o755)
