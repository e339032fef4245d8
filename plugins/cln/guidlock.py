"""``podcasts/guids.lock``: the guids of every published episode, so none changes by accident.

Podcast apps know an episode by its guid: if it changes, subscribers get the episode again
as if it were new. The build checks every published episode against this file and adds new
ones to it (commit the file with the episode). A guid that is in the file but no longer in
any episode is an error, unless its line is deleted from the file in the same change: that
deletion is the explicit, reviewable act of changing or retiring a published guid.

The file is plain text, one ``<guid> <slug>`` pair a line, sorted by slug; lines starting
with ``#`` are comments. Renaming an episode's file only updates its slug here.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from .content import Episode
from .errors import Problem
from .yamlsource import Source

LOCK_NAME = "guids.lock"
HEADER = """\
# Published podcast episodes: guid, then the episode's file name (without .md).
# Podcast apps know an episode by its guid, so a published guid must never change.
# The build adds new episodes here: commit this file with them. To change or retire a
# published guid on purpose, delete its line in the same pull request.
"""
_LINE = re.compile(r"^(?P<guid>\S+)\s+(?P<slug>[a-z0-9-]+)\s*$")


@dataclass
class GuidLock:
    """The published guids: guid (as written) → slug, and the line each is on."""

    path: str  # relative to the project, for messages
    entries: dict[str, str]
    lines: dict[str, int]
    exists: bool

    @classmethod
    def read(cls, abs_path: str, rel_path: str) -> tuple[GuidLock, list[Problem]]:
        """Read the lock file (an absent file is an empty lock)."""
        lock = cls(rel_path, {}, {}, os.path.exists(abs_path))
        problems: list[Problem] = []
        if not lock.exists:
            return lock, problems
        with open(abs_path, encoding="utf-8", errors="replace") as fh:
            for number, line in enumerate(fh, start=1):
                text = line.strip()
                if not text or text.startswith("#"):
                    continue
                m = _LINE.match(text)
                if not m:
                    problems.append(Problem(rel_path, number, "guid",
                                            "should be a guid and an episode's file name, separated by a space"))
                    continue
                key = m["guid"].lower()
                lock.entries[key] = m["slug"]
                lock.lines[key] = number
        return lock, problems

    def check(self, episodes: list[tuple[Episode, Source]]) -> list[Problem]:
        """Every locked guid still belongs to an episode (drafts included: unpublishing is allowed)."""
        by_guid = {ep.meta.guid.strip().lower(): ep for ep, _ in episodes}
        by_slug = {ep.slug: (ep, source) for ep, source in episodes}
        problems = []
        for guid, slug in self.entries.items():
            if guid in by_guid:
                continue
            if slug in by_slug:
                episode, source = by_slug[slug]
                problems.append(Problem(
                    episode.path, source.line_of(("guid",)), "guid",
                    f"was {guid} when this episode was published; podcast apps would offer it again as a new "
                    f"episode. Put the old guid back, or, if the change is on purpose, delete the line "
                    f"for {guid} in {self.path}"))
            else:
                problems.append(Problem(
                    self.path, self.lines[guid], "guid",
                    f"published episode '{slug}' ({guid}) is no longer in podcasts/: restore its file with "
                    f"the same guid, or, to retire it on purpose, delete this line"))
        return problems

    def updated(self, published: list[Episode]) -> str | None:
        """The new file text with every published episode in it, or None if nothing changed."""
        entries = dict(self.entries)
        for episode in published:
            entries[episode.meta.guid.strip().lower()] = episode.slug
        if not entries or (entries == self.entries and self.exists):
            return None
        body = "".join(f"{guid} {slug}\n" for guid, slug in sorted(entries.items(), key=lambda kv: (kv[1], kv[0])))
        return HEADER + body
