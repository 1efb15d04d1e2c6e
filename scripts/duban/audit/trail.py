"""Audit trails from the Git history: every task's, or one task's for ``duban audit``."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from duban.audit import cache as auditcache
from duban.audit.history import _run
from duban.audit.records import CACHE_DIR, Change, State, Trail
from duban.git import (
    TASKS_PREFIX,
    GitProblem,
    head_and_shallow,
    is_ancestor,
    is_tracked,
    open_repo,
)
from duban.problems import Problem


def audit_all(
    repo_path: Path | str,
    cache_dir: Path | str | None = None,
    tasks_prefix: str = TASKS_PREFIX,
) -> tuple[dict[str, Trail], list[Problem]]:
    """The trails of every task that ever existed in the history of HEAD, keyed by task id
    (file stem), and the problems (a shallow clone: a warning; not a repository, or a history
    that cannot be read: an error).

    ``tasks_prefix`` is the folder of the task files relative to the repository's top level
    (``duban.git.tasks_prefix`` computes it for a ledger folder)."""
    prefix = tasks_prefix.strip("/") + "/" if tasks_prefix.strip("/") else ""
    try:
        repo = open_repo(Path(repo_path))
    except GitProblem as exc:
        return {}, [exc.problem]
    with repo:
        head, problems = head_and_shallow(repo)
        if head is None:
            return {}, problems
        cache = Path(cache_dir) if cache_dir is not None and not problems else None
        try:
            state = _update(repo, head, prefix, cache)
        except GitProblem as exc:
            return {}, [*problems, exc.problem]
    return trails(state), problems


def _update(repo: Any, head: str, prefix: str, cache: Path | None) -> State:
    """The state at ``head``: from the cache when it is up to date, continued from it when
    its head is an ancestor, else read from scratch; the cache is rewritten when it moved."""
    state = auditcache.load(cache, prefix) if cache is not None else None
    if state is not None and state.head == head:
        return state  # the cache is up to date: nothing to write
    if state is not None and not is_ancestor(repo, state.head or "", head):
        state = None
    if state is None:
        state = _run(repo, State(prefix=prefix), head, None)
    else:
        state = _run(repo, state, head, state.head) or _run(repo, State(prefix=prefix), head, None)
    assert state is not None  # a run from scratch always finishes
    if cache is not None:
        auditcache.save(cache, state)
    return state


def trails(state: State) -> dict[str, Trail]:
    out: dict[str, Trail] = {}
    for key, pending in state.changes.items():
        changes = tuple(
            Change(state.commits[sha], kind, status, path, old, fields, problems)
            for sha, kind, status, path, old, fields, problems in pending
        )
        out[key] = Trail(key, state.last_path.get(key, ""), key in state.deleted, changes)
    return out


def audit_for_cli(
    repo_path: Path, task_id: str, use_cache: bool = True
) -> tuple[Trail | None, list[Problem], bool]:
    """(trail of ``task_id`` or None, problems, whether the history could not be read)."""
    cache = None
    if use_cache:
        try:
            repo = open_repo(repo_path)
        except GitProblem as exc:
            return None, [exc.problem], True
        with repo:
            cache = Path(repo.working_dir or "") / CACHE_DIR
            # A cache committed to the repository (a PR could add one) is not trusted.
            if is_tracked(repo, CACHE_DIR):
                cache = None
    all_trails, problems = audit_all(repo_path, cache)
    fatal = any(p.severity == "error" for p in problems)
    return find_trail(all_trails, task_id), problems, fatal


def find_trail(all_trails: dict[str, Trail], task_id: str) -> Trail | None:
    """The trail of ``task_id``, also under a former file name (renamed to another id)."""
    if task_id in all_trails:
        return all_trails[task_id]
    for trail in all_trails.values():
        if any(PurePosixPath(c.old_path or "").stem == task_id for c in trail.changes):
            return trail
    return None
