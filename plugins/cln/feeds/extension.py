"""A feedgen extension for the tags feedgen's own podcast extension gets wrong or lacks.

feedgen's podcast extension writes ``itunes:explicit`` as yes/no (Apple and the W3C validator
want true/false), knows only Apple's old categories, and has no ``podcast:`` tags. This
extension writes every itunes and podcast tag of the feed itself, from plain values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from lxml import etree

from ..settings import ShowSettings

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"


def _el(parent, ns: str, tag: str, value: str | None = None, **attrs: str | None):
    """Append <ns:tag attrs>value</ns:tag> to parent (attributes that are None are left out)."""
    node = etree.SubElement(parent, f"{{{ns}}}{tag}", {k: v for k, v in attrs.items() if v is not None}
                            if attrs else None)
    if value is not None:
        node.text = value
    return node


@dataclass
class ChannelTags:
    """Channel-level itunes and podcast values: the show's settings, and what the feed works out."""

    show: ShowSettings = field(default_factory=ShowSettings)
    image: str = ""  # the show art's absolute address
    guid: str = ""  # podcast:guid, given or made from the feed's address


@dataclass
class ItemTags:
    """Item-level itunes and podcast values."""

    title: str = ""
    duration: int = 0
    episode: int | None = None
    season: int | None = None
    episode_type: str = "full"
    explicit: bool = False
    summary: str = ""
    author: str = ""
    image: str | None = None
    transcripts: list[tuple[str, str]] = field(default_factory=list)  # (url, mime)
    chapters_url: str | None = None
    persons: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # (name, role, group)
    language: str = "en-gb"  # of the transcripts


class PodcastExtension(BaseExtension):
    """Channel part: call ``feed.cln.tags = ChannelTags(...)`` after loading."""

    def __init__(self):
        self.tags = ChannelTags()

    def extend_ns(self):
        return {"itunes": ITUNES, "podcast": PODCAST}

    def extend_rss(self, feed):
        t, show = self.tags, self.tags.show
        channel = feed[0]
        _el(channel, ITUNES, "author", show.author)
        if show.description:
            _el(channel, ITUNES, "summary", show.description)
        owner = _el(channel, ITUNES, "owner")
        _el(owner, ITUNES, "name", show.owner_name)
        _el(owner, ITUNES, "email", show.owner_email)
        if t.image:
            _el(channel, ITUNES, "image", href=t.image)
        if show.category:
            top = _el(channel, ITUNES, "category", text=show.category[0])
            for sub in show.category[1:]:
                _el(top, ITUNES, "category", text=sub)
        _el(channel, ITUNES, "explicit", "true" if show.explicit else "false")
        _el(channel, ITUNES, "type", show.type)
        _el(channel, PODCAST, "locked", "yes" if show.locked else "no", owner=show.owner_email or None)
        _el(channel, PODCAST, "guid", t.guid)
        if show.medium:
            _el(channel, PODCAST, "medium", show.medium)
        if show.funding_url:
            _el(channel, PODCAST, "funding", show.funding_text or "Support the network", url=show.funding_url)
        return feed


class PodcastEntryExtension(BaseEntryExtension):
    """Item part: call ``entry.cln.tags = ItemTags(...)``."""

    def __init__(self):
        self.tags = ItemTags()

    def extend_rss(self, item):
        # Written out element by element, without _el: this runs once per episode, and a feed
        # of thousands of episodes should still build in well under a second.
        _itunes_item_tags(item, self.tags)
        _podcast_item_tags(item, self.tags)
        return item


def _itunes_item_tags(item, t: ItemTags) -> None:
    """The item's itunes: tags, in the order the feed has always had them."""
    sub = etree.SubElement
    sub(item, I_TITLE).text = t.title
    if t.author:
        sub(item, I_AUTHOR).text = t.author
    sub(item, I_DURATION).text = str(int(t.duration))
    if t.season:
        sub(item, I_SEASON).text = str(t.season)
    if t.episode:
        sub(item, I_EPISODE).text = str(t.episode)
    sub(item, I_EPISODE_TYPE).text = t.episode_type
    sub(item, I_EXPLICIT).text = "true" if t.explicit else "false"
    if t.summary:
        sub(item, I_SUMMARY).text = t.summary
    if t.image:
        sub(item, I_IMAGE, {"href": t.image})


def _podcast_item_tags(item, t: ItemTags) -> None:
    """The item's podcast: tags (transcripts, chapters, season, episode, people), after the itunes ones."""
    sub = etree.SubElement
    for url, mime in t.transcripts:
        attrs = {"url": url, "type": mime, "language": t.language}
        if mime in ("text/vtt", "application/srt"):
            attrs["rel"] = "captions"
        sub(item, P_TRANSCRIPT, attrs)
    if t.chapters_url:
        sub(item, P_CHAPTERS, {"url": t.chapters_url, "type": "application/json+chapters"})
    if t.season:
        sub(item, P_SEASON).text = str(t.season)
    if t.episode:
        sub(item, P_EPISODE).text = str(t.episode)
    for name, role, group in t.persons:
        person: dict[str, str] = {}
        if role is not None:
            person["role"] = role
        if group is not None:
            person["group"] = group
        sub(item, P_PERSON, person).text = name

I_TITLE, I_AUTHOR, I_DURATION, I_SEASON, I_EPISODE, I_EPISODE_TYPE, I_EXPLICIT, I_SUMMARY, I_IMAGE = (
    f"{{{ITUNES}}}{tag}" for tag in
    ("title", "author", "duration", "season", "episode", "episodeType", "explicit", "summary", "image"))
P_TRANSCRIPT, P_CHAPTERS, P_SEASON, P_EPISODE, P_PERSON = (
    f"{{{PODCAST}}}{tag}" for tag in ("transcript", "chapters", "season", "episode", "person"))
