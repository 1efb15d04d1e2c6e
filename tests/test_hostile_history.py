"""Hostile history (issue 12, item 3): any bytes in any version of any ledger file in the Git
history — invalid UTF-8, NUL bytes, a 10 MB blob, deep nesting, huge integers, a YAML bomb,
binary garbage, a symlink committed under ``ledger/``, a path that is a folder in one commit
and a file in another — is an unreadable version in the trail; ``audit`` and ``build`` run.

A blob is read from ``git cat-file --batch`` to at most the loader's limit plus one byte, the
rest skipped, so a huge blob costs no memory; the item diff of the audit is bounded, so no
pair of versions makes it slow.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from pathlib import Path

import pytest
from duban.audit.diff import MAX_MATCH, diff_task
from duban.audit.trail import audit_all
from duban.git import BlobReader, HistoryReader, open_repo
from duban.git.commands import BLOB_LIMIT
from duban.load.reading import MAX_BYTES
from support import GOLDEN, GitRepo, run_cli, sample_repo

TASK = "ledger/tasks/2026/SL-2026-0001.yaml"
ID = "SL-2026-0001"
HUGE = 10 * 1024 * 1024

#: Each hostile version of the task file, with the problem its trail entry must carry.
HOSTILE: list[tuple[str, bytes, str]] = [
    ("invalid UTF-8", b"id: SL-2026-0001\ntitle: \xff\xfe\xfd\n", "encoding"),
    ("NUL bytes", b"id: SL-2026-0001\ntitle: a\x00b\x00\n", "yaml-control-character"),
    ("10 MB blob", b"title: " + b"x" * HUGE + b"\n", "file-too-large"),
    ("deep nesting", b"a: " + b"[" * 200 + b"]" * 200 + b"\n", "yaml-too-deep"),
    ("huge integer", b"id: " + b"9" * 100_000 + b"\n", "yaml-number-too-long"),
    ("YAML bomb", (GOLDEN / "hostile" / "billion-laughs.yaml.hostile").read_bytes(), "yaml-"),
    ("binary garbage", random.Random(12).randbytes(20_000), ""),
]


def hostile_history(path: Path) -> tuple[GitRepo, list[str]]:
    """The sample repository, then one commit per hostile version of one task file, a
    symlink, a folder at the task's path, and the good file back; the hostile commits' ids."""
    repo = sample_repo(path)
    task = path / TASK
    good = task.read_bytes()
    shas = []
    for name, raw, _ in HOSTILE:
        task.write_bytes(raw)
        shas.append(repo.commit(f"hostile: {name}"))
    task.unlink()
    task.symlink_to("/etc/passwd")
    shas.append(repo.commit("hostile: a symlink"))
    task.unlink()
    task.mkdir()
    (task / "inner.yaml").write_bytes(b"id: [\n")
    shas.append(repo.commit("hostile: a folder"))
    shutil.rmtree(task)
    task.write_bytes(good)
    repo.commit("restore")
    return repo, shas


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    return hostile_history(tmp_path_factory.mktemp("hostile-history") / "repo")[0]


@pytest.fixture
def repo(template: GitRepo, tmp_path: Path) -> GitRepo:
    return template.copy(tmp_path / "repo")


def test_blob_limit_is_the_loaders_limit() -> None:
    assert BLOB_LIMIT == MAX_BYTES


def test_a_huge_blob_is_read_to_the_limit_only(repo: GitRepo) -> None:
    """Before: the reader kept every byte of every blob (10 MB here, any size in general)."""
    with open_repo(repo.path) as git_repo:
        reader = HistoryReader(git_repo, "HEAD")
        sizes = []
        for commit in reader.commits("ledger/tasks/"):
            for change in commit.files:
                if change.fetch_old:
                    reader.blob()
                if change.fetch_new:
                    sizes.append(len(reader.blob() or b""))
        assert max(sizes) == MAX_BYTES + 1
        assert HUGE + 8 not in sizes
        big = repo.git("rev-parse", f"HEAD^{{/10 MB blob}}:{TASK}")
        assert int(repo.git("cat-file", "-s", big)) == HUGE + 8
        with BlobReader(git_repo) as blobs:
            assert len(blobs.blob(big) or b"") == MAX_BYTES + 1
            # The stream is still in step: the next answer is the right object.
            assert blobs.at("HEAD", TASK) == (repo.path / TASK).read_bytes()


def test_audit_shows_every_hostile_version_as_unreadable(repo: GitRepo) -> None:
    shas = [repo.git("rev-parse", f"HEAD~{n}") for n in range(len(HOSTILE) + 2, 0, -1)]
    for cached in (False, True, True):  # from scratch, writing the cache, from the cache
        done = run_cli(
            "audit",
            ID,
            "--format",
            "json",
            "--ledger-repo",
            repo.path,
            *([] if cached else ["--no-cache"]),
        )
        assert done.exit_code == 0, done.output
        assert "Traceback" not in done.output
        trail = json.loads(done.stdout)
        by_commit = {c["commit"]: c for c in trail["changes"]}
        for (name, _, code), sha in zip(HOSTILE, shas, strict=False):
            change = by_commit[sha]
            assert change["kind"] == "invalid", name
            assert change["problems"], name
            assert change["problems"][0]["code"].startswith(code), (name, change["problems"])
        link = by_commit[shas[len(HOSTILE)]]
        assert link["kind"] == "invalid"
        assert [p["code"] for p in link["problems"]] == ["not-a-regular-file"]
        assert "符号链接" in link["problems"][0]["message"]
        # The path was a folder, then a file again: a readable version, the task not deleted.
        assert trail["changes"][-1]["kind"] in ("created", "repaired")
        assert trail["deleted"] is False
    text = run_cli("audit", ID, "--ledger-repo", repo.path, "--lang", "en")
    assert text.exit_code == 0 and "Traceback" not in text.output
    assert "a symbolic link" in text.stdout


def test_a_symlink_in_history_is_a_link_not_its_target(tmp_path: Path) -> None:
    """A link whose target text happens to be YAML is still a link, never a task version."""
    repo = sample_repo(tmp_path / "repo")
    task = repo.path / TASK
    task.unlink()
    task.symlink_to("id: SL-2026-0001")  # its blob is this text, a valid mapping
    link = repo.commit("a symlink that reads as YAML")
    trails, problems = audit_all(repo.path)
    assert problems == []
    change = next(c for c in trails[ID].changes if c.commit.sha == link)
    assert change.kind == "invalid"
    assert [p.code for p in change.problems] == ["not-a-regular-file"]


def test_build_survives_the_hostile_history(repo: GitRepo, tmp_path: Path) -> None:
    out = tmp_path / "site"
    done = run_cli(
        "build", "--ledger", "ledger", "--out", out, "--as-of", "2026-06-30", cwd=repo.path
    )
    assert done.exit_code in (0, 1), done.output
    assert "Traceback" not in done.output
    page = next(out.rglob(f"{ID}*/index.html"), None) or next(out.rglob(f"*{ID}*.html"))
    html = page.read_text("utf-8")
    # The folder commit deleted the file and "restore" created it again: what came before a
    # re-creation is not known to have been public, so the public page summarises it (the
    # audit above shows every unreadable version to the clerks).
    assert "此前为内部事项" in html
    assert "hostile:" not in html  # no message of a hidden commit
    assert (out / "index.html").is_file()


def test_a_quadratic_list_diff_is_bounded() -> None:
    """Before: difflib matched 8000 repeated events against their swap in seconds per pair
    of versions; a history of such commits made the audit take hours."""
    x = {"date": "2026-01-01", "type": "progress-reported", "by": "fgw"}
    y = {"date": "2026-01-02", "type": "progress-reported", "by": "fgw"}
    old, new = [x, y] * 4000, [y, x] * 4000
    assert len(old) * len(new) > MAX_MATCH
    start = time.perf_counter()
    changes = diff_task({"events": old}, {"events": new})
    took = time.perf_counter() - start
    assert took < 1.0, took
    assert len(changes) == 8000 and {c.op for c in changes} == {"changed"}
    # Below the bound the item diff is as before: one inserted event is one "added".
    small = [dict(x, note=str(n)) for n in range(50)]
    moved = diff_task({"events": small}, {"events": [y, *small]})
    assert [(c.field, c.op) for c in moved] == [("$.events[0]", "added")]
    gone = diff_task({"events": small}, {"events": small[:10] + small[11:]})
    assert [(c.field, c.op) for c in gone] == [("$.events[10]", "removed")]
