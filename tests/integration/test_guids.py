"""An episode's guid never changes by accident: subscribers would get the episode twice."""

from __future__ import annotations

import shutil

import feedparser
import pytest

from conftest import episode, run_build

pytestmark = pytest.mark.slow
GUID = "00000000-0000-4000-8000-000000000001"


def feed_guids(built) -> list[str]:
    return [entry.id for entry in feedparser.parse(built.read("podcast/feed.xml")).entries]


@pytest.fixture
def published(project, podcast_files):
    """A project whose one episode has been built (published) once."""
    root = project(podcast_files)
    built = run_build(root)
    assert built.returncode == 0, built.output
    assert feed_guids(built) == [GUID]
    lock = (root / "podcasts/guids.lock").read_text()
    assert f"{GUID} ep\n" in lock and lock.startswith("# Published podcast episodes")
    return root


def test_renaming_the_episode_file_keeps_its_guid(published):
    root = published
    (root / "podcasts/ep.md").rename(root / "podcasts/building-a-network.md")
    built = run_build(root)
    assert built.returncode == 0, built.output
    assert feed_guids(built) == [GUID]
    (entry,) = feedparser.parse(built.read("podcast/feed.xml")).entries
    assert entry.link == "https://cln.example.org/podcast/building-a-network/"  # the new address, in the feed
    assert "<h1>Episode 1, building a national network</h1>" in built.read("podcast/building-a-network/index.html")
    assert f"{GUID} building-a-network\n" in (root / "podcasts/guids.lock").read_text()


def test_moving_the_audio_and_changing_the_title_keep_its_guid(published):
    root = published
    (root / "podcasts/audio/2009").mkdir()
    shutil.move(root / "podcasts/audio/ep.mp3", root / "podcasts/audio/2009/first.mp3")
    (root / "podcasts/ep.md").write_text(episode(audio="audio/2009/first.mp3", title="A new title"))
    built = run_build(root)
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
    built = run_build(root)
    assert built.returncode == 0, built.output
    feed = built.read("podcast/feed.xml")
    assert "https://podcast.nhs.example/podcast/ep/" in feed
    assert feed_guids(built) == [GUID]
    assert "<podcast:guid>4fd604bb-ab96-55df-99ba-684e9500fdab</podcast:guid>" in feed


def test_changing_a_published_guid_fails_until_the_lock_line_is_deleted(published):
    root = published
    page_before = (root / "site/podcast/ep/index.html").read_bytes()
    new = "11111111-1111-4111-8111-111111111111"
    (root / "podcasts/ep.md").write_text(episode(guid=new))
    failed = run_build(root)
    assert failed.returncode != 0
    assert (f"podcasts/ep.md:5: guid: was {GUID} when this episode was published; podcast apps would offer "
            "it again as a new episode") in failed.output
    assert "delete the line for" in failed.output and "Traceback" not in failed.output
    assert (root / "site/podcast/ep/index.html").read_bytes() == page_before  # last good site kept

    lock = root / "podcasts/guids.lock"
    lock.write_text("".join(x for x in lock.read_text().splitlines(keepends=True) if GUID not in x))
    built = run_build(root)  # the change is now explicit, and reviewable in the pull request
    assert built.returncode == 0, built.output
    assert feed_guids(built) == [new]
    assert f"{new} ep\n" in lock.read_text()


def test_deleting_a_published_episode_is_an_error_naming_the_lock_line(published):
    root = published
    (root / "podcasts/ep.md").unlink()
    failed = run_build(root)
    assert failed.returncode != 0
    assert f"podcasts/guids.lock:5: guid: published episode 'ep' ({GUID}) is no longer in podcasts/" in failed.output
