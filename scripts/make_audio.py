#!/usr/bin/env python3
"""Make the sample podcast episodes' audio, transcripts and chapter lists from plain-text scripts.

A script is a UTF-8 text file, podcasts/scripts/<slug>.txt:

    # Welcome                      <- a line starting with "# " starts a chapter
    Host: Hello and welcome...     <- "Speaker: text" is one spoken turn
    Dr Amira Example: Thank you.   <- a turn may run on over following lines
    ; a line starting with ";" is a comment and is not spoken

For each script this writes

    podcasts/audio/<slug>.mp3        mono MP3 (16 kHz, 16 kbit/s CBR), no ID3 tag
    podcasts/transcripts/<slug>.vtt  WebVTT, one cue per turn, <v Speaker> voice tags

and prints the chapters (the start, MM:SS, of the first turn of each chapter) as YAML. If
podcasts/<slug>.md exists, its front matter's `chapters:` block is rewritten to match; the
rest of the file is left exactly as it was.

Each turn is spoken by espeak-ng (British English). Speakers get voices in the order they
first speak in the script: the first (the host) a male voice, the second a female voice,
the third a second male voice, the fourth a second female voice. Turns are joined with a
short silence (a longer one between chapters), so every cue's start and end are known
exactly from the measured length of the synthesised speech.

The output depends only on the script and the installed espeak-ng and lame: the same
input gives byte-identical files.

Needs the Debian packages espeak-ng and lame (`make system-deps`). Python standard
library only.

Usage:
    python scripts/make_audio.py podcasts/scripts/cln-001-one-network-ten-regions.txt
    python scripts/make_audio.py --all
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PODCASTS = os.path.join(ROOT, "podcasts")
SCRIPTS = os.path.join(PODCASTS, "scripts")

MAX_BYTES = 400 * 1024  # every episode's MP3 must stay under this
RATE = 22050  # espeak-ng's output rate; the WAV is resampled by lame
TURN_GAP = 0.45  # seconds of silence between turns
CHAPTER_GAP = 0.9  # seconds of silence before the first turn of a new chapter
TAIL = 0.5  # seconds of silence at the end

# (espeak-ng voice, pitch 0-99, speed in words a minute), in order of first appearance.
VOICES = [
    ("en-gb", 42, 172),
    ("en-gb+f3", 58, 168),
    ("en-gb-x-rp+m3", 30, 168),
    ("en-gb+f4", 50, 170),
]

# How some abbreviations are said; the transcript keeps them as written.
SAY = {
    "CLN": "C L N",
    "SHA": "S H A",
    "SHAs": "S H A's",
    "PCT": "P C T",
    "PCTs": "P C T's",
    "GP": "G P",
    "GPs": "G P's",
    "NHS": "N H S",
    "Dr": "Doctor",
}

LAME_ARGS = ["-m", "m", "--resample", "16", "-b", "16", "--cbr", "-q", "2", "--noreplaygain"]


@dataclass
class Turn:
    speaker: str
    text: str
    chapter: int  # index into Script.chapters
    start: float = 0.0
    end: float = 0.0


@dataclass
class Script:
    slug: str
    chapters: list[str] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)


class ScriptError(Exception):
    pass


def parse_script(path: str) -> Script:
    """Read a script file into chapters and turns."""
    slug = os.path.splitext(os.path.basename(path))[0]
    script = Script(slug)
    with open(path, encoding="utf-8") as fh:
        lines = fh.read().replace("\r\n", "\n").removeprefix("\ufeff").split("\n")
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        if line.startswith("#"):
            title = line.lstrip("#").strip()
            if not title:
                raise ScriptError(f"{path}:{number}: a chapter line needs a title after '#'")
            script.chapters.append(title)
            continue
        match = re.match(r"^([A-Za-z][^:]{0,60}):\s+(.+)$", line)
        if match:
            if not script.chapters:
                script.chapters.append("Introduction")
            script.turns.append(Turn(match.group(1).strip(), match.group(2).strip(), len(script.chapters) - 1))
        elif script.turns:
            script.turns[-1].text += " " + line  # a turn running on over several lines
        else:
            raise ScriptError(f"{path}:{number}: expected '# Chapter title' or 'Speaker: text'")
    if not script.turns:
        raise ScriptError(f"{path}: no spoken turns ('Speaker: text' lines)")
    used = {t.chapter for t in script.turns}
    empty = [title for i, title in enumerate(script.chapters) if i not in used]
    if empty:
        raise ScriptError(f"{path}: chapter(s) with no spoken turns: {', '.join(empty)}")
    return script


def spoken(text: str) -> str:
    """The text as espeak-ng should say it."""
    for word, say in SAY.items():
        text = re.sub(rf"\b{re.escape(word)}\b", say, text)
    return text


def synthesise(text: str, voice: tuple[str, int, int], out: str) -> bytes:
    """Speak ``text`` into a WAV file and return its 16-bit mono frames at RATE."""
    name, pitch, speed = voice
    subprocess.run(
        ["espeak-ng", "-v", name, "-p", str(pitch), "-s", str(speed), "-w", out, "--", spoken(text)],
        check=True, stdout=subprocess.DEVNULL,
    )
    with wave.open(out, "rb") as wav:
        if (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) != (1, 2, RATE):
            raise RuntimeError(f"espeak-ng wrote an unexpected WAV format: {wav.getparams()}")
        return wav.readframes(wav.getnframes())


def silence(seconds: float) -> bytes:
    return b"\x00\x00" * round(seconds * RATE)


def clock(seconds: float) -> str:
    """Seconds as a WebVTT timestamp, HH:MM:SS.mmm."""
    ms = round(seconds * 1000)
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{ms:03d}"


def mmss(seconds: float) -> str:
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def vtt_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render(script: Script, workdir: str) -> tuple[bytes, float]:
    """Synthesise every turn, fill in its start and end, and return the joined frames."""
    voices: dict[str, tuple[str, int, int]] = {}
    parts: list[bytes] = []
    frames = 0
    previous_chapter = None
    for i, turn in enumerate(script.turns):
        if turn.speaker not in voices:
            voices[turn.speaker] = VOICES[len(voices) % len(VOICES)]
        if i:
            gap = silence(CHAPTER_GAP if turn.chapter != previous_chapter else TURN_GAP)
            parts.append(gap)
            frames += len(gap) // 2
        speech = synthesise(turn.text, voices[turn.speaker], os.path.join(workdir, f"turn-{i:03d}.wav"))
        turn.start = frames / RATE
        parts.append(speech)
        frames += len(speech) // 2
        turn.end = frames / RATE
        previous_chapter = turn.chapter
    tail = silence(TAIL)
    parts.append(tail)
    frames += len(tail) // 2
    return b"".join(parts), frames / RATE


def encode(frames: bytes, workdir: str, mp3_path: str) -> None:
    """Write the frames as a WAV and encode it with lame to a mono MP3 with no tags."""
    wav_path = os.path.join(workdir, "episode.wav")
    with wave.open(wav_path, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(frames)
    tmp = mp3_path + ".tmp"
    subprocess.run(["lame", "--quiet", *LAME_ARGS, wav_path, tmp], check=True)
    with open(tmp, "rb") as fh:
        data = fh.read()
    if data[:3] == b"ID3" or data[-128:-125] == b"TAG":
        os.remove(tmp)
        raise RuntimeError(f"lame wrote an ID3 tag into {mp3_path}; the source audio must have none")
    if len(data) >= MAX_BYTES:
        os.remove(tmp)
        raise ScriptError(f"{mp3_path} would be {len(data)} bytes, over the {MAX_BYTES} byte limit: "
                          "shorten the script")
    os.replace(tmp, mp3_path)


def write_vtt(script: Script, path: str) -> None:
    lines = ["WEBVTT", ""]
    for i, turn in enumerate(script.turns, start=1):
        lines += [str(i), f"{clock(turn.start)} --> {clock(turn.end)}",
                  f"<v {turn.speaker}>{vtt_text(turn.text)}</v>", ""]
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(lines))


def chapter_starts(script: Script) -> list[tuple[str, str]]:
    """(MM:SS, title) of each chapter: the start of its first turn, the first at 00:00."""
    out: list[tuple[str, str]] = []
    for index, title in enumerate(script.chapters):
        first = next(t for t in script.turns if t.chapter == index)
        start = "00:00" if index == 0 else mmss(first.start)
        if out and start <= out[-1][0]:
            raise ScriptError(f"{script.slug}: chapter '{title}' would start at {start}, "
                              f"no later than '{out[-1][1]}'; give each chapter more speech")
        out.append((start, title))
    return out


def yaml_scalar(text: str) -> str:
    """A plain YAML scalar when that is safe, otherwise a double-quoted one."""
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ,.'()/?!-]*", text) and not re.search(r"[:#]", text) \
            and text.lower() not in {"yes", "no", "true", "false", "on", "off", "null", "y", "n"}:
        return text
    return json.dumps(text, ensure_ascii=False)


def chapters_yaml(chapters: list[tuple[str, str]]) -> str:
    lines = ["chapters:"]
    for start, title in chapters:
        lines += [f'  - start: "{start}"', f"    title: {yaml_scalar(title)}"]
    return "\n".join(lines) + "\n"


def update_page(md_path: str, block: str) -> bool:
    """Replace the `chapters:` block of the page's front matter (or add one); True if changed."""
    with open(md_path, encoding="utf-8") as fh:
        text = fh.read()
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ScriptError(f"{md_path}: no front matter (the first line must be ---)")
    try:
        close = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    except StopIteration:
        raise ScriptError(f"{md_path}: the front matter has no closing ---") from None
    new_block = block.rstrip("\n").split("\n")
    start = next((i for i in range(1, close) if re.match(r"^chapters\s*:", lines[i])), None)
    if start is None:
        lines[close:close] = new_block
    else:
        end = start + 1
        while end < close and (lines[end].startswith((" ", "\t", "-")) or not lines[end].strip()):
            end += 1
        lines[start:end] = new_block
    updated = "\n".join(lines)
    if updated == text:
        return False
    with open(md_path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(updated)
    return True


def make(path: str) -> dict:
    """Make one episode's MP3, transcript and chapters; return a summary."""
    script = parse_script(path)
    audio_dir = os.path.join(PODCASTS, "audio")
    vtt_dir = os.path.join(PODCASTS, "transcripts")
    os.makedirs(audio_dir, exist_ok=True)
    os.makedirs(vtt_dir, exist_ok=True)
    mp3_path = os.path.join(audio_dir, f"{script.slug}.mp3")
    vtt_path = os.path.join(vtt_dir, f"{script.slug}.vtt")
    with tempfile.TemporaryDirectory(prefix="make-audio-") as workdir:
        frames, duration = render(script, workdir)
        encode(frames, workdir, mp3_path)
    size = os.path.getsize(mp3_path)
    write_vtt(script, vtt_path)
    chapters = chapter_starts(script)
    block = chapters_yaml(chapters)
    md_path = os.path.join(PODCASTS, f"{script.slug}.md")
    updated = update_page(md_path, block) if os.path.exists(md_path) else None
    return {"slug": script.slug, "duration": duration, "size": size, "turns": len(script.turns),
            "words": sum(len(t.text.split()) for t in script.turns), "block": block, "page": updated}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Turn podcast scripts (podcasts/scripts/<slug>.txt) into a mono MP3, a WebVTT "
                    "transcript and a chapter list; update the episode page's chapters if it exists.",
        epilog="Needs espeak-ng and lame on the PATH. Same script in, byte-identical files out.")
    parser.add_argument("scripts", nargs="*", help="script files to render")
    parser.add_argument("--all", action="store_true", help="render every podcasts/scripts/*.txt")
    args = parser.parse_args(argv)
    paths = list(args.scripts)
    if args.all:
        paths += sorted(os.path.join(SCRIPTS, n) for n in os.listdir(SCRIPTS)
                        if n.endswith(".txt") and not n.startswith(("_", ".")))
    if not paths:
        parser.error("name one or more scripts, or use --all")
    missing = [tool for tool in ("espeak-ng", "lame") if shutil.which(tool) is None]
    if missing:
        print(f"make_audio: install {' and '.join(missing)} first (make system-deps)", file=sys.stderr)
        return 2
    try:
        for path in paths:
            result = make(path)
            note = {True: "chapters updated", False: "chapters unchanged", None: "no page yet"}[result["page"]]
            print(f"# {result['slug']}: {result['duration']:.1f} s, {result['size']} bytes, "
                  f"{result['turns']} turns, {result['words']} words; {note}")
            print(result["block"])
    except (ScriptError, OSError, subprocess.CalledProcessError, RuntimeError) as exc:
        print(f"make_audio: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
