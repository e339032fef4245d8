"""JSON Schemas of both front matters, generated from the same models the check uses, with the
taxonomy's slugs as enums so editors' tools can autocomplete them."""

from __future__ import annotations

import json
import os

from .content import CaseStudyMeta, EpisodeMeta
from .taxonomy import Taxonomy


def _enum(prop: dict, slugs: list[str]) -> None:
    if prop.get("type") == "array":
        prop["items"] = {"type": "string", "enum": slugs}
    else:
        prop.pop("maxLength", None)
        prop.pop("minLength", None)
        prop["enum"] = slugs


def schemas(taxonomy: Taxonomy) -> dict[str, dict]:
    """The two schemas, keyed by file name."""
    out = {}
    for name, model, fields in (
        ("case-study.schema.json", CaseStudyMeta,
         {"region": "regions", "topics": "topics", "professions": "professions", "competencies": "competencies"}),
        ("episode.schema.json", EpisodeMeta, {"topics": "topics"}),
    ):
        schema = model.model_json_schema(mode="validation")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        for field, kind in fields.items():
            _enum(schema["properties"][field], taxonomy.slugs(kind))
        for field in ("date", "updated"):
            prop = schema["properties"].get(field)
            if prop and model is CaseStudyMeta:
                for variant in prop.get("anyOf", [prop]):
                    if variant.get("type") != "null":
                        variant.update({"type": "string", "format": "date"})
        out[name] = schema
    return out


def render(schema: dict) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_schemas(root: str, folder: str) -> list[str]:
    """Write both schemas into ``folder``; return their paths."""
    taxonomy = Taxonomy.load(os.path.join(root, "taxonomy.yml"))
    os.makedirs(folder, exist_ok=True)
    paths = []
    for name, schema in schemas(taxonomy).items():
        path = os.path.join(folder, name)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(render(schema))
        paths.append(path)
    return paths
