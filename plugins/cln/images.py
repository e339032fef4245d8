"""Show and episode art: checked the way podcast apps need it, and re-saved without metadata.

Everything that touches Pillow is here, behind :class:`ImageError`: a file Pillow cannot
read, a truncated file, or a decompression bomb is an ``ImageError`` with a message for an
editor, never an exception of Pillow's own.
"""

from __future__ import annotations

import io
import os
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

ART_FORMATS = {"PNG": (".png",), "JPEG": (".jpg", ".jpeg")}
MIN_SIDE, MAX_SIDE = 1400, 3000  # pixels: Apple Podcasts' limits, followed by the other apps
COVER_SIZE = 600  # pixels: enough for a phone's now-playing screen, about 40 KB instead of the full art
JPEG_QUALITY = 95  # served art re-encoded from a JPEG: no visible loss


class ImageError(Exception):
    """The file is not art the site can publish; the message says what to do."""


@dataclass(frozen=True)
class ArtFacts:
    """What the site needs to know of an art file."""

    format: str  # "PNG" or "JPEG"
    width: int
    height: int

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height


@contextmanager
def _opened(path: str):
    """``Image.open`` with Pillow's decompression-bomb warning made an error, and every
    failure of Pillow's turned into an ImageError."""
    from PIL import Image, UnidentifiedImageError

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as image:
                yield image
        except ImageError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageError("is too large to open safely (far more pixels than podcast art needs); "
                             f"export it again as a square of {MIN_SIDE} to {MAX_SIDE} pixels") from None
        except UnidentifiedImageError:
            raise ImageError("is not an image; use a JPEG or PNG file") from None
        except Exception:  # Pillow raises many kinds (OSError, SyntaxError, ValueError, struct.error...)
            raise ImageError("looks truncated or damaged and cannot be read; export or copy the file again") from None


def check_art(path: str) -> ArtFacts:
    """Check that ``path`` is a whole, square JPEG or PNG of 1400 to 3000 pixels a side.

    Results are remembered per version of the file, so a rebuild decodes each picture once."""
    stat = os.stat(path)
    return _check_art(os.path.abspath(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=256)
def _check_art(path: str, size: int, mtime_ns: int) -> ArtFacts:
    with _opened(path) as image:
        facts = ArtFacts(image.format or "", *image.size)
        _check_shape(facts, os.path.splitext(path)[1].lower())
        image.load()  # decodes every pixel: a truncated or damaged file fails here
    return facts


def _check_shape(facts: ArtFacts, ext: str) -> None:
    w, h = facts.size
    if facts.format not in ART_FORMATS or w != h or not MIN_SIDE <= w <= MAX_SIDE:
        kind = facts.format or "image"
        raise ImageError(f"is a {w}×{h} {kind}; podcast apps need a square JPEG or PNG "
                         f"of {MIN_SIDE} to {MAX_SIDE} pixels a side")
    if ext not in ART_FORMATS[facts.format]:
        raise ImageError(f"is a {facts.format} file but its name ends in '{ext}'; "
                         f"rename it to end in '{ART_FORMATS[facts.format][0]}'")


def _plain(image):
    """The pixels of ``image``, the right way up, with nothing else: no EXIF, XMP, ICC profile,
    text or comment. Transparency is part of the pixels, so it is kept."""
    from PIL import ImageOps

    try:
        upright = ImageOps.exif_transpose(image)
    except Exception:  # unreadable EXIF: the stored orientation is the only one there is
        upright = image.copy()
    upright.info = {key: image.info[key] for key in ("transparency",) if key in image.info}
    return upright


def clean_bytes(path: str) -> bytes:
    """The art at ``path`` re-saved with no metadata: a PNG keeps its exact pixels, a JPEG is
    re-encoded at high quality. The same input always gives the same bytes."""
    with _opened(path) as image:
        image.load()
        fmt = image.format
        plain = _plain(image)
        out = io.BytesIO()
        if fmt == "PNG":
            plain.save(out, format="PNG")
        else:
            plain = plain if plain.mode in ("RGB", "L") else plain.convert("RGB")
            plain.info = {}
            plain.save(out, format="JPEG", quality=JPEG_QUALITY, subsampling=0)
    return out.getvalue()


def cover_jpeg(path: str) -> bytes:
    """The show or episode art as a small square JPEG for the audio file's cover tag.

    Made once per version of the art file, however many episodes carry it."""
    stat = os.stat(path)
    return _cover_jpeg(os.path.abspath(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=16)
def _cover_jpeg(path: str, size: int, mtime_ns: int) -> bytes:
    from PIL import Image

    with _opened(path) as image:
        cover = _plain(image).convert("RGB")
        cover.thumbnail((COVER_SIZE, COVER_SIZE), Image.Resampling.LANCZOS)
        cover.info = {}
        out = io.BytesIO()
        cover.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()
