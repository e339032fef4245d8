"""Records → each record's related case studies and episodes, chosen from what they share.

A candidate's score is the sum, over every value it shares with the page's record, of that
value's kind's weight (below). The page lists the five highest scores; a tie goes to the newer
record, then to the slug in alphabetical order, so the same content gives the same lists in
every build. A page never lists itself, and drafts are never listed, even in a preview where
they are pages (a draft page still gets a list, of published records).

Fast without a Python loop over every pair of records: each value's records are one bit mask
(bit ``i`` is the ``i``-th record, newest first), and a page's scores for all candidates at
once are a counter kept in bit slices (slice ``b`` holds bit ``b`` of every candidate's score),
to which each of the page's values adds its mask, ``weight`` times, a few operations on whole
integers. The best are then read off the slices from the highest bit down, the newest first
among equals. At 3,000 case studies every page's list together takes about a tenth of a second.
"""

from __future__ import annotations

from collections.abc import Iterable

from .content import CaseStudy, Record

#: The weight of one shared value of each kind. A shared topic (a clinical pathway or one of the
#: network's themes) is what a reader came for, so it counts most: more than a shared competency,
#: profession and region together (5 > 2 + 1 + 1), so a record on the same pathway comes before
#: one that only shares who led it and where. This also keeps episodes in the lists: an episode
#: carries only topics, so it is related by topic alone (with 3, an episode on both of a case
#: study's pathways came ninth of eighteen in the sample content, behind case studies sharing one
#: pathway and some professions). A shared competency says the two show the same leadership
#: skill, the network's own purpose, which tells a reader more than a shared profession; a shared
#: profession or the same region is common to many records and alone says little, so these count
#: least and mostly order records that share the same topics.
TOPIC_WEIGHT = 5
COMPETENCY_WEIGHT = 2
PROFESSION_WEIGHT = 1
REGION_WEIGHT = 1
WEIGHTS = {"topics": TOPIC_WEIGHT, "competencies": COMPETENCY_WEIGHT,
           "professions": PROFESSION_WEIGHT, "regions": REGION_WEIGHT}

#: How many related records a page lists at most.
RELATED_COUNT = 5


def facets(record: Record) -> list[tuple[str, str]]:
    """The (kind, slug) values a record is filed under, each once."""
    m = record.meta
    if isinstance(record, CaseStudy):
        values = [*(("topics", s) for s in m.topics), ("regions", m.region),
                  *(("professions", s) for s in m.professions), *(("competencies", s) for s in m.competencies)]
    else:
        values = [("topics", s) for s in m.topics]
    return list(dict.fromkeys(values))


def _order(record: Record) -> tuple[float, str, str]:
    """Newest first, then by slug, then case studies before episodes of the same slug and time."""
    return (-record.published.timestamp(), record.slug, record.kind)


class Related:
    """The published records indexed by value, to pick any record's related records from."""

    def __init__(self, records: Iterable[Record]):
        self.pool: list[Record] = sorted((r for r in records if not r.meta.draft), key=_order)
        self._bit = {(r.kind, r.slug): i for i, r in enumerate(self.pool)}
        masks: dict[tuple[str, str], int] = {}
        for i, record in enumerate(self.pool):
            for value in facets(record):
                masks[value] = masks.get(value, 0) | (1 << i)
        self.masks = masks

    def of(self, record: Record, count: int = RELATED_COUNT) -> list[Record]:
        """Up to ``count`` published records related to ``record``: highest score first, then newest."""
        slices: list[int] = []  # slices[b]: bit b of every candidate's score
        for value in facets(record):
            mask = self.masks.get(value, 0)
            for _ in range(WEIGHTS[value[0]] if mask else 0):
                _increment(slices, mask)
        candidates = 0
        for part in slices:
            candidates |= part  # a score above zero
        own = self._bit.get((record.kind, record.slug))
        if own is not None:
            candidates &= ~(1 << own)
        chosen: list[Record] = []
        while candidates and len(chosen) < count:
            best = candidates
            for part in reversed(slices):  # keep those with the highest score, bit by bit from the top
                if best & part:
                    best &= part
            candidates &= ~best
            while best and len(chosen) < count:
                lowest = best & -best  # the newest of those
                chosen.append(self.pool[lowest.bit_length() - 1])
                best ^= lowest
        return chosen


def _increment(slices: list[int], mask: int) -> None:
    """Add one to the bit-sliced score of every candidate in ``mask`` (a ripple of carries)."""
    for b, part in enumerate(slices):
        slices[b] = part ^ mask
        mask &= part
        if not mask:
            return
    slices.append(mask)


def related_lists(records: Iterable[Record]) -> dict[str, list[Record]]:
    """Every record's related records, by the record's page source (``src_uri``)."""
    records = list(records)
    index = Related(records)
    return {r.src_uri: index.of(r) for r in records}
