"""The one Git layer: every Git read of duban goes through this package.

GitPython is used the same way everywhere, as a command runner (``repo.git.<cmd>(...)``) whose
output is parsed; nothing walks Git objects in Python, nothing else in duban runs ``git``.
``-z`` raw name-status output has one parser (``commands.parse_raw_entry``), shared by the history
stream (``git log``, :mod:`duban.git.history`) and the two-commit diff (``git diff``,
:func:`diff_entries`). Every failure is a :class:`GitProblem`; the stage that calls Git turns
it into a :class:`~duban.problems.Problem` (or a user error).
"""

from duban.git.commands import (
    GIT_READ_FAILED,
    NULL_SHA,
    TASKS_PREFIX,
    BlobReader,
    GitProblem,
    RawEntry,
    Repo,
    diff_entries,
    head_and_shallow,
    head_commit,
    is_ancestor,
    is_task_path,
    is_tracked,
    merge_base,
    merge_tree,
    open_repo,
    repo_relative,
    resolve_commit,
    tasks_prefix,
    toplevel,
)
from duban.git.history import FileChange, HistoryReader, RawCommit, pr_number
from duban.git.worktree import WORKTREE, worktree_commit

__all__ = [
    "GIT_READ_FAILED",
    "NULL_SHA",
    "TASKS_PREFIX",
    "WORKTREE",
    "BlobReader",
    "FileChange",
    "GitProblem",
    "HistoryReader",
    "RawCommit",
    "RawEntry",
    "Repo",
    "diff_entries",
    "head_and_shallow",
    "head_commit",
    "is_ancestor",
    "is_task_path",
    "is_tracked",
    "merge_base",
    "merge_tree",
    "open_repo",
    "pr_number",
    "repo_relative",
    "resolve_commit",
    "tasks_prefix",
    "toplevel",
    "worktree_commit",
]
