"""Small helpers for writing safe HTML fragments: escaping, relative links, dates."""

from __future__ import annotations

import datetime as dt
import posixpath
from html import escape


def e(text: object) -> str:
    """Escape text for HTML content and attribute values."""
    return escape(str(text), quote=True)


def rel(from_url: str, to_url: str) -> str:
    """A relative link from the page at ``from_url`` to ``to_url`` (both site-relative, directory URLs)."""
    base = posixpath.dirname(from_url) if not from_url.endswith("/") else from_url.rstrip("/")
    target = to_url.rstrip("/") or "."
    link = posixpath.relpath(target or ".", base or ".")
    if to_url.endswith("/") and link != ".":
        link += "/"
    return "./" if link == "." else link


def long_date(day: dt.date | dt.datetime) -> str:
    """15 January 2009."""
    return f"{day.day} {day:%B %Y}"


def time_tag(day: dt.date | dt.datetime) -> str:
    """A <time> element with a machine-readable date."""
    iso = day.date().isoformat() if isinstance(day, dt.datetime) else day.isoformat()
    return f'<time datetime="{iso}">{long_date(day)}</time>'
