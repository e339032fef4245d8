"""Find markup in content that could run code in a reader's browser.

Case studies and podcast episodes are written by editors in Markdown, which passes raw
HTML straight through to the page. The site allows ordinary Markdown and simple HTML
(tables, ``<abbr>``, ``<details>``, ``<br>``, ``<sup>``, ``<kbd>`` ...) but nothing that
runs or loads active content. :func:`scan_unsafe_markup` reports:

* elements that run or embed things: ``<script>``, ``<style>``, ``<iframe>``,
  ``<frame>``, ``<frameset>``, ``<object>``, ``<embed>``, ``<applet>``, ``<base>``,
  ``<meta>``, ``<link>`` and ``<form>``;
* inline event handler attributes inside a tag (``<img src=x onerror=...>``), also in
  attribute lists (``{: onclick="..." }``);
* ``javascript:``, ``vbscript:`` and ``data:`` URLs (other than plain images) in Markdown
  links and images, link reference definitions, autolinks and URL attributes such as
  ``href`` and ``src``. Character references, escapes, whitespace and control
  characters are removed before the check (``java&#x09;script:`` is ``javascript:``).

Code is not a problem: an editor may show markup in a fenced code block (``` or ~~~)
or an inline code span. To stay on the safe side, the rules for what is code follow the
site's Markdown (Python-Markdown with SuperFences) and lean towards reporting: a fence
only counts once it is closed by the same fence at the same indentation (an unclosed
fence is not code, so what follows it is published as HTML), and neither fences nor
code spans count inside a raw HTML block (a line starting with a block tag such as
``<div>`` or ``<details>``, up to its end tag and the next blank line), where Markdown
passes text through untouched.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from dataclasses import dataclass

__all__ = ["MarkupProblem", "UNSAFE_ELEMENTS", "scan_unsafe_markup"]

UNSAFE_ELEMENTS = frozenset(
    {
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "base",
        "meta",
        "link",
        "form",
    }
)

# Attributes whose value a browser follows or loads as a URL.
_URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "action",
        "formaction",
        "xlink:href",
        "data",
        "poster",
        "background",
        "lowsrc",
        "dynsrc",
        "codebase",
        "cite",
        "longdesc",
        "srcset",
        "ping",
        "manifest",
        "icon",
        "to",
        "from",
        "values",
    }
)

# Elements that Markdown leaves inside a paragraph when a line starts with them; a line
# starting with any other tag starts a raw HTML block, where Markdown is not applied.
_INLINE_ELEMENTS = frozenset(
    {
        "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn", "em", "i",
        "img", "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup",
        "time", "u", "var", "wbr",
    }
)

# Elements with no end tag: they never stay open.
_VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)

_HELP = "the site allows ordinary Markdown and simple HTML such as tables, <abbr> and <details>"


@dataclass(frozen=True)
class MarkupProblem:
    """One piece of unsafe markup, by line."""

    line: int
    what: str

    @property
    def message(self) -> str:
        """What is wrong and what to do, in words an editor can act on."""
        return f"{self.what} is not allowed in content: remove it; {_HELP}"


# A fence may be indented (in a list or admonition) or quoted ("> ```"). As with the
# site's Markdown (SuperFences), the closing fence must repeat the opening fence exactly,
# with the same indentation (```` does not close ```), and an indented fence only holds
# lines indented as much. After the info string come only a language and a title.
_FENCE_OPEN_RE = re.compile(r"^(?P<indent>[> \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_FENCE_CLOSE_RE = re.compile(r"^(?P<indent>[> \t]*)(?P<fence>`{3,}|~{3,})[ \t]*$")
_FENCE_INFO_RE = re.compile(
    r"""[ \t]*(?:\.?[\w#.+-]+(?=[ \t]|$))?(?:[ \t]*title=(?:"[^"\n]*"|'[^'\n]*')(?=[ \t]|$))?[ \t]*"""
)
_BACKTICKS_RE = re.compile(r"`+")
# A line starting with a block-level tag, a comment or a declaration starts raw HTML.
_HTML_BLOCK_START_RE = re.compile(r"^[ ]{0,3}<(?:(?P<tag>[A-Za-z][A-Za-z0-9-]*)(?=[\s/>]|$)|[!?])")
_HTML_TOKEN_RE = re.compile(r"<!--|<(?P<slash>/?)(?P<name>[A-Za-z][A-Za-z0-9-]*)(?=[\s/>]|$)")

_TAG_RE = re.compile(r"<(?P<name>[A-Za-z][A-Za-z0-9:-]*)(?=[\s/>]|\Z)")
_ATTRIBUTE_RE = re.compile(
    r"""[\s/]*(?P<name>[^\s"'<>/=]+)(?:\s*=\s*(?P<value>"[^"]*"|'[^']*'|[^\s>]+))?"""
)
_AUTOLINK_RE = re.compile(r"<[ \t]*(?P<url>(?:javascript|vbscript|data)[ \t]*:[^<>\n]*)", re.IGNORECASE)
_LINK_RE = re.compile(r"\]\([ \t]*(?:\n[ \t]*)?(?P<url>[^)\n]*)")
_REFERENCE_RE = re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:[ \t]*(?:\n[ \t]*)?(?P<url>[^\s]+)", re.MULTILINE)
_ATTRIBUTE_LIST_RE = re.compile(r"\{:?(?P<body>[^{}\n]*)\}")

_ESCAPE_RE = re.compile(r"\\(?=[!-/:-@\[-`{-~])")
_INVISIBLE_RE = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff]+")
_SAFE_DATA_RE = re.compile(r"data:image/(?:png|gif|jpe?g|webp|avif|bmp)[;,]")


def _unsafe_url(raw: str) -> str | None:
    """The problem with a URL as a browser would read it, or None if it is fine."""
    url = _ESCAPE_RE.sub("", html.unescape(raw))
    url = _INVISIBLE_RE.sub("", url).lstrip("<\"'").lower()
    if url.startswith("javascript:"):
        return "javascript: URL"
    if url.startswith("vbscript:"):
        return "vbscript: URL"
    if url.startswith("data:") and not _SAFE_DATA_RE.match(url):
        return "data: URL"
    return None


def _visible_text(lines: list[str]) -> str:
    """The text with code blanked out, offsets unchanged, for the markup checks.

    Closed fenced code blocks and inline code spans become spaces (newlines are kept).
    Inside a raw HTML block, nothing is treated as code.
    """
    n = len(lines)
    closers: list[tuple[str, str] | None] = []
    for line in lines:
        m = _FENCE_CLOSE_RE.match(line)
        closers.append((m["indent"], m["fence"]) if m else None)
    # Once a fence is left open, or there is a fence we cannot be sure about, the site's
    # Markdown may pair fences differently from here on: no later fence counts as code.
    fences_on = True

    def fence_end(i: int, after_indented_code: bool) -> int | None:
        """The line closing a fenced code block opened on line ``i``, or None."""
        nonlocal fences_on
        opening = _FENCE_OPEN_RE.match(lines[i]) if fences_on else None
        if not opening:
            return None
        indent, fence, info = opening["indent"], opening["fence"], opening["info"]
        if fence[0] == "`" and "`" in info:
            return None  # ```x``` is inline code, not a fence
        # A fence straight after an indented code block (no blank line between) is put
        # back as text by SuperFences: not code.
        if _FENCE_INFO_RE.fullmatch(info) and not after_indented_code:
            for j in range(i + 1, n):
                if closers[j] == (indent, fence):
                    return j
                if indent and lines[j].strip() and not lines[j].startswith(indent):
                    break
        fences_on = False
        return None

    out = list(lines)
    raw: _RawHtml | None = None  # the raw HTML block we are in, where Markdown passes text through
    spans_trusted = True  # False once a line in this paragraph has an unpaired backtick
    block_start = True  # at the first line after a blank line
    indented_block = False  # this block of lines starts as an indented code block
    i = 0
    while i < n:
        line = lines[i]
        if block_start and line.strip():
            indented_block = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip()) >= 4
        end = fence_end(i, indented_block and not block_start)
        block_start = not line.strip()
        if end is not None:
            if raw is None:
                out[i : end + 1] = [" " * len(lines[k]) for k in range(i, end + 1)]
            i = end + 1
            continue
        if not line.strip():
            # A raw HTML block ends at a blank line once its elements are closed. If
            # fences are in doubt, so are the end tags (one may be inside a fence).
            if raw is None or (raw.closed and fences_on):
                raw = None
                spans_trusted = True
        elif raw is not None:
            raw.feed(line)
        elif (start := _HTML_BLOCK_START_RE.match(line)) and (start["tag"] or "").lower() not in _INLINE_ELEMENTS:
            raw = _RawHtml()
            raw.feed(line)
        elif spans_trusted and "`" in line:
            spans = _code_spans(line)
            if spans is None:
                spans_trusted = False
            else:
                chars = list(line)
                for s, e in spans:
                    chars[s:e] = " " * (e - s)
                out[i] = "".join(chars)
        i += 1
    return "\n".join(out)


def _code_spans(line: str) -> list[tuple[int, int]] | None:
    """The inline code spans on a line, or None if they cannot be known from the line alone.

    Markdown pairs a run of backticks with the next run of the same length, and that
    pairing may reach into the next line. Only when every run on the line pairs up on
    the line, and none is escaped, are the spans certain; otherwise None.
    """
    runs = [(m.start(), m.end()) for m in _BACKTICKS_RE.finditer(line)]
    if any(start > 0 and line[start - 1] == "\\" for start, _ in runs):
        return None
    starts_by_length: dict[int, list[int]] = {}
    for start, end in runs:
        starts_by_length.setdefault(end - start, []).append(start)
    spans = []
    consumed = 0
    for start, end in runs:
        if start < consumed:
            continue  # inside the span before
        length = end - start
        same = starts_by_length[length]
        k = bisect_right(same, start)
        if k == len(same):
            return None
        consumed = same[k] + length
        spans.append((start, consumed))
    return spans


class _RawHtml:
    """The open elements of a raw HTML block, followed line by line.

    Like Python-Markdown, an end tag closes the innermost open element of its name and
    everything opened inside it; end tags with no open element are ignored; void
    elements (``<br>``, ``<img>`` ...) never open. Inside a comment, start tags still
    count but end tags do not, so the block never looks closed earlier than a browser
    or Markdown would close it, whichever way they read the comment.
    """

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.counts: dict[str, int] = {}
        self.in_comment = False

    @property
    def closed(self) -> bool:
        return not self.stack and not self.in_comment

    def feed(self, line: str) -> None:
        pos = 0
        while True:
            if self.in_comment:
                close = line.find("-->", pos)
                limit = len(line) if close < 0 else close
                for m in _HTML_TOKEN_RE.finditer(line, pos, limit):
                    if m["name"] and not m["slash"]:
                        self._open(m["name"].lower())
                if close < 0:
                    return
                pos = close + 3
                self.in_comment = False
            m = _HTML_TOKEN_RE.search(line, pos)
            if not m:
                return
            pos = m.end()
            if not m["name"]:
                self.in_comment = True
            elif m["slash"]:
                self._close(m["name"].lower())
            else:
                self._open(m["name"].lower())

    def _open(self, name: str) -> None:
        if name not in _VOID_ELEMENTS:
            self.stack.append(name)
            self.counts[name] = self.counts.get(name, 0) + 1

    def _close(self, name: str) -> None:
        if not self.counts.get(name):
            return
        while self.stack:
            top = self.stack.pop()
            self.counts[top] -= 1
            if top == name:
                return


def _read_attributes(text: str, pos: int, found: dict[tuple[int, str], None], end: int | None = None) -> int:
    """Record unsafe attributes from ``pos`` to the end of the tag; return where it ended.

    Event handlers (any attribute named ``on...`` with a value) and unsafe URLs in URL
    attributes are recorded in ``found`` as (offset, what).
    """
    limit = len(text) if end is None else end
    while pos < limit:
        if text[pos] in "<>":
            return pos
        m = _ATTRIBUTE_RE.match(text, pos, limit)
        if not m:
            pos += 1
            continue
        name = m["name"].lower()
        value = m["value"]
        if value is not None:
            if name.startswith("on") and len(name) > 2:
                found[(m.start("name"), f"inline event handler '{name}'")] = None
            elif name in _URL_ATTRIBUTES:
                if len(value) > 1 and value[0] in "\"'" and value[-1] == value[0]:
                    value = value[1:-1]
                what = _unsafe_url(value)
                if what:
                    found[(m.start("value"), what)] = None
        pos = m.end()
    return pos


def scan_unsafe_markup(text: str, *, start_line: int = 1) -> list[MarkupProblem]:
    """Find markup that could run code or load active content in a reader's browser.

    ``start_line`` is the number of the first line of ``text`` in its file, so that a
    body scanned after its front matter reports the file's own line numbers.

    Returns one problem per unsafe element, handler attribute or URL, sorted by line and
    then by position. Markup shown as code (fenced blocks, inline code spans) is not
    reported.
    """
    visible = _visible_text(text.split("\n"))
    line_starts = [0] + [m.end() for m in re.finditer(r"\n", visible)]
    found: dict[tuple[int, str], None] = {}

    attributes_read_to = 0
    for m in _TAG_RE.finditer(visible):
        name = m["name"].lower()
        if name in UNSAFE_ELEMENTS:
            found[(m.start(), f"<{name}> element")] = None
        # A "tag" inside the attributes of the tag before it is, to a browser, more of
        # those attributes, which have been read already.
        if m.start() >= attributes_read_to:
            attributes_read_to = _read_attributes(visible, m.end(), found)

    for m in _AUTOLINK_RE.finditer(visible):
        what = _unsafe_url(m["url"])
        if what:
            found[(m.start("url"), what)] = None

    for pattern in (_LINK_RE, _REFERENCE_RE):
        for m in pattern.finditer(visible):
            url = m["url"].lstrip(" \t<")
            what = _unsafe_url(url)
            if what:
                found[(m.end("url") - len(url), what)] = None

    for m in _ATTRIBUTE_LIST_RE.finditer(visible):
        _read_attributes(visible, m.start("body"), found, m.end("body"))

    problems = []
    for offset, what in sorted(found):
        problems.append(MarkupProblem(line=start_line + bisect_right(line_starts, offset) - 1, what=what))
    return problems
