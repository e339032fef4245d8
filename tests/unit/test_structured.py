"""JSON-LD and share tags built from records (no site build): what search engines and chat apps read."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser

import pytest

from cln.audio import AudioFacts
from cln.catalogue import Catalogue, EpisodeMedia
from cln.content import parse
from cln.indexes import all_pages
from cln.plan import Plan
from cln.settings import ShowSettings, SiteSettings
from cln.structured import PageRef, head_html, iso_duration, json_ld, script_json
from cln.taxonomy import Taxonomy
from conftest import REPO, case_study, episode

SITE = SiteSettings(site_name="Clinical Leaders Network", site_url="https://cln.example.org/",
                    show=ShowSettings(title="The Network Podcast", description="Interviews & stories"))
AUTHORS = ("authors:\n  - name: Dr Jane Example\n    role: GP and network member\n    organisation: Example Valley PCT\n"
           "  - name: The network's editorial team\n")


def record(path, text, kind):
    rec, problems, _ = parse(path, text.encode(), kind)
    assert problems == []
    return rec


def site(case_studies=(), episodes=(), duration=3725.4):
    """A catalogue and plan of the given records, as the build makes them."""
    catalogue = Catalogue(taxonomy=Taxonomy.load(str(REPO / "taxonomy.yml")), case_studies=list(case_studies),
                          episodes=list(episodes))
    plan = Plan()
    for cs in case_studies:
        plan.records[cs.src_uri] = cs
    for ep in episodes:
        plan.records[ep.src_uri] = ep
        catalogue.media[ep.slug] = EpisodeMedia(
            audio_path=f"podcasts/audio/{ep.slug}.mp3", audio=AudioFacts(duration=duration, mime="audio/mpeg"),
            transcript_path=f"podcasts/transcripts/{ep.slug}.vtt", transcript_mime="text/vtt", cues=[])
        plan.audio_url[ep.slug] = f"podcast/audio/{ep.slug}.mp3"
    for page in all_pages(catalogue):
        plan.generated[page.src_uri] = page
    return catalogue, plan


def blocks(html: str) -> list[dict]:
    """Every JSON-LD block of some HTML, parsed as a browser would hand its text to a reader."""
    found: list[dict] = []

    class Scripts(HTMLParser):
        inside = False

        def handle_starttag(self, tag, attrs):
            self.inside = tag == "script" and dict(attrs).get("type") == "application/ld+json"

        def handle_data(self, data):
            if self.inside:
                found.append(json.loads(data))

        def handle_endtag(self, tag):
            self.inside = False

    Scripts().feed(html)
    return found


def meta(html: str) -> dict[str, str]:
    tags = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', html)
    return {name: value for name, value in tags}


@pytest.mark.parametrize(("seconds", "iso"), [(0, "PT0S"), (59.6, "PT1M"), (125.6, "PT2M6S"), (3600, "PT1H"),
                                              (3725.4, "PT1H2M5S")])
def test_durations_are_iso_8601(seconds, iso):
    assert iso_duration(seconds) == iso


def test_a_case_study_is_an_article():
    cs = record("case_studies/choose-and-book.md", case_study(extra="updated: 2009-03-02\n").replace(
        "authors:\n  - name: Dr Jane Example\n    role: GP and network member\n    organisation: Example Valley PCT\n",
        AUTHORS), "case-study")
    catalogue, plan = site([cs])
    article, crumbs = json_ld(PageRef(cs.url, cs.src_uri), catalogue, plan, SITE)
    assert article["@context"] == "https://schema.org" and article["@type"] == "Article"
    assert article["headline"] == "Choose and Book in the North West"
    assert article["description"] == "GPs and consultants worked with local leads for three months."
    assert article["datePublished"] == "2009-01-15" and article["dateModified"] == "2009-03-02"
    assert dt.date.fromisoformat(article["datePublished"]) == dt.date(2009, 1, 15)
    # Authors named as written: a person with their role and organisation, a team as an organisation.
    assert article["author"] == [
        {"@type": "Person", "name": "Dr Jane Example", "jobTitle": "GP and network member",
         "affiliation": {"@type": "Organization", "name": "Example Valley PCT"}},
        {"@type": "Organization", "name": "The network's editorial team"}]
    assert article["publisher"]["name"] == "NHS Clinical Leaders Network"
    assert article["publisher"]["logo"]["url"] == "https://cln.example.org/assets/cln/mark.svg"
    assert [t["name"] for t in article["about"]] == ["Planned care", "Health informatics"]
    assert article["url"] == "https://cln.example.org/case-studies/choose-and-book/"
    assert article["image"] == "https://cln.example.org/assets/share/case-studies/choose-and-book.png"
    assert crumbs["@type"] == "BreadcrumbList"
    assert [(i["position"], i["name"], i["item"]) for i in crumbs["itemListElement"]] == [
        (1, "Clinical Leaders Network", "https://cln.example.org/"),
        (2, "Case studies", "https://cln.example.org/case-studies/"),
        (3, "Choose and Book in the North West", "https://cln.example.org/case-studies/choose-and-book/")]


def test_an_illustrative_case_study_says_so_when_shared():
    cs = record("case_studies/made-up.md", case_study(extra="evidence: illustrative\n"), "case-study")
    catalogue, plan = site([cs])
    html = head_html(PageRef(cs.url, cs.src_uri), catalogue, plan, SITE)
    tags = meta(html)
    assert tags["og:description"].startswith("Illustrative example: ")
    assert tags["og:image:alt"].startswith("Illustrative example.")
    assert blocks(html)[0]["description"].startswith("Illustrative example: ")


def test_an_episode_is_a_podcast_episode_of_the_series():
    ep = record("podcasts/ep1.md", episode(1, date="2009-02-12T09:00:00+00:00"), "episode")
    catalogue, plan = site(episodes=[ep])
    data, crumbs = json_ld(PageRef(ep.url, ep.src_uri), catalogue, plan, SITE)
    assert data["@type"] == "PodcastEpisode"
    assert data["name"] == "Episode 1, building a national network"
    assert dt.datetime.fromisoformat(data["datePublished"]) == dt.datetime(2009, 2, 12, 9, tzinfo=dt.UTC)
    assert data["duration"] == data["timeRequired"] == "PT1H2M5S"
    assert data["associatedMedia"] == {"@type": "MediaObject", "contentUrl": "https://cln.example.org/podcast/audio/ep1.mp3",
                                       "encodingFormat": "audio/mpeg", "duration": "PT1H2M5S"}
    assert data["partOfSeries"]["@type"] == "PodcastSeries" and data["partOfSeries"]["name"] == "The Network Podcast"
    assert data["partOfSeries"]["url"] == "https://cln.example.org/podcast/"
    assert data["image"] == "https://cln.example.org/assets/share/podcast/ep1.png"
    assert [i["name"] for i in crumbs["itemListElement"]][1:] == ["Podcast", "Episode 1, building a national network"]


def test_the_podcast_page_is_the_series_and_home_is_the_website():
    ep = record("podcasts/ep1.md", episode(1), "episode")
    catalogue, plan = site(episodes=[ep])
    show, crumbs = json_ld(PageRef("podcast/", "podcast/index.md", "Podcast", "Listen"), catalogue, plan, SITE)
    assert show["@type"] == "PodcastSeries" and show["name"] == "The Network Podcast"
    assert show["description"] == "Interviews & stories"
    assert show["webFeed"] == "https://cln.example.org/podcast/feed.xml"
    assert show["url"] == "https://cln.example.org/podcast/" and show["image"].startswith("https://")
    assert [i["name"] for i in crumbs["itemListElement"]] == ["Clinical Leaders Network", "Podcast"]
    home, crumbs = json_ld(PageRef("", "index.md", "Home", "Case studies and a podcast"), catalogue, plan, SITE)
    assert home["@type"] == "WebSite" and home["url"] == "https://cln.example.org/"
    assert len(crumbs["itemListElement"]) == 1


def test_index_pages_have_breadcrumbs_through_their_section():
    cs = record("case_studies/choose-and-book.md", case_study(), "case-study")
    catalogue, plan = site([cs])
    page, crumbs = json_ld(PageRef("topics/planned-care/", "topics/planned-care.md"), catalogue, plan, SITE)
    assert page["@type"] == "CollectionPage" and page["name"] == "Planned care"
    assert [i["name"] for i in crumbs["itemListElement"]] == ["Clinical Leaders Network", "Topics", "Planned care"]


def test_a_title_cannot_close_the_script_element():
    title = "Ends </script><script>alert(1)</script> & <!-- here"
    cs = record("case_studies/hostile.md", case_study(repr(title).replace("'", '"')), "case-study")
    catalogue, plan = site([cs])
    html = head_html(PageRef(cs.url, cs.src_uri), catalogue, plan, SITE)
    # Two data blocks, nothing else: the title opened no element and closed none.
    assert html.count("<script") == 2 and html.count("</script>") == 2
    assert "alert(1)</script>" not in html and "<!--" not in html
    assert blocks(html)[0]["headline"] == title  # and it reads back whole
    assert script_json({"a": "</script>&"}) == '{"a":"\\u003c/script\\u003e\\u0026"}'
    # In the Open Graph tags it is escaped as an attribute value.
    assert meta(html)["og:title"] == "Ends &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;!-- here"


def test_share_tags_are_absolute_and_sized():
    cs = record("case_studies/choose-and-book.md", case_study(), "case-study")
    catalogue, plan = site([cs])
    tags = meta(head_html(PageRef(cs.url, cs.src_uri), catalogue, plan, SITE))
    assert tags["og:type"] == "article"
    assert tags["og:url"] == "https://cln.example.org/case-studies/choose-and-book/"
    assert tags["og:image"] == "https://cln.example.org/assets/share/case-studies/choose-and-book.png"
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert tags["og:site_name"] == "Clinical Leaders Network"
    assert tags["twitter:card"] == "summary_large_image"
    about = meta(head_html(PageRef("about/", "about.md", "About the network", "How it began"), catalogue, plan, SITE))
    assert about["og:type"] == "website" and about["og:title"] == "About the network"
    assert about["og:image"] == "https://cln.example.org/assets/share/site.png"
