"""The web form's ``admin/`` folder (``duban cms``, ``duban build --with-cms``): the config and
page of :mod:`duban.web.cms` with the Decap CMS bundle, written whole.

The bundle is the ``decap-cms`` npm package's built ``dist/`` (installed by ``cms/install``),
copied into ``admin/`` and loaded from there, so the form works on an intranet. The folder is
built beside its target and swapped in; a non-empty folder duban did not write is refused.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from duban import __version__
from duban.calendar.clock import today as today_in
from duban.git.commands import toplevel
from duban.ledger import load_ledger
from duban.model import Ledger
from duban.problems import UserError
from duban.text import Text
from duban.web.cms import (
    BUNDLE,
    PROXY_PORT,
    cms_config,
    config_text,
    default_proxy_port,
    index_html,
)

MARKER = "duban-cms.json"
"""The file in every ``admin/`` folder duban writes; a non-empty folder without it is
someone else's and is refused."""
MODULES_ENV = "DUBAN_CMS_MODULES"
"""The environment variable naming the ``node_modules`` folder of ``cms/install``."""
DEFAULT_MODULES = Path("cms") / "node_modules"
INSTALL = Text(
    "请在 duban 仓库根目录运行 bash cms/install（需要 Node.js 和 npm），"
    f"或用 --modules 或环境变量 {MODULES_ENV} 指出其安装的 node_modules 目录",
    "run `bash cms/install` in the duban repository (needs Node.js and npm), or name the "
    f"node_modules folder it installed with --modules or ${MODULES_ENV}",
)


def modules_dir(given: Path | None, ledger_root: Path) -> Path:
    """The ``node_modules`` folder holding ``decap-cms`` and ``decap-server``: ``given``, else
    ``$DUBAN_CMS_MODULES``, else ``cms/node_modules`` of the working folder, else of the
    ledger's repository."""
    if given is not None:
        return given
    if os.environ.get(MODULES_ENV):
        return Path(os.environ[MODULES_ENV])
    if DEFAULT_MODULES.is_dir():
        return DEFAULT_MODULES
    top = toplevel(ledger_root)
    return (top / DEFAULT_MODULES) if top is not None else DEFAULT_MODULES


def bundle_dir(modules: Path) -> Path:
    """The built Decap CMS (``decap-cms/dist``); a user error saying how to install it when
    it is not there."""
    dist = modules / "decap-cms" / "dist"
    if not (dist / BUNDLE).is_file():
        raise UserError(
            Text(
                f"找不到 Decap CMS 网页表单程序（{dist / BUNDLE}）：{INSTALL.zh}",
                f"no Decap CMS bundle at {dist / BUNDLE}: {INSTALL.en}",
            )
        )
    return dist


def proxy_script(modules: Path) -> Path:
    """decap-server's entry point; a user error saying how to install it when missing."""
    script = modules / "decap-server" / "dist" / "index.js"
    if not script.is_file():
        raise UserError(
            Text(
                f"找不到本地代理 decap-server（{script}）：{INSTALL.zh}",
                f"no decap-server at {script}: {INSTALL.en}",
            )
        )
    return script


def bundle_files(dist: Path) -> list[Path]:
    """What of ``dist/`` the form loads: the bundle, its chunks, its WebAssembly and its
    licence (no source maps, no second copy ``cms.js``)."""
    return sorted(
        p
        for p in dist.iterdir()
        if p.is_file()
        and not p.is_symlink()
        and (
            p.name in (BUNDLE, f"{BUNDLE}.LICENSE.txt")
            or p.name.endswith(f".{BUNDLE}")
            or p.suffix == ".wasm"
        )
    )


# -- writing admin/ ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Written:
    out: Path
    files: int
    next_id: str | None


def refuse_out(out: Path) -> UserError | None:
    """Why ``out`` must not be written: not a folder, or a non-empty folder duban did not
    write."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        return UserError(
            Text(f"不能写入 {out}：它不是目录", f"cannot write into {out}: it is not a folder")
        )
    if out.is_dir() and not (out / MARKER).is_file() and next(out.iterdir(), None) is not None:
        return UserError(
            Text(
                f"不能写入 {out}：该目录中已有其他文件，不是此前由 duban cms 生成的；请选择空目录",
                f"cannot write into {out}: the folder holds other files duban cms did not "
                "write; choose an empty folder",
            )
        )
    return None


def write_admin(
    ledger: Ledger,
    out: Path,
    dist: Path,
    *,
    today: date,
    backend: str = "forgejo",
    branch: str = "main",
    app_id: str = "",
    proxy_port: int = PROXY_PORT,
) -> Written:
    """Write ``admin/`` (config, page, bundle) into ``out``, whole: built beside it and swapped
    in, so a failure leaves the previous folder."""
    refused = refuse_out(out)
    if refused is not None:
        raise refused
    config = cms_config(
        ledger, today=today, backend=backend, branch=branch, app_id=app_id, proxy_port=proxy_port
    )
    files = bundle_files(dist)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.duban-tmp-", dir=out.parent))
    try:
        (staging / "config.yml").write_text(config_text(config), "utf-8")
        (staging / "index.html").write_text(index_html(ledger), "utf-8")
        for f in files:
            shutil.copyfile(f, staging / f.name)
        marker = {"tool": "duban", "version": __version__, "bundle": bundle_version(dist)}
        (staging / MARKER).write_text(json.dumps(marker) + "\n", "utf-8")
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Written(out, len(files) + 3, _id_default(config))


def _id_default(config: Mapping[str, Any]) -> str | None:
    for f in config["collections"][0]["fields"]:
        if f["name"] == "id":
            value = f.get("default")
            return str(value) if value else None
    return None


def bundle_version(dist: Path) -> str:
    """The ``decap-cms`` version of ``dist`` (its package.json), "" when unreadable."""
    try:
        data = json.loads((dist.parent / "package.json").read_text("utf-8"))
    except (OSError, ValueError):
        return ""
    version = data.get("version", "") if isinstance(data, dict) else ""
    return version if isinstance(version, str) and re.fullmatch(r"[\w.+-]{1,40}", version) else ""


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        staging.rename(out)
        return
    old = out.with_name(f".{out.name}.duban-old-{os.getpid()}")
    out.rename(old)
    try:
        staging.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def add_to_site(
    ledger_root: Path, site: Path, *, modules: Path | None = None, proxy_port: int | None = None
) -> Written:
    """``admin/`` inside a built site (``duban build --with-cms``), with the defaults of
    ``duban cms``; a user error when the ledger's settings or the bundle are missing."""
    ledger, _problems = load_ledger(ledger_root)
    if ledger is None:
        raise UserError(
            Text(
                f"无法读取台账设置（{ledger_root}），未生成网页填报表单",
                f"cannot read the ledger's settings ({ledger_root}): no web form written",
            )
        )
    dist = bundle_dir(modules_dir(modules, ledger_root))
    return write_admin(
        ledger,
        site / "admin",
        dist,
        today=today_in(ledger.config.timezone),
        proxy_port=default_proxy_port() if proxy_port is None else proxy_port,
    )


__all__ = [
    "DEFAULT_MODULES",
    "MARKER",
    "MODULES_ENV",
    "Written",
    "add_to_site",
    "bundle_dir",
    "bundle_files",
    "modules_dir",
    "proxy_script",
    "refuse_out",
    "write_admin",
]
