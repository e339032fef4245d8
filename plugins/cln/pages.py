"""The parts of case-study and episode pages that come from front matter: HTML fragments
placed around the rendered Markdown body. Everything from content is escaped here.
"""

from __future__ import annotations

import math
import re

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


WORDS_A_MINUTE = 200  # a steady reading pace for a considered text
_MARKUP = re.compile(r"<[^>]*>|\]\([^)]*\)|\{:?[ \t]*[#.][^}\n]*\}")  # tags, link addresses, attribute lists
_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")


def reading_minutes(markdown: str) -> int:
    """Minutes to read a body at about 200 words a minute, at least one: the words a reader
    sees, not link addresses, tags or Markdown's own marks."""
    words = len(_WORD.findall(_MARKUP.sub(" ", markdown)))
    return max(1, math.ceil(words / WORDS_A_MINUTE))


def reading_time(markdown: str) -> str:
    """The reading time as the page shows it: "6 min read"."""
    return f"{reading_minutes(markdown)} min read"


def glance_facts(cs: CaseStudy, catalogue: Catalogue) -> list[tuple[str, str]]:
    """The rows of "At a glance" (label, HTML): pathway, region, professions, evidence."""
    m, here = cs.meta, cs.url
    rows = [("Pathway" if len(m.topics) == 1 else "Pathways", _links(catalogue, "topics", m.topics, here)),
            ("Region", _links(catalogue, "regions", [m.region], here))]
    if m.professions:
        rows.append(("Professions", _links(catalogue, "professions", m.professions, here)))
    rows.append(("Evidence", f'<span class="cln-level cln-level--{m.evidence}">{EVIDENCE_NAMES[m.evidence]}</span> '
                             f"{escape(EVIDENCE_LEVELS[m.evidence])}"))
    return rows


def glance_html(cs: CaseStudy, catalogue: Catalogue) -> str:
    """The "At a glance" panel: what the case study is about, how much weight its figures bear, its
    headline outcome and how long it takes to read; HTML the core writes, not the theme."""
    m = cs.meta
    facts = "".join(f"<div><dt data-pagefind-ignore>{escape(k)}</dt><dd>{v}</dd></div>"
                    for k, v in glance_facts(cs, catalogue))
    out = [f'<section class="cln-glance" aria-labelledby="at-a-glance">'
           f'<div class="cln-glance__head"><h2 id="at-a-glance">At a glance</h2>'
           f'<p class="cln-glance__time" data-pagefind-ignore>{reading_time(cs.body)}</p></div>'
           f'<div class="cln-glance__body"><dl class="cln-glance__facts">{facts}</dl>']
    if m.outcomes:
        o = m.outcomes[0]
        label = "Headline figure (illustrative)" if m.evidence == "illustrative" else "Headline outcome"
        period = f'<span class="cln-glance__period">{escape(o.period)}</span>' if o.period else ""
        out.append(f'<div class="cln-glance__outcome"><p class="cln-glance__label" data-pagefind-ignore>{label}</p>'
                   f'<p class="cln-glance__measure">{escape(o.measure)}</p>'
                   f'<p class="cln-glance__change"><span class="cln-glance__before">'
                   f'<span class="cln-visually-hidden">Before: </span>{escape(o.before)}</span>'
                   f'<span class="cln-glance__arrow" aria-hidden="true">→</span>'
                   f'<span class="cln-glance__after"><span class="cln-visually-hidden">after: </span>'
                   f'{escape(o.after)}</span>'
                   f"{period}</p></div>")
    out.append("</div></section>")
    return "".join(out)


def case_study_header(cs: CaseStudy, catalogue: Catalogue) -> str:
    """The top of a case study: title, the illustrative banner when there is one, "At a glance",
    the byline (authors, dates, competencies, contact), the summary, key points and outcomes."""
    m, here = cs.meta, cs.url
    rows = [("Author" if len(m.authors) == 1 else "Authors",
             f'<ul class="cln-authors">{"".join(_author(a) for a in m.authors)}</ul>'),
            ("Published", time_tag(m.date))]
    if m.updated and m.updated != m.date:
        rows.append(("Updated", time_tag(m.updated)))
    if m.competencies:
        rows.append(("Competencies", _links(catalogue, "competencies", m.competencies, here)))
    if m.contact:
        rows.append(("Contact", f'<a href="mailto:{escape(m.contact)}">{escape(m.contact)}</a>'
                     if "@" in m.contact else escape(m.contact)))
    panel = "".join(f"<div><dt data-pagefind-ignore>{escape(k)}</dt><dd>{v}</dd></div>" for k, v in rows)
    out = [DRAFT_BANNER if m.draft else "", f"<h1>{escape(m.title)}</h1>",
           ILLUSTRATIVE_BANNER if m.evidence == "illustrative" else "",
           glance_html(cs, catalogue),
           f'<dl class="cln-meta" aria-label="About this case study">{panel}</dl>',
           f'<p class="cln-lead">{escape(m.summary)}</p>']
    if m.key_points:
        points = "".join(f"<li>{escape(point)}</li>" for point in m.key_points)
        out.append(f'<h2 id="key-points">Key points</h2><ul class="cln-key-points">{points}</ul>')
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


SPEEDS = ("1", "1.25", "1.5", "2")  # playback speeds the player offers; cln.js remembers the reader's choice


def episode_header(ep: Episode, media: EpisodeMedia, audio_url: str, catalogue: Catalogue,
                   transcript_url: str, art_url: str = "") -> str:
    """Title and art, facts, the player (kept in view while the page scrolls, with its speed
    and follow controls), guests, topics and chapters of an episode page."""
    m, here = ep.meta, ep.url
    facts = [time_tag(ep.published), f"{format_clock(media.audio.duration)} listen"]
    if m.season and m.episode:
        facts.append(f"Season {m.season}, episode {m.episode}")
    elif m.episode:
        facts.append(f"Episode {m.episode}")
    if m.type != "full":
        facts.append(m.type.capitalize())
    art = (f'<img class="cln-episode-head__art" src="{escape(art_url)}" alt="" width="144" height="144" '
           'decoding="async">' if art_url else "")
    speeds = "".join(f'<button type="button" class="cln-speed__option" data-cln-speed="{s}" '
                     f'aria-pressed="{"true" if s == "1" else "false"}">{s}×</button>' for s in SPEEDS)
    # The speed and follow controls only work with cln.js, which shows them.
    follow = ('<label class="cln-follow"><input type="checkbox" id="cln-follow" checked> Follow the audio</label>'
              if any(cue.start >= 0 for cue in media.cues) else "")
    out = [DRAFT_BANNER if m.draft else "",
           f'<div class="cln-episode-head">{art}<div class="cln-episode-head__text"><h1>{escape(m.title)}</h1>'
           f'<p class="cln-episode-head__facts">{" · ".join(facts)}</p></div></div>',
           f'<p class="cln-lead">{escape(m.summary)}</p>',
           f'<figure class="cln-player" id="cln-player">'
           f'<figcaption class="cln-visually-hidden">Listen to {escape(m.title)}</figcaption>'
           f'<audio id="cln-audio" controls preload="metadata" src="{escape(audio_url)}">'
           f'<a href="{escape(audio_url)}">Download the episode (MP3)</a></audio>'
           f'<div class="cln-player__controls" hidden data-pagefind-ignore>'
           f'<div class="cln-speed" role="group" aria-labelledby="cln-speed-label">'
           f'<span class="cln-speed__label" id="cln-speed-label">Speed</span>{speeds}</div>{follow}</div></figure>',
           f'<p class="cln-player__links"><a href="{escape(audio_url)}" download>Download the audio</a> · '
           f'<a href="#transcript">Read the transcript</a> · '
           f'<a href="{escape(transcript_url)}">Transcript file</a></p>']
    if m.guests:
        guests = "".join(f"<li>{escape(g.name)}" + (f", {escape(g.role)}" if g.role else "") + "</li>"
                         for g in m.guests)
        out.append(f'<h2 id="guests">Guests</h2><ul class="cln-guests">{guests}</ul>')
    if m.topics:
        out.append(f'<p class="cln-topics">Topics: {_links(catalogue, "topics", m.topics, here)}</p>')
    if m.chapters:
        items = "".join(
            f'<li data-cln-chapter="{c.start}"><a href="#t={c.start}" class="cln-seek" data-cln-seek="{c.start}">'
            f'<span class="cln-seek__time">{format_clock(c.start)}</span></a> {escape(c.title)}</li>'
            for c in m.chapters
        )
        out.append(f'<h2 id="chapters">Chapters</h2><ol class="cln-chapters">{items}</ol>')
    out.append('<h2 id="show-notes">Show notes</h2>')
    return "\n".join(x for x in out if x)


def transcript_section(media: EpisodeMedia) -> str:
    """The transcript as readable text, each speaker's turn a paragraph, with its time, in a
    panel of its own height that cln.js scrolls to follow the audio (the page never moves)."""
    paras = []
    seen: set[int] = set()
    for cue in media.cues:
        second = int(cue.start)
        stamp = (f'<a class="cln-seek cln-transcript__time" href="#t={second}" '
                 f'data-cln-seek="{second}">{format_clock(cue.start)}</a> ') if cue.start >= 0 else ""
        who = f'<strong class="cln-transcript__speaker">{escape(cue.speaker)}:</strong> ' if cue.speaker else ""
        # id="t-<seconds>": search links a word to the moment it is said (the first cue of each second).
        ident = f' id="t-{second}"' if cue.start >= 0 and second not in seen else ""
        start = f' data-cln-cue="{cue.start:g}"' if cue.start >= 0 else ""
        seen.add(second)
        paras.append(f"<p{ident}{start}>{stamp}{who}{escape(cue.text)}</p>")
    # No id on the section: search reads the first id after #transcript that is not a line's as its end.
    return (f'<h2 id="transcript">Transcript</h2><section class="cln-transcript" '
            f'aria-labelledby="transcript" tabindex="0">{"".join(paras)}</section>')


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
    art = plan.image_uri.get(record.slug) or plan.art_uri
    return episode_header(record, catalogue.media[record.slug], audio_link, catalogue, transcript_link,
                          rel(record.url, art) if art else "")


def print_address(url: str) -> str:
    """The page's address, shown only on paper, so a handout says where it came from."""
    return f'<p class="cln-print-only" data-pagefind-ignore>Printed from {escape(url)}</p>'
