"""Benchmark: `duban validate` on 10,000 synthetic task files.

References measured in the same run, on the same files, each as a fresh process:
- the bare libyaml parse (PyYAML's CSafeLoader over every file, nothing else);
- check-jsonschema with the task schema (parse + schema, no ledger rules).
Target (DESIGN.md §9): validate within 3x the bare parse, far under check-jsonschema.

    python benchmarks/bench_validate.py [--tasks 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UNITS = ["fgw", "czj", "jyj", "zjj", "nyncj", "wlj", "sthjj", "rsj"]
TITLES = [
    "制定优化营商环境行动方案",
    "推进乡村振兴示范村建设",
    "开展安全生产专项整治",
    "办理人大代表建议",
]

TASK = """# yaml-language-server: $schema=../../../schemas/task.schema.json
id: {id}
title: {title} (第{n}项)
source: 州政府第{meeting}次常务会议
received: 2026-{month:02d}-{day:02d}
assigned_by: zfb
owner:
  unit: {unit}
  lead: 主要负责同志
  co_units: [{co}]
standard: 形成正式成果并报州政府办公室备案
priority: {priority}
deadline: 2026-12-{dday:02d}
visibility: public
milestones:
  - {{title: 完成调研, due: 2026-{mmonth:02d}-15}}
events:
  - {{date: 2026-{month:02d}-{day:02d}, type: decomposed, by: zfb}}
  - {{date: 2026-{month:02d}-{day:02d}, type: reported-to-leader, by: {unit}}}
  - {{date: 2026-{month:02d}-{day2:02d}, type: deployed, by: {unit}, note: 制定工作方案}}
  - {{date: 2026-{month:02d}-{day2:02d}, type: plan-reported, by: {unit}}}
  - {{date: 2026-{mmonth:02d}-14, type: milestone-reported, by: {co}, milestone: 完成调研}}
  - {{date: 2026-{mmonth:02d}-20, type: progress-reported, by: {unit}, note: 按计划推进}}
"""


def write_ledger(dest: Path, count: int, seed: int = 7) -> Path:
    """A ledger with the sample's settings, roster, rules and calendar and ``count`` tasks."""
    rng = random.Random(seed)
    for name in ("ledger.yaml", "units.yaml", "rules.yaml"):
        shutil.copy(ROOT / "ledger" / name, dest / name)
    shutil.copytree(ROOT / "ledger" / "calendar", dest / "calendar")
    for n in range(count):
        year, seq = 2025 + n // 9999, n % 9999 + 1
        task_id = f"SL-{year}-{seq:04d}"
        folder = dest / "tasks" / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        unit = rng.choice(UNITS)
        month, day = rng.randint(1, 8), rng.randint(1, 20)
        text = TASK.format(
            id=task_id,
            title=rng.choice(TITLES),
            n=n + 1,
            meeting=rng.randint(1, 40),
            month=month,
            day=day,
            day2=day + 2,
            dday=rng.randint(20, 31),
            mmonth=month + 2,
            unit=unit,
            co=rng.choice([u for u in UNITS if u != unit]),
            priority=rng.choice(["normal", "normal", "important", "urgent"]),
        )
        (folder / f"{task_id}.yaml").write_text(text, encoding="utf-8")
    return dest


PARSE = """
import sys, pathlib, yaml
for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.yaml')):
    yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)
"""


def timed(cmd: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ledger = write_ledger(Path(tmp), args.tasks)
        files = sorted(str(p) for p in (ledger / "tasks").rglob("*.yaml"))
        check = subprocess.run(
            [sys.executable, "-m", "duban", "validate", str(ledger)], capture_output=True, text=True
        )
        if check.returncode != 0:
            sys.exit(f"synthetic ledger is not clean:\n{check.stdout[:2000]}{check.stderr}")
        parse = timed([sys.executable, "-c", PARSE, str(ledger / "tasks")], args.repeat)
        validate = timed([sys.executable, "-m", "duban", "validate", str(ledger)], args.repeat)
        cjs = shutil.which("check-jsonschema") or str(
            Path(sys.executable).parent / "check-jsonschema"
        )
        schema = str(ROOT / "schemas" / "task.schema.json")
        reference = timed([cjs, "--schemafile", schema, *files], 1)
    print(f"tasks: {args.tasks} files (best of {args.repeat}; check-jsonschema once)")
    print(f"bare libyaml parse : {parse:7.2f} s   1.00x")
    print(f"duban validate     : {validate:7.2f} s   {validate / parse:.2f}x parse (target <= 3x)")
    print(f"check-jsonschema   : {reference:7.2f} s   {reference / parse:.2f}x parse")
    print(f"duban / check-jsonschema: {validate / reference:.2f}")


if __name__ == "__main__":
    main()
