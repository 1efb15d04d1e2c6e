"""The options several commands share, each defined once: ``--ledger``, ``--as-of``,
``--lang``, ``--format``, ``--unit``, the site folder (``--out`` of ``build``, ``serve`` and
``demo``, ``--site`` of ``publish``) and ``--engine``. Help texts stay as each command always
had them (README.md, table "Commands")."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from duban.text import Lang, pick_lang
from duban.web.mkdocs_run import ENGINES

from .help import LANG_KEY, context_lang

F = TypeVar("F", bound=Callable[..., Any])


def chosen_lang(ctx: click.Context) -> Lang:
    """The language the command was asked for (``--lang``, ``DUBAN_LANG``, else Chinese)."""
    return context_lang(ctx)


def _remember_lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> Lang:
    """``--lang`` of a command, else ``duban --lang``, else ``DUBAN_LANG``, else Chinese."""
    lang = pick_lang(value) if value else context_lang(ctx)
    ctx.meta[LANG_KEY] = lang
    return lang


lang_option = click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    is_eager=True,
    callback=_remember_lang,
    help="Language for people (default: $DUBAN_LANG or zh).",
)
"""``--lang``: the command receives the picked language, never None."""


def _remember_group_lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.meta[LANG_KEY] = pick_lang(value)


group_lang_option = click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    is_eager=True,
    expose_value=False,
    callback=_remember_group_lang,
    help="Language for people (default: $DUBAN_LANG or zh).",
)
"""``--lang`` of a command group (``duban --lang en status``): for its commands."""


def ledger_option(
    help: str | None = "Ledger folder.", dest: str = "ledger", as_path: bool = True
) -> Callable[[F], F]:
    """``--ledger`` (default ``ledger``): a folder, or a folder inside a repository."""
    if as_path:
        return click.option(
            "--ledger", dest, default="ledger", type=click.Path(path_type=Path), help=help
        )
    return click.option("--ledger", dest, default="ledger", show_default=True, help=help)


def as_of_option(help: str) -> Callable[[F], F]:
    """``--as-of DATE`` (default: today); parsed by the command, whose clock it is."""
    return click.option("--as-of", "as_of", default=None, help=help)


def format_option(choices: Sequence[str], default: str) -> Callable[[F], F]:
    """``--format`` with the command's own choices."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default,
        show_default=True,
        help="Output format.",
    )


unit_option = click.option("--unit", help="Only tasks this unit owns or co-handles.")
"""``--unit CODE``."""


SITE_DIR = "site"
"""Where ``duban build`` writes the site, and where ``duban publish`` takes it from."""


def site_folder_option(
    flag: str = "--out", help: str = "Output folder (empty, or a site duban built before)."
) -> Callable[[F], F]:
    """The site folder (default ``site``): ``--out`` of the commands that build it, ``--site``
    of ``publish``, which reads what they wrote."""
    return click.option(
        flag, default=SITE_DIR, show_default=True, type=click.Path(path_type=Path), help=help
    )


out_option = site_folder_option()
"""``--out DIR`` of ``build``, ``serve`` and ``demo``: where the site is built."""

engine_option = click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="mkdocs",
    show_default=True,
    help="Site engine: mkdocs (MkDocs 1.6), properdocs or zensical (installed separately).",
)
"""``--engine``: which engine builds the pages (:data:`duban.web.mkdocs_run.ENGINES`)."""


def apply_all(options: Sequence[Callable[[F], F]]) -> Callable[[F], F]:
    """Apply ``options`` so that they appear in ``--help`` in the order given."""

    def decorate(func: F) -> F:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate
