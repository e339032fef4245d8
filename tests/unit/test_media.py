"""Served media carry only what the build writes, and every bad audio or art file is a Problem.

Real MP3s come from espeak-ng and lame (see conftest); M4A files are built box by box here,
so no encoder is needed; art is made with Pillow. Nothing here builds a site.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
from dataclasses import replace
from pathlib import Path

import pytest
from mutagen.apev2 import APENoHeaderError, APEv2
from mutagen.id3 import COMM, ID3, PRIV, TIT2, TXXX
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from PIL import Image, PngImagePlugin

from cln import images, rules, served, tagging
from cln.audio import CHECKS_VERSION, AudioError, AudioProbe, _last_frame_complete, mp3_audio_span
from cln.catalogue import Settings, load_catalogue
from cln.errors import ContentError
from cln.feeds.podcast import podcast_feed
from cln.plan import plan_site
from cln.settings import ShowSettings, SiteSettings
from cln.urls import hashed_name
from conftest import DOCS, REPO, VTT, episode, write_tree

SECRET = b"SECRET-WARD-7"  # stands for anything an editor's tools left in a file


# ---------------------------------------------------------------- making files


def box(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I4s", len(body) + 8, kind) + body


def full(kind: bytes, body: bytes, flags: int = 0) -> bytes:
    return box(kind, struct.pack(">I", flags) + body)


def esds(bitrate: int, config: bool = True) -> bytes:
    config = bytes([0x05, 2, 0x12, 0x08]) if config else b""  # AAC LC, 44.1 kHz, mono
    decoder = bytes([0x04, 13 + len(config), 0x40, 0x15, 0, 0, 0]) + struct.pack(">II", bitrate, bitrate) + config
    es = bytes([0x03, 3 + len(decoder) + 3, 0, 1, 0]) + decoder + bytes([0x06, 1, 2])
    return full(b"esds", es)


def m4a(*, seconds: int = 10, rate: int = 44100, handler: bytes = b"soun", payload: bytes | None = None,
        metadata: bool = False, moov_first: bool = True, entry_rate: int | None = None) -> bytes:
    """A small M4A that mutagen reads like a real one: one AAC track of ``seconds``, 32 kbit/s.

    ``metadata`` adds what editing tools leave behind: iTunes tags, a location, XMP and padding."""
    payload = payload if payload is not None else bytes(i * 7 % 251 for i in range(seconds * 4000))
    ftyp = box(b"ftyp", b"M4A \x00\x00\x02\x00M4A mp42isom")

    def moov(offset: int) -> bytes:
        sample_rate = rate if entry_rate is None else entry_rate
        entry = box(b"mp4a", bytes(6) + struct.pack(">H", 1) + bytes(8) + struct.pack(">HHHHI", 1, 16, 0, 0, sample_rate << 16)
                    + esds(32000, config=entry_rate is None))
        stbl = box(b"stbl", full(b"stsd", struct.pack(">I", 1) + entry)
                   + full(b"stts", struct.pack(">III", 1, 1, seconds * rate))
                   + full(b"stsc", struct.pack(">IIII", 1, 1, 1, 1))
                   + full(b"stsz", struct.pack(">II", len(payload), 1))
                   + full(b"stco", struct.pack(">II", 1, offset)))
        minf = box(b"minf", full(b"smhd", bytes(4)) + box(b"dinf", full(b"dref", struct.pack(">I", 1) + full(b"url ", b"", 1)))
                   + stbl)
        mdia = box(b"mdia", full(b"mdhd", struct.pack(">IIIIHH", 0, 0, rate, seconds * rate, 0x55C4, 0))
                   + full(b"hdlr", bytes(4) + handler + bytes(12) + b"sound\x00") + minf)
        trak = box(b"trak", full(b"tkhd", struct.pack(">IIIII", 0, 0, 1, 0, seconds * 1000) + bytes(60), 7) + mdia)
        mvhd = full(b"mvhd", struct.pack(">IIII", 0, 0, 1000, seconds * 1000) + bytes(80))
        udta = b""
        if metadata:
            ilst = box(b"ilst", box(b"\xa9nam", full(b"data", struct.pack(">I", 0) + SECRET, 1)))
            udta = box(b"udta", box(b"\xa9xyz", b"\x00\x12\x15\xc7+51.5074-000.1278/" + SECRET)
                       + full(b"meta", full(b"hdlr", bytes(4) + b"mdirappl" + bytes(10)) + ilst))
        return box(b"moov", mvhd + udta + trak)

    extra = box(b"uuid", bytes(16) + b"<x:xmpmeta>" + SECRET) + box(b"free", SECRET) if metadata else b""
    mdat = box(b"mdat", payload)
    if moov_first:
        offset = len(ftyp) + len(moov(0)) + len(extra) + 8
        return ftyp + moov(offset) + extra + mdat
    return ftyp + extra + mdat + moov(len(ftyp) + len(extra) + 8)


def png(path: Path, size=(1400, 1400), mode="RGB", **save) -> Path:
    """A PNG of random-looking pixels (so it does not compress to nothing)."""
    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3) if size[0] < 5000 else b"")
    image = image.convert(mode) if mode != "RGB" else image
    image.save(path, **save)
    return path


def jpeg(path: Path, size=(1400, 1400), **save) -> Path:
    Image.new("RGB", size, (0, 94, 184)).save(path, format="JPEG", **save)
    return path


def exif_with_secrets() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010E] = SECRET.decode()  # ImageDescription
    exif[0x013B] = "Dr Example"  # Artist
    return exif


def rgb_icc() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def png_with_metadata(path: Path, mode="RGB") -> Path:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET.decode())
    info.add_text("Author", SECRET.decode(), zip=True)
    info.add_itxt("XML:com.adobe.xmp", f"<x:xmpmeta>{SECRET.decode()}</x:xmpmeta>")
    return png(path, mode=mode, pnginfo=info, exif=exif_with_secrets(), icc_profile=rgb_icc())


TAGS = tagging.TagData(title="Episode 1", show="The show", author="The network", date="2009-02-12",
                       summary="What it is about.", url="https://cln.example.org/podcast/ep/", episode=3,
                       chapters=((0, 2000, "Start"), (2000, 4000, "Middle")), art_path=None)


# ---------------------------------------------------------------- MP3: checks and tagged copies


def add_ape_and_v1(path: Path) -> None:
    ape = APEv2()
    ape["Comment"] = SECRET.decode()
    ape.save(path)
    v1 = ID3()
    v1.add(TIT2(encoding=3, text=[SECRET.decode()]))
    v1.save(path, v1=2)  # an ID3v1 tag as well, after the APEv2 tag


def test_mp3_with_apev2_and_id3v1_tags_is_not_called_truncated(mp3s, tmp_path):
    path = tmp_path / "tagged.mp3"
    shutil.copyfile(mp3s["short"], path)
    add_ape_and_v1(path)
    data = path.read_bytes()
    assert data[-128:-125] == b"TAG" and b"APETAGEX" in data[-200:]
    assert _last_frame_complete(data)
    facts = AudioProbe().facts(str(path))
    assert abs(facts.duration - MP3(mp3s["short"]).info.length) < 0.1


def test_mp3_with_only_apev2_footer_is_not_called_truncated(mp3s, tmp_path):
    path = tmp_path / "ape.mp3"
    shutil.copyfile(mp3s["short"], path)
    ape = APEv2()
    ape["Title"] = "x"
    ape.save(path)
    assert path.read_bytes()[-32:-24] == b"APETAGEX"
    AudioProbe().facts(str(path))


def test_truncated_mp3_with_apev2_tag_is_still_truncated(mp3s, tmp_path):
    data = mp3s["long"].read_bytes()
    path = tmp_path / "cut.mp3"
    path.write_bytes(data[: len(data) // 2 + 7])
    ape = APEv2()
    ape["Title"] = "x"
    ape.save(path)
    with pytest.raises(AudioError, match="looks truncated"):
        AudioProbe().facts(str(path))


def test_mp3_audio_span_skips_tags_at_both_ends(mp3s, tmp_path):
    path = tmp_path / "span.mp3"
    shutil.copyfile(mp3s["short"], path)
    original = mp3s["short"].read_bytes()
    id3 = ID3()
    id3.add(TXXX(encoding=3, desc="note", text=[SECRET.decode()]))
    id3.save(path)
    add_ape_and_v1(path)
    data = path.read_bytes()
    start, end = mp3_audio_span(data)
    assert data[start:end] == original[slice(*mp3_audio_span(original))]


def test_served_mp3_carries_only_the_builds_id3_tag(mp3s, tmp_path, show_art):
    src = tmp_path / "src.mp3"
    shutil.copyfile(mp3s["short"], src)
    id3 = ID3()
    id3.add(TXXX(encoding=3, desc="patient", text=[SECRET.decode()]))
    id3.add(PRIV(owner="tool", data=SECRET))
    id3.add(COMM(encoding=3, lang="eng", desc="", text=[SECRET.decode()]))
    id3.save(src)
    add_ape_and_v1(src)
    before = src.read_bytes()
    served, made = tagging.tagged_copy(str(src), str(tmp_path / "cache"), _with(TAGS, art_path=str(show_art)))
    assert made and src.read_bytes() == before  # the source is never touched
    data = Path(served).read_bytes()
    assert SECRET not in data
    assert data[-128:-125] != b"TAG" and b"APETAGEX" not in data
    with pytest.raises(APENoHeaderError):
        APEv2(served)
    tags = ID3(served)
    assert sorted({frame.FrameID for frame in tags.values()}) == [
        "APIC", "CHAP", "COMM", "CTOC", "TALB", "TCON", "TDRC", "TIT2", "TPE1", "TRCK", "WOAF"]
    assert str(tags["TIT2"]) == "Episode 1" and str(tags["TRCK"]) == "3"
    start, end = mp3_audio_span(data)
    assert data[start:end] == before[slice(*mp3_audio_span(before))]  # the audio itself, byte for byte
    assert abs(MP3(served).info.length - MP3(mp3s["short"]).info.length) < 0.1
    assert tagging.tagged_copy(str(src), str(tmp_path / "cache"), _with(TAGS, art_path=str(show_art))) == (served, False)


def _with(tags: tagging.TagData, **changes) -> tagging.TagData:
    return replace(tags, **changes)


# ---------------------------------------------------------------- M4A: checks and clean copies


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_a_good_m4a_is_accepted(tmp_path):
    facts = AudioProbe().facts(write(tmp_path, "ok.m4a", m4a(seconds=10)))
    assert facts.duration == 10 and facts.mime == "audio/x-m4a"
    assert AudioProbe().facts(write(tmp_path, "last.m4a", m4a(seconds=10, moov_first=False))).duration == 10


@pytest.mark.parametrize("name,data,message", [
    ("no audio track", m4a(handler=b"vide"), "has no audio track"),
    ("zero sample rate", m4a(entry_rate=0), "has no audio track"),
    ("huge duration", m4a(seconds=36000, payload=bytes(40000)), "says it lasts 10:00:00 but is far too small"),
    ("truncated, moov first", m4a()[:-15000], "looks truncated"),
    ("truncated, moov last", m4a(moov_first=False)[:-100], "looks truncated"),
    ("not an mp4", b"This is a text file, not audio. " * 200, "is not an M4A audio file"),
    ("an mp3 renamed", None, "is not an M4A audio file"),
    ("only a header", m4a()[:40], "looks truncated"),
])
def test_bad_m4a_files_are_refused_with_a_clear_message(tmp_path, mp3s, name, data, message):
    data = mp3s["short"].read_bytes() if data is None else data
    with pytest.raises(AudioError) as caught:
        AudioProbe().facts(write(tmp_path, "bad.m4a", data))
    assert message in str(caught.value)
    assert "Error" not in str(caught.value)  # no exception class names for editors


def test_m4a_with_padding_after_its_boxes_is_accepted_and_served_without_it(tmp_path):
    src = write(tmp_path, "padded.m4a", m4a(metadata=True) + bytes(100))
    assert AudioProbe().facts(src).duration == 10
    served, _ = tagging.tagged_copy(src, str(tmp_path / "cache"), TAGS)
    data = Path(served).read_bytes()
    assert SECRET not in data and not data.endswith(bytes(100)) and MP4(served).info.length == 10


def test_probe_does_not_trust_verdicts_of_older_checks(tmp_path, mp3s):
    path = tmp_path / "ape.mp3"
    shutil.copyfile(mp3s["short"], path)
    stat = path.stat()
    cache = tmp_path / "audio.json"
    cache.write_text(json.dumps({f"{path}|{stat.st_size}|{stat.st_mtime_ns}": {"error": "looks truncated"}}))
    probe = AudioProbe(str(cache))
    assert probe.facts(str(path)).duration > 0 and probe.reads == 1
    probe.save()
    assert all(key.startswith(f"{CHECKS_VERSION}|") for key in json.loads(cache.read_text()))


def test_served_m4a_has_no_metadata_but_the_builds_and_the_audio_intact(tmp_path, show_art):
    payload = bytes(i * 13 % 253 for i in range(40000))
    src = write(tmp_path, "src.m4a", m4a(payload=payload, metadata=True))
    before = Path(src).read_bytes()
    assert SECRET in before and AudioProbe().facts(src).duration == 10
    served, made = tagging.tagged_copy(src, str(tmp_path / "cache"), _with(TAGS, art_path=str(show_art)))
    assert made and Path(src).read_bytes() == before and served != src
    data = Path(served).read_bytes()
    assert SECRET not in data and b"xyz" not in data and b"uuid" not in data
    mp4 = MP4(served)
    assert sorted(mp4.tags.keys()) == ["covr", "trkn", "\xa9ART", "\xa9alb", "\xa9cmt", "\xa9day", "\xa9gen", "\xa9nam"]
    assert mp4.tags["\xa9nam"] == ["Episode 1"] and mp4.tags["\xa9day"] == ["2009-02-12"]
    assert mp4.tags["\xa9alb"] == ["The show"] and mp4.tags["\xa9ART"] == ["The network"]
    with Image.open(io.BytesIO(bytes(mp4.tags["covr"][0]))) as cover:
        assert cover.format == "JPEG" and cover.size == (600, 600)
    assert mp4.info.length == 10 and mp4.info.sample_rate == 44100
    (offset,) = struct.unpack(">I", data[data.index(b"stco") + 12:data.index(b"stco") + 16])
    assert data[offset:offset + len(payload)] == payload  # the chunk offset follows the audio
    assert AudioProbe().facts(served).duration == 10


def test_served_m4a_with_moov_after_the_audio_keeps_its_offsets(tmp_path):
    payload = bytes(i * 5 % 241 for i in range(40000))
    src = write(tmp_path, "src.m4a", m4a(payload=payload, metadata=True, moov_first=False))
    served, _ = tagging.tagged_copy(src, str(tmp_path / "cache"), TAGS)
    data = Path(served).read_bytes()
    (offset,) = struct.unpack(">I", data[data.index(b"stco") + 12:data.index(b"stco") + 16])
    assert data[offset:offset + len(payload)] == payload and SECRET not in data


def test_served_copies_are_the_same_bytes_every_time(tmp_path, mp3s, show_art):
    src = write(tmp_path, "src.m4a", m4a(metadata=True))
    tags = _with(TAGS, art_path=str(show_art))
    one, _ = tagging.tagged_copy(src, str(tmp_path / "a"), tags)
    two, _ = tagging.tagged_copy(src, str(tmp_path / "b"), tags)
    assert Path(one).read_bytes() == Path(two).read_bytes()
    one, _ = tagging.tagged_copy(str(mp3s["short"]), str(tmp_path / "a"), tags)
    two, _ = tagging.tagged_copy(str(mp3s["short"]), str(tmp_path / "b"), tags)
    assert Path(one).read_bytes() == Path(two).read_bytes()


# ---------------------------------------------------------------- art: checks


def test_good_art_passes(tmp_path):
    assert images.check_art(str(png(tmp_path / "a.png"))).size == (1400, 1400)
    assert images.check_art(str(jpeg(tmp_path / "a.jpg", size=(3000, 3000)))).format == "JPEG"


@pytest.mark.parametrize("name,make,message", [
    ("small", lambda p: png(p / "a.png", size=(600, 600)), "is a 600×600 PNG; podcast apps need a square JPEG or PNG"),
    ("not square", lambda p: png(p / "a.png", size=(1400, 1500)), "is a 1400×1500 PNG"),
    ("gif", lambda p: _gif(p / "a.png"), "is a 1400×1400 GIF"),
    ("not an image", lambda p: _text(p / "a.png"), "is not an image; use a JPEG or PNG file"),
    ("truncated png", lambda p: _cut(png(p / "a.png")), "looks truncated or damaged"),
    ("truncated jpeg", lambda p: _cut(jpeg(p / "a.jpg", quality=100)), "looks truncated or damaged"),
    ("wrong extension", lambda p: jpeg(p / "a.png"), "is a JPEG file but its name ends in '.png'; rename it to end in '.jpg'"),
    ("bomb", lambda p: _huge_png(p / "a.png", 20000), "is too large to open safely"),
])
def test_bad_art_is_an_image_error_never_a_pillow_exception(tmp_path, name, make, message):
    path = make(tmp_path)
    with pytest.raises(images.ImageError) as caught:
        images.check_art(str(path))
    assert message in str(caught.value)
    root = tmp_path / "project"
    (root / "podcasts/art").mkdir(parents=True)
    (root / f"podcasts/art/show{path.suffix}").write_bytes(path.read_bytes())
    problems = rules.check_show_art(Settings(root=str(root), show_art=f"art/show{path.suffix}"))
    assert [p.field for p in problems] == ["plugins.cln.podcast.image"] and message in problems[0].message


def test_pillow_decompression_bomb_warning_is_an_error(tmp_path, monkeypatch):
    path = png(tmp_path / "a.png")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_500_000)  # 1400² is over it, but not twice over
    with pytest.raises(images.ImageError, match="too large to open safely"):
        images.check_art(str(path))


def _gif(path: Path) -> Path:
    Image.new("P", (1400, 1400)).save(path, format="GIF")
    return path


def _text(path: Path) -> Path:
    path.write_text("not a picture at all\n" * 100)
    return path


def _cut(path: Path) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _huge_png(path: Path, side: int) -> Path:
    """A PNG header claiming ``side``² pixels, with almost no data: a decompression bomb's shape."""
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b""))
    return path


# ---------------------------------------------------------------- art: clean copies


def test_served_png_keeps_its_pixels_and_loses_its_metadata(tmp_path):
    src = png_with_metadata(tmp_path / "art.png")
    with Image.open(src) as original:
        assert {"icc_profile", "exif", "Comment", "Author", "XML:com.adobe.xmp"} <= set(original.info)
        pixels, mode = original.tobytes(), original.mode
    served, made = tagging.clean_art_copy(str(src), str(tmp_path / "cache"))
    assert made and os.path.basename(served) == "art.png"
    data = Path(served).read_bytes()
    assert SECRET not in data and b"Dr Example" not in data and b"iCCP" not in data and b"eXIf" not in data
    with Image.open(served) as copy:
        assert copy.info == {} and copy.mode == mode and copy.tobytes() == pixels
    again, _ = tagging.clean_art_copy(str(src), str(tmp_path / "other-cache"))
    assert Path(again).read_bytes() == data  # the same bytes from the same picture


def test_served_palette_png_keeps_its_transparency(tmp_path):
    src = tmp_path / "art.png"
    image = Image.new("P", (1400, 1400), 1)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    image.save(src, transparency=0)
    served, _ = tagging.clean_art_copy(str(src), str(tmp_path / "cache"))
    with Image.open(src) as a, Image.open(served) as b:
        assert b.mode == "P" and b.info == {"transparency": 0}
        assert a.convert("RGBA").tobytes() == b.convert("RGBA").tobytes()


def test_served_jpeg_loses_exif_xmp_icc_and_comments(tmp_path):
    src = jpeg(tmp_path / "art.jpg", exif=exif_with_secrets(), icc_profile=rgb_icc(), comment=SECRET,
               xmp=b"<x:xmpmeta>" + SECRET + b"</x:xmpmeta>")
    assert SECRET in src.read_bytes()
    served, _ = tagging.clean_art_copy(str(src), str(tmp_path / "cache"))
    data = Path(served).read_bytes()
    assert SECRET not in data and b"Exif" not in data and b"ICC_PROFILE" not in data
    with Image.open(served) as copy:
        assert copy.format == "JPEG" and copy.size == (1400, 1400)
        assert not {"exif", "icc_profile", "comment", "xmp"} & set(copy.info)
        assert copy.getpixel((700, 700)) == pytest.approx((0, 94, 184), abs=3)
    again, _ = tagging.clean_art_copy(str(src), str(tmp_path / "other-cache"))
    assert Path(again).read_bytes() == data


def test_served_jpeg_is_turned_the_way_its_exif_said(tmp_path):
    image = Image.new("RGB", (1400, 1400), (255, 255, 255))
    image.paste((255, 0, 0), (0, 0, 700, 700))  # red at the top left as stored
    exif = Image.Exif()
    exif[0x0112] = 3  # shown turned half a circle
    src = tmp_path / "art.jpg"
    image.save(src, exif=exif, quality=95)
    served, _ = tagging.clean_art_copy(str(src), str(tmp_path / "cache"))
    with Image.open(served) as copy:
        assert copy.getpixel((1300, 1300))[1] < 50  # red now at the bottom right, as it was shown


def test_cover_tag_carries_no_jpeg_comment(tmp_path):
    src = jpeg(tmp_path / "art.jpg", comment=SECRET, exif=exif_with_secrets())
    assert SECRET not in images.cover_jpeg(str(src))


# ---------------------------------------------------------------- the cache, when it cannot be written


def test_cache_that_is_a_plain_file_falls_back_to_a_private_folder(tmp_path, mp3s, show_art):
    (tmp_path / ".cache").write_text("not a folder")
    cache = str(tmp_path / ".cache" / "cln")
    served, made = tagging.tagged_copy(str(mp3s["short"]), cache, TAGS)
    assert made and os.path.isfile(served) and not served.startswith(str(tmp_path))
    art, _ = tagging.clean_art_copy(str(show_art), cache)
    assert os.path.isfile(art) and os.path.basename(art) == "show.png"
    probe = AudioProbe(os.path.join(cache, "audio.json"))
    probe.facts(str(mp3s["short"]))
    probe.save()  # cannot be written: no error


def test_read_only_cache_falls_back_to_a_private_folder(tmp_path, mp3s, monkeypatch):
    cache = tmp_path / "cache"
    cache.mkdir()
    real_makedirs = os.makedirs

    def read_only(path, *args, **kwargs):  # the same as chmod 555, even for root
        if str(path).startswith(str(cache)):
            raise PermissionError(13, "Permission denied", str(path))
        return real_makedirs(path, *args, **kwargs)

    monkeypatch.setattr(os, "makedirs", read_only)
    served, made = tagging.tagged_copy(str(mp3s["short"]), str(cache), _with(TAGS, title="Read-only"))
    assert made and os.path.isfile(served) and not served.startswith(str(cache))
    assert ID3(served)["TIT2"].text == ["Read-only"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to a read-only folder")
def test_chmod_read_only_cache_falls_back(tmp_path, mp3s):
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o555)
    try:
        served, made = tagging.tagged_copy(str(mp3s["short"]), str(cache), TAGS)
        assert made and not served.startswith(str(cache))
    finally:
        cache.chmod(0o755)


# ---------------------------------------------------------------- the catalogue's checks


def project(tmp_path: Path, files: dict[str, str | bytes | Path]) -> Settings:
    root = tmp_path / "project"
    write_tree(root, {"taxonomy.yml": REPO / "taxonomy.yml", **DOCS, **files})
    return Settings(root=str(root))


def problems(settings: Settings, probe: AudioProbe | None = None) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_catalogue(settings, probe)
    return [str(p) for p in caught.value.problems]


@pytest.fixture
def one_episode(mp3s, show_art):
    return {"podcasts/ep.md": episode(), "podcasts/audio/ep.mp3": mp3s["short"], "podcasts/transcripts/ep.vtt": VTT,
            "podcasts/art/show-cover.png": show_art}


def test_two_episodes_with_one_audio_file(tmp_path, one_episode):
    settings = project(tmp_path, {**one_episode, "podcasts/ep2.md": episode(2)})
    assert problems(settings) == ["podcasts/ep2.md:6: audio: podcasts/audio/ep.mp3 is already the audio of "
                                  "podcasts/ep.md; each episode needs its own file"]


def test_two_episodes_with_one_audio_file_under_two_names(tmp_path, one_episode):
    settings = project(tmp_path, {**one_episode, "podcasts/ep2.md": episode(2, audio="audio/alias.mp3")})
    os.symlink("ep.mp3", os.path.join(settings.podcasts_dir, "audio/alias.mp3"))
    assert problems(settings) == ["podcasts/ep2.md:6: audio: podcasts/audio/alias.mp3 is already the audio of "
                                  "podcasts/ep.md; each episode needs its own file"]


def test_a_probe_kept_between_loads_forgets_old_claims(tmp_path, one_episode, mp3s):
    settings = project(tmp_path, {**one_episode, "podcasts/audio/ep2.mp3": mp3s["long"],
                                  "podcasts/ep2.md": episode(2, audio="audio/ep2.mp3")})
    probe = AudioProbe()
    load_catalogue(settings, probe)
    root = Path(settings.root)  # swap the two files round: no episode shares a file
    (root / "podcasts/ep.md").write_text(episode(1, audio="audio/ep2.mp3"))
    (root / "podcasts/ep2.md").write_text(episode(2, audio="audio/ep.mp3"))
    assert len(load_catalogue(settings, probe).episodes) == 2


@pytest.mark.parametrize("field,value,rename", [
    ("audio", "audio/Episode 3 final.mp3", "audio/episode-3-final.mp3"),
    ("audio", "audio/ep%201.mp3", "audio/ep-201.mp3"),
    ("transcript", "transcripts/ep #1.vtt", "transcripts/ep-1.vtt"),
    ("image", "art/cover?.png", "art/cover.png"),
])
def test_file_names_podcast_apps_cannot_fetch(tmp_path, one_episode, field, value, rename):
    source = {"audio": "podcasts/audio/ep.mp3", "transcript": "podcasts/transcripts/ep.vtt",
              "image": "podcasts/art/show-cover.png"}[field]
    files = {k: v for k, v in one_episode.items() if not (k == source and field != "image")}
    files[f"podcasts/{value}"] = one_episode[source]
    text = episode(extra=f"image: '{value}'\n") if field == "image" else episode(**{field: f"'{value}'"})
    (found,) = problems(project(tmp_path, {**files, "podcasts/ep.md": text}))
    assert f"{field}: the file name '{value}' has " in found
    assert f"rename the file podcasts/{value} to '{rename}'" in found


@pytest.mark.parametrize("make,message", [
    (lambda p: png(p, size=(1000, 1000)), "image: podcasts/art/ep.png is a 1000×1000 PNG; podcast apps need a square"),
    (lambda p: _text(p), "image: podcasts/art/ep.png is not an image"),
    (lambda p: _cut(png(p)), "image: podcasts/art/ep.png looks truncated or damaged"),
    (lambda p: _huge_png(p, 20000), "image: podcasts/art/ep.png is too large to open safely"),
])
def test_bad_episode_art_is_a_problem_on_the_image_field(tmp_path, one_episode, make, message):
    settings = project(tmp_path, {**one_episode, "podcasts/ep.md": episode(extra="image: art/ep.png\n")})
    make(Path(settings.podcasts_dir) / "art/ep.png")
    (found,) = problems(settings)
    assert found.startswith("podcasts/ep.md:") and message in found


def test_an_m4a_without_audio_is_a_problem_on_the_audio_field(tmp_path, one_episode):
    files = {**one_episode, "podcasts/ep.md": episode(audio="audio/ep.m4a"), "podcasts/audio/ep.m4a": m4a(handler=b"vide")}
    (found,) = problems(project(tmp_path, files))
    assert found.startswith("podcasts/ep.md:6: audio: podcasts/audio/ep.m4a has no audio track")


# ---------------------------------------------------------------- the plan: what is served


INFO = SiteSettings(site_name="Test", site_url="https://cln.example.org/",
                    show=ShowSettings(title="The show", description="Talks.", author="The network",
                                      owner_name="The network", owner_email="cln@example.org", copyright="©"))


def plan_of(catalogue, root):
    return plan_site(catalogue, root, INFO, served.prepare(catalogue, root, INFO))


def test_plan_serves_clean_copies_named_by_their_own_bytes(tmp_path, one_episode):
    art = png_with_metadata(tmp_path / "ep-art.png")
    settings = project(tmp_path, {**one_episode, "podcasts/ep.md": episode(audio="audio/ep.m4a", extra="image: art/ep.png\n"),
                                  "podcasts/audio/ep.m4a": m4a(metadata=True), "podcasts/art/ep.png": art,
                                  "podcasts/art/show-cover.png": png_with_metadata(tmp_path / "show.png")})
    catalogue = load_catalogue(settings)
    plan = plan_of(catalogue, settings.root)
    static = {item.src_uri: item for item in plan.static}
    for uri in (plan.art_uri, plan.image_uri["ep"]):
        served_copy = static[uri].path
        assert uri == hashed_name(served_copy, "podcast/art") and served_copy.startswith(os.path.join(settings.root, ".cache"))
        assert SECRET not in Path(served_copy).read_bytes()
    assert plan.art_uri.startswith("podcast/art/show-cover-") and plan.image_uri["ep"].startswith("podcast/art/ep-")
    served_audio = static["podcast/audio/ep.m4a"].path
    assert served_audio == plan.served_audio["ep"] and SECRET not in Path(served_audio).read_bytes()
    assert SECRET in (Path(settings.podcasts_dir) / "audio/ep.m4a").read_bytes()  # the source is untouched
    feed = podcast_feed(catalogue, plan, INFO, {}).decode()
    assert f'length="{os.path.getsize(served_audio)}"' in feed
    assert f'href="https://cln.example.org/{plan.image_uri["ep"]}"' in feed


def test_plan_builds_when_the_cache_is_a_plain_file(tmp_path, one_episode):
    settings = project(tmp_path, {**one_episode, ".cache": "a file where the cache folder would be"})
    plan = plan_of(load_catalogue(settings), settings.root)
    assert os.path.isfile(plan.served_audio["ep"]) and ID3(plan.served_audio["ep"])["TIT2"]
