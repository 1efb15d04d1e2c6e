"""What a change does to paths, before any file is read: pure functions over the raw diff
entries from the base tip to the merged tree.

- ``not-a-regular-file``: an entry under the ledger folder that is not a regular file (a
  symlink ``120000``, a gitlink ``160000``...), whatever it points to;
- ``folder-for-file``: a folder put where the base had a file;
- ``outside-ledger``: a path outside the ledger folder (workflows, code, schemas, docs...)
  changed by an account that is not in ``code_maintainers`` (``units.yaml`` at the base).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath

from duban.git import RawEntry
from duban.problems import Problem
from duban.source import Location
from duban.text import Text

#: Git's modes of a regular file (plain and executable).
REGULAR = frozenset({"100644", "100755"})

_KINDS = {
    "120000": ("符号链接", "a symbolic link"),
    "160000": ("子模块 (gitlink)", "a submodule (gitlink)"),
    "040000": ("文件夹", "a folder"),
}


def in_ledger(path: str, root: str) -> bool:
    """Whether ``path`` is the ledger folder ``root`` ("" for the repository root) or lies in
    it."""
    return not root or path == root or path.startswith(f"{root}/")


def check_paths(
    entries: Sequence[RawEntry], root: str, actor: str | None, code_maintainers: frozenset[str]
) -> tuple[list[Problem], list[RawEntry]]:
    """The refusals about paths, and the entries left for the content checks: those under
    the ledger whose new side (if any) is a regular file."""
    problems = _folder_for_file(entries, root) + _outside(entries, root, actor, code_maintainers)
    content = []
    for entry in entries:
        path = entry.path
        if path is not None and in_ledger(path, root) and entry.new_mode not in REGULAR:
            problems.append(_not_regular(path, entry.new_mode))
            continue
        if any(p is not None and in_ledger(p, root) for p in (entry.old_path, entry.path)):
            content.append(entry)
    return problems, content


def _not_regular(path: str, mode: str) -> Problem:
    zh, en = _KINDS.get(mode, (f"特殊条目（模式 {mode}）", f"a special entry (mode {mode})"))
    return Problem(
        "not-a-regular-file",
        Location(path, 1, 1),
        Text(
            f"台账目录中只能有普通文件，{path} 是{zh}；请删除它，把内容作为普通文件提交",
            f"only regular files may be in the ledger folder; {path} is {en}: remove it and "
            "commit the contents as a regular file",
        ),
    )


def _folder_for_file(entries: Sequence[RawEntry], root: str) -> list[Problem]:
    """A path that was a file at the base and is a folder after the change."""
    gone = {
        entry.old_path
        for entry in entries
        if entry.old_path is not None and entry.old_path != entry.path
    }
    found: set[str] = set()
    for entry in entries:
        if entry.path is None or not in_ledger(entry.path, root):
            continue
        for parent in PurePosixPath(entry.path).parents:
            if str(parent) in gone:
                found.add(str(parent))
    return [
        Problem(
            "folder-for-file",
            Location(path, 1, 1),
            Text(
                f"{path} 原是文件，现在被换成了文件夹；台账中的文件不能换成文件夹，请恢复原文件",
                f"{path} was a file and is now a folder; a ledger file may not become a "
                "folder, restore the file",
            ),
        )
        for path in sorted(found)
    ]


def _outside(
    entries: Sequence[RawEntry], root: str, actor: str | None, code_maintainers: frozenset[str]
) -> list[Problem]:
    """Paths outside the ledger: only code maintainers (without an actor: not checked)."""
    if not actor or actor.lstrip("@").lower() in code_maintainers:
        return []
    paths = {
        path
        for entry in entries
        for path in (entry.old_path, entry.path)
        if path is not None and not in_ledger(path, root)
    }
    who = f"@{actor.lstrip('@')}"
    return [
        Problem(
            "outside-ledger",
            Location(path, 1, 1),
            Text(
                f"{path} 在台账目录 {root or '.'}/ 之外；只有 units.yaml 中 code_maintainers "
                f"所列的账号可以修改工作流、代码、schema、文档和站点设置，{who} 不在其中"
                "（以基准分支为准）；请只修改台账目录，或请代码维护人提交",
                f"{path} is outside the ledger folder {root or '.'}/; only the accounts in "
                f"code_maintainers (units.yaml on the base branch) may change workflows, code, "
                f"schemas, docs or site settings, and {who} is not one",
            ),
        )
        for path in sorted(paths)
    ]
