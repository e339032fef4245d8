"""Warnings that help an editor and never block: a summary too short to say what happened, a
section left empty, an outcome with no figure to compare, a case study with no outcomes.

They are :class:`~cln.errors.Problem` values like the errors, kept apart: ``cln check`` shows
them (``path:line: field: warning: ...``, or ``::warning`` annotations on a pull request) with
its exit status unaffected, and the build logs them at info level, so ``--strict`` never fails
on them. They read the front matter as written, so a file with errors gets its warnings too.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from .errors import Problem
from .yamlsource import Source

MIN_SUMMARY_WORDS = 15
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
# A figure: any digit, or a number written as a word ("none", "twelve", "half").
_NUMBER_WORDS = re.compile(
    r"\b(none|nil|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|hundred|thousand|million|half|"
    r"third|quarter|double|twice)\b", re.IGNORECASE)


def has_figure(value: Any) -> bool:
    """Whether a before or after value holds a number a reader can compare."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return isinstance(value, str) and (any(c.isdigit() for c in value) or bool(_NUMBER_WORDS.search(value)))


@functools.lru_cache(maxsize=8192)  # the preview asks again for every unchanged body on each rebuild
def empty_sections(body: str, body_line: int) -> list[tuple[int, str]]:
    """(line, heading) of each heading followed directly by another of the same or a higher level,
    or by the end of the body: a section with nothing in it. Code blocks are skipped."""
    headings: list[tuple[int, int, str]] = []  # (line, level, text), and (line, 0, "") for any other text
    fence = ""
    for i, text in enumerate(body.split("\n")):
        m = _FENCE.match(text)
        if fence:
            if m and m[1][0] == fence[0] and len(m[1]) >= len(fence):
                fence = ""
            continue
        if m:
            fence = m[1]
            headings.append((body_line + i, 0, ""))
            continue
        h = _HEADING.match(text)
        if h:
            headings.append((body_line + i, len(h[1]), h[2].strip()))
        elif text.strip() and not text.strip().startswith("<!--"):
            headings.append((body_line + i, 0, ""))
    empty = []
    for i, (number, level, title) in enumerate(headings):
        following = headings[i + 1] if i + 1 < len(headings) else None
        if level and (following is None or 0 < following[1] <= level):
            empty.append((number, title))
    return empty


def warnings_for(path: str, kind: str, source: Source) -> list[Problem]:
    """Every warning for one content file, as written."""
    data = source.data if isinstance(source.data, dict) else {}
    out: list[Problem] = []
    summary = data.get("summary")
    if isinstance(summary, str) and summary.strip():
        words = len(summary.split())
        if words < MIN_SUMMARY_WORDS:
            out.append(Problem(path, source.line_of(("summary",)), "summary",
                               f"is {words} word{'s' * (words != 1)}; a summary of {MIN_SUMMARY_WORDS} words or more "
                               "tells readers and search what was done and what changed"))
    for line, text in empty_sections(source.body, source.body_line):
        out.append(Problem(path, line, "body", f"the section '{text[:60]}' is empty; write it, or remove the "
                                               "heading"))
    if kind != "case-study":
        return out
    outcomes = data.get("outcomes")
    if not outcomes:
        where = ("outcomes",) if "outcomes" in data else ("title",)
        out.append(Problem(path, source.line_of(where), "outcomes",
                           "the case study has no outcomes; add what changed, with a figure before and after "
                           "(see 'Outcomes' in CONTRIBUTING.md)"))
    elif isinstance(outcomes, list):
        for i, outcome in enumerate(outcomes):
            if not isinstance(outcome, dict) or "before" not in outcome or "after" not in outcome:
                continue
            before, after = outcome["before"], outcome["after"]
            if not (has_figure(before) and has_figure(after)):
                out.append(Problem(path, source.line_of(("outcomes", i)), f"outcomes[{i}]",
                                   f"'{before}' → '{after}' has no figure to compare; give a number on both sides, "
                                   "e.g. 12 falls a month before and 7 after"))
    return out
