"""A case study and an episode page as readers use them, in Debian's Chromium: the case study on a
phone, the episode while listening (a player that stays in view, a transcript that follows it)."""

from __future__ import annotations

import pytest

from .conftest import PHONE, axe_violations, until

pytestmark = pytest.mark.browser

CASE_STUDIES = ["case-studies/choose-and-book-north-west/",  # reported, with a long source under its outcome
                "case-studies/london-maternity-one-team-handovers/"]  # illustrative
EPISODE = "podcast/cln-002-choose-and-book-north-west/"
OTHER_EPISODE = "podcast/cln-004-inside-an-action-learning-set/"


# Every element of the page that takes up room, and is not the closed drawer, which waits off
# screen on purpose: its box and the viewport's width.
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


@pytest.mark.parametrize("path", CASE_STUDIES)
def test_on_a_360_px_phone_nothing_of_a_case_study_is_wider_than_the_screen(phone, base_url, path):
    phone.goto(base_url + path, wait_until="load")
    found = phone.evaluate(TOO_WIDE)
    assert found["width"] == 360
    assert found["wide"] == []
    assert found["scroll"] == 360  # nothing to scroll sideways to
    assert phone.console_errors == []


def test_on_a_phone_the_outcomes_are_stacked_cards_with_every_figure_labelled(phone, base_url):
    phone.goto(base_url + CASE_STUDIES[0], wait_until="load")
    row = phone.locator(".cln-outcomes tbody tr").first
    assert row.evaluate("tr => getComputedStyle(tr).display") == "block"
    assert phone.locator(".cln-outcomes thead").evaluate("h => h.getBoundingClientRect().height") <= 1
    cells = row.locator("td")
    labels = cells.evaluate_all("tds => tds.map(td => getComputedStyle(td, '::before').content)")
    assert labels == ['"Before"', '"After"', '"Period"']
    assert cells.all_inner_texts() == ["4th", "1st", "three months"]  # each beside its label, on one line
    assert all(h < 40 for h in cells.evaluate_all("tds => tds.map(td => td.getBoundingClientRect().height)"))
    card, article = row.bounding_box(), phone.locator("article").bounding_box()
    assert card["x"] >= article["x"] and card["x"] + card["width"] <= article["x"] + article["width"]
    assert row.locator("th").inner_text().startswith("National ranking of the North West")
    # Nothing scrolls sideways, so no table box asks for a tab stop.
    assert phone.locator(".md-typeset__scrollwrap[tabindex]").count() == 0
    phone.set_viewport_size({"width": 1280, "height": 900})  # on a wide screen, a table again
    assert row.evaluate("tr => getComputedStyle(tr).display") == "table-row"
    assert phone.locator(".cln-outcomes thead").is_visible()


@pytest.mark.parametrize("path, banner", [(CASE_STUDIES[0], False), (CASE_STUDIES[1], True)])
def test_at_a_glance_comes_first_under_the_title_with_the_headline_outcome_and_reading_time(phone, base_url, path, banner):
    phone.goto(base_url + path, wait_until="load")
    after_title = phone.locator("article h1").evaluate(
        "h => [h.nextElementSibling, h.nextElementSibling.nextElementSibling].map(e => e.className)")
    assert after_title[:2] == (["cln-illustrative", "cln-glance"] if banner else ["cln-glance", "cln-meta"])
    glance = phone.locator(".cln-glance")
    assert glance.bounding_box()["y"] < PHONE["height"]  # begun on the first screen
    labels = glance.locator("dt").all_inner_texts()
    assert labels == ["Pathways", "Region", "Professions", "Evidence"]
    assert glance.locator(".cln-glance__time").inner_text().endswith(" min read")
    headline = glance.locator(".cln-glance__outcome")
    first = phone.locator(".cln-outcomes tbody tr").first
    assert first.locator("td").nth(1).inner_text().split("\n")[-1] in headline.inner_text()
    assert ("Illustrative" in glance.inner_text()) is banner
    # The key points, then the story: the glance is above both.
    order = phone.evaluate("""() => ['.cln-glance', '#key-points', '.cln-outcomes', '#the-problem']
        .map(s => document.querySelector(s).getBoundingClientRect().top)""")
    assert order == sorted(order)


def test_a_printed_case_study_keeps_the_glance_and_shows_no_navigation_search_or_footer(page, base_url):
    page.goto(base_url + CASE_STUDIES[0], wait_until="load")
    page.emulate_media(media="print")
    for hidden in (".md-header", ".md-tabs", ".md-footer", ".cln-search", ".md-sidebar"):
        assert all(not el.is_visible() for el in page.locator(hidden).all()), hidden
    assert page.locator(".cln-glance").is_visible() and page.locator(".cln-evidence").is_visible()


def open_episode(page, base_url, path=EPISODE):
    page.goto(base_url + path, wait_until="load")
    until(page, "() => document.getElementById('cln-audio').readyState >= 1")
    page.locator("#cln-audio").evaluate("a => { a.muted = true; }")


def cue_starts(page) -> list[float]:
    return page.locator(".cln-transcript [data-cln-cue]").evaluate_all(
        "ps => ps.map(p => parseFloat(p.getAttribute('data-cln-cue')))")


def current_cues(page) -> list[int]:
    """The indexes of the transcript's lines marked as being said now."""
    return page.locator(".cln-transcript [data-cln-cue]").evaluate_all(
        "ps => ps.flatMap((p, i) => p.getAttribute('aria-current') === 'true' ? [i] : [])")


def test_the_line_being_said_is_marked_as_the_episode_plays(page, base_url):
    open_episode(page, base_url)
    starts = cue_starts(page)
    assert len(starts) > 5 and current_cues(page) == []
    page.locator("#cln-audio").evaluate(f"a => {{ a.currentTime = {starts[1] - 0.4}; return a.play(); }}")
    until(page, f"() => document.getElementById('cln-audio').currentTime > {starts[1] + 0.3}")
    until(page, "() => document.querySelector('.cln-transcript [aria-current=true]')")
    assert current_cues(page) == [1]
    line = page.locator(".cln-transcript [data-cln-cue]").nth(1)
    # A visible highlight, not only the attribute.
    assert line.evaluate("p => getComputedStyle(p).backgroundColor") != page.locator(
        ".cln-transcript [data-cln-cue]").nth(0).evaluate("p => getComputedStyle(p).backgroundColor")
    page.locator("#cln-audio").evaluate("a => a.pause()")


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE])
def test_following_the_audio_scrolls_the_transcript_panel_never_the_page_and_can_be_switched_off(browser, base_url, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    open_episode(page, base_url)
    starts = cue_starts(page)
    panel = page.locator(".cln-transcript")
    assert panel.evaluate("p => p.scrollHeight > p.clientHeight + 50")  # a panel of its own height
    page.evaluate("window.scrollTo(0, 200)")
    follow = page.locator("#cln-follow")
    assert follow.is_checked() and follow.is_visible()
    assert page.get_by_label("Follow the audio").count() == 1
    page.locator("#cln-audio").evaluate(f"a => {{ a.currentTime = {starts[-1] + 0.5}; }}")
    until(page, f"() => document.querySelectorAll('.cln-transcript [data-cln-cue]')[{len(starts) - 1}]"
                ".getAttribute('aria-current') === 'true'")
    until(page, """() => { const p = document.querySelector('.cln-transcript'),
                         line = p.querySelector('[aria-current=true]').getBoundingClientRect(),
                         box = p.getBoundingClientRect();
                         return line.top >= box.top - 1 && line.bottom <= box.bottom + 1; }""")
    assert panel.evaluate("p => p.scrollTop") > 0
    assert page.evaluate("window.scrollY") == 200
    # Switched off: the line is still marked, the panel stays where the reader left it.
    follow.uncheck()
    panel.evaluate("p => { p.scrollTop = 0; }")
    page.locator("#cln-audio").evaluate(f"a => {{ a.currentTime = {starts[len(starts) // 2] + 0.2}; }}")
    until(page, f"() => document.querySelectorAll('.cln-transcript [data-cln-cue]')[{len(starts) // 2}]"
                ".getAttribute('aria-current') === 'true'")
    page.wait_for_timeout(300)
    assert panel.evaluate("p => p.scrollTop") == 0 and page.evaluate("window.scrollY") == 200
    context.close()


def test_clicking_a_transcript_time_or_a_chapter_seeks_without_moving_the_page(page, base_url):
    open_episode(page, base_url)
    panel = page.locator(".cln-transcript")
    link = panel.locator("a.cln-seek").nth(4)
    target = float(link.get_attribute("data-cln-seek"))
    assert link.get_attribute("href") == f"#t={int(target)}"  # without JavaScript, the link still works
    panel.evaluate("(p, i) => { p.scrollTop = p.querySelectorAll('[data-cln-cue]')[i].offsetTop - 40; }", 4)
    page.evaluate("() => window.scrollTo(0, document.querySelector('.cln-transcript').getBoundingClientRect().top"
                  " + window.scrollY - 300)")
    before = page.evaluate("window.scrollY")
    assert before > 0 and link.is_visible()
    link.click()
    until(page, f"() => Math.abs(document.getElementById('cln-audio').currentTime - {target}) < 1.5")
    assert page.evaluate("window.scrollY") == before
    assert page.evaluate("location.hash") == ""
    chapter = page.locator("ol.cln-chapters a.cln-seek").nth(2)
    start = float(chapter.get_attribute("data-cln-seek"))
    chapter.scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    chapter.click()
    until(page, f"() => Math.abs(document.getElementById('cln-audio').currentTime - {start}) < 1.5")
    assert page.evaluate("window.scrollY") == before
    page.locator("#cln-audio").evaluate("a => a.pause()")


PLAYER_IN_VIEW = """() => {
  const player = document.getElementById('cln-player').getBoundingClientRect();
  const header = document.querySelector('.md-header').getBoundingClientRect();
  const x = player.left + player.width / 2, y = player.top + player.height / 2;
  return {top: player.top, bottom: player.bottom, header: header.bottom, height: innerHeight,
          onTop: document.getElementById('cln-player').contains(document.elementFromPoint(x, y))};
}"""


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE])
def test_the_player_stays_in_view_at_the_end_of_the_transcript(browser, base_url, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    open_episode(page, base_url)
    start = page.evaluate(PLAYER_IN_VIEW)["top"]
    page.locator(".cln-transcript").evaluate("p => { p.scrollTop = p.scrollHeight; }")
    page.evaluate("""() => { const end = document.querySelector('.cln-transcript').getBoundingClientRect().bottom;
                             window.scrollTo(0, window.scrollY + end - innerHeight + 10); }""")
    page.wait_for_timeout(200)
    assert page.evaluate("window.scrollY") > start  # the page has scrolled past where the player was
    seen = page.evaluate(PLAYER_IN_VIEW)
    assert seen["top"] >= seen["header"] - 1 and seen["bottom"] <= seen["height"], seen
    assert seen["onTop"], seen  # not covered by the header or anything else
    last = page.locator(".cln-transcript [data-cln-cue]").last
    assert last.bounding_box()["y"] > seen["bottom"]  # and the transcript's end is in view below it
    context.close()


def test_the_speed_is_shown_changes_the_playback_rate_and_is_remembered_on_another_episode(page, base_url):
    open_episode(page, base_url)
    speeds = page.locator(".cln-speed [data-cln-speed]")
    assert speeds.all_inner_texts() == ["1\u00d7", "1.25\u00d7", "1.5\u00d7", "2\u00d7"]
    assert speeds.evaluate_all("bs => bs.map(b => b.getAttribute('aria-pressed'))") == ["true", "false", "false", "false"]
    assert page.locator(".cln-speed").is_visible()
    page.get_by_role("button", name="1.5\u00d7").click()
    assert page.locator("#cln-audio").evaluate("a => a.playbackRate") == 1.5
    assert page.get_by_role("button", name="1.5\u00d7").get_attribute("aria-pressed") == "true"
    assert page.get_by_role("button", name="1\u00d7", exact=True).get_attribute("aria-pressed") == "false"
    pressed = page.locator(".cln-speed [aria-pressed=true]")
    shown = pressed.evaluate("b => getComputedStyle(b).backgroundColor")
    assert shown != page.get_by_role("button", name="2\u00d7").evaluate("b => getComputedStyle(b).backgroundColor")
    open_episode(page, base_url, OTHER_EPISODE)
    assert page.locator("#cln-audio").evaluate("a => a.playbackRate") == 1.5
    assert page.get_by_role("button", name="1.5\u00d7").get_attribute("aria-pressed") == "true"
    page.locator("#cln-audio").evaluate("a => a.play()")
    until(page, "() => document.getElementById('cln-audio').currentTime > 0.2")
    assert page.locator("#cln-audio").evaluate("a => a.playbackRate") == 1.5
    page.locator("#cln-audio").evaluate("a => a.pause()")
    assert page.evaluate("Object.keys(localStorage)") == ["cln-playback-speed"]  # the choice is kept here only


def test_the_episode_shows_its_art_beside_the_title_and_its_related_case_studies(page, base_url):
    page.goto(base_url + EPISODE, wait_until="load")
    art, title = page.locator(".cln-episode-head__art"), page.locator("article h1")
    assert art.evaluate("img => img.complete && img.naturalWidth > 0")
    a, t = art.bounding_box(), title.bounding_box()
    assert a["x"] + a["width"] <= t["x"] and a["y"] < t["y"] + t["height"]  # beside it, to the left
    assert page.locator(".cln-related a[href*='case-studies/']").count() >= 1


@pytest.mark.parametrize("path", [CASE_STUDIES[0], CASE_STUDIES[1], EPISODE])
def test_on_a_phone_record_pages_have_no_serious_accessibility_violation(phone, base_url, path):
    phone.goto(base_url + path, wait_until="load")
    if path == EPISODE:  # with the player's controls shown and a line marked
        until(phone, "() => document.getElementById('cln-audio').readyState >= 1")
        phone.locator("#cln-audio").evaluate("a => { a.currentTime = 20; }")
        until(phone, "() => document.querySelector('.cln-transcript [aria-current=true]')")
    assert axe_violations(phone) == []
