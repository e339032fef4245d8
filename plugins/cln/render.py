"""A body's Markdown rendered as the site renders it, and the text readers see in it.

The checks that protect readers (unsafe markup, patient data) read the output, not the
source: this module renders a body with the site's own Markdown extensions (the same list
MkDocs is given in mkdocs.yml) and turns HTML into the plain text a reader sees, with
entities decoded and the lines of a paragraph joined.

Python-Markdown's cost grows with the square of some runs (unmatched ``[``, unclosed
``<a``), so a body is first held to a size and to a bound on those runs, and the rendering
itself to a time limit: no content file can hold up the build.
"""

from __future__ import annotations

import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

import markdown

MAX_BODY_BYTES = 200 * 1024
MAX_UNMATCHED_BRACKETS = 200  # in one paragraph; each costs Markdown time in proportion to the others
MAX_OPEN_TAGS = 200  # '<' + a letter with no '>' before the next '<', in the whole body
RENDER_SECONDS = 10.0
# MkDocs always adds these to the configured list.
BUILTIN_EXTENSIONS = ("toc", "tables", "fenced_code")


@dataclass(frozen=True)
class MarkdownSettings:
    """The Markdown extensions (names) and their settings, as in mkdocs.yml."""

    extensions: tuple[str, ...] = ("abbr", "admonition", "attr_list", "md_in_html", "tables", "toc")
    configs: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()

    @classmethod
    def from_mkdocs(cls, extensions: list, configs: dict | None = None) -> MarkdownSettings:
        """From MkDocs' ``markdown_extensions`` list (names, or one-key mappings) and its ``mdx_configs``."""
        names: list[str] = []
        found: dict[str, dict] = dict(configs or {})
        for item in extensions:
            if isinstance(item, dict):
                for name, options in item.items():
                    names.append(str(name))
                    if isinstance(options, dict):
                        found[str(name)] = options
            elif isinstance(item, str):
                names.append(item)
        for name in BUILTIN_EXTENSIONS:
            if name not in names:
                names.append(name)
        frozen = tuple(sorted((name, tuple(sorted((str(k), _freeze(v)) for k, v in opts.items())))
                              for name, opts in found.items() if name in names))
        return cls(tuple(names), frozen)


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    return value


def _thaw(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


class RenderError(Exception):
    """The body cannot be rendered within the site's limits; the message says why, for an editor."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.line = line  # 0-based line of the body, where known


@lru_cache(maxsize=4)
def _converter(settings: MarkdownSettings) -> markdown.Markdown:
    configs = {name: {k: _thaw(v) for k, v in opts} for name, opts in settings.configs}
    return markdown.Markdown(extensions=list(settings.extensions), extension_configs=configs)


_BLOCK_SPLIT = re.compile(r"\n[ \t]*\n")
_OPEN_TAG = re.compile(r"<[A-Za-z][^<>]*(?=<|\Z)")


def check_cost(body: str) -> None:
    """Refuse a body that would take Markdown more than a moment (size and pathological runs)."""
    size = len(body.encode("utf-8"))
    if size > MAX_BODY_BYTES:
        raise RenderError(f"is {size // 1024} KB; the limit is {MAX_BODY_BYTES // 1024} KB: split it into "
                          "shorter case studies, or move long material to a linked document")
    start = 0
    for m in [*_BLOCK_SPLIT.finditer(body), None]:
        end = m.start() if m else len(body)
        unmatched = _unmatched_brackets(body[start:end])
        if unmatched > MAX_UNMATCHED_BRACKETS:
            raise RenderError(f"has {unmatched} '[' without a matching ']' in one paragraph (at most "
                              f"{MAX_UNMATCHED_BRACKETS}); remove them or write them as \\[",
                              body.count("\n", 0, start))
        start = m.end() if m else end
    open_tags = _OPEN_TAG.findall(body)
    if len(open_tags) > MAX_OPEN_TAGS:
        raise RenderError(f"has {len(open_tags)} '<' starting a tag that never ends with '>' (at most "
                          f"{MAX_OPEN_TAGS}); write a lone < as &lt;")


def _unmatched_brackets(block: str) -> int:
    depth = 0
    escaped = False
    for ch in block:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "[":
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
    return depth


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Stop the work inside with RenderError after ``seconds`` (only in the main thread)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise RenderError(f"takes Markdown more than {seconds:g} seconds to read; look for long runs of "
                          "'[', '<' or '*' and simplify them")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def render(body: str, settings: MarkdownSettings) -> str:
    """The body's HTML, as the site's Markdown makes it (before cleaning)."""
    check_cost(body)
    converter = _converter(settings)
    try:
        with _time_limit(RENDER_SECONDS):
            return converter.reset().convert(body)
    finally:
        converter.reset()


# Elements whose start or end separates text: a reader sees a break, so text is not joined there.
_BREAKS = frozenset({
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "br", "hr",
    "blockquote", "pre", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "details",
    "summary", "figure", "figcaption", "img", "section", "article", "header", "footer",
})
SEPARATOR = "\n\n"  # between blocks: no identifier pattern reaches across it


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKS:
            self.parts.append(SEPARATOR)
        for name, value in attrs:
            if name in ("alt", "title") and value:
                self.parts.append(SEPARATOR + value + SEPARATOR)

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag in _BREAKS:
            self.parts.append(SEPARATOR)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


@dataclass
class Blocks:
    """The text a reader sees, as blocks (paragraphs, cells, list items), each with its lines joined."""

    items: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return SEPARATOR.join(self.items)


def visible_text(html: str) -> Blocks:
    """The text of ``html`` as readers see it: tags removed, entities decoded, each block's lines joined."""
    reader = _Text()
    reader.feed(html)
    reader.close()
    joined = "".join(reader.parts)
    return Blocks([" ".join(chunk.split()) for chunk in joined.split(SEPARATOR) if chunk.strip()])
