"""All content → one validated catalogue, with the rules that span files.

``load_catalogue`` reads every content file once, validates it, checks it against the
taxonomy, the audio and transcript files and the other files (unique slugs, GUIDs and
episode numbers), scans it for patient-identifiable data and unsafe markup, and either
returns a :class:`Catalogue` or raises one :class:`ContentError` listing every problem.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from . import privacy, published, transcripts
from .audio import AudioError, AudioFacts, AudioProbe
from .content import SLUG_RE, CaseStudy, Episode, field_name, format_clock, make_record, parse
from .contentcache import ContentCache
from .errors import ContentError, Problem
from .guidlock import LOCK_NAME, GuidLock
from .render import MarkdownSettings
from .taxonomy import RESERVED_SLUGS, Taxonomy

ART_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


@dataclass(frozen=True)
class Settings:
    """Where content lives and what the core should do; filled by the MkDocs adapter or the CLI."""

    root: str
    include_drafts: bool = False
    network_emails: tuple[str, ...] = ()
    cache_dir: str | None = None
    markdown: MarkdownSettings = MarkdownSettings()
    docs_dir: str = "docs"
    show_art: str = ""  # the podcast's cover, relative to podcasts/ (plugins.cln.podcast.image)
    serving: bool = False  # a local preview, where drafts are pages too (links to them work)

    @property
    def case_studies_dir(self) -> str:
        return os.path.join(self.root, "case_studies")

    @property
    def podcasts_dir(self) -> str:
        return os.path.join(self.root, "podcasts")

    @property
    def taxonomy_path(self) -> str:
        return os.path.join(self.root, "taxonomy.yml")


@dataclass(frozen=True)
class Allowed:
    """A reviewed privacy false positive, allowed on one line with a reason."""

    path: str
    line: int
    kind: str
    reason: str


@dataclass
class EpisodeMedia:
    """The files behind an episode: audio, transcript and art, with their facts."""

    audio_path: str
    audio: AudioFacts
    transcript_path: str
    transcript_mime: str
    cues: list[transcripts.Cue]
    image_path: str | None = None


@dataclass
class Catalogue:
    """Every published record, newest first, with the taxonomy and the episodes' media."""

    taxonomy: Taxonomy
    case_studies: list[CaseStudy]
    episodes: list[Episode]
    media: dict[str, EpisodeMedia] = field(default_factory=dict)
    allowed: list[Allowed] = field(default_factory=list)
    audio_reads: int = 0
    from_cache: int = 0  # content files taken from the cache of checked files, unchanged since they passed
    guid_lock: GuidLock | None = None  # the published guids, checked; the build adds new ones

    def with_term(self, kind: str, slug: str) -> list[CaseStudy | Episode]:
        """Every record carrying the value ``slug`` of ``kind``, newest first."""
        index = self.__dict__.get("_terms")
        if index is None:  # built once: each record is filed under each of its values
            index = {}
            for cs in self.case_studies:
                m = cs.meta
                for kind_, values in (("topics", m.topics), ("regions", [m.region]), ("professions", m.professions),
                                      ("competencies", m.competencies)):
                    for value in dict.fromkeys(values):
                        index.setdefault((kind_, value), []).append(cs)
            for ep in self.episodes:
                for value in dict.fromkeys(ep.meta.topics):
                    index.setdefault(("topics", value), []).append(ep)
            index = {key: newest_first(records) for key, records in index.items()}
            self.__dict__["_terms"] = index
        return list(index.get((kind, slug), []))


def newest_first(records):
    """Records sorted newest first; ties broken by slug, so the order never changes between builds."""
    return sorted(records, key=lambda r: (-r.published.timestamp(), r.slug))


MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mdown", ".mkd")


def content_files(folder: str, root: str) -> tuple[list[str], list[Problem]]:
    """The Markdown content files of a folder, skipping names that start with '_' or '.'.

    A Markdown file the site would not publish is an error that says where it should be:
    one in a subfolder, one ending in ``.MD`` or ``.markdown``, one whose name is not a slug
    or is reserved for an address of the site (``index``). Symbolic links that point outside
    the project are refused.
    """
    if not os.path.isdir(folder):
        return [], []
    files, problems = [], []
    real_root = os.path.realpath(root)
    top = os.path.relpath(folder, root).replace(os.sep, "/")
    for here, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(("_", ".")))
        for name in sorted(names):
            stem, ext = os.path.splitext(name)
            if name.startswith(("_", ".")) or ext.lower() not in MARKDOWN_EXTENSIONS:
                continue
            path = os.path.join(here, name)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            slug = _slugish(stem)
            if here != folder:
                problems.append(Problem(rel, 0, "", f"is in a subfolder, where the site does not look; "
                                                    f"move it to {top}/{slug}.md"))
                continue
            if ext != ".md":
                problems.append(Problem(rel, 0, "", f"ends in '{ext}'; the site reads only '.md': rename it to {top}/{slug}.md"))
                continue
            if os.path.islink(path) and not _inside(os.path.realpath(path), real_root):
                problems.append(Problem(rel, 0, "", "is a link to a file outside the project; content must be a real file here"))
                continue
            if not os.path.isfile(path):
                continue
            if not SLUG_RE.match(stem):
                shown = f"'{name}'" if name.isprintable() else repr(name)
                problems.append(Problem(rel, 0, "", f"file name {shown} should be lowercase letters, digits and hyphens, "
                                                    f"e.g. '{slug}.md'"))
                continue
            if stem in RESERVED_SLUGS:
                problems.append(Problem(rel, 0, "", f"'{stem}' is the name of an address the site uses itself; "
                                                    f"choose a name that says what the page is about, e.g. '{stem}-2009.md'"))
                continue
            files.append(path)
    return files, problems


def _slugish(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "my-case-study"


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def load_catalogue(settings: Settings, probe: AudioProbe | None = None,
                   taxonomy: Taxonomy | None = None) -> Catalogue:
    """Read, validate and cross-check all content; raise ContentError with every problem."""
    problems: list[Problem] = []
    cache = _content_cache(settings) if taxonomy is None else None
    try:
        taxonomy = taxonomy or Taxonomy.load(settings.taxonomy_path)
    except ContentError as exc:
        raise ContentError(exc.problems)
    probe = probe or AudioProbe()
    reads_before = probe.reads
    allowed: list[Allowed] = []
    records: dict[str, list] = {"case-study": [], "episode": []}
    links: dict[str, list[tuple[int, str]]] = {}
    pages: dict[str, tuple[str, bool]] = {}  # content path → (address of its page's source, draft)
    for kind, folder in (("case-study", settings.case_studies_dir), ("episode", settings.podcasts_dir)):
        paths, found = content_files(folder, settings.root)
        problems += found
        for path in paths:
            rel = os.path.relpath(path, settings.root).replace(os.sep, "/")
            with open(path, "rb") as fh:
                raw = fh.read()
            record, found, source = _checked_file(rel, raw, kind, settings, taxonomy, cache, allowed, links)
            problems += found
            if source is not None:
                draft = record.meta.draft if record is not None else source.data.get("draft") is True
                pages[rel] = (f"{SITE_FOLDERS[kind]}/{os.path.basename(rel)}", draft)
            if record is not None:
                records[kind].append((record, source))
    if cache is not None:
        cache.save()
    media: dict[str, EpisodeMedia] = {}
    for episode, source in records["episode"]:
        found, item = _check_media(episode, source, settings, probe, allowed)
        problems += found
        if item:
            media[episode.slug] = item
    problems += _check_unique(records["episode"])
    problems += _check_docs(settings, allowed)
    if records["episode"] and settings.show_art:
        problems += _check_show_art(settings)
    problems += check_links(settings, pages, links, taxonomy)
    lock, found = GuidLock.read(os.path.join(settings.podcasts_dir, LOCK_NAME),
                                os.path.relpath(os.path.join(settings.podcasts_dir, LOCK_NAME), settings.root).replace(os.sep, "/"))
    problems += found + lock.check(records["episode"])
    if problems:
        raise ContentError(problems)
    keep = (lambda r: True) if settings.include_drafts else (lambda r: not r.meta.draft)
    return Catalogue(
        taxonomy=taxonomy,
        case_studies=newest_first(r for r, _ in records["case-study"] if keep(r)),
        episodes=newest_first(r for r, _ in records["episode"] if keep(r)),
        media=media,
        allowed=sorted(allowed, key=lambda a: (a.path, a.line)),
        audio_reads=probe.reads - reads_before,
        from_cache=cache.hits if cache is not None else 0,
        guid_lock=lock,
    )


def _content_cache(settings: Settings) -> ContentCache | None:
    """The cache of checked files, keyed to this taxonomy and these settings; None without a cache folder."""
    if not settings.cache_dir:
        return None
    try:
        with open(settings.taxonomy_path, "rb") as fh:
            taxonomy_bytes = fh.read()
    except OSError:
        return None
    return ContentCache.for_project(settings.cache_dir, settings.root, taxonomy_bytes,
                                    (*settings.network_emails, repr(settings.markdown)))


def _checked_file(rel: str, raw: bytes, kind: str, settings: Settings, taxonomy: Taxonomy,
                  cache: ContentCache | None, allowed: list[Allowed], links: dict[str, list[tuple[int, str]]]):
    """One content file parsed, validated, checked against the taxonomy and checked as readers will
    receive it; or, when it passed all that before and nothing it depends on has changed, taken
    from the cache."""
    hit = cache.get(rel, raw) if cache is not None else None
    if hit is not None:
        meta, body, body_line, source, file_allowed, file_links = hit
        allowed += [Allowed(rel, line, kind_, reason) for line, kind_, reason in file_allowed]
        links[rel] = file_links
        return make_record(rel, kind, meta, body, body_line), [], source
    record, problems, source = parse(rel, raw, kind)
    problems += published.check_name(rel)
    file_allowed: list[Allowed] = []
    if source is not None:
        found = published.check_file(rel, source, settings.network_emails, settings.markdown)
        problems += found.problems
        file_allowed = [Allowed(*a) for a in found.allowed]
        links[rel] = found.links
        problems += _check_terms(rel, kind, source, taxonomy)
        if isinstance(source.data, dict) and source.data.get("draft") is not True:  # in the same run as the rest
            problems += _check_placeholders(rel, source)
    allowed += file_allowed
    if cache is not None and record is not None and not problems:
        cache.put(rel, raw, record.meta, source, [(a.line, a.kind, a.reason) for a in file_allowed], links.get(rel, []))
    return record, problems, source


# The example values that `cln new` writes into a new file: fine in a draft, never published.
PLACEHOLDERS = frozenset({
    "Write one or two sentences here.", "Your Name", "Your role", "Your organisation",
    "What you measured", "value before", "value after", "Guest Name", "Their role",
})
PLACEHOLDER_BODY = "Show notes in Markdown: what the episode covers, and links to related case studies."


def _check_placeholders(path: str, source) -> list[Problem]:
    """A file about to be published still holding the scaffold's example text."""
    problems = []

    def walk(value, loc: tuple) -> None:
        if isinstance(value, str) and value.strip() in PLACEHOLDERS:
            problems.append(Problem(path, source.line_of(loc), field_name(loc),
                                    f"still has the example text '{value.strip()}' from `cln new`; write your own, "
                                    "or keep 'draft: true' until it is ready"))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, loc + (key,))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, loc + (i,))

    walk(source.data, ())
    if PLACEHOLDER_BODY in source.body:
        line = source.body_line + source.body[:source.body.index(PLACEHOLDER_BODY)].count("\n")
        problems.append(Problem(path, line, "body", "still has the example show notes from `cln new`; "
                                                    "write your own, or keep 'draft: true' until it is ready"))
    return problems


def _scan_transcript(path: str, text: str, cues: list[transcripts.Cue], settings: Settings,
                     allowed: list[Allowed]) -> list[Problem]:
    """Patient data in a transcript: line by line, and in each cue joined across its lines."""
    out = published.Findings()
    seen: set[tuple[int, str]] = set()
    for finding in privacy.scan(text, allowed_emails=settings.network_emails):
        seen.add((finding.line, finding.kind))
        if finding.allowed:
            out.allowed.append((path, finding.line, finding.kind, finding.reason or ""))
        else:
            out.problems.append(Problem(path, finding.line, "privacy", finding.message))
    lines = text.split("\n")
    for cue in cues:
        first = max(cue.line, 1)
        published.privacy_in_text(path, cue.text, lines[first - 1:first + 20], first, first, "privacy", out, seen,
                                  settings.network_emails)
    allowed += [Allowed(*a) for a in out.allowed]
    return out.problems + published.control_characters(path, text, 1, "transcript")


def _check_terms(path: str, kind: str, source, taxonomy: Taxonomy) -> list[Problem]:
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
        if name == "region":
            items = [((name,), name, value)] if isinstance(value, str) else []
        elif isinstance(value, list):
            items = [((name, i), f"{name}[{i}]", v) for i, v in enumerate(value) if isinstance(v, str)]
            strings = [v for v in value if isinstance(v, str)]
            dupes = sorted({v for v in strings if strings.count(v) > 1})
            if dupes:
                problems.append(Problem(path, source.line_of((name,)), name, f"lists '{dupes[0]}' twice; list each once"))
        else:
            items = []
        for loc, label, slug in items:
            if taxonomy.get(taxonomy_kind, slug) is None:
                problems.append(Problem(path, source.line_of(loc), label, taxonomy.unknown_message(taxonomy_kind, slug)))
    return problems


def _inside_podcasts(settings: Settings, record: Episode, source, field: str, value: str,
                     allowed_ext: dict[str, str]) -> tuple[str | None, Problem | None]:
    """Resolve a path given relative to podcasts/, refusing anything outside it, of another
    type, missing, or with a name that a podcast app could not fetch from the feed."""
    from .tagging import safe_name, unsafe_characters

    line = source.line_of((field,))
    base = os.path.realpath(settings.podcasts_dir)
    target = os.path.realpath(os.path.join(base, value))
    if os.path.isabs(value) or not _inside(target, base):
        return None, Problem(record.path, line, field, f"'{value}' is outside podcasts/; give a path inside it, "
                                                       f"relative to podcasts/, e.g. {field}s/{record.slug}" if field != "audio"
                             else f"'{value}' is outside podcasts/; give a path relative to podcasts/, e.g. audio/{record.slug}.mp3")
    ext = os.path.splitext(value)[1].lower()
    if ext not in allowed_ext:
        return None, Problem(record.path, line, field, f"'{value}' should end in {' or '.join(allowed_ext)}")
    if not os.path.isfile(target):
        return None, Problem(record.path, line, field, f"file podcasts/{value} does not exist; add it, or correct the path")
    served = os.path.relpath(target, base).replace(os.sep, "/")  # the name the site serves it under
    for name in dict.fromkeys((value, served)):
        if unsafe_characters(name):
            return None, Problem(record.path, line, field,
                                 f"the file name '{name}' has {', '.join(unsafe_characters(name))} in it, which podcast "
                                 f"apps cannot fetch; rename the file podcasts/{name} to '{safe_name(name)}' "
                                 "(letters, digits, '-', '_' and '.' only) and write the new name here")
    return target, None


def _check_media(episode: Episode, source, settings: Settings, probe: AudioProbe,
                 allowed: list[Allowed]) -> tuple[list[Problem], EpisodeMedia | None]:
    """Audio, transcript, chapters and art of one episode.

    ``allowed`` is made afresh for each load of the catalogue, so it also marks one run of
    checks for the probe, which remembers which episode claimed each audio file first."""
    from . import images
    from .audio import MIME_TYPES as AUDIO_TYPES
    m = episode.meta
    problems: list[Problem] = []
    audio_path, problem = _inside_podcasts(settings, episode, source, "audio", m.audio, AUDIO_TYPES)
    facts = None
    first = probe.first_user(audio_path, episode.path, allowed) if audio_path else episode.path
    if problem:
        problems.append(problem)
    elif first != episode.path:
        problems.append(Problem(episode.path, source.line_of(("audio",)), "audio",
                                f"podcasts/{m.audio} is already the audio of {first}; each episode needs its own file"))
    else:
        try:
            facts = probe.facts(audio_path)
        except AudioError as exc:
            problems.append(Problem(episode.path, source.line_of(("audio",)), "audio", f"podcasts/{m.audio} {exc}"))
    transcript_path, problem = _inside_podcasts(settings, episode, source, "transcript", m.transcript, transcripts.MIME_TYPES)
    cues: list[transcripts.Cue] = []
    if problem:
        problems.append(problem)
    else:
        ext = os.path.splitext(transcript_path)[1].lower()
        rel = os.path.relpath(transcript_path, settings.root).replace(os.sep, "/")
        try:
            with open(transcript_path, "rb") as fh:
                text = fh.read().decode("utf-8")
            cues = transcripts.parse(text, ext)
            problems += _scan_transcript(rel, text, cues, settings, allowed)
        except UnicodeDecodeError:
            problems.append(Problem(episode.path, source.line_of(("transcript",)), "transcript",
                                    f"podcasts/{m.transcript} is not UTF-8 text; save it as UTF-8"))
        except transcripts.TranscriptError as exc:
            problems.append(Problem(episode.path, source.line_of(("transcript",)), "transcript", f"podcasts/{m.transcript} {exc}"))
    image_path = None
    if m.image:
        image_path, problem = _inside_podcasts(settings, episode, source, "image", m.image, ART_TYPES)
        try:
            if image_path:
                images.check_art(image_path)
        except images.ImageError as exc:
            problem = Problem(episode.path, source.line_of(("image",)), "image", f"podcasts/{m.image} {exc}")
        if problem:
            problems.append(problem)
    if facts is not None:
        for i, chapter in enumerate(m.chapters):
            if chapter.start >= facts.duration:
                problems.append(Problem(episode.path, source.line_of(("chapters", i)), f"chapters[{i}].start",
                                        f"{format_clock(chapter.start)} is past the end of the audio "
                                        f"({format_clock(facts.duration)}); chapters must start within the episode"))
    if problems or facts is None:
        return problems, None
    return problems, EpisodeMedia(audio_path, facts, transcript_path, transcripts.MIME_TYPES[os.path.splitext(transcript_path)[1].lower()],
                                  cues, image_path)


def _check_unique(episodes: list[tuple[Episode, object]]) -> list[Problem]:
    """No two episodes share a guid, or a season and episode number."""
    problems = []
    guids: dict[str, Episode] = {}
    numbers: dict[tuple, Episode] = {}
    for episode, source in sorted(episodes, key=lambda p: p[0].path):
        m = episode.meta
        first = guids.setdefault(m.guid.strip().lower(), episode)
        if first is not episode:
            problems.append(Problem(episode.path, source.line_of(("guid",)), "guid",
                                    f"is the same as in {first.path}; every episode needs its own guid "
                                    "(a new one: python -c 'import uuid; print(uuid.uuid4())')"))
        if m.episode is not None:
            key = (m.season or 1, m.episode)
            first = numbers.setdefault(key, episode)
            if first is not episode:
                problems.append(Problem(episode.path, source.line_of(("episode",)), "episode",
                                        f"season {key[0]} episode {key[1]} is already {first.path}; "
                                        "give this episode the next free number"))
    return problems


def _check_show_art(settings: Settings) -> list[Problem]:
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


def _check_docs(settings: Settings, allowed: list[Allowed]) -> list[Problem]:
    """The hand-written pages get the content files' checks: they are published the same way."""
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
                                                        f"(links between pages are relative, e.g. '../podcast/<name>.md' "
                                                        "or '<other-case-study>.md')"))
    return problems
