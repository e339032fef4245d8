"""The parts of case-study and episode pages that come from front matter: HTML fragments
placed around the rendered Markdown body. Everything from content is escaped here.
"""

from __future__ import annotations

from .catalogue import Catalogue, EpisodeMedia
from .content import CaseStudy, Episode, Record, format_clock
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
    panel = "".join(f"<div><dt>{escape(k)}</dt><dd>{v}</dd></div>" for k, v in rows)
    out = [DRAFT_BANNER if m.draft else "", f"<h1>{escape(m.title)}</h1>",
           f'<p class="cln-lead">{escape(m.summary)}</p>',
           f'<dl class="cln-meta" aria-label="About this case study">{panel}</dl>']
    if m.outcomes:
        has_period = any(o.period for o in m.outcomes)
        head = "<tr><th scope=\"col\">Measure</th><th scope=\"col\">Before</th><th scope=\"col\">After</th>" + (
            "<th scope=\"col\">Period</th>" if has_period else "") + "</tr>"
        body = "".join(
            f"<tr><th scope=\"row\">{escape(o.measure)}</th><td>{escape(o.before)}</td><td>{escape(o.after)}</td>"
            + (f"<td>{escape(o.period or '')}</td>" if has_period else "") + "</tr>"
            for o in m.outcomes
        )
        out.append(f'<div class="cln-outcomes"><table><caption>Measured outcomes</caption>'
                   f"<thead>{head}</thead><tbody>{body}</tbody></table></div>")
    return "\n".join(x for x in out if x)


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
    for cue in media.cues:
        stamp = (f'<a class="cln-seek cln-transcript__time" href="#t={int(cue.start)}" '
                 f'data-cln-seek="{int(cue.start)}">{format_clock(cue.start)}</a> ') if cue.start >= 0 else ""
        who = f'<strong class="cln-transcript__speaker">{escape(cue.speaker)}:</strong> ' if cue.speaker else ""
        paras.append(f"<p>{stamp}{who}{escape(cue.text)}</p>")
    return (f'<section class="cln-transcript" aria-labelledby="transcript"><h2 id="transcript">Transcript</h2>'
            f'{"".join(paras)}</section>')



# Search reads each page's HTML with a parser written in Python, at a cost that grows with the
# number of tags. So search is given the same words as the page in far fewer tags: one
# paragraph for the metadata panel, one per speaker's turn in the transcript. Readers get the
# full markup (the plugin swaps it in once search has read the page).

def _names(catalogue: Catalogue, kind: str, slugs: list[str]) -> str:
    return ", ".join(catalogue.taxonomy.term(kind, slug).name for slug in slugs)


def case_study_search_head(cs: CaseStudy, catalogue: Catalogue) -> str:
    """The words of the title, summary, metadata panel and outcomes, for the search index."""
    m = cs.meta
    words = ["By " + "; ".join(", ".join(x for x in (a.name, a.role, a.organisation) if x) for a in m.authors),
             _names(catalogue, "regions", [m.region]), _names(catalogue, "topics", m.topics)]
    if m.professions:
        words.append(_names(catalogue, "professions", m.professions))
    if m.competencies:
        words.append(_names(catalogue, "competencies", m.competencies))
    if m.contact:
        words.append(f"Contact {m.contact}")
    words += [f"{o.measure}: {o.before} to {o.after}" + (f" ({o.period})" if o.period else "") for o in m.outcomes]
    return f"<h1>{escape(m.title)}</h1>\n<p>{escape(m.summary)}</p>\n<p>{escape('. '.join(words))}</p>"


def episode_search_head(ep: Episode, catalogue: Catalogue) -> str:
    """The words of an episode's title, summary, guests, topics and chapters, for the search index."""
    m = ep.meta
    words = [", ".join(g.name + (f", {g.role}" if g.role else "") for g in m.guests),
             _names(catalogue, "topics", m.topics), "; ".join(c.title for c in m.chapters)]
    return (f"<h1>{escape(m.title)}</h1>\n<p>{escape(m.summary)}</p>\n"
            f"<p>{escape('. '.join(w for w in words if w))}</p>\n"
            '<h2 id="show-notes">Show notes</h2>')


def transcript_search(media: EpisodeMedia) -> str:
    """The transcript's words, a paragraph per turn, for the search index."""
    paras = "".join(f"<p>{escape(cue.speaker + ': ' if cue.speaker else '')}{escape(cue.text)}</p>"
                    for cue in media.cues)
    return f'<h2 id="transcript">Transcript</h2>{paras}'


def header_html(record: Record, catalogue: Catalogue, plan: Plan) -> str:
    """What goes above a record's rendered body."""
    if isinstance(record, CaseStudy):
        return case_study_header(record, catalogue)
    assert isinstance(record, Episode)
    audio = plan.audio_url[record.slug]
    audio_link = audio if "://" in audio else rel(record.url, audio)
    transcript_link = rel(record.url, plan.transcript_uri[record.slug])
    return episode_header(record, catalogue.media[record.slug], audio_link, catalogue, transcript_link)
