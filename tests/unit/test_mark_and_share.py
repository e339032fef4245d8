"""The network's mark, the icons and show cover drawn from it, and the share images."""

from __future__ import annotations

import io
import os
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from PIL import Image

from cln import mark, share
from conftest import REPO

SVG = "{http://www.w3.org/2000/svg}"
LONG_TITLE = ("How a network of clinical leaders in every region worked with managers, commissioners and "
              "patients to redesign the whole pathway of care for people with long-term conditions, "
              "from the first appointment to the last, over three years of action learning sets")


def image(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def colours(picture: Image.Image) -> set:
    return {colour for _count, colour in picture.getcolors(picture.width * picture.height)}


def fresh_draws() -> None:
    """Forget everything drawn or loaded before, so the next drawing starts from nothing."""
    mark._masks.cache_clear()
    share.shipped_font.cache_clear()


# ---------------------------------------------------------------- the mark and the icons


@pytest.mark.parametrize("uri", ["assets/cln/mark.svg", "assets/cln/favicon.svg"])
def test_the_mark_svg_parses_and_names_the_network(uri):
    root = ET.fromstring(mark.site_files()[uri])
    assert root.tag == f"{SVG}svg" and root.get("viewBox") == "0 0 100 100"
    assert root.find(f"{SVG}title").text == "Clinical Leaders Network"
    # Drawn from the geometry: one path for every stroke of it, and nothing else drawn in it.
    assert len(root.findall(f".//{SVG}path")) == len(mark.STROKES)
    assert not root.findall(f".//{SVG}image") and not root.findall(f".//{SVG}text")


def test_the_header_logo_and_the_favicon_differ_only_in_colour():
    files = mark.site_files()
    logo, icon = files["assets/cln/mark.svg"].decode(), files["assets/cln/favicon.svg"].decode()
    assert 'fill="#FFFFFF"' in logo and 'fill="#005EB8"' in icon  # white tile in the blue header; blue in a tab
    assert logo.replace("#FFFFFF", "X").replace("#005EB8", "Y") == icon.replace("#005EB8", "X").replace("#FFFFFF", "Y")


def test_icons_have_their_sizes_and_the_touch_icon_is_opaque():
    files = mark.site_files()
    favicon, touch = image(files["assets/cln/favicon.png"]), image(files["assets/cln/apple-touch-icon.png"])
    assert favicon.size == (32, 32) and favicon.mode == "RGBA"
    assert touch.size == (180, 180) and touch.mode == "RGB"  # iOS paints a transparent icon's corners black
    assert touch.getpixel((0, 0)) == (0, 94, 184) and touch.getpixel((179, 179)) == (0, 94, 184)


def test_icons_are_the_same_bytes_every_time():
    first = mark.site_files()
    fresh_draws()
    assert mark.site_files() == first


def test_the_mark_reads_at_16_px():
    """At 16 px the strands are still white on blue, crossing in the middle column and parting
    at the sides: not a blur of light blue."""
    tile = Image.new("RGB", (16, 16), (255, 255, 255))
    mark.draw_mark(tile, (0, 0, 16, 16), mark.WHITE, tile=mark.NHS_BLUE)
    pixels = [tile.getpixel((x, y)) for y in range(16) for x in range(16)]
    white = sum(1 for p in pixels if min(p) > 200)
    blue = sum(1 for p in pixels if p[0] < 60 and p[2] > 150)
    assert white >= 40 and blue >= 60, (white, blue)  # both clear, neither swamping the other
    # Where the strands cross (a quarter and three quarters of the way down), the middle is white.
    assert min(tile.getpixel((7, 5))) > 150 or min(tile.getpixel((8, 5))) > 150
    assert min(tile.getpixel((7, 10))) > 150 or min(tile.getpixel((8, 10))) > 150


def test_the_mark_can_be_drawn_at_any_size_and_colour_without_touching_the_rest():
    canvas = Image.new("RGB", (300, 200), (1, 2, 3))
    mark.draw_mark(canvas, (100, 50, 164, 114), mark.DARK_BLUE)
    assert canvas.getpixel((10, 10)) == (1, 2, 3) and canvas.getpixel((200, 150)) == (1, 2, 3)
    assert (0, 48, 135) in colours(canvas.crop((100, 50, 164, 114)))  # dark blue, solid inside the strands


# ---------------------------------------------------------------- the show cover


def test_the_show_cover_is_the_one_make_art_draws_and_fits_podcast_apps():
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    (plugin,) = [p["cln"] for p in config["plugins"] if isinstance(p, dict) and "cln" in p]
    path = REPO / "podcasts" / plugin["podcast"]["image"]
    assert path.name != "show-cover.png"  # a new name, so podcast apps fetch the new cover
    data = path.read_bytes()
    cover = image(data)
    assert cover.format == "PNG" and cover.mode == "RGB" and 1400 <= cover.width == cover.height <= 3000
    assert len(data) < 500_000
    assert not cover.info.get("exif") and not any(k in cover.info for k in ("tIME", "Software", "Creation Time"))
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import make_art
    finally:
        sys.path.remove(str(REPO / "scripts"))
    assert mark.png_bytes(make_art.draw_cover()) == data, "run `make art`: the cover is out of date"


# ---------------------------------------------------------------- share images


def card(title="Choose and Book uptake in the North West: from fourth to first", badge=""):
    return share.Card(title=title, kicker="Case study", details="Planned care · North West",
                      network="Clinical Leaders Network", badge=badge)


def test_a_share_image_is_1200_by_630_and_the_same_bytes_on_every_draw():
    first = share.card_png(card())
    fresh_draws()
    second = share.card_png(card())
    assert first == second
    drawn = image(first)
    assert drawn.format == "PNG" and drawn.size == (1200, 630) and drawn.mode == "RGB"
    assert not drawn.info.get("exif") and "tIME" not in drawn.info
    assert share.card_png(card("Another title")) != first


def test_share_images_use_the_shipped_font_only(monkeypatch):
    face = share.shipped_font(share.BOLD, 40)
    assert os.path.dirname(face.path) == share.FONTS
    assert (Path(share.FONTS) / "LICENSE").read_text(encoding="utf-8").count("SIL Open Font License") >= 1
    # Even with no fonts on the machine at all, the image is drawn the same.
    before = share.card_png(card())
    fresh_draws()
    monkeypatch.setattr("PIL.ImageFont.load_default", lambda *a, **k: pytest.fail("fell back to a default font"))
    assert share.card_png(card()) == before


def test_a_long_title_wraps_and_fits_inside_the_image():
    width = share.WIDTH - 2 * share.MARGIN
    face, lines = share.fit_title(LONG_TITLE, width, share.TITLE_BOTTOM - share.TITLE_TOP)
    assert 1 < len(lines) <= share.TITLE_LINES
    assert all(face.getlength(line) <= width for line in lines)
    assert len(lines) * share.line_height(int(face.size)) <= share.TITLE_BOTTOM - share.TITLE_TOP
    assert lines[-1].endswith("…")  # cut, and says so
    # The longest title the contract allows (120 characters) is never cut.
    longest = ("Maternity and newborn: how midwives, obstetricians and managers in one London unit built "
               "one-team handovers, over a year")
    assert len(longest) == 120
    face, lines = share.fit_title(longest, width, share.TITLE_BOTTOM - share.TITLE_TOP)
    assert " ".join(lines) == longest
    # A short title is set large, on one line.
    big, short = share.fit_title("One network, ten regions", width, share.TITLE_BOTTOM - share.TITLE_TOP)
    assert short == ["One network, ten regions"] and big.size == share.TITLE_SIZES[0]
    # One word wider than the image is broken rather than run off the edge.
    face, lines = share.fit_title("Pneumonoultramicroscopicsilicovolcanoconiosis" * 3, width, 290)
    assert all(face.getlength(line) <= width for line in lines)


def test_a_long_title_leaves_the_margins_and_the_foot_clear():
    drawn = image(share.card_png(card(LONG_TITLE)))
    blue = (0, 94, 184)
    right_margin = drawn.crop((share.WIDTH - share.MARGIN + 8, 110, share.WIDTH, share.HEIGHT - share.FOOT))
    assert colours(right_margin) == {blue}


def test_an_illustrative_case_study_carries_its_label():
    plain, marked = image(share.card_png(card())), image(share.card_png(card(badge="Illustrative example")))
    box = (share.WIDTH - 420, 40, share.WIDTH - share.MARGIN, 92)
    assert colours(plain.crop(box)) == {(0, 94, 184)}
    assert (255, 255, 255) in colours(marked.crop(box))


def test_the_cache_draws_each_card_once(tmp_path, monkeypatch):
    path, made = share.cached_card(card(), str(tmp_path))
    assert made and Path(path).read_bytes() == share.card_png(card())
    monkeypatch.setattr(share, "card_png", lambda *a, **k: pytest.fail("drew a card the cache holds"))
    again, made = share.cached_card(card(), str(tmp_path))
    assert (again, made) == (path, False)
    monkeypatch.undo()
    # Anything drawn that changes, or a new version of the drawing, makes a new file.
    other, made = share.cached_card(card(badge="Illustrative example"), str(tmp_path))
    assert made and other != path
    monkeypatch.setattr(share, "DRAWING_VERSION", share.DRAWING_VERSION + 1)
    newer, made = share.cached_card(card(), str(tmp_path))
    assert made and newer != path
