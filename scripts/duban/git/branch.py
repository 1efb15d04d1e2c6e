"""Writing a folder as the whole content of a branch (the pages branch of ``duban publish``).

The folder's files become the tree of one new commit (through a temporary index, so neither
the repository's index nor its working tree is touched), whose parent is the branch's
previous tip; only then is the branch moved, with ``git update-ref NEW OLD``: Git moves it
only if it still points where it did when the commit was made. A publish that fails or is
killed before that leaves the branch as it was (the objects written meanwhile are
unreferenced and Git's garbage collection drops them).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import git

from duban.git.commands import NULL_SHA, GitProblem, _problem, _where

#: Who writes the pages commits (a tool, not a person: nothing personal reaches the record).
AUTHOR = ("duban", "duban@invalid")


def valid_branch(repo: git.Repo, name: str) -> bool:
    """Whether ``name`` is a branch name Git accepts (``git check-ref-format --branch``)."""
    status, _, _ = repo.git.check_ref_format(
        "--branch", name, with_extended_output=True, with_exceptions=False
    )
    return bool(status == 0) and not name.startswith("-")


def branch_tip(repo: git.Repo, branch: str) -> str | None:
    """The sha ``refs/heads/BRANCH`` points at, None when there is no such branch."""
    status, out, _ = repo.git.rev_parse(
        "--verify",
        "--quiet",
        f"refs/heads/{branch}^{{commit}}",
        with_extended_output=True,
        with_exceptions=False,
    )
    return str(out.strip()) if status == 0 and out.strip() else None


def commit_folder(
    repo: git.Repo, folder: Path, branch: str, message: str, extra: dict[str, bytes] | None = None
) -> tuple[str, str | None]:
    """Commit every file under ``folder`` (plus ``extra``: path → contents) as the only
    content of ``branch`` and move the branch there; returns (new sha, previous sha or
    None). Raises :class:`GitProblem` when Git refuses (the branch is then unchanged)."""
    old = branch_tip(repo, branch)
    env = {
        "GIT_AUTHOR_NAME": AUTHOR[0],
        "GIT_AUTHOR_EMAIL": AUTHOR[1],
        "GIT_COMMITTER_NAME": AUTHOR[0],
        "GIT_COMMITTER_EMAIL": AUTHOR[1],
    }
    with tempfile.TemporaryDirectory(prefix="duban-publish-") as scratch:
        index = os.path.join(scratch, "index")
        try:
            with repo.git.custom_environment(GIT_INDEX_FILE=index, **env):
                repo.git(work_tree=str(folder), c="core.autocrlf=false").add(
                    "--all", "--force", "--", "."
                )
                for path, contents in sorted((extra or {}).items()):
                    with tempfile.TemporaryFile() as data:
                        data.write(contents)
                        data.seek(0)
                        blob = repo.git.hash_object("-w", "--stdin", istream=data)
                    repo.git.update_index("--add", "--cacheinfo", f"100644,{blob},{path}")
                tree = repo.git.write_tree()
                parents = ["-p", old] if old else []
                new = str(repo.git.commit_tree(tree, *parents, "-m", message)).strip()
                repo.git.update_ref(
                    "-m", "duban publish", f"refs/heads/{branch}", new, old or NULL_SHA
                )
        except git.GitCommandError as exc:
            raise _write_failed(repo, branch, str(exc.stderr or exc)) from exc
    return new, old


def push_branch(repo: git.Repo, remote: str, branch: str) -> None:
    """Push ``branch`` to the same branch of ``remote`` (a remote's name or URL)."""
    try:
        repo.git.push(
            "--quiet", "--end-of-options", remote, f"refs/heads/{branch}:refs/heads/{branch}"
        )
    except git.GitCommandError as exc:
        detail = str(exc.stderr or exc).strip().replace("\n", " ")[:300]
        raise _problem(
            "git-push-failed",
            _where(repo),
            f"无法把分支 {branch} 推送到 {remote}：{detail}；分支已在本地更新，可稍后重试推送",
            f"cannot push the branch {branch} to {remote}: {detail}; the branch is updated"
            " locally, try the push again later",
        ) from exc


def _write_failed(repo: git.Repo, branch: str, errors: str) -> GitProblem:
    detail = errors.strip().replace("\n", " ")[:300]
    return _problem(
        "git-publish-failed",
        _where(repo),
        f"无法把网站写入分支 {branch}（分支保持原样）：{detail}",
        f"cannot write the site to the branch {branch} (the branch is unchanged): {detail}",
    )


__all__ = ["AUTHOR", "branch_tip", "commit_folder", "push_branch", "valid_branch"]
