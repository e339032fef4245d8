"""Share images: the 1200 × 630 title card a chat app or email shows for a link to the site.

One for each case study and episode, and one for the site, drawn with Pillow in the font the
project ships (plugins/cln/fonts/, Liberation Sans, SIL Open Font License), never one of the
machine's: the same record gives the same bytes on every machine with the locked Pillow.

Each card is drawn once: its file in the build cache is named by a hash of everything drawn on
it (the words, the font files, the Pillow version and :data:`DRAWING_VERSION`), so an unchanged
record costs no drawing, and any change to what is drawn makes a new file.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from functools import lru_cache

import PIL
from PIL import Image, ImageDraw, ImageFont

from .catalogue import Catalogue
from .content import CaseStudy, Episode
from .mark import DARK_BLUE, NHS_BLUE, WHITE, draw_mark, png_bytes
from .settings import SiteSettings
from .tagging import cached_output

DRAWING_VERSION = 1  # part of every card's file name: raise it whenever the drawing below changes
WIDTH, HEIGHT = 1200, 630  # the size Open Graph and the chat apps expect
FONTS = os.path.join(os.path.dirname(__file__), "fonts")
BOLD, REGULAR = "LiberationSans-Bold.ttf", "LiberationSans-Regular.ttf"
PALE = "#E8EDEE"  # NHS pale grey: 5.0:1 on NHS blue
MARGIN = 72
TITLE_SIZES = (68, 60, 54, 48, 44)  # the largest size at which the title fits wins
TITLE_LINES = 4
TITLE_TOP, TITLE_BOTTOM = 150, 440  # the title's band, under the kicker and over the details
FOOT = 120  # the dark blue strip at the foot, with the mark and the network's name
ELLIPSIS = "…"

SITE_URI = "assets/share/site.png"


@dataclass(frozen=True)
class Card:
    """Everything drawn on one share image."""

    title: str
    kicker: str  # what it is: "Case study", "Podcast"
    details: str  # pathway and region, or topic and episode number
    network: str  # the site's name, at the foot
    badge: str = ""  # "Illustrative example" for a case study whose figures are invented


@lru_cache(maxsize=32)
def shipped_font(name: str, size: int) -> ImageFont.FreeTypeFont:
    """One of the fonts shipped in plugins/cln/fonts/, at ``size`` px, laid out by Pillow's own
    basic layout (not libraqm, which one machine has and another not)."""
    return ImageFont.truetype(os.path.join(FONTS, name), size, layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=1)
def _fonts_digest() -> str:
    digest = hashlib.sha256()
    for name in (BOLD, REGULAR):
        with open(os.path.join(FONTS, name), "rb") as fh:
            digest.update(fh.read())
    return digest.hexdigest()


def card_key(card: Card) -> str:
    """What identifies the drawing of ``card``: it changes whenever anything drawn would."""
    blob = json.dumps([DRAWING_VERSION, PIL.__version__, _fonts_digest(), asdict(card)], sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


# ---------------------------------------------------------------- text


def wrap(text: str, face: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """``text`` in lines no wider than ``width`` px, broken between words (inside a word only if
    the word alone is too wide)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if face.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while face.getlength(word) > width:  # a word wider than the line: break it
            cut = 1
            while cut < len(word) and face.getlength(word[:cut + 1]) <= width:
                cut += 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def fit_title(title: str, width: float, height: float) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The title's font and lines: the largest size at which it fits in ``TITLE_LINES`` lines and
    ``height`` px; at the smallest size, lines past the last are cut with an ellipsis."""
    for size in TITLE_SIZES:
        face = shipped_font(BOLD, size)
        lines = wrap(title, face, width)
        if len(lines) <= TITLE_LINES and len(lines) * line_height(size) <= height:
            return face, lines
    face = shipped_font(BOLD, TITLE_SIZES[-1])
    lines = wrap(title, face, width)
    keep = max(1, min(TITLE_LINES, int(height // line_height(TITLE_SIZES[-1]))))
    if len(lines) > keep:
        last = lines[keep - 1]
        while last and face.getlength(last + ELLIPSIS) > width:
            last = last[:-1].rstrip()
        lines = [*lines[:keep - 1], last + ELLIPSIS]
    return face, lines


def line_height(size: int) -> int:
    return round(size * 1.18)


def _fitted(text: str, face: ImageFont.FreeTypeFont, width: float) -> str:
    """``text`` on one line, cut with an ellipsis if it is wider than ``width``."""
    if face.getlength(text) <= width:
        return text
    while text and face.getlength(text + ELLIPSIS) > width:
        text = text[:-1].rstrip()
    return text + ELLIPSIS


# ---------------------------------------------------------------- drawing


def draw(card: Card) -> Image.Image:
    """The share image of ``card``: NHS blue, the title in white, the details in pale grey, and
    the mark with the network's name on a dark blue strip at the foot."""
    image = Image.new("RGB", (WIDTH, HEIGHT), NHS_BLUE)
    d = ImageDraw.Draw(image)
    inner = WIDTH - 2 * MARGIN

    kicker = shipped_font(BOLD, 30)
    d.text((MARGIN, 76), card.kicker.upper(), font=kicker, fill=WHITE, anchor="ls")
    if card.badge:  # a white label, top right: read before the title
        badge = shipped_font(BOLD, 28)
        text_width = badge.getlength(card.badge)
        right, top = WIDTH - MARGIN, 40
        d.rounded_rectangle([right - text_width - 40, top, right, top + 52], radius=8, fill=WHITE)
        d.text((right - 20, top + 26), card.badge, font=badge, fill=DARK_BLUE, anchor="rm")

    face, lines = fit_title(card.title, inner, TITLE_BOTTOM - TITLE_TOP)
    size = int(face.size)
    y = TITLE_TOP + size  # the first baseline
    for line in lines:
        d.text((MARGIN, y), line, font=face, fill=WHITE, anchor="ls")
        y += line_height(size)

    if card.details:
        details = shipped_font(REGULAR, 34)
        d.text((MARGIN, HEIGHT - FOOT - 40), _fitted(card.details, details, inner), font=details, fill=PALE,
               anchor="ls")

    d.rectangle([0, HEIGHT - FOOT, WIDTH, HEIGHT], fill=DARK_BLUE)
    side = 76
    top = HEIGHT - FOOT + (FOOT - side) // 2
    draw_mark(image, (MARGIN, top, MARGIN + side, top + side), WHITE)
    name = shipped_font(BOLD, 36)
    d.text((MARGIN + side + 24, HEIGHT - FOOT // 2), _fitted(card.network, name, inner - side - 24), font=name,
           fill=WHITE, anchor="lm")
    return image


def draw_site(card: Card) -> Image.Image:
    """The site's own share image: the mark large, and the network's name beside it."""
    image = Image.new("RGB", (WIDTH, HEIGHT), NHS_BLUE)
    d = ImageDraw.Draw(image)
    side = 300
    top = (HEIGHT - FOOT - side) // 2
    draw_mark(image, (MARGIN, top, MARGIN + side, top + side), NHS_BLUE, tile=WHITE)
    left = MARGIN + side + 56
    face = shipped_font(BOLD, 72)
    lines = wrap(card.title, face, WIDTH - MARGIN - left)[:3]
    y = top + 40 + 72
    for line in lines:
        d.text((left, y), line, font=face, fill=WHITE, anchor="ls")
        y += line_height(72)
    details = shipped_font(REGULAR, 36)
    d.text((left, y + 16), _fitted(card.details, details, WIDTH - MARGIN - left), font=details, fill=PALE,
           anchor="ls")
    d.rectangle([0, HEIGHT - FOOT, WIDTH, HEIGHT], fill=DARK_BLUE)
    foot = shipped_font(REGULAR, 32)
    d.text((MARGIN, HEIGHT - FOOT // 2), _fitted(card.kicker, foot, WIDTH - 2 * MARGIN), font=foot, fill=WHITE,
           anchor="lm")
    return image


def card_png(card: Card, site: bool = False) -> bytes:
    """The PNG bytes of ``card``: the same card always gives the same bytes."""
    return png_bytes(draw_site(card) if site else draw(card))


# ---------------------------------------------------------------- records → cards → files


def case_study_card(cs: CaseStudy, catalogue: Catalogue, network: str) -> Card:
    m = cs.meta
    tx = catalogue.taxonomy
    details = " · ".join([tx.term("topics", m.topics[0]).name, tx.term("regions", m.region).name])
    badge = "Illustrative example" if getattr(m, "evidence", "") == "illustrative" else ""
    return Card(title=m.title, kicker="Case study", details=details, network=network, badge=badge)


def episode_card(ep: Episode, catalogue: Catalogue, network: str) -> Card:
    m = ep.meta
    parts = [catalogue.taxonomy.term("topics", slug).name for slug in m.topics[:1]]
    if m.episode:
        parts.append(f"Episode {m.episode}")
    return Card(title=m.title, kicker="Podcast", details=" · ".join(parts), network=network)


def site_card(network: str) -> Card:
    return Card(title=network, kicker="Case studies and podcast episodes from clinical leaders across the NHS",
                details="Case studies · Podcast", network=network)


def cached_card(card: Card, cache_dir: str, site: bool = False) -> tuple[str, bool]:
    """The path of ``card``'s PNG in the cache (drawn now if it is not there), and whether it was drawn now."""
    name = os.path.join("share", f"{'site' if site else 'card'}-{card_key(card)}.png")

    def make(tmp: str) -> None:
        with open(tmp, "wb") as fh:
            fh.write(card_png(card, site))

    return cached_output(cache_dir, name, make)


def share_uri(record: CaseStudy | Episode) -> str:
    """The address of a record's share image (the pages' og:image tags point here)."""
    return f"assets/share/{record.folder}/{record.slug}.png"


def share_images(catalogue: Catalogue, root: str, site: SiteSettings) -> dict[str, str]:
    """Every share image of the site, by address: the path of its file in the build cache."""
    cache = os.path.join(root, site.cache_dir)
    network = site.site_name
    files = {SITE_URI: cached_card(site_card(network), cache, site=True)[0]}
    for cs in catalogue.case_studies:
        files[share_uri(cs)] = cached_card(case_study_card(cs, catalogue, network), cache)[0]
    for ep in catalogue.episodes:
        files[share_uri(ep)] = cached_card(episode_card(ep, catalogue, network), cache)[0]
    return files
