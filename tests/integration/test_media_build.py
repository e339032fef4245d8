"""A whole build serves clean copies of M4A audio and art, even when the cache cannot be written."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import feedparser
import pytest
from mutagen.mp4 import MP4
from PIL import Image

from conftest import VTT, episode, run_build

pytestmark = pytest.mark.slow

_spec = importlib.util.spec_from_file_location("media_files", Path(__file__).parents[1] / "unit" / "test_media.py")
media_files = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(media_files)  # the M4A and art makers of the unit tests
SECRET = media_files.SECRET


def test_m4a_and_art_are_served_clean_when_the_cache_is_a_plain_file(project, tmp_path):
    art = media_files.jpeg(tmp_path / "ep.jpg", exif=media_files.exif_with_secrets(), comment=SECRET)
    root = project({
        "podcasts/ep.md": episode(audio="audio/ep.m4a", extra="image: art/ep.jpg\n"),
        "podcasts/audio/ep.m4a": media_files.m4a(metadata=True),
        "podcasts/transcripts/ep.vtt": VTT,
        "podcasts/art/ep.jpg": art,
        "podcasts/art/show-cover.png": media_files.png_with_metadata(tmp_path / "show.png"),
        ".cache": "a file where the cache folder would be",
    })
    built = run_build(root)
    assert built.returncode == 0, built.output
    assert "Traceback" not in built.output
    served = built.site / "podcast/audio/ep.m4a"
    assert SECRET not in served.read_bytes() and MP4(served).tags["\xa9nam"] == ["Episode 1, building a national network"]
    assert SECRET in (root / "podcasts/audio/ep.m4a").read_bytes()  # the source is untouched
    feed = feedparser.parse(built.read("podcast/feed.xml"))
    (enclosure,) = feed.entries[0].enclosures
    assert enclosure.type == "audio/x-m4a" and int(enclosure.length) == served.stat().st_size
    for url in (feed.entries[0].image.href, feed.feed.image.href):
        path = built.site / url.removeprefix("https://cln.example.org/")
        assert SECRET not in path.read_bytes()
        with Image.open(path) as image:
            assert image.size == (1400, 1400) and "exif" not in image.info
