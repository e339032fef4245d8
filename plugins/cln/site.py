"""Catalogue → the site's plan: every generated page and file with its address, and the feeds.

This is the whole site as plain data; the MkDocs adapter only turns it into MkDocs files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from . import indexes, pages
from .catalogue import Catalogue, EpisodeMedia
from .content import CaseStudy, Episode
from .errors import ContentError, Problem
from .feeds.case_studies import build_case_study_feed
from .html import rel
from .feeds.podcast import EpisodeLinks, PodcastInfo, build_podcast_feed, chapters_json
from .images import ImageError, check_art
from .tagging import TaggingError, TagData, clean_art_copy, tagged_copy

SHOW_ART_FIELD = "plugins.cln.podcast.image"
ART_MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


@dataclass(frozen=True)
class SiteInfo:
    """What the site says of itself, from mkdocs.yml."""

    site_name: str
    site_url: str
    podcast: PodcastInfo
    show_art: str  # relative to podcasts/
    media_base_url: str = ""
    cache_dir: str = ".cache/cln"


@dataclass(frozen=True)
class StaticFile:
    """A file the site serves: its address inside the site, and its bytes or its source path."""

    src_uri: str
    abs_src_path: str | None = None
    content: bytes | None = None


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
    art_size: tuple[int, int] = (0, 0)
    tagged_now: int = 0


def hashed_name(path: str, folder: str) -> str:
    """``folder/<stem>-<8 hex of content><ext>``: the name changes whenever the file does."""
    with open(path, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()[:8]
    stem, ext = os.path.splitext(os.path.basename(path))
    return f"{folder}/{stem}-{digest}{ext.lower()}"


def check_show_art(path: str, field_name: str) -> tuple[int, int]:
    """The show art must be a whole, square JPEG or PNG of 1400 to 3000 pixels a side.

    Raises ContentError, and nothing else, for any file that is not."""
    if not os.path.isfile(path):
        raise ContentError([Problem("mkdocs.yml", 0, field_name, f"{path} does not exist")])
    try:
        return check_art(path).size
    except ImageError as exc:
        raise ContentError([Problem("mkdocs.yml", 0, field_name, f"{path} {exc}")]) from None


def plan_site(catalogue: Catalogue, root: str, info: SiteInfo) -> Plan:
    """Decide every generated page and file, making the served copies of audio and art as needed."""
    plan = Plan()
    podcasts = os.path.realpath(os.path.join(root, "podcasts"))
    for cs in catalogue.case_studies:
        plan.records[f"case-studies/{cs.slug}.md"] = cs
    for page in indexes.all_pages(catalogue):
        plan.generated[page.src_uri] = page
    art_path = os.path.join(podcasts, info.show_art)
    cache = os.path.join(root, info.cache_dir)
    if catalogue.episodes:  # the show art is needed once there is a show
        plan.art_size, plan.art_uri = _show_art(plan, art_path, cache)
    problems = []
    for ep in catalogue.episodes:
        plan.records[f"podcast/{ep.slug}.md"] = ep
        problems += _plan_episode(plan, ep, catalogue.media[ep.slug], podcasts, cache, info, art_path)
    if problems:
        raise ContentError(problems)
    return plan


def _show_art(plan: Plan, path: str, cache: str) -> tuple[tuple[int, int], str]:
    """Check the show art and serve its metadata-free copy: its size and address, or ContentError."""
    size = check_show_art(path, SHOW_ART_FIELD)
    try:
        return size, _serve_art(plan, path, cache)
    except ImageError as exc:
        raise ContentError([Problem("mkdocs.yml", 0, SHOW_ART_FIELD, f"{path} {exc}")]) from None


def _serve_art(plan: Plan, path: str, cache: str) -> str:
    """Add the metadata-free copy of the art ``path`` to the plan (once), and give its address."""
    served, _ = clean_art_copy(path, cache)
    uri = hashed_name(served, "podcast/art")
    if all(item.src_uri != uri for item in plan.static):
        plan.static.append(StaticFile(uri, abs_src_path=served))
    return uri


def _tag_data(ep: Episode, media: EpisodeMedia, info: SiteInfo, art: str) -> TagData:
    """What goes into the tags of the episode's served audio."""
    m = ep.meta
    chapters = tuple(
        (c.start * 1000, (nxt.start * 1000 if nxt else int(media.audio.duration * 1000)), c.title)
        for c, nxt in zip(m.chapters, [*m.chapters[1:], None])
    )
    return TagData(title=m.title, show=info.podcast.title, author=info.podcast.author,
                   date=m.date.date().isoformat(), summary=m.summary,
                   url=info.site_url.rstrip("/") + "/" + ep.url, episode=m.episode, chapters=chapters,
                   art_path=art, art_mime=ART_MIME.get(os.path.splitext(art)[1].lower()))


def _plan_episode(plan: Plan, ep: Episode, media: EpisodeMedia, podcasts: str, cache: str, info: SiteInfo,
                  show_art: str) -> list[Problem]:
    """Add one episode's files to the plan: its tagged audio, transcript, chapters and art."""
    try:
        served, made = tagged_copy(media.audio_path, cache, _tag_data(ep, media, info, media.image_path or show_art))
    except TaggingError as exc:
        return [Problem(ep.path, 0, "audio", f"podcasts/{ep.meta.audio} could not be prepared for podcast apps "
                                             f"({exc}); export the file again")]
    plan.tagged_now += made
    plan.served_audio[ep.slug] = served
    audio_uri = "podcast/" + os.path.relpath(media.audio_path, podcasts).replace(os.sep, "/")
    if info.media_base_url:
        plan.audio_url[ep.slug] = info.media_base_url.rstrip("/") + "/" + audio_uri.removeprefix("podcast/")
    else:
        plan.audio_url[ep.slug] = audio_uri
        plan.static.append(StaticFile(audio_uri, abs_src_path=served))
    plan.transcript_uri[ep.slug] = transcript_uri(media.transcript_path, podcasts)
    plan.static.append(StaticFile(plan.transcript_uri[ep.slug], abs_src_path=media.transcript_path))
    plan.static.append(StaticFile(f"podcast/chapters/{ep.slug}.json",
                                  content=chapters_json(ep, media.audio.duration).encode()))
    if media.image_path:
        try:
            plan.image_uri[ep.slug] = _serve_art(plan, media.image_path, cache)
        except ImageError as exc:
            return [Problem(ep.path, 0, "image", f"podcasts/{ep.meta.image} {exc}")]
    return []


def transcript_uri(path: str, podcasts: str) -> str:
    return "podcast/" + os.path.relpath(path, podcasts).replace(os.sep, "/")


_LINK = re.compile(r'(\b(?:href|src)=")([^"#][^"]*)(")')


def absolute_links(html: str, base: str) -> str:
    """Make every relative href and src in ``html`` absolute against ``base`` (for feeds)."""
    if 'href="' not in html and 'src="' not in html:  # most show notes: no regular expression needed
        return html
    return _LINK.sub(lambda m: m.group(1) + urljoin(base, m.group(2)) + m.group(3), html)


def absolute(site_url: str, uri: str) -> str:
    """An address inside the site (or already absolute) as an absolute URL."""
    if re.match(r"^[a-z]+://", uri):
        return uri
    return site_url.rstrip("/") + "/" + uri


def podcast_feed(catalogue: Catalogue, plan: Plan, info: SiteInfo, notes_html: dict[str, str]) -> bytes:
    """The podcast feed, from the plan's addresses and each episode's rendered show notes."""
    links = {}
    for ep in catalogue.episodes:
        media = catalogue.media[ep.slug]
        page = absolute(info.site_url, ep.url)
        image = plan.image_uri.get(ep.slug)
        links[ep.slug] = EpisodeLinks(
            page=page,
            audio=absolute(info.site_url, plan.audio_url[ep.slug]),
            audio_length=os.path.getsize(plan.served_audio[ep.slug]),
            audio_mime=media.audio.mime,
            transcript=absolute(info.site_url, plan.transcript_uri[ep.slug]),
            transcript_mime=media.transcript_mime,
            chapters=absolute(info.site_url, f"podcast/chapters/{ep.slug}.json") if ep.meta.chapters else None,
            image=absolute(info.site_url, image) if image else None,
            notes_html=absolute_links(notes_html.get(ep.slug, ""), page),
        )
    return build_podcast_feed(catalogue, info.podcast, info.site_url, absolute(info.site_url, plan.art_uri), links)


def case_study_feed(catalogue: Catalogue, info: SiteInfo) -> bytes:
    """The case-study feed."""
    return build_case_study_feed(catalogue, info.site_name, info.site_url, info.podcast.copyright)


def latest_change(catalogue: Catalogue) -> dt.datetime | None:
    """The newest date in the content: used where a build needs a date, instead of the clock."""
    dates = [r.modified for r in catalogue.case_studies] + [e.published for e in catalogue.episodes]
    return max(dates) if dates else None


def header_html(record: CaseStudy | Episode, catalogue: Catalogue, plan: Plan) -> str:
    """What goes above a record's rendered body."""
    if isinstance(record, CaseStudy):
        return pages.case_study_header(record, catalogue)
    audio = plan.audio_url[record.slug]
    audio_link = audio if "://" in audio else rel(record.url, audio)
    transcript_link = rel(record.url, plan.transcript_uri[record.slug])
    return pages.episode_header(record, catalogue.media[record.slug], audio_link, catalogue, transcript_link)
