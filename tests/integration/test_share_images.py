"""A built site serves a share image for every case study and episode, and its mark as logo and favicon."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from conftest import case_study, run_build

pytestmark = pytest.mark.slow

LONG = ("How clinicians and managers in one acute trust rebuilt the emergency pathway together, "
        "from the front door to the ward")  # near the 120-character limit


def pngs(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted((site / "assets").rglob("*.png"))}


def test_every_record_has_its_share_image_and_two_builds_give_the_same_bytes(project, podcast_files):
    root = project({
        **podcast_files,
        "case_studies/one.md": case_study("Choose and Book in the North West"),
        "case_studies/two.md": case_study(f"'{LONG}'", date="2010-06-24", region="london",
                                          topics="[acute-care]", extra="evidence: illustrative\n"),
    })
    first = run_build(root, "--site-dir", "first")
    assert first.returncode == 0, first.output
    shutil.rmtree(root / ".cache")  # the second build draws every card again, as a fresh machine would
    second = run_build(root, "--site-dir", "second")
    assert second.returncode == 0, second.output

    site = root / "first"
    for uri in ("assets/share/case-studies/one.png", "assets/share/case-studies/two.png",
                "assets/share/podcast/ep.png", "assets/share/site.png"):
        with Image.open(site / uri) as picture:
            assert (picture.format, picture.size) == ("PNG", (1200, 630)), uri
    a, b = pngs(site), pngs(root / "second")
    assert a.keys() == b.keys() and [k for k in a if a[k] != b[k]] == []
    assert a["assets/share/case-studies/one.png"] != a["assets/share/case-studies/two.png"]

    # The mark: the header's logo, the browser tab's icon and the phone's home-screen icon.
    page = (site / "case-studies/one/index.html").read_text(encoding="utf-8")
    assert '<link rel="icon" href="../../assets/cln/favicon.svg">' in page
    assert 'src="../../assets/cln/mark.svg"' in page
    for svg in ("assets/cln/mark.svg", "assets/cln/favicon.svg"):
        assert ET.parse(site / svg).getroot().tag == "{http://www.w3.org/2000/svg}svg"
    with Image.open(site / "assets/cln/favicon.png") as icon:
        assert icon.size == (32, 32)
    with Image.open(site / "assets/cln/apple-touch-icon.png") as touch:
        assert touch.size == (180, 180) and touch.mode == "RGB"


def test_an_unchanged_record_is_not_drawn_again(project, podcast_files):
    root = project({**podcast_files, "case_studies/one.md": case_study("Choose and Book in the North West")})
    assert run_build(root).returncode == 0
    cards = sorted((root / ".cache/cln/share").iterdir())
    stamps = {p.name: p.stat().st_mtime_ns for p in cards}
    assert len(cards) == 3  # the site's, the case study's and the episode's
    (root / "case_studies/two.md").write_text(case_study("A second case study", region="london"), encoding="utf-8")
    built = run_build(root)
    assert built.returncode == 0, built.output
    after = {p.name: p.stat().st_mtime_ns for p in (root / ".cache/cln/share").iterdir()}
    assert len(after) == 4 and all(after[name] == stamp for name, stamp in stamps.items())
    assert (built.site / "assets/share/case-studies/two.png").is_file()
