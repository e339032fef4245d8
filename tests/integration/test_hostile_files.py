"""Files that try to reach outside the project are refused, with the file named."""

from __future__ import annotations

import os

import pytest

from conftest import case_study, run_build

pytestmark = pytest.mark.slow


def test_a_case_study_linked_from_outside_the_project_is_refused(project, tmp_path):
    outside = tmp_path / "elsewhere.md"
    outside.write_text(case_study("Secret"), encoding="utf-8")
    root = project({"case_studies/good.md": case_study()})
    os.symlink(outside, root / "case_studies/linked.md")
    built = run_build(root)
    assert built.returncode != 0
    assert "case_studies/linked.md: is a link to a file outside the project" in built.output
    assert "Traceback" not in built.output


def test_a_link_inside_the_project_is_fine(project):
    root = project({"case_studies/good.md": case_study()})
    os.symlink(root / "case_studies/good.md", root / "case_studies/alias.md")
    built = run_build(root)
    assert built.returncode == 0, built.output


def test_audio_and_transcript_linked_from_outside_podcasts_are_refused(project, podcast_files, tmp_path):
    root = project({k: v for k, v in podcast_files.items() if k != "podcasts/audio/ep.mp3"})
    secret = tmp_path / "secret.mp3"
    secret.write_bytes(podcast_files["podcasts/audio/ep.mp3"].read_bytes())
    (root / "podcasts/audio").mkdir(parents=True, exist_ok=True)
    os.symlink(secret, root / "podcasts/audio/ep.mp3")
    (root / "podcasts/transcripts/ep.vtt").unlink()
    os.symlink("/etc/hostname", root / "podcasts/transcripts/ep.vtt")
    built = run_build(root)
    assert built.returncode != 0
    assert "podcasts/ep.md:6: audio:" in built.output and "outside podcasts/" in built.output, built.output
    assert "transcript:" in built.output
    assert "Traceback" not in built.output
