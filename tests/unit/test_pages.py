"""The top of a case study as the core writes it: "At a glance" from the record, and the
reading time a reader is promised."""

from __future__ import annotations

import lxml.html
import pytest

from cln.catalogue import Catalogue
from cln.content import CaseStudy, parse
from cln.pages import case_study_header, glance_facts, reading_minutes, reading_time
from cln.taxonomy import Taxonomy
from conftest import REPO, case_study

TAXONOMY = Taxonomy.load(str(REPO / "taxonomy.yml"))


def record(text: str) -> tuple[CaseStudy, Catalogue]:
    found, problems, _source = parse("case_studies/x.md", text.encode(), "case-study")
    assert problems == [] and isinstance(found, CaseStudy)
    return found, Catalogue(taxonomy=TAXONOMY, case_studies=[found], episodes=[])


def text_of(element) -> str:
    return " ".join(" ".join(element.itertext()).split())


def words(n: int) -> str:
    return " ".join(["ward"] * n)


@pytest.mark.parametrize("count, minutes", [(0, 1), (1, 1), (200, 1), (201, 2), (1200, 6), (1201, 7)])
def test_reading_time_is_the_body_s_words_at_200_a_minute_rounded_up(count, minutes):
    assert reading_minutes(words(count)) == minutes
    assert reading_time(words(count)) == f"{minutes} min read"


def test_reading_time_counts_the_words_a_reader_sees_not_markup_or_link_addresses():
    seen = "## The problem\n\nWe met [the Choose and Book leads](https://example.nhs.uk/a/b/c/d/e/f) monthly.\n"
    assert reading_minutes(seen * 20) == 1  # 9 words a copy: 180 words
    assert reading_minutes(seen * 23) == 2  # 207 words
    marked = '<abbr title="x y z">PCT</abbr> { #id .class } *one* **two** - three'
    assert reading_minutes(marked * 50) == 1  # four words a copy: 200 (with the markup's, 550)
    assert reading_minutes("don't stop – co-operate: 3.5 wards\n" * 40) == 1  # five words a copy, the dash none
    assert reading_minutes("don't stop – co-operate: 3.5 wards\n" * 41) == 2


def test_the_glance_gives_pathway_region_professions_evidence_and_the_headline_outcome():
    cs, catalogue = record(case_study(extra="evidence: reported\n", body=words(1100)))
    facts = {label: lxml.html.fragment_fromstring(value, create_parent="dd").text_content()
             for label, value in glance_facts(cs, catalogue)}
    assert facts == {"Pathways": "Planned care, Health informatics", "Region": "North West",
                     "Professions": "General practitioner",
                     "Evidence": "Reported The authors' own account of what changed."}
    page = lxml.html.fragment_fromstring(case_study_header(cs, catalogue), create_parent="div")
    glance = page.xpath("//section[@class='cln-glance']")[0]
    text = text_of(glance)
    assert text.startswith("At a glance 6 min read Pathways Planned care")
    assert "Headline outcome National ranking for Choose and Book Before: 4th \u2192 after: 1st three months" in text
    # Order: the title, then the glance; the key points and the story come after it.
    children = [el.tag + "." + (el.get("class") or el.get("id") or "") for el in page]
    assert children[:3] == ["h1.", "section.cln-glance", "dl.cln-meta"]


def test_one_topic_is_a_pathway_and_a_case_study_without_professions_or_outcomes_says_no_more():
    text = case_study(topics="[maternity-and-newborn]").replace("professions: [general-practitioner]\n", "")
    text = text[:text.index("outcomes:")] + "---\nShort.\n"
    cs, catalogue = record(text)
    assert [label for label, _ in glance_facts(cs, catalogue)] == ["Pathway", "Region", "Evidence"]
    html = case_study_header(cs, catalogue)
    assert "cln-glance__outcome" not in html and "1 min read" in html


def test_an_illustrative_case_study_shows_its_banner_before_the_glance_and_calls_its_figure_illustrative():
    cs, catalogue = record(case_study(extra="evidence: illustrative\n"))
    html = case_study_header(cs, catalogue)
    assert html.index("</h1>") < html.index('class="cln-illustrative"') < html.index('class="cln-glance"')
    assert html.index('class="cln-glance"') < html.index("4th") < html.index("<table>")
    glance = lxml.html.fragment_fromstring(html, create_parent="div").xpath("//section[@class='cln-glance']")[0]
    assert "Headline figure (illustrative)" in glance.text_content()
    assert "Illustrative Invented to show the format" in text_of(glance)


def test_the_byline_keeps_authors_dates_competencies_and_contact():
    cs, catalogue = record(case_study(extra="updated: 2009-03-02\ncontact: cln@nhs.net\n"))
    page = lxml.html.fragment_fromstring(case_study_header(cs, catalogue), create_parent="div")
    meta = page.xpath("//dl[@class='cln-meta']")[0]
    assert [dt.text_content() for dt in meta.xpath(".//dt")] == ["Author", "Published", "Updated", "Competencies",
                                                                 "Contact"]
    assert "Dr Jane Example, GP and network member, Example Valley PCT" in meta.text_content()
    assert meta.xpath(".//a[@href='mailto:cln@nhs.net']")
