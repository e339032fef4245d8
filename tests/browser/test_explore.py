"""Explore (/explore/) in Debian's Chromium: facets, counts, the address, history, keyboard,
accessibility and the page without JavaScript, against the Pagefind index of the sample site.

What each view should list is worked out here from the content files' front matter, never
written down: the same records, whatever the sample content becomes.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from cln.content import CaseStudy, Record, parse
from cln.taxonomy import Taxonomy

from .conftest import REPO, axe_violations

pytestmark = pytest.mark.browser

FACETS = ("kind", "topic", "region", "profession", "competency", "year")


# ---- what the content says ----------------------------------------------------------------------

def published_records(root: Path = REPO) -> list[Record]:
    """Every published case study and episode, parsed from its file."""
    records = []
    for kind, folder in (("case-study", "case_studies"), ("episode", "podcasts")):
        for path in sorted((root / folder).glob("*.md")):
            if path.name.startswith(("_", ".")):
                continue
            record, problems, _ = parse(f"{folder}/{path.name}", path.read_bytes(), kind)
            assert record is not None, problems
            if not record.meta.draft:
                records.append(record)
    return records


def values(record: Record) -> dict[str, set[str]]:
    """A record's value of each facet, as Explore's address writes them."""
    m = record.meta
    if isinstance(record, CaseStudy):
        return {"kind": {"case-study"}, "topic": set(m.topics), "region": {m.region},
                "profession": set(m.professions), "competency": set(m.competencies),
                "year": {str(record.published.year)}}
    return {"kind": {"episode"}, "topic": set(m.topics), "region": set(), "profession": set(),
            "competency": set(), "year": {str(record.published.year)}}


def matches(record: Record, chosen: dict[str, list[str]], skip: str = "") -> bool:
    """Whether a record is in the view: every facet holds, any value within one."""
    have = values(record)
    return all(not wanted or have[facet] & set(wanted) for facet, wanted in chosen.items() if facet != skip)


def expected_counts(records: list[Record], chosen: dict[str, list[str]]) -> dict[tuple[str, str], int]:
    """For each facet value: the records it would give with the other facets as chosen."""
    counts: dict[tuple[str, str], int] = {}
    for record in records:
        have = values(record)
        for facet in FACETS:
            if matches(record, chosen, skip=facet):
                for value in have[facet]:
                    counts[facet, value] = counts.get((facet, value), 0) + 1
    return counts


# ---- the site, with its search index ------------------------------------------------------------

@pytest.fixture(autouse=True)
def _indexed(sample_site):
    """Explore searches the Pagefind index that the build writes into pagefind/."""
    assert (sample_site / "pagefind" / "pagefind.js").is_file(), "the build wrote no search index"


@pytest.fixture(scope="session")
def records() -> list[Record]:
    return published_records()


# ---- reading the page ---------------------------------------------------------------------------

def settled(page) -> None:
    """Wait until Explore has shown the results of the view in the address."""
    page.wait_for_function("""() => {
        const s = document.getElementById('cln-explore-status');
        const list = document.getElementById('cln-explore-list');
        return s && /\\d+ results?|Nothing|could not/.test(s.textContent) && !list.hasAttribute('aria-busy');
    }""", timeout=20000)
    page.wait_for_timeout(100)  # a search started by the last change, if any, has begun by now
    page.wait_for_function("() => !document.getElementById('cln-explore-list').hasAttribute('aria-busy')", timeout=20000)


def shown_total(page) -> int:
    text = page.locator("#cln-explore-status").inner_text()
    match = re.match(r"(\d+) results?", text)
    assert match, text
    return int(match.group(1))


def all_results(page) -> list[str]:
    """The addresses of every result, after showing them all."""
    while page.locator("#cln-explore-more").is_visible():
        before = page.locator(".cln-explore__result").count()
        page.locator("#cln-explore-more").click()
        page.wait_for_function(f"() => document.querySelectorAll('.cln-explore__result').length > {before}")
    return [urlsplit(h).path for h in page.locator(".cln-explore__result h2 a").evaluate_all(
        "links => links.map(a => a.href)")]


def shown_counts(page) -> dict[tuple[str, str], tuple[int, bool, bool]]:
    """Each checkbox's count as shown, whether it is checked, and whether it is disabled."""
    rows = page.locator(".cln-facet__value input").evaluate_all("""inputs => inputs.map(i => [i.name, i.value,
        i.labels[0].querySelector('.cln-facet__count').textContent, i.checked, i.disabled])""")
    return {(name, value): (int(re.sub(r"\D", "", text)), checked, disabled)
            for name, value, text, checked, disabled in rows}


def address_state(url: str) -> dict[str, list[str]]:
    return {k: v for k, v in parse_qs(urlsplit(url).query).items()}


def url_of(record: Record) -> str:
    return "/" + record.url


def check_view(page, records: list[Record], chosen: dict[str, list[str]]) -> list[str]:
    """The list is exactly the records the content says, and every count shown is right."""
    settled(page)
    expected = sorted(url_of(r) for r in records if matches(r, chosen))
    found = all_results(page)
    assert sorted(found) == expected
    assert shown_total(page) == len(found)
    want = expected_counts(records, chosen)
    for (facet, value), (count, checked, disabled) in shown_counts(page).items():
        assert count == want.get((facet, value), 0), (facet, value)
        assert checked == (value in chosen.get(facet, []))
        assert disabled == (count == 0 and not checked)
        if checked:  # a chosen value's count is what the list holds when it is the facet's only choice
            assert len(chosen[facet]) > 1 or count == len(found)
    return found


def tick(page, facet: str, value: str) -> None:
    page.locator(f'.cln-facet__value input[name="{facet}"][value="{value}"]').check()
    settled(page)


# ---- the tests ----------------------------------------------------------------------------------

def test_two_facets_give_the_case_studies_the_content_says(page, base_url, records):
    page.goto(base_url + "explore/")
    settled(page)
    everything = check_view(page, records, {})
    assert len(everything) == len(records)  # no words, no facets: every case study and episode
    dates = [r.published for r in sorted(records, key=lambda r: everything.index(url_of(r)))]
    assert dates == sorted(dates, reverse=True)  # newest first

    tick(page, "topic", "quality-improvement")
    check_view(page, records, {"topic": ["quality-improvement"]})
    tick(page, "profession", "nurse")
    chosen = {"topic": ["quality-improvement"], "profession": ["nurse"]}
    found = check_view(page, records, chosen)
    # Both facets matter: fewer results than either alone, and never an episode (they have no profession).
    assert 0 < len(found) < min(sum(matches(r, {k: v}) for r in records) for k, v in chosen.items())
    assert address_state(page.url) == chosen
    assert page.locator("#cln-explore-chips button").count() == 2

    # A second value in one facet widens it: any of a facet's values may hold.
    tick(page, "profession", "doctor")
    wider = check_view(page, records, {"topic": ["quality-improvement"], "profession": ["nurse", "doctor"]})
    assert set(found) < set(wider)

    page.go_back()  # Back undoes the last change
    assert address_state(page.url) == chosen
    assert check_view(page, records, chosen) == found

    page.reload()  # the address alone gives the same view
    assert check_view(page, records, chosen) == found

    page.go_back()
    check_view(page, records, {"topic": ["quality-improvement"]})
    page.go_forward()
    check_view(page, records, chosen)
    assert page.console_errors == []


def test_a_copied_address_opens_the_same_view(page, base_url, records):
    chosen = {"topic": ["health-informatics", "planned-care"], "year": ["2009"], "kind": ["episode"]}
    page.goto(base_url + "explore/?topic=planned-care&kind=episode&year=2009&topic=health-informatics")
    found = check_view(page, records, chosen)
    assert found and all(u.startswith("/podcast/") for u in found)
    boxes = [(facet, value) for (facet, value), (_, checked, _) in shown_counts(page).items() if checked]
    assert sorted(boxes) == sorted((f, v) for f, vs in chosen.items() for v in vs)


def test_words_search_best_match_first_with_a_switch_to_newest(page, base_url, records):
    page.goto(base_url + "explore/", wait_until="load")
    settled(page)
    start = page.evaluate("history.length")
    page.locator("#cln-explore-q").press_sequentially("asthma", delay=40)
    page.wait_for_function("() => document.getElementById('cln-explore-status').textContent.includes('asthma')")
    settled(page)
    found = all_results(page)
    assert "/case-studies/east-midlands-school-asthma-plans/" in found
    assert "best match first" in page.locator("#cln-explore-status").inner_text() or len(found) == 1
    assert address_state(page.url) == {"q": ["asthma"]}
    page.keyboard.press("Enter")  # Enter ends the step (as a pause does) without adding another
    settled(page)
    assert page.evaluate("history.length") == start + 1  # one step of history for the word, not one a letter
    excerpt = page.locator(".cln-explore__excerpt").first
    assert excerpt.locator("mark").count() >= 1
    assert "<" not in excerpt.inner_text()

    page.locator("#cln-explore-q").fill("care")
    page.locator("#cln-explore-q").press("Enter")
    settled(page)
    page.get_by_label("Newest first").check()
    settled(page)
    assert address_state(page.url) == {"q": ["care"], "sort": ["newest"]}
    assert "newest first" in page.locator("#cln-explore-status").inner_text()
    dates = page.locator(".cln-explore__result time").evaluate_all("ts => ts.map(t => t.getAttribute('datetime'))")
    assert len(dates) > 1 and dates == sorted(dates, reverse=True)

    page.go_back()
    settled(page)
    assert address_state(page.url) == {"q": ["care"]}
    assert page.locator("#cln-explore-q").input_value() == "care"
    page.go_back()
    settled(page)
    assert address_state(page.url) == {"q": ["asthma"]}
    assert page.locator("#cln-explore-q").input_value() == "asthma"


def test_a_title_with_markup_characters_shows_as_text(page, base_url):
    page.goto(base_url + "explore/?region=london")
    settled(page)
    titles = page.locator(".cln-explore__result h2").all_inner_texts()
    assert 'Maternity & newborn: "one team" handovers in a London maternity unit' in titles


def test_an_empty_view_names_the_facet_to_loosen(page, base_url, records):
    chosen = {"topic": ["mental-health"], "region": ["london"]}
    assert not any(matches(r, chosen) for r in records)
    page.goto(base_url + "explore/?topic=mental-health&region=london")
    settled(page)
    assert shown_total(page) == 0
    empty = page.locator("#cln-explore-empty")
    assert empty.is_visible()
    buttons = empty.locator("button[data-loosen]")
    named = {buttons.nth(i).get_attribute("data-loosen") for i in range(buttons.count())}
    helpful = {facet for facet in chosen if any(matches(r, chosen, skip=facet) for r in records)}
    assert named == helpful and helpful
    legend = {"topic": "Topic", "region": "Region"}
    for facet in helpful:
        assert f"Remove the {legend[facet]} filter" in empty.inner_text()
    empty.locator('button[data-loosen="region"]').click()
    check_view(page, records, {"topic": ["mental-health"]})
    page.locator("#cln-explore-clear").click()
    assert page.evaluate("document.activeElement.id") == "cln-explore-q"  # not lost with the button
    check_view(page, records, {})
    assert address_state(page.url) == {}


def test_facet_values_are_shown_by_their_names(page, base_url, records):
    page.goto(base_url + "explore/")
    settled(page)
    taxonomy = Taxonomy.load(str(REPO / "taxonomy.yml"))
    kinds = {"topic": "topics", "region": "regions", "profession": "professions", "competency": "competencies"}
    want = [("kind", "case-study", "Case studies"), ("kind", "episode", "Podcast episodes")]
    for facet, plural in kinds.items():
        want += [(facet, t.slug, t.name) for t in taxonomy.terms[plural]]
    years = sorted({str(r.published.year) for r in records}, reverse=True)
    want += [("year", y, y) for y in years]
    shown = page.locator(".cln-facet__value input").evaluate_all(
        "inputs => inputs.map(i => [i.name, i.value, i.labels[0].querySelector('.cln-facet__name').textContent])")
    assert [tuple(x) for x in shown] == want
    legends = page.locator(".cln-facet legend").all_inner_texts()
    assert [x.strip().lower() for x in legends] == ["type", "topic", "region", "profession", "competency", "year"]


def test_explore_works_from_the_keyboard(page, base_url, records):
    page.goto(base_url + "explore/", wait_until="load")
    settled(page)
    target = ("topic", "mental-health")
    for _ in range(80):  # Tab through the page as a keyboard user does
        page.keyboard.press("Tab")
        focused = page.evaluate("[document.activeElement.name, document.activeElement.value]")
        if tuple(focused) == target:
            break
    else:
        raise AssertionError("the Mental health checkbox cannot be reached with Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Space")
    settled(page)
    check_view(page, records, {"topic": ["mental-health"]})
    assert address_state(page.url) == {"topic": ["mental-health"]}
    # Shift+Tab back to the search box, type, Enter.
    page.locator("#cln-explore-q").focus()
    page.keyboard.type("emergency")
    page.keyboard.press("Enter")
    settled(page)
    assert address_state(page.url) == {"q": ["emergency"], "topic": ["mental-health"]}
    # The chip removes its filter; then "Clear all" from the keyboard.
    page.locator("#cln-explore-chips button").first.focus()
    page.keyboard.press("Enter")
    settled(page)
    assert address_state(page.url) == {"q": ["emergency"]}
    page.locator("#cln-explore-clear").focus()
    page.keyboard.press("Enter")
    settled(page)
    assert address_state(page.url) == {}
    # "Show more" from the keyboard moves focus to the first new result.
    more = page.locator("#cln-explore-more")
    if more.is_visible():
        before = page.locator(".cln-explore__result").count()
        more.focus()
        page.keyboard.press("Enter")
        page.wait_for_function(f"() => document.querySelectorAll('.cln-explore__result').length > {before}")
        assert page.evaluate("document.activeElement.closest('.cln-explore__result') !== null")
    # A result opens from the keyboard.
    page.locator(".cln-explore__result h2 a").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/(case-studies|podcast)/[a-z0-9-]+/$"))


@pytest.mark.parametrize("width", [1280, 360])
def test_no_serious_accessibility_violation_with_facets_open(page, base_url, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base_url + "explore/?topic=quality-improvement&profession=nurse")
    settled(page)
    filters = page.locator("#cln-explore-filters")
    if width < 960:
        assert filters.get_attribute("open") is None  # folded on a phone
        filters.locator("summary").click()
    assert filters.get_attribute("open") is not None
    assert page.locator(".cln-facet legend").count() == len(FACETS)
    assert page.locator("h1").count() == 1
    assert page.locator("a.md-skip").count() == 1
    assert axe_violations(page) == []
    if width < 960:  # on a phone, a button under the filters folds them and goes to the results
        page.locator("#cln-explore-apply").click()
        assert filters.get_attribute("open") is None
        assert page.evaluate("document.activeElement.id") == "cln-explore-status"
    # with nothing found, too
    page.goto(base_url + "explore/?topic=mental-health&region=london&q=zzzz")
    settled(page)
    assert axe_violations(page) == []
    assert page.console_errors == []


def test_without_javascript_explore_points_to_the_indexes(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(base_url + "explore/?topic=mental-health")
    main = tab.locator("article")
    assert "Explore needs JavaScript" in main.inner_text()
    links = tab.locator(".cln-explore__nojs a").evaluate_all("links => links.map(a => a.href)")
    assert [urlsplit(u).path for u in links] == ["/topics/", "/regions/", "/professions/", "/competencies/"]
    assert not tab.locator("#cln-explore").is_visible()
    for link in links:  # the indexes work without JavaScript
        assert tab.request.get(link).ok
    context.close()


def test_explore_is_in_the_top_navigation_after_home(page, base_url):
    page.goto(base_url)
    tabs = page.locator(".md-tabs__link").all_inner_texts()
    assert [t.strip() for t in tabs[:2]] == ["Home", "Explore"]


def test_pagefind_is_loaded_by_explore_alone(page, base_url):
    asked: list[str] = []
    page.on("request", lambda r: asked.append(urlsplit(r.url).path))
    page.goto(base_url, wait_until="load")
    page.goto(base_url + "case-studies/choose-and-book-north-west/", wait_until="load")
    page.wait_for_timeout(300)
    assert not [u for u in asked if u.startswith("/pagefind/") or "explore" in u]
    page.goto(base_url + "explore/", wait_until="load")
    settled(page)
    assert any(u.startswith("/pagefind/") for u in asked)


def test_explore_itself_is_not_in_the_index(page, base_url):
    page.goto(base_url + "explore/")
    settled(page)
    urls = page.evaluate("""async () => {
        const pf = await import(new URL('../pagefind/pagefind.js', location.href).href);
        const found = await (await pf.search('explore')).results;
        const all = await Promise.all(found.map(r => r.data()));
        return all.map(d => d.url);
    }""")
    assert not [u for u in urls if "/explore/" in u]


def test_an_illustrative_case_study_is_marked_in_explore(page, base_url, records):
    page.goto(base_url + "explore/?kind=case-study")
    settled(page)
    while page.locator("#cln-explore-more:visible").count():
        page.locator("#cln-explore-more").click()
        settled(page)
    flagged = {urlsplit(a.get_attribute("href")).path.rstrip("/").rsplit("/", 1)[-1]
               for a in page.locator(".cln-explore__result:has(.cln-flag) h2 a").all()}
    expected = {r.slug for r in records if isinstance(r, CaseStudy) and r.meta.evidence == "illustrative"}
    assert expected and flagged == expected
