"""Test helpers, in one place: paths, the Git repository builder, the task-YAML builder,
throwaway ledgers, the CLI runner and the skip-unless-CI rule for outside tools.

The site fixtures (a ledger with history and its built site) are in :mod:`support.site`;
the session fixture of the built site is in ``tests/conftest.py``. The suite runs on every
core (pytest-xdist): what all workers of a run share is made once, under a file lock
(:mod:`support.shared`), such as the wheelhouse of duban's dependencies
(:mod:`support.wheelhouse`).
"""

from support.cli import CliResult, installed_duban, run_cli, run_installed
from support.gitrepo import GitRepo, git, git_env
from support.ledger import make_ledger, sample_repo
from support.paths import GOLDEN, ROOT, SAMPLE, SCHEMAS
from support.tasks import audit_task, ev, task_yaml, write_task
from support.tools import finishes, in_ci, need, need_module

__all__ = [
    "GOLDEN",
    "ROOT",
    "SAMPLE",
    "SCHEMAS",
    "CliResult",
    "GitRepo",
    "audit_task",
    "ev",
    "finishes",
    "git",
    "git_env",
    "in_ci",
    "installed_duban",
    "make_ledger",
    "need",
    "need_module",
    "run_cli",
    "run_installed",
    "sample_repo",
    "task_yaml",
    "write_task",
]
