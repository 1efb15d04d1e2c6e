"""Refuse illegal changes to the ledger between two commits (the ``check-change`` section of
``README.md``).

``check_change(repo, base, head, actor)`` compares the tree that merging ``head`` into the
tip of ``base`` would give (``git merge-tree --write-tree``) with ``base``, and returns one
:class:`~duban.problems.Problem` per refusal, each naming the file and line:

- ``merge-conflict``: the merge does not go through (nothing else is judged);
- ``not-a-regular-file`` / ``folder-for-file`` / ``outside-ledger``: the paths
  (:mod:`duban.check.paths`): only regular files under the ledger, no folder where a file
  was, nothing outside the ledger but by a ``code_maintainers`` account;
- ``commit-version-unreadable``: a commit of ``base..head`` holds a task version the strict
  loader cannot read (:mod:`duban.check.commits`);

- ``task-deleted``: a task file deleted (or moved out of ``tasks/``);
- ``task-renamed``: a task file renamed to another id;
- ``id-changed``: the ``id`` inside a task file changed;
- ``event-altered`` / ``event-removed``: an existing event changed or removed — the handling
  record is append-only, corrections are new events;
- ``event-not-actor``: a new event recorded for a unit the actor does not maintain;
- ``duty-separation``: a new event of a kind that unit may not record (assigning unit only:
  extension-approved, sent-back, verified, closed, reopened; owner/co-units only: deployed,
  the reports, delay-explained, completed; either: decomposed, reported-to-leader);
- ``closed-task-changed``: a closed task changed other than by appending ``reopened`` first;
- ``task-fields-changed``: the task itself (title, deadline, owner, ...) changed by someone
  who does not maintain its assigning unit (the owner asks for ``extension-approved``);
- ``task-created-by-non-assigner`` / task problems: a new task file created by someone who
  does not maintain its assigning unit, or not valid (schema and ledger rules);
- ``names-internal-task``: a public task naming a task that is not public, in the merged
  tree, when the change wrote that text or made the named task what it is
  (:mod:`duban.check.disclosure`, the same rule as ``validate``);
- ``settings-changed``: ``ledger.yaml``, ``units.yaml``, ``rules.yaml`` or the calendar changed by
  someone who maintains no assigning unit (otherwise anyone could add themselves to a roster).

Who the actor is comes from ``units.yaml`` *at the base commit* (``--base``, the trusted
branch), never from the change itself. Without an actor, only the checks that do not depend
on who made the change run. Git is read through :mod:`duban.git`; the base's roster, rules
and settings and every task version go through the same loaders as ``validate``
(:mod:`duban.load`, :mod:`duban.check.pipeline`); the checks themselves are the pure
functions of :mod:`duban.check.change_checks`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path, PurePosixPath

from duban.check.backfill import EMPTY_TREE, read_backfill
from duban.check.change_checks import check
from duban.check.change_records import (
    Added,
    Context,
    Deleted,
    LedgerChange,
    Modified,
    SettingsChanged,
)
from duban.check.commits import unreadable_versions
from duban.check.disclosure import Matcher, Secret, findings, read_task, title_key
from duban.check.paths import check_paths
from duban.git import (
    BlobReader,
    GitProblem,
    RawEntry,
    Repo,
    diff_entries,
    is_task_path,
    merge_base,
    merge_tree,
    open_repo,
    resolve_commit,
    worktree_commit,
)
from duban.load.rules import load_rules_text
from duban.load.settings import load_config_text, load_roster_text
from duban.problems import Problem, UserError
from duban.source import Document, Location
from duban.text import Text


class CheckError(UserError):
    """The check cannot run (not a repository, unknown revision...): exit 2."""


Read = Callable[[str | None], bytes | None]


def classify(entry: RawEntry, tasks: str, read: Read) -> LedgerChange:
    """The typed change of one raw diff entry under the ledger; ``tasks`` is the path prefix
    of task files, ``read`` gives a blob's contents by id."""
    old_task, new_task = is_task_path(entry.old_path, tasks), is_task_path(entry.path, tasks)
    if entry.status == "D":
        assert entry.old_path is not None
        return (
            Deleted(entry.old_path, read(entry.old_blob))
            if old_task
            else SettingsChanged(entry.old_path)
        )
    if entry.status in "AC":
        assert entry.path is not None
        if new_task:
            return Added(entry.path, read(entry.new_blob))
        return _settings(entry.path, entry.new_blob, read)
    old, new = entry.old_path, entry.path  # M, T, R: both are set
    assert old is not None and new is not None
    if old_task and not new_task:
        return Deleted(old, read(entry.old_blob), moved_to=new)
    if old_task:
        return Modified(old, new, read(entry.old_blob), read(entry.new_blob))
    if new_task:
        return Added(new, read(entry.new_blob))
    return _settings(new, entry.new_blob, read)


def _settings(path: str, blob: str | None, read: Read) -> SettingsChanged:
    """A changed file other than a task file, with its new contents when it is YAML (checked
    for characters that hide text, :func:`duban.check.change_checks.settings_text`)."""
    return SettingsChanged(path, read(blob) if path.endswith(".yaml") else None)


def _context(
    blobs: BlobReader,
    base: str,
    rev: str,
    root: PurePosixPath,
    actor: str | None,
    today: date | None,
) -> Context:
    """Roster, id prefix and deadline rules at the base commit, read like ``validate`` does.
    A base roster that cannot be read (or is not valid) means the check cannot run."""
    where = str(root / "units.yaml")
    raw = blobs.at(base, where)
    if raw is None:
        raise CheckError(
            Text(f"基准提交 {rev} 中没有 {where}", f"no {where} at the base commit {rev}")
        )
    units, code_maintainers, problems = load_roster_text(raw, where)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise CheckError(
            Text(
                f"基准提交的 units.yaml 无法读取：{errors[0].message('zh')}",
                f"units.yaml at the base commit is unreadable: {errors[0].message('en')}",
            ),
        )
    config_raw = blobs.at(base, str(root / "ledger.yaml"))
    config, _ = load_config_text(config_raw, "ledger.yaml") if config_raw else (None, [])
    rules_raw = blobs.at(base, str(root / "rules.yaml"))
    rules, _ = load_rules_text(rules_raw, "rules.yaml") if rules_raw else ({}, [])
    deadline_rules = {rule.id: rule.usable_as_deadline for rule in rules.values()}
    prefix = config.id_prefix if config else ""
    return Context(units, actor, prefix, deadline_rules, today, code_maintainers)


def check_change(
    repo_path: str,
    base: str,
    head: str | None = "HEAD",
    actor: str | None = None,
    ledger: str = "ledger",
    today: date | None = None,
    staged: bool = False,
) -> list[Problem]:
    """Every refusal for merging ``head`` into ``base``: the tree the merge would give,
    compared with ``base``; every path it touches; every task version of every commit.

    ``head`` None judges the working tree (uncommitted and untracked edits included, as if
    committed on top of HEAD: :func:`duban.git.worktree_commit`); with ``staged``, the index
    (what ``git commit`` would commit: the pre-commit hook).
    ``today`` (in the ledger's time zone), when given, refuses new events dated after it.

    Raises :class:`CheckError` when it cannot run.
    """
    root = PurePosixPath(ledger.strip("/") or ".")
    try:
        repo = open_repo(Path(repo_path))
    except GitProblem as exc:
        raise CheckError(
            Text(f"{repo_path} 不是 Git 仓库", f"{repo_path} is not a Git repository")
        ) from exc
    with repo, BlobReader(repo) as blobs:
        try:
            base_sha = resolve_commit(repo, base)
            head_sha = (
                worktree_commit(repo, staged=staged) if head is None else resolve_commit(repo, head)
            )
            merge_base(repo, base_sha, head_sha)  # no common history: cannot run
            ctx = _context(blobs, base_sha, base, root, actor, today)
            if today is not None:  # backfill_days on the base's calendar (check/backfill.py)
                ctx = replace(ctx, backfill=read_backfill(repo, blobs, base_sha, head_sha, root))
            tree, conflicts = merge_tree(repo, base_sha, head_sha)
            if tree is None:
                return [_conflict(path, base) for path in conflicts]
            problems = _judge(repo, blobs, base_sha, head_sha, tree, root, ctx)
        except GitProblem as exc:
            raise CheckError(exc.problem.text) from exc
    problems.sort(key=Problem.sort_key)
    return problems


def _judge(
    repo: Repo,
    blobs: BlobReader,
    base: str,
    head: str,
    tree: str,
    root: PurePosixPath,
    ctx: Context,
) -> list[Problem]:
    """The refusals for the change from ``base`` to the merged ``tree``."""
    where = "" if str(root) == "." else str(root)
    entries = diff_entries(repo, base, tree)
    problems, content = check_paths(entries, where, ctx.actor, ctx.code_maintainers)
    tasks = f"{where}/tasks/" if where else "tasks/"
    changes = [classify(entry, tasks, blobs.blob) for entry in content]
    problems += [problem for change in changes for problem in check(change, ctx)]
    if any(isinstance(change, Added | Modified) for change in changes):
        touched = {path for entry in content for path in (entry.old_path, entry.path) if path}
        former = former_secrets(content, tasks, blobs.blob)
        problems += disclosures(repo, blobs, tree, tasks, touched, former)
    judged = {entry.new_blob for entry in entries if entry.new_blob}
    return problems + unreadable_versions(repo, f"{base}..{head}", tasks, judged)


def former_secrets(entries: list[RawEntry], tasks: str, read: Read) -> list[Secret]:
    """The old id (when renamed) and old title of every task the change makes public: its
    internal past, which its public text may not name either."""
    out: list[Secret] = []
    for entry in entries:
        if entry.status not in "MRT" or not is_task_path(entry.old_path, tasks):
            continue
        assert entry.old_path is not None and entry.path is not None
        old_stem, new_stem = PurePosixPath(entry.old_path).stem, PurePosixPath(entry.path).stem
        _, old = read_task(read(entry.old_blob), old_stem, entry.old_path)
        new, _ = read_task(read(entry.new_blob), new_stem, entry.path)
        if old is None or new is None or not isinstance(new.data, dict):
            continue
        same_title = title_key(old.title) == title_key(str(new.data.get("title", "")))
        secret = Secret(
            old_stem if old_stem != new_stem else "",
            "" if same_title else old.title,
            entry.old_path,
            former=True,
        )
        if secret.id or secret.title:
            out.append(secret)
    return out


#: A task file that says it is public (one line ``visibility: public``): untouched by the
#: change, it is parsed only when its text may name a task the change touched.
_SAYS_PUBLIC = re.compile(rb"^visibility:[ \t]*[\"']?public[\"']?[ \t]*(?:#.*)?$", re.M)


def disclosures(
    repo: Repo,
    blobs: BlobReader,
    tree: str,
    tasks: str,
    touched: set[str],
    former: Sequence[Secret] = (),
) -> list[Problem]:
    """``names-internal-task`` (:mod:`duban.check.disclosure`) in the merged ``tree``: a
    public task naming a task that is not public, where the change touched either of them
    (it wrote the naming text, or made the named task internal, or gave it that title), or
    naming its own internal past (``former``).

    Every task file of the tree is read (one ``cat-file`` stream), but only the touched ones
    and those that do not say they are public are parsed; an untouched public file only when
    its text names a secret the change touched. (An untouched file that says it is public but
    is not valid is not a secret here; ``validate`` and the build count it as one.)"""
    public: list[tuple[str, Document]] = []
    untouched: list[tuple[str, bytes]] = []
    secrets: list[Secret] = [*former]
    for entry in diff_entries(repo, EMPTY_TREE, tree, tasks.rstrip("/")):
        if entry.path is None or not is_task_path(entry.path, tasks):
            continue
        raw = blobs.blob(entry.new_blob)
        if raw is None:
            continue
        if entry.path not in touched and _SAYS_PUBLIC.search(raw) is not None:
            untouched.append((entry.path, raw))
            continue
        doc, secret = read_task(raw, PurePosixPath(entry.path).stem, entry.path)
        if doc is not None and entry.path in touched:
            public.append((entry.path, doc))
        if secret is not None:
            secrets.append(secret)
    if not secrets:
        return []
    problems = _named(public, Matcher(tuple(secrets)), None)
    fresh = Matcher(tuple(s for s in secrets if s.path in touched))
    if fresh.secrets:
        suspects = []
        for path, raw in untouched:
            if fresh.named(raw.decode("utf-8", errors="replace")) is None:
                continue
            doc, _ = read_task(raw, PurePosixPath(path).stem, path)
            if doc is not None:
                suspects.append((path, doc))
        problems += _named(suspects, fresh, touched)
    return problems


def _named(
    docs: list[tuple[str, Document]], matcher: Matcher, touched: set[str] | None
) -> list[Problem]:
    """The findings in ``docs`` (of secrets in ``touched`` only, unless None)."""
    return [
        problem
        for path, doc in docs
        for problem, secret in findings(doc, matcher, PurePosixPath(path).stem)
        if touched is None or secret.path in touched
    ]


def _conflict(path: str, base: str) -> Problem:
    return Problem(
        "merge-conflict",
        Location(path, 1, 1),
        Text(
            f"合并到 {base} 时 {path} 有冲突，无法判断合并后的台账；请先把 {base} 的最新内容"
            f"合并进本分支（git merge {base}）并解决冲突，再提交",
            f"{path} conflicts when merged into {base}, so the merged ledger cannot be "
            f"judged; merge the latest {base} into this branch (git merge {base}), resolve "
            "the conflict and push again",
        ),
    )


__all__ = ["CheckError", "check_change", "classify"]
