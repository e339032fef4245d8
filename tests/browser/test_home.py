"""The home page in Debian's Chromium: on a phone, its search box, its player and its accessibility."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import PHONE, axe_violations, until

pytestmark = pytest.mark.browser


# Every element that takes up room, except the closed drawer (off screen on purpose), that reaches
# past either side of the window.
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth, wide = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.md-sidebar--primary, .md-sidebar--secondary')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.left < -0.5 || box.right > width + 0.5) {
      wide.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(box.left)}..${Math.round(box.right)}`);
    }
  }
  return {width, scroll: document.documentElement.scrollWidth, wide};
}"""


def test_on_a_360_px_phone_nothing_of_home_is_wider_than_the_screen(phone, base_url):
    phone.goto(base_url, wait_until="load")
    found = phone.evaluate(TOO_WIDE)
    assert found["width"] == 360
    assert found["wide"] == []
    assert found["scroll"] == 360  # nothing to scroll sideways to
    # The cards are one to a row, each as wide as the page's text.
    widths = phone.locator(".cln-cs-card").evaluate_all("cards => cards.map(c => c.getBoundingClientRect().width)")
    assert len(widths) >= 3 and all(300 < w <= 340 for w in widths)
    assert phone.console_errors == []


def test_the_search_box_opens_explore_with_the_words(page, base_url):
    page.goto(base_url, wait_until="load")
    box = page.get_by_role("search", name="Find case studies and episodes").get_by_role(
        "searchbox", name="Search case studies and episodes")
    box.fill("asthma plans")
    box.press("Enter")
    page.wait_for_url("**/explore/?q=asthma+plans")
    assert parse_qs(urlsplit(page.url).query) == {"q": ["asthma plans"]}
    # Explore takes the words from the address, searches, and lists the case study they are about.
    assert page.locator("#cln-explore-q").input_value() == "asthma plans"
    until(page, "() => /\\d+ results?/.test(document.getElementById('cln-explore-status').textContent)")
    until(page, "() => document.querySelector('#cln-explore-list a[href*=\"east-midlands-school-asthma-plans\"]')")
    assert page.console_errors == []


def test_the_search_box_works_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(base_url)
    tab.get_by_role("searchbox", name="Search case studies and episodes").fill("discharge")
    tab.get_by_role("button", name="Search", exact=True).click()
    tab.wait_for_url("**/explore/?q=discharge")
    assert "Explore needs JavaScript" in tab.content()  # and it points to the indexes
    context.close()


def test_the_latest_episode_plays_on_home_and_fetches_nothing_before(page, base_url):
    audio_requests: list[str] = []
    page.on("request", lambda r: audio_requests.append(r.url) if r.url.endswith((".mp3", ".m4a")) else None)
    page.goto(base_url, wait_until="networkidle")
    assert audio_requests == []  # preload="none": a reader who never presses play downloads nothing
    player = page.locator(".cln-episode-card audio")
    assert player.count() == 1
    player.evaluate("a => a.play()")
    until(page, "() => { const a = document.querySelector('.cln-episode-card audio'); "
                "return !a.paused && a.currentTime > 0.2; }")
    assert len(audio_requests) >= 1


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"])
def test_no_serious_accessibility_violation_on_home(browser, base_url, viewport):
    context = browser.new_context(viewport=viewport)
    tab = context.new_page()
    tab.goto(base_url, wait_until="load")
    assert tab.locator("h1").count() == 1
    assert axe_violations(tab) == []
    # Focus shows as NHS.UK shows it: a yellow highlight.
    tab.locator(".cln-cs-card__title a").first.focus()
    tab.keyboard.press("Shift+Tab")
    tab.keyboard.press("Tab")
    outline = tab.evaluate("getComputedStyle(document.activeElement, '::after').outlineColor")
    assert outline == "rgb(255, 235, 59)"
    context.close()
