"""Repository hygiene: every command documented, schemas sound, code ruff-clean."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema_rs
import pytest
from duban.cli import main
from support import git

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = sorted((ROOT / "schemas").glob("*.schema.json"))


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_is_documented(name: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`duban {name}" in readme


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_help(name: str) -> None:
    assert main.commands[name].help


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def _pointed(schema: object, pointer: str) -> object:
    node = schema
    for step in pointer.split("/")[1:]:
        step = step.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and step in node, pointer
        node = node[step]
    return node


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_schema_is_sound(path: Path) -> None:
    """Draft 2020-12; no ``$id`` in the repository (a file's base is where it is read from,
    so a relative ``$ref`` resolves beside it, offline in an editor; the site's copy gets its
    URL as ``$id``: tests/test_schema_published.py); every ``$ref`` is to this file or to a
    sibling file by its name, and lands on a node that exists."""
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "$id" not in schema
    jsonschema_rs.meta.validate(schema)
    for ref in _refs(schema):
        file, _, pointer = ref.partition("#")
        assert file == "" or (file.endswith(".schema.json") and "/" not in file), ref
        target = json.loads((path.parent / file).read_text("utf-8")) if file else schema
        assert isinstance(_pointed(target, pointer), dict), ref


def _properties(node: object, where: str = "$"):  # type: ignore[no-untyped-def]
    if isinstance(node, dict):
        for key, value in node.get("properties", {}).items():
            yield f"{where}.{key}", value
        for key, value in node.items():
            if key != "if":  # conditions name fields, they do not define them
                yield from _properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _properties(value, f"{where}[{index}]")


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_every_field_has_a_chinese_description(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    missing = [
        where
        for where, prop in _properties(schema)
        if not any("\u4e00" <= c <= "\u9fff" for c in prop.get("description", ""))
    ]
    assert missing == []


@pytest.mark.slow
def test_ruff_clean() -> None:
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    result = subprocess.run(
        [ruff, "check", "--no-cache", "scripts", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


def test_no_generated_output_tracked() -> None:
    tracked = git(ROOT, "ls-files").splitlines()
    junk = [
        p
        for p in tracked
        if p.split("/")[0] in {"site", "build", ".duban-build", ".venv", ".ci-venv"}
    ]
    junk += [p for p in tracked if "__pycache__" in p or p.endswith(".pyc")]
    assert junk == []


@pytest.mark.slow
def test_schemas_work_with_check_jsonschema(tmp_path: Path) -> None:
    """Other tools can use the schemas on their own: check-jsonschema agrees with us, and
    follows the relative ``$ref`` of task.schema.json into units.schema.json beside it, from
    the files (the unit code's pattern is defined once, in the roster's schema)."""
    cjs = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    pairs = [
        ("task", sorted((ROOT / "ledger" / "tasks").rglob("*.yaml"))),
        ("task", sorted((ROOT / "tests" / "golden" / "tasks" / "valid").rglob("*.yaml"))),
        ("ledger", [ROOT / "ledger" / "ledger.yaml"]),
        ("units", [ROOT / "ledger" / "units.yaml"]),
        ("rules", [ROOT / "ledger" / "rules.yaml"]),
        ("calendar", sorted((ROOT / "ledger" / "calendar").glob("*.yaml"))),
    ]
    for name, files in pairs:
        schema = ROOT / "schemas" / f"{name}.schema.json"
        ok = subprocess.run(
            [cjs, "--schemafile", str(schema), *map(str, files)], capture_output=True, text=True
        )
        assert ok.returncode == 0, ok.stdout
    bad = ROOT / "tests" / "golden" / "tasks" / "invalid" / "impossible-date" / "ES-2026-9001.yaml"
    schema = ROOT / "schemas" / "task.schema.json"
    refused = subprocess.run(
        [cjs, "--schemafile", str(schema), str(bad)], capture_output=True, text=True
    )
    assert refused.returncode == 1 and "$.received" in refused.stdout
    source = (ROOT / "tests" / "golden" / "tasks" / "valid").rglob("*.yaml")
    good = next(iter(sorted(source))).read_text(encoding="utf-8")
    assert "by: fgw" in good
    (tmp_path / "bad-unit.yaml").write_text(good.replace("by: fgw", "by: FGW!", 1), "utf-8")
    unit = subprocess.run(
        [cjs, "--schemafile", str(schema), str(tmp_path / "bad-unit.yaml")],
        capture_output=True,
        text=True,
    )
    assert unit.returncode == 1 and "'FGW!' does not match" in unit.stdout, unit.stdout


@pytest.mark.packaging
@pytest.mark.slow
def test_wheel_ships_the_schemas(tmp_path: Path) -> None:
    """CI installs duban non-editable (from the base commit): the schemas must be inside."""
    import zipfile

    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("duban-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for schema in SCHEMAS:
        assert f"duban/schemas/{schema.name}" in names


def test_ci_runs_the_readme_test_command() -> None:
    """`.ci/run` runs command 2 of the README exactly (the landing gate is the README's)."""
    readme = (ROOT / "README.md").read_text("utf-8")
    block = readme.split("## Two commands", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line and not line.startswith("#")]
    assert len(commands) == 2 and all("python3 -m venv .venv" in c for c in commands)
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert commands[1].replace("pip install -e", "pip install -q -e") in ci
