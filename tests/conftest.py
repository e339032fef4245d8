"""Shared fixtures: small projects written from a text tree, built for real; real MP3s."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

MKDOCS_YML = """\
site_name: Test network
site_url: https://cln.example.org/
strict: true
theme:
  name: material
  font: false
nav:
  - Home: index.md
  - Case studies: case-studies/index.md
  - Topics: topics/index.md
  - Regions: regions/index.md
  - Professions: professions/index.md
  - Competencies: competencies/index.md
  - Podcast: podcast/index.md
not_in_nav: |
  /case-studies/*.md
  /podcast/*.md
  /topics/*.md
  /regions/*.md
  /professions/*.md
  /competencies/*.md
plugins:
  - cln:
      podcast:
        guid: 4fd604bb-ab96-55df-99ba-684e9500fdab
{extra}
markdown_extensions:
  - admonition
  - tables
  - toc
"""

DOCS = {
    "docs/index.md": "# Home\n\n<!-- cln:latest-case-studies -->\n\n<!-- cln:topics -->\n",
    "docs/case-studies/index.md": "# Case studies\n\n<!-- cln:all-case-studies -->\n\n<!-- cln:case-study-feed-url -->\n",
    "docs/podcast/index.md": "# Podcast\n\n<!-- cln:episodes -->\n\n<!-- cln:feed-url -->\n",
}


def case_study(title="Choose and Book in the North West", *, date="2009-01-15", region="north-west",
               topics="[planned-care, health-informatics]", body="We engaged Choose and Book leads.", extra=""):
    """Front matter and body of a valid case study, with fields to vary."""
    return textwrap.dedent(f"""\
        ---
        title: {title}
        summary: GPs and consultants worked with local leads for three months.
        date: {date}
        region: {region}
        topics: {topics}
        professions: [general-practitioner]
        competencies: [influencing-change]
        authors:
          - name: Dr Jane Example
            role: GP and network member
            organisation: Example Valley PCT
        outcomes:
          - measure: National ranking for Choose and Book
            before: 4th
            after: 1st
            period: three months
        """) + extra + "---\n" + body + "\n"


@dataclass
class Built:
    """The result of building a project: exit code, output, and the site folder."""

    root: Path
    returncode: int
    output: str

    @property
    def site(self) -> Path:
        return self.root / "site"

    def read(self, path: str) -> str:
        return (self.site / path).read_text(encoding="utf-8")


def write_tree(root: Path, files: dict[str, str | bytes | Path]) -> None:
    """Write ``files`` (path → text, bytes, or a file to copy) under ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copyfile(content, path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


PAGEFIND_SIGNATURE = b"pagefind_dcd"  # what every file of Pagefind's index starts with, once gunzipped
# Pagefind writes its filter indexes in no fixed order (an upstream TODO, pagefind#638), so their
# names, and the two files that name them, change from build to build; all else is byte for byte.
PAGEFIND_UNSTABLE = re.compile(r"^pagefind/(filter/[^/]+\.pf_filter|pagefind\.[^/]+\.pf_meta|pagefind-entry\.json)$")


def pagefind_records(site: Path) -> dict[str, dict]:
    """Pagefind's record of each page it indexed, by address: its words (``content``), ``filters``,
    ``meta``, ``anchors`` (elements with an id, at the position of the word that follows)."""
    records = {}
    for path in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(PAGEFIND_SIGNATURE), path
        record = json.loads(data[len(PAGEFIND_SIGNATURE):])
        records[record["url"]] = record
    return records


def comparable(files: dict[str, bytes]) -> dict[str, bytes]:
    """A site's files (address → bytes) as two builds of the same content must give them: Pagefind's
    filter indexes by their content, in any order (their bytes sorted), the rest as they are."""
    same = {name: data for name, data in files.items() if not PAGEFIND_UNSTABLE.match(name)}
    filters = sorted(bytes(sorted(gzip.decompress(data))) for name, data in files.items()
                     if PAGEFIND_UNSTABLE.match(name) and name.endswith(".pf_filter"))
    if filters:
        same["pagefind/filter/*.pf_filter"] = b"\n".join(filters)
        entry = json.loads(files["pagefind/pagefind-entry.json"])
        for language in entry["languages"].values():
            language.pop("hash")
        same["pagefind/pagefind-entry.json"] = json.dumps(entry, sort_keys=True).encode()
    return same


@pytest.fixture
def project(tmp_path):
    """Make a project: ``project(files, extra_config="")`` returns its root, with taxonomy and docs."""

    def make(files: dict | None = None, extra_config: str = "", docs: bool = True) -> Path:
        root = tmp_path / "project"
        root.mkdir(exist_ok=True)
        shutil.copyfile(REPO / "taxonomy.yml", root / "taxonomy.yml")
        (root / "mkdocs.yml").write_text(MKDOCS_YML.format(extra=textwrap.indent(extra_config, "      ")), encoding="utf-8")
        write_tree(root, {**(DOCS if docs else {}), **(files or {})})
        return root

    return make


_running: dict[str, bool] = {}


@pytest.fixture(autouse=True)
def _whole_builds_are_marked_slow(request):
    """Notes whether the running test carries the ``slow`` mark, for :func:`run_build`."""
    _running["slow"] = request.node.get_closest_marker("slow") is not None
    yield
    _running.clear()


def run_build(root: Path, *args: str, env: dict | None = None) -> Built:
    """``mkdocs build`` in ``root`` as a user runs it (``env``: extra environment variables).

    Only a test marked ``slow`` may build a whole site: ``pytest -m "not slow"`` stays fast.
    """
    assert _running.get("slow", True), "this test builds a whole site: mark it @pytest.mark.slow"
    proc = subprocess.run([str(BIN / "mkdocs"), "build", *args], cwd=root, capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})})
    return Built(root, proc.returncode, proc.stdout + proc.stderr)


@pytest.fixture
def build(project):
    """Write and build a project in one step."""

    def go(files: dict | None = None, extra_config: str = "", **kw) -> Built:
        return run_build(project(files, extra_config, **kw))

    return go


def _make_mp3(path: Path, text: str) -> None:
    wav = path.with_suffix(".wav")
    subprocess.run(["espeak-ng", "-v", "en-gb", "-w", str(wav), text], check=True, capture_output=True)
    subprocess.run(["lame", "--quiet", "-m", "m", "-b", "32", str(wav), str(path)], check=True)
    wav.unlink()


@pytest.fixture(scope="session")
def mp3s(tmp_path_factory) -> dict[str, Path]:
    """Real speech MP3s made with espeak-ng and lame: a short one (~6 s) and a longer one (~20 s)."""
    if not (shutil.which("espeak-ng") and shutil.which("lame")):
        pytest.fail("espeak-ng and lame are needed: run `make test`, which installs them")
    folder = tmp_path_factory.mktemp("mp3")
    short, long = folder / "short.mp3", folder / "long.mp3"
    _make_mp3(short, "Welcome to the Clinical Leaders Network podcast. This is a short test episode.")
    _make_mp3(long, " ".join(["Action learning sets meet every month to listen, discuss and debate local issues."] * 4))
    return {"short": short, "long": long}


@pytest.fixture(scope="session")
def show_art(tmp_path_factory) -> Path:
    """A square 1400 px PNG for the show."""
    from PIL import Image

    path = tmp_path_factory.mktemp("art") / "show.png"
    Image.new("RGB", (1400, 1400), (0, 94, 184)).save(path)
    return path


def episode(n=1, *, guid=None, audio="audio/ep.mp3", transcript="transcripts/ep.vtt", title=None,
            date="2009-02-12", chapters='  - start: "00:00"\n    title: Welcome\n  - start: "00:03"\n    title: Action learning\n',
            extra=""):
    """Front matter and show notes of a valid episode."""
    return (
        "---\n"
        f"title: {title or f'Episode {n}, building a national network'}\n"
        "summary: The network's national clinical director on rolling out to ten regions in a year.\n"
        f"date: {date}\n"
        f"guid: {guid or f'00000000-0000-4000-8000-00000000000{n}'}\n"
        f"audio: {audio}\n"
        f"episode: {n}\n"
        "season: 1\n"
        "topics: [leadership-development]\n"
        "guests:\n  - name: Dr Example Guest\n    role: National clinical director\n"
        f"transcript: {transcript}\n"
        + (f"chapters:\n{chapters}" if chapters else "")
        + extra
        + "---\nIn this episode we talk about [the network](../case-studies/index.md).\n"
    )


VTT = """WEBVTT

00:00:00.000 --> 00:00:03.000
<v Host>Welcome to the Clinical Leaders Network podcast.

00:00:03.000 --> 00:00:06.000
<v Guest>Action learning sets meet every month &amp; share what works.
"""


@pytest.fixture
def podcast_files(mp3s, show_art):
    """The files of a one-episode podcast, to merge into a project."""
    return {
        "podcasts/ep.md": episode(),
        "podcasts/audio/ep.mp3": mp3s["short"],
        "podcasts/transcripts/ep.vtt": VTT,
        "podcasts/art/show-cover.png": show_art,
    }


def check_digit(nine: str) -> int | None:
    """The NHS number's Modulus 11 check digit for nine digits, worked out here independently of
    the scanner (None where no valid number has those nine digits)."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(nine))
    check = (11 - total % 11) % 11
    return None if check == 10 else check


def best_time(function, argument, repeat: int = 3) -> float:
    """The shortest of ``repeat`` timings of ``function(argument)``, in seconds."""
    import time

    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function(argument)
        best = min(best, time.perf_counter() - start)
    return best


def assert_linear(function, make, size: int = 64_000, factor: int = 8) -> None:
    """``function`` on ``make(size)`` costs no more than linear work beside ``make(size // factor)``.

    No wall-clock limit: linear work grows ``factor`` times, work that rescans a run from every
    position grows ``factor`` squared times; under 20 ms at the full size cannot be quadratic."""
    whole = best_time(function, make(size))
    eighth = best_time(function, make(size // factor))
    assert whole < 0.02 or whole < 3 * factor * eighth, f"{whole:.3f} s against {eighth:.4f} s for 1/{factor}"
