"""Rules of an episode's files, tested on the catalogue (no site build): bad audio, transcripts,
chapters and numbering are refused with the message the build prints, never a traceback."""

from __future__ import annotations

import pytest

from cln.catalogue import Settings, load_catalogue
from cln.errors import ContentError
from conftest import episode

# As the test sites' mkdocs.yml configures it: the build checks the show's cover too.
SHOW_ART = "art/show-cover.png"


def refused(root) -> str:
    """The problems the build would print, one a line; fails if the catalogue loads."""
    with pytest.raises(ContentError) as caught:  # any other exception would be a traceback
        load_catalogue(Settings(root=str(root), show_art=SHOW_ART))
    return "\n".join(str(p) for p in caught.value.problems)


def test_the_unchanged_podcast_files_are_accepted(project, podcast_files):
    """The files the cases below spoil, as given, pass: each refusal is the change's doing."""
    catalogue = load_catalogue(Settings(root=str(project(podcast_files)), show_art=SHOW_ART))
    assert [(ep.slug, ep.meta.guid) for ep in catalogue.episodes] == [("ep", "00000000-0000-4000-8000-000000000001")]


BAD = [
    ("outside", {"podcasts/ep.md": episode(audio="../secret.mp3")}, "ep.md:6: audio: '../secret.mp3' is outside podcasts/"),
    ("missing", {"podcasts/ep.md": episode(audio="audio/none.mp3")}, "ep.md:6: audio: file podcasts/audio/none.mp3 does not exist"),
    ("no transcript", {"podcasts/ep.md": episode(transcript="transcripts/none.vtt")}, "transcript: file podcasts/transcripts/none.vtt does not exist"),
    ("transcript outside", {"podcasts/ep.md": episode(transcript="/etc/passwd.txt")}, "transcript: '/etc/passwd.txt' is outside podcasts/"),
    ("not audio", {"podcasts/audio/ep.mp3": b"ID3 this is not audio at all " * 100}, "audio: podcasts/audio/ep.mp3"),
    ("empty", {"podcasts/audio/ep.mp3": b""}, "audio: podcasts/audio/ep.mp3 is an empty file (0 bytes)"),
    ("past end", {"podcasts/ep.md": episode(chapters='  - start: "00:00"\n    title: A\n  - start: "09:00"\n    title: B\n')},
     "chapters[1].start: 09:00 is past the end of the audio"),
    ("order", {"podcasts/ep.md": episode(chapters='  - start: "00:04"\n    title: A\n  - start: "00:02"\n    title: B\n')},
     "chapters: chapter 'B' starts at 00:02, not after 'A' at 00:04"),
]


@pytest.mark.parametrize("name,change,message", BAD, ids=[b[0] for b in BAD])
def test_bad_audio_and_episode_files_are_refused(project, podcast_files, name, change, message):
    report = refused(project({**podcast_files, **change}))
    assert message in report, report


def test_duplicate_guid_and_episode_number(project, podcast_files):
    report = refused(project({**podcast_files, "podcasts/ep2.md": episode(1, title="Another")}))
    assert "podcasts/ep2.md:5: guid: is the same as in podcasts/ep.md" in report
    assert "podcasts/ep2.md:7: episode: season 1 episode 1 is already podcasts/ep.md" in report


def test_truncated_and_renamed_audio_are_refused(project, podcast_files, mp3s, show_art):
    data = mp3s["long"].read_bytes()
    report = refused(project({**podcast_files, "podcasts/audio/ep.mp3": data[: len(data) // 3]}))
    assert "looks truncated" in report, report
    report = refused(project({**podcast_files, "podcasts/audio/ep.mp3": show_art}))  # a PNG renamed .mp3
    assert "audio: podcasts/audio/ep.mp3" in report, report
