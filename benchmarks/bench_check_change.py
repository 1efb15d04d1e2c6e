"""Benchmark: `duban check-change` on a pull request that adds 5,000 task files, against
`duban validate` of the same ledger, measured in the same run, each as a fresh process.

The repository: ``main`` holds the synthetic ledger's settings, roster, rules and calendar
(``synth.config_files``) and no task; branch ``pr`` adds the task files of
``synth.write_task_files`` in one commit. check-change runs without an actor (every check
that does not depend on who made the change: the merged tree, paths, every task through the
validate pipeline, separation of duties, every commit's versions) and with ``--as-of`` after
the last synthetic event. Target (benchmarks/README.md): check-change within 3x validate.

    python benchmarks/bench_check_change.py [--tasks 5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import synth


def timed(cmd: list[str], repeat: int) -> tuple[float, int]:
    best, code = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        best, code = min(best, time.perf_counter() - start), done.returncode
    return best, code


def git(repo: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", *args],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
    )


def build(repo: Path, tasks: int) -> None:
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for path, text in synth.config_files().items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text, "utf-8")
    (repo / "ledger/tasks").mkdir()
    (repo / "ledger/tasks/.gitkeep").write_text("", "utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "ledger")
    git(repo, "checkout", "-q", "-b", "pr")
    synth.write_task_files(repo / "ledger/tasks", tasks)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"{tasks} new tasks")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    duban = [sys.executable, "-m", "duban"]
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        build(repo, args.tasks)
        validate, v_code = timed([*duban, "validate", str(repo / "ledger")], args.repeat)
        change_cmd = [*duban, "check-change", "--repo", str(repo), "--base", "main"]
        change_cmd += ["--head", "pr", "--as-of", "2030-12-31"]
        change, c_code = timed(change_cmd, args.repeat)
    print(f"tasks added in the pull request: {args.tasks}")
    print(f"duban validate:     {validate:7.2f} s (exit {v_code})")
    print(f"duban check-change: {change:7.2f} s (exit {c_code})")
    print(f"ratio check-change / validate: {change / validate:.2f}x (target <= 3x)")


if __name__ == "__main__":
    main()
