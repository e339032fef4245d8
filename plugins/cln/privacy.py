"""Find things in content that could identify a patient, before anything is published.

Editors (clinicians, not programmers) write case studies and podcast episodes as
Markdown with YAML front matter. Nothing patient-identifiable may ever reach the site,
so :func:`scan` looks through a file's text, line by line, for:

* NHS numbers (ten digits, run together, spaced 3-3-4 or hyphenated 3-3-4) that pass
  the Modulus 11 check;
* UK postcodes in all six formats (``M1 1AE``, ``B33 8TH``, ``CR2 6XH``, ``DN55 1PT``,
  ``W1A 0AX``, ``EC1A 1BB``), with or without the space, in capitals;
* UK phone numbers (``0161 496 0000``, ``(0161) 496 0000``, ``+44 (0)20 7946 0000``,
  ``0044 161 496 0000`` ...);
* email addresses, except the ones the site means to publish (``allowed_emails``);
* dates of birth: a date with a cue such as "born", "DOB" or "date of birth" within
  40 characters of it on the same line (an ordinary date is not a finding);
* hospital and record numbers: an identifier with at least four digits after a cue
  such as "hospital number", "MRN" or "patient ID".

Each :class:`Finding` says where it is and what it looks like, with the value masked so
that the report itself never repeats it. When a value is not patient data (the
network's own switchboard number, a published office postcode), the editor adds
``<!-- privacy-allow: reason -->`` at the end of that line in Markdown, or
``# privacy-allow: reason`` after a YAML value; findings on that line are then marked
``allowed`` with the reason. The marker needs a reason and covers its own line only.

All patterns are precompiled, bounded and anchored so that hostile input (long runs of
digits or ``@``) is scanned in linear time.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "DATE_OF_BIRTH",
    "EMAIL_ADDRESS",
    "NHS_NUMBER",
    "PHONE_NUMBER",
    "POSTCODE",
    "RECORD_NUMBER",
    "Finding",
    "scan",
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
_KEPT_SEPARATORS = " -"

ALLOW_HINT = "<!-- privacy-allow: reason -->"


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
        article = _ARTICLE.get(self.kind, "a")
        found = f"looks like {article} {self.kind} ({self.masked})"
        if self.allowed:
            return f"{found}; allowed on this line: {self.reason}"
        return (
            f"{found}; remove it, or if it is not patient data add "
            f"'{ALLOW_HINT}' at the end of the line"
        )


# ---------------------------------------------------------------------------------------
# Patterns. All ASCII-only (\d is 0-9), bounded, and anchored with look-arounds so that a
# failed attempt cannot rescan a long run of the same characters from every position.

_A = re.ASCII

# Characters that editors paste from word processors, mapped one-for-one to plain ones
# (so columns and lengths do not change): no-break and thin spaces, and dashes.
_NORMALISE = str.maketrans(
    {
        "\u00a0": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u200a": " ",
        "\u202f": " ",
        "\t": " ",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)

_DIGIT_RE = re.compile(r"[0-9]")
_NEWLINE_RE = re.compile(r"\n")

# Most patterns start with a character class and check what comes before it with a
# look-behind over that character, ``[0-9](?<![0-9].)``, rather than starting with the
# look-behind: the regex engine can then skip quickly to candidate characters.

_NHS_RE = re.compile(
    r"(?P<a>[0-9](?<![0-9].)(?<!\+44 .)(?<!\+44-.)[0-9]{2})"
    r"(?P<sep>[ -]?)(?P<b>[0-9]{3})(?P=sep)(?P<c>[0-9]{4})"
    r"(?![0-9])",
    _A,
)

_POSTCODE_RE = re.compile(
    r"[A-PR-UWYZ](?<![A-Za-z0-9].)"
    r"(?:(?<=G)IR ?0AA"
    r"|(?:[0-9][A-HJKPSTUW]|[0-9]{1,2}|[A-HK-Y][0-9][ABEHMNPRV-Y]|[A-HK-Y][0-9]{1,2})"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})"
    r"(?![A-Za-z0-9])",
    _A,
)

_PHONE_RE = re.compile(
    r"(?:"
    r"(?:\+(?<![0-9A-Za-z+].)|00(?<![0-9A-Za-z+]..))44[ -]?(?:\(0\)[ -]?)?[1-9](?:[ -]?[0-9]){8,9}"
    r"|\((?<![0-9A-Za-z+)].)0[0-9]{2,4}\)[ -]?[0-9](?:[ -]?[0-9]){4,8}"
    r"|0(?<![0-9+].)[1-9](?:[ -]?[0-9]){8,9}"
    r")(?![0-9])",
    _A,
)
_PHONE_GROUP_SPLIT_RE = re.compile(r"[ ()-]+")

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

_DOB_CUE_RE = re.compile(
    r"[bd](?<![A-Za-z].)"
    r"(?:(?<=b)orn|(?<=d)\.o\.b\.?|(?<=d)ob|(?<=d)ate of birth|(?<=b)irth[ -]?date|(?<=b)irthdays?)"
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


# ---------------------------------------------------------------------------------------
# Checks behind the patterns.


def _nhs_check_ok(digits: str) -> bool:
    """The NHS number Modulus 11 check on a ten-digit string."""
    if len(set(digits)) == 1:  # 000 000 0000, 111 111 1111: placeholders, never issued
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


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


def _mask(value: str) -> str:
    """Mask all but the last three characters (the last one for values under six).

    Spaces and hyphens are kept so the shape stays recognisable; at least one character
    is always masked.
    """
    significant = sum(1 for c in value if c not in _KEPT_SEPARATORS)
    keep = 3 if significant >= 6 else 1
    keep = min(keep, significant - 1)
    out = []
    for ch in reversed(value):
        if ch in _KEPT_SEPARATORS:
            out.append(ch)
        elif keep > 0:
            out.append(ch)
            keep -= 1
        else:
            out.append(_MASK)
    return "".join(reversed(out))


_CANDIDATE_RE = re.compile(r"[0-9@]")


def _matches(text: str, allowed_emails: frozenset[str]) -> list[tuple[int, int, str]]:
    """(start, end, kind) of everything that looks identifiable, overlaps resolved."""
    found: list[tuple[int, int, str]] = []
    if "@" in text:
        for m in _EMAIL_RE.finditer(text):
            if m.group().lower() not in allowed_emails:
                found.append((m.start(), m.end(), EMAIL_ADDRESS))
    if _DIGIT_RE.search(text):
        for m in _NHS_RE.finditer(text):
            if _nhs_check_ok(m["a"] + m["b"] + m["c"]):
                found.append((m.start(), m.end(), NHS_NUMBER))
        for m in _PHONE_RE.finditer(text):
            if _phone_ok(m.group()):
                found.append((m.start(), m.end(), PHONE_NUMBER))
        for m in _POSTCODE_RE.finditer(text):
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

    # Each detector's own matches never overlap; between detectors the higher priority
    # wins. Accepted spans are kept sorted (and so non-overlapping) for bisection.
    found.sort(key=lambda f: (_PRIORITY[f[2]], f[0]))
    kept_starts: list[int] = []
    kept: list[tuple[int, int, str]] = []
    for start, end, kind in found:
        i = bisect_left(kept_starts, end)
        if i > 0 and kept[i - 1][1] > start:
            continue
        kept_starts.insert(i, start)
        kept.insert(i, (start, end, kind))
    return kept


def scan(
    text: str,
    *,
    allowed_emails: Iterable[str] = (),
    start_line: int = 1,
) -> list[Finding]:
    """Find patient-identifiable information in ``text``, line by line.

    ``allowed_emails`` are addresses the site publishes on purpose (compared without
    regard to case); they are not reported. ``start_line`` is the number of the first
    line of ``text`` in its file, so that a body scanned after its front matter reports
    the file's own line numbers.

    Returns findings sorted by line, then by position on the line. A finding on a line
    that carries ``privacy-allow: <reason>`` is returned with ``allowed=True`` and the
    reason; the caller decides what to do with allowed findings (usually nothing). A
    marker without a reason allows nothing.
    """
    if isinstance(allowed_emails, str):
        allowed_emails = (allowed_emails,)
    allowed = frozenset(e.strip().lower() for e in allowed_emails)
    # One character for one, so offsets in ``norm`` are offsets in ``text``. No pattern
    # matches a newline, so working on the whole text is working line by line.
    norm = text.translate(_NORMALISE)
    # Every pattern needs a digit or an '@' on its own line: look only at such lines.
    spans: list[tuple[int, int, str]] = []
    offset = 0
    for line in norm.split("\n"):
        if _CANDIDATE_RE.search(line):
            spans += [(s + offset, e + offset, k) for s, e, k in _matches(line, allowed)]
        offset += len(line) + 1
    if not spans:
        return []
    newlines = [n.start() for n in _NEWLINE_RE.finditer(norm)]
    reasons: dict[int, str] = {}
    if "privacy-allow:" in norm.lower():
        for m in _ALLOW_RE.finditer(norm):
            reason = m.group("reason").strip()
            index = bisect_left(newlines, m.start())
            if reason and index not in reasons:
                reasons[index] = reason
    findings = []
    for start, end, kind in spans:
        index = bisect_left(newlines, start)
        reason = reasons.get(index)
        findings.append(
            Finding(
                line=start_line + index,
                kind=kind,
                masked=_mask(norm[start:end]),
                allowed=reason is not None,
                reason=reason,
            )
        )
    return findings
