"""An episode's guid never changes by accident: subscribers would get the episode twice.

The published guids are those on the main branch, read through git (plugins/cln/guidlock.py);
no build writes them anywhere. The whole website workflow, in fresh clones, is in
test_published_guids.py; these are the cases of one working copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import feedparser
import pytest

from conftest import REPO, episode, run_build

pytestmark = pytest.mark.slow
GUID = "00000000-0000-4000-8000-000000000001"
NEW = "11111111-1111-4111-8111-111111111111"
GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "Example Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
           "GIT_COMMITTER_NAME": "Example Editor", "GIT_COMMITTER_EMAIL": "editor@example.org"}
NO_REF = {"CLN_PUBLISHED_REF": "", "CLN_PUBLISHED_REQUIRED": ""}  # the default: origin/main, else main


def git(root, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, env={**os.environ, **GIT_ENV})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def build(root):
    return run_build(root, env=NO_REF)


def feed_guids(built) -> list[str]:
    return [entry.id for entry in feedparser.parse(built.read("podcast/feed.xml")).entries]


@pytest.fixture
def published(project, podcast_files):
    """A project whose one episode is committed on main (published) and built once."""
    root = project({**podcast_files, ".gitignore": (REPO / ".gitignore").read_text()})
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", "Episode 1")
    built = build(root)
    assert built.returncode == 0, built.output
    assert feed_guids(built) == [GUID]
    assert git(root, "status", "--porcelain") == ""  # the build wrote no source file (no lock)
    return root


def test_renaming_the_episode_file_keeps_its_guid(published):
    root = published
    (root / "podcasts/ep.md").rename(root / "podcasts/building-a-network.md")
    built = build(root)
    assert built.returncode == 0, built.output
    assert feed_guids(built) == [GUID]
    (entry,) = feedparser.parse(built.read("podcast/feed.xml")).entries
    assert entry.link == "https://cln.example.org/podcast/building-a-network/"  # the new address, in the feed
    assert "<h1>Episode 1, building a national network</h1>" in built.read("podcast/building-a-network/index.html")
    assert not (root / "podcasts/guids.lock").exists()


def test_moving_the_audio_and_changing_the_title_keep_its_guid(published):
    root = published
    (root / "podcasts/audio/2009").mkdir()
    shutil.move(root / "podcasts/audio/ep.mp3", root / "podcasts/audio/2009/first.mp3")
    (root / "podcasts/ep.md").write_text(episode(audio="audio/2009/first.mp3", title="A new title"))
    built = build(root)
    assert built.returncode == 0, built.output
    assert feed_guids(built) == [GUID]
    assert "<title>A new title</title>" in built.read("podcast/feed.xml")
    (entry,) = feedparser.parse(built.read("podcast/feed.xml")).entries
    (enclosure,) = entry.enclosures  # apps fetch the audio from its new address
    assert enclosure.href == "https://cln.example.org/podcast/audio/2009/first.mp3"
    assert int(enclosure.length) == (built.site / "podcast/audio/2009/first.mp3").stat().st_size


def test_changing_site_url_keeps_item_and_podcast_guids(published):
    root = published
    yml = root / "mkdocs.yml"
    yml.write_text(yml.read_text().replace("https://cln.example.org/", "https://podcast.nhs.example/"))
    built = build(root)
    assert built.returncode == 0, built.output
    feed = built.read("podcast/feed.xml")
    assert "https://podcast.nhs.example/podcast/ep/" in feed
    assert feed_guids(built) == [GUID]
    assert "<podcast:guid>4fd604bb-ab96-55df-99ba-684e9500fdab</podcast:guid>" in feed


def test_changing_a_published_guid_fails_and_a_lock_file_cannot_excuse_it(published):
    root = published
    page_before = (root / "site/podcast/ep/index.html").read_bytes()
    (root / "podcasts/ep.md").write_text(episode(guid=NEW))
    # The lock file the build used to write is retired: writing one, with or without the old
    # guid, changes nothing.
    (root / "podcasts/guids.lock").write_text(f"{NEW} ep\n")
    failed = build(root)
    assert failed.returncode != 0
    assert (f"podcasts/ep.md:5: guid: differs from the published one (main has guid: {GUID} for this episode); "
            "podcast apps know an episode by its guid and would give it to every subscriber again as a new "
            f"episode. Put back guid: {GUID}") in failed.output
    assert "podcasts/guids.lock is no longer used" in failed.output and "Traceback" not in failed.output
    assert (root / "site/podcast/ep/index.html").read_bytes() == page_before  # last good site kept
    assert (root / "podcasts/guids.lock").read_text() == f"{NEW} ep\n"  # never written by the build

    (root / "podcasts/ep.md").write_text(episode())  # put back
    built = build(root)
    assert built.returncode == 0, built.output
    assert feed_guids(built) == [GUID]


def test_a_file_renamed_outside_git_with_a_new_guid_is_found_by_its_audio(published):
    root = published
    (root / "podcasts/ep.md").unlink()
    (root / "podcasts/first.md").write_text(episode(guid=NEW))  # untracked: git sees no rename
    failed = build(root)
    assert failed.returncode != 0
    assert (f"podcasts/first.md:5: guid: differs from the published one (main has guid: {GUID} for this "
            "episode, then named podcasts/ep.md)") in failed.output


def test_deleting_a_published_episode_is_an_error_and_a_draft_is_the_way_to_unpublish(published):
    root = published
    (root / "podcasts/ep.md").unlink()
    failed = build(root)
    assert failed.returncode != 0
    assert (f"podcasts/ep.md: this published episode (guid: {GUID} on main) is no longer in podcasts/: "
            f"put the file back with guid: {GUID}; to take an episode off the site, keep its file and set "
            "draft: true") in failed.output

    (root / "podcasts/ep.md").write_text(episode(extra="draft: true\n"))
    built = build(root)
    assert built.returncode == 0, built.output
    assert not (built.site / "podcast/ep/index.html").exists()


def test_outside_git_the_check_is_skipped_with_a_note(project, podcast_files):
    root = project(podcast_files)
    built = build(root)
    assert built.returncode == 0, built.output
    assert "Published guids not checked: the project is not in a git repository" in built.output
    assert not (root / "podcasts/guids.lock").exists()
