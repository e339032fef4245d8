"""Publishing a build: the site folder is only ever the last good site, whole.

A build writes into a private folder beside the site folder (same file system, hidden name
``.<site>.building-<random>``). Only when the build has succeeded is that folder swapped in,
with one ``renameat2(RENAME_EXCHANGE)`` call: at every moment the site folder's path names
either the whole old site or the whole new one. The old copy is then deleted.

Builds of one site take turns: each holds ``fcntl.flock`` on ``.<site>.lock`` beside the site
folder from before it makes its private folder until that folder is gone. So any private folder
found while holding the lock belongs to a build that was killed, and is removed.

Nothing here knows about MkDocs.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import secrets
import shutil
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

WAITING = "Another build of this site is running; waiting for it to finish…"

AT_FDCWD = -100
RENAME_EXCHANGE = 2
# Signals that would stop the process between two renames in the fallback swap.
_DEFERRED = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT}


def _load_renameat2() -> Callable[[bytes, bytes, int], int] | None:
    """glibc's ``renameat2``, or None where there is none (not Linux, old glibc, musl)."""
    try:
        func = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    func.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    func.restype = ctypes.c_int

    def call(old: bytes, new: bytes, flags: int) -> int:
        if func(AT_FDCWD, old, AT_FDCWD, new, flags) != 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err), old.decode(errors="replace"))
        return 0

    return call


_renameat2 = _load_renameat2()


def building_prefix(site_dir: str) -> str:
    """The name every private build folder of ``site_dir`` starts with."""
    return f".{os.path.basename(_norm(site_dir))}.building-"


def previous_prefix(site_dir: str) -> str:
    """The name the old site has, briefly, while the fallback swap runs."""
    return f".{os.path.basename(_norm(site_dir))}.previous-"


def lock_path(site_dir: str) -> str:
    """The lock file of ``site_dir``: a hidden file beside it."""
    site = _norm(site_dir)
    return os.path.join(os.path.dirname(site), f".{os.path.basename(site)}.lock")


def _norm(path: str) -> str:
    return os.path.abspath(path).rstrip(os.sep) or os.sep


def exchange(new: str, target: str) -> str | None:
    """Put the folder ``new`` at ``target`` in one step; returns where the old ``target`` went.

    With an existing ``target`` the two are exchanged by ``renameat2(RENAME_EXCHANGE)``, so
    the old site ends up at ``new`` (returned, for the caller to delete). Without one, ``new``
    is renamed (None is returned). Where ``renameat2`` cannot exchange (no such call, or a file
    system without it: EINVAL, ENOSYS, ENOTSUP), two renames are made with stopping signals
    held back between them, and the old site's temporary path is returned.
    """
    new, target = _norm(new), _norm(target)
    if not os.path.lexists(target):
        os.rename(new, target)
        return None
    if _renameat2 is not None:
        try:
            _renameat2(os.fsencode(new), os.fsencode(target), RENAME_EXCHANGE)
            return new
        except OSError as exc:
            if exc.errno not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
                raise
    return _two_renames(new, target)


def _two_renames(new: str, target: str) -> str:
    """The fallback swap: old site aside, new site in. Between the two, the site is missing,
    so signals are held back; a build killed outright there is mended by ``clean_stale``."""
    parent = os.path.dirname(target)
    old = os.path.join(parent, previous_prefix(target) + secrets.token_hex(4))
    with _signals_held():
        os.rename(target, old)
        try:
            os.rename(new, target)
        except BaseException:
            os.rename(old, target)
            raise
    return old


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold back stopping signals, and deliver them on exit; only the main thread can do so.

    The signals are caught by a handler that only remembers them, rather than blocked: a
    signal sent to the process may reach any of its threads, but Python runs every handler
    in the main thread, so this holds whichever thread the kernel picks.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, frame: received.append(signum)) for sig in _DEFERRED}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        for signum in dict.fromkeys(received):
            signal.raise_signal(signum)


def remove(path: str | None) -> None:
    """Delete a folder (or file) if it is there."""
    if not path or not os.path.lexists(path):
        return
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    else:
        with suppress(FileNotFoundError):
            os.remove(path)


def clean_stale(site_dir: str) -> list[str]:
    """Remove what killed builds of ``site_dir`` left beside it; call only holding its lock.

    If the site folder is missing and a killed fallback swap left the old site aside, it is
    put back first. Returns the names removed.
    """
    site = _norm(site_dir)
    parent = os.path.dirname(site)
    try:
        names = sorted(os.listdir(parent))
    except FileNotFoundError:
        return []
    building, previous = building_prefix(site), previous_prefix(site)
    aside = [n for n in names if n.startswith(previous) and os.path.isdir(os.path.join(parent, n))]
    if aside and not os.path.lexists(site):
        newest = max(aside, key=lambda n: os.stat(os.path.join(parent, n)).st_mtime)
        os.rename(os.path.join(parent, newest), site)
        names.remove(newest)
    removed = []
    for name in names:
        if name.startswith(building) or name.startswith(previous):
            remove(os.path.join(parent, name))
            removed.append(name)
    return removed


def _announce(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class BuildLock:
    """An exclusive ``flock`` on a file: one holder at a time, across processes.

    The kernel drops it when the holder's process ends, however it ends. The file itself is
    left in place (deleting a lock file lets two builds hold two different files).
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, on_wait: Callable[[], None] | None = None) -> None:
        """Take the lock, calling ``on_wait`` once first if someone else holds it."""
        if self._fd is not None:
            return
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait is not None:
                    on_wait()
                fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)


class Publication:
    """One build of ``site_dir`` made in a private folder and swapped in only if it succeeds.

    ``start()`` waits for any other build of the same site, removes what killed builds left,
    and returns the private folder to build into. ``finish(success)`` swaps it in (or not),
    deletes the leftovers and lets the next build go. Interrupted anywhere, the site folder
    holds the whole old site or the whole new one.
    """

    def __init__(self, site_dir: str, *, announce: Callable[[str], None] = _announce) -> None:
        self.site_dir = _norm(site_dir)
        self.lock = BuildLock(lock_path(self.site_dir))
        self.announce = announce
        self.build_dir: str | None = None

    def start(self) -> str:
        self.lock.acquire(on_wait=lambda: self.announce(WAITING))
        try:
            clean_stale(self.site_dir)
            parent = os.path.dirname(self.site_dir)
            os.makedirs(parent, exist_ok=True)
            self.build_dir = tempfile.mkdtemp(prefix=building_prefix(self.site_dir), dir=parent)
            # mkdtemp makes the folder private (0700): give it the old site's mode, or the usual one.
            mode = stat.S_IMODE(os.stat(self.site_dir).st_mode) if os.path.isdir(self.site_dir) else 0o755
            os.chmod(self.build_dir, mode)
        except BaseException:
            self.lock.release()
            raise
        return self.build_dir

    def finish(self, success: bool, after: Callable[[], None] | None = None) -> bool:
        """Swap the new site in if ``success``, then run ``after`` (still holding the lock).

        Returns whether the new site was swapped in. Whatever happens, the private folder
        (holding the new site if not swapped in, else the old one) is deleted and the lock
        released.
        """
        build_dir, self.build_dir = self.build_dir, None
        old: str | None = None
        swapped = False
        try:
            if success and build_dir is not None and os.path.isdir(build_dir):
                with _signals_held():  # the swap and what must follow it, together
                    old = exchange(build_dir, self.site_dir)
                    swapped = True
                    if after is not None:
                        after()
            return swapped
        finally:
            try:
                remove(old)
                remove(build_dir)
            finally:
                self.lock.release()
