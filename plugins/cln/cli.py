"""The editors' commands: ``cln check``, ``cln fix``, ``cln new case-study|episode "Title"``, ``cln schema``.

``check`` uses the same core as the build, without building the site.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import uuid

from . import export as export_mod
from . import schema as schema_mod
from .audio import AudioProbe
from .catalogue import Settings, load_catalogue
from .errors import ContentError, Problem, unexpected
from .render import MarkdownSettings
from .settings import NETWORK_EMAIL, ShowSettings

SCHEMA_LINE = "# yaml-language-server: $schema={path}"


def find_root(start: str) -> str:
    """The project folder: the nearest folder upwards holding mkdocs.yml."""
    here = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(here, "mkdocs.yml")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return os.path.abspath(start)
        here = parent


def _mkdocs_config(root: str) -> dict:
    """mkdocs.yml as plain data (MkDocs' own !tags read as nothing); {} when it cannot be read."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    try:
        with open(os.path.join(root, "mkdocs.yml"), encoding="utf-8") as fh:
            config = yaml.load(fh, Loader=Loader) or {}
    except (OSError, yaml.YAMLError):
        return {}
    return config if isinstance(config, dict) else {}


def project_settings(root: str) -> Settings:
    """The settings the build uses, read from mkdocs.yml, so the check checks what the build checks."""
    config = _mkdocs_config(root)
    emails: tuple[str, ...] = ()
    show_art = ShowSettings.image
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and isinstance(plugin.get("cln"), dict):
            emails = tuple(plugin["cln"].get("network_emails") or ())
            podcast = plugin["cln"].get("podcast")
            if isinstance(podcast, dict) and isinstance(podcast.get("image"), str):
                show_art = podcast["image"]
    return Settings(root=root, include_drafts=True, network_emails=emails or (NETWORK_EMAIL,), show_art=show_art,
                    cache_dir=os.path.join(root, ".cache", "cln"), docs_dir=str(config.get("docs_dir") or "docs"),
                    markdown=MarkdownSettings.from_mkdocs(config.get("markdown_extensions") or []))


def slugify(title: str) -> str:
    """A file name from a title: lowercase letters, digits and hyphens, at most 60 characters."""
    import unicodedata

    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug[:60].rstrip("-") or "untitled"


def cmd_check(args: argparse.Namespace) -> int:
    root = find_root(args.root or os.getcwd())
    settings = project_settings(root)
    probe = AudioProbe(os.path.join(root, ".cache", "cln", "audio.json"))
    wanted = {os.path.relpath(os.path.abspath(p), root).replace(os.sep, "/") for p in args.paths}
    wanted |= _media_of(root, wanted)
    warnings: list[Problem] = []
    try:
        catalogue = load_catalogue(settings, probe, warnings=warnings)
        problems, allowed = [], catalogue.allowed
        counts = (len(catalogue.case_studies), len(catalogue.episodes))
    except ContentError as exc:
        problems, allowed, counts = exc.problems, [], None
    finally:
        probe.save()

    def keep(path: str) -> bool:
        return not wanted or any(path == w or path.startswith(w.rstrip("/") + "/") for w in wanted)

    problems = [p for p in problems if keep(p.path)]
    allowed = [a for a in allowed if keep(a.path)]
    warnings = [w for w in warnings if keep(w.path)]
    if args.format == "json":
        print(json.dumps({
            "ok": not problems,
            "problems": [{"path": p.path, "line": p.line, "field": p.field, "message": p.message} for p in problems],
            "warnings": [{"path": w.path, "line": w.line, "field": w.field, "message": w.message} for w in warnings],
            "allowed": [{"path": a.path, "line": a.line, "kind": a.kind, "reason": a.reason} for a in allowed],
        }, indent=2))
    elif args.format == "github":
        for p in problems:
            title = _property(p.field or "content")
            print(f"::error file={_property(p.path)},line={max(p.line, 1)},title={title}::{_data(p.message)}")
        for w in warnings:
            print(f"::warning file={_property(w.path)},line={max(w.line, 1)},title={_property(w.field)}::"
                  f"{_data(w.message)}")
        for a in allowed:
            print(f"::notice file={_property(a.path)},line={a.line},title=privacy allowed::"
                  f"{_data(f'{a.kind} allowed: {a.reason}')}")
    else:
        _print_text(problems, warnings, allowed, counts)
    return 1 if problems else 0


def _print_text(problems: list[Problem], warnings: list[Problem], allowed: list,
                counts: tuple[int, int] | None) -> None:
    """The check's report for a person: problems, warnings, reviewed exceptions, then a summary."""
    for p in problems:
        print(p)
    for w in warnings:
        print(f"{w.path}:{w.line}: {w.field}: warning: {w.message}")
    if allowed:
        print(f"{len(allowed)} reviewed privacy exception{'s' * (len(allowed) != 1)} (privacy-allow):")
        for a in allowed:
            print(f"  {a.path}:{a.line}: {a.kind}: {a.reason}")
    if problems:
        files = len({p.path for p in problems})
        print(f"\n{len(problems)} problem{'s' * (len(problems) != 1)} in {files} file{'s' * (files != 1)}. "
              "Fix each line above and run the check again.")
    elif counts:
        print(f"All good: {counts[0]} case studies and {counts[1]} episodes checked.")
    else:
        print("All good.")
    if warnings:
        print(f"{len(warnings)} warning{'s' * (len(warnings) != 1)}: advice, which never stops the site "
              "being published.")


def cmd_fix(args: argparse.Namespace) -> int:
    """Rewrite display names and near misses as slugs, and day-first dates as YYYY-MM-DD."""
    from .files import content_files
    from .fix import fix_files
    from .taxonomy import Taxonomy

    root = find_root(args.root or os.getcwd())
    settings = project_settings(root)
    try:
        taxonomy = Taxonomy.load(settings.taxonomy_path)
    except ContentError as exc:
        print(exc.report())
        return 1
    wanted = [os.path.relpath(os.path.abspath(p), root).replace(os.sep, "/") for p in args.paths]
    paths = []
    for folder in (settings.case_studies_dir, settings.podcasts_dir):
        for path in content_files(folder, root)[0]:
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            if not wanted or any(rel == w or rel.startswith(w.rstrip("/") + "/") for w in wanted):
                paths.append(rel)
    changes = fix_files(root, paths, taxonomy, write=not args.dry_run)
    for change in changes:
        print(change)
    made = [c for c in changes if c.new is not None]
    files = len({c.path for c in made})
    if not made:
        print("Nothing to fix." if not changes else "Nothing fixed: the values above need your choice.")
    elif args.dry_run:
        print(f"Would fix {len(made)} value{'s' * (len(made) != 1)} in {files} file{'s' * (files != 1)}; "
              "run `cln fix` without --dry-run to write them.")
    else:
        print(f"Fixed {len(made)} value{'s' * (len(made) != 1)} in {files} file{'s' * (files != 1)}; "
              "nothing else in the files was changed. Run `cln check` next.")
    return 0


def _data(text: str) -> str:
    """Text for the message part of a GitHub workflow command: one line, whatever it holds."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """Text for a property (file=, title=) of a GitHub workflow command."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _media_of(root: str, wanted: set[str]) -> set[str]:
    """The audio, transcript and art files of the episodes named, so their problems are shown too."""
    from .yamlsource import read_source

    found = set()
    for path in wanted:
        if not (path.startswith("podcasts/") and path.endswith(".md")):
            continue
        try:
            with open(os.path.join(root, path), "rb") as fh:
                source, _ = read_source(path, fh.read())
        except OSError:
            continue
        data = source.data if source is not None else {}
        for key in ("audio", "transcript", "image"):
            if isinstance(data.get(key), str):
                found.add("podcasts/" + os.path.normpath(data[key]).replace(os.sep, "/"))
    return found


def cmd_new(args: argparse.Namespace) -> int:
    root = find_root(args.root or os.getcwd())
    slug = slugify(args.title)
    folder = "case_studies" if args.kind == "case-study" else "podcasts"
    path = os.path.join(root, folder, f"{slug}.md")
    if os.path.exists(path):
        print(f"{os.path.relpath(path)} already exists; choose another title, or edit that file.", file=sys.stderr)
        return 1
    today = (args.date or dt.date.today().isoformat())
    title = args.title.replace('\\', '\\\\').replace('"', '\\"')
    text = (case_study_template if args.kind == "case-study" else episode_template)(title, today, slug)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "x", encoding="utf-8") as fh:
        fh.write(text)
    print(f"Wrote {os.path.relpath(path)}. Fill in every field, then run: cln check {os.path.relpath(path)}")
    return 0


def case_study_template(title: str, today: str, slug: str) -> str:
    return f"""---
{SCHEMA_LINE.format(path="../schema/case-study.schema.json")}
title: "{title}"  # required: 1 to 120 characters
summary: >-  # required: 1 to 300 characters of plain text, what happened and what changed
  Write one or two sentences here.
date: {today}  # required: date of publication, YYYY-MM-DD
# updated: {today}  # optional: date of the last real change, not before date
region: north-west  # required: one of the slugs on the Regions page, or national
topics: [planned-care]  # required: 1 to 4 slugs from the Topics page
professions: []  # optional: slugs from the Professions page, e.g. [nurse, general-practitioner]
competencies: []  # optional: slugs from the Competencies page, e.g. [influencing-change]
authors:  # required: at least one
  - name: Your Name  # required
    role: Your role  # optional
    organisation: Your organisation  # optional
evidence: reported  # measured (figures from named records), reported (your own account) or illustrative (invented)
key_points:  # optional: at most five short sentences, shown at the top
  - Write one or two sentences here.
outcomes:  # optional: results, shown prominently
  - measure: What you measured  # required in each outcome
    before: "value before"  # required
    after: "value after"  # required
    period: three months  # optional
    source: Where the figures come from  # optional; required when evidence is measured
    sample: How many, e.g. 212 referrals  # optional: the denominator
# contact: {NETWORK_EMAIL}  # optional: an address of the network, never a patient's
draft: true  # true while you write: shown by make serve only; remove or set false to publish
---
## The problem

## What we did

## Outcomes

## Lessons

## Next steps
"""


def episode_template(title: str, today: str, slug: str) -> str:
    return f"""---
{SCHEMA_LINE.format(path="../schema/episode.schema.json")}
title: "{title}"  # required: 1 to 120 characters
summary: >-  # required: 1 to 300 characters of plain text; podcast apps show it
  Write one or two sentences here.
date: {today}  # required: publication date (09:00 London time) or 2009-02-12T09:00:00+00:00
guid: {uuid.uuid4()}  # required: made for you; never change it once published
audio: audio/{slug}.mp3  # required: the MP3 (or .m4a) in podcasts/audio/
transcript: transcripts/{slug}.vtt  # required: WebVTT, SRT or plain text in podcasts/transcripts/
# episode: 1  # optional: a positive whole number, unique within the season
# season: 1  # optional: a positive whole number
type: full  # optional: full, trailer or bonus
explicit: false  # optional: true only for explicit content
topics: []  # optional: slugs from the Topics page
guests:  # optional: the people interviewed
  - name: Guest Name  # required in each guest
    role: Their role  # optional
chapters:  # optional: times as "MM:SS" or "HH:MM:SS", in order, within the audio
  - start: "00:00"
    title: Introduction
# image: art/{slug}.png  # optional: episode art in podcasts/art/
draft: true  # true while you prepare it: shown by make serve only
---
Show notes in Markdown: what the episode covers, and links to related case studies.
"""


def cmd_schema(args: argparse.Namespace) -> int:
    root = find_root(args.root or os.getcwd())
    written = schema_mod.write_schemas(root, os.path.join(root, args.out))
    for path in written:
        print(f"Wrote {os.path.relpath(path)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cln", description="The Clinical Leaders Network site's editor commands.")
    parser.add_argument("--root", help="the project folder (default: the nearest folder with mkdocs.yml)")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="check content without building the site")
    check.add_argument("paths", nargs="*", help="files or folders to report on (default: everything)")
    check.add_argument("--format", choices=("text", "github", "json"), default="text")
    check.set_defaults(func=cmd_check)
    fix = sub.add_parser("fix", help="rewrite names as slugs and day-first dates as YYYY-MM-DD, where sure")
    fix.add_argument("paths", nargs="*", help="files or folders to fix (default: all content)")
    fix.add_argument("--dry-run", action="store_true", help="show the changes without writing them")
    fix.set_defaults(func=cmd_fix)
    new = sub.add_parser("new", help="start a new case study or episode")
    new.add_argument("kind", choices=("case-study", "episode"))
    new.add_argument("title")
    new.add_argument("--date", help=argparse.SUPPRESS)
    new.set_defaults(func=cmd_new)
    schema = sub.add_parser("schema", help="write the JSON Schemas of both front matters")
    schema.add_argument("--out", default="schema")
    schema.set_defaults(func=cmd_schema)
    export_mod.add_command(sub)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if os.environ.get("CLN_DEBUG"):
            raise
        print(unexpected(exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
