"""Where things are: the project root, the bundled sample ledger, the golden files, schemas."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "ledger"
GOLDEN = ROOT / "tests" / "golden"
SCHEMAS = ROOT / "schemas"
