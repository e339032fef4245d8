"""Search: every build indexes its own pages with Pagefind; records carry the facets Explore
filters on (the index contract), generated indexes are left out, and a failed index fails the build."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import lxml.html
import pytest

from conftest import case_study, pagefind_records, run_build

pytestmark = pytest.mark.slow

FACETS = ("data-pagefind-filter", "data-pagefind-meta", "data-pagefind-sort")
INDEXES = ("topics/index.html", "topics/planned-care/index.html", "regions/index.html", "regions/north-west/index.html",
           "professions/index.html", "professions/general-practitioner/index.html", "competencies/index.html",
           "competencies/influencing-change/index.html")
TITLE = 'Maternity & newborn: "one team" <handovers>'


def facets(html: str) -> dict[str, list[str]]:
    """Every filter, meta and sort value a page gives Pagefind, by attribute, sorted."""
    doc = lxml.html.fromstring(html)
    return {attr: sorted(el.get(attr) for el in doc.xpath(f"//*[@{attr}]")) for attr in FACETS}


def bodies(html: str) -> list[str]:
    """The tags of the elements marked as the page's indexed content."""
    return [el.tag for el in lxml.html.fromstring(html).xpath("//*[@data-pagefind-body]")]


@pytest.fixture(scope="module")
def site(tmp_path_factory, mp3s, show_art) -> Path:
    from conftest import DOCS, MKDOCS_YML, REPO, VTT, episode, write_tree

    root = tmp_path_factory.mktemp("search") / "project"
    root.mkdir()
    (root / "taxonomy.yml").write_bytes((REPO / "taxonomy.yml").read_bytes())
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(extra=""), encoding="utf-8")
    write_tree(root, {
        **DOCS,
        "case_studies/a.md": case_study(body="The quality observatory published dashboards."),
        "case_studies/b.md": case_study(f"'{TITLE}'", date="2010-06-24", region="london",
                                        topics="[maternity-and-newborn]", extra="evidence: illustrative\n"),
        "case_studies/draft.md": case_study("A draft in progress", extra="draft: true\n"),
        "podcasts/ep.md": episode(),
        "podcasts/audio/ep.mp3": mp3s["short"],
        "podcasts/transcripts/ep.vtt": VTT,
        "podcasts/art/show-cover.png": show_art,
    })
    built = run_build(root)
    assert built.returncode == 0, built.output
    assert "Search: indexed 6 pages" in built.output
    return built.site


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_the_index_is_pagefind_s_and_material_s_is_gone(site):
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert (site / "pagefind" / "pagefind-entry.json").is_file()
    assert not (site / "search").exists()  # no search/search_index.json
    assert "search_index.json" not in read(site, "index.html")


def test_case_studies_carry_their_facets(site):
    page = read(site, "case-studies/a/index.html")
    assert bodies(page) == ["article"]
    assert facets(page) == {
        "data-pagefind-filter": ["competency:influencing-change", "kind:case-study", "profession:general-practitioner",
                                 "region:north-west", "topic:health-informatics", "topic:planned-care", "year:2009"],
        "data-pagefind-meta": ["date:2009-01-15", "evidence:reported", "kind_label:Case study",
                               "region_name:North West", "title:Choose and Book in the North West"],
        "data-pagefind-sort": ["date:2009-01-15"],
    }
    # The metadata panel's labels are not words of the page for search.
    doc = lxml.html.fromstring(page)
    assert doc.xpath("//dl[@class='cln-meta']//dt") and not doc.xpath("//dl[@class='cln-meta']//dt[not(@data-pagefind-ignore)]")
    other = facets(read(site, "case-studies/b/index.html"))
    assert f"title:{TITLE}" in other["data-pagefind-meta"] and "region_name:London" in other["data-pagefind-meta"]
    assert "evidence:illustrative" in other["data-pagefind-meta"]
    assert "year:2010" in other["data-pagefind-filter"] and other["data-pagefind-sort"] == ["date:2010-06-24"]


def test_episodes_carry_their_facets_and_every_transcript_line_its_time(site):
    page = read(site, "podcast/ep/index.html")
    assert bodies(page) == ["article"]
    assert facets(page) == {
        "data-pagefind-filter": ["kind:episode", "topic:leadership-development", "year:2009"],
        "data-pagefind-meta": ["date:2009-02-12", "kind_label:Episode", "title:Episode 1, building a national network"],
        "data-pagefind-sort": ["date:2009-02-12"],
    }
    lines = lxml.html.fromstring(page).xpath("//section[@class='cln-transcript']/p")
    assert [p.get("id") for p in lines] == ["t-0", "t-3"]
    assert "share what works" in lines[1].text_content()


def test_hand_written_pages_are_pages_and_generated_indexes_are_not_indexed(site):
    for path in ("index.html", "case-studies/index.html", "podcast/index.html"):
        page = read(site, path)
        assert bodies(page) == ["article"], path
        assert facets(page) == {"data-pagefind-filter": ["kind:page"], "data-pagefind-meta": ["kind_label:Page"],
                                "data-pagefind-sort": []}, path
    for path in INDEXES:
        page = read(site, path)
        assert bodies(page) == [], path
        assert facets(page) == {key: [] for key in FACETS}, path


def test_what_pagefind_recorded(site):
    records = pagefind_records(site)
    assert sorted(records) == ["/", "/case-studies/", "/case-studies/a/", "/case-studies/b/", "/podcast/", "/podcast/ep/"]
    a = records["/case-studies/a/"]
    assert a["filters"] == {"kind": ["case-study"], "topic": ["planned-care", "health-informatics"],
                            "region": ["north-west"], "profession": ["general-practitioner"],
                            "competency": ["influencing-change"], "year": ["2009"]}
    assert a["meta"] == {"title": "Choose and Book in the North West", "date": "2009-01-15",
                         "kind_label": "Case study", "region_name": "North West", "evidence": "reported"}
    # Body, title, summary, authors, organisations and outcomes; not the panel's labels.
    for words in ("quality observatory published dashboards", "Choose and Book in the North West",
                  "worked with local leads for three months", "Dr Jane Example", "Example Valley PCT",
                  "National ranking for Choose and Book", "Influencing change"):
        assert words in a["content"], words
    assert "Published" not in a["content"] and "Author" not in a["content"]
    assert records["/case-studies/b/"]["meta"]["title"] == TITLE  # as text, once decoded
    assert records["/case-studies/b/"]["meta"]["evidence"] == "illustrative"
    # An episode: show notes, guests and the whole transcript, each line an anchor to link to.
    ep = records["/podcast/ep/"]
    assert ep["filters"] == {"kind": ["episode"], "topic": ["leadership-development"], "year": ["2009"]}
    for words in ("In this episode we talk about the network", "Dr Example Guest", "National clinical director",
                  "Welcome to the Clinical Leaders Network podcast", "meet every month & share what works"):
        assert words in ep["content"], words
    cues = {a["id"]: a for a in ep["anchors"] if a["id"].startswith("t-")}
    assert sorted(cues) == ["t-0", "t-3"]
    later = ep["content"].split()[cues["t-3"]["location"]:]
    assert " ".join(later).startswith("Guest: Action learning sets")
    # Hand-written pages: their own words (not the lists of case studies they show), their heading as title.
    home = records["/"]
    assert home["filters"] == {"kind": ["page"]} and home["meta"] == {"title": "Home", "kind_label": "Page"}
    assert "Choose and Book" not in records["/case-studies/"]["content"]
    # Nothing of a draft.
    assert not any("draft" in r["content"].lower() for r in records.values())


def _fake_pagefind(folder: Path, script: str) -> Path:
    path = folder / "pagefind"
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_a_failed_index_stops_the_build_with_a_message_and_keeps_the_last_good_site(project, tmp_path):
    root = project({"case_studies/a.md": case_study()})
    assert run_build(root).returncode == 0
    site = root / "site"
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert Path("pagefind/pagefind.js") in before

    broken = _fake_pagefind(tmp_path, "echo 'Error: Pagefind could not read the site' >&2\nexit 3\n")
    failed = run_build(root, env={"PAGEFIND_BINARY_PATH": str(broken)})
    assert failed.returncode != 0
    assert "Search: the search index was not made: Pagefind stopped with exit code 3" in failed.output
    assert "Error: Pagefind could not read the site" in failed.output
    assert "Traceback" not in failed.output

    missing = run_build(root, env={"PAGEFIND_BINARY_PATH": str(tmp_path / "no-such-pagefind")})
    assert missing.returncode != 0
    assert "Search: the search index was not made: Pagefind" in missing.output and "could not run" in missing.output
    assert "Traceback" not in missing.output

    quiet = _fake_pagefind(tmp_path, "exit 0\n")  # says it worked, wrote nothing
    nothing = run_build(root, env={"PAGEFIND_BINARY_PATH": str(quiet)})
    assert nothing.returncode != 0 and "wrote no pagefind/pagefind.js" in nothing.output

    # Readers still get the last good site, index and all, byte for byte.
    assert {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert os.environ.get("PAGEFIND_BINARY_PATH") is None
