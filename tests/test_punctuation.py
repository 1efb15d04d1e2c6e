"""Chinese text for people uses full-width punctuation (，；：（）), in the command line's
messages as on the site (tests/test_site_compliance.py scans the built pages).

Two nets: every message ``duban validate`` gives for the golden invalid and warning cases,
and every Chinese string literal of the package (docstrings, raw strings and English
strings that only quote a Chinese word are not messages, and are left out)."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

from support import GOLDEN, ROOT, make_ledger, run_cli

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: Half-width , ; : ( ) next to a Chinese character (spaces between allowed).
HALF_WIDTH = re.compile(rf"[{HAN}]\s*[,;:()]|[,;:()]\s*[{HAN}]")
#: What is not prose: a YAML key written out as an example (``title: 制定…``, ``kind:
#: assigning``), the text a clerk wrote, quoted back (“…” or "…"), and placeholders.
NOT_PROSE = re.compile(
    r"\b[a-z_]+: |“[^”]*”|\"[^\"]*\"|'[^']*'|\{[^{}]*\}:?|https?\(s\)|\]\([^)]*\)"
)
PACKAGE = ROOT / "scripts" / "duban"
ENGLISH = re.compile(r"\b[A-Za-z]+ [A-Za-z]+ [A-Za-z]+\b")
PATTERN = re.compile(r"\(\?[:!=<]|\\\\d|\[\^")


def half_width(text: str) -> list[str]:
    prose = NOT_PROSE.sub("·", text)
    return [prose[max(0, m.start() - 10) : m.end() + 10] for m in HALF_WIDTH.finditer(prose)]


def test_the_scan_would_catch_half_width_punctuation() -> None:
    assert half_width("发现 1 个问题, 涉及 1 个文件")
    assert half_width("缩进中有制表符 (Tab)")
    assert half_width("无法运行: 端口已占用")
    assert not half_width("发现 1 个问题，涉及 1 个文件（另有 1 个警告）")
    assert not half_width("应写成：title: 制定示例工作方案")
    assert not half_width("第 4 行“ #”之后的文字")


def test_validate_messages_use_full_width_punctuation(tmp_path: Path) -> None:
    cases = sorted((GOLDEN / "tasks" / "invalid").iterdir())
    cases += sorted((GOLDEN / "tasks" / "warning").iterdir())
    ledger = make_ledger(tmp_path / "ledger", cases)
    done = run_cli("validate", str(ledger))
    assert done.returncode == 1
    lines = (done.stdout + done.stderr).splitlines()
    assert len(lines) > len(cases)
    found = {}
    for line in lines:
        message = re.sub(r"^.*?:\d+:\d+: [\w-]+: ", "", line)
        message = re.sub(r" \[\$[^\]]*\]$", "", message)  # the field's path
        if hits := half_width(message):
            found[message] = hits
    assert not found, found


def _messages(path: Path) -> list[tuple[int, str]]:
    """The Chinese string literals of ``path`` that are not docstrings, raw strings or
    English text quoting a Chinese word."""
    tokens = [
        t
        for t in tokenize.generate_tokens(io.StringIO(path.read_text("utf-8")).readline)
        if t.type not in (tokenize.COMMENT, tokenize.NL)
    ]
    statement_start = (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING)
    out = []
    for i, token in enumerate(tokens):
        if token.type != tokenize.STRING or not re.search(f"[{HAN}]", token.string):
            continue
        before = tokens[i - 1].type if i else tokenize.NEWLINE
        after = tokens[i + 1].type if i + 1 < len(tokens) else tokenize.ENDMARKER
        if before in statement_start and after in (tokenize.NEWLINE, tokenize.ENDMARKER):
            continue  # a docstring
        prefix = re.match(r"[A-Za-z]*", token.string).group(0).lower()  # type: ignore[union-attr]
        if "r" in prefix:
            continue  # a pattern
        bare = re.sub(r"\{[^{}]*\}", "", token.string)
        if ENGLISH.search(bare) or len(re.findall(r"[A-Za-z]", bare)) > 2 * len(
            re.findall(f"[{HAN}]", bare)
        ):
            continue  # English, quoting a Chinese name
        if PATTERN.search(bare):
            continue  # a regular expression built from pieces
        body = re.match(r"^[A-Za-z]*(\"\"\"|'''|\"|')(.*)\1$", token.string, re.S)
        out.append((token.start[0], body.group(2) if body else token.string))
    return out


def test_the_package_writes_chinese_with_full_width_punctuation() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {hits}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, literal in _messages(path)
        if (hits := half_width(literal))
    ]
    assert not found, "\n".join(found)
