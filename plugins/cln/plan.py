"""Catalogue → the site's plan: every generated page and file with its address.

The plan is plain data made from the catalogue and the served copies of media (served.py):
it writes nothing. The MkDocs adapter turns it into MkDocs files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from . import cms, indexes, mark, related, share
from .catalogue import Catalogue
from .content import CaseStudy, Episode, Record
from .feeds.podcast import chapters_json
from .feeds.terms import term_feeds
from .listing import listing_files
from .published_state import redirect_files
from .served import ServedMedia
from .settings import SiteSettings
from .urls import hashed_name, served_uri

EMPTY_SITEMAP = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
                 b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n')


@dataclass(frozen=True)
class CopiedFile:
    """A file the site serves as it is on disk: its address inside the site and its path."""

    src_uri: str
    path: str


@dataclass(frozen=True)
class MadeFile:
    """A file the site serves from bytes the build made: its address inside the site and its bytes."""

    src_uri: str
    content: bytes


StaticFile = CopiedFile | MadeFile


@dataclass
class Plan:
    """Every generated page and file of one build."""

    records: dict[str, CaseStudy | Episode] = field(default_factory=dict)  # src_uri → record
    generated: dict[str, indexes.GeneratedPage] = field(default_factory=dict)  # src_uri → page
    static: list[StaticFile] = field(default_factory=list)
    audio_url: dict[str, str] = field(default_factory=dict)  # slug → address as the page links it
    transcript_uri: dict[str, str] = field(default_factory=dict)  # slug → address of the transcript file
    served_audio: dict[str, str] = field(default_factory=dict)  # slug → path of the file as served
    image_uri: dict[str, str] = field(default_factory=dict)  # slug → address of the episode's own art
    art_uri: str = ""
    related: dict[str, list[Record]] = field(default_factory=dict)  # src_uri → its related records
    editor: bool = False  # whether /admin/ (the web editor, cms.py) is in the site


def plan_site(catalogue: Catalogue, root: str, site: SiteSettings, served: ServedMedia) -> Plan:
    """Decide every generated page and file, from the catalogue and the served copies of media."""
    plan = Plan()
    podcasts = os.path.realpath(os.path.join(root, "podcasts"))
    for cs in catalogue.case_studies:
        plan.records[f"case-studies/{cs.slug}.md"] = cs
    for page in indexes.all_pages(catalogue):
        plan.generated[page.src_uri] = page
    plan.static += [MadeFile(uri, content) for uri, content in listing_files(catalogue).items()]
    feeds = term_feeds(catalogue, site)
    plan.static += [MadeFile(uri, content) for uri, content in feeds.items()]
    # The theme reads every <link rel="alternate"> as another language of the site and asks for
    # the sitemap.xml beside it; an empty one there answers it instead of a 404 on every page.
    for folder in sorted({uri.rsplit("/", 1)[0] for uri in feeds} | {"case-studies", "podcast"}):
        plan.static.append(MadeFile(f"{folder}/sitemap.xml", EMPTY_SITEMAP))
    art_uris: dict[str, str] = {}  # source path → address

    def art(path: str) -> str:
        """The address of some art, added to the site once however many episodes carry it."""
        if path not in art_uris:
            uri = hashed_name(served.art[path], "podcast/art")
            if uri not in art_uris.values():
                plan.static.append(CopiedFile(uri, served.art[path]))
            art_uris[path] = uri
        return art_uris[path]

    if served.show_art:
        plan.art_uri = art(served.show_art)
    for ep in catalogue.episodes:
        media = catalogue.media[ep.slug]
        plan.records[f"podcast/{ep.slug}.md"] = ep
        plan.served_audio[ep.slug] = served.audio[ep.slug]
        audio_uri = served_uri(media.audio_path, podcasts)
        if site.media_base_url:
            plan.audio_url[ep.slug] = site.media_base_url.rstrip("/") + "/" + audio_uri.removeprefix("podcast/")
        else:
            plan.audio_url[ep.slug] = audio_uri
            plan.static.append(CopiedFile(audio_uri, served.audio[ep.slug]))
        plan.transcript_uri[ep.slug] = served_uri(media.transcript_path, podcasts)
        plan.static.append(CopiedFile(plan.transcript_uri[ep.slug], media.transcript_path))
        plan.static.append(MadeFile(f"podcast/chapters/{ep.slug}.json",
                                    chapters_json(ep, media.audio.duration).encode()))
        if media.image_path:
            plan.image_uri[ep.slug] = art(media.image_path)
    plan.related = related.related_lists(plan.records.values())
    # The web editor at /admin/, when Decap CMS is installed (node_modules; `make build` installs it).
    made, copied = cms.admin_files(root, catalogue.taxonomy, cms.editor_settings(root), site.site_url)
    plan.static += [MadeFile(uri, content) for uri, content in made.items()]
    plan.static += [CopiedFile(uri, path) for uri, path in copied.items()]
    plan.editor = bool(made)
    # The network's mark (header logo, favicons) and the share images (drawn once into the build cache).
    plan.static += [MadeFile(uri, content) for uri, content in mark.site_files().items()]
    plan.static += [CopiedFile(uri, path) for uri, path in share.share_images(catalogue, root, site).items()]
    # The old address of every renamed case study or episode keeps answering (published_state.py).
    plan.static += [MadeFile(uri, page) for uri, page in redirect_files(catalogue, root, site)]
    return plan
