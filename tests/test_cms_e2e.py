"""The web form end to end: a clerk in real Chromium (Debian's, driven by Playwright) edits
the ledger through Decap CMS, with decap-server in git mode on a temporary ledger repository,
and the gate judges what the form wrote.

``duban cms`` writes ``admin/``, served on 127.0.0.1 (every request to another host is
refused and recorded); the clerk logs in locally, creates a task, appends an event to an
existing task and saves; each save is a draft branch ``cms/tasks/...`` in the repository
(Decap's editorial workflow), which ``duban validate`` and ``duban check-change`` (with the
clerk's account as the actor) then judge. Changing an old event's text in the form is
possible (the list only forbids removing and reordering items): the gate refuses it.

Screenshots go to test-artifacts/ (git-ignored): the list view and the task form with its
events.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pytest
from duban.check.change import check_change
from duban.web import cms_proxy
from support import ROOT, SAMPLE, GitRepo, git_env, need, need_module, run_cli

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
MODULES = ROOT / "cms" / "node_modules"
PROXY = MODULES / "decap-server" / "dist" / "index.js"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--lang=zh-CN",
]
WHEN = "2026-11-30T09:00:00+08:00"
AS_OF = "2026-11-30"
EVENT_TASK = "SL-2026-0010"  # 州市场监管局 (scjgj), open: its clerk appends an event
EDIT_TASK = "SL-2026-0015"  # 州交通运输局 (jtysj): its clerk changes an old event's note
NEW_TITLE = "编制示例州2027年度重点民生实事项目清单"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


class Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".yml": "text/yaml",
    }

    def log_message(self, format: str, *args: object) -> None:
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_listening(port: int, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        assert process.poll() is None, "decap-server stopped"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"decap-server is not listening on {port}")


class World:
    def __init__(self, repo: GitRepo, base: str) -> None:
        self.repo = repo
        self.base = base


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    need(shutil.which("node"), "Node.js", "apt-get install nodejs npm")
    bundle = MODULES / "decap-cms" / "dist" / "decap-cms.js"
    need(bundle.is_file(), "decap-cms", "bash cms/install")
    need(PROXY.is_file(), "decap-server", "bash cms/install")
    top = tmp_path_factory.mktemp("cms-e2e")
    repo = GitRepo(top / "repo", when=WHEN)
    shutil.copytree(SAMPLE, repo.path / "ledger")
    repo.commit("建立示例台账")
    site = top / "site"
    proxy_port = free_port()
    made = run_cli(
        "cms", repo.path / "ledger", "--out", site / "admin", "--modules", MODULES,
        "--proxy-port", str(proxy_port),
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = git_env(author="decap", email="decap@example.org", when=WHEN)
    try:
        with cms_proxy.local_proxy(PROXY, repo.path, proxy_port, env) as proxy:
            wait_listening(proxy_port, proxy)
            yield World(repo, f"http://127.0.0.1:{server.server_address[1]}/admin/")
        assert proxy.poll() is not None  # stopped on leaving
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def page(world: World):  # type: ignore[no-untyped-def]
    need(Path(CHROMIUM).exists(), "Debian's chromium", "apt-get install chromium")
    sync_playwright = need_module("playwright.sync_api").sync_playwright
    origin = urlsplit(world.base).netloc
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN")

        def guard(route):  # type: ignore[no-untyped-def]
            host = urlsplit(route.request.url).hostname
            if host == "127.0.0.1" or route.request.url.startswith("data:"):
                route.continue_()
            else:
                route.abort()

        context.on("request", lambda r: requests.append(r.url))
        context.route("**/*", guard)
        context.set_default_timeout(60_000)  # two cores shared with other work
        pg = context.new_page()
        pg.goto(world.base)
        pg.get_by_role("button", name="登录").click()
        pg.get_by_text(f"{EVENT_TASK} ").first.wait_for()
        yield pg
        context.close()
        browser.close()
    foreign = [u for u in requests if urlsplit(u).hostname != "127.0.0.1" and "data:" not in u]
    assert foreign == [], f"the form asked other hosts: {foreign}"
    assert any(urlsplit(u).netloc == origin for u in requests)  # the recorder does record


def open_entry(pg, base: str, task_id: str | None) -> None:  # type: ignore[no-untyped-def]
    """The form of task ``task_id`` (None: a new task), waited for until it shows that task
    (the previous form's fields stay in the page for a moment)."""
    expect = need_module("playwright.sync_api").expect
    pg.goto(f"{base}#/collections/tasks")
    pg.get_by_text("SL-2026-0001 ").first.wait_for()
    pg.wait_for_load_state("networkidle")
    if task_id is None:
        pg.get_by_role("link", name="督办任务").last.click()  # the new-task button
        expect(field(pg, "title", first=True)).to_have_value("")
    else:
        pg.get_by_text(f"{task_id} ").first.click()
        expect(field(pg, "id", first=True)).to_have_value(task_id)


def shot(pg, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / name))


def field(pg, name: str, first: bool = False):  # type: ignore[no-untyped-def]
    """The last (or first) control of field ``name`` (Decap ids are ``NAME-field-N``): the
    task's own fields come first, the newest list item's last."""
    found = pg.locator(f'[id^="{name}-field-"]')
    return found.first if first else found.last


def choose(pg, name: str, label: str) -> None:  # type: ignore[no-untyped-def]
    """Pick ``label`` in the select of field ``name`` (react-select)."""
    control = field(pg, name)
    control.click()
    control.fill(label)
    pg.keyboard.press("Enter")


def save(pg) -> None:  # type: ignore[no-untyped-def]
    pg.get_by_role("button", name="保存").first.click()
    pg.get_by_text("修改已保存").first.wait_for(timeout=20_000)


def branches(repo: GitRepo) -> list[str]:
    out = repo.git("for-each-ref", "--format=%(refname:short)", "refs/heads/cms/")
    return sorted(line for line in out.splitlines() if line)


def branch_of(repo: GitRepo, task_id: str) -> str:
    found = [b for b in branches(repo) if b.lower().endswith(task_id.lower())]
    assert len(found) == 1, branches(repo)
    return found[0]


def validate_branch(repo: GitRepo, branch: str, tmp: Path) -> tuple[int, str]:
    """``duban validate`` on a checkout of ``branch`` (a worktree, the repository untouched)."""
    where = tmp / branch.replace("/", "-")
    repo.git("worktree", "add", "--detach", str(where), branch)
    try:
        done = run_cli("validate", where / "ledger")
        return done.exit_code, done.output
    finally:
        repo.git("worktree", "remove", "--force", str(where))


def refusals(repo: GitRepo, branch: str, actor: str) -> list[str]:
    problems = check_change(str(repo.path), "main", branch, actor, today=date(2026, 11, 30))
    return [f"{p.code} {p.where} {p.text.zh}" for p in problems]


def test_list_view_shows_the_ledger_s_tasks(world: World, page) -> None:  # type: ignore[no-untyped-def]
    assert page.get_by_text("SL-2026-0001 制定《示例州优化营商环境三年行动方案").count() == 1
    shot(page, "cms-list.png")


def test_a_clerk_appends_an_event_and_the_gate_lets_it_through(  # type: ignore[no-untyped-def]
    world: World, page, tmp_path: Path
) -> None:
    open_entry(page, world.base, EVENT_TASK)
    before = len(page.locator('[id^="date-field-"]').all())
    page.get_by_role("button", name="新增办理记录").last.click()
    field(page, "date").fill(AS_OF)
    choose(page, "type", "已反馈落实情况")
    choose(page, "by", "州市场监管局")
    field(page, "note").fill("剩余1个市场排水设施整改已完成，申请重新核实")
    assert len(page.locator('[id^="date-field-"]').all()) == before + 1
    shot(page, "cms-task-new-event.png")
    page.locator('label[for^="events-field-"]').scroll_into_view_if_needed()
    shot(page, "cms-task-events.png")
    save(page)
    branch = branch_of(world.repo, EVENT_TASK)
    text = world.repo.git("show", f"{branch}:ledger/tasks/2026/{EVENT_TASK}.yaml")
    assert "剩余1个市场排水设施整改已完成" in text
    code, out = validate_branch(world.repo, branch, tmp_path)
    assert code == 0, out
    assert refusals(world.repo, branch, "scjgj-clerk1") == []
    refused = refusals(world.repo, branch, "czj-clerk1")  # another unit's clerk
    assert refused and all("event-not-actor" in r for r in refused), refused


def test_a_clerk_of_the_assigning_unit_creates_a_task(  # type: ignore[no-untyped-def]
    world: World, page, tmp_path: Path
) -> None:
    open_entry(page, world.base, None)
    suggested = field(page, "id", first=True).input_value()
    assert suggested == "SL-2026-0042"  # the next free id, pre-filled
    field(page, "title", first=True).fill(NEW_TITLE)
    field(page, "source").fill("州政府2026年第20次常务会议")
    field(page, "received").fill(AS_OF)
    choose(page, "unit", "州发改委")
    choose(page, "co_units", "州财政局")
    field(page, "standard").fill("形成经州政府常务会议审议的2027年民生实事项目清单")
    field(page, "deadline").fill("2026-12-31")
    field(page, "id", first=True).scroll_into_view_if_needed()
    shot(page, "cms-new-task.png")
    save(page)
    branch = branch_of(world.repo, suggested)
    paths = world.repo.git("diff", "--name-only", f"main...{branch}").splitlines()
    assert len(paths) == 1 and paths[0].lower() == f"ledger/tasks/2026/{suggested}.yaml".lower()
    text = world.repo.git("show", f"{branch}:{paths[0]}")
    assert f"id: {suggested}" in text and NEW_TITLE in text
    assert refusals(world.repo, branch, "fgw-clerk1")  # only 督查室 creates tasks
    code, out = validate_branch(world.repo, branch, tmp_path)
    refused = refusals(world.repo, branch, "zfb-dcs1")  # a maintainer of the assigning unit
    # Decap lower-cases the slug of a new entry (its prepareSlug): the file is named
    # sl-2026-0042.yaml, which the ledger accepts (the id decides, in any case).
    assert paths[0] == f"ledger/tasks/2026/{suggested.lower()}.yaml"
    assert code == 0, out
    assert refused == []


def test_changing_an_old_event_in_the_form_is_refused(  # type: ignore[no-untyped-def]
    world: World, page
) -> None:
    open_entry(page, world.base, EDIT_TASK)
    page.get_by_role("button", name="Expand").last.click()  # the events list
    notes = page.locator('[id^="note-field-"]')
    notes.first.wait_for()
    notes.last.fill("初步设计已全部完成")  # the last event's note, written 2026-11-13
    save(page)
    branch = branch_of(world.repo, EDIT_TASK)
    refused = refusals(world.repo, branch, "jtysj-clerk1")
    assert refused and all(r.startswith("event-altered ") for r in refused), refused
