"""``cln fix``: rewrite what can be put right without guessing, and nothing else.

- a taxonomy value written as its display name, or a near miss with exactly one candidate,
  becomes its slug ("North East" → ``north-east``, in lists too);
- a date written day first, ``15/01/2009``, becomes ``2009-01-15`` (UK order: day, month, year).

The file is edited line by line, only where the value is written: comments, order, quoting and
layout of every other line stay as they were (the front matter is never re-dumped as YAML).
A value with more than one candidate is left alone and reported, with the candidates.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from dataclasses import dataclass

from .taxonomy import Taxonomy
from .yamlsource import Source, read_source

TERM_FIELDS = {"case-study": ("region", "topics", "professions", "competencies"), "episode": ("topics",)}
DATE_FIELDS = {"case-study": ("date", "updated"), "episode": ("date",)}
_DAY_FIRST = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
CUTOFF = 0.8  # how near a near miss must be; below it, nothing is rewritten


@dataclass(frozen=True)
class Change:
    """One value rewritten (``new`` set) or left alone with the reason (``new`` None)."""

    path: str
    line: int
    field: str
    old: str
    new: str | None
    why: str = ""

    def __str__(self) -> str:
        if self.new is not None:
            return f"{self.path}:{self.line}: {self.field}: {self.old} → {self.new}"
        return f"{self.path}:{self.line}: {self.field}: {self.old} left alone: {self.why}"


def candidates(taxonomy: Taxonomy, kind: str, value: str) -> list[str]:
    """The slugs ``value`` could mean: its own slug form, a display name, or near misses."""
    slugs = taxonomy.slugs(kind)
    text = " ".join(value.split()).lower()
    slugish = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if slugish in slugs:
        return [slugish]
    names = {t.name.lower(): t.slug for t in taxonomy.terms.get(kind, [])}
    if text in names:
        return [names[text]]
    found = dict.fromkeys(difflib.get_close_matches(slugish, slugs, n=5, cutoff=CUTOFF))
    found.update(dict.fromkeys(names[n] for n in difflib.get_close_matches(text, list(names), n=5, cutoff=CUTOFF)))
    if not found and slugish:  # the first words of one slug alone ("maternity" → maternity-and-newborn)
        found = dict.fromkeys(s for s in slugs if s.startswith(slugish + "-"))
    return list(found)


def day_first(value: str) -> str | None:
    """``15/01/2009`` (day, month, year) as ``2009-01-15``; None when it is not such a date."""
    m = _DAY_FIRST.match(value)
    if not m:
        return None
    try:
        return dt.date(int(m[3]), int(m[2]), int(m[1])).isoformat()
    except ValueError:
        return None


def _replace_in_line(line: str, old: str, new: str) -> str | None:
    """``line`` with the value ``old``, as written (plain or quoted), replaced by ``new``; None
    when it is not written there as it reads."""
    start = line.find(":") + 1 if re.match(r"^\s*(-\s+)?[A-Za-z_][\w-]*:", line) else 0
    if line.lstrip().startswith("- ") and ":" not in line.split("#")[0]:
        start = line.index("-") + 1
    forms = [f'"{old}"', f"'{old}'"]
    for form in forms:
        i = line.find(form, start)
        if i >= 0:
            return line[:i] + new + line[i + len(form):]
    pattern = re.compile(r"(?<=[\[,:\-\s])\s*" + re.escape(old) + r"(?=\s*(?:[,\]]|\s#|$))")
    m = pattern.search(line, max(start - 1, 0))
    if m is None:
        return None
    lead = len(m.group()) - len(m.group().lstrip())
    return line[:m.start() + lead] + new + line[m.end():]


def _values(source: Source, kind: str) -> list[tuple[tuple, str, str]]:
    """(location, field name, value) of every taxonomy and date value written as text."""
    data = source.data
    out: list[tuple[tuple, str, str]] = []
    for name in TERM_FIELDS[kind]:
        value = data.get(name)
        if isinstance(value, str) and name == "region":
            out.append(((name,), name, value))
        elif isinstance(value, list):
            out += [((name, i), f"{name}[{i}]", v) for i, v in enumerate(value) if isinstance(v, str)]
    for name in DATE_FIELDS[kind]:
        if isinstance(data.get(name), str):
            out.append(((name,), name, data[name]))
    return out


def fix_text(path: str, text: str, kind: str, taxonomy: Taxonomy) -> tuple[str, list[Change]]:
    """The file's text with every sure fix made, and each change (or value left alone)."""
    source, _ = read_source(path, text.encode("utf-8"))
    if source is None:
        return text, []
    lines = text.split("\n")
    changes: list[Change] = []
    for loc, field, value in _values(source, kind):
        number = source.line_of(loc)
        if loc[0] in ("date", "updated"):
            new = day_first(value)
            if new is None:
                continue
        else:
            tax_kind = "regions" if loc[0] == "region" else str(loc[0])
            if taxonomy.get(tax_kind, value) is not None:
                continue
            found = candidates(taxonomy, tax_kind, value)
            if len(found) != 1:
                why = (f"it could be {', '.join(found[:-1])} or {found[-1]}; write the one you mean" if found
                       else f"no {tax_kind} slug is near it; see taxonomy.yml")
                changes.append(Change(path, number, field, value, None, why))
                continue
            new = found[0]
        rewritten = _replace_in_line(lines[number - 1], value, new) if 0 < number <= len(lines) else None
        if rewritten is None:
            changes.append(Change(path, number, field, value, None, "it is not written on one line; fix it by hand"))
            continue
        lines[number - 1] = rewritten
        changes.append(Change(path, number, field, value, new))
    return "\n".join(lines), sorted(changes, key=lambda c: c.line)


def fix_files(root: str, paths: list[str], taxonomy: Taxonomy, write: bool) -> list[Change]:
    """Fix the content files ``paths`` (relative to ``root``); write them unless ``write`` is False."""
    changes: list[Change] = []
    for rel in paths:
        kind = "case-study" if rel.startswith("case_studies/") else "episode"
        full = os.path.join(root, rel)
        with open(full, "rb") as fh:
            raw = fh.read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        fixed, found = fix_text(rel, text, kind, taxonomy)
        changes += found
        if write and fixed != text:
            tmp = f"{full}.{os.getpid()}.tmp"
            with open(tmp, "wb") as fh:
                fh.write(fixed.encode("utf-8"))
            os.replace(tmp, full)
    return changes
