"""A Content-Security-Policy for every page: scripts only from the site itself (and its search's
WebAssembly, which Pagefind compiles in the browser).

The policy goes into each page's ``<head>`` as a ``<meta http-equiv>`` (GitHub Pages cannot
send headers). Inline event handlers and inline scripts are refused by the browser; the few
inline scripts the theme writes itself are allowed by their SHA-256 hashes, computed from
the page as written, so a script that content smuggled in would not match.
"""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import urlsplit

_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script>", re.DOTALL | re.IGNORECASE)
_DATA_TYPE = re.compile(r"""\btype\s*=\s*["']?application/(?:ld\+)?json""", re.IGNORECASE)
_HEAD = re.compile(r"<head[^>]*>", re.IGNORECASE)


def script_hashes(page: str) -> list[str]:
    """``'sha256-…'`` sources for every inline script of a page (JSON data blocks do not run)."""
    hashes = []
    for m in _INLINE_SCRIPT.finditer(page):
        attrs = m["attrs"] or ""
        if re.search(r"\bsrc\s*=", attrs, re.IGNORECASE) or _DATA_TYPE.search(attrs):
            continue
        digest = base64.b64encode(hashlib.sha256(m["body"].encode("utf-8")).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    return list(dict.fromkeys(hashes))


def policy(page: str, media_base_url: str = "") -> str:
    """The policy for one page."""
    media = ""
    if media_base_url:
        parts = urlsplit(media_base_url)
        media = f" {parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    # 'wasm-unsafe-eval' lets the site's own search (Pagefind, loaded from 'self') compile its
    # WebAssembly; it allows no eval() of JavaScript and no script from anywhere else.
    scripts = " ".join(["'self'", "'wasm-unsafe-eval'", *script_hashes(page)])
    return ("default-src 'self'; "
            f"script-src {scripts}; "
            "style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: https:; "
            f"media-src 'self'{media}; "
            "font-src 'self' data:; "
            "connect-src 'self'; "
            "object-src 'none'; "
            "base-uri 'self'; "
            "form-action 'self'")


def add_policy(page: str, media_base_url: str = "") -> str:
    """The page with its policy as the first element of ``<head>``."""
    head = _HEAD.search(page)
    if head is None:
        return page
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(page, media_base_url)}">'
    return page[:head.end()] + meta + page[head.end():]
