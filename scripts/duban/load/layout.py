"""Where a ledger's files are, and how their paths are shown in messages."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path


@dataclass(frozen=True)
class Layout:
    """Where a ledger's files are: ``ledger/`` with its config, roster, rules, calendar, tasks."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "ledger.yaml"

    @property
    def units(self) -> Path:
        return self.root / "units.yaml"

    @property
    def rules(self) -> Path:
        return self.root / "rules.yaml"

    @property
    def calendar(self) -> Path:
        return self.root / "calendar"

    @property
    def tasks(self) -> Path:
        return self.root / "tasks"

    def scan_tasks(self) -> tuple[list[Path], list[Path]]:
        """One walk of ``tasks/``: the task files (``*.yaml``), and the files that look like
        tasks but would be skipped (``.yml``, ``.YAML``), each sorted. Folders are only
        walked, whatever their name (``2026.yaml/`` is a folder, not a task file)."""
        found = [
            path
            for folder, _, files in os.walk(self.tasks)
            for path in (Path(folder, name) for name in files)
            if path.suffix.lower() in (".yml", ".yaml")
        ]
        return (
            sorted(p for p in found if p.suffix == ".yaml"),
            sorted(p for p in found if p.suffix != ".yaml"),
        )

    def task_files(self) -> list[Path]:
        return self.scan_tasks()[0]

    @cached_property
    def _resolved(self) -> tuple[Path, Path]:
        """The ledger folder and the working folder, resolved once (``display`` runs for
        every file)."""
        return self.root.resolve(), Path.cwd().resolve()

    def display(self, path: Path) -> str:
        """A path as people see it in messages: relative to the working folder if possible."""
        root, cwd = self._resolved
        try:
            inside = path.relative_to(self.root)
        except ValueError:
            full = path.resolve()
        else:  # the usual case: no symlink resolution per file
            full = root / inside
        try:
            return str(full.relative_to(cwd))
        except ValueError:
            return str(path)
