"""Browser fixtures: the sample site built once, served on localhost, opened in Debian's Chromium."""

from __future__ import annotations

import functools
import gzip
import io
import os
import re
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required"]
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


COMPRESSIBLE = (".html", ".css", ".js", ".json", ".xml", ".svg", ".vtt", ".txt")


class RangeHandler(SimpleHTTPRequestHandler):
    """A static server that answers byte-range requests and compresses text, as real hosts
    (GitHub Pages, a CDN) do, so audio can seek and page weights are the real ones."""

    def log_message(self, *args):
        pass

    def send_head(self):
        match = re.match(r"bytes=(\d+)-(\d*)$", self.headers.get("Range", ""))
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?")[0].endswith("/"):
            path = os.path.join(path, "index.html")
        if (not match and os.path.isfile(path) and path.endswith(COMPRESSIBLE)
                and "gzip" in self.headers.get("Accept-Encoding", "")):
            with open(path, "rb") as fh:
                body = gzip.compress(fh.read(), mtime=0)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(path))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "max-age=600")
            self.end_headers()
            return io.BytesIO(body)
        if not match or not os.path.isfile(path):
            return super().send_head()
        size = os.path.getsize(path)
        start = int(match.group(1))
        end = min(int(match.group(2) or size - 1), size - 1)
        fh = open(path, "rb")  # noqa: SIM115 -- the server closes it once the body is sent
        fh.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self._remaining = end - start + 1
        return _Limited(fh, end - start + 1)


class _Limited:
    def __init__(self, fh, n):
        self.fh, self.n = fh, n

    def read(self, size=-1):
        if self.n <= 0:
            return b""
        data = self.fh.read(self.n if size < 0 else min(size, self.n))
        self.n -= len(data)
        return data

    def close(self):
        self.fh.close()


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The repository's own site, sample content and all, built as `make build` does."""
    out = tmp_path_factory.mktemp("site") / "site"
    mkdocs = Path(sys.executable).parent / "mkdocs"
    proc = subprocess.run([str(mkdocs), "build", "--strict", "--site-dir", str(out)], cwd=REPO,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def serve(directory: str, port: int = 0) -> ThreadingHTTPServer:
    """Serve ``directory`` on localhost in a background thread; returns the server."""
    handler = functools.partial(RangeHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="session")
def base_url(sample_site):
    server = serve(sample_site)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


if __name__ == "__main__":  # python tests/browser/conftest.py SITE PORT: the same server by hand
    import time

    serve(sys.argv[1], int(sys.argv[2]))
    while True:
        time.sleep(3600)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is needed at /usr/bin/chromium: run `make test`, which installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chrome = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chrome
        chrome.close()


DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


def _tab(browser, viewport: dict):
    """A tab in its own context, which collects the console's errors (``tab.console_errors``)."""
    context = browser.new_context(viewport=viewport)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.console_errors = errors
    yield tab
    context.close()


@pytest.fixture
def page(browser):
    yield from _tab(browser, DESKTOP)


@pytest.fixture
def phone(browser):
    yield from _tab(browser, PHONE)


def until(page, script: str, timeout: float = 15.0):
    """Poll a JavaScript function in the page until it returns something truthy (the site's policy
    refuses the string evaluation that wait_for_function polls with)."""
    end = time.monotonic() + timeout
    while True:
        value = page.evaluate(script)
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {script}")
        page.wait_for_timeout(100)


def axe_violations(page, impacts=("serious", "critical")) -> list[str]:
    """axe-core's WCAG 2.2 AA violations of the given impacts on the open page, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=WCAG)
    found = []
    for v in results.response["violations"]:
        if v["impact"] in impacts:
            targets = [" ".join(map(str, n["target"])) for n in v["nodes"]][:3]
            found.append(f"{v['id']} ({v['impact']}): {v['help']} at {targets}")
    return found
