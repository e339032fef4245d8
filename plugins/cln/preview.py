"""The local preview (``make serve``) that keeps up: after an edit, only the pages whose HTML can
have changed are made again, everything the edit touches is made again, and nothing stale is left.

MkDocs' dirty mode asks each file whether it ``is_modified()``; for the pages the plugin makes it
cannot tell, so the plugin answers from fingerprints of everything a page is made from:

* a case study or episode: its own front matter and body (and, for an episode, its media), the
  records in its related list, its addresses; so a retitled case study also remakes the pages
  that list it as related;
* a generated index page: its HTML, which the plan makes whole on every build (cheap: no Markdown);
* a hand-written page: its source and every record (its lists come from the whole catalogue);
* everything, when the site's settings change: mkdocs.yml, taxonomy.yml, a template or the
  plugin's own assets.

Outputs of pages and files that went away are deleted. The search index is made again beside the
server and swapped in when ready. A bad edit keeps the last good pages: the bad file's address
shows its problems instead, and every other page shows a banner (cln.js reads ``STATUS``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .catalogue import Catalogue
from .content import Episode, Record
from .errors import Problem
from .safehtml import escape
from .urls import rel

STATUS = "cln-preview.json"  # {"problems": ["path:line: field: message", ...]}: read by cln.js in the preview
_SOURCE_FOLDERS = {"case_studies/": "case-studies/", "podcasts/": "podcast/"}


def _digest(*parts: str | bytes) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
        h.update(b"\x00")
    return h.hexdigest()


def record_fingerprint(record: Record, catalogue: Catalogue) -> str:
    """Everything of one record that its own page shows: front matter, body, and an episode's media."""
    media = repr(catalogue.media.get(record.slug)) if isinstance(record, Episode) else ""
    return _digest(record.kind, record.slug, repr(record.meta), record.body, media)


def listed_fingerprint(record: Record, catalogue: Catalogue) -> str:
    """What other pages show of a record (lists, cards, related lists): its front matter, and an
    episode's duration; not its body, so a body edit remakes the record's own page alone."""
    media = catalogue.media.get(record.slug) if isinstance(record, Episode) else None
    return _digest(record.kind, record.slug, repr(record.meta), repr(media.audio) if media else "")


def files_fingerprint(paths: Iterable[str]) -> str:
    """The bytes of the files that shape every page (settings, taxonomy, templates, assets)."""
    parts: list[str | bytes] = []
    for path in sorted(set(paths)):
        if os.path.isdir(path):
            for folder, dirs, names in os.walk(path):
                dirs.sort()
                for name in sorted(names):
                    full = os.path.join(folder, name)
                    parts += [full, _read(full)]
        else:
            parts += [path, _read(path)]
    return _digest(*parts)


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return b"(missing)"


@dataclass
class Fingerprints:
    """What each page of one build was made from (``src_uri`` → digest)."""

    site: str = ""
    pages: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, site: str, catalogue: Catalogue, records: Mapping[str, Record], related: Mapping[str, list[Record]],
           generated: dict[str, str], docs: dict[str, bytes], extra: dict[str, str]) -> Fingerprints:
        """``records``/``related``: the plan's; ``generated``: src_uri → the page's HTML and titles;
        ``docs``: hand-written pages' sources; ``extra``: src_uri → anything else a record page shows
        (its media addresses)."""
        own = {uri: record_fingerprint(r, catalogue) for uri, r in records.items()}
        listed = {uri: listed_fingerprint(r, catalogue) for uri, r in records.items()}
        everything = _digest(*(f"{uri}={fp}" for uri, fp in sorted(listed.items())),
                             *(f"{uri}={value}" for uri, value in sorted(extra.items())))
        pages = {}
        for uri, fp in own.items():
            near = [listed.get(f"{r.folder}/{r.slug}.md", "") for r in related.get(uri, [])]
            pages[uri] = _digest(site, fp, *near, extra.get(uri, ""))
        for uri, html in generated.items():
            pages[uri] = _digest(site, html)
        for uri, source in docs.items():
            pages[uri] = _digest(site, source, everything)
        return cls(site, pages)

    def changed(self, before: Fingerprints | None) -> set[str]:
        """The pages whose inputs differ from ``before`` (all of them after a change of settings)."""
        if before is None or before.site != self.site:
            return set(self.pages)
        return {uri for uri, fp in self.pages.items() if before.pages.get(uri) != fp}


def address_of(path: str) -> str | None:
    """The built file that shows a content file: ``case_studies/x.md`` → ``case-studies/x/index.html``."""
    for source, folder in _SOURCE_FOLDERS.items():
        if path.startswith(source) and path.endswith(".md") and "/" not in path[len(source):]:
            return f"{folder}{os.path.basename(path)[:-3]}/index.html"
    return None


def status_meta(here: str) -> str:
    """The tag that tells cln.js where the preview's state is (only pages of the preview carry it)."""
    return f'<meta name="cln-preview" content="{escape(rel(here, STATUS))}">'


def error_page(problems: list[Problem], path: str, policy: str, address: str) -> str:
    """A page in place of a file whose edit is bad: its problems, as the terminal shows them.
    It reloads itself (cln.js) once the file is fixed."""
    here = address.removesuffix("index.html")
    lines = "".join(f"<li><code>{escape(str(p))}</code></li>" for p in problems if p.path == path)
    others = sum(1 for p in problems if p.path != path)
    more = (f"<p>{others} more problem{'s' * (others != 1)} in other files: see the terminal.</p>" if others else "")
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(policy)}">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"{status_meta(here)}"
        f'<script src="{escape(rel(here, "assets/cln/cln.js"))}" defer></script>'
        f"<title>Problems in {escape(path)}</title></head>"
        '<body style="font-family:Arial,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#212b32">'
        f"<h1>This page cannot be shown: {escape(path)} has problems</h1>"
        f"<p>Fix each line below and save; this page reloads by itself.</p><ul>{lines}</ul>{more}"
        "</body></html>"
    )


def write_status(site_dir: str, problems: list[Problem], build: int) -> None:
    """The preview's state for cln.js: a new ``build`` number reloads the page, and problems make
    every page show a banner."""
    data = {"build": build, "problems": [str(p) for p in problems]}
    _write(os.path.join(site_dir, STATUS), json.dumps(data, ensure_ascii=False).encode("utf-8"))


def remove_stale(site_dir: str, before: set[str], now: set[str]) -> list[str]:
    """Delete what the last build wrote and this one did not (a deleted or renamed page), and
    the folders left empty; returns the files removed."""
    gone = sorted(before - now)
    for path in gone:
        try:
            os.remove(path)
        except FileNotFoundError:
            continue
        folder = os.path.dirname(path)
        while folder.startswith(site_dir + os.sep) and not os.listdir(folder):
            os.rmdir(folder)
            folder = os.path.dirname(folder)
    return gone


class SearchRunner:
    """Pagefind beside the server: each request indexes the site into a private folder, which then
    replaces ``pagefind/`` in one step; requests that arrive during a run are folded into one more run."""

    def __init__(self, index) -> None:  # index(site_dir, language, output_subdir), as search.build_index
        self._index = index
        self._lock = threading.Condition()
        self._wanted: str | None = None
        self._language = "en"
        self._busy = False
        self.error: str | None = None

    def request(self, site_dir: str, language: str = "en") -> None:
        with self._lock:
            self._wanted, self._language = site_dir, language
            if not self._busy:
                self._busy = True
                threading.Thread(target=self._run, name="cln-search-index", daemon=True).start()

    def _run(self) -> None:
        while True:
            with self._lock:
                site_dir, self._wanted = self._wanted, None
                if site_dir is None:
                    self._busy = False
                    self._lock.notify_all()
                    return
            try:
                self._index_and_swap(site_dir)
                self.error = None
            except Exception as exc:  # shown in the terminal; the last index keeps serving
                self.error = str(exc)

    def _index_and_swap(self, site_dir: str) -> None:
        from .search import OUTPUT_SUBDIR

        fresh = f".{OUTPUT_SUBDIR}-next"
        shutil.rmtree(os.path.join(site_dir, fresh), ignore_errors=True)
        self._index(site_dir, self._language, fresh, background=True)
        live, old = os.path.join(site_dir, OUTPUT_SUBDIR), os.path.join(site_dir, f".{OUTPUT_SUBDIR}-old")
        shutil.rmtree(old, ignore_errors=True)
        if os.path.isdir(live):
            os.rename(live, old)
        os.rename(os.path.join(site_dir, fresh), live)
        shutil.rmtree(old, ignore_errors=True)

    def wait(self, timeout: float = 60.0) -> bool:
        """Block until no index run is under way or wanted (for tests and the benchmark)."""
        with self._lock:
            return self._lock.wait_for(lambda: not self._busy, timeout=timeout)


def _write(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
