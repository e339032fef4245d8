"""Facts about an audio file (duration, byte size, MIME type), read with mutagen and cached.

Only audio that podcast apps can play gets through: an MP3 must be whole MPEG frames (tags
at either end, ID3, APEv2 or Lyrics3, are stepped over); an M4A must hold an audio track,
every box it declares, and enough bytes for the length it claims. Anything else is an
:class:`AudioError` whose message tells an editor what to do.

The cache is keyed by path, size and modification time (and the version of these checks),
so an unchanged rebuild reads no audio at all; ``AudioProbe.reads`` counts the files
actually opened.
"""

from __future__ import annotations

import contextlib
import json
import os
import struct
from dataclasses import asdict, dataclass
from typing import cast

import mutagen
from mutagen.mp3 import MP3, HeaderNotFoundError, MPEGInfo
from mutagen.mp4 import MP4

MIME_TYPES = {".mp3": "audio/mpeg", ".m4a": "audio/x-m4a"}


class AudioError(Exception):
    """The file is not audio that the site can publish."""


@dataclass(frozen=True)
class AudioFacts:
    """What the feed and player need to know of one audio file."""

    duration: float  # seconds
    mime: str


_BITRATES = {  # kbit/s by (MPEG-1?, index) for Layer III
    True: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    False: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _synchsafe(data: bytes) -> int:
    """A 28-bit ID3v2 size from four 7-bit bytes."""
    return (data[0] << 21) | (data[1] << 14) | (data[2] << 7) | data[3]


def _leading_id3_end(data: bytes) -> int:
    """Where the audio starts: after every ID3v2 tag at the start of the file (some tools stack them)."""
    pos = 0
    while data[pos:pos + 3] == b"ID3" and pos + 10 <= len(data) and all(b < 0x80 for b in data[pos + 6:pos + 10]):
        pos += 10 + _synchsafe(data[pos + 6:pos + 10]) + (10 if data[pos + 5] & 0x10 else 0)
    return min(pos, len(data))


def _trailing_tag(data: bytes, end: int) -> int:
    """The length of the tag that ends at ``end``: ID3v1, APEv2, Lyrics3v2 or an appended ID3v2; 0 if none."""
    if end >= 128 and data[end - 128:end - 125] == b"TAG":
        return 128
    if end >= 32 and data[end - 32:end - 24] == b"APETAGEX":  # the footer: size counts it, not the header
        size, flags = struct.unpack("<I4xI", data[end - 20:end - 8])
        return size + (32 if flags & 0x80000000 else 0)
    if end >= 15 and data[end - 9:end] == b"LYRICS200" and data[end - 15:end - 9].isdigit():
        return int(data[end - 15:end - 9]) + 15
    if end >= 10 and data[end - 10:end - 7] == b"3DI" and all(b < 0x80 for b in data[end - 4:end]):
        return 20 + _synchsafe(data[end - 4:end])
    return 0


def mp3_audio_span(data: bytes) -> tuple[int, int]:
    """``(start, end)`` of the MPEG audio in an MP3: the bytes between the tags at either end."""
    start, end = _leading_id3_end(data), len(data)
    while (tag := _trailing_tag(data, end)) and end - tag >= start:
        end -= tag
    return start, end


def _last_frame_complete(data: bytes) -> bool:
    """Walk the MPEG Layer III frames of an MP3 and tell whether the last one is whole."""
    pos, end = mp3_audio_span(data)
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


TRUNCATED = "looks truncated: its last audio frame is cut short; export or copy the file again"
NOT_M4A = "is not an M4A audio file (it may be another kind of file renamed); export it again as M4A or MP3"
CUT_SHORT = "looks truncated or damaged: it ends part-way through its data; export or copy the file again"
MIN_BYTES_PER_SECOND = 500  # 4 kbit/s: below any speech codec, so a longer claim means missing audio


def _box_length(head: bytes, left: int) -> int:
    """The length of the MP4 box whose header is ``head``, with ``left`` bytes left in the file."""
    length = struct.unpack(">I", head[:4])[0]
    if length == 1:  # a 64-bit length follows the kind
        return struct.unpack(">Q", head[8:16])[0] if len(head) >= 16 else left + 1
    return length or left  # 0: the box runs to the end of the file


def _mp4_top_boxes(path: str, size: int) -> list[bytes]:
    """The kinds of an MP4 file's top-level boxes, reading only their headers.

    Raises AudioError if the file is not MP4 at all, or if a box runs past the end of the
    file (a cut-short copy). Bytes that are not a box after the movie and its media data
    (padding some tools leave) are ignored."""
    kinds: list[bytes] = []
    with open(path, "rb") as fh:
        pos = 0
        while pos < size:
            fh.seek(pos)
            head = fh.read(16)
            if not kinds and head[4:8] != b"ftyp":
                raise AudioError(NOT_M4A)
            if len(head) < 8 or not all(32 <= b < 127 for b in head[4:8]):
                if {b"moov", b"mdat"} <= set(kinds):
                    break
                raise AudioError(CUT_SHORT)
            length = _box_length(head, size - pos)
            if length < 8 or length > size - pos:
                raise AudioError(CUT_SHORT)
            kinds.append(head[4:8])
            pos += length
    return kinds


def _check_mp4(info, size: int) -> None:
    """An M4A must hold an audio track, and enough bytes for the length it claims."""
    if not info.codec or not info.sample_rate:
        raise AudioError("has no audio track that players can play (it may be a video or an empty file); "
                         "export the sound again as M4A or MP3")
    bitrate = int(info.bitrate or 0)
    if info.length * MIN_BYTES_PER_SECOND > size or (bitrate and info.length * bitrate / 8 > size * 1.5 + 4096):
        raise AudioError(f"says it lasts {_clock(info.length)} but is far too small to hold that much audio; "
                         "it may be damaged or cut short: export or copy the file again")


def _clock(seconds: float) -> str:
    """Hours, minutes and seconds, as editors read a length."""
    whole = int(seconds)
    if whole >= 3600:
        return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"
    return f"{whole // 60}:{whole % 60:02d}"


def _open(path: str, ext: str, size: int):
    """The file opened with mutagen as the type its extension names."""
    if ext == ".mp3":
        audio = MP3(path)
        info = cast(MPEGInfo, audio.info)  # mutagen declares FileType.info as None
        # mutagen finds "a frame" in many non-MP3 files; insist on a plausible stream.
        if info.sketchy or info.length <= 0:
            raise AudioError("is not an MP3 file that players can read (no valid MPEG audio frames); "
                             "export it again as MP3")
        return audio
    if ext == ".m4a":
        if b"moov" not in _mp4_top_boxes(path, size):
            raise AudioError("has no audio track that players can play; export the sound again as M4A or MP3")
        return MP4(path)
    raise AudioError(f"has the extension '{ext}'; use .mp3 or .m4a")


def _read(path: str) -> AudioFacts:
    ext = os.path.splitext(path)[1].lower()
    size = os.path.getsize(path)
    if size == 0:
        raise AudioError("is an empty file (0 bytes)")
    try:
        audio = _open(path, ext, size)
    except (HeaderNotFoundError, mutagen.MutagenError):
        raise AudioError(f"cannot be read as {ext[1:].upper()} audio: it may be damaged, or another kind of file "
                         "renamed; export it again as MP3 or M4A") from None
    info = audio.info
    if ext == ".m4a":
        _check_mp4(info, size)
    if not info.length or info.length <= 0:
        raise AudioError("has no audio in it (duration 0)")
    # A truncated file: the stream claims more audio than the bytes can hold.
    bitrate = int(getattr(info, "bitrate", 0) or 0)
    if ext == ".mp3":
        with open(path, "rb") as fh:
            data = fh.read()
        if (bitrate and info.length * bitrate / 8 > size * 1.5 + 4096) or not _last_frame_complete(data):
            raise AudioError(TRUNCATED)
    return AudioFacts(round(float(info.length), 3), MIME_TYPES[ext])


CHECKS_VERSION = 3  # part of every cache key: new checks never trust the verdicts of old ones


class AudioProbe:
    """Reads audio facts once per file version, remembering them in a JSON cache file.

    It also remembers, for one run of checks, which episode uses which audio file
    (:meth:`first_user`), so two episodes never share one."""

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
        if not isinstance(self._cache, dict):
            self._cache = {}
        prefix = f"{CHECKS_VERSION}|"
        self._dirty = any(not key.startswith(prefix) for key in self._cache)  # old verdicts are dropped
        self._cache = {key: value for key, value in self._cache.items() if key.startswith(prefix)}
        self._run: object = None
        self._users: dict[str, str] = {}

    def facts(self, path: str) -> AudioFacts:
        """Duration, size and type of ``path``; raises AudioError for anything but good audio."""
        stat = os.stat(path)
        key = f"{CHECKS_VERSION}|{os.path.abspath(path)}|{stat.st_size}|{stat.st_mtime_ns}"
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

    def first_user(self, path: str, user: str, run: object) -> str:
        """The first user of the file ``path`` in this run of checks: ``user`` itself unless
        another claimed the same file (by any name or link) earlier in the run.

        ``run`` is any object that lives as long as one run of checks; a new one starts
        afresh, so a probe kept between rebuilds never remembers files that were let go."""
        if run is not self._run:
            self._run, self._users = run, {}
        return self._users.setdefault(os.path.realpath(path), user)

    def save(self) -> None:
        """Write the cache back if anything new was learned; a cache that cannot be written
        (a read-only folder, or a file where the folder should be) costs time, never the build."""
        if not (self.cache_path and self._dirty):
            return
        tmp = f"{self.cache_path}.{os.getpid()}.tmp"
        try:
            os.makedirs(os.path.dirname(self.cache_path), exist_ok=True)
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(self._cache, fh, sort_keys=True)
            os.replace(tmp, self.cache_path)
        except OSError:
            with contextlib.suppress(OSError):
                os.remove(tmp)
            return
        self._dirty = False
