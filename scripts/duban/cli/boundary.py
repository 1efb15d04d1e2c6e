"""The one error boundary of the command line, and its exit codes.

Problems are values until here: a command returns :data:`OK`, :data:`PROBLEMS` (problems
found, or the change refused) or raises. Everything that means the command cannot run — a
:class:`~duban.problems.UserError` (bad date, period, rule, revision...), :class:`CannotRun`
(the ledger cannot be read, a refusal to apply reminders), a
:class:`~duban.git.GitProblem`, an :class:`OSError` reading or writing files — is turned, in
:class:`DubanGroup`, into its message in the chosen language on stderr and exit
:data:`CANNOT_RUN`. Never a traceback.
"""

from __future__ import annotations

import errno
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from duban.git import GitMissing, GitProblem, git_missing
from duban.ledger import load_ledger
from duban.model import Ledger
from duban.problems import Problem, UserError
from duban.render import problems as report
from duban.text import Text

from . import help as localised
from .options import chosen_lang

OK = 0
"""Clean: nothing found."""
PROBLEMS = 1
"""Problems found (``validate``), change refused (``check-change``), ``--fail-on-overdue``."""
CANNOT_RUN = 2
"""The command cannot run."""


class CannotRun(Exception):
    """The command cannot run for reasons that are problems (values from the library),
    optionally after a sentence saying what was not done."""

    def __init__(self, problems: Sequence[Problem] = (), text: Text | None = None) -> None:
        super().__init__(text.en if text else "; ".join(p.en for p in problems))
        self.problems = tuple(problems)
        self.text = text

    def message(self, lang: str) -> str:
        parts = [self.text(lang)] if self.text else []
        if self.problems:
            parts.append(report.text(self.problems, lang))
        return "\n".join(parts)


STOPPERS = (UserError, CannotRun, GitProblem, GitMissing, OSError)
"""What :func:`explain` can explain (and :class:`DubanGroup` turns into exit 2)."""


def explain(exc: BaseException, lang: str) -> str:
    """The message for people of one of the :data:`STOPPERS`."""
    if isinstance(exc, UserError | CannotRun):
        return exc.message(lang)
    if isinstance(exc, GitProblem):
        return report.text([exc.problem], lang)
    if isinstance(exc, GitMissing):
        return report.text([git_missing(".").problem], lang)
    if isinstance(exc, OSError) and exc.filename:
        zh = f"无法读写文件 {exc.filename}：{_reason_zh(exc)}"
        en = f"cannot read or write a file: {exc.filename}: {exc.strerror or exc}"
        return Text(zh, en)(lang)
    if isinstance(exc, OSError):  # e.g. ``serve --port`` already in use
        what = exc.strerror or str(exc)
        return Text(f"无法运行：{_reason_zh(exc)}", f"cannot run: {what}")(lang)
    return str(exc)  # pragma: no cover - only the STOPPERS are passed here


_REASONS_ZH = {
    errno.ENOSPC: "磁盘空间已满，请清理磁盘后重试",
    errno.EDQUOT: "磁盘配额已用完，请清理后重试",
    errno.EROFS: "文件系统是只读的",
    errno.EACCES: "没有读写权限",
    errno.EPERM: "没有读写权限",
    errno.ENOENT: "文件或目录不存在",
    errno.ENOTDIR: "路径中有一项不是目录",
    errno.EISDIR: "这是目录，不是文件",
}


def _reason_zh(exc: OSError) -> str:
    """The system's reason in Chinese for the common cases (the system's own words else)."""
    return _REASONS_ZH.get(exc.errno or 0) or exc.strerror or str(exc)


class DubanGroup(localised.Group):
    """The ``duban`` group: runs a command, and is its error boundary; its help, and the
    usage errors of its commands, are in the reader's language (:mod:`duban.cli.help`)."""

    context_class = localised.HelpContext

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta.setdefault(localised.ARGV_KEY, tuple(args))
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            code = super().invoke(ctx)
        except click.UsageError as exc:
            raise localised.localise(exc) from None
        except STOPPERS as exc:
            message = explain(exc, chosen_lang(ctx))
            if message:
                click.echo(message, err=True)
            ctx.exit(CANNOT_RUN)
        if isinstance(code, int) and code != OK:
            ctx.exit(code)
        return None


def need_folder(ledger: Path) -> Path:
    """``ledger``, unless the folder does not exist (cannot run)."""
    if not ledger.is_dir():
        raise UserError(Text(f"找不到台账目录：{ledger}", f"no such ledger folder: {ledger}"))
    return ledger


def load_or_stop(ledger_dir: Path) -> tuple[Ledger, list[Problem]]:
    """The ledger and its problems; cannot run when the folder is missing or the ledger
    could not be read at all (the loader's decision: :func:`duban.ledger.load_ledger`)."""
    ledger, problems = load_ledger(need_folder(ledger_dir))
    if ledger is None:
        raise CannotRun(problems)
    return ledger, problems


def load_for_reports(ledger_dir: Path, lang: str) -> Ledger:
    """The ledger for a report (``status``, ``overdue``, ``stats``, ``export``…): cannot run
    when it cannot be read at all; when some files have errors, a note on stderr says that
    their tasks are left out (``validate`` shows why) and the rest is reported."""
    ledger, problems = load_or_stop(ledger_dir)
    found = [p for p in problems if p.severity == "error"]
    if found:
        click.echo(
            Text(
                f"注意：台账有 {len(found)} 个问题（运行 duban validate 查看），有问题的任务未计入",
                f"note: the ledger has {len(found)} problem(s) (see duban validate); invalid "
                "tasks are left out",
            )(lang),
            err=True,
        )
    return ledger
