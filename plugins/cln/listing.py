"""Explore's listing without words: every published record's facets in one small file, and
what a result shows (title, date, region, summary) in shards of a hundred, newest first.

Pagefind answers a search with words by fetching only the parts of its index those words need;
a view with filters and no words would make it fetch its whole word index (6 MB at 3,000 case
studies). So for that view Explore reads ``explore/records.json`` (a few bytes a record, the
facets it filters and counts on) and then only the shards that hold the results it shows.
"""

from __future__ import annotations

import json

from .catalogue import Catalogue, newest_first
from .content import CaseStudy, Record

SHARD_SIZE = 100
FOLDER = "explore"


def _facets(record: Record) -> list:
    """[date, kind, region, topics, professions, competencies] of one record (slugs)."""
    m = record.meta
    day = record.published.date().isoformat()
    if isinstance(record, CaseStudy):
        return [day, "case-study", m.region, m.topics, m.professions, m.competencies]
    return [day, "episode", "", m.topics, [], []]


def _shown(record: Record, catalogue: Catalogue) -> dict:
    """What a result shows, in the shape of a Pagefind result's data (site-relative url)."""
    meta = {"title": record.meta.title, "date": record.published.date().isoformat(),
            "kind_label": "Case study" if isinstance(record, CaseStudy) else "Episode"}
    if isinstance(record, CaseStudy):
        meta["region_name"] = catalogue.taxonomy.term("regions", record.meta.region).name
        meta["evidence"] = record.meta.evidence
    return {"url": record.url, "meta": meta, "summary": record.meta.summary}


def _dump(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def listing_files(catalogue: Catalogue) -> dict[str, bytes]:
    """``explore/records.json`` and ``explore/records-<n>.json``: address inside the site → bytes."""
    records = newest_first([*catalogue.case_studies, *catalogue.episodes])
    files = {f"{FOLDER}/records.json": _dump({"shard": SHARD_SIZE, "records": [_facets(r) for r in records]})}
    for start in range(0, len(records), SHARD_SIZE):
        shard = [_shown(r, catalogue) for r in records[start:start + SHARD_SIZE]]
        files[f"{FOLDER}/records-{start // SHARD_SIZE}.json"] = _dump(shard)
    return files
