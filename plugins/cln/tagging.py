"""The copies of audio and art that the site serves, carrying only what the build writes.

The source files in podcasts/ are never modified. Each served copy is written to the build
cache, named by a hash of the source's identity (and of the tags, for audio), so an unchanged
rebuild reuses it without reading any audio:

* an MP3 keeps only its MPEG audio, with a fresh ID3v2.4 tag (title, show, author, date,
  summary, cover art and chapters) and no ID3v1, APEv2 or Lyrics3 tag;
* an M4A loses all its metadata (the iTunes tags, and any user data, XMP or padding that
  could hold old text or a location) and gets the same fields as the MP3, where MP4 has them;
* art is re-saved by Pillow with nothing but its pixels (see :mod:`cln.images`).

When the cache folder cannot be written (read-only, or a file stands where the folder
should be), the copies go to a private temporary folder instead, and the build goes on.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import re
import struct
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import cast

import mutagen
import mutagen.apev2
from mutagen.id3 import APIC, CHAP, COMM, CTOC, ID3, TALB, TCON, TDRC, TIT2, TPE1, TRCK, WOAF, CTOCFlags
from mutagen.mp4 import MP4, MP4Cover, MP4Tags

from . import images
from .audio import mp3_audio_span

TAG_VERSION = 3  # part of every cache key: a new way of tagging makes new copies
ART_VERSION = 1
COVER_SIZE = images.COVER_SIZE
cover_jpeg = images.cover_jpeg


class TaggingError(Exception):
    """A served copy of a file could not be made; the message says what to do."""


@dataclass(frozen=True)
class TagData:
    """What goes into the tags of one episode's audio file."""

    title: str
    show: str
    author: str
    date: str  # YYYY-MM-DD
    summary: str
    url: str
    episode: int | None
    chapters: tuple[tuple[int, int, str], ...]  # (start ms, end ms, title)
    art_path: str | None


# ---------------------------------------------------------------- the cache, and its fallback


@lru_cache(maxsize=1)
def _private_folder() -> tempfile.TemporaryDirectory:
    """A temporary folder only this process can use, removed when it ends."""
    return tempfile.TemporaryDirectory(prefix="cln-media-")


def _identity(path: str) -> list:
    """What identifies one version of a file without reading it."""
    stat = os.stat(path)
    return [os.path.abspath(path), stat.st_size, stat.st_mtime_ns]


def _key(*parts) -> str:
    blob = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def cached_output(cache_dir: str, name: str, make: Callable[[str], None]) -> tuple[str, bool]:
    """Path of ``cache_dir/name``, made by ``make(temporary path)`` if missing, and whether it
    was made now. Falls back to a private temporary folder when ``cache_dir`` cannot be written."""
    try:
        return _made(os.path.join(cache_dir, name), make)
    except OSError:
        return _made(os.path.join(_private_folder().name, name), make)


def _made(dest: str, make: Callable[[str], None]) -> tuple[str, bool]:
    """``dest``, made unless it exists; written under another name and renamed, so a file in
    the cache is never seen half-written and never changes once made."""
    if os.path.isfile(dest):
        return dest, False
    tmp = f"{dest}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        make(tmp)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
    return dest, True


# ---------------------------------------------------------------- audio


def tagged_copy(src: str, cache_dir: str, tags: TagData) -> tuple[str, bool]:
    """Path of the served copy of ``src`` (made if missing), and whether it was made now.

    Raises TaggingError if the audio cannot be rewritten."""
    writer = _WRITERS.get(os.path.splitext(src)[1].lower())
    if writer is None:
        raise TaggingError("is neither MP3 nor M4A")
    art = _identity(tags.art_path) if tags.art_path else ""
    name = os.path.join("tagged", f"{_key(TAG_VERSION, _identity(src), art, asdict(tags))}-{os.path.basename(src)}")
    try:
        return cached_output(cache_dir, name, lambda tmp: writer(src, tmp, tags))
    except (mutagen.MutagenError, images.ImageError, ValueError, struct.error) as exc:
        raise TaggingError(str(exc) or exc.__class__.__name__) from None


def _write_mp3(src: str, dest: str, tags: TagData) -> None:
    """The MPEG audio of ``src`` alone, then a fresh ID3v2.4 tag."""
    with open(src, "rb") as fh:
        data = fh.read()
    start, end = mp3_audio_span(data)
    with open(dest, "wb") as fh:
        fh.write(data[start:end])
    mutagen.apev2.delete(dest)  # the span already leaves these out; this makes sure
    _id3(tags).save(dest, v1=0, v2_version=4, padding=lambda info: 0)


def _id3(tags: TagData) -> ID3:
    """Every frame the served MP3 carries."""
    id3 = ID3()
    id3.add(TIT2(encoding=3, text=[tags.title]))
    id3.add(TALB(encoding=3, text=[tags.show]))
    id3.add(TPE1(encoding=3, text=[tags.author]))
    id3.add(TDRC(encoding=3, text=[tags.date]))
    id3.add(TCON(encoding=3, text=["Podcast"]))
    id3.add(COMM(encoding=3, lang="eng", desc="", text=[tags.summary]))
    id3.add(WOAF(url=tags.url))
    if tags.episode:
        id3.add(TRCK(encoding=3, text=[str(tags.episode)]))
    if tags.art_path:
        id3.add(APIC(encoding=3, mime="image/jpeg", type=3, desc="Cover", data=cover_jpeg(tags.art_path)))
    if tags.chapters:
        ids = [f"chp{i}" for i in range(len(tags.chapters))]
        id3.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                     sub_frames=[TIT2(encoding=3, text=["Chapters"])]))
        for ident, (start, end, title) in zip(ids, tags.chapters, strict=True):
            id3.add(CHAP(element_id=ident, start_time=start, end_time=end, start_offset=0xFFFFFFFF,
                         end_offset=0xFFFFFFFF, sub_frames=[TIT2(encoding=3, text=[title])]))
    return id3


def _write_m4a(src: str, dest: str, tags: TagData) -> None:
    """``src`` without any metadata, then the iTunes tags the build writes."""
    with open(src, "rb") as fh:
        data = fh.read()
    with open(dest, "wb") as fh:
        fh.write(strip_mp4(data))
    mp4 = MP4(dest)
    mp4.delete(dest)  # the iTunes tags, if stripping left any (a fragmented file keeps its user data)
    mp4 = MP4(dest)
    if mp4.tags is None:
        mp4.add_tags()
    cast(MP4Tags, mp4.tags).update(_mp4_fields(tags))  # mutagen declares FileType.tags as None
    mp4.save(dest, padding=lambda info: 0)


_WRITERS = {".mp3": _write_mp3, ".m4a": _write_m4a}


def _mp4_fields(tags: TagData) -> dict[str, list]:
    """The MP3's frames, as the iTunes atoms an M4A has for them."""
    fields: dict[str, list] = {"\xa9nam": [tags.title], "\xa9alb": [tags.show], "\xa9ART": [tags.author],
                               "\xa9day": [tags.date], "\xa9gen": ["Podcast"], "\xa9cmt": [tags.summary]}
    if tags.episode:
        fields["trkn"] = [(tags.episode, 0)]
    if tags.art_path:
        fields["covr"] = [MP4Cover(cover_jpeg(tags.art_path), imageformat=MP4Cover.FORMAT_JPEG)]
    return fields


# ---------------------------------------------------------------- MP4 boxes

_DESCEND = frozenset({b"moov", b"trak", b"mdia", b"minf", b"stbl"})  # boxes of boxes, down to the sample tables
_DROP = frozenset({b"udta", b"meta", b"uuid", b"free", b"skip"})  # metadata, XMP, and padding that may hold old text


@dataclass(frozen=True)
class _Box:
    kind: bytes
    start: int
    header: int  # bytes of header: 8, or 16 with a 64-bit length
    end: int


def _boxes(data: bytes, start: int, end: int, top: bool = False) -> list[_Box]:
    """The boxes laid end to end in ``data[start:end]``; ValueError if they do not fit exactly.

    At the ``top`` of a file, bytes after the last box that are not a box are left out."""
    boxes: list[_Box] = []
    pos = start
    while pos < end:
        if pos + 8 > end or (top and not all(32 <= b < 127 for b in data[pos + 4:pos + 8])):
            if top and boxes:
                break
            raise ValueError("a box header is cut short")
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        header = 16 if length == 1 else 8
        if length == 1:
            length = struct.unpack(">Q", data[pos + 8:pos + 16])[0]
        elif length == 0:
            length = end - pos
        if length < header or pos + length > end:
            raise ValueError(f"the {kind!r} box does not fit")
        boxes.append(_Box(kind, pos, header, pos + length))
        pos += length
    return boxes


def _render(kind: bytes, body: bytes) -> bytes:
    if len(body) + 8 < 1 << 32:
        return struct.pack(">I4s", len(body) + 8, kind) + body
    return struct.pack(">I4sQ", 1, kind, len(body) + 16) + body


def _rebuilt(data: bytes, box: _Box, move: Callable[[int], int]) -> bytes:
    """``box`` without its metadata children, its chunk offsets passed through ``move``."""
    body = data[box.start + box.header:box.end]
    if box.kind in _DESCEND:
        children = _boxes(data, box.start + box.header, box.end)
        body = b"".join(_rebuilt(data, child, move) for child in children if child.kind not in _DROP)
    elif box.kind in (b"stco", b"co64"):
        (count,) = struct.unpack(">I", body[4:8])
        table = f">{count}{'I' if box.kind == b'stco' else 'Q'}"
        end = 8 + struct.calcsize(table)
        body = body[:8] + struct.pack(table, *map(move, struct.unpack(table, body[8:end]))) + body[end:]
    else:
        return data[box.start:box.end]
    return _render(box.kind, body)


def strip_mp4(data: bytes) -> bytes:
    """An MP4 file without user data, metadata, XMP or padding boxes, its audio where it was
    relative to the boxes around it. A fragmented file, or one whose boxes do not parse, is
    returned as it is (mutagen still removes its iTunes tags)."""
    try:
        top = _boxes(data, 0, len(data), top=True)
        if any(box.kind == b"moof" for box in top):
            return data
        kept = [box for box in top if box.kind not in _DROP]
        sizes = [len(_rebuilt(data, box, lambda offset: offset)) if box.kind == b"moov" else box.end - box.start
                 for box in kept]  # chunk offsets never change a box's size
        starts = list(itertools.accumulate(sizes, initial=0))

        def move(offset: int) -> int:
            for box, start in zip(kept, starts, strict=False):  # starts has one more: the end
                if box.start <= offset < box.end and box.kind != b"moov":
                    return offset - box.start + start
            raise ValueError(f"a chunk offset {offset} points outside the media data")

        return b"".join(_rebuilt(data, box, move) if box.kind == b"moov" else data[box.start:box.end] for box in kept)
    except (ValueError, struct.error):
        return data


# ---------------------------------------------------------------- art


def clean_art_copy(src: str, cache_dir: str) -> tuple[str, bool]:
    """Path of the served copy of the art ``src``, with its own file name, made if missing.

    Raises images.ImageError if Pillow cannot read it."""
    name = os.path.join("art", _key(ART_VERSION, _identity(src)), os.path.basename(src))

    def make(tmp: str) -> None:
        with open(tmp, "wb") as fh:
            fh.write(images.clean_bytes(src))

    return cached_output(cache_dir, name, make)


# ---------------------------------------------------------------- names


_UNSAFE = re.compile(r"[^A-Za-z0-9._/-]")


def unsafe_characters(name: str) -> list[str]:
    """The characters of a file path (with '/' between folders) that a feed cannot carry
    as they are: anything but letters, digits, '-', '_' and '.'; each named once, in order."""
    described = {" ": "a space", "\t": "a tab"}
    return list(dict.fromkeys(described.get(c, f"'{c}'") for c in _UNSAFE.findall(name)))


def safe_name(name: str) -> str:
    """``name`` with only safe characters, for an editor to rename a file to: each folder or
    file name that has others is lowercased and hyphenated ('audio/Episode 3 final.mp3' →
    'audio/episode-3-final.mp3'); the parts that are already safe are kept."""
    return "/".join(_safe_part(part) if _UNSAFE.search(part) else part for part in name.split("/"))


def _safe_part(part: str) -> str:
    stem, ext = os.path.splitext(part) if part not in (".", "..") else (part, "")
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    safe = re.sub(r"[^a-z0-9._-]+", "-", ascii_stem.lower()).strip("-") or "file"
    return safe + re.sub(r"[^a-z0-9.]", "", ext.lower())
