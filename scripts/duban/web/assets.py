"""The site's own files (``docs/`` of the repository: assets and theme overrides) copied
into the generated docs: regular files only, each bounded, every refusal a problem."""

from __future__ import annotations

import os
from pathlib import Path

from duban.load.reading import read_bounded, symlink
from duban.problems import Problem
from duban.web.mkdocs_run import problem as _problem

#: Static files of the site (CSS, logo) live in ``docs/`` beside ``mkdocs.yml``; template
#: overrides in ``docs/overrides`` are used by the theme, not copied as pages.
SKIP_ASSETS = {"overrides"}


MAX_ASSET_BYTES = 16 * 1024 * 1024
"""The largest file of ``docs/`` the build copies (a logo or a style sheet is kilobytes)."""


def site_files(src: Path) -> tuple[list[Path], list[Problem]]:
    """The files of ``docs/`` (the theme's ``overrides`` included, which MkDocs reads from
    there), or the problems of what is not a regular file or a folder: a symbolic link, a
    FIFO, a device or a socket anywhere below is refused, never followed or opened so that it
    blocks (:func:`~duban.load.reading.read_bounded` says what it is). Nothing is copied
    when anything is refused."""
    if not src.exists() and not src.is_symlink():
        return [], []
    files: list[Path] = []
    problems: list[Problem] = []
    folders = [src]
    while folders:
        folder = folders.pop()
        if folder.is_symlink() or not folder.is_dir():
            problems.append(_not_a_file(folder, src))
            continue
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            problems.append(_unreadable_asset(folder, src, exc))
            continue
        for entry in entries:
            path = Path(entry.path)
            if folder == src and entry.name.startswith("."):
                continue  # neither copied nor read by the theme
            if entry.is_dir(follow_symlinks=False):
                folders.append(path)
            elif entry.is_file(follow_symlinks=False):
                files.append(path)
            else:
                problems.append(_not_a_file(path, src))
    return files, problems


def _shown(path: Path, src: Path) -> str:
    """``docs/assets/logo.svg``: the path as messages show it."""
    return (Path(src.name) / path.relative_to(src)).as_posix() if path != src else src.name


def _not_a_file(path: Path, src: Path) -> Problem:
    _, problem = read_bounded(path, _shown(path, src), MAX_ASSET_BYTES)
    if problem is None:  # it became a regular file meanwhile: refused all the same
        problem = symlink(_shown(path, src))
    return _site_problem(problem)


def _unreadable_asset(path: Path, src: Path, exc: OSError) -> Problem:
    reason = exc.strerror or str(exc)
    name = _shown(path, src)
    return _problem(
        "site-asset",
        name,
        f"无法读取网站文件 {name}：{reason}；请检查该目录的读取权限",
        f"cannot read the site file {name}: {reason}; check that it is readable",
    )


def _site_problem(found: Problem) -> Problem:
    """A problem of a file of ``docs/`` as the build reports it: it stops the build."""
    zh = f"网站文件{found.message('zh')}；网站未生成"
    en = f"site file: {found.message('en')}; the site was not built"
    return _problem("site-asset", found.where.path, zh, en)


def copy_assets(src: Path, dest: Path, files: list[Path]) -> list[Problem]:
    """Copy ``files`` of ``src`` (from :func:`_site_files`) into ``dest``, each read bounded
    from a regular file opened without following a link; the problems if any cannot be."""
    problems = []
    for path in files:
        rel = path.relative_to(src)
        if rel.parts[0] in SKIP_ASSETS:
            continue
        raw, problem = read_bounded(path, _shown(path, src), MAX_ASSET_BYTES)
        if raw is None:
            problems.append(_site_problem(problem) if problem else _not_a_file(path, src))
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(raw)
    return problems


__all__ = ["MAX_ASSET_BYTES", "copy_assets", "site_files"]
