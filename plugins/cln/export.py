"""``cln export DIR``: everything the plugin adds to the site, written by the core into a folder
that an engine with no plugin support (MkDocs 2, Zensical, any static-site builder that reads
Markdown with HTML in it) can build on its own.

``DIR/docs/`` is a complete docs folder: the hand-written pages with their generated parts
filled in, every case-study, episode and index page as Markdown holding its HTML, the feeds,
the tagged audio, transcripts, chapters, art, share images and Explore's records as JSON, and
the site's stylesheets and scripts. ``DIR/mkdocs.yml`` is the project's configuration without
the cln plugin, and ``DIR/overrides/`` the plugin's template overrides. So::

    cln export build/export
    zensical build -f build/export/mkdocs.yml      # or: mkdocs build -f build/export/mkdocs.yml

What an engine cannot get from a folder of files: the search index (Pagefind reads the built
pages: run ``python -m pagefind --site <output>`` after the engine) and the Content-Security-Policy
and feed links the plugin writes into every built page.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import sys
from dataclasses import dataclass
from html import unescape as html_unescape
from urllib.parse import urlsplit

import yaml

from . import chrome, handpages, pages, sanitise, search
from .audio import AudioProbe
from .catalogue import Catalogue, Settings, load_catalogue
from .content import Episode
from .feeds.case_studies import case_study_feed
from .feeds.podcast import podcast_feed
from .plan import CopiedFile, MadeFile, Plan, plan_site
from .render import MarkdownSettings, render
from .safehtml import escape
from .served import prepare as prepare_media
from .settings import NETWORK_EMAIL, ShowSettings, SiteSettings
from .urls import absolute, rel

HERE = os.path.dirname(__file__)
ASSETS = ("cln.css", "cln.js", "explore.css", "explore.js")
EXPORT_MARK = "# Made by `cln export`"
_MARKER_RE = re.compile(r"<!-- cln:([a-z-]+) -->")


@dataclass(frozen=True)
class ExportReport:
    """What was written: counts a person can check against the site."""

    pages: int
    files: int

    def __str__(self) -> str:
        return f"{self.pages} pages and {self.files} other files"


def _front(meta: dict) -> str:
    """Front matter as JSON, which is YAML: nothing in a title can break it."""
    return "---\n" + json.dumps(meta, ensure_ascii=False, sort_keys=True) + "\n---\n\n"


def _html_block(html: str, indexed: bool = False) -> str:
    """HTML as one raw block of Markdown: a wrapping element at the start of a line, no blank
    line inside (where a Markdown engine could end the block), so any engine passes it through.
    ``indexed``: Pagefind reads this block as the page's words (``data-pagefind-body``), as the
    plugin marks a record's article; pages without it (the indexes) are left out of search."""
    html = re.sub(r"\n\s*\n", "\n", html.strip())
    marker = " data-pagefind-body" if indexed else ""
    return f'<div class="cln-export"{marker}>\n{html}\n</div>\n'


def _indexed_markdown(text: str) -> str:
    """A hand-written page's Markdown inside a block that Pagefind reads as its words, with the
    facets of a page, as the plugin marks it (``md_in_html``, in the site's extensions, keeps the
    Markdown inside read as Markdown)."""
    front = re.match(r"---\n.*?\n---\n", text, re.S)
    head, body = (text[:front.end()], text[front.end():]) if front else ("", text)
    return (f"{head}\n<div class=\"cln-export\" data-pagefind-body markdown=\"1\">\n\n{search.page_facets()}\n\n"
            f"{body.strip()}\n\n</div>\n")


def _fill(text: str, fragments: dict[str, str]) -> str:
    """A hand-written page's Markdown with each marker replaced by its HTML, as a raw block."""
    return _MARKER_RE.sub(lambda m: "\n\n" + _html_block(fragments.get(m.group(1), "")) + "\n", text)


_RELATIVE_LINK_RE = re.compile(r'(href|src)="(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)([^"?#]*)([?#][^"]*)?"')


def _root_links(html: str, page_url: str, base: str) -> str:
    """Relative links from the site's root path (``base``, e.g. "/"): engines disagree on links in
    raw HTML (MkDocs leaves them as they are; Zensical reads them as relative to the Markdown
    file, not to the page's address), and a root path means the same to both."""

    def root(m: re.Match) -> str:
        path = html_unescape(m.group(2))
        target = posixpath.normpath(posixpath.join("/" + page_url, path)) if path else "/" + page_url
        if (path.endswith("/") or not path) and not target.endswith("/"):
            target += "/"
        return f'{m.group(1)}="{escape(base.rstrip("/") + target)}{m.group(3) or ""}"'

    return _RELATIVE_LINK_RE.sub(root, html)


_HREF_RE = re.compile(r'(href|src)="([^"#?:]+\.md)([#?][^"]*)?"')


def _page_links(html: str, src_uri: str) -> str:
    """Links between pages as the site's addresses, as MkDocs makes them from the Markdown's
    ``../podcast/<name>.md``: the engine passes this HTML through without reading its links."""
    here = _page_url(src_uri)

    def address(m: re.Match) -> str:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), html_unescape(m.group(2))))
        return f'{m.group(1)}="{escape(rel(here, _page_url(target)) or "./")}{m.group(3) or ""}"'

    return _HREF_RE.sub(address, html)


def _page_url(src_uri: str) -> str:
    """The address of a page from its source (directory addresses, as the site uses)."""
    stem = src_uri.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


class Exporter:
    """One export: the catalogue and plan of a build with drafts left out, written as files."""

    def __init__(self, root: str, settings: Settings, info: SiteSettings, docs_dir: str, config: dict):
        self.root, self.settings, self.info, self.docs_dir, self.config = root, settings, info, docs_dir, config
        self.base = urlsplit(info.site_url).path or "/"  # the site's root path, for links to files
        probe = AudioProbe(os.path.join(root, info.cache_dir, "audio.json"))
        try:
            self.catalogue: Catalogue = load_catalogue(settings, probe)
            self.plan: Plan = plan_site(self.catalogue, root, info, prepare_media(self.catalogue, root, info))
        finally:
            probe.save()

    def write(self, out: str) -> ExportReport:
        docs = os.path.join(out, "docs")
        if os.path.isdir(out):
            shutil.rmtree(out)  # an earlier export: export() refuses any other folder that holds files
        os.makedirs(docs)
        pages_ = files = 0
        notes: dict[str, str] = {}
        for src_uri, record in self.plan.records.items():
            body = _page_links(sanitise.clean(render(record.body, self.settings.markdown)), src_uri)
            if isinstance(record, Episode):
                notes[record.slug] = body
                tail = pages.transcript_section(self.catalogue.media[record.slug])
            else:
                tail = ""
            tail += pages.related_section(record, self.plan.related.get(src_uri, []), self.catalogue)
            tail += pages.print_address(absolute(self.info.site_url, record.url))
            html = pages.header_html(record, self.catalogue, self.plan) + body + tail
            html = search.record_facets(record, self.catalogue) + _root_links(html, record.url, self.base)
            meta = {"title": record.meta.title, "description": record.meta.summary, "hide": ["navigation"]}
            _write(docs, src_uri, (_front(meta) + _html_block(html, indexed=True)).encode())
            pages_ += 1
        for src_uri, page in self.plan.generated.items():
            meta = {"title": page.title, "description": page.description, "hide": ["navigation"]}
            html = _root_links(page.html, _page_url(src_uri), self.base)
            _write(docs, src_uri, (_front(meta) + _html_block(html)).encode())
            pages_ += 1
        pages_ += self._hand_pages(docs)
        for item in self.plan.static:
            if isinstance(item, MadeFile):
                _write(docs, item.src_uri, item.content)
            else:
                assert isinstance(item, CopiedFile)
                dest = os.path.join(docs, item.src_uri)
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                shutil.copyfile(item.path, dest)
            files += 1
        _write(docs, "case-studies/feed.xml", case_study_feed(self.catalogue, self.info))
        files += 1
        if self.catalogue.episodes:
            _write(docs, "podcast/feed.xml", podcast_feed(self.catalogue, self.plan, self.info, notes))
            files += 1
        for name in ASSETS:
            dest = os.path.join(docs, "assets", "cln", name)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copyfile(os.path.join(HERE, "assets", name), dest)
            files += 1
        shutil.copytree(os.path.join(HERE, "templates"), os.path.join(out, "overrides"))
        # The footer the plugin puts in each page, with links from the site's root (right on every page).
        footer_template = os.path.join(out, "overrides", "partials", "footer.html")
        if os.path.exists(footer_template):
            footer = chrome.Footer.make(self.info, self.catalogue, os.path.join(self.root, self.docs_dir),
                                        str(self.config.get("copyright") or ""))
            with open(footer_template, encoding="utf-8") as fh:
                template = fh.read()
            with open(footer_template, "w", encoding="utf-8") as fh:
                fh.write(template.replace(chrome.FOOTER_MARKER, footer.html(None)))
        # Pagefind's settings, as the plugin gives them (search.py): read by `python -m pagefind` run in `out`.
        language = str((self.config.get("theme") or {}).get("language") or "en")
        with open(os.path.join(out, "pagefind.yml"), "w", encoding="utf-8") as fh:
            yaml.safe_dump({"site": "site", "force_language": language,
                            "exclude_selectors": list(search.EXCLUDE_SELECTORS)}, fh, sort_keys=False)
        with open(os.path.join(out, "mkdocs.yml"), "w", encoding="utf-8") as fh:
            fh.write(EXPORT_MARK + ": the site without the cln plugin. Build with any engine that\n"
                     "# reads mkdocs.yml (zensical build, mkdocs build); do not edit: export again.\n")
            yaml.safe_dump(self._engine_config(), fh, sort_keys=False, allow_unicode=True)
        return ExportReport(pages_, files)

    def _hand_pages(self, docs: str) -> int:
        """docs/ as written, each marker replaced by its HTML (as raw blocks of Markdown)."""
        source = os.path.join(self.root, self.docs_dir)
        count = 0
        feed = absolute(self.info.site_url, "podcast/feed.xml")
        case_feed = absolute(self.info.site_url, "case-studies/feed.xml")
        for folder, _dirs, names in os.walk(source):
            for name in sorted(names):
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, source).replace(os.sep, "/")
                if not name.endswith(".md"):
                    dest = os.path.join(docs, rel)
                    os.makedirs(os.path.dirname(dest), exist_ok=True)
                    shutil.copyfile(path, dest)
                    continue
                with open(path, encoding="utf-8") as fh:
                    text = fh.read()
                names_ = tuple(n for n in handpages.MARKERS if handpages.MARKER.format(n) in text)
                if names_:
                    fragments = {name: _root_links(html, _page_url(rel), self.base) for name, html in
                                 handpages.markers(self.catalogue, _page_url(rel), feed, case_feed, names_,
                                                   self.plan.audio_url).items()}
                    text = _fill(text, fragments)
                if search.indexed(_page_url(rel)):
                    text = _indexed_markdown(text)
                _write(docs, rel, text.encode("utf-8"))
                count += 1
        return count

    def _engine_config(self) -> dict:
        config = {k: v for k, v in self.config.items() if k not in ("plugins", "docs_dir", "site_dir")}
        config["docs_dir"] = "docs"
        config["site_dir"] = "site"
        # Transcript and chapter times link to "#t=<seconds>", which the player reads: not anchors,
        # though an engine that checks anchors says so. Their warnings must not stop the build.
        config["strict"] = False
        theme = dict(config.get("theme") or {})
        theme["custom_dir"] = "overrides"
        theme["logo"], theme["favicon"] = "assets/cln/mark.svg", "assets/cln/favicon.svg"  # as the plugin sets them
        config["theme"] = theme
        config["extra_css"] = [*(config.get("extra_css") or []), "assets/cln/cln.css"]
        config["extra_javascript"] = [*(config.get("extra_javascript") or []), "assets/cln/cln.js"]
        config["plugins"] = [p for p in (self.config.get("plugins") or [])
                             if not (isinstance(p, dict) and "cln" in p) and p != "cln"]
        return config


def project(root: str) -> tuple[Settings, SiteSettings, str, dict]:
    """The build's settings (drafts left out), read from mkdocs.yml without MkDocs."""
    from .cli import _mkdocs_config

    config = _mkdocs_config(root)
    cln: dict = {}
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and isinstance(plugin.get("cln"), dict):
            cln = plugin["cln"]
    podcast = cln.get("podcast") if isinstance(cln.get("podcast"), dict) else {}
    known = set(ShowSettings.__dataclass_fields__) - {"category"}
    show = ShowSettings(**{k: v for k, v in (podcast or {}).items() if k in known})
    cache_dir = str(cln.get("cache_dir") or ".cache/cln")
    docs_dir = str(config.get("docs_dir") or "docs")
    info = SiteSettings(site_name=str(config.get("site_name") or ""),
                        site_url=str(config.get("site_url") or "http://127.0.0.1:8000/"),
                        show=show, media_base_url=str(cln.get("media_base_url") or ""), cache_dir=cache_dir)
    settings = Settings(root=root, network_emails=tuple(cln.get("network_emails") or (NETWORK_EMAIL,)),
                        cache_dir=os.path.join(root, cache_dir), docs_dir=docs_dir, show_art=show.image,
                        markdown=MarkdownSettings.from_mkdocs(config.get("markdown_extensions") or []))
    return settings, info, docs_dir, config


def export(root: str, out: str) -> ExportReport:
    """Write the export of the project at ``root`` into ``out`` (replaced whole)."""
    settings, info, docs_dir, config = project(root)
    real_out = os.path.realpath(out)
    for inside in (os.path.join(root, docs_dir), os.path.join(root, "case_studies"), os.path.join(root, "podcasts")):
        real = os.path.realpath(inside)
        if real_out == real or real_out.startswith(real + os.sep) or real.startswith(real_out + os.sep):
            raise ValueError(f"{out} is inside the content: export to a folder of its own (for example build/export)")
    if os.path.realpath(root) == real_out:
        raise ValueError(f"{out} is the project itself: export to a folder of its own (for example build/export)")
    if os.path.isdir(out) and os.listdir(out) and not _earlier_export(out):
        raise ValueError(f"{out} already holds files that are not an export: choose an empty or new folder")
    return Exporter(root, settings, info, docs_dir, config).write(out)


def _earlier_export(out: str) -> bool:
    try:
        with open(os.path.join(out, "mkdocs.yml"), encoding="utf-8") as fh:
            return fh.readline().startswith(EXPORT_MARK)
    except OSError:
        return False


def _write(docs: str, src_uri: str, data: bytes) -> None:
    path = os.path.join(docs, src_uri)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)


def add_command(sub) -> None:
    """``cln export DIR`` on the editors' command line (cli.py)."""
    parser = sub.add_parser("export", help="write the site's generated pages and files for a plugin-free engine")
    parser.add_argument("dir", help="the folder to write (replaced whole), e.g. build/export")
    parser.set_defaults(func=cmd_export)


def cmd_export(args) -> int:
    from .cli import find_root
    from .errors import ContentError

    root = find_root(args.root or os.getcwd())
    try:
        report = export(root, args.dir)
    except ContentError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"Export: {exc}", file=sys.stderr)
        return 2
    print(f"Exported {report} to {args.dir}.\n"
          f"Build it with any engine that reads mkdocs.yml, e.g. `zensical build -f {args.dir}/mkdocs.yml`;\n"
          f"then, in {args.dir}, `python -m pagefind` for search (it reads {args.dir}/pagefind.yml).")
    return 0
