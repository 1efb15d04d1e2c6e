"""``duban publish --to DIR|BRANCH`` (issue 16, item 5): real folders, real repositories.

A publish is atomic: a folder gets the whole new site or keeps the previous one; a branch
moves to a commit holding exactly the site, or not at all. The failures are real: a file
size limit (``RLIMIT_FSIZE``) makes the copy or Git's object write fail half-way.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from duban.web.outdir import MARKER, write_marker
from duban.web.publish import publish_branch, publish_folder, target_kind
from support import GitRepo, git, git_env, run_cli


def make_site(folder: Path, title: str, extra: dict[str, bytes] | None = None) -> Path:
    """A site as duban build leaves one: pages, assets, the marker."""
    (folder / "tasks").mkdir(parents=True)
    (folder / "index.html").write_text(f"<h1>{title}</h1>", "utf-8")
    (folder / "tasks" / "SL-2026-0001.html").write_text(f"<p>{title}</p>", "utf-8")
    (folder / "_assets").mkdir()
    (folder / "_assets" / "app.js").write_text("// js", "utf-8")
    for name, data in (extra or {}).items():
        (folder / name).write_bytes(data)
    write_marker(folder)
    return folder


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    r = GitRepo(tmp_path / "ledger-repo")
    r.write("ledger/units.yaml", "units: []\n")
    r.commit("Start the ledger")
    return r


def tree_of(repo: GitRepo, rev: str) -> dict[str, bytes]:
    names = repo.git("ls-tree", "-r", "--name-only", rev).splitlines()
    out = {}
    for name in names:
        done = subprocess.run(
            ["git", "cat-file", "blob", f"{rev}:{name}"],
            cwd=repo.path,
            env=git_env(),
            capture_output=True,
            check=True,
        )
        out[name] = done.stdout
    return out


def limited(max_bytes: int):  # type: ignore[no-untyped-def]
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return cap


def duban_subprocess(
    args: list[str], cwd: Path, cap_bytes: int
) -> subprocess.CompletedProcess[str]:
    """``duban ARGS`` in a process that cannot write a file larger than ``cap_bytes``."""
    return subprocess.run(
        [sys.executable, "-m", "duban", *args],
        cwd=cwd,
        env={**git_env(), "DUBAN_LANG": "en"},
        capture_output=True,
        text=True,
        preexec_fn=limited(cap_bytes),
    )


# -- where --to points ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("to", "kind"),
    [("pages", "branch"), ("gh-pages", "branch"), ("./www", "folder"), ("/srv/www", "folder")],
)
def test_target_kind(to: str, kind: str) -> None:
    assert target_kind(to) == kind


def test_an_existing_folder_is_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "www").mkdir()
    monkeypatch.chdir(tmp_path)
    assert target_kind("www") == "folder"
    assert target_kind("pages") == "branch"


# -- a folder ----------------------------------------------------------------------------------


def test_folder_gets_the_site_and_a_republish_replaces_it(tmp_path: Path) -> None:
    dest = tmp_path / "www" / "duban"
    first = make_site(tmp_path / "one", "第一版", {"old-only.html": b"x"})
    done, problems = publish_folder(first, dest)
    assert problems == [] and done is not None
    assert files_of(dest) == files_of(first) and done.files == len(files_of(first))
    second = make_site(tmp_path / "two", "第二版")
    done, problems = publish_folder(second, dest)
    assert problems == [] and done is not None
    assert files_of(dest) == files_of(second)  # old-only.html is gone
    assert sorted(p.name for p in dest.parent.iterdir()) == [".duban.duban-publish", "duban"]


def test_folder_of_someone_else_is_refused(tmp_path: Path) -> None:
    dest = tmp_path / "www"
    dest.mkdir()
    (dest / "intranet-home.html").write_text("keep me", "utf-8")
    done, problems = publish_folder(make_site(tmp_path / "s", "x"), dest)
    assert done is None and [p.code for p in problems] == ["site-out-not-a-site"]
    assert files_of(dest) == {"intranet-home.html": b"keep me"}


def test_not_a_site_is_refused(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "index.html").write_text("hi", "utf-8")
    for site, code in ((plain, "publish-not-a-site"), (tmp_path / "missing", "publish-no-site")):
        done, problems = publish_folder(site, tmp_path / "www")
        assert done is None and [p.code for p in problems] == [code]
    assert not (tmp_path / "www").exists()


def test_a_symlink_in_the_site_is_refused(tmp_path: Path) -> None:
    """Hostile: a link to a file of the server is never published (folder or branch)."""
    site = make_site(tmp_path / "s", "x")
    (site / "tasks" / "passwd").symlink_to("/etc/passwd")
    done, problems = publish_folder(site, tmp_path / "www")
    assert done is None and [p.code for p in problems] == ["publish-symlink"]
    assert "passwd" in problems[0].where.path
    assert not (tmp_path / "www").exists()


def test_target_inside_the_site_is_refused(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", "x")
    done, problems = publish_folder(site, site / "again")
    assert done is None and [p.code for p in problems] == ["publish-into-site"]


def test_interrupted_folder_publish_leaves_the_previous_site(tmp_path: Path) -> None:
    """The copy of the new site fails half-way (a file larger than the process may write):
    the previous site is untouched and a later publish completes."""
    dest = tmp_path / "www"
    old = make_site(tmp_path / "old", "旧版")
    assert publish_folder(old, dest)[1] == []
    before = files_of(dest)
    big = make_site(tmp_path / "new", "新版", {"big.bin": os.urandom(256 * 1024)})
    done = duban_subprocess(["publish", "--site", str(big), "--to", str(dest)], tmp_path, 64 * 1024)
    assert done.returncode == 2, done.stderr
    assert "the site was not published" in done.stderr and "Traceback" not in done.stderr
    assert files_of(dest) == before
    assert not [p for p in tmp_path.iterdir() if ".duban-tmp-" in p.name]
    assert publish_folder(big, dest)[1] == []
    assert files_of(dest) == files_of(big)


def test_killed_folder_publish_leftovers_are_swept(tmp_path: Path) -> None:
    """A publish killed outright leaves a staging folder of a dead process: the previous site
    is still served, and the next publish removes the leftover."""
    dest = tmp_path / "www"
    assert publish_folder(make_site(tmp_path / "old", "旧版"), dest)[1] == []
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    leftover = tmp_path / f".www.duban-tmp-{dead}"
    leftover.mkdir()
    (leftover / "index.html").write_text("half", "utf-8")
    assert b"<h1>" in (dest / "index.html").read_bytes()
    assert publish_folder(make_site(tmp_path / "new", "新版"), dest)[1] == []
    assert not leftover.exists()


# -- a branch ----------------------------------------------------------------------------------


def test_branch_holds_exactly_the_site_and_names_the_source(repo: GitRepo, tmp_path: Path) -> None:
    source = repo.head()
    site = make_site(tmp_path / "site", "第一版")
    done, problems = publish_branch(site, repo.path, "pages")
    assert problems == [] and done is not None
    assert done.source == source and done.previous is None
    assert repo.git("rev-parse", "refs/heads/pages") == done.commit
    assert tree_of(repo, "pages") == {**files_of(site), ".nojekyll": b""}
    assert source in repo.git("log", "-1", "--format=%B", "pages")
    assert repo.git("log", "-1", "--format=%an <%ae>", "pages") == "duban <duban@invalid>"
    # The ledger's branch, index and working tree are untouched.
    assert repo.git("rev-parse", "HEAD") == source
    assert repo.git("status", "--porcelain") == ""
    # A second publish: a child commit, the removed page gone from the tree.
    (site / "tasks" / "SL-2026-0001.html").unlink()
    repo.write("ledger/units.yaml", "units: [x]\n")
    source2 = repo.commit("Change the roster")
    done2, problems = publish_branch(site, repo.path, "pages")
    assert problems == [] and done2 is not None
    assert done2.previous == done.commit and done2.source == source2
    assert repo.git("rev-parse", "pages^") == done.commit
    assert "tasks/SL-2026-0001.html" not in tree_of(repo, "pages")


def test_branch_publish_pushes_when_asked(repo: GitRepo, tmp_path: Path) -> None:
    remote = tmp_path / "server.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    result = run_cli(
        "publish",
        "--site",
        make_site(tmp_path / "s", "x"),
        "--to",
        "pages",
        "--repo",
        repo.path,
        "--push",
        str(remote),
        "--lang",
        "en",
    )
    assert result.exit_code == 0, result.output
    assert "pushed to" in result.stderr
    assert git(remote, "rev-parse", "pages") == repo.git("rev-parse", "pages")


def test_failed_push_says_the_branch_is_updated_locally(repo: GitRepo, tmp_path: Path) -> None:
    result = run_cli(
        "publish",
        "--site",
        make_site(tmp_path / "s", "x"),
        "--to",
        "pages",
        "--repo",
        repo.path,
        "--push",
        str(tmp_path / "no-such-remote"),
    )
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "git-push-failed" in result.stderr and "已在本地更新" in result.stderr
    assert repo.git("rev-parse", "--verify", "pages")


@pytest.mark.parametrize(
    ("branch", "code"),
    [
        ("main", "publish-checked-out-branch"),
        ("bad..name", "publish-bad-branch"),
        ("-x", "publish-bad-branch"),
    ],
)
def test_bad_branches_are_refused(repo: GitRepo, tmp_path: Path, branch: str, code: str) -> None:
    head = repo.head()
    done, problems = publish_branch(make_site(tmp_path / "s", "x"), repo.path, branch)
    assert done is None and [p.code for p in problems] == [code]
    assert repo.head() == head and repo.git("status", "--porcelain") == ""


def test_interrupted_branch_publish_leaves_the_branch(repo: GitRepo, tmp_path: Path) -> None:
    """Git cannot write the new site's objects (a file size limit): the branch still points
    at the previous site."""
    assert publish_branch(make_site(tmp_path / "old", "旧版"), repo.path, "pages")[1] == []
    before = repo.git("rev-parse", "pages")
    big = make_site(tmp_path / "new", "新版", {"big.bin": os.urandom(512 * 1024)})
    done = duban_subprocess(
        ["publish", "--site", str(big), "--to", "pages", "--repo", str(repo.path)],
        tmp_path,
        128 * 1024,
    )
    assert done.returncode == 2, done.stderr
    assert "git-publish-failed" in done.stderr and "Traceback" not in done.stderr
    assert repo.git("rev-parse", "pages") == before
    assert publish_branch(big, repo.path, "pages")[1] == []
    assert "big.bin" in tree_of(repo, "pages")


def test_the_marker_is_what_makes_a_site(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", "x")
    (site / MARKER).unlink()
    done, problems = publish_folder(site, tmp_path / "www")
    assert done is None and problems[0].code == "publish-not-a-site"
