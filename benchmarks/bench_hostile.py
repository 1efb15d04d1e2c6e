"""Benchmark: every command over hostile input, with its wall time and peak memory.

Two repositories, each the sample ledger (``ledger/``, ``docs/``, ``mkdocs.yml``) in Git:
- plain: the sample as it is;
- hostile: the corpus of ``tests/golden/hostile/`` added (tasks, ``calendar/2030.yaml``,
  ``calendar/local.yaml``), the yearly calendar replaced by a 512 KB hostile file (ranges of
  400 days, over and over: the most days a file of the size limit can ask for), and in the
  history a 10 MB blob of a task file, a symlink committed at a task's path and a YAML bomb.

Each command runs as a fresh process (``python -m duban``) inside a small wrapper process
that reports ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``: the peak resident memory of
the command and of everything it started (git, forked jobs). The bound stated in
benchmarks/README.md: every command under 300 MB on the hostile repository, ``validate``
with the 512 KB hostile calendar under 1 s; its ratio to ``validate`` on the plain sample is
reported from the same run. Exit codes must be 0, 1 or 2 and no output may hold a traceback
or a terminal escape (the corpus writes some, raw and as YAML escapes, into task files).

    python benchmarks/bench_hostile.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "golden" / "hostile"
MAX_BYTES = 512 * 1024
RSS_LIMIT_MB = 300
VALIDATE_LIMIT_S = 1.0
AS_OF = "2026-06-30"

WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[2:], cwd=sys.argv[1], capture_output=True, text=True)
took = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
rss = usage.ru_maxrss  # KiB on Linux
traceback = "Traceback" in done.stdout or "Traceback" in done.stderr
escape = "\\x1b" in done.stdout or "\\x1b" in done.stderr  # the corpus holds terminal escapes
print(json.dumps({"code": done.returncode, "s": took, "kib": rss, "traceback": traceback,
                  "escape": escape}))
"""

IN_PROCESS = """
import contextlib, io, os, sys, time
from duban.cli import main
os.chdir(sys.argv[1])
start = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        main(sys.argv[2:], standalone_mode=False)
    except SystemExit:
        pass
print(time.perf_counter() - start)
"""
"""``validate`` timed inside the process, after the imports: what the ledger costs, without
the interpreter's start-up (about 0.5 s here, and more on a loaded machine)."""

COMMANDS: list[tuple[str, list[str]]] = [
    ("validate", ["validate", "ledger"]),
    ("due", ["due", "2026-05-06", "5wd"]),
    ("status", ["status", "--as-of", AS_OF]),
    ("overdue", ["overdue", "--as-of", AS_OF]),
    ("check-change", ["check-change", "--base", "ROOT", "--as-of", AS_OF]),
    ("remind", ["remind", "--as-of", AS_OF]),
    ("audit", ["audit", "SL-2026-0001", "--no-cache"]),
    ("build", ["build", "--out", "site", "--as-of", AS_OF]),
]


def git(repo: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_AUTHOR_NAME="bench",
        GIT_AUTHOR_EMAIL="bench@example.org",
        GIT_COMMITTER_NAME="bench",
        GIT_COMMITTER_EMAIL="bench@example.org",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
    )
    subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=repo, env=env, check=True,
                   capture_output=True)  # fmt: skip


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def sample(repo: Path) -> Path:
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    shutil.copytree(ROOT / "ledger", repo / "ledger")
    shutil.copytree(ROOT / "docs", repo / "docs")
    shutil.copy(ROOT / "mkdocs.yml", repo / "mkdocs.yml")
    commit(repo, "sample ledger")
    return repo


def hostile_calendar(path: Path) -> None:
    item = "2025-06-01..2026-07-05, "
    head = "year: 2026\nnotice: 国务院办公厅关于2026年部分节假日安排的通知\nholidays:\n"
    body = "  - name: 长假\n    days_off: ["
    count = (MAX_BYTES - len((head + body).encode()) - 8) // len(item)
    path.write_text(head + body + item * count + "]\n", encoding="utf-8")
    assert MAX_BYTES - 1000 < path.stat().st_size <= MAX_BYTES


def hostile(repo: Path) -> Path:
    sample(repo)
    task = repo / "ledger" / "tasks" / "2026" / "SL-2026-0001.yaml"
    good = task.read_bytes()
    task.write_bytes(b"title: " + b"x" * (10 * 1024 * 1024) + b"\n")
    commit(repo, "a 10 MB blob")
    task.unlink()
    task.symlink_to("/etc/passwd")
    commit(repo, "a symlink")
    task.unlink()
    task.write_bytes((HOSTILE / "billion-laughs.yaml.hostile").read_bytes())
    commit(repo, "a YAML bomb")
    task.write_bytes(good)
    tasks = repo / "ledger" / "tasks" / "2026"
    corpus = sorted(p for p in HOSTILE.glob("*.yaml.hostile") if "calendar" not in p.name)
    for k, path in enumerate(corpus):
        shutil.copy(path, tasks / f"SL-2026-{9001 + k}.yaml")
    calendar = repo / "ledger" / "calendar"
    shutil.copy(HOSTILE / "huge-range-calendar.yaml.hostile", calendar / "2030.yaml")
    shutil.copy(HOSTILE / "huge-range-local-calendar.yaml.hostile", calendar / "local.yaml")
    hostile_calendar(calendar / "2026.yaml")
    commit(repo, "the hostile corpus")
    return repo


def measure(repo: Path, args: list[str], repeat: int) -> dict[str, float]:
    """Best wall time and highest peak RSS of ``repeat`` fresh runs (``ROOT``: the first
    commit of ``repo``, the base of ``check-change``)."""
    first = subprocess.run(
        ["git", "rev-list", "--max-parents=0", "HEAD"], cwd=repo, capture_output=True, text=True
    ).stdout.split()[0]
    args = [first if a == "ROOT" else a for a in args]
    best: dict[str, float] = {"s": float("inf"), "mb": 0.0, "code": -1}
    for _ in range(repeat):
        shutil.rmtree(repo / "site", ignore_errors=True)
        out = subprocess.run(
            [sys.executable, "-c", WRAPPER, str(repo), sys.executable, "-m", "duban", *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=600,
        )
        run = json.loads(out.stdout)
        if run["traceback"] or run["escape"] or run["code"] not in (0, 1, 2):
            sys.exit(
                f"duban {' '.join(args)}: exit {run['code']}, traceback {run['traceback']}, "
                f"terminal escape printed {run['escape']}"
            )
        best = {
            "s": min(best["s"], run["s"]),
            "mb": max(best["mb"], run["kib"] / 1024),
            "code": run["code"],
        }
    return best


def in_process(repo: Path, args: list[str]) -> float:
    out = subprocess.run(
        [sys.executable, "-c", IN_PROCESS, str(repo), *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plain = sample(Path(tmp) / "plain")
        bad = hostile(Path(tmp) / "hostile")
        rows = []
        failed = []
        for name, cmd in COMMANDS:
            base = measure(plain, cmd, args.repeat)
            worst = measure(bad, cmd, args.repeat)
            rows.append((name, base, worst))
            if worst["mb"] >= RSS_LIMIT_MB:
                failed.append(f"{name}: {worst['mb']:.0f} MB >= {RSS_LIMIT_MB} MB")
        print("| command | plain sample | hostile | ratio | peak RSS hostile (plain) | exit |")
        print("|---|---|---|---|---|---|")
        for name, base, worst in rows:
            ratio = worst["s"] / base["s"]
            print(
                f"| `{name}` | {base['s']:.2f} s | {worst['s']:.2f} s | {ratio:.2f}x"
                f" | {worst['mb']:.0f} MB ({base['mb']:.0f} MB) | {worst['code']:.0f} |"
            )
        inside = {
            name: min(in_process(repo, ["validate", "ledger"]) for _ in range(args.repeat))
            for name, repo in (("plain", plain), ("hostile", bad))
        }
        took = inside["hostile"]
        if took >= VALIDATE_LIMIT_S:
            failed.append(f"validate on the hostile calendar: {took:.2f} s")
        print(f"\nbound: peak RSS < {RSS_LIMIT_MB} MB for every command; validate with the")
        print(
            f"512 KB hostile calendar < {VALIDATE_LIMIT_S:.0f} s in process: {took:.3f} s"
            f" (plain sample {inside['plain']:.3f} s, {took / inside['plain']:.2f}x)"
        )
        if failed:
            sys.exit("over the bound: " + "; ".join(failed))


if __name__ == "__main__":
    main()
