"""Warnings that help and never block: a short summary, an empty section, an outcome with no
figure to compare, a case study with no outcomes."""

from __future__ import annotations

from cln.advice import empty_sections, has_figure, warnings_for
from cln.content import parse
from conftest import case_study

PATH = "case_studies/x.md"


def warnings(text: str) -> list[str]:
    _, _, source = parse(PATH, text.encode(), "case-study")
    return [str(w) for w in warnings_for(PATH, "case-study", source)]


def test_a_complete_case_study_has_no_warnings():
    text = case_study().replace("for three months.", "for three months, and the region rose from fourth to "
                                                      "first in the national ranking.")
    assert warnings(text) == []


def test_a_summary_under_fifteen_words():
    assert warnings(case_study()) == ["case_studies/x.md:3: summary: is 10 words; a summary of 15 words or more "
                                      "tells readers and search what was done and what changed"]


def test_empty_sections_are_found_and_full_ones_are_not():
    body = "\n## The problem\n\n## What we did\n\n### Week one\n\nWe met.\n\n```\n## not a heading\n```\n\n## Lessons\n"
    assert empty_sections(body, 20) == [(21, "The problem"), (33, "Lessons")]
    assert empty_sections("\n## Outcomes\n\nFalls fell.\n", 5) == []


def test_an_outcome_without_comparable_figures():
    text = case_study().replace("before: 4th", "before: lots").replace("after: 1st", "after: fewer")
    assert "case_studies/x.md:14: outcomes[0]: 'lots' → 'fewer' has no figure to compare; give a number on both " \
           "sides, e.g. 12 falls a month before and 7 after" in warnings(text)
    assert has_figure("twelve a month") and has_figure(4) and has_figure("4th") and not has_figure("fewer")


def test_a_case_study_with_no_outcomes():
    text = case_study().split("outcomes:")[0] + "---\nBody.\n"
    assert any(w.startswith("case_studies/x.md:2: outcomes: the case study has no outcomes") for w in warnings(text))


def test_warnings_come_with_errors_too():
    text = case_study(region="londn").replace("before: 4th", "before: lots").replace("after: 1st", "after: some")
    _, problems, _ = parse(PATH, text.encode(), "case-study")
    assert problems == []  # the slug is the catalogue's rule; the warnings are read all the same
    assert any("outcomes[0]" in w for w in warnings(text))
