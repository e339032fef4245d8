"""Catalogue → the case-study feed at /case-studies/feed.xml.

Atom, not RSS 2.0, because Atom gives each entry both a publication date and an updated
date, several named authors and a summary as separate, well-defined elements: readers see
an updated case study as updated, not as new, and every author is credited.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from feedgen.feed import FeedGenerator

from ..catalogue import Catalogue
from ..content import Record
from ..settings import SiteSettings

FEED_SIZE = 50
ENTRY_NAMESPACE = uuid.UUID("8a1e3c4e-5b0c-4f7a-9a39-2f5b1f0c6d11")


def entry_id(slug: str) -> str:
    """A case study's permanent id: it does not change if the site moves to another address."""
    return f"urn:uuid:{uuid.uuid5(ENTRY_NAMESPACE, 'case-study:' + slug)}"


def distinct_updates(records: Sequence[Record]) -> dict[str, dt.datetime]:
    """Each record's ``updated`` time in a feed, made distinct: feed readers (and the W3C
    validator) take two entries updated at the same instant for one, so a record that shares
    its time with a newer one in the feed is given the second before, and so on. The feed's
    order (newest first, then by slug) decides, so builds repeat exactly."""
    seen: set[dt.datetime] = set()
    out = {}
    for record in records:
        when = record.modified
        while when in seen:
            when -= dt.timedelta(seconds=1)
        seen.add(when)
        out[record.path] = when
    return out


def build_case_study_feed(catalogue: Catalogue, site_name: str, site_url: str, rights: str,
                          language: str = "en-gb") -> bytes:
    """The newest 50 published case studies, most recently published or updated first."""
    site_url = site_url.rstrip("/") + "/"
    records = sorted(catalogue.case_studies, key=lambda r: (-r.modified.timestamp(), r.slug))[:FEED_SIZE]
    fg = FeedGenerator()
    fg.id(entry_id("feed"))
    fg.title(f"{site_name}: case studies")
    fg.subtitle("New and updated case studies from members of the Clinical Leaders Network.")
    fg.link(href=site_url + "case-studies/", rel="alternate", type="text/html")
    fg.link(href=site_url + "case-studies/feed.xml", rel="self", type="application/atom+xml")
    fg.author(name=site_name)
    fg.language(language)
    fg.rights(rights)
    fg.generator("Clinical Leaders Network site")
    if records:
        fg.updated(max(r.modified for r in records))
    updates = distinct_updates(records)
    for record in reversed(records):
        m = record.meta
        fe = fg.add_entry()
        fe.id(entry_id(record.slug))
        fe.title(m.title)
        fe.link(href=site_url + record.url, rel="alternate", type="text/html")
        fe.summary(record.plain_summary)
        fe.published(record.published)
        fe.updated(updates[record.path])
        for author in m.authors:
            fe.author(name=author.name)
        for slug in m.topics:
            term = catalogue.taxonomy.get("topics", slug)
            fe.category(term=slug, label=term.name if term else slug, scheme=site_url + "topics/")
    return fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)


def case_study_feed(catalogue: Catalogue, site: SiteSettings) -> bytes:
    """The case-study feed of the site."""
    return build_case_study_feed(catalogue, site.site_name, site.site_url, site.show.copyright, site.show.language)
