"""Catalogue → the podcast feed at /podcast/feed.xml, with feedgen and our extension.

Everything in the feed comes from content and configuration, never from the clock, so two
builds of the same content give the same bytes.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from feedgen.feed import FeedGenerator

from ..catalogue import Catalogue
from ..content import Episode
from ..settings import ShowSettings, SiteSettings
from ..urls import absolute, absolute_links
from .extension import ChannelTags, ItemTags, PodcastEntryExtension, PodcastExtension

if TYPE_CHECKING:
    from ..plan import Plan

PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


def podcast_guid(feed_url: str) -> str:
    """podcast:guid: UUIDv5 of the feed URL without its scheme and trailing slashes."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


@dataclass(frozen=True)
class EpisodeLinks:
    """Absolute addresses and served facts of one episode's files."""

    page: str
    audio: str
    audio_length: int
    audio_mime: str
    transcript: str
    transcript_mime: str
    chapters: str | None
    image: str | None
    notes_html: str


def chapters_json(episode: Episode, duration: float) -> str:
    """The Podcasting 2.0 JSON chapters file of an episode."""
    chapters = [{"startTime": c.start, "title": c.title} for c in episode.meta.chapters]
    data = {"version": "1.2.0", "title": episode.meta.title, "chapters": chapters}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def build_podcast_feed(catalogue: Catalogue, info: ShowSettings, site_url: str, image_url: str,
                       links: dict[str, EpisodeLinks]) -> bytes:
    """The podcast feed as bytes. ``links`` maps each published episode's slug to its addresses."""
    site_url = site_url.rstrip("/") + "/"
    feed_url = site_url + "podcast/feed.xml"
    fg = FeedGenerator()
    fg.register_extension("cln", PodcastExtension, PodcastEntryExtension, atom=False)
    fg.title(info.title)
    fg.link(href=feed_url, rel="self", type="application/rss+xml")
    fg.link(href=site_url + "podcast/", rel="alternate")  # after self: feedgen's RSS <link> is the last one set
    fg.description(info.description)
    fg.language(info.language)
    fg.copyright(info.copyright)
    fg.image(url=image_url, title=info.title, link=site_url + "podcast/")
    fg.generator("Clinical Leaders Network site")
    fg.ttl(60)
    episodes = list(catalogue.episodes)
    if episodes:
        fg.lastBuildDate(max(e.published for e in episodes))
    fg.cln.tags = ChannelTags(show=info, image=image_url, guid=info.guid or podcast_guid(feed_url))
    # feedgen writes items in reverse order of adding: add oldest first so the newest is on top.
    for episode in reversed(episodes):
        m, link, media = episode.meta, links[episode.slug], catalogue.media[episode.slug]
        fe = fg.add_entry()
        fe.title(m.title)
        fe.guid(m.guid, permalink=False)
        fe.link(href=link.page)
        fe.pubDate(m.date)
        fe.description(m.summary)
        fe.content(link.notes_html, type="CDATA")
        fe.enclosure(link.audio, str(link.audio_length), link.audio_mime)
        fe.cln.tags = ItemTags(
            title=m.title, duration=round(media.audio.duration), episode=m.episode, season=m.season,
            episode_type=m.type, explicit=m.explicit, summary=m.summary, author=info.author, image=link.image,
            transcripts=[(link.transcript, link.transcript_mime)], chapters_url=link.chapters,
            persons=[(g.name, "guest", "cast") for g in m.guests], language=info.language,
        )
    return fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)


def podcast_feed(catalogue: Catalogue, plan: Plan, site: SiteSettings, notes_html: dict[str, str]) -> bytes:
    """The podcast feed, from the plan's addresses and each episode's rendered show notes."""
    links = {}
    for ep in catalogue.episodes:
        media = catalogue.media[ep.slug]
        page = absolute(site.site_url, ep.url)
        image = plan.image_uri.get(ep.slug)
        links[ep.slug] = EpisodeLinks(
            page=page,
            audio=absolute(site.site_url, plan.audio_url[ep.slug]),
            audio_length=os.path.getsize(plan.served_audio[ep.slug]),
            audio_mime=media.audio.mime,
            transcript=absolute(site.site_url, plan.transcript_uri[ep.slug]),
            transcript_mime=media.transcript_mime,
            chapters=absolute(site.site_url, f"podcast/chapters/{ep.slug}.json") if ep.meta.chapters else None,
            image=absolute(site.site_url, image) if image else None,
            notes_html=absolute_links(notes_html.get(ep.slug, ""), page),
        )
    return build_podcast_feed(catalogue, site.show, site.site_url, absolute(site.site_url, plan.art_uri), links)
