"""Hostile input through every command (issue 12, items 1 and 2).

The hostile corpus (``tests/golden/hostile/``) is placed into a copy of the sample ledger in
a real Git repository and committed, so that the history holds it too; then every command
runs over it: problems come back as exit 1 (or 0 for the reports that only note them, 2 for
``due``, which cannot count on a broken calendar), never a traceback or a hang. The memory
bound of the corpus is measured by ``benchmarks/bench_hostile.py``.

The files of ``docs/`` that the site copies are regular files only: a symlink, a FIFO or any
other special file anywhere under ``docs/`` stops the build (exit 2) with a message naming
it, without following the link or blocking on the FIFO.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support import GOLDEN, ROOT, GitRepo, finishes, run_cli, sample_repo

HOSTILE = GOLDEN / "hostile"
CORPUS_TASKS = sorted(p for p in HOSTILE.glob("*.yaml.hostile") if "calendar" not in p.name)
AS_OF = "2026-06-30"


def add_corpus(repo: GitRepo) -> None:
    """Every hostile file of the corpus into the ledger (tasks, a yearly and the local
    calendar), committed."""
    tasks = repo.path / "ledger" / "tasks" / "2026"
    for k, path in enumerate(CORPUS_TASKS):
        shutil.copy(path, tasks / f"SL-2026-{9001 + k}.yaml")
    calendar = repo.path / "ledger" / "calendar"
    shutil.copy(HOSTILE / "huge-range-calendar.yaml.hostile", calendar / "2030.yaml")
    shutil.copy(HOSTILE / "huge-range-local-calendar.yaml.hostile", calendar / "local.yaml")
    repo.commit("hostile corpus")


@pytest.fixture(scope="module")
def hostile_repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    repo = sample_repo(tmp_path_factory.mktemp("hostile-commands") / "repo")
    add_corpus(repo)
    return repo


#: Each command over the corpus, and the exit codes it may give.
COMMANDS: dict[str, tuple[list[str], set[int]]] = {
    "validate": (["validate", "ledger"], {1}),
    "validate json": (["validate", "ledger", "--format", "json"], {1}),
    "due": (["due", "2026-05-06", "5wd"], {2}),
    "status": (["status", "--as-of", AS_OF], {0}),
    "status json": (["status", "--as-of", AS_OF, "--format", "json"], {0}),
    "overdue": (["overdue", "--as-of", AS_OF], {0}),
    "check-change": (["check-change", "--base", "HEAD~1", "--as-of", AS_OF], {1}),
    "remind": (["remind", "--as-of", AS_OF], {0}),
    "remind json": (["remind", "--as-of", AS_OF, "--format", "json"], {0}),
    "fmt check": (["fmt", "--check", "ledger"], {1}),
    "audit": (["audit", "SL-2026-9001", "--no-cache"], {0}),
    "audit json": (["audit", "SL-2026-9002", "--format", "json", "--no-cache"], {0}),
}


@pytest.mark.parametrize("case", sorted(COMMANDS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_command_runs_over_the_corpus(hostile_repo: GitRepo, case: str, lang: str) -> None:
    args, codes = COMMANDS[case]
    done = finishes(lambda: run_cli(*args, "--lang", lang, cwd=hostile_repo.path))
    assert done.exit_code in codes, (case, done.exit_code, done.output[-2000:])
    assert "Traceback" not in done.stdout and "Traceback" not in done.stderr


def test_the_corpus_problems_are_named(hostile_repo: GitRepo) -> None:
    done = run_cli("validate", "ledger", "--format", "json", cwd=hostile_repo.path)
    for code in ("yaml-too-deep", "yaml-number-too-long", "yaml-alias", "encoding"):
        assert code in done.stdout, code
    changed = run_cli(
        "check-change", "--base", "HEAD~1", "--as-of", AS_OF, "--format", "json",
        cwd=hostile_repo.path,
    )  # fmt: skip
    assert "SL-2026-9001" in changed.stdout


@pytest.mark.slow
def test_build_runs_over_the_corpus(hostile_repo: GitRepo, tmp_path: Path) -> None:
    repo = hostile_repo.copy(tmp_path / "repo")
    out = tmp_path / "site"
    done = finishes(lambda: run_cli("build", "--out", out, "--as-of", AS_OF, cwd=repo.path), 300)
    assert done.exit_code == 1, done.output[-2000:]  # built, with the corpus' problems
    assert "Traceback" not in done.output
    assert (out / "index.html").is_file()
    assert "yaml-too-deep" in done.stderr


def test_the_installed_command_over_the_corpus(hostile_repo: GitRepo) -> None:
    """The real process: no traceback on stderr, in a subprocess of its own."""
    for args, codes in (COMMANDS["validate"], COMMANDS["status"], COMMANDS["audit"]):
        done = subprocess.run(
            [sys.executable, "-m", "duban", *args],
            cwd=hostile_repo.path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode in codes, (args, done.stderr[-2000:])
        assert "Traceback" not in done.stderr and "Traceback" not in done.stdout


# --- docs/: regular files only ------------------------------------------------------------


@pytest.fixture
def site_repo_copy(tmp_path: Path) -> GitRepo:
    return sample_repo(tmp_path / "repo")


def build_en(repo: GitRepo, out: Path) -> Any:
    return finishes(
        lambda: run_cli("build", "--out", out, "--as-of", AS_OF, "--lang", "en", cwd=repo.path)
    )


def test_a_symlink_under_docs_is_refused_not_followed(
    site_repo_copy: GitRepo, tmp_path: Path
) -> None:
    """Before: the link was followed and its target (any file on the machine) published."""
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-OUTSIDE-THE-PROJECT\n", "utf-8")
    (site_repo_copy.path / "docs" / "assets" / "leak.css").symlink_to(secret)
    out = tmp_path / "site"
    done = build_en(site_repo_copy, out)
    assert done.exit_code == 2, done.output
    assert "Traceback" not in done.output
    assert "docs/assets/leak.css" in done.stderr and "symbolic link" in done.stderr
    assert not out.exists()
    work = site_repo_copy.path / ".duban-build" / "docs"
    assert not any("SECRET" in p.read_text("utf-8", "replace") for p in work.rglob("*.css"))
    zh = run_cli("build", "--out", out, "--as-of", AS_OF, cwd=site_repo_copy.path)
    assert zh.exit_code == 2 and "docs/assets/leak.css 是符号链接" in zh.stderr


def test_a_linked_folder_under_docs_is_refused(site_repo_copy: GitRepo, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.css").write_text("body {}\n", "utf-8")
    (site_repo_copy.path / "docs" / "assets" / "more").symlink_to(outside)
    done = build_en(site_repo_copy, tmp_path / "site")
    assert done.exit_code == 2, done.output
    assert "docs/assets/more" in done.stderr and "symbolic link" in done.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.parametrize("where", ["assets/feed.css", "overrides/partial.html"])
def test_a_fifo_under_docs_is_refused_at_once(
    site_repo_copy: GitRepo, tmp_path: Path, where: str
) -> None:
    """Before: copying (or the theme reading) a FIFO waited for a writer for ever."""
    os.mkfifo(site_repo_copy.path / "docs" / where)
    done = build_en(site_repo_copy, tmp_path / "site")
    assert done.exit_code == 2, done.output
    assert f"docs/{where}" in done.stderr and "FIFO" in done.stderr
    assert "Traceback" not in done.output
    assert not (tmp_path / "site").exists()


def test_the_assets_are_still_copied(site_repo_copy: GitRepo, tmp_path: Path) -> None:
    out = tmp_path / "site"
    nested = site_repo_copy.path / "docs" / "assets" / "img"
    nested.mkdir()
    (nested / "seal.svg").write_bytes((ROOT / "docs" / "assets" / "logo.svg").read_bytes())
    done = build_en(site_repo_copy, out)
    assert done.exit_code in (0, 1), done.output
    for rel in ("assets/duban.css", "assets/logo.svg", "assets/img/seal.svg"):
        assert (out / rel).read_bytes() == (site_repo_copy.path / "docs" / rel).read_bytes()
    assert not (out / "overrides").exists()
