"""The markup scan reports what could run in a reader's browser, and passes ordinary content.

Code shown as code is fine; the rules for what counts as code lean towards reporting,
because what the site's Markdown does not treat as code is published as HTML.
"""

from __future__ import annotations

import time

import pytest

from cln.markup import MarkupProblem, scan_unsafe_markup


def problems(text: str, **kwargs) -> list[tuple[int, str]]:
    return [(p.line, p.what) for p in scan_unsafe_markup(text, **kwargs)]


# --- Unsafe elements ------------------------------------------------------------------

ELEMENTS = {
    "script": "<script>alert('hi')</script>",
    "iframe": '<iframe src="https://www.youtube.com/embed/x" width="560"></iframe>',
    "object": '<object data="movie.swf"></object>',
    "embed": '<embed src="movie.swf">',
    "frame": '<frame src="page.html">',
    "base": '<base href="https://evil.example/">',
    "meta": '<meta http-equiv="refresh" content="0; url=https://evil.example/">',
    "form": '<form action="https://evil.example/"><input name="password"></form>',
    "style": "<style>body { display: none }</style>",
}


@pytest.mark.parametrize("name", ELEMENTS)
def test_each_unsafe_element_is_reported_on_its_line(name):
    text = f"# A case study\n\nSome words first.\n\n{ELEMENTS[name]}\n\nMore words."
    assert problems(text) == [(5, f"<{name}> element")]


@pytest.mark.parametrize(
    "text",
    ["<SCRIPT>x</SCRIPT>", "<Script type='text/javascript'>x</Script>", "<script\n  src=x.js></script>", "<script/src=x>"],
)
def test_elements_are_found_whatever_the_case_spacing_or_attributes(text):
    assert problems(text) == [(1, "<script> element")]


def test_words_that_only_start_like_an_element_are_not_reported():
    assert problems("A <formula> tag, a < meta-analysis and p<0.05 are fine") == []


# --- Event handlers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, handler",
    [
        ("<img src=x onerror=alert(1)>", "onerror"),
        ('<a href="#" onclick = "go()">Go</a>', "onclick"),
        ("<svg/onload=alert(1)>", "onload"),
        ('<img src="x"onerror="alert(1)">', "onerror"),
        ('<details ONTOGGLE="alert(1)" open>', "ontoggle"),
    ],
)
def test_inline_event_handlers_in_tags_are_reported(text, handler):
    assert problems(f"Intro\n{text}") == [(2, f"inline event handler '{handler}'")]


def test_an_event_handler_on_a_later_line_of_a_tag_is_reported_on_its_own_line():
    assert problems('<img\n  src="x.png"\n  onerror="alert(1)">') == [(3, "inline event handler 'onerror'")]


def test_an_event_handler_in_a_markdown_attribute_list_is_reported():
    assert problems('## Results {: onclick="alert(1)" }') == [(1, "inline event handler 'onclick'")]


@pytest.mark.parametrize(
    "text",
    [
        "the word onclick= in text",
        'an <abbr title="the onclick = attribute">attribute</abbr>',
        "<details open><summary>More</summary>text</details>",
    ],
)
def test_handler_words_outside_attribute_names_are_not_reported(text):
    assert problems(text) == []


# --- URLs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, what",
    [
        ("[click me](javascript:alert(1))", "javascript: URL"),
        ("[click me]( JavaScript:alert(1))", "javascript: URL"),
        ("[click me](java&#x09;script:alert(1))", "javascript: URL"),
        ("[click me](java&#115;cript&colon;alert(1))", "javascript: URL"),
        ("[click me](<javascript:alert(1)>)", "javascript: URL"),
        ('<a href="javascript:alert(1)">x</a>', "javascript: URL"),
        ("<a href=' jav\tascript:alert(1)'>x</a>", "javascript: URL"),
        ("<a href=JAVASCRIPT:alert(1)>x</a>", "javascript: URL"),
        ("![chart](vbscript:msgbox(1))", "vbscript: URL"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data: URL"),
        ('<iframe src="data:text/html,x">', "data: URL"),
        ("[ref]: javascript:alert(1)", "javascript: URL"),
        ("<javascript:alert(1)>", "javascript: URL"),
    ],
)
def test_script_urls_in_links_and_attributes_are_reported(text, what):
    assert what in [w for _, w in problems(f"Intro\n\n{text}")]
    assert all(line == 3 for line, _ in problems(f"Intro\n\n{text}"))


@pytest.mark.parametrize(
    "text",
    [
        "[NHS England](https://www.england.nhs.uk/)",
        "[email us](mailto:cln@example.org)",
        "[next page](../podcast/) and [top](#top)",
        "![a chart](data:image/png;base64,iVBORw0KGgo=)",
        '<a href="https://example.org/javascript-tips">JavaScript tips</a>',
        '[link](https://example.org "javascript: a title, not a URL")',
    ],
)
def test_ordinary_links_pass(text):
    assert problems(text) == []


# --- Code is not a problem ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "```html\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>\n```",
        "~~~\n<iframe src=x></iframe>\n~~~",
        '```html title="Embedding a player"\n<iframe src=x></iframe>\n```',
        "- An item:\n\n    ```\n    <script>x</script>\n    ```",
        "Use `<script>` to add code, or ``<iframe src=`x`>`` to embed.",
        "A link like `[x](javascript:alert(1))` is not allowed.",
        "```<script>``` written inline",
    ],
)
def test_markup_shown_as_code_is_not_reported(text):
    assert problems(text) == []


def test_markup_after_a_closed_fence_is_reported_on_its_line():
    text = "```\n<script>x</script>\n```\n\n<script>y</script>"
    assert problems(text) == [(5, "<script> element")]


def test_an_unclosed_fence_is_not_code():
    # Markdown publishes an unclosed fence's lines as they are, so the script would run.
    assert problems("```\n<script>x</script>") == [(2, "<script> element")]


def test_a_longer_fence_does_not_close_a_shorter_one():
    assert problems("```\n<script>x</script>\n````") == [(2, "<script> element")]


def test_a_code_span_inside_a_raw_html_block_is_not_code():
    # Markdown passes an HTML block through untouched: the backticks are just text.
    assert problems("<div>\n`<script>x</script>`\n</div>") == [(2, "<script> element")]


def test_an_escaped_backtick_does_not_open_a_code_span():
    assert problems("Type \\`<script>x</script>`") == [(1, "<script> element")]


def test_a_stray_backtick_makes_the_rest_of_the_paragraph_count():
    # The stray backtick pairs with the first one on the next line, so the script is
    # outside any code span as Markdown reads it.
    assert problems("Press ` then\n`<script>x</script>`") == [(2, "<script> element")]


# --- What the site allows -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "<table>\n<tr><th>Month</th><th>Falls</th></tr>\n<tr><td>Jan</td><td>12</td></tr>\n</table>",
        '<abbr title="National Health Service">NHS</abbr>',
        "<details>\n<summary>Read the transcript</summary>\n\nText of the transcript.\n\n</details>",
        "Line one<br>line two<br/>",
        "E = mc<sup>2</sup> and H<sub>2</sub>O",
        "Press <kbd>Ctrl</kbd> + <kbd>P</kbd>",
        '<img src="chart.png" alt="Falls per month">',
        "*[NHS]: National Health Service",
        '!!! note "Key learning"\n    Start small.',
    ],
)
def test_simple_html_and_markdown_pass(text):
    assert problems(text) == []


CASE_STUDY = """\
---
title: Reducing falls on an elderly care ward
summary: A nurse-led bundle cut inpatient falls by a quarter in six months.
region: north-west
topics: [quality-improvement, acute-care]
---
# Reducing falls on an elderly care ward

*[QI]: quality improvement

## The problem

Falls on Ward 7 were rising: 12 in January alone. The <abbr title="quality improvement">QI</abbr>
team asked why, and listened to patients, families and staff.

## What we did

1. Introduced a **falls bundle** at handover.
2. Moved high-risk patients nearer the nurses' station.
3. Ran a weekly huddle (see the [NHS falls guidance](https://www.england.nhs.uk/falls/)).

| Month | Falls | Rate per 1,000 bed days |
|-------|------:|------------------------:|
| Jan   | 12    | 6.1                     |
| Jun   | 9     | 4.5                     |

!!! tip "What we would do again"
    Start with one ward and one measure.

<details>
<summary>How we measured falls</summary>

We used the ward's incident reports, checked weekly by the matron.

</details>

Our dashboard uses a small script; the embed code looks like this:

```html
<iframe src="https://dashboard.example.org/falls" title="Falls dashboard"></iframe>
<script src="https://dashboard.example.org/embed.js"></script>
```

Never paste `<script>` tags into a case study: send them to the web team instead.
Contact us at [cln@example.org](mailto:cln@example.org).<br>
Thanks to the ward team<sup>1</sup>.

![Falls per month, January to June](falls-chart.png){ loading=lazy }
"""


def test_a_realistic_case_study_passes():
    assert problems(CASE_STUDY) == []


def test_the_same_case_study_with_a_pasted_embed_is_reported_on_the_right_lines():
    text = CASE_STUDY + '\n<iframe src="https://player.example.org/1"></iframe>\n<script src="x.js"></script>\n'
    lines = CASE_STUDY.count("\n")
    assert problems(text) == [(lines + 2, "<iframe> element"), (lines + 3, "<script> element")]


# --- Lines, order, messages ---------------------------------------------------------------


def test_line_numbers_count_from_start_line():
    assert problems("Intro\n\n<script>x</script>", start_line=6) == [(8, "<script> element")]


def test_problems_are_sorted_by_line_and_position():
    text = '<img src=x onerror=a()> <iframe></iframe>\n[x](javascript:y)\n<object></object>'
    assert problems(text) == [
        (1, "inline event handler 'onerror'"),
        (1, "<iframe> element"),
        (2, "javascript: URL"),
        (3, "<object> element"),
    ]


def test_the_message_tells_the_editor_what_to_do():
    (problem,) = scan_unsafe_markup("<script>x</script>")
    assert problem == MarkupProblem(line=1, what="<script> element")
    assert problem.message == (
        "<script> element is not allowed in content: remove it; the site allows ordinary "
        "Markdown and simple HTML such as tables, <abbr> and <details>"
    )


# --- Hostile input --------------------------------------------------------------------------

HOSTILE = {
    "angle brackets": "<" * 200_000,
    "unclosed tags": "<a x=" * 40_000,
    "unclosed quotes": '<a x="' * 33_000,
    "backticks": "` " * 100_000,
    "fences": "```a\n" * 40_000,
    "nested divs": "<div>\n" * 33_000,
    "link openers": "[x](" * 50_000,
    "comments": "<!--" * 50_000,
    "tags across lines": "<a\n" * 66_000,
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_of_200_kb_scans_in_under_a_second(text):
    assert len(text) >= 195_000
    start = time.perf_counter()
    scan_unsafe_markup(text)
    assert time.perf_counter() - start < 1.0
