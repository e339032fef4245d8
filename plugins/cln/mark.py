"""The network's mark: a double helix, two strands (clinicians and managers) turning round one
another. Defined once, here, as geometry in a unit box; the SVG the site
serves, the favicons, the show cover and the share images are all drawn from it.

The geometry is a list of strokes, each a run of cubic Bézier curves with a width. An "ink"
stroke is the mark itself; a "gap" stroke is a cut, drawn under the strand in front where the
strands cross, so one is seen to pass over the other. Cuts remove ink rather than paint a
colour, so the mark can be laid on any background (an SVG mask; an alpha mask in Pillow).

Colours are the NHS.UK palette: NHS blue #005EB8, dark blue #003087, white.
"""

from __future__ import annotations

import io
import itertools
import math
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageColor, ImageDraw

NHS_BLUE = "#005EB8"
DARK_BLUE = "#003087"
WHITE = "#FFFFFF"
NAME = "Clinical Leaders Network"

Point = tuple[float, float]
Cubic = tuple[Point, Point, Point, Point]

# ---------------------------------------------------------------- the geometry (unit box, y down)

TOP, BOTTOM = 0.11, 0.89  # where the strands start and end
CENTRE, AMPLITUDE = 0.5, 0.29  # the helix's axis and how far each strand swings from it
STRAND = 0.13  # a strand's width: two pixels at 16 px, so the mark reads in a browser tab
CUT = 0.05  # the clear space either side of the strand in front, where the strands cross
TILE_RADIUS = 0.2  # the corners of the rounded square the favicon sits on


@dataclass(frozen=True)
class Stroke:
    """One stroke of the mark: ``ink`` draws, ``gap`` cuts what was drawn before it."""

    kind: str  # "ink" | "gap"
    width: float  # in units of the box
    curves: tuple[Cubic, ...]


def _strand(sign: float, t: float) -> Point:
    """A point of one strand: ``sign`` +1 starts on the right, -1 on the left; one full turn top to bottom."""
    return CENTRE + sign * AMPLITUDE * math.cos(2 * math.pi * t), TOP + (BOTTOM - TOP) * t


def _slope(sign: float, t: float) -> Point:
    """The strand's derivative by t."""
    return -sign * AMPLITUDE * 2 * math.pi * math.sin(2 * math.pi * t), BOTTOM - TOP


def _curves(sign: float, t0: float, t1: float, pieces: int) -> tuple[Cubic, ...]:
    """The strand from t0 to t1 as cubic Béziers (Hermite: end points and slopes exact)."""
    out = []
    for i in range(pieces):
        a, b = t0 + (t1 - t0) * i / pieces, t0 + (t1 - t0) * (i + 1) / pieces
        p0, p3 = _strand(sign, a), _strand(sign, b)
        d0, d3 = _slope(sign, a), _slope(sign, b)
        k = (b - a) / 3
        out.append((p0, (p0[0] + k * d0[0], p0[1] + k * d0[1]), (p3[0] - k * d3[0], p3[1] - k * d3[1]), p3))
    return tuple(out)


def _geometry() -> tuple[Stroke, ...]:
    """The mark, bottom layer first. The strands cross at t = 1/4 and 3/4; the right-hand strand
    passes in front at the first crossing, the left-hand one at the second, as a helix does."""
    back = [Stroke("ink", STRAND, _curves(1, 0.5, 1.0, 2)), Stroke("ink", STRAND, _curves(-1, 0.0, 0.5, 2))]
    cuts = [Stroke("gap", STRAND + 2 * CUT, _curves(1, 0.16, 0.34, 1)),
            Stroke("gap", STRAND + 2 * CUT, _curves(-1, 0.66, 0.84, 1))]
    front = [Stroke("ink", STRAND, _curves(1, 0.0, 0.5, 2)), Stroke("ink", STRAND, _curves(-1, 0.5, 1.0, 2))]
    return (*back, *cuts, *front)


STROKES = _geometry()

# ---------------------------------------------------------------- SVG


def _n(value: float) -> str:
    """A coordinate in the SVG's 100-unit box, to two decimals, without trailing zeros."""
    return f"{value * 100:.2f}".rstrip("0").rstrip(".")


def _path(curves: tuple[Cubic, ...]) -> str:
    (x, y) = curves[0][0]
    parts = [f"M{_n(x)} {_n(y)}"]
    for _p0, p1, p2, p3 in curves:
        parts.append("C" + " ".join(f"{_n(px)} {_n(py)}" for px, py in (p1, p2, p3)))
    return "".join(parts)


def mark_svg(colour: str = NHS_BLUE, tile: str | None = None, size: int | None = None) -> str:
    """The mark as an SVG document: strands in ``colour``, on a rounded square of ``tile`` if given
    (else on nothing, so it sits on any background); ``size`` sets width and height in pixels."""
    strokes = "".join(
        f'<path d="{_path(s.curves)}" stroke="{"#fff" if s.kind == "ink" else "#000"}" stroke-width="{_n(s.width)}"/>'
        for s in STROKES)
    dims = f' width="{size}" height="{size}"' if size else ""
    back = f'<rect width="100" height="100" rx="{_n(TILE_RADIUS)}" fill="{tile}"/>' if tile else ""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"{dims} role="img" '
            f'aria-label="{NAME}"><title>{NAME}</title>'
            '<defs><mask id="cln-mark-cut" maskUnits="userSpaceOnUse" x="0" y="0" width="100" height="100">'
            f'<g fill="none" stroke-linecap="round" stroke-linejoin="round">{strokes}</g></mask></defs>'
            f'{back}<rect width="100" height="100" fill="{colour}" mask="url(#cln-mark-cut)"/></svg>\n')


# ---------------------------------------------------------------- Pillow

SUPERSAMPLE = 4  # drawn at four times the size, then averaged down: smooth edges, same bytes every time


def _bezier(c: Cubic, t: float) -> Point:
    u = 1 - t
    return (u ** 3 * c[0][0] + 3 * u * u * t * c[1][0] + 3 * u * t * t * c[2][0] + t ** 3 * c[3][0],
            u ** 3 * c[0][1] + 3 * u * u * t * c[1][1] + 3 * u * t * t * c[2][1] + t ** 3 * c[3][1])


def _stroke(draw: ImageDraw.ImageDraw, stroke: Stroke, side: int, fill: int) -> None:
    """A stroke with round caps and joins, on a square of ``side`` pixels."""
    points: list[Point] = []
    for c in stroke.curves:
        steps = max(8, int(side / 4))
        start = 1 if points else 0
        points += [(x * side, y * side) for x, y in (_bezier(c, i / steps) for i in range(start, steps + 1))]
    width = stroke.width * side
    r = width / 2
    # Discs along the curve closer than a pixel: an even, round-ended stroke at every size.
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        n = max(1, math.ceil(math.hypot(x1 - x0, y1 - y0)))
        for i in range(n):
            x, y = x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n
            draw.ellipse([x - r, y - r, x + r, y + r], fill=fill)
    x, y = points[-1]
    draw.ellipse([x - r, y - r, x + r, y + r], fill=fill)


@lru_cache(maxsize=32)
def _masks(side: int) -> tuple[bytes, bytes]:
    """The mark's strands and its tile as 8-bit alpha masks of ``side`` × ``side`` pixels."""
    big = side * SUPERSAMPLE
    ink = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(ink)
    for stroke in STROKES:
        _stroke(draw, stroke, big, 255 if stroke.kind == "ink" else 0)
    tile = Image.new("L", (big, big), 0)
    ImageDraw.Draw(tile).rounded_rectangle([0, 0, big - 1, big - 1], radius=TILE_RADIUS * big, fill=255)
    return ink.reduce(SUPERSAMPLE).tobytes(), tile.reduce(SUPERSAMPLE).tobytes()


def draw_mark(image: Image.Image, box: tuple[int, int, int, int], colour: str | tuple[int, ...],
              tile: str | tuple[int, ...] | None = None) -> None:
    """Draw the mark in ``colour`` into the square ``box`` (left, top, right, bottom) of ``image``,
    on a rounded square of ``tile`` if given. Pixels outside the strands (and tile) are left as they are."""
    left, top, right, bottom = box
    side = min(right - left, bottom - top)
    ink, rounded = (Image.frombytes("L", (side, side), data) for data in _masks(side))
    if tile is not None:
        _paint(image, (left, top), _colour(tile), rounded)
    _paint(image, (left, top), _colour(colour), ink)


def _colour(colour: str | tuple[int, ...]) -> tuple[int, int, int]:
    r, g, b = (ImageColor.getrgb(colour) if isinstance(colour, str) else colour)[:3]
    return r, g, b


def _paint(image: Image.Image, at: tuple[int, int], rgb: tuple[int, int, int], mask: Image.Image) -> None:
    """Lay ``rgb`` over ``image`` where ``mask`` says, blending edges with what is there (alpha too)."""
    if image.mode == "RGBA":
        layer = Image.new("RGBA", mask.size, (*rgb, 0))
        layer.putalpha(mask)
        image.alpha_composite(layer, at)
    else:
        r, g, b = rgb
        image.paste(ImageColor.getcolor(f"#{r:02x}{g:02x}{b:02x}", image.mode),
                    (*at, at[0] + mask.width, at[1] + mask.height), mask)


def png_bytes(image: Image.Image) -> bytes:
    """An image as PNG bytes that depend on its pixels alone: no metadata, no time, fixed settings."""
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=9)
    return out.getvalue()


def icon_png(side: int, opaque: bool) -> bytes:
    """The mark as an icon: white strands on NHS blue, on a rounded tile (``opaque`` False, for a
    favicon) or filling the square (``opaque`` True: the apple-touch icon, whose corners the phone rounds)."""
    if opaque:
        image = Image.new("RGB", (side, side), NHS_BLUE)
        inset = round(side * 0.12)
        draw_mark(image, (inset, inset, side - inset, side - inset), WHITE)
    else:
        image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
        draw_mark(image, (0, 0, side, side), WHITE, tile=NHS_BLUE)
    return png_bytes(image)


def site_files() -> dict[str, bytes]:
    """The mark's files the site serves, by address: the header logo, the favicons, the touch icon."""
    return {
        "assets/cln/mark.svg": mark_svg(NHS_BLUE, tile=WHITE).encode(),
        "assets/cln/favicon.svg": mark_svg(WHITE, tile=NHS_BLUE).encode(),
        "assets/cln/favicon.png": icon_png(32, opaque=False),
        "assets/cln/apple-touch-icon.png": icon_png(180, opaque=True),
    }
