"""`cln fix`: display names and near misses become slugs, day-first dates become YYYY-MM-DD, each
change is printed as `file:line: field: old → new`, and nothing else in the file changes."""

from __future__ import annotations

import subprocess

from cln.content import parse
from cln.fix import fix_text
from cln.taxonomy import Taxonomy
from conftest import BIN, REPO

TAXONOMY = Taxonomy.load(str(REPO / "taxonomy.yml"))
PATH = "case_studies/x.md"

WRITTEN = """\
---
# Written in a browser: the comments, the order and the quoting stay as they are.
title: "Falls clinic in a care home"   # keep the quotes
summary: 'A nurse-led falls clinic visited three care homes every fortnight, and falls fell by a third.'
date: 15/01/2009
updated: "01/02/2009"
region: North East  # the display name
topics: [Planned care, 'long term conditions']
professions:
  - Nurse
  - docter
competencies: [influencing-change]
authors:
  - name: Consultant midwife
outcomes:
  - measure: Falls a month
    before: "12"
    after: "8"
---
The clinic ran every fortnight.
"""


def test_each_rewrite_is_made_and_printed_and_nothing_else_changes():
    fixed, changes = fix_text(PATH, WRITTEN, "case-study", TAXONOMY)
    assert [str(c) for c in changes] == [
        "case_studies/x.md:5: date: 15/01/2009 → 2009-01-15",
        "case_studies/x.md:6: updated: 01/02/2009 → 2009-02-01",
        "case_studies/x.md:7: region: North East → north-east",
        "case_studies/x.md:8: topics[0]: Planned care → planned-care",
        "case_studies/x.md:8: topics[1]: long term conditions → long-term-conditions",
        "case_studies/x.md:10: professions[0]: Nurse → nurse",
        "case_studies/x.md:11: professions[1]: docter → doctor",
    ]
    before, after = WRITTEN.split("\n"), fixed.split("\n")
    assert len(before) == len(after)
    changed = {i + 1 for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b}
    assert changed == {5, 6, 7, 8, 10, 11}  # every other line is byte for byte the same
    assert after[6] == "region: north-east  # the display name"
    assert after[7] == "topics: [planned-care, long-term-conditions]"
    assert after[4] == "date: 2009-01-15" and after[5] == "updated: 2009-02-01"
    record, problems, _ = parse(PATH, fixed.encode(), "case-study")
    assert problems == [] and record.meta.region == "north-east"
    assert fix_text(PATH, fixed, "case-study", TAXONOMY) == (fixed, [])  # a second run has nothing to do


def test_ambiguous_or_unknown_values_are_left_alone_and_reported():
    text = WRITTEN.replace("region: North East", "region: North").replace("Planned care", "Gardening")
    fixed, changes = fix_text(PATH, text, "case-study", TAXONOMY)
    left = {c.field: str(c) for c in changes if c.new is None}
    assert left["region"].startswith("case_studies/x.md:7: region: North left alone: it could be ")
    assert "north-east" in left["region"] and "north-west" in left["region"]
    assert left["topics[0]"] == ("case_studies/x.md:8: topics[0]: Gardening left alone: no topics slug is near it; "
                                 "see taxonomy.yml")
    assert "region: North  #" in fixed and "[Gardening, long-term-conditions]" in fixed


def test_a_date_that_does_not_exist_is_not_rewritten():
    fixed, changes = fix_text(PATH, WRITTEN.replace("15/01/2009", "31/02/2009"), "case-study", TAXONOMY)
    assert "date: 31/02/2009" in fixed and not any(c.field == "date" for c in changes)


def test_the_command_dry_run_shows_and_the_real_run_writes(project):
    root = project({"case_studies/x.md": WRITTEN})
    path = root / "case_studies/x.md"
    dry = subprocess.run([str(BIN / "cln"), "fix", "--dry-run"], cwd=root, capture_output=True, text=True)
    assert dry.returncode == 0
    assert "case_studies/x.md:7: region: North East → north-east" in dry.stdout
    assert "Would fix 7 values in 1 file" in dry.stdout
    assert path.read_text(encoding="utf-8") == WRITTEN
    real = subprocess.run([str(BIN / "cln"), "fix"], cwd=root, capture_output=True, text=True)
    assert real.returncode == 0 and "Fixed 7 values in 1 file" in real.stdout
    assert path.read_text(encoding="utf-8") == fix_text(PATH, WRITTEN, "case-study", TAXONOMY)[0]
    check = subprocess.run([str(BIN / "cln"), "check"], cwd=root, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
