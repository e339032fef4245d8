"""The case-study feed, built from a catalogue (no site build) and read by a real feed reader."""

from __future__ import annotations

import feedparser

from cln.catalogue import Settings, load_catalogue
from cln.feeds.case_studies import build_case_study_feed
from conftest import case_study


def test_feed_keeps_the_newest_fifty(project):
    # 60 case studies, one a day from 1 January 2009: "Case study 59" is the newest.
    root = project({f"case_studies/cs-{i:03d}.md": case_study(f"Case study {i}", date=f"2009-{1 + i // 28:02d}-{1 + i % 28:02d}")
                    for i in range(60)}, docs=False)
    catalogue = load_catalogue(Settings(root=str(root)))
    assert len(catalogue.case_studies) == 60
    feed = feedparser.parse(build_case_study_feed(catalogue, "Test network", "https://cln.example.org/", "© Test network"))
    assert not feed.bozo, feed.bozo_exception
    assert len(feed.entries) == 50
    assert feed.entries[0].title == "Case study 59"
    assert "Case study 9" not in {e.title for e in feed.entries}
    # The fifty newest, newest first, each linking to its page.
    assert [e.title for e in feed.entries] == [f"Case study {i}" for i in range(59, 9, -1)]
    assert feed.entries[-1].link == "https://cln.example.org/case-studies/cs-010/"
