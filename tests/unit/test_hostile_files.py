"""Files that try to reach outside the project are refused, with the file named; tested on the
catalogue (no site build)."""

from __future__ import annotations

import os

import pytest

from cln.catalogue import Settings, load_catalogue
from cln.errors import ContentError
from conftest import VTT, case_study


def refused(root, **settings) -> str:
    """The problems the build would print, one a line; fails if the catalogue loads."""
    with pytest.raises(ContentError) as caught:  # any other exception would be a traceback
        load_catalogue(Settings(root=str(root), **settings))
    return "\n".join(str(p) for p in caught.value.problems)


def test_a_case_study_linked_from_outside_the_project_is_refused(project, tmp_path):
    outside = tmp_path / "elsewhere.md"
    outside.write_text(case_study("Secret"), encoding="utf-8")
    root = project({"case_studies/good.md": case_study()})
    os.symlink(outside, root / "case_studies/linked.md")
    report = refused(root)
    assert "case_studies/linked.md: is a link to a file outside the project" in report, report
    assert "Secret" not in report


def test_a_link_inside_the_project_is_fine(project):
    root = project({"case_studies/good.md": case_study()})
    os.symlink(root / "case_studies/good.md", root / "case_studies/alias.md")
    catalogue = load_catalogue(Settings(root=str(root)))
    # Both names are published, with the one file's content.
    assert [(cs.slug, cs.meta.title) for cs in catalogue.case_studies] == [
        ("alias", "Choose and Book in the North West"), ("good", "Choose and Book in the North West")]


def test_audio_and_transcript_linked_from_outside_podcasts_are_refused(project, podcast_files, tmp_path):
    root = project({k: v for k, v in podcast_files.items() if k != "podcasts/audio/ep.mp3"})
    secret = tmp_path / "secret.mp3"
    secret.write_bytes(podcast_files["podcasts/audio/ep.mp3"].read_bytes())
    (root / "podcasts/audio").mkdir(parents=True, exist_ok=True)
    os.symlink(secret, root / "podcasts/audio/ep.mp3")
    elsewhere = tmp_path / "elsewhere.vtt"  # a real transcript, but not one of the project's files
    elsewhere.write_text(VTT, encoding="utf-8")
    (root / "podcasts/transcripts/ep.vtt").unlink()
    os.symlink(elsewhere, root / "podcasts/transcripts/ep.vtt")
    report = refused(root, show_art="art/show-cover.png")
    assert "podcasts/ep.md:6: audio:" in report and "outside podcasts/" in report, report
    assert "transcript:" in report
    # One problem for each link, and nothing else.
    assert [line.split(": ")[1] for line in report.splitlines()] == ["audio", "transcript"], report
