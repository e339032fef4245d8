"""Related case studies and episodes (related.py), chosen from catalogues of small projects, and
their section at the end of a page (pages.related_section); no site build."""

from __future__ import annotations

import datetime as dt
import random
import re
import time
from pathlib import Path

import yaml

from cln.catalogue import Catalogue, Settings, load_catalogue
from cln.content import CaseStudy, CaseStudyMeta, Record
from cln.pages import related_section
from cln.related import (
    COMPETENCY_WEIGHT,
    PROFESSION_WEIGHT,
    REGION_WEIGHT,
    RELATED_COUNT,
    TOPIC_WEIGHT,
    WEIGHTS,
    Related,
    facets,
    related_lists,
)
from conftest import REPO


def cs(title: str, *, date: str = "2009-01-15", region: str = "london", topics: str = "[acute-care]",
       professions: str = "[]", competencies: str = "[]", extra: str = "") -> str:
    """A valid case study with every facet given (the shared helper fixes professions and competencies)."""
    return (f"---\ntitle: {title}\nsummary: What the {title} team did.\ndate: {date}\nregion: {region}\n"
            f"topics: {topics}\nprofessions: {professions}\ncompetencies: {competencies}\n"
            f"authors:\n  - name: Dr Jane Example\n{extra}---\nBody.\n")


def catalogue(project, files: dict, **settings) -> Catalogue:
    return load_catalogue(Settings(root=str(project(files)), **settings))


def slugs(records: list[Record]) -> list[str]:
    return [r.slug for r in records]


def related_to(cat: Catalogue, slug: str) -> list[str]:
    records = [*cat.case_studies, *cat.episodes]
    return slugs(Related(records).of(next(r for r in records if r.slug == slug)))


def test_records_sharing_a_topic_region_profession_or_competency_are_related_and_others_not(project):
    cat = catalogue(project, {
        "case_studies/page.md": cs("Page", region="london", topics="[acute-care]", professions="[nurse]",
                                   competencies="[innovation]"),
        "case_studies/topic.md": cs("Topic", region="north-east", topics="[acute-care, mental-health]"),
        "case_studies/region.md": cs("Region", region="london", topics="[mental-health]"),
        "case_studies/profession.md": cs("Profession", region="north-east", topics="[mental-health]",
                                         professions="[nurse, midwife]"),
        "case_studies/competency.md": cs("Competency", region="north-east", topics="[mental-health]",
                                         competencies="[innovation]"),
        "case_studies/nothing.md": cs("Nothing", region="north-east", topics="[mental-health]",
                                      professions="[midwife]", competencies="[self-awareness]"),
    })
    assert set(related_to(cat, "page")) == {"topic", "region", "profession", "competency"}
    assert "page" not in related_to(cat, "nothing")  # a candidate needs a score above zero


def test_weights_order_the_list_topic_then_competency_then_profession_and_region(project):
    assert TOPIC_WEIGHT > COMPETENCY_WEIGHT + PROFESSION_WEIGHT + REGION_WEIGHT
    assert COMPETENCY_WEIGHT > PROFESSION_WEIGHT == REGION_WEIGHT > 0
    # The older a candidate, the more it shares: its place comes from its score, not its date.
    cat = catalogue(project, {
        "case_studies/page.md": cs("Page", date="2010-01-01", region="london", topics="[acute-care, mental-health]",
                                   professions="[nurse]", competencies="[innovation]"),
        "case_studies/two-topics.md": cs("Two topics", date="2009-01-01", region="north-east",
                                         topics="[acute-care, mental-health]"),
        "case_studies/one-topic.md": cs("One topic", date="2009-02-01", region="north-east", topics="[acute-care]"),
        "case_studies/all-but-topic.md": cs("All but topic", date="2009-03-01", region="london",
                                            topics="[planned-care]", professions="[nurse]",
                                            competencies="[innovation]"),
        "case_studies/competency.md": cs("Competency", date="2009-04-01", region="north-east",
                                         topics="[planned-care]", competencies="[innovation]"),
        "case_studies/profession.md": cs("Profession", date="2009-05-01", region="north-east",
                                         topics="[planned-care]", professions="[nurse]"),
    })
    assert related_to(cat, "page") == ["two-topics", "one-topic", "all-but-topic", "competency", "profession"]


def test_ties_go_to_the_newer_then_by_slug(project):
    cat = catalogue(project, {
        "case_studies/page.md": cs("Page", date="2010-01-01", topics="[acute-care]", region="london"),
        "case_studies/old.md": cs("Old", date="2009-01-01", topics="[acute-care]", region="north-east"),
        "case_studies/new.md": cs("New", date="2009-06-01", topics="[acute-care]", region="north-east"),
        "case_studies/same-day-b.md": cs("B", date="2009-03-01", topics="[acute-care]", region="north-east"),
        "case_studies/same-day-a.md": cs("A", date="2009-03-01", topics="[acute-care]", region="north-east"),
        "case_studies/region-only.md": cs("Region", date="2009-12-01", topics="[planned-care]", region="london"),
    })
    assert related_to(cat, "page") == ["new", "same-day-a", "same-day-b", "old", "region-only"]


def test_a_page_never_lists_itself_and_lists_at_most_five(project):
    files = {f"case_studies/cs-{i}.md": cs(f"Case {i}", date=f"2009-01-{i + 1:02d}") for i in range(9)}
    cat = catalogue(project, files)
    lists = related_lists(cat.case_studies)
    assert len(lists) == 9
    for record in cat.case_studies:
        found = lists[record.src_uri]
        assert len(found) == RELATED_COUNT == 5
        assert record not in found
    assert slugs(lists["case-studies/cs-8.md"]) == ["cs-7", "cs-6", "cs-5", "cs-4", "cs-3"]


def test_drafts_are_never_listed_even_in_a_preview_where_they_are_pages(project):
    cat = catalogue(project, {
        "case_studies/page.md": cs("Page", date="2009-01-01"),
        "case_studies/published.md": cs("Published", date="2009-02-01"),
        "case_studies/draft.md": cs("Draft", date="2009-03-01", extra="draft: true\n"),
    }, include_drafts=True, serving=True)
    assert {r.slug for r in cat.case_studies} == {"page", "published", "draft"}  # drafts are in a preview's catalogue
    lists = related_lists(cat.case_studies)
    assert slugs(lists["case-studies/page.md"]) == ["published"]
    assert slugs(lists["case-studies/published.md"]) == ["page"]
    assert slugs(lists["case-studies/draft.md"]) == ["published", "page"]  # a draft page lists published records


def test_the_same_content_gives_the_same_lists_whatever_the_order_it_is_read_in(project):
    topics = ["[acute-care]", "[acute-care, mental-health]", "[mental-health]", "[planned-care, acute-care]"]
    files = {f"case_studies/cs-{i:02d}.md": cs(f"Case {i}", date=f"2009-0{1 + i % 3}-01", topics=topics[i % 4],
                                               region=["london", "north-east"][i % 2])
             for i in range(20)}
    cat = catalogue(project, files)
    first = {uri: slugs(found) for uri, found in related_lists(cat.case_studies).items()}
    for seed in range(5):
        shuffled = list(cat.case_studies)
        random.Random(seed).shuffle(shuffled)
        assert {uri: slugs(found) for uri, found in related_lists(shuffled).items()} == first


def test_an_episode_is_related_to_case_studies_by_topic_and_they_to_it(project, podcast_files):
    cat = catalogue(project, {
        **podcast_files,  # one episode, on leadership-development
        "case_studies/leaders.md": cs("Leaders", topics="[leadership-development]", region="north-west",
                                      professions="[nurse]", competencies="[innovation]"),
        "case_studies/same-region.md": cs("Same region", topics="[acute-care]", region="north-west",
                                          professions="[nurse]", competencies="[innovation]"),
        "case_studies/elsewhere.md": cs("Elsewhere", topics="[acute-care]", region="london"),
    })
    assert slugs(cat.episodes) == ["ep"]
    assert facets(cat.episodes[0]) == [("topics", "leadership-development")]  # an episode carries topics only
    assert related_to(cat, "ep") == ["leaders"]
    # Sharing the topic (5) counts for more than sharing region, profession and competency (4).
    assert related_to(cat, "leaders") == ["ep", "same-region"]


def test_the_section_lists_them_as_index_pages_do_with_links_from_the_page(project, podcast_files):
    cat = catalogue(project, {
        **podcast_files,
        "case_studies/leaders.md": cs("Leaders", topics="[leadership-development]", region="north-west"),
        "case_studies/other.md": cs("Other <b>&</b>", topics="[leadership-development]", region="london"),
    })
    page = next(r for r in cat.case_studies if r.slug == "leaders")
    html = related_section(page, Related([*cat.case_studies, *cat.episodes]).of(page), cat)
    assert html.startswith('<section class="cln-related" aria-labelledby="related">'
                           '<h2 id="related">Related case studies and episodes</h2><ul class="cln-list">')
    assert re.findall(r'<h3 class="cln-card__title"><a href="([^"]+)">', html) == ["../../podcast/ep/", "../other/"]
    assert '<a href="../../regions/london/">London</a>' in html
    assert "Other &lt;b&gt;&amp;&lt;/b&gt;" in html
    assert related_section(page, [], cat) == ""


def test_every_list_of_three_thousand_case_studies_in_well_under_a_second():
    taxonomy = yaml.safe_load(Path(REPO, "taxonomy.yml").read_text(encoding="utf-8"))
    values = {kind: [t["slug"] for t in taxonomy[kind]] for kind in WEIGHTS}
    rng = random.Random(3000)
    records: list[Record] = []
    for i in range(3000):  # as scripts/bench.py makes them
        meta = CaseStudyMeta.model_validate({
            "title": f"Case study {i}", "summary": "A summary.", "authors": [{"name": "Dr Jane Example"}],
            "date": dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(1500)),
            "region": rng.choice(values["regions"]), "topics": rng.sample(values["topics"], rng.randint(1, 3)),
            "professions": rng.sample(values["professions"], rng.randint(1, 3)),
            "competencies": rng.sample(values["competencies"], rng.randint(1, 3))})
        records.append(CaseStudy(slug=f"cs-{i:04d}", path=f"case_studies/cs-{i:04d}.md", meta=meta, body="",
                                 body_line=1))
    timings = []
    for _ in range(3):  # the best of three: a machine busy with other work is not what is measured
        start = time.perf_counter()
        lists = related_lists(records)
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.5, timings
    # The same lists as scoring every pair would give.
    order = {r.slug: n for n, r in enumerate(sorted(records, key=lambda r: (-r.published.timestamp(), r.slug)))}

    def score(a: Record, b: Record) -> int:
        return sum(WEIGHTS[kind] for kind, _ in set(facets(a)) & set(facets(b)))

    for page in records[:100]:
        scored = sorted(((score(page, r), r) for r in records if r is not page), key=lambda x: (-x[0], order[x[1].slug]))
        assert slugs(lists[page.src_uri]) == [r.slug for s, r in scored[:RELATED_COUNT] if s > 0]
