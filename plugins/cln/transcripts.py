"""Transcripts (WebVTT, SRT or plain text) read into cues for the episode page and search.

:func:`parse` refuses, with :class:`TranscriptError`, what a podcast app or a reader would
trip over: an empty transcript or one with no words, control characters, and cue times
that cannot be read, that have 60 or more minutes or seconds, or that end before they
start. Its messages follow the file's name ("podcasts/transcripts/ep.vtt has ...") and
name the line to look at.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .privacy import mask_identifiers

MIME_TYPES = {".vtt": "text/vtt", ".srt": "application/srt", ".txt": "text/plain"}

# A line with "-->" is a cue's timing line: "start --> end", then optional settings.
_TIMING = re.compile(r"^\s*+(\S*?)\s*+-->\s*+(\S*+)")
# One time: hours (optional), minutes, seconds and milliseconds: 01:02:03.456 or 02:03,456.
_STAMP = re.compile(r"(?:([0-9]{1,6}):)?([0-9]{1,2}):([0-9]{2})[.,]([0-9]{3})", re.ASCII)
# Possessive quantifiers (and no "<" inside a tag) keep these linear on hostile text.
_VOICE = re.compile(r"^<v(?:\.[^ >]++)?\s++([^>]++)>(.*?)(?:</v>)?$", re.S)
_TAG = re.compile(r"</?[^<>]+>")
_SRT_INDEX = re.compile(r"\s*[0-9]+\s*$")
# Control characters other than tab, newline and carriage return (C0, DEL and C1).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_VTT_NOT_CUES = ("NOTE", "STYLE", "REGION")
_EXAMPLE_TIMING = "00:01:02.000 --> 00:01:05.500"


class TranscriptError(Exception):
    """The transcript cannot be read."""


@dataclass(frozen=True)
class Cue:
    """One stretch of speech: when it starts (seconds), who speaks, what is said.

    ``line`` is the 1-based line of the cue's first line of text in the file (0 when not
    known), so that what is found in the text can be reported on its line. Plain text
    transcripts have a cue for each paragraph, with ``start`` -1.
    """

    start: float
    speaker: str
    text: str
    line: int = 0


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _blocks(lines: list[str]) -> list[list[tuple[int, str]]]:
    """Runs of non-blank lines, each line with its 1-based number."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            current.append((number, line))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _seconds(stamp: str, number: int) -> float:
    """Seconds from a cue time, refusing one that cannot be read or is out of range."""
    m = _STAMP.fullmatch(stamp)
    if not m:
        shown = mask_identifiers(stamp[:40]) if stamp else "nothing"
        raise TranscriptError(
            f"has a cue time on line {number} that cannot be read ({shown}); write each cue's "
            f"times like {_EXAMPLE_TIMING} (hours, minutes, seconds and milliseconds)"
        )
    hours, minutes, seconds, millis = m.groups()
    for value, unit in ((minutes, "minutes"), (seconds, "seconds")):
        if int(value) >= 60:
            raise TranscriptError(
                f"has a cue time on line {number} with {int(value)} {unit} ({stamp}); minutes and "
                "seconds go from 00 to 59, so 90 seconds is 00:01:30.000"
            )
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def _cue(timing: tuple[int, str], text_lines: list[tuple[int, str]]) -> Cue | None:
    """The cue of a timing line and the lines of text after it (None if it has no text)."""
    number, line = timing
    m = _TIMING.match(line)
    if m is None:  # more than one word before the arrow
        _seconds(line.split("-->", 1)[0].strip(), number)  # refuses it
    assert m is not None
    start = _seconds(m.group(1), number)
    end = _seconds(m.group(2), number)
    if end < start:
        raise TranscriptError(
            f"has a cue on line {number} that ends ({m.group(2)}) before it starts ({m.group(1)}); "
            "correct the times so that the end comes after the start"
        )
    if not text_lines:
        return None
    body = " ".join(text for _, text in text_lines).strip()
    speaker = ""
    voice = _VOICE.match(body)
    if voice:
        speaker, body = voice.group(1).strip(), voice.group(2)
    body = html.unescape(" ".join(_TAG.sub("", body).split()))
    if not body:
        return None
    return Cue(start, speaker, body, text_lines[0][0])


def _timed_cues(blocks: list[list[tuple[int, str]]], ext: str) -> list[Cue]:
    cues: list[Cue] = []
    for block in blocks:
        if ext == ".vtt" and block[0][1].split(maxsplit=1)[0] in _VTT_NOT_CUES:
            continue  # a comment, style sheet or region: no cues in it
        timing: tuple[int, str] | None = None
        text_lines: list[tuple[int, str]] = []
        for number, line in block:
            if "-->" in line:
                # A new cue (as in WebVTT, even without a blank line before it). In SRT the
                # number on the line before it is its index, not the last cue's words.
                if text_lines and _SRT_INDEX.fullmatch(text_lines[-1][1]):
                    text_lines.pop()
                if timing is not None:
                    cue = _cue(timing, text_lines)
                    if cue:
                        cues.append(cue)
                timing, text_lines = (number, line), []
            elif timing is not None:
                text_lines.append((number, line))
            # Lines before the first timing line are the cue's identifier (or WEBVTT).
        if timing is not None:
            cue = _cue(timing, text_lines)
            if cue:
                cues.append(cue)
    return cues


def parse(text: str, ext: str) -> list[Cue]:
    """Cues of a transcript; plain text gives one cue a paragraph, with no times.

    ``ext`` is the file's extension in lower case (``.vtt``, ``.srt`` or ``.txt``). Raises
    :class:`TranscriptError` for a transcript that is empty or has no words, that has a
    control character, or (WebVTT and SRT) whose cue times cannot be read, have 60 or more
    minutes or seconds, or end before they start.
    """
    text = text.removeprefix("\ufeff")
    control = _CONTROL.search(text)
    if control:
        number = text.count("\n", 0, control.start()) + 1
        raise TranscriptError(
            f"has a control character (U+{ord(control.group()):04X}) on line {number}; most editors "
            "do not show it: delete it (retype the line if need be) and save the file again"
        )
    if not text.strip():
        raise TranscriptError("is empty; add the words of the episode")
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    blocks = _blocks(lines)
    if ext == ".txt":
        cues = [Cue(-1.0, "", " ".join(" ".join(line for _, line in block).split()), block[0][0]) for block in blocks]
        if not any(_has_words(cue.text) for cue in cues):
            raise TranscriptError("has no words in it; add the words of the episode")
        return cues
    if ext == ".vtt" and not text.startswith("WEBVTT"):
        raise TranscriptError("is not WebVTT: the first line must be WEBVTT")
    cues = _timed_cues(blocks, ext)
    if not any(_has_words(cue.text) for cue in cues):
        raise TranscriptError("has no cues with text")
    return cues
