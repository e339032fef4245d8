"""The privacy scan of text as readers see it: rendered, joined, with the source line found again.

Every number here is a published test value or one never issued: NHS numbers from
999 000 0000 up (and 943 476 5919, the published test number), Ofcom's drama phone
numbers, and example postcodes.
"""

from __future__ import annotations

import html
import random
import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cln.privacy import (
    Finding,
    TextFinding,
    allow_reason,
    locate,
    mask_identifiers,
    normalise_text,
    scan_text,
)
from conftest import assert_linear, check_digit

NHS = "NHS number"
POSTCODE = "postcode"
PHONE = "phone number"
EMAIL = "email address"
DOB = "date of birth"
RECORD = "hospital or record number"

TEST_NUMBER = "9434765919"


def render(source: str) -> str:
    """What a reader sees of Markdown-ish source: tags gone, entities decoded."""
    return html.unescape(re.sub(r"<[^<>]*>", "", source))


def kinds(text: str, **kwargs) -> list[str]:
    return [f.kind for f in scan_text(text, **kwargs)]


def only(text: str, **kwargs) -> TextFinding:
    findings = scan_text(text, **kwargs)
    assert len(findings) == 1, findings
    return findings[0]


# --- Normalisation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("943\n476\n5919", "943 476 5919"),
        ("a \t\n\u00a0 b", "a b"),
        ("a\u2007b\u2009c\u202fd\u200ae\x0bf\x0cg\r\nh\u2028i\u3000j", "a b c d e f g h i j"),
        ("943\u200b476\u200c59\u200d1\u2060\ufeff9", "9434765919"),
        ("soft\u00adhyphen", "softhyphen"),
        ("a \u200b b", "a b"),
        ("943\u2013476\u20145919 \u2212 x\u2010y\u2011z", "943-476-5919 - x-y-z"),
    ],
)
def test_normalising_joins_whitespace_drops_zero_width_characters_and_plain_dashes(text, expected):
    assert normalise_text(text) == expected


# --- What scan_text finds --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "NHS number 943\n476 5919 recorded",  # wrapped across a line break
        "NHS number 943 476\n\n5919 recorded",  # even across a paragraph
        "NHS number 943-476-\n5919 recorded",  # wrapped after a hyphen
        "NHS number 943\u00a0476\u00a05919 recorded",
        "NHS number 943 \t 476    5919 recorded",
        "NHS number 943.476.5919 recorded",
        "NHS number 943 4765919 recorded",
        "NHS number 9434 765 919 recorded",
        "NHS number 94 3476 5919 recorded",
        "NHS number 9434765919 recorded",
        "NHS number 94347\n65919 recorded",
    ],
)
def test_nhs_numbers_are_found_however_the_text_was_broken_or_spaced(text):
    finding = only(text)
    assert finding.kind == NHS
    assert finding.key == finding.digits == TEST_NUMBER
    norm = normalise_text(text)
    assert re.sub(r"[^0-9]", "", norm[finding.start : finding.end]) == TEST_NUMBER
    assert finding.masked.endswith("919") and "•" in finding.masked


@pytest.mark.parametrize(
    "text, kind, key",
    [
        ("lives at sw1a\n1aa now", POSTCODE, "SW1A1AA"),
        ("lives at Ec1a 1Bb now", POSTCODE, "EC1A1BB"),
        ("ring 0161\n496 0000 today", PHONE, "01614960000"),
        ("ring 0161.496.0000 today", PHONE, "01614960000"),
        ("ring +44 (0)20\u00a07946 0000 today", PHONE, "4402079460000"),
        ("write to Jo.Bloggs@NHS.net today", EMAIL, "jo.bloggs@nhs.net"),
        ("Date-of-birth:\n3 February 2001", DOB, "3February2001"),
        ("her D.O.B. is 03.02.2001", DOB, "03022001"),
        ("MRN\nA1234567 on file", RECORD, "A1234567"),
    ],
)
def test_every_kind_is_found_in_rendered_text_with_its_key(text, kind, key):
    finding = only(text)
    assert (finding.kind, finding.key) == (kind, key)
    assert finding.key not in finding.masked


def test_offsets_are_into_the_normalised_text_and_findings_come_in_order():
    text = "Seen at M1 1AE,\nNHS 943 476\n5919, email jo@nhs.net"
    norm = normalise_text(text)
    findings = scan_text(text)
    assert [f.kind for f in findings] == [POSTCODE, NHS, EMAIL]
    assert [norm[f.start : f.end] for f in findings] == ["M1 1AE", "943 476 5919", "jo@nhs.net"]


def test_allowed_emails_are_not_findings_in_rendered_text_either():
    assert kinds("Write to CLN@example.org", allowed_emails=["cln@example.org"]) == []
    assert kinds("Write to cln@example.org", allowed_emails="cln@example.org") == []
    assert kinds("Write to jo@example.org", allowed_emails=["cln@example.org"]) == [EMAIL]


def test_a_year_before_an_nhs_number_does_not_hide_it():
    # 1900 943 476 passes Modulus 11 too: both readings are reported, and the first is
    # masked whole so that together they show no more than the last three digits.
    findings = scan_text("In 1900 943 476 5919 was recorded")
    assert [f.digits for f in findings] == ["1900943476", TEST_NUMBER]
    assert findings[0].masked == "•••• ••• •••"
    assert findings[1].masked == "••• ••• •919"
    assert mask_identifiers("In 1900 943 476 5919 was") == "In •••• ••• ••• •919 was"


def test_ten_digits_inside_a_phone_number_are_the_phone_number():
    # 161 496 0000 and 7700 900123 would be ten digits; they belong to the phone number.
    assert kinds("call +44 161 496 0000 or 0044 7700 900123") == [PHONE, PHONE]


@pytest.mark.parametrize(
    "text",
    [
        "In 2009 and 2010 the network grew by 25%.",
        "Meeting on 2009-01-15 at 10:30, and 01.02.2009 10.30.",
        "Scores 12 15 18 20 22 and 05 06 07 08 09.",
        "Version 10.2.1, ISBN 978-0-306-40615-7, ORCID 0000-0002-1825-0097.",
        "Ward b12 2nd floor, bay a1 1st bed, vitamin b12 5mg.",
        "guid 3f2504e0-4f89-11d3-9a0c-0305e82c3301 and 3F2504E04F8911D39A0C0305E82C3301",
        "The idea was born in a corridor conversation,\nand later on 15 January 2009 it launched.",
    ],
)
def test_ordinary_rendered_text_has_no_findings(text):
    assert scan_text(text) == []


def test_cue_numbers_and_times_of_a_transcript_are_not_findings():
    cues = []
    for n, second in enumerate(range(0, 20_000, 7), start=1):
        h, m, s = second // 3600, second // 60 % 60, second % 60
        stamp = f"{h:02}:{m:02}:{s:02}.{second % 1000:03}"
        cues.append(f"{n}\n{stamp} --> {stamp}\nwords\n\n{n}\n{stamp.replace('.', ',')} --> {stamp.replace('.', ',')}\nwords\n")
    text = "WEBVTT\n\n" + "\n".join(cues)
    assert scan_text(text) == []


def test_a_text_finding_becomes_a_finding_on_a_line():
    finding = only("NHS 943 476 5919")
    assert finding.message.startswith("looks like an NHS number (••• ••• •919); remove it")
    assert finding.at(12) == Finding(12, NHS, "••• ••• •919", False, None)
    assert finding.at(3, "test number").allowed
    assert finding.at(3, "test number").message.endswith("allowed on this line: test number")


# --- locate: back to the source line -------------------------------------------------------


@pytest.mark.parametrize(
    "source, line",
    [
        (["Intro", "NHS 943 476 5919 here"], 1),
        (["Intro", "NHS 943 <b>476</b> 5919"], 1),
        (["Intro", "NHS <strong>943</strong><em>476</em>5919"], 1),
        (["Intro", "NHS 943&nbsp;476&#32;5919"], 1),
        (["Intro", "NHS 943&#x20;476&#160;5919"], 1),
        (["Intro", "NHS &#57;43 476 5919"], 1),  # a digit written as an entity
        (["Intro", "NHS 943 476", "5919 was", "more"], 1),  # wrapped: its first line
        (["Intro", "NHS 943 <b", ">476 5919"], 1),  # a tag broken over the two lines
        (["NHS 943", "476", "5919", "more"], 0),  # over three lines
        (["ref 12", "9434765919"], 1),  # the next line holds it on its own
        (["a", "b", "c"], None),
    ],
)
def test_locate_finds_the_raw_line_of_an_nhs_number(source, line):
    finding = only("NHS 943 476 5919")
    assert locate(source, finding) == line
    if line is not None:  # and the rendered source does give that finding
        assert [f.key for f in scan_text(render("\n".join(source)))] == [finding.key]


@pytest.mark.parametrize(
    "source, rendered_text, line",
    [
        (["# Title", "Write to <jo.bloggs@nhs.net>"], "Write to jo.bloggs@nhs.net", 1),
        (["# Title", "Lives at **sw1a** 1aa"], "Lives at sw1a 1aa", 1),
        (["x", "y", "Ring 0161&nbsp;496", "0000 today"], "Ring 0161 496 0000 today", 2),
        (["x", "*Date of birth*: 3&nbsp;Feb", "2001"], "Date of birth: 3 Feb 2001", 1),
    ],
)
def test_locate_finds_other_kinds_by_their_key(source, rendered_text, line):
    assert locate(source, only(rendered_text)) == line


def test_locate_can_start_further_down():
    source = ["NHS 943 476 5919", "text", "again 943-476-5919"]
    finding = only("943 476 5919")
    assert locate(source, finding) == 0
    assert locate(source, finding, start=1) == 2
    assert locate(source, finding, start=3) is None


def test_the_source_line_tells_whether_a_finding_is_allowed():
    source = ["Intro", "Office 0161 496 0000 <!-- privacy-allow: our switchboard -->"]
    finding = only(render("\n".join(source)))
    index = locate(source, finding)
    assert index == 1
    assert allow_reason(source[index]) == "our switchboard"
    assert finding.at(index + 1, allow_reason(source[index])).allowed


@pytest.mark.parametrize(
    "line, reason",
    [
        ("x <!-- privacy-allow: office -->", "office"),
        ('phone: "0161 496 0000"  # privacy-allow: published number', "published number"),
        ("x <!-- PRIVACY-ALLOW: Office -->", "Office"),
        ("x <!-- privacy-allow: -->", None),
        ("x # privacy-allow:   ", None),
        ("nothing here", None),
    ],
)
def test_allow_reason_reads_the_marker_of_one_line(line, reason):
    assert allow_reason(line) == reason


# --- mask_identifiers ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("bad value '943 476 5919'", "bad value '••• ••• •919'"),
        ("bad value '943\n476\n5919'!", "bad value '••• ••• •919'!"),
        ("bad value '943\u00a0476\u200b 5919'", "bad value '••• ••• •919'"),
        ("at M1 1AE or sw1a 1aa", "at •• ••E or •••• 1aa"),
        ("call 0161.496.0000 now", "call ••••.•••.•000 now"),
        ("mail jo.bloggs@nhs.net.", "mail ••••••••••••••net."),
        ("MRN A1234567 and DOB 3/2/2001", "MRN •••••567 and DOB •••••001"),
        ("nothing to hide here: 2009, 10:30", "nothing to hide here: 2009, 10:30"),
        ("line one\nline two 943 476 5919\n\tline three", "line one\nline two ••• ••• •919\n\tline three"),
    ],
)
def test_mask_identifiers_masks_what_scan_text_finds_and_nothing_else(text, expected):
    assert mask_identifiers(text) == expected


def test_mask_identifiers_masks_as_findings_are_masked():
    text = "NHS 943 476 5919, M1 1AE, 0161 496 0000, jo@nhs.net, DOB 3/2/2001, MRN A1234567"
    masked = mask_identifiers(text)
    for finding in scan_text(text):
        assert finding.masked in masked
    assert scan_text(masked) == []
    assert mask_identifiers(masked) == masked


# --- Properties ------------------------------------------------------------------------

WORDS = (
    "the patient was seen on ward by team and a nurse clinician reviewed notes falls "
    "bundle audit network leaders network meeting every Tuesday with plan"
).split()


@st.composite
def nhs_numbers(draw) -> str:
    nine = draw(st.text(alphabet="0123456789", min_size=9, max_size=9))
    check = check_digit(nine)
    assume(check is not None)
    number = nine + str(check)
    assume(len(set(number)) > 1)  # never issued: the scan leaves these alone
    return number


GROUPINGS = {
    "run together": (10,),
    "3-3-4": (3, 3, 4),
    "3-7": (3, 7),
    "4-3-3": (4, 3, 3),
    "2-4-4": (2, 4, 4),
    "5-5": (5, 5),
}
SEPARATORS = [" ", "  ", "\u00a0", "\u00a0\u00a0", "-", ".", "\u2009", "\u202f", "\t", "\u2013"]


def group(number: str, sizes: tuple[int, ...]) -> list[str]:
    groups, at = [], 0
    for size in sizes:
        groups.append(number[at : at + size])
        at += size
    return groups


@st.composite
def hidden_nhs_numbers(draw) -> tuple[str, str]:
    """(rendered text, number): a number hidden in prose as a careless editor would."""
    number = draw(nhs_numbers())
    groups = group(number, GROUPINGS[draw(st.sampled_from(sorted(GROUPINGS)))])
    sep = draw(st.sampled_from(SEPARATORS))
    seps = [sep] * (len(groups) - 1)
    if len(groups) > 1 and draw(st.booleans()):  # wrapped across a line break
        at = draw(st.integers(0, len(seps) - 1))
        if sep.isspace():  # at a space
            seps[at] = draw(st.sampled_from(["\n", " \n", "\n   ", "\r\n", "\n\n"]))
        else:  # after a hyphen or dot, which stays
            seps[at] = sep + draw(st.sampled_from(["\n", " \n", "\r\n"]))
    if len(groups) == 3 and groups[0] == number[:3] and draw(st.booleans()):
        seps[1] = draw(st.sampled_from(SEPARATORS))  # 3-3-4 with two separators
    written = groups[0] + "".join(s + g for s, g in zip(seps, groups[1:], strict=False))
    before = " ".join(draw(st.lists(st.sampled_from(WORDS), max_size=8)))
    after = " ".join(draw(st.lists(st.sampled_from(WORDS), max_size=8)))
    cue = draw(st.sampled_from(["", "NHS number ", "NHS no: ", "number ", "(", "ref. "]))
    end = draw(st.sampled_from(["", ".", ",", ")", " on admission", "\nand"]))
    gap = draw(st.sampled_from([" ", "\n", "\u00a0", " \n "]))
    return f"{before}{gap}{cue}{written}{end}{gap}{after}", number


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(hidden_nhs_numbers())
def test_an_nhs_number_hidden_in_prose_is_always_found(case):
    text, number = case
    findings = [f for f in scan_text(text) if f.kind == NHS]
    assert number in [f.digits for f in findings], (text, findings)
    for finding in findings:
        assert finding.digits not in finding.masked


@st.composite
def marked_up_sources(draw) -> tuple[list[str], str, int]:
    """(source lines, number, index of the line it starts on): markup in the number."""
    number = draw(nhs_numbers())
    groups = group(number, (3, 3, 4))
    joins = [draw(st.sampled_from([" ", "&nbsp;", "&#32;", "&#160;", " <b>", "</b> ", "<em> </em>", "\n", " <br>\n"])) for _ in range(2)]
    written = groups[0] + joins[0] + groups[1] + joins[1] + groups[2]
    before = draw(st.lists(st.sampled_from(WORDS), max_size=4))
    lead = draw(st.lists(st.sampled_from(["# Notes", "", "Some text here.", "<p>Para</p>"]), max_size=4))
    source = "\n".join([*lead, " ".join([*before, "NHS", written, "seen."])])
    return source.split("\n"), number, len(lead)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(marked_up_sources())
def test_a_number_split_by_markup_is_found_in_the_rendering_and_located_in_the_source(case):
    lines, number, index = case
    findings = [f for f in scan_text(render("\n".join(lines))) if f.kind == NHS]
    assert [f.digits for f in findings] == [number]
    assert locate(lines, findings[0]) == index


NUMBERS_IN_PROSE = st.one_of(
    st.integers(0, 999_999_999).map(str),  # up to nine digits
    st.sampled_from(["2009", "2009/10", "2009-10", "15.01.2009", "3/2/2001", "10:30", "6.1", "25%",
                     "£12,500", "1st", "4th", "v2.10.3", "B12", "HbA1c", "A1", "NEWS2"]),
)


@st.composite
def prose_without_ten_digits(draw) -> str:
    """Prose with numbers in it, but never two numbers in a row: no ten-digit sequence."""
    parts = []
    for _ in range(draw(st.integers(1, 40))):
        parts.append(draw(st.sampled_from(WORDS)))
        if draw(st.booleans()):
            parts.append(draw(NUMBERS_IN_PROSE))
        parts.append(draw(st.sampled_from([" ", " ", "\n", ", ", ". ", " - ", "\u00a0", " (", ") "])))
    return "".join(parts)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prose_without_ten_digits())
def test_prose_without_ten_digit_sequences_has_no_nhs_number(text):
    assert NHS not in kinds(text)


AWKWARD = st.text(alphabet=st.sampled_from("0123456789 .-+()\n\t\r\u00a0\u2009\u200b\u00ad\u2013abeM@"), max_size=80)


@settings(max_examples=400, deadline=None)
@given(AWKWARD)
def test_masked_text_has_nothing_left_to_find(text):
    masked = mask_identifiers(text)
    assert scan_text(masked) == []
    assert mask_identifiers(masked) == masked


@settings(max_examples=400, deadline=None)
@given(AWKWARD, st.data())
def test_masking_maps_normalised_offsets_back_to_the_text(text, data):
    from cln.privacy import _Normalised

    norm = _Normalised(text)
    assert norm.text == normalise_text(text)
    if norm.text:
        start = data.draw(st.integers(0, len(norm.text) - 1))
        end = data.draw(st.integers(start + 1, len(norm.text)))
        orig_start, orig_end = norm.span(start, end)
        assert normalise_text(text[orig_start:orig_end]).strip() == norm.text[start:end].strip()


# --- Speed ---------------------------------------------------------------------------
# No wall-clock limits: each input is compared with itself at an eighth of the size.
# Linear work grows 8 times; a pattern that rescans a run from every position grows 64
# times, and at 64 kB takes a second or more.

HOSTILE = {
    "digits": ("", "9", ""),
    "spaced zeros": ("", "0 ", ""),
    "digits on lines": ("", "1\n", ""),
    "dotted digits": ("", "1.", ""),
    "hyphen space digits": ("", "12 - ", ""),
    "ten-digit groups": ("", "943 476 5919 ", ""),
    "overlapping readings": ("", "1900 943 476 ", "5919"),
    "phone-ish": ("", "0161.496.", ""),
    "at signs": ("", "a@", ""),
    "dob cues": ("", "date-of-birth d.o.b. ", "1/1/2001"),
    "whitespace of every kind": ("1", "\u00a0\t\u2009\u200b\n", "1"),
    "zero-width": ("1", "\u200b", "1"),
    "findings of every kind": ("", "943 476 5919 m1 1ae 0161.496.0000 jo@nhs.net MRN A1234567 DOB 3/2/2001 ", ""),
}


def hostile(name: str, size: int) -> str:
    prefix, unit, suffix = HOSTILE[name]
    return prefix + unit * ((size - len(prefix) - len(suffix)) // len(unit) + 1) + suffix


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_rendered_text_scans_and_masks_in_linear_time(name):
    assert_linear(scan_text, lambda size: hostile(name, size))
    assert_linear(mask_identifiers, lambda size: hostile(name, size))


HOSTILE_SOURCE = {
    "angle brackets": "<",
    "open tags": "<a",
    "ampersands": "&",
    "entity starts": "&#",
    "digits": "9",
    "digits and tags": "94<b>",
}


@pytest.mark.parametrize("name", HOSTILE_SOURCE)
@pytest.mark.parametrize("shape", ["one line", "many lines"])
def test_locate_is_linear_on_hostile_source(name, shape):
    finding = only("NHS 943 476 5919")
    unit = HOSTILE_SOURCE[name]

    def source(size: int) -> list[str]:
        text = unit * (size // len(unit))
        if shape == "one line":
            return [text]
        return [text[i : i + 40] for i in range(0, len(text), 40)]

    assert_linear(lambda lines: locate(lines, finding), source)


def test_twenty_thousand_random_uuids_in_rendered_text_are_never_findings():
    rng = random.Random(7)
    import uuid

    uuids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(20_000)]
    text = "\n".join(f"{u} {str(u).upper()} {u.hex} ({u.urn})" for u in uuids)
    assert scan_text(text) == []
