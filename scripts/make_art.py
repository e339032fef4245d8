#!/usr/bin/env python3
"""Draw the podcast's show cover: podcasts/art/cln-podcast-cover.png, a 1400 x 1400 px RGB PNG.

The design, in the site's look: an NHS blue field (#005EB8) with the network's mark (the double
helix of plugins/cln/mark.py, drawn from the same geometry as the site's logo and favicons) in
white, the words "Clinical Leaders Network" and "Podcast", and a dark blue (#003087) foot.
The words are set in the font the project ships (plugins/cln/fonts/, Liberation Sans, SIL Open
Font License), never one of the machine's.

Deterministic: the same Pillow gives a byte-identical file, with no metadata, well under 500 KB.
The file name is new with each redesign, so podcast apps fetch the new cover rather than keep
the old one: point ``plugins: cln: podcast: image:`` in mkdocs.yml at it.

Usage:
    python scripts/make_art.py [--out podcasts/art/cln-podcast-cover.png]
"""

from __future__ import annotations

import argparse
import os
import sys

from PIL import Image, ImageDraw

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "plugins"))  # the core, also installed in the venv

from cln.mark import DARK_BLUE, NHS_BLUE, WHITE, draw_mark, png_bytes  # noqa: E402
from cln.share import BOLD, PALE, REGULAR, shipped_font  # noqa: E402

DEFAULT_OUT = os.path.join(ROOT, "podcasts", "art", "cln-podcast-cover.png")
SIZE = 1400
FOOT = 190  # the dark blue strip at the foot


def centred(draw: ImageDraw.ImageDraw, text: str, y: float, name: str, size: int, fill: str) -> None:
    """``text`` centred across the cover, its baseline at ``y``."""
    draw.text((SIZE / 2, y), text, font=shipped_font(name, size), fill=fill, anchor="ms")


def draw_cover() -> Image.Image:
    """The cover, 1400 px square."""
    image = Image.new("RGB", (SIZE, SIZE), NHS_BLUE)
    d = ImageDraw.Draw(image)
    side = 560
    left, top = (SIZE - side) // 2, 120
    draw_mark(image, (left, top, left + side, top + side), WHITE)

    centred(d, "Clinical Leaders", 820, BOLD, 118, WHITE)
    centred(d, "Network", 950, BOLD, 118, WHITE)
    # "Podcast" on a white label, as the share images carry their labels.
    label = shipped_font(BOLD, 96)
    width = label.getlength("Podcast")
    d.rounded_rectangle([(SIZE - width) / 2 - 48, 1010, (SIZE + width) / 2 + 48, 1150], radius=18, fill=WHITE)
    centred(d, "Podcast", 1115, BOLD, 96, DARK_BLUE)

    d.rectangle([0, SIZE - FOOT, SIZE, SIZE], fill=DARK_BLUE)
    centred(d, "Leading service reform together", SIZE - FOOT / 2 + 17, REGULAR, 50, PALE)
    return image


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Draw the podcast show cover (1400 x 1400 px PNG).")
    parser.add_argument("--out", default=DEFAULT_OUT, help="where to write the PNG (default: %(default)s)")
    args = parser.parse_args(argv)
    data = png_bytes(draw_cover())
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, args.out)
    print(f"{os.path.relpath(args.out)}: {SIZE} x {SIZE} px, {len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
