"""The taxonomy holds every slug of the contract, and suggests the nearest slug for a typo."""

import re
from pathlib import Path

import pytest

from cln.errors import ContentError
from cln.taxonomy import Taxonomy

REPO = Path(__file__).resolve().parents[2]
CONTRACT = {
    "regions": "north-east north-west yorkshire-and-the-humber east-midlands west-midlands east-of-england "
               "london south-east-coast south-central south-west national",
    "topics": "maternity-and-newborn children-and-young-people planned-care mental-health staying-healthy "
              "long-term-conditions acute-care end-of-life-care health-informatics leadership-development "
              "quality-improvement",
    "professions": "doctor general-practitioner nurse midwife allied-health-professional pharmacist "
                   "healthcare-scientist dentist manager",
    "competencies": "self-awareness conflict-management innovation organisational-savvy influencing-change "
                    "collaborative-working setting-direction improving-services managing-services",
}


@pytest.fixture(scope="module")
def taxonomy():
    return Taxonomy.load(str(REPO / "taxonomy.yml"))


@pytest.mark.parametrize("kind", sorted(CONTRACT))
def test_every_contract_slug_is_present_with_name_and_description(taxonomy, kind):
    for slug in CONTRACT[kind].split():
        term = taxonomy.get(kind, slug)
        assert term is not None, f"{kind}: {slug} missing"
        # Readers see the name and the description: the slug's own words, and a sentence.
        assert re.sub(r"[^a-z0-9]+", "-", term.name.lower()) == slug and term.name[0].isupper(), term.name
        assert len(term.description) > 20 and term.description[0].isupper() and term.description.endswith(".")


@pytest.mark.parametrize("kind,typo,expected", [
    ("topics", "planned-cair", "planned-care"),
    ("topics", "Mental Health", "mental-health"),
    ("regions", "yorkshire", "yorkshire-and-the-humber"),
    ("regions", "northwest", "north-west"),
    ("professions", "gp-practitioner", "general-practitioner"),
    ("competencies", "organisational-savy", "organisational-savvy"),
])
def test_nearest_slug(taxonomy, kind, typo, expected):
    assert taxonomy.suggest(kind, typo) == expected
    assert f"did you mean '{expected}'?" in taxonomy.unknown_message(kind, typo)


def test_far_value_lists_the_allowed_slugs(taxonomy):
    message = taxonomy.unknown_message("regions", "narnia")
    assert "'narnia' is not a region slug; allowed: north-east, north-west" in message


def test_duplicate_and_incomplete_entries_are_reported(tmp_path):
    path = tmp_path / "taxonomy.yml"
    path.write_text("topics:\n  - {slug: a, name: A, description: x}\n  - {slug: a, name: B, description: y}\n"
                    "regions: []\nprofessions:\n  - {slug: p}\ncompetencies:\n  - {slug: c, name: C, description: d}\n")
    with pytest.raises(ContentError) as info:
        Taxonomy.load(str(path))
    text = str(info.value)
    assert "slug 'a' is listed twice" in text
    assert "regions: should be a list" in text
    assert "professions[0]: needs slug, name and description" in text
