"""The podcast feed builder on records, without MkDocs: every tag, exact values, the guid rule."""

from __future__ import annotations

import uuid

import podcastparser
from lxml import etree

from cln.audio import AudioFacts
from cln.catalogue import Catalogue, EpisodeMedia
from cln.content import parse
from cln.feeds.podcast import EpisodeLinks, build_podcast_feed, chapters_json, podcast_guid
from cln.settings import ShowSettings
from cln.taxonomy import Taxonomy
from conftest import REPO, episode

NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd", "podcast": "https://podcastindex.org/namespace/1.0",
      "atom": "http://www.w3.org/2005/Atom", "content": "http://purl.org/rss/1.0/modules/content/"}
SITE = "https://cln.example.org/"
INFO = ShowSettings(title="Clinical Leaders Network Podcast", description="Interviews & stories", author="NHS CLN",
                   owner_name="NHS CLN", owner_email="cln@example.org", copyright="© NHS CLN",
                   guid="4fd604bb-ab96-55df-99ba-684e9500fdab", funding_url="https://cln.example.org/support/",
                   funding_text="Support the network")


def record(n, **kw):
    rec, problems, _ = parse(f"podcasts/ep{n}.md", episode(n, **kw).encode(), "episode")
    assert problems == []
    return rec


def feed(episodes, info=INFO):
    catalogue = Catalogue(taxonomy=Taxonomy.load(str(REPO / "taxonomy.yml")), case_studies=[],
                          episodes=sorted(episodes, key=lambda e: e.published, reverse=True))
    links = {}
    for ep in episodes:
        catalogue.media[ep.slug] = EpisodeMedia(
            audio_path=f"podcasts/audio/{ep.slug}.mp3", audio=AudioFacts(duration=125.6, mime="audio/mpeg"),
            transcript_path=f"podcasts/transcripts/{ep.slug}.vtt", transcript_mime="text/vtt", cues=[])
        links[ep.slug] = EpisodeLinks(
            page=f"{SITE}podcast/{ep.slug}/", audio=f"{SITE}podcast/audio/{ep.slug}.mp3", audio_length=123_457,
            audio_mime="audio/mpeg", transcript=f"{SITE}podcast/transcripts/{ep.slug}.vtt", transcript_mime="text/vtt",
            chapters=f"{SITE}podcast/chapters/{ep.slug}.json", image=None, notes_html="<p>Notes &amp; links</p>")
    return build_podcast_feed(catalogue, info, SITE, f"{SITE}podcast/art/show-cover-abc.png", links)


def test_channel_tags():
    xml = feed([record(1)])
    ch = etree.fromstring(xml).find("channel")
    text = lambda path: ch.findtext(path, namespaces=NS)  # noqa: E731
    assert text("title") == "Clinical Leaders Network Podcast"
    assert text("link") == SITE + "podcast/"
    assert text("description") == "Interviews & stories"
    assert text("language") == "en-gb"
    assert text("copyright") == "© NHS CLN"
    assert ch.find("atom:link[@rel='self']", NS).get("href") == SITE + "podcast/feed.xml"
    assert ch.find("atom:link[@rel='self']", NS).get("type") == "application/rss+xml"
    assert ch.find("itunes:image", NS).get("href") == SITE + "podcast/art/show-cover-abc.png"
    category = ch.find("itunes:category", NS)
    assert category.get("text") == "Health & Fitness" and category.find("itunes:category", NS).get("text") == "Medicine"
    assert text("itunes:explicit") == "false"
    assert text("itunes:author") == "NHS CLN"
    assert text("itunes:owner/itunes:email") == "cln@example.org"
    assert text("itunes:type") == "episodic"
    assert text("podcast:guid") == "4fd604bb-ab96-55df-99ba-684e9500fdab"
    assert text("podcast:locked") == "yes" and ch.find("podcast:locked", NS).get("owner") == "cln@example.org"
    assert text("podcast:medium") == "podcast"
    assert ch.find("podcast:funding", NS).get("url") == "https://cln.example.org/support/"
    assert text("lastBuildDate") == "Thu, 12 Feb 2009 09:00:00 +0000"  # from content, not the clock


def test_item_tags():
    ep = record(2, date="2009-06-04", extra="type: bonus\nexplicit: true\n")
    item = etree.fromstring(feed([ep])).find("channel/item")
    text = lambda path: item.findtext(path, namespaces=NS)  # noqa: E731
    assert text("title") == "Episode 2, building a national network"
    guid = item.find("guid")
    assert guid.text == "00000000-0000-4000-8000-000000000002" and guid.get("isPermaLink") == "false"
    assert text("link") == SITE + "podcast/ep2/"
    assert text("pubDate") == "Thu, 04 Jun 2009 09:00:00 +0100"  # 09:00 London, summer time
    assert text("description").startswith("The network's national clinical director")
    assert text("content:encoded") == "<p>Notes &amp; links</p>"
    enclosure = item.find("enclosure")
    assert (enclosure.get("url"), enclosure.get("length"), enclosure.get("type")) == (
        SITE + "podcast/audio/ep2.mp3", "123457", "audio/mpeg")
    assert text("itunes:duration") == "126"  # whole seconds
    assert (text("itunes:episode"), text("itunes:season"), text("itunes:episodeType")) == ("2", "1", "bonus")
    assert text("itunes:explicit") == "true"
    transcript = item.find("podcast:transcript", NS)
    assert (transcript.get("url"), transcript.get("type")) == (SITE + "podcast/transcripts/ep2.vtt", "text/vtt")
    chapters = item.find("podcast:chapters", NS)
    assert (chapters.get("url"), chapters.get("type")) == (SITE + "podcast/chapters/ep2.json", "application/json+chapters")
    person = item.find("podcast:person", NS)
    assert (person.text, person.get("role"), person.get("group")) == ("Dr Example Guest", "guest", "cast")


def test_newest_first_and_read_by_podcastparser():
    xml = feed([record(1, date="2009-01-01"), record(2, date="2009-03-01"), record(3, date="2009-02-01")])
    parsed = podcastparser.parse(SITE + "podcast/feed.xml", __import__("io").BytesIO(xml))
    assert [e["guid"] for e in parsed["episodes"]] == [f"00000000-0000-4000-8000-00000000000{n}" for n in (2, 3, 1)]
    assert all(e["total_time"] == 126 and e["enclosures"][0]["file_size"] == 123457 for e in parsed["episodes"])


def test_same_records_same_bytes():
    assert feed([record(1), record(2)]) == feed([record(1), record(2)])


def test_podcast_guid_rule():
    # The Podcasting 2.0 namespace's own example.
    assert podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    # Scheme and trailing slashes do not count.
    assert podcast_guid("http://cln.example.org/podcast/feed.xml/") == podcast_guid("https://cln.example.org/podcast/feed.xml")
    expected = uuid.uuid5(uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"), "cln.example.org/podcast/feed.xml")
    assert podcast_guid("https://cln.example.org/podcast/feed.xml") == str(expected)
    # Without a configured guid the feed uses the rule; with one, the configured guid stays.
    from dataclasses import replace
    unset = etree.fromstring(feed([record(1)], replace(INFO, guid=None)))
    assert unset.findtext("channel/podcast:guid", namespaces=NS) == str(expected)


def test_chapters_json():
    ep = record(1)
    data = __import__("json").loads(chapters_json(ep, 6.0))
    assert data["version"] == "1.2.0"
    assert data["chapters"] == [{"startTime": 0, "title": "Welcome"}, {"startTime": 3, "title": "Action learning"}]
