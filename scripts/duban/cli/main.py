"""The ``duban`` command group: one module per command, one error boundary
(:mod:`duban.cli.boundary`). Exit codes: 0 ok, 1 findings, 2 cannot run."""

from __future__ import annotations

import click

from duban import __version__

from .audit import audit
from .boundary import DubanGroup
from .build import build, serve
from .check_change import check_change
from .due import due
from .help import LANG_KEY, HelpContext, commands_of
from .remind import remind
from .stats import stats
from .status import overdue, status
from .validate import validate


@click.group(cls=DubanGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="duban")
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    is_eager=True,
    expose_value=False,
    callback=lambda ctx, _param, value: ctx.meta.update({LANG_KEY: value}) if value else None,
    help="Language for people (default: $DUBAN_LANG or zh).",
)
def main() -> None:
    """duban (督办): supervision ledger kept as YAML in Git."""


for command in (validate, due, status, overdue, check_change, remind, build, serve, audit, stats):
    main.add_command(command)
for command in commands_of(main):
    command.context_class = HelpContext  # help in the reader's language
