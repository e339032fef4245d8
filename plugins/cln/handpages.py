"""The generated parts of hand-written pages: the HTML behind each ``<!-- cln:name -->`` marker
in docs/ (the latest case studies, the topics, the podcast's episodes, the feeds' addresses)."""

from __future__ import annotations

import re

from . import sanitise
from .catalogue import Catalogue
from .content import Episode, format_clock
from .indexes import record_list
from .safehtml import escape, time_tag
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


MARKERS = ("latest-case-studies", "all-case-studies", "topics", "episodes", "feed-url", "case-study-feed-url")


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
