"""Build small sites for real and check what a reader and a feed reader get."""

import re
from pathlib import Path

import feedparser
import pytest

from conftest import case_study, pagefind_records, run_build

pytestmark = pytest.mark.slow


def text(html: str) -> str:
    """What a reader sees of some HTML: its text, unescaped, with spaces collapsed."""
    import html as html_

    return " ".join(html_.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_case_studies_indexes_and_feed(build):
    built = build({
        "case_studies/choose-and-book.md": case_study(date="2009-01-15"),
        "case_studies/london-maternity.md": case_study(
            '\'Maternity & newborn: "one team" <handovers>\'', date="2009-06-24", region="london",
            topics="[maternity-and-newborn]", extra="updated: 2009-07-01\n", body="We used **telehealth** checks."),
        "case_studies/_template.md": "not content",
        "case_studies/draft-one.md": case_study("A draft in progress", date="2010-01-01", extra="draft: true\n"),
    })
    assert built.returncode == 0, built.output
    page = built.read("case-studies/london-maternity/index.html")
    # The title shows as text, escaped once, in the heading and the <title>.
    assert "<h1>Maternity &amp; newborn: &quot;one team&quot; &lt;handovers&gt;</h1>" in page
    assert "<title>Maternity &amp; newborn: &quot;one team&quot; &lt;handovers&gt; - Test network</title>" in page
    assert '<meta name="description" content="GPs and consultants worked with local leads for three months.">' in page
    # The metadata panel links every value to its index.
    assert '<a href="../../regions/london/">London</a>' in page
    assert '<a href="../../topics/maternity-and-newborn/">Maternity and newborn</a>' in page
    assert '<a href="../../professions/general-practitioner/">General practitioner</a>' in page
    assert '<a href="../../competencies/influencing-change/">Influencing change</a>' in page
    assert 'Dr Jane Example</span>, GP and network member, Example Valley PCT' in page
    assert '<dt data-pagefind-ignore>Updated</dt><dd><time datetime="2009-07-01">1 July 2009</time>' in page
    assert "<caption>Reported outcomes</caption>" in page and '<td data-label="Before">4th</td><td data-label="After">1st</td><td data-label="Period">three months</td>' in page
    assert "<strong>telehealth</strong>" in page
    assert page.count("<h1") == 1
    body = page[page.index("</head>"):]  # the head names authors too, in the page's JSON-LD
    assert body.count("Dr Jane Example") == 1  # shown once, in the metadata panel

    # Topic index: newest first, with date, region and summary.
    topic = built.read("topics/health-informatics/index.html")
    assert '<a href="../../case-studies/choose-and-book/">Choose and Book in the North West</a>' in topic
    assert ("Choose and Book in the North West 15 January 2009 · North West "
            "GPs and consultants worked with local leads for three months.") in text(topic)
    both = re.findall(r'href="\.\./\.\./case-studies/([a-z-]+)/"', built.read("professions/general-practitioner/index.html"))
    assert both == ["london-maternity", "choose-and-book"]
    planned = built.read("topics/planned-care/index.html")
    assert "1 item" in planned
    order = re.findall(r'href="\.\./\.\./case-studies/([a-z-]+)/"', built.read("regions/north-west/index.html"))
    assert order == ["choose-and-book"]
    assert "No case studies yet" in built.read("regions/south-west/index.html")

    # Index of indexes lists every value, with counts, zero included.
    topics = built.read("topics/index.html")
    for slug in ("maternity-and-newborn", "end-of-life-care", "quality-improvement"):
        assert f'href="{slug}/"' in topics
    assert re.search(r'href="end-of-life-care/">End of life care</a> <span class="cln-term__count" aria-label="0 items">0</span>', topics)
    assert re.search(r'href="planned-care/">Planned care</a> <span class="cln-term__count" aria-label="1 item">1</span>', topics)

    # All case studies, newest first, on the list page and the home page.
    listing = built.read("case-studies/index.html")
    assert listing.index("london-maternity/") < listing.index("choose-and-book/")
    assert "https://cln.example.org/case-studies/feed.xml" in listing
    assert ('<a href="case-studies/london-maternity/">Maternity &amp; newborn: &quot;one team&quot; &lt;handovers&gt;</a>'
            in built.read("index.html"))

    # Drafts and files starting with _ are not published anywhere.
    assert not (built.site / "case-studies/draft-one").exists()
    assert not (built.site / "case-studies/_template").exists()
    assert not any("draft" in r["content"].lower() or "draft" in r["url"] for r in pagefind_records(built.site).values())
    assert "A draft in progress" not in built.read("case-studies/feed.xml")

    # Case studies stay out of the sidebar navigation.
    home = built.read("index.html")
    assert "Choose and Book in the North West" not in home.split('<nav class="md-nav md-nav--primary"')[1].split("</nav>")[0]

    # The feed, read by a real feed reader.
    feed = feedparser.parse(built.read("case-studies/feed.xml"))
    assert not feed.bozo, feed.bozo_exception
    assert [e.link for e in feed.entries] == ["https://cln.example.org/case-studies/london-maternity/",
                                              "https://cln.example.org/case-studies/choose-and-book/"]
    first = feed.entries[0]
    assert first.title == 'Maternity & newborn: "one team" <handovers>'
    assert first.summary == "GPs and consultants worked with local leads for three months."
    assert first.published.startswith("2009-06-24") and first.updated.startswith("2009-07-01")
    assert [a.name for a in first.authors] == ["Dr Jane Example"]


def test_search_index_has_body_title_summary_author_and_organisation(build):
    built = build({"case_studies/a.md": case_study(body="The quality observatory published dashboards.")})
    assert built.returncode == 0, built.output
    assert (built.site / "pagefind" / "pagefind.js").is_file() and not (built.site / "search").exists()
    records = pagefind_records(built.site)
    content = records["/case-studies/a/"]["content"]
    for word in ("observatory", "Choose and Book in the North West", "three months", "Dr Jane Example", "Example Valley PCT",
                 "National ranking for Choose and Book", "Influencing change"):
        assert word in content
    # Search leads to the case study itself, not to the index pages that list it.
    assert "/case-studies/a/" in records
    assert not [url for url in records if url.startswith(("/topics/", "/regions/", "/professions/", "/competencies/"))]


def test_every_bad_file_is_reported_at_once_without_traceback(project):
    root = project({
        "case_studies/good.md": case_study(),
        "case_studies/bad-yaml.md": "---\ntitle: [unclosed\n---\nBody\n",
        "case_studies/bad-slug.md": case_study(region="north-wst", topics="[planned-cair]"),
        "case_studies/bad-date.md": case_study(date="2009-02-30"),
        "case_studies/long-title.md": case_study("T" * 121),
        "case_studies/no-authors.md": case_study().split("authors:")[0] + "authors: []\n---\nBody\n",
        "case_studies/latin1.md": case_study().encode().replace(b"Choose", b"Ch\xe9ose"),
        "case_studies/Bad Name.md": case_study(),
    })
    first = run_build(root)  # no site yet: nothing to keep
    assert first.returncode != 0
    out = first.output
    assert "Traceback" not in out
    expected = [
        "case_studies/bad-yaml.md:2: front matter is not valid YAML",
        "case_studies/bad-slug.md:5: region: 'north-wst' is not a region slug; did you mean 'north-west'?",
        "case_studies/bad-slug.md:6: topics[0]: 'planned-cair' is not a topic slug; did you mean 'planned-care'?",
        "case_studies/bad-date.md:4: date: '2009-02-30' is not a real date",
        "case_studies/long-title.md:2: title: is 121 characters long; the limit is 120",
        "case_studies/no-authors.md:9: authors: is empty; name at least one author",
        "case_studies/latin1.md:2: is not UTF-8 text",
        "case_studies/Bad Name.md: file name 'Bad Name.md' should be lowercase letters, digits and hyphens, e.g. 'bad-name.md'",
    ]
    for line in expected:
        assert line in out, f"missing: {line}\n{out}"
    # bad-yaml.md's readable lines are checked too: it also lacks every required field but its title.
    assert "13 problems in 7 files" in out


def test_a_failed_build_leaves_the_last_good_site(project):
    root = project({"case_studies/good.md": case_study()})
    assert run_build(root).returncode == 0
    site = root / "site"
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert "Choose and Book in the North West" in before[Path("case-studies/good/index.html")].decode()
    (root / "case_studies/broken.md").write_text(case_study(date="2009-02-30"))
    failed = run_build(root)
    assert failed.returncode != 0 and "date" in failed.output
    # Readers still get the whole of the last good site, byte for byte.
    assert {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
