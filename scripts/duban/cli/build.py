"""``duban build`` and ``duban serve``: the public status site."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from duban.calendar.clock import parse_date
from duban.render import problems as report
from duban.render.problems import errors
from duban.text import Text
from duban.web import cms_admin as form
from duban.web import cms_proxy
from duban.web.build import build_site
from duban.web.mkdocs_run import Engine, engine_missing
from duban.web.serve import serve as run_server
from duban.web.serve import watch_paths

from .boundary import CANNOT_RUN, OK, PROBLEMS, STOPPERS, CannotRun, explain, need_folder
from .options import (
    apply_all,
    as_of_option,
    engine_option,
    lang_option,
    ledger_option,
    out_option,
)

NOT_BUILT = Text("无法生成网站", "cannot build the site")


def build_once(
    ledger: Path,
    as_of: date | None,
    out: Path,
    repo: Path | None,
    config: Path | None,
    strict: bool,
    lang: str,
    engine: Engine = "mkdocs",
    with_cms: bool = False,
) -> bool | None:
    """Run the site build and print its problems and outcome, never exiting (``serve`` keeps
    serving after a failed rebuild): True when built cleanly, False when built with errors,
    None when nothing could be built. ``with_cms``: the web form's ``admin/`` too."""
    try:
        result, problems = build_site(
            ledger,
            out=out,
            as_of=as_of,
            repo=repo,
            config_file=config,
            strict=strict,
            engine=engine,
        )
        if result is not None and with_cms:
            form.add_to_site(ledger, result.site_dir)
    except STOPPERS as exc:
        click.echo(explain(exc, lang), err=True)
        return None
    if problems:
        click.echo(report.text(problems, lang), err=True)
    if result is None:
        click.echo(NOT_BUILT(lang), err=True)
        return None
    click.echo(
        Text(
            f"网站已生成：{result.site_dir}（{result.tasks} 项公开任务，{result.pages} 个页面，"
            f"统计截至 {result.as_of}）",
            f"site built: {result.site_dir} ({result.tasks} public tasks, {result.pages} pages,"
            f" as of {result.as_of})",
        )(lang),
        err=True,
    )
    return not errors(problems)


def need_engine(engine: Engine) -> None:
    """Stop (exit 2, saying how to install it) when ``engine`` is not installed, before
    anything is built or served."""
    missing = engine_missing(engine)
    if missing is not None:
        raise CannotRun([missing], NOT_BUILT)


site_options = apply_all(
    [
        ledger_option(),
        as_of_option("Status date YYYY-MM-DD (default: today)."),
        out_option,
        click.option(
            "--repo",
            type=click.Path(path_type=Path),
            help="Git repository for audit trails (default: the one holding the ledger).",
        ),
        click.option(
            "--config", type=click.Path(path_type=Path), help="Site config (default: ./mkdocs.yml)."
        ),
        click.option("--strict", is_flag=True, help="MkDocs warnings are errors."),
        engine_option,
        lang_option,
    ]
)


@click.command()
@site_options
@click.option("--with-cms", is_flag=True, help="Put the web form (duban cms) into admin/ too.")
def build(
    ledger: Path,
    as_of: str | None,
    out: Path,
    repo: Path | None,
    config: Path | None,
    strict: bool,
    engine: Engine,
    lang: str,
    with_cms: bool,
) -> int:
    """Generate the public status site (MkDocs Material) into --out (default: site/)."""
    need_folder(ledger)
    day = parse_date(as_of) if as_of else None
    need_engine(engine)
    if with_cms:
        form.bundle_dir(form.modules_dir(None, ledger))  # missing: say how to install it
    ok = build_once(ledger, day, out, repo, config, strict, lang, engine, with_cms)
    return CANNOT_RUN if ok is None else OK if ok else PROBLEMS


@click.command()
@site_options
@click.option("--port", default=8000, show_default=True, type=int, help="Port on 127.0.0.1.")
@click.option(
    "--cms",
    "with_cms",
    is_flag=True,
    help="Also the web form at /admin/ with its local proxy (decap-server, git mode).",
)
def serve(
    ledger: Path,
    as_of: str | None,
    out: Path,
    repo: Path | None,
    config: Path | None,
    strict: bool,
    engine: Engine,
    lang: str,
    port: int,
    with_cms: bool,
) -> int:
    """Build the site, serve it on 127.0.0.1 and rebuild when the ledger changes."""
    need_folder(ledger)
    day = parse_date(as_of) if as_of else None
    need_engine(engine)

    def announce(url: str) -> None:
        click.echo(
            Text(f"预览地址：{url}（按 Ctrl-C 结束）", f"preview: {url} (Ctrl-C to stop)")(lang),
            err=True,
        )
        if with_cms:
            click.echo(Text(f"网页填报：{url}admin/", f"web form: {url}admin/")(lang), err=True)

    def run() -> None:
        run_server(
            lambda: build_once(ledger, day, out, repo, config, strict, lang, engine, with_cms),
            out,
            watch_paths(ledger, config),
            port=port,
            announce=announce,
        )

    if not with_cms:
        run()
        return OK
    modules = form.modules_dir(None, ledger)
    form.bundle_dir(modules)
    with cms_proxy.local_proxy(form.proxy_script(modules), cms_proxy.repo_of(ledger)):
        run()
    return OK
