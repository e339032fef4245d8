"""The files behind an episode (audio, transcript, art) and the rules that tie episodes
together (one guid, one season and episode number, one audio file each)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from . import privacy, published, transcripts
from .audio import AudioError, AudioFacts, AudioProbe
from .content import Episode, format_clock
from .errors import Allowed, Problem
from .files import inside
from .settings import Settings
from .yamlsource import Source

ART_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


@dataclass
class EpisodeMedia:
    """The files behind an episode: audio, transcript and art, with their facts."""

    audio_path: str
    audio: AudioFacts
    transcript_path: str
    transcript_mime: str
    cues: list[transcripts.Cue]
    image_path: str | None = None


def _scan_transcript(path: str, text: str, cues: list[transcripts.Cue], settings: Settings,
                     allowed: list[Allowed]) -> list[Problem]:
    """Patient data in a transcript: line by line, and in each cue joined across its lines."""
    out = published.Findings()
    seen: set[tuple[int, str]] = set()
    for finding in privacy.scan(text, allowed_emails=settings.network_emails):
        seen.add((finding.line, finding.kind))
        if finding.allowed:
            out.allowed.append((path, finding.line, finding.kind, finding.reason or ""))
        else:
            out.problems.append(Problem(path, finding.line, "privacy", finding.message))
    lines = text.split("\n")
    for cue in cues:
        first = max(cue.line, 1)
        published.privacy_in_text(path, cue.text, lines[first - 1:first + 20], first, first, "privacy", out, seen,
                                  settings.network_emails)
    allowed += [Allowed(*a) for a in out.allowed]
    return out.problems + published.control_characters(path, text, 1, "transcript")


def _inside_podcasts(settings: Settings, record: Episode, source: Source, field: str, value: str,
                     allowed_ext: dict[str, str]) -> str | Problem:
    """Resolve a path given relative to podcasts/, refusing anything outside it, of another
    type, missing, or with a name that a podcast app could not fetch from the feed: the
    file's real path, or the problem."""
    from .tagging import safe_name, unsafe_characters

    line = source.line_of((field,))
    base = os.path.realpath(settings.podcasts_dir)
    target = os.path.realpath(os.path.join(base, value))
    if os.path.isabs(value) or not inside(target, base):
        return Problem(record.path, line, field,
                       f"'{value}' is outside podcasts/; give a path inside it, "
                       f"relative to podcasts/, e.g. {field}s/{record.slug}" if field != "audio"
                       else f"'{value}' is outside podcasts/; give a path relative to podcasts/, "
                            f"e.g. audio/{record.slug}.mp3")
    ext = os.path.splitext(value)[1].lower()
    if ext not in allowed_ext:
        return Problem(record.path, line, field, f"'{value}' should end in {' or '.join(allowed_ext)}")
    if not os.path.isfile(target):
        return Problem(record.path, line, field, f"file podcasts/{value} does not exist; add it, or correct the path")
    served = os.path.relpath(target, base).replace(os.sep, "/")  # the name the site serves it under
    for name in dict.fromkeys((value, served)):
        if unsafe_characters(name):
            return Problem(record.path, line, field,
                           f"the file name '{name}' has {', '.join(unsafe_characters(name))} in it, "
                           f"which podcast apps cannot fetch; rename the file podcasts/{name} to "
                           f"'{safe_name(name)}' (letters, digits, '-', '_' and '.' only) and write the new "
                           "name here")
    return target


def _check_audio(episode: Episode, source: Source, settings: Settings, probe: AudioProbe,
                 allowed: list[Allowed], problems: list[Problem]) -> tuple[str | None, AudioFacts | None]:
    """The episode's audio file and its facts (None when it has a problem, added to ``problems``)."""
    from .audio import MIME_TYPES as AUDIO_TYPES

    m = episode.meta
    audio_path = _inside_podcasts(settings, episode, source, "audio", m.audio, AUDIO_TYPES)
    if isinstance(audio_path, Problem):
        problems.append(audio_path)
        return None, None
    first = probe.first_user(audio_path, episode.path, allowed)
    if first != episode.path:
        problems.append(Problem(episode.path, source.line_of(("audio",)), "audio",
                                f"podcasts/{m.audio} is already the audio of {first}; each episode needs its own file"))
        return audio_path, None
    try:
        return audio_path, probe.facts(audio_path)
    except AudioError as exc:
        problems.append(Problem(episode.path, source.line_of(("audio",)), "audio", f"podcasts/{m.audio} {exc}"))
        return audio_path, None


def _check_transcript(episode: Episode, source: Source, settings: Settings, allowed: list[Allowed],
                      problems: list[Problem]) -> tuple[str | None, list[transcripts.Cue]]:
    """The episode's transcript file and its cues, read and scanned for patient data."""
    m = episode.meta
    transcript_path = _inside_podcasts(settings, episode, source, "transcript", m.transcript, transcripts.MIME_TYPES)
    cues: list[transcripts.Cue] = []
    if isinstance(transcript_path, Problem):
        problems.append(transcript_path)
        return None, cues
    ext = os.path.splitext(transcript_path)[1].lower()
    rel = os.path.relpath(transcript_path, settings.root).replace(os.sep, "/")
    try:
        with open(transcript_path, "rb") as fh:
            text = fh.read().decode("utf-8")
        cues = transcripts.parse(text, ext)
        problems += _scan_transcript(rel, text, cues, settings, allowed)
    except UnicodeDecodeError:
        problems.append(Problem(episode.path, source.line_of(("transcript",)), "transcript",
                                f"podcasts/{m.transcript} is not UTF-8 text; save it as UTF-8"))
    except transcripts.TranscriptError as exc:
        problems.append(Problem(episode.path, source.line_of(("transcript",)), "transcript",
                                f"podcasts/{m.transcript} {exc}"))
    return transcript_path, cues


def _check_art(episode: Episode, source: Source, settings: Settings, problems: list[Problem]) -> str | None:
    """The episode's own art, if it has any."""
    from . import images

    m = episode.meta
    if not m.image:
        return None
    image_path = _inside_podcasts(settings, episode, source, "image", m.image, ART_TYPES)
    if isinstance(image_path, Problem):
        problems.append(image_path)
        return None
    try:
        images.check_art(image_path)
    except images.ImageError as exc:
        problems.append(Problem(episode.path, source.line_of(("image",)), "image", f"podcasts/{m.image} {exc}"))
    return image_path


def _check_chapters(episode: Episode, source: Source, facts: AudioFacts) -> list[Problem]:
    """Every chapter starts within the audio."""
    return [Problem(episode.path, source.line_of(("chapters", i)), f"chapters[{i}].start",
                    f"{format_clock(chapter.start)} is past the end of the audio "
                    f"({format_clock(facts.duration)}); chapters must start within the episode")
            for i, chapter in enumerate(episode.meta.chapters) if chapter.start >= facts.duration]


def check_media(episode: Episode, source: Source, settings: Settings, probe: AudioProbe,
                allowed: list[Allowed]) -> tuple[list[Problem], EpisodeMedia | None]:
    """Audio, transcript, chapters and art of one episode.

    ``allowed`` is made afresh for each load of the catalogue, so it also marks one run of
    checks for the probe, which remembers which episode claimed each audio file first."""
    problems: list[Problem] = []
    # A file field that could not be read is None (catalogue._files_only): its own problem says why.
    audio_path, facts = (_check_audio(episode, source, settings, probe, allowed, problems)
                         if isinstance(episode.meta.audio, str) else (None, None))
    transcript_path, cues = (_check_transcript(episode, source, settings, allowed, problems)
                             if isinstance(episode.meta.transcript, str) else (None, []))
    image_path = _check_art(episode, source, settings, problems)
    if facts is not None:
        problems += _check_chapters(episode, source, facts)
    if problems or audio_path is None or facts is None or transcript_path is None:
        return problems, None
    return problems, EpisodeMedia(audio_path, facts, transcript_path,
                                  transcripts.MIME_TYPES[os.path.splitext(transcript_path)[1].lower()],
                                  cues, image_path)


def check_unique(episodes: list[tuple[Episode, Source]]) -> list[Problem]:
    """No two episodes share a guid, or a season and episode number."""
    problems = []
    guids: dict[str, Episode] = {}
    numbers: dict[tuple, Episode] = {}
    for episode, source in sorted(episodes, key=lambda p: p[0].path):
        m = episode.meta
        first = guids.setdefault(m.guid.strip().lower(), episode)
        if first is not episode:
            problems.append(Problem(episode.path, source.line_of(("guid",)), "guid",
                                    f"is the same as in {first.path}; every episode needs its own guid "
                                    "(a new one: python -c 'import uuid; print(uuid.uuid4())')"))
        if m.episode is not None:
            key = (m.season or 1, m.episode)
            first = numbers.setdefault(key, episode)
            if first is not episode:
                problems.append(Problem(episode.path, source.line_of(("episode",)), "episode",
                                        f"season {key[0]} episode {key[1]} is already {first.path}; "
                                        "give this episode the next free number"))
    return problems
