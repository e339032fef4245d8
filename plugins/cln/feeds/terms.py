"""Catalogue → a feed for each topic and each region: /topics/<slug>/feed.xml, /regions/<slug>/feed.xml.

Atom, as the case-study feed is, and for the same reasons; the newest 50 case studies and
episodes with the value (episodes carry topics only, so region feeds hold case studies),
most recently published or updated first. A case study's entry has the same id as in the
case-study feed. Episodes appear without their audio: only the podcast feed has enclosures,
so a podcast app never gets an episode twice. Nothing here reads the clock: a feed's updated
date is its newest entry's, so two builds of the same content give the same bytes.

Also the ``<link rel="alternate">`` tags by which every page advertises the site's feeds.
"""

from __future__ import annotations

import datetime as dt
import uuid

from feedgen.feed import FeedGenerator

from ..catalogue import Catalogue
from ..content import CaseStudy, Record
from ..safehtml import escape
from ..settings import SiteSettings
from ..urls import rel
from .case_studies import ENTRY_NAMESPACE, FEED_SIZE, distinct_updates, entry_id

#: The kinds of value with a feed of their own.
FEED_KINDS = ("topics", "regions")
ATOM, RSS = "application/atom+xml", "application/rss+xml"
CASE_STUDY_FEED, PODCAST_FEED = "case-studies/feed.xml", "podcast/feed.xml"
# The updated date of a feed with no entries in a site with no content: the NHS's first day.
NO_CONTENT = dt.datetime(1948, 7, 5, tzinfo=dt.UTC)


def feed_uri(kind: str, slug: str) -> str:
    """The address of a value's feed inside the site."""
    return f"{kind}/{slug}/feed.xml"


def record_id(record: Record) -> str:
    """A record's permanent Atom id: a case study's is the case-study feed's; an episode's comes
    from its guid, which never changes, so it survives a new slug or a new site address."""
    if isinstance(record, CaseStudy):
        return entry_id(record.slug)
    return f"urn:uuid:{uuid.uuid5(ENTRY_NAMESPACE, 'episode:' + record.meta.guid)}"


def feed_records(catalogue: Catalogue, kind: str, slug: str) -> list[Record]:
    """The newest ``FEED_SIZE`` published records with the value, most recently changed first."""
    records = [r for r in catalogue.with_term(kind, slug) if not r.meta.draft]  # a preview has drafts
    return sorted(records, key=lambda r: (-r.modified.timestamp(), r.slug, r.kind))[:FEED_SIZE]


def build_term_feed(catalogue: Catalogue, kind: str, slug: str, site_name: str, site_url: str, rights: str,
                    language: str = "en-gb") -> bytes:
    """The Atom feed of one topic or region."""
    site_url = site_url.rstrip("/") + "/"
    term = catalogue.taxonomy.term(kind, slug)
    records = feed_records(catalogue, kind, slug)
    fg = FeedGenerator()
    fg.id(f"urn:uuid:{uuid.uuid5(ENTRY_NAMESPACE, f'feed:{kind}/{slug}')}")
    fg.title(f"{site_name}: {term.name}")
    what = "case studies and episodes on" if kind == "topics" else "case studies from"
    fg.subtitle(f"New and updated {what} {term.name}. {term.description}")
    fg.link(href=f"{site_url}{kind}/{slug}/", rel="alternate", type="text/html")
    fg.link(href=site_url + feed_uri(kind, slug), rel="self", type=ATOM)
    fg.author(name=site_name)
    fg.language(language)
    fg.rights(rights)
    fg.generator("Clinical Leaders Network site")
    fg.updated(_updated(catalogue, records))
    updates = distinct_updates(records)
    for record in reversed(records):  # feedgen puts each new entry first: oldest in first, newest on top
        m = record.meta
        fe = fg.add_entry()
        fe.id(record_id(record))
        fe.title(m.title)
        fe.link(href=site_url + record.url, rel="alternate", type="text/html")
        fe.summary(record.plain_summary)
        fe.published(record.published)
        fe.updated(updates[record.path])
        if isinstance(record, CaseStudy):
            for author in m.authors:
                fe.author(name=author.name)
        for topic in m.topics:
            name = catalogue.taxonomy.term("topics", topic).name
            fe.category(term=topic, label=name, scheme=site_url + "topics/")
    return fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)


def _updated(catalogue: Catalogue, records: list[Record]) -> dt.datetime:
    """The newest entry's date; for a feed with no entries yet, the site's newest change."""
    if records:
        return max(r.modified for r in records)
    published = [r for r in (*catalogue.case_studies, *catalogue.episodes) if not r.meta.draft]
    return max((r.modified for r in published), default=NO_CONTENT)


def term_feeds(catalogue: Catalogue, site: SiteSettings) -> dict[str, bytes]:
    """Every topic's and region's feed, by address inside the site."""
    return {feed_uri(kind, term.slug): build_term_feed(catalogue, kind, term.slug, site.site_name, site.site_url,
                                                       site.show.copyright, site.show.language)
            for kind in FEED_KINDS for term in catalogue.taxonomy.terms[kind]}


def alternate_links(catalogue: Catalogue, site: SiteSettings, here: str, src_uri: str) -> str:
    """``<link rel="alternate">`` tags for the page at ``here`` (its source ``src_uri``): a topic's or
    region's page first advertises its own feed; every page, the case-study feed and the podcast
    feed (when there are episodes, without which it is not written). Links are relative to the page."""
    feeds = []
    kind, _, name = src_uri.partition("/")
    slug = name.removesuffix(".md")
    term = catalogue.taxonomy.get(kind, slug) if kind in FEED_KINDS and "/" not in slug else None
    if term is not None:
        feeds.append((ATOM, f"{site.site_name}: {term.name}", feed_uri(kind, slug)))
    feeds.append((ATOM, f"{site.site_name}: case studies", CASE_STUDY_FEED))
    if catalogue.episodes:
        feeds.append((RSS, site.show.title, PODCAST_FEED))
    return "".join(f'<link rel="alternate" type="{mime}" title="{escape(title)}" href="{escape(rel(here, uri))}">'
                   for mime, title, uri in feeds)
