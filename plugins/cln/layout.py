"""The layout mistakes people make typing front matter in a browser, found all at once.

YAML stops at its first error, so an editor who put a colon in a title, a tab before a field
and forgot a ``- `` would need three rounds of commit and wait. This scanner reads the front
matter line by line, as an editor wrote it, and reports every mistake it recognises with its
line and the line as it should be written:

- a ``: `` inside an unquoted value (put the value in quotes);
- a tab (YAML needs spaces);
- a missing space after a field's colon;
- a list item without ``- ``;
- inconsistent indentation (a field that does not line up with the one above);
- curly quotes around a value (YAML keeps them as part of the text);
- a quote that is opened and never closed.

Each :class:`Mistake` carries ``replacement``, the corrected line, which its message shows
(apart from the spaces in front, which it counts): the tests paste it back and check the field.
The missing closing ``---`` is found by :func:`guess_end`, since it decides what the front matter is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Every field name of both front matters, at any level (tests/unit/test_layout.py checks that
# this matches the models): a word followed by ':' is only taken for a field when it is one.
KNOWN_FIELDS = frozenset({
    "title", "summary", "date", "updated", "region", "topics", "professions", "competencies", "authors",
    "evidence", "key_points", "outcomes", "contact", "draft", "guid", "audio", "episode", "season", "type",
    "explicit", "guests", "transcript", "chapters", "image",
    "name", "role", "organisation", "measure", "before", "after", "period", "source", "sample", "start",
})
LIST_FIELDS = frozenset({"topics", "professions", "competencies", "authors", "key_points", "outcomes", "guests",
                         "chapters"})

_KEY = re.compile(r"(?P<key>[A-Za-z_][A-Za-z0-9_-]*):(?=\s|$)(?P<after>.*)$")
_KEY_NO_SPACE = re.compile(r"(?P<key>[A-Za-z_][A-Za-z0-9_-]*):(?P<after>[^\s].*)$")
_BLOCK_SCALAR = re.compile(r"^[|>][+-]?[0-9]?[+-]?\s*(#.*)?$")
_CURLY_OPEN, _CURLY_CLOSE = "“‘”’„‚«", "”’“‘»"
# Characters YAML refuses at the start of a plain value.
_RESERVED_START = "@`%!"  # not & and *: anchors and aliases get their own refusal


@dataclass(frozen=True)
class Mistake:
    """One layout mistake: the file's line, the field it is in, what to do, and the line as it
    should be written (None when the fix is not one line)."""

    line: int
    field: str
    message: str
    replacement: str | None
    key: str  # the top-level field it belongs to ("" when none)


def _quoted(text: str) -> str:
    """``text`` as a double-quoted YAML value."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _split_comment(value: str) -> tuple[str, str]:
    """A plain value and its trailing comment (`` #`` starts a comment in YAML)."""
    m = re.search(r"\s#", value)
    return (value[:m.start()], value[m.start():]) if m else (value, "")


def _unclosed(value: str) -> bool:
    """Whether a quoted value opens a quote it never closes."""
    quote = value[0]
    i = 1
    while i < len(value):
        if quote == '"' and value[i] == "\\":
            i += 2
            continue
        if value[i] == quote:
            if quote == "'" and value[i + 1:i + 2] == "'":  # '' is a quote inside '...'
                i += 2
                continue
            return False
        i += 1
    return True


def _value_mistake(key: str, value: str, lead: str) -> tuple[str, str] | None:
    """What is wrong with an inline value written after ``lead`` (e.g. '  - name: '), and the
    corrected line; None when nothing is."""
    value = value.strip()
    if not value:
        return None
    label = f"the {key}" if key else "the item"
    if value[0] in _CURLY_OPEN:
        plain, comment = _split_comment(value)
        inner = plain.strip().strip(_CURLY_OPEN + _CURLY_CLOSE)
        fixed = f"{lead}{_quoted(inner)}{comment}".rstrip()
        return (f"is in curly quotes “…”, which YAML keeps as part of the text; use straight quotes: "
                f"{fixed.strip()}", fixed)
    if value[0] in "\"'":
        if _unclosed(value):
            inner = value[1:].rstrip().rstrip(_CURLY_CLOSE)
            fixed = f"{lead}{_quoted(inner)}"
            return f"opens a quote {value[0]} and never closes it; end it with the same quote: {fixed.strip()}", fixed
        return None
    if value[0] in "[{" or _BLOCK_SCALAR.match(value) or value.startswith("#"):
        return None
    plain, comment = _split_comment(value)
    plain = plain.strip()
    if ": " in plain or plain.endswith(":") or plain[0] in _RESERVED_START:
        fixed = f"{lead}{_quoted(plain)}{comment}".rstrip()
        why = ("has ': ' in it, which YAML reads as the start of another field" if ": " in plain or plain.endswith(":")
               else f"starts with '{plain[0]}', which YAML does not allow at the start of a value")
        return f"{why}; put {label} in quotes: {fixed.strip()}", fixed
    return None


@dataclass
class _Block:
    """What the scanner knows of the top-level field it is in."""

    key: str = ""
    line: int = 0
    inline: bool = False  # its value is on the same line as its name
    scalar: bool = False  # a block scalar (| or >) follows
    child_indent: int | None = None
    child_dash: bool = False
    child_line: int = 0
    items: int = -1  # index of the current list item
    item_key_col: int | None = None  # column of the keys inside the current item of a list of groups
    item_first_key: str = ""
    item_first_line: int = 0


class _Scanner:
    def __init__(self, first_line: int):
        self.first_line = first_line
        self.found: list[Mistake] = []
        self.block = _Block()

    def add(self, number: int, field: str, message: str, replacement: str | None) -> None:
        self.found.append(Mistake(number, field, message, replacement, self.block.key))

    def field(self, key: str = "") -> str:
        b = self.block
        name = b.key + (f"[{b.items}]" if b.child_dash and b.items >= 0 else "")
        return f"{name}.{key}" if key and name and key != b.key else (name or key)

    def line(self, number: int, raw: str) -> None:
        raw = raw.rstrip("\r")
        if not raw.strip():
            return
        indent = len(raw) - len(raw.lstrip(" \t"))
        b = self.block
        if b.scalar and indent > 0:
            return  # the text of a | or > value
        b.scalar = False
        if raw.lstrip(" \t").startswith("#"):
            return
        raw = self.tabs(number, raw)
        indent = len(raw) - len(raw.lstrip(" "))
        content = raw.strip()
        if indent == 0 and not content.startswith("- ") and content != "-":
            self.top(number, content)
        else:
            self.child(number, raw, indent, content)

    def tabs(self, number: int, raw: str) -> str:
        """Report tabs outside quotes, and return the line with spaces in their place."""
        if "\t" not in raw:
            return raw
        out, quote = [], ""
        lead = True
        for ch in raw:
            if ch == "\t" and not quote:
                out.append("  " if lead else " ")
                continue
            if ch != " ":
                lead = False
            if ch in "\"'" and (not quote or quote == ch):
                quote = "" if quote else ch
            out.append(ch)
        fixed = "".join(out)
        if fixed == raw:
            return raw
        if "\t" in raw[:len(raw) - len(raw.lstrip(" \t"))]:  # a tab in front: put the line where it belongs
            fixed = " " * self.expected_indent(fixed.strip()) + fixed.strip()
        key = _KEY.match(fixed.strip().removeprefix("- "))
        where = "at the start of the line" if "\t" in raw[:len(raw) - len(raw.lstrip(" \t"))] else "in the line"
        field = key["key"] if key and indent_of(fixed) == 0 else self.field(key["key"] if key else "")
        if where == "at the start of the line":
            spaces = indent_of(fixed)
            how = (f"put {spaces} space{'s' * (spaces != 1)} in its place" if spaces
                   else "delete it, so the line starts at the beginning")
        else:
            how = "replace it with a space"
        self.add(number, field, f"has a tab {where}, and YAML needs spaces: {how}: {fixed.strip()}", fixed)
        return fixed

    def expected_indent(self, content: str) -> int:
        """Where a line that was indented with a tab belongs, from the lines above it."""
        b = self.block
        if not b.key or b.inline:
            return 0
        if b.child_dash and b.child_indent is not None:
            dash = content.startswith("- ")
            return b.child_indent if dash or b.item_key_col is None else b.item_key_col
        return b.child_indent if b.child_indent is not None else 2

    def top(self, number: int, content: str) -> None:
        """A line at the start: a new top-level field."""
        m = _KEY.match(content)
        if m is None:
            near = _KEY_NO_SPACE.match(content)
            if near and near["key"] in KNOWN_FIELDS:
                fixed = f"{near['key']}: {near['after']}"
                self.block = _Block(key=near["key"], line=number, inline=True)
                self.add(number, near["key"], f"needs a space after the colon: {fixed}", fixed)
                return
            prev = self.block
            if prev.key and prev.child_dash and ":" not in content:
                fixed = " " * (prev.child_indent or 0) + "- " + content
                self.add(number, self.field(), f"is a list item without '- ' in front; write it as: - {content}",
                         fixed)
                return
            if prev.key in LIST_FIELDS and prev.inline is False and ":" not in content:
                fixed = "  - " + content
                self.add(number, prev.key, f"is a list item without '- ' in front; write it as: - {content}", fixed)
                return
            if ":" not in content:
                self.add(number, "", f"'{content[:40]}' is not a 'field: value' line; if it goes on from the line "
                                     "above, indent it by two spaces; if it is a field, write 'name: value'", None)
            return  # a key YAML reads in its own way ('Key points: ...'): the model names it
        key, after = m["key"], m["after"]
        value, _ = _split_comment(after) if not after.strip().startswith(("\"", "'")) else (after, "")
        self.block = _Block(key=key, line=number, inline=bool(value.strip()))
        if value.strip() and _BLOCK_SCALAR.match(after.strip()):
            self.block.scalar, self.block.inline = True, False
            return
        wrong = _value_mistake(key, after, f"{key}: ")
        if wrong:
            self.add(number, key, *wrong)

    def child(self, number: int, raw: str, indent: int, content: str) -> None:
        """An indented line, or a list item: part of the current top-level field."""
        b = self.block
        if not b.key:
            return
        dash = content == "-" or content.startswith("- ")
        rest = content[1:].lstrip(" ") if dash else content
        if b.inline:
            m = _KEY.match(content)
            if m and m["key"] in KNOWN_FIELDS and not dash:
                value = _split_comment(m["after"])[0].strip()
                self.block = _Block(key=m["key"], line=number, inline=bool(value),
                                    scalar=bool(_BLOCK_SCALAR.match(value)) if value else False)
                self.add(number, m["key"], f"'{m['key']}' starts with {indent} space{'s' * (indent != 1)}; "
                                           f"a field of its own starts at the beginning of the line: {content}",
                         content)
            return
        if b.child_indent is None:
            b.child_indent, b.child_dash, b.child_line = indent, dash, number
        if b.child_dash:
            self.list_line(number, indent, content, dash, rest)
        elif dash:
            self.add(number, self.field(), f"starts a list inside {b.key}, whose first line (line {b.child_line}) "
                                           "is not a list item; start every item with '- ', lined up", None)
        else:
            self.group_line(number, indent, content)

    def list_line(self, number: int, indent: int, content: str, dash: bool, rest: str) -> None:
        b = self.block
        assert b.child_indent is not None
        if dash:
            self.dash_line(number, indent, content, rest)
            return
        m = _KEY.match(content) or _KEY_NO_SPACE.match(content)
        if m is None or (m["key"] not in KNOWN_FIELDS and " " in content.split(":")[0]):
            if indent <= b.child_indent:
                fixed = " " * b.child_indent + "- " + content
                self.add(number, f"{b.key}[{b.items + 1}]", f"is a list item without '- ' in front; write it as: "
                                                            f"- {content}", fixed)
                b.items += 1
            return  # deeper: the item's text goes on from the line above
        key = m["key"]
        if not _KEY.match(content):
            fixed = " " * indent + f"{key}: {m['after']}"
            self.add(number, self.field(key), f"needs a space after the colon: {fixed.strip()}", fixed)
        if b.item_key_col is None or indent == b.item_key_col:
            wrong = _value_mistake(key, m["after"], " " * indent + f"{key}: ")
            if wrong:
                self.add(number, self.field(key), *wrong)
            return
        if indent == b.child_indent and key == b.item_first_key:
            fixed = " " * b.child_indent + "- " + content
            b.items += 1
            self.add(number, self.field(key), f"starts a new item of {b.key} without '- ' in front; "
                                              f"write it as: - {content}", fixed)
            return
        fixed = " " * b.item_key_col + content
        self.add(number, self.field(key), f"'{key}' does not line up with '{b.item_first_key}' on line "
                                          f"{b.item_first_line}; put {b.item_key_col} spaces before it, as in: "
                                          f"{content}", fixed)

    def dash_line(self, number: int, indent: int, content: str, rest: str) -> None:
        """A list item: lined up with the first, and its value or first field checked."""
        b = self.block
        assert b.child_indent is not None
        # Deeper under an item that is a group of fields: YAML cannot read it. (Deeper under an
        # empty '- ' is a list in a list, and under text it goes on from that text.)
        if indent < b.child_indent or (indent > b.child_indent and b.item_key_col is not None):
            fixed = " " * b.child_indent + content
            self.add(number, self.field(), f"this '-' does not line up with the '-' on line {b.child_line}; "
                                           f"put {b.child_indent} space{'s' * (b.child_indent != 1)} before it",
                     fixed)
        b.items += 1
        b.item_key_col = None
        lead = " " * b.child_indent + "- "
        m = _KEY.match(rest)
        if m and (m["key"] in KNOWN_FIELDS or " " not in m["key"]):
            b.item_key_col = b.child_indent + len(content) - len(rest)
            b.item_first_key, b.item_first_line = m["key"], number
            wrong = _value_mistake(m["key"], m["after"], f"{lead}{m['key']}: ")
            if wrong:
                self.add(number, self.field(m["key"]), *wrong)
            return
        near = _KEY_NO_SPACE.match(rest)
        if near and near["key"] in KNOWN_FIELDS:
            fixed = f"{lead}{near['key']}: {near['after']}"
            self.add(number, self.field(near["key"]), f"needs a space after the colon: {fixed.strip()}", fixed)
            b.item_key_col, b.item_first_key, b.item_first_line = b.child_indent + 2, near["key"], number
            return
        wrong = _value_mistake("", rest, lead)
        if wrong:
            self.add(number, self.field(), *wrong)

    def group_line(self, number: int, indent: int, content: str) -> None:
        b = self.block
        assert b.child_indent is not None
        m = _KEY.match(content)
        if m is None:
            if b.key in LIST_FIELDS and indent >= b.child_indent:
                fixed = " " * b.child_indent + "- " + content
                b.items += 1
                self.add(number, f"{b.key}[{b.items}]", f"is a list item without '- ' in front; write it as: "
                                                        f"- {content}", fixed)
            return  # the value goes on from the line above
        if indent != b.child_indent:
            fixed = " " * b.child_indent + content
            self.add(number, f"{b.key}.{m['key']}", f"'{m['key']}' does not line up with the line {b.child_line} "
                                                    f"above it; put {b.child_indent} spaces before it", fixed)


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def scan(lines: list[str], first_line: int = 2) -> list[Mistake]:
    """Every layout mistake in the front matter ``lines`` (the first of which is the file's line
    ``first_line``), in line order."""
    scanner = _Scanner(first_line)
    for i, raw in enumerate(lines):
        scanner.line(first_line + i, raw)
    return scanner.found


_FIELD_LINE = re.compile(r"^(?:[A-Za-z_][\w-]*:|[ \t]|-|#)")


def guess_end(text: str) -> int | None:
    """Where front matter with no closing '---' most likely ends: the number of lines after the
    opening '---' that look like fields (None when not even the first does)."""
    lines = text.split("\n")[1:]
    count = 0
    for i, line in enumerate(lines):
        if not line.strip() or not _FIELD_LINE.match(line) or line.startswith("##"):
            break
        count = i + 1
    return count or None
