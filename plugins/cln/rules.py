"""Rules a content file must keep beyond its own fields: its slugs are in the taxonomy, it holds
no example text from `cln new` once published, its links lead to pages the site has; and the
rules on the rest of what is published: the hand-written pages and the show's cover."""

from __future__ import annotations

import os

from . import published
from .content import CaseStudyMeta, field_name
from .errors import Allowed, Problem
from .settings import Settings
from .taxonomy import Taxonomy
from .yamlsource import Source

# The example values that `cln new` writes into a new file: fine in a draft, never published.
PLACEHOLDERS = frozenset({"Where the figures come from", "How many, e.g. 212 referrals",
    "Write one or two sentences here.", "Your Name", "Your role", "Your organisation",
    "What you measured", "value before", "value after", "Guest Name", "Their role",
})
PLACEHOLDER_BODY = "Show notes in Markdown: what the episode covers, and links to related case studies."


def check_placeholders(path: str, source) -> list[Problem]:
    """A file about to be published still holding the scaffold's example text."""
    problems = []

    def walk(value, loc: tuple) -> None:
        if isinstance(value, str) and value.strip() in PLACEHOLDERS:
            problems.append(Problem(path, source.line_of(loc), field_name(loc),
                                    f"still has the example text '{value.strip()}' from `cln new`; write your own, "
                                    "or keep 'draft: true' until it is ready"))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, (*loc, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, (*loc, i))

    walk(source.data, ())
    if PLACEHOLDER_BODY in source.body:
        line = source.body_line + source.body[:source.body.index(PLACEHOLDER_BODY)].count("\n")
        problems.append(Problem(path, line, "body", "still has the example show notes from `cln new`; "
                                                    "write your own, or keep 'draft: true' until it is ready"))
    return problems


def check_evidence(path: str, source: Source, meta: CaseStudyMeta) -> list[Problem]:
    """A case study whose evidence is ``measured`` names the source of every outcome."""
    if meta.evidence != "measured":
        return []
    return [Problem(path, source.line_of(("outcomes", i)), f"outcomes[{i}].source",
                    "is required when evidence is measured: name the records the figures come from, "
                    "e.g. 'source: theatre system, Jan to Jun 2009', or set 'evidence: reported'")
            for i, outcome in enumerate(meta.outcomes) if not outcome.source]


def check_terms(path: str, kind: str, source, taxonomy: Taxonomy) -> list[Problem]:
    """Every slug in the front matter is in the taxonomy.

    Works on the raw front matter, so an unknown slug is reported in the same run as any
    other problem of the file; values of the wrong type are left to the model's messages.
    """
    data = source.data if isinstance(source.data, dict) else {}
    problems = []
    fields = ("region", "topics", "professions", "competencies") if kind == "case-study" else ("topics",)
    for name in fields:
        value = data.get(name)
        taxonomy_kind = "regions" if name == "region" else name
        items: list[tuple[tuple[str | int, ...], str, str]]
        if name == "region":
            items = [((name,), name, value)] if isinstance(value, str) else []
        elif isinstance(value, list):
            items = [((name, i), f"{name}[{i}]", v) for i, v in enumerate(value) if isinstance(v, str)]
            strings = [v for v in value if isinstance(v, str)]
            dupes = sorted({v for v in strings if strings.count(v) > 1})
            if dupes:
                problems.append(Problem(path, source.line_of((name,)), name,
                                        f"lists '{dupes[0]}' twice; list each once"))
        else:
            items = []
        for loc, label, slug in items:
            if taxonomy.get(taxonomy_kind, slug) is None:
                problems.append(Problem(path, source.line_of(loc), label,
                                        taxonomy.unknown_message(taxonomy_kind, slug)))
    return problems


def check_show_art(settings: Settings) -> list[Problem]:
    """The show's cover, as podcast apps require it (the same rule as the build's)."""
    from .images import ImageError, check_art

    path = os.path.join(settings.podcasts_dir, settings.show_art)
    field_ = "plugins.cln.podcast.image"
    if not os.path.isfile(path):
        return [Problem("mkdocs.yml", 0, field_, f"podcasts/{settings.show_art} does not exist")]
    try:
        check_art(path)
    except ImageError as exc:
        return [Problem("mkdocs.yml", 0, field_, f"podcasts/{settings.show_art} {exc}")]
    return []


def check_docs(settings: Settings, allowed: list[Allowed], pages: dict[str, tuple[str, bool]],
               links: dict[str, list[tuple[int, str]]]) -> list[Problem]:
    """The hand-written pages get the content files' checks: they are published the same way.

    Their pages and links are added to ``pages`` and ``links`` for :func:`check_links`."""
    docs = os.path.join(settings.root, settings.docs_dir)
    problems: list[Problem] = []
    for here, dirs, names in os.walk(docs):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(n for n in names if n.endswith(".md")):
            path = os.path.join(here, name)
            rel = os.path.relpath(path, settings.root).replace(os.sep, "/")
            try:
                with open(path, encoding="utf-8") as fh:
                    text = fh.read()
            except (OSError, UnicodeDecodeError):
                problems.append(Problem(rel, 0, "", "cannot be read as UTF-8 text; save it as UTF-8"))
                continue
            found = published.check_page(rel, text, settings.network_emails, settings.markdown)
            pages[rel] = (os.path.relpath(path, docs).replace(os.sep, "/"), False)
            links[rel] = found.links
            problems += found.problems
            allowed += [Allowed(*a) for a in found.allowed]
    return problems


SITE_FOLDERS = {"case-study": "case-studies", "episode": "podcast"}


def check_links(settings: Settings, pages: dict[str, tuple[str, bool]], links: dict[str, list[tuple[int, str]]],
                taxonomy: Taxonomy) -> list[Problem]:
    """Relative links between pages point at pages the site has, as the strict build requires.

    A published page may not link to a draft (the draft is not built); a draft may.
    """
    docs = os.path.join(settings.root, settings.docs_dir)
    known: set[str] = set()
    for here, dirs, names in os.walk(docs):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        known.update(os.path.relpath(os.path.join(here, n), docs).replace(os.sep, "/") for n in names)
    for kind in ("topics", "regions", "professions", "competencies"):
        known.add(f"{kind}/index.md")
        known.update(f"{kind}/{slug}.md" for slug in taxonomy.slugs(kind))
    for kind in ("topics", "regions"):  # each with its feed
        known.update(f"{kind}/{slug}/feed.xml" for slug in taxonomy.slugs(kind))
    published = known | {uri for uri, draft in pages.values() if not draft}
    everything = known | {uri for uri, _ in pages.values()}
    problems = []
    for path, (uri, draft) in sorted(pages.items()):
        for line, href in links.get(path, []):
            target = href.split("#", 1)[0].split("?", 1)[0]
            if not target or not os.path.splitext(target)[1]:
                continue
            resolved = os.path.normpath(os.path.join(os.path.dirname(uri), target)).replace(os.sep, "/")
            if resolved.startswith("podcast/") and not resolved.endswith(".md"):
                continue  # audio, transcripts and art: checked with the episode that carries them
            if resolved in published or ((draft or settings.serving) and resolved in everything):
                continue
            why = "a draft, which is not published" if resolved in everything else "not a page or file of the site"
            problems.append(Problem(path, line, "body", f"links to '{href}', which is {why}; correct the link "
                                                        "(links between pages are relative, "
                                                        "e.g. '../podcast/<name>.md' or '<other-case-study>.md')"))
    return problems
