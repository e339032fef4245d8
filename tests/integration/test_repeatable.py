"""Two builds of the same content give the same bytes, whatever the day they run."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from conftest import case_study, comparable, run_build

pytestmark = pytest.mark.slow


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_on_different_days_are_byte_identical(project, podcast_files):
    root = project({
        **podcast_files,
        "case_studies/one.md": case_study("One", date="2009-01-15", extra="updated: 2009-03-02\n"),
        "case_studies/two.md": case_study("Two", date="2009-06-01", region="london"),
    })
    # SOURCE_DATE_EPOCH stands in for the clock: the builds run "a year apart".
    first = run_build(root, "--site-dir", "first", env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert first.returncode == 0, first.output
    second = run_build(root, "--site-dir", "second", env={"SOURCE_DATE_EPOCH": "1731536000"})
    assert second.returncode == 0, second.output
    a, b = tree(root / "first"), tree(root / "second")
    assert {".html", ".xml", ".json", ".gz", ".mp3", ".pf_fragment", ".pf_filter"} <= {Path(k).suffix for k in a}
    # Byte for byte, but for the order Pagefind writes its filter indexes in (conftest.comparable).
    a, b = comparable(a), comparable(b)
    assert a.keys() == b.keys()
    different = [k for k in a if a[k] != b[k]]
    assert different == []

    # The sitemap's dates come from the content, not from the day of the build.
    sitemap = a["sitemap.xml"].decode()
    entries = dict(re.findall(r"<loc>([^<]+)</loc>\s*<lastmod>([^<]+)</lastmod>", sitemap))
    assert entries["https://cln.example.org/case-studies/one/"] == "2009-03-02"
    assert entries["https://cln.example.org/case-studies/two/"] == "2009-06-01"
    assert entries["https://cln.example.org/regions/london/"] == "2009-06-01"
    assert entries["https://cln.example.org/podcast/ep/"] == "2009-02-12"
    assert entries["https://cln.example.org/"] == "2009-06-01"  # hand-written pages: the newest content
    assert gzip.decompress(a["sitemap.xml.gz"]).decode() == sitemap
