"""The architecture holds (ARCHITECTURE.md): stages import only downwards, no module takes
part in an import cycle, and the package is mypy clean (strict on the bottom layers)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every import cycle between modules (one path each), by depth-first search."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for target in sorted(graph.find_modules_directly_imported_by(module)):
            if state.get(target) == 1:
                found.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[module] = 2

    for module in sorted(graph.modules):
        if module not in state:
            visit(module)
    return found


def test_no_import_cycles() -> None:
    graph = grimp.build_graph("duban", include_external_packages=False)
    assert _cycles(graph) == []


def test_cycle_finder_finds_a_cycle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = tmp_path / "cyclic"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from cyclic import b\n")
    (pkg / "b.py").write_text("def f():\n    from cyclic import a  # a lazy import hides nothing\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("cyclic", include_external_packages=False)
    assert _cycles(graph) == [["cyclic.a", "cyclic.b", "cyclic.a"]]


def _lint_imports() -> subprocess.CompletedProcess[str]:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe, "import-linter is part of the test extras"
    return subprocess.run(
        [exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_layers_contract_is_kept() -> None:
    done = _lint_imports()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 kept, 0 broken" in done.stdout


def test_layers_contract_catches_an_upward_import(tmp_path: Path) -> None:
    """The contract is not vacuous: the same config over a copy of the package with one
    upward import (the calendar importing the site) is broken."""
    copy = tmp_path / "scripts"
    shutil.copytree(ROOT / "scripts" / "duban", copy / "duban")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with (copy / "duban" / "calendar" / "clock.py").open("a", encoding="utf-8") as f:
        f.write("\nimport duban.web.pages  # noqa: E402,F401\n")
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe
    done = subprocess.run(
        [exe, "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "duban.calendar.clock -> duban.web.pages" in done.stdout


def test_mypy_clean() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--config-file", "pyproject.toml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_subpackage_ships_in_the_wheel() -> None:
    """``pyproject.toml`` lists the packages explicitly (the schemas are mapped in from the
    top level), so a new stage folder must be added there or the wheel lacks it."""
    import tomllib

    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"][
            "packages"
        ]
    )
    found = {
        ".".join(init.parent.relative_to(ROOT / "scripts").parts)
        for init in (ROOT / "scripts" / "duban").rglob("__init__.py")
    }
    assert found <= listed, sorted(found - listed)
