"""The parts of case-study and episode pages that come from front matter: HTML fragments
placed around the rendered Markdown body. Everything from content is escaped here.
"""

from __future__ import annotations

from .catalogue import Catalogue, EpisodeMedia
from .content import EVIDENCE_LEVELS, CaseStudy, CaseStudyMeta, Episode, Record, format_clock
from .indexes import record_list
from .plan import Plan
from .safehtml import escape, time_tag
from .urls import rel

DRAFT_BANNER = ('<p class="cln-draft" role="note"><strong>Draft.</strong> This page is shown only in a local '
                'preview; it is not published until draft is removed from its front matter.</p>')


def _links(catalogue: Catalogue, kind: str, slugs: list[str], here: str) -> str:
    # Record pages live under case-studies/ or podcast/, never under an index, so a link to a
    # value reads the same from every page of one folder: make each once per catalogue.
    memo = catalogue.term_links
    folder = here.split("/", 1)[0]
    out = []
    for slug in slugs:
        link = memo.get((folder, kind, slug))
        if link is None:
            name = catalogue.taxonomy.term(kind, slug).name
            link = memo[(folder, kind, slug)] = f'<a href="{escape(rel(here, f"{kind}/{slug}/"))}">{escape(name)}</a>'
        out.append(link)
    return ", ".join(out)


def _author(author) -> str:
    extra = ", ".join(escape(x) for x in (author.role, author.organisation) if x)
    return (f'<li><span class="cln-author__name">{escape(author.name)}</span>'
            + (f", {extra}" if extra else "") + "</li>")


def case_study_header(cs: CaseStudy, catalogue: Catalogue) -> str:
    """The title, summary and metadata panel of a case study, and its outcomes table."""
    m, here = cs.meta, cs.url
    rows = [("Published", time_tag(m.date))]
    if m.updated and m.updated != m.date:
        rows.append(("Updated", time_tag(m.updated)))
    rows.append(("Region", _links(catalogue, "regions", [m.region], here)))
    rows.append(("Topics", _links(catalogue, "topics", m.topics, here)))
    if m.professions:
        rows.append(("Professions", _links(catalogue, "professions", m.professions, here)))
    if m.competencies:
        rows.append(("Competencies", _links(catalogue, "competencies", m.competencies, here)))
    rows.append(("Authors" if len(m.authors) > 1 else "Author",
                 f'<ul class="cln-authors">{"".join(_author(a) for a in m.authors)}</ul>'))
    if m.contact:
        rows.append(("Contact", f'<a href="mailto:{escape(m.contact)}">{escape(m.contact)}</a>'
                     if "@" in m.contact else escape(m.contact)))
    if not m.outcomes:  # with outcomes, the evidence is said beside them
        rows.append(("Evidence", f"{EVIDENCE_NAMES[m.evidence]}: {escape(EVIDENCE_LEVELS[m.evidence])}"))
    panel = "".join(f"<div><dt data-pagefind-ignore>{escape(k)}</dt><dd>{v}</dd></div>" for k, v in rows)
    out = [DRAFT_BANNER if m.draft else "", f"<h1>{escape(m.title)}</h1>",
           ILLUSTRATIVE_BANNER if m.evidence == "illustrative" else "",
           f'<p class="cln-lead">{escape(m.summary)}</p>']
    if m.key_points:
        points = "".join(f"<li>{escape(point)}</li>" for point in m.key_points)
        out.append(f'<h2 id="key-points">Key points</h2><ul class="cln-key-points">{points}</ul>')
    out.append(f'<dl class="cln-meta" aria-label="About this case study">{panel}</dl>')
    if m.outcomes:
        out.append(outcomes_table(m))
    return "\n".join(x for x in out if x)


EVIDENCE_NAMES = {"measured": "Measured", "reported": "Reported", "illustrative": "Illustrative"}
OUTCOME_CAPTIONS = {"measured": "Measured outcomes", "reported": "Reported outcomes",
                    "illustrative": "Illustrative figures"}
ILLUSTRATIVE_BANNER = ('<p class="cln-illustrative" role="note"><strong>Illustrative example.</strong> '
                       "The people, places and figures in this case study are invented to show the format; "
                       "it does not describe a real service.</p>")


def outcomes_table(m: CaseStudyMeta) -> str:
    """The outcomes, headed by what their evidence is, each with its source and sample."""
    has_period = any(o.period for o in m.outcomes)
    head = "<tr><th scope=\"col\">Measure</th><th scope=\"col\">Before</th><th scope=\"col\">After</th>" + (
        "<th scope=\"col\">Period</th>" if has_period else "") + "</tr>"
    rows = []
    for o in m.outcomes:
        notes = "; ".join(f"{label}: {escape(value)}" for label, value in (("Source", o.source), ("Sample", o.sample))
                          if value)
        measure = escape(o.measure) + (f'<span class="cln-outcome__source">{notes}</span>' if notes else "")
        rows.append(f"<tr><th scope=\"row\">{measure}</th><td data-label=\"Before\">{escape(o.before)}</td>"
                    f"<td data-label=\"After\">{escape(o.after)}</td>"
                    + (f"<td data-label=\"Period\">{escape(o.period or '')}</td>" if has_period else "") + "</tr>")
    evidence = (f'<p class="cln-evidence"><strong>Evidence: {EVIDENCE_NAMES[m.evidence]}.</strong> '
                f"{escape(EVIDENCE_LEVELS[m.evidence])}</p>")
    return (f'<div class="cln-outcomes cln-outcomes--{m.evidence}">{evidence}<table><caption>'
            f"{OUTCOME_CAPTIONS[m.evidence]}</caption><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table></div>")


def episode_header(ep: Episode, media: EpisodeMedia, audio_url: str, catalogue: Catalogue,
                   transcript_url: str) -> str:
    """Title, facts, player and chapters of an episode page."""
    m, here = ep.meta, ep.url
    facts = [time_tag(ep.published), f"{format_clock(media.audio.duration)} listen"]
    if m.season and m.episode:
        facts.append(f"Season {m.season}, episode {m.episode}")
    elif m.episode:
        facts.append(f"Episode {m.episode}")
    if m.type != "full":
        facts.append(m.type.capitalize())
    out = [DRAFT_BANNER if m.draft else "", f"<h1>{escape(m.title)}</h1>",
           f'<p class="cln-lead">{escape(m.summary)}</p>',
           f'<p class="cln-card__meta">{" · ".join(facts)}</p>',
           f'<figure class="cln-player"><figcaption class="md-visually-hidden">Listen to {escape(m.title)}</figcaption>'
           f'<audio id="cln-audio" controls preload="metadata" src="{escape(audio_url)}">'
           f'<a href="{escape(audio_url)}">Download the episode (MP3)</a></audio>'
           f'<p class="cln-player__links"><a href="{escape(audio_url)}" download>Download the audio</a> · '
           f'<a href="#transcript">Read the transcript</a> · '
           f'<a href="{escape(transcript_url)}">Transcript file</a></p></figure>']
    if m.guests:
        guests = "".join(f"<li>{escape(g.name)}" + (f", {escape(g.role)}" if g.role else "") + "</li>"
                         for g in m.guests)
        out.append(f'<h2 id="guests">Guests</h2><ul class="cln-guests">{guests}</ul>')
    if m.topics:
        out.append(f'<p class="cln-topics">Topics: {_links(catalogue, "topics", m.topics, here)}</p>')
    if m.chapters:
        items = "".join(
            f'<li><a href="#t={c.start}" class="cln-seek" data-cln-seek="{c.start}">'
            f'<span class="cln-seek__time">{format_clock(c.start)}</span></a> {escape(c.title)}</li>'
            for c in m.chapters
        )
        out.append(f'<h2 id="chapters">Chapters</h2><ol class="cln-chapters">{items}</ol>')
    out.append('<h2 id="show-notes">Show notes</h2>')
    return "\n".join(x for x in out if x)


def transcript_section(media: EpisodeMedia) -> str:
    """The transcript as readable text, each speaker's turn a paragraph, with its time."""
    paras = []
    seen: set[int] = set()
    for cue in media.cues:
        second = int(cue.start)
        stamp = (f'<a class="cln-seek cln-transcript__time" href="#t={second}" '
                 f'data-cln-seek="{second}">{format_clock(cue.start)}</a> ') if cue.start >= 0 else ""
        who = f'<strong class="cln-transcript__speaker">{escape(cue.speaker)}:</strong> ' if cue.speaker else ""
        # id="t-<seconds>": search links a word to the moment it is said (the first cue of each second).
        ident = f' id="t-{second}"' if cue.start >= 0 and second not in seen else ""
        seen.add(second)
        paras.append(f"<p{ident}>{stamp}{who}{escape(cue.text)}</p>")
    return (f'<section class="cln-transcript" aria-labelledby="transcript"><h2 id="transcript">Transcript</h2>'
            f'{"".join(paras)}</section>')


def related_section(record: Record, related: list[Record], catalogue: Catalogue) -> str:
    """The end of a record's page: its related case studies and episodes (related.py), as the
    index pages list them; nothing when there are none."""
    if not related:
        return ""
    items = record_list(related, catalogue.taxonomy, record.url, "", level=3)
    return (f'<section class="cln-related" aria-labelledby="related"><h2 id="related">Related case studies and '
            f'episodes</h2>{items}</section>')


def header_html(record: Record, catalogue: Catalogue, plan: Plan) -> str:
    """What goes above a record's rendered body."""
    if isinstance(record, CaseStudy):
        return case_study_header(record, catalogue)
    assert isinstance(record, Episode)
    audio = plan.audio_url[record.slug]
    audio_link = audio if "://" in audio else rel(record.url, audio)
    transcript_link = rel(record.url, plan.transcript_uri[record.slug])
    return episode_header(record, catalogue.media[record.slug], audio_link, catalogue, transcript_link)


def print_address(url: str) -> str:
    """The page's address, shown only on paper, so a handout says where it came from."""
    return f'<p class="cln-print-only" data-pagefind-ignore>Printed from {escape(url)}</p>'
