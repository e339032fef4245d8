"""A small site built for real: what search engines read of each page (JSON-LD), what a shared link
shows (Open Graph), and the footer every reader sees (contact, privacy notice, accessibility, feeds)."""

from __future__ import annotations

import json
import re

import pytest

from conftest import REPO, case_study

pytestmark = pytest.mark.slow

SITE = "https://cln.example.org/"


def json_ld(page: str) -> dict[str, dict]:
    """The page's JSON-LD blocks, parsed, by their @type."""
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert found, "no JSON-LD on the page"
    blocks = [json.loads(text) for text in found]
    assert all(b["@context"] == "https://schema.org" for b in blocks)
    return {b["@type"]: b for b in blocks}


def og(page: str) -> dict[str, str]:
    return dict(re.findall(r'<meta (?:property|name)="((?:og|twitter):[^"]+)" content="([^"]*)">', page))


def crumbs(blocks: dict[str, dict]) -> list[tuple[str, str]]:
    return [(i["name"], i["item"]) for i in blocks["BreadcrumbList"]["itemListElement"]]


@pytest.fixture(scope="module")
def built(tmp_path_factory, mp3s, show_art):
    from conftest import DOCS, MKDOCS_YML, episode, run_build, write_tree

    root = tmp_path_factory.mktemp("found") / "project"
    root.mkdir()
    (root / "taxonomy.yml").write_bytes((REPO / "taxonomy.yml").read_bytes())
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(extra="") + "copyright: © Test network. Shared for learning.\n",
                                     encoding="utf-8")
    write_tree(root, {
        **DOCS,
        "docs/privacy.md": (REPO / "docs/privacy.md").read_text(encoding="utf-8"),
        "docs/accessibility.md": "# Accessibility statement\n\nWe aim for WCAG 2.2 AA.\n",
        "case_studies/choose-and-book.md": case_study(extra="updated: 2009-03-02\n"),
        "podcasts/ep.md": episode(),
        "podcasts/audio/ep.mp3": mp3s["short"],
        "podcasts/transcripts/ep.vtt": "WEBVTT\n\n00:00:00.000 --> 00:00:03.000\n<v Host>Welcome.\n",
        "podcasts/art/show-cover.png": show_art,
    })
    result = run_build(root)
    assert result.returncode == 0, result.output
    return result


def test_home_is_the_website(built):
    page = built.read("index.html")
    blocks = json_ld(page)
    assert blocks["WebSite"]["url"] == SITE and blocks["WebSite"]["name"] == "Test network"
    assert crumbs(blocks) == [("Test network", SITE)]
    tags = og(page)
    assert tags["og:type"] == "website" and tags["og:url"] == SITE
    assert tags["og:image"] == SITE + "assets/share/site.png"
    assert '<link rel="apple-touch-icon" href="assets/cln/apple-touch-icon.png">' in page


def test_a_case_study_is_an_article(built):
    page = built.read("case-studies/choose-and-book/index.html")
    article = json_ld(page)["Article"]
    assert article["headline"] == "Choose and Book in the North West"
    assert (article["datePublished"], article["dateModified"]) == ("2009-01-15", "2009-03-02")
    assert article["author"][0] == {"@type": "Person", "name": "Dr Jane Example", "jobTitle": "GP and network member",
                                    "affiliation": {"@type": "Organization", "name": "Example Valley PCT"}}
    assert article["publisher"]["@type"] == "Organization"
    assert article["publisher"]["logo"]["url"] == SITE + "assets/cln/mark.svg"
    assert [t["name"] for t in article["about"]] == ["Planned care", "Health informatics"]
    assert article["url"] == SITE + "case-studies/choose-and-book/"
    assert crumbs(json_ld(page))[1:] == [("Case studies", SITE + "case-studies/"),
                                         ("Choose and Book in the North West", SITE + "case-studies/choose-and-book/")]
    tags = og(page)
    assert tags["og:type"] == "article" and tags["og:title"] == "Choose and Book in the North West"
    assert tags["og:image"] == SITE + "assets/share/case-studies/choose-and-book.png"
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert tags["og:image:alt"] and tags["twitter:card"] == "summary_large_image"
    # The data blocks run nothing, so the page's policy allows no hash for them.
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)[1]
    assert all(f"sha256-{h}" not in policy for h in re.findall(r'ld\+json">(.*?)</script>', page))


def test_an_index_and_the_podcast_page(built):
    index = json_ld(built.read("topics/planned-care/index.html"))
    assert index["CollectionPage"]["url"] == SITE + "topics/planned-care/"
    assert crumbs(index) == [("Test network", SITE), ("Topics", SITE + "topics/"),
                             ("Planned care", SITE + "topics/planned-care/")]
    page = built.read("podcast/index.html")
    show = json_ld(page)["PodcastSeries"]
    assert show["webFeed"] == SITE + "podcast/feed.xml" and show["url"] == SITE + "podcast/"
    assert show["name"] and show["description"] and show["image"].startswith(SITE)
    assert og(page)["og:image"] == SITE + "assets/share/site.png"


def test_an_episode_is_a_podcast_episode(built):
    page = built.read("podcast/ep/index.html")
    ep = json_ld(page)["PodcastEpisode"]
    assert ep["name"] == "Episode 1, building a national network"
    assert ep["datePublished"] == "2009-02-12T09:00:00+00:00"
    media = ep["associatedMedia"]
    assert media["@type"] == "MediaObject" and media["contentUrl"] == SITE + "podcast/audio/ep.mp3"
    assert media["encodingFormat"] == "audio/mpeg"
    assert re.fullmatch(r"PT(\d+S)", ep["duration"]) and ep["timeRequired"] == ep["duration"] == media["duration"]
    assert (built.site / "podcast/audio/ep.mp3").exists()
    assert ep["partOfSeries"]["@type"] == "PodcastSeries" and ep["partOfSeries"]["url"] == SITE + "podcast/"
    tags = og(page)
    assert tags["og:type"] == "article" and tags["og:image"] == SITE + "assets/share/podcast/ep.png"


def test_every_page_has_a_footer_with_contact_privacy_accessibility_and_feeds(built):
    from urllib.parse import urljoin

    for url in ("", "case-studies/choose-and-book/", "podcast/ep/"):
        page = built.read(url + "index.html")
        footer = page[page.index('<footer class="md-footer">'):page.index("</footer>")]
        links = {text: urljoin(SITE + url, href) for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', footer)}
        assert links["cln@nhs.net"] == "mailto:cln@nhs.net"
        assert links["Privacy notice"] == SITE + "privacy/"
        assert links["Accessibility statement"] == SITE + "accessibility/"
        assert links["Case studies feed (Atom)"] == SITE + "case-studies/feed.xml"
        assert links["Podcast feed (for podcast apps)"] == SITE + "podcast/feed.xml"
        assert links["A feed for each topic"] == SITE + "topics/"
        for target in ("privacy/index.html", "accessibility/index.html", "case-studies/feed.xml", "podcast/feed.xml",
                       "topics/index.html"):
            assert (built.site / target).is_file(), target
        assert "© Test network. Shared for learning." in footer
    # The 404 page is served at any address: its footer's links start from the site's root.
    assert '<a href="/privacy/">Privacy notice</a>' in built.read("404.html")


def test_the_privacy_notice_is_published(built):
    page = built.read("privacy/index.html")
    assert "<h1" in page and "Privacy notice" in page
    text = re.sub(r"<[^>]+>", " ", page)
    assert "No cookies" in text and "playback speed" in text and "cln@nhs.net" in text


def test_every_share_card_is_a_1200_by_630_png_that_exists(built):
    from PIL import Image

    site = built.root / "site"
    pages = [p for p in site.rglob("index.html") if "pagefind" not in p.parts and "admin" not in p.parts]
    assert len(pages) > 10
    for path in pages:
        image = og(path.read_text(encoding="utf-8"))["og:image"]
        assert image.startswith(SITE), (path, image)
        with Image.open(site / image.removeprefix(SITE)) as png:
            assert (png.format, png.size) == ("PNG", (1200, 630)), path
