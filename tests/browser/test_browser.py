"""Readers' view in Debian's Chromium: search, the player and chapters, accessibility."""

import pytest

from .conftest import axe_violations

pytestmark = pytest.mark.browser

PAGES = {
    "home": "",
    "case study": "case-studies/choose-and-book-north-west/",
    "case-study list": "case-studies/",
    "topic index": "topics/planned-care/",
    "region index": "regions/london/",
    "profession index": "professions/nurse/",
    "competency index": "competencies/influencing-change/",
    "index of indexes": "topics/",
    "podcast": "podcast/",
    "episode": "podcast/cln-002-choose-and-book-north-west/",
    "about": "about/",
    "contribute": "contribute/",
    "accessibility statement": "accessibility/",
    "performance": "performance/",
}


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_violation(page, base_url, name):
    page.goto(base_url + PAGES[name])
    assert page.locator("h1").count() == 1
    assert page.locator("main").count() == 1
    assert page.locator("a.md-skip").count() == 1
    assert axe_violations(page) == []
    assert page.console_errors == []


def test_search_finds_a_case_study_by_a_word_of_its_body(page, base_url):
    page.goto(base_url)
    page.keyboard.press("/")  # Material's shortcut; the search box takes focus
    page.keyboard.type("telehealth")
    result = page.locator(".md-search-result__item a").first
    result.wait_for(timeout=15000)
    assert "case-studies/west-midlands-heart-failure-closer-to-home/" in result.get_attribute("href")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/west-midlands-heart-failure-closer-to-home/**")


def test_search_finds_an_author_organisation_and_transcript_words(page, base_url):
    page.goto(base_url, wait_until="load")
    page.locator(".md-search__input").click()
    page.locator(".md-search__input").press_sequentially("Example Valley PCT")
    page.locator(".md-search-result__item").first.wait_for(timeout=15000)
    assert "south-east-coast-care-home-end-of-life" in page.locator(".md-search-result__list").inner_html()
    # A word said only in an episode's transcript finds the episode.
    page.locator(".md-search__input").fill("")
    page.locator(".md-search__input").press_sequentially("scientists")
    page.wait_for_function(
        "document.querySelector('.md-search-result__list')?.innerHTML.includes('cln-004-inside-an-action-learning-set')",
        timeout=15000)


def test_title_with_markup_characters_shows_as_text(page, base_url):
    page.goto(base_url + "case-studies/london-maternity-one-team-handovers/")
    assert page.locator("h1").inner_text() == 'Maternity & newborn: "one team" handovers in a London maternity unit'
    assert page.title().startswith('Maternity & newborn: "one team"')


def test_player_loads_the_audio_and_a_chapter_link_seeks(page, base_url):
    page.goto(base_url + "podcast/cln-002-choose-and-book-north-west/")
    audio = page.locator("audio#cln-audio")
    page.wait_for_function("document.getElementById('cln-audio').readyState >= 1", timeout=15000)
    duration = audio.evaluate("a => a.duration")
    assert duration > 10
    links = page.locator("ol.cln-chapters a.cln-seek")
    assert links.count() >= 2
    target = int(links.nth(1).get_attribute("data-cln-seek"))
    links.nth(1).focus()
    page.keyboard.press("Enter")  # from the keyboard
    page.wait_for_function(f"Math.abs(document.getElementById('cln-audio').currentTime - {target}) < 1.5", timeout=10000)
    assert page.locator("#transcript").count() == 1
    assert page.locator(".cln-transcript p").count() > 5


def test_copy_button_copies_the_feed_address(browser, base_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    tab.goto(base_url + "podcast/")
    tab.locator("button[data-cln-copy]").first.click()
    tab.locator(".cln-copy__status").first.wait_for()
    assert tab.locator(".cln-copy__status").first.inner_text() == "Copied to the clipboard."
    assert tab.evaluate("navigator.clipboard.readText()").endswith("/podcast/feed.xml")
    context.close()


def test_player_is_reached_and_played_from_the_keyboard(page, base_url):
    page.goto(base_url + "podcast/cln-002-choose-and-book-north-west/", wait_until="load")
    page.wait_for_function("document.getElementById('cln-audio').readyState >= 1", timeout=15000)
    for _ in range(60):  # Tab through the page as a keyboard user does
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == "cln-audio":
            break
    else:
        raise AssertionError("the player cannot be reached with Tab")
    page.keyboard.press("Space")
    page.wait_for_function("!document.getElementById('cln-audio').paused", timeout=10000)
    page.keyboard.press("Space")
    page.wait_for_function("document.getElementById('cln-audio').paused", timeout=10000)


@pytest.mark.parametrize("name", ["case study", "performance"])
def test_tables_that_scroll_sideways_on_a_phone_can_be_reached_by_keyboard(page, base_url, name):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(base_url + PAGES[name])
    wraps = page.locator(".md-typeset__scrollwrap")
    assert wraps.count() >= 1
    scrolling = page.evaluate("""() => Array.from(document.querySelectorAll('.md-typeset__scrollwrap'))
        .filter(w => w.scrollWidth > w.clientWidth + 1)
        .map(w => [w.getAttribute('tabindex'), w.getAttribute('role'), w.getAttribute('aria-label')])""")
    assert scrolling, "expected a table wider than a phone's screen"
    assert all(tab == "0" and role == "region" and label for tab, role, label in scrolling), scrolling
    assert axe_violations(page) == []
