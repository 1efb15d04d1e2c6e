"""Bounded reading of one ledger file: opened once, never through a link, never blocking.

A file is opened with ``O_NOFOLLOW`` (a symbolic link is refused, not followed) and
``O_NONBLOCK`` (a FIFO does not wait for a writer), checked with ``fstat`` on the open
descriptor to be a regular file (not a device, FIFO, socket or folder), and read to at most
``MAX_BYTES + 1`` bytes, so a file that grows or lies about its size cannot make us read
without limit. Every failure is a :class:`~duban.problems.Problem`, never an exception.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from duban.problems import Problem
from duban.source import Location
from duban.text import Text

MAX_BYTES = 512 * 1024
"""A task file is a few kilobytes; anything this large is a mistake or an attack."""

_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_BINARY", 0)
)

_CHUNK = 64 * 1024


def too_large(name: str, size: int, limit: int = MAX_BYTES) -> Problem:
    """The problem of a file (or blob) over ``limit`` (``size``: its length, or ``limit + 1``
    from a bounded read, which stops there)."""
    zh, en = f"{size} 字节", f"{size} bytes"
    if size == limit + 1:
        zh, en = f"至少 {size} 字节", f"at least {size} bytes"
    return Problem(
        "file-too-large",
        Location(name, 1, 1),
        Text(
            f"文件过大（{zh}），上限 {limit} 字节；请拆分或删减内容",
            f"file too large ({en}), limit is {limit} bytes: split or shorten it",
        ),
    )


def _not_regular(name: str, kind_zh: str, kind_en: str) -> Problem:
    return Problem(
        "not-a-regular-file",
        Location(name),
        Text(
            f"{name} 是{kind_zh}，不是普通文件，不会被读取；请删除它，把内容作为普通文件提交",
            f"{name} is {kind_en}, not a regular file, and is not read: remove it and "
            "commit the contents as a regular file",
        ),
    )


def symlink(name: str) -> Problem:
    """The problem of a symbolic link where a file is read (on disk, or committed to Git:
    its blob is the link's target, never a ledger file)."""
    return _not_regular(name, "符号链接", "a symbolic link")


def _kind(mode: int) -> tuple[str, str]:
    if stat.S_ISDIR(mode):
        return "文件夹", "a folder"
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO）", "a FIFO"
    if stat.S_ISSOCK(mode):
        return "套接字", "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件", "a device"
    if stat.S_ISLNK(mode):
        return "符号链接", "a symbolic link"
    return "特殊文件", "a special file"


def _unreadable(name: str, exc: OSError) -> Problem:
    reason = exc.strerror or str(exc)
    return Problem(
        "file-unreadable",
        Location(name),
        Text(
            f"无法读取文件 {name}：{reason}；请检查文件是否存在、是否有读取权限",
            f"cannot read file {name}: {reason}; check that it exists and is readable",
        ),
    )


def read_bounded(
    path: Path, name: str, limit: int = MAX_BYTES
) -> tuple[bytes | None, Problem | None]:
    """The bytes of the regular file ``path`` (at most ``limit``: :data:`MAX_BYTES` for a
    ledger file), or the problem that stops it being read (``name`` is how messages show the
    path)."""
    try:
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP or (exc.errno == errno.EMLINK and path.is_symlink()):
            return None, symlink(name)
        if exc.errno == errno.ENXIO:  # a socket, or a FIFO some systems will not open
            return None, _not_regular(name, "特殊文件", "a special file")
        return None, _unreadable(name, exc)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            return None, _not_regular(name, *_kind(mode))
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        return None, _unreadable(name, exc)
    finally:
        os.close(fd)
    if total > limit:
        return None, too_large(name, total, limit)
    return b"".join(chunks), None


def decode(raw: bytes, display: str) -> tuple[str, Problem | None]:
    """``raw`` as UTF-8 text, or the problem naming the byte that is not (and what the
    encoding looks like, e.g. GBK)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "", Problem(
            "encoding",
            Location(display, 1, 1),
            Text("文件编码是 UTF-16，请另存为 UTF-8", "the file is UTF-16; save it as UTF-8"),
        )
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        guess = _guess_encoding(raw)
        zh = f"文件不是 UTF-8 编码（第 {exc.start} 字节无效）"
        en = f"the file is not UTF-8 (invalid byte at offset {exc.start})"
        if guess:
            zh += f"，看起来是 {guess}；请另存为 UTF-8"
            en += f"; it looks like {guess}: save it as UTF-8"
        return "", Problem("encoding", Location(display, line, col), Text(zh, en))


def _guess_encoding(raw: bytes) -> str | None:
    for codec, label in (("gb18030", "GBK/GB18030"), ("big5", "Big5"), ("utf-16", "UTF-16")):
        try:
            raw.decode(codec)
        except UnicodeDecodeError:
            continue
        return label
    return None
