"""``cln export DIR``: the sample site's generated pages and files, built by an engine with no
plugin support (plain MkDocs with the cln plugin taken out of mkdocs.yml), answer at the same
addresses as the plugin's build; the feeds are the same bytes."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import lxml.html
import pytest
from test_engines import copy_project, engine_env, tree

from conftest import BIN, pagefind_records

pytestmark = pytest.mark.slow


def cln(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "cln"), *args], cwd=root, capture_output=True, text=True, timeout=300,
                          env=engine_env())


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    """The plugin's build and the plugin-free build of the export, of one copy of the sample site."""
    work = tmp_path_factory.mktemp("export")
    root = copy_project(work / "project")
    plugin = subprocess.run([str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(work / "with-plugin")],
                            cwd=root, capture_output=True, text=True, timeout=600, env=engine_env())
    assert plugin.returncode == 0, plugin.stdout + plugin.stderr
    exported = cln(root, "export", str(work / "export"))
    config = (work / "export" / "mkdocs.yml").read_text()
    engine = subprocess.run([str(BIN / "mkdocs"), "build", "-f", str(work / "export" / "mkdocs.yml"),
                             "--site-dir", str(work / "without-plugin")],
                            cwd=work, capture_output=True, text=True, timeout=600, env=engine_env())
    return {"root": root, "export": exported, "config": config, "engine": engine,
            "plugin": tree(work / "with-plugin"), "plain": tree(work / "without-plugin"), "work": work}


def test_export_says_what_it_wrote_and_leaves_out_the_plugin(built):
    assert built["export"].returncode == 0, built["export"].stderr
    assert "Exported" in built["export"].stdout and "pages" in built["export"].stdout
    assert "- cln" not in built["config"] and "cln:" not in built["config"]


def test_a_plugin_free_engine_builds_every_address_of_the_site(built):
    assert built["engine"].returncode == 0, built["engine"].stdout + built["engine"].stderr
    # Pagefind's index is made from built pages, by `python -m pagefind` after the engine.
    missing = sorted(a for a in built["plugin"] if a not in built["plain"] and not a.startswith("pagefind/"))
    assert missing == []


@pytest.mark.parametrize("address", ["case-studies/feed.xml", "podcast/feed.xml", "topics/mental-health/feed.xml",
                                     "explore/records.json"])
def test_feeds_and_search_records_are_the_same_bytes(built, address):
    assert built["plain"][address] == built["plugin"][address]


def test_audio_is_the_tagged_audio(built):
    audio = [a for a in built["plugin"] if a.startswith("podcast/audio/") and a.endswith(".mp3")]
    assert audio
    for address in audio:
        assert built["plain"][address] == built["plugin"][address]


def _text(page: bytes, path: str) -> str:
    return " ".join(" ".join(lxml.html.fromstring(page).xpath(f"{path}//text()")).split())


def test_record_and_index_pages_carry_the_same_content(built):
    plugin, plain = built["plugin"], built["plain"]
    pages = [a for a in plugin if a.endswith("index.html")
             and a.split("/")[0] in ("case-studies", "podcast", "topics", "regions") and a.count("/") == 2]
    assert len(pages) > 20
    for page in pages:
        for part in ("//h1", "//article//table", "//article//ul[contains(@class, 'cln-list')]", "//article//section"):
            assert _text(plain[page], part) == _text(plugin[page], part), (page, part)


def test_every_link_of_the_plugin_free_site_answers(built):
    plain = built["plain"]
    broken = set()
    for address, data in plain.items():
        if not address.endswith(".html"):
            continue
        for href in lxml.html.fromstring(data).xpath("//a/@href | //*[@src]/@src | //link/@href"):
            if "://" in href or href.startswith(("#", "mailto:", "data:")):
                continue
            path = href.split("#")[0].split("?")[0]
            if not path:
                continue
            target = os.path.normpath(os.path.join(os.path.dirname(address), path)) if not path.startswith("/") \
                else path.lstrip("/")
            if target.endswith("/") or target in (".", "") or not os.path.splitext(target)[1]:
                target = os.path.join(target, "index.html")
            if os.path.normpath(target) not in plain:
                broken.add((address, href))
    assert sorted(broken)[:10] == []


def test_home_has_its_generated_lists(built):
    home = built["plain"]["index.html"].decode()
    assert "<!-- cln:" not in home

    def links(page: bytes) -> set[str]:
        # The export links from the site's root path (which every engine leaves as it is).
        hrefs = (h.removeprefix("/") for h in lxml.html.fromstring(page).xpath("//article//a/@href"))
        return {h for h in hrefs if h.startswith(("case-studies/", "podcast/", "topics/"))}

    assert len(links(built["plugin"]["index.html"])) > 10
    assert links(built["plain"]["index.html"]) == links(built["plugin"]["index.html"])


def test_export_never_writes_into_content_or_a_folder_of_other_files(built):
    root = built["root"]
    before = tree(root / "docs")
    proc = cln(root, "export", "docs/generated")
    assert proc.returncode == 2 and "inside the content" in proc.stderr and "Traceback" not in proc.stderr
    other = built["work"] / "notes"
    other.mkdir()
    (other / "mine.txt").write_text("keep me")
    proc = cln(root, "export", str(other))
    assert proc.returncode == 2 and "not an export" in proc.stderr
    assert (other / "mine.txt").read_text() == "keep me"
    assert tree(root / "docs") == before
    assert not os.path.exists(root / "docs" / "generated")


def test_search_over_the_plugin_free_site_indexes_the_same_pages_with_the_same_facets(built):
    """`python -m pagefind` in the export (its pagefind.yml) over its build, as the export says: the same records and
    hand-written pages are indexed as in the plugin's build (index pages left out), each with the
    same filters (kind, topic, region, ...) and titles, so Explore's facets work there too."""
    site = built["work"] / "without-plugin"
    ran = subprocess.run([str(BIN / "python"), "-m", "pagefind", "--site", str(site)], cwd=built["work"] / "export",
                         capture_output=True, text=True, timeout=300, env=engine_env())
    assert ran.returncode == 0, ran.stdout + ran.stderr
    plain = pagefind_records(site)
    ours = pagefind_records(built["work"] / "with-plugin")
    assert sorted(plain) == sorted(ours)
    for url, record in ours.items():
        assert plain[url]["filters"] == record["filters"], url
        assert plain[url]["meta"].get("title") == record["meta"].get("title"), url
