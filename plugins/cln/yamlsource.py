"""Reading a content file: UTF-8 text, front matter with line numbers, and the body.

Front matter is split with python-frontmatter and parsed with a safe YAML loader that
keeps dates as text (so an impossible date is reported by the field's validator, with
the field's name, instead of failing inside YAML), refuses aliases (no alias bombs),
and remembers the line of every key so messages can point at it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import frontmatter
import yaml

from .errors import Problem

MAX_FRONT_MATTER_BYTES = 64 * 1024


MAX_DEPTH = 20  # front matter is at most three levels deep; far deeper nesting is an attack


class _Loader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver, without aliases and without deep nesting."""

    _depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None, None, "aliases (*name) are not allowed in front matter", event.start_mark
            )
        if self._depth >= MAX_DEPTH:
            raise yaml.MarkedYAMLError(
                None, None, f"lists and fields are nested more than {MAX_DEPTH} deep", self.peek_event().start_mark
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_FAST = getattr(yaml, "CSafeLoader", None)  # libyaml: about 20 times faster than pure Python
if _FAST is not None:

    class _CLoader(_FAST):  # type: ignore[misc, valid-type]
        """libyaml's safe loader with the same resolvers (no timestamps)."""

    _CLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


def _load(text: str) -> tuple[yaml.Node | None, Any]:
    """The node tree and data of one YAML document; refuses aliases and deep nesting first.

    With libyaml, the whole event stream is checked before any node is built (libyaml's
    composer recurses in C, so unchecked nesting could overflow the stack), then the C
    composer builds the nodes and the safe constructor the data.
    """
    if _FAST is None:
        node = yaml.compose(text, Loader=_Loader)
        return node, (yaml.load(text, Loader=_Loader) if node is not None else None)
    depth = 0
    # libyaml's events carry its own Mark (line and column, as PyYAML's), which types-PyYAML's
    # MarkedYAMLError does not accept: hence the two ignores below.
    for event in yaml.parse(text, Loader=_CLoader):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.MarkedYAMLError(None, None, "aliases (*name) are not allowed in front matter",
                                       event.start_mark)  # type: ignore[arg-type]
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise yaml.MarkedYAMLError(None, None, f"lists and fields are nested more than {MAX_DEPTH} deep",
                                           event.start_mark)  # type: ignore[arg-type]
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
    loader = _CLoader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


@dataclass
class Source:
    """A content file read once: its front matter as data, key lines and Markdown body."""

    path: str
    data: dict[str, Any]
    body: str
    body_line: int
    text: str
    lines: dict[tuple, int] = field(default_factory=dict)

    def line_of(self, loc: tuple) -> int:
        """The line of the deepest known key on the path ``loc`` (1 when none is known)."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return 1


def _key_lines(node: yaml.Node, prefix: tuple, out: dict[tuple, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                loc = (*prefix, key.value)
                out[loc] = key.start_mark.line + 1  # the text starts on the opening --- line
                _key_lines(value, loc, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            out[(*prefix, i)] = item.start_mark.line + 1
            _key_lines(item, (*prefix, i), out)


def _duplicate_keys(node: yaml.Node, prefix: tuple, path: str) -> list[Problem]:
    """A key written twice in one mapping: YAML would keep the last silently (draft: true, then false)."""
    problems: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                line = key.start_mark.line + 1
                if key.value in seen:
                    name = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in (*prefix, key.value))
                    name = name.lstrip(".")
                    problems.append(Problem(path, line, name, f"is written twice (first on line {seen[key.value]}); "
                                                              "keep one of them"))
                else:
                    seen[key.value] = line
            problems += _duplicate_keys(value, (*prefix, getattr(key, "value", "?")), path)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            problems += _duplicate_keys(item, (*prefix, i), path)
    return problems


_OPEN = re.compile(r"\A---[ \t]*\r?\n")
# The same boundary as python-frontmatter's, so bodies and line numbers are as before.
_BOUNDARY = frontmatter.YAMLHandler.FM_BOUNDARY


def split_front_matter(text: str) -> tuple[str, str] | None:
    """(front matter, body) of a text that starts with '---', or None when no closing '---' follows."""
    bounds = _BOUNDARY.finditer(text)
    first, second = next(bounds, None), next(bounds, None)
    if first is None or second is None:
        return None
    return text[first.end():second.start()], text[second.end():]


def read_source(path: str, raw: bytes) -> tuple[Source | None, list[Problem]]:
    """Decode and split one file; return the source, or the problems that stop it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(path, line, "", f"is not UTF-8 text (byte {exc.start}); save the file as UTF-8")]
    text = text.removeprefix("\ufeff")
    if not _OPEN.match(text):
        return None, [Problem(path, 1, "", "has no front matter; the file must start with a line '---', "
                                           "then the fields, then another '---'")]
    parts = split_front_matter(text)
    if parts is None:
        return None, [Problem(path, 1, "", "front matter has no closing '---' line: after the last field, "
                                           "add a line with just three hyphens ---, then the text")]
    post_fm, body = parts
    if len(post_fm.encode()) > MAX_FRONT_MATTER_BYTES:
        return None, [Problem(path, 1, "", f"front matter is over {MAX_FRONT_MATTER_BYTES // 1024} KB; "
                                           "it should be a few lines")]
    try:
        node, data = _load(post_fm)
    except yaml.MarkedYAMLError as exc:
        mark = exc.context_mark or exc.problem_mark  # where the broken construct starts
        line = mark.line + 1 if mark else 1
        what = exc.problem or "invalid YAML"
        return None, [Problem(path, line, "", f"front matter is not valid YAML: {what} (check indentation, "
                                              "colons, and quotes around text containing ': ' or '#')")]
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        return None, [Problem(path, 1, "", "front matter is not valid YAML (check indentation, colons, and quotes "
                                           f"around text containing ': ' or '#'): {exc.__class__.__name__}")]
    if node is None or not isinstance(data, dict):  # no node, no data
        return None, [Problem(path, 2, "", "front matter should be a set of 'field: value' lines")]
    lines: dict[tuple, int] = {}
    _key_lines(node, (), lines)
    body_line = 1 + post_fm.count("\n")  # the line of the body's first character
    return Source(path, data, body, body_line, text, lines), _duplicate_keys(node, (), path)
