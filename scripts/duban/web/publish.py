"""Publishing a built site: into a folder (an intranet web server's document root, a mounted
share) or as the only content of a branch (``pages``: GitHub Pages from a branch, Forgejo and
Gitea pages servers). Both are atomic: the previous site stays until the new one is whole.

- A folder is filled the way ``duban build`` fills its output (:class:`~duban.web.outdir.
  SiteSlot`): the site is copied into a staging folder beside the target, then swapped in
  with two renames. A copy that fails or is killed leaves the previous site; the next
  publish sweeps the leftovers.
- A branch gets one new commit whose tree is the site (its parent is the previous tip, so
  the branch keeps a history of what was public when), with a message naming the source
  commit; the branch is moved only when the commit is written (:mod:`duban.git.branch`).
  ``--push`` then pushes it.

Only a site duban built is published (it carries :data:`~duban.web.outdir.MARKER`), and a
site holding a symbolic link is refused (a link could expose a file of the server).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from duban.git import Repo, open_repo, resolve_commit
from duban.git.branch import commit_folder, push_branch, valid_branch
from duban.problems import Problem
from duban.web.mkdocs_run import problem
from duban.web.outdir import MARKER, SiteSlot, refuse_out

Kind = Literal["folder", "branch"]

NOJEKYLL = ".nojekyll"
"""Added to a pages branch: GitHub Pages then serves the files as they are (no Jekyll)."""

MAX_FILES = 200_000
"""The most files a site may have (a runaway folder is refused, not copied)."""


@dataclass(frozen=True, slots=True)
class Published:
    """What a publish did: ``target`` (folder path or branch name), the number of files;
    for a branch the new commit, the previous one and the source commit named."""

    kind: Kind
    target: str
    files: int
    commit: str | None = None
    previous: str | None = None
    source: str | None = None
    pushed: str | None = None


def target_kind(to: str) -> Kind:
    """A path (it contains ``/``, is ``.``/``..``, or an existing folder) is a folder; any
    other word is a branch name (write ``./NAME`` for a folder in the current folder)."""
    if "/" in to or os.sep in to or to in (".", "..") or Path(to).is_dir():
        return "folder"
    return "branch"


def check_site(site: Path) -> tuple[int, Problem | None]:
    """The number of files of ``site``, or why it cannot be published: not a folder, not a
    site duban built, a symbolic link inside, too many files."""
    if site.is_symlink() or not site.is_dir():
        return 0, problem(
            "publish-no-site",
            str(site),
            f"找不到要发布的网站目录 {site}；请先运行 duban build --out {site}",
            f"no site folder {site} to publish; run duban build --out {site} first",
        )
    if not (site / MARKER).is_file():
        return 0, problem(
            "publish-not-a-site",
            str(site),
            f"{site} 不是 duban 生成的网站（缺少 {MARKER}）；只发布 duban build 生成的网站",
            f"{site} is not a site duban built (no {MARKER}); only a site from duban build"
            " is published",
        )
    files = 0
    for top, dirs, names in os.walk(site):
        for name in [*dirs, *names]:
            path = Path(top, name)
            if path.is_symlink():
                return 0, problem(
                    "publish-symlink",
                    str(path),
                    f"网站中有符号链接 {path}，不予发布（链接可能暴露服务器上的其他文件）；"
                    "请删除后重新生成网站",
                    f"the site holds a symbolic link {path}, which is not published (a link"
                    " could expose another file of the server); remove it and rebuild",
                )
        files += len(names)
        if files > MAX_FILES:
            return 0, problem(
                "publish-too-many-files",
                str(site),
                f"网站 {site} 的文件超过 {MAX_FILES} 个，不予发布；请确认目录是否正确",
                f"the site {site} has more than {MAX_FILES} files and is not published;"
                " check the folder",
            )
    return files, None


def publish_folder(site: Path, dest: Path) -> tuple[Published | None, list[Problem]]:
    """``site`` copied whole into ``dest`` (missing, empty or a previous duban site), swapped
    in only when complete."""
    files, refused = check_site(site)
    if refused is None:
        refused = refuse_out(dest)
    if refused is None and _same_or_inside(site, dest):
        refused = problem(
            "publish-into-site",
            str(dest),
            f"发布目标 {dest} 与网站目录 {site} 相同或相互包含；请另选目标目录",
            f"the target {dest} is the site folder {site} or inside it (or holds it);"
            " choose another folder",
        )
    if refused is not None:
        return None, [refused]
    with SiteSlot(dest, dest.with_name(f".{dest.name}.duban-publish")) as slot:
        cannot = slot.open()
        if cannot is not None:
            return None, [cannot]
        try:
            shutil.copytree(site, slot.staging, dirs_exist_ok=True)
            slot.publish()
        except OSError as exc:
            why = _why(exc)
            return None, [
                problem(
                    "publish-copy-failed",
                    str(dest),
                    f"无法把网站复制到 {dest}（原网站保持不变）：{why}",
                    f"cannot copy the site into {dest} (the previous site is unchanged): {why}",
                )
            ]
    return Published("folder", str(dest), files), []


def publish_branch(
    site: Path, repo_path: Path, branch: str, source: str = "HEAD", push: str | None = None
) -> tuple[Published | None, list[Problem]]:
    """``site`` committed as the only content of ``branch`` of the repository at
    ``repo_path``, with a message naming the commit ``source`` (the site's ledger commit);
    pushed to ``push`` (a remote) when given. Raises :class:`GitProblem` when Git fails."""
    files, refused = check_site(site)
    if refused is not None:
        return None, [refused]
    repo = open_repo(repo_path)
    with repo:
        if not valid_branch(repo, branch):
            return None, [
                problem(
                    "publish-bad-branch",
                    branch,
                    f"“{branch}” 不是有效的分支名；请换一个名称（如 pages）",
                    f"'{branch}' is not a valid branch name; choose another (e.g. pages)",
                )
            ]
        current = _current_branch(repo)
        if current == branch:
            return None, [
                problem(
                    "publish-checked-out-branch",
                    branch,
                    f"分支 {branch} 是当前检出的分支，发布会覆盖正在编辑的台账；请换一个分支名",
                    f"the branch {branch} is checked out here; publishing would replace the"
                    " ledger being edited: choose another branch",
                )
            ]
        sha = resolve_commit(repo, source)
        message = f"Publish the site built from {sha}\n\n网站由提交 {sha} 生成（duban publish）。\n"
        new, old = commit_folder(repo, site, branch, message, {NOJEKYLL: b""})
        if push:
            push_branch(repo, push, branch)
    return Published("branch", branch, files, new, old, sha, push), []


def _current_branch(repo: Repo) -> str | None:
    status, out, _ = repo.git.symbolic_ref(
        "--quiet", "--short", "HEAD", with_extended_output=True, with_exceptions=False
    )
    return str(out.strip()) if status == 0 else None


def _why(exc: OSError) -> str:
    """The first reason of a failed copy (``shutil.Error`` lists one per file)."""
    if isinstance(exc, shutil.Error) and exc.args and isinstance(exc.args[0], list):
        first = exc.args[0][0] if exc.args[0] else None
        if isinstance(first, tuple) and len(first) == 3:
            return f"{first[0]}: {first[2]}"[:300]
    return f"{exc.filename}: {exc.strerror}" if exc.filename else str(exc)[:300]


def _same_or_inside(a: Path, b: Path) -> bool:
    ra, rb = a.resolve(), b.resolve()
    return ra == rb or ra in rb.parents or rb in ra.parents


__all__ = [
    "MAX_FILES",
    "NOJEKYLL",
    "Published",
    "check_site",
    "publish_branch",
    "publish_folder",
    "target_kind",
]
