"""Throwaway ledgers built from the golden files and the real rules and calendar."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from support.paths import GOLDEN, SAMPLE


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
