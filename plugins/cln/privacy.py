"""Find things in content that could identify a patient, before anything is published.

Editors (clinicians, not programmers) write case studies and podcast episodes as
Markdown with YAML front matter. Nothing patient-identifiable may ever reach the site.
There are two ways in:

* :func:`scan` looks through a file's raw text line by line and reports findings by file
  line, honouring ``privacy-allow`` markers (below);
* :func:`scan_text` looks through text as readers see it (rendered: tags removed,
  entities decoded, lines joined), where a number wrapped across two source lines, split
  by ``<b>`` or written with ``&nbsp;`` is whole again. Each :class:`TextFinding` has the
  finding's identifying characters (``key``), so :func:`locate` can find the raw line it
  came from.

Both look, after the same normalisation (:func:`normalise_text`: every run of whitespace
becomes one space, dashes become ``-``, zero-width characters go), for:

* NHS numbers: ten digits that pass the Modulus 11 check, run together or in up to three
  groups (3-3-4, 3-7, 4-3-3, 2-4-4 ...) separated by single spaces, hyphens or dots, and
  not part of a longer run of digits or of a word (so never inside a UUID);
* UK postcodes in all six formats (``M1 1AE``, ``B33 8TH``, ``CR2 6XH``, ``DN55 1PT``,
  ``W1A 0AX``, ``EC1A 1BB``), with or without the space, in any case (but a lower-case
  "inward code" that reads as an ordinal or abbreviation, as in ``b12 2nd``, is not one);
* UK phone numbers (``0161 496 0000``, ``0161.496.0000``, ``(0161) 496 0000``,
  ``+44 (0)20 7946 0000``, ``0044 161 496 0000`` ...);
* email addresses, except the ones the site means to publish (``allowed_emails``);
* dates of birth: a date with a cue such as "born", "DOB", "D.O.B." or "date of birth"
  (also "date-of-birth") within 40 characters of it on the same line (an ordinary date
  is not a finding);
* hospital and record numbers: an identifier with at least four digits after a cue
  such as "hospital number", "MRN" or "patient ID".

Each finding says what it looks like, with the value masked so that the report itself
never repeats it; :func:`mask_identifiers` masks the same way in any text (an error
message, say). When a value is not patient data (the network's own switchboard number, a
published office postcode), the editor adds ``<!-- privacy-allow: reason -->`` at the end
of that line in Markdown, or ``# privacy-allow: reason`` after a YAML value; findings on
that line are then marked ``allowed`` with the reason (:func:`allow_reason` reads the
marker of one raw line). The marker needs a reason and covers its own line only.

All patterns are precompiled, bounded and anchored, and the rest of the work is a single
pass, so hostile input (long runs of digits, spaces or ``@``) is scanned in linear time.
"""

from __future__ import annotations

import datetime as dt
import heapq
import html
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import mul

__all__ = [
    "DATE_OF_BIRTH",
    "EMAIL_ADDRESS",
    "NHS_NUMBER",
    "PHONE_NUMBER",
    "POSTCODE",
    "RECORD_NUMBER",
    "Finding",
    "TextFinding",
    "allow_reason",
    "locate",
    "mask_identifiers",
    "normalise_text",
    "scan",
    "scan_text",
]

NHS_NUMBER = "NHS number"
POSTCODE = "postcode"
PHONE_NUMBER = "phone number"
EMAIL_ADDRESS = "email address"
DATE_OF_BIRTH = "date of birth"
RECORD_NUMBER = "hospital or record number"

_ARTICLE = {
    NHS_NUMBER: "an",
    POSTCODE: "a",
    PHONE_NUMBER: "a",
    EMAIL_ADDRESS: "an",
    DATE_OF_BIRTH: "a",
    RECORD_NUMBER: "a",
}

# When two detectors claim overlapping text, the more specific one wins: a valid NHS
# number after "NHS no" is an NHS number, not a record number; a number after "CHI" or
# "MRN" is a record number even if it is shaped like a phone number.
_PRIORITY = {
    NHS_NUMBER: 0,
    EMAIL_ADDRESS: 1,
    RECORD_NUMBER: 2,
    PHONE_NUMBER: 3,
    DATE_OF_BIRTH: 4,
    POSTCODE: 5,
}

_MASK = "\u2022"  # •
# Separators kept in a masked value, so its shape stays recognisable. An email address
# keeps no dots (they would show how its name is made up).
_KEPT_SEPARATORS = " -."
_KEPT_IN_EMAIL = " -"

ALLOW_HINT = "<!-- privacy-allow: reason -->"


def _message(kind: str, masked: str) -> str:
    return (
        f"looks like {_ARTICLE.get(kind, 'a')} {kind} ({masked}); remove it, or if it is not "
        f"patient data add '{ALLOW_HINT}' at the end of the line"
    )


@dataclass(frozen=True)
class Finding:
    """Something on one line that looks like patient-identifiable information."""

    line: int
    kind: str
    masked: str
    allowed: bool
    reason: str | None

    @property
    def message(self) -> str:
        """What was found and what the editor can do about it, without the value itself."""
        if self.allowed:
            article = _ARTICLE.get(self.kind, "a")
            return f"looks like {article} {self.kind} ({self.masked}); allowed on this line: {self.reason}"
        return _message(self.kind, self.masked)


@dataclass(frozen=True)
class TextFinding:
    """Something in rendered text that looks like patient-identifiable information.

    ``start`` and ``end`` are offsets into the *normalised* text (see
    :func:`normalise_text`). ``key`` is the finding's identifying characters, the same
    whatever the spacing or markup around them, so a caller can find the value again in
    the source with :func:`locate`:

    * NHS number and phone number: the digits only (``"9434765919"``);
    * postcode: letters and digits in upper case, no space (``"EC1A1BB"``);
    * email address: the address in lower case;
    * date of birth, hospital or record number: its letters and digits as written.
    """

    kind: str
    masked: str
    key: str
    start: int
    end: int

    @property
    def digits(self) -> str:
        """The digits of :attr:`key` (all of it for NHS and phone numbers)."""
        return "".join(c for c in self.key if c.isdigit())

    @property
    def message(self) -> str:
        """The same message :class:`Finding` gives for an unallowed finding."""
        return _message(self.kind, self.masked)

    def at(self, line: int, reason: str | None = None) -> Finding:
        """This finding as a :class:`Finding` on ``line`` (allowed if a reason is given)."""
        return Finding(line=line, kind=self.kind, masked=self.masked, allowed=reason is not None, reason=reason)


# ---------------------------------------------------------------------------------------
# Normalisation: text as the patterns expect it.

# Invisible characters that editors paste from word processors and web pages: soft
# hyphen, zero-width space/joiners, word joiner, invisible operators, byte order mark.
_ZERO_WIDTH = "\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"
_ZERO_WIDTH_RE = re.compile(f"[{_ZERO_WIDTH}]+")
# Python's \s (str patterns) is Unicode whitespace: tabs, newlines, vertical tab, form
# feed, no-break, figure, thin, hair and narrow no-break spaces, line separators ...
_WHITESPACE_RE = re.compile(r"\s+")
_LINE_WHITESPACE_RE = re.compile(r"[^\S\n]+")
_SQUASH_RE = re.compile(rf"[\s{_ZERO_WIDTH}]+")
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"))
_OTHER_DIGIT_RE = re.compile(r"[^\x00-\x7f]")  # \d below is ASCII-only; readers see any script's digits


def _plain(text: str) -> str:
    """Dashes as '-', and digits of any script (fullwidth ９, Arabic-Indic ۹ ...) as 0-9, one for one."""
    text = text.translate(_DASHES)
    if text.isascii():
        return text
    return _OTHER_DIGIT_RE.sub(lambda m: str(int(m.group())) if m.group().isdecimal() else m.group(), text)


def normalise_text(text: str) -> str:
    """``text`` as the scan sees it: each run of whitespace (of any kind, newlines too) is
    one space, zero-width characters are gone, and dashes and minus signs are ``-``."""
    return _plain(_WHITESPACE_RE.sub(" ", _ZERO_WIDTH_RE.sub("", text)))


class _Normalised:
    """Normalised text that remembers where each of its characters came from."""

    def __init__(self, text: str) -> None:
        pieces: list[str] = []
        # (normalised start, original start, original length, 1 if copied one for one)
        self.segments: list[tuple[int, int, int, int]] = []
        n = 0
        pos = 0
        for m in _SQUASH_RE.finditer(text):
            if m.start() > pos:
                self.segments.append((n, pos, m.start() - pos, 1))
                pieces.append(text[pos : m.start()])
                n += m.start() - pos
            if m.group().strip(_ZERO_WIDTH):  # some whitespace in the run: one space
                self.segments.append((n, m.start(), m.end() - m.start(), 0))
                pieces.append(" ")
                n += 1
            pos = m.end()
        if pos < len(text):
            self.segments.append((n, pos, len(text) - pos, 1))
            pieces.append(text[pos:])
        self.text = _plain("".join(pieces))
        self._starts = [s[0] for s in self.segments]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the normalised ``text[start:end]`` (``end > start``)."""
        first = self.segments[bisect_right(self._starts, start) - 1]
        last = self.segments[bisect_right(self._starts, end - 1) - 1]
        orig_start = first[1] + (start - first[0]) if first[3] else first[1]
        orig_end = last[1] + (end - 1 - last[0]) + 1 if last[3] else last[1] + last[2]
        return orig_start, orig_end


# ---------------------------------------------------------------------------------------
# Patterns. All ASCII-only (\d is 0-9), bounded, and anchored with look-arounds so that a
# failed attempt cannot rescan a long run of the same characters from every position.

_A = re.ASCII

_DIGIT_RE = re.compile(r"[0-9]")
_NEWLINE_RE = re.compile(r"\n")
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

# Most patterns start with a character class and check what comes before it with a
# look-behind over that character, ``[0-9](?<![0-9].)``, rather than starting with the
# look-behind: the regex engine can then skip quickly to candidate characters.

# NHS numbers: a chain of runs of digits joined by one separator each (a space, a hyphen
# or a dot; a hyphen or dot may have a space either side, as when a number is wrapped
# after "943-476-"). Every iteration starts with a non-digit, so the chain is found in one
# pass; the windows of ten digits in it are then looked at in Python (see _nhs_spans).
_CHAIN_RE = re.compile(r"[0-9]+(?:(?: ?[.-] ?| )[0-9]+)*", _A)
_RUN_RE = re.compile(r"[0-9]+", _A)
_NHS_MAX_GROUPS = 3
_NHS_WEIGHTS = range(10, 1, -1)

_POSTCODE_RE = re.compile(
    r"[A-PR-UWYZ](?<![A-Za-z0-9].)"
    r"(?:(?<=[Gg])IR ?0AA"
    r"|(?:[0-9][A-HJKPSTUW]|[0-9]{1,2}|[A-HK-Y][0-9][ABEHMNPRV-Y]|[A-HK-Y][0-9]{1,2})"
    r" ?(?P<inward>[0-9][ABD-HJLNP-UW-Z]{2}))"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE | _A,
)
# Lower-case "inward codes" that are everyday words after a number: 1st, 2nd, 3rd, 4th,
# 2hr. In capitals (M1 1ST) they are postcodes.
_NOT_INWARD = frozenset({"st", "nd", "rd", "th", "hr"})

_PHONE_RE = re.compile(
    r"(?:"
    r"(?:\+(?<![0-9A-Za-z+].)|00(?<![0-9A-Za-z+]..))44[ .-]?(?:\(0\)[ .-]?)?[1-9](?:[ .-]?[0-9]){8,9}"
    r"|\((?<![0-9A-Za-z+)].)0[0-9]{2,4}\)[ .-]?[0-9](?:[ .-]?[0-9]){4,8}"
    r"|0(?<![0-9A-Za-z+].)[1-9](?:[ .-]?[0-9]){8,9}"
    r")(?![0-9A-Za-z])",
    _A,
)
_PHONE_GROUP_SPLIT_RE = re.compile(r"[ ().-]+")

_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9_%+-])"
    r"[A-Za-z0-9_%+-][A-Za-z0-9._%+-]{0,63}"
    r"@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}"
    r"(?![A-Za-z0-9-])",
    _A,
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?"
)
_YEAR = r"(?:19|20)[0-9]{2}"
_DATE_RE = re.compile(
    r"(?<![A-Za-z0-9_/.])(?:"
    rf"(?P<iy>{_YEAR})(?P<isep>[-/.])(?P<im>[0-9]{{1,2}})(?P=isep)(?P<id>[0-9]{{1,2}})"
    rf"|(?P<nd>[0-9]{{1,2}})(?P<nsep>[-/.])(?P<nm>[0-9]{{1,2}})(?P=nsep)(?P<ny>{_YEAR}|[0-9]{{2}})"
    rf"|(?P<td>[0-9]{{1,2}})(?:st|nd|rd|th)?[ -]{{1,5}}(?:of[ ]{{1,5}})?(?P<tm>{_MONTH})[ ,-]{{1,5}}(?P<ty>{_YEAR})"
    rf"|(?P<um>{_MONTH})[ ]{{1,5}}(?P<ud>[0-9]{{1,2}})(?:st|nd|rd|th)?,?[ ]{{1,5}}(?P<uy>{_YEAR})"
    r")(?![A-Za-z0-9_]|[-/][0-9])",
    re.IGNORECASE | _A,
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}

# Cues: born, DOB, D.O.B. (or D. O. B.), date of birth (or date-of-birth), birth date,
# birthday.
_DOB_CUE_RE = re.compile(
    r"[bd](?<![A-Za-z].)"
    r"(?:(?<=b)orn|(?<=d)\.[ ]?o\.[ ]?b\.?|(?<=d)ob|(?<=d)ate[ -]of[ -]birth|(?<=b)irth[ -]?date|(?<=b)irthdays?)"
    r"(?![A-Za-z])",
    re.IGNORECASE | _A,
)
_DOB_CUE_DISTANCE = 40

# Cues: hospital/patient/unit/case/record/NHS number (or no, num), patient ID, MRN, and
# CHI (in capitals only: "tai chi" is not a cue); then ":", "#", "is" and the like.
_RECORD_RE = re.compile(
    r"[hpucrnm](?<![A-Za-z].)(?:"
    r"(?:(?<=h)ospital|(?<=p)atient|(?<=u)nit|(?<=c)ase|(?<=r)ecord|(?<=n)hs)[ ]{1,3}(?:number|num|no)"
    r"|(?<=p)atient[ ]{1,3}id"
    r"|(?<=m)rn"
    r"|(?-i:(?<=C)HI)(?:[ ]{1,3}(?:number|no))?"
    r")(?![A-Za-z])"
    r"[ ]{0,3}(?:[:#=.][ ]{0,3}){0,2}(?:(?:is|was)[ ]{1,3})?(?:[:#][ ]{0,3})?"
    r"(?P<id>(?:(?-i:[A-Z]{1,4})[ -])?(?=[A-Za-z]{0,19}[0-9])[A-Za-z0-9]{1,20}(?:[ -][0-9][A-Za-z0-9]{0,15}){0,4})"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE | _A,
)

_ALLOW_RE = re.compile(r"privacy-allow:(?P<reason>[^\n]*?)(?:-->|$)", re.IGNORECASE | re.MULTILINE)

# For locate(): HTML tags (as Markdown passes them through) and everything that is not
# a letter or a digit.
_TAG_RE = re.compile(r"<[A-Za-z/!?][^<>]*>")
_NOT_ALNUM_RE = re.compile(r"[^0-9A-Za-z]+")


# ---------------------------------------------------------------------------------------
# Checks behind the patterns.


def _nhs_check_ok(digits: str) -> bool:
    """The NHS number Modulus 11 check on a ten-digit string."""
    if digits.count(digits[0]) == len(digits):  # 000 000 0000, 111 111 1111: placeholders
        return False
    total = sum(map(mul, map(int, digits[:9]), _NHS_WEIGHTS))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _nhs_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the NHS numbers in ``text``.

    An NHS number is one to three whole runs of digits from a chain (see ``_CHAIN_RE``)
    with exactly ten digits between them, passing Modulus 11. Three runs must each have
    two digits or more, and the same separator unless they are the usual 3-3-4 (so
    4-3-3, 2-4-4 and 943 476-5919, but not 1-4-5 or 2009-10 1234), which keeps lists of
    small numbers and dates from making one. Being whole runs, the ten digits are never
    part of a longer run of digits; and a run at either end of the chain must not touch
    a letter, so digits inside a word, a hex string or a UUID are not NHS numbers (a
    UUID's groups of 8, 4, 4, 4 and 12 never add up to ten).

    Windows may overlap ("1900 943 476 5919" has two that pass); ``_matches`` keeps both.
    """
    spans: list[tuple[int, int]] = []
    size = len(text)
    for chain in _CHAIN_RE.finditer(text):
        chain_start, chain_end = chain.span()
        if chain_end - chain_start < 10:
            continue
        runs = [r.span() for r in _RUN_RE.finditer(text, chain_start, chain_end)]
        last = len(runs) - 1
        for i in range(len(runs)):
            j, total = _window(runs, i)
            if total != 10:
                continue
            if j - i == 2 and not _three_runs_ok(text, runs, i):
                continue
            if i == 0 and chain_start > 0 and text[chain_start - 1] in _ASCII_LETTERS:
                continue
            if j == last and chain_end < size and text[chain_end] in _ASCII_LETTERS:
                continue
            if _nhs_check_ok("".join(text[s:e] for s, e in runs[i : j + 1])):
                spans.append((runs[i][0], runs[j][1]))
    return spans


def _window(runs: list[tuple[int, int]], i: int) -> tuple[int, int]:
    """``(j, digits)``: the runs ``i`` to ``j`` make the shortest window from run ``i`` with ten
    digits or more (at most three runs, and not past the chain's end), holding ``digits`` digits."""
    last = len(runs) - 1
    total = 0
    j = i
    while True:
        total += runs[j][1] - runs[j][0]
        if total >= 10 or j == last or j - i + 1 == _NHS_MAX_GROUPS:
            return j, total
        j += 1


def _three_runs_ok(text: str, runs: list[tuple[int, int]], i: int) -> bool:
    """Three runs from run ``i`` may be an NHS number: two digits or more each, and one
    separator throughout unless they are grouped 3-3-4."""
    j = i + 2
    if any(runs[k][1] - runs[k][0] < 2 for k in (i, i + 1, j)):
        return False
    first_sep = text[runs[i][1] : runs[i + 1][0]].strip() or " "
    second_sep = text[runs[i + 1][1] : runs[j][0]].strip() or " "
    sizes = (runs[i][1] - runs[i][0], runs[i + 1][1] - runs[i + 1][0])
    return first_sep == second_sep or sizes == (3, 3)  # 943 476-5919 is 3-3-4


def _phone_ok(value: str) -> bool:
    """True if a phone-shaped match has a UK length and a plausible grouping."""
    if value.startswith(("+44", "0044")):
        rest = value[3 if value[0] == "+" else 4 :].replace("(0)", " ", 1)
        groups = [g for g in _PHONE_GROUP_SPLIT_RE.split(rest) if g]
        digits = "".join(groups)
        if len(digits) not in (9, 10):
            return False
        first_min, first_max = 1, 5
    else:
        groups = [g for g in _PHONE_GROUP_SPLIT_RE.split(value) if g]
        digits = "".join(groups)
        if len(digits) not in (10, 11):
            return False
        first_min, first_max = 3, 6
    if len(groups) == 1:
        return True
    if len(groups) > 4 or not first_min <= len(groups[0]) <= first_max:
        return False
    return all(len(g) >= 3 for g in groups[1:])


def _postcode_ok(m: re.Match[str]) -> bool:
    inward = m["inward"]
    if inward is None:  # GIR 0AA
        return True
    letters = inward[1:]
    return letters.isupper() or letters.lower() not in _NOT_INWARD


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _date_ok(m: re.Match[str]) -> bool:
    """True if a date-shaped match is a real calendar date."""
    g = m.groupdict()
    if g["iy"]:
        return _valid_date(int(g["iy"]), int(g["im"]), int(g["id"]))
    if g["nd"]:
        year = int(g["ny"])
        if len(g["ny"]) == 2:
            year += 2000
        return _valid_date(year, int(g["nm"]), int(g["nd"]))
    if g["td"]:
        return _valid_date(int(g["ty"]), _MONTHS[g["tm"][:3].lower()], int(g["td"]))
    return _valid_date(int(g["uy"]), _MONTHS[g["um"][:3].lower()], int(g["ud"]))


def _near_cue(starts: list[int], ends: list[int], newlines: list[int], start: int, end: int) -> bool:
    """True if a cue lies within the allowed distance of ``text[start:end]`` on its line.

    ``starts`` and ``ends`` are the (sorted, non-overlapping) spans of the cues.
    """
    i = bisect_left(starts, end)
    # The last cue starting before the date ends: it overlaps the date or is the
    # nearest one before it.
    if i > 0 and ends[i - 1] >= start - _DOB_CUE_DISTANCE and _same_line(newlines, ends[i - 1], start):
        return True
    # The first cue starting at or after the date's end.
    return i < len(starts) and starts[i] - end <= _DOB_CUE_DISTANCE and _same_line(newlines, end, starts[i])


def _same_line(newlines: list[int], a: int, b: int) -> bool:
    lo, hi = min(a, b), max(a, b)
    return bisect_left(newlines, lo) == bisect_left(newlines, hi)


def _record_ok(identifier: str) -> bool:
    chars = [c for c in identifier if c.isalnum()]
    return len(chars) >= 5 and sum(c.isdigit() for c in chars) >= 4


def _mask(value: str, kind: str = "", *, show: bool = True) -> str:
    """Mask all but the last three characters (the last one for values under six; none
    if not ``show``).

    Spaces, hyphens and (except in email addresses) dots are kept so the shape stays
    recognisable; at least one character is always masked.
    """
    kept = _KEPT_IN_EMAIL if kind == EMAIL_ADDRESS else _KEPT_SEPARATORS
    significant = sum(1 for c in value if c not in kept)
    keep = (3 if significant >= 6 else 1) if show else 0
    keep = min(keep, significant - 1)
    out = []
    for ch in reversed(value):
        if ch in kept:
            out.append(ch)
        elif keep > 0:
            out.append(ch)
            keep -= 1
        else:
            out.append(_MASK)
    return "".join(reversed(out))


def _key(kind: str, value: str) -> str:
    if kind in (NHS_NUMBER, PHONE_NUMBER):
        return "".join(c for c in value if c.isdigit())
    if kind == EMAIL_ADDRESS:
        return value.lower()
    alnum = _NOT_ALNUM_RE.sub("", value)
    return alnum.upper() if kind == POSTCODE else alnum


def _masked(norm: str, spans: list[tuple[int, int, str]]) -> list[str]:
    """The masked value of each span. A span that the next one overlaps (two readings of
    one run of digits) is masked whole: its last characters are inside the next one,
    which masks them."""
    out = []
    for i, (start, end, kind) in enumerate(spans):
        overlapped = i + 1 < len(spans) and spans[i + 1][0] < end
        out.append(_mask(norm[start:end], kind, show=not overlapped))
    return out


_CANDIDATE_RE = re.compile(r"[0-9@]|[^\x00-\x7f]")  # digits of other scripts are digits too


def _allowed_set(allowed_emails: Iterable[str]) -> frozenset[str]:
    if isinstance(allowed_emails, str):
        allowed_emails = (allowed_emails,)
    return frozenset(e.strip().lower() for e in allowed_emails)


def _matches(text: str, allowed_emails: frozenset[str]) -> list[tuple[int, int, str]]:
    """(start, end, kind) of everything that looks identifiable, overlaps resolved."""
    found: list[tuple[int, int, str]] = []
    if "@" in text:
        for m in _EMAIL_RE.finditer(text):
            if m.group().lower() not in allowed_emails:
                found.append((m.start(), m.end(), EMAIL_ADDRESS))
    if _DIGIT_RE.search(text):
        found += _number_matches(text)
    return _without_overlaps(found)


def _number_matches(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of the NHS numbers, phone numbers, postcodes, record numbers and
    dates of birth in ``text``, overlaps not yet resolved."""
    found: list[tuple[int, int, str]] = []
    phones = [m.span() for m in _PHONE_RE.finditer(text) if _phone_ok(m.group())]
    phone_starts = [p[0] for p in phones]
    for start, end in _nhs_spans(text):
        # Ten digits strictly inside a phone number (+44 161 496 0000) are the phone.
        i = bisect_right(phone_starts, start) - 1
        if i >= 0 and phones[i][1] >= end and phones[i] != (start, end):
            continue
        found.append((start, end, NHS_NUMBER))
    found += [(start, end, PHONE_NUMBER) for start, end in phones]
    for m in _POSTCODE_RE.finditer(text):
        if _postcode_ok(m):
            found.append((m.start(), m.end(), POSTCODE))
    for m in _RECORD_RE.finditer(text):
        if _record_ok(m["id"]):
            found.append((m.start("id"), m.end("id"), RECORD_NUMBER))
    cues = [(c.start(), c.end()) for c in _DOB_CUE_RE.finditer(text)]
    if cues:  # a date is only a date of birth near a cue, so look only if there is one
        starts = [c[0] for c in cues]
        ends = [c[1] for c in cues]
        newlines = [n.start() for n in _NEWLINE_RE.finditer(text)]
        for m in _DATE_RE.finditer(text):
            if _date_ok(m) and _near_cue(starts, ends, newlines, m.start(), m.end()):
                found.append((m.start(), m.end(), DATE_OF_BIRTH))
    return found


def _without_overlaps(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The spans of ``found`` that are kept when overlaps are resolved, sorted by position."""
    # Between detectors the higher priority wins; within one, the earlier match, except
    # that NHS numbers that overlap are all kept ("In 2009 943 476 5919" has two
    # candidates, "2009 943 476" and "943 476 5919", and either could be the number).
    # One detector at a time, in order of priority, is merged into the spans kept so far
    # (sorted by start, and so by end), so this is linear however many findings there are.
    by_kind: dict[str, list[tuple[int, int]]] = {}
    for start, end, kind in found:
        by_kind.setdefault(kind, []).append((start, end))
    kept: list[tuple[int, int, str]] = []
    for kind in sorted(by_kind, key=_PRIORITY.__getitem__):
        accepted: list[tuple[int, int, str]] = []
        j = 0
        last_end = -1
        for start, end in sorted(by_kind[kind]):
            if start < last_end and kind != NHS_NUMBER:
                continue
            while j < len(kept) and kept[j][1] <= start:
                j += 1
            if j < len(kept) and kept[j][0] < end:
                continue
            accepted.append((start, end, kind))
            last_end = end
        kept = list(heapq.merge(kept, accepted)) if kept else accepted
    return kept


# ---------------------------------------------------------------------------------------
# The public functions.


def allow_reason(line: str) -> str | None:
    """The reason given by a ``privacy-allow: <reason>`` marker on one raw line, if any.

    A marker without a reason allows nothing (``None``).
    """
    if "privacy-allow:" not in line.lower():
        return None
    for m in _ALLOW_RE.finditer(line):
        reason = m.group("reason").strip()
        if reason:
            return reason
    return None


def scan(
    text: str,
    *,
    allowed_emails: Iterable[str] = (),
    start_line: int = 1,
    skip_lines: frozenset[int] = frozenset(),
) -> list[Finding]:
    """Find patient-identifiable information in ``text``, line by line.

    ``allowed_emails`` are addresses the site publishes on purpose (compared without
    regard to case); they are not reported. ``start_line`` is the number of the first
    line of ``text`` in its file, so that a body scanned after its front matter reports
    the file's own line numbers. ``skip_lines`` are file line numbers (1-based, counted
    from ``start_line`` like the findings) whose findings are never reported, not even as
    allowed: the front matter's ``guid:`` line, whose UUID is not patient data.

    Each line is normalised as by :func:`normalise_text` before it is searched; a value
    wrapped onto the next line is not found here (:func:`scan_text` finds it in the
    rendered text).

    Returns findings sorted by line, then by position on the line. A finding on a line
    that carries ``privacy-allow: <reason>`` is returned with ``allowed=True`` and the
    reason; the caller decides what to do with allowed findings (usually nothing). A
    marker without a reason allows nothing.
    """
    # Normalised as normalise_text() does, but keeping the newlines: no pattern matches
    # a newline, so searching the whole text is searching each line.
    norm = _plain(_LINE_WHITESPACE_RE.sub(" ", _ZERO_WIDTH_RE.sub("", text)))
    spans = _matches(norm, _allowed_set(allowed_emails))
    if not spans:
        return []
    newlines = [n.start() for n in _NEWLINE_RE.finditer(norm)]
    raw_lines = text.split("\n")
    reasons: dict[int, str | None] = {}
    findings: list[Finding] = []
    for (start, _end, kind), masked in zip(spans, _masked(norm, spans), strict=True):
        index = bisect_left(newlines, start)
        number = start_line + index
        if number in skip_lines:
            continue
        if index not in reasons:
            reasons[index] = allow_reason(raw_lines[index])
        reason = reasons[index]
        findings.append(
            Finding(
                line=number,
                kind=kind,
                masked=masked,
                allowed=reason is not None,
                reason=reason,
            )
        )
    return findings


def scan_text(text: str, *, allowed_emails: Iterable[str] = ()) -> list[TextFinding]:
    """Find patient-identifiable information in text as readers see it.

    ``text`` is already rendered (tags removed, entities decoded); it is normalised with
    :func:`normalise_text`, so lines are joined and a number broken over two lines, or
    spaced with no-break spaces, is whole. ``allowed_emails`` as for :func:`scan`.

    Returns findings in order of position (NHS numbers may overlap: see ``_matches``,
    and the earlier of two is then masked whole); ``start``/``end`` are offsets into
    ``normalise_text(text)``. There are no allow markers in rendered text: find the
    source line with :func:`locate` and read its marker with :func:`allow_reason`.
    """
    norm = normalise_text(text)
    spans = _matches(norm, _allowed_set(allowed_emails))
    return [
        TextFinding(kind=kind, masked=masked, key=_key(kind, norm[start:end]), start=start, end=end)
        for (start, end, kind), masked in zip(spans, _masked(norm, spans), strict=True)
    ]


def mask_identifiers(text: str) -> str:
    """``text`` with everything :func:`scan_text` would find in it masked as findings are.

    For messages that quote an editor's text: no message may print an identifier in
    full. Text around the findings is left exactly as it was (a finding written over
    two lines becomes its one-line masked form).
    """
    if not _CANDIDATE_RE.search(text):
        return text
    norm = _Normalised(text)
    spans = _matches(norm.text, frozenset())
    if not spans:
        return text
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in spans:  # overlapping NHS numbers are masked as one
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]), merged[-1][2])
        else:
            merged.append((start, end, kind))
    out = []
    pos = 0
    for start, end, kind in merged:
        orig_start, orig_end = norm.span(start, end)
        out.append(text[pos:orig_start])
        out.append(_mask(norm.text[start:end], kind))
        pos = orig_end
    out.append(text[pos:])
    return "".join(out)


@lru_cache(maxsize=8192)  # locate() is called once a finding, on the same lines
def _plain_forms(chunk: str) -> tuple[str, str]:
    """Letters and digits of raw text in lower case, once with entities decoded and once
    with tags removed as well (``<b>`` leaves a ``b`` otherwise; ``<jo@nhs.net>`` is an
    autolink, not a tag, and must stay)."""
    decoded = _NOT_ALNUM_RE.sub("", _plain(html.unescape(chunk))).lower()
    if "<" not in chunk:
        return decoded, decoded
    untagged = _NOT_ALNUM_RE.sub("", _plain(html.unescape(_TAG_RE.sub("", chunk)))).lower()
    return decoded, untagged


def locate(raw_lines: Sequence[str], finding: TextFinding, *, start: int = 0) -> int | None:
    """The 0-based index in ``raw_lines`` of the source line of a :func:`scan_text` finding.

    A line holds the finding if its letters and digits, after entities are decoded (and,
    in a second try, tags removed), contain the finding's ``key`` (compared without
    regard to case and without its punctuation): so ``943&nbsp;476&#32;5919`` and
    ``943 <b>476</b> 5919`` are found on their line. Lines are tried from ``start`` in
    order; at each, the line alone, then the line joined to the next (a value wrapped
    across a line break is reported on its first line). If no line or pair of lines
    holds it, the line where it begins in all of the lines run together; else ``None``.
    """
    key = _NOT_ALNUM_RE.sub("", finding.key).lower()
    if not key:
        return None
    lines = list(raw_lines[start:])
    forms = [_plain_forms(line) for line in lines]
    for i, (decoded, untagged) in enumerate(forms):
        if key in decoded or key in untagged:
            return start + i
        if i + 1 < len(lines):
            following = forms[i + 1]
            if key in following[0] or key in following[1]:
                continue  # the next line holds it on its own
            joined = _plain_forms(lines[i] + "\n" + lines[i + 1])
            if key in joined[0] or key in joined[1]:
                return start + i
    # Spread over three lines or more.
    best: int | None = None
    for which in (0, 1):
        offsets = []
        total = 0
        for form in forms:
            offsets.append(total)
            total += len(form[which])
        at = "".join(form[which] for form in forms).find(key)
        if at >= 0:
            index = start + bisect_right(offsets, at) - 1
            best = index if best is None else min(best, index)
    return best
