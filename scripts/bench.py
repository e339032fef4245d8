"""Benchmark: our full build against a plain MkDocs Material build of the same pages.

What it measures
----------------
For each size N (``--sizes``, default 100, 1,000 and 3,000) it generates, in a temporary
folder, N case studies of about 1,000 words (headings, paragraphs, a list, a table, and
every front-matter field) and N/5 podcast episodes, each with its own copy of a real small
MP3 (three are made once with espeak-ng and lame and kept in ``.cache/bench/``), a WebVTT
transcript, a seeded guid, a unique episode number and chapters within the audio. Words
come from a seeded random generator, so every run builds the same content. It then times,
interleaved (a, b, a, b, ...), ``--runs`` builds of each of:

  a  ``mkdocs build`` of our site (a copy of the project's mkdocs.yml, taxonomy.yml and
     docs/ with the generated content): validation, privacy scan, indexes, tagged audio,
     transcripts, both feeds;
  b  ``mkdocs build`` of plain Material: the same Markdown bodies as pages under
     docs/case-studies/ and docs/podcast/ (title and description as plain MkDocs meta), the
     same theme, Markdown extensions and ``not_in_nav``, ``plugins: [search]`` only.

Both are rebuilds: one untimed build of each comes first (for a, it reads and tags every
MP3 once, as an editor's machine has done before; its time is printed as "cold").

It also times (c) the podcast feed alone for ``--feed-episodes`` episodes (default 5,000),
built in memory with the core's own ``feeds.podcast.podcast_feed``, median of at least three; and
(d) counts the audio files read by a rebuild with unchanged audio, in a real ``mkdocs
build`` subprocess of the N = 1,000 site (or the largest size measured) that reports the
plugin's own counters (``AudioProbe.reads`` and the number of tagged copies made).

Reading the table
-----------------
``a`` and ``b`` are median wall-clock seconds of one build; ``a/b`` is what our plugin
costs on top of MkDocs and Material (1.10 means 10 % longer), the ratio of the medians.
On a shared machine the speed of the processor drifts from minute to minute, so the
table also gives the median of the ratios of each pair of builds run one after the other
("a/b by pairs"), which that drift affects less; ``ms/page`` is the time
divided by the case studies and episodes built, and should not rise with N (linear
growth; at small N the fixed start-up cost makes it higher). Peak memory is the largest
resident size of the build process (``/usr/bin/time -f %M``); site and search index sizes
are those of the built site folder and of its search index: for a, Pagefind's ``pagefind/``
folder (of which a reader fetches only the few files a query needs); for b, Material's
``search/search_index.json`` (which every reader fetches whole).

Usage
-----
    make bench                                                   # the full run
    .venv/bin/python scripts/bench.py --sizes 20 --runs 1 --feed-episodes 200   # a quick look
    .venv/bin/python scripts/bench.py --write PERFORMANCE.md               # the site's page
    .venv/bin/python scripts/bench.py --profile 1000             # where our plugin's time goes

Nothing is written into the project, except MP3s in ``.cache/bench/`` and, with
``--write``, the page named.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import functools
import gzip
import hashlib
import io
import json
import logging
import os
import pstats
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import yaml

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CACHE = REPO / ".cache" / "bench"
TIME = Path("/usr/bin/time")
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
sys.path.insert(0, str(REPO / "plugins"))  # the core, for the feed and profiling (also installed in the venv)

# --- synthetic content -------------------------------------------------------------------
# Plain words only: no digits runs, addresses or capitalised letter-digit codes, so the
# privacy scan (NHS numbers, postcodes, phone numbers, emails) finds nothing.

WORDS = """care patient clinic team nurse doctor pharmacist midwife therapist service pathway referral
appointment ward community practice general hospital trust network region leadership learning set meeting
month week change improvement quality audit data measure outcome target waiting list discharge admission
review plan record shared decision support staff training role manager commissioner budget funding pilot
project evidence guideline standard safety risk harm falls medicine home visit telephone access equity
engagement listening debate action reflection feedback peer colleague partner voluntary sector school
family carer young older adult chronic condition acute emergency planned elective outpatient primary
secondary integrated joined local national strategy vision values respect time capacity demand flow bed
theatre diagnostic test result follow prevention screening vaccination smoking alcohol weight activity diet
health wellbeing mental physical social workforce recruitment retention culture the a of and to in with for
on by from we our their they was were had agreed asked found tried started stopped shared learned
built listened measured reduced improved halved doubled trained met wrote tested spread""".split()
CONNECTIVES = ["However,", "Over the year,", "In the first month,", "With the set's support,", "As a result,",
               "At the same time,", "Looking back,", "In practice,"]
FIRST_NAMES = ["Aisha", "Ben", "Carys", "Deepak", "Eleanor", "Femi", "Grace", "Harpreet", "Isla", "Jonah",
               "Kiran", "Lowri", "Mohammed", "Niamh", "Owen", "Priya", "Rhys", "Sofia", "Tomasz", "Yasmin"]
SURNAMES = ["Example", "Sample", "Specimen", "Placeholder", "Fictional", "Instance"]
ORGANISATIONS = ["Example Valley PCT", "Sample Bay Hospitals NHS Trust", "Northshire Community Services",
                 "Southmoor Mental Health Trust", "Eastdale Ambulance Service", "Westfield Primary Care Trust"]
ROLES = ["GP and network member", "Consultant physician", "Ward sister", "Community midwife", "Clinical pharmacist",
         "Physiotherapist", "Service manager", "Clinical lead", "Health visitor", "Practice nurse"]
HEADINGS = ["The problem", "What we did", "Outcomes", "Lessons", "Next steps"]
VOICES = ["Welcome to the Clinical Leaders Network podcast. Today we talk about action learning sets.",
          "Our set met every month and chose one change to make together in the community.",
          "The biggest lesson was to listen first, then to agree who owns the patient between visits."]


def sentence(rng: random.Random, n: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(n))
    if rng.random() < 0.2:
        return f"{rng.choice(CONNECTIVES)} {text}."
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng, rng.randint(10, 20)) for _ in range(rng.randint(4, 6)))


def body(rng: random.Random) -> str:
    """About 1,000 words of Markdown: five sections, a bulleted list and a table."""
    parts = []
    for heading in HEADINGS:
        parts.append(f"## {heading}")
        parts += [paragraph(rng) for _ in range(2)]
        if heading == "What we did":
            parts.append("\n".join(f"- **{rng.choice(WORDS).capitalize()}.** {sentence(rng, 12)}" for _ in range(5)))
            parts.append(f"### {sentence(rng, 4)[:-1]}")
            parts.append(paragraph(rng))
        if heading == "Outcomes":
            rows = "\n".join(f"| {sentence(rng, 4)[:-1]} | {rng.randint(10, 60)}% | {rng.randint(40, 95)}% |"
                             for _ in range(4))
            parts.append(f"| Measure | Before | After |\n| --- | ---: | ---: |\n{rows}")
    return "\n\n".join(parts) + "\n"


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


class Quoted(str):
    """A string written in double quotes, as the contract asks for chapter times."""


class Moment(str):
    """An ISO 8601 date and time, written plain as editors write it."""


class Dumper(yaml.SafeDumper):
    pass


Dumper.add_representer(Quoted, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"'))
Dumper.add_representer(Moment, lambda d, v: d.represent_scalar("tag:yaml.org,2002:timestamp", str(v)))


def front_matter(data: dict) -> str:
    return "---\n" + yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=90) + "---\n\n"


@functools.cache
def taxonomy_slugs() -> dict[str, list[str]]:
    data = yaml.safe_load((REPO / "taxonomy.yml").read_text(encoding="utf-8"))
    return {kind: [item["slug"] for item in data[kind]]
            for kind in ("topics", "regions", "professions", "competencies")}


def case_study(rng: random.Random, i: int, slugs: dict[str, list[str]]) -> tuple[dict, str]:
    """Front matter (every field) and body of case study ``i``."""
    date = dt.date(2006, 1, 1) + dt.timedelta(days=rng.randint(0, 1500))
    meta = {
        "title": sentence(rng, rng.randint(5, 9))[:-1][:110],
        "summary": sentence(rng, 30)[:290],
        "date": date,
        "updated": date + dt.timedelta(days=rng.randint(0, 120)),
        "region": rng.choice(slugs["regions"]),
        "topics": rng.sample(slugs["topics"], rng.randint(1, 3)),
        "professions": rng.sample(slugs["professions"], rng.randint(1, 3)),
        "competencies": rng.sample(slugs["competencies"], rng.randint(1, 3)),
        "authors": [{"name": f"Dr {person(rng)}", "role": rng.choice(ROLES), "organisation": rng.choice(ORGANISATIONS)}
                    for _ in range(rng.randint(1, 3))],
        "outcomes": [{"measure": sentence(rng, 6)[:-1], "before": f"{rng.randint(10, 50)}%",
                      "after": f"{rng.randint(50, 95)}%",
                      "period": rng.choice(["three months", "six months", "a year"])}
                     for _ in range(rng.randint(1, 3))],
        "contact": "cln@nhs.net",
    }
    return meta, body(rng)


def episode(rng: random.Random, i: int, audio: str, transcript: str, duration: float) -> tuple[dict, str]:
    """Front matter and show notes of episode ``i`` (its number), with chapters inside ``duration``."""
    meta = {
        "title": f"{sentence(rng, rng.randint(4, 8))[:-1]}",
        "summary": sentence(rng, 25)[:290],
        "date": Moment((dt.datetime(2006, 1, 1, 9, 0, tzinfo=dt.UTC) + dt.timedelta(days=i)).isoformat()),
        "guid": guid(rng),
        "audio": audio,
        "transcript": transcript,
        "episode": i,
        "season": 1,
        "type": "full",
        "explicit": False,
        "topics": rng.sample(taxonomy_slugs()["topics"], 2),
        "guests": [{"name": f"Dr {person(rng)}", "role": rng.choice(ROLES)}],
        "chapters": [{"start": Quoted("00:00"), "title": "Welcome"},
                     {"start": Quoted(f"00:{int(duration * 0.4):02d}"), "title": sentence(rng, 3)[:-1]},
                     {"start": Quoted(f"00:{int(duration * 0.7):02d}"), "title": "Lessons"}],
    }
    notes = "\n\n".join([paragraph(rng), "## In this episode",
                         "\n".join(f"- {sentence(rng, 8)}" for _ in range(4)), paragraph(rng)])
    return meta, notes + "\n"


def guid(rng: random.Random) -> str:
    """A seeded random UUID; drawn again in the rare case its digits look like a phone number."""
    from cln import privacy

    while True:
        value = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        if not privacy.scan(value):
            return value


def vtt(rng: random.Random, duration: float) -> str:
    """A WebVTT transcript with four cues inside the audio."""
    cues, step = [], duration / 4
    for n in range(4):
        start, end = n * step, (n + 1) * step - 0.1
        speaker = "Host" if n % 2 == 0 else "Guest"
        cues.append(f"{n + 1}\n{clock(start)} --> {clock(end)}\n<v {speaker}>{sentence(rng, 10)}</v>")
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def clock(seconds: float) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"00:{int(minutes):02d}:{secs:06.3f}"


def voices() -> list[tuple[Path, float]]:
    """Three real speech MP3s, made once with espeak-ng and lame (the tests' flags), cached."""
    from mutagen.mp3 import MP3, MPEGInfo

    CACHE.mkdir(parents=True, exist_ok=True)
    out: list[tuple[Path, float]] = []
    for text in VOICES:
        mp3 = CACHE / f"voice-{hashlib.sha256(text.encode()).hexdigest()[:10]}.mp3"
        if not mp3.exists():
            for tool in ("espeak-ng", "lame"):
                if not shutil.which(tool):
                    raise SystemExit(f"{tool} is needed to make the benchmark's MP3s: run `make system-deps`")
            wav = mp3.with_suffix(".wav")
            subprocess.run(["espeak-ng", "-v", "en-gb", "-w", str(wav), text], check=True, capture_output=True)
            subprocess.run(["lame", "--quiet", "-m", "m", "-b", "32", str(wav), str(mp3) + ".tmp"], check=True)
            os.replace(str(mp3) + ".tmp", mp3)
            wav.unlink()
        out.append((mp3, cast(MPEGInfo, MP3(mp3).info).length))  # mutagen declares FileType.info as None
    return out


SAMPLE_LINK = re.compile(r"\[([^\]]+)\]\((?:\.\./)?(?:case-studies|podcast)/(?!index\.md)[^)]+\.md\)")


def generate(folder: Path, n: int, mp3s: list[tuple[Path, float]]) -> tuple[Path, Path]:
    """Write our project (``ours``) and the plain Material project (``plain``) for size n."""
    rng = random.Random(n)
    slugs = taxonomy_slugs()
    ours, plain = folder / "ours", folder / "plain"
    shutil.copytree(REPO / "docs", ours / "docs")
    shutil.copytree(REPO / "docs", plain / "docs")
    for copy in (ours, plain):  # the hand-written pages link to sample case studies the benchmark does not have
        for page_path in (copy / "docs").rglob("*.md"):
            text = page_path.read_text(encoding="utf-8")
            page_path.write_text(SAMPLE_LINK.sub(r"\1", text), encoding="utf-8")
    for name in ("mkdocs.yml", "taxonomy.yml"):
        shutil.copy(REPO / name, ours / name)
    (ours / "podcasts/art").mkdir(parents=True)
    shutil.copy(REPO / "podcasts/art/cln-podcast-cover.png", ours / "podcasts/art/cln-podcast-cover.png")
    for sub in ("case_studies", "podcasts/audio", "podcasts/transcripts"):
        (ours / sub).mkdir(parents=True, exist_ok=True)
    for sub in ("docs/case-studies", "docs/podcast"):
        (plain / sub).mkdir(parents=True, exist_ok=True)
    for i in range(1, n + 1):
        meta, text = case_study(rng, i, slugs)
        slug = f"case-study-{i:05d}"
        (ours / f"case_studies/{slug}.md").write_text(front_matter(meta) + text, encoding="utf-8")
        (plain / f"docs/case-studies/{slug}.md").write_text(plain_page(meta, text), encoding="utf-8")
    for i in range(1, n // 5 + 1):
        mp3, duration = mp3s[i % len(mp3s)]
        slug = f"episode-{i:05d}"
        meta, text = episode(rng, i, f"audio/{slug}.mp3", f"transcripts/{slug}.vtt", duration)
        shutil.copyfile(mp3, ours / f"podcasts/audio/{slug}.mp3")
        (ours / f"podcasts/transcripts/{slug}.vtt").write_text(vtt(rng, duration), encoding="utf-8")
        (ours / f"podcasts/{slug}.md").write_text(front_matter(meta) + text, encoding="utf-8")
        (plain / f"docs/podcast/{slug}.md").write_text(plain_page(meta, text), encoding="utf-8")
    (plain / "mkdocs.yml").write_text(plain_config(plain / "docs"), encoding="utf-8")
    return ours, plain


def plain_page(meta: dict, text: str) -> str:
    """A page for plain Material: title and description as MkDocs meta, as our plugin gives its pages."""
    return front_matter({"title": meta["title"], "description": meta["summary"]}) + text


def plain_config(docs: Path) -> str:
    """Our mkdocs.yml with the same theme, Markdown and not_in_nav, ``plugins: [search]`` only.

    Nav entries whose page only our plugin generates (the topic indexes) are left out; strict
    is off, since hand-written pages link to those pages.
    """
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = ["search"]
    config["strict"] = False
    config["nav"] = [item for item in config["nav"] if (docs / next(iter(item.values()))).exists()]
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


# --- measuring -----------------------------------------------------------------------------

def build(project: Path, site: Path) -> tuple[float, float]:
    """One ``mkdocs build`` subprocess: wall seconds, and peak resident memory in MB."""
    command = [str(BIN / "mkdocs"), "build", "-q", "--site-dir", str(site)]
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        if TIME.exists():
            command = [str(TIME), "-f", "%M", "-o", rss.name, *command]
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=project, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        output = proc.stdout.read() if proc.stdout is not None else b""  # drain the pipe while it runs
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"build failed in {project}:\n{output.decode(errors='replace')[-4000:]}")
        peak_kb = int(rss.read().split()[-1]) if TIME.exists() else usage.ru_maxrss
    return seconds, peak_kb / 1024


# Run inside a `mkdocs build` subprocess: the plugin reports its own counters after the build.
_COUNTING_BUILD = """
import json, sys
from cln.plugin import ClnPlugin
out, site = sys.argv[1], sys.argv[2]
original = ClnPlugin.on_post_build
def on_post_build(self, *, config):
    original(self, config=config)
    with open(out, "w") as fh:
        json.dump({"probe_reads": self.probe.reads, "catalogue_audio_reads": self.catalogue.audio_reads,
                   "tagged_now": self.served.made_now}, fh)
ClnPlugin.on_post_build = on_post_build
from mkdocs.__main__ import cli
cli(["build", "-q", "--site-dir", site])
"""


def audio_reads_on_rebuild(project: Path, site: Path) -> dict:
    """Rebuild the (already built) project in a subprocess; what it read of the audio."""
    import json

    cache = project / ".cache/cln/audio.json"
    mtime = cache.stat().st_mtime_ns
    with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
        proc = subprocess.run([str(BIN / "python"), "-c", _COUNTING_BUILD, out.name, str(site)], cwd=project, env=ENV,
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"counting rebuild failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
        counts = json.loads(out.read())
    counts["cache_rewritten"] = cache.stat().st_mtime_ns != mtime
    return counts


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def html_pages(path: Path) -> int:
    return sum(1 for _ in path.rglob("*.html"))


def feed_seconds(count: int, runs: int, mp3s: list[tuple[Path, float]]) -> float:
    """Median seconds of ``feeds.podcast.podcast_feed`` for ``count`` episodes held in memory.

    The records are parsed from generated front matter by the core's own ``parse``; each has
    media facts, a transcript and rendered show notes, and the plan points at real MP3s.
    Only the feed call is timed.
    """
    import markdown

    from cln import transcripts
    from cln.audio import AudioFacts
    from cln.catalogue import Catalogue, EpisodeMedia, newest_first
    from cln.content import parse
    from cln.feeds.podcast import podcast_feed
    from cln.plan import Plan
    from cln.settings import ShowSettings, SiteSettings
    from cln.taxonomy import Taxonomy

    rng = random.Random(count)
    site_url = "https://cln.example.org/"
    episodes, media, notes = [], {}, {}
    plan = Plan(art_uri="podcast/art/show-cover-00000000.png")
    md = markdown.Markdown(extensions=["tables", "toc"])
    for i in range(1, count + 1):
        mp3, duration = mp3s[i % len(mp3s)]
        slug = f"episode-{i:05d}"
        meta, text = episode(rng, i, f"audio/{slug}.mp3", f"transcripts/{slug}.vtt", duration)
        record, problems, _ = parse(f"podcasts/{slug}.md", (front_matter(meta) + text).encode(), "episode")
        assert record is not None and not problems, problems
        episodes.append(record)
        cues = transcripts.parse(vtt(rng, duration), ".vtt")
        media[slug] = EpisodeMedia(str(mp3), AudioFacts(round(duration, 3), "audio/mpeg"),
                                   f"/bench/podcasts/transcripts/{slug}.vtt", "text/vtt", cues)
        plan.audio_url[slug] = f"podcast/audio/{slug}.mp3"
        plan.served_audio[slug] = str(mp3)
        plan.transcript_uri[slug] = f"podcast/transcripts/{slug}.vtt"
        notes[slug] = md.reset().convert(text)
    catalogue = Catalogue(taxonomy=Taxonomy.load(str(REPO / "taxonomy.yml")), case_studies=[],
                          episodes=newest_first(episodes), media=media)
    info = SiteSettings(site_name="Clinical Leaders Network", site_url=site_url,
                        show=ShowSettings(description="Interviews.", guid="4fd604bb-ab96-55df-99ba-684e9500fdab"))
    times = []
    for _ in range(max(runs, 3)):
        start = time.perf_counter()
        xml = podcast_feed(catalogue, plan, info, notes)
        times.append(time.perf_counter() - start)
    assert xml.count(b"<item>") == count, "the feed lost episodes"
    return statistics.median(times)


def page_kind(src_uri: str) -> str:
    """Which kind of page a source file is, for the profile's breakdown."""
    top, _, rest = src_uri.partition("/")
    if top in ("topics", "regions", "professions", "competencies"):
        return "generated index pages"
    if top == "case-studies" and rest != "index.md":
        return "case-study pages"
    if top == "podcast" and rest != "index.md":
        return "episode pages"
    return "hand-written pages (docs/)"


def in_process_build(project: Path, site: Path, profiler: cProfile.Profile | None = None) -> tuple[float, dict]:
    """One in-process build; wall seconds, and seconds, count and HTML bytes by kind of page."""
    from mkdocs.commands import build as mkdocs_build
    from mkdocs.config import load_config

    kinds: dict[str, list] = {}  # kind → [seconds, {src_uri: abs_dest_path}]
    originals = mkdocs_build._populate_page, mkdocs_build._build_page

    def timed(original):
        def wrapper(page, config, *args, **kwargs):
            start = time.perf_counter()
            try:
                return original(page, config, *args, **kwargs)
            finally:
                entry = kinds.setdefault(page_kind(page.file.src_uri), [0.0, {}])
                entry[0] += time.perf_counter() - start
                entry[1][page.file.src_uri] = page.file.abs_dest_path
        return wrapper

    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    logging.getLogger("mkdocs").setLevel(logging.ERROR)  # as `mkdocs build -q`
    cwd = os.getcwd()
    os.chdir(project)
    mkdocs_build._populate_page, mkdocs_build._build_page = (timed(f) for f in originals)
    try:
        # strict off: as with `mkdocs build -q`, where docs/ links to the real case studies only warn
        config = load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=False)
        config.plugins.on_startup(command="build", dirty=False)
        start = time.perf_counter()
        if profiler:
            profiler.runcall(mkdocs_build.build, config)
        else:
            mkdocs_build.build(config)
        total = time.perf_counter() - start
        # Measured before on_shutdown, which swaps the build folder the pages were written to into site/.
        result = {kind: (seconds, len(dests), sum(os.path.getsize(d) for d in dests.values() if os.path.exists(d)))
                  for kind, (seconds, dests) in kinds.items()}
        config.plugins.on_shutdown()
    finally:
        mkdocs_build._populate_page, mkdocs_build._build_page = originals
        os.chdir(cwd)
    return total, result


def profile(n: int, mp3s: list[tuple[Path, float]], top: int = 25) -> None:
    """Where a rebuild of our site at size n spends its time, against plain Material.

    Prints a breakdown by kind of page for both builds (unprofiled, in-process), then our
    plugin's top functions by cumulative time under cProfile, then the whole build's top 30.
    """
    with tempfile.TemporaryDirectory(prefix="cln-bench-profile-") as tmp:
        ours, plain = generate(Path(tmp), n, mp3s)
        build(ours, Path(tmp) / "site-a")  # the first build reads and tags the audio
        for name, project in (("a: our build", ours), ("b: plain Material", plain)):
            total, kinds = in_process_build(project, Path(tmp) / f"site-{name[0]}")
            pages = sum(v[0] for v in kinds.values())
            print(f"\n{name}, N = {n:,}: {total:.1f} s in all; rendering pages {pages:.1f} s, "
                  f"everything else (config, files, nav, search index, feeds) {total - pages:.1f} s")
            for kind, (seconds, count, size) in sorted(kinds.items()):
                print(f"  {kind:28} {count:6,} pages {seconds:6.1f} s  {seconds / count * 1000:7.1f} ms/page "
                      f"{size / count / 1000:8.0f} kB/page")
        profiler = cProfile.Profile()
        total, _ = in_process_build(ours, Path(tmp) / "site-a", profiler)
    stats = pstats.Stats(profiler)
    ours_dir = str(REPO / "plugins" / "cln")
    rows = [(ct, tt, nc, f"{Path(file).name}:{line} {name}") for (file, line, name), (_, nc, tt, ct, _) in
            stats.stats.items() if file.startswith(ours_dir)]  # type: ignore[attr-defined]
    rows.sort(reverse=True)
    print(f"\nProfile of one rebuild of ours at N = {n:,} ({total:.1f} s under cProfile): our plugin's "
          "functions by cumulative time")
    print(f"| {'cumulative s':>12} | {'own s':>7} | {'calls':>8} | function")
    for ct, tt, nc, where in rows[:top]:
        print(f"| {ct:12.2f} | {tt:7.2f} | {nc:8,} | {where}")
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(30)
    print("\nWhole build, top 30 by cumulative time:\n" + buffer.getvalue())


# --- the preview (make serve) ------------------------------------------------------------

SERVE_START, SERVE_END = "<!-- bench:serve -->", "<!-- /bench:serve -->"


class ServedPreview:
    """``mkdocs serve`` (``--dirty`` as ``make serve`` runs it, or without, a full rebuild per edit)
    of a project, in its own process; edits are timed until the browser would see them."""

    def __init__(self, project: Path, dirty: bool):
        import socket
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/"
        self.tmp = Path(tempfile.mkdtemp(prefix="cln-bench-serve-"))
        args = [str(BIN / "mkdocs"), "serve", "-a", f"127.0.0.1:{port}", *(["--dirty"] if dirty else [])]
        self.log = open(self.tmp / "serve.log", "w+")  # noqa: SIM115 (closed in stop())
        self.proc = subprocess.Popen(args, cwd=project, stdout=self.log, stderr=subprocess.STDOUT,
                                     env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(self.tmp)},
                                     start_new_session=True)
        self.build = 0
        self.wait(lambda: True, timeout=1800)

    def _get(self, address: str) -> bytes:
        import urllib.request
        try:
            with urllib.request.urlopen(self.url + address, timeout=10) as response:
                return response.read()
        except OSError:
            return b""

    def wait(self, visible, timeout: float = 300) -> float:
        """Seconds until the preview has made a new build and ``visible()`` holds."""
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise SystemExit("mkdocs serve stopped:\n" + self.log.read()[-3000:])
            try:
                build = json.loads(self._get("cln-preview.json") or b"{}").get("build", 0)
            except ValueError:
                build = 0
            if build > self.build and visible():
                self.build = build
                return time.perf_counter() - start
            time.sleep(0.02)
        raise SystemExit(f"the preview did not show the edit within {timeout} s")

    def settle(self, quiet: float = 1.0, timeout: float = 120) -> None:
        """Until the search index beside the server has been idle for ``quiet`` seconds, as it is
        when a person saves their next edit."""
        site = next(p for p in self.tmp.iterdir() if p.name.startswith("mkdocs_"))
        idle_since, end = time.perf_counter(), time.perf_counter() + timeout
        while time.perf_counter() < end:
            if (site / ".pagefind-next").exists():
                idle_since = time.perf_counter()
            elif time.perf_counter() - idle_since >= quiet:
                return
            time.sleep(0.05)

    def index_id(self) -> tuple[int, int]:
        """Which search index is being served (a new one is swapped in as a new folder)."""
        site = next(p for p in self.tmp.iterdir() if p.name.startswith("mkdocs_"))
        try:
            stat = (site / "pagefind" / "pagefind-entry.json").stat()
        except OSError:
            return (0, 0)
        return (stat.st_ino, stat.st_mtime_ns)

    def search_has(self, word: str) -> bool:
        site = next(p for p in self.tmp.iterdir() if p.name.startswith("mkdocs_"))
        for path in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
            try:
                if word.encode() in gzip.decompress(path.read_bytes()):
                    return True
            except (OSError, EOFError):
                return False
        return False

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGINT)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


NEW_WORDS = ("quillwort", "saxifrage", "bladderwrack")  # one new word per repetition of the body edit
REPEATS = len(NEW_WORDS)  # each edit is made this many times; the median is kept


def _edits(project: Path, i: int) -> list[tuple[str, Callable[[], None], str, str]]:
    """The three edits timed, the ``i``-th time: (what, make the edit, address that shows it, text
    to look for). Each repetition edits other files, so each is a real change."""
    first = project / "case_studies" / f"case-study-{1 + i:05d}.md"
    second = project / "case_studies" / f"case-study-{11 + i:05d}.md"

    def body() -> None:
        first.write_text(first.read_text(encoding="utf-8") + f"\nA new sentence about {NEW_WORDS[i]}.\n",
                         encoding="utf-8")

    text = second.read_text(encoding="utf-8")
    topics = re.search(r"^topics:\n((?:- [a-z-]+\n)+)", text, re.M)
    assert topics, "generated case studies list their topics as a block"
    new_topic = next(t for t in ("end-of-life-care", "mental-health", "acute-care") if f"- {t}\n" not in topics[1])

    def move() -> None:  # the case study leaves its topics for another one
        second.write_text(text.replace(topics[0], f"topics:\n- {new_topic}\n", 1), encoding="utf-8")

    def new() -> None:
        source = first.read_text(encoding="utf-8")
        (project / "case_studies" / f"a-new-case-study-{i}.md").write_text(
            re.sub(r"^title: .*$", f"title: Saxifrage clinic {i}", source, count=1, flags=re.M), encoding="utf-8")

    return [("a body edit", body, f"case-studies/{first.stem}/", NEW_WORDS[i]),
            ("a topic change", move, f"topics/{new_topic}/", f"{second.stem}/"),
            ("a new case study", new, "case-studies/", f"a-new-case-study-{i}/")]


def serve_bench(sizes: list[int], mp3s: list[tuple[Path, float]]) -> list[dict]:
    """Edit → visible in ``make serve`` (dirty, the plugin's answers) and in a full rebuild, per
    edit: the median of REPEATS edits of each kind."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="cln-bench-") as tmp:
        for n in sizes:
            for dirty in (True, False):
                folder = Path(tmp) / f"n{n}-{'dirty' if dirty else 'full'}"
                ours, _ = generate(folder, n, mp3s)
                preview = ServedPreview(ours, dirty)
                times: dict[str, list[float]] = {}
                searches: list[float] = []
                try:
                    for i in range(REPEATS):
                        for what, edit, address, needle in _edits(ours, i):
                            def visible(address=address, needle=needle, preview=preview) -> bool:
                                return needle.encode() in preview._get(address)
                            preview.settle()
                            index = preview.index_id()
                            t0 = time.perf_counter()
                            edit()
                            preview.wait(visible)
                            times.setdefault(what, []).append(time.perf_counter() - t0)
                            if what == "a body edit":
                                # Looked for in each new index once it is swapped in (reading every
                                # fragment over and over would take the processor from Pagefind).
                                while time.perf_counter() - t0 < 120:
                                    if preview.index_id() != index:
                                        index = preview.index_id()
                                        if preview.search_has(needle):
                                            break
                                    time.sleep(0.02)
                                searches.append(time.perf_counter() - t0)
                            print(f"  N={n} {'make serve' if dirty else 'full rebuild'}: {what} visible in "
                                  f"{times[what][-1]:.2f} s" + (f", in search {searches[-1]:.2f} s"
                                                                 if what == "a body edit" else ""), flush=True)
                finally:
                    preview.stop()
                for what, seconds in times.items():
                    row = {"n": n, "edit": what, "dirty": dirty, "seconds": statistics.median(seconds)}
                    if what == "a body edit":
                        row["search"] = statistics.median(searches)
                    rows.append(row)
                shutil.rmtree(folder)
    return rows


def render_serve(rows: list[dict]) -> str:
    lines = ["| case studies | edit | `make serve`: visible after | full rebuild: visible after | search caught up |",
             "| ---: | --- | ---: | ---: | ---: |"]
    for row in (r for r in rows if r["dirty"]):
        full = next(r for r in rows if not r["dirty"] and r["n"] == row["n"] and r["edit"] == row["edit"])
        search = f"{row['search']:.1f} s" if "search" in row else ""
        lines.append(f"| {row['n']:,} | {row['edit']} | {row['seconds']:.2f} s | {full['seconds']:.2f} s | {search} |")
    return "\n".join(lines)


def serve_section(rows: list[dict]) -> str:
    return (f"{SERVE_START}\n## The preview: edit to visible\n\n"
            "Seconds from saving a file to the change showing at its address in `make serve` "
            "(`mkdocs serve --dirty`, where the plugin tells MkDocs exactly which pages an edit touches: "
            "plugins/cln/preview.py) and, beside it, in `mkdocs serve` without `--dirty`, which remakes "
            "the whole site on every edit; and until the search index holds the new word (it is made "
            f"beside the server). Each edit is made {REPEATS} times (other files each time, the search "
            "index idle before each, as between a person's saves); the median is shown. Measured with "
            f"`scripts/bench.py --serve` on {machine()}.\n\n"
            f"{render_serve(rows)}\n{SERVE_END}\n")


def write_serve_section(path: Path, section: str, start: str = SERVE_START, end: str = SERVE_END) -> None:
    """Replace (or add) the section of ``path`` between the ``start`` and ``end`` markers."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + section.rstrip("\n") + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


# --- reporting -----------------------------------------------------------------------------

def machine() -> str:
    try:
        cores = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        cores = str(os.cpu_count())
    try:
        with open("/proc/meminfo") as fh:
            kb = int(next(line for line in fh if line.startswith("MemTotal")).split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GB of memory"
    except (OSError, StopIteration, ValueError):
        memory = "unknown memory"
    return f"{cores} processor cores and {memory}, Python {sys.version.split()[0]}"


def render(rows: list[dict]) -> str:
    """The results as two Markdown tables, one row a size: times, then memory and sizes."""
    lines = ["| case studies | episodes | a: ours (s) | b: plain (s) | a/b | a/b by pairs | a first build (s) "
             "| a ms/page | b ms/page |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        lines.append(f"| {r['n']:,} | {r['episodes']:,} | {r['a']:.2f} | {r['b']:.2f} | {r['ratio']:.3f} "
                     f"| {r['paired']:.3f} | {r['cold']:.1f} | {r['a_page'] * 1000:.1f} | {r['b_page'] * 1000:.1f} |")
    lines += ["", "| case studies | a peak memory (MB) | b peak memory (MB) | a site (MB) | b site (MB) "
              "| a search index (MB) | b search index (MB) |",
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        lines.append(f"| {r['n']:,} | {r['a_mem']:.0f} | {r['b_mem']:.0f} | {r['a_site']:.1f} | {r['b_site']:.1f} "
                     f"| {r['a_index']:.1f} | {r['b_index']:.1f} |")
    return "\n".join(lines)


def growth(rows: list[dict]) -> tuple[float | None, str]:
    """How a's cost per extra page changes from the smaller sizes to the larger ones (1.0 = linear)."""
    rows = sorted(rows, key=lambda r: r["n"])
    if len(rows) < 2:
        return None, "needs two sizes or more"
    if len(rows) == 2:
        ratio = rows[1]["a_page"] / rows[0]["a_page"]
        return ratio, f"time per page at N = {rows[1]['n']:,} is {ratio:.2f}× that at N = {rows[0]['n']:,}"

    def marginal(lo: dict, hi: dict) -> float:
        return (hi["a"] - lo["a"]) / (hi["pages"] - lo["pages"])

    first, last = marginal(rows[0], rows[1]), marginal(rows[-2], rows[-1])
    ratio = last / first
    return ratio, (f"each extra page costs {last * 1000:.1f} ms from N = {rows[-2]['n']:,} to {rows[-1]['n']:,}, "
                   f"against {first * 1000:.1f} ms from N = {rows[0]['n']:,} to {rows[1]['n']:,} ({ratio:.2f}×)")


def targets(rows: list[dict], feed: float, feed_episodes: int, reads: dict | None) -> list[tuple[str, str, str]]:
    """Each target: what it is, the figure measured, and met / not met (or not measured)."""
    by_n = {r["n"]: r for r in rows}
    out = []
    if 3000 in by_n:
        ratio = by_n[3000]["ratio"]
        out.append(("a/b ≤ 1.0 at N = 3,000 (warm caches)", f"{ratio:.3f} (by pairs {by_n[3000]['paired']:.3f})",
                    "met" if ratio <= 1.0 else "not met"))
    else:
        out.append(("a/b ≤ 1.0 at N = 3,000 (warm caches)", "N = 3,000 not run", "not measured"))
    readers = [(r["n"], r["readers"]) for r in rows if r.get("readers")]
    for what, key, limit, unit in (("search bytes before the reader opens it", "before_open", 0, "bytes"),
                                   ("search bytes after one word", "search_kb", 300, "KB"),
                                   ("time to the first search results", "first_result_s", 0.5, "s"),
                                   ("Explore with two facets: bytes", "explore_kb", 500, "KB"),
                                   ("Explore with two facets: time to first results", "explore_s", 1.0, "s")):
        if not readers:
            out.append((f"{what} ≤ {limit} {unit}", "not run", "not measured"))
            continue
        worst = max(c[key] for _, c in readers)
        sizes_run = ", ".join(f"{n:,}" for n, _ in readers)
        out.append((f"{what} ≤ {limit} {unit}", f"at most {worst:,.2f} {unit} (N = {sizes_run})",
                    "met" if worst <= limit else "not met"))
    ratio, figure = growth(rows)
    out.append(("build time grows linearly in N (cost per extra page at the largest sizes ≤ 1.25× that at the "
                "smallest)", figure, "not measured" if ratio is None else ("met" if ratio <= 1.25 else "not met")))
    if feed_episodes >= 5000:
        out.append(("podcast feed for 5,000 episodes ≤ 1 s", f"{feed:.2f} s for {feed_episodes:,}",
                    "met" if feed <= 1.0 else "not met"))
    else:
        out.append(("podcast feed for 5,000 episodes ≤ 1 s", f"{feed:.2f} s for {feed_episodes:,} only",
                    "not measured"))
    if reads is None:
        out.append(("no audio file read on a rebuild with unchanged audio", "not run", "not measured"))
    else:
        total = reads["probe_reads"] + reads["tagged_now"]
        out.append(("no audio file read on a rebuild with unchanged audio",
                    f"{reads['probe_reads']} read, {reads['tagged_now']} re-tagged (N = {reads['n']:,})",
                    "met" if total == 0 else "not met"))
    return out


SEARCH_WORD = "referral"  # a word of the generated text: in many pages, as a reader's first word would be


# Records (in the page) when an element matching SELECTOR first appears in the document.
FIRST_SEEN = """() => {
  window.__clnStart = performance.now(); window.__clnSeen = undefined;
  const seen = () => { if (window.__clnSeen === undefined && document.querySelector("SELECTOR"))
                         window.__clnSeen = performance.now(); };
  new MutationObserver(seen).observe(document, {subtree: true, childList: true});
}"""


def reader_costs(site: Path) -> dict:
    """What search and Explore cost a reader of the built site ``site``, in Debian's Chromium.

    The site is served on localhost with text compressed, as a real host serves it, and each
    measure starts in a fresh browser context (nothing cached). Bytes are bytes transferred
    (compressed), from Chromium's own accounting.
    """
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO / "tests" / "browser"))
    from conftest import CHROMIUM, CHROMIUM_ARGS, serve  # type: ignore[import-not-found]  # the tests' server

    server = serve(str(site))
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    study = sorted(p.name for p in (site / "case-studies").iterdir() if p.is_dir())[0]
    facets = {"topic": taxonomy_slugs()["topics"][0], "region": taxonomy_slugs()["regions"][0]}
    out: dict = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

            def fresh():
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                tab = context.new_page()
                fetched: list[tuple[str, int]] = []

                def done(request) -> None:
                    sizes = request.sizes()
                    fetched.append((request.url, sizes["responseBodySize"] + sizes["responseHeadersSize"]))

                tab.on("requestfinished", done)
                return context, tab, fetched

            context, tab, fetched = fresh()
            tab.goto(f"{base}case-studies/{study}/")
            tab.wait_for_load_state("networkidle")
            out["before_open"] = sum(n for url, n in fetched if "/pagefind/" in url)
            out["page_kb"] = sum(n for _, n in fetched) / 1024
            mark = len(fetched)
            tab.keyboard.press("/")
            tab.locator("#cln-search-input").wait_for(state="visible")
            # Timed in the page, from typing to the first result in the document: Playwright's own
            # waiting polls at intervals of up to half a second, which would be counted too.
            tab.evaluate(FIRST_SEEN.replace("SELECTOR", ".cln-search__result"))
            tab.locator("#cln-search-input").fill(SEARCH_WORD)
            tab.locator(".cln-search__result").first.wait_for(timeout=60000)
            out["first_result_s"] = tab.evaluate("window.__clnSeen - window.__clnStart") / 1000
            tab.wait_for_load_state("networkidle")
            tab.wait_for_timeout(500)
            out["search_kb"] = sum(n for _, n in fetched[mark:]) / 1024
            context.close()

            context, tab, fetched = fresh()
            # From the start of navigation to the first result in the document, timed in the page.
            tab.add_init_script("(" + FIRST_SEEN.replace("SELECTOR", ".cln-explore__result").replace(
                "window.__clnStart = performance.now()", "window.__clnStart = 0") + ")()")
            tab.goto(f"{base}explore/?topic={facets['topic']}&region={facets['region']}")
            tab.locator(".cln-explore__result").first.wait_for(timeout=60000)
            out["explore_s"] = tab.evaluate("window.__clnSeen - window.__clnStart") / 1000
            tab.wait_for_load_state("networkidle")
            out["explore_kb"] = sum(n for _, n in fetched) / 1024
            out["explore_pagefind_kb"] = sum(n for url, n in fetched if "/pagefind/" in url) / 1024
            context.close()
            browser.close()
    finally:
        server.shutdown()
    return out


def render_readers(rows: list[dict]) -> str:
    """The table of what search and Explore cost a reader, by size."""
    lines = ["| N | search bytes before opening | page (KB, compressed) | after typing one word (KB) "
             "| first results (s) | Explore, two facets (KB; of which index) | Explore first results (s) |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        c = r.get("readers")
        if not c:
            continue
        lines.append(f"| {r['n']:,} | {c['before_open']:,} | {c['page_kb']:.0f} | {c['search_kb']:.0f} "
                     f"| {c['first_result_s']:.2f} | {c['explore_kb']:.0f} ({c['explore_pagefind_kb']:.0f}) "
                     f"| {c['explore_s']:.2f} |")
    return "\n".join(lines)


def page(rows: list[dict], feed: float, feed_episodes: int, reads: dict | None, runs: int, total: float) -> str:
    """PERFORMANCE.md: what is measured, how, the figures and the targets."""
    checks = "\n".join(f"| {what} | {figure} | {result} |"
                       for what, figure, result in targets(rows, feed, feed_episodes, reads))
    numbers = [f"{r['n']:,}" for r in rows]
    sizes = numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]
    read = ("was not measured" if reads is None else
            f"read {reads['probe_reads']} audio files and re-tagged {reads['tagged_now']} (N = {reads['n']:,})")
    return f"""# Performance

The site has to stay quick to build as the network adds case studies and episodes, and cheap
for a reader however large it grows. This document (for the project, not a page of the
members' site) records a benchmark, run with `make bench` on {dt.date.today():%-d %B %Y}, on a machine
with {machine()}. The whole run took {total / 60:.1f} minutes.

## What is measured

The benchmark makes realistic content in a temporary folder: {sizes} case studies of about
1,000 words each, with every field filled in, and one podcast episode for every five case
studies, each with its own real MP3 file, a transcript and chapters. It then builds that
content two ways, taking turns:

- **a**, this site as it is: every file checked, the privacy scan, the topic, region,
  profession and competency pages, the episode pages with player and transcript, tagged
  audio and both feeds;
- **b**, plain MkDocs Material: the same pages with the same theme, settings and search,
  without our plugin.

Each time is the middle value (median) of {runs} build{"s" if runs != 1 else ""} of each kind. Both are rebuilds,
as when an editor previews a change or the site is rebuilt after one new case study: the
first build of a, which reads and tags every audio file and checks every content file in
full, is shown on its own ("a first build") and not counted in the median. On a rebuild,
a file that has not changed since it passed every check is taken from the signed cache of
checked files; a changed file is checked in full. "a/b" is how
much longer our build takes than plain Material (1.10 would be 10 % longer): the ratio of
the two medians. The speed of a shared machine drifts from minute to minute, so "a/b by
pairs" gives as well the middle value of the ratios of each a build to the b build run
straight after it, which that drift affects less. "ms/page" is
the time divided by the number of case studies and episodes: it should not rise as the
site grows. Peak memory is the most memory the build used at any moment; the sizes are
those of the built site and of its search index (for a, the whole Pagefind folder, of which
a reader fetches only what a query needs; for b, the one file every reader of search fetches).

## Results

{render(rows)}

The podcast feed on its own, for {feed_episodes:,} episodes, takes {feed:.2f} seconds
(median of {max(runs, 3)}). A rebuild with unchanged audio {read}.

## What a reader pays

Search and Explore, measured in Debian's Chromium on the built site **a** of each size, served
on this machine with text compressed as a real host serves it, each from an empty cache: the
bytes of search fetched by a case-study page before the reader opens the search (target 0);
after opening it and typing one word ("{SEARCH_WORD}"), the bytes fetched and the time to the
first results (targets 300 KB and 0.5 s); and Explore opened from an address with two facets
set (a topic and a region), its bytes (all of them, with the index's share in brackets) and
the time from the address to its first results (targets 500 KB and 1 s).

{render_readers(rows)}

## Targets

| target | measured | result |
| --- | --- | --- |
{checks}

## How the build stays fast

- Each content file is read once per build. A file that passed every check, and whose
  bytes, taxonomy and settings have not changed since, is taken from a cache of checked
  files under `.cache/cln/` instead of being parsed and scanned again. The cache is signed
  with a key kept outside the project, so a cache that arrives with a pull request is
  ignored, and every file in it is checked in full.
- Facts about each audio file (length, size, type) are kept in a cache under `.cache/cln/`,
  keyed by the file's path, size and modification time, so a rebuild reads no audio. The
  tagged copies of the MP3s are kept there too, and linked into the site rather than copied.
- Search is Pagefind's, which indexes the built pages once at the end of the build with
  its own compiled indexer, instead of Material's search plugin parsing every page's HTML
  in Python.
- Front matter is read with libyaml. Each link in a metadata panel, each date and each entry
  in the topic, profession and competency lists is made once and reused.
- Case studies, episodes and index pages are not listed in the side navigation: a
  navigation with thousands of entries would be written into every page.
- The index pages list every case study with each value, as readers expect, so they grow
  with the site: at 1,000 case studies they hold 5 MB of HTML, and three times that at
  3,000, which plain Material does not have to write. This is part of what a costs more than b.
"""


# --- main ----------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,3000", help="numbers of case studies, comma-separated "
                        "(default 100,1000,3000); each size also gets N/5 episodes")
    parser.add_argument("--runs", type=int, default=5,
                        help="timed builds of each kind per size; the median is kept (default 5)")
    parser.add_argument("--feed-episodes", type=int, default=5000,
                        help="episodes in the feed-only timing (default 5000)")
    parser.add_argument("--write", metavar="PATH",
                        help="also write the results as a page of the site, e.g. PERFORMANCE.md")
    parser.add_argument("--profile", type=int, metavar="N", help="instead, profile one in-process rebuild at size N")
    parser.add_argument("--serve", action="store_true",
                        help="instead, time edit → visible in `make serve` against a full rebuild (sizes 100,1000 "
                             "unless --sizes); with --write, replaces that section of the page only")
    args = parser.parse_args()
    mp3s = voices()
    if args.profile:
        profile(args.profile, mp3s)
        return 0
    if args.serve:
        sizes = sorted(int(s) for s in (args.sizes if args.sizes != "100,1000,3000" else "100,1000").split(","))
        edits = serve_bench(sizes, mp3s)
        print("\n" + render_serve(edits))
        if args.write:
            write_serve_section(Path(args.write), serve_section(edits))
            print(f"wrote {args.write}")
        return 0
    sizes = sorted(int(s) for s in args.sizes.split(","))
    started = time.perf_counter()
    print(f"Benchmark on {machine()}; sizes {sizes}, {args.runs} runs each", flush=True)
    rows: list[dict[str, Any]] = []
    reads = None
    reads_at = 1000 if 1000 in sizes else max(sizes)
    with tempfile.TemporaryDirectory(prefix="cln-bench-") as tmp:
        for n in sizes:
            folder = Path(tmp) / f"n{n}"
            t0 = time.perf_counter()
            ours, plain = generate(folder, n, mp3s)
            print(f"N={n}: generated {n:,} case studies and {n // 5:,} episodes in {time.perf_counter() - t0:.1f} s",
                  flush=True)
            site_a, site_b = folder / "site-a", folder / "site-b"
            cold, _ = build(ours, site_a)  # reads and tags every MP3 once
            cold_b, _ = build(plain, site_b)
            print(f"  untimed first builds: a {cold:.2f} s (cold: audio read and tagged), b {cold_b:.2f} s", flush=True)
            a_runs, b_runs, a_mem, b_mem = [], [], [], []
            for run in range(args.runs):
                seconds, mem = build(ours, site_a)
                a_runs.append(seconds)
                a_mem.append(mem)
                seconds, mem = build(plain, site_b)
                b_runs.append(seconds)
                b_mem.append(mem)
                print(f"  run {run + 1}: a {a_runs[-1]:.2f} s ({a_mem[-1]:.0f} MB), b {b_runs[-1]:.2f} s "
                      f"({b_mem[-1]:.0f} MB)", flush=True)
            a, b = statistics.median(a_runs), statistics.median(b_runs)
            pages = n + n // 5
            rows.append({
                "n": n, "episodes": n // 5, "pages": pages, "a": a, "b": b, "ratio": a / b, "cold": cold,
                "paired": statistics.median(x / y for x, y in zip(a_runs, b_runs, strict=True)),
                "a_page": a / pages, "b_page": b / pages, "a_mem": max(a_mem), "b_mem": max(b_mem),
                "a_site": folder_mb(site_a), "b_site": folder_mb(site_b),
                "a_index": folder_mb(site_a / "pagefind"),
                "b_index": (site_b / "search/search_index.json").stat().st_size / 1e6,
                "a_html": html_pages(site_a), "b_html": html_pages(site_b),
            })
            print(f"  median: a {a:.2f} s, b {b:.2f} s, a/b {a / b:.3f}; HTML pages a {rows[-1]['a_html']:,}, "
                  f"b {rows[-1]['b_html']:,}", flush=True)
            c = reader_costs(site_a)
            rows[-1]["readers"] = c
            print(f"  reader: {c['before_open']} bytes of search before opening; one word {c['search_kb']:.0f} KB, "
                  f"first results {c['first_result_s']:.2f} s; Explore with two facets {c['explore_kb']:.0f} KB "
                  f"({c['explore_pagefind_kb']:.0f} KB index), {c['explore_s']:.2f} s", flush=True)
            if n == reads_at:
                reads = {"n": n, **audio_reads_on_rebuild(ours, site_a)}
                print(f"  audio files read on unchanged rebuild: {reads['probe_reads']} (catalogue.audio_reads "
                      f"{reads['catalogue_audio_reads']}, tagged copies made {reads['tagged_now']}, probe cache "
                      f"{'rewritten' if reads['cache_rewritten'] else 'untouched'})", flush=True)
            shutil.rmtree(folder)
    t0 = time.perf_counter()
    feed = feed_seconds(args.feed_episodes, args.runs, mp3s)
    print(f"Podcast feed alone, {args.feed_episodes:,} episodes: {feed:.3f} s (median; set-up "
          f"{time.perf_counter() - t0:.0f} s in all)", flush=True)
    total = time.perf_counter() - started
    print()
    print(render(rows))
    print()
    if reads is not None:
        print(f"audio files read on unchanged rebuild: {reads['probe_reads']}")
    print(f"podcast feed for {args.feed_episodes:,} episodes: {feed:.2f} s")
    print()
    for what, figure, result in targets(rows, feed, args.feed_episodes, reads):
        print(f"- {what}: {figure}: {result}")
    print(f"\nbenchmark took {total / 60:.1f} minutes")
    if args.write:
        path = Path(args.write)
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        path.write_text(page(rows, feed, args.feed_episodes, reads, args.runs, total), encoding="utf-8")
        # Sections measured by other runs stay: the preview's (--serve) and scripts/lighthouse.py's.
        for start, end in ((SERVE_START, SERVE_END), ("<!-- lighthouse -->", "<!-- /lighthouse -->")):
            if start in old and end in old:
                write_serve_section(path, start + old.split(start, 1)[1].split(end, 1)[0] + end, start, end)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
