"""Every commit counts: each task version that a pull request's commits hold must load.

The audit trail reads every version of every task file in the history, so a version the
strict loader (:mod:`duban.load.yamlload`) cannot read is refused even when a later commit
repairs it. The commits are streamed by the audit's own reader (:class:`duban.git.HistoryReader`:
one ``git log``, one ``cat-file --batch``).
"""

from __future__ import annotations

from collections.abc import Set

from duban.git import HistoryReader, Repo
from duban.load.yamlload import load_text
from duban.problems import Problem
from duban.source import Location
from duban.text import Text


def unreadable_versions(repo: Repo, rev_range: str, tasks: str, judged: Set[str]) -> list[Problem]:
    """One refusal per task version in ``rev_range`` that does not load; versions whose blob
    is in ``judged`` (the merged tree's, checked in full elsewhere) are not loaded twice."""
    problems: list[Problem] = []
    seen = set(judged)
    reader = HistoryReader(repo, rev_range)
    for commit in reader.commits(tasks):
        for change in commit.files:
            if change.fetch_old:
                reader.blob()
            raw = reader.blob() if change.fetch_new else None
            if raw is None or change.path is None or change.new_blob in seen:
                continue
            seen.add(str(change.new_blob))
            problem = _unreadable(raw, change.path, commit.sha)
            if problem is not None:
                problems.append(problem)
    return problems


def _unreadable(raw: bytes, path: str, sha: str) -> Problem | None:
    doc, found = load_text(raw, path)
    errors = [p for p in found if p.severity == "error"]
    if doc is not None and not errors:
        return None
    if not errors and not found:  # nothing said, nothing loaded: still refused
        found = [Problem("yaml-unreadable", Location(path, 1, 1), Text("无法读取", "unreadable"))]
    first = errors[0] if errors else found[0]
    return Problem(
        "commit-version-unreadable",
        first.where,
        Text(
            f"提交 {sha[:12]} 中的 {path} 无法读取：{first.message('zh')}；审计会读取每一个"
            "版本，请改写本分支的历史（如 git rebase -i）去掉这个版本，再强制推送",
            f"commit {sha[:12]} holds a version of {path} that cannot be read: "
            f"{first.message('en')}; the audit reads every version, so rewrite the branch "
            "(e.g. git rebase -i) to drop it and force-push",
        ),
        field=first.field,
    )
