"""Lighthouse (from npm, run against Debian's Chromium) on every page type of the sample site:
100 for accessibility, best practices and SEO, at least 95 for performance.

Lighthouse's performance score moves a few points from run to run on a busy machine, so a
page gets up to three runs to reach 95; the other three categories must score 100 every time.
The server compresses text as real hosts do (see conftest.RangeHandler).
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from conftest import REPO

pytestmark = pytest.mark.browser
LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync"
PAGES = {
    "home": "",
    "case study": "case-studies/west-midlands-heart-failure-closer-to-home/",
    "case studies": "case-studies/",
    "topic index": "topics/planned-care/",
    "region index": "regions/london/",
    "profession index": "professions/nurse/",
    "competency index": "competencies/innovation/",
    "index of indexes": "topics/",
    "explore": "explore/",
    "podcast": "podcast/",
    "episode": "podcast/cln-002-choose-and-book-north-west/",
    "contribute": "contribute/",
    "accessibility statement": "accessibility/",
}


def lighthouse(url: str) -> dict:
    if not LIGHTHOUSE.exists():
        pytest.fail("Lighthouse is not installed: run `make test`, which runs `npm ci`")
    proc = subprocess.run(
        [str(LIGHTHOUSE), url, "--quiet", "--output=json", "--output-path=stdout", f"--chrome-flags={FLAGS}",
         "--only-categories=performance,accessibility,best-practices,seo"],
        capture_output=True, text=True, timeout=240, env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def failing(report: dict, category: str) -> list[str]:
    out = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if audit.get("score") is not None and audit["score"] < 1 and ref.get("weight", 0) > 0:
            out.append(f"{ref['id']} ({audit.get('displayValue', audit['score'])})")
    return out


@pytest.mark.parametrize("name", PAGES)
def test_lighthouse_scores(base_url, name):
    for _attempt in range(3):
        report = lighthouse(base_url + PAGES[name])
        scores = {k: round(v["score"] * 100) for k, v in report["categories"].items()}
        for category in ("accessibility", "best-practices", "seo"):
            assert scores[category] == 100, (category, failing(report, category))
        if scores["performance"] >= 95:
            break
    assert scores["performance"] >= 95, failing(report, "performance")
    if name == "case study":  # a first visit, compressed as a host serves it: at most 150 KB
        assert report["audits"]["total-byte-weight"]["numericValue"] <= 150_000
