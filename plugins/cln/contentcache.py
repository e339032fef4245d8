"""A signed cache of content files that passed every check, so an unchanged rebuild skips
reading YAML, validating fields and scanning text.

An entry is used only when the file's bytes, the taxonomy, the network's own e-mail
addresses and this package's code are all exactly as they were when the file passed;
anything else means the file is checked again in full. Files with problems are never
cached.

An entry keeps the validated front matter as Python objects (pickled), which is several
times quicker to load than to validate again. The cache sits in the project
(``.cache/cln/content.pickle``), where a pull request could plant one, so it is signed with
a key kept outside the project, in the user's own cache folder, and the signature is checked
before anything is unpickled: a cache this machine did not write is ignored, never loaded.
Without a usable key nothing is cached and every file is checked.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pickle
import secrets
import sys
from collections.abc import Sequence
from typing import Any

import pydantic

from .yamlsource import Source

FORMAT = 2
# What get() returns: front matter, body, body line, source, allowed findings (line, kind, reason)
# and links (line, target).
CachedFile = tuple[Any, str, int, Source, list[tuple[int, str, str]], list[tuple[int, str]]]
_PACKAGE = os.path.dirname(os.path.abspath(__file__))
_code_hash: str | None = None
# The last cache each path was read as or written as in this process, by its signature: `make serve`
# rebuilds in one process, and unpickling the whole cache again on every edit costs it a fifth of a
# second at 1,000 case studies. The file is still read and its signature checked each time, so a
# cache changed on disk is never taken from here. Entries are never changed once made.
_IN_MEMORY: dict[str, tuple[bytes, str, dict[str, Any]]] = {}


def code_hash() -> str:
    """A hash of this package's Python code: a new version of the checks invalidates the cache."""
    global _code_hash
    if _code_hash is None:
        digest = hashlib.sha256()
        for folder, dirs, names in sorted(os.walk(_PACKAGE)):
            dirs.sort()
            for name in sorted(names):
                if name.endswith(".py"):
                    path = os.path.join(folder, name)
                    digest.update(os.path.relpath(path, _PACKAGE).encode() + b"\0")
                    with open(path, "rb") as fh:
                        digest.update(hashlib.sha256(fh.read()).digest())
        _code_hash = digest.hexdigest()
    return _code_hash


def key_path() -> str:
    """Where the signing key lives: the user's cache folder, never the project."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "cln-site", "cache-key")


def _key() -> bytes | None:
    """The signing key, made on first use; None when it can be neither read nor made."""
    path = key_path()
    try:
        with open(path, "rb") as fh:
            key = fh.read()
        if len(key) >= 32:
            return key
    except OSError:
        pass
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        key = secrets.token_bytes(32)
        fd = os.open(path + f".{os.getpid()}", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        os.replace(path + f".{os.getpid()}", path)
        return key
    except OSError:
        return None


def _digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=20).hexdigest()


class ContentCache:
    """Checked files by project-relative path: validated front matter, key lines and allowed findings."""

    def __init__(self, path: str | None, fingerprint: str):
        self.path = path
        self.fingerprint = fingerprint
        self.hits = 0
        self._key = _key() if path else None
        self._old: dict[str, Any] = {}
        self._new: dict[str, Any] = {}
        self._changed = False
        if path is None or self._key is None:
            return
        try:
            with open(path, "rb") as fh:
                signature, _, payload = fh.read().partition(b"\n")
        except OSError:
            return
        expected = hmac.new(self._key, payload, hashlib.sha256).hexdigest().encode()
        if not hmac.compare_digest(signature, expected):
            return  # written elsewhere, or tampered with: check everything, unpickle nothing
        known = _IN_MEMORY.get(path)
        if known is not None and known[0] == signature:  # the preview's next rebuild: already unpickled
            if known[1] == fingerprint:
                self._old = known[2]
            return
        try:
            data = pickle.loads(payload)
        except Exception:  # written by an older Python or package: start again
            return
        if isinstance(data, dict) and data.get("fingerprint") == fingerprint and isinstance(data.get("files"), dict):
            self._old = data["files"]
            _IN_MEMORY[path] = (signature, fingerprint, self._old)

    @classmethod
    def for_project(cls, cache_dir: str | None, root: str, taxonomy_bytes: bytes,
                    network_emails: tuple[str, ...]) -> ContentCache:
        digest = hashlib.sha256()
        versions = f"{FORMAT} {sys.version} pydantic {pydantic.VERSION}"  # what the pickled objects depend on
        for part in (versions.encode(), code_hash().encode(), taxonomy_bytes,
                     json.dumps(sorted(e.strip().lower() for e in network_emails)).encode()):
            digest.update(hashlib.sha256(part).digest())
        path = os.path.join(root, cache_dir, "content.pickle") if cache_dir else None
        return cls(path, digest.hexdigest())

    def get(self, rel: str, raw: bytes) -> CachedFile | None:
        """For an unchanged file: its validated front matter, body, body line, a source that knows
        the lines of its keys (for messages that span files), its allowed privacy findings and its links."""
        entry = self._old.get(rel)
        if not entry or entry["digest"] != _digest(raw):
            return None
        try:
            text = raw.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            return None
        self._new[rel] = entry
        self.hits += 1
        source = Source(rel, {}, "", entry["body_line"], "", entry["lines"])
        return (entry["meta"], text[entry["body_start"]:], entry["body_line"], source, entry["allowed"],
                entry.get("links", []))

    def put(self, rel: str, raw: bytes, meta: Any, source: Source, allowed: list[tuple[int, str, str]],
            links: Sequence[tuple[int, str]] = ()) -> None:
        """Remember a file that passed every check."""
        if self._key is None:
            return
        self._new[rel] = {
            "digest": _digest(raw),
            "meta": meta,
            "body_start": len(source.text) - len(source.body),
            "body_line": source.body_line,
            "lines": dict(source.lines),
            "allowed": list(allowed),
            "links": list(links),
        }
        self._changed = True

    def save(self) -> None:
        """Write the cache back when it changed: new files in, files gone out."""
        if self._key is None or self.path is None:
            return
        if not self._changed and self._new.keys() == self._old.keys():
            return
        payload = pickle.dumps({"fingerprint": self.fingerprint, "files": self._new}, protocol=pickle.HIGHEST_PROTOCOL)
        signature = hmac.new(self._key, payload, hashlib.sha256).hexdigest().encode()
        _IN_MEMORY[self.path] = (signature, self.fingerprint, self._new)
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            tmp = f"{self.path}.{os.getpid()}.tmp"
            with open(tmp, "wb") as fh:
                fh.write(signature + b"\n" + payload)
            os.replace(tmp, self.path)
        except OSError:
            pass  # a cache that cannot be written costs time, never correctness
