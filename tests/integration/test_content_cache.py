"""The cache of checked content files: unchanged files skip the checks; nothing else does."""

from __future__ import annotations

import hashlib
import hmac
import pickle

import pytest

from cln.catalogue import Settings, load_catalogue
from cln.errors import ContentError
from conftest import case_study, episode

NHS_TEST_NUMBER = "943 476 5919"  # a published test number, never a patient's


@pytest.fixture(autouse=True)
def own_key(tmp_path, monkeypatch):
    """Each test has its own signing key, as if on its own machine."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


def settings(root, emails=("cln@example.org",)) -> Settings:
    return Settings(root=str(root), network_emails=emails, cache_dir=".cache/cln")


def messages(root, **kw) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_catalogue(settings(root, **kw))
    return [str(p) for p in caught.value.problems]


def test_an_unchanged_rebuild_takes_every_file_from_the_cache_and_gets_the_same_catalogue(project):
    root = project({"case_studies/a.md": case_study("First"), "case_studies/b.md": case_study("Second")})
    first = load_catalogue(settings(root))
    second = load_catalogue(settings(root))
    assert (first.from_cache, second.from_cache) == (0, 2)
    assert second.case_studies == first.case_studies
    assert [c.body for c in second.case_studies] == [c.body for c in first.case_studies]
    assert all(c.body.strip() == "We engaged Choose and Book leads." for c in second.case_studies)


def test_a_changed_file_is_checked_again(project):
    root = project({"case_studies/a.md": case_study("First")})
    load_catalogue(settings(root))
    (root / "case_studies/a.md").write_text(case_study("First", body=f"Patient {NHS_TEST_NUMBER} was seen."))
    problems = messages(root)
    assert len(problems) == 1 and "case_studies/a.md:" in problems[0] and "NHS number" in problems[0]


def test_a_planted_cache_that_calls_a_file_with_patient_data_clean_is_ignored(project, tmp_path, monkeypatch):
    """A pull request could add .cache/cln/content.pickle; it is not signed with this machine's key."""
    root = project({"case_studies/a.md": case_study("First")})
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "attacker"))
    load_catalogue(settings(root))  # the attacker's clean build, signed with the attacker's key
    bad = case_study("First", body=f"Patient {NHS_TEST_NUMBER} was seen.").encode()
    cache = root / ".cache/cln/content.pickle"
    _, _, payload = cache.read_bytes().partition(b"\n")
    data = pickle.loads(payload)
    data["files"]["case_studies/a.md"]["digest"] = hashlib.blake2b(bad, digest_size=20).hexdigest()
    payload = pickle.dumps(data)
    attacker_key = (tmp_path / "attacker/cln-site/cache-key").read_bytes()
    cache.write_bytes(hmac.new(attacker_key, payload, hashlib.sha256).hexdigest().encode() + b"\n" + payload)
    (root / "case_studies/a.md").write_bytes(bad)
    # With the attacker's key the forged entry would be used: the forgery is a real one.
    assert load_catalogue(settings(root)).from_cache == 1
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "ci"))  # CI, or a reviewer's machine
    problems = messages(root)
    assert len(problems) == 1 and "NHS number" in problems[0]


def test_an_unsigned_cache_is_never_unpickled(project, tmp_path):
    root = project({"case_studies/a.md": case_study("First")})
    load_catalogue(settings(root))
    marker = tmp_path / "pwned"
    cache = root / ".cache/cln/content.pickle"
    payload = pickle.dumps(Boom(str(marker)))
    cache.write_bytes(b"0" * 64 + b"\n" + payload)
    assert load_catalogue(settings(root)).from_cache == 0
    assert not marker.exists()


class Boom:
    """A pickle that would run code when loaded."""

    def __init__(self, path: str):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_a_cache_edited_by_hand_is_ignored(project):
    root = project({"case_studies/a.md": case_study("First")})
    load_catalogue(settings(root))
    cache = root / ".cache/cln/content.pickle"
    cache.write_bytes(cache.read_bytes().replace(b"First", b"Fir5t"))
    again = load_catalogue(settings(root))
    assert again.from_cache == 0 and again.case_studies[0].meta.title == "First"


def test_changing_the_network_addresses_checks_every_file_again(project):
    root = project({"case_studies/a.md": case_study("First", body="Write to team@example.org.")})
    assert load_catalogue(settings(root, emails=("team@example.org",))).from_cache == 0
    assert load_catalogue(settings(root, emails=("team@example.org",))).from_cache == 1
    problems = messages(root, emails=("cln@example.org",))
    assert len(problems) == 1 and "email address" in problems[0], problems


def test_changing_the_taxonomy_checks_every_file_again(project):
    root = project({"case_studies/a.md": case_study("First", topics="[planned-care]")})
    load_catalogue(settings(root))
    taxonomy = root / "taxonomy.yml"
    text = taxonomy.read_text()
    assert "planned-care" in text
    taxonomy.write_text(text.replace("planned-care", "elective-care"))
    problems = messages(root)
    assert any("topics[0]" in p and "planned-care" in p for p in problems), problems


def test_messages_about_cached_files_point_at_the_same_lines(project, podcast_files):
    """Two episodes that each pass alone but share a guid: the second run's message comes from cached files."""
    root = project({**podcast_files, "podcasts/ep2.md": episode(2, guid="00000000-0000-4000-8000-000000000001",
                                                                 audio="audio/ep.mp3", transcript="transcripts/ep.vtt")})
    first = messages(root)
    second = messages(root)
    assert second == first
    assert any(":5: guid: is the same as in podcasts/ep.md" in m for m in first), first


def test_the_preview_reuses_the_cache_it_read_and_still_sees_a_cache_changed_on_disk(project, monkeypatch):
    """`make serve` rebuilds in one process: the cache it read or wrote is not unpickled again on each
    edit, but a cache file that changed meanwhile (another build) is read afresh."""
    import cln.contentcache as contentcache

    root = project({"case_studies/a.md": case_study("First"), "case_studies/b.md": case_study("Second")})
    load_catalogue(settings(root))  # checks both, writes the cache (and keeps it in memory)
    unpickled: list[int] = []
    real = pickle.loads
    monkeypatch.setattr(contentcache.pickle, "loads", lambda data: unpickled.append(1) or real(data))
    again = load_catalogue(settings(root))
    assert (again.from_cache, unpickled) == (2, [])
    (root / "case_studies/b.md").write_text(case_study("Second, retitled"))
    edited = load_catalogue(settings(root))  # b checked again, the cache written anew
    assert (edited.from_cache, unpickled) == (1, [])
    assert {c.meta.title for c in edited.case_studies} == {"First", "Second, retitled"}
    cache = root / ".cache/cln/content.pickle"
    _, _, payload = cache.read_bytes().partition(b"\n")
    data = real(payload)
    del data["files"]["case_studies/a.md"]  # another build's cache, signed with this machine's key
    payload = pickle.dumps(data)
    key = contentcache._key()
    assert key is not None
    cache.write_bytes(hmac.new(key, payload, hashlib.sha256).hexdigest().encode() + b"\n" + payload)
    assert load_catalogue(settings(root)).from_cache == 1 and unpickled == [1]
