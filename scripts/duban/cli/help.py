"""Help and usage errors in the reader's language: Chinese by default, English with
``--lang en`` or ``DUBAN_LANG=en``.

Help texts are written once, in English, where each command and option is defined; their
Chinese is in :data:`duban.cli.help_zh.ZH`, keyed by the English text (like a gettext
catalogue). ``tests/test_cli_help.py`` insists that every command and option has both. The
language is known before click parses anything: :class:`HelpContext` looks at ``--lang`` in the
whole command line (``duban validate --help --lang en`` works in either order), then at
``DUBAN_LANG``.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable, Sequence
from typing import IO, Any

import click

from duban.text import Lang, pick_lang

from .help_zh import ZH

ARGV_KEY = "duban.argv"
"""Where :class:`~duban.cli.boundary.DubanGroup` leaves the whole command line in
``ctx.meta``, for the language of help printed before ``--lang`` is parsed."""
LANG_KEY = "duban.lang"
"""Where ``--lang`` leaves the chosen language in ``ctx.meta`` (for the error boundary)."""

#: click's own words, in Chinese.
HEADINGS = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}
USAGE_WORDS = {"[OPTIONS]": "[选项]", "COMMAND [ARGS]...": "命令 [参数]..."}
#: click's own messages (usage errors, option extras), as patterns with their Chinese.
CLICK_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), zh)
    for pattern, zh in (
        (r"^Show this message and exit\.$", "显示本帮助并退出。"),
        (r"^Show the version and exit\.$", "显示版本并退出。"),
        (r"\[default: (.*?)\]", r"［默认：\1］"),
        (r"\[required\]", "［必填］"),
        (
            r"^No such option:? '?([^'\s]+?)'?\.? Did you mean '?([^'\s?]+?)'?\?$",
            r"没有选项 \1（是否想用 \2？）。",
        ),
        (r"^No such option:? '?([^'\s]+?)'?\.?$", r"没有选项 \1。"),
        (r"^No such command '(.*)'\. Did you mean (.*)\?$", r"没有命令“\1”（是否想用 \2？）。"),
        (
            r"^No such command '(.*)'\. \(Did you mean one of: (.*)\?\)$",
            r"没有命令“\1”（是否想用 \2 之一？）。",
        ),
        (r"^No such command '(.*)'\.$", r"没有命令“\1”。"),
        (r"^Missing option '(.*)'\.?$", r"缺少选项 \1。"),
        (r"^Missing argument '(.*)'\.?$", r"缺少参数 \1。"),
        (r"^Missing command\.$", "缺少命令。"),
        (r"^Option '(.*)' requires an argument\.$", r"选项 \1 需要一个值。"),
        (r"^Got unexpected extra arguments? \((.*)\)$", r"多余的参数：\1"),
        (r"^Invalid value for '(.*?)': (.*)$", r"选项 \1 的值无效：\2"),
        (r"'(.*?)' is not one of (.*)\.$", r"“\1”不在可选值 \2 之中。"),
        (r"'(.*?)' is not a valid integer\.$", r"“\1”不是整数。"),
    )
)


def lang_in(args: Sequence[str]) -> Lang | None:
    """The value of ``--lang`` in a command line, if it is there."""
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            return pick_lang(args[i + 1])
        if arg.startswith("--lang="):
            return pick_lang(arg.split("=", 1)[1])
    return None


def context_lang(ctx: click.Context | None) -> Lang:
    """The language for people in this command: ``--lang`` (parsed, or seen in the command
    line), then ``DUBAN_LANG``, then Chinese."""
    if ctx is not None:
        lang = ctx.meta.get(LANG_KEY)
        if lang in ("zh", "en"):
            return lang  # type: ignore[no-any-return]
        seen = lang_in(ctx.meta.get(ARGV_KEY, ()))
        if seen is not None:
            return seen
    return pick_lang(None)


def zh_of(text: str) -> str:
    """The Chinese of an English help text (the catalogue, then click's own words)."""
    cleaned = inspect.cleandoc(text)
    if cleaned in ZH:
        return ZH[cleaned]
    out = cleaned
    for pattern, zh in CLICK_ZH:
        out = pattern.sub(zh, out)
    return out


#: A help row's text and the extras click appends (``  [default: text]``).
_EXTRAS = re.compile(r"^(.*?)((?:\s{2}\[[^\]]*\])*)$", re.S)


def translate(text: str, lang: Lang) -> str:
    """``text`` in ``lang`` (English as written; Chinese from the catalogue)."""
    if lang == "en" or not text:
        return text
    match = _EXTRAS.match(text)
    body, extras = (match.group(1), match.group(2)) if match else (text, "")
    return zh_of(body) + (zh_of(extras.strip()) if extras else "")


class HelpFormatter(click.HelpFormatter):
    """click's formatter, writing in the reader's language."""

    def __init__(self, lang: Lang, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lang = lang

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if self.lang == "zh":
            prefix = "用法：" if prefix is None else prefix
            for en, zh in USAGE_WORDS.items():
                args = args.replace(en, zh)
        super().write_usage(prog, args, prefix)

    def write_heading(self, heading: str) -> None:
        if self.lang == "en":
            super().write_heading(heading)
        else:
            self.write(f"{'':>{self.current_indent}}{HEADINGS.get(heading, heading)}：\n")

    def write_text(self, text: str) -> None:
        super().write_text(translate(text, self.lang))

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        super().write_dl(
            [(term, translate(desc, self.lang)) for term, desc in rows], col_max, col_spacing
        )


class HelpContext(click.Context):
    """A context whose help and usage are in the reader's language."""

    def make_formatter(self) -> click.HelpFormatter:
        return HelpFormatter(
            context_lang(self), width=self.terminal_width, max_width=self.max_content_width
        )


class UsageError(click.UsageError):
    """click's usage error, shown in the reader's language."""

    def show(self, file: IO[Any] | None = None) -> None:
        lang = context_lang(self.ctx)
        if lang == "en":
            super().show(file)
            return
        if self.ctx is not None:
            click.echo(self.ctx.get_usage(), file=file, err=file is None)
            click.echo(
                f"运行 {self.ctx.command_path} --help 查看帮助。", file=file, err=file is None
            )
        click.echo(f"错误：{zh_of(self.format_message())}", file=file, err=file is None)


def localise(exc: click.UsageError) -> UsageError:
    """``exc`` as a :class:`UsageError` (same message and context; exit code 2)."""
    return UsageError(exc.format_message(), exc.ctx)


def short_help(command: click.Command, lang: Lang) -> str:
    """The first sentence of a command's help, in ``lang``, for the list of commands."""
    paragraph = translate(command.help or "", lang).strip().split("\n\n")[0]
    first = paragraph.split("。")[0] + "。" if "。" in paragraph else paragraph
    return " ".join(first.split()) if lang == "en" else first.replace("\n", "")


class Group(click.Group):
    """A command group whose list of commands shows each one's first line in the reader's
    language (click would cut the English short)."""

    context_class = HelpContext

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        lang = context_lang(ctx)
        rows = [
            (name, short_help(command, lang))
            for name, command in self.commands.items()
            if not command.hidden
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def commands_of(group: click.Group) -> Iterable[click.Command]:
    """Every command under ``group``, groups included, depth first."""
    for command in group.commands.values():
        yield command
        if isinstance(command, click.Group):
            yield from commands_of(command)
