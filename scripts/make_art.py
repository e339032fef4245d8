#!/usr/bin/env python3
"""Draw the podcast's show art: podcasts/art/show-cover.png, a 1400 x 1400 px RGB PNG.

The design: a dark NHS blue field (#003087) with a lighter NHS blue band (#005EB8), the
network's "double helix" (two sine-curve strands, for clinicians and managers working as
one, joined by rungs), and the words "Clinical Leaders Network" and "Podcast" in DejaVu
Sans (Debian's fonts-dejavu-core), or Pillow's built-in font if DejaVu is not installed.

Deterministic: the same Pillow and font give a byte-identical file. The PNG is written
with maximum compression and stays well under 300 KB.

Usage:
    python scripts/make_art.py [--out podcasts/art/show-cover.png]
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import sys

from PIL import Image, ImageDraw, ImageFont

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "podcasts", "art", "show-cover.png")

SIZE = 1400
SCALE = 2  # drawn at twice the size, then reduced, for smooth edges

DARK_BLUE = (0, 48, 135)  # NHS dark blue #003087
BLUE = (0, 94, 184)  # NHS blue #005EB8
LIGHT_BLUE = (65, 182, 230)  # NHS light blue #41B6E6
WHITE = (255, 255, 255)
PALE = (232, 237, 238)  # NHS pale grey #E8EDEE

FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts"]


def font(name: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A DejaVu font at ``size`` px, or Pillow's built-in font if DejaVu is not installed."""
    for folder in FONT_DIRS:
        path = os.path.join(folder, name)
        if os.path.exists(path):
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def helix(draw: ImageDraw.ImageDraw, x0: float, x1: float, mid: float, amp: float, turns: float, s: int) -> None:
    """Two sine strands half a wave apart, woven over and under each other, joined by rungs."""
    length = x1 - x0
    radius = 8 * s  # half the strand's width

    def y(t: float, phase: float) -> float:
        return mid + amp * math.sin(2 * math.pi * turns * t + phase)

    def stroke(t0: float, t1: float, phase: float, colour) -> None:
        # A smooth thick curve: discs stamped closer together than a pixel.
        steps = max(2, int((t1 - t0) * length / (s * 0.75)))
        for i in range(steps + 1):
            t = t0 + (t1 - t0) * i / steps
            x, yy = x0 + t * length, y(t, phase)
            draw.ellipse([x - radius, yy - radius, x + radius, yy + radius], fill=colour)

    # Rungs first, so the strands cover their ends; none where the strands are close.
    rungs = int(turns * 8)
    for i in range(1, rungs):
        t = i / rungs
        x = x0 + t * length
        ya, yb = y(t, 0.0), y(t, math.pi)
        if abs(ya - yb) > 4 * radius:
            draw.line([(x, ya), (x, yb)], fill=LIGHT_BLUE, width=5 * s)

    # Pieces from one wave crest to the next, so each crossing is inside one piece; the
    # strand in front alternates from crossing to crossing.
    cuts = [0.0] + [(k + 0.5) / (2 * turns) for k in range(int(2 * turns))] + [1.0]
    strands = ((0.0, WHITE), (math.pi, LIGHT_BLUE))
    pieces = list(itertools.pairwise(cuts))
    for layer in ("back", "front"):
        for k, (t0, t1) in enumerate(pieces):
            front = strands[k % 2]
            back = strands[(k + 1) % 2]
            phase, colour = back if layer == "back" else front
            stroke(t0, t1, phase, colour)


def centred(draw: ImageDraw.ImageDraw, text: str, y: float, face: ImageFont.FreeTypeFont | ImageFont.ImageFont,
            fill, width: int) -> None:
    left, top, right, _bottom = draw.textbbox((0, 0), text, font=face)
    draw.text(((width - (right - left)) / 2 - left, y - top), text, font=face, fill=fill)


def draw_cover() -> Image.Image:
    s = SCALE
    w = SIZE * s
    img = Image.new("RGB", (w, w), DARK_BLUE)
    d = ImageDraw.Draw(img)

    # A lighter band behind the helix.
    d.rectangle([0, 130 * s, w, 630 * s], fill=BLUE)

    helix(d, 150 * s, 1250 * s, 380 * s, 160 * s, 2.0, s)

    bold = font("DejaVuSans-Bold.ttf", 112 * s)
    podcast = font("DejaVuSans-Bold.ttf", 150 * s)
    small = font("DejaVuSans.ttf", 46 * s)

    centred(d, "Clinical Leaders", 720 * s, bold, WHITE, w)
    centred(d, "Network", 858 * s, bold, WHITE, w)
    # A rule, then "Podcast" in the light blue.
    d.rectangle([560 * s, 1020 * s, 840 * s, 1028 * s], fill=LIGHT_BLUE)
    centred(d, "Podcast", 1062 * s, podcast, LIGHT_BLUE, w)
    centred(d, "Leading service reform together", 1250 * s, small, PALE, w)

    return img.resize((SIZE, SIZE), Image.Resampling.LANCZOS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Draw the podcast show art (1400 x 1400 px PNG).")
    parser.add_argument("--out", default=DEFAULT_OUT, help="where to write the PNG (default: %(default)s)")
    args = parser.parse_args(argv)
    img = draw_cover()
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    img.save(tmp, format="PNG", optimize=True, compress_level=9)
    os.replace(tmp, args.out)
    print(f"{os.path.relpath(args.out)}: {img.width} x {img.height} px, {os.path.getsize(args.out)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
