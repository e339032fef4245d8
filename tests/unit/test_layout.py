"""The layout scanner: every layout mistake of front matter typed in a browser is reported in one
run, with its line and the line as it should be; pasting that line back gives a valid field, and
so does every example any message gives."""

from __future__ import annotations

import re

import pytest

from cln import layout
from cln.content import EXAMPLES, MODELS, example, parse
from conftest import case_study

PATH = "case_studies/x.md"
GOOD = case_study()  # line 2 title, 3 summary, 4 date, 5 region, 6 topics, 10-12 the author


def problems(text: str, kind: str = "case-study", path: str = PATH) -> list[str]:
    record, found, _ = parse(path, text.encode(), kind)
    assert (record is None) == bool(found)
    return [str(p) for p in found]


def scan(text: str) -> list[layout.Mistake]:
    """The scanner's findings in a file's front matter, on the file's lines."""
    from cln.yamlsource import split_front_matter

    parts = split_front_matter(text)
    assert parts is not None
    return layout.scan(parts[0].split("\n"), first_line=1)


def with_line(text: str, number: int, new: str) -> str:
    lines = text.split("\n")
    lines[number - 1] = new
    return "\n".join(lines)


MISTAKES = {
    # name: (line, as typed, the start of the message)
    "colon in a value": (2, "title: Falls clinic: a pilot",
                         "x.md:2: title: has ': ' in it, which YAML reads as the start of another field; put the "
                         'title in quotes: title: "Falls clinic: a pilot"'),
    "tab before a field": (11, "\trole: GP and network member",
                           "x.md:11: authors[0].role: has a tab at the start of the line, and YAML needs spaces: "
                           "put 4 spaces in its place: role: GP and network member"),
    "tab after a colon": (5, "region:\tnorth-west", "x.md:5: region: has a tab in the line"),
    "no space after a colon": (4, "date:2009-01-15", "x.md:4: date: needs a space after the colon: date: 2009-01-15"),
    "curly quotes": (2, "title: “Choose and Book”", 'x.md:2: title: is in curly quotes “…”, which YAML keeps as part '
                                                    'of the text; use straight quotes: title: "Choose and Book"'),
    "unclosed quote": (2, 'title: "Choose and Book', 'x.md:2: title: opens a quote " and never closes it'),
    "indentation": (11, "     role: GP and network member",
                    "x.md:11: authors[0].role: 'role' does not line up with 'name' on line 10; put 4 spaces"),
    "field indented": (4, "  date: 2009-01-15", "x.md:4: date: 'date' starts with 2 spaces; a field of its own"),
}


@pytest.mark.parametrize("name", MISTAKES)
def test_each_mistake_is_named_with_its_line_and_the_line_to_paste(name):
    number, typed, message = MISTAKES[name]
    bad = with_line(GOOD, number, typed)
    found = problems(bad)
    assert len(found) == 1 and found[0].startswith("case_studies/" + message), found
    (mistake,) = scan(bad)
    assert mistake.replacement is not None and mistake.replacement.strip() in found[0]
    assert problems(with_line(bad, number, mistake.replacement)) == []


def test_a_list_item_without_its_dash_is_found_in_a_list_of_text_and_of_groups():
    bad = GOOD.replace("topics: [planned-care, health-informatics]", "topics:\n  - planned-care\n  health-informatics")
    assert problems(bad) == ["case_studies/x.md:8: topics[1]: is a list item without '- ' in front; "
                             "write it as: - health-informatics"]
    assert problems(bad.replace("  health-informatics", "  - health-informatics")) == []
    # A second author started without '- ': the name lines up with the first one's dash.
    two = GOOD.replace("    organisation: Example Valley PCT\n",
                       "    organisation: Example Valley PCT\n  name: Consultant midwife\n")
    found = problems(two)
    assert found == ["case_studies/x.md:13: authors[1].name: starts a new item of authors without '- ' in front; "
                     "write it as: - name: Consultant midwife"]
    assert problems(two.replace("  name: Consultant midwife", "  - name: Consultant midwife")) == []


FIVE = """\
---
title: Falls clinic: a pilot in three care homes
summary: A nurse-led falls clinic visited three care homes every fortnight and falls fell by a third.
date:2009-01-15
region: “north-west”
topics:
  - planned-care
  long-term-conditions
authors:
  - name: Consultant midwife
     role: Falls lead
\torganisation: Example Community Trust
evidence: reportd
---
The clinic ran every fortnight.
"""


def test_several_mistakes_in_one_file_are_all_reported_at_once_with_the_field_checks():
    found = problems(FIVE)
    assert [line.split(": ")[0] + ": " + line.split(": ")[1] for line in found] == [
        "case_studies/x.md:2: title", "case_studies/x.md:4: date", "case_studies/x.md:5: region",
        "case_studies/x.md:8: topics[1]", "case_studies/x.md:11: authors[0].role",
        "case_studies/x.md:12: authors[0].organisation",
        "case_studies/x.md:13: evidence"]  # a field's own check, in the same run
    assert "'reportd'; allowed" in found[-1]
    # Pasting every line the messages show, and fixing the one field, leaves nothing to fix.
    lines = FIVE.split("\n")
    for mistake in scan(FIVE):
        lines[mistake.line - 1] = mistake.replacement
    assert problems("\n".join(lines).replace("reportd", "reported")) == []


def test_a_broken_field_is_not_also_called_missing_and_the_rest_is_still_checked():
    bad = GOOD.replace("summary: GPs", "summary: [GPs").replace("region: north-west", "region: north wset")
    found = problems(bad)
    assert found[0].startswith("case_studies/x.md:3: front matter is not valid YAML")
    assert not any(": summary: is required" in f for f in found)
    assert any(f.startswith("case_studies/x.md:5: region:") for f in found) is False  # slugs: catalogue's rules
    assert problems(bad.replace("[GPs", "GPs").replace("north wset", "north-west")) == []


def test_a_missing_closing_line_is_reported_after_the_last_field_and_the_fields_are_checked():
    text = GOOD.replace("\n---\n", "\n\n", 1).replace("date: 2009-01-15", "date: 2009-02-30")
    found = set(problems(text))
    assert found == {
        "case_studies/x.md:4: date: '2009-02-30' is not a real date (check the day and month); write it as YYYY-MM-DD",
        "case_studies/x.md:17: front matter has no closing '---' line: add a line with just three hyphens --- "
        "after line 17, the last field"}


def test_the_scanner_knows_every_field_of_the_models():
    names = set()

    def walk(model):
        for name, info in model.model_fields.items():
            names.add(name)
            for arg in getattr(info.annotation, "__args__", ()) or ():
                if hasattr(arg, "model_fields"):
                    walk(arg)

    for model in MODELS.values():
        walk(model)
    assert names == set(layout.KNOWN_FIELDS)
    assert names - {"guid"} == set(EXAMPLES)


CASE = {"title": "title: Choose and Book", "summary": "summary: GPs and consultants worked with local leads.",
        "date": "date: 2009-01-15", "region": "region: north-west", "topics": "topics: [planned-care]",
        "authors": "authors:\n  - name: Dr Example\n    role: GP\n    organisation: Example PCT",
        "outcomes": 'outcomes:\n  - measure: Ranking\n    before: "4"\n    after: "1"\n    period: three months\n'
                    "    source: booking system\n    sample: 212 referrals"}
EPISODE = {"title": "title: Episode 1", "summary": "summary: A conversation.", "date": "date: 2009-02-12",
           "guid": "guid: 00000000-0000-4000-8000-000000000001", "audio": "audio: audio/ep.mp3",
           "transcript": "transcript: transcripts/ep.vtt", "guests": "guests:\n  - name: Dr Guest\n    role: Director",
           "chapters": 'chapters:\n  - start: "00:00"\n    title: Welcome'}
NESTED = {"name": "authors", "role": "authors", "organisation": "authors", "measure": "outcomes", "before": "outcomes",
          "after": "outcomes", "period": "outcomes", "source": "outcomes", "sample": "outcomes", "start": "chapters"}


def document(fields: dict[str, str]) -> str:
    return "---\n" + "\n".join(fields.values()) + "\n---\nBody.\n"


@pytest.mark.parametrize("name", sorted({*EXAMPLES, "guid"}))
def test_every_example_pasted_in_place_of_its_field_is_valid(name):
    kind = "case-study" if name in MODELS["case-study"].model_fields or NESTED.get(name) in CASE else "episode"
    fields, path = (dict(CASE), PATH) if kind == "case-study" else (dict(EPISODE), "podcasts/ep.md")
    if name in NESTED:
        block = fields[NESTED[name]].split("\n")
        block = [re.sub(rf"^(\s+(?:- )?){name}: .*$", lambda m: m[1] + example(name, path), line) for line in block]
        fields[NESTED[name]] = "\n".join(block)
        assert example(name, path) in fields[NESTED[name]]
    else:
        fields[name] = example(name, path)
    assert problems(document(fields), kind, path) == []


@pytest.mark.parametrize("change", [
    ("authors:\n  - name: Dr Jane Example\n    role: GP and network member\n    organisation: Example Valley PCT\n",
     "authors: []\n"),
    ("topics: [planned-care, health-informatics]", "topics: []"),
    ("topics: [planned-care, health-informatics]", "topics: planned-care"),
    ("topics: [planned-care, health-informatics]\n", ""),
    ("region: north-west\n", ""),
    ("date: 2009-01-15", "date: 15/01/2009"),
    ("    organisation: Example Valley PCT\n", "    organisation: Example Valley PCT\noutcomes: 3\n"),
])
def test_the_example_in_each_message_pasted_as_shown_is_valid(change):
    bad = GOOD.replace(*change)
    if "outcomes: 3" in bad:
        bad = bad.replace("outcomes:\n  - measure", "results:\n  - measure", 1)
        bad = bad.split("results:")[0] + "---" + bad.split("---", 2)[2]
    (message,) = problems(bad)
    shown = re.search(r"(?:write e\.g\. |add a line such as )'([^']+)'|e\.g\. (\d{4}-\d{2}-\d{2})", message)
    assert shown, message
    number = int(message.split(":")[1])
    if shown[1]:
        key = shown[1].split(":")[0]
        lines = [line for line in bad.split("\n") if not line.startswith(key + ":")]
        fixed = "\n".join([lines[0], shown[1], *lines[1:]])
    else:
        fixed = with_line(bad, number, "date: " + shown[2])
    assert problems(fixed) == [], (message, fixed)
