"""Each topic's and region's feed, built from a catalogue (no site build) and read by a real feed
reader; the <link rel="alternate"> tags that advertise the feeds; the index pages' Subscribe
and Explore links."""

from __future__ import annotations

import re
import shutil

import feedparser

from cln.catalogue import Catalogue, Settings, load_catalogue
from cln.feeds.case_studies import build_case_study_feed, entry_id
from cln.feeds.terms import alternate_links, build_term_feed, record_id, term_feeds
from cln.indexes import term_page
from cln.settings import ShowSettings, SiteSettings
from conftest import case_study

SITE = "https://cln.example.org/"


def catalogue(project, files: dict, **settings) -> Catalogue:
    return load_catalogue(Settings(root=str(project(files)), **settings))


def feed(cat: Catalogue, kind: str, slug: str, site_url: str = SITE) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(build_term_feed(cat, kind, slug, "Test network", site_url, "© Test network"))
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def test_a_topic_feed_has_the_case_studies_and_episodes_on_it_and_nothing_else(project, podcast_files):
    cat = catalogue(project, {
        **podcast_files,  # an episode on leadership-development, 12 February 2009
        "case_studies/leaders.md": case_study("Leaders", date="2009-03-01", topics="[leadership-development]"),
        "case_studies/other.md": case_study("Other", date="2009-04-01", topics="[acute-care]"),
        "case_studies/draft.md": case_study("Draft", date="2009-05-01", topics="[leadership-development]",
                                            extra="draft: true\n"),
    }, include_drafts=True, serving=True)
    parsed = feed(cat, "topics", "leadership-development")
    assert [e.title for e in parsed.entries] == ["Leaders", "Episode 1, building a national network"]
    assert [e.link for e in parsed.entries] == [f"{SITE}case-studies/leaders/", f"{SITE}podcast/ep/"]
    assert parsed.feed.title == "Test network: Leadership development"
    assert parsed.feed.link == f"{SITE}topics/leadership-development/"
    assert {link.rel: link.href for link in parsed.feed.links}["self"] == f"{SITE}topics/leadership-development/feed.xml"
    leaders, ep = parsed.entries
    assert leaders.summary == "GPs and consultants worked with local leads for three months."
    assert [a.name for a in leaders.authors] == ["Dr Jane Example"]
    assert leaders.published.startswith("2009-03-01") and leaders.updated.startswith("2009-03-01")
    assert ep.published.startswith("2009-02-12")
    # No audio: only the podcast feed carries it, so a podcast app never gets an episode twice.
    assert all(not e.enclosures for e in parsed.entries)
    assert b"enclosure" not in build_term_feed(cat, "topics", "leadership-development", "Test network", SITE, "©")
    # The feed's date is its newest entry's, never the clock's.
    assert parsed.feed.updated.startswith("2009-03-01")


def test_a_region_feed_has_its_case_studies(project, podcast_files):
    cat = catalogue(project, {
        **podcast_files,
        "case_studies/here.md": case_study("Here", region="london", topics="[leadership-development]"),
        "case_studies/there.md": case_study("There", region="north-west", topics="[leadership-development]"),
    })
    assert [e.link for e in feed(cat, "regions", "london").entries] == [f"{SITE}case-studies/here/"]


def test_the_newest_fifty_newest_first_and_an_updated_one_counts_as_new(project):
    files = {f"case_studies/cs-{i:03d}.md": case_study(f"Case study {i}", date=f"2009-{1 + i // 28:02d}-{1 + i % 28:02d}")
             for i in range(60)}
    files["case_studies/cs-000.md"] = case_study("Case study 0", date="2009-01-01", extra="updated: 2010-01-01\n")
    cat = catalogue(project, files)
    titles = [e.title for e in feed(cat, "topics", "planned-care").entries]
    assert len(titles) == 50
    assert titles == ["Case study 0"] + [f"Case study {i}" for i in range(59, 10, -1)]
    assert feed(cat, "regions", "north-west").feed.updated.startswith("2010-01-01")


def test_ids_are_stable_and_shared_with_the_case_study_feed(project, podcast_files):
    cat = catalogue(project, {**podcast_files, "case_studies/leaders.md": case_study(topics="[leadership-development]")})
    entries = feed(cat, "topics", "leadership-development").entries  # the episode (12 February) first
    assert [e.id for e in entries] == [record_id(cat.episodes[0]), record_id(cat.case_studies[0])]
    assert entries[1].id == entry_id("leaders")
    assert entries[1].id in {e.id for e in feedparser.parse(build_case_study_feed(cat, "T", SITE, "©")).entries}
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", entries[0].id)
    assert entries[0].id not in (cat.episodes[0].meta.guid, entries[1].id)
    # Not the site's address: a move keeps every id (and the feed's own).
    moved = feed(cat, "topics", "leadership-development", "https://elsewhere.example.net/cln/")
    assert [e.id for e in moved.entries] == [e.id for e in entries]
    assert moved.feed.id == feed(cat, "topics", "leadership-development").feed.id != feed(cat, "topics", "acute-care").feed.id


def test_every_topic_and_region_has_a_feed_and_the_same_content_gives_the_same_bytes(project):
    cat = catalogue(project, {"case_studies/a.md": case_study(date="2009-05-01")})
    site = SiteSettings(site_name="Test network", site_url=SITE, show=ShowSettings())
    feeds = term_feeds(cat, site)
    assert set(feeds) == {f"{kind}/{t.slug}/feed.xml" for kind in ("topics", "regions") for t in cat.taxonomy.terms[kind]}
    assert feeds == term_feeds(cat, site)
    # A value with nothing yet still has a feed to subscribe to, dated by the site's newest change.
    empty = feedparser.parse(feeds["topics/end-of-life-care/feed.xml"])
    assert not empty.bozo and empty.entries == [] and empty.feed.updated.startswith("2009-05-01")


def test_pages_advertise_the_feeds_with_links_relative_to_them(project, podcast_files):
    site = SiteSettings(site_name="Test network", site_url=SITE, show=ShowSettings(title="The show"))
    cat = catalogue(project, {**podcast_files, "case_studies/a.md": case_study()})
    tags = re.findall(r"<link [^>]+>", alternate_links(cat, site, "topics/planned-care/", "topics/planned-care.md"))
    assert tags == [
        '<link rel="alternate" type="application/atom+xml" title="Test network: Planned care" href="feed.xml">',
        '<link rel="alternate" type="application/atom+xml" title="Test network: case studies" href="../../case-studies/feed.xml">',
        '<link rel="alternate" type="application/rss+xml" title="The show" href="../../podcast/feed.xml">',
    ]
    page = alternate_links(cat, site, "case-studies/a/", "case-studies/a.md")
    assert 'href="../feed.xml"' in page and 'href="../../podcast/feed.xml"' in page and page.count("<link") == 2
    assert alternate_links(cat, site, "", "index.md").count('href="case-studies/feed.xml"') == 1
    assert alternate_links(cat, site, "professions/nurse/", "professions/nurse.md").count("<link") == 2
    assert alternate_links(cat, site, "topics/", "topics/index.md").count("<link") == 2
    # No episodes, no podcast feed: nothing points to it.
    shutil.rmtree(project() / "podcasts")
    bare = catalogue(project, {})
    assert bare.episodes == []
    assert "podcast" not in alternate_links(bare, site, "", "index.md")


def test_index_pages_link_to_their_feed_and_to_explore_with_their_value(project):
    cat = catalogue(project, {"case_studies/a.md": case_study()})
    topic = term_page(cat, "topics", "planned-care").html
    assert '<a class="cln-subscribe" href="feed.xml" type="application/atom+xml">Subscribe to this topic</a>' in topic
    assert '<a class="cln-explore" href="../../explore/?topic=planned-care">Explore these with other filters</a>' in topic
    assert "Subscribe to this region" in term_page(cat, "regions", "london").html
    assert 'href="../../explore/?region=london"' in term_page(cat, "regions", "london").html
    for kind, param, slug in (("professions", "profession", "nurse"), ("competencies", "competency", "innovation")):
        html = term_page(cat, kind, slug).html
        assert f'href="../../explore/?{param}={slug}"' in html and "Subscribe" not in html


def test_entries_updated_on_the_same_day_get_distinct_times_newest_first():
    from cln.content import parse as parse_record
    from cln.feeds.case_studies import distinct_updates
    from conftest import case_study as study

    records = [parse_record(f"case_studies/{name}.md", study(name.title(), date="2009-02-05").encode(), "case-study")[0]
               for name in ("alpha", "beta", "gamma")]
    times = distinct_updates(records)
    assert len(set(times.values())) == 3
    assert [times[r.path] for r in records] == sorted(times.values(), reverse=True)
    assert times[records[0].path] == records[0].modified
