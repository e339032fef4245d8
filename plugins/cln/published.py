"""Checks on content as readers receive it: the rendered body's markup, and patient data in
the text as readers see it (front matter values after YAML, bodies after Markdown, transcript
cues joined across their lines, file names).

The line-by-line scan of the source (privacy.scan) stays: the source is published too, in
the repository. These checks add what only the output shows, and each finding is given the
source line where its characters are, so the editor can find it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from . import privacy, render, sanitise
from .errors import Problem
from .yamlsource import Source

MARKUP_HELP = ("the site allows ordinary Markdown and simple HTML (headings, lists, links, images, tables, "
               "<abbr>, <details>, <sup>, <sub>; see CONTRIBUTING.md)")
_ALLOW = re.compile(r"privacy-allow:\s*(?P<reason>[^\n]*?)\s*(?:-->|$)", re.IGNORECASE)
# Control characters a reader never means to publish: NUL, Word's manual line break (VT), form feed ...
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_NAMES = {"\x0b": "a vertical tab (Word's manual line break)", "\x00": "a NUL byte", "\x0c": "a form feed"}


@dataclass
class Findings:
    """Problems, and the privacy findings an editor allowed on purpose, of one file."""

    problems: list[Problem] = field(default_factory=list)
    allowed: list[tuple[str, int, str, str]] = field(default_factory=list)  # (path, line, kind, reason)
    links: list[tuple[int, str]] = field(default_factory=list)  # (line, href) of relative links and images
    html: str = ""


def allow_reason(line_text: str) -> str | None:
    """The reason given by a ``privacy-allow:`` marker on a line, or None."""
    m = _ALLOW.search(line_text)
    return m["reason"].strip() or None if m else None


def control_characters(path: str, text: str, first_line: int, what: str) -> list[Problem]:
    """Invisible control characters (NUL, vertical tab ...) in a text, one problem a line."""
    problems = []
    for number, line in enumerate(text.split("\n")):
        m = _CONTROL.search(line)
        if m:
            name = _CONTROL_NAMES.get(m.group(), f"the control character U+{ord(m.group()):04X}")
            problems.append(Problem(path, first_line + number, what,
                                    f"contains {name}, which readers cannot see and feeds cannot carry; delete it "
                                    "(retype the line if you cannot see it)"))
    return problems


def _located(findings: list[Any], raw_lines: list[str], first_line: int,
             default_line: int) -> Iterator[tuple[Any, int]]:
    """Each finding with its file line; the same value found again is looked for after the last."""
    last: dict[str, int] = {}
    for finding in findings:
        index = None
        if finding.key in last:
            index = privacy.locate(raw_lines, finding, start=last[finding.key] + 1)
        if index is None:
            index = privacy.locate(raw_lines, finding)
        if index is not None:
            last[finding.key] = index
        yield finding, (first_line + index if index is not None else default_line)


def privacy_in_text(path: str, text: str, raw_lines: list[str], first_line: int, default_line: int,
                    what: str, out: Findings, seen: set[tuple[int, str]], emails: tuple[str, ...]) -> None:
    """Patient data in text as readers see it, reported on the source line that holds it.

    ``seen`` holds (line, kind) already reported by the line-by-line scan, so nothing is said twice.
    """
    for finding, line in _located(privacy.scan_text(text, allowed_emails=emails), raw_lines, first_line,
                                  default_line):
        if (line, finding.kind) in seen:
            continue
        seen.add((line, finding.kind))
        index = line - first_line
        raw = raw_lines[index] if 0 <= index < len(raw_lines) else ""
        reason = allow_reason(raw)
        if reason is None and index + 1 < len(raw_lines) and _key_chars(finding.key) not in _key_chars(raw):
            reason = allow_reason(raw_lines[index + 1])  # a value wrapped onto the next line: its marker is there
        if reason:
            out.allowed.append((path, line, finding.kind, reason))
        else:
            out.problems.append(Problem(path, line, what, privacy.Finding(line, finding.kind, finding.masked,
                                                                           False, None).message))


def _key_chars(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", text).lower()


def _strings(value: Any, loc: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, (*loc, i))


def check_file(path: str, source: Source, emails: tuple[str, ...], markdown: render.MarkdownSettings) -> Findings:
    """Every check of one content file that reads it as readers will: privacy, control characters, markup."""
    out = Findings()
    lines = source.text.split("\n")
    guid_line = source.lines.get(("guid",))
    skip = frozenset({guid_line}) if guid_line else frozenset()
    seen: set[tuple[int, str]] = set()
    for finding in privacy.scan(source.text, allowed_emails=emails, skip_lines=skip):
        seen.add((finding.line, finding.kind))
        if finding.allowed:
            out.allowed.append((path, finding.line, finding.kind, finding.reason or ""))
        else:
            out.problems.append(Problem(path, finding.line, "privacy", finding.message))
    data = source.data if isinstance(source.data, dict) else {}
    for loc, value in _strings(data, ()):
        if loc[:1] == ("guid",):
            continue
        line = source.line_of(loc)
        privacy_in_text(path, value, lines[line - 1:line + 30], line, line, "privacy", out, seen, emails)
    body_lines = source.body.split("\n")
    out.problems += control_characters(path, source.body, source.body_line, "body")
    try:
        html = render.render(source.body, markdown)
    except render.RenderError as exc:
        out.problems.append(Problem(path, source.body_line + exc.line, "body", str(exc)))
        return out
    for removal in sanitise.removals(html):
        out.problems.append(Problem(path, _line_of(body_lines, removal.needle, source.body_line), "body",
                                    f"{removal.what} is not allowed in content: remove it; {MARKUP_HELP}"))
    privacy_in_text(path, render.visible_text(html).text, body_lines, source.body_line, source.body_line,
                    "privacy", out, seen, emails)
    out.links = [(_line_of(body_lines, href, source.body_line), href) for href in _relative_links(html)]
    out.html = html
    return out


def _line_of(lines: list[str], needle: str, first_line: int) -> int:
    """The file line of the first body line holding ``needle`` (any case), else the body's first line."""
    low = needle.lower()
    for number, line in enumerate(lines):
        if low in line.lower():
            return first_line + number
    for number, (line, following) in enumerate(itertools.pairwise(lines)):  # wrapped over a line break
        if low in (line.rstrip() + following.lstrip()).lower():
            return first_line + number
    return first_line


_HREF = re.compile(r'<(?:a|img)\b[^>]*?\b(?:href|src)="([^"]*)"')


def _relative_links(html: str) -> list[str]:
    """Relative addresses of links and images in rendered HTML (entities left as written)."""
    import html as html_mod

    found = []
    for m in _HREF.finditer(html):
        url = html_mod.unescape(m.group(1))
        if url and not url.startswith(("/", "#", "\\")) and sanitise.url_scheme(url) is None and "//" not in url[:2]:
            found.append(url)
    return found


def check_name(path: str) -> list[Problem]:
    """A file name that reads as patient data (it would be in the address, sitemap and feeds)."""
    name = path.rsplit("/", 1)[-1]
    found = privacy.scan_text(name.rsplit(".", 1)[0])
    if not found:
        return []
    masked = privacy.mask_identifiers(path)
    return [Problem(masked, 0, "privacy", f"the file name looks like {privacy_article(found[0].kind)} "
                                          f"({found[0].masked}); rename the file without it")]


def privacy_article(kind: str) -> str:
    return ("an " if kind[0] in "aeiouAEIOU" or kind.startswith("NHS") else "a ") + kind


def check_page(path: str, text: str, emails: tuple[str, ...], markdown: render.MarkdownSettings) -> Findings:
    """A hand-written page (docs/): the same privacy and markup checks as a content file's body."""
    from .yamlsource import split_front_matter

    parts = split_front_matter(text) if text.startswith("---") else None
    _front, body = parts if parts is not None else ("", text)
    body_line = 1 + (text.count("\n") - body.count("\n") if parts is not None else 0)
    source = Source(path, {}, body, body_line, text, {})
    out = check_file(path, source, emails, markdown)
    return out
