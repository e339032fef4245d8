"""What is already published, read from git: the main branch's committed episodes and the
history of renamed pages. Nothing here is written by the build.

Two things need to know what readers and podcast apps already have, and neither may rely on a
file the build writes (the deploy job builds in a throwaway checkout, and a website editor can
edit any file in the same pull request):

- the guid check (guidlock.py) compares every episode with the episodes committed on the
  published branch: ``CLN_PUBLISHED_REF`` if set, else ``origin/main``, else ``main``;
- the redirect pages: every case study or episode file renamed in the history of ``HEAD``
  leaves a small page at its old address that sends readers on to the new one.

Without git, outside a repository, or without the published branch, both are skipped with a
note at info level (a project that was never published has nothing to protect), unless
``CLN_PUBLISHED_REQUIRED=1`` (set by the deploy job), which makes that an error.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import csp
from .content import CaseStudy, Episode, Record
from .safehtml import escape
from .urls import absolute, rel
from .yamlsource import read_source

if TYPE_CHECKING:
    from .catalogue import Catalogue
    from .settings import SiteSettings

ENV_REF = "CLN_PUBLISHED_REF"
ENV_REQUIRED = "CLN_PUBLISHED_REQUIRED"
DEFAULT_REFS = ("origin/main", "main")
NO_COMMIT = "0" * 40  # GitHub's "before" of a push that created the branch: nothing was published before it
FOLDERS = {"case_studies": "case-studies", "podcasts": "podcast"}  # content folder → site folder
# A line in a commit message since the published state that releases one published guid on purpose.
GUID_CHANGE = re.compile(r"^\s*guid-change:\s*(?P<guid>\S+)\s*$", re.IGNORECASE | re.MULTILINE)
_CONTENT = re.compile(r"^(?P<folder>case_studies|podcasts)/(?P<slug>[a-z0-9-]+)\.md$")
log = logging.getLogger("mkdocs.plugins.cln")  # under mkdocs.plugins, so `mkdocs build` shows it


@dataclass(frozen=True)
class PublishedEpisode:
    """An episode as the published branch has it: its file, guid (as written) and audio."""

    path: str  # relative to the project, e.g. podcasts/ep.md
    guid: str
    audio: str


@dataclass
class PublishedState:
    """The published branch's episodes, how the working tree renamed them, and the guids
    released on purpose in commit messages since; or why none of this could be read."""

    ref: str = ""
    episodes: list[PublishedEpisode] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)  # published path → its path now (git's rename detection)
    guid_changes: set[str] = field(default_factory=set)  # lowercased guids released by "Guid-change: <guid>"
    shallow: bool = False
    unavailable: str = ""  # why there is no published state ("" when there is one)


def required() -> bool:
    """Whether a missing published state is an error (the deploy job), not a note."""
    return os.environ.get(ENV_REQUIRED, "").strip().lower() in ("1", "true", "yes")


def _git(root: str, *args: str) -> tuple[int, str]:
    """Run git in ``root``: (exit status, output, or git's own message when it failed); 127 without git."""
    try:
        proc = subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as exc:
        return 127, f"git could not be run ({exc.__class__.__name__})"
    out = proc.stdout if proc.returncode == 0 else proc.stderr
    return proc.returncode, out.decode("utf-8", "surrogateescape")


def _repository(root: str) -> str:
    """"" when ``root`` is in a git work tree, else why not."""
    status, out = _git(root, "rev-parse", "--is-inside-work-tree")
    if status == 127:
        return out
    if status == 0 and out.strip() == "true":
        return ""
    if status != 0 and "not a git repository" in out:
        return "the project is not in a git repository"
    first = out.strip().splitlines()[0] if out.strip() else "not a git work tree"
    return f"git cannot read the project's repository ({first})"


def published_ref(root: str) -> tuple[str, str, str]:
    """(name, commit, why not): the published branch named by ``CLN_PUBLISHED_REF``, else the first
    of ``origin/main`` and ``main`` that exists."""
    wanted = os.environ.get(ENV_REF, "").strip()
    if wanted == NO_COMMIT:
        return "", "", (f"{ENV_REF} is {NO_COMMIT[:7]}…, the push that created the branch: "
                        "nothing was published before it")
    for name in (wanted,) if wanted else DEFAULT_REFS:
        status, out = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{name}^{{commit}}")
        if status == 0 and out.strip():
            return name, out.strip(), ""
    tried = f"{ENV_REF}={wanted}" if wanted else " or ".join(DEFAULT_REFS)
    return "", "", (f"no published branch to compare with ({tried} is not in this clone; "
                    "in CI, check out with fetch-depth: 0)")


def read_state(root: str, podcasts: str = "podcasts") -> PublishedState:
    """The published episodes (drafts are not published), with the working tree's renames of them."""
    why = _repository(root)
    if why:
        return PublishedState(unavailable=why)
    name, commit, why = published_ref(root)
    if why:
        return PublishedState(unavailable=why)
    state = PublishedState(ref=name[:12] if re.fullmatch(r"[0-9a-f]{40}", name) else name)
    state.shallow = _git(root, "rev-parse", "--is-shallow-repository")[1].strip() == "true"
    status, listing = _git(root, "ls-tree", "-z", commit, "--", f"{podcasts}/")
    if status != 0:
        return PublishedState(unavailable=f"git could not list {podcasts}/ on {name}: {listing.strip()}")
    blobs = []
    for entry in listing.split("\0"):
        meta, _, path = entry.partition("\t")
        if meta.split(" ")[1:2] == ["blob"] and path.endswith(".md") and path.count("/") == podcasts.count("/") + 1:
            blobs.append((path, meta.split(" ")[2]))
    contents = _blobs(root, [sha for _, sha in blobs])
    if len(contents) != len(blobs):
        return PublishedState(unavailable=f"git could not read the episodes of {podcasts}/ on {name}")
    for (path, _), raw in zip(blobs, contents, strict=True):
        source, _problems = read_source(path, raw)
        if source is None or source.data.get("draft") is True:
            continue
        guid, audio = source.data.get("guid"), source.data.get("audio")
        if isinstance(guid, (str, int)) and str(guid).strip():
            state.episodes.append(PublishedEpisode(path, str(guid).strip(), str(audio or "")))
    # The working tree against the published commit (committed, staged and unstaged changes).
    status, diff = _git(root, "diff", "-z", "--name-status", "-M", "--relative", commit, "--", f"{podcasts}/")
    if status == 0:
        state.renamed = dict(_renames(diff))
    status, messages = _git(root, "log", "--format=%B", f"{commit}..HEAD")
    if status == 0:
        state.guid_changes = {m["guid"].lower() for m in GUID_CHANGE.finditer(messages)}
    return state


def _blobs(root: str, shas: list[str]) -> list[bytes]:
    """The contents of git objects, in one ``git cat-file --batch``."""
    if not shas:
        return []
    try:
        proc = subprocess.run(["git", "cat-file", "--batch"], cwd=root, input="\n".join(shas).encode() + b"\n",
                              capture_output=True, timeout=120, check=True)
    except (OSError, subprocess.SubprocessError):
        return []
    out, pos, found = proc.stdout, 0, []
    for _ in shas:
        end = out.find(b"\n", pos)
        header = out[pos:end].split(b" ")
        if end < 0 or len(header) != 3 or not header[2].isdigit():  # "<sha> missing": not an object
            return []
        size = int(header[2])
        found.append(out[end + 1:end + 1 + size])
        pos = end + 1 + size + 1
    return found


def _renames(name_status: str) -> list[tuple[str, str]]:
    """(old, new) of each rename in ``git diff``/``git log -z --name-status`` output."""
    tokens = [t.strip() for t in name_status.split("\0")]
    pairs, i = [], 0
    while i < len(tokens):
        if re.fullmatch(r"R\d*", tokens[i]) and i + 2 < len(tokens):
            pairs.append((tokens[i + 1], tokens[i + 2]))
            i += 3
        else:
            i += 1
    return pairs


# --- redirects for renamed pages ---------------------------------------------------------------

@dataclass(frozen=True)
class Redirect:
    """An old address of a renamed case study or episode, and the record it now is."""

    old_url: str  # e.g. case-studies/old-name/
    record: Record

    @property
    def src_uri(self) -> str:
        return self.old_url + "index.html"


def history_renames(root: str) -> list[tuple[str, str]]:
    """Every rename of a case study or episode file in the history of ``HEAD``, oldest first."""
    if _repository(root):
        return []
    if _git(root, "rev-parse", "--is-shallow-repository")[1].strip() == "true":
        log.info("Redirects: this clone is shallow, so earlier renames of pages are unknown and their old "
                 "addresses get no redirect page (clone with the full history: fetch-depth: 0)")
    status, out = _git(root, "log", "-z", "--format=", "--name-status", "-M", "--diff-filter=R", "--reverse",
                       "--relative", "HEAD", "--", *FOLDERS)
    return _renames(out) if status == 0 else []


def redirects(root: str, records: list[Record]) -> list[Redirect]:
    """A redirect for every old name of a page that is now under another name (a chain of renames
    ends at the page's current name; an old name taken by another page, or a renamed page since
    deleted or made a draft, gets none)."""
    current = {(r.folder, r.slug): r for r in records}
    moves: dict[tuple[str, str], tuple[str, str]] = {}
    for before, after in history_renames(root):
        a, b = _CONTENT.match(before), _CONTENT.match(after)
        if a and b and a["folder"] == b["folder"]:
            folder = FOLDERS[a["folder"]]
            moves[(folder, a["slug"])] = (folder, b["slug"])  # a later rename of the same name wins
    found = []
    for old in sorted(moves):
        if old in current:
            continue
        seen, here = {old}, moves[old]
        while here not in current and here in moves and moves[here] not in seen:
            seen.add(here)
            here = moves[here]
        if here in current:
            found.append(Redirect(f"{old[0]}/{old[1]}/", current[here]))
    return found


def redirect_page(redirect: Redirect, site: SiteSettings) -> bytes:
    """A tiny page at the old address: a refresh to the new one, a link a reader can follow, and
    the new address as canonical for search engines; with the site's Content-Security-Policy."""
    record = redirect.record
    href = escape(rel(redirect.old_url, record.url))
    canonical = escape(absolute(site.site_url, record.url))
    title = escape(record.meta.title)
    kind = "case study" if isinstance(record, CaseStudy) else "episode" if isinstance(record, Episode) else "page"
    page = ("<!doctype html>\n"
            '<html lang="en-GB">\n<head>\n'
            '<meta charset="utf-8">\n'
            f"<title>Moved: {title}</title>\n"
            f'<link rel="canonical" href="{canonical}">\n'
            '<meta name="robots" content="noindex">\n'
            f'<meta http-equiv="refresh" content="0; url={href}">\n'
            "</head>\n<body>\n"
            f'<p>This {kind} has moved to a new address: <a href="{href}">{title}</a>.</p>\n'
            "</body>\n</html>\n")
    return csp.add_policy(page, site.media_base_url).encode("utf-8")


def redirect_files(catalogue: Catalogue, root: str, site: SiteSettings) -> list[tuple[str, bytes]]:
    """(address inside the site, bytes) of every redirect page."""
    records: list[Record] = [*catalogue.case_studies, *catalogue.episodes]
    return [(r.src_uri, redirect_page(r, site)) for r in redirects(root, records)]
