"""The site publishes ``schemas/`` (issue 16, item 7): other ledger repositories, which have no
``schemas/`` folder, point their ``yaml-language-server`` line at the site.

A real site is built with its ``site_url`` under a sub-path (``http://127.0.0.1:PORT/duban/``,
the port taken before the build) and served there; Python's ``jsonschema`` then validates
tasks against ``…/duban/schemas/task.schema.json`` by URL, with a ``referencing`` registry
that knows nothing and fetches every schema from the local server: the ``$ref`` of
task.schema.json to ``units.schema.json#/$defs/code`` must be found on the site, beside it.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import referencing
import referencing.exceptions
import referencing.jsonschema
from duban.load.schema import schema_names
from duban.load.yamlload import load_file
from duban.web.schemas import published, schema_url, schemas_base, write_schemas
from support import GOLDEN, ROOT, SCHEMAS, GitRepo, make_ledger

pytestmark = pytest.mark.slow

PREFIX = "duban"


@dataclass
class Site:
    root: Path
    """Served at ``http://127.0.0.1:PORT/``; the site is ``root/duban``."""
    url: str
    """``http://127.0.0.1:PORT/duban/``: the ledger's ``site_url``."""
    asked: list[str] = field(default_factory=list)
    """Every path the server was asked for."""


def _handler(site: Site) -> type[http.server.SimpleHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            site.asked.append(self.path)

    return Handler


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from duban.web.build import build_site

    root = tmp_path_factory.mktemp("served")
    state = Site(root, "")
    handler = functools.partial(_handler(state), directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/{PREFIX}/"
    project = tmp_path_factory.mktemp("project")
    ledger = make_ledger(project / "ledger", [GOLDEN / "tasks" / "valid" / "complete-task"])
    text = (ledger / "ledger.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^site_url:.*\n", "", text) + f"site_url: {state.url}\n"
    (ledger / "ledger.yaml").write_text(text, encoding="utf-8")
    GitRepo(project).commit("The ledger")
    result, problems = build_site(
        ledger, out=root / PREFIX, repo=project, config_file=ROOT / "mkdocs.yml",
        work=project / ".duban-build",
    )  # fmt: skip
    assert result is not None, [str(p) for p in problems]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def fetched(site: Site) -> referencing.Registry[Any]:
    """A registry with nothing in it that fetches each schema over HTTP, from the site only."""

    def retrieve(uri: str) -> referencing.Resource[Any]:
        assert uri.startswith(site.url), f"asked to fetch {uri}, which is not on the site"
        with urllib.request.urlopen(uri, timeout=10) as answer:
            return referencing.Resource.from_contents(
                json.load(answer), default_specification=referencing.jsonschema.DRAFT202012
            )

    return referencing.Registry(retrieve=retrieve)  # type: ignore[call-arg]


def test_every_schema_is_published_at_its_id(site: Site) -> None:
    folder = site.root / PREFIX / "schemas"
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(p.name for p in SCHEMAS.glob("*.schema.json"))
    for name in names:
        url = f"{site.url}schemas/{name}"
        with urllib.request.urlopen(url, timeout=10) as answer:
            schema = json.load(answer)
        assert schema["$id"] == url  # the address it was fetched from, under the sub-path
        assert list(schema)[:2] == ["$schema", "$id"]
        source = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
        assert {k: v for k, v in schema.items() if k != "$id"} == source  # nothing else changed


def test_a_task_validates_against_the_published_schema_by_url(site: Site) -> None:
    url = f"{site.url}schemas/task.schema.json"
    validator = jsonschema.Draft202012Validator(
        {"$ref": url},
        registry=fetched(site),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    task_file = next((GOLDEN / "tasks" / "valid" / "complete-task").rglob("*.yaml"))
    doc, _ = load_file(task_file)
    assert doc is not None
    site.asked.clear()
    assert list(validator.iter_errors(doc.data)) == []
    assert f"/{PREFIX}/schemas/task.schema.json" in site.asked

    # A unit code the roster's schema refuses: its pattern is in units.schema.json, reached
    # through the relative $ref, from the site.
    bad = {**doc.data, "owner": {**doc.data["owner"], "unit": "FGW!"}}
    errors = list(validator.iter_errors(bad))
    assert [e.json_path for e in errors] == ["$.owner.unit"]
    assert errors[0].validator == "pattern"
    assert f"/{PREFIX}/schemas/units.schema.json" in site.asked
    bad_type = {**doc.data, "priority": "最高"}
    assert [e.validator for e in validator.iter_errors(bad_type)] == ["enum"]


def test_a_schema_missing_from_the_site_is_unresolvable(site: Site) -> None:
    """The check can fail: the reference really fetches, and a hole on the site shows."""
    gone = site.root / PREFIX / "schemas" / "units.schema.json"
    kept = gone.read_bytes()
    gone.unlink()
    try:
        validator = jsonschema.Draft202012Validator(
            {"$ref": f"{site.url}schemas/task.schema.json"}, registry=fetched(site)
        )
        task = {"owner": {"unit": "fgw"}}
        with pytest.raises(referencing.exceptions.Unresolvable):
            list(validator.iter_errors(task))
    finally:
        gone.write_bytes(kept)


@pytest.mark.parametrize(
    ("site_url", "base"),
    [
        ("https://duban.example.org/", "https://duban.example.org/schemas/"),
        ("https://host.example/duban", "https://host.example/duban/schemas/"),
        ("https://host.example/a/b/?x=1#top", "https://host.example/a/b/schemas/"),
        ("http://10.0.0.8:8080/", "http://10.0.0.8:8080/schemas/"),
        ("", ""),
        ("javascript:alert(1)", ""),
        ('https://x.example/"><script>', ""),
        ("https://user:pw@x.example/", ""),
        ("ftp://x.example/", ""),
        ("https:///nohost", ""),
        ("https://x.example/" + "a" * 100_000, "https://x.example/" + "a" * 100_000 + "/schemas/"),
    ],
    ids=[
        "root", "sub-path", "query-fragment", "intranet", "none", "javascript", "markup",
        "account", "ftp", "no-host", "huge",
    ],
)  # fmt: skip
def test_the_base_of_every_site_url(site_url: str, base: str) -> None:
    assert schemas_base(site_url) == base
    assert schema_url(site_url, "task") == (f"{base}task.schema.json" if base else "")


def test_without_a_site_url_the_copies_have_no_id(tmp_path: Path) -> None:
    """Then a reader takes the address it fetched from: the relative $ref still resolves."""
    write_schemas(tmp_path, "not a url")
    for name in schema_names():
        copy = json.loads((tmp_path / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert "$id" not in copy and copy == published(name, "")
    folder = tmp_path.resolve().as_uri() + "/"
    registry = referencing.Registry().with_resources(
        (
            folder + p.name,
            referencing.Resource.from_contents(
                json.loads(p.read_text("utf-8")),
                default_specification=referencing.jsonschema.DRAFT202012,
            ),
        )
        for p in tmp_path.iterdir()
    )
    validator = jsonschema.Draft202012Validator(
        {"$ref": folder + "task.schema.json"}, registry=registry
    )
    errors = list(validator.iter_errors({"owner": {"unit": "FGW!"}}))
    assert "$.owner.unit" in [e.json_path for e in errors]


@pytest.mark.parametrize(
    "heading", ["其他台账仓库的编辑器提示", "Other ledger repositories: the editor"]
)
def test_readme_tells_other_repositories_what_line_to_write(heading: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert heading in readme
    lines = set(re.findall(r"# yaml-language-server: \$schema=(\S+)", readme))
    for name in ("task", "ledger", "units", "rules", "calendar"):
        assert schema_url("https://duban.example.org/", name) in lines, name
