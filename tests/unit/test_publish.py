"""Publishing a build: one-step swap, builds taking turns, and what killed builds leave behind."""

from __future__ import annotations

import errno
import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cln import publish


def make_site(folder: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


def tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(parent: Path) -> list[str]:
    return sorted(n for n in os.listdir(parent) if ".building-" in n or ".previous-" in n)


def lock_is_free(site: Path) -> bool:
    fd = os.open(publish.lock_path(str(site)), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


OLD = {"index.html": "old home", "a/index.html": "old a", "gone/index.html": "only in the old site"}
NEW = {"index.html": "new home", "a/index.html": "new a", "b/index.html": "only in the new site"}


@pytest.mark.skipif(publish._renameat2 is None, reason="no renameat2 in this C library")
def test_exchange_swaps_an_existing_site_in_one_renameat2_call(tmp_path, monkeypatch):
    site, new = make_site(tmp_path / "site", OLD), make_site(tmp_path / ".site.building-x", NEW)
    calls = []
    real = publish._renameat2
    monkeypatch.setattr(publish, "_renameat2", lambda a, b, flags: calls.append((a, b, flags)) or real(a, b, flags))
    monkeypatch.setattr(os, "rename", lambda *a: pytest.fail("renamed instead of exchanged"))
    old = publish.exchange(str(new), str(site))
    assert calls == [(os.fsencode(new), os.fsencode(site), publish.RENAME_EXCHANGE)]
    assert tree(site) == NEW
    assert old == str(new) and tree(Path(old)) == OLD  # the old site, for the caller to delete


def test_exchange_renames_when_there_is_no_site_yet(tmp_path, monkeypatch):
    new = make_site(tmp_path / ".site.building-x", NEW)
    monkeypatch.setattr(publish, "_renameat2", lambda *a: pytest.fail("nothing to exchange with"))
    assert publish.exchange(str(new), str(tmp_path / "site")) is None
    assert tree(tmp_path / "site") == NEW and not new.exists()


def _unsupported(code):
    def call(old, new, flags):
        raise OSError(code, os.strerror(code))
    return call


@pytest.mark.parametrize("renameat2", [None, _unsupported(errno.EINVAL), _unsupported(errno.ENOSYS)],
                         ids=["no-renameat2", "EINVAL", "ENOSYS"])
def test_without_renameat2_two_renames_swap_the_site(tmp_path, monkeypatch, renameat2):
    site, new = make_site(tmp_path / "site", OLD), make_site(tmp_path / ".site.building-x", NEW)
    monkeypatch.setattr(publish, "_renameat2", renameat2)
    old = publish.exchange(str(new), str(site))
    assert tree(site) == NEW and not new.exists()
    assert Path(old).parent == tmp_path and Path(old).name.startswith(".site.previous-")
    assert tree(Path(old)) == OLD


def test_other_renameat2_errors_are_not_hidden(tmp_path, monkeypatch):
    site, new = make_site(tmp_path / "site", OLD), make_site(tmp_path / ".site.building-x", NEW)
    monkeypatch.setattr(publish, "_renameat2", _unsupported(errno.EACCES))
    with pytest.raises(PermissionError):
        publish.exchange(str(new), str(site))
    assert tree(site) == OLD and tree(new) == NEW


def test_fallback_puts_the_old_site_back_if_the_new_one_cannot_go_in(tmp_path, monkeypatch):
    site, new = make_site(tmp_path / "site", OLD), make_site(tmp_path / ".site.building-x", NEW)
    monkeypatch.setattr(publish, "_renameat2", None)
    real, calls = os.rename, []

    def rename(src, dst):
        calls.append(src)
        if len(calls) == 2:
            raise OSError(errno.EIO, "disk trouble")
        real(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(OSError):
        publish.exchange(str(new), str(site))
    assert tree(site) == OLD and leftovers(tmp_path) == [new.name]


def test_signals_are_held_back_during_the_swap_and_delivered_after(tmp_path):
    reached = False
    with pytest.raises(KeyboardInterrupt), publish._signals_held():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
        reached = True  # not stopped half way
    assert reached


def test_signals_are_held_back_even_when_another_thread_is_running(tmp_path):
    # A signal sent to the process may be given to any thread that does not block it.
    stop = threading.Event()
    helper = threading.Thread(target=stop.wait, daemon=True)
    helper.start()
    reached = False
    try:
        with pytest.raises(KeyboardInterrupt), publish._signals_held():
            for _ in range(20):
                os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
            reached = True
    finally:
        stop.set()
    assert reached


def test_a_successful_build_is_swapped_in_then_recorded_then_the_next_may_go(tmp_path):
    site = make_site(tmp_path / "site", OLD)
    pub = publish.Publication(str(site))
    build_dir = Path(pub.start())
    assert build_dir.parent == tmp_path and build_dir.name.startswith(".site.building-")
    assert not lock_is_free(site)
    make_site(build_dir, NEW)
    seen = []
    assert pub.finish(True, after=lambda: seen.append(tree(site))) is True
    assert seen == [NEW]  # recorded only once published
    assert tree(site) == NEW and leftovers(tmp_path) == [] and lock_is_free(site)


def test_a_failed_build_is_deleted_and_the_site_kept(tmp_path):
    site = make_site(tmp_path / "site", OLD)
    inode = site.stat().st_ino
    pub = publish.Publication(str(site))
    make_site(Path(pub.start()), NEW)
    assert pub.finish(False, after=lambda: pytest.fail("recorded a failed build")) is False
    assert tree(site) == OLD and site.stat().st_ino == inode
    assert leftovers(tmp_path) == [] and lock_is_free(site)


def test_ctrl_c_just_after_the_swap_leaves_the_new_site_and_no_leftovers(tmp_path):
    site = make_site(tmp_path / "site", OLD)
    pub = publish.Publication(str(site))
    make_site(Path(pub.start()), NEW)
    with pytest.raises(KeyboardInterrupt):
        pub.finish(True, after=lambda: os.kill(os.getpid(), signal.SIGINT))
    assert tree(site) == NEW and leftovers(tmp_path) == [] and lock_is_free(site)


def test_a_second_build_waits_for_the_first_and_says_so(tmp_path):
    site = make_site(tmp_path / "site", OLD)
    first = publish.Publication(str(site))
    first_dir = Path(first.start())
    make_site(first_dir, NEW)
    said: list[str] = []
    second = publish.Publication(str(site), announce=said.append)
    started = threading.Event()
    thread = threading.Thread(target=lambda: (second.start(), started.set()), daemon=True)
    thread.start()
    assert not started.wait(0.5), "the second build did not wait"
    assert said == [publish.WAITING]
    assert first_dir.exists()  # a running build's folder is not taken for a stale one
    first.finish(True)
    assert started.wait(5), "the second build never started"
    assert tree(site) == NEW
    second.finish(False)
    assert tree(site) == NEW and leftovers(tmp_path) == [] and lock_is_free(site)


def test_no_message_when_nobody_else_is_building(tmp_path):
    said: list[str] = []
    pub = publish.Publication(str(tmp_path / "site"), announce=said.append)
    pub.start()
    pub.finish(False)
    assert said == [] and not (tmp_path / "site").exists()


def test_the_folder_of_a_killed_build_is_removed_by_the_next(tmp_path):
    site = make_site(tmp_path / "site", OLD)
    # A real build process, killed outright while it holds the lock: the kernel frees the lock.
    code = ("import sys, time; from cln import publish; p = publish.Publication(sys.argv[1]); "
            "d = p.start(); open(d + '/index.html', 'w').write('half'); print(d, flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(site)], stdout=subprocess.PIPE, text=True)
    try:
        dead_dir = Path(proc.stdout.readline().strip())
        assert dead_dir.is_dir() and not lock_is_free(site)
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
    assert dead_dir.is_dir() and lock_is_free(site)
    said: list[str] = []
    pub = publish.Publication(str(site), announce=said.append)
    build_dir = pub.start()
    assert said == [] and not dead_dir.exists() and leftovers(tmp_path) == [Path(build_dir).name]
    pub.finish(False)
    assert tree(site) == OLD and leftovers(tmp_path) == []


def test_a_site_left_aside_by_a_killed_fallback_swap_is_put_back(tmp_path):
    make_site(tmp_path / ".site.previous-dead", OLD)  # killed between the two renames: no site/
    make_site(tmp_path / ".site.building-dead", NEW)
    assert publish.clean_stale(str(tmp_path / "site")) == [".site.building-dead"]
    assert tree(tmp_path / "site") == OLD and leftovers(tmp_path) == []


def test_stale_clean_up_touches_only_this_sites_leftovers(tmp_path):
    make_site(tmp_path / "site", OLD)
    make_site(tmp_path / ".site.previous-dead", OLD)
    make_site(tmp_path / ".other.building-x", NEW)  # another site's build, with its own lock
    (tmp_path / "docs").mkdir()
    assert publish.clean_stale(str(tmp_path / "site")) == [".site.previous-dead"]
    assert sorted(os.listdir(tmp_path)) == [".other.building-x", "docs", "site"]
