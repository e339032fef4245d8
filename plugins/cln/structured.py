"""How a page describes itself to search engines and to apps that show shared links.

For every page: JSON-LD (schema.org) in ``<script type="application/ld+json">`` blocks, which
browsers never run, and Open Graph and Twitter card tags. Made from the records and the
catalogue alone: ``Article`` for a case study, ``PodcastEpisode`` for an episode,
``PodcastSeries`` on /podcast/, ``WebSite`` on the home page, ``CollectionPage`` on the
indexes, ``WebPage`` elsewhere, and a ``BreadcrumbList`` (Home → section → page) everywhere.

The share images are drawn by share.py at fixed addresses (see :func:`share_image`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .catalogue import Catalogue
from .content import CaseStudy, Episode, Record
from .indexes import KIND_TITLES, GeneratedPage
from .plan import Plan
from .safehtml import escape
from .settings import NETWORK_EMAIL, SiteSettings
from .urls import absolute, rel

SCHEMA = "https://schema.org"
LANGUAGE = "en-GB"
LOGO = "assets/cln/mark.svg"
APPLE_TOUCH_ICON = "assets/cln/apple-touch-icon.png"
SHARE_SITE = "assets/share/site.png"
SHARE_WIDTH, SHARE_HEIGHT = 1200, 630

#: The site's sections, by the first folder of a page's address: their names in breadcrumbs.
SECTIONS: dict[str, str] = {
    "case-studies": "Case studies",
    "podcast": "Podcast",
    **{kind: title for kind, (title, _) in KIND_TITLES.items()},
}

# Words that make an author's name a group's rather than a person's ("The network's editorial team").
_GROUP = re.compile(r"^the\b|\b(team|network|group|trust|pct|nhs|programme|board|service|services|"
                    r"partnership|authority|department|unit|committee)\b", re.IGNORECASE)


@dataclass(frozen=True)
class PageRef:
    """A page as the engine knows it: its address inside the site ('' for home), its source's
    address, and, for hand-written pages, its title and description as plain text."""

    url: str
    src_uri: str
    title: str = ""
    description: str = ""


def iso_duration(seconds: float) -> str:
    """Seconds as an ISO 8601 duration, to the nearest second: 3725 → 'PT1H2M5S', 0 → 'PT0S'."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + (f"{secs}S" if secs else "")
    return "PT" + (parts or "0S")


def share_image(url: str, record: Record | None) -> str:
    """The address inside the site of the page's 1200×630 share image (drawn by share.py)."""
    if isinstance(record, CaseStudy):
        return f"assets/share/case-studies/{record.slug}.png"
    if isinstance(record, Episode):
        return f"assets/share/podcast/{record.slug}.png"
    return SHARE_SITE


def script_json(data: Any) -> str:
    """``data`` as JSON that is safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` are
    written as ``\\u003c`` and so on, so no text in it can close the element or start a comment."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _abs(site: SiteSettings, uri: str) -> str:
    return absolute(site.site_url, uri) if uri else site.site_url.rstrip("/") + "/"


def publisher(site: SiteSettings) -> dict[str, Any]:
    """The network, as the publisher of everything on the site."""
    return {
        "@type": "Organization",
        "@id": _abs(site, "") + "#network",
        "name": site.show.author,
        "url": _abs(site, ""),
        "email": NETWORK_EMAIL,
        "logo": {"@type": "ImageObject", "url": _abs(site, LOGO)},
    }


def author(name: str, role: str | None = None, organisation: str | None = None) -> dict[str, Any]:
    """A Person, or an Organization for a group ("The network's editorial team"), named as written."""
    if _GROUP.search(name):
        out: dict[str, Any] = {"@type": "Organization", "name": name}
        if role:
            out["description"] = role
        return out
    out = {"@type": "Person", "name": name}
    if role:
        out["jobTitle"] = role
    if organisation:
        out["affiliation"] = {"@type": "Organization", "name": organisation}
    return out


def _topics(catalogue: Catalogue, slugs: list[str]) -> list[dict[str, str]]:
    return [{"@type": "Thing", "name": catalogue.taxonomy.term("topics", s).name}
            for s in dict.fromkeys(slugs) if catalogue.taxonomy.get("topics", s)]


def series(catalogue: Catalogue, plan: Plan, site: SiteSettings) -> dict[str, Any]:
    """The podcast as a PodcastSeries."""
    show = site.show
    out: dict[str, Any] = {
        "@type": "PodcastSeries",
        "@id": _abs(site, "podcast/") + "#series",
        "name": show.title,
        "description": show.description,
        "url": _abs(site, "podcast/"),
        "inLanguage": LANGUAGE,
        "author": {"@type": "Organization", "name": show.author},
        "publisher": publisher(site),
        "image": _abs(site, plan.art_uri or SHARE_SITE),
    }
    if catalogue.episodes:  # the feed is written only when there is something in it
        out["webFeed"] = _abs(site, "podcast/feed.xml")
    return out


def article(cs: CaseStudy, catalogue: Catalogue, site: SiteSettings) -> dict[str, Any]:
    """A case study as an Article."""
    m = cs.meta
    out: dict[str, Any] = {
        "@type": "Article",
        "headline": m.title,
        "description": cs.plain_summary,
        "datePublished": m.date.isoformat(),
        "dateModified": (m.updated or m.date).isoformat(),
        "author": [author(a.name, a.role, a.organisation) for a in m.authors],
        "publisher": publisher(site),
        "about": _topics(catalogue, m.topics),
        "url": _abs(site, cs.url),
        "mainEntityOfPage": _abs(site, cs.url),
        "image": _abs(site, share_image(cs.url, cs)),
        "inLanguage": LANGUAGE,
        "isAccessibleForFree": True,
    }
    region = catalogue.taxonomy.get("regions", m.region)
    if region is not None:
        out["spatialCoverage"] = {"@type": "Place", "name": region.name}
    return out


def podcast_episode(ep: Episode, catalogue: Catalogue, plan: Plan, site: SiteSettings) -> dict[str, Any]:
    """An episode as a PodcastEpisode, with its audio as a MediaObject."""
    m = ep.meta
    media = catalogue.media.get(ep.slug)
    out: dict[str, Any] = {
        "@type": "PodcastEpisode",
        "name": m.title,
        "description": ep.plain_summary,
        "datePublished": m.date.isoformat(),
        "url": _abs(site, ep.url),
        "mainEntityOfPage": _abs(site, ep.url),
        "image": _abs(site, share_image(ep.url, ep)),
        "inLanguage": LANGUAGE,
        "isAccessibleForFree": True,
        "publisher": publisher(site),
        "partOfSeries": {"@type": "PodcastSeries", "@id": _abs(site, "podcast/") + "#series",
                         "name": site.show.title, "url": _abs(site, "podcast/")},
    }
    if m.episode is not None:
        out["episodeNumber"] = m.episode
    if m.topics:
        out["about"] = _topics(catalogue, m.topics)
    if m.guests:
        out["actor"] = [author(g.name, g.role) for g in m.guests]
    if media is not None:
        duration = iso_duration(media.audio.duration)
        out["duration"] = out["timeRequired"] = duration
        audio = plan.audio_url.get(ep.slug, "")
        out["associatedMedia"] = {"@type": "MediaObject", "contentUrl": _abs(site, audio),
                                  "encodingFormat": media.audio.mime, "duration": duration}
    return out


def breadcrumbs(ref: PageRef, name: str, catalogue: Catalogue, site: SiteSettings) -> dict[str, Any]:
    """Home → section → page, as a BreadcrumbList."""
    trail = [(site.site_name, "")]
    folder = ref.url.split("/", 1)[0] if ref.url else ""
    section = SECTIONS.get(folder)
    if section is not None and ref.url != f"{folder}/":
        trail.append((section, f"{folder}/"))
    if ref.url:
        trail.append((name, ref.url))
    return {"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": i, "name": title, "item": _abs(site, url)}
        for i, (title, url) in enumerate(trail, start=1)]}


@dataclass(frozen=True)
class PageFacts:
    """What a page says of itself: plain-text title and description, kind and share image."""

    title: str
    description: str
    og_type: str
    image: str  # address inside the site
    image_alt: str
    record: Record | None
    generated: GeneratedPage | None


def facts(ref: PageRef, plan: Plan, site: SiteSettings) -> PageFacts:
    """The title, description, type and share image of a page, from its record or generated page
    where it has one, else from what the engine read of its front matter."""
    record = plan.records.get(ref.src_uri)
    generated = plan.generated.get(ref.src_uri)
    image = share_image(ref.url, record)
    if record is not None:
        title, description, og_type = record.meta.title, record.plain_summary, "article"
        what = "Case study" if isinstance(record, CaseStudy) else "Podcast episode"
        alt = f"{what}: {title}. {site.site_name}."
        if record.illustrative:
            alt = f"Illustrative example. {alt}"
    else:
        title = generated.title if generated is not None else ref.title
        description = generated.description if generated is not None else ref.description
        if not ref.url:
            title = site.site_name
        og_type, alt = "website", site.site_name
    return PageFacts(title or site.site_name, description, og_type, image, alt, record, generated)


def json_ld(ref: PageRef, catalogue: Catalogue, plan: Plan, site: SiteSettings) -> list[dict[str, Any]]:
    """The page's JSON-LD: its main thing, then its breadcrumbs; each with its own @context."""
    f = facts(ref, plan, site)
    url = _abs(site, ref.url)
    main: dict[str, Any]
    if isinstance(f.record, CaseStudy):
        main = article(f.record, catalogue, site)
    elif isinstance(f.record, Episode):
        main = podcast_episode(f.record, catalogue, plan, site)
    elif ref.url == "podcast/":
        main = series(catalogue, plan, site)
    elif not ref.url:
        main = {"@type": "WebSite", "@id": url + "#website", "name": site.site_name, "url": url,
                "description": f.description, "inLanguage": LANGUAGE, "publisher": publisher(site)}
    else:
        kind = "CollectionPage" if f.generated is not None or ref.url == "case-studies/" else "WebPage"
        main = {"@type": kind, "name": f.title, "description": f.description, "url": url,
                "inLanguage": LANGUAGE, "isPartOf": {"@type": "WebSite", "@id": _abs(site, "") + "#website",
                                                     "name": site.site_name, "url": _abs(site, "")}}
    if not main.get("description"):
        main.pop("description", None)
    blocks = [main, breadcrumbs(ref, f.title, catalogue, site)]
    return [{"@context": SCHEMA, **block} for block in blocks]


def head_html(ref: PageRef, catalogue: Catalogue, plan: Plan, site: SiteSettings) -> str:
    """Everything the page's ``<head>`` gains: JSON-LD, Open Graph and Twitter card tags, and the
    apple-touch icon. Addresses are absolute (made from the site's address)."""
    f = facts(ref, plan, site)
    meta = [
        ("og:title", f.title),
        ("og:description", f.description),
        ("og:type", f.og_type),
        ("og:url", _abs(site, ref.url)),
        ("og:image", _abs(site, f.image)),
        ("og:image:type", "image/png"),
        ("og:image:width", str(SHARE_WIDTH)),
        ("og:image:height", str(SHARE_HEIGHT)),
        ("og:image:alt", f.image_alt),
        ("og:site_name", site.site_name),
        ("og:locale", "en_GB"),
    ]
    if isinstance(f.record, CaseStudy):
        meta += [("article:published_time", f.record.meta.date.isoformat()),
                 ("article:modified_time", (f.record.meta.updated or f.record.meta.date).isoformat())]
    elif isinstance(f.record, Episode):
        meta.append(("article:published_time", f.record.meta.date.isoformat()))
    tags = [f'<meta property="{p}" content="{escape(v)}">' for p, v in meta if v]
    tags += [f'<meta name="twitter:{n}" content="{escape(v)}">' for n, v in (
        ("card", "summary_large_image"), ("title", f.title), ("description", f.description),
        ("image", _abs(site, f.image)), ("image:alt", f.image_alt)) if v]
    tags.append(f'<link rel="apple-touch-icon" href="{escape(rel(ref.url, APPLE_TOUCH_ICON))}">')
    tags += [f'<script type="application/ld+json">{script_json(block)}</script>'
             for block in json_ld(ref, catalogue, plan, site)]
    return "\n".join(tags) + "\n"

