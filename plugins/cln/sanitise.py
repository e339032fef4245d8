"""The HTML readers and podcast apps receive, cleaned by an allowlist (nh3, Rust's ammonia).

Safety comes from the output, not the input: whatever Markdown and its extensions make of
an editor's text, :func:`clean` keeps only the elements, attributes and URL schemes of the
content contract's "HTML in content". :func:`removals` says what cleaning would take away,
so that the build can refuse such content with a message instead of changing it silently.

It compares like with like: the same parser (html5ever, inside nh3) re-serialises the HTML
once with everything kept and once with the allowlist, so harmless differences of writing
(quotes, entities, ``<br>`` against ``<br/>``) never count as a removal. Names of what was
removed come from reading the HTML with Python's parser; when that reader sees nothing wrong
but the two serialisations still differ (markup that parsers read differently), the
removal is reported all the same, in general words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

import nh3

__all__ = ["ALLOWED_ATTRIBUTES", "ALLOWED_SCHEMES", "ALLOWED_TAGS", "Removal", "clean", "removals"]

# The contract's allowlist, with the elements Markdown itself makes for those features
# (``div`` for admonitions and md_in_html, ``span`` and ``pre`` for code, table parts).
ALLOWED_TAGS = frozenset({
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "dl", "dt", "dd",
    "em", "strong", "b", "i", "a", "img", "blockquote", "code", "pre", "kbd",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "abbr", "details", "summary", "figure", "figcaption", "sup", "sub", "hr", "br", "div", "span",
})
_GENERIC = frozenset({"id", "class", "title"})
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": _GENERIC,
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt"}),
    "th": frozenset({"colspan", "rowspan", "align"}),  # align: Markdown's own table alignment
    "td": frozenset({"colspan", "rowspan", "align"}),
    "details": frozenset({"open"}),
}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
_URL_ATTRIBUTES = frozenset({"href", "src"})

# Every element name a browser knows, for the pass that keeps everything: an element
# outside this list is removed by both passes, and found by the reader instead.
_KNOWN_TAGS = ALLOWED_TAGS | frozenset({
    "html", "head", "body", "title", "base", "link", "meta", "style", "script", "noscript", "template",
    "iframe", "frame", "frameset", "noframes", "object", "embed", "applet", "param", "form", "input",
    "button", "select", "option", "optgroup", "textarea", "label", "fieldset", "legend", "output",
    "datalist", "progress", "meter", "svg", "math", "canvas", "video", "audio", "source", "track",
    "picture", "map", "area", "xmp", "plaintext", "listing", "noembed", "marquee", "blink", "font",
    "center", "big", "small", "tt", "u", "s", "strike", "del", "ins", "mark", "q", "cite", "dfn",
    "var", "samp", "time", "data", "ruby", "rt", "rp", "bdi", "bdo", "wbr", "nav", "main", "article",
    "section", "aside", "header", "footer", "address", "hgroup", "menu", "dialog", "slot", "col",
    "colgroup", "image", "isindex", "keygen", "basefont", "bgsound", "nobr", "acronym", "search",
})
# Every scheme worth naming, for the same pass; relative URLs pass through both.
_ANY_SCHEME = frozenset({"javascript", "vbscript", "data", "file", "blob", "ftp", "tel", "sms", "ws", "wss",
                         "about", "chrome", "view-source", "intent", "jar", "filesystem"}) | ALLOWED_SCHEMES
_RESERVED_ID = re.compile(r"^(?:__|md-|cln-)")  # the theme's and the site's own element ids


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    """Drop ids that would shadow the theme's own elements (``__config``, ``md-...``)."""
    if attribute == "id" and _RESERVED_ID.match(value):
        return None
    return value


@lru_cache(maxsize=1)
def _cleaners() -> tuple[nh3.Cleaner, nh3.Cleaner]:
    strict = nh3.Cleaner(
        tags=set(ALLOWED_TAGS), attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_SCHEMES), link_rel=None, strip_comments=True, attribute_filter=_keep_attribute,
    )
    everything = nh3.Cleaner(
        tags=set(_KNOWN_TAGS), clean_content_tags=set(), generic_attribute_prefixes={""},
        url_schemes=set(_ANY_SCHEME), link_rel=None, strip_comments=True,
    )
    return strict, everything


def clean(html: str) -> str:
    """``html`` with everything outside the allowlist removed: what readers are given."""
    return _cleaners()[0].clean(html)


@dataclass(frozen=True)
class Removal:
    """One thing cleaning takes away, and a word to find it by in the source."""

    what: str  # e.g. "<iframe> element", "'style' attribute", "javascript: link"
    needle: str  # text to look for in the Markdown source, to give a line


_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_URL_NOISE = re.compile(r"[\t\n\r]")


def url_scheme(value: str) -> str | None:
    """The scheme a browser would read from an attribute's (already unescaped) URL, or None."""
    url = _URL_NOISE.sub("", value).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13"
                                          "\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    m = _SCHEME.match(url)
    return m.group(1).lower() if m else None


class _Reader(HTMLParser):
    """Lists the elements, attributes and URL schemes outside the allowlist."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[Removal, None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.found[Removal(f"<{tag}> element", f"<{tag}")] = None
            return
        allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, frozenset())
        for name, value in attrs:
            if name not in allowed:
                self.found[Removal(f"'{name}' attribute on <{tag}>", name)] = None
            elif name in _URL_ATTRIBUTES and value:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in ALLOWED_SCHEMES:
                    self.found[Removal(f"{scheme}: address in <{tag} {name}>", f"{scheme}:")] = None
            elif name == "id" and value and _RESERVED_ID.match(value):
                self.found[Removal(f"id '{value}' (reserved for the site's own page parts)", value)] = None

    handle_startendtag = handle_starttag

    def handle_decl(self, decl: str) -> None:
        self.found[Removal("<!DOCTYPE> or other declaration", "<!")] = None

    def handle_pi(self, data: str) -> None:
        self.found[Removal("<?...> processing instruction", "<?")] = None


def removals(html: str) -> list[Removal]:
    """What :func:`clean` would take from ``html``, beyond harmless re-serialisation."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    found = list(reader.found)
    if not found:
        strict, everything = _cleaners()
        if strict.clean(html) != everything.clean(html):
            found.append(Removal("markup that browsers could read differently from the site's check", "<"))
    return found
