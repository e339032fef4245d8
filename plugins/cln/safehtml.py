"""Writing HTML fragments from content: text escaped for HTML, and dates as readers see them."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from html import escape as _escape


def escape(text: object) -> str:
    """Text as HTML: safe in element content and in quoted attribute values."""
    return _escape(str(text), quote=True)


def long_date(day: dt.date | dt.datetime) -> str:
    """15 January 2009."""
    return f"{day.day} {day:%B %Y}"


@lru_cache(maxsize=8192)
def time_tag(day: dt.date | dt.datetime) -> str:
    """A <time> element with a machine-readable date."""
    iso = day.date().isoformat() if isinstance(day, dt.datetime) else day.isoformat()
    return f'<time datetime="{iso}">{long_date(day)}</time>'
