"""Help and usage errors in the reader's language: Chinese by default, English on request."""

from __future__ import annotations

import inspect
import re

import click
import pytest
from duban.cli.help_zh import ZH
from duban.cli.main import main
from support import run_cli

HAN = re.compile(r"[\u4e00-\u9fff]")


def _paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, command in group.commands.items():
        out.append((*prefix, name))
        if isinstance(command, click.Group):
            out += _paths(command, (*prefix, name))
    return out


PATHS = _paths(main)
OWN_OPTIONS = {"--help", "--version"}  # click's own, translated by pattern


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


@pytest.mark.parametrize("path", [(), *PATHS], ids=lambda p: " ".join(p) or "duban")
def test_every_help_text_has_its_chinese(path: tuple[str, ...]) -> None:
    command = _command(path)
    assert command.help, f"{path}: a command needs a help text"
    assert inspect.cleandoc(command.help) in ZH, f"{path}: no Chinese for its help in help_zh.py"
    for param in command.params:
        if isinstance(param, click.Option) and not set(param.opts) & OWN_OPTIONS:
            assert param.help, f"{path} {param.opts}: an option needs a help text"
            assert inspect.cleandoc(param.help) in ZH, f"{path} {param.opts}: no Chinese"


@pytest.mark.parametrize("path", [(), *PATHS], ids=lambda p: " ".join(p) or "duban")
def test_help_is_chinese_by_default_and_english_on_request(path: tuple[str, ...]) -> None:
    zh = run_cli(*path, "--help", env={"DUBAN_LANG": None})
    assert zh.exit_code == 0, zh.output
    assert zh.stdout.startswith("用法：duban"), zh.stdout
    assert "选项：" in zh.stdout and "Options" not in zh.stdout
    assert "显示本帮助并退出。" in zh.stdout
    # every help line of an option is in Chinese, apart from the option names themselves
    for line in zh.stdout.splitlines():
        if line.startswith("  -") and "  " in line.strip():
            assert HAN.search(line), f"not translated: {line!r}"
    for args, env in (
        ((*path, "--help", "--lang", "en"), {"DUBAN_LANG": None}),
        (("--lang", "en", *path, "--help"), {"DUBAN_LANG": None}),
        ((*path, "--help"), {"DUBAN_LANG": "en"}),
    ):
        en = run_cli(*args, env=env)
        assert en.exit_code == 0, (args, en.output)
        assert en.stdout.startswith("Usage: duban"), (args, en.stdout)
        assert "Options:" in en.stdout and "选项" not in en.stdout
    if not path:  # the list of commands shows each one's first line in the language asked
        for name in main.commands:
            assert re.search(rf"^  {re.escape(name)}\s+\S*[\u4e00-\u9fff]", zh.stdout, re.M), name


def test_an_explicit_lang_beats_the_environment() -> None:
    result = run_cli("validate", "--help", "--lang", "zh", env={"DUBAN_LANG": "en"})
    assert result.stdout.startswith("用法：")


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (("validate", "--bogus"), "错误：没有选项 --bogus。", "No such option"),
        (("status", "--formt", "json"), "是否想用 --format", "Did you mean '--format'"),
        (("status", "--format", "xml"), "选项 --format 的值无效", "Invalid value for '--format'"),
        (("due",), "错误：缺少参数 DATE。", "Missing argument 'DATE'"),
        (("statu",), "没有命令“statu”", "No such command 'statu'"),
    ],
)
def test_usage_errors_speak_the_readers_language(args: tuple[str, ...], zh: str, en: str) -> None:
    result = run_cli(*args, env={"DUBAN_LANG": None})
    assert result.exit_code == 2
    assert zh in result.stderr and "Error:" not in result.stderr, result.stderr
    assert "Traceback" not in result.output
    english = run_cli(*args, env={"DUBAN_LANG": "en"})
    assert english.exit_code == 2
    assert en in english.stderr and "错误" not in english.stderr, english.stderr
