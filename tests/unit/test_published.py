"""A content file is checked as readers will receive it: patient data in the rendered, joined
text and in decoded front-matter values is found and reported on its source line; unsafe
markup in the rendered body is refused; control characters, cost and broken layouts are
messages, never tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cln import published
from cln.cli import project_settings
from cln.yamlsource import read_source

ROOT = Path(__file__).resolve().parents[2]
MARKDOWN = project_settings(str(ROOT)).markdown
FRONT = """---
title: A case study
summary: >-
  {summary}
date: 2009-01-15
region: london
topics: [planned-care]
authors:
  - name: Dr Test
guid_like: 3f2504e0-4f89-11d3-9a0c-0305e82c3301
---
"""


def check(body: str = "Words.\n", summary: str = "A summary.") -> published.Findings:
    text = FRONT.format(summary=summary) + body
    source, problems = read_source("case_studies/x.md", text.encode())
    assert source is not None and not problems
    return published.check_file("case_studies/x.md", source, ("cln@nhs.net",), MARKDOWN)


def nhs_lines(found: published.Findings) -> list[int]:
    return [p.line for p in found.problems if "NHS number" in p.message]


BODY_LINE = FRONT.count("\n") + 1  # the file line of the body's first line


def nhs_number(nine: str) -> str | None:
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=False))
    check_digit = (11 - total % 11) % 11
    if check_digit == 10 or len(set(nine)) == 1:
        return None
    return nine + str(check_digit)


HIDINGS = {
    "wrapped over two lines of a paragraph": lambda n: f"{n[:3]} {n[3:6]}\n{n[6:]}",
    "split by bold": lambda n: f"{n[:3]} {n[3:6]} <b>{n[6:]}</b>",
    "split by Markdown emphasis": lambda n: f"{n[:3]} **{n[3:6]}** {n[6:]}",
    "double spaces": lambda n: f"{n[:3]}  {n[3:6]}  {n[6:]}",
    "no-break space entities": lambda n: f"{n[:3]}&nbsp;{n[3:6]}&nbsp;{n[6:]}",
    "numeric character references": lambda n: f"{n[:3]}&#32;{n[3:6]}&#x20;{n[6:]}",
    "grouped 3-7": lambda n: f"{n[:3]} {n[3:]}",
    "hyphens": lambda n: f"{n[:3]}-{n[3:6]}-{n[6:]}",
    "in a link's text": lambda n: f"[{n[:3]} {n[3:6]} {n[6:]}](https://www.nhs.uk/)",
    "fullwidth digits": lambda n: f"{n[:3]} {n[3:6]} {n[6:]}".translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "Arabic-Indic digits": lambda n: f"{n[:3]} {n[3:6]} {n[6:]}".translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),
    "in a table cell": lambda n: f"| a | b |\n|---|---|\n| x | {n[:3]} {n[3:6]} {n[6:]} |",
}


@pytest.mark.parametrize("how", HIDINGS, ids=HIDINGS.keys())
def test_an_nhs_number_hidden_in_the_body_is_found_on_its_line_and_masked(how):
    number = "9434765919"
    hidden = HIDINGS[how](number)
    found = check("An opening paragraph.\n\n" + hidden + "\n\nThe patient was seen.\n")
    first = next(i for i, line in enumerate(hidden.split("\n")) if any(c.isdecimal() for c in line))
    lines = nhs_lines(found)
    assert lines and lines[0] == BODY_LINE + 2 + first
    assert all(number not in p.message and "5919" not in p.message for p in found.problems)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nine=st.text("0123456789", min_size=9, max_size=9), how=st.sampled_from(sorted(HIDINGS)),
       before=st.sampled_from(["Seen in clinic: ", "The referral (", "", "See **note** "]))
def test_any_valid_nhs_number_hidden_in_any_of_those_ways_is_found_after_rendering(nine, how, before):
    number = nhs_number(nine)
    if number is None:
        return
    found = check(f"Intro.\n\n{before}{HIDINGS[how](number)} and more.\n")
    assert nhs_lines(found), (how, number)


@pytest.mark.parametrize("summary, line", [
    ("The patient's number is 943 476\n  5919 in the folded summary.", 4),
    ("The number \\x39434765919 written with a YAML escape.", 3),
])
def test_an_nhs_number_in_a_decoded_front_matter_value_is_found(summary, line):
    quoted = summary if "\\x" not in summary else None
    if quoted is None:
        text = FRONT.replace(">-\n  {summary}", '"' + summary + '"')
        source, _ = read_source("case_studies/x.md", (text + "Body.\n").encode())
        found = published.check_file("case_studies/x.md", source, (), MARKDOWN)
    else:
        found = check(summary=summary)
    assert nhs_lines(found) == [line]


def test_a_guid_shaped_value_is_never_a_phone_or_nhs_number():
    assert check().problems == []


def test_an_allow_marker_on_the_line_where_the_number_is_allows_it():
    found = check("Office: 0113 496\n0000. <!-- privacy-allow: the network office's published number -->\n")
    assert found.problems == []
    assert [(line, kind) for _, line, kind, _ in found.allowed] == [(BODY_LINE, "phone number")]


def test_unsafe_markup_is_reported_on_its_source_line():
    found = check("Intro.\n\nMore text.\n\n<div style=\"position:fixed\">overlay</div>\n")
    (problem,) = found.problems
    assert (problem.line, problem.field) == (BODY_LINE + 4, "body")
    assert "'style' attribute on <div> is not allowed" in problem.message


@pytest.mark.parametrize("char, name", [("\x0b", "vertical tab"), ("\x00", "NUL"), ("\x0c", "form feed")])
def test_control_characters_in_a_body_are_reported_on_their_line(char, name):
    found = check(f"First line.\nSecond{char}line.\n")
    assert [(p.line, name in p.message) for p in found.problems] == [(BODY_LINE + 1, True)]


def test_a_body_that_would_stall_markdown_is_refused_with_a_message():
    found = check("Intro.\n\n" + "[" * 20000 + "\n")
    (problem,) = found.problems
    assert problem.field == "body" and "'[' without a matching ']'" in problem.message


def test_relative_links_are_collected_with_their_lines():
    found = check("See [the other](other.md) and [NHS](https://www.nhs.uk/).\n\n![chart](chart.png)\n")
    assert found.links == [(BODY_LINE, "other.md"), (BODY_LINE + 2, "chart.png")]


@pytest.mark.parametrize("name", ["case_studies/943-476-5919.md", "case_studies/patient-9434765919.md"])
def test_a_file_name_holding_an_nhs_number_is_refused_and_masked(name):
    (problem,) = published.check_name(name)
    assert "9434765919" not in str(problem) and "476-5919" not in str(problem)
    assert "file name looks like an NHS number" in problem.message


def test_a_script_address_wrapped_over_a_line_break_is_reported_where_it_starts():
    found = check("Intro.\n\n[Click here](java\nscript:alert(1))\n")
    (problem,) = found.problems
    assert problem.line == BODY_LINE + 2 and "javascript: address" in problem.message
