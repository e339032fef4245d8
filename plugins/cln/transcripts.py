"""Transcripts (WebVTT, SRT or plain text) read into cues for the episode page and search."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

MIME_TYPES = {".vtt": "text/vtt", ".srt": "application/srt", ".txt": "text/plain"}
_TIMING = re.compile(r"^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{3})")
_VOICE = re.compile(r"^<v(?:\.[^ >]+)?\s+([^>]+)>(.*?)(?:</v>)?$", re.S)
_TAG = re.compile(r"</?[^>]+>")


class TranscriptError(Exception):
    """The transcript cannot be read."""


@dataclass(frozen=True)
class Cue:
    """One stretch of speech: when it starts (seconds), who speaks, what is said."""

    start: float
    speaker: str
    text: str


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return total


def parse(text: str, ext: str) -> list[Cue]:
    """Cues of a transcript; plain text gives one cue a paragraph, with no times."""
    text = text.replace("\r\n", "\n").removeprefix("\ufeff")
    if ext == ".txt":
        paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
        return [Cue(-1.0, "", p) for p in paras]
    if ext == ".vtt" and not text.startswith("WEBVTT"):
        raise TranscriptError("is not WebVTT: the first line must be WEBVTT")
    cues: list[Cue] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln for ln in block.split("\n") if ln.strip()]
        for i, line in enumerate(lines):
            match = _TIMING.match(line)
            if match:
                body = " ".join(lines[i + 1:]).strip()
                speaker = ""
                voice = _VOICE.match(body)
                if voice:
                    speaker, body = voice.group(1).strip(), voice.group(2)
                body = html.unescape(" ".join(_TAG.sub("", body).split()))
                if body:
                    cues.append(Cue(_seconds(match.group(1)), speaker, body))
                break
    if not cues:
        raise TranscriptError("has no cues with text")
    return cues
