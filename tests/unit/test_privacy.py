"""The privacy scan finds what could identify a patient, and leaves ordinary text alone.

Every number here is a published test value or one never issued: NHS numbers from
999 000 0000 up, Ofcom's drama phone numbers, and example postcodes.
"""

from __future__ import annotations

import itertools
import random
import uuid

import pytest

from cln.privacy import Finding, scan
from conftest import assert_linear, best_time, check_digit

NHS = "NHS number"
POSTCODE = "postcode"
PHONE = "phone number"
EMAIL = "email address"
DOB = "date of birth"
RECORD = "hospital or record number"


def unissued_numbers(valid: bool, count: int = 4) -> list[str]:
    """Ten-digit numbers from 999 000 0000 up that pass (or fail) Modulus 11."""
    found = []
    for n in range(999_000_000, 999_001_000):
        nine = str(n)
        check = check_digit(nine)
        if valid and check is not None:
            found.append(nine + str(check))
        elif not valid:
            # A wrong tenth digit, or any tenth digit when the check works out as 10.
            found.append(nine + str(0 if check is None else (check + 1) % 10))
        if len(found) == count:
            return found
    raise AssertionError("not enough numbers")


def spaced(number: str, sep: str = " ") -> str:
    return f"{number[:3]}{sep}{number[3:6]}{sep}{number[6:]}"


def kinds(text: str, **kwargs) -> list[str]:
    return [f.kind for f in scan(text, **kwargs)]


def only(text: str, **kwargs) -> Finding:
    findings = scan(text, **kwargs)
    assert len(findings) == 1, findings
    return findings[0]


# --- NHS numbers ----------------------------------------------------------------------


def test_the_published_test_number_passes_our_independent_check():
    assert check_digit("943476591") == 9


@pytest.mark.parametrize("written", ["943 476 5919", "943-476-5919", "9434765919"])
def test_the_published_test_nhs_number_is_found_in_every_layout(written):
    finding = only(f"Patient's NHS number was {written} on admission.")
    assert finding.kind == NHS
    assert finding.line == 1


@pytest.mark.parametrize("number", unissued_numbers(valid=True))
@pytest.mark.parametrize("layout", ["spaced", "hyphenated", "run together"])
def test_valid_unissued_nhs_numbers_are_found(number, layout):
    written = {"spaced": spaced(number), "hyphenated": spaced(number, "-"), "run together": number}[layout]
    assert kinds(f"ref {written} noted") == [NHS]


@pytest.mark.parametrize("number", ["9434765918", "9434765910", *unissued_numbers(valid=False)])
def test_ten_digit_numbers_failing_modulus_11_are_not_nhs_numbers(number):
    for written in (number, spaced(number), spaced(number, "-")):
        assert NHS not in kinds(f"Order {written} was placed"), written


def test_placeholder_numbers_of_one_repeated_digit_are_not_nhs_numbers():
    # 111 111 1111 happens to pass Modulus 11, but nobody is given it.
    assert NHS not in kinds("Numbers like 111 111 1111 or 000 000 0000 are placeholders")


@pytest.mark.parametrize("text", ["99434765919", "94347659190", "194347659192"])
def test_an_nhs_number_inside_a_longer_run_of_digits_is_not_reported(text):
    assert NHS not in kinds(f"batch {text}")


def test_a_valid_nhs_number_after_nhs_no_is_one_nhs_number_finding():
    assert kinds("NHS no: 943 476 5919") == [NHS]


def test_nhs_number_with_no_break_spaces_from_a_word_processor_is_found():
    assert kinds("NHS number 943\u00a0476\u00a05919") == [NHS]


@pytest.mark.parametrize(
    "written",
    [
        "943 4765919",  # 3-7
        "9434 765 919",  # 4-3-3
        "94 3476 5919",  # 2-4-4
        "94347 65919",  # 5-5
        "943.476.5919",  # dots
        "943-4765919",
        "943  476\t5919",  # runs of whitespace
        "943\u2009476\u202f5919",  # thin and narrow no-break spaces
        "943\u2013476\u20135919",  # en dashes
        "943\u200b476\u200b5919",  # zero-width spaces
        "943 476-5919",  # the usual groups, with two separators
        "943 476 5919 12",  # followed by a small number: still ten whole digits
    ],
)
def test_nhs_numbers_in_any_grouping_are_found(written):
    finding = only(f"Patient's NHS number was {written} on admission.")
    assert finding.kind == NHS and finding.masked.endswith("919")


@pytest.mark.parametrize(
    "text",
    [
        "943 476 59 19",  # four groups
        "9 434 765 919",  # three groups with a single digit
        "2009-10 1234",  # three groups with two separators, not 3-3-4
        "RX9434765919",  # inside a word
        "9434765919th",
        "12-34-56 7890",  # four groups again
    ],
)
def test_other_shapes_of_ten_digits_are_not_nhs_numbers(text):
    assert NHS not in kinds(f"ref {text} noted")


# --- Postcodes ------------------------------------------------------------------------

POSTCODES = {
    "A9 9AA": "M1 1AE",
    "A99 9AA": "B33 8TH",
    "AA9 9AA": "CR2 6XH",
    "AA99 9AA": "DN55 1PT",
    "A9A 9AA": "W1A 0AX",
    "AA9A 9AA": "EC1A 1BB",
}


@pytest.mark.parametrize("postcode", POSTCODES.values(), ids=POSTCODES.keys())
@pytest.mark.parametrize("space", [True, False], ids=["with space", "without space"])
def test_postcodes_of_every_format_are_found(postcode, space):
    written = postcode if space else postcode.replace(" ", "")
    assert kinds(f"She lives at 12 Acacia Avenue, {written}.") == [POSTCODE]


def test_a_postcode_in_yaml_front_matter_is_found_on_its_line():
    text = "---\ntitle: A ward story\nlocation: SW1A 1AA\n---\nBody"
    finding = only(text)
    assert (finding.kind, finding.line) == (POSTCODE, 3)


@pytest.mark.parametrize(
    "text",
    [
        "HbA1c fell from 64 to 53 mmol/mol",
        "a grade A1 result",
        "NHS 2009 reforms",
        "COVID19 vaccination",
        "B12 injections at the practice",
        "the M1 and A1 roads",
        "SW1A is an outward code only",
        "Band 7 2nd year",
        "NEWS2 3 points",
        "ward b12 2nd floor",
        "bay a1 1st bed",
        "vitamin b12 5mg daily",
        "news2 3 points, a1c 48",
        "e1 4th visit, sw1 1hr wait",
        "uuid 3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        "hex colours a1b2c3 and #e1a2b3",
    ],
)
def test_ordinary_text_with_letters_and_digits_is_not_a_postcode(text):
    assert POSTCODE not in kinds(text)


@pytest.mark.parametrize("postcode", ["m1 1ae", "sw1a 1aa", "Sw1A 1aA", "ec1a1bb", "dn55 1pt", "cr2 6xh", "gir 0aa", "M1 1ST"])
def test_postcodes_in_lower_or_mixed_case_are_found(postcode):
    finding = only(f"She lives at 12 Acacia Avenue, {postcode}.")
    assert finding.kind == POSTCODE
    assert postcode not in finding.message


# --- Phone numbers --------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "0161 496 0000",
        "020 7946 0000",
        "01632 960000",
        "07700 900123",
        "(0161) 496 0000",
        "+44 161 496 0000",
        "+44 (0)20 7946 0000",
        "07700900123",
        "+447700900123",
        "0044 161 496 0000",
        "0161-496-0000",
        "0161.496.0000",
        "020.7946.0000",
        "07700.900123",
        "+44.161.496.0000",
        "(0161) 496.0000",
        "0161\u00a0496\u00a00000",
    ],
)
def test_uk_phone_numbers_are_found(phone):
    assert kinds(f"Call the family on {phone} after six.") == [PHONE]


@pytest.mark.parametrize(
    "text",
    [
        "In 2009 and 2010 the network grew",
        "Between 2009-2010 and 2019/20",
        "On 01/02/2009 at 10:30",
        "943 476 5918 is not a phone number",
        "60 or 120 clinicians",
        "version 10.2.1 of the app",
        "call 999 or 111",
        "from 4th to 1st place",
        "01 02 2009 10 30",
        "admitted 01-02-2009 10:30",
        "questions 05 06 07 08 09",
        "Module 01 2009-2010 cohort",
        "admitted 01.02.2009 10.30",
        "version 10.2.1 then 01.234.5678.9",
        "build a01614960000 and 01614960000x",
    ],
)
def test_years_dates_counts_and_other_numbers_are_not_phone_numbers(text):
    assert kinds(text) == []


# --- Email addresses ------------------------------------------------------------------


@pytest.mark.parametrize("email", ["jo.bloggs@nhs.net", "Jo.Bloggs+ward7@example.co.uk", "a_b-c@trust.nhs.uk"])
def test_email_addresses_are_found(email):
    assert kinds(f"Email {email} for details") == [EMAIL]


def test_the_networks_own_address_is_allowed_without_regard_to_case():
    text = "Write to cln@example.org or CLN@Example.ORG, not jo@example.org"
    findings = scan(text, allowed_emails=["cln@example.org"])
    assert [f.kind for f in findings] == [EMAIL]
    assert findings[0].masked.endswith("org")
    assert not findings[0].masked.startswith("cln")


def test_an_address_is_only_allowed_when_listed():
    assert kinds("Write to cln@example.org") == [EMAIL]


def test_a_single_allowed_address_may_be_given_as_a_string():
    assert kinds("Write to cln@example.org", allowed_emails="cln@example.org") == []


# --- Dates of birth -------------------------------------------------------------------

CUES = ["born", "DOB", "D.O.B.", "D. O. B.", "d.o.b", "date of birth", "Date-of-birth", "date-of-birth", "birth date", "birthday"]
DATES = ["2001-02-03", "3/2/2001", "03.02.2001", "3 February 2001", "3rd Feb 2001", "February 3, 2001"]


@pytest.mark.parametrize("cue, date", list(itertools.product(CUES, DATES)))
def test_a_date_with_a_birth_cue_is_a_date_of_birth(cue, date):
    finding = only(f"The patient ({cue}: {date}) was seen in clinic.")
    assert finding.kind == DOB
    assert finding.masked.endswith(date.replace(" ", "")[-3:])


def test_the_cue_may_come_after_the_date():
    assert kinds("3 February 2001 is her date of birth") == [DOB]


@pytest.mark.parametrize("cue", ["date-of-birth:", "Date-of-birth -", "DATE-OF-BIRTH", "date of\tbirth"])
def test_hyphenated_cues_and_punctuation_after_them_are_cues(cue):
    assert kinds(f"{cue} 03-02-2001") == [DOB]


@pytest.mark.parametrize(
    "text",
    [
        "The network was launched on 15 January 2009.",
        "Meeting on 2009-01-15 and again on 01/02/2009.",
        "Published February 3, 2001 by the trust.",
    ],
)
def test_ordinary_dates_without_a_cue_are_not_findings(text):
    assert kinds(text) == []


def test_a_cue_more_than_40_characters_away_does_not_make_a_date_of_birth():
    text = "The idea was born in a corridor conversation, and later on 15 January 2009 it launched."
    assert kinds(text) == []


def test_a_cue_on_the_line_before_does_not_count():
    assert kinds("She was born\nin the year the clinic opened, 15 January 2009") == []


def test_impossible_dates_are_not_dates_of_birth():
    assert kinds("DOB 31/02/2001") == []


# --- Hospital and record numbers -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "hospital number RX123456",
        "Hospital no: 12345678",
        "MRN: A1234567",
        "MRN#55554444",
        "medical record number 1234567",
        "record no. 98765432",
        "patient number is 55554444",
        "Patient no 12345",
        "Patient ID: A1234567",
        "unit number RX 123456",
        "case number #12345",
        "NHS no 123 456 7890",  # fails Modulus 11: not an NHS number, still an identifier
        "CHI 0101011234",
    ],
)
def test_identifiers_after_a_record_cue_are_found(text):
    assert kinds(f"Notes: {text}, seen today") == [RECORD]


@pytest.mark.parametrize(
    "text",
    [
        "our record number of 12000 patients",
        "case numbers rose to 12345",
        "tai chi 12345 steps",
        "patient number 1234",
        "hospital number ABCDEF",
        "unit number 12",
    ],
)
def test_cue_words_without_an_identifier_are_not_findings(text):
    assert kinds(text) == []


# --- Masking and messages -------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value, masked",
    [
        ("NHS 943 476 5919", "943 476 5919", "••• ••• •919"),
        ("NHS 943-476-5919", "943-476-5919", "•••-•••-•919"),
        ("call 0161 496 0000", "0161 496 0000", "•••• ••• •000"),
        ("at M1 1AE", "M1 1AE", "•• ••E"),
        ("at DN55 1PT", "DN55 1PT", "•••• 1PT"),
        ("MRN RX123456", "RX123456", "•••••456"),
    ],
)
def test_masking_keeps_the_shape_and_the_last_characters_only(text, value, masked):
    finding = only(text)
    assert finding.masked == masked
    assert finding.masked != value
    assert value not in finding.message


def test_no_finding_ever_shows_a_whole_value():
    text = (
        "NHS 943 476 5919, M1 1AE, 0161 496 0000, jo@nhs.net, DOB 3/2/2001, MRN A1234567, "
        "+44 (0)20 7946 0000, EC1A1BB"
    )
    findings = scan(text)
    assert len(findings) == 8
    for finding in findings:
        hidden = [c for c in finding.masked if c not in " -"]
        assert hidden.count("•") >= len(hidden) - 3
        assert "•" in finding.masked


def test_the_message_says_what_it_looks_like_and_how_to_allow_it():
    finding = only("NHS 943 476 5919")
    assert finding.message == (
        "looks like an NHS number (••• ••• •919); remove it, or if it is not patient data add "
        "'<!-- privacy-allow: reason -->' at the end of the line"
    )
    assert only("at M1 1AE").message.startswith("looks like a postcode (")


# --- Lines, order, allow markers --------------------------------------------------------


def test_line_numbers_count_from_start_line():
    text = "Intro\nCall 0161 496 0000\n\nAt M1 1AE"
    assert [(f.line, f.kind) for f in scan(text, start_line=7)] == [(8, PHONE), (10, POSTCODE)]


def test_findings_are_sorted_by_line_then_column():
    text = "M1 1AE then 943 476 5919\njo@nhs.net then 0161 496 0000"
    assert [(f.line, f.kind) for f in scan(text)] == [(1, POSTCODE), (1, NHS), (2, EMAIL), (2, PHONE)]


def test_windows_line_endings_keep_line_numbers():
    assert [f.line for f in scan("a\r\nb\r\nM1 1AE\r\n")] == [3]


def test_an_allow_marker_with_a_reason_allows_its_own_line_only():
    text = (
        "Switchboard: 0161 496 0000 <!-- privacy-allow: the network office switchboard -->\n"
        "Family: 0161 496 0001"
    )
    first, second = scan(text)
    assert (first.line, first.allowed, first.reason) == (1, True, "the network office switchboard")
    assert (second.line, second.allowed, second.reason) == (2, False, None)
    assert "allowed" in first.message


def test_an_allow_marker_allows_every_finding_on_its_line():
    findings = scan("Office: M1 1AE, 0161 496 0000 <!-- privacy-allow: our office -->")
    assert [f.allowed for f in findings] == [True, True]


def test_an_allow_marker_as_a_yaml_comment_works():
    finding = only('phone: "0161 496 0000"  # privacy-allow: published office number')
    assert finding.allowed and finding.reason == "published office number"


def test_an_allow_marker_on_the_line_before_does_not_allow():
    finding = only("<!-- privacy-allow: office -->\nCall 0161 496 0000")
    assert not finding.allowed


@pytest.mark.parametrize("marker", ["<!-- privacy-allow: -->", "<!-- privacy-allow:-->", "# privacy-allow:   "])
def test_an_allow_marker_without_a_reason_does_not_allow(marker):
    finding = only(f"Call 0161 496 0000 {marker}")
    assert not finding.allowed
    assert finding.reason is None


# --- Lines that are never reported, and UUIDs -------------------------------------------

GUID_FRONT_MATTER = """\
---
title: Episode 1
guid: urn:cln:0161-496-0000  # not a UUID: a phone-shaped guid
phone: 0161 496 0000
---
Body with 943 476 5919
"""


def test_findings_on_skipped_lines_are_not_reported_at_all():
    assert [(f.line, f.kind) for f in scan(GUID_FRONT_MATTER)] == [(3, PHONE), (4, PHONE), (6, NHS)]
    assert [(f.line, f.kind) for f in scan(GUID_FRONT_MATTER, skip_lines=frozenset({3}))] == [(4, PHONE), (6, NHS)]


def test_skipped_lines_are_file_line_numbers_counted_from_start_line():
    body = "Intro\nCall 0161 496 0000\nAt M1 1AE"
    assert [f.line for f in scan(body, start_line=10, skip_lines=frozenset({11}))] == [12]
    assert [f.line for f in scan(body, start_line=10, skip_lines=frozenset({2}))] == [11, 12]


def test_a_skipped_line_is_skipped_even_with_an_allow_marker():
    assert scan("Call 0161 496 0000 <!-- privacy-allow: office -->", skip_lines=frozenset({1})) == []


def random_uuids(count: int, seed: int) -> list[uuid.UUID]:
    rng = random.Random(seed)
    return [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(count)]


def test_twenty_thousand_random_uuids_are_never_findings():
    uuids = random_uuids(20_000, seed=20240601)
    lines = []
    for u in uuids:
        lines += [f"guid: {u}", f"id {str(u).upper()} ref", f"urn {u.urn}", f"hex {u.hex}"]
    assert scan("\n".join(lines)) == []


# --- Ordinary content ----------------------------------------------------------------

ORDINARY = """\
---
title: Reducing falls on an elderly care ward
date: 2009-01-15
contact: cln@example.org
---
# Reducing falls on an elderly care ward

In 2009 a team of 60 or 120 clinicians (it grew quickly) set out to cut falls by 25%.
They met at 09:30 every Tuesday from 15 January 2009, and by the 4th review had moved
from 4th to 1st in the region. HbA1c checks and B12 injections were reviewed as part of
the falls bundle; the A1 team used version 2.10.3 of the audit tool.

| Month | Falls | Rate per 1,000 bed days |
|-------|-------|-------------------------|
| Jan   | 12    | 6.1                     |
| Feb   | 8     | 4.0                     |

The work was born out of a conversation in 2008 and cost £12,500 in 2009/10.
See [the toolkit](https://example.org/falls-toolkit-2009) for details.
"""


def test_a_realistic_case_study_has_no_findings():
    assert scan(ORDINARY, allowed_emails=["cln@example.org"]) == []


# --- Speed ---------------------------------------------------------------------------
# No wall-clock limits (they fail on a busy machine): a scan is compared with a single
# regular-expression pass over the same text, and hostile input with itself at an eighth
# of the size. Linear work grows 8 times for 8 times the text; a pattern that rescans a
# run from every position grows 64 times, and at 64 kB takes a second or more.


def thousand_word_body() -> str:
    paragraph = ORDINARY.split("---\n", 2)[2]
    words = paragraph.split()
    body = []
    while len(body) < 1000:
        body.extend(words)
    lines = [" ".join(body[i : i + 14]) for i in range(0, 1000, 14)]
    return "\n".join(lines)


_WORDS = __import__("re").compile(r"\w+")


def test_a_thousand_word_body_scans_within_a_small_multiple_of_reading_its_words():
    body = thousand_word_body()
    assert len(body.split()) >= 1000
    scanning = best_time(scan, body, repeat=7)
    reading = best_time(_WORDS.findall, body, repeat=7)
    assert scanning < 100 * reading, f"{scanning * 1000:.2f} ms against {reading * 1000:.3f} ms"


# Each hostile input is (prefix, repeated unit, suffix), made up to a given length.
HOSTILE = {
    "digits": ("", "9", ""),
    "at signs": ("", "@", ""),
    "a@": ("", "a@", ""),
    "dots then at": ("", "a.", "@example.org"),
    "spaced zeros": ("", "0 ", ""),
    "spaced digits on lines": ("", "1\n", ""),
    "domain labels": ("a@", "b.", ""),
    "plus signs": ("", "+44 ", ""),
    "dates and cues": ("", "born 1/1/2001 ", ""),
    "record cues": ("", "MRN 1-", ""),
    "postcode-ish": ("", "A1 ", ""),
    "lower-case postcode-ish": ("", "a1 1a", ""),
    "allow markers": ("", "privacy-allow:", "1"),
    "dotted digits": ("", "1.", ""),
    "hyphen space digits": ("", "12 - ", ""),
    "ten-digit groups": ("", "943 476 5919 ", ""),
    "phone-ish": ("", "0161.496.", ""),
    "dob cues": ("", "date-of-birth d.o.b. ", "1/1/2001"),
    "whitespace of every kind": ("1", "\u00a0\t\u2009\u200b\n", "1"),
    "uuids": ("", "3f2504e0-4f89-11d3-9a0c-0305e82c3301 ", ""),
    "findings of every kind": ("", "943 476 5919 M1 1AE 0161 496 0000 jo@nhs.net MRN A1234567 DOB 3/2/2001 ", ""),
    "postcodes between nhs numbers": ("", "9434765919 M11AE ", ""),
}


def hostile(name: str, size: int) -> str:
    prefix, unit, suffix = HOSTILE[name]
    return prefix + unit * ((size - len(prefix) - len(suffix)) // len(unit) + 1) + suffix


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_input_scans_in_linear_time(name):
    big = hostile(name, 64_000)
    assert len(big) >= 64_000
    assert_linear(scan, lambda size: hostile(name, size))
