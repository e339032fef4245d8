"""`cln check` is the build's validation: every bad input the tests know, run through both
`cln check` and `mkdocs build --strict`, gives the same problems, line for line."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from test_cli import BAD

from conftest import BIN, VTT, case_study, episode, run_build

pytestmark = pytest.mark.slow

LAYOUT = """\
---
title: Falls clinic: a pilot in three care homes
summary: A nurse-led falls clinic visited three care homes every fortnight and falls fell by a third in six months.
date:2009-01-15
region: “north-west”
topics:
  - planned-care
  long-term-conditions
authors:
  - name: Consultant midwife
     role: Falls lead
\torganisation: Example Community Trust
---
The clinic ran every fortnight.
"""


def bad_inputs(mp3s, show_art) -> dict[str, str | bytes | Path]:
    """One file for each kind of mistake the other tests make, in one project."""
    from PIL import Image

    small = show_art.parent / "small.png"
    Image.new("RGB", (300, 200), (0, 94, 184)).save(small)
    return {
        # Fields, slugs, dates, privacy and markup (test_cli.BAD), and layout mistakes (test_layout).
        "case_studies/falls.md": BAD,
        "case_studies/layout.md": LAYOUT,
        "case_studies/no-close.md": case_study().replace("\n---\n", "\n\n", 1),
        "case_studies/alias.md": "---\ntitle: &a Title\nsummary: *a\n---\nBody\n",
        "case_studies/nested.md": "---\ntitle: " + "[" * 5000 + "\n---\n",
        "case_studies/twice.md": case_study(extra="draft: true\ndraft: false\n"),
        "case_studies/latin1.md": case_study(title="Café society").encode("latin-1"),
        "case_studies/control.md": case_study(body="A line\x0bwith Word's manual break."),
        "case_studies/link.md": case_study(body="See [the other one](missing.md)."),
        "case_studies/year.md": case_study(date="2209-01-15"),
        "case_studies/script.md": case_study(body="<script>alert(1)</script>"),
        "case_studies/Upper.md": case_study(),
        "case_studies/wrong.MD": case_study(),
        "case_studies/sub/deeper.md": case_study(),
        # Episodes: a field wrong and the audio missing, in one run; shared guid; transcript privacy.
        "podcasts/ep.md": episode(),
        "podcasts/same-guid.md": episode(2, audio="audio/two.mp3", transcript="transcripts/two.vtt",
                                         guid="00000000-0000-4000-8000-000000000001"),
        "podcasts/broken.md": episode(3, audio="audio/missing.mp3", transcript="transcripts/ep3.vtt")
        .replace("season: 1", "season: first"),
        "podcasts/audio/ep.mp3": mp3s["short"],
        "podcasts/audio/two.mp3": mp3s["long"],
        "podcasts/transcripts/ep.vtt": VTT,
        "podcasts/transcripts/two.vtt": "WEBVTT\n\n00:00:00.000 --> 00:00:03.000\nHer number was 943 476\n5919.\n",
        "podcasts/transcripts/ep3.vtt": VTT,
        # The show's cover: 300×200 passed `cln check` and failed the build once.
        "podcasts/art/show-cover.png": small,
        "docs/broken.md": "# A page\n\nSee [nowhere](nowhere.md).\n",
    }


def problem_lines(text: str) -> list[str]:
    """The `path:line: field: message` lines of a report (indented in the build's)."""
    return sorted(line.strip() for line in text.splitlines()
                  if re.match(r"^\s*(case_studies|podcasts|docs|mkdocs\.yml|taxonomy\.yml)\S*?(:\d+)?: ", line))


def test_check_and_build_report_the_same_problems(project, mp3s, show_art):
    root = project(bad_inputs(mp3s, show_art))
    check = subprocess.run([str(BIN / "cln"), "check"], cwd=root, capture_output=True, text=True, timeout=300)
    built = run_build(root, "--strict")
    assert check.returncode == 1 and built.returncode != 0, (check.stdout, built.output)
    assert "Traceback" not in check.stdout + check.stderr + built.output
    from_check = [line for line in problem_lines(check.stdout) if ": warning: " not in line]
    from_build = [line for line in problem_lines(built.output) if ": warning: " not in line]
    assert from_check == from_build, "\n".join(sorted(set(from_check) ^ set(from_build)))
    # Every kind of input above is among them, each named with its file.
    for path in ("case_studies/falls.md:5: region:", "case_studies/layout.md:2: title:", "case_studies/no-close.md:",
                 "case_studies/alias.md:", "case_studies/nested.md:", "case_studies/twice.md:", "case_studies/latin1.md:",
                 "case_studies/control.md:", "case_studies/link.md:", "case_studies/year.md:", "case_studies/script.md:",
                 "case_studies/Upper.md", "case_studies/wrong.MD", "case_studies/sub/deeper.md",
                 "podcasts/same-guid.md:", "podcasts/broken.md:", "podcasts/transcripts/two.vtt:4: privacy",
                 "mkdocs.yml: plugins.cln.podcast.image: podcasts/art/show-cover.png is a 300×200 PNG",
                 "docs/broken.md:3: body: links to 'nowhere.md'"):
        assert any(line.startswith(path) for line in from_check), (path, check.stdout)
    # The broken episode's audio is checked in the same run as its wrong field.
    assert any(line.startswith("podcasts/broken.md:") and "season" in line for line in from_check)
    assert any(line.startswith("podcasts/broken.md:") and "audio/missing.mp3 does not exist" in line
               for line in from_check)
    count = re.search(r"(\d+) problems? in (\d+) files?", check.stdout)
    assert count and f"{count[1]} problems in {count[2]} files" in built.output


def test_warnings_are_shown_by_check_and_logged_by_the_build_without_failing_it(project):
    thin = case_study(extra="", body="## The problem\n\n## What we did\n\nWe met monthly.\n").replace(
        "            before: 4th\n            after: 1st\n", "")
    thin = thin.replace("before: 4th", "before: lots").replace("after: 1st", "after: fewer")
    root = project({"case_studies/thin.md": thin})
    check = subprocess.run([str(BIN / "cln"), "check"], cwd=root, capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout
    want = ["case_studies/thin.md:3: summary: warning: is 10 words",
            "case_studies/thin.md:19: body: warning: the section 'The problem' is empty",
            "case_studies/thin.md:14: outcomes[0]: warning: 'lots' → 'fewer' has no figure to compare"]
    for line in want:
        assert line in check.stdout, (line, check.stdout)
    gh = subprocess.run([str(BIN / "cln"), "check", "--format", "github"], cwd=root, capture_output=True, text=True)
    assert gh.returncode == 0
    assert "::warning file=case_studies/thin.md,line=3,title=summary::is 10 words" in gh.stdout
    built = run_build(root, "--strict")
    assert built.returncode == 0, built.output
    assert "INFO" in built.output and "case_studies/thin.md:3: summary: warning: is 10 words" in built.output
