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

from . import layout
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
    # Top-level fields that could not be read (a layout mistake with no one-line fix): their
    # own checks wait for the layout to be put right, the rest of the file is checked.
    unreadable: frozenset[str] = frozenset()

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
    """Decode and split one file; return the source, or the problems that stop it.

    Layout mistakes (layout.py) are reported all at once, each with its fix; the fields are
    then read as they would be once fixed, so their own checks run in the same round.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(path, line, "", f"is not UTF-8 text (byte {exc.start}); save the file as UTF-8")]
    text = text.removeprefix("\ufeff")
    if not _OPEN.match(text):
        return None, [Problem(path, 1, "", "has no front matter; the file must start with a line '---', "
                                           "then the fields, then another '---'")]
    problems: list[Problem] = []
    parts = split_front_matter(text)
    if parts is None:
        count = layout.guess_end(text)
        if count is None:
            return None, [Problem(path, 1, "", "front matter has no closing '---' line: after the last field, "
                                               "add a line with just three hyphens ---, then the text")]
        all_lines = text.split("\n")
        parts = "\n" + "\n".join(all_lines[1:1 + count]), "\n" + "\n".join(all_lines[1 + count:])
        problems.append(Problem(path, count + 1, "", f"front matter has no closing '---' line: add a line with just "
                                                     f"three hyphens --- after line {count + 1}, the last field"))
    post_fm, body = parts
    if len(post_fm.encode()) > MAX_FRONT_MATTER_BYTES:
        return None, [Problem(path, 1, "", f"front matter is over {MAX_FRONT_MATTER_BYTES // 1024} KB; "
                                           "it should be a few lines")]
    fm_lines = post_fm.split("\n")
    mistakes = layout.scan(fm_lines, first_line=1)
    problems += [Problem(path, m.line, m.field, m.message) for m in mistakes]
    for m in mistakes:  # read the fields as they will be once fixed
        if m.replacement is not None:
            fm_lines[m.line - 1] = m.replacement
    read = _read_fields(path, "\n".join(fm_lines) if mistakes else post_fm, {m.line for m in mistakes})
    if isinstance(read, Problem):
        return None, [*problems, read]
    node, data, lines, found, unreadable = read
    unreadable |= {m.key for m in mistakes if m.replacement is None and m.key}
    if node is None and not data and not problems and not found:
        return None, [Problem(path, 2, "", "front matter should be a set of 'field: value' lines")]
    body_line = 1 + post_fm.count("\n")  # the line of the body's first character
    return Source(path, data, body, body_line, text, lines, frozenset(unreadable)), problems + found


_Read = tuple[yaml.Node | None, dict[str, Any], dict[tuple, int], list[Problem], set[str]]


def _yaml_problem(path: str, exc: Exception, offset: int = 0) -> Problem:
    """A YAML error in words, on its line."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.context_mark or exc.problem_mark  # where the broken construct starts
        line = mark.line + 1 if mark else 1
        what = exc.problem or "invalid YAML"
        return Problem(path, line, "", f"front matter is not valid YAML: {what} (check indentation, "
                                       "colons, and quotes around text containing ': ' or '#')")
    return Problem(path, 1, "", "front matter is not valid YAML (check indentation, colons, and quotes "
                                f"around text containing ': ' or '#'): {exc.__class__.__name__}")


_LOAD_ERRORS = (yaml.YAMLError, RecursionError, ValueError)


def _read_fields(path: str, fm: str, reported: set[int]) -> _Read | Problem:
    """The fields of the front matter ``fm``: all at once when it is valid YAML; otherwise field by
    field, leaving out (as unreadable) the fields YAML cannot read, each reported once."""
    try:
        node, data = _load(fm)
    except _LOAD_ERRORS as exc:
        problem = str(getattr(exc, "problem", "") or "")
        if "aliases" in problem or "nested more than" in problem or not isinstance(exc, yaml.YAMLError):
            return _yaml_problem(path, exc)  # an attack, not a slip: stop here
        return _field_by_field(path, fm, reported)
    if node is None:
        return None, {}, {}, [], set()
    if not isinstance(data, dict):
        return _field_by_field(path, fm, reported)
    lines: dict[tuple, int] = {}
    _key_lines(node, (), lines)
    return node, data, lines, _duplicate_keys(node, (), path), set()


_TOP_KEY = re.compile(r"([A-Za-z_][\w-]*)\s*:")


def _field_by_field(path: str, fm: str, reported: set[int]) -> _Read:
    text_lines = fm.split("\n")
    starts = [i for i, line in enumerate(text_lines)
              if line[:1] and line[:1] not in " \t#-" and not line.startswith("---")]
    data: dict[str, Any] = {}
    lines: dict[tuple, int] = {}
    problems: list[Problem] = []
    unreadable: set[str] = set()
    if not starts:  # not one line that starts a field
        return None, {}, {}, [] if reported else [Problem(path, 2, "", "front matter should be a set of "
                                                                       "'field: value' lines")], set()
    for start, end in zip(starts, [*starts[1:], len(text_lines)], strict=True):
        key = _TOP_KEY.match(text_lines[start])
        name = key[1] if key else ""
        chunk = "\n" * start + "\n".join(text_lines[start:end])
        try:
            node, value = _load(chunk)
        except _LOAD_ERRORS as exc:
            node, value = None, exc
        if node is None or not isinstance(value, dict):
            unreadable.add(name)
            if not reported & set(range(start + 1, end + 1)):
                if isinstance(value, Exception):
                    problems.append(_yaml_problem(path, value))
                else:
                    problems.append(Problem(path, start + 1, "", "front matter should be a set of 'field: value' "
                                                                 "lines"))
            continue
        block_lines: dict[tuple, int] = {}
        _key_lines(node, (), block_lines)
        problems += _duplicate_keys(node, (), path)
        for k, v in value.items():
            if k in data:
                problems.append(Problem(path, block_lines[(k,)], str(k), f"is written twice (first on line "
                                                                         f"{lines[(k,)]}); keep one of them"))
                continue
            data[k] = v
            lines.update({loc: line for loc, line in block_lines.items() if loc[0] == k})
    return None, data, lines, problems, unreadable
