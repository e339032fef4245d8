"""Catalogue → generated pages: the case-study and episode lists, the four kinds of index,
and the four indexes of indexes. Each function returns Markdown (holding escaped HTML) for a
page at a known address; the MkDocs adapter turns them into virtual files.
"""

from __future__ import annotations

import datetime as dt

from dataclasses import dataclass

from .catalogue import Catalogue
from .content import CaseStudy, Episode, format_clock
from .html import e, rel, time_tag
from .taxonomy import KINDS, Taxonomy

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


def last_changed(record: CaseStudy | Episode) -> str:
    """The date a record last changed, YYYY-MM-DD: its ``updated`` date, else its date."""
    when = getattr(record.meta, "updated", None) or record.meta.date
    return when.date().isoformat() if isinstance(when, dt.datetime) else when.isoformat()


def newest_change(records) -> str:
    """The newest ``last_changed`` of ``records``, or '' when there are none."""
    return max((last_changed(r) for r in records), default="")


def record_item(record: CaseStudy | Episode, taxonomy: Taxonomy, here: str, level: int = 2) -> str:
    """One list entry: linked title, date, region or 'Podcast episode', summary."""
    m = record.meta
    if isinstance(record, CaseStudy):
        region = taxonomy.get("regions", m.region)
        label = (f'<a href="{e(rel(here, f"regions/{m.region}/"))}">{e(region.name)}</a>' if region else "")
        kind = "Case study"
    else:
        label = "Podcast episode"
        kind = "Episode"
    meta = " · ".join(x for x in (time_tag(record.published), label) if x)
    return (
        f'<li class="cln-card" data-kind="{e(kind.lower())}">'
        f'<h{level} class="cln-card__title"><a href="{e(rel(here, record.url))}">{e(m.title)}</a></h{level}>'
        f'<p class="cln-card__meta">{meta}</p>'
        f'<p class="cln-card__summary">{e(m.summary)}</p></li>'
    )


def record_list(records, taxonomy: Taxonomy, here: str, empty: str, level: int = 2,
                memo: dict | None = None) -> str:
    """A list of records, or a sentence saying there are none yet.

    ``memo`` keeps each record's entry for pages whose links to it come out the same (see
    ``term_page``), since a record is listed on many index pages.
    """
    if not records:
        return f'<p class="cln-empty">{e(empty)}</p>'
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
    term = catalogue.taxonomy.get(kind, slug)
    here = f"{kind}/{slug}/"
    records = catalogue.with_term(kind, slug)
    memo = memos.setdefault(kind, {}) if memos is not None and kind != "regions" else None
    what = "case studies and episodes" if kind == "topics" else "case studies"
    count = f"{len(records)} {'item' if len(records) == 1 else 'items'}"
    plural, _ = KIND_TITLES[kind]
    body = (
        f"<h1>{e(term.name)}</h1>\n\n"
        f'<p class="cln-lead">{e(term.description)}</p>\n'
        f'<p class="cln-count">{count} · <a href="{e(rel(here, f"{kind}/"))}">All {plural.lower()}</a></p>\n\n'
        + record_list(records, catalogue.taxonomy, here, f"No {what} yet. Be the first: see how to contribute.",
                      memo=memo)
        + "\n"
    )
    return GeneratedPage(f"{kind}/{slug}.md", term.name, term.description, body, newest_change(records))


def kind_index(catalogue: Catalogue, kind: str) -> GeneratedPage:
    """/<kind>/: every value with its description and count (zero included)."""
    title, intro = KIND_TITLES[kind]
    here = f"{kind}/"
    rows = []
    for term in catalogue.taxonomy.terms[kind]:
        n = len(catalogue.with_term(kind, term.slug))
        rows.append(
            f'<li class="cln-term"><a class="cln-term__name" href="{e(rel(here, f"{kind}/{term.slug}/"))}">{e(term.name)}</a>'
            f' <span class="cln-term__count" aria-label="{n} {"item" if n == 1 else "items"}">{n}</span>'
            f'<p class="cln-term__description">{e(term.description)}</p></li>'
        )
    body = f"<h1>{e(title)}</h1>\n\n<p class=\"cln-lead\">{e(intro)}</p>\n\n<ul class=\"cln-terms\">{''.join(rows)}</ul>\n"
    every = catalogue.case_studies + (catalogue.episodes if kind == "topics" else [])
    return GeneratedPage(f"{kind}/index.md", title, intro, body, newest_change(every))


def all_pages(catalogue: Catalogue) -> list[GeneratedPage]:
    """Every generated index page."""
    pages: list[GeneratedPage] = []
    memos: dict[str, dict] = {}
    for kind, _, _ in KINDS:
        pages.append(kind_index(catalogue, kind))
        pages += [term_page(catalogue, kind, t.slug, memos) for t in catalogue.taxonomy.terms[kind]]
    return pages


def episode_item(episode: Episode, catalogue: Catalogue, here: str) -> str:
    """One episode in the podcast list: title, date, duration, summary."""
    media = catalogue.media.get(episode.slug)
    m = episode.meta
    bits = [time_tag(episode.published)]
    if media:
        bits.append(f"{format_clock(media.audio.duration)} listen")
    if m.type != "full":
        bits.append(m.type.capitalize())
    return (
        f'<li class="cln-card" data-kind="episode"><h2 class="cln-card__title"><a href="{e(rel(here, episode.url))}">{e(m.title)}</a></h2>'
        f'<p class="cln-card__meta">{" · ".join(bits)}</p><p class="cln-card__summary">{e(m.summary)}</p></li>'
    )


MARKERS = ("latest-case-studies", "all-case-studies", "topics", "episodes", "feed-url", "case-study-feed-url")


def markers(catalogue: Catalogue, here: str, feed_url: str, case_feed_url: str,
            names: tuple[str, ...] = MARKERS) -> dict[str, str]:
    """HTML for the ``<!-- cln:... -->`` markers of hand-written pages, as seen from ``here``.

    Only the ``names`` asked for are made: a page with the full list of case studies should
    not pay for the others, and the others should not pay for the full list.
    """
    tx = catalogue.taxonomy
    makers = {
        "latest-case-studies": lambda: record_list(catalogue.case_studies[:5], tx, here, "No case studies yet.", level=3)
        + f'<p><a href="{e(rel(here, "case-studies/"))}">All case studies</a></p>',
        "all-case-studies": lambda: record_list(catalogue.case_studies, tx, here, "No case studies yet."),
        "topics": lambda: '<ul class="cln-pathways">' + "".join(
            f'<li><a href="{e(rel(here, f"topics/{t.slug}/"))}">{e(t.name)}</a> '
            f'<span class="cln-term__count">{len(catalogue.with_term("topics", t.slug))}</span></li>'
            for t in tx.terms["topics"]) + "</ul>",
        "episodes": lambda: (
            f'<ul class="cln-list">{"".join(episode_item(x, catalogue, here) for x in catalogue.episodes)}</ul>'
            if catalogue.episodes else '<p class="cln-empty">No episodes yet.</p>'),
        "feed-url": lambda: copy_box(feed_url, "Podcast feed address"),
        "case-study-feed-url": lambda: copy_box(case_feed_url, "Case-study feed address"),
    }
    return {name: makers[name]() for name in names if name in makers}


def copy_box(url: str, label: str) -> str:
    """A read-only field holding a feed address, with a button that copies it."""
    ident = "cln-" + label.lower().replace(" ", "-").replace("-address", "")
    return (
        f'<div class="cln-copy"><label for="{ident}">{e(label)}</label>'
        f'<span class="cln-copy__row"><input id="{ident}" type="text" readonly value="{e(url)}">'
        f'<button type="button" class="md-button cln-copy__button" data-cln-copy="{ident}">Copy</button></span>'
        f'<span class="cln-copy__status" role="status" aria-live="polite"></span></div>'
    )
