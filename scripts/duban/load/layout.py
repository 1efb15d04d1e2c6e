"""Where a ledger's files are, and how their paths are shown in messages."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from duban.problems import Problem
from duban.source import Location
from duban.text import Text

YEAR_FILE = re.compile(r"(\d{4})\.yaml\Z")
"""A yearly calendar file, ``calendar/YYYY.yaml``."""


class Scan(NamedTuple):
    """What one walk of a ledger folder found (see :meth:`Layout.scan`)."""

    tasks: list[Path]
    misnamed: list[Path]
    irregular: list[Path]


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

    def scan(self) -> Scan:
        """One walk of the ledger folder that never follows a link (``os.scandir``, no
        ``stat`` of a link's target): the task files under ``tasks/`` (``*.yaml``), the files
        that look like tasks but would be skipped (``.yml``, ``.YAML``), and every entry that
        is neither a regular file nor a folder (a symlink, a FIFO, a device...), each sorted,
        except the files a reader opens itself and refuses with its own problem when they are
        not regular (see :meth:`reported_by_reader`). Folders are only walked, whatever their
        name (``2026.yaml/`` is a folder)."""
        found: list[Path] = []
        irregular: list[Path] = []
        stack = [(self.root, False)]  # (folder, whether it is under tasks/)
        while stack:
            folder, in_tasks = stack.pop()
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue  # missing folders are reported by the loaders
            for entry in entries:
                path = Path(entry.path)
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != ".git":
                        stack.append((path, in_tasks or path == self.tasks))
                elif not entry.is_file(follow_symlinks=False):
                    if not self.reported_by_reader(path):
                        irregular.append(path)
                elif in_tasks and path.suffix.lower() in (".yml", ".yaml"):
                    found.append(path)
        return Scan(
            sorted(p for p in found if p.suffix == ".yaml"),
            sorted(p for p in found if p.suffix != ".yaml"),
            sorted(irregular),
        )

    def reported_by_reader(self, path: Path) -> bool:
        """Whether the reader of ``path`` opens it (``load.reading``: never through a link,
        regular files only) and so reports it if it is a link or a special file: the rules,
        the calendar's yearly files and ``local.yaml``, and the settings when they look like
        files (otherwise they are reported missing, and the scan names what is there)."""
        if path.parent == self.calendar:
            return path.name == "local.yaml" or YEAR_FILE.fullmatch(path.name) is not None
        if path == self.rules:
            return True
        return path in (self.config, self.units) and path.is_file()

    def scan_tasks(self) -> tuple[list[Path], list[Path]]:
        """The task files and the skipped look-alikes of :meth:`scan`."""
        scan = self.scan()
        return scan.tasks, scan.misnamed

    def irregular_problem(self, path: Path) -> Problem:
        """The problem of an entry of :attr:`Scan.irregular`."""
        kind = ("符号链接", "a symbolic link") if path.is_symlink() else ("特殊文件", "not a file")
        return Problem(
            "not-a-regular-file",
            Location(self.display(path)),
            Text(
                f"台账目录中只能有普通文件，此处是{kind[0]}，不会被读取；请删除它，"
                "把内容作为普通文件提交",
                f"only regular files may be in the ledger folder; this is {kind[1]} and is "
                "not read: remove it and commit the contents as a regular file",
            ),
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
