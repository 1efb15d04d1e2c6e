"""A libyaml node tree into plain data (the strict loader's second half): the core schema's
plain scalars, the place of every field, and a problem for what the ledger does not allow
(custom tags, nesting deeper than ``MAX_DEPTH``, numbers longer than ``MAX_NUMBER_CHARS``,
the value of a ``#`` cut)."""

from __future__ import annotations

from typing import Any

import yaml

from duban.load.valuehints import comment_cut, comment_text
from duban.load.yamlcore import MAX_NUMBER_CHARS, TOO_LONG, plain_value
from duban.problems import Problem
from duban.problems import json_path as _json_path
from duban.source import Location, Path_
from duban.text import Text

MAX_DEPTH = 64
"""Nested mappings and lists, the top level included; a task is five deep at most."""


#: Tags the resolver gives plain YAML; anything else (``!!python/...``, ``!foo``) is refused.
_PLAIN_TAGS = frozenset(
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)


def location_of(display: str, mark: Any) -> Location:
    return Location(display, mark.line + 1, mark.column + 1)


class Builder:
    """Turns a libyaml node tree into plain data, recording positions and problems."""

    def __init__(self, display: str, lines: dict[int, str] | None = None) -> None:
        self.display = display
        self.positions: dict[Path_, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.lines = lines
        """The lines that may hold a comment after a value, when those are looked for."""

    def build(self, node: yaml.Node, path: Path_) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if len(path) >= MAX_DEPTH:  # before recursing: the Python stack is finite
            self.problems.append(
                Problem(
                    "yaml-too-deep",
                    location_of(self.display, node.start_mark),
                    Text(
                        f"嵌套层数超过 {MAX_DEPTH} 层；台账文件不需要这么深的结构，请改平",
                        f"nested more than {MAX_DEPTH} levels deep; flatten the structure",
                    ),
                )
            )
            return None
        if isinstance(node, yaml.SequenceNode):
            self._check_tag(node)
            items = []
            for index, item in enumerate(node.value):
                mark = item.start_mark
                self.positions[(*path, index)] = (mark.line + 1, mark.column + 1)
                items.append(self.build(item, (*path, index)))
            return items
        self._check_tag(node)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            mark = key_node.start_mark
            where = (mark.line + 1, mark.column + 1)
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(
                    Problem(
                        "yaml-complex-key",
                        Location(self.display, *where),
                        Text("键必须是简单文本", "keys must be plain text"),
                    )
                )
                continue
            key = key_node.value
            first = self.positions.get((*path, key))
            if key in mapping and first is not None:
                self.problems.append(
                    Problem(
                        "yaml-duplicate-key",
                        Location(self.display, *where),
                        Text(
                            f"重复的键 “{key}”（第一次出现在第 {first[0]} 行第 {first[1]} 列）",
                            f"duplicate key '{key}' (first defined at line {first[0]}, "
                            f"column {first[1]})",
                        ),
                    )
                )
                continue
            self.positions[(*path, key)] = where
            mapping[key] = self.build(value_node, (*path, key))
            if self.lines is not None and isinstance(value_node, yaml.ScalarNode):
                self._comment_cut(key, value_node, (*path, key))
        return mapping

    def _comment_cut(self, key: str, node: yaml.ScalarNode, path: Path_) -> None:
        """A warning when `` #`` turned the rest of a plain value's line into a comment."""
        assert self.lines is not None
        end = node.end_mark
        line = self.lines.get(end.line)
        if node.style or line is None:
            return
        col = comment_cut(line, end.column)
        if col < 0:
            return
        self.warnings.append(
            Problem(
                "yaml-comment-in-value",
                Location(self.display, end.line + 1, col + 1),
                comment_text(end.line + 1, key, node.value, line, col),
                field=_json_path(path),
                severity="warning",
            )
        )

    def _check_tag(self, node: yaml.Node) -> None:
        if node.tag not in _PLAIN_TAGS:
            self.problems.append(
                Problem(
                    "yaml-tag",
                    location_of(self.display, node.start_mark),
                    Text(
                        f"不允许使用自定义标签（{node.tag}）",
                        f"custom tags are not allowed ({node.tag})",
                    ),
                )
            )

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        self._check_tag(node)
        value = node.value
        if node.style:  # quoted or block scalar: always text (plain is "" or None)
            return value
        resolved = plain_value(value)
        if resolved is TOO_LONG:  # before int(): it refuses 4300 digits and more
            self.problems.append(
                Problem(
                    "yaml-number-too-long",
                    location_of(self.display, node.start_mark),
                    Text(
                        f"数字过长（{len(value)} 个字符，上限 {MAX_NUMBER_CHARS}）；"
                        "如果这是文本，请加引号",
                        f"number too long ({len(value)} characters, limit "
                        f"{MAX_NUMBER_CHARS}); quote it if it is text",
                    ),
                )
            )
            return None
        return resolved


__all__ = ["MAX_DEPTH", "Builder", "location_of"]
