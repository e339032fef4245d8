"""Explore's listing without words: every published record's facets in one file, newest first,
and what each result shows in shards, so a view with no words never needs the word index."""

from __future__ import annotations

import json

from cln.catalogue import Settings, load_catalogue
from cln.listing import SHARD_SIZE, listing_files
from conftest import case_study


def test_the_listing_holds_every_published_record_newest_first_with_its_facets(project, podcast_files):
    root = project({**podcast_files,
                    "case_studies/old.md": case_study("An older one", date="2008-05-01", region="london"),
                    "case_studies/new.md": case_study("A newer one", date="2009-06-01",
                                                      extra="evidence: illustrative\n"),
                    "case_studies/draft.md": case_study("Not yet", extra="draft: true\n")})
    files = listing_files(load_catalogue(Settings(root=str(root))))
    listing = json.loads(files["explore/records.json"])
    assert listing["shard"] == SHARD_SIZE
    assert listing["records"] == [
        ["2009-06-01", "case-study", "north-west", ["planned-care", "health-informatics"],
         ["general-practitioner"], ["influencing-change"]],
        ["2009-02-12", "episode", "", ["leadership-development"], [], []],
        ["2008-05-01", "case-study", "london", ["planned-care", "health-informatics"],
         ["general-practitioner"], ["influencing-change"]],
    ]
    shown = json.loads(files["explore/records-0.json"])
    assert [s["url"] for s in shown] == ["case-studies/new/", "podcast/ep/", "case-studies/old/"]
    assert shown[0]["meta"] == {"title": "A newer one", "date": "2009-06-01", "kind_label": "Case study",
                                "region_name": "North West", "evidence": "illustrative"}
    assert shown[1]["meta"]["kind_label"] == "Episode" and "region_name" not in shown[1]["meta"]
    assert set(files) == {"explore/records.json", "explore/records-0.json"}


def test_shards_hold_a_hundred_each(project):
    files = {f"case_studies/s{i:03d}.md": case_study(f"Study {i}", date=f"2009-01-{1 + i % 28:02d}")
             for i in range(SHARD_SIZE + 5)}
    out = listing_files(load_catalogue(Settings(root=str(project(files)))))
    assert [len(json.loads(out[f"explore/records-{k}.json"])) for k in (0, 1)] == [SHARD_SIZE, 5]
