"""Where a build writes: the lock on the work folder and the site folder swapped in whole.

Typical use (what :func:`duban.web.build.build_site` does)::

    refused = refuse_out(out)              # a non-empty folder that is no duban site
    with SiteSlot(out, work) as slot:
        cannot = slot.open()               # the lock, and a staging folder beside ``out``
        ...                                # MkDocs builds into ``slot.staging``
        slot.publish()                     # the new site swapped in for the old

A build never empties ``out`` itself: it builds into ``.NAME.duban-tmp-PID`` in the same
parent folder and, only when the build succeeded, renames the old site aside, the new one
in, and deletes the old one. A failed or interrupted build leaves the previous site as it
was. Every site carries the marker :data:`MARKER`; a non-empty ``out`` without it holds
someone else's files and is refused. Two builds sharing a work folder are refused by a
non-blocking ``flock`` on :data:`LOCK` in it: the second cannot run.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from pathlib import Path
from typing import IO

from duban import __version__
from duban.problems import Problem
from duban.web.mkdocs_run import problem

MARKER = "duban-site.json"
"""The file in every site duban builds (a short JSON: tool, version). Not a dot file: it is
written among the generated pages (:func:`write_marker`) and copied by MkDocs like any static
file, so ``mkdocs build`` on the generated config makes the same site."""
LOCK = ".lock"
"""The lock file in the work folder (``.duban-build/.lock``)."""
TMP = ".duban-tmp-"
OLD = ".duban-old-"


def refuse_out(out: Path) -> Problem | None:
    """Why ``out`` must not be built into: not a folder, or a non-empty folder that is not a
    previous duban site (nothing is deleted); None when it is missing, empty or a site."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        return _cannot("site-out", out, "它不是目录", "it is not a folder")
    try:
        if not out.is_dir() or (out / MARKER).is_file() or next(out.iterdir(), None) is None:
            return None
    except OSError as exc:
        return _cannot("site-out", out, _reason(exc), _reason(exc))
    return problem(
        "site-out-not-a-site",
        str(out),
        f"不能把网站输出到 {out}：该目录中已有其他文件，不是此前生成的网站；"
        " 请选择空目录或此前生成的网站目录",
        f"cannot build the site into {out}: the folder holds other files and is not a"
        " previous duban site; choose an empty folder or a previous site",
    )


def write_marker(folder: Path) -> None:
    """The marker file of a duban site in ``folder`` (the generated pages or a site)."""
    marker = {"tool": "duban", "version": __version__}
    (folder / MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")


class SiteSlot:
    """One build's hold on its work folder (locked) and its staging folder beside ``out``."""

    def __init__(self, out: Path, work: Path) -> None:
        self.out = out
        self.work = work
        self.staging = out.with_name(f".{out.name}{TMP}{os.getpid()}")
        self._lock: IO[bytes] | None = None

    def open(self) -> Problem | None:
        """Take the lock and make the staging folder; a problem (cannot run) when the work
        folder or the parent of ``out`` cannot be written, or another build holds the lock."""
        try:
            self.work.mkdir(parents=True, exist_ok=True)
            lock = (self.work / LOCK).open("ab")
        except OSError as exc:
            zh, en = _why(exc, self.work)
            return _cannot("site-work", self.work, zh, en, work=True)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            return problem(
                "site-busy",
                str(self.work),
                f"另一个网站构建正在使用工作目录 {self.work}，请待其结束后再试",
                f"another site build is using the work folder {self.work}; try again when"
                " it has finished",
            )
        self._lock = lock
        try:
            self._sweep()
            self.out.parent.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging.mkdir()
        except OSError as exc:
            zh, en = _why(exc, self.staging)
            return _cannot("site-out", self.out, zh, en)
        return None

    def publish(self) -> None:
        """The staging folder, marked as a site, replaces ``out``."""
        if not (self.staging / MARKER).is_file():
            write_marker(self.staging)
        old = self.out.with_name(f".{self.out.name}{OLD}{os.getpid()}")
        if self.out.is_dir():
            shutil.rmtree(old, ignore_errors=True)
            self.out.rename(old)
        try:
            self.staging.rename(self.out)
        except OSError:
            if old.is_dir():
                old.rename(self.out)  # the previous site back in its place
            raise
        shutil.rmtree(old, ignore_errors=True)

    def close(self) -> None:
        """The staging folder removed (if not published) and the lock released."""
        shutil.rmtree(self.staging, ignore_errors=True)
        if self._lock is not None:
            self._lock.close()  # closing the file releases the flock
            self._lock = None

    def __enter__(self) -> SiteSlot:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _sweep(self) -> None:
        """Staging and old folders of ``out`` left by builds that were killed."""
        parent = self.out.parent
        if not parent.is_dir():
            return
        for prefix in (f".{self.out.name}{TMP}", f".{self.out.name}{OLD}"):
            for left in parent.glob(prefix + "*"):
                pid = left.name.removeprefix(prefix)
                if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                    shutil.rmtree(left, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _why(exc: OSError, path: Path) -> tuple[str, str]:
    """Why ``path`` could not be made: a file in the way of a folder, said so, else the
    system's reason."""
    for above in (path, *path.parents):
        if above.exists() or above.is_symlink():
            if not above.is_dir():
                return f"{above} 不是目录", f"{above} is not a folder"
            break
    return _reason(exc), _reason(exc)


def _cannot(code: str, where: Path, zh: str, en: str, work: bool = False) -> Problem:
    if work:
        return problem(
            code,
            str(where),
            f"无法写入生成文件的工作目录 {where}：{zh}",
            f"cannot write the work folder {where}: {en}",
        )
    return problem(
        code,
        str(where),
        f"无法创建网站输出目录 {where}：{zh}",
        f"cannot create the site folder {where}: {en}",
    )


__all__ = ["LOCK", "MARKER", "SiteSlot", "refuse_out", "write_marker"]
