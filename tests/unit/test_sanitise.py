"""Unsafe markup is judged on the HTML readers get, not on the Markdown source.

Every body is rendered with the site's Markdown extensions, and cleaned by the contract's
allowlist (nh3). Anything cleaning would remove is refused with a message; what readers get
is always the cleaned HTML.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cln import render, sanitise
from cln.cli import project_settings

ROOT = Path(__file__).resolve().parents[2]
SITE_MARKDOWN = project_settings(str(ROOT)).markdown  # the extensions mkdocs.yml gives the site


def removed(body: str) -> list[str]:
    return [r.what for r in sanitise.removals(render.render(body, SITE_MARKDOWN))]


# --- Classes of script that a source scan missed --------------------------------------------

PARSER_TRICKS = {
    "noscript closed inside an attribute": '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "textarea closed inside an attribute": '<textarea><p title="</textarea><img src=x onerror=alert(1)>"></textarea>',
    "xmp closed inside an attribute": '<xmp><p title="</xmp><img src=x onerror=alert(1)>"></xmp>',
    "noembed closed inside an attribute": '<noembed><p title="</noembed><img src=x onerror=alert(1)>"></noembed>',
    "attribute list with a brace in a quoted value": '## Results {: title="}" onclick="alert(1)" }',
    "attribute list on a paragraph": 'Some words\n{: onmouseover="alert(1)" }',
    "code span inside an attribute": '<a href="https://nhs.uk" title="`x`" onmouseover="alert(1)">NHS</a>',
    "code span making an attribute": 'Text <img src="x.png" alt="`" onerror="alert(1)" x="`"> more',
    "link address split over a line": "[Click here](java\nscript:alert(1))",
    "link address with a tab entity": "[Click here](java&#x09;script:alert(1))",
    "reference link to script": "[Click here][x]\n\n[x]: javascript:alert(1)",
    "style overlay with a fake link": '<div style="position:fixed;top:0;left:0;width:100%;height:100%;background:#fff">'
                                      '<a href="https://evil.example">Sign in again</a></div>',
    "svg with onload": "<svg onload=alert(1)></svg>",
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "form": '<form action="https://evil.example"><input name="password"></form>',
    "data URL": "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "meta refresh": '<meta http-equiv="refresh" content="0; url=https://evil.example/">',
    "script": "<script>alert(1)</script>",
    "upper-case script": "<SCRIPT>alert(1)</SCRIPT>",
    "a reserved id that shadows the theme's settings": '<div id="__config">{}</div>',
    "custom element": "<x-widget>hello</x-widget>",
}


@pytest.mark.parametrize("body", PARSER_TRICKS.values(), ids=PARSER_TRICKS.keys())
def test_markup_that_would_reach_a_browser_is_refused(body):
    assert removed(f"Intro.\n\n{body}\n\nMore.\n")


@pytest.mark.parametrize("body", PARSER_TRICKS.values(), ids=PARSER_TRICKS.keys())
def test_what_readers_get_holds_no_executable_markup(body):
    assert_safe(sanitise.clean(render.render(body, SITE_MARKDOWN)))


@pytest.mark.parametrize("body, what", [
    ("<script>alert(1)</script>", "<script> element"),
    ('<p style="color:red">x</p>', "'style' attribute on <p>"),
    ('<img src="x.png" onerror="alert(1)">', "'onerror' attribute on <img>"),
    ("[x](javascript:alert(1))", "javascript: address in <a href>"),
    ("![x](vbscript:msgbox(1))", "vbscript: address in <img src>"),
])
def test_the_message_names_what_is_not_allowed(body, what):
    assert what in removed(body)


# --- Ordinary content passes, whatever its writing ------------------------------------------

ORDINARY = [
    "# Heading\n\nA paragraph with *emphasis*, **strong**, `code` and a [link](https://www.nhs.uk/).",
    "| Measure | Before | After |\n|:--|--:|:-:|\n| Waits | 18 weeks | 9 weeks |",
    '<abbr title="Primary Care Trust">PCT</abbr> and <sup>1</sup> and H<sub>2</sub>O',
    "<details open><summary>More</summary>\n\nHidden text.\n\n</details>",
    "!!! note \"For your action learning set\"\n    Discuss the three questions.",
    "```html\n<script>alert(1)</script>\n```",
    "Show markup as code: `<iframe src=x>`",
    "[email us](mailto:cln@nhs.net), [next](../podcast/), [top](#top), [relative](other-case.md)",
    "<figure>\n<img src=\"chart.png\" alt=\"A chart\">\n<figcaption>Waits fell</figcaption>\n</figure>",
    "A <b>bold</b> word, a line<br>break, and a rule:\n\n<hr>",
    "Text with & and < and > and \"quotes\"; p<0.05 and 3 > 2",
    "## Outcomes {: #outcomes .special }",
    "<!-- an editor's note, not published -->\nText after a comment.",
]


@pytest.mark.parametrize("body", ORDINARY)
def test_ordinary_markdown_and_simple_html_pass(body):
    assert removed(body) == []


def test_comments_are_not_published_and_not_refused():
    html = render.render("Words <!-- privacy-allow: switchboard --> here", SITE_MARKDOWN)
    assert sanitise.removals(html) == []
    assert "<!--" not in sanitise.clean(html)


# --- Properties ------------------------------------------------------------------------------

SCHEMES_OK = {"http", "https", "mailto"}


EXECUTABLE = frozenset({"script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "base", "meta",
                        "link", "style", "svg", "math", "noscript", "template", "textarea", "xmp", "noembed"})


def assert_safe(html: str, allowlist: bool = True) -> None:
    """No element, attribute or address in ``html`` that could run script or restyle the page
    (and, with ``allowlist``, nothing outside the contract's allowlist at all)."""
    if not html.strip():
        return
    for el in lxml.html.fragment_fromstring(html, create_parent="div").iter():
        if not isinstance(el.tag, str):
            continue
        if allowlist:
            assert el.tag == "div" or el.tag in sanitise.ALLOWED_TAGS, el.tag
        else:
            assert el.tag.lower() not in EXECUTABLE, el.tag
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), name
            assert name.lower() != "style"
            if name in ("href", "src"):
                scheme = sanitise.url_scheme(value)
                assert scheme is None or scheme in SCHEMES_OK, value


FRAGMENTS = st.sampled_from([
    *PARSER_TRICKS.values(), *ORDINARY, "[", "]", "(", ")", "`", "``", "\n", "\n\n", "{:", "}", '"', "'", "<", ">",
    "<a ", "href=", "javascript:", "java\nscript:", "onerror=", " ", "<p>", "</p>", "<noscript>", "</noscript>",
    "<div markdown>", "</div>", "    ", "> ", "- ", "1. ", "&#x6A;avascript:", "<img src=x ", "title=\"",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FRAGMENTS, min_size=1, max_size=12))
def test_random_markdown_with_hostile_fragments_is_always_cleaned(parts):
    body = "".join(parts)
    html = render.render(body, SITE_MARKDOWN)
    assert_safe(sanitise.clean(html))
    if not sanitise.removals(html):  # nothing refused: then the HTML as Markdown made it could run nothing
        assert_safe(html, allowlist=False)


# --- Cost ------------------------------------------------------------------------------------

@pytest.mark.parametrize("body", ["[" * 5000, "[a" * 3000, "<a " * 2000, "x" * (render.MAX_BODY_BYTES + 1)])
def test_a_body_that_would_stall_the_build_is_refused_at_once(body):
    with pytest.raises(render.RenderError):
        render.check_cost(body)


def test_a_long_ordinary_body_is_within_the_limits():
    render.check_cost(("A paragraph with a [link](https://www.nhs.uk/) and [another](x.md).\n\n") * 1500)
