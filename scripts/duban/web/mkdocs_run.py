"""The site engine's part of the build: the user's ``mkdocs.yml`` read, the generated one
written (it ``INHERIT``s the user's), and the build run by one of the engines that read it.

Engines (:data:`ENGINES`): ``mkdocs`` (MkDocs 1.6 through its Python API, with the speed-up
hooks), ``properdocs`` (the maintained continuation of MkDocs 1.x, same API, same hooks) and
``zensical`` (Material's successor: its command line; it ignores ``hooks:``, which only speed
things up). Whatever the engine, everything that is not a page (``api/``, the feeds, the
published schemas, the Pagefind search index) is written by ``duban build`` itself
(:mod:`duban.web.build`), and every link in our pages is relative, so the site works under a
sub-path (``https://host/duban/``).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_args

from duban.problems import Problem, Severity
from duban.render.text import safe_url
from duban.source import Location
from duban.text import Text
from duban.web.markup import esc, yaml_text
from duban.web.mkdocs_split import Split, SplitFailed, splitting
from duban.web.pages import nav

Engine = Literal["mkdocs", "properdocs", "zensical"]
ENGINES: tuple[Engine, ...] = get_args(Engine)

#: The page of the Pagefind search box (:mod:`duban.web.search`), in the navigation.
SEARCH_PAGE = {"搜索": "search.md"}

#: Where Zensical builds, beside the generated ``mkdocs.yml``.
ENGINE_SITE = "engine-site"

#: How long an engine run in a child process may take (a 10,000-task site takes minutes).
ENGINE_TIMEOUT = 3600


def problem(code: str, where: str, zh: str, en: str, severity: Severity = "error") -> Problem:
    return Problem(code, Location(where), Text(zh, en), severity=severity)


def find_config(config_file: Path | None, repo: Path | None) -> Path | None:
    """The user's ``mkdocs.yml``: as given, else in the current folder, else in the repo."""
    if config_file is None:
        candidates = [Path("mkdocs.yml")] + ([repo / "mkdocs.yml"] if repo else [])
        config_file = next((c for c in candidates if c.is_file()), None)
    return config_file if config_file is not None and config_file.is_file() else None


def read_user_config(config_file: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The user's ``mkdocs.yml`` as a mapping (its ``INHERIT`` merged, as MkDocs reads it), or
    None and a ``site-config`` problem when it cannot be read or is not a mapping."""
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import yaml_load

    where = str(config_file)
    try:
        with config_file.open("rb") as fh:
            data = yaml_load(fh)
    except (ConfigurationError, OSError) as exc:
        zh = f"无法读取网站配置文件 {config_file}：{exc}"
        return None, [problem("site-config", where, zh, f"cannot read {config_file}: {exc}")]
    except TypeError:  # a number or the like at the top level ("INHERIT" in 5)
        data = None
    if not isinstance(data, dict):
        zh = f"网站配置文件 {config_file} 的顶层应是键值对（如 site_name: ...）"
        en = f"the top level of {config_file} must be a mapping (such as site_name: ...)"
        return None, [problem("site-config", where, zh, en)]
    return data, []


def write_config(
    work: Path,
    user_config: Path,
    parent: dict[str, Any],
    site_name: str,
    site_url: str,
    notice: str,
    engine: Engine = "mkdocs",
    site: Mapping[str, Any] | None = None,
) -> Path:
    """``work/mkdocs.yml``: the user's config (INHERIT; ``parent`` is its content) plus what
    the ledger decides.

    The ledger's text is escaped here: MkDocs Material writes ``site_name`` and the titles of
    the navigation into its pages as they are (its Jinja environment does not autoescape), so
    they are escaped (:func:`duban.web.markup.esc`) before PyYAML writes them; the notice is
    escaped by the template that shows it (``docs/overrides/main.html``); a ``site_url``
    that is not a plain ``http(s)`` address is left out. ``site`` goes into ``extra`` as it is
    (the footer and meta tags of :func:`duban.web.context.site_extra`, escaped there).

    Search is Pagefind's (:mod:`duban.web.search`): the theme's ``search`` plugin is left out
    of the user's plugins (its index is one file that grows with the ledger, downloaded by
    every page before the first result), and the search page joins the navigation. For
    Zensical, which has no ``--site-dir`` option and wants it inside the project, ``site_dir``
    is :data:`ENGINE_SITE` beside the generated file (:func:`engine_build` moves it)."""
    entries = [*nav(), SEARCH_PAGE]
    generated: dict[str, Any] = {
        "INHERIT": str(Path(_relpath(user_config, work))),
        "site_name": esc(site_name),
        "docs_dir": "docs",
        "nav": [{esc(title): path} for entry in entries for title, path in entry.items()],
        "hooks": [str(Path(__file__).with_name("mkdocs_hooks.py"))],
        "plugins": _without_search(parent.get("plugins")),
    }
    if engine == "zensical":
        generated["site_dir"] = ENGINE_SITE
    theme = parent.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        # Relative paths of the inherited config are read relative to the generated one.
        custom = user_config.parent / str(theme["custom_dir"])
        generated["theme"] = {"custom_dir": _relpath(custom, work)}
    if safe_url(site_url) and not parent.get("site_url"):
        generated["site_url"] = site_url
    extra: dict[str, Any] = dict(site or {})
    if notice:
        extra["duban_notice"] = notice
    if extra:
        generated["extra"] = extra
    path = work / "mkdocs.yml"
    text = "# Generated by duban build: do not edit; edit ../mkdocs.yml instead.\n"
    text += yaml_text(generated)
    path.write_text(text, encoding="utf-8")
    return path


def _without_search(plugins: Any) -> list[Any]:
    """The user's ``plugins`` (a list of names or one-key mappings, or a mapping) less the
    theme's ``search``, as a list."""
    if isinstance(plugins, dict):
        plugins = [{name: value} for name, value in plugins.items()]
    if not isinstance(plugins, list):
        return []

    def name(entry: Any) -> str:
        return str(next(iter(entry), "")) if isinstance(entry, dict) else str(entry)

    return [entry for entry in plugins if name(entry).removeprefix("material/") != "search"]


def _relpath(target: Path, start: Path) -> str:
    return os.path.relpath(target.resolve(), start.resolve())


def engine_missing(engine: Engine) -> Problem | None:
    """The ``site-engine`` problem (how to install it) when ``engine``'s package or its command
    is not installed, else None: asked before anything is built."""
    import importlib.util

    if importlib.util.find_spec(engine) is not None and (
        engine == "mkdocs" or _engine_command(engine) is not None
    ):
        return None
    zh = (
        f"未安装网站引擎 {engine}：请先安装（python -m pip install {engine}），"
        "或改用默认的引擎 mkdocs"
    )
    en = f"the site engine {engine} is not installed: python -m pip install {engine}, or use mkdocs"
    return problem("site-engine", engine, zh, en)


def engine_build(
    engine: Engine, config_file: Path, site_dir: Path, strict: bool, split: Split | None = None
) -> list[Problem]:
    """Build the generated ``config_file`` into ``site_dir`` with ``engine``; a
    ``site-mkdocs`` problem when it did not finish (for Zensical, ``site_dir`` must be the
    engine's ``site_dir`` of :func:`write_config`, moved into ``site_dir`` when done).
    ``split``: MkDocs may render the pages in two processes (:mod:`duban.web.mkdocs_split`)."""
    if engine == "mkdocs":
        return mkdocs_build(config_file, site_dir, strict, split)
    command = _engine_command(engine)
    if command is None:
        zh = f"找不到网站引擎 {engine}：请安装（pip install {engine}）或改用 mkdocs"
        en = f"the site engine {engine} is not installed: pip install {engine}, or use mkdocs"
        return [problem("site-mkdocs", str(config_file), zh, en)]
    built = site_dir if engine == "properdocs" else config_file.parent / ENGINE_SITE
    shutil.rmtree(built, ignore_errors=True)
    if engine == "properdocs":
        args = [*command, "build", "-f", str(config_file), "-d", str(site_dir)]
    else:
        args = [*command, "build", "-f", str(config_file), "--clean"]
    args += ["--strict"] if strict else []
    try:
        run = subprocess.run(
            args,
            cwd=config_file.parent,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=ENGINE_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        zh, en = f"网站引擎 {engine} 无法运行：{exc}", f"the site engine {engine} failed: {exc}"
        return [problem("site-mkdocs", str(config_file), zh, en)]
    if run.returncode != 0 or not (built / "index.html").is_file():
        tail = " ".join((run.stderr or run.stdout).strip().splitlines()[-3:])[:500]
        zh = f"网站引擎 {engine} 构建失败（退出码 {run.returncode}）：{tail}"
        en = f"the site engine {engine} failed (exit {run.returncode}): {tail}"
        return [problem("site-mkdocs", str(config_file), zh, en)]
    if built != site_dir:
        shutil.copytree(built, site_dir, dirs_exist_ok=True)
        shutil.rmtree(built)
    return []


def _engine_command(engine: Engine) -> list[str] | None:
    """How to run ``engine``: its console script beside this Python, else on ``PATH``."""
    beside = Path(sys.executable).with_name(engine)
    if beside.is_file():
        return [str(beside)]
    found = shutil.which(engine)
    return [found] if found else None


def mkdocs_build(
    config_file: Path, site_dir: Path, strict: bool, split: Split | None = None
) -> list[Problem]:
    """Build with MkDocs' Python API; warnings become problems (errors when ``strict``).
    With ``split``, two processes render the pages; should the second one fail, the site is
    built again in this process alone (the same site, the error where MkDocs reports it)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    messages: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record)

    handler = Collect(logging.WARNING)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    problems: list[Problem] = []
    try:
        try:
            _mkdocs_once(build, load_config, config_file, site_dir, strict, split)
        except SplitFailed:
            messages.clear()
            _mkdocs_once(build, load_config, config_file, site_dir, strict, None)
    except (Abort, ConfigurationError, OSError) as exc:
        problems.append(
            problem("site-mkdocs", str(config_file), f"MkDocs 构建失败：{exc}", f"MkDocs: {exc}")
        )
    finally:
        logger.removeHandler(handler)
    severity: Severity = "error" if strict else "warning"
    for record in messages:
        text = record.getMessage()
        problems.append(
            problem("site-mkdocs-warning", str(config_file), text, text, severity=severity)
        )
    return problems


def _mkdocs_once(
    build: Any,
    load_config: Any,
    config_file: Path,
    site_dir: Path,
    strict: bool,
    split: Split | None,
) -> None:
    cfg = load_config(config_file=str(config_file), site_dir=str(site_dir), strict=strict)
    cfg.plugins.on_startup(command="build", dirty=False)
    try:
        with splitting(split):
            build(cfg)
    finally:
        cfg.plugins.on_shutdown()


__all__ = [
    "ENGINES",
    "SEARCH_PAGE",
    "Engine",
    "engine_build",
    "engine_missing",
    "find_config",
    "mkdocs_build",
    "problem",
    "read_user_config",
    "write_config",
]
