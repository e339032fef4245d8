"""All content → one validated catalogue.

``load_catalogue`` reads every content file once and checks it (content.py for its fields,
published.py for what readers will see, rules.py for its slugs and links), checks each
episode's files and the rules across episodes (episodes.py), the published guids (guidlock.py)
and the hand-written pages, and either returns a :class:`Catalogue` or raises one
:class:`ContentError` listing every problem. Files that passed before and have not changed are
taken from a signed cache (contentcache.py).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field, replace
from functools import cached_property

from . import advice, published, rules
from .audio import AudioProbe
from .content import CaseStudy, Episode, EpisodeMeta, Record, make_record, parse
from .contentcache import ContentCache
from .episodes import EpisodeMedia, check_media, check_unique
from .errors import Allowed, ContentError, Problem
from .files import content_files
from .guidlock import check_published_guids
from .settings import Settings
from .taxonomy import Taxonomy
from .yamlsource import Source

__all__ = ["Catalogue", "EpisodeMedia", "Settings", "load_catalogue", "newest_first"]

log = logging.getLogger("mkdocs.plugins.cln")


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

    def with_term(self, kind: str, slug: str) -> list[Record]:
        """Every record carrying the value ``slug`` of ``kind``, newest first."""
        return list(self._terms.get((kind, slug), []))

    @cached_property
    def _terms(self) -> dict[tuple[str, str], list[Record]]:
        """Each record filed under each of its values, made once."""
        index: dict[tuple[str, str], list[Record]] = {}
        for cs in self.case_studies:
            m = cs.meta
            for kind_, values in (("topics", m.topics), ("regions", [m.region]), ("professions", m.professions),
                                  ("competencies", m.competencies)):
                for value in dict.fromkeys(values):
                    index.setdefault((kind_, value), []).append(cs)
        for ep in self.episodes:
            for value in dict.fromkeys(ep.meta.topics):
                index.setdefault(("topics", value), []).append(ep)
        return {key: newest_first(records) for key, records in index.items()}

    @cached_property
    def term_links(self) -> dict[tuple[str, str, str], str]:
        """Links to taxonomy values, made once per folder of pages (see pages._links)."""
        return {}


def newest_first(records):
    """Records sorted newest first; ties broken by slug, so the order never changes between builds."""
    return sorted(records, key=lambda r: (-r.published.timestamp(), r.slug))


def load_catalogue(settings: Settings, probe: AudioProbe | None = None,
                   taxonomy: Taxonomy | None = None, warnings: list[Problem] | None = None) -> Catalogue:
    """Read, validate and cross-check all content; raise ContentError with every problem.

    This is the one validation of both ``cln check`` and the build: everything the build refuses
    is refused here. Warnings (advice.py) never stop it: they are added to ``warnings`` when a
    list is given (``cln check`` shows them), otherwise logged at info level (the build).
    """
    problems: list[Problem] = []
    found_warnings: list[Problem] = []
    cache = _content_cache(settings) if taxonomy is None else None
    try:
        taxonomy = taxonomy or Taxonomy.load(settings.taxonomy_path)
    except ContentError as exc:
        raise ContentError(exc.problems) from exc
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
                pages[rel] = (f"{rules.SITE_FOLDERS[kind]}/{os.path.basename(rel)}", draft)
                source, found = _file_extras(rel, kind, record, source, raw, settings, probe, allowed,
                                             found_warnings)
                problems += found
            if record is not None:
                records[kind].append((record, source))
    if cache is not None:
        cache.save()
    media: dict[str, EpisodeMedia] = {}
    for episode, source in records["episode"]:
        found, item = check_media(episode, source, settings, probe, allowed)
        problems += found
        if item:
            media[episode.slug] = item
    problems += check_unique(records["episode"])
    problems += rules.check_docs(settings, allowed, pages, links)
    if records["episode"] and settings.show_art:
        problems += rules.check_show_art(settings)
    problems += rules.check_links(settings, pages, links, taxonomy)
    problems += check_published_guids(settings, records["episode"])  # against the main branch, through git
    _hand_over(found_warnings, warnings)
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


def _checked_file(rel: str, raw: bytes, kind: str, settings: Settings, taxonomy: Taxonomy, cache: ContentCache | None,
                  allowed: list[Allowed], links: dict[str, list[tuple[int, str]]]
                  ) -> tuple[Record | None, list[Problem], Source | None]:
    """One content file parsed, validated, checked against the taxonomy and checked as readers will
    receive it; or, when it passed all that before and nothing it depends on has changed, taken
    from the cache."""
    hit = cache.get(rel, raw) if cache is not None else None
    if hit is not None:
        meta, body, body_line, cached_source, cached_allowed, file_links = hit
        allowed += [Allowed(rel, line, kind_, reason) for line, kind_, reason in cached_allowed]
        links[rel] = file_links
        return make_record(rel, kind, meta, body, body_line), [], cached_source
    record, problems, source = parse(rel, raw, kind)
    problems += published.check_name(rel)
    file_allowed: list[Allowed] = []
    if source is not None:
        found = published.check_file(rel, source, settings.network_emails, settings.markdown)
        problems += found.problems
        file_allowed = [Allowed(*a) for a in found.allowed]
        links[rel] = found.links
        problems += rules.check_terms(rel, kind, source, taxonomy)
        if isinstance(record, CaseStudy):
            problems += rules.check_evidence(rel, source, record.meta)
        if isinstance(source.data, dict) and source.data.get("draft") is not True:  # in the same run as the rest
            problems += rules.check_placeholders(rel, source)
    allowed += file_allowed
    if cache is not None and record is not None and source is not None and not problems:
        cache.put(rel, raw, record.meta, source, [(a.line, a.kind, a.reason) for a in file_allowed], links.get(rel, []))
    return record, problems, source




def _files_only(rel: str, source: Source) -> Episode:
    """An episode whose fields have problems, holding only its file fields that could be read, so
    that its audio, transcript and art are checked in the same run as the rest."""
    data = source.data
    files = {key: data[key] for key in ("audio", "transcript", "image")
             if isinstance(data.get(key), str) and data[key].strip()}
    meta = EpisodeMeta.model_construct(**{"audio": None, "transcript": None, "image": None, **files}, chapters=[])
    return make_record(rel, "episode", meta, source.body, source.body_line)  # type: ignore[return-value]


# A file's warnings by its path and bytes: the preview (``make serve``) asks again on every rebuild.
_ADVICE: dict[tuple[str, str, int], list[Problem]] = {}


def _file_extras(rel: str, kind: str, record: Record | None, source: Source, raw: bytes, settings: Settings,
                 probe: AudioProbe, allowed: list[Allowed], warnings: list[Problem]) -> tuple[Source, list[Problem]]:
    """A file's warnings, and for an episode whose fields have problems, its files' problems (in
    the same run); returns the source with its fields (a cached file's come from its record)."""
    key = (rel, kind, hash(raw))
    found = _ADVICE.get(key)
    if found is None or kind == "episode":  # an episode's source goes on to the media checks
        if record is not None and not source.data:  # from the cache, which keeps the record alone
            source = replace(source, data=record.meta.model_dump(), body=record.body)
        if len(_ADVICE) > 50_000:
            _ADVICE.clear()
        found = _ADVICE[key] = advice.warnings_for(rel, kind, source)
    warnings += found
    if record is None and kind == "episode":
        return source, check_media(_files_only(rel, source), source, settings, probe, allowed)[0]
    return source, []


def _hand_over(found: list[Problem], warnings: list[Problem] | None) -> None:
    """Warnings to the caller's list (``cln check``), or to the log at info level (the build)."""
    if warnings is not None:
        warnings += sorted(set(found))
        return
    for warning in sorted(set(found)):
        log.info(f"{warning.path}:{warning.line}: {warning.field}: warning: {warning.message}")
