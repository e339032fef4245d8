"""The home page as a front door: the repository's own site (sample content and all) built in a
temporary folder, with two more case studies so every evidence level is on the page."""

from __future__ import annotations

import html as html_
import posixpath
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import REPO, run_build

pytestmark = pytest.mark.slow

SITE = "https://cln.example.org/"  # the sample's site_url
PATHWAYS = ("maternity-and-newborn", "children-and-young-people", "planned-care", "mental-health",
            "staying-healthy", "long-term-conditions", "acute-care", "end-of-life-care")

MEASURED = """\
---
title: Day-case hernia repair in South Central
summary: Surgeons and theatre nurses booked more hernia repairs as day cases.
date: 2011-03-02
region: south-central
topics: [planned-care]
authors:
  - name: The network's editorial team
evidence: measured
outcomes:
  - measure: Hernia repairs done as day cases
    before: 48%
    after: 81%
    source: theatre system, Jan to Jun 2010
    sample: 212 operations
---
The surgical team changed its booking rules.
"""

ILLUSTRATIVE = """\
---
title: A discharge lounge run by ward nurses
summary: An invented ward shows how a discharge lounge case study is written.
date: 2011-02-09
region: london
topics: [acute-care, quality-improvement]
authors:
  - name: The network's editorial team
evidence: illustrative
outcomes:
  - measure: Patients discharged before noon
    before: 12%
    after: 35%
---
An invented example of the format.
"""


def text(fragment: str) -> str:
    """What a reader sees of some HTML (words for screen readers only left out)."""
    fragment = re.sub(r'<span class="cln-visually-hidden">.*?</span>', "", fragment)
    return " ".join(html_.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1])


@pytest.fixture(scope="module")
def home_site(tmp_path_factory):
    """The sample site, copied, with a measured and an illustrative case study newer than the rest."""
    root = tmp_path_factory.mktemp("home") / "project"
    root.mkdir()
    for name in ("docs", "case_studies", "podcasts"):
        shutil.copytree(REPO / name, root / name)
    for name in ("mkdocs.yml", "taxonomy.yml"):
        shutil.copyfile(REPO / name, root / name)
    (root / "case_studies" / "day-case-hernia.md").write_text(MEASURED, encoding="utf-8")
    (root / "case_studies" / "discharge-lounge.md").write_text(ILLUSTRATIVE, encoding="utf-8")
    built = run_build(root)
    assert built.returncode == 0, built.output
    return built


@pytest.fixture(scope="module")
def home(home_site) -> str:
    page = home_site.read("index.html")
    return page.split('<article class="md-content__inner md-typeset"', 1)[1].split("</article>", 1)[0]


def section(home: str, heading: str) -> str:
    """The part of the home page under the h2 ``heading``, up to the next h2."""
    match = re.search(rf"<h2[^>]*>{re.escape(heading)}.*?</h2>(.*?)(?=<h2|$)", home, re.DOTALL)
    assert match, f"no section {heading!r} on home"
    return match.group(1)


def published(root: Path, folder: str) -> list[dict]:
    metas = [front(p) for p in sorted((root / folder).glob("*.md")) if not p.name.startswith("_")]
    return [m for m in metas if not m.get("draft")]


def test_home_says_what_the_network_is_once_titled_without_a_table_of_contents(home_site, home):
    page = home_site.read("index.html")
    assert page.count("<h1") == 1 and re.search(r"<h1[^>]*>Clinical Leaders Network<", page)
    assert "<title>Clinical Leaders Network</title>" in page  # not "Clinical Leaders Network - Clinical Leaders Network"
    hero = text(home.split('<h2', 1)[0])
    for fact in ("More than 600 clinicians", "ten strategic health authorities", "action learning sets",
                 "NHS Next Stage Review"):
        assert fact in hero
    # No table of contents: none beside the page, none in the phone's menu, no list of the sections.
    assert 'data-md-component="toc"' not in page and 'for="__toc"' not in page
    assert not re.search(r'<a [^>]*(?:href="#[^"]*"[^>]*class="md-nav__link|class="md-nav__link[^>]*href="#)', page)


def test_the_search_box_opens_explore_with_the_words(home_site, home):
    form = re.search(r'<form class="cln-home-search"([^>]*)>(.*?)</form>', home, re.DOTALL)
    assert form, "no search form on home"
    assert 'action="explore/"' in form.group(1) and 'method="get"' in form.group(1)
    assert re.search(r'<input[^>]*\bname="q"', form.group(2))
    assert re.search(r'<label[^>]*for="cln-home-q"[^>]*>Search case studies and episodes</label>', form.group(2))
    assert (home_site.site / "explore" / "index.html").is_file()


def test_every_topic_is_a_card_with_its_counts_of_case_studies_and_episodes(home_site, home):
    root = home_site.root
    studies, episodes = published(root, "case_studies"), published(root, "podcasts")
    taxonomy = yaml.safe_load((root / "taxonomy.yml").read_text(encoding="utf-8"))
    pathways, themes = section(home, "Clinical pathways"), section(home, "The network's themes")
    for topic in taxonomy["topics"]:
        slug = topic["slug"]
        n_studies = sum(slug in m["topics"] for m in studies)
        n_episodes = sum(slug in (m.get("topics") or []) for m in episodes)
        where = pathways if slug in PATHWAYS else themes
        card = re.search(rf'<a class="cln-topic-card__link" href="topics/{slug}/">(.*?)</a>', where, re.DOTALL)
        assert card, f"no card for {slug} under {'pathways' if slug in PATHWAYS else 'themes'}"
        assert text(card.group(1)) == (f"{topic['name']} {n_studies} case stud{'y' if n_studies == 1 else 'ies'}"
                                       f" · {n_episodes} episode{'' if n_episodes == 1 else 's'}")
        assert (home_site.site / "topics" / slug / "index.html").is_file()
    assert home.count('class="cln-topic-card"') == len(taxonomy["topics"])


def test_the_latest_case_studies_are_cards_with_region_pathway_headline_outcome_and_evidence(home_site, home):
    cards = re.findall(r'<li class="cln-cs-card[^"]*">(.*?)</li>', section(home, "Latest case studies"), re.DOTALL)
    assert len(cards) == 6
    first, second = text(cards[0]), text(cards[1])
    # Newest first: the measured one, then the illustrative one.
    assert first == ("Planned care Day-case hernia repair in South Central 2 March 2011 · South Central "
                     "Hernia repairs done as day cases 48% → 81% Measured")
    assert second == ("Acute care A discharge lounge run by ward nurses 9 February 2011 · London "
                      "Patients discharged before noon 12% → 35% Illustrative")
    assert 'href="case-studies/day-case-hernia/"' in cards[0]
    # Screen readers hear what the label and the arrow mean.
    assert '<span class="cln-visually-hidden">Evidence: </span>Illustrative' in cards[1]
    assert '<span class="cln-visually-hidden"> to </span>' in cards[1]
    # The rest are the sample's newest, in order, each marked with its own evidence level.
    studies = sorted(published(home_site.root, "case_studies"), key=lambda m: str(m["date"]), reverse=True)
    for meta, card in zip(studies[2:6], cards[2:], strict=True):
        assert meta["title"] in html_.unescape(card)
        assert text(card).endswith((meta.get("evidence") or "reported").capitalize())
    assert re.search(r'<a href="case-studies/">All \d+ case studies</a>', home)


def test_the_latest_episode_plays_from_a_file_the_site_has(home_site, home):
    episodes = [m for m in published(home_site.root, "podcasts") if m.get("type", "full") != "trailer"]
    newest = max(episodes, key=lambda m: str(m["date"]))
    part = section(home, "Latest episode")
    assert newest["title"] in html_.unescape(part)
    audio = re.search(r'<audio class="cln-episode-card__audio" controls preload="none" src="([^"]+)"', part)
    assert audio, "no player for the latest episode"
    path = home_site.site / posixpath.normpath(audio.group(1))
    assert path.is_file() and path.stat().st_size > 1000 and path.suffix == ".mp3"


def test_the_subscribe_panel_gives_both_feeds_topic_feeds_and_the_podcast_apps(home_site, home):
    part = section(home, "Follow new work")
    assert f'value="{SITE}case-studies/feed.xml"' in part and f'value="{SITE}podcast/feed.xml"' in part
    assert part.count("data-cln-copy=") == 2
    assert 'href="topics/"' in part and 'href="regions/"' in part
    apps = text(part)
    for app in ("Apple Podcasts", "Spotify", "Pocket Casts", "AntennaPod", "gPodder"):
        assert app in apps
    # Words only: no link from the panel leaves the site.
    assert not re.search(r'href="(?:https?:)?//', part)
    for feed in ("case-studies/feed.xml", "podcast/feed.xml"):
        assert (home_site.site / feed).is_file()
