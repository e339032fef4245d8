"""``make serve`` keeps up, and stays right: after each kind of edit, the pages the preview serves
equal, on disk, a clean full build of the same content with the same settings (drafts included);
a deleted file leaves nothing behind; a bad edit shows its problems in place of its page and a
banner elsewhere while the last good pages stay; the search index catches up.

The preview is the real ``mkdocs serve --dirty`` (as ``make serve`` runs it) in its own process;
the reference is a clean build with the same serve settings, in another process.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from test_engines import copy_project, engine_env, tree

from conftest import BIN, comparable

pytestmark = pytest.mark.slow

IGNORED = ("cln-preview.json",)  # the preview's own state: a build number that counts rebuilds
CLEAN_BUILD = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config("mkdocs.yml", site_dir=sys.argv[1])
config.plugins.on_startup(command="serve", dirty=False)
config.site_url = sys.argv[2]
build(config, serve_url=sys.argv[2], dirty=False)
config.plugins["cln"].search_runner.wait()  # the index is made beside the build
config.plugins.on_shutdown()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Preview:
    """``mkdocs serve --dirty`` on a copy of the sample site, with its serve folder found on disk."""

    def __init__(self, work: Path):
        self.root = copy_project(work / "project")
        self.tmp = work / "tmp"
        self.tmp.mkdir()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = open(work / "serve.log", "w+")  # noqa: SIM115 (closed in stop())
        self.proc = subprocess.Popen([str(BIN / "mkdocs"), "serve", "--dirty", "-a", f"127.0.0.1:{self.port}"],
                                     cwd=self.root, stdout=self.log, stderr=subprocess.STDOUT,
                                     env={**engine_env(), "TMPDIR": str(self.tmp)}, start_new_session=True)
        self.build = 0
        self.wait_for_build()

    @property
    def site(self) -> Path:
        (folder,) = [p for p in self.tmp.iterdir() if p.name.startswith("mkdocs_")]
        return folder

    def status(self) -> dict:
        try:
            with urllib.request.urlopen(self.url + "cln-preview.json", timeout=5) as response:
                return json.loads(response.read())
        except (urllib.error.URLError, ConnectionError, json.JSONDecodeError):
            return {}

    def wait_for_build(self, timeout: float = 120) -> dict:
        """Until the preview has finished one more build; returns its status."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                self.log.seek(0)
                pytest.fail("mkdocs serve stopped:\n" + self.log.read())
            status = self.status()
            if status.get("build", 0) > self.build:
                self.build = status["build"]
                return status
            time.sleep(0.1)
        self.log.seek(0)
        pytest.fail("the preview did not rebuild:\n" + self.log.read()[-3000:])

    def edit(self, relative: str, change) -> dict:
        path = self.root / relative
        if change is None:
            path.unlink()
        else:
            path.write_text(change(path.read_text(encoding="utf-8") if path.exists() else ""), encoding="utf-8")
        return self.wait_for_build()

    def wait_for_search(self, word: str, timeout: float = 5.0) -> float:
        """Seconds until the served search index holds ``word`` (Pagefind's word index)."""
        start = time.monotonic()
        while time.monotonic() - start < timeout + 30:
            if any(word.lower() in json.dumps(r).lower() for r in _records(self.site)):
                return time.monotonic() - start
            time.sleep(0.1)
        return float("inf")

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGINT)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


def _records(site: Path) -> list[dict]:
    from conftest import pagefind_records
    try:
        return list(pagefind_records(site).values())
    except (OSError, ValueError, AssertionError):  # caught mid-swap: look again
        return []


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    preview = Preview(tmp_path_factory.mktemp("preview"))
    yield preview
    preview.stop()


def clean_build(root: Path, url: str, dest: Path) -> dict[str, bytes]:
    if dest.exists():
        shutil.rmtree(dest)
    proc = subprocess.run([sys.executable, "-c", CLEAN_BUILD, str(dest), url], cwd=root, capture_output=True,
                          text=True, timeout=600, env=engine_env())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return tree(dest)


def assert_same_as_clean_build(preview: Preview, work: Path) -> None:
    served = {k: v for k, v in tree(preview.site).items() if k not in IGNORED and not k.startswith(".pagefind")}
    reference = {k: v for k, v in clean_build(preview.root, preview.url, work / "reference").items()
                 if k not in IGNORED}
    pages = lambda files: {k: v for k, v in files.items() if not k.startswith("pagefind/")}  # noqa: E731
    missing = sorted(set(pages(reference)) - set(pages(served)))
    stale = sorted(set(pages(served)) - set(pages(reference)))
    different = sorted(k for k in pages(reference) if k in served and served[k] != reference[k])
    assert (missing, stale, different) == ([], [], [])
    # The index is made beside the server: once it has caught up, it is the clean build's.
    preview.wait_for_search("")
    for _ in range(100):
        served_index = comparable({k: v for k, v in tree(preview.site).items() if k.startswith("pagefind/")})
        if served_index == comparable({k: v for k, v in reference.items() if k.startswith("pagefind/")}):
            return
        time.sleep(0.1)
    want = comparable({k: v for k, v in reference.items() if k.startswith("pagefind/")})
    differ = sorted(k for k in set(want) | set(served_index) if want.get(k) != served_index.get(k))
    raise AssertionError(f"the served search index never matched the clean build's: {differ[:10]}")


CASE = "case_studies/choose-and-book-north-west.md"


def test_a_body_edit_is_served_and_right(served, tmp_path):
    status = served.edit(CASE, lambda text: text + "\nA paragraph added in the preview about zymurgy.\n")
    assert status["problems"] == []
    page = (served.site / "case-studies/choose-and-book-north-west/index.html").read_text()
    assert "zymurgy" in page
    assert served.wait_for_search("zymurgy") <= 5.0
    assert_same_as_clean_build(served, tmp_path)


def test_a_topic_change_moves_the_case_study_between_indexes_and_feeds(served, tmp_path):
    before = (served.site / "topics/mental-health/index.html").read_text()
    assert "choose-and-book-north-west" not in before
    served.edit(CASE, lambda text: text.replace("topics: [", "topics: [mental-health, ", 1))
    assert "choose-and-book-north-west" in (served.site / "topics/mental-health/index.html").read_text()
    assert "choose-and-book-north-west" in (served.site / "topics/mental-health/feed.xml").read_text()
    assert_same_as_clean_build(served, tmp_path)


def test_a_new_file_appears_and_a_deleted_file_disappears_everywhere(served, tmp_path):
    source = (served.root / CASE).read_text()
    served.edit("case_studies/a-new-case-study.md",
                lambda _: source.replace('title: "', 'title: "Quernstone ', 1))
    assert (served.site / "case-studies/a-new-case-study/index.html").exists()
    assert "a-new-case-study" in (served.site / "case-studies/index.html").read_text()
    assert "a-new-case-study" in (served.site / "case-studies/feed.xml").read_text()
    assert_same_as_clean_build(served, tmp_path)
    served.edit("case_studies/a-new-case-study.md", None)
    assert not (served.site / "case-studies/a-new-case-study").exists()
    assert "a-new-case-study" not in (served.site / "case-studies/index.html").read_text()
    assert_same_as_clean_build(served, tmp_path)


def test_a_bad_edit_shows_its_problems_and_keeps_the_last_good_pages(served, tmp_path):
    good = (served.root / CASE).read_text()
    other = (served.site / "about/index.html").read_bytes()
    status = served.edit(CASE, lambda text: text.replace("region: north-west", "region: north-westt", 1))
    assert any(p.startswith(f"{CASE}:") and "region" in p for p in status["problems"])
    error = (served.site / "case-studies/choose-and-book-north-west/index.html").read_text()
    assert "north-westt" in error and f"{CASE}:" in error and "Content-Security-Policy" in error
    assert (served.site / "about/index.html").read_bytes() == other  # the last good page, still served
    served.log.seek(0)
    log = served.log.read()
    assert "north-westt" in log and "Traceback" not in log
    status = served.edit(CASE, lambda _: good)
    assert status["problems"] == []
    assert_same_as_clean_build(served, tmp_path)


def test_a_taxonomy_edit_rebuilds_every_page(served, tmp_path):
    served.edit("taxonomy.yml", lambda text: text.replace("name: Mental health", "name: Mental health services", 1))
    assert "Mental health services" in (served.site / "topics/index.html").read_text()
    assert_same_as_clean_build(served, tmp_path)
