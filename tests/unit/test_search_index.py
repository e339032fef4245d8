"""search.py without MkDocs: the facets a record gives the index, which pages are indexed, and
Pagefind run on a folder of two pages, failures included."""

from __future__ import annotations

import stat

import lxml.html
import pytest

from cln import search
from cln.catalogue import Catalogue
from cln.content import parse
from cln.taxonomy import Taxonomy
from conftest import REPO, case_study, episode, pagefind_records


def _catalogue(*records) -> Catalogue:
    return Catalogue(taxonomy=Taxonomy.load(str(REPO / "taxonomy.yml")),
                     case_studies=[r for r in records if r.kind == "case-study"],
                     episodes=[r for r in records if r.kind == "episode"])


def _record(path, text, kind):
    rec, problems, _ = parse(path, text.encode(), kind)
    assert problems == [], problems
    return rec


def _values(html: str) -> dict[str, list[str]]:
    doc = lxml.html.fromstring(f"<body>{html}</body>")
    (block,) = doc.xpath("//div[@class='cln-facets']")
    assert block.get("hidden") is not None and block.text_content() == ""  # no words of its own
    return {attr: [el.get(attr) for el in doc.xpath(f"//*[@{attr}]")]
            for attr in ("data-pagefind-filter", "data-pagefind-meta", "data-pagefind-sort")}


def test_a_case_study_s_facets_are_slugs_dates_and_names_with_markup_characters_as_text():
    title = 'Maternity & newborn: "one team" <handovers>'
    cs = _record("case_studies/m.md", case_study(f"'{title}'", region="yorkshire-and-the-humber",
                                                  topics="[maternity-and-newborn, planned-care]"), "case-study")
    values = _values(search.record_facets(cs, _catalogue(cs)))
    assert values == {
        "data-pagefind-filter": ["kind:case-study", "year:2009", "topic:maternity-and-newborn", "topic:planned-care",
                                 "region:yorkshire-and-the-humber", "profession:general-practitioner",
                                 "competency:influencing-change"],
        "data-pagefind-meta": ["kind_label:Case study", "date:2009-01-15", f"title:{title}",
                               "region_name:Yorkshire and the Humber", "evidence:reported"],
        "data-pagefind-sort": ["date:2009-01-15"],
    }
    assert "&lt;handovers&gt;" in search.record_facets(cs, _catalogue(cs))  # escaped in the attribute


def test_an_episode_s_facets_use_its_date_as_published():
    ep = _record("podcasts/ep.md", episode(date="2009-12-31T23:30:00-05:00"), "episode")
    values = _values(search.record_facets(ep, _catalogue(ep)))
    assert values["data-pagefind-filter"] == ["kind:episode", "year:2009", "topic:leadership-development"]
    assert values["data-pagefind-meta"][:2] == ["kind_label:Episode", "date:2009-12-31"]
    assert values["data-pagefind-sort"] == ["date:2009-12-31"]


def test_hand_written_pages_but_explore_and_admin_are_indexed():
    assert _values(search.page_facets()) == {"data-pagefind-filter": ["kind:page"],
                                             "data-pagefind-meta": ["kind_label:Page"], "data-pagefind-sort": []}
    assert search.indexed("") and search.indexed("about/") and search.indexed("case-studies/")
    assert not search.indexed("explore/") and not search.indexed("admin/") and not search.indexed("admin/config/")


PAGE = ('<!doctype html><html lang="en"><head><title>{title}</title></head><body><nav>Menu words</nav>'
        '<article data-pagefind-body>{facets}<h1>{title}<a class="headerlink" href="#x">¶</a></h1>'
        '<p>{text}</p></article></body></html>')


@pytest.fixture
def folder(tmp_path):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text(PAGE.format(title="Alpha", facets=search.page_facets(),
                                                       text="Telehealth checks at home."), encoding="utf-8")
    (site / "index.html").write_text(PAGE.format(title="Home", facets="", text="Welcome.").replace(
        " data-pagefind-body", ""), encoding="utf-8")  # no body: not indexed
    return site


def test_pagefind_indexes_the_pages_that_have_a_body(folder):
    report = search.build_index(str(folder))
    assert report.pages == 1 and report.words > 0
    assert (folder / "pagefind" / "pagefind.js").is_file()
    (record,) = pagefind_records(folder).values()
    assert record["url"] == "/a/"
    assert record["meta"] == {"title": "Alpha", "kind_label": "Page"}  # the ¶ permalink is left out
    assert record["filters"] == {"kind": ["page"]}
    assert "Telehealth" in record["content"] and "Menu" not in record["content"]


def _fake(tmp_path, script: str) -> str:
    path = tmp_path / "fake-pagefind"
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_a_failing_pagefind_is_reported_in_its_own_words(folder, tmp_path, monkeypatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", _fake(tmp_path, "echo 'Error: Unable to locate the site' >&2\nexit 1\n"))
    with pytest.raises(search.SearchIndexError) as failed:
        search.build_index(str(folder))
    assert str(failed.value) == ("the search index was not made: Pagefind stopped with exit code 1:\n"
                                 "Error: Unable to locate the site")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "missing"))
    with pytest.raises(search.SearchIndexError, match=r"Pagefind \(.*missing\) could not run: No such file"):
        search.build_index(str(folder))
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", _fake(tmp_path, "exit 0\n"))
    with pytest.raises(search.SearchIndexError, match=r"Pagefind wrote no pagefind/pagefind\.js"):
        search.build_index(str(folder))


def test_pagefind_settings_in_the_environment_change_nothing(folder, monkeypatch):
    monkeypatch.setenv("PAGEFIND_OUTPUT_SUBDIR", "elsewhere")
    monkeypatch.setenv("PAGEFIND_GLOB", "nothing/*.html")
    assert search.build_index(str(folder)).pages == 1
    assert (folder / "pagefind" / "pagefind.js").is_file() and not (folder / "elsewhere").exists()
