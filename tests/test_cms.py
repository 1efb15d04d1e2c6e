"""``duban cms``: the web form's config is derived from the task schema and the ledger,
written so that no ledger text can add a key, and its page loads nothing from another host;
``duban build --with-cms`` puts it into the site (only then), ``duban serve --cms`` runs the
local proxy beside the preview and stops it. The browser end to end is tests/test_cms_e2e.py.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from duban.ledger import load_ledger
from duban.load.schema import load_schema
from duban.model import Ledger
from duban.problems import UserError
from duban.web import cms as form
from duban.web import cms_admin as admin
from support import (
    ROOT,
    SAMPLE,
    GitRepo,
    installed_duban,
    make_ledger,
    need,
    run_cli,
    write_task,
)

TODAY = date(2026, 11, 30)
MODULES = ROOT / "cms" / "node_modules"
HOSTILE = [
    "州发改委\nbackend:\n  name: evil",
    "x: y",
    "# comment",
    '\'; "quoted"',
    "{{slug}} {{fields.id}}",
    "&anchor *alias",
    "---\n...",
    "- item",
    "\u2028\u2029 line separators",
    "</title><script>alert(1)</script>",
    "no",
    "2026-01-05",
    "[1, 2]",
]


@pytest.fixture(scope="module")
def sample() -> Ledger:
    ledger, _ = load_ledger(SAMPLE)
    assert ledger is not None
    return ledger


def config(ledger: Ledger, **kw: Any) -> dict[str, Any]:
    return form.cms_config(ledger, today=TODAY, **kw)


def fields_of(cfg: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in cfg["collections"][0]["fields"]}


def test_every_schema_property_is_a_field_with_its_chinese_label_and_hint(sample: Ledger) -> None:
    schema = load_schema("task")
    fields = fields_of(config(sample))
    assert list(fields) == list(schema["properties"])  # the house order
    for name, prop in schema["properties"].items():
        assert fields[name]["label"] == prop["title"]
        assert fields[name]["hint"].startswith(form.zh_punctuation(prop["description"]))
        assert fields[name]["required"] == (
            name in schema["required"] and name not in ("deadline", "deadline_rule")
        )
    event = {f["name"]: f for f in fields["events"]["fields"]}
    assert list(event) == list(schema["$defs"]["event"]["properties"])
    assert all(f["label"] and "，" not in f["label"] for f in event.values())
    assert "，" in event["type"]["hint"] and ", " not in event["type"]["hint"]  # full width


def test_enums_are_selects_labelled_in_chinese(sample: Ledger) -> None:
    schema = load_schema("task")
    fields = fields_of(config(sample))
    event_type = {f["name"]: f for f in fields["events"]["fields"]}["type"]
    node = schema["$defs"]["event"]["properties"]["type"]
    assert event_type["widget"] == "select"
    assert event_type["options"] == [
        {"label": zh, "value": v}
        for v, zh in zip(node["enum"], node["enumDescriptions"], strict=True)
    ]
    assert {o["label"] for o in fields["priority"]["options"]} == {"一般", "重要", "紧急"}
    assert fields["visibility"]["options"][1]["value"] == "internal"


def test_unit_fields_are_selects_of_the_roster(sample: Ledger) -> None:
    fields = fields_of(config(sample))
    expected = [{"label": u.short_name or u.name, "value": u.code} for u in sample.units.values()]
    owner = {f["name"]: f for f in fields["owner"]["fields"]}
    event = {f["name"]: f for f in fields["events"]["fields"]}
    for f in (fields["assigned_by"], owner["unit"], owner["co_units"], event["by"]):
        assert f["widget"] == "select" and f["options"] == expected
    assert owner["co_units"]["multiple"] is True and event["co_units"]["multiple"] is True
    assert fields["assigned_by"]["default"] == "zfb"  # the one assigning unit
    assert {"label": "州发改委", "value": "fgw"} in expected


def test_dates_are_dates_without_time(sample: Ledger) -> None:
    fields = fields_of(config(sample))
    event = {f["name"]: f for f in fields["events"]["fields"]}
    milestone = {f["name"]: f for f in fields["milestones"]["fields"]}
    for f in (fields["received"], fields["deadline"], event["date"], event["deadline"]):
        assert f["widget"] == "datetime" and f["time_format"] is False
        assert f["format"] == f["date_format"] == "YYYY-MM-DD"
    assert milestone["due"]["widget"] == "datetime"
    assert fields["title"]["widget"] == "string" and fields["standard"]["widget"] == "text"


def test_events_are_appended_only(sample: Ledger) -> None:
    events = fields_of(config(sample))["events"]
    assert events["widget"] == "list"
    assert events["allow_remove"] is False and events["allow_reorder"] is False
    assert events["add_to_top"] is False


def test_rules_are_the_ledger_s_usable_deadline_rules(sample: Ledger) -> None:
    rule = fields_of(config(sample))["deadline_rule"]
    values = [o["value"] for o in rule["options"]]
    assert values == [r.id for r in sample.rules.values() if r.usable_as_deadline]
    assert "draft-general" in values and "verify" not in values
    assert all(o["label"].endswith(f"（{o['value']}）") for o in rule["options"])


def test_backend_and_workflow_come_from_ledger_yaml(sample: Ledger) -> None:
    cfg = config(sample, app_id="abc-123")
    assert cfg["backend"] == {
        "name": "forgejo",
        "repo": "shili/duban",
        "branch": "main",
        "base_url": "https://git.example.org",
        "api_root": "https://git.example.org/api/v1",
        "app_id": "abc-123",
    }
    assert cfg["publish_mode"] == "editorial_workflow" and cfg["locale"] == "zh_Hans"
    assert cfg["local_backend"]["url"] == "http://127.0.0.1:8081/api/v1"
    assert config(sample, backend="gitea", proxy_port=9000)["backend"]["name"] == "gitea"
    assert config(sample, proxy_port=9000)["local_backend"]["url"].endswith(":9000/api/v1")
    tasks = cfg["collections"][0]
    assert tasks["folder"] == "ledger/tasks" or tasks["folder"].endswith("/tasks")
    assert (tasks["path"], tasks["slug"], tasks["identifier_field"]) == (
        "{{year}}/{{slug}}",
        "{{id}}",
        "id",
    )
    assert tasks["create"] is True and tasks["delete"] is False


@pytest.mark.parametrize(
    ("url", "base", "repo"),
    [
        ("https://git.example.org/shili/duban", "https://git.example.org", "shili/duban"),
        ("https://git.example.org/shili/duban.git", "https://git.example.org", "shili/duban"),
        ("https://example.org/git/a/b/", "https://example.org/git", "a/b"),
        ("http://127.0.0.1:3000/o/r", "http://127.0.0.1:3000", "o/r"),
    ],
)
def test_forge_of_repo_url(url: str, base: str, repo: str) -> None:
    forge = form.forge_of(url)
    assert (forge.base_url, forge.repo, forge.api_root) == (base, repo, f"{base}/api/v1")


@pytest.mark.parametrize(
    "url",
    [
        "",
        "javascript:alert(1)",
        "https://git.example.org/only-owner",
        "https://git.example.org/a/b\nlocal_backend: true",
        "https://git.example.org/a/b?x=1",
        'https://git.example.org/a/"b',
    ],
)
def test_a_repo_url_that_is_no_repository_is_a_user_error(url: str) -> None:
    with pytest.raises(UserError) as caught:
        form.forge_of(url)
    assert "repo_url" in caught.value.text.zh


def test_the_id_is_pre_filled_with_the_next_free_one(tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger")
    (root / "ledger.yaml").write_text(
        (root / "ledger.yaml").read_text("utf-8") + "repo_url: https://git.example.org/a/b\n",
        "utf-8",
    )
    write_task(root, task_id="ES-2026-0007")
    (root / "tasks" / "2026" / "ES-2026-0011.yaml").write_text("broken: [\n", "utf-8")
    ledger, _ = load_ledger(root)
    assert ledger is not None
    task_id = fields_of(config(ledger))["id"]
    assert task_id["default"] == "ES-2026-0012"  # a file that does not load still counts
    assert "ES-2026-0012" in task_id["hint"]
    assert task_id["pattern"][0] == "^[A-Z]{2,8}-[0-9]{4}-[0-9]{4}$"
    assert form.next_id(ledger, date(2027, 1, 4)) == "ES-2027-0001"


def hostile_ledger(ledger: Ledger, text: str) -> Ledger:
    units = {c: dataclasses.replace(u, short_name=text, name=text) for c, u in ledger.units.items()}
    rules = {k: dataclasses.replace(r, title=text) for k, r in ledger.rules.items()}
    settings = dataclasses.replace(ledger.config, short_name=text, name=text)
    return dataclasses.replace(ledger, units=units, rules=rules, config=settings)


@pytest.mark.parametrize("text", HOSTILE)
def test_no_ledger_text_adds_a_key_to_the_config(sample: Ledger, text: str) -> None:
    cfg = config(hostile_ledger(sample, text))
    written = form.config_text(cfg)
    read = yaml.safe_load(written)
    assert read == json.loads(json.dumps({k: v for k, v in cfg.items() if v is not None}))
    assert set(read) == {
        "backend",
        "publish_mode",
        "local_backend",
        "locale",
        "site_url",
        "media_folder",
        "collections",
    }
    assert read["backend"]["name"] == "forgejo"
    assert all(o["label"] == text for o in fields_of(read)["assigned_by"]["options"])
    assert "*id" not in written and "&id" not in written  # no anchors or aliases


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_title = tag == "title"
        self.urls += [v or "" for k, v in attrs if k in ("src", "href")]

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


@pytest.mark.parametrize("text", ["示例州督办台账", *HOSTILE[-5:]])
def test_the_page_loads_only_its_own_folder(sample: Ledger, text: str) -> None:
    page = form.index_html(hostile_ledger(sample, text))
    links = Links()
    links.feed(page)
    assert links.urls == ["config.yml", "decap-cms.js"]
    assert all(not urlsplit(u).scheme and not urlsplit(u).netloc for u in links.urls)
    assert "<script>alert" not in page and page.count("<script") == 1
    assert "网页填报" in links.title


def fake_bundle(tmp_path: Path) -> Path:
    """A dist/ folder shaped like decap-cms's: what is copied and what is not."""
    dist = tmp_path / "modules" / "decap-cms" / "dist"
    dist.mkdir(parents=True)
    for name in ("decap-cms.js", "12.decap-cms.js", "ab.wasm", "decap-cms.js.LICENSE.txt"):
        (dist / name).write_text("// " + name, "utf-8")
    for name in ("decap-cms.js.map", "cms.js", "12.cms.js", "cms.css"):
        (dist / name).write_text("// not copied", "utf-8")
    (dist.parent / "package.json").write_text('{"version": "3.16.3"}', "utf-8")
    return dist


def test_write_admin_copies_the_bundle_and_refuses_foreign_folders(
    sample: Ledger, tmp_path: Path
) -> None:
    dist = fake_bundle(tmp_path)
    out = tmp_path / "admin"
    written = admin.write_admin(sample, out, dist, today=TODAY)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [
            "12.decap-cms.js",
            "ab.wasm",
            "config.yml",
            "decap-cms.js",
            "decap-cms.js.LICENSE.txt",
            "duban-cms.json",
            "index.html",
        ]
    )
    assert written.next_id == "SL-2026-0042" and written.files == len(names)
    assert json.loads((out / "duban-cms.json").read_text("utf-8"))["bundle"] == "3.16.3"
    (out / "stale.js").write_text("old", "utf-8")
    admin.write_admin(sample, out, dist, today=TODAY)  # its own folder: replaced whole
    assert not (out / "stale.js").exists()
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine", "utf-8")
    with pytest.raises(UserError):
        admin.write_admin(sample, foreign, dist, today=TODAY)
    assert [p.name for p in foreign.iterdir()] == ["keep.txt"]
    (tmp_path / "a-file").write_text("x", "utf-8")
    with pytest.raises(UserError):
        admin.write_admin(sample, tmp_path / "a-file", dist, today=TODAY)
    assert not list(tmp_path.glob(".*duban-tmp-*"))


def test_cms_command_writes_admin_and_says_how_to_install_the_bundle(tmp_path: Path) -> None:
    dist = fake_bundle(tmp_path)
    done = run_cli("cms", SAMPLE, "--out", tmp_path / "admin", "--modules", dist.parent.parent)
    assert done.exit_code == 0, done.output
    assert "SL-2026-0042" in done.stderr
    assert yaml.safe_load((tmp_path / "admin" / "config.yml").read_text("utf-8"))["backend"]
    missing = run_cli("cms", SAMPLE, "--out", tmp_path / "b", "--modules", tmp_path / "none")
    assert missing.exit_code == 2 and "bash cms/install" in missing.stderr
    assert "Traceback" not in missing.output and not (tmp_path / "b").exists()
    env = {admin.MODULES_ENV: str(dist.parent.parent)}
    gitea = run_cli("cms", SAMPLE, "--out", tmp_path / "c", "--backend", "gitea", env=env)
    assert gitea.exit_code == 0, gitea.output
    assert "name: gitea" in (tmp_path / "c" / "config.yml").read_text("utf-8")


def test_a_ledger_without_repo_url_is_a_user_error(tmp_path: Path) -> None:
    dist = fake_bundle(tmp_path)
    root = make_ledger(tmp_path / "ledger")
    done = run_cli("cms", root, "--out", tmp_path / "admin", "--modules", dist.parent.parent)
    assert done.exit_code == 2 and "repo_url" in done.stderr
    assert not (tmp_path / "admin").exists()


# -- with the real bundle: build --with-cms, serve --cms ---------------------------------------


def need_modules() -> None:
    """The real bundle and proxy of ``cms/install``, and Node.js (a failure under CI)."""
    bundle = MODULES / "decap-cms" / "dist" / "decap-cms.js"
    need(bundle.is_file(), "decap-cms", "bash cms/install")
    proxy = MODULES / "decap-server" / "dist" / "index.js"
    need(proxy.is_file(), "decap-server", "bash cms/install")
    need(shutil.which("node"), "Node.js", "apt-get install nodejs")


def sample_repo_with_site(path: Path) -> GitRepo:
    repo = GitRepo(path, when="2026-11-30T09:00:00+08:00")
    shutil.copytree(SAMPLE, path / "ledger")
    shutil.copytree(ROOT / "docs", path / "docs")
    shutil.copy(ROOT / "mkdocs.yml", path / "mkdocs.yml")
    repo.commit("建立示例台账")
    return repo


@pytest.mark.slow
def test_build_puts_admin_into_the_site_only_with_cms(tmp_path: Path) -> None:
    need_modules()
    repo = sample_repo_with_site(tmp_path / "repo")
    env = {admin.MODULES_ENV: str(MODULES)}
    args = ("build", "--ledger", "ledger", "--as-of", "2026-11-30", "--out")
    plain = run_cli(*args, tmp_path / "plain", cwd=repo.path, env=env)
    assert plain.exit_code == 0, plain.output
    assert (tmp_path / "plain" / "index.html").is_file()
    assert not (tmp_path / "plain" / "admin").exists()
    with_cms = run_cli(*args, tmp_path / "full", "--with-cms", cwd=repo.path, env=env)
    assert with_cms.exit_code == 0, with_cms.output
    folder = tmp_path / "full" / "admin"
    assert (folder / "decap-cms.js").stat().st_size > 1_000_000
    assert "locale: zh_Hans" in (folder / "config.yml").read_text("utf-8")
    again = run_cli(*args, tmp_path / "full", "--with-cms", cwd=repo.path, env=env)
    assert again.exit_code == 0, again.output  # rebuilt over its own site
    missing = run_cli(
        *args, tmp_path / "none", "--with-cms", cwd=repo.path,
        env={admin.MODULES_ENV: str(tmp_path / "nowhere")},
    )  # fmt: skip
    assert missing.exit_code == 2 and "cms/install" in missing.stderr
    assert not (tmp_path / "none").exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_for(check: Any, seconds: float = 90) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def proxy_info(port: int) -> dict[str, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1",
        data=b'{"action": "info", "params": {"branch": "main"}}',
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        return dict(json.load(answer))


@pytest.mark.slow
def test_serve_cms_runs_the_local_proxy_and_stops_it(tmp_path: Path) -> None:
    need_modules()
    repo = sample_repo_with_site(tmp_path / "repo")
    port, proxy = free_port(), free_port()
    env = {**os.environ, admin.MODULES_ENV: str(MODULES), form.PORT_ENV: str(proxy)}
    serving = subprocess.Popen(
        [installed_duban(), "serve", "--cms", "--as-of", "2026-11-30", "--port", str(port),
         "--out", str(tmp_path / "site")],
        cwd=repo.path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        wait_for(lambda: (listening(port) and listening(proxy)) or serving.poll() is not None)
        assert serving.poll() is None, serving.stderr.read() if serving.stderr else ""
        wait_for(lambda: (tmp_path / "site" / "admin" / "config.yml").is_file())
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/config.yml") as answer:
            assert f"127.0.0.1:{proxy}/api/v1" in answer.read().decode("utf-8")
        assert proxy_info(proxy)["type"] == "local_git"
    finally:
        serving.send_signal(signal.SIGINT)
        code = serving.wait(30)
    assert code == 0
    wait_for(lambda: not listening(proxy), 10)  # the proxy stopped with it
