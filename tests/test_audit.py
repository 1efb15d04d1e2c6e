"""Audit trails from real Git repositories with fixed names and dates (README.md,
"Commands"; speed: benchmarks/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from duban.audit import cache as auditcache
from duban.audit import history as audit_history
from duban.audit.diff import FieldChange, describe, diff_task
from duban.audit.trail import audit_all, find_trail
from duban.render.audit import trail_text, trail_to_json
from support import ROOT, GitRepo, audit_task, git, run_cli

T1 = "ledger/tasks/2026/ES-2026-0001.yaml"
T1_ARCHIVED = "ledger/tasks/archive/2026/ES-2026-0001.yaml"
T2 = "ledger/tasks/2026/专项 工作/ES-2026-0002.yaml"
EXTENSION = "  - {date: 2026-06-26, type: extension-approved, by: zfb, deadline: 2026-07-31, note: 同意延期一个月}\n"  # noqa: E501


def build_history(repo: GitRepo) -> dict[str, str]:
    """Created, edited in PRs (merge and squash), broken and fixed, renamed, deleted."""
    shas = {}
    repo.write(T1, audit_task("ES-2026-0001", title="制定示例工作方案", deadline="2026-06-30"))
    repo.write("README.md", "not a task\n")
    shas["c1"] = repo.commit("新增任务 ES-2026-0001", "王芳", "2026-03-02T01:00:00+00:00")
    repo.git("checkout", "-q", "-b", "pr1")
    repo.edit(T1, "deadline: 2026-06-30", "deadline: 2026-07-31")
    repo.append(T1, EXTENSION)
    shas["c2"] = repo.commit("同意延期", "李强", "2026-06-26T10:15:00+08:00")
    repo.git("checkout", "-q", "main")
    shas["m1"] = repo.merge(
        "pr1", "Merge pull request #1 from clerk/pr1", "张伟", "2026-06-26T11:00:00+08:00"
    )
    repo.append(T1, "  - {date: 2026-07-20, type: completed, by: fgw}\n")
    shas["c3"] = repo.commit("登记完成 (#2)", "李强", "2026-07-20T16:30:00+08:00")
    repo.edit(T1, "owner:\n  unit", "owner:\n\tunit")
    shas["c4"] = repo.commit("改责任单位", "赵敏", "2026-07-21T09:00:00+08:00")
    repo.edit(T1, "owner:\n\tunit", "owner:\n  unit")
    repo.edit(T1, "title: 制定示例工作方案", "title: 制定示例工作方案 (修订)")
    shas["c5"] = repo.commit("修正格式", "赵敏", "2026-07-21T09:30:00+08:00")
    repo.git("checkout", "-q", "-b", "pr3")
    (repo.path / T1_ARCHIVED).parent.mkdir(parents=True)
    repo.git("mv", T1, T1_ARCHIVED)
    repo.write(T2, audit_task("ES-2026-0002", title="专项任务", deadline="2026-09-30"))
    shas["c6"] = repo.commit("归档并新增专项任务", "陈静", "2026-07-22T10:00:00+08:00")
    repo.git("checkout", "-q", "main")
    shas["m3"] = repo.merge(
        "pr3", "Merge pull request #3 from clerk/pr3", "张伟", "2026-07-22T11:00:00+08:00"
    )
    repo.git("rm", "-q", T2)
    shas["c7"] = repo.commit("删除重复任务", "王芳", "2026-07-23T08:00:00+08:00")
    return shas


@pytest.fixture(scope="session")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[GitRepo, dict[str, str]]:
    """The repository of :func:`build_history`, built once: never used, only copied."""
    repo = GitRepo(tmp_path_factory.mktemp("audit-template") / "ledger-repo")
    return repo, build_history(repo)


def fresh_history(
    pristine: tuple[GitRepo, dict[str, str]], dest: Path
) -> tuple[GitRepo, dict[str, str]]:
    """A copy of the :func:`build_history` repository, for a test that changes it."""
    template, shas = pristine
    return template.copy(dest), dict(shas)


@pytest.fixture(scope="module")
def history(
    pristine: tuple[GitRepo, dict[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[GitRepo, dict[str, str]]:
    return fresh_history(pristine, tmp_path_factory.mktemp("audit") / "ledger-repo")


def _c(
    author, time, subject, pr, merge, reviewed, kind, status, path, text, fields=(), old_path=None
):
    return {
        "author": author,
        "time": time,
        "subject": subject,
        "pr": pr,
        "merge_commit": merge,
        "reviewed": reviewed,
        "kind": kind,
        "status": status,
        "path": path,
        "old_path": old_path,
        "fields": list(fields),
        "text": text,
    }


def expected_t1(shas: dict[str, str]) -> list[dict[str, object]]:
    ext = {
        "date": "2026-06-26",
        "type": "extension-approved",
        "by": "zfb",
        "deadline": "2026-07-31",
        "note": "同意延期一个月",
    }
    ext_text = "新增办理记录：2026-06-26 同意延期（zfb）；新时限 2026-07-31；同意延期一个月"
    done = {"date": "2026-07-20", "type": "completed", "by": "fgw"}
    title = ("制定示例工作方案", "制定示例工作方案 (修订)")
    return [
        _c(
            "王芳",
            "2026-03-02T09:00:00+08:00",
            "新增任务 ES-2026-0001",
            None,
            None,
            False,
            "created",
            "A",
            T1,
            "新建任务",
        ),
        _c(
            "李强",
            "2026-06-26T10:15:00+08:00",
            "同意延期",
            1,
            shas["m1"],
            True,
            "modified",
            "M",
            T1,
            f"修改；时限：2026-06-30 → 2026-07-31；{ext_text}",
            [
                {
                    "field": "$.deadline",
                    "op": "changed",
                    "old": "2026-06-30",
                    "new": "2026-07-31",
                    "text": "时限：2026-06-30 → 2026-07-31",
                },
                {"field": "$.events[1]", "op": "added", "old": None, "new": ext, "text": ext_text},
            ],
        ),
        _c(
            "李强",
            "2026-07-20T16:30:00+08:00",
            "登记完成 (#2)",
            2,
            None,
            True,
            "modified",
            "M",
            T1,
            "修改；新增办理记录：2026-07-20 已完成（fgw）",
            [
                {
                    "field": "$.events[2]",
                    "op": "added",
                    "old": None,
                    "new": done,
                    "text": "新增办理记录：2026-07-20 已完成（fgw）",
                }
            ],
        ),
        _c(
            "赵敏",
            "2026-07-21T09:00:00+08:00",
            "改责任单位",
            None,
            None,
            False,
            "invalid",
            "M",
            T1,
            "文件格式错误，无法读取；缩进中有制表符（Tab），YAML 只能用空格缩进",
        ),
        _c(
            "赵敏",
            "2026-07-21T09:30:00+08:00",
            "修正格式",
            None,
            None,
            False,
            "repaired",
            "M",
            T1,
            f"格式已修正；标题：{title[0]} → {title[1]}",
            [
                {
                    "field": "$.title",
                    "op": "changed",
                    "old": title[0],
                    "new": title[1],
                    "text": f"标题：{title[0]} → {title[1]}",
                }
            ],
        ),
        _c(
            "陈静",
            "2026-07-22T10:00:00+08:00",
            "归档并新增专项任务",
            3,
            shas["m3"],
            True,
            "renamed",
            "R",
            T1_ARCHIVED,
            f"移动文件 ({T1} → {T1_ARCHIVED})",
            old_path=T1,
        ),
    ]


def _strip(payload: dict) -> list[dict]:
    out = []
    for change in payload["changes"]:
        change = dict(change)
        assert change.pop("short_commit") == change["commit"][:7]
        change.pop("commit")
        problems = change.pop("problems")
        if change["kind"] == "invalid":
            assert [(p["code"], p["path"], p["line"], p["col"]) for p in problems] == [
                ("yaml-tab-indent", T1, 6, 1)
            ]
        else:
            assert problems == []
        out.append(change)
    return out


def test_trails_match_hand_written_json(history: tuple[GitRepo, dict[str, str]]) -> None:
    repo, shas = history
    trails, problems = audit_all(repo.path)
    assert problems == []
    assert set(trails) == {"ES-2026-0001", "ES-2026-0002"}
    t1 = trail_to_json(trails["ES-2026-0001"])
    assert (t1["task"], t1["path"], t1["deleted"]) == ("ES-2026-0001", T1_ARCHIVED, False)
    assert _strip(t1) == expected_t1(shas)
    assert [c["commit"] for c in t1["changes"]] == [
        shas[k] for k in ["c1", "c2", "c3", "c4", "c5", "c6"]
    ]


def test_non_ascii_path_created_then_deleted(history: tuple[GitRepo, dict[str, str]]) -> None:
    repo, shas = history
    trail = audit_all(repo.path)[0]["ES-2026-0002"]
    assert (trail.path, trail.deleted) == (T2, True)
    got = [
        (
            c.kind,
            c.status,
            c.path,
            c.commit.author,
            c.commit.pr,
            c.commit.merge,
            c.commit.reviewed,
            c.commit.sha,
        )
        for c in trail.changes
    ]
    assert got == [
        ("created", "A", T2, "陈静", 3, shas["m3"], True, shas["c6"]),
        ("deleted", "D", T2, "王芳", None, None, False, shas["c7"]),
    ]


def test_english_and_text_output(history: tuple[GitRepo, dict[str, str]]) -> None:
    repo, _ = history
    trail = audit_all(repo.path)[0]["ES-2026-0001"]
    en = trail_to_json(trail, "en")["changes"]
    assert en[1]["fields"][0]["text"] == "deadline: 2026-06-30 → 2026-07-31"
    assert en[1]["fields"][1]["text"] == (
        "event added: 2026-06-26 extension approved (zfb); new deadline 2026-07-31; 同意延期一个月"
    )
    text = trail_text(trail)
    assert "2026-06-26 10:15（北京时间）  李强  PR #1" in text
    assert "    时限：2026-06-30 → 2026-07-31" in text
    assert "直接提交，未经合并请求审核" in text


def test_cli_json_text_and_errors(history: tuple[GitRepo, dict[str, str]]) -> None:
    repo, shas = history
    args = ["audit", "ES-2026-0001", "--ledger-repo", str(repo.path), "--no-cache"]
    result = run_cli(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert _strip(payload) == expected_t1(shas)
    assert payload["problems"] == []
    text = run_cli(*args)
    assert text.exit_code == 0 and "新增办理记录：2026-07-20 已完成（fgw）" in text.stdout
    for out in (result.output, text.output):
        assert "@" not in out and "secret-mail" not in out  # never an e-mail address
    missing = run_cli("audit", "ES-2099-0001", "--ledger-repo", repo.path)
    assert missing.exit_code == 2 and "ES-2099-0001" in missing.output
    norepo = run_cli("audit", "X", "--ledger-repo", repo.path.parent / "no")
    assert norepo.exit_code == 2 and "Traceback" not in norepo.output


def test_old_id_finds_renamed_trail(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.write(T1, audit_task("ES-2026-0001", title="甲", deadline="2026-06-30"))
    repo.commit("add", when="2026-03-02T09:00:00+08:00")
    repo.git("mv", T1, T1.replace("0001", "0009"))
    repo.commit("renumber", when="2026-03-03T09:00:00+08:00")
    trails, _ = audit_all(repo.path)
    assert set(trails) == {"ES-2026-0009"}
    assert find_trail(trails, "ES-2026-0001") is trails["ES-2026-0009"]
    assert [c.kind for c in trails["ES-2026-0009"].changes] == ["created", "renamed"]


def test_shallow_clone_is_reported(history: tuple[GitRepo, dict[str, str]], tmp_path: Path) -> None:
    repo, _ = history
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone))
    _, problems = audit_all(clone, tmp_path / "cache")
    assert [(p.code, p.severity) for p in problems] == [("git-shallow-clone", "warning")]
    assert "fetch-depth: 0" in problems[0].zh and "fetch-depth: 0" in problems[0].en
    assert not (tmp_path / "cache" / auditcache.FILE_NAME).exists()  # never cache a cut history
    full, none = audit_all(repo.path)
    assert none == [] and len(full["ES-2026-0001"].changes) == 6
    result = run_cli("audit", "ES-2026-0001", "--ledger-repo", clone)
    assert result.exit_code == 0 and "fetch-depth: 0" in result.stderr


def test_incremental_equals_full_and_reads_only_new_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pristine: tuple[GitRepo, dict[str, str]]
) -> None:
    repo, shas = fresh_history(pristine, tmp_path / "r")
    cache = tmp_path / "cache"
    first, _ = audit_all(repo.path, cache)
    assert first == audit_all(repo.path)[0]
    repo.git("checkout", "-q", "-b", "pr4")
    repo.append(T1_ARCHIVED, "  - {date: 2026-07-25, type: verified, by: zfb}\n")
    c8 = repo.commit("核实", "赵敏", "2026-07-25T09:00:00+08:00")
    repo.git("checkout", "-q", "main")
    m4 = repo.merge(
        "pr4", "Merge pull request #4 from clerk/pr4", "张伟", "2026-07-25T10:00:00+08:00"
    )
    ranges: list[str] = []
    original = audit_history.HistoryReader.__init__

    def spy(self: audit_history.HistoryReader, repo_: object, rev_range: str) -> None:
        ranges.append(rev_range)
        original(self, repo_, rev_range)

    monkeypatch.setattr(audit_history.HistoryReader, "__init__", spy)
    incremental, _ = audit_all(repo.path, cache)
    assert ranges == [f"{shas['c7']}..{m4}"]
    last = incremental["ES-2026-0001"].changes[-1]
    assert (last.commit.sha, last.commit.pr, last.commit.merge) == (c8, 4, m4)
    assert [f.field for f in last.fields] == ["$.events[3]"]
    monkeypatch.undo()
    assert incremental == audit_all(repo.path)[0]
    saved: list[object] = []
    monkeypatch.setattr(auditcache, "save", lambda *args: saved.append(args))
    assert audit_all(repo.path, cache)[0] == incremental  # nothing new: from the cache
    assert saved == []  # and the cache is not written again


def test_force_push_and_corrupt_cache_rebuild(
    tmp_path: Path, pristine: tuple[GitRepo, dict[str, str]]
) -> None:
    repo, _ = fresh_history(pristine, tmp_path / "r")
    cache = tmp_path / "cache"
    audit_all(repo.path, cache)
    repo.git("reset", "-q", "--hard", "HEAD~2")  # history rewritten: the cached head is gone
    repo.append(T1, "  - {date: 2026-07-30, type: progress-reported, by: fgw}\n")
    repo.commit("改写历史", "王芳", "2026-07-30T09:00:00+08:00")
    rebuilt, problems = audit_all(repo.path, cache)
    assert problems == [] and rebuilt == audit_all(repo.path)[0]
    assert "ES-2026-0002" not in rebuilt
    for garbage in (
        "{not json",
        '{"format": "duban-audit-cache", "version": 999}',
        "[]",
        '{"format": "duban-audit-cache", "version": 1, "duban": "0.1.0"}',
    ):
        (cache / auditcache.FILE_NAME).write_text(garbage, "utf-8")
        assert audit_all(repo.path, cache)[0] == rebuilt
    assert json.loads((cache / auditcache.FILE_NAME).read_text("utf-8"))["version"] == 1
    assert (cache / ".gitignore").read_text("utf-8") == "*\n"


def test_malformed_cache_is_rebuilt(
    tmp_path: Path, pristine: tuple[GitRepo, dict[str, str]]
) -> None:
    """A cache with the right header but bad content never ends in a traceback."""
    repo, _ = fresh_history(pristine, tmp_path / "r")
    cache = tmp_path / "cache"
    expected, _ = audit_all(repo.path, cache)
    good = json.loads((cache / auditcache.FILE_NAME).read_text("utf-8"))
    rows = [row for pending in good["changes"].values() for row in pending]
    with_fields = next(i for i, row in enumerate(rows) if row[5])
    renamed = next(i for i, row in enumerate(rows) if row[4])

    def patched(index: int, column: int, value: object) -> str:
        bad = json.loads(json.dumps(good))
        row = [row for pending in bad["changes"].values() for row in pending][index]
        row[column] = value
        return json.dumps(bad)

    for garbage in (
        "[" * 100_000 + "]" * 100_000,  # RecursionError while decoding
        patched(with_fields, 5, [[5, "added", None, "x"]]),
        patched(with_fields, 5, ["abcd"]),
        patched(renamed, 4, 7),
        patched(renamed, 6, [["c", "p", "x", 0, "zh", "en", "", "error"]]),
        json.dumps({**good, "head": "--output=/tmp/x"}),
        json.dumps({**good, "deleted": "ES-2026-0002"}),
        json.dumps({**good, "fallback": {"ES-2026-0001": [1]}}),
        json.dumps(
            {**good, "commits": {k: [*v[:3], "#1", *v[4:]] for k, v in good["commits"].items()}}
        ),
    ):
        (cache / auditcache.FILE_NAME).write_text(garbage, "utf-8")
        assert auditcache.load(cache) is None
        trails, problems = audit_all(repo.path, cache)
        assert problems == [] and trails == expected
        assert find_trail(trails, "ES-2026-0001") is trails["ES-2026-0001"]
        assert trail_text(trails["ES-2026-0001"], "en") and trail_to_json(trails["ES-2026-0001"])
        assert json.loads((cache / auditcache.FILE_NAME).read_text("utf-8")) == good


def test_not_a_repository(tmp_path: Path) -> None:
    trails, problems = audit_all(tmp_path)
    assert trails == {} and [p.code for p in problems] == ["git-not-a-repository"]


@pytest.mark.slow  # a benchmark-sized synthetic history
def test_append_shortcut_equals_full_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    import synth

    info = synth.build_repo(tmp_path / "synth", tasks=60, commits=600, seed=3)
    fast, _ = audit_all(info.path)
    monkeypatch.setattr(audit_history, "APPEND_SHORTCUT", False)
    slow, _ = audit_all(info.path)
    assert fast == slow
    kinds = {c.kind for t in fast.values() for c in t.changes}
    assert {"created", "modified", "renamed", "invalid", "repaired"} <= kinds
    assert sum(len(t.changes) for t in fast.values()) > 300


def test_diff_items_and_labels() -> None:
    old = {
        "priority": "normal",
        "owner": {"unit": "fgw", "co_units": ["czj"]},
        "events": [
            {"date": "2026-03-03", "type": "decomposed", "by": "zfb"},
            {"date": "2026-03-05", "type": "deployed", "by": "fgw"},
        ],
    }
    new = {
        "priority": "urgent",
        "owner": {"unit": "fgw", "co_units": ["czj", "jyj"]},
        "source": "州政府常务会议",
        "events": [
            {"date": "2026-03-03", "type": "decomposed", "by": "zfb"},
            {"date": "2026-03-06", "type": "deployed", "by": "fgw"},
        ],
    }
    changes = diff_task(old, new)
    assert [(c.field, c.op) for c in changes] == [
        ("$.source", "added"),
        ("$.owner.co_units", "changed"),
        ("$.priority", "changed"),
        ("$.events[1]", "changed"),
    ]
    assert [c.text() for c in changes] == [
        "新增交办来源：州政府常务会议",
        "协办单位：czj → czj、jyj",
        "紧急程度：一般 → 紧急",
        "修改办理记录：2026-03-05 已部署（fgw） → 2026-03-06 已部署（fgw）",
    ]
    removed = diff_task(new, {**new, "events": new["events"][1:]})
    assert [(c.field, c.op) for c in removed] == [("$.events[0]", "removed")]
    assert describe(FieldChange("$.visibility", "changed", "public", "internal"), "en") == (
        "visibility: public → internal"
    )
    assert describe(FieldChange("$.visibility", "changed", "public", "internal")) == (
        "公开范围：公开 → 内部"
    )
    emptied = FieldChange("$.owner.co_units", "changed", ["czj"], [])
    assert (describe(emptied), describe(emptied, "en")) == (
        "协办单位：czj → （无）",
        "co-units: czj → (none)",
    )


def test_change_made_inside_a_merge_is_in_the_trail(tmp_path: Path) -> None:
    """A merge shows only what it changed itself (a hand-resolved conflict, an edit made in
    the merge commit), never again what its branch's commits changed."""
    repo = GitRepo(tmp_path / "repo")
    repo.write(T1, audit_task("ES-2026-0001", title="制定示例工作方案", deadline="2026-06-30"))
    repo.commit("新增任务 ES-2026-0001", "王芳", "2026-03-02T09:00:00+08:00")
    repo.git("checkout", "-q", "-b", "pr5")
    repo.edit(T1, "title: 制定示例工作方案", "title: 制定示例工作方案 (修订)")
    repo.commit("修改标题", "李强", "2026-03-03T09:00:00+08:00")
    repo.git("checkout", "-q", "main")
    when = "2026-03-04T09:00:00+08:00"
    repo.git("merge", "-q", "--no-ff", "--no-commit", "pr5", author="张伟", when=when)
    repo.edit(T1, "deadline: 2026-06-30", "deadline: 2027-03-31")  # slipped into the merge
    merge = repo.commit("Merge pull request #5 from clerk/pr5", "张伟", when)
    trail = audit_all(repo.path)[0]["ES-2026-0001"]
    by_commit = {c.commit.sha: [f.field for f in c.fields] for c in trail.changes}
    assert by_commit[merge] == ["$.deadline"]
    assert [f.field for c in trail.changes for f in c.fields].count("$.title") == 1
    merged = next(c for c in trail.changes if c.commit.sha == merge)
    assert merged.commit.pr == 5
