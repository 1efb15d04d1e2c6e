"""Shared fixtures: throwaway ledgers built from the golden files and the real rules/calendar."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
SAMPLE = ROOT / "ledger"


def make_ledger(dest: Path, cases: list[Path] = ()) -> Path:  # type: ignore[assignment]
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


@pytest.fixture
def golden_ledger(tmp_path: Path) -> Path:
    return make_ledger(tmp_path / "ledger")
