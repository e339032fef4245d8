"""Rules of the catalogue, tested on the catalogue (no site build): careless and hostile files
get one clear problem each, reported with all the others, and never a traceback."""

from __future__ import annotations

import pytest

from cln.catalogue import Settings, load_catalogue
from cln.cli import _property
from cln.errors import ContentError, Problem
from conftest import VTT, case_study, episode

GOOD = case_study()


def problems(project, files: dict, **settings) -> list[Problem]:
    root = project(files)
    try:
        load_catalogue(Settings(root=str(root), network_emails=("cln@nhs.net",), **settings))
    except ContentError as exc:
        return exc.problems
    return []


def lines(found: list[Problem]) -> list[str]:
    return [str(p) for p in found]


def test_a_missing_closing_line_does_not_hide_other_files_problems(project):
    found = problems(project, {
        "case_studies/no-close.md": case_study().replace("\n---\n", "\n\n", 1),
        "case_studies/bad-region.md": case_study(region="north-wst"),
        "case_studies/good.md": GOOD,
    })
    assert [p.path for p in found] == ["case_studies/bad-region.md", "case_studies/no-close.md"]
    assert "no closing '---' line" in found[1].message


@pytest.mark.parametrize("name, expected", [
    ("case_studies/Upper.MD", "ends in '.MD'; the site reads only '.md': rename it to case_studies/upper.md"),
    ("case_studies/long.markdown", "ends in '.markdown'; the site reads only '.md': rename it to case_studies/long.md"),
    ("case_studies/2009/deep.md", "is in a subfolder, where the site does not look; move it to case_studies/deep.md"),
    ("podcasts/notes/show.md", "is in a subfolder, where the site does not look; move it to podcasts/show.md"),
    ("case_studies/index.md", "'index' is the name of an address the site uses itself"),
    ("podcasts/feed.md", "'feed' is the name of an address the site uses itself"),
])
def test_files_the_site_would_skip_or_that_would_replace_a_page_are_errors(project, name, expected):
    (problem,) = problems(project, {name: case_study(), "case_studies/good.md": GOOD})
    assert problem.path == name and expected in problem.message


def test_a_file_name_with_a_newline_stays_on_one_line_everywhere(project):
    (problem,) = problems(project, {"case_studies/bad\nname.md": GOOD})
    assert "\n" not in str(problem)
    assert "\n" not in _property(problem.path) and "," not in _property("a,b") and ":" not in _property("a:b")


@pytest.mark.parametrize("kind, slug", [("topics", "index"), ("regions", "Planned Care"), ("professions", "feed")])
def test_taxonomy_slugs_that_are_not_slugs_or_are_reserved_are_errors(project, kind, slug):
    root = project({"case_studies/good.md": GOOD})
    text = (root / "taxonomy.yml").read_text()
    (root / "taxonomy.yml").write_text(text.replace(f"{kind}:\n", f"{kind}:\n  - slug: {slug}\n    name: X\n"
                                                                   f"    description: Y\n", 1))
    with pytest.raises(ContentError) as caught:
        load_catalogue(Settings(root=str(root)))
    assert any(p.path == "taxonomy.yml" and p.field.startswith(kind) for p in caught.value.problems)


def test_a_title_holding_a_closing_script_tag_is_text_not_a_body_problem(project):
    assert problems(project, {"case_studies/x.md": case_study(title='"A </script> in the title"')}) == []


@pytest.mark.parametrize("char", ["\x0b", "\x00"])
def test_control_characters_in_show_notes_are_problems_on_their_line(project, podcast_files, char):
    text = episode().replace("In this episode", f"In this{char} episode")
    found = problems(project, {**podcast_files, "podcasts/ep.md": text}, show_art="art/show-cover.png")
    (problem,) = found
    assert problem.field == "body" and problem.line == text.split("\n").index(
        next(x for x in text.split("\n") if char in x)) + 1


def test_a_control_character_in_a_title_is_a_problem_on_the_title(project):
    (problem,) = problems(project, {"case_studies/x.md": case_study(title='"A\\0title"')})
    assert problem.field == "title" and "control characters" in problem.message


@pytest.mark.parametrize("guid", ['"a guid with spaces"', '"tab\\there"'])
def test_a_guid_with_a_space_or_control_character_is_a_problem(project, podcast_files, guid):
    found = problems(project, {**podcast_files, "podcasts/ep.md": episode(guid=guid)}, show_art="art/show-cover.png")
    assert [p.field for p in found] == ["guid"]


@pytest.mark.parametrize("vtt, words", [
    ("WEBVTT\n\n00:99:99.000 --> 01:00:00.000\nHello\n", "99 minutes"),
    ("WEBVTT\n\n", "no"),
    ("", "empty"),
])
def test_broken_transcripts_are_problems_not_silence(project, podcast_files, vtt, words):
    found = problems(project, {**podcast_files, "podcasts/transcripts/ep.vtt": vtt}, show_art="art/show-cover.png")
    assert [p.field for p in found] == ["transcript"] and words in found[0].message


def test_a_transcript_number_wrapped_over_two_lines_of_a_cue_is_found(project, podcast_files):
    vtt = VTT + "\n00:00:06.000 --> 00:00:09.000\n<v Guest>Her number was 943 476\n5919 that day.\n"
    found = problems(project, {**podcast_files, "podcasts/transcripts/ep.vtt": vtt}, show_art="art/show-cover.png")
    (problem,) = found
    assert problem.path == "podcasts/transcripts/ep.vtt" and "NHS number" in problem.message
    assert problem.line == vtt.split("\n").index("<v Guest>Her number was 943 476") + 1


def test_a_broken_link_between_pages_is_a_problem_on_its_line(project):
    text = case_study(body="Intro.\n\nSee [the other study](missing-study.md).")
    (problem,) = problems(project, {"case_studies/x.md": text})
    assert problem.line == text.split("\n").index("See [the other study](missing-study.md).") + 1
    assert "links to 'missing-study.md', which is not a page or file of the site" in problem.message


def test_links_between_existing_pages_pass_and_a_link_to_a_draft_does_not(project):
    files = {"case_studies/a.md": case_study(body="See [b](b.md) and [the podcast](../podcast/index.md)."),
             "case_studies/b.md": case_study(extra="draft: true\n")}
    (problem,) = problems(project, files)
    assert problem.path == "case_studies/a.md" and "a draft, which is not published" in problem.message
    assert problems(project, files, include_drafts=True, serving=True) == []


def test_no_message_repeats_an_nhs_number_in_full(project):
    found = problems(project, {"case_studies/x.md": case_study(region="'9434765919'", topics="['943 476 5919']")})
    assert found and all("5919" not in str(p) for p in found)


def test_the_show_cover_is_checked_as_the_build_checks_it(project, podcast_files):
    from PIL import Image
    root = project(podcast_files)
    Image.new("RGB", (300, 200)).save(root / "podcasts/art/show-cover.png")
    with pytest.raises(ContentError) as caught:
        load_catalogue(Settings(root=str(root), show_art="art/show-cover.png"))
    (problem,) = caught.value.problems
    assert problem.field == "plugins.cln.podcast.image" and "square" in problem.message


def test_a_broken_link_in_a_hand_written_page_is_found_as_the_strict_build_finds_it(project):
    found = problems(project, {"case_studies/good.md": GOOD,
                               "docs/about.md": "# About\n\nSee [the case studies](case-studies/index.md).\n\n"
                                                "And [the old page](missing.md).\n"})
    (problem,) = found
    assert (problem.path, problem.line) == ("docs/about.md", 5) and "links to 'missing.md'" in problem.message


def test_measured_evidence_needs_a_source_on_every_outcome(project):
    text = case_study(extra="evidence: measured\n")  # the sample outcome has no source
    (problem,) = problems(project, {"case_studies/x.md": text})
    assert problem.field == "outcomes[0].source" and "is required when evidence is measured" in problem.message
    assert problem.line == text.split("\n").index("  - measure: National ranking for Choose and Book") + 1
    with_source = text.replace("    period: three months\n", "    period: three months\n    source: national rankings\n")
    assert problems(project, {"case_studies/x.md": with_source}) == []


def test_an_illustrative_case_study_says_so_before_any_figure_in_its_page_listings_and_feeds(project):
    from cln.feeds.case_studies import build_case_study_feed
    from cln.indexes import record_item
    from cln.pages import case_study_header

    root = project({"case_studies/x.md": case_study(extra="evidence: illustrative\nkey_points:\n  - One point.\n")})
    catalogue = load_catalogue(Settings(root=str(root)))
    (record,) = catalogue.case_studies
    page = case_study_header(record, catalogue)
    banner = page.index('class="cln-illustrative"')
    assert page.index("</h1>") < banner < page.index("<table>")
    assert "<caption>Illustrative figures</caption>" in page and "Invented to show the format" in page
    assert "<li>One point.</li>" in page
    assert "Illustrative example" in record_item(record, catalogue.taxonomy, "topics/")
    feed = build_case_study_feed(catalogue, "Site", "https://cln.example.org/", "©").decode()
    assert "Illustrative example: GPs and consultants" in feed
