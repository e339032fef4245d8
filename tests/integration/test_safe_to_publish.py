"""Whole sites built in a temporary folder: every page carries a Content-Security-Policy that
allows only the theme's own inline scripts; what readers and podcast apps get is cleaned;
bad content stops the build with messages, never a traceback."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from cln import csp
from conftest import case_study, episode, run_build

pytestmark = pytest.mark.slow


def test_every_page_has_a_policy_that_allows_exactly_its_own_inline_scripts(build):
    built = build({"case_studies/x.md": case_study()})
    assert built.returncode == 0, built.output
    pages = sorted(built.site.rglob("*.html"))
    assert len(pages) > 40
    for page in pages:
        html = page.read_text(encoding="utf-8")
        m = re.search(r'<head[^>]*><meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
        assert m, page
        policy = m.group(1)
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
        assert "object-src 'none'" in policy and "base-uri 'self'" in policy
        for source in csp.script_hashes(html):
            assert source in policy
        assert " onerror=" not in html and " onclick=" not in html


def test_hostile_show_notes_never_reach_the_feed_or_the_page(project, podcast_files):
    # A body the check refuses cannot be built at all, so what is cleaned here is what the
    # check lets through: a harmless comment, allowed markup and text that only looks risky.
    notes = ('Notes <!-- an editor\'s note --> with <abbr title="Primary Care Trust">PCT</abbr> and '
             "the words onclick= and javascript: as plain text.")
    text = episode().replace("In this episode we talk about [the network](../case-studies/index.md).", notes)
    built = run_build(project({**podcast_files, "podcasts/ep.md": text}))
    assert built.returncode == 0, built.output
    feed = etree.fromstring((built.site / "podcast/feed.xml").read_bytes())
    (encoded,) = feed.findall(".//{http://purl.org/rss/1.0/modules/content/}encoded")
    assert "<!--" not in encoded.text and '<abbr title="Primary Care Trust">PCT</abbr>' in encoded.text
    page = (built.site / "podcast/ep/index.html").read_text(encoding="utf-8")
    assert "an editor's note" not in page


@pytest.mark.parametrize("body, expected", [
    ('<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>', "<noscript> element is not allowed"),
    ("[Click here](java\nscript:alert(1))", "javascript: address in <a href> is not allowed"),
    ('<div style="position:fixed;inset:0">Sign in</div>', "'style' attribute on <div> is not allowed"),
    ('<a href="https://www.nhs.uk" title="`x`" onmouseover="alert(1)">NHS</a>',
     "'onmouseover' attribute on <a> is not allowed"),
])
def test_unsafe_markup_stops_the_build_with_the_file_and_line_and_no_traceback(project, body, expected):
    text = case_study(body="Intro.\n\n" + body)
    built = run_build(project({"case_studies/x.md": text}))
    assert built.returncode != 0
    assert "Traceback" not in built.output
    assert re.search(r"case_studies/x\.md:\d+: body: " + re.escape(expected), built.output), built.output
    assert not (built.root / "site").exists()


def test_a_year_the_sitemap_cannot_hold_is_a_message(project):
    built = run_build(project({"case_studies/x.md": case_study(date="2109-01-15")}))
    assert built.returncode != 0 and "Traceback" not in built.output
    assert "case_studies/x.md:4: date: '2109-01-15' has the year 2109" in built.output
