"""The generated parts of hand-written pages: the HTML behind each ``<!-- cln:name -->`` marker
in docs/ (the latest case studies, the topics, the podcast's episodes, the feeds' addresses)."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Mapping

from . import sanitise
from .catalogue import Catalogue
from .content import CaseStudy, Episode, format_clock
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
           "explore", "home-search", "latest-case-study-cards", "pathway-cards", "theme-cards", "latest-episode",
           "subscribe")


def markers(catalogue: Catalogue, here: str, feed_url: str, case_feed_url: str,
            names: tuple[str, ...] = MARKERS, audio_url: Mapping[str, str] | None = None) -> dict[str, str]:
    """HTML for the ``<!-- cln:... -->`` markers of hand-written pages, as seen from ``here``.

    Only the ``names`` asked for are made: a page with the full list of case studies should
    not pay for the others, and the others should not pay for the full list. ``audio_url``
    (slug → the audio's address in the site, or absolute on a media host: the plan's) gives
    the latest episode's player its source; without it the audio is taken to be served
    from the site itself, at ``podcast/<audio>``.
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
        "home-search": lambda: search_form(here),
        "latest-case-study-cards": lambda: case_study_cards(catalogue, here),
        "pathway-cards": lambda: topic_cards(catalogue, here, pathways=True),
        "theme-cards": lambda: topic_cards(catalogue, here, pathways=False),
        "latest-episode": lambda: latest_episode(catalogue, here, audio_url or {}),
        "subscribe": lambda: subscribe(here, feed_url, case_feed_url, bool(catalogue.episodes)),
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


# --- the home page: a front door of cards -------------------------------------------------------

#: The eight clinical pathways of the NHS Next Stage Review (the contract's topic slugs); every
#: other topic is one of the network's own themes.
PATHWAYS = ("maternity-and-newborn", "children-and-young-people", "planned-care", "mental-health",
            "staying-healthy", "long-term-conditions", "acute-care", "end-of-life-care")
LATEST_CARDS = 6
#: Search leaves the generated cards out of the home page's own record: they are the records'
#: words, and search should lead to the records themselves.
_IGNORED = ' data-pagefind-ignore="all"'
_HIDDEN_TO = '<span aria-hidden="true"> → </span><span class="cln-visually-hidden"> to </span>'


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def search_form(here: str) -> str:
    """A search box that opens Explore with the words (``/explore/?q=…``): a plain form, so it
    works without JavaScript (Explore itself says what to do when it cannot run)."""
    return (
        f'<form class="cln-home-search" action="{escape(rel(here, "explore/"))}" method="get" role="search"'
        f' aria-label="Find case studies and episodes"{_IGNORED}>'
        '<label class="cln-home-search__label" for="cln-home-q">Search case studies and episodes</label>'
        '<span class="cln-home-search__row"><input class="cln-home-search__input" type="search" id="cln-home-q"'
        ' name="q" autocomplete="off" spellcheck="false" enterkeyhint="search">'
        '<button class="cln-home-search__button" type="submit">Search</button></span></form>'
    )


def headline_outcome(cs: CaseStudy) -> str:
    """The first outcome as 'measure: before → after', or '' when the case study has none."""
    if not cs.meta.outcomes:
        return ""
    o = cs.meta.outcomes[0]
    return (f'<p class="cln-cs-card__outcome"><span class="cln-cs-card__measure">{escape(o.measure)}</span> '
            f'<span class="cln-cs-card__figures">{escape(o.before)}{_HIDDEN_TO}{escape(o.after)}</span></p>')


def evidence_badge(level: str) -> str:
    """The evidence level, as a label every card carries (an illustrative one is seen at once)."""
    return (f'<p class="cln-badge cln-badge--{escape(level)}"><span class="cln-visually-hidden">Evidence: </span>'
            f'{escape(level.capitalize())}</p>')


def case_study_card(cs: CaseStudy, catalogue: Catalogue, here: str) -> str:
    """One case study as a card: its pathway, title, date and region, headline outcome and evidence."""
    m, tx = cs.meta, catalogue.taxonomy
    pathway = tx.term("topics", m.topics[0]).name
    region = tx.term("regions", m.region).name
    outcome = headline_outcome(cs) or f'<p class="cln-cs-card__summary">{escape(m.summary)}</p>'
    return (
        f'<li class="cln-cs-card cln-cs-card--{escape(m.evidence)}"><p class="cln-cs-card__pathway">'
        f'{escape(pathway)}</p><h3 class="cln-cs-card__title"><a href="{escape(rel(here, cs.url))}">'
        f'{escape(m.title)}</a></h3><p class="cln-cs-card__meta">{time_tag(cs.published)}'
        f' · <span class="cln-cs-card__region">{escape(region)}</span></p>'
        f'{outcome}{evidence_badge(m.evidence)}</li>'
    )


def case_study_cards(catalogue: Catalogue, here: str) -> str:
    """The newest case studies as cards, and the way to all of them."""
    latest = catalogue.case_studies[:LATEST_CARDS]
    if not latest:
        return '<p class="cln-empty">No case studies yet.</p>'
    cards = "".join(case_study_card(cs, catalogue, here) for cs in latest)
    every = _plural(len(catalogue.case_studies), "case study", "case studies")
    return (f'<ul class="cln-cards cln-cs-cards"{_IGNORED}>{cards}</ul><p class="cln-more">'
            f'<a href="{escape(rel(here, "case-studies/"))}">All {every}</a>'
            f' · <a href="{escape(rel(here, "explore/"))}">Explore with filters</a></p>')


def topic_cards(catalogue: Catalogue, here: str, pathways: bool) -> str:
    """The clinical pathways (or the network's themes) as cards, each with its counts."""
    cards = []
    for term in catalogue.taxonomy.terms["topics"]:
        if (term.slug in PATHWAYS) != pathways:
            continue
        records = catalogue.with_term("topics", term.slug)
        studies = sum(isinstance(r, CaseStudy) for r in records)
        counts = (f'<span>{_plural(studies, "case study", "case studies")}</span> · '
                  f'<span>{_plural(len(records) - studies, "episode", "episodes")}</span>')
        href = rel(here, f"topics/{term.slug}/")
        cards.append(
            f'<li class="cln-topic-card"><a class="cln-topic-card__link" href="{escape(href)}">'
            f'<span class="cln-topic-card__name">{escape(term.name)}</span>'
            f'<span class="cln-topic-card__count">{counts}</span></a></li>')
    return f'<ul class="cln-cards cln-topic-cards"{_IGNORED}>{"".join(cards)}</ul>'


def _latest_episode(catalogue: Catalogue) -> Episode | None:
    """The newest full episode (or bonus), else the newest of any type: a trailer only when alone."""
    return next((e for e in catalogue.episodes if e.meta.type != "trailer"),
                catalogue.episodes[0] if catalogue.episodes else None)


def latest_episode(catalogue: Catalogue, here: str, audio_url: Mapping[str, str]) -> str:
    """The latest episode with its player (nothing is fetched until the reader presses play)."""
    ep = _latest_episode(catalogue)
    if ep is None:
        return '<p class="cln-empty">No episodes yet.</p>'
    m = ep.meta
    address = audio_url.get(ep.slug) or "podcast/" + posixpath.normpath(m.audio.replace("\\", "/"))
    src = address if "://" in address else rel(here, address)
    media = catalogue.media.get(ep.slug)
    facts = [time_tag(ep.published)]
    if media:
        facts.append(f"{format_clock(media.audio.duration)} listen")
    if m.season and m.episode:
        facts.append(f"Season {m.season}, episode {m.episode}")
    guests = "".join(f"<li>{escape(g.name)}" + (f", {escape(g.role)}" if g.role else "") + "</li>"
                     for g in m.guests)
    return (
        f'<div class="cln-episode-card"{_IGNORED}><p class="cln-episode-card__kicker">Podcast</p>'
        f'<h3 class="cln-episode-card__title"><a href="{escape(rel(here, ep.url))}">{escape(m.title)}</a></h3>'
        f'<p class="cln-episode-card__meta">{" · ".join(facts)}</p>'
        f'<p class="cln-episode-card__summary">{escape(m.summary)}</p>'
        + (f'<ul class="cln-episode-card__guests" aria-label="Guests">{guests}</ul>' if guests else "")
        + f'<audio class="cln-episode-card__audio" controls preload="none" src="{escape(src)}"'
        f' aria-label="Play {escape(m.title)}"><a href="{escape(src)}">Download the episode</a></audio>'
        f'<p class="cln-episode-card__links"><a href="{escape(rel(here, ep.url))}">Transcript and chapters</a>'
        f' · <a href="{escape(rel(here, "podcast/"))}">All episodes</a></p></div>'
    )


#: How to add a feed address in the common podcast apps: words only, no links that would load anything.
PODCAST_APPS = (
    ("Apple Podcasts", "In Library, open the ⋯ menu (on a Mac, the File menu), choose "
                       "<strong>Follow a Show by URL</strong>, paste the address and choose Follow."),
    ("Spotify", "Spotify does not add shows by their address: search for the podcast's name in "
                "Spotify once it is listed there, or use another app."),
    ("Pocket Casts", "Paste the address into the search box in <strong>Discover</strong>, open the show "
                     "and choose Follow."),
    ("AntennaPod", "Choose <strong>Add podcast</strong>, then <strong>Add podcast by RSS address</strong>, "
                   "paste the address and subscribe."),
    ("gPodder", "In the <strong>Subscriptions</strong> menu choose <strong>Add podcast via URL</strong>, "
                "paste the address and add it."),
)


def subscribe(here: str, feed_url: str, case_feed_url: str, podcast: bool = True) -> str:
    """Ways to follow new work: the case-study feed, a feed per topic or region, and the podcast."""
    apps = "".join(f"<li><strong>{name}:</strong> {how}</li>" for name, how in PODCAST_APPS)
    studies = (
        '<div class="cln-follow__part"><h3 class="cln-follow__title">New case studies</h3>'
        '<p>Add this address to any feed reader to hear of every new or updated case study.</p>'
        f'{copy_box(case_feed_url, "Case-study feed address")}'
        f'<p>Only want one pathway or region? Each page under <a href="{escape(rel(here, "topics/"))}">Topics</a> '
        f'and <a href="{escape(rel(here, "regions/"))}">Regions</a> has its own feed.</p></div>')
    listen = (
        '<div class="cln-follow__part"><h3 class="cln-follow__title">The podcast</h3>'
        '<p>Give this address to your podcast app to get each new episode.</p>'
        f'{copy_box(feed_url, "Podcast feed address")}'
        f'<details class="cln-follow__apps"><summary>How to add it in your app</summary>'
        f'<ul>{apps}</ul><p>Step by step: the <a href="{escape(rel(here, "podcast/"))}">podcast page</a>.</p>'
        '</details></div>') if podcast else ""
    return f'<div class="cln-follow"{_IGNORED}>{studies}{listen}</div>'


def fill(html: str, catalogue: Catalogue, here: str, site_url: str,
         audio_url: Mapping[str, str] | None = None) -> str:
    """A hand-written page's HTML, cleaned like content, with its markers filled in.

    This happens after Markdown, so long generated lists never go through the Markdown parser;
    the markers are kept apart while the page is cleaned (cleaning drops comments).
    ``audio_url``: the plan's addresses of the episodes' audio (see :func:`markers`).
    """
    html = _MARKER_RE.sub(lambda m: f"@@cln-marker:{m.group(1)}@@", html)
    html = _MARKER_TOKEN_RE.sub(lambda m: MARKER.format(m.group(1)), sanitise.clean(html))
    if "<!-- cln:" not in html:
        return html
    names = tuple(name for name in MARKERS if MARKER.format(name) in html)
    fragments = markers(catalogue, here, absolute(site_url, "podcast/feed.xml"),
                        absolute(site_url, "case-studies/feed.xml"), names, audio_url)
    for name, fragment in fragments.items():
        html = html.replace(MARKER.format(name), fragment)
    return html
