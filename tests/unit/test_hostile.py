"""Hostile input: front matter of any shape, type and text never breaks the core, and every
value it accepts shows as text in pages and feeds."""

from __future__ import annotations

import datetime as dt
import functools
import html
import os
import time

import feedparser
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from cln.catalogue import Catalogue
from cln.content import parse
from cln.errors import Problem
from cln.feeds.case_studies import build_case_study_feed
from cln.indexes import record_item
from cln.pages import case_study_header
from cln.taxonomy import Taxonomy
from conftest import REPO, case_study, episode

ATOM = "{http://www.w3.org/2005/Atom}"
TAXONOMY = Taxonomy.load(str(REPO / "taxonomy.yml"))
FIELDS = ["title", "summary", "date", "updated", "region", "topics", "professions", "competencies", "authors",
          "outcomes", "contact", "draft", "guid", "audio", "episode", "season", "type", "explicit", "guests",
          "transcript", "chapters", "image", "name", "role", "organisation", "measure", "before", "after", "start"]
NASTY = ["<script>alert(1)</script>", "&amp;", "\"'", "\x00", "\x1b[31m", "\u202e", "]]>", "{{ x }}", "{% x %}",
         "a" * 5000, "2009-02-30", "-1", "1e999", "\ud7ff", "🩺", "north-west", "00:00", "*a", "&a", "!!python/object"]

text = st.one_of(st.text(), st.sampled_from(NASTY), st.builds(lambda a, b: a + b, st.sampled_from(NASTY), st.text()))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), text,
                    st.dates().map(str), st.datetimes().map(lambda d: d.isoformat()))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=10)), inner, max_size=5)),
    max_leaves=30)
front_matter = st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=12)), values, max_size=12)
kinds = st.sampled_from(["case-study", "episode"])
# CLN_FUZZ_EXAMPLES=5000 for a longer search than the test suite's.
SETTINGS = settings(max_examples=int(os.environ.get("CLN_FUZZ_EXAMPLES", "200")), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@functools.cache
def ordinary_parse() -> float:
    """CPU seconds to parse an ordinary case study, on this machine in this run: the yardstick."""
    raw = case_study().encode()
    best = float("inf")
    for _ in range(5):
        start = time.thread_time()
        parse("case_studies/x.md", raw, "case-study")
        best = min(best, time.thread_time() - start)
    return best


def parse_timed(raw: bytes, kind: str):
    # CPU time of this thread, not the wall clock, so other work on a busy machine does not count;
    # and measured against an ordinary parse, so a slower machine has a larger allowance. The
    # hostile inputs here cost at most a few ordinary parses; the bound (2000 of them, and never
    # under half a second) trips only on work out of all proportion to the input: an alias bomb
    # expanded, a nesting bomb composed, a pattern backtracking.
    start = time.thread_time()
    result = parse(f"{'case_studies' if kind == 'case-study' else 'podcasts'}/x.md", raw, kind)
    spent = time.thread_time() - start
    assert spent < max(2000 * ordinary_parse(), 0.5), f"{spent:.3f} s of CPU for {len(raw)} bytes"
    record, problems, _ = result
    assert all(isinstance(p, Problem) and p.path.endswith("x.md") and p.message for p in problems)
    assert (record is None) == bool(problems)
    return record, problems


@SETTINGS
@given(front_matter, kinds, st.text())
def test_any_front_matter_gives_a_record_or_problems_never_an_exception(data, kind, body):
    raw = ("---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n" + body).encode("utf-8", "surrogatepass")
    parse_timed(raw, kind)


@SETTINGS
@given(st.binary(max_size=2000), kinds)
def test_any_bytes_give_a_record_or_problems(raw, kind):
    parse_timed(b"---\n" + raw + b"\n---\nbody", kind)
    parse_timed(raw, kind)


@SETTINGS
@given(st.text(max_size=3000), kinds)
def test_any_text_as_front_matter(body, kind):
    parse_timed(("---\n" + body + "\n---\nbody").encode("utf-8", "surrogatepass"), kind)


def test_alias_bomb_is_refused_at_once():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=False):
        lines.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    _record, problems = parse_timed(("---\n" + "\n".join(lines) + "\n---\n").encode(), "case-study")
    assert "aliases (*name) are not allowed" in str(problems[0])


def test_anchors_and_aliases_in_real_fields_are_refused():
    text = case_study().replace("topics: [planned-care, health-informatics]", "topics: &t [planned-care]\nprofessions2: *t")
    _, problems = parse_timed(text.encode(), "case-study")
    assert any("aliases (*name) are not allowed" in str(p) for p in problems)


def test_deep_nesting_is_refused_quickly():
    # libyaml's composer recurses in C: these would overflow its stack if they reached it.
    for raw in ("title: " + "[" * 60000, "title: " + "- " * 30000 + "x", "title: " + "{a: " * 15000,
                "title: " + "[" * 5000 + "]" * 5000, "title: " + "{a: " * 5000 + "1" + "}" * 5000,
                "title:\n" + "".join("  " * i + "- \n" for i in range(200))):
        _, problems = parse_timed(("---\n" + raw + "\n---\n").encode(), "case-study")
        assert "front matter is not valid YAML" in str(problems[0])


def test_huge_front_matter_is_refused():
    _, problems = parse_timed(("---\ntitle: " + "x" * 200_000 + "\n---\n").encode(), "case-study")
    assert "front matter is over 64 KB" in str(problems[0])


accepted_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=100).filter(
    lambda s: s.strip() == s and s.strip())
markup = st.sampled_from(["<script>alert(1)</script>", "<b onmouseover=x>", "a & b", '"quoted"', "'single'",
                          "<img src=x onerror=alert(1)>", "]]>", "&lt;"])


@SETTINGS
@given(title=st.one_of(markup, st.builds(lambda a, b: a + " " + b, accepted_text, markup)),
       summary=st.one_of(markup, accepted_text), author=st.one_of(markup, accepted_text))
def test_every_accepted_value_shows_as_text_in_pages_and_feed(title, summary, author):
    raw = case_study(title=yaml.safe_dump(title, allow_unicode=True, width=10_000).strip().removesuffix("...").strip())
    raw = raw.replace("summary: GPs and consultants worked with local leads for three months.",
                      "summary: " + yaml.safe_dump(summary, allow_unicode=True, width=10_000).strip().removesuffix("...").strip())
    raw = raw.replace("name: Dr Jane Example", "name: " + yaml.safe_dump(author, allow_unicode=True, width=10_000).strip().removesuffix("...").strip())
    record, _problems = parse_timed(raw.encode(), "case-study")
    if record is None:
        return  # refused with a message: nothing to escape
    catalogue = Catalogue(taxonomy=TAXONOMY, case_studies=[record], episodes=[])
    page = case_study_header(record, catalogue) + record_item(record, TAXONOMY, "topics/planned-care/")
    for value in (record.meta.title, record.meta.summary, record.meta.authors[0].name):
        if any(c in value for c in "<>&\""):
            assert html.escape(value, quote=False) in page or html.escape(value) in page
    assert "<script" not in page and "<img" not in page and " onmouseover=" not in page.replace("&lt;b onmouseover=", "")
    xml = build_case_study_feed(catalogue, "Clinical Leaders Network", "https://cln.example.org/", "©")
    feed = feedparser.parse(xml)
    assert not feed.bozo, feed.bozo_exception
    assert len(feed.entries) == 1
    # The exact text, read with lxml (feedparser "repairs" some text that looks double-encoded).
    entry = etree.fromstring(xml).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == record.meta.title
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == record.meta.authors[0].name


def test_an_accepted_episode_title_with_markup_is_escaped_in_its_list_entry():
    record, problems = parse_timed(episode(title='"<script>alert(1)</script> & more"').encode(), "episode")
    assert problems == []
    item = record_item(record, TAXONOMY, "podcast/")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in item and "<script>" not in item
    assert record.meta.date == dt.datetime(2009, 2, 12, 9, 0, tzinfo=record.meta.date.tzinfo)
