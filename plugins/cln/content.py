"""Typed records for case studies and episodes, and parsing one file into one.

The pydantic models are the single definition of both front matters: the build, the
editors' ``check`` command and the JSON Schema all come from them. Validation errors are
turned into :class:`~cln.errors.Problem` objects that name the field and say what would
be right.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, cast
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from .errors import Problem
from .yamlsource import Source, read_source

LONDON = ZoneInfo("Europe/London")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME_RE = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")


def _custom(message: str) -> PydanticCustomError:
    return PydanticCustomError("cln", message)


def _scalar_text(value: Any) -> Any:
    """Accept numbers where short text is expected (``before: 4``), as their text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    return value


_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _clean_text(value: Any) -> Any:
    if isinstance(value, str):
        value = " ".join(value.split())
        if _CONTROL_RE.search(value):
            raise _custom("contains control characters; remove them")
    return value


FIRST_YEAR, LAST_YEAR = 1948, 2100  # from the NHS's founding; later dates are typing mistakes


def _in_range(day: dt.date, written: Any) -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise _custom(f"'{written}' has the year {day.year}; dates must fall between {FIRST_YEAR} and {LAST_YEAR} "
                      "(check the year for a typing mistake)")


def parse_date(value: Any) -> dt.date:
    """An ISO 8601 calendar date (YYYY-MM-DD) that exists, between 1948 and 2100."""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif not isinstance(value, str) or not _DATE_RE.match(value.strip()):
        fix = (" (`cln fix` rewrites it for you)" if isinstance(value, str)
               and re.match(r"^\s*\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\s*$", value) else "")
        raise _custom(f"'{value}' is not a date; write it as YYYY-MM-DD, e.g. 2009-01-15{fix}")
    else:
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise _custom(f"'{value}' is not a real date (check the day and month); write it as YYYY-MM-DD") from None
    _in_range(day, value)
    return day


def parse_datetime(value: Any) -> dt.datetime:
    """A publication time: a plain date means 09:00 Europe/London; a time without offset is London time."""
    if isinstance(value, str) and _DATE_RE.match(value.strip()):
        day = parse_date(value)
        return dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=LONDON)
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        _in_range(value, value)
        return dt.datetime(value.year, value.month, value.day, 9, 0, tzinfo=LONDON)
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise _custom(f"'{value}' is not a date and time; write 2009-02-12T09:00:00+00:00, "
                          "or a plain date 2009-02-12") from None
    else:
        raise _custom(f"'{value}' is not a date and time; write 2009-02-12T09:00:00+00:00, or a plain date 2009-02-12")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LONDON)
    _in_range(moment, value)
    return moment


def parse_clock(value: Any) -> int:
    """A time within an episode, HH:MM:SS or MM:SS, as whole seconds."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    text = str(value).strip()
    if not _TIME_RE.match(text) and not re.match(r"^\d{1,2}:\d{2}:\d{2}$", text):
        raise _custom(f"'{value}' is not a time; write MM:SS or HH:MM:SS, in quotes, e.g. \"01:30\"")
    parts = [int(p) for p in text.split(":")]
    if any(p >= 60 for p in parts[1:]):
        raise _custom(f"'{value}' is not a time: minutes and seconds go up to 59")
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds


_GUID_RE = re.compile(r"^[\x21-\x7e]+$")


def _check_guid(value: Any) -> Any:
    """A guid is printable ASCII with no spaces: podcast apps compare it byte for byte."""
    if isinstance(value, str) and value.strip() and not _GUID_RE.match(value.strip()):
        raise _custom("may hold only letters, digits and punctuation, with no spaces or control characters; "
                      "keep the guid you were given (a new one: python -c 'import uuid; print(uuid.uuid4())')")
    return value


def format_clock(seconds: float) -> str:
    """Seconds as MM:SS, or H:MM:SS from an hour."""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


Title = Annotated[str, BeforeValidator(_clean_text), Field(min_length=1, max_length=120)]
Summary = Annotated[str, BeforeValidator(_clean_text), Field(min_length=1, max_length=300)]
Short = Annotated[str, BeforeValidator(_clean_text), BeforeValidator(_scalar_text), Field(min_length=1, max_length=200)]
Slug = Annotated[str, Field(min_length=1, max_length=80)]
Date = Annotated[dt.date, BeforeValidator(parse_date)]
Moment = Annotated[dt.datetime, BeforeValidator(parse_datetime)]


class Strict(BaseModel):
    """Base model: unknown fields are errors (a typo must not be silently ignored).

    An empty value of an optional field (``field: ''`` or ``field:``) means the field is absent.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_is_absent(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        return {key: value for key, value in data.items()
                if not ((value is None or (isinstance(value, str) and not value.strip()))
                        and key in cls.model_fields and not cls.model_fields[key].is_required())}


class Author(Strict):
    name: Short = Field(description="The author's name, as it should appear")
    role: Short | None = Field(None, description="Their role, e.g. GP and network member")
    organisation: Short | None = Field(None, description="Their organisation")


class Outcome(Strict):
    measure: Short = Field(description="What was measured")
    before: Short = Field(description="The value before the change")
    after: Short = Field(description="The value after the change")
    period: Short | None = Field(None, description="Over what time, e.g. three months")
    source: Short | None = Field(None, description="Where the figure comes from, e.g. theatre system, Jan to Jun 2009; "
                                                   "required when evidence is measured")
    sample: Short | None = Field(None, description="The denominator, e.g. 212 referrals")


KeyPoint = Annotated[str, BeforeValidator(_clean_text), Field(min_length=1, max_length=200)]
EVIDENCE_LEVELS = {
    # The contract's words: what each level means, said beside the outcomes on every case study.
    "measured": "Figures from the records named under each outcome.",
    "reported": "The authors' own account of what changed.",
    "illustrative": "Invented to show the format: not a real service, people or results.",
}


class CaseStudyMeta(Strict):
    """Front matter of a case study (case_studies/<slug>.md)."""

    title: Title = Field(description="1 to 120 characters")
    summary: Summary = Field(description="1 to 300 characters of plain text")
    date: Date = Field(description="Date of publication, YYYY-MM-DD")
    updated: Date | None = Field(None, description="Date of the last real change, YYYY-MM-DD, not before date")
    region: Slug = Field(description="One region slug, or national")
    topics: list[Slug] = Field(min_length=1, max_length=4, description="1 to 4 topic slugs")
    professions: list[Slug] = Field(default_factory=list, description="Profession slugs")
    competencies: list[Slug] = Field(default_factory=list, description="Competency slugs")
    authors: list[Author] = Field(min_length=1, description="At least one author")
    evidence: Literal["measured", "reported", "illustrative"] = Field(
        "reported", description="measured (figures from named records), reported (the authors' own account) or "
                                "illustrative (invented to show the format)")
    key_points: list[KeyPoint] = Field(default_factory=list, max_length=5,
                                       description="At most five short sentences, shown at the top")
    outcomes: list[Outcome] = Field(default_factory=list, description="Results, each with where its figures come from")
    contact: Short | None = Field(None, description="An address of the network, never a patient's")
    draft: bool = Field(False, description="true: shown by make serve only, never published")

    @field_validator("updated")
    @classmethod
    def _updated_after_date(cls, updated: dt.date | None, info: ValidationInfo) -> dt.date | None:
        date = info.data.get("date")
        if updated is not None and date is not None and updated < date:
            raise _custom(f"{updated} is before date ({date}); it must be the same day or later")
        return updated


class Guest(Strict):
    name: Short = Field(description="The guest's name")
    role: Short | None = Field(None, description="Their role")


class Chapter(Strict):
    start: Annotated[int, BeforeValidator(parse_clock)] = Field(description="MM:SS or HH:MM:SS, in quotes")
    title: Short = Field(description="The chapter's title")


class EpisodeMeta(Strict):
    """Front matter of a podcast episode (podcasts/<slug>.md)."""

    title: Title = Field(description="1 to 120 characters")
    summary: Summary = Field(description="1 to 300 characters of plain text")
    date: Moment = Field(description="Publication time; a plain date means 09:00 Europe/London")
    guid: Annotated[str, BeforeValidator(_check_guid), Field(min_length=1, max_length=200)] = Field(
        description="Never changes once published")
    audio: Short = Field(description="Path of the audio file, relative to podcasts/, e.g. audio/cln-001.mp3")
    episode: Annotated[int, Field(gt=0, strict=True)] | None = Field(None, description="Episode number")
    season: Annotated[int, Field(gt=0, strict=True)] | None = Field(None, description="Season number")
    type: Literal["full", "trailer", "bonus"] = Field("full", description="full, trailer or bonus")
    explicit: bool = Field(False, description="true if the episode has explicit content")
    topics: list[Slug] = Field(default_factory=list, description="Topic slugs")
    guests: list[Guest] = Field(default_factory=list, description="People interviewed")
    transcript: Short = Field(description="Path of the transcript, relative to podcasts/, e.g. transcripts/cln-001.vtt")
    chapters: list[Chapter] = Field(default_factory=list, description="Chapters, in order")
    image: Short | None = Field(None, description="Episode art, relative to podcasts/")
    draft: bool = Field(False, description="true: shown by make serve only, never published")

    @field_validator("chapters")
    @classmethod
    def _ascending(cls, chapters: list[Chapter]) -> list[Chapter]:
        for before, after in itertools.pairwise(chapters):
            if after.start <= before.start:
                raise _custom(f"chapter '{after.title}' starts at {format_clock(after.start)}, not after "
                              f"'{before.title}' at {format_clock(before.start)}; list chapters in time order")
        return chapters


# --- records -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Record:
    """A validated content file: where it came from, its front matter and its Markdown body."""

    slug: str
    path: str
    meta: Any
    body: str
    body_line: int

    kind: ClassVar[str]
    folder: ClassVar[str]  # the site folder of its page

    @property
    def url(self) -> str:
        """The address of its page inside the site."""
        return f"{self.folder}/{self.slug}/"

    @property
    def src_uri(self) -> str:
        """The page's source address, as the site's engine knows it."""
        return f"{self.folder}/{self.slug}.md"

    @property
    def published(self) -> dt.datetime:
        raise NotImplementedError

    @property
    def modified(self) -> dt.datetime:
        """When it last changed: for case studies, their ``updated`` date; for episodes, publication."""
        return self.published

    @property
    def last_changed(self) -> str:
        """The day it last changed, YYYY-MM-DD (for the sitemap and the indexes)."""
        return self.modified.date().isoformat()

    @property
    def illustrative(self) -> bool:
        """Whether its people, places or figures are invented to show the format."""
        return False

    @property
    def plain_summary(self) -> str:
        """The summary as feeds and listings give it: an illustrative piece says so first."""
        summary: str = self.meta.summary
        return f"Illustrative example: {summary}" if self.illustrative else summary


@dataclass(frozen=True)
class CaseStudy(Record):
    """A validated case study."""

    meta: CaseStudyMeta
    kind: ClassVar[str] = "case-study"
    folder: ClassVar[str] = "case-studies"

    @property
    def illustrative(self) -> bool:
        return self.meta.evidence == "illustrative"

    @property
    def published(self) -> dt.datetime:
        d = self.meta.date
        return dt.datetime(d.year, d.month, d.day, 9, 0, tzinfo=LONDON)

    @property
    def modified(self) -> dt.datetime:
        d = self.meta.updated or self.meta.date
        return dt.datetime(d.year, d.month, d.day, 9, 0, tzinfo=LONDON)


@dataclass(frozen=True)
class Episode(Record):
    """A validated episode; its audio facts are in the catalogue's media."""

    meta: EpisodeMeta
    kind: ClassVar[str] = "episode"
    folder: ClassVar[str] = "podcast"

    @property
    def published(self) -> dt.datetime:
        return self.meta.date


MODELS: dict[str, type[Strict]] = {"case-study": CaseStudyMeta, "episode": EpisodeMeta}

# One example line for each field, written as an editor would paste it in place of the line
# the message points at: each gives a valid field (tests/unit/test_layout.py pastes every one).
EXAMPLES = {
    "title": "title: Falls clinic in a care home",
    "summary": "summary: A nurse-led falls clinic visited three care homes every fortnight for six months, and "
               "falls fell by a third.",
    "date": "date: 2009-01-15",
    "updated": "updated: 2009-02-01",
    "region": "region: north-west",
    "topics": "topics: [planned-care]",
    "professions": "professions: [nurse]",
    "competencies": "competencies: [influencing-change]",
    "authors": "authors: [{name: Consultant midwife}]",
    "evidence": "evidence: reported",
    "key_points": "key_points: [Falls fell by a third in six months.]",
    "outcomes": 'outcomes: [{measure: Falls a month, before: "12", after: "8"}]',
    "contact": "contact: cln@nhs.net",
    "draft": "draft: false",
    "audio": "audio: audio/{slug}.mp3",
    "transcript": "transcript: transcripts/{slug}.vtt",
    "episode": "episode: 1",
    "season": "season: 1",
    "type": "type: full",
    "explicit": "explicit: false",
    "guests": "guests: [{name: Consultant midwife}]",
    "chapters": 'chapters: [{start: "00:00", title: Introduction}]',
    "image": "image: art/{slug}.png",
    "name": "name: Consultant midwife",
    "role": "role: Consultant midwife",
    "organisation": "organisation: Example Community Trust",
    "measure": "measure: Falls a month",
    "before": 'before: "12"',
    "after": 'after: "8"',
    "period": "period: six months",
    "source": "source: the clinic's falls log",
    "sample": "sample: 212 residents",
    "start": 'start: "00:00"',
}


def example(name: str, path: str = "") -> str:
    """The example line of field ``name``, for the file ``path`` (a guid made from its name, so
    the example is the same in every run and differs between files)."""
    import uuid

    slug = path.rsplit("/", 1)[-1].removesuffix(".md") or "episode"
    if name == "guid":
        return f"guid: {uuid.uuid5(uuid.NAMESPACE_URL, 'cln:' + path)}"
    return EXAMPLES[name].replace("{slug}", slug)


_TYPE_WORDS = {
    "string_type": "should be text",
    "int_type": "should be a whole number, e.g. 3",
    "int_parsing": "should be a whole number, e.g. 3",
    "int_from_float": "should be a whole number, e.g. 3",
    "bool_type": "should be true or false",
    "bool_parsing": "should be true or false",
    "list_type": "should be a list",
    "model_type": "should be a group of fields",
    "model_attributes_type": "should be a group of fields",
    "dict_type": "should be a group of fields",
}


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of fields"
    text = str(value)
    return f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'"


def field_name(loc: tuple) -> str:
    """('authors', 0, 'name') → 'authors[0].name'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_VALIDATOR_STEP = re.compile(r"^function-(after|before|wrap|plain)\[")


def translate(error: ErrorDetails, model: type[Strict], kind_words: str, path: str = "") -> tuple[tuple, str]:
    """One pydantic error → (location, message in plain words)."""
    # Drop pydantic's own steps (validators) from the location, not an editor's key of that name.
    loc = tuple(p for i, p in enumerate(error["loc"])
                if not (i and isinstance(p, str) and _VALIDATOR_STEP.match(p))) or tuple(error["loc"])
    kind, ctx = error["type"], error.get("ctx") or {}
    value: Any = error.get("input")
    if kind == "missing":
        return loc, f"is required; {_hint(model, loc, path)}"
    if kind == "extra_forbidden":
        known = _fields_at(model, loc[:-1])
        near = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        tail = f"did you mean '{near[0]}'?" if near else f"the fields are: {', '.join(known)}"
        return loc, f"is not a field of {kind_words}; {tail}"
    if kind in ("string_too_short", "string_too_long", "too_short", "too_long"):
        return loc, _length_message(kind, loc, ctx, value)
    if kind == "greater_than":
        return loc, f"is {value}; it must be a positive whole number (1 or more)"
    if kind == "literal_error":
        return loc, f"is {_describe(value)}; allowed: {ctx.get('expected')}"
    if kind == "cln":
        return loc, error["msg"]
    if kind in _TYPE_WORDS:
        named = next((p for p in reversed(loc) if isinstance(p, str)), "")
        instead = (f"; write e.g. '{example(named, path)}'" if named in EXAMPLES and kind in ("list_type", "model_type",
                   "model_attributes_type") and named == loc[-1] else "")
        return loc, f"{_TYPE_WORDS[kind]}, not {_describe(value)}{instead}"
    return loc, f"{error['msg']} (got {_describe(value)})"


def _length_message(kind: str, loc: tuple, ctx: dict[str, Any], value: Any) -> str:
    """The message for a text or list that is too short or too long."""
    if kind == "string_too_short" or (kind == "too_short" and isinstance(value, str)):
        return "is empty; write some text"
    if kind == "string_too_long" or (kind == "too_long" and isinstance(value, str)):
        limit: Any = ctx.get("max_length")
        return f"is {len(value)} characters long; the limit is {limit}: shorten it by {len(value) - limit}"
    if kind == "too_short" and loc and loc[-1] == "authors":
        return f"is empty; name at least one author: write e.g. '{EXAMPLES['authors']}' on this line"
    if kind == "too_short" and loc and loc[-1] == "topics":
        return f"is empty; give 1 to 4 topic slugs: write e.g. '{EXAMPLES['topics']}'"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length', 1)} entr{'y' if ctx.get('min_length', 1) == 1 else 'ies'}"
    return f"has {ctx.get('actual_length')} entries; at most {ctx.get('max_length')} are allowed"


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return []
        current = _inner_model(info.annotation)
        if current is None:
            return []
    return list(current.model_fields)


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found:
            return found
    return None


def _hint(model: type[BaseModel], loc: tuple, path: str = "") -> str:
    fields = _fields_at(model, loc[:-1])
    parent: Any = model
    for part in loc[:-1]:
        if not isinstance(part, int):
            parent = _inner_model(parent.model_fields[part].annotation) or parent
    info = parent.model_fields.get(loc[-1]) if loc and loc[-1] in fields else None
    desc = info.description if info and info.description else "see CONTRIBUTING.md"
    name = str(loc[-1])
    if name in EXAMPLES or name == "guid":
        return f"add a line such as '{example(name, path)}' ({desc})"
    return f"add '{name}:' ({desc})"


def parse(path: str, raw: bytes, kind: str) -> tuple[Record | None, list[Problem], Source | None]:
    """Parse one content file into a record, or return its problems (all of them)."""
    source, problems = read_source(path, raw)
    if source is None:
        return None, problems, None
    record, found = from_source(path, source, kind)
    if problems:  # the file's layout has problems of its own (a key written twice): not published
        record = None
    return record, problems + found, source


def from_source(path: str, source: Source, kind: str) -> tuple[Record | None, list[Problem]]:
    """Validate the front matter of a file already read into ``source``."""
    model = MODELS[kind]
    kind_words = "a case study" if kind == "case-study" else "an episode"
    try:
        meta = model.model_validate(source.data)
    except ValidationError as exc:
        out = []
        for error in exc.errors():
            loc, message = translate(error, model, kind_words, path)
            if loc and loc[0] in source.unreadable:
                continue  # its layout is reported already: its own checks wait for the fix
            out.append(Problem(path, source.line_of(loc), field_name(loc), message))
        return None, out
    return make_record(path, kind, meta, source.body, source.body_line), []


def make_record(path: str, kind: str, meta: Strict, body: str, body_line: int) -> Record:
    """A record from validated front matter and its body (``meta`` is of ``MODELS[kind]``)."""
    slug = path.rsplit("/", 1)[-1].removesuffix(".md")
    if kind == "case-study":
        return CaseStudy(slug=slug, path=path, meta=cast(CaseStudyMeta, meta), body=body, body_line=body_line)
    return Episode(slug=slug, path=path, meta=cast(EpisodeMeta, meta), body=body, body_line=body_line)
