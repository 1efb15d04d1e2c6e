"""Throwaway ledgers built from the golden files and the real rules and calendar."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from support.gitrepo import GitRepo
from support.paths import GOLDEN, ROOT, SAMPLE


def make_ledger(dest: Path, cases: Sequence[Path] = ()) -> Path:
    """A ledger in ``dest``: golden settings and units, the real rules and calendar, and the
    task files of the given case folders (sub-folders kept)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("ledger.yaml", "units.yaml"):
        shutil.copy(GOLDEN / "ledger" / name, dest / name)
    shutil.copy(SAMPLE / "rules.yaml", dest / "rules.yaml")
    shutil.copytree(SAMPLE / "calendar", dest / "calendar")
    for case in cases:
        shutil.copytree(case, dest / "tasks" / case.name, dirs_exist_ok=True)
    (dest / "tasks").mkdir(exist_ok=True)
    return dest


def sample_repo(path: Path) -> GitRepo:
    """The sample ledger, its site config and assets in a new Git repository (one commit)."""
    repo = GitRepo(path, author="督查室", email="clerk@example.gov.cn")
    shutil.copytree(SAMPLE, path / "ledger")
    shutil.copytree(ROOT / "docs", path / "docs")
    shutil.copy(ROOT / "mkdocs.yml", path / "mkdocs.yml")
    repo.commit("建立示例台账")
    return repo
