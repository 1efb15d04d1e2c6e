"""Synthetic ledgers for benchmarks: task files, and whole Git histories via ``git fast-import``.

Reusable by every benchmark::

    from synth import build_repo, write_task_files
    info = build_repo(Path("/tmp/big"), tasks=10_000, commits=50_000, checkout=True)
    write_task_files(Path("/tmp/ledger/tasks"), 10_000)   # just the files, no Git

The history looks like a real ledger's: one commit adds the settings, roster, rules and
calendar; then pull requests, merged with a merge commit ("Merge pull request #N from ...",
1-3 commits on the branch) or squashed ("subject (#N)"), and a few direct commits to main.
Commits create tasks (spread over the whole history, in year folders), append events, extend
deadlines, edit fields; a few rename a task file (to an ``archive/`` folder), delete one, or
break the YAML and fix it in the next commit. Deterministic for a given seed.

    python benchmarks/synth.py DEST [--tasks 10000] [--commits 50000] [--checkout]
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from duban import model

ROOT = Path(__file__).resolve().parents[1]
UNITS = ["fgw", "czj", "jyj", "zjj", "nyncj", "wlj", "sthjj", "rsj"]
UNIT_NAMES = [
    "发展和改革委员会",
    "财政局",
    "教育局",
    "住房和城乡建设局",
    "农业农村局",
    "文化和旅游局",
    "生态环境局",
    "人力资源和社会保障局",
]
AUTHORS = ["王芳", "李强", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄涛", "周婷", "吴昊"]
TITLES = [
    "制定优化营商环境行动方案",
    "推进乡村振兴示范村建设",
    "开展安全生产专项整治",
    "办理人大代表建议",
    "落实重点项目建设任务",
    "完善基层公共服务设施",
]
NOTES = ["按计划推进", "已召开专题会议", "完成阶段性工作", "正在征求意见", "已报送州政府办"]
START = 1_672_617_600  # 2023-01-02 08:00 +08:00
LEDGER_YAML = """name: 恩施州人民政府督办台账 (合成数据)
short_name: 合成台账
id_prefix: ES
timezone: Asia/Shanghai
language: zh-CN
warning_days: 3
fictional: true
notice: 基准测试用合成数据。
"""


@dataclass
class Task:
    """The current state of one synthetic task; ``render`` gives its YAML text."""

    id: str
    path: str
    title: str
    meeting: int
    received: str
    unit: str
    co: str
    priority: str
    deadline: str
    milestone_due: str
    events: list[str] = field(default_factory=list)
    description: str = ""

    def render(self) -> str:
        lines = [
            "# yaml-language-server: $schema=../../../schemas/task.schema.json",
            f"id: {self.id}",
            f"title: {self.title}",
            f"source: 州政府第{self.meeting}次常务会议",
            f"received: {self.received}",
            "assigned_by: zfb",
            "owner:",
            f"  unit: {self.unit}",
            "  lead: 主要负责同志",
            f"  co_units: [{self.co}]",
            "standard: 形成正式成果并报州政府办公室备案",
            f"priority: {self.priority}",
            f"deadline: {self.deadline}",
            "visibility: public",
        ]
        if self.description:
            lines.append(f"description: {self.description}")
        lines += ["milestones:", f"  - {{title: 完成调研, due: {self.milestone_due}}}", "events:"]
        lines += [f"  - {e}" for e in self.events]
        return "\n".join(lines) + "\n"


def _date(ts: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(ts + 8 * 3600))


def new_task(rng: random.Random, n: int, year: int, ts: int) -> Task:
    """Task number ``n`` (1-based within ``year``), received at time ``ts``."""
    unit = rng.choice(UNITS)
    received = _date(ts)
    return Task(
        id=f"ES-{year}-{n:04d}",
        path=f"ledger/tasks/{year}/ES-{year}-{n:04d}.yaml",
        title=f"{rng.choice(TITLES)} (第{n}项)",
        meeting=rng.randint(1, 40),
        received=received,
        unit=unit,
        co=rng.choice([u for u in UNITS if u != unit]),
        priority=rng.choice(["normal", "normal", "important", "urgent"]),
        deadline=_date(ts + rng.randint(30, 200) * 86400),
        milestone_due=_date(ts + 20 * 86400),
        events=[f"{{date: {received}, type: decomposed, by: zfb}}"],
    )


#: What an owner records while working on a task (every new task starts ``decomposed``), in
#: the order of duban.model.EVENT_TYPES.
EVENT_TYPES = [
    t for t in model.EVENT_TYPES if t in (model.OWNER_ONLY | model.EITHER) - {"decomposed"}
]


def edit_task(rng: random.Random, task: Task, ts: int) -> str:
    """Change ``task`` the way clerks do (mostly appending an event); return a commit subject."""
    day = _date(ts)
    roll = rng.random()
    if roll < 0.08:
        task.deadline = _date(ts + rng.randint(20, 90) * 86400)
        task.events.append(
            f"{{date: {day}, type: extension-approved, by: zfb, deadline: {task.deadline}, "
            "note: 同意延期}"
        )
        return f"{task.id}: 同意延期至 {task.deadline}"
    if roll < 0.12:
        task.description = f"{rng.choice(NOTES)} ({day})"
        return f"{task.id}: 补充说明"
    if roll < 0.14:
        task.priority = rng.choice(["normal", "important", "urgent"])
        return f"{task.id}: 调整紧急程度"
    kind = rng.choice(EVENT_TYPES)
    extra = ", milestone: 完成调研" if kind == "milestone-reported" else ""
    note = f", note: {rng.choice(NOTES)}" if rng.random() < 0.5 else ""
    task.events.append(f"{{date: {day}, type: {kind}, by: {task.unit}{extra}{note}}}")
    return f"{task.id}: 登记 {kind}"


@dataclass
class SynthInfo:
    path: Path
    tasks: int
    commits: int
    live_files: int
    seconds: float


class _Stream:
    """Writes a fast-import stream: blobs, commits with marks."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.mark = 0
        self.commits = 0

    def _w(self, data: bytes) -> None:
        self.out.write(data)

    def blob(self, text: str) -> int:
        raw = text.encode()
        self.mark += 1
        self._w(b"blob\nmark :%d\ndata %d\n%s\n" % (self.mark, len(raw), raw))
        return self.mark

    def commit(
        self,
        ref: str,
        ts: int,
        author: str,
        msg: str,
        ops: list[str],
        parent: int | None,
        merge: int | None = None,
    ) -> int:
        self.mark += 1
        self.commits += 1
        who = f"{author} <clerk{sum(author.encode()) % 97}@example.org> {ts} +0800"
        raw = msg.encode()
        head = f"commit {ref}\nmark :{self.mark}\nauthor {who}\ncommitter {who}\n"
        self._w(head.encode() + b"data %d\n%s\n" % (len(raw), raw))
        if parent is not None:
            self._w(f"from :{parent}\n".encode())
        if merge is not None:
            self._w(f"merge :{merge}\n".encode())
        self._w(("\n".join(ops) + "\n\n" if ops else "\n").encode())
        return self.mark


def config_files() -> dict[str, str]:
    """The ledger's settings, roster, rules and calendar, by path in the repository."""
    files = {"ledger/ledger.yaml": LEDGER_YAML}
    rows = [
        "  - {code: zfb, name: 州人民政府办公室, short_name: 州政府办, kind: assigning, "
        "maintainers: [zfb-clerk]}"
    ]
    for code, name in zip(UNITS, UNIT_NAMES, strict=True):
        rows.append(
            f"  - {{code: {code}, name: 州{name}, short_name: 州{name[:2]}, "
            f"kind: department, maintainers: [{code}-clerk]}}"
        )
    files["ledger/units.yaml"] = "units:\n" + "\n".join(rows) + "\n"
    src = ROOT / "ledger"
    for extra in [src / "rules.yaml", *sorted((src / "calendar").glob("*.yaml"))]:
        if extra.is_file():
            files[f"ledger/{extra.relative_to(src).as_posix()}"] = extra.read_text("utf-8")
    return files


def _config_ops(stream: _Stream) -> list[str]:
    return [f"M 100644 :{stream.blob(text)} {path}" for path, text in config_files().items()]


def write_ledger(dest: Path, count: int, seed: int = 7) -> Path:
    """A whole ledger folder without Git: settings, roster, rules, calendar, ``count`` tasks."""
    for path, text in config_files().items():
        target = dest / Path(path).relative_to("ledger")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
    write_task_files(dest / "tasks", count, seed)
    return dest


def write_history(out: BinaryIO, tasks: int, commits: int, seed: int = 7) -> tuple[int, int, int]:
    """Write a fast-import stream of the history to ``out``; return (tasks created,
    commits, task files at the end)."""
    rng = random.Random(seed)
    out = _Stream(out)
    ts = START
    head = out.commit(
        "refs/heads/main", ts, "王芳", "台账设置、单位名册、时限规则和日历", _config_ops(out), None
    )
    live: list[Task] = []
    created = pr = 0
    per_year: dict[int, int] = {}

    def change() -> list[tuple[str, list[str]]]:
        """The (subject, file operations) of one or two commits: a clerk's change."""
        nonlocal created
        if created < tasks and (
            created < tasks * min(1.0, out.commits / commits * 1.3) + 1 or not live
        ):
            year = 2023 + min(3, created * 4 // tasks)
            per_year[year] = per_year.get(year, 0) + 1
            task = new_task(rng, per_year[year], year, ts)
            created += 1
            live.append(task)
            return [(f"新增任务 {task.id}", [f"M 100644 :{out.blob(task.render())} {task.path}"])]
        task = live[int(len(live) * rng.random() ** 0.5)]  # recent tasks move more
        roll = rng.random()
        if roll < 0.004:
            new_path = task.path.replace("ledger/tasks/", "ledger/tasks/archive/", 1)
            ops = [f"R {task.path} {new_path}"]
            task.path = new_path
            return [(f"{task.id}: 归档", ops)]
        if roll < 0.006:
            live.remove(task)
            return [(f"删除重复登记的任务 {task.id}", [f"D {task.path}"])]
        if roll < 0.01:
            broken = task.render().replace("owner:\n  unit", "owner:\n\tunit", 1)
            return [
                (f"{task.id}: 修改责任单位", [f"M 100644 :{out.blob(broken)} {task.path}"]),
                (f"{task.id}: 修正格式", [f"M 100644 :{out.blob(task.render())} {task.path}"]),
            ]
        subject = edit_task(rng, task, ts)
        return [(subject, [f"M 100644 :{out.blob(task.render())} {task.path}"])]

    while out.commits < commits:
        pr += 1
        merged = rng.random() < 0.6 and commits - out.commits > 2
        style = rng.random()
        steps = rng.choice([1, 1, 2, 3]) if merged else 1
        ops_all: list[str] = []
        tip, first = head, ""
        for _ in range(steps):
            for subject, ops in change():
                ts += rng.randint(600, 3000)
                first = first or subject
                author = rng.choice(AUTHORS)
                if merged:
                    tip = out.commit("refs/heads/pr", ts, author, subject, ops, tip)
                    ops_all += ops
                else:
                    msg = f"{subject} (#{pr})" if style < 0.8 else subject
                    tip = head = out.commit("refs/heads/main", ts, author, msg, ops, head)
        if merged:
            ts += rng.randint(300, 3000)
            msg = f"Merge pull request #{pr} from clerk/pr-{pr}\n\n{first}"
            head = out.commit("refs/heads/main", ts, rng.choice(AUTHORS), msg, ops_all, head, tip)
    out.out.write(b"done\n")
    return created, out.commits, len(live)


def build_repo(
    dest: Path, tasks: int = 10_000, commits: int = 50_000, seed: int = 7, checkout: bool = False
) -> SynthInfo:
    """A new Git repository at ``dest`` (removed first) with about ``commits`` commits on
    ``main`` (merges included) and ``tasks`` task files created along the way."""
    started = time.perf_counter()
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    git = ["git", "-C", str(dest)]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    proc = subprocess.Popen([*git, "fast-import", "--quiet", "--done"], stdin=subprocess.PIPE)
    assert proc.stdin is not None
    with proc.stdin:
        created, made, live = write_history(proc.stdin, tasks, commits, seed)
    if proc.wait() != 0:
        raise RuntimeError("git fast-import failed")
    subprocess.run([*git, "update-ref", "-d", "refs/heads/pr"], check=False)
    if checkout:
        subprocess.run([*git, "reset", "-q", "--hard", "main"], check=True)
    return SynthInfo(dest, created, made, live, time.perf_counter() - started)


def add_commit(repo: Path, seed: int = 1, subject: str = "登记办理情况") -> str:
    """One more direct commit on main appending an event to one task; returns its sha."""
    rng = random.Random(seed)
    git = ["git", "-C", str(repo)]
    names = subprocess.run(
        [*git, "ls-tree", "-r", "--name-only", "main", "ledger/tasks/"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\n")
    path = rng.choice([n for n in names if n.endswith(".yaml")])
    text = subprocess.run([*git, "show", f"main:{path}"], check=True, capture_output=True).stdout
    text += b"  - {date: 2026-07-01, type: progress-reported, by: fgw, note: \xe6\x96\xb0}\n"
    ts = int(time.time())
    msg = subject.encode()
    stream = (
        b"commit refs/heads/main\nauthor \xe6\x9d\x8e\xe5\xbc\xba <a@example.org> %d +0800\n"
        b"committer \xe6\x9d\x8e\xe5\xbc\xba <a@example.org> %d +0800\ndata %d\n%s\n"
        b"from refs/heads/main^0\nM 100644 inline %s\ndata %d\n%s\n\n"
        % (ts, ts, len(msg), msg, path.encode(), len(text), text)
    )
    subprocess.run([*git, "fast-import", "--quiet"], input=stream, check=True)
    return subprocess.run(
        [*git, "rev-parse", "main"], check=True, capture_output=True, text=True
    ).stdout.strip()


def write_task_files(dest: Path, count: int, seed: int = 7) -> list[Path]:
    """``count`` task files (no Git) under ``dest`` (a ``tasks/`` folder), in year folders."""
    rng = random.Random(seed)
    paths = []
    per_year: dict[int, int] = {}
    for n in range(count):
        year = 2023 + min(3, n * 4 // max(1, count))
        per_year[year] = per_year.get(year, 0) + 1
        ts = START + n * (4 * 365 * 86400 // max(1, count))
        task = new_task(rng, per_year[year], year, ts)
        for _ in range(rng.randint(2, 8)):
            ts += rng.randint(1, 6) * 86400
            edit_task(rng, task, ts)
        path = dest / str(year) / f"{task.id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(task.render(), "utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--checkout", action="store_true")
    args = parser.parse_args()
    info = build_repo(args.dest, args.tasks, args.commits, args.seed, args.checkout)
    print(
        f"{info.path}: {info.commits} commits, {info.tasks} tasks created, "
        f"{info.live_files} task files at HEAD, {info.seconds:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
