"""Parsing one file: valid records, and the message an editor reads for each kind of mistake."""

import datetime as dt

import pytest

from cln.content import parse
from conftest import case_study, episode

PATH = "case_studies/x.md"


def problems(text: str | bytes, kind="case-study"):
    raw = text.encode() if isinstance(text, str) else text
    record, found, _ = parse(PATH, raw, kind)
    assert (record is None) == bool(found)
    return [str(p) for p in found]


def test_valid_case_study_becomes_a_record():
    record, found, _ = parse(PATH, case_study(date="2009-01-15").encode(), "case-study")
    assert found == []
    assert record.slug == "x" and record.url == "case-studies/x/"
    assert record.meta.date == dt.date(2009, 1, 15)
    assert record.meta.authors[0].organisation == "Example Valley PCT"
    assert record.meta.outcomes[0].before == "4th"
    assert "Choose and Book leads" in record.body


def test_yaml_error_names_the_line():
    text = "---\ntitle: A title\nsummary: [unclosed\ndate: 2009-01-01\n---\nBody\n"
    msg, *others = problems(text)
    assert msg.startswith("case_studies/x.md:3: ")
    assert "not valid YAML" in msg
    # The fields YAML could read are checked in the same run; the broken one is not called missing.
    assert any(": region: is required" in m for m in others) and not any("summary" in m for m in others)


def test_missing_fields_are_all_reported_with_a_hint():
    msgs = problems("---\ntitle: Only a title\n---\nBody\n")
    fields = {m.split(": ")[1] for m in msgs}
    assert {"summary", "date", "region", "topics", "authors"} <= fields
    assert any("summary: is required; add a line such as 'summary: " in m for m in msgs)


def test_wrong_type_says_what_would_be_right():
    msgs = problems(case_study(topics="planned-care"))
    assert any("topics: should be a list" in m and "'planned-care'" in m for m in msgs)


def test_impossible_date_names_the_field_and_the_line():
    (msg,) = problems(case_study(date="2009-02-30"))
    assert msg == ("case_studies/x.md:4: date: '2009-02-30' is not a real date (check the day and month); "
                   "write it as YYYY-MM-DD")


def test_date_in_another_format_is_refused():
    (msg,) = problems(case_study(date="15/01/2009"))
    assert "date: '15/01/2009' is not a date; write it as YYYY-MM-DD" in msg


def test_updated_before_date_is_refused_on_the_updated_line():
    (msg,) = problems(case_study(date="2009-03-01", extra="updated: 2009-02-01\n"))
    line = case_study(date="2009-03-01", extra="updated: 2009-02-01\n").split("\n").index("updated: 2009-02-01") + 1
    assert msg.startswith(f"case_studies/x.md:{line}: updated: 2009-02-01 is before date (2009-03-01)")


@pytest.mark.parametrize("date, year", [("2109-01-15", 2109), ("1900-06-01", 1900), ("0209-01-15", 209)])
def test_dates_outside_the_sane_range_are_refused_with_the_range(date, year):
    (msg,) = problems(case_study(date=date))
    assert f"has the year {year}; dates must fall between 1948 and 2100" in msg


@pytest.mark.parametrize("extra, field", [("draft: true\ndraft: false\n", "draft"),
                                          ("region: london\n", "region")])
def test_a_key_written_twice_is_refused_not_merged(extra, field):
    msgs = problems(case_study(extra=extra))
    assert any(f": {field}: is written twice (first on line" in m for m in msgs)


def test_front_matter_without_its_closing_line_is_a_message_not_a_traceback():
    text = case_study().replace("\n---\n", "\n\n", 1)
    (msg,) = problems(text)
    assert msg == ("case_studies/x.md:17: front matter has no closing '---' line: add a line with just "
                   "three hyphens --- after line 17, the last field")


@pytest.mark.parametrize("guid", ["has space", "tab\there", "nul\x00", "é-accent"])
def test_a_guid_with_spaces_or_control_characters_is_refused(guid):
    from pydantic import ValidationError

    from cln.content import MODELS
    with pytest.raises(ValidationError, match="no spaces or control characters"):
        MODELS["episode"].model_validate({"title": "t", "summary": "s", "date": "2009-01-01", "guid": guid,
                                          "audio": "a.mp3", "transcript": "t.vtt"})


def test_an_empty_optional_field_means_absent():
    assert problems(case_study(extra="contact: ''\nupdated:\n")) == []


def test_overlong_title_says_by_how_much():
    (msg,) = problems(case_study(title="A" * 130))
    assert "title: is 130 characters long; the limit is 120: shorten it by 10" in msg
    assert msg.startswith("case_studies/x.md:2:")


def test_overlong_summary():
    text = case_study().replace("summary: GPs and consultants worked with local leads for three months.",
                                "summary: " + "word " * 80)
    (msg,) = problems(text)
    assert "summary: is 399 characters long; the limit is 300" in msg


def test_empty_author_list():
    text = case_study().replace(
        "authors:\n  - name: Dr Jane Example\n    role: GP and network member\n    organisation: Example Valley PCT\n",
        "authors: []\n")
    (msg,) = problems(text)
    assert "authors: is empty; name at least one author" in msg


def test_unknown_field_suggests_the_nearest():
    (msg,) = problems(case_study(extra="titel: typo\n"))
    assert "titel: is not a field of a case study; did you mean 'title'?" in msg


def test_nested_field_error_points_at_its_line():
    text = case_study().replace("    role: GP and network member\n", "    rol: GP and network member\n")
    (msg,) = problems(text)
    assert msg == "case_studies/x.md:11: authors[0].rol: is not a field of a case study; did you mean 'role'?"


def test_bytes_that_are_not_utf8():
    (msg,) = problems(case_study().encode().replace(b"Choose", b"Ch\xff\xfese"))
    assert "is not UTF-8 text" in msg and msg.startswith("case_studies/x.md:2:")


def test_no_front_matter():
    (msg,) = problems("# Just a heading\n")
    assert "has no front matter" in msg


def test_yaml_aliases_are_refused():
    text = "---\ntitle: &a Title\nsummary: *a\n---\nBody\n"
    (msg,) = problems(text)
    assert "aliases" in msg


def test_several_problems_in_one_file_are_all_reported():
    text = case_study(title="B" * 121, date="2009-13-01", topics="[]")
    msgs = problems(text)
    # One message for each mistake, each on its own line of the file.
    assert [m.split(": ")[0:2] for m in msgs] == [["case_studies/x.md:2", "title"], ["case_studies/x.md:4", "date"],
                                                  ["case_studies/x.md:6", "topics"]]
    assert "shorten it by 1" in msgs[0] and "'2009-13-01' is not a real date" in msgs[1] and "is empty" in msgs[2]


def test_episode_plain_date_means_nine_in_the_morning_london():
    record, found, _ = parse("podcasts/e.md", episode(date="2009-06-12").encode(), "episode")
    assert found == []
    assert record.meta.date.isoformat() == "2009-06-12T09:00:00+01:00"  # British Summer Time
    winter, _, _ = parse("podcasts/e.md", episode(date="2009-01-12").encode(), "episode")
    assert winter.meta.date.utcoffset() == dt.timedelta(0)


def test_episode_chapters_must_ascend():
    chapters = '  - start: "01:00"\n    title: Later\n  - start: "00:30"\n    title: Earlier\n'
    msgs = problems(episode(chapters=chapters), kind="episode")
    assert any("chapters: chapter 'Earlier' starts at 00:30, not after 'Later' at 01:00" in m for m in msgs)


def test_episode_chapter_time_format():
    msgs = problems(episode(chapters='  - start: "1m30"\n    title: Bad\n'), kind="episode")
    assert any("chapters[0].start: '1m30' is not a time" in m for m in msgs)


def test_episode_type_and_numbers():
    msgs = problems(episode(extra="type: teaser\n").replace("episode: 1", "episode: 0"), kind="episode")
    assert any("type: is 'teaser'; allowed: 'full', 'trailer' or 'bonus'" in m for m in msgs)
    assert any("episode: is 0; it must be a positive whole number" in m for m in msgs)


def test_control_characters_are_refused():
    (msg,) = problems(case_study(title='"Bell \\x07 title"'))
    assert "title: contains control characters" in msg


def test_evidence_defaults_to_reported_and_takes_the_contracts_three_levels():
    from cln.content import MODELS
    base = {"title": "t", "summary": "s", "date": "2009-01-01", "region": "london", "topics": ["planned-care"],
            "authors": [{"name": "a"}]}
    assert MODELS["case-study"].model_validate(base).evidence == "reported"
    for level in ("measured", "reported", "illustrative"):
        assert MODELS["case-study"].model_validate({**base, "evidence": level}).evidence == level
    (msg,) = problems(case_study(extra="evidence: anecdotal\n"))
    assert ": evidence: is 'anecdotal'; allowed: 'measured', 'reported' or 'illustrative'" in msg


def test_key_points_hold_at_most_five_short_sentences():
    five = "key_points:\n" + "".join(f"  - Point {i}.\n" for i in range(5))
    assert problems(case_study(extra=five)) == []
    (msg,) = problems(case_study(extra=five + "  - Point 5.\n"))
    assert ": key_points: has 6 entries; at most 5 are allowed" in msg
    (msg,) = problems(case_study(extra="key_points:\n  - " + "x" * 201 + "\n"))
    assert "key_points[0]: is 201 characters long; the limit is 200" in msg
