"""Catalogue → the generated index pages: the four kinds of index (/topics/<slug>/ ...) and the
four indexes of indexes (/topics/ ...), and the list entries they share with hand-written pages.
Each page is HTML, escaped here, for a known address; the MkDocs adapter puts it in place as is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from .catalogue import Catalogue
from .content import CaseStudy, Record
from .feeds.terms import FEED_KINDS, feed_uri
from .safehtml import escape, time_tag
from .taxonomy import KINDS, SINGULAR, Taxonomy
from .urls import rel

KIND_TITLES = {
    "topics": ("Topics", "Case studies and episodes by clinical pathway and by the network's themes."),
    "regions": ("Regions", "Case studies by strategic health authority, and national work."),
    "professions": ("Professions", "Case studies by the professions of the people who led them."),
    "competencies": ("Competencies", "Case studies by the competencies of the network's framework that they show."),
}


@dataclass(frozen=True)
class GeneratedPage:
    """A page the site generates: where it lives, its title and description, and its HTML.

    The HTML goes straight into the page (no Markdown pass), and listing pages are left out
    of the search index: search should lead to the case studies themselves.
    """

    src_uri: str
    title: str
    description: str
    html: str
    updated: str = ""  # YYYY-MM-DD: the newest change among the records it lists (for the sitemap)


def newest_change(records: Iterable[Record]) -> str:
    """The newest ``last_changed`` of ``records``, YYYY-MM-DD, or '' when there are none."""
    return max((r.last_changed for r in records), default="")


def record_item(record: Record, taxonomy: Taxonomy, here: str, level: int = 2) -> str:
    """One list entry: linked title, date, region or 'Podcast episode', summary."""
    m = record.meta
    if isinstance(record, CaseStudy):
        region = taxonomy.get("regions", m.region)
        label = (f'<a href="{escape(rel(here, f"regions/{m.region}/"))}">{escape(region.name)}</a>' if region else "")
        kind = "Case study"
    else:
        label = "Podcast episode"
        kind = "Episode"
    flag = '<span class="cln-flag">Illustrative example</span>' if record.illustrative else ""
    meta = " · ".join(x for x in (time_tag(record.published), label, flag) if x)
    return (
        f'<li class="cln-card" data-kind="{escape(kind.lower())}">'
        f'<h{level} class="cln-card__title"><a href="{escape(rel(here, record.url))}">{escape(m.title)}</a></h{level}>'
        f'<p class="cln-card__meta">{meta}</p>'
        f'<p class="cln-card__summary">{escape(m.summary)}</p></li>'
    )


def record_list(records, taxonomy: Taxonomy, here: str, empty: str, level: int = 2,
                memo: dict | None = None) -> str:
    """A list of records, or a sentence saying there are none yet.

    ``memo`` keeps each record's entry for pages whose links to it come out the same (see
    ``term_page``), since a record is listed on many index pages.
    """
    if not records:
        return f'<p class="cln-empty">{escape(empty)}</p>'
    if memo is None:
        items = "".join(record_item(r, taxonomy, here, level) for r in records)
    else:
        parts = []
        for r in records:
            item = memo.get(r.path)
            if item is None:
                item = memo[r.path] = record_item(r, taxonomy, here, level)
            parts.append(item)
        items = "".join(parts)
    return f'<ul class="cln-list">{items}</ul>'


def term_page(catalogue: Catalogue, kind: str, slug: str, memos: dict | None = None) -> GeneratedPage:
    """/<kind>/<slug>/: every published record with that value, newest first.

    ``memos`` (by kind) lets pages share list entries: from /topics/a/ and /topics/b/ the links
    to a case study and to its region are the same. Not so for regions, where a record's own
    region page links to itself differently, so region pages build their entries afresh.
    """
    term = catalogue.taxonomy.term(kind, slug)
    here = f"{kind}/{slug}/"
    records = catalogue.with_term(kind, slug)
    memo = memos.setdefault(kind, {}) if memos is not None and kind != "regions" else None
    what = "case studies and episodes" if kind == "topics" else "case studies"
    count = f"{len(records)} {'item' if len(records) == 1 else 'items'}"
    plural, _ = KIND_TITLES[kind]
    body = (
        f"<h1>{escape(term.name)}</h1>\n\n"
        f'<p class="cln-lead">{escape(term.description)}</p>\n'
        f'<p class="cln-count">{count} · <a href="{escape(rel(here, f"{kind}/"))}">All {plural.lower()}</a></p>\n'
        f'{term_actions(kind, slug, here)}\n\n'
        + record_list(records, catalogue.taxonomy, here, f"No {what} yet. Be the first: see how to contribute.",
                      memo=memo)
        + "\n"
    )
    return GeneratedPage(f"{kind}/{slug}.md", term.name, term.description, body, newest_change(records))


def term_actions(kind: str, slug: str, here: str) -> str:
    """A value's page's ways onward: its feed (topics and regions), and Explore with the value as its
    filter (the contract's parameter: the kind's singular, e.g. ``?topic=planned-care``)."""
    links = []
    if kind in FEED_KINDS:
        links.append(f'<a class="cln-subscribe" href="{escape(rel(here, feed_uri(kind, slug)))}" '
                     f'type="application/atom+xml">Subscribe to this {SINGULAR[kind]}</a> (Atom feed)')
    explore = f"{rel(here, 'explore/')}?{urlencode({SINGULAR[kind]: slug})}"
    links.append(f'<a class="cln-explore" href="{escape(explore)}">Explore these with other filters</a>')
    return f'<p class="cln-actions">{" · ".join(links)}</p>'


def kind_index(catalogue: Catalogue, kind: str) -> GeneratedPage:
    """/<kind>/: every value with its description and count (zero included)."""
    title, intro = KIND_TITLES[kind]
    here = f"{kind}/"
    rows = []
    for term in catalogue.taxonomy.terms[kind]:
        n = len(catalogue.with_term(kind, term.slug))
        rows.append(
            f'<li class="cln-term"><a class="cln-term__name" href="{escape(rel(here, f"{kind}/{term.slug}/"))}">'
            f'{escape(term.name)}</a>'
            f' <span class="cln-term__count" aria-label="{n} {"item" if n == 1 else "items"}">{n}</span>'
            f'<p class="cln-term__description">{escape(term.description)}</p></li>'
        )
    body = (f"<h1>{escape(title)}</h1>\n\n<p class=\"cln-lead\">{escape(intro)}</p>\n\n"
            f"<ul class=\"cln-terms\">{''.join(rows)}</ul>\n")
    every = catalogue.case_studies + (catalogue.episodes if kind == "topics" else [])
    return GeneratedPage(f"{kind}/index.md", title, intro, body, newest_change(every))


def all_pages(catalogue: Catalogue) -> list[GeneratedPage]:
    """Every generated index page."""
    pages: list[GeneratedPage] = []
    memos: dict[str, dict] = {}
    for kind, _ in KINDS:
        pages.append(kind_index(catalogue, kind))
        pages += [term_page(catalogue, kind, t.slug, memos) for t in catalogue.taxonomy.terms[kind]]
    return pages
