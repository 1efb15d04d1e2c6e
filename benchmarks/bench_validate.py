"""Benchmark: `duban validate` on 10,000 synthetic task files.

References measured in the same run, on the same files, each as a fresh process:
- the bare libyaml parse (PyYAML's CSafeLoader over every file, nothing else);
- check-jsonschema with the task schema (parse + schema, no ledger rules).
The ledger is the synthetic one of ``synth.py`` (``write_ledger``), without Git.
Target (benchmarks/README.md): validate within 3x the bare parse, far under check-jsonschema.

    python benchmarks/bench_validate.py [--tasks 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import synth

ROOT = Path(__file__).resolve().parents[1]
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
        ledger = synth.write_ledger(Path(tmp), args.tasks)
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
