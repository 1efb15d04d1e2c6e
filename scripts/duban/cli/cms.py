"""``duban cms [LEDGER]``: the web form's ``admin/`` folder (Decap CMS), derived from the
task schema and the ledger (:mod:`duban.web.cms`, :mod:`duban.web.cms_admin`)."""

from __future__ import annotations

from pathlib import Path

import click

from duban.calendar.clock import today
from duban.model import Ledger
from duban.text import Text
from duban.web import cms as form
from duban.web import cms_admin as admin

from .boundary import OK, load_or_stop
from .options import apply_all, lang_option

modules_option = click.option(
    "--modules",
    type=click.Path(path_type=Path),
    help="The node_modules folder of cms/install (default: $DUBAN_CMS_MODULES or "
    "cms/node_modules).",
)

form_options = apply_all(
    [
        modules_option,
        click.option(
            "--backend",
            type=click.Choice(form.BACKENDS),
            default="forgejo",
            show_default=True,
            help="The forge the form saves to (gitea has no editorial workflow).",
        ),
        click.option(
            "--branch", default="main", show_default=True, help="The ledger's main branch."
        ),
        click.option(
            "--app-id",
            default="",
            envvar="DUBAN_CMS_APP_ID",
            help="Client ID of the forge's OAuth2 application (default: $DUBAN_CMS_APP_ID).",
        ),
        click.option(
            "--proxy-port",
            default=form.PROXY_PORT,
            envvar=form.PORT_ENV,
            type=click.IntRange(1, 65535),
            help="Port of the local proxy (decap-server) on 127.0.0.1 (default: "
            "$DUBAN_CMS_PROXY_PORT or 8081).",
        ),
    ]
)


def write(
    ledger: Ledger,
    out: Path,
    modules: Path | None,
    backend: str,
    branch: str,
    app_id: str,
    proxy_port: int,
    lang: str,
) -> None:
    """Write ``admin/`` into ``out`` and say so (a user error when the bundle is missing)."""
    dist = admin.bundle_dir(admin.modules_dir(modules, ledger.root))
    written = admin.write_admin(
        ledger,
        out,
        dist,
        today=today(ledger.config.timezone),
        backend=backend,
        branch=branch,
        app_id=app_id,
        proxy_port=proxy_port,
    )
    suggested = written.next_id or "—"
    click.echo(
        Text(
            f"网页填报表单已生成：{written.out}"
            f"（{written.files} 个文件，新任务预填编号 {suggested}）",
            f"web form written: {written.out} ({written.files} files, new tasks pre-filled"
            f" with {suggested})",
        )(lang),
        err=True,
    )


@click.command()
@click.argument("ledger", default="ledger", type=click.Path(path_type=Path))
@click.option(
    "--out",
    default="admin",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Output folder (empty, or one duban cms wrote before).",
)
@form_options
@lang_option
def cms(
    ledger: Path,
    out: Path,
    modules: Path | None,
    backend: str,
    branch: str,
    app_id: str,
    proxy_port: int,
    lang: str,
) -> int:
    """Write the web form (Decap CMS admin/ folder) for LEDGER: config.yml from the task
    schema and the ledger, index.html and the bundle from cms/install."""
    loaded, _problems = load_or_stop(ledger)
    write(loaded, out, modules, backend, branch, app_id, proxy_port, lang)
    return OK
