"""The site builds the same with both engines: MkDocs 1.6.1 and ProperDocs, its continuation.

The project's own sample site (mkdocs.yml, docs/, case_studies/, podcasts/, taxonomy.yml,
copied into a temporary folder) is built once with ``mkdocs build`` and once with
``properdocs build``, each in its own process (ProperDocs redirects every ``mkdocs`` import
in the process to itself), from a fresh copy at the same path, with the same settings and
the same SOURCE_DATE_EPOCH. The two sites must have the same files at the same addresses,
the same bytes in the feeds, the sitemap and every other file, and the same main area
(``<article>``) on every page.

The one difference allowed is the engine's own name: Material writes
``<meta name="generator" content="mkdocs-{{ mkdocs_version }}, mkdocs-material-...">`` into
every page, and ProperDocs gives ``mkdocs_version`` as ``ProperDocs 1.6.7``. That tag alone
is normalised, after checking that each engine wrote its own.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from importlib.metadata import version
from pathlib import Path

import lxml.html
import pytest

from conftest import BIN, REPO, comparable

pytestmark = pytest.mark.slow

CONTENT = ("mkdocs.yml", "taxonomy.yml", "docs", "case_studies", "podcasts")
ENGINES = ("mkdocs", "properdocs")
EPOCH = "1700000000"  # 14 November 2023: the builds' clock (SOURCE_DATE_EPOCH)
GENERATOR = re.compile(rb'<meta name="generator" content="([^"]*)">')
FEEDS = ("podcast/feed.xml", "case-studies/feed.xml", "sitemap.xml", "sitemap.xml.gz")


def copy_project(root: Path) -> Path:
    """A fresh copy of the repository's sample site at ``root`` (the repository is only read)."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for name in CONTENT:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copyfile(source, root / name)
    return root


def engine_command(engine: str, *args: str) -> list[str]:
    program = BIN / engine
    if not program.exists():
        pytest.fail(f"{program} is missing: run `make test`, which installs requirements-test.lock")
    # The same file for both: ProperDocs looks for properdocs.yml first and, finding mkdocs.yml
    # instead, says it should be renamed; naming it keeps both engines' settings and output alike.
    return [str(program), *args, "--config-file", "mkdocs.yml"]


def engine_env() -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, dict]:
    """Each engine's build of the sample site: its exit code, output and files."""
    work = tmp_path_factory.mktemp("engines")
    built = {}
    for engine in ENGINES:
        # The same path for both, copied afresh: nothing (content cache, tagged audio)
        # carries over from one engine's build to the other's.
        root = copy_project(work / "project")
        proc = subprocess.run(engine_command(engine, "build", "--strict", "--site-dir", "site"),
                              cwd=root, capture_output=True, text=True, timeout=600, env=engine_env())
        site = work / f"site-{engine}"
        if (root / "site").is_dir():
            (root / "site").rename(site)
        built[engine] = {"returncode": proc.returncode, "output": proc.stdout + proc.stderr,
                         "files": tree(site) if site.is_dir() else {}}
    shutil.rmtree(work / "project")
    return built


def pages(files: dict[str, bytes]) -> list[str]:
    return sorted(k for k in files if k.endswith(".html"))


def test_each_engine_builds_the_sample_site_strictly_and_names_itself(sites):
    material = f"mkdocs-material-{version('mkdocs-material')}"
    expected = {"mkdocs": f"mkdocs-{version('mkdocs')}, {material}",
                "properdocs": f"mkdocs-ProperDocs {version('properdocs')}, {material}"}
    for engine, built in sites.items():
        assert built["returncode"] == 0, f"{engine} build failed:\n{built['output']}"
        assert "WARNING" not in built["output"], built["output"]
        assert "Published the new site" in built["output"]  # the plugin's on_shutdown ran
        files = built["files"]
        assert len(pages(files)) > 60
        for page in pages(files):
            assert GENERATOR.findall(files[page]) == [expected[engine].encode()], (engine, page)


def test_the_same_files_at_the_same_addresses(sites):
    mkdocs, properdocs = (comparable(sites[e]["files"]) for e in ENGINES)
    assert sorted(mkdocs) == sorted(properdocs)
    for address in ("index.html", "case-studies/index.html", "podcast/index.html", "topics/index.html",
                    "pagefind/pagefind.js", "pagefind/pagefind-entry.json", *FEEDS):
        assert address in mkdocs
    assert any(k.startswith("podcast/audio/") and k.endswith(".mp3") for k in mkdocs)


@pytest.mark.parametrize("address", FEEDS)
def test_feeds_and_sitemap_are_byte_identical(sites, address):
    assert sites["mkdocs"]["files"][address] == sites["properdocs"]["files"][address]


def _main_area(page: bytes) -> tuple[str, str]:
    """The page's <article>, as HTML and as text, with runs of whitespace made one space."""
    (article,) = lxml.html.fromstring(page).xpath("//article")
    squeeze = lambda s: re.sub(r"\s+", " ", s).strip()  # noqa: E731
    return (squeeze(lxml.html.tostring(article, encoding="unicode")), squeeze(article.text_content()))


def test_every_page_has_the_same_main_area(sites):
    mkdocs, properdocs = (sites[e]["files"] for e in ENGINES)
    different = [page for page in pages(mkdocs)
                 if _main_area(mkdocs[page]) != _main_area(properdocs.get(page, b"<article/>"))]
    assert different == []
    assert "Choose and Book" in _main_area(mkdocs["case-studies/choose-and-book-north-west/index.html"])[1]


def test_every_file_is_identical_but_the_generator_tag(sites):
    def normalised(name: str, data: bytes) -> bytes:
        return GENERATOR.sub(b'<meta name="generator" content="ENGINE">', data) if name.endswith(".html") else data

    # Pagefind's filter indexes are compared by content: it writes them in no fixed order (conftest.comparable).
    mkdocs, properdocs = (comparable(sites[e]["files"]) for e in ENGINES)
    different = [k for k in mkdocs if normalised(k, mkdocs[k]) != normalised(k, properdocs.get(k, b""))]
    assert different == []


# `serve --clean` builds as `build` does (the plugin's on_startup hears command="build") but into
# the engine's own temporary folder ("mkdocs_..." or "properdocs_..."), which the plugin must
# recognise as a preview: build in place and never publish from it (no swap), and write no source file.


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.parametrize("engine", ["mkdocs", "properdocs"])
def test_serve_clean_previews_without_publishing(engine, tmp_path):
    root = copy_project(tmp_path / "project")
    # No build writes a source file, a preview no more than a publishing build.
    before = tree(root / "podcasts")

    # The engine makes its serve folder in TMPDIR: this test's own, so nothing is left in /tmp.
    temp = tmp_path / "tmp"
    temp.mkdir()
    port = _free_port()
    proc = subprocess.Popen(engine_command(engine, "serve", "--clean", "--no-livereload", "-a", f"127.0.0.1:{port}"),
                            cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**engine_env(), "TMPDIR": str(temp)})
    output: list[str] = []

    def drain() -> None:
        for line in proc.stdout:
            output.append(line)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 120
        while not any("Serving on" in line for line in output):
            assert proc.poll() is None and time.monotonic() < deadline, "".join(output)
            time.sleep(0.2)
        home = _status(f"http://127.0.0.1:{port}/")
        case_studies = _status(f"http://127.0.0.1:{port}/case-studies/")
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        reader.join(timeout=10)
    log = "".join(output)
    assert (home, case_studies) == (200, 200), log
    assert "Published the new site" not in log
    assert tree(root / "podcasts") == before
    assert not (root / "site").exists()
