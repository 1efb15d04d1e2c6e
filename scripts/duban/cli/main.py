"""The ``duban`` command group: one module per command, one error boundary
(:mod:`duban.cli.boundary`). Exit codes: 0 ok, 1 findings, 2 cannot run."""

from __future__ import annotations

import click

from duban import __version__

from .audit import audit
from .boundary import DubanGroup
from .build import build, serve
from .bulletin import bulletin
from .calendar_cmd import calendar_group
from .check_change import check_change
from .cms import cms
from .demo import demo
from .due import due
from .export import export
from .fmt import fmt
from .help import HelpContext, commands_of
from .import_cmd import import_tasks
from .new import new
from .options import group_lang_option
from .publish import publish
from .record import record
from .remind import remind
from .stats import stats
from .status import overdue, status
from .validate import validate


@click.group(cls=DubanGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="duban")
@group_lang_option
def main() -> None:
    """duban (督办): supervision ledger kept as YAML in Git."""


COMMANDS = (
    validate,
    due,
    status,
    overdue,
    check_change,
    new,
    record,
    fmt,
    import_tasks,
    export,
    calendar_group,
    remind,
    build,
    serve,
    cms,
    publish,
    audit,
    demo,
    stats,
    bulletin,
)
"""Every command, in the order ``duban --help`` lists them."""

for command in COMMANDS:
    main.add_command(command)
for command in commands_of(main):
    command.context_class = HelpContext  # help in the reader's language
