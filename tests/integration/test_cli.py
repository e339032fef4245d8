"""The editors' command, run as an editor runs it: ``cln new``, ``cln check``, ``cln schema``."""

from __future__ import annotations

import json
import re
import subprocess
import uuid
from pathlib import Path

import pytest
import yaml

from cln.catalogue import Settings, load_catalogue
from cln.errors import ContentError
from conftest import BIN, REPO, VTT, case_study, pagefind_records, run_build

pytestmark = pytest.mark.slow


def cln(root: Path, *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(BIN / "cln"), *args], cwd=root, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


def test_new_case_study_scaffold_checks_and_publishes_once_filled(project):
    root = project({})
    made = cln(root, "new", "case-study", "Falls clinic in a care home: a pilot")
    assert made.returncode == 0, made.stderr
    path = root / "case_studies/falls-clinic-in-a-care-home-a-pilot.md"
    text = path.read_text(encoding="utf-8")
    assert "# yaml-language-server: $schema=../schema/case-study.schema.json" in text
    assert 'title: "Falls clinic in a care home: a pilot"' in text
    # Every field is present, each with a comment saying what it is.
    for field in ("title", "summary", "date", "updated", "region", "topics", "professions", "competencies",
                  "authors", "evidence", "key_points", "outcomes", "contact", "draft"):
        line = next(x for x in text.splitlines() if re.match(rf"#? ?{field}:", x))
        assert "#" in line.split(":", 1)[1] or line.startswith("#"), line
    # As written it is a valid draft; drafts stay out of the built site.
    assert cln(root, "check").returncode == 0
    draft_site = run_build(root)
    assert draft_site.returncode == 0, draft_site.output
    assert not (draft_site.site / "case-studies/falls-clinic-in-a-care-home-a-pilot").exists()
    assert "Falls clinic in a care home" not in draft_site.read("case-studies/index.html")
    assert not [r for r in pagefind_records(draft_site.site).values() if "Falls clinic in a care home" in r["content"]]

    # Published with the scaffold's example text still in it: refused, each one named.
    path.write_text(text.replace("draft: true", "draft: false"), encoding="utf-8")
    unfilled = cln(root, "check", str(path))
    assert unfilled.returncode == 1
    for line in (":4: summary: still has the example text 'Write one or two sentences here.'",
                 ":13: authors[0].name: still has the example text 'Your Name'",
                 ":18: key_points[0]: still has the example text 'Write one or two sentences here.'",
                 ":21: outcomes[0].before: still has the example text 'value before'",
                 ":24: outcomes[0].source: still has the example text 'Where the figures come from'"):
        assert "case_studies/falls-clinic-in-a-care-home-a-pilot.md" + line in unfilled.stdout, unfilled.stdout
    assert "or keep 'draft: true' until it is ready" in unfilled.stdout

    filled = (text.replace("Write one or two sentences here.", "A nurse-led falls clinic visited three care homes.")
              .replace("Your Name", "Sister Example Falls").replace("Your role", "Falls specialist nurse")
              .replace("Your organisation", "Example Community Trust").replace("What you measured", "Falls a month")
              .replace("value before", "12").replace("value after", "7").replace("draft: true", "draft: false")
              .replace("Where the figures come from", "the clinic's falls log")
              .replace("How many, e.g. 212 referrals", "three care homes"))
    path.write_text(filled + "\nThe clinic ran every fortnight.\n", encoding="utf-8")
    checked = cln(root, "check", str(path))
    assert checked.returncode == 0, checked.stdout
    built = run_build(root)
    assert built.returncode == 0, built.output
    assert "Sister Example Falls" in built.read("case-studies/falls-clinic-in-a-care-home-a-pilot/index.html")

    again = cln(root, "new", "case-study", "Falls clinic in a care home: a pilot")
    assert again.returncode == 1
    assert "already exists" in again.stderr
    assert path.read_text(encoding="utf-8").startswith(filled)  # not overwritten


def test_new_episode_scaffold_has_a_fresh_guid_and_checks_once_its_files_exist(project, mp3s, show_art):
    root = project({})
    assert cln(root, "new", "episode", "Inside a quality observatory").returncode == 0
    second = cln(root, "new", "episode", "Another conversation")
    text = (root / "podcasts/inside-a-quality-observatory.md").read_text(encoding="utf-8")
    guid = re.search(r"^guid: (\S+)", text, re.M).group(1)
    assert uuid.UUID(guid).version == 4
    other = re.search(r"^guid: (\S+)", (root / "podcasts/another-conversation.md").read_text(), re.M).group(1)
    assert other != guid and second.returncode == 0
    assert "# yaml-language-server: $schema=../schema/episode.schema.json" in text

    result = cln(root, "check")
    assert result.returncode == 1
    assert "podcasts/inside-a-quality-observatory.md:8: audio: file podcasts/audio/inside-a-quality-observatory.mp3 does not exist" in result.stdout  # the audio is not there yet

    for slug in ("inside-a-quality-observatory", "another-conversation"):
        (root / f"podcasts/audio/{slug}.mp3").parent.mkdir(parents=True, exist_ok=True)
        (root / f"podcasts/audio/{slug}.mp3").write_bytes(mp3s["short"].read_bytes())
        (root / f"podcasts/transcripts/{slug}.vtt").parent.mkdir(parents=True, exist_ok=True)
        (root / f"podcasts/transcripts/{slug}.vtt").write_text(VTT, encoding="utf-8")
    result = cln(root, "check")
    assert "plugins.cln.podcast.image: podcasts/art/show-cover.png does not exist" in result.stdout  # as the build says
    (root / "podcasts/art").mkdir(exist_ok=True)
    (root / "podcasts/art/show-cover.png").write_bytes(show_art.read_bytes())
    result = cln(root, "check")
    assert result.returncode == 0, result.stdout
    assert "All good: 0 case studies and 2 episodes checked." in result.stdout


BAD = """\
---
title: Falls clinic
summary: A nurse-led falls clinic.
date: 2026-02-30
region: north wset
topics: [falls, long-term-conditions]
professions: nurse
authors: []
---
One resident, NHS number 943 476 5919, fell three times.

<iframe src="https://example.org"></iframe>
"""


def test_check_reports_every_problem_with_its_line_in_text_github_and_json(project):
    root = project({"case_studies/falls.md": BAD, "case_studies/good.md": case_study(),
                    "case_studies/also-bad.md": case_study(region="londn")})
    text = cln(root, "check")
    assert text.returncode == 1
    lines = text.stdout.splitlines()
    expected = [
        "case_studies/also-bad.md:5: region: 'londn' is not a region slug; did you mean 'london'?",
        "case_studies/falls.md:4: date: '2026-02-30' is not a real date",
        "case_studies/falls.md:5: region: 'north wset' is not a region slug; did you mean 'north-west'?",
        "case_studies/falls.md:6: topics[0]: 'falls' is not a topic slug; allowed: maternity-and-newborn",
        "case_studies/falls.md:7: professions: should be a list, not 'nurse'; write e.g. 'professions: [nurse]'",
        "case_studies/falls.md:8: authors: is empty; name at least one author",
        "case_studies/falls.md:10: privacy: looks like an NHS number (••• ••• •919)",
        "case_studies/falls.md:12: body: <iframe> element is not allowed",
    ]
    for want in expected:
        assert any(line.startswith(want) for line in lines), (want, text.stdout)
    assert "5919" not in text.stdout and "943 476" not in text.stdout  # never echoed back in full
    assert "8 problems in 2 files" in text.stdout

    gh = cln(root, "check", "--format", "github")
    assert gh.returncode == 1
    assert "::error file=case_studies/falls.md,line=5,title=region::'north wset' is not a region slug" in gh.stdout
    assert all(x.startswith(("::error file=case_studies/", "::warning file=case_studies/"))
               for x in gh.stdout.splitlines())
    assert "::warning file=case_studies/good.md,line=3,title=summary::is 10 words" in gh.stdout  # advice, not errors

    js = cln(root, "check", "--format", "json")
    assert js.returncode == 1
    data = json.loads(js.stdout)
    assert data["ok"] is False
    assert {"path": "case_studies/also-bad.md", "line": 5, "field": "region",
            "message": "'londn' is not a region slug; did you mean 'london'?"} in data["problems"]

    only = cln(root, "check", "case_studies/also-bad.md")
    assert only.returncode == 1 and "falls.md" not in only.stdout
    assert cln(root, "check", "case_studies/good.md").returncode == 0


def test_check_exit_zero_and_lists_reviewed_privacy_exceptions(project):
    body = "Call the network office on 0113 496 0000 <!-- privacy-allow: the network's published office number -->"
    root = project({"case_studies/good.md": case_study(body=body)})
    result = cln(root, "check")
    assert result.returncode == 0, result.stdout
    assert "1 reviewed privacy exception (privacy-allow):" in result.stdout
    assert "case_studies/good.md:19: phone number: the network's published office number" in result.stdout
    gh = cln(root, "check", "--format", "github")
    assert gh.returncode == 0
    assert "\n::notice file=case_studies/good.md,line=19," in gh.stdout


def test_the_committed_json_schemas_are_up_to_date(tmp_path):
    result = subprocess.run([str(BIN / "cln"), "--root", str(REPO), "schema", "--out", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for name in ("case-study.schema.json", "episode.schema.json"):
        fresh = (tmp_path / name).read_text(encoding="utf-8")
        committed = (REPO / "schema" / name).read_text(encoding="utf-8")
        assert committed == fresh, f"schema/{name} is stale: run `.venv/bin/cln schema` and commit it"
    schema = json.loads((tmp_path / "case-study.schema.json").read_text())
    # Slugs autocomplete in the editor: every value of the taxonomy, and nothing else.
    taxonomy = yaml.safe_load((REPO / "taxonomy.yml").read_text(encoding="utf-8"))
    assert schema["properties"]["region"]["enum"] == [t["slug"] for t in taxonomy["regions"]]
    assert schema["properties"]["topics"]["items"]["enum"] == [t["slug"] for t in taxonomy["topics"]]
    assert set(schema["required"]) >= {"title", "summary", "date", "region", "topics", "authors"}


def test_every_example_value_the_scaffolds_write_is_refused_when_published(project):
    """What the check refuses stays in step with what `cln new` writes: every example value of
    both scaffolds, published as written, is named in a problem of its own file."""
    root = project({})
    written = {}
    for kind, title, rel in (("case-study", "Falls clinic", "case_studies/falls-clinic.md"),
                             ("episode", "Inside a quality observatory", "podcasts/inside-a-quality-observatory.md")):
        assert cln(root, "new", kind, title).returncode == 0
        written[rel] = (root / rel).read_text(encoding="utf-8")
        (root / rel).write_text(written[rel].replace("draft: true", "draft: false"), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_catalogue(Settings(root=str(root)))
    for rel, text in written.items():
        messages = "\n".join(p.message for p in caught.value.problems if p.path == rel)
        examples = []
        for line in text.splitlines():
            value = line.split("#")[0].split(":", 1)[-1].strip().strip('"').strip()
            if value.lower().startswith(("your", "value ", "their", "guest name", "what you", "write one")):
                examples.append(value)
                assert f"still has the example text '{value}' from `cln new`" in messages, (rel, line, messages)
        assert len(examples) >= 2, text
    (notes,) = [p for p in caught.value.problems if p.field == "body"]
    assert notes.path == "podcasts/inside-a-quality-observatory.md"
    assert "still has the example show notes from `cln new`" in notes.message


def test_checking_one_episode_shows_its_transcripts_problems_too(project, podcast_files):
    vtt = "WEBVTT\n\n00:00:00.000 --> 00:00:03.000\nHer number was 943 476\n5919.\n"
    root = project({**podcast_files, "podcasts/transcripts/ep.vtt": vtt})
    result = cln(root, "check", "podcasts/ep.md")
    assert result.returncode == 1
    assert "podcasts/transcripts/ep.vtt:4: privacy: looks like an NHS number (••• ••• •919)" in result.stdout
    assert "5919" not in result.stdout.replace("•919", "")


def test_github_annotations_stay_one_a_problem_whatever_the_file_name(project):
    root = project({"case_studies/bad\nname,x.md": case_study()})
    result = cln(root, "check", "--format", "github")
    lines = [line for line in result.stdout.splitlines() if line]
    assert len(lines) == 1 and lines[0].startswith("::error file=case_studies/bad%0Aname%2Cx.md,line=1,")
