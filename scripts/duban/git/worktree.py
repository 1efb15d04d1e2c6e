"""The working tree as a commit, so that ``check-change`` without ``--head`` judges what a
clerk has on disk (uncommitted and untracked edits included) with exactly the checks a pull
request gets.

The commit is built with a throwaway index (``GIT_INDEX_FILE``; for ``--staged``, a copy of
the clerk's index, as a pre-commit hook sees it): the clerk's own index, HEAD,
branches and files are not touched. Its objects are unreferenced loose objects that
``git gc`` removes in time. Ignored files (``.gitignore``) are not part of it, as they would
not be part of a commit either.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import git

from duban.git.commands import GitProblem, Repo, failed, resolve_commit

WORKTREE = "working-tree"
"""How the working tree is named in messages (``--head`` not given)."""


def worktree_commit(repo: Repo, parent: str = "HEAD", staged: bool = False) -> str:
    """The sha of a commit whose tree is the working tree (``staged``: the index, what
    ``git commit`` would commit), with ``parent`` as its parent."""
    if repo.working_tree_dir is None:
        raise failed(repo, "add", "a bare repository has no working tree")
    parent_sha = resolve_commit(repo, parent)
    fd, index = tempfile.mkstemp(prefix="duban-index-")
    os.close(fd)
    try:
        env = {"GIT_INDEX_FILE": index}
        try:
            own = _own_index(repo)
            if staged and own.is_file():  # a copy of the index, so theirs is not rewritten
                shutil.copyfile(own, index)
            elif staged:  # nothing was ever staged: the parent's tree
                repo.git.read_tree(parent_sha, env=env)
            else:
                repo.git.read_tree(parent_sha, env=env)
                repo.git.add("--all", "--", ".", env=env)
            tree = repo.git.write_tree(env=env).strip()
            sha = repo.git.commit_tree(
                tree,
                "-p",
                parent_sha,
                "-m",
                "duban: the working tree, for check-change",
                env={
                    **env,
                    "GIT_AUTHOR_NAME": "duban",
                    "GIT_AUTHOR_EMAIL": "duban@localhost",
                    "GIT_COMMITTER_NAME": "duban",
                    "GIT_COMMITTER_EMAIL": "duban@localhost",
                },
            ).strip()
        except git.GitCommandError as exc:
            command = str(exc.command[1]) if len(exc.command) > 1 else "add"
            raise failed(repo, command, str(exc.stderr)) from exc
    finally:
        Path(index).unlink(missing_ok=True)
    return str(sha)


def _own_index(repo: Repo) -> Path:
    """The index ``git commit`` uses: ``$GIT_INDEX_FILE`` (set for hooks, relative to the
    working tree), else the repository's own."""
    named = os.environ.get("GIT_INDEX_FILE")
    if named:
        return Path(repo.working_tree_dir or ".", named)
    return Path(repo.git_dir, "index")


__all__ = ["WORKTREE", "GitProblem", "worktree_commit"]
