"""Every `mkdocs build` keeps the last good site: failed, interrupted or concurrent builds never
leave site/ missing, partial or changed."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import time
from pathlib import Path

import feedparser
import pytest

from cln import publish
from conftest import BIN, case_study, comparable, pagefind_records, run_build

pytestmark = pytest.mark.slow
WAITING = "Another build of this site is running; waiting for it to finish…"


def tree(folder: Path) -> dict[str, bytes]:
    """A site's files, comparable between two builds of the same content (conftest.comparable)."""
    return comparable({str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()})


def leftovers(root: Path) -> list[str]:
    return sorted(n for n in os.listdir(root) if n.startswith(".site.building-") or n.startswith(".site.previous-"))


def start_build(root: Path) -> subprocess.Popen:
    return subprocess.Popen([str(BIN / "mkdocs"), "build"], cwd=root, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def until_waiting(proc: subprocess.Popen) -> str:
    """The build's output up to the line saying it waits (or to its end, if it never does)."""
    lines = []
    while (line := proc.stdout.readline()):
        lines.append(line)
        if WAITING in line:
            break
    return "".join(lines)


def good_site(project) -> tuple[Path, dict[str, bytes]]:
    root = project({"case_studies/good.md": case_study()})
    built = run_build(root)
    assert built.returncode == 0, built.output
    return root, tree(root / "site")


def test_a_build_that_fails_on_content_leaves_the_site_byte_identical(project):
    root, before = good_site(project)
    inode = (root / "site").stat().st_ino
    (root / "case_studies/second.md").write_text(case_study("A second case study"))
    (root / "case_studies/broken.md").write_text(case_study(date="2009-02-30"))
    failed = run_build(root)
    assert failed.returncode != 0 and "date: '2009-02-30' is not a real date" in failed.output
    assert tree(root / "site") == before and (root / "site").stat().st_ino == inode
    assert leftovers(root) == []


def late_warning(root) -> None:
    """A hook that warns after every page is written: MkDocs' strict mode then aborts the build
    after on_post_build (the content checks already stop a broken link before anything is written)."""
    (root / "late_warning.py").write_text(
        "import logging\n\ndef on_post_build(config):\n"
        "    logging.getLogger('mkdocs.hooks').warning('a late warning, after every page was written')\n")
    with open(root / "mkdocs.yml", "a", encoding="utf-8") as fh:
        fh.write("hooks:\n  - late_warning.py\n")


def test_a_strict_failure_after_the_pages_were_written_leaves_the_site_untouched(project):
    root, before = good_site(project)
    (root / "case_studies/second.md").write_text(case_study("A second case study"))
    late_warning(root)
    failed = run_build(root)
    # MkDocs aborts only after every page was written and on_post_build ran.
    assert failed.returncode != 0 and "Aborted with 1 warnings in strict mode" in failed.output
    assert "a late warning, after every page was written" in failed.output
    assert tree(root / "site") == before
    assert not (root / "site/case-studies/a-second-case-study").exists()
    assert leftovers(root) == []


def test_two_builds_at_once_both_succeed_one_after_the_other(project):
    root = project({f"case_studies/study-{n}.md": case_study(f"Case study {n}", date=f"2009-01-{n + 10}")
                    for n in range(1, 6)})
    # Hold the site's lock as a running build would, so that both builds surely meet it.
    held = publish.BuildLock(publish.lock_path(str(root / "site")))
    held.acquire()
    try:
        first, second = start_build(root), start_build(root)
        heads = [until_waiting(proc) for proc in (first, second)]
    finally:
        held.release()
    outputs = [head + proc.communicate(timeout=120)[0] for head, proc in zip(heads, (first, second), strict=False)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    assert all(WAITING in out for out in outputs), outputs
    assert sum(out.count("Published the new site") for out in outputs) == 2, outputs
    site = root / "site"
    # The published site is whole: every case study is in the feed, in search and on its own page.
    feed = feedparser.parse((site / "case-studies/feed.xml").read_bytes())
    assert sorted(entry.title for entry in feed.entries) == [f"Case study {n}" for n in range(1, 6)]
    assert {f"/case-studies/study-{n}/" for n in range(1, 6)} <= set(pagefind_records(site))
    for n in range(1, 6):
        assert f"<h1>Case study {n}</h1>" in (site / f"case-studies/study-{n}/index.html").read_text(encoding="utf-8")
    pages = re.findall(r"<loc>https://cln\.example\.org/([^<]*)</loc>", (site / "sitemap.xml").read_text())
    assert len(pages) > 40
    for n in range(1, 6):
        assert f"case-studies/study-{n}/" in pages
    missing = [page for page in pages if not (site / page / "index.html").is_file()]
    assert missing == []
    assert leftovers(root) == []


def test_ctrl_c_at_any_moment_leaves_the_old_site_or_the_new_one(project):
    """Builds alternate between two versions of the content and are stopped with SIGINT at
    random moments: site/ is always, byte for byte, one of the two complete sites."""
    root, one = good_site(project)
    new_study = root / "case_studies/second.md"
    new_study.write_text(case_study("A second case study", region="london"))
    start = time.monotonic()
    built = run_build(root, "--site-dir", "reference")
    duration = time.monotonic() - start
    assert built.returncode == 0, built.output
    two = tree(root / "reference")
    assert two.keys() != one.keys()
    versions = {"one": one, "two": two}

    rng = random.Random(20090115)
    tries = 10  # one random moment in each tenth of a little more than a build
    outcomes = []
    for moment in [1.25 * duration * (i + rng.random()) / tries for i in range(tries)]:
        current = next(name for name, files in versions.items() if tree(root / "site") == files)
        if current == "one":  # build the other version, so that a swap would show
            new_study.write_text(case_study("A second case study", region="london"))
        else:
            new_study.unlink(missing_ok=True)
        proc = start_build(root)
        time.sleep(moment)
        proc.send_signal(signal.SIGINT)
        out = proc.communicate(timeout=120)[0]
        now = [name for name, files in versions.items() if tree(root / "site") == files]
        assert now, f"site/ is neither complete site after SIGINT at {moment:.2f} s:\n{out}"
        outcomes.append((round(moment, 2), proc.returncode, now[0] != current))
    print(outcomes)
    assert any(not swapped for _, _, swapped in outcomes), outcomes  # some were stopped in time

    # A build killed outright leaves its folder behind; the next build removes it.
    new_study.write_text(case_study("A second case study", region="london"))
    proc = start_build(root)
    time.sleep(duration / 2)
    proc.kill()
    proc.communicate(timeout=60)
    assert tree(root / "site") in (one, two)
    built = run_build(root)
    assert built.returncode == 0 and WAITING not in built.output, built.output
    assert tree(root / "site") == two and leftovers(root) == []


def test_no_build_writes_a_guid_lock_whether_it_fails_or_succeeds(project, podcast_files):
    root = project(podcast_files)
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    late_warning(root)
    lock = root / "podcasts/guids.lock"
    failed = run_build(root)
    assert failed.returncode != 0 and "strict mode" in failed.output
    assert not lock.exists() and not (root / "site").exists() and leftovers(root) == []

    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    built = run_build(root)
    assert built.returncode == 0, built.output
    assert not lock.exists()  # published guids are checked against the main branch: no build writes a source file
    assert "<h1>Episode 1, building a national network</h1>" in (root / "site/podcast/ep/index.html").read_text(encoding="utf-8")


def test_a_bare_build_call_builds_in_place_and_leaves_nothing_behind(project, podcast_files):
    """Without MkDocs' commands there is no on_shutdown to swap in: the plugin builds in place."""
    root = project(podcast_files)
    code = ("import logging, sys; from mkdocs.config import load_config; from mkdocs.commands.build import build; "
            "logging.basicConfig(level=logging.INFO, stream=sys.stdout); build(load_config('mkdocs.yml'))")
    proc = subprocess.run([str(BIN / "python"), "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert '<h1 id="home">Home</h1>' in (root / "site/index.html").read_text(encoding="utf-8")
    feed = feedparser.parse((root / "site/podcast/feed.xml").read_bytes())
    assert [entry.id for entry in feed.entries] == ["00000000-0000-4000-8000-000000000001"]
    assert leftovers(root) == [] and not (root / ".site.lock").exists()
    assert not (root / "podcasts/guids.lock").exists()
