"""A small site built for real: each page's related case studies and episodes, the topic and
region feeds read back by a feed reader, and how pages advertise and link to them."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import feedparser
import pytest

from conftest import case_study

pytestmark = pytest.mark.slow

SITE = "https://cln.example.org/"


def resolve(site: Path, page: str, href: str) -> Path:
    """The file a relative link on the page at ``page`` (a site address) leads to."""
    target = posixpath.normpath(posixpath.join(page, href.split("?")[0].split("#")[0]))
    path = site / target
    return path / "index.html" if href.split("?")[0].endswith("/") or path.is_dir() else path


def test_related_sections_term_feeds_and_the_links_to_them(build, podcast_files):
    built = build({
        **podcast_files,  # one episode, on leadership-development
        "case_studies/leaders.md": case_study("Leaders in the North West", date="2009-03-01",
                                              topics="[leadership-development, planned-care]"),
        "case_studies/london-care.md": case_study("Planned care in London", date="2009-04-01", region="london",
                                                  topics="[planned-care]"),
        "case_studies/north-west-acute.md": case_study("Acute care in the North West", date="2009-05-01",
                                                       topics="[acute-care]"),
        "case_studies/draft-one.md": case_study("A draft in progress", date="2010-01-01", topics="[planned-care]",
                                                extra="draft: true\n"),
    })
    assert built.returncode == 0, built.output
    site = built.site

    # The end of a case study: its related case studies and episodes, linked from the page.
    page = built.read("case-studies/leaders/index.html")
    section = re.search(r'<section class="cln-related" aria-labelledby="related">'
                        r'<h2 id="related">Related case studies and episodes</h2>(.*?)</section>', page, re.S)
    assert section, "no related section"
    links = re.findall(r'<h3 class="cln-card__title"><a href="([^"]+)">', section.group(1))
    # Every case study has the same profession (1) and competency (2): London's shares a topic too
    # (5 + 1 + 2), the episode only a topic (5), the acute care study the region (1 + 1 + 2).
    assert links == ["../london-care/", "../../podcast/ep/", "../north-west-acute/"]
    for href in links:
        assert resolve(site, "case-studies/leaders/", href).is_file(), href
    assert page.index('id="related"') > page.index("We engaged Choose and Book leads.")
    assert "A draft in progress" not in page
    episode_page = built.read("podcast/ep/index.html")
    assert episode_page.index('<h2 id="related">') > episode_page.index('<h2 id="transcript">')
    assert re.findall(r'<section class="cln-related".*?<a href="([^"]+)">', episode_page, re.S) == ["../../case-studies/leaders/"]

    # The feeds, read back by a feed reader: the topic's case studies and episodes, the region's case studies.
    topic = feedparser.parse(built.read("topics/leadership-development/feed.xml"))
    assert not topic.bozo, topic.bozo_exception
    assert [e.link for e in topic.entries] == [f"{SITE}case-studies/leaders/", f"{SITE}podcast/ep/"]
    assert all(not e.enclosures for e in topic.entries)
    region = feedparser.parse(built.read("regions/north-west/feed.xml"))
    assert not region.bozo, region.bozo_exception
    assert [e.title for e in region.entries] == ["Acute care in the North West", "Leaders in the North West"]
    assert [a.name for a in region.entries[0].authors] == ["Dr Jane Example"]
    for entry in [*topic.entries, *region.entries]:
        assert resolve(site, "", entry.link.removeprefix(SITE)).is_file(), entry.link
    assert "A draft in progress" not in built.read("topics/planned-care/feed.xml")

    # Every page advertises the site's feeds; a topic's page its own first.
    def alternates(address: str) -> list[tuple[str, str, str]]:
        html = built.read(address + "index.html")
        head = html[:html.index("</head>")]
        found = re.findall(r'<link rel="alternate" type="([^"]+)" title="([^"]+)" href="([^"]+)">', head)
        for _, _, href in found:
            assert resolve(site, address, href).is_file(), (address, href)
        return found

    assert alternates("case-studies/leaders/") == [
        ("application/atom+xml", "Test network: case studies", "../feed.xml"),
        ("application/rss+xml", "Clinical Leaders Network Podcast", "../../podcast/feed.xml"),
    ]
    assert alternates("topics/planned-care/") == [
        ("application/atom+xml", "Test network: Planned care", "feed.xml"),
        ("application/atom+xml", "Test network: case studies", "../../case-studies/feed.xml"),
        ("application/rss+xml", "Clinical Leaders Network Podcast", "../../podcast/feed.xml"),
    ]
    assert [href for *_, href in alternates("")] == ["case-studies/feed.xml", "podcast/feed.xml"]

    # A topic's page: a visible link to its feed, and one to Explore with the topic chosen.
    topic_page = built.read("topics/planned-care/index.html")
    subscribe = re.search(r'<a class="cln-subscribe" href="([^"]+)"[^>]*>([^<]+)</a>', topic_page)
    assert subscribe and subscribe.group(2) == "Subscribe to this topic"
    assert resolve(site, "topics/planned-care/", subscribe.group(1)) == site / "topics/planned-care/feed.xml"
    assert '<a class="cln-explore" href="../../explore/?topic=planned-care">Explore these with other filters</a>' in topic_page
    assert 'href="../../explore/?competency=influencing-change"' in built.read("competencies/influencing-change/index.html")
