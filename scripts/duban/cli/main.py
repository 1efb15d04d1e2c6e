"""The ``duban`` command group: one module per command, one error boundary
(:mod:`duban.cli.boundary`). Exit codes: 0 ok, 1 findings, 2 cannot run."""

from __future__ import annotations

import click

from duban import __version__

from .audit import audit
from .boundary import DubanGroup
from .build import build, serve
from .calendar_cmd import calendar_group
from .check_change import check_change
from .due import due
from .remind import remind
from .status import overdue, status
from .validate import validate


@click.group(cls=DubanGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="duban")
def main() -> None:
    """duban (督办): supervision ledger kept as YAML in Git."""


for command in (
    validate,
    due,
    status,
    overdue,
    check_change,
    remind,
    build,
    serve,
    audit,
    calendar_group,
):
    main.add_command(command)
