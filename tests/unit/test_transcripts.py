"""Transcripts are read into cues that know their line, and broken ones are refused clearly."""

from __future__ import annotations

import contextlib

import pytest

from cln.transcripts import Cue, TranscriptError, parse
from conftest import assert_linear

VTT = """WEBVTT
Kind: captions

NOTE made by hand --- not a cue

STYLE
::cue { color: yellow }

intro
00:00:00.000 --> 00:00:03.000 align:start
<v Host>Welcome to the Clinical Leaders
Network podcast.</v>

00:03.500 --> 00:06.000
<v.loud Guest>Action learning sets meet every month &amp; share <i>what</i> works.

01:00:00.000 --> 01:00:02.250
<c.yellow>The</c> end.
"""

SRT = (
    "1\r\n"
    "00:00:00,000 --> 00:00:05,000\r\n"
    "Action learning sets\r\n"
    "<b>meet</b> monthly.\r\n"
    "\r\n"
    "2\r\n"
    "00:00:05,000 --> 00:00:09,500\r\n"
    "Then they share what works.\r\n"
)


# --- Reading ---------------------------------------------------------------------------


def test_webvtt_cues_have_start_speaker_joined_text_and_the_line_of_their_text():
    assert parse(VTT, ".vtt") == [
        Cue(0.0, "Host", "Welcome to the Clinical Leaders Network podcast.", 11),
        Cue(3.5, "Guest", "Action learning sets meet every month & share what works.", 15),
        Cue(3600.0, "", "The end.", 18),
    ]


def test_srt_cues_with_windows_line_endings_are_joined_and_unmarked():
    assert parse(SRT, ".srt") == [
        Cue(0.0, "", "Action learning sets meet monthly.", 3),
        Cue(5.0, "", "Then they share what works.", 8),
    ]


def test_a_byte_order_mark_does_not_change_anything():
    assert parse("\ufeff" + VTT, ".vtt") == parse(VTT, ".vtt")


def test_cues_without_a_blank_line_between_them_are_still_separate():
    vtt = "WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n00:01.000 --> 00:02.000\nWorld\n"
    assert parse(vtt, ".vtt") == [Cue(0.0, "", "Hello", 4), Cue(1.0, "", "World", 6)]
    srt = "1\n00:00:00,000 --> 00:00:01,000\nHello\n2\n00:00:01,000 --> 00:00:02,000\nWorld\n"
    assert parse(srt, ".srt") == [Cue(0.0, "", "Hello", 3), Cue(1.0, "", "World", 6)]


def test_a_cue_with_no_text_is_left_out():
    vtt = "WEBVTT\n\n00:00.000 --> 00:01.000\n\n00:01.000 --> 00:02.000\n<i></i>\n\n00:02.000 --> 00:03.000\nWords\n"
    assert parse(vtt, ".vtt") == [Cue(2.0, "", "Words", 9)]


def test_plain_text_gives_a_cue_a_paragraph_with_its_first_line():
    text = "\nFirst paragraph,\nwrapped  here.\n\n\n  \nSecond one.\r\n"
    assert parse(text, ".txt") == [Cue(-1.0, "", "First paragraph, wrapped here.", 2), Cue(-1.0, "", "Second one.", 7)]


def test_old_call_sites_that_make_cues_without_a_line_still_work():
    cue = Cue(1.5, "Host", "Hello")
    assert (cue.start, cue.speaker, cue.text, cue.line) == (1.5, "Host", "Hello", 0)
    assert Cue(start=1.5, speaker="Host", text="Hello") == cue


def test_tabs_and_carriage_returns_are_not_control_characters_to_refuse():
    assert parse("Hello\tthere\r\nfriend\r", ".txt") == [Cue(-1.0, "", "Hello there friend", 1)]


# --- Refusals --------------------------------------------------------------------------


def refusal(text: str, ext: str) -> str:
    with pytest.raises(TranscriptError) as caught:
        parse(text, ext)
    return str(caught.value)


@pytest.mark.parametrize(
    "timing, line, unit, value",
    [
        ("00:99:99.000 --> 01:00:00.000", 3, "minutes", 99),
        ("00:00:60.000 --> 00:01:00.000", 3, "seconds", 60),
        ("00:59:59.000 --> 00:60:00.000", 3, "minutes", 60),
        ("61:00.000 --> 62:00.000", 3, "minutes", 61),
        ("01:30:75.000 --> 01:31:00.000", 3, "seconds", 75),
    ],
)
@pytest.mark.parametrize("ext", [".vtt", ".srt"])
def test_times_with_60_or_more_minutes_or_seconds_are_refused(timing, line, unit, value, ext):
    if ext == ".srt":
        text = "1\n" + timing.replace(".", ",") + "\nHello\n"
    else:
        text = "WEBVTT\n\n" + timing + "\nHello\n"
        line = 3
    message = refusal(text, ext)
    assert f"line {line if ext == '.vtt' else 2}" in message
    assert f"{value} {unit}" in message
    assert "from 00 to 59" in message


@pytest.mark.parametrize(
    "text, ext, line",
    [
        ("WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nHello\n", ".vtt", 3),
        ("1\n00:00:00,000 --> 00:00:01,000\nHi\n\n2\n00:01:00,000 --> 00:00:59,999\nThere\n", ".srt", 6),
    ],
)
def test_a_cue_that_ends_before_it_starts_is_refused(text, ext, line):
    message = refusal(text, ext)
    assert message.startswith(f"has a cue on line {line} that ends (")
    assert "before it starts" in message


def test_a_cue_that_ends_when_it_starts_is_accepted():
    assert parse("WEBVTT\n\n00:01.000 --> 00:01.000\nBlink\n", ".vtt") == [Cue(1.0, "", "Blink", 4)]


@pytest.mark.parametrize(
    "timing",
    ["00:00:01 --> 00:00:02", "00:00:01.0 --> 00:00:02.000", "1.5 --> 2.5", "--> 00:00:02.000", "00:00:01.000 -->", "a --> b",
     "00:00:01.000 and 2 --> 00:00:03.000", "9" * 5000 + ":00:00.000 --> 00:00:01.000"],
)
def test_times_that_cannot_be_read_are_refused_not_dropped(timing):
    message = refusal("WEBVTT\n\n" + timing + "\nHello\n", ".vtt")
    assert message.startswith("has a cue time on line 3 that cannot be read")
    assert "00:01:02.000 --> 00:01:05.500" in message


@pytest.mark.parametrize("start", ["9434765919", "943-476-5919", "jo@nhs.net"])
def test_a_message_never_repeats_an_identifier_from_the_file(start):
    message = refusal(f"1\n{start} --> 00:00:02,000\nHi\n", ".srt")
    assert start not in message
    assert "•" in message


@pytest.mark.parametrize("ext", [".vtt", ".srt", ".txt"])
@pytest.mark.parametrize("text", ["", "\n\n", "  \t\r\n", "\ufeff", "\ufeff\n \n"])
def test_an_empty_transcript_is_refused_whatever_its_kind(text, ext):
    assert refusal(text, ext) == "is empty; add the words of the episode"


@pytest.mark.parametrize(
    "text, ext, message",
    [
        ("WEBVTT\n", ".vtt", "has no cues with text"),
        ("WEBVTT\n\nNOTE nothing yet\n", ".vtt", "has no cues with text"),
        ("WEBVTT\n\n00:00.000 --> 00:01.000\n<i> </i>\n", ".vtt", "has no cues with text"),
        ("1\n00:00:00,000 --> 00:00:01,000\n\n", ".srt", "has no cues with text"),
        ("...\n\n--\n", ".txt", "has no words in it; add the words of the episode"),
    ],
)
def test_a_transcript_with_no_text_is_refused(text, ext, message):
    assert refusal(text, ext) == message


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f"])
@pytest.mark.parametrize("ext", [".vtt", ".srt", ".txt"])
def test_control_characters_are_refused_with_their_line(char, ext):
    start = {".vtt": "WEBVTT\n\n", ".srt": "1\n", ".txt": ""}[ext]
    text = start + "00:00:00.000 --> 00:00:02.000\nHello\nthere" + char + "\n"
    line = text.count("\n", 0, text.index(char)) + 1
    message = refusal(text.replace(".000", ",000") if ext == ".srt" else text, ext)
    assert message.startswith(f"has a control character (U+{ord(char):04X}) on line {line};")


def test_the_webvtt_header_is_still_required():
    assert refusal("00:00.000 --> 00:01.000\nHello\n", ".vtt") == "is not WebVTT: the first line must be WEBVTT"


def test_messages_read_on_from_the_file_name():
    # The catalogue reports f"podcasts/{path} {message}".
    for text, ext in [("", ".txt"), ("WEBVTT\n\n00:99:00.000 --> 01:00:00.000\nx\n", ".vtt"), ("a\x07", ".txt")]:
        message = refusal(text, ext)
        assert message.split()[0] in {"is", "has"}


# --- Speed -----------------------------------------------------------------------------
# Compared with itself at an eighth of the size, not with a wall-clock limit.

HOSTILE = {
    "angle brackets in a cue": ("WEBVTT\n\n00:00.000 --> 00:01.000\n", "<", ""),
    "an open voice tag": ("WEBVTT\n\n00:00.000 --> 00:01.000\n<v", " ", "x"),
    "an open voice name": ("WEBVTT\n\n00:00.000 --> 00:01.000\n<v ", "a", ""),
    "spaces before an arrow": ("WEBVTT\n\n", " ", "x y -->"),
    "arrows": ("WEBVTT\n\n00:00.000 ", "-->", ""),
    "many cues": ("WEBVTT\n\n", "00:00.000 --> 00:01.000\nHi\n\n", ""),
    "many srt cues": ("", "1\n00:00:00,000 --> 00:00:01,000\nHi\n", ""),
    "entities": ("WEBVTT\n\n00:00.000 --> 00:01.000\n", "&#", "x"),
    "plain lines": ("", "word\n", ""),
}


def hostile(name: str, size: int) -> str:
    prefix, unit, suffix = HOSTILE[name]
    return prefix + unit * (size // len(unit)) + suffix


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_transcripts_are_read_in_linear_time(name):
    ext = ".srt" if "srt" in name else ".txt" if "plain" in name else ".vtt"

    def read(text: str) -> None:
        with contextlib.suppress(TranscriptError):
            parse(text, ext)

    assert_linear(read, lambda size: hostile(name, size))
