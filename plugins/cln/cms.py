"""The web editor at /admin/ (Decap CMS): its configuration, made from the same models as the JSON
Schemas (schema.py), and the files the site serves for it.

One source of truth: every field, whether it is required, its lengths and its allowed values come
from the JSON Schema of ``CaseStudyMeta`` and ``EpisodeMeta``; the help under each field is the
comment ``cln new`` writes beside it (cli.py's templates); the taxonomy's selects come from
taxonomy.yml. The form then refuses what the check would refuse, before anything is saved: editors
in a browser never see a pull request's annotations.

The editor's script is Decap CMS from npm (package.json pins it; ``make build`` installs it). When
it is not installed (someone running ``mkdocs build`` by hand), the site is built without /admin/.
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass
from typing import Any

import yaml

from .content import EVIDENCE_LEVELS
from .schema import schemas
from .taxonomy import Taxonomy

HERE = os.path.join(os.path.dirname(__file__), "admin")
BUNDLE = os.path.join("node_modules", "decap-cms", "dist")  # relative to the project folder
# Decap's local backend (decap-server, `make edit`): the page asks for it only on localhost.
LOCAL_BACKEND = "http://localhost:8081"
GITHUB_API = "https://api.github.com"
COLLECTIONS = (
    # name, label, singular, folder, schema, the `cln new` template's kind
    ("case_studies", "Case studies", "Case study", "case_studies", "case-study.schema.json", "case-study"),
    ("episodes", "Podcast episodes", "Episode", "podcasts", "episode.schema.json", "episode"),
)
TAXONOMY_FIELDS = {"region": "regions", "topics": "topics", "professions": "professions",
                   "competencies": "competencies"}
LABELS = {"key_points": "Key points", "guid": "GUID (made for you)", "audio": "Audio file", "image": "Episode art",
          "transcript": "Transcript file", "draft": "Draft (not published)", "explicit": "Explicit content",
          "type": "Episode type", "episode": "Episode number", "season": "Season number", "start": "Start time",
          "sample": "Sample (the denominator)"}
# Episode files, each in its folder under podcasts/, stored as the path from podcasts/ the contract wants.
FILES = {
    "audio": ("audio", r"^audio/[^/]+\.(mp3|m4a)$", "an MP3 or M4A file in podcasts/audio/"),
    "transcript": ("transcripts", r"^transcripts/[^/]+\.(vtt|srt|txt)$",
                   "a WebVTT, SRT or plain-text file in podcasts/transcripts/"),
    "image": ("art", r"^art/[^/]+\.(png|jpg|jpeg)$", "a PNG or JPEG in podcasts/art/"),
}
CLOCK = (r"^(\d{2}:[0-5]\d|\d{1,2}:[0-5]\d:[0-5]\d)$", 'a time as MM:SS or HH:MM:SS, e.g. 01:30')
DATE_FORMAT = "YYYY-MM-DD"  # moment.js formats, as the contract writes dates
MOMENT_FORMAT = "YYYY-MM-DDTHH:mm:ssZ"  # 2009-02-12T09:00:00+00:00
BODY = {
    "case-study": {"label": "Body", "hint": "The problem, what was done, outcomes, lessons, next steps."},
    "episode": {"label": "Show notes", "hint": "What the episode covers, and links to related case studies."},
}


@dataclass(frozen=True)
class EditorSettings:
    """Where the editor saves: the GitHub repository and, for signing in, the network's OAuth service."""

    repo: str = ""  # owner/name; from mkdocs.yml's repo_url
    branch: str = "main"
    base_url: str = ""  # the OAuth service (mkdocs.yml: extra: cms: base_url), e.g. https://auth.example.org
    auth_endpoint: str = ""  # its path, when not auth

    @classmethod
    def from_mkdocs(cls, config: dict) -> EditorSettings:
        """From mkdocs.yml read as plain data: ``repo_url`` and ``extra: cms: {base_url, auth_endpoint, branch}``."""
        repo_url = str(config.get("repo_url") or "")
        m = re.match(r"^https://github\.com/([^/]+/[^/#?]+?)(?:\.git)?/?$", repo_url)
        extra = (config.get("extra") or {}).get("cms") or {}
        if not isinstance(extra, dict):
            extra = {}
        return cls(repo=m.group(1) if m else "", branch=str(extra.get("branch") or "main"),
                   base_url=str(extra.get("base_url") or "").rstrip("/"),
                   auth_endpoint=str(extra.get("auth_endpoint") or ""))


def editor_settings(root: str) -> EditorSettings:
    """The editor's settings from the project's mkdocs.yml."""
    from .cli import _mkdocs_config

    return EditorSettings.from_mkdocs(_mkdocs_config(root))


# --- the help text `cln new` writes ------------------------------------------------------------

_LINE = re.compile(r"^(?P<indent> *)(?:# )?(?:- )?(?P<key>[a-z_]+):(?: (?P<value>.*?))?(?:\s+# (?P<comment>.*))?$")


def template_hints(kind: str) -> dict[str, str]:
    """``{"title": "1 to 120 characters", "authors.name": ..., ...}``: the comments of ``cln new``'s file."""
    from .cli import case_study_template, episode_template

    make = case_study_template if kind == "case-study" else episode_template
    text = make("Title", "2009-01-15", "slug").split("---\n")[1]
    hints: dict[str, str] = {}
    parent = ""
    for line in text.splitlines():
        m = _LINE.match(line)
        if not m or line.startswith("# yaml-language-server"):
            continue
        key = m["key"] if not m["indent"] else f"{parent}.{m['key']}"
        if not m["indent"]:
            parent = m["key"]
        comment = (m["comment"] or "").strip()
        comment = re.sub(r"^(required|optional)(?: in each \w+)?(?:[:;] ?|$)", "", comment).strip()
        if comment:
            hints[key] = comment[0].upper() + comment[1:]
    return hints


# --- fields ---------------------------------------------------------------------------------------

def _label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


def _plain(prop: dict) -> dict:
    """A property without its ``null`` alternative (optional fields are ``anyOf: [X, null]``)."""
    for variant in prop.get("anyOf", []):
        if variant.get("type") != "null":
            return {**{k: v for k, v in prop.items() if k != "anyOf"}, **variant}
    return prop


def _length(prop: dict) -> list[str] | None:
    """A pattern for a text's lengths, as the model counts them (after collapsing white space)."""
    low, high = prop.get("minLength"), prop.get("maxLength")
    if low is None and high is None:
        return None
    low = low or 0
    if high is None:
        return [rf"^[\s\S]{{{low},}}$", f"at least {low} characters"]
    words = f"{low} to {high} characters" if low else f"at most {high} characters"
    # Not blank (the check strips white space), and within the lengths.
    return [rf"^(?=[\s\S]*\S)[\s\S]{{{low},{high}}}$", words]


def _options(taxonomy: Taxonomy, kind: str) -> list[dict[str, str]]:
    return [{"label": t.name, "value": t.slug} for t in taxonomy.terms.get(kind, [])]


@dataclass(frozen=True)
class _Context:
    """What every field of one collection is made with."""

    kind: str  # "case-study" or "episode"
    defs: dict  # the schema's nested models
    hints: dict[str, str]
    taxonomy: Taxonomy


def _field(name: str, prop: dict, required: bool, path: str, ctx: _Context) -> dict[str, Any]:
    """One Decap field from one JSON Schema property."""
    prop = _plain(prop)
    out: dict[str, Any] = {"name": name, "label": _label(name), "required": required}
    hint = ctx.hints.get(path) or prop.get("description", "")
    if hint:
        out["hint"] = hint
    out.update(_special(name, prop, path, ctx) or _by_type(name, prop, required, path, ctx))
    return out


def _special(name: str, prop: dict, path: str, ctx: _Context) -> dict[str, Any] | None:
    """The fields whose widget is not told by their type: taxonomy, guid, files, chapter times."""
    if name in TAXONOMY_FIELDS and path == name:
        out: dict[str, Any] = {"widget": "select", "options": _options(ctx.taxonomy, TAXONOMY_FIELDS[name])}
        if prop.get("type") == "array":
            out["multiple"] = True
            out.update(_bounds(prop))
        return out
    if path == "guid":
        return {"widget": "uuid", "pattern": [r"^[\x21-\x7e]{1,200}$", "letters, digits and punctuation, no spaces"]}
    if ctx.kind == "episode" and path in FILES:
        folder, pattern, words = FILES[path]
        return {"widget": "file", "media_folder": f"/podcasts/{folder}", "public_folder": folder, "choose_url": False,
                "pattern": [pattern, words]}
    if path == "chapters.start":
        return {"widget": "string", "pattern": list(CLOCK)}
    if "enum" in prop:
        labels = EVIDENCE_LEVELS if name == "evidence" else {}
        out = {"widget": "select",
               "options": [{"label": f"{v}: {labels[v]}" if v in labels else v, "value": v} for v in prop["enum"]]}
        if "default" in prop:
            out["default"] = prop["default"]
        return out
    return None


def _bounds(prop: dict) -> dict[str, int]:
    """A list's least and most entries, as Decap's min and max."""
    return {key: prop[source] for key, source in (("min", "minItems"), ("max", "maxItems")) if prop.get(source)}


def _by_type(name: str, prop: dict, required: bool, path: str, ctx: _Context) -> dict[str, Any]:
    """Dates, toggles, whole numbers, lists and text, from the property's type."""
    ptype = prop.get("type")
    if prop.get("format") in ("date", "date-time"):
        date_only = prop["format"] == "date"
        out: dict[str, Any] = {"widget": "datetime", "format": DATE_FORMAT if date_only else MOMENT_FORMAT,
                               "date_format": DATE_FORMAT, "time_format": False if date_only else "HH:mm",
                               "picker_utc": date_only}
        if not required:
            out["default"] = ""  # otherwise the editor fills in today
        return out
    if ptype == "boolean":
        return {"widget": "boolean", "default": bool(prop.get("default", False))}
    if ptype == "integer":
        low = prop["exclusiveMinimum"] + 1 if "exclusiveMinimum" in prop else prop.get("minimum")
        return {"widget": "number", "value_type": "int", "step": 1, **({"min": low} if low is not None else {})}
    if ptype == "array":
        return _list(name, prop, path, ctx)
    out = {"widget": "text" if (prop.get("maxLength") or 0) > 200 else "string"}
    pattern = _length(prop)
    if pattern:
        out["pattern"] = pattern
    return out


def _list(name: str, prop: dict, path: str, ctx: _Context) -> dict[str, Any]:
    """A list of objects (authors, outcomes, guests, chapters) or of short texts (key points)."""
    singular = _label(name).removesuffix("s")
    out: dict[str, Any] = {"widget": "list", "label_singular": singular, **_bounds(prop)}
    items = prop.get("items", {})
    ref = items.get("$ref", "").rsplit("/", 1)[-1]
    if ref:
        sub = ctx.defs[ref]
        out["collapsed"] = False
        out["fields"] = [_field(k, v, k in sub.get("required", []), f"{path}.{k}", ctx)
                         for k, v in sub["properties"].items()]
        out["summary"] = f"{{{{fields.{next(iter(sub['properties']))}}}}}"
    else:
        item = _field(name.removesuffix("s") or name, items, True, f"{path}[]", ctx)
        item["label"] = singular
        out["field"] = item
    return out


def collection_fields(schema: dict, kind: str, taxonomy: Taxonomy) -> list[dict[str, Any]]:
    """Every field of one front matter, in the model's order, then the Markdown body."""
    ctx = _Context(kind=kind, defs=schema.get("$defs", {}), hints=template_hints(kind), taxonomy=taxonomy)
    required = set(schema.get("required", []))
    fields = [_field(name, prop, name in required, name, ctx) for name, prop in schema["properties"].items()]
    body: dict[str, Any] = {"name": "body", "widget": "markdown", "required": False, **BODY[kind]}
    if kind == "case-study":
        body["default"] = "## The problem\n\n## What we did\n\n## Outcomes\n\n## Lessons\n\n## Next steps\n"
    return [*fields, body]


def config(taxonomy: Taxonomy, editor: EditorSettings, site_url: str = "") -> dict[str, Any]:
    """The editor's whole configuration (admin/config.yml)."""
    backend: dict[str, Any] = {"name": "github", "repo": editor.repo or "OWNER/REPOSITORY", "branch": editor.branch,
                               "squash_merges": True}
    if editor.base_url:
        backend["base_url"] = editor.base_url
    if editor.auth_endpoint:
        backend["auth_endpoint"] = editor.auth_endpoint
    made = schemas(taxonomy)
    collections = []
    for name, label, singular, folder, schema_name, kind in COLLECTIONS:
        collections.append({
            "name": name, "label": label, "label_singular": singular, "folder": folder, "create": True,
            "extension": "md", "format": "frontmatter", "slug": "{{slug}}", "identifier_field": "title",
            "summary": "{{title}} ({{date}})", "sortable_fields": ["date", "title"],
            "fields": collection_fields(made[schema_name], kind, taxonomy),
        })
    out: dict[str, Any] = {
        "backend": backend,
        "publish_mode": "editorial_workflow",  # each new or changed entry is a pull request
        "local_backend": True,  # `make edit`: decap-server on this machine, saving into the working tree
        "media_folder": "docs/assets/uploads",
        "public_folder": "/assets/uploads",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": collections,
    }
    if site_url:
        out["site_url"] = out["display_url"] = site_url
    return out


def render(cfg: dict[str, Any]) -> bytes:
    head = ("# Made by the build from the content models and taxonomy.yml (plugins/cln/cms.py): do not edit.\n")
    return (head + yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True, width=120)).encode("utf-8")


# --- the page and its files ------------------------------------------------------------------------

def policy(editor: EditorSettings) -> str:
    """The editor page's own Content-Security-Policy: the site, the local backend of `make edit`,
    GitHub's API and the network's sign-in service; nothing else."""
    connect = ["'self'", LOCAL_BACKEND, GITHUB_API]
    if editor.base_url:
        connect.append(editor.base_url)
    return ("default-src 'self'; "
            # Decap's bundled code compiles its config schema (ajv) with new Function(): 'unsafe-eval'.
            "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; "
            "style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob: https://avatars.githubusercontent.com; "
            "media-src 'self' blob:; "
            "font-src 'self' data:; "
            f"connect-src {' '.join(connect)}; "
            "frame-src 'self' blob:; "
            "worker-src 'self' blob:; "
            "object-src 'none'; "
            "base-uri 'self'; "
            "form-action 'self'")


def bundle_files(root: str) -> list[str]:
    """The paths of Decap's built script, its chunks and licence, or [] when it is not installed."""
    folder = os.path.join(root, BUNDLE)
    main = os.path.join(folder, "decap-cms.js")
    if not os.path.isfile(main):
        return []
    chunks = sorted(glob.glob(os.path.join(folder, "*.decap-cms.js")) + glob.glob(os.path.join(folder, "*.wasm")))
    return [main, os.path.join(folder, "decap-cms.js.LICENSE.txt"), *chunks]


def admin_files(root: str, taxonomy: Taxonomy, editor: EditorSettings,
                site_url: str = "") -> tuple[dict[str, bytes], dict[str, str]]:
    """The files of /admin/: (made: address → bytes, copied: address → path); both empty without Decap."""
    bundle = bundle_files(root)
    if not bundle:
        return {}, {}
    with open(os.path.join(HERE, "index.html"), encoding="utf-8") as fh:
        page = fh.read().replace("{policy}", policy(editor))
    made = {"admin/index.html": page.encode("utf-8"), "admin/config.yml": render(config(taxonomy, editor, site_url))}
    copied = {f"admin/{os.path.basename(p)}": p for p in bundle if os.path.isfile(p)}
    for name in sorted(os.listdir(HERE)):
        if name != "index.html" and not name.startswith("."):
            copied[f"admin/{name}"] = os.path.join(HERE, name)
    return made, copied
