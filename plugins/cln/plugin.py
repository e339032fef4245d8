"""The MkDocs adapter: calls the core in MkDocs' events and hands back files and HTML.

A ``mkdocs build`` never writes the site folder itself: ``on_config`` points MkDocs at a private
folder beside it, and ``on_shutdown`` swaps that in, in one step, only if the build succeeded
(see publish.py). So a failed, interrupted or concurrent build leaves the last good site whole.
This needs MkDocs' own commands (``mkdocs build``, ``mkdocs gh-deploy``), which call
``on_startup`` and ``on_shutdown``: a bare ``mkdocs.commands.build.build(config)`` call gets
neither, so the plugin then builds in place as plain MkDocs does. No build writes a source
file: published podcast guids are checked against the main branch through git (guidlock.py).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Callable

from jinja2.bccache import Bucket, BytecodeCache
from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from . import chrome, csp, handpages, indexes, pages, preview, publish, sanitise, search, structured
from .audio import AudioProbe
from .catalogue import Catalogue, Settings, load_catalogue
from .config import ClnConfig, show_settings
from .content import Episode
from .errors import ContentError, unexpected
from .feeds.case_studies import case_study_feed
from .feeds.podcast import podcast_feed
from .feeds.terms import alternate_links
from .plan import MadeFile, plan_site
from .render import MarkdownSettings
from .safehtml import escape
from .served import prepare as prepare_media
from .settings import SiteSettings
from .urls import absolute

HERE = os.path.dirname(__file__)
GENERATED = "<!-- cln:generated: the page's HTML is put in by the plugin -->\n"
SKIP_DIV = '<div data-md-component="skip">'
ARTICLE = '<article class="md-content__inner md-typeset">'
# explore.css and explore.js are linked by the Explore page alone (handpages.explore), not by every page.
ASSETS = ("assets/cln/cln.css", "assets/cln/cln.js", "assets/cln/explore.css", "assets/cln/explore.js")
PUBLISHING_COMMANDS = ("build", "gh-deploy")
log = logging.getLogger("mkdocs.plugins.cln")


class ClnPlugin(BasePlugin[ClnConfig]):
    """Validates content, generates case-study, episode and index pages, and writes the feeds."""

    publication: publish.Publication | None  # a build's private folder, from on_config to on_shutdown

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Remember whether this is ``mkdocs serve`` (drafts are shown) or a build."""
        # MkDocs keeps one instance of the plugin per process: end anything an earlier session left.
        self._finish_publication()
        self.serving = command == "serve"
        self.command: str | None = command
        self.built = self.failed = False
        # The preview's memory between rebuilds (preview.py): what each page was made from, what
        # was written, which addresses show an error page, and the search index beside the server.
        self.dirty = dirty and self.serving
        self.previous: preview.Fingerprints | None = None
        self.outputs: set[str] = set()
        self.error_pages: set[str] = set()
        self.problems: list = []
        self.search_runner = preview.SearchRunner(search.build_index) if self.serving else None
        if self.dirty:  # MkDocs warns that dirty builds go stale; the plugin's answers keep them right
            logging.getLogger("mkdocs.commands.build").addFilter(_quiet_dirty_warning)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Reset per-build state, load and validate all content, register templates and assets."""
        self.root = os.path.dirname(os.path.abspath(config.config_file_path))
        self._start_publication(config)
        if not (getattr(self, "dirty", False) and hasattr(self, "notes")):
            # The preview keeps the show notes of episodes whose pages it does not make again.
            self.notes: dict[str, str] = {}
        cfg = self.config
        self.info = SiteSettings(site_name=config.site_name, site_url=config.site_url or "http://127.0.0.1:8000/",
                                 show=show_settings(cfg.podcast), media_base_url=cfg.media_base_url,
                                 cache_dir=cfg.cache_dir)
        settings = Settings(root=self.root, include_drafts=getattr(self, "serving", False),
                            serving=getattr(self, "serving", False),
                            network_emails=tuple(cfg.network_emails), cache_dir=cfg.cache_dir,
                            docs_dir=os.path.relpath(config.docs_dir, self.root), show_art=self.info.show.image,
                            markdown=MarkdownSettings.from_mkdocs(config.markdown_extensions, config.mdx_configs))
        self.probe = AudioProbe(os.path.join(self.root, cfg.cache_dir, "audio.json"))
        try:
            catalogue = load_catalogue(settings, self.probe)
            served = prepare_media(catalogue, self.root, self.info)
            plan = plan_site(catalogue, self.root, self.info, served)
            footer = chrome.Footer.make(self.info, catalogue, config.docs_dir, config.copyright or "")
            self.catalogue: Catalogue = catalogue
            self.served, self.plan, self.footer, self.problems = served, plan, footer, []
        except ContentError as exc:
            if not (getattr(self, "serving", False) and getattr(self, "previous", None)):
                raise PluginError(exc.report()) from None
            # The preview keeps serving the last good pages; the problems go to the terminal, to
            # an error page at the bad file's address, and to a banner on every other page.
            self.problems = exc.problems
            sys.stderr.write(exc.report() + "\nThe preview keeps the last good pages until this is fixed.\n")
        except Exception as exc:  # a fault of ours, never the editor's: say so without a traceback
            if os.environ.get("CLN_DEBUG"):
                raise
            raise PluginError(unexpected(exc)) from None
        finally:
            self.probe.save()
        if not self.plan.editor:
            log.info("The web editor (/admin/) is left out: Decap CMS is not installed; "
                     "`make build` installs it (npm ci)")
        # A build hands each page to Pagefind as it is written, so indexing runs beside MkDocs on the
        # other core; the preview indexes beside the server instead (preview.py).
        self.background = None if getattr(self, "serving", False) else search.BackgroundIndex(
            config.theme.get("language") or "en")
        config.theme.dirs.insert(0, os.path.join(HERE, "templates"))
        # The network's mark in the header and the browser tab (files made by mark.py, in the plan).
        config.theme["logo"] = "assets/cln/mark.svg"
        config.theme["favicon"] = "assets/cln/favicon.svg"
        if "assets/cln/cln.css" not in config.extra_css:
            config.extra_css.append("assets/cln/cln.css")
        if "assets/cln/cln.js" not in [str(s) for s in config.extra_javascript]:
            script = ExtraScriptValue("assets/cln/cln.js")
            script.defer = True  # it only wires up buttons and links: never hold up the page for it
            config.extra_javascript.append(script)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Add every generated page and file of the plan as a virtual file."""
        for src_uri, record in self.plan.records.items():
            meta = {"title": escape(record.meta.title), "description": escape(record.meta.summary)}
            files.append(File.generated(config, src_uri, content=_front(meta) + record.body))
        for page in self.plan.generated.values():
            files.append(File.generated(config, page.src_uri, content=_front(
                {"title": escape(page.title), "description": escape(page.description)})
                + GENERATED))
        cache_dir = os.path.join(self.root, self.config.cache_dir)
        caches = (os.path.abspath(cache_dir) + os.sep, os.path.realpath(cache_dir) + os.sep)  # no lookups per file
        for item in self.plan.static:
            if isinstance(item, MadeFile):
                files.append(File.generated(config, item.src_uri, content=item.content))
            else:
                cls = _LinkedFile if os.path.abspath(item.path).startswith(caches) else File
                files.append(cls.generated(config, item.src_uri, abs_src_path=item.path))
        for asset in ASSETS:
            source = os.path.join(HERE, "assets", os.path.basename(asset))
            files.append(File.generated(config, asset, abs_src_path=source))
        if getattr(self, "serving", False):
            self._mark_changed(files, config)
        return files

    def _mark_changed(self, files: Files, config: MkDocsConfig) -> None:
        """Tell MkDocs' dirty mode exactly which pages to make again (preview.py)."""
        self.files = files
        plan = self.plan
        own = [os.path.join(HERE, "templates"), os.path.join(HERE, "assets"), config.config_file_path,
               os.path.join(self.root, "taxonomy.yml"), *([config.theme.custom_dir] if config.theme.custom_dir else [])]
        site = preview.files_fingerprint(own) + repr(self.info) + repr(sorted(config.plugins))
        generated = {uri: f"{g.title}\n{g.description}\n{g.html}" for uri, g in plan.generated.items()}
        extra = {uri: "|".join((plan.audio_url.get(r.slug, ""), plan.transcript_uri.get(r.slug, ""),
                                plan.image_uri.get(r.slug, ""), plan.art_uri))
                 for uri, r in plan.records.items()}
        docs = {f.src_uri: preview._read(f.abs_src_path) for f in files.documentation_pages()
                if f.abs_src_path and f.src_uri not in plan.records and f.src_uri not in plan.generated}
        self.current = preview.Fingerprints.of(site, self.catalogue, plan.records, plan.related, generated, docs, extra)
        changed = set() if self.problems else self.current.changed(self.previous) | self.error_pages
        if self.previous is not None:
            log.info(f"Preview: {len(changed)} of {len(self.current.pages)} pages to make again")
        for file in files.documentation_pages():
            file.is_modified = _answer(file.src_uri in changed)  # type: ignore[method-assign]

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Date every page from content (for the sitemap) and hide the one-item sidebar."""
        # Every section is a top-level tab, so the left sidebar would list only the page itself:
        # hide it on wide screens (the drawer on phones still has the whole menu).
        page.update_date = self._changed(page) or page.update_date
        hide = page.meta.setdefault("hide", [])
        if isinstance(hide, list) and "navigation" not in hide:
            hide.append("navigation")
        return markdown  # markers are HTML comments: Markdown passes them through to on_page_content

    def _changed(self, page: Page) -> str:
        """The page's last change, from content rather than the clock, so sitemaps repeat exactly."""
        uri = page.file.src_uri
        record = self.plan.records.get(uri)
        if record is not None:
            return record.last_changed
        generated = self.plan.generated.get(uri)
        if generated is not None and generated.updated:
            return generated.updated
        return indexes.newest_change([*self.catalogue.case_studies, *self.catalogue.episodes])

    @event_priority(50)
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Put the metadata panel (or player and chapters) above a record's body, the transcript below,
        and the facets search reads (hidden) in front of every page that search indexes."""
        generated = self.plan.generated.get(page.file.src_uri)
        if generated is not None:
            return generated.html
        record = self.plan.records.get(page.file.src_uri)
        if record is None:
            if "toc" in (page.meta.get("hide") or []):  # no table of contents at all, the drawer's included
                page.toc = get_toc([])
            html = handpages.fill(html, self.catalogue, page.url, config.site_url or "/", self.plan.audio_url)
            return search.page_facets() + html if search.indexed(page.url) else html
        # What readers get is the allowlist's output, whatever Markdown made of the body; the
        # core has already refused any body from which cleaning would take something away.
        html = sanitise.clean(html)
        head = pages.header_html(record, self.catalogue, self.plan)
        if isinstance(record, Episode):
            self.notes[record.slug] = html
            tail = pages.transcript_section(self.catalogue.media[record.slug])
        else:
            tail = ""
        tail += pages.related_section(record, self.plan.related.get(page.file.src_uri, []), self.catalogue)
        tail += pages.print_address(absolute(self.info.site_url, record.url))
        return search.record_facets(record, self.catalogue) + head + html + tail

    def _indexed(self, page: Page) -> bool:
        """Whether search indexes the page: case studies, episodes and hand-written pages, not
        the generated indexes, /explore/ or /admin/."""
        uri = page.file.src_uri
        return uri in self.plan.records or (uri not in self.plan.generated and search.indexed(page.url))

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Give every page its Content-Security-Policy, the ``<link rel="alternate">`` tags of its feeds,
        a skip link (Material adds one only when the page has a heading in its body), its JSON-LD,
        Open Graph and Twitter card tags, the site's footer, and, on the pages search indexes,
        ``data-pagefind-body`` on the main content."""
        if 'class="md-skip"' not in output and SKIP_DIV in output and ARTICLE in output:
            output = output.replace(ARTICLE, ARTICLE[:-1] + ' id="cln-main">', 1)
            output = output.replace(SKIP_DIV, SKIP_DIV + '<a href="#cln-main" class="md-skip">Skip to content</a>', 1)
        if self._indexed(page):  # search reads the page's main content alone (search.py)
            output = output.replace(ARTICLE[:-1], ARTICLE[:-1] + " data-pagefind-body", 1)
        # Feed readers and browsers find the site's feeds (and a topic's or region's own) from any page.
        feeds = alternate_links(self.catalogue, self.info, page.url, page.file.src_uri)
        # How the page describes itself to search engines and shared-link cards (structured.py).
        ref = structured.PageRef(page.url, page.file.src_uri, page.title or "",
                                 str(page.meta.get("description") or config.site_description or ""))
        head = structured.head_html(ref, self.catalogue, self.plan, self.info)
        if getattr(self, "serving", False):  # the preview reloads itself and shows problems (cln.js)
            feeds += preview.status_meta(page.url)
        output = output.replace("</head>", head + feeds + "</head>", 1)
        output = output.replace(chrome.FOOTER_MARKER, self.footer.html(page.url), 1)
        output = csp.add_policy(output, self.info.media_base_url)
        background = getattr(self, "background", None)
        if background is not None and self._indexed(page):
            background.add(output, "/" + page.url)
        return output

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        """The theme's own pages (404) get the same policy."""
        if template_name.endswith(".html"):
            output_content = output_content.replace(chrome.FOOTER_MARKER, self.footer.html(None), 1)
            return csp.add_policy(output_content, self.info.media_base_url)
        return output_content

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write the feeds and the tagged audio for a media host when one is configured, then
        index the built pages for search (Pagefind, into ``pagefind/``); a failed index fails the build."""
        out = config.site_dir
        _write(os.path.join(out, "case-studies", "feed.xml"), case_study_feed(self.catalogue, self.info))
        if self.catalogue.episodes:
            feed = podcast_feed(self.catalogue, self.plan, self.info, self.notes)
            _write(os.path.join(out, "podcast", "feed.xml"), feed)
        if self.info.media_base_url:
            media_dir = os.path.join(self.root, self.config.media_dir)
            for slug, served in self.plan.served_audio.items():
                uri = self.plan.audio_url[slug].removeprefix(self.info.media_base_url.rstrip("/") + "/")
                dest = os.path.join(media_dir, uri)
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                shutil.copyfile(served, dest)
        if getattr(self, "search_runner", None) is not None:  # the preview: index beside the server, swapped in
            self._finish_preview(out, config.theme.get("language") or "en")
            self.built = True
            return
        background, self.background = getattr(self, "background", None), None
        report = background.finish(out) if background is not None else None
        try:  # otherwise (or if that failed) Pagefind reads the pages as written, and says what is wrong
            report = report or search.build_index(out, config.theme.get("language") or "en")
        except search.SearchIndexError as exc:
            raise PluginError(f"Search: {exc}") from None
        pages_ = f"{report.pages} page" + ("" if report.pages == 1 else "s")
        log.info(f"Search: indexed {pages_} ({report.words} words) into {search.OUTPUT_SUBDIR}/")
        self.built = True  # all written; MkDocs may still abort in strict mode (then on_build_error)

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        """In the preview's dirty mode, pages not made again still need their dates in the sitemap;
        and the preview compiles the theme's templates once, not on every rebuild."""
        if getattr(self, "serving", False):
            env.bytecode_cache = _TEMPLATES
        if getattr(self, "dirty", False):
            for file in files.documentation_pages():
                if file.page is not None:
                    file.page.update_date = self._changed(file.page) or file.page.update_date
        return env

    def _finish_preview(self, out: str, language: str) -> None:
        """After a preview build: delete what went away, show problems in place of pages, and
        have the search index made again beside the server."""
        now = {f.abs_dest_path for f in self.files}
        now |= {os.path.join(out, "case-studies", "feed.xml"), os.path.join(out, "podcast", "feed.xml")}
        if self.dirty:
            preview.remove_stale(out, self.outputs, now)
        self.outputs = now
        policy = csp.policy("", self.info.media_base_url)
        shown = set()
        for path in sorted({p.path for p in self.problems}):
            address = preview.address_of(path)
            if address:
                page = preview.error_page(self.problems, path, policy, address)
                preview._write(os.path.join(out, address), page.encode())
                shown.add(address.removesuffix("/index.html") + ".md")
        self.preview_builds = getattr(self, "preview_builds", 0) + 1
        preview.write_status(out, self.problems, self.preview_builds)
        if not self.problems:
            self.previous, self.error_pages = self.current, set()
        else:
            self.error_pages |= shown
        assert self.search_runner is not None
        self.search_runner.request(out, language)

    def on_build_error(self, *, error: Exception) -> None:
        """The build failed (bad content, a strict-mode warning, any error): keep the last good site."""
        self.failed = True
        background, self.background = getattr(self, "background", None), None
        if background is not None:
            background.close()

    def on_shutdown(self) -> None:
        """Swap the new site in if the build succeeded."""
        try:
            self._finish_publication()
        finally:
            self.serving, self.command = False, None  # a later bare build() call builds in place

    def _start_publication(self, config: MkDocsConfig) -> None:
        """For a build, wait for any other build of the site, and build into a private folder."""
        self._finish_publication()  # an earlier build() between the same on_startup and on_shutdown
        self.built = self.failed = False
        command = getattr(self, "command", None)
        if command not in PUBLISHING_COMMANDS or _serve_folder(config.site_dir):
            return  # serve, or a bare build() call without on_startup: build in place, as MkDocs does
        publication = publish.Publication(config.site_dir)
        config.site_dir = publication.start()
        self.publication, self.site_config = publication, config

    def _finish_publication(self) -> None:
        publication, self.publication = getattr(self, "publication", None), None
        if publication is None:
            return
        self.site_config.site_dir = publication.site_dir  # gh-deploy reads it after on_shutdown
        # An exception in flight (Ctrl-C after on_post_build, say) means the build did not finish.
        success = self.built and not self.failed and sys.exc_info()[0] is None
        site_dir = publication.site_dir
        if publication.finish(success):
            log.info(f"Published the new site to {site_dir}")
        elif os.path.isdir(site_dir):
            log.info(f"The build failed or was stopped: {site_dir} still holds the last good site")

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        """Rebuild when content, not only docs/, changes."""
        for name in ("case_studies", "podcasts", "taxonomy.yml"):
            path = os.path.join(self.root, name)
            if os.path.exists(path):
                server.watch(path)
        return server


class _LinkedFile(File):
    """A file from the plugin's cache (the tagged MP3s), hard-linked into the site instead of copied.

    Files in the cache are only ever replaced (a new file renamed over the old), never written
    in place, so a link can never change a site that is already built.
    """

    def copy_file(self, dirty: bool = False) -> None:
        if dirty and not self.is_modified():
            return
        source, output = self.abs_src_path, self.abs_dest_path
        if source is None:  # made in memory: nothing to link
            super().copy_file(dirty)
            return
        try:
            os.makedirs(os.path.dirname(output), exist_ok=True)
            if os.path.lexists(output):
                os.remove(output)
            os.link(source, output)
        except OSError:  # another file system, or links not allowed: copy
            super().copy_file(dirty)


class _MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory between the preview's rebuilds; Jinja checks each one
    against its template's source, so an edited template is compiled again."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_TEMPLATES = _MemoryBytecodeCache()


def _quiet_dirty_warning(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("A 'dirty' build is being performed")


def _answer(flag: bool) -> Callable[[], bool]:
    """A ``File.is_modified`` that gives the plugin's own answer."""
    return lambda: flag


def _front(meta: dict) -> str:
    """YAML front matter for a generated page, written as JSON (valid YAML, and far quicker to write)."""
    return "---\n" + json.dumps(meta, ensure_ascii=False, sort_keys=True) + "\n---\n\n"


def _serve_folder(site_dir: str) -> bool:
    """Whether ``site_dir`` is the temporary folder `mkdocs serve` or `properdocs serve` made
    (with --clean they say "build")."""
    path = os.path.abspath(site_dir)
    in_temp = os.path.dirname(path) == os.path.abspath(tempfile.gettempdir())
    return in_temp and os.path.basename(path).startswith(("mkdocs_", "properdocs_"))


def _write(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)
