"""Exit codes and messages when a command cannot run (issue 12, item 4): no ``git`` on PATH,
a corrupted repository, a full disk, an unwritable work folder, a concurrent build — each is
a short message in Chinese (English with ``--lang en``) and exit 2, never a traceback and
never a hang; exit 1 stays "problems found". Run through the real command line.
"""

from __future__ import annotations

import errno
import fcntl
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support import GitRepo, finishes, run_cli, sample_repo

AS_OF = "2026-06-30"
TASK = "ledger/tasks/2026/SL-2026-0001.yaml"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    return sample_repo(tmp_path_factory.mktemp("exit-codes") / "repo")


@pytest.fixture
def repo(template: GitRepo, tmp_path: Path) -> GitRepo:
    return template.copy(tmp_path / "repo")


def cannot_run(done: Any, *pieces: str) -> None:
    """Exit 2, every piece in the message, no traceback."""
    stderr = done.stderr
    assert done.returncode == 2, (done.returncode, stderr[-2000:])
    assert "Traceback" not in stderr and "Traceback" not in done.stdout
    for piece in pieces:
        assert piece in stderr, (piece, stderr[-2000:])


# --- Git missing ------------------------------------------------------------------------------


def without_git(repo: GitRepo, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m duban ARGS`` in a real process whose PATH holds no ``git``."""
    empty = tmp_path / "no-git-here"
    empty.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT")}
    env["PATH"] = str(empty)
    return subprocess.run(
        [sys.executable, "-m", "duban", *args],
        cwd=repo.path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["audit", "SL-2026-0001"],
        ["check-change", "--base", "HEAD"],
        ["build", "--out", "site", "--as-of", AS_OF],
    ],
    ids=lambda a: a[0],
)
def test_git_missing_is_a_message_and_exit_2(
    repo: GitRepo, tmp_path: Path, args: list[str]
) -> None:
    """Before: importing GitPython without git raised, a 40-line traceback for any command;
    and ``build`` published a site without its trails as if outside a repository."""
    cannot_run(without_git(repo, tmp_path, *args), "找不到 git 命令")
    cannot_run(without_git(repo, tmp_path, *args, "--lang", "en"), "git is not installed")
    assert not (repo.path / "site").exists()


def test_commands_that_need_no_git_run_without_it(repo: GitRepo, tmp_path: Path) -> None:
    done = without_git(repo, tmp_path, "validate", "ledger")
    assert done.returncode == 0, done.stderr[-2000:]
    done = without_git(repo, tmp_path, "status", "--as-of", AS_OF)
    assert done.returncode == 0 and "Traceback" not in done.stderr


# --- a corrupted repository ---------------------------------------------------------------------


def remove_object(repo: GitRepo, sha: str) -> None:
    loose = repo.path / ".git" / "objects" / sha[:2] / sha[2:]
    assert loose.is_file()
    loose.unlink()


def test_a_missing_blob_before_large_ones_ends_at_once(repo: GitRepo) -> None:
    """Before: after the missing object, ``cat-file`` blocked writing the 3 MB still asked
    for into a full pipe, and the audit waited for it for ever."""
    task = repo.path / TASK
    task.write_text(task.read_text("utf-8") + "# one\n", "utf-8")
    repo.commit("a version whose blob goes missing")
    missing = repo.git("rev-parse", f"HEAD:{TASK}")
    for n in range(3):
        (repo.path / f"ledger/tasks/2026/SL-2026-{8000 + n}.yaml").write_bytes(
            b"title: " + bytes([65 + n]) * (3 * 1024 * 1024) + b"\n"
        )
        repo.commit(f"big {n}")
    remove_object(repo, missing)
    for lang, piece in (("zh", "无法读取 Git 历史"), ("en", "cannot read the Git history")):
        done = finishes(
            lambda lang=lang: run_cli(
                "audit", "SL-2026-0001", "--no-cache", "--lang", lang, cwd=repo.path
            )
        )
        cannot_run(done, piece, "missing object")
    done = finishes(
        lambda: run_cli(
            "check-change", "--base", "HEAD~4", "--head", "HEAD", "--as-of", AS_OF, cwd=repo.path
        )
    )
    assert done.exit_code == 2 and "Traceback" not in done.output, done.output[-2000:]


# --- a full disk ------------------------------------------------------------------------------


def test_a_full_disk_is_a_message_and_exit_2(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every write of the build fails with ENOSPC, as on a full disk."""
    real_write_text, real_write_bytes = Path.write_text, Path.write_bytes

    def full(self: Path, *args: Any, **kwargs: Any) -> Any:
        if tmp_path in self.absolute().parents:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real_write_text(self, *args, **kwargs)

    def full_bytes(self: Path, *args: Any, **kwargs: Any) -> Any:
        if tmp_path in self.absolute().parents:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real_write_bytes(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full)
    monkeypatch.setattr(Path, "write_bytes", full_bytes)
    out = tmp_path / "site"
    done = finishes(lambda: run_cli("build", "--out", out, "--as-of", AS_OF, cwd=repo.path))
    cannot_run(done, "磁盘空间已满")
    done = finishes(
        lambda: run_cli("build", "--out", out, "--as-of", AS_OF, "--lang", "en", cwd=repo.path)
    )
    cannot_run(done, "No space left on device")
    assert not out.exists()
    # The audit cache is a speed-up: a disk too full to keep it does not stop the audit.
    audit = run_cli("audit", "SL-2026-0001", cwd=repo.path)
    assert audit.exit_code == 0 and "Traceback" not in audit.output


# --- the work folder ------------------------------------------------------------------------------


def test_an_unwritable_work_folder_is_exit_2(repo: GitRepo, tmp_path: Path) -> None:
    (repo.path / ".duban-build").write_text("a file in the way\n", "utf-8")
    done = run_cli("build", "--out", tmp_path / "site", "--as-of", AS_OF, cwd=repo.path)
    cannot_run(done, "无法写入生成文件的工作目录", "不是目录")
    done = run_cli(
        "build", "--out", tmp_path / "site", "--as-of", AS_OF, "--lang", "en", cwd=repo.path
    )
    cannot_run(done, "cannot write the work folder", "is not a folder")


def test_an_unusable_cache_folder_does_not_stop_the_audit(repo: GitRepo) -> None:
    (repo.path / ".duban-cache").write_text("a file in the way\n", "utf-8")
    done = run_cli("audit", "SL-2026-0001", "--format", "json", cwd=repo.path)
    assert done.exit_code == 0, done.output
    assert '"SL-2026-0001"' in done.stdout


def test_a_concurrent_build_is_exit_2(repo: GitRepo, tmp_path: Path) -> None:
    work = repo.path / ".duban-build"
    work.mkdir()
    with (work / ".lock").open("ab") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another build holds it
        out = tmp_path / "site"
        done = run_cli("build", "--out", out, "--as-of", AS_OF, "--lang", "en", cwd=repo.path)
        cannot_run(done, "another site build is using the work folder")
        done = run_cli("build", "--out", out, "--as-of", AS_OF, cwd=repo.path)
        cannot_run(done, "另一个网站构建正在使用工作目录")
        assert not out.exists()


def test_problems_found_stay_exit_1(repo: GitRepo) -> None:
    task = repo.path / TASK
    task.write_text(task.read_text("utf-8").replace("id: SL-2026-0001", "id: 0001"), "utf-8")
    done = run_cli("validate", "ledger", cwd=repo.path)
    assert done.exit_code == 1 and "Traceback" not in done.output
