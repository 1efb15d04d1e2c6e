"""``duban demo``: the sample ledger's site with the audit trails of a generated history."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from duban.demo import DEMO_AS_OF, write_demo
from duban.problems import UserError
from duban.text import Text
from duban.web.mkdocs_run import Engine

from .boundary import CANNOT_RUN, OK, PROBLEMS, CannotRun, need_folder
from .build import build_once, need_engine
from .options import engine_option, lang_option, ledger_option, out_option


@click.command()
@ledger_option()
@out_option
@click.option(
    "--keep-repo",
    type=click.Path(path_type=Path),
    help="Also keep the generated Git repository in this new folder (to explore it).",
)
@click.option(
    "--config", type=click.Path(path_type=Path), help="Site config (default: ./mkdocs.yml)."
)
@engine_option
@lang_option
def demo(
    ledger: Path, out: Path, keep_repo: Path | None, config: Path | None, engine: Engine, lang: str
) -> int:
    """Build the sample site from a generated Git history (pull requests by each unit's
    clerks), dated 2026-11-30, so its task pages show real audit trails."""
    need_folder(ledger)
    need_engine(engine)
    if keep_repo is not None and keep_repo.exists():
        raise UserError(
            Text(f"{keep_repo} 已存在，请给一个新目录", f"{keep_repo} exists; name a new folder")
        )
    with tempfile.TemporaryDirectory(prefix="duban-demo-") as scratch:
        repo = keep_repo or Path(scratch) / "repo"
        problems = write_demo(ledger, repo)
        if problems:
            raise CannotRun(problems, Text("台账有错误，无法生成演示", "the ledger has errors"))
        click.echo(Text(f"演示历史已生成：{repo}", f"demo history written: {repo}")(lang), err=True)
        ok = build_once(repo / "ledger", DEMO_AS_OF, out, repo, config, False, lang, engine)
    return CANNOT_RUN if ok is None else OK if ok else PROBLEMS
