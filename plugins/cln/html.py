"""Small helpers for writing safe HTML fragments: escaping, relative links, dates."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from html import escape


def e(text: object) -> str:
    """Escape text for HTML content and attribute values."""
    return escape(str(text), quote=True)


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


def long_date(day: dt.date | dt.datetime) -> str:
    """15 January 2009."""
    return f"{day.day} {day:%B %Y}"


@lru_cache(maxsize=8192)
def time_tag(day: dt.date | dt.datetime) -> str:
    """A <time> element with a machine-readable date."""
    iso = day.date().isoformat() if isinstance(day, dt.datetime) else day.isoformat()
    return f'<time datetime="{iso}">{long_date(day)}</time>'
