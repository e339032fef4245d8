"""The taxonomy: allowed topics, regions, professions and competencies, from taxonomy.yml."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import yaml

from .errors import ContentError, Problem

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Addresses a slug would clash with: /topics/index/ is /topics/, /podcast/feed/ sits by feed.xml.
RESERVED_SLUGS = frozenset({"index", "feed", "audio", "art", "chapters", "transcripts", "assets", "search"})

#: The four kinds, in the order the site lists them: (key, which is also the URL folder, singular).
KINDS: tuple[tuple[str, str], ...] = (
    ("topics", "topic"),
    ("regions", "region"),
    ("professions", "profession"),
    ("competencies", "competency"),
)
SINGULAR = dict(KINDS)


@dataclass(frozen=True)
class Term:
    """One value of a kind: its slug, display name and one-line description."""

    kind: str
    slug: str
    name: str
    description: str


class Taxonomy:
    """Lookups over taxonomy.yml, with nearest-slug suggestions for typos."""

    def __init__(self, terms: dict[str, list[Term]]):
        self.terms = terms
        self._by_slug = {kind: {t.slug: t for t in ts} for kind, ts in terms.items()}

    def get(self, kind: str, slug: str) -> Term | None:
        """The term ``slug`` of ``kind``, or None."""
        return self._by_slug.get(kind, {}).get(slug)

    def term(self, kind: str, slug: str) -> Term:
        """The term ``slug`` of ``kind``, known to exist (a validated record's, or one listed here)."""
        found = self.get(kind, slug)
        if found is None:
            raise KeyError(f"{kind}: {slug}")
        return found

    def slugs(self, kind: str) -> list[str]:
        """Every slug of ``kind`` in file order."""
        return [t.slug for t in self.terms.get(kind, [])]

    def suggest(self, kind: str, value: str) -> str | None:
        """The nearest valid slug to a wrong value, if one is near enough."""
        value = str(value).strip().lower().replace(" ", "-").replace("_", "-")
        slugs = self.slugs(kind)
        if value in slugs:
            return value
        by_name = {t.name.lower(): t.slug for t in self.terms.get(kind, [])}
        if value.replace("-", " ") in by_name:
            return by_name[value.replace("-", " ")]
        close = difflib.get_close_matches(value, slugs, n=1, cutoff=0.6)
        if close:
            return close[0]
        prefix = [s for s in slugs if s.startswith(value[:5])] if len(value) >= 5 else []
        return prefix[0] if len(prefix) == 1 else None

    def unknown_message(self, kind: str, value: object) -> str:
        """What an editor reads for a value that is not in the taxonomy."""
        singular = SINGULAR[kind]
        near = self.suggest(kind, str(value))
        text = f"'{value}' is not a {singular} slug"
        if near:
            return f"{text}; did you mean '{near}'?"
        return f"{text}; allowed: {', '.join(self.slugs(kind))} (or add it to taxonomy.yml)"

    @classmethod
    def load(cls, path: str) -> Taxonomy:
        """Read and check taxonomy.yml; raise ContentError naming every problem."""
        name = "taxonomy.yml"
        try:
            with open(path, encoding="utf-8") as fh:
                data = yaml.safe_load(fh)
        except FileNotFoundError:
            raise ContentError([Problem(name, 0, "", "is missing; the site needs its list of topics and "
                                                     "regions")]) from None
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ContentError([Problem(name, 0, "", f"cannot be read: {exc}")]) from exc
        problems: list[Problem] = []
        terms: dict[str, list[Term]] = {}
        if not isinstance(data, dict):
            raise ContentError([Problem(name, 0, "", "should map topics, regions, professions and competencies "
                                                     "to lists")])
        for kind, _singular in KINDS:
            entries = data.get(kind)
            if not isinstance(entries, list) or not entries:
                problems.append(Problem(name, 0, kind,
                                        f"should be a list of {kind}, each with slug, name and description"))
                continue
            seen: set[str] = set()
            terms[kind] = []
            for i, entry in enumerate(entries):
                ok = isinstance(entry, dict) and all(isinstance(v := entry.get(k), str) and v.strip()
                                                     for k in ("slug", "name", "description"))
                if not ok:
                    problems.append(Problem(name, 0, f"{kind}[{i}]", "needs slug, name and description, each text"))
                    continue
                slug = entry["slug"]
                if not SLUG_RE.match(slug) or slug in RESERVED_SLUGS:
                    fix = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-")
                    why = (f"'{slug}' is the name of the index page itself" if slug in RESERVED_SLUGS else
                           f"'{slug}' should be lowercase letters, digits and single hyphens")
                    example = fix if fix and fix not in RESERVED_SLUGS else "my-" + kind[:-1]
                    problems.append(Problem(name, 0, f"{kind}[{i}].slug", f"{why}; use e.g. '{example}'"))
                    continue
                if slug in seen:
                    problems.append(Problem(name, 0, f"{kind}[{i}]", f"slug '{slug}' is listed twice"))
                seen.add(slug)
                terms[kind].append(Term(kind, slug, entry["name"].strip(), entry["description"].strip()))
        if problems:
            raise ContentError(problems)
        return cls(terms)
