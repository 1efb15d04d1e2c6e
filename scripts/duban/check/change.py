"""Refuse illegal changes to the ledger between two commits (DESIGN.md §7).

``check_change(repo, base, head, actor)`` compares the ledger at ``head`` with the ledger at
the merge base of ``base`` and ``head`` (what a pull request changes, like ``git diff
base...head``), and returns one :class:`~duban.problems.Problem` per refusal, each naming the
file and line:

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
- ``settings-changed``: ``ledger.yaml``, ``units.yaml``, ``rules.yaml`` or the calendar changed by
  someone who maintains no assigning unit (otherwise anyone could add themselves to a roster).

Who the actor is comes from ``units.yaml`` *at the base commit* (``--base``, the trusted
branch), never from the change itself. Without an actor, only the checks that do not depend
on who made the change run. Git is read with GitPython.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from duban.calendar.rules import usable_as_deadline
from duban.check.duties import duty_violation
from duban.load.yamlload import load_text
from duban.model import cycle_start
from duban.problems import Problem, UserError, json_path
from duban.source import Document, Location
from duban.text import Text


class CheckError(UserError):
    """The check cannot run (not a repository, unknown revision...): exit 2."""


@dataclass(frozen=True)
class Roster:
    """Units and their maintainers, read from ``units.yaml`` at the base commit."""

    units: dict[str, dict[str, Any]]

    def units_of(self, actor: str) -> set[str]:
        handle = actor.lstrip("@").lower()
        return {
            code
            for code, unit in self.units.items()
            if handle in {str(m).lstrip("@").lower() for m in unit.get("maintainers") or []}
        }

    def assigning(self) -> set[str]:
        return {code for code, unit in self.units.items() if unit.get("kind") == "assigning"}


@dataclass(frozen=True)
class Change:
    """One changed file under the ledger: ``status`` is git's letter (A, M, D, R, C, T)."""

    status: str
    old: str | None
    new: str | None


class _Git:
    """The few Git reads the check needs, through GitPython."""

    def __init__(self, repo_path: str) -> None:
        try:
            import git
        except ImportError as exc:  # pragma: no cover - GitPython is a dependency
            raise CheckError(Text("需要 GitPython", "GitPython is required")) from exc
        self.git = git
        try:
            self.repo = git.Repo(repo_path, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
            raise CheckError(
                Text(f"{repo_path} 不是 Git 仓库", f"{repo_path} is not a Git repository")
            ) from exc

    def commit(self, rev: str) -> Any:
        try:
            return self.repo.commit(rev)
        except (self.git.BadName, ValueError, self.git.GitCommandError) as exc:
            raise CheckError(Text(f"找不到提交 “{rev}”", f"no such commit '{rev}'")) from exc

    def merge_base(self, a: Any, b: Any) -> Any:
        found = self.repo.merge_base(a, b)
        if not found:
            raise CheckError(
                Text(
                    f"{a.hexsha[:12]} 与 {b.hexsha[:12]} 没有共同的历史",
                    f"{a.hexsha[:12]} and {b.hexsha[:12]} have no common history",
                ),
            )
        return found[0]

    @staticmethod
    def read(commit: Any, path: str) -> bytes | None:
        try:
            return commit.tree[path].data_stream.read()
        except KeyError:
            return None

    def changes(self, a: Any, b: Any, under: str) -> list[Change]:
        out = self.repo.git.diff(
            "--name-status", "-z", "-M", "--no-ext-diff", a.hexsha, b.hexsha, "--", under
        )
        fields = out.split("\0")
        changes: list[Change] = []
        i = 0
        while i < len(fields) and fields[i]:
            status = fields[i][0]
            if status in "RC":
                changes.append(Change(status, fields[i + 1], fields[i + 2]))
                i += 3
            else:
                path = fields[i + 1]
                old = None if status == "A" else path
                new = None if status == "D" else path
                changes.append(Change(status, old, new))
                i += 2
        return changes


def _doc(raw: bytes | None, display: str) -> tuple[Document | None, list[Problem]]:
    if raw is None:
        return None, []
    return load_text(raw, display)


def _closed(events: list[Any]) -> bool:
    types = [event.get("type") if isinstance(event, dict) else None for event in events]
    return "closed" in types[cycle_start(types) :]


def _shape_problems(doc: Document) -> list[Problem]:
    """Invisible characters in codes, then the task schema (one problem per field)."""
    from duban.check import tasks as validate
    from duban.load import schema

    problems = validate.check_codes(doc)
    bad = {p.field for p in problems}
    return problems + [p for p in schema.check(doc, "task") if p.field not in bad]


class _Checker:
    def __init__(
        self,
        roster: Roster,
        actor: str | None,
        prefix: str,
        rules: dict[str, bool],
        today: date | None = None,
    ) -> None:
        self.today = today
        self.roster = roster
        self.actor = actor
        self.actor_units = roster.units_of(actor) if actor else set()
        self.prefix = prefix
        self.rules = rules
        self.problems: list[Problem] = []

    def refuse(self, code: str, where: Location, zh: str, en: str, keys: tuple = ()) -> None:  # type: ignore[type-arg]
        self.problems.append(
            Problem(code, where, Text(zh, en), field=json_path(keys) if keys else "")
        )

    @property
    def who(self) -> str:
        """``@handle [fgw]`` — the actor and the units they maintain (``-`` for none)."""
        if not self.actor:
            return ""
        return f"@{self.actor.lstrip('@')} [{', '.join(sorted(self.actor_units)) or '-'}]"

    # -- new events ----------------------------------------------------------------------

    def new_events(self, doc: Document, first: int, owner: dict[str, Any], assigner: str) -> None:
        events = doc.data.get("events") or []
        owners = {owner.get("unit"), *(owner.get("co_units") or [])}
        for index in range(first, len(events)):
            event = events[index]
            if not isinstance(event, dict):
                continue
            kind, by = event.get("type"), event.get("by")
            keys = ("events", index, "by")
            where = doc.loc(*keys)
            if self.actor and by not in self.actor_units:
                self.refuse(
                    "event-not-actor",
                    where,
                    f"新增的办理记录由 {by} 登记, 但提交人 {self.who} 不是该单位的维护人"
                    " (以基准分支的 units.yaml 为准)",
                    f"the new event is recorded for {by}, but {self.who} does not maintain "
                    "that unit (per units.yaml on the base branch)",
                    keys,
                )
            why = duty_violation(str(kind), str(by), assigner, owners)
            if why is not None:
                self.refuse("duty-separation", where, why.zh, why.en, keys)
            if self.today is not None and str(event.get("date", "")) > self.today.isoformat():
                self.refuse(
                    "event-in-future",
                    doc.loc("events", index, "date"),
                    f"办理记录的日期 {event.get('date')} 晚于今天 ({self.today}); "
                    "只能登记已经发生的事",
                    f"the event is dated {event.get('date')}, after today ({self.today}); "
                    "record only what has happened",
                    ("events", index, "date"),
                )

    # -- files ---------------------------------------------------------------------------

    def added(self, path: str, raw: bytes | None) -> None:
        from duban.check import tasks as validate

        doc, problems = _doc(raw, path)
        if doc is None:
            self.problems += problems
            return
        problems = _shape_problems(doc)
        if not problems:
            problems = validate.check_task(
                doc, PurePosixPath(path).stem, self.prefix, set(self.roster.units), self.rules
            )
        if problems:
            self.problems += problems
            return
        data = doc.data
        assigner = data["assigned_by"]
        if self.actor and assigner not in self.actor_units:
            self.refuse(
                "task-created-by-non-assigner",
                doc.loc("assigned_by"),
                f"只有交办单位 {assigner} 的维护人可以新建任务, 提交人 {self.who} 不是",
                f"only maintainers of the assigning unit {assigner} may create tasks; "
                f"{self.who} is not one",
                ("assigned_by",),
            )
        self.new_events(doc, 0, data["owner"], assigner)

    def deleted(self, path: str, raw: bytes | None, moved_to: str | None = None) -> None:
        doc, _ = _doc(raw, path)
        where = doc.loc("id") if doc else Location(path, 1, 1)
        if moved_to:
            zh = f"任务文件不能移出 tasks/ 目录 (移到了 {moved_to}); 任务只能销号, 不能删除"
            en = f"a task file may not be moved out of tasks/ (moved to {moved_to})"
        else:
            zh = "任务文件不能删除; 任务只能核实销号 (closed), 台账保留全部记录"
            en = "a task file may not be deleted; tasks are closed, never removed"
        self.refuse("task-deleted", where, zh, en)

    def modified(
        self, old_path: str, new_path: str, old_raw: bytes | None, new_raw: bytes | None
    ) -> None:
        old, _ = _doc(old_raw, old_path)
        new, problems = _doc(new_raw, new_path)
        if new is None:
            self.problems += problems
            return
        if old is None or not isinstance(old.data.get("events"), list):
            self.added(new_path, new_raw)  # the base copy is unreadable: check it as new
            return
        problems = _shape_problems(new)
        if problems:
            self.problems += problems
            return
        if PurePosixPath(old_path).stem != PurePosixPath(new_path).stem:
            self.refuse(
                "task-renamed",
                new.loc("id"),
                f"任务文件不能改名为另一个编号: {PurePosixPath(old_path).name} → "
                f"{PurePosixPath(new_path).name}",
                f"a task file may not be renamed to another id: {PurePosixPath(old_path).name}"
                f" → {PurePosixPath(new_path).name}",
            )
        a, b = old.data, new.data
        if a.get("id") != b.get("id"):
            self.refuse(
                "id-changed",
                new.loc("id"),
                f"任务编号不能修改: {a.get('id')} → {b.get('id')}",
                f"a task id may not change: {a.get('id')} → {b.get('id')}",
                ("id",),
            )
        old_events = a.get("events") or []
        new_events = b.get("events") if isinstance(b.get("events"), list) else []
        for index, event in enumerate(old_events):
            if index >= len(new_events):
                self.refuse(
                    "event-removed",
                    new.loc("events"),
                    f"第 {index + 1} 条办理记录 (原第 {old.loc('events', index).line} 行) 被删除;"
                    " 办理记录只能追加, 更正请登记新的记录",
                    f"event {index + 1} (line {old.loc('events', index).line} before) was "
                    "removed; events are append-only, record a correction as a new event",
                    ("events", index),
                )
            elif new_events[index] != event:
                self.refuse(
                    "event-altered",
                    new.loc("events", index),
                    f"第 {index + 1} 条办理记录被修改; 办理记录只能追加, 更正请登记新的记录",
                    f"event {index + 1} was changed; events are append-only, record a "
                    "correction as a new event",
                    ("events", index),
                )
        first_new = len(old_events)
        appended = new_events[first_new:]
        fields = [k for k in dict.fromkeys([*a, *b]) if k != "events" and a.get(k) != b.get(k)]
        reopening = (
            bool(appended)
            and isinstance(appended[0], dict)
            and (appended[0].get("type") == "reopened")
        )
        if _closed(old_events) and not reopening and (appended or fields):
            keys: tuple[str | int, ...] = ("events", first_new) if appended else (fields[0],)
            self.refuse(
                "closed-task-changed",
                new.loc(*keys),
                "任务已销号, 不能再修改; 如需继续办理, 须由交办单位先登记“重新办理”(reopened)",
                "the task is closed and may not change; the assigning unit must record "
                "'reopened' first",
                keys,
            )
        assigner = a.get("assigned_by")
        if fields and self.actor and assigner not in self.actor_units:
            self.refuse(
                "task-fields-changed",
                new.loc(fields[0]),
                f"只有交办单位 {assigner} 的维护人可以修改任务要素 ({', '.join(fields)}); "
                f"提交人 {self.who} 只能追加办理记录 (延期须由交办单位登记 extension-approved)",
                f"only maintainers of the assigning unit {assigner} may change the task "
                f"({', '.join(fields)}); {self.who} may only append events",
                (fields[0],),
            )
        if isinstance(a.get("owner"), dict):
            self.new_events(new, first_new, a["owner"], str(assigner))

    def settings(self, path: str) -> None:
        if not self.actor or self.actor_units & self.roster.assigning():
            return
        self.refuse(
            "settings-changed",
            Location(path, 1, 1),
            f"只有交办单位的维护人可以修改台账设置、单位名册、规则和日历; 提交人 {self.who} 不是",
            f"only maintainers of an assigning unit may change the ledger settings, roster, "
            f"rules or calendar; {self.who} is not one",
        )


def check_change(
    repo_path: str,
    base: str,
    head: str = "HEAD",
    actor: str | None = None,
    ledger: str = "ledger",
    today: date | None = None,
) -> list[Problem]:
    """Every refusal for the change from (the merge base of) ``base`` to ``head``.

    ``today`` (in the ledger's time zone), when given, refuses new events dated after it.

    Raises :class:`CheckError` when it cannot run.
    """
    git = _Git(repo_path)
    base_commit = git.commit(base)
    head_commit = git.commit(head)
    fork = git.merge_base(base_commit, head_commit)
    root = PurePosixPath(ledger.strip("/") or ".")
    units_raw = git.read(base_commit, str(root / "units.yaml"))
    if units_raw is None:
        raise CheckError(
            Text(
                f"基准提交 {base} 中没有 {root / 'units.yaml'}",
                f"no {root / 'units.yaml'} at the base commit {base}",
            ),
        )
    roster_doc, problems = load_text(units_raw, str(root / "units.yaml"))
    items = roster_doc.data.get("units") if roster_doc else None
    if not isinstance(items, list):
        raise CheckError(
            Text(
                f"基准提交的 units.yaml 无法读取: {problems[0].message('zh') if problems else ''}",
                f"units.yaml at the base commit is unreadable: "
                f"{problems[0].message('en') if problems else ''}",
            ),
        )
    roster = Roster({u["code"]: u for u in items if isinstance(u, dict) and "code" in u})
    config_doc, _ = _doc(git.read(base_commit, str(root / "ledger.yaml")), "ledger.yaml")
    prefix = str(config_doc.data.get("id_prefix", "")) if config_doc else ""
    rules_doc, _ = _doc(git.read(base_commit, str(root / "rules.yaml")), "rules.yaml")
    rule_items = rules_doc.data.get("rules") if rules_doc else None
    rules = {
        r.get("id"): usable_as_deadline(
            r.get("kind"), r.get("starts"), r.get("period"), r.get("before")
        )
        for r in rule_items or []
        if isinstance(r, dict)
    }

    checker = _Checker(roster, actor, prefix, rules, today)  # type: ignore[arg-type]
    tasks = f"{root}/tasks/"

    def is_task(path: str | None) -> bool:
        return bool(path) and path.startswith(tasks) and path.endswith(".yaml")  # type: ignore[union-attr]

    for change in git.changes(fork, head_commit, str(root)):
        old_raw = git.read(fork, change.old) if change.old else None
        new_raw = git.read(head_commit, change.new) if change.new else None
        if change.status == "D":
            if is_task(change.old):
                checker.deleted(change.old, old_raw)  # type: ignore[arg-type]
            else:
                checker.settings(change.old)  # type: ignore[arg-type]
        elif change.status == "A" or change.status == "C":
            if is_task(change.new):
                checker.added(change.new, new_raw)  # type: ignore[arg-type]
            else:
                checker.settings(change.new)  # type: ignore[arg-type]
        else:  # M, T, R
            if is_task(change.old) and not is_task(change.new):
                checker.deleted(change.old, old_raw, moved_to=change.new)  # type: ignore[arg-type]
            elif is_task(change.old):
                checker.modified(change.old, change.new, old_raw, new_raw)  # type: ignore[arg-type]
            elif is_task(change.new):
                checker.added(change.new, new_raw)  # type: ignore[arg-type]
            else:
                checker.settings(change.new or change.old)  # type: ignore[arg-type]
    checker.problems.sort(key=Problem.sort_key)
    return checker.problems
