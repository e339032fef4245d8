"""Build sites with real MP3s and read the podcast feed back as podcast apps do."""

import io
import json
import re

import feedparser
import podcastparser
import pytest
from lxml import etree
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from PIL import Image

from conftest import VTT, episode, pagefind_records, run_build

pytestmark = pytest.mark.slow

SITE = "https://cln.example.org/"
NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd", "podcast": "https://podcastindex.org/namespace/1.0",
      "atom": "http://www.w3.org/2005/Atom", "content": "http://purl.org/rss/1.0/modules/content/"}


@pytest.fixture
def two_episodes(podcast_files, mp3s):
    return {
        **podcast_files,
        "podcasts/ep2.md": episode(2, audio="audio/ep2.mp3", transcript="transcripts/ep2.srt", date="2009-03-05T18:30:00+00:00",
                                   chapters='  - start: "00:00"\n    title: Start\n  - start: "00:10"\n    title: Middle\n'),
        "podcasts/audio/ep2.mp3": mp3s["long"],
        "podcasts/transcripts/ep2.srt": "1\n00:00:00,000 --> 00:00:05,000\nAction learning sets meet monthly.\n",
    }


def test_feed_is_complete_exact_and_read_by_podcast_apps(build, two_episodes, mp3s):
    built = build(two_episodes)
    assert built.returncode == 0, built.output
    raw = (built.site / "podcast/feed.xml").read_bytes()

    # podcastparser, as gPodder and AntennaPod-like apps read it.
    parsed = podcastparser.parse("https://cln.example.org/podcast/feed.xml", io.BytesIO(raw))
    assert parsed["title"] == "Clinical Leaders Network Podcast"
    episodes = parsed["episodes"]
    assert [e["guid"] for e in episodes] == ["00000000-0000-4000-8000-000000000002", "00000000-0000-4000-8000-000000000001"]
    for ep, source, served in ((episodes[0], mp3s["long"], "podcast/audio/ep2.mp3"),
                               (episodes[1], mp3s["short"], "podcast/audio/ep.mp3")):
        (enclosure,) = ep["enclosures"]
        assert enclosure["mime_type"] == "audio/mpeg"
        assert enclosure["file_size"] == (built.site / served).stat().st_size  # exact, as served
        assert enclosure["url"] == "https://cln.example.org/" + served
        assert abs(ep["total_time"] - MP3(source).info.length) <= 1
    # Each episode's link is its own page, which a reader can open.
    assert [e["link"] for e in episodes] == ["https://cln.example.org/podcast/ep2/", "https://cln.example.org/podcast/ep/"]
    for ep in episodes:
        page = (built.site / ep["link"].removeprefix(SITE) / "index.html").read_text(encoding="utf-8")
        assert f"<h1>{ep['title']}</h1>" in page
    assert episodes[0]["published"] == 1236277800  # 2009-03-05 18:30 UTC
    assert episodes[1]["published"] == 1234429200  # plain date: 09:00 London (GMT in February)

    # feedparser, as most feed readers read it.
    feed = feedparser.parse(raw)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.language == "en-gb"
    assert [e.title for e in feed.entries] == ["Episode 2, building a national network", "Episode 1, building a national network"]
    assert feed.entries[1].published == "Thu, 12 Feb 2009 09:00:00 +0000"
    assert feed.entries[0].itunes_episodetype == "full"

    # Every tag the issue names, checked with lxml.
    root = etree.fromstring(raw)
    channel = root.find("channel")
    def one(el, path):
        return el.find(path, NS)
    assert one(channel, "atom:link[@rel='self']").get("href") == "https://cln.example.org/podcast/feed.xml"
    assert one(channel, "link").text == "https://cln.example.org/podcast/"
    assert one(channel, "image/link").text == "https://cln.example.org/podcast/"
    assert one(channel, "copyright").text == "© NHS Clinical Leaders Network"
    image = one(channel, "itunes:image").get("href")
    assert image.startswith("https://cln.example.org/podcast/art/show-") and image.endswith(".png")
    assert one(channel, "image/url").text == image
    with Image.open(built.site / image.removeprefix(SITE)) as cover:  # what the apps fetch: the show's cover
        assert (cover.format, cover.size) == ("PNG", (1400, 1400))
    category = one(channel, "itunes:category")
    assert category.get("text") == "Health & Fitness" and category[0].get("text") == "Medicine"
    assert one(channel, "itunes:explicit").text == "false"
    assert one(channel, "itunes:author").text == "NHS Clinical Leaders Network"
    assert one(channel, "itunes:owner/itunes:email").text == "cln@nhs.net"
    assert one(channel, "itunes:type").text == "episodic"
    assert one(channel, "podcast:guid").text == "4fd604bb-ab96-55df-99ba-684e9500fdab"
    assert one(channel, "podcast:locked").text == "yes"
    assert one(channel, "lastBuildDate").text == "Thu, 05 Mar 2009 18:30:00 +0000"
    item = channel.findall("item")[1]
    assert one(item, "guid").get("isPermaLink") == "false"
    assert one(item, "itunes:duration").text == str(round(MP3(mp3s["short"]).info.length))
    assert one(item, "itunes:episode").text == "1" and one(item, "itunes:season").text == "1"
    assert one(item, "itunes:explicit").text == "false"
    transcript = one(item, "podcast:transcript")
    assert transcript.get("url") == "https://cln.example.org/podcast/transcripts/ep.vtt" and transcript.get("type") == "text/vtt"
    served = (built.site / transcript.get("url").removeprefix(SITE)).read_text(encoding="utf-8")
    assert served == VTT  # the transcript as written, for the app to show
    srt = one(channel.findall("item")[0], "podcast:transcript")
    assert srt.get("type") == "application/srt"
    assert "Action learning sets meet monthly." in (built.site / srt.get("url").removeprefix(SITE)).read_text(encoding="utf-8")
    chapters = one(item, "podcast:chapters")
    assert chapters.get("type") == "application/json+chapters"
    assert chapters.get("url") == "https://cln.example.org/podcast/chapters/ep.json"
    person = one(item, "podcast:person")
    assert person.text == "Dr Example Guest" and person.get("role") == "guest"
    notes = one(item, "content:encoded").text
    assert 'href="https://cln.example.org/case-studies/"' in notes  # relative links made absolute

    # The chapters file it points at.
    data = json.loads((built.site / chapters.get("url").removeprefix(SITE)).read_text())
    assert data["version"] == "1.2.0" and [c["startTime"] for c in data["chapters"]] == [0, 3]


def test_two_builds_give_the_same_feed_and_an_unchanged_rebuild_reads_no_audio(project, two_episodes):
    root = project(two_episodes)
    first = run_build(root)
    assert first.returncode == 0, first.output
    feed = (root / "site/podcast/feed.xml").read_bytes()
    cache = json.loads((root / ".cache/cln/audio.json").read_text())
    assert len(cache) == 2
    mtime = (root / ".cache/cln/audio.json").stat().st_mtime_ns
    second = run_build(root)
    assert second.returncode == 0
    assert (root / "site/podcast/feed.xml").read_bytes() == feed
    assert (root / ".cache/cln/audio.json").stat().st_mtime_ns == mtime  # nothing new was probed


def test_served_mp3_carries_id3_tags_and_the_source_is_untouched(build, podcast_files, mp3s):
    source_bytes = mp3s["short"].read_bytes()
    built = build(podcast_files)
    assert built.returncode == 0, built.output
    assert (built.root / "podcasts/audio/ep.mp3").read_bytes() == source_bytes
    served = built.site / "podcast/audio/ep.mp3"
    tags = ID3(served)
    assert tags.version[:2] == (2, 4)
    assert str(tags["TIT2"]) == "Episode 1, building a national network"
    assert str(tags["TALB"]) == "Clinical Leaders Network Podcast"
    assert str(tags["TPE1"]) == "NHS Clinical Leaders Network"
    assert str(tags["TDRC"]) == "2009-02-12"
    cover = tags.getall("APIC")[0]
    assert cover.mime == "image/jpeg" and cover.type == 3
    with Image.open(io.BytesIO(cover.data)) as image:  # a small square copy of the show art
        assert image.size == (600, 600)
    toc = tags.getall("CTOC")[0]
    assert toc.child_element_ids == ["chp0", "chp1"]
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [(c.start_time, str(c.sub_frames["TIT2"])) for c in chaps] == [(0, "Welcome"), (3000, "Action learning")]
    assert chaps[-1].end_time == int(MP3(mp3s["short"]).info.length * 1000)


def test_episode_page_has_player_chapters_transcript_and_list(build, podcast_files):
    built = build(podcast_files)
    assert built.returncode == 0, built.output
    page = built.read("podcast/ep/index.html")
    assert '<audio id="cln-audio" controls preload="metadata" src="../audio/ep.mp3">' in page
    assert 'data-cln-seek="3"' in page and ">00:03</span></a> Action learning" in page
    assert '<h2 id="transcript">Transcript</h2>' in page
    assert "<strong class=\"cln-transcript__speaker\">Guest:</strong> Action learning sets meet every month &amp; share what works." in page
    assert "Dr Example Guest, National clinical director" in page
    assert page.count("<h1") == 1
    listing = built.read("podcast/index.html")
    assert re.search(r'href="ep/"[^>]*>Episode 1, building a national network</a>', listing), listing
    assert "https://cln.example.org/podcast/feed.xml" in listing
    assert "share what works" in pagefind_records(built.site)["/podcast/ep/"]["content"]  # transcripts are searchable


def test_media_base_url_points_enclosures_at_the_cdn(build, podcast_files, mp3s):
    built = build(podcast_files, extra_config="media_base_url: https://media.example.net/cln/\n")
    assert built.returncode == 0, built.output
    assert not (built.site / "podcast/audio").exists()
    uploaded = built.root / "site-media/audio/ep.mp3"
    # What goes to the CDN is the served copy: the whole episode, tagged.
    assert str(ID3(uploaded)["TIT2"]) == "Episode 1, building a national network"
    assert abs(MP3(uploaded).info.length - MP3(mp3s["short"]).info.length) < 0.1
    feed = feedparser.parse(built.read("podcast/feed.xml"))
    enclosure = feed.entries[0].enclosures[0]
    assert enclosure.href == "https://media.example.net/cln/audio/ep.mp3"
    assert int(enclosure.length) == uploaded.stat().st_size
    assert 'src="https://media.example.net/cln/audio/ep.mp3"' in built.read("podcast/ep/index.html")
