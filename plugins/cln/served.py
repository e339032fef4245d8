"""The files podcast apps and readers are served in place of the editors' own: audio with the
build's tags and nothing else, art with no metadata. Made once per version of each file, in
the build cache; the source files in podcasts/ are never touched.

This is the one place the build writes media: the plan (plan.py) only reads what is made here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from .catalogue import Catalogue, EpisodeMedia
from .content import Episode
from .errors import ContentError, Problem
from .images import ImageError
from .settings import SiteSettings
from .tagging import TagData, TaggingError, clean_art_copy, tagged_copy

SHOW_ART_FIELD = "plugins.cln.podcast.image"


@dataclass
class ServedMedia:
    """Paths of the served copies: audio by episode, art by source path; and how many were made now."""

    audio: dict[str, str] = field(default_factory=dict)  # slug → served audio
    art: dict[str, str] = field(default_factory=dict)  # source art path → served copy
    show_art: str = ""  # source path of the show's art ("" when there is no show yet)
    made_now: int = 0


def tag_data(ep: Episode, media: EpisodeMedia, site: SiteSettings, art: str) -> TagData:
    """What goes into the tags of the episode's served audio."""
    m = ep.meta
    chapters = tuple(
        (c.start * 1000, (nxt.start * 1000 if nxt else int(media.audio.duration * 1000)), c.title)
        for c, nxt in zip(m.chapters, [*m.chapters[1:], None], strict=True)
    )
    return TagData(title=m.title, show=site.show.title, author=site.show.author,
                   date=m.date.date().isoformat(), summary=m.summary,
                   url=site.site_url.rstrip("/") + "/" + ep.url, episode=m.episode, chapters=chapters, art_path=art)


def prepare(catalogue: Catalogue, root: str, site: SiteSettings) -> ServedMedia:
    """Make (or find in the cache) every served copy; ContentError names any that cannot be made."""
    served = ServedMedia()
    if not catalogue.episodes:
        return served
    cache = os.path.join(root, site.cache_dir)
    served.show_art = os.path.join(root, "podcasts", site.show.image)
    problems = []
    try:
        served.art[served.show_art], _ = clean_art_copy(served.show_art, cache)
    except ImageError as exc:
        problems.append(Problem("mkdocs.yml", 0, SHOW_ART_FIELD, f"podcasts/{site.show.image} {exc}"))
    for ep in catalogue.episodes:
        media = catalogue.media[ep.slug]
        try:
            served.audio[ep.slug], made = tagged_copy(media.audio_path, cache,
                                                      tag_data(ep, media, site, media.image_path or served.show_art))
            served.made_now += made
        except TaggingError as exc:
            problems.append(Problem(ep.path, 0, "audio", f"podcasts/{ep.meta.audio} could not be prepared for "
                                                         f"podcast apps ({exc}); export the file again"))
        if media.image_path and media.image_path not in served.art:
            try:
                served.art[media.image_path], _ = clean_art_copy(media.image_path, cache)
            except ImageError as exc:
                problems.append(Problem(ep.path, 0, "image", f"podcasts/{ep.meta.image} {exc}"))
    if problems:
        raise ContentError(problems)
    return served
