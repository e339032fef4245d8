"""Site search with Pagefind: what each page tells the index, and the index made from the built site.

Pagefind reads the built HTML. A page is indexed only if it has an element marked
``data-pagefind-body`` (the adapter marks the main content of case studies, episodes and
hand-written pages; the generated index pages, /explore/ and /admin/ are left unmarked), and
each record carries its facets as empty hidden elements, made here:

- filters (``data-pagefind-filter``): ``kind`` (case-study, episode, page), ``topic``,
  ``region``, ``profession``, ``competency`` (slugs) and ``year`` (YYYY of its date);
- meta (``data-pagefind-meta``): ``title``, ``date`` (YYYY-MM-DD), ``kind_label``
  (Case study, Episode, Page) and, for case studies, ``region_name`` and ``evidence``
  (measured, reported, illustrative: a result for an illustrative one must say so);
- sort (``data-pagefind-sort``): ``date`` (YYYY-MM-DD).

The index is written to ``pagefind/`` in the site by the Pagefind binary that the
``pagefind[bin]`` wheel installs: nothing is downloaded at build time.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from dataclasses import dataclass
from typing import Any

from .catalogue import Catalogue
from .content import CaseStudy, Episode, Record
from .safehtml import escape
from .taxonomy import KINDS

OUTPUT_SUBDIR = "pagefind"
KIND_LABELS = {"case-study": "Case study", "episode": "Episode", "page": "Page"}
# Addresses never indexed although written by hand: the search page itself and the editors' tool.
UNINDEXED_PREFIXES = ("explore/", "admin/")
# What search leaves out of a page's words, wherever it is (filters and meta inside still count):
# the ¶ permalinks of headings; lists of other records (related records, the hand-written pages'
# generated lists), so that each record is found by its own words; feed address boxes; the
# player's links, hidden caption and times, which only repeat the page or read as numbers; and
# the notes every case study of one evidence level repeats (results show an illustrative one's
# flag from its ``evidence`` meta).
EXCLUDE_SELECTORS = (
    ".headerlink", ".cln-related", ".cln-list", ".cln-pathways", ".cln-copy",
    ".cln-player figcaption", ".cln-player audio", ".cln-player__links", ".cln-seek__time",
    ".cln-transcript__time", ".cln-draft", ".cln-illustrative", ".cln-evidence",
)
TIMEOUT = 600  # seconds; a 3,000-page site takes a few


class SearchIndexError(Exception):
    """Pagefind could not index the site: the message says why, for the editor."""


FILTER, META, SORT = "data-pagefind-filter", "data-pagefind-meta", "data-pagefind-sort"


def _span(*facets: tuple[str, str, str]) -> str:
    """An empty element giving the index one value for each of its (different) attributes:
    (attribute, key, value)."""
    return "<span " + " ".join(f'{attr}="{escape(key)}:{escape(value)}"' for attr, key, value in facets) + "></span>"


def record_facets(record: Record, catalogue: Catalogue) -> str:
    """The hidden, empty elements that give a case study's or episode's facets to the index."""
    day = record.published.date().isoformat()
    kind, m = record.kind, record.meta
    if isinstance(record, CaseStudy):
        values = {"topics": m.topics, "regions": [m.region], "professions": m.professions,
                  "competencies": m.competencies}
    else:
        assert isinstance(record, Episode)
        values = {"topics": m.topics}
    spans = [_span((FILTER, "kind", kind), (META, "kind_label", KIND_LABELS[kind]), (SORT, "date", day)),
             _span((FILTER, "year", day[:4]), (META, "date", day)),
             _span((META, "title", m.title))]
    if isinstance(record, CaseStudy):
        spans += [_span((META, "region_name", catalogue.taxonomy.term("regions", m.region).name)),
                  _span((META, "evidence", m.evidence))]
    spans += [_span((FILTER, singular, slug)) for plural, singular in KINDS for slug in values.get(plural, [])]
    return f'<div class="cln-facets" hidden>{"".join(spans)}</div>'


def page_facets() -> str:
    """The facets of a hand-written page: its kind only (its title is its first heading)."""
    facets = _span((FILTER, "kind", "page"), (META, "kind_label", KIND_LABELS["page"]))
    return f'<div class="cln-facets" hidden>{facets}</div>'


def indexed(url: str) -> bool:
    """Whether a hand-written page at ``url`` (site-relative) belongs in the index."""
    return not url.startswith(UNINDEXED_PREFIXES)


@dataclass(frozen=True)
class IndexReport:
    """What Pagefind said it indexed."""

    pages: int
    words: int
    filters: int
    output: str


def pagefind_binary() -> str:
    """The Pagefind executable from the ``pagefind[bin]`` wheel (or $PAGEFIND_BINARY_PATH)."""
    try:
        from pagefind.service import get_executable
    except ImportError:  # pragma: no cover - the lock installs it
        raise SearchIndexError("the pagefind package is not installed: run `make build`, which installs it") from None
    path = get_executable()
    if path is None:
        raise SearchIndexError("the Pagefind binary was not found: run `make build`, which installs pagefind[bin]")
    return str(path)


def _count(output: str, what: str) -> int:
    found = re.search(rf"Indexed (\d+) {what}s?\b", output)
    return int(found.group(1)) if found else 0


def build_index(site_dir: str, language: str = "en", output_subdir: str = OUTPUT_SUBDIR,
                background: bool = False) -> IndexReport:
    """Index the built site in ``site_dir`` with Pagefind, writing ``site_dir/pagefind/`` (or
    ``output_subdir``: the preview indexes into a private folder and swaps it in).

    Raises :class:`SearchIndexError` with Pagefind's own words when it fails.
    """
    binary = pagefind_binary()
    site = os.path.abspath(site_dir)
    args = [binary, "--site", site, "--output-subdir", output_subdir, "--force-language", language or "en"]
    for selector in EXCLUDE_SELECTORS:
        args += ["--exclude-selectors", selector]
    # Run inside the site, so no pagefind.yml or .toml lying in the project changes what is indexed.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_") or k == "PAGEFIND_BINARY_PATH"}
    try:
        # The preview indexes beside the server (background): at a lower priority, so the next
        # rebuild after an edit is not slowed by it.
        proc = subprocess.run(args, cwd=site, capture_output=True, text=True, timeout=TIMEOUT, env=env,
                              preexec_fn=(lambda: os.nice(10)) if background else None)
    except subprocess.TimeoutExpired:
        raise SearchIndexError(f"the search index was not made: Pagefind took more than {TIMEOUT} seconds") from None
    except OSError as exc:
        raise SearchIndexError(f"the search index was not made: Pagefind ({binary}) could not run: "
                               f"{exc.strerror or exc}") from None
    output = (proc.stdout + proc.stderr).strip()
    if proc.returncode != 0:
        said = "\n".join(line for line in output.splitlines() if line.strip())[-2000:] or "(no output)"
        raise SearchIndexError(f"the search index was not made: Pagefind stopped with exit code "
                               f"{proc.returncode}:\n{said}")
    if not os.path.isfile(os.path.join(site, output_subdir, "pagefind.js")):
        raise SearchIndexError(f"the search index was not made: Pagefind wrote no {output_subdir}/pagefind.js")
    return IndexReport(_count(output, "page"), _count(output, "word"), _count(output, "filter"), output)


class BackgroundIndex:
    """Pagefind's indexing service, fed each page as MkDocs writes it, so that indexing runs on
    the other processor core beside the build instead of after it (Pagefind's own process does
    the work; this thread only hands pages over). ``finish`` writes the index; it returns None
    when anything went wrong, and the caller then runs :func:`build_index`, whose messages say why.
    """

    def __init__(self, language: str = "en") -> None:
        import asyncio
        import threading

        self._asyncio = asyncio
        self.loop = asyncio.new_event_loop()
        # A service that stops leaves its reader task failed: that is handled through the pages'
        # results (then the command-line run says why), not printed as a traceback.
        self.loop.set_exception_handler(lambda loop, context: None)
        self.thread = threading.Thread(target=self.loop.run_forever, name="cln-pagefind", daemon=True)
        self.thread.start()
        self.futures: list = []
        self.index: Any = None
        config = {"force_language": language or "en", "exclude_selectors": list(EXCLUDE_SELECTORS)}
        self.ready = asyncio.run_coroutine_threadsafe(self._start(config), self.loop)

    async def _start(self, config: dict) -> None:
        service = await self._asyncio.wait_for(_service_class()().launch(), 30)
        self.index = await self._asyncio.wait_for(service.create_index(config), 30)
        self._order = self._asyncio.Lock()

    async def _add(self, html: str, url: str) -> dict:
        await self._asyncio.wrap_future(self.ready)
        assert self.index is not None
        # One page at a time, in the order MkDocs writes them: Pagefind numbers pages as they come,
        # and the same site must give the same index in every build.
        async with self._order:
            return dict(await self._asyncio.wait_for(self.index.add_html_file(content=html, url=url), TIMEOUT))

    def add(self, html: str, url: str) -> None:
        """Index the page at site address ``url`` (``/case-studies/x/``) from its final HTML."""
        self.futures.append(self._asyncio.run_coroutine_threadsafe(self._add(html, url), self.loop))

    def finish(self, site_dir: str) -> IndexReport | None:
        """Write the index into ``site_dir/pagefind/``; None when it could not be made this way."""
        try:
            words = sum(int(f.result(timeout=TIMEOUT).get("page_word_count") or 0) for f in self.futures)
            self.ready.result(timeout=TIMEOUT)
            assert self.index is not None
            output = os.path.join(os.path.abspath(site_dir), OUTPUT_SUBDIR)
            write = self._asyncio.run_coroutine_threadsafe(self.index.write_files(output_path=output), self.loop)
            write.result(timeout=TIMEOUT)
            if not os.path.isfile(os.path.join(output, "pagefind.js")):
                return None
            return IndexReport(len(self.futures), words, 0, "")
        except Exception:  # the service failed or stopped: the command-line run reports why
            return None
        finally:
            self.close()

    def close(self) -> None:
        """Stop the service and the thread (also when the build failed)."""
        if not self.loop.is_running():
            return

        async def stop() -> None:
            service = getattr(self.index, "_service", None)
            if service is not None:
                with contextlib.suppress(Exception):
                    await self._asyncio.wait_for(service.close(), 10)

        with contextlib.suppress(Exception):
            self._asyncio.run_coroutine_threadsafe(stop(), self.loop).result(timeout=15)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


def _service_class() -> type:
    """Pagefind's Python service client, reading each answer as soon as it comes: the client as
    shipped (pagefind 1.5) waits a tenth of a second before reading each one, which would hold
    indexing to ten pages a second."""
    import base64
    import json

    from pagefind.service import PagefindService

    class QuickService(PagefindService):
        async def _wait_for_responses(self) -> None:
            assert self._backend.stdout is not None
            while True:
                output = await self._backend.stdout.readuntil(b",")
                response = json.loads(base64.b64decode(output[:-1]))
                if response is None:
                    continue
                payload = response.get("payload") or {}
                message_id = response.get("message_id")
                if message_id is None and payload.get("original_message"):
                    message_id = (json.loads(payload["original_message"]) or {}).get("message_id")
                future = self._responses.get(message_id) if message_id is not None else None
                if future is None or future.done():
                    continue
                if payload.get("type") == "Error":
                    future.set_exception(Exception(payload.get("message"), payload.get("original_message")))
                else:
                    future.set_result(payload)  # type: ignore[arg-type]  # the answer as Pagefind sent it

    return QuickService
