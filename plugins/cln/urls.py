"""Addresses inside the site: relative links between pages, absolute addresses for feeds,
and file names that change whenever their content does."""

from __future__ import annotations

import hashlib
import os
import re
from functools import lru_cache
from urllib.parse import urljoin


@lru_cache(maxsize=4096)
def _dir_parts(url: str) -> tuple[str, ...]:
    """The folders of a site-relative URL's page: 'a/b/' → ('a', 'b'); 'a/x.xml' → ('a',)."""
    folder = url if url.endswith("/") else url.rsplit("/", 1)[0] + "/" if "/" in url else ""
    return tuple(p for p in folder.split("/") if p and p != ".")


def rel(from_url: str, to_url: str) -> str:
    """A relative link from the page at ``from_url`` to ``to_url`` (both site-relative, directory URLs).

    Pure string work (this runs tens of thousands of times in the index pages).
    """
    here = _dir_parts(from_url)
    parts = [p for p in to_url.split("/") if p and p != "."]
    common = 0
    while common < len(here) and common < len(parts) and here[common] == parts[common]:
        common += 1
    link = "/".join([".."] * (len(here) - common) + parts[common:])
    if not link:
        return "./"
    return link + "/" if to_url.endswith("/") else link


def absolute(site_url: str, uri: str) -> str:
    """An address inside the site (or already absolute) as an absolute URL."""
    if re.match(r"^[a-z]+://", uri):
        return uri
    return site_url.rstrip("/") + "/" + uri


_LINK = re.compile(r'(\b(?:href|src)=")([^"#][^"]*)(")')


def absolute_links(html: str, base: str) -> str:
    """Make every relative href and src in ``html`` absolute against ``base`` (for feeds)."""
    if 'href="' not in html and 'src="' not in html:  # most show notes: no regular expression needed
        return html
    return _LINK.sub(lambda m: m.group(1) + urljoin(base, m.group(2)) + m.group(3), html)


def hashed_name(path: str, folder: str) -> str:
    """``folder/<stem>-<8 hex of content><ext>``: the name changes whenever the file does."""
    with open(path, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()[:8]
    stem, ext = os.path.splitext(os.path.basename(path))
    return f"{folder}/{stem}-{digest}{ext.lower()}"


def served_uri(path: str, podcasts: str) -> str:
    """The address of a file of podcasts/ (audio, transcript) in the site: podcast/<its path>."""
    return "podcast/" + os.path.relpath(path, podcasts).replace(os.sep, "/")
