"""The generated parts of hand-written pages: the HTML behind each ``<!-- cln:name -->`` marker
in docs/ (the latest case studies, the topics, the podcast's episodes, the feeds' addresses)."""

from __future__ import annotations

import json
import re

from . import sanitise
from .catalogue import Catalogue
from .content import Episode, format_clock
from .indexes import record_list
from .safehtml import escape, time_tag
from .taxonomy import KINDS
from .urls import absolute, rel

MARKER = "<!-- cln:{} -->"
_MARKER_RE = re.compile(r"<!-- cln:([a-z-]+) -->")
_MARKER_TOKEN_RE = re.compile(r"@@cln-marker:([a-z-]+)@@")


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
        f'<li class="cln-card" data-kind="episode"><h2 class="cln-card__title">'
        f'<a href="{escape(rel(here, episode.url))}">{escape(m.title)}</a></h2>'
        f'<p class="cln-card__meta">{" · ".join(bits)}</p><p class="cln-card__summary">{escape(m.summary)}</p></li>'
    )


MARKERS = ("latest-case-studies", "all-case-studies", "topics", "episodes", "feed-url", "case-study-feed-url",
           "explore")


def markers(catalogue: Catalogue, here: str, feed_url: str, case_feed_url: str,
            names: tuple[str, ...] = MARKERS) -> dict[str, str]:
    """HTML for the ``<!-- cln:... -->`` markers of hand-written pages, as seen from ``here``.

    Only the ``names`` asked for are made: a page with the full list of case studies should
    not pay for the others, and the others should not pay for the full list.
    """
    tx = catalogue.taxonomy
    makers = {
        "latest-case-studies": lambda: (
            record_list(catalogue.case_studies[:5], tx, here, "No case studies yet.", level=3)
            + f'<p><a href="{escape(rel(here, "case-studies/"))}">All case studies</a></p>'),
        "all-case-studies": lambda: record_list(catalogue.case_studies, tx, here, "No case studies yet."),
        "topics": lambda: '<ul class="cln-pathways">' + "".join(
            f'<li><a href="{escape(rel(here, f"topics/{t.slug}/"))}">{escape(t.name)}</a> '
            f'<span class="cln-term__count">{len(catalogue.with_term("topics", t.slug))}</span></li>'
            for t in tx.terms["topics"]) + "</ul>",
        "episodes": lambda: (
            f'<ul class="cln-list">{"".join(episode_item(x, catalogue, here) for x in catalogue.episodes)}</ul>'
            if catalogue.episodes else '<p class="cln-empty">No episodes yet.</p>'),
        "feed-url": lambda: copy_box(feed_url, "Podcast feed address"),
        "case-study-feed-url": lambda: copy_box(case_feed_url, "Case-study feed address"),
        "explore": lambda: explore(catalogue, here),
    }
    return {name: makers[name]() for name in names if name in makers}


def copy_box(url: str, label: str) -> str:
    """A read-only field holding a feed address, with a button that copies it."""
    ident = "cln-" + label.lower().replace(" ", "-").replace("-address", "")
    return (
        f'<div class="cln-copy"><label for="{ident}">{escape(label)}</label>'
        f'<span class="cln-copy__row"><input id="{ident}" type="text" readonly value="{escape(url)}">'
        f'<button type="button" class="md-button cln-copy__button" data-cln-copy="{ident}">Copy</button></span>'
        f'<span class="cln-copy__status" role="status" aria-live="polite"></span></div>'
    )


#: Explore's filters besides the taxonomy's: what kind of record (the index's ``kind`` values that
#: Explore shows; hand-written pages are found by the header's search only).
EXPLORE_KINDS = (("case-study", "Case studies"), ("episode", "Podcast episodes"))
#: The indexes Explore points to when it cannot run: (folder, name, what is there).
EXPLORE_INDEXES = (
    ("topics", "Topics", "clinical pathways and the network's themes"),
    ("regions", "Regions", "each strategic health authority, and national work"),
    ("professions", "Professions", "the professions of the people who led the work"),
    ("competencies", "Competencies", "the network's competency framework"),
)


def explore_facets(catalogue: Catalogue, here: str) -> dict:
    """What Explore's script needs: its facets (address parameter, legend, values with their
    names, in the taxonomy's order; years newest first), where the search index is, and the
    indexes to offer when search cannot run."""
    tx = catalogue.taxonomy
    facets: list[dict] = [{"key": "kind", "legend": "Type",
                           "values": [{"value": v, "name": n} for v, n in EXPLORE_KINDS]}]
    for kind, singular in KINDS:
        facets.append({"key": singular, "legend": singular.capitalize(),
                       "values": [{"value": t.slug, "name": t.name} for t in tx.terms[kind]]})
    years = sorted({r.published.year for r in (*catalogue.case_studies, *catalogue.episodes)}, reverse=True)
    facets.append({"key": "year", "legend": "Year", "values": [{"value": str(y), "name": str(y)} for y in years]})
    return {
        "bundle": rel(here, "pagefind/"),
        "listing": rel(here, "explore/"),  # records.json and its shards (listing.py)
        "facets": facets,
        "indexes": [{"href": rel(here, f"{folder}/"), "name": name, "about": about}
                    for folder, name, about in EXPLORE_INDEXES],
    }


def _json_block(data: dict) -> str:
    """JSON for a ``<script type="application/json">`` block: nothing in it can end the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def explore(catalogue: Catalogue, here: str) -> str:
    """/explore/: search with facets. The page holds the facets as JSON and the form's frame;
    explore.js builds the checkboxes and asks the Pagefind index. Without JavaScript the page
    says so and points to the four indexes."""
    data = explore_facets(catalogue, here)
    links = "".join(f'<li><a href="{escape(i["href"])}">{escape(i["name"])}</a>: {escape(i["about"])}</li>'
                    for i in data["indexes"])
    return (
        f'<link rel="stylesheet" href="{escape(rel(here, "assets/cln/explore.css"))}">'
        '<div class="cln-explore" data-pagefind-ignore="all">'
        '<noscript><div class="cln-explore__nojs"><p><strong>Explore needs JavaScript</strong>, which is turned off '
        'or blocked in this browser. Every case study and episode can still be found through the indexes:</p>'
        f'<ul>{links}</ul></div></noscript>'
        f'<script type="application/json" id="cln-explore-facets">{_json_block(data)}</script>'
        '<form class="cln-explore__app" id="cln-explore" role="search" aria-label="Explore case studies and episodes"'
        ' hidden>'
        '<div class="cln-explore__query"><label for="cln-explore-q">Search case studies and episodes</label>'
        '<div class="cln-explore__row"><input type="search" id="cln-explore-q" name="q" autocomplete="off"'
        ' spellcheck="false" enterkeyhint="search">'
        '<button type="submit" class="md-button md-button--primary">Search</button></div></div>'
        '<div class="cln-explore__layout">'
        '<details class="cln-explore__filters" id="cln-explore-filters" open>'
        '<summary>Filters<span class="cln-explore__chosen" id="cln-explore-chosen"></span></summary>'
        '<div class="cln-explore__facets" id="cln-explore-facet-list"></div>'
        '<button type="button" class="md-button md-button--primary cln-explore__apply" id="cln-explore-apply">'
        'Show results</button></details>'
        '<section class="cln-explore__results" aria-label="Results">'
        '<div class="cln-explore__bar"><p class="cln-explore__status" id="cln-explore-status" role="status"'
        ' aria-live="polite">Loading search…</p>'
        '<fieldset class="cln-explore__sort" id="cln-explore-sort" hidden><legend>Order</legend>'
        '<label><input type="radio" name="sort" value="" checked> Best match</label>'
        '<label><input type="radio" name="sort" value="newest"> Newest first</label></fieldset></div>'
        '<div class="cln-explore__active" id="cln-explore-active" hidden>'
        '<ul class="cln-explore__chips" id="cln-explore-chips" aria-label="Chosen filters"></ul>'
        '<button type="button" class="cln-explore__clear" id="cln-explore-clear">Clear all</button></div>'
        '<div class="cln-explore__empty" id="cln-explore-empty" hidden></div>'
        '<ol class="cln-list cln-explore__list" id="cln-explore-list"></ol>'
        '<div class="cln-explore__more"><p class="cln-explore__shown" id="cln-explore-shown"></p>'
        '<button type="button" class="md-button" id="cln-explore-more" hidden>Show more</button></div>'
        '</section></div></form></div>'
        f'<script src="{escape(rel(here, "assets/cln/explore.js"))}" defer></script>'
    )


def fill(html: str, catalogue: Catalogue, here: str, site_url: str) -> str:
    """A hand-written page's HTML, cleaned like content, with its markers filled in.

    This happens after Markdown, so long generated lists never go through the Markdown parser;
    the markers are kept apart while the page is cleaned (cleaning drops comments).
    """
    html = _MARKER_RE.sub(lambda m: f"@@cln-marker:{m.group(1)}@@", html)
    html = _MARKER_TOKEN_RE.sub(lambda m: MARKER.format(m.group(1)), sanitise.clean(html))
    if "<!-- cln:" not in html:
        return html
    names = tuple(name for name in MARKERS if MARKER.format(name) in html)
    fragments = markers(catalogue, here, absolute(site_url, "podcast/feed.xml"),
                        absolute(site_url, "case-studies/feed.xml"), names)
    for name, fragment in fragments.items():
        html = html.replace(MARKER.format(name), fragment)
    return html
