"""Benchmark: audit trails of all tasks vs one plain ``git log --name-status`` pass.

Builds (or reuses) a synthetic ledger repository (``synth.build_repo``: 10,000 tasks, 50,000
commits), then times, each as a fresh process and interleaved so that load from other
programs hits both alike (best of ``--repeat``):

- reference: ``git log --name-status`` over the whole history, output discarded;
- full: ``audit_all(repo)`` without cache (one ``git log --raw -z -M`` + one ``cat-file
  --batch`` + strict parse + semantic diffs + attribution of every change);
- incremental: ``audit_all(repo, cache)`` after one new commit, with the cache of the head
  before it; and a run with nothing new.

Targets (benchmarks/README.md): full within 2x the reference; incremental under 2 s.

    python benchmarks/bench_audit.py [--tasks 10000] [--commits 50000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

AUDIT = (
    "import sys; from duban.audit.trail import audit_all; t, p = audit_all(*sys.argv[1:]); "
    "assert t and not p, p; print(len(t))"
)


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (the process and its git children) and stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, out.strip()[-200:]


def best(runs: list[tuple[float, float, str]]) -> tuple[float, float]:
    return min(r[0] for r in runs), min(r[1] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--repo", type=Path, help="where to build (default benchmarks/out/...)")
    parser.add_argument("--rebuild", action="store_true", help="build the repository anew")
    args = parser.parse_args()
    repo = args.repo or HERE / "out" / f"synth-{args.tasks}-{args.commits}"
    stamp = repo / ".git" / "duban-synth"
    wanted = f"{args.tasks} {args.commits} 7"
    if args.rebuild or not stamp.is_file() or stamp.read_text() != wanted:
        info = synth.build_repo(repo, args.tasks, args.commits)
        stamp.write_text(wanted)
        print(
            f"built {repo}: {info.commits} commits, {info.tasks} tasks, "
            f"{info.live_files} task files at HEAD in {info.seconds:.1f} s"
        )
    git = ["git", "-C", str(repo)]
    head = subprocess.run(
        [*git, "rev-parse", "main"], check=True, capture_output=True, text=True
    ).stdout.strip()
    py = [sys.executable, "-c", AUDIT, str(repo)]
    cache = repo.parent / f"{repo.name}-cache"
    shutil.rmtree(cache, ignore_errors=True)
    try:
        ref, full = [], []
        for _ in range(args.repeat):
            ref.append(timed([*git, "log", "--name-status"]))
            full.append(timed(py))
        tasks = full[0][2]
        cold = timed([*py, str(cache)])  # full run that also writes the cache
        saved = cache.with_name(cache.name + "-saved")
        shutil.rmtree(saved, ignore_errors=True)
        shutil.copytree(cache, saved)
        synth.add_commit(repo)
        incremental, unchanged = [], []
        for _ in range(args.repeat):
            shutil.rmtree(cache)
            shutil.copytree(saved, cache)
            incremental.append(timed([*py, str(cache)]))
            unchanged.append(timed([*py, str(cache)]))
        empty = timed([sys.executable, "-c", "import duban.audit.trail"])
    finally:
        subprocess.run([*git, "update-ref", "refs/heads/main", head], check=True)
    (rw, rc), (fw, fc) = best(ref), best(full)
    (iw, ic), (uw, uc) = best(incremental), best(unchanged)
    print(f"repository: {repo} ({tasks} task trails)")
    print(f"git log --name-status       {rw:6.2f} s wall {rc:6.2f} s CPU")
    print(
        f"audit_all, no cache         {fw:6.2f} s wall {fc:6.2f} s CPU  "
        f"ratio {fw / rw:.2f}x (target <= 2x)"
    )
    print(f"audit_all, writing cache    {cold[0]:6.2f} s wall")
    print(f"incremental, 1 new commit   {iw:6.2f} s wall {ic:6.2f} s CPU  (target < 2 s)")
    print(f"cache hit, nothing new      {uw:6.2f} s wall {uc:6.2f} s CPU")
    print(f"python + import duban.audit {empty[0]:6.2f} s wall (included above)")


if __name__ == "__main__":
    main()
