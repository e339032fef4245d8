"""Facts about an audio file (duration, byte size, MIME type), read with mutagen and cached.

The cache is keyed by path, size and modification time, so an unchanged rebuild reads
no audio at all; ``AudioProbe.reads`` counts the files actually opened.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

import mutagen
from mutagen.mp3 import MP3, HeaderNotFoundError
from mutagen.mp4 import MP4

MIME_TYPES = {".mp3": "audio/mpeg", ".m4a": "audio/x-m4a"}


class AudioError(Exception):
    """The file is not audio that the site can publish."""


@dataclass(frozen=True)
class AudioFacts:
    """What the feed and player need to know of one audio file."""

    duration: float  # seconds
    size: int  # bytes of the source file
    mime: str
    channels: int = 1
    bitrate: int = 0


_BITRATES = {  # kbit/s by (MPEG-1?, index) for Layer III
    True: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    False: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _last_frame_complete(data: bytes) -> bool:
    """Walk the MPEG Layer III frames of an MP3 and tell whether the last one is whole."""
    pos = 0
    if data[:3] == b"ID3" and len(data) >= 10:
        size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
        pos = 10 + size + (10 if data[5] & 0x10 else 0)
    end = len(data)
    if end >= 128 and data[end - 128:end - 125] == b"TAG":
        end -= 128
    frames = 0
    while pos + 4 <= end:
        b1, b2 = data[pos + 1], data[pos + 2]
        version, layer = (b1 >> 3) & 3, (b1 >> 1) & 3
        bitrate_index, rate_index = b2 >> 4, (b2 >> 2) & 3
        if data[pos] != 0xFF or b1 & 0xE0 != 0xE0 or version == 1 or layer != 1 \
                or bitrate_index in (0, 15) or rate_index == 3:
            return frames > 0 and pos >= end - 4  # trailing junk of a few bytes is tolerated
        rate = _RATES[version][rate_index]
        bitrate = _BITRATES[version == 3][bitrate_index] * 1000
        length = (144 if version == 3 else 72) * bitrate // rate + ((b2 >> 1) & 1)
        if pos + length > end:
            return False
        pos += length
        frames += 1
    return frames > 0


def _read(path: str) -> AudioFacts:
    ext = os.path.splitext(path)[1].lower()
    size = os.path.getsize(path)
    if size == 0:
        raise AudioError("is an empty file (0 bytes)")
    try:
        if ext == ".mp3":
            audio = MP3(path)
            # mutagen finds "a frame" in many non-MP3 files; insist on a plausible stream.
            if audio.info.sketchy or audio.info.length <= 0:
                raise AudioError("is not an MP3 file that players can read (no valid MPEG audio frames)")
        elif ext == ".m4a":
            audio = MP4(path)
        else:
            raise AudioError(f"has the extension '{ext}'; use .mp3 or .m4a")
    except (HeaderNotFoundError, mutagen.MutagenError) as exc:
        raise AudioError(f"cannot be read as {ext[1:].upper()} audio ({exc.__class__.__name__})") from None
    info = audio.info
    if not info.length or info.length <= 0:
        raise AudioError("has no audio in it (duration 0)")
    # A truncated file: the stream claims more audio than the bytes can hold.
    bitrate = int(getattr(info, "bitrate", 0) or 0)
    if ext == ".mp3":
        with open(path, "rb") as fh:
            data = fh.read()
        if (bitrate and info.length * bitrate / 8 > size * 1.5 + 4096) or not _last_frame_complete(data):
            raise AudioError("looks truncated: its last audio frame is cut short; export or copy the file again")
    return AudioFacts(round(float(info.length), 3), size, MIME_TYPES[ext], int(getattr(info, "channels", 1) or 1), bitrate)


class AudioProbe:
    """Reads audio facts once per file version, remembering them in a JSON cache file."""

    def __init__(self, cache_path: str | None = None):
        self.cache_path = cache_path
        self.reads = 0
        self._cache: dict[str, dict] = {}
        if cache_path and os.path.exists(cache_path):
            try:
                with open(cache_path, encoding="utf-8") as fh:
                    self._cache = json.load(fh)
            except (OSError, ValueError):
                self._cache = {}
        self._dirty = False

    def facts(self, path: str) -> AudioFacts:
        """Duration, size and type of ``path``; raises AudioError for anything but good audio."""
        stat = os.stat(path)
        key = f"{os.path.abspath(path)}|{stat.st_size}|{stat.st_mtime_ns}"
        hit = self._cache.get(key)
        if hit is not None:
            if "error" in hit:
                raise AudioError(hit["error"])
            return AudioFacts(**hit)
        self.reads += 1
        self._dirty = True
        try:
            facts = _read(path)
        except AudioError as exc:
            self._cache[key] = {"error": str(exc)}
            raise
        self._cache[key] = asdict(facts)
        return facts

    def save(self) -> None:
        """Write the cache back if anything new was learned."""
        if not (self.cache_path and self._dirty):
            return
        os.makedirs(os.path.dirname(self.cache_path), exist_ok=True)
        tmp = self.cache_path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(self._cache, fh, sort_keys=True)
        os.replace(tmp, self.cache_path)
        self._dirty = False
