"""ID3v2.4 tags for the served MP3: title, show, author, date, cover art and chapters.

The source file in podcasts/audio/ is never modified: a tagged copy is written to the
build cache, named by a hash of the source's identity and of the tags, so an unchanged
rebuild reuses it without reading any audio.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from functools import lru_cache

from mutagen.id3 import APIC, CHAP, COMM, CTOC, ID3, TALB, TCON, TDRC, TIT2, TPE1, TRCK, WOAF, CTOCFlags


TAG_VERSION = 2
COVER_SIZE = 600  # pixels: enough for a phone's now-playing screen, about 40 KB instead of the full art


def cover_jpeg(path: str) -> bytes:
    """The show or episode art as a small square JPEG for the MP3's APIC frame.

    Made once per version of the art file, however many episodes carry it."""
    stat = os.stat(path)
    return _cover_jpeg(os.path.abspath(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=16)
def _cover_jpeg(path: str, size: int, mtime_ns: int) -> bytes:
    import io

    from PIL import Image

    with Image.open(path) as image:
        image = image.convert("RGB")
        image.thumbnail((COVER_SIZE, COVER_SIZE), Image.LANCZOS)
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


@dataclass(frozen=True)
class TagData:
    """What goes into the tags of one episode's MP3."""

    title: str
    show: str
    author: str
    date: str  # YYYY-MM-DD
    summary: str
    url: str
    episode: int | None
    chapters: tuple[tuple[int, int, str], ...]  # (start ms, end ms, title)
    art_path: str | None
    art_mime: str | None


def _key(src: str, tags: TagData) -> str:
    stat = os.stat(src)
    art = ""
    if tags.art_path:
        art_stat = os.stat(tags.art_path)
        art = f"{tags.art_path}|{art_stat.st_size}|{art_stat.st_mtime_ns}"
    blob = json.dumps([TAG_VERSION, os.path.abspath(src), stat.st_size, stat.st_mtime_ns, art, tags.__dict__], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def tagged_copy(src: str, cache_dir: str, tags: TagData) -> tuple[str, bool]:
    """Path of a tagged copy of ``src`` (made if missing), and whether it was made now."""
    if not src.lower().endswith(".mp3"):
        return src, False  # M4A files are served as they are
    folder = os.path.join(cache_dir, "tagged")
    dest = os.path.join(folder, f"{_key(src, tags)}-{os.path.basename(src)}")
    if os.path.exists(dest):
        return dest, False
    os.makedirs(folder, exist_ok=True)
    tmp = dest + ".tmp"
    shutil.copyfile(src, tmp)
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
        for ident, (start, end, title) in zip(ids, tags.chapters):
            id3.add(CHAP(element_id=ident, start_time=start, end_time=end, start_offset=0xFFFFFFFF,
                         end_offset=0xFFFFFFFF, sub_frames=[TIT2(encoding=3, text=[title])]))
    id3.save(tmp, v2_version=4, padding=lambda info: 0)
    os.replace(tmp, dest)
    return dest, True
