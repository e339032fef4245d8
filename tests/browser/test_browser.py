"""Readers' view in Debian's Chromium: search, the player and chapters, accessibility."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DOCS, MKDOCS_YML, case_study, write_tree

from .conftest import REPO, axe_violations, serve, until

pytestmark = pytest.mark.browser

MARKUP_TITLE = 'Audit <2010> & "after": <b>not bold</b>'


@pytest.fixture(scope="module")
def markup_site(tmp_path_factory):
    """A small site whose case study's title and body hold markup characters, built and served."""
    root = tmp_path_factory.mktemp("markup") / "project"
    root.mkdir()
    (root / "taxonomy.yml").write_bytes((REPO / "taxonomy.yml").read_bytes())
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(extra=""), encoding="utf-8")
    title = MARKUP_TITLE.replace("'", "''")
    write_tree(root, {**DOCS, "case_studies/audit.md": case_study(
        f"'{title}'", body="Audit notes: the audit quoted `<script>alert(1)</script> & <b>bold</b>` in its audit log.",
        extra="evidence: illustrative\n")})
    proc = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "--strict"], cwd=root,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    server = serve(str(root / "site"))
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()

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
    "explore": "explore/?topic=planned-care",
}


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_violation(page, base_url, name):
    page.goto(base_url + PAGES[name])
    assert page.locator("h1").count() == 1
    assert page.locator("main").count() == 1
    assert page.locator("a.md-skip").count() == 1
    assert axe_violations(page) == []
    assert page.console_errors == []


SEARCH = ".cln-search__input"
RESULT = ".cln-search__result"
LINK = ".cln-search__link"




def search_for(page, words: str) -> str:
    """Type ``words`` into the header's search and wait for its announcement; returns it."""
    page.locator(SEARCH).fill("")
    page.locator(SEARCH).press_sequentially(words)
    return until(page, f"""() => {{ const s = document.querySelector('.cln-search__status').textContent;
                                    return s.includes('{words}') && s; }}""")


def pagefind_requests(page) -> list[str]:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/pagefind/" in r.url else None)
    return requests


def csp_reports(page) -> list[str]:
    """What the browser says against the Content-Security-Policy, from now on."""
    reports: list[str] = []
    page.on("console", lambda m: reports.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "console.error('Content Security Policy: ' + e.violatedDirective + ' ' + e.blockedURI))")
    return reports


def test_search_is_fetched_only_once_opened_and_a_transcript_word_opens_the_episode_at_its_moment(page, base_url):
    requests, reports = pagefind_requests(page), csp_reports(page)
    page.goto(base_url, wait_until="networkidle")
    page.locator(SEARCH).hover()
    page.wait_for_timeout(300)
    assert requests == []  # nothing of Pagefind before the reader opens the search
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "cln-search-input"
    search_for(page, "scientists")  # said only in an episode's transcript (and "scientist" in a case study)
    assert any(url.endswith("/pagefind/pagefind.js") for url in requests)
    link = page.locator(f"{LINK}[href*='cln-004-inside-an-action-learning-set']")
    href = link.get_attribute("href")
    cue = re.search(r"#t-(\d+)$", href)
    assert cue, href
    seconds = int(cue.group(1))
    item = page.locator(RESULT).filter(has=link)
    assert "Episode" in item.inner_text() and "said at" in item.inner_text()
    assert "scientists" in item.locator("mark").all_inner_texts()[0]
    link.click()
    page.wait_for_url(f"**/cln-004-inside-an-action-learning-set/#t-{seconds}")
    line = page.locator(f"#t-{seconds}")
    assert "scientists" in line.inner_text()
    assert line.evaluate("p => p.matches(':target')")
    until(page, f"() => document.getElementById('cln-audio').readyState >= 1 && document.getElementById('cln-audio').currentTime === {seconds}")
    page.locator("#cln-audio").evaluate("a => a.play()")  # the reader presses play: it starts at the moment
    until(page, "() => !document.getElementById('cln-audio').paused")
    assert page.locator("#cln-audio").evaluate("a => a.currentTime") >= seconds
    assert reports == []


def test_search_from_the_keyboard_and_the_count_it_announces(page, base_url):
    page.goto(base_url + "about/", wait_until="load")
    page.keyboard.press("/")
    announced = search_for(page, "network")
    status = page.locator(".cln-search__status")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    total = int(re.match(r"(\d+) results for “network”$", announced).group(1))
    assert total > 10 and page.locator(RESULT).count() == 10  # the first ten; the rest on asking
    while page.locator(".cln-search__more").is_visible():
        page.locator(".cln-search__more").click()
        page.wait_for_timeout(200)
    assert page.locator(RESULT).count() == total
    hrefs = page.locator(LINK).evaluate_all("links => links.map(a => a.getAttribute('href'))")
    focused = "() => document.activeElement.getAttribute('href') || document.activeElement.id"
    page.locator(SEARCH).focus()
    page.keyboard.press("ArrowDown")
    assert page.evaluate(focused) == hrefs[0]
    page.keyboard.press("ArrowDown")
    assert page.evaluate(focused) == hrefs[1]
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate(focused) == "cln-search-input"
    page.keyboard.press("Escape")  # closes; the box keeps the focus
    assert page.locator(".cln-search__output").is_hidden() and page.locator(RESULT).first.is_hidden()
    assert page.evaluate(focused) == "cln-search-input"
    page.keyboard.press("ArrowDown")  # opens again, on the first result
    assert page.evaluate(focused) == hrefs[0]
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**" + hrefs[1].split("#")[0] + "*")


def test_titles_and_excerpts_in_results_show_markup_characters_as_text_and_an_illustrative_one_says_so(browser, markup_site):
    tab = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    tab.goto(markup_site, wait_until="load")
    tab.locator(SEARCH).click()
    search_for(tab, "quoted")  # a word of the body, beside the markup it quotes
    link = tab.locator(LINK).first
    assert link.inner_text() == MARKUP_TITLE
    assert link.evaluate("a => a.children.length") == 0
    # An illustrative case study says so, before any figure (the content contract).
    assert tab.locator(".cln-search__meta").first.inner_text().startswith("Illustrative example · Case study · ")
    excerpt = tab.locator(".cln-search__excerpt").first
    assert "<script>alert(1)</script> & <b>bold</b>" in excerpt.inner_text()
    assert excerpt.evaluate("p => [...p.querySelectorAll('*')].map(n => n.tagName)") == ["MARK"] * excerpt.locator("mark").count()
    tab.context.close()


def test_without_webassembly_the_search_says_so_and_points_to_the_indexes(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.add_init_script("delete window.WebAssembly")  # as where WebAssembly is turned off
    tab.goto(base_url + "case-studies/", wait_until="load")
    tab.keyboard.press("/")
    tab.keyboard.type("care")
    box = tab.locator(".cln-search__unavailable")
    box.wait_for(state="visible", timeout=5000)
    assert "Search cannot run in this browser" in tab.locator(".cln-search__status").inner_text()
    links = box.locator("a")
    assert links.all_inner_texts() == ["Topics", "Regions", "Professions", "Competencies"]
    assert [h.rstrip("/").rsplit("/", 1)[-1] for h in links.evaluate_all("as => as.map(a => a.href)")] == [
        "topics", "regions", "professions", "competencies"]
    assert tab.locator(RESULT).count() == 0
    links.first.click()
    tab.wait_for_url("**/topics/")
    context.close()


@pytest.mark.parametrize("width", [1280, 360])
def test_the_open_search_with_results_has_no_serious_accessibility_violation(browser, base_url, width):
    context = browser.new_context(viewport={"width": width, "height": 900 if width > 400 else 740})
    tab = context.new_page()
    reports = csp_reports(tab)
    tab.goto(base_url + "podcast/", wait_until="load")
    if width < 600:  # a phone: the icon opens the search over the page
        tab.locator(".cln-search__open").click()
        assert tab.locator(".cln-search__open").get_attribute("aria-expanded") == "true"
    else:
        tab.keyboard.press("/")
    search_for(tab, "maternity")
    assert tab.locator(RESULT).first.is_visible()
    assert axe_violations(tab) == []
    tab.keyboard.press("Escape")
    if width < 600:
        assert tab.evaluate("document.activeElement.className").startswith("md-header__button")
    assert reports == []
    context.close()


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


@pytest.mark.parametrize("name", ["case study"])
def test_tables_that_scroll_sideways_on_a_phone_can_be_reached_by_keyboard(page, base_url, name):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(base_url + PAGES[name])
    # The outcomes are cards on a phone (test_record_pages.py); a wide table in a body is not:
    # one as the theme wraps it, added to the story.
    page.locator("#the-problem").evaluate("""h => h.insertAdjacentHTML('afterend',
        '<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table><caption>Referrals by month</caption>'
        + '<tr>' + 'Jan Feb Mar Apr May Jun Jul Aug Sep'.split(' ').map(m => '<th>' + m + ' 2009</th>').join('')
        + '</tr></table></div></div>')""")
    wraps = page.locator(".md-typeset__scrollwrap")
    assert wraps.count() >= 1
    scrolling = page.evaluate("""() => Array.from(document.querySelectorAll('.md-typeset__scrollwrap'))
        .filter(w => w.scrollWidth > w.clientWidth + 1)
        .map(w => [w.getAttribute('tabindex'), w.getAttribute('role'), w.getAttribute('aria-label')])""")
    assert scrolling, "expected a table wider than a phone's screen"
    assert all(tab == "0" and role == "region" and label for tab, role, label in scrolling), scrolling
    assert axe_violations(page) == []


def test_a_printed_case_study_is_a_clean_handout_with_its_address_and_evidence(page, base_url):
    page.goto(base_url + "case-studies/london-maternity-one-team-handovers/")
    assert not page.locator(".cln-print-only").is_visible()  # on screen, the address is the browser's
    page.emulate_media(media="print")
    for hidden in (".md-header", ".md-tabs", ".md-footer", ".cln-search", ".cln-related"):
        assert all(not el.is_visible() for el in page.locator(hidden).all()), hidden
    address = page.locator(".cln-print-only")
    assert address.is_visible()
    assert address.inner_text() == "Printed from https://cln.example.org/case-studies/london-maternity-one-team-handovers/"
    assert page.locator(".cln-illustrative").is_visible() and page.locator(".cln-evidence").is_visible()
    assert page.locator("article h1").inner_text().startswith("Maternity & newborn")
