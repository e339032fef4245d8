"""A published episode's guid never changes by accident, checked against what is published.

Podcast apps know an episode by its guid: if it changes, every subscriber gets the episode
again as if it were new. Each episode published on the main branch (published_state.py reads
it from git) must keep its guid: in the same file, in the file git sees it renamed to, or in
the one episode that now has its audio. A published episode whose file is gone is an error
too (to take an episode off the site, keep the file and set ``draft: true``).

The check reads nothing the build writes, so it holds for an episode added through GitHub's
website and built only by the deploy job. To change or retire a published guid on purpose
(rare: subscribers get the episode again), a commit of the pull request says so in its
message with a line ``Guid-change: <the published guid>``.

``podcasts/guids.lock``, the list the build used to write, is retired: it is no longer read,
and a leftover one gets a note saying it can be deleted.
"""

from __future__ import annotations

import logging
import os

from .content import Episode
from .errors import Problem
from .published_state import ENV_REF, PublishedState, read_state, required
from .settings import Settings
from .yamlsource import Source

LOCK_NAME = "guids.lock"  # retired: see above
log = logging.getLogger("mkdocs.plugins.cln")


def _key(guid: str) -> str:
    return guid.strip().lower()


def check_published_guids(settings: Settings, episodes: list[tuple[Episode, Source]],
                          state: PublishedState | None = None) -> list[Problem]:
    """Every episode published on the main branch still has its guid (drafts count: unpublishing
    an episode is allowed, changing its guid is not)."""
    podcasts = os.path.relpath(settings.podcasts_dir, settings.root).replace(os.sep, "/")
    if os.path.exists(os.path.join(settings.podcasts_dir, LOCK_NAME)):
        log.info(f"{podcasts}/{LOCK_NAME} is no longer used: published guids are checked against the main "
                 "branch (README, \"Published guids and renamed pages\"); you can delete the file")
    state = state if state is not None else read_state(settings.root, podcasts)
    if state.unavailable or (state.shallow and required()):
        why = state.unavailable or "this clone is shallow (check out with fetch-depth: 0)"
        if required():
            return [Problem(podcasts, 0, "guid", f"cannot check the published episodes' guids: {why}; "
                                                 f"{ENV_REF} names the published branch")]
        log.info(f"Published guids not checked: {why}")
        return []
    now = {_key(ep.meta.guid): ep for ep, _ in episodes}
    by_path = {ep.path: (ep, source) for ep, source in episodes}
    published_paths = {p.path for p in state.episodes}
    problems = []
    for published in state.episodes:
        if _key(published.guid) in now or _key(published.guid) in state.guid_changes:
            continue
        path = state.renamed.get(published.path, published.path)
        found = by_path.get(path)
        if found is None and published.audio:  # renamed outside git's sight: the episode with its audio
            same = [(ep, s) for ep, s in episodes
                    if ep.meta.audio == published.audio and ep.path not in published_paths]
            found = same[0] if len(same) == 1 else None
        if found is not None:
            episode, source = found
            was = "" if episode.path == published.path else f", then named {published.path}"
            problems.append(Problem(
                episode.path, source.line_of(("guid",)), "guid",
                f"differs from the published one ({state.ref} has guid: {published.guid} for this episode{was}); "
                f"podcast apps know an episode by its guid and would give it to every subscriber again as a "
                f"new episode. Put back guid: {published.guid}"))
        elif not os.path.exists(os.path.join(settings.root, path)):  # a file there has problems of its own
            problems.append(Problem(
                published.path, 0, "",
                f"this published episode (guid: {published.guid} on {state.ref}) is no longer in {podcasts}/: "
                f"put the file back with guid: {published.guid}; to take an episode off the site, keep its "
                "file and set draft: true"))
    return problems
