"""The web editor's configuration (/admin/config.yml) against the content models: every field of
every model is in the form, with the rules the check applies, so what an editor can save is what
the check accepts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

import pytest
import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from cln import cms
from cln.cli import case_study_template, episode_template
from cln.content import CaseStudyMeta, EpisodeMeta
from cln.taxonomy import Taxonomy

REPO = Path(__file__).resolve().parents[2]
TAXONOMY = Taxonomy.load(str(REPO / "taxonomy.yml"))
CONFIG = yaml.safe_load(cms.render(cms.config(TAXONOMY, cms.EditorSettings(repo="nhs-example/cln-site"))))
COLLECTIONS = {"case_studies": CaseStudyMeta, "episodes": EpisodeMeta}
LENGTHS = (0, 1, 2, 79, 80, 81, 119, 120, 121, 199, 200, 201, 299, 300, 301)


def collection(name: str) -> dict:
    return next(c for c in CONFIG["collections"] if c["name"] == name)


def fields_of(fields: list[dict]) -> dict[str, dict]:
    return {f["name"]: f for f in fields}


def nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = nested_model(arg)
        if found:
            return found
    return None


def list_bounds(info) -> tuple[int | None, int | None]:
    low = next((m.min_length for m in info.metadata if getattr(m, "min_length", None) is not None), None)
    high = next((m.max_length for m in info.metadata if getattr(m, "max_length", None) is not None), None)
    return low, high


def adapter(info) -> TypeAdapter:
    return TypeAdapter(Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation)


def accepts(ta: TypeAdapter, value: Any) -> bool:
    try:
        return ta.validate_python(value) is not None
    except ValidationError:
        return False


def walk(model: type[BaseModel], fields: list[dict], path: str = ""):
    """Every (path, model field, form field) pair, into lists of objects."""
    form = fields_of(fields)
    for name, info in model.model_fields.items():
        assert name in form, f"{model.__name__}.{name} is not in the editor's form"
        yield f"{path}{name}", info, form[name]
        inner = nested_model(info.annotation)
        if inner is not None:
            assert form[name]["widget"] == "list" and "fields" in form[name], name
            yield from walk(inner, form[name]["fields"], f"{path}{name}.")


ALL = [(coll, path, info, field) for coll, model in COLLECTIONS.items()
       for path, info, field in walk(model, collection(coll)["fields"])]


@pytest.mark.parametrize("coll, path, info, field", ALL, ids=[f"{c}:{p}" for c, p, _, _ in ALL])
def test_every_field_of_the_models_is_in_the_form_with_its_rules(coll, path, info, field):
    assert field["label"] and field.get("hint"), f"{path} has no label or help text"
    assert field["required"] is info.is_required(), f"{path}: required should be {info.is_required()}"
    widget = field["widget"]
    origin = get_origin(info.annotation)
    if path in cms.TAXONOMY_FIELDS:
        kind = cms.TAXONOMY_FIELDS[path]
        # Names shown, slugs stored, every value of taxonomy.yml.
        assert widget == "select"
        assert [o["value"] for o in field["options"]] == TAXONOMY.slugs(kind)
        assert [o["label"] for o in field["options"]] == [t.name for t in TAXONOMY.terms[kind]]
        assert field.get("multiple", False) is (origin is list)
    elif origin is list and widget == "list":
        low, high = list_bounds(info)
        assert field.get("min") == low and field.get("max") == high, path
    if origin is list and path in cms.TAXONOMY_FIELDS:
        low, high = list_bounds(info)
        assert field.get("min") == low and field.get("max") == high, path
    literal = [a for a in (info.annotation, *get_args(info.annotation)) if get_origin(a) is Literal]
    if literal:
        assert widget == "select" and [o["value"] for o in field["options"]] == list(get_args(literal[0]))
        assert field["default"] == info.default
    if info.annotation is bool:
        assert widget == "boolean" and field["default"] is info.default
    pattern = field.get("pattern")
    if pattern and widget in ("string", "text"):
        # The form's pattern agrees with the model at every length around its limits.
        ta = adapter(info)
        regex = re.compile(pattern[0])
        for n in LENGTHS:
            text = "x" * n
            assert bool(regex.search(text)) is accepts(ta, text) or (n == 0 and not info.is_required()), (path, n)
        assert not regex.search("   "), f"{path}: the form lets blank text through"


def test_text_fields_limited_by_the_model_all_carry_a_pattern_with_a_message():
    for coll, path, info, field in ALL:
        if field["widget"] in ("string", "text"):
            ta = adapter(info)
            if accepts(ta, "x") and not accepts(ta, "x" * 301):
                assert field.get("pattern") and field["pattern"][1], f"{coll}:{path} has no length pattern"
    assert fields_of(collection("case_studies")["fields"])["key_points"]["field"]["pattern"][1] == "1 to 200 characters"
    assert fields_of(collection("case_studies")["fields"])["key_points"]["max"] == 5


def test_the_help_under_each_field_is_what_cln_new_writes():
    case_study = fields_of(collection("case_studies")["fields"])
    assert "# required: 1 to 120 characters" in case_study_template("T", "2009-01-15", "t")
    assert case_study["title"]["hint"] == "1 to 120 characters"
    assert case_study["evidence"]["hint"].startswith("Measured (figures from named records)")
    assert fields_of(case_study["outcomes"]["fields"])["source"]["hint"] == "Required when evidence is measured"
    episode = fields_of(collection("episodes")["fields"])
    assert "never change it once published" in episode_template("T", "2009-01-15", "t")
    assert episode["guid"]["hint"] == "Made for you; never change it once published"


def test_dates_files_guid_and_times_are_widgets_that_save_what_the_contract_reads():
    case_study = fields_of(collection("case_studies")["fields"])
    for name in ("date", "updated"):
        assert case_study[name]["widget"] == "datetime" and case_study[name]["format"] == "YYYY-MM-DD"
        assert case_study[name]["time_format"] is False
    assert case_study["updated"]["default"] == ""  # an optional date is not filled in with today
    episode = fields_of(collection("episodes")["fields"])
    assert episode["date"]["format"] == "YYYY-MM-DDTHH:mm:ssZ"
    assert episode["guid"]["widget"] == "uuid" and episode["guid"]["required"]
    for name, folder in (("audio", "audio"), ("transcript", "transcripts"), ("image", "art")):
        assert episode[name]["widget"] == "file"
        assert episode[name]["media_folder"] == f"/podcasts/{folder}" and episode[name]["public_folder"] == folder
    assert re.search(episode["audio"]["pattern"][0], "audio/cln-005.mp3")
    assert not re.search(episode["audio"]["pattern"][0], "audio/cln-005.wav")
    start = fields_of(episode["chapters"]["fields"])["start"]
    assert [bool(re.search(start["pattern"][0], t)) for t in ("00:00", "01:30", "1:02:03", "1:30", "01:60")] == \
        [True, True, True, False, False]
    # What those widgets save, as the editor writes it (cleared optional fields as ''), is valid.
    EpisodeMeta.model_validate({
        "title": "T", "summary": "S", "date": "2009-02-12T09:00:00+00:00", "guid": "0f8fad5b-d9cb-469f-a165-70867728950e",
        "audio": "audio/a.mp3", "transcript": "transcripts/a.vtt", "image": "", "episode": "", "season": "",
        "chapters": [{"start": "00:00", "title": "Introduction"}], "guests": [], "topics": [], "draft": False})
    CaseStudyMeta.model_validate({
        "title": "T", "summary": "S", "date": "2009-03-02", "updated": "", "region": "north-west",
        "topics": ["planned-care"], "professions": [], "authors": [{"name": "A", "role": "", "organisation": ""}],
        "evidence": "illustrative", "key_points": [], "outcomes": [], "contact": "", "draft": False})


def test_each_entry_is_a_pull_request_and_make_edit_uses_the_local_backend():
    assert CONFIG["publish_mode"] == "editorial_workflow"
    assert CONFIG["backend"] == {"name": "github", "repo": "nhs-example/cln-site", "branch": "main",
                                 "squash_merges": True}
    assert CONFIG["local_backend"] is True
    assert {c["folder"] for c in CONFIG["collections"]} == {"case_studies", "podcasts"}
    settings = cms.EditorSettings.from_mkdocs({"repo_url": "https://github.com/nhs-example/cln-site",
                                               "extra": {"cms": {"base_url": "https://auth.example.org/"}}})
    assert settings.repo == "nhs-example/cln-site" and settings.base_url == "https://auth.example.org"
    assert "connect-src 'self' http://localhost:8081 https://api.github.com https://auth.example.org;" in \
        cms.policy(settings)


def test_without_decap_installed_the_site_has_no_admin(tmp_path):
    assert cms.admin_files(str(tmp_path), TAXONOMY, cms.EditorSettings()) == ({}, {})


def test_the_admin_page_carries_its_own_policy_first_and_no_inline_script(tmp_path):
    dist = tmp_path / cms.BUNDLE
    dist.mkdir(parents=True)
    for name in ("decap-cms.js", "decap-cms.js.LICENSE.txt", "21.decap-cms.js", "f7.wasm"):
        (dist / name).write_text("//")
    made, copied = cms.admin_files(str(tmp_path), TAXONOMY, cms.EditorSettings())
    assert set(made) == {"admin/index.html", "admin/config.yml"}
    assert {"admin/decap-cms.js", "admin/21.decap-cms.js", "admin/f7.wasm", "admin/decap-cms.js.LICENSE.txt",
            "admin/cln-admin.js", "admin/preview.css"} <= set(copied)
    page = made["admin/index.html"].decode()
    m = re.search(r'<head[^>]*><meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert m and "object-src 'none'" in m.group(1) and "base-uri 'self'" in m.group(1)
    scripts = m.group(1).split("script-src")[1].split(";")[0]
    assert "'unsafe-inline'" not in scripts and "http" not in scripts
    assert all(re.search(r"\bsrc=", tag) for tag in re.findall(r"<script[^>]*>", page))
