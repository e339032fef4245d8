"""Which files are content: the Markdown files of case_studies/ and podcasts/, and the mistakes
in naming or placing one that would leave it unpublished or replace a page of the site."""

from __future__ import annotations

import os
import re

from .content import SLUG_RE
from .errors import Problem
from .taxonomy import RESERVED_SLUGS

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
                problems.append(Problem(rel, 0, "", f"ends in '{ext}'; the site reads only '.md': "
                                                    f"rename it to {top}/{slug}.md"))
                continue
            if os.path.islink(path) and not inside(os.path.realpath(path), real_root):
                problems.append(Problem(rel, 0, "", "is a link to a file outside the project; "
                                                    "content must be a real file here"))
                continue
            if not os.path.isfile(path):
                continue
            if not SLUG_RE.match(stem):
                shown = f"'{name}'" if name.isprintable() else repr(name)
                problems.append(Problem(rel, 0, "", f"file name {shown} should be lowercase letters, digits and "
                                                    f"hyphens, e.g. '{slug}.md'"))
                continue
            if stem in RESERVED_SLUGS:
                problems.append(Problem(rel, 0, "", f"'{stem}' is the name of an address the site uses itself; "
                                                    "choose a name that says what the page is about, "
                                                    f"e.g. '{stem}-2009.md'"))
                continue
            files.append(path)
    return files, problems


def _slugish(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "my-case-study"


def inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)
