"""Reading dates as archives write them and normalizing them to EDTF.

The common forms ("April 30, 1962", "March 1962", "1955", "c. 1962", "1962-1965", "1950s",
"30/04/1962", "Spring 1962", ISO dates) take a fast path of regular expressions:
``edtf.parse_edtf`` costs milliseconds a call, so it only checks what the fast path cannot decide,
and its answers are cached.

Every function here reads untrusted text and runs in time linear in its length; none raises.
A date as written is short, so text longer than :data:`MAX_DATE_LENGTH` characters is not read
at all (``explain_date`` says so).

Which EDTF archmeta stores: calendar dates, months, years, seasons (``1962-21``), decades
(``195X``), the qualifiers ``~ ? %`` and intervals (``1962/1965``, ``../1962``): the forms
:data:`EDTF_PATTERN` admits and the ``edtf`` package accepts. EDTF level 2 sets
(``[1962,1963]``, ``{1962,1963}``), long years (``Y170000002``) and significant digits
(``1950S2``) are valid EDTF but are not stored: the writers cannot bound them (TEI
``notBefore``/``notAfter``, W3CDTF) and archival dates do not need them. Such text reads as
"unsupported" and its ``edtf`` is ``None``, so the model and the normalizer always agree.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

__all__ = [
    "EDTF_PATTERN",
    "MAX_DATE_LENGTH",
    "DateKind",
    "DateReading",
    "edtf_bounds",
    "explain_date",
    "is_valid_edtf",
    "normalize_date",
]

#: Longest date text (in characters, after collapsing white space) that is read at all. The
#: longest real dates ("September 30, 1962 - October 2, 1962 (approximately)") are under 60.
MAX_DATE_LENGTH = 200

EDTF_PATTERN = "^[0-9X?~%/.\\-+:TZ]+$(?!\\n)"
"""The characters an EDTF value archmeta stores may hold (see the module docstring)."""
_EDTF_CHARS = re.compile(EDTF_PATTERN)

DateKind = Literal[
    "date",  # read: ``edtf`` is set
    "undated",  # "undated", "n.d.", "no date": the document has no known date
    "empty",
    "too-long",  # longer than MAX_DATE_LENGTH
    "ambiguous",  # "05/04/1962": day/month or month/day
    "impossible",  # "31 February 1962": a day or month that does not exist
    "unsupported",  # valid EDTF archmeta does not store ("{1962,1963}")
    "unreadable",  # anything else
]


@dataclass(frozen=True)
class DateReading:
    """What a date as written says: its EDTF value, or why it has none.

    ``problem`` is a sentence for people (``None`` when ``edtf`` is set); ``kind`` is a stable
    word that a validator can map to a rule id.
    """

    edtf: str | None
    kind: DateKind
    problem: str | None = None


_MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    _full = calendar.month_name[_number].lower()
    _MONTHS[_full] = _number
    _MONTHS[_full[:3]] = _number
_MONTHS["sept"] = 9

# EDTF level 1 season codes (ISO 8601-2 uses 21-24 for the northern-hemisphere seasons).
_SEASONS = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}

_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_YEAR = r"(?P<year>\d{4})"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"

# Every pattern here is anchored (fullmatch) and has no nested quantifiers: linear time.
_FORMS: list[re.Pattern[str]] = [
    re.compile(rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}"),  # April 30, 1962
    re.compile(rf"{_DAY}\s+{_MONTH},?\s+{_YEAR}"),  # 30 April 1962
    re.compile(rf"{_MONTH},?\s+{_YEAR}"),  # March 1962, August, 1962
    re.compile(r"(?P<year>\d{4})-(?P<mnum>\d{2})-(?P<day>\d{2})"),  # 1989-12-06
    re.compile(r"(?P<day>\d{1,2})\.(?P<mnum>\d{1,2})\.(?P<year>\d{4})"),  # 22.05.1962
    re.compile(r"(?P<year>\d{4})-(?P<mnum>\d{2})"),  # 2004-05
    re.compile(r"(?P<year>\d{4})"),  # 1955
]
_SLASHED = re.compile(r"(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<year>\d{4})")  # 30/04/1962
_SEASON = re.compile(r"(?P<season>[A-Za-z]{4,6}),?\s+(?:of\s+)?(?P<year>\d{4})", re.IGNORECASE)
_APPROX = re.compile(r"(?:circa|approx\.?|about|ca\.?|c\.?)\s*(?P<rest>.+)", re.IGNORECASE)
_DECADE = re.compile(r"(?P<decade>\d{3})0s")
_QUESTION = re.compile(r"\[?(?P<rest>[^\[\]?]+)\?\]?")
_BRACKETED = re.compile(r"\[(?P<rest>[^\[\]]+)\]")
_UNDATED = re.compile(
    r"\[?(?:undated|n\.\s?d\.?|no\s+date|s\.\s?d\.?|date\s+unknown|unknown)\]?", re.IGNORECASE
)
# W3C date-times as harvested records carry them (1998-06-01T00:00:00Z) are already EDTF.
_DATETIME = re.compile(
    r"(?P<base>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})?"
)
_SEPARATOR = re.compile(r"\s*(?:–|—|/|\bto\b|-)\s*")
# A range is two dates, each with at most two separators of its own ("1962-04-30",
# "30/04/1962"), so at most five separators in all. Trying more split points could only fail,
# and trying each costs a pass over the text: this bound keeps ranges linear.
_MAX_SEPARATORS = 5
# Every character any EDTF value may hold (levels 0-2: sets, long years, exponents, digits).
_EDTF_LIKE = re.compile(r"[0-9XYESu?~%/.\-+:TZ\[\]{},]+")
_EDTF_SIMPLE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?[~?%]?")
# A year, a hyphen and three digits more: never EDTF (a month or season has two digits, and a
# year of more than four digits needs a "Y"), but the archive writes year ranges this way
# ("1947-1950"), and the edtf package takes ~10 ms to refuse each one.
_YEAR_RANGE = re.compile(r"\d{4}-\d{3}")


@dataclass(frozen=True)
class _Why:
    """Why a piece of text is not a date, found while reading it."""

    kind: DateKind
    detail: str


_Result = str | _Why | None


def _calendar_date(year: int, month: int | None, day: int | None) -> str | _Why:
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return _Why("impossible", f"month {month} does not exist")
    if day is None:
        return f"{year:04d}-{month:02d}"
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        name = calendar.month_name[month]
        return _Why("impossible", f"that day does not exist ({name} {year} has {last} days)")
    return f"{year:04d}-{month:02d}-{day:02d}"


def _slashed(m: re.Match[str]) -> _Result:
    """Read "30/04/1962" (day first) or "04/30/1962" (month first): read only when one part is over
    12, or both parts are equal; otherwise the order cannot be known."""
    a, b, year = int(m.group("a")), int(m.group("b")), int(m.group("year"))
    if a == b or (a > 12 and b <= 12):
        return _calendar_date(year, b, a)
    if b > 12 and a <= 12:
        return _calendar_date(year, a, b)
    if a > 12 and b > 12:
        return _Why("impossible", "neither part can be a month")
    return _Why("ambiguous", "day/month or month/day")


def _simple(text: str) -> _Result:
    """One calendar date, month, season or year in a common written form, as EDTF."""
    m = _SEASON.fullmatch(text)
    if m and m.group("season").lower() in _SEASONS:
        return f"{int(m.group('year')):04d}-{_SEASONS[m.group('season').lower()]}"
    for form in _FORMS:
        m = form.fullmatch(text)
        if not m:
            continue
        groups = m.groupdict()
        year = int(groups["year"])
        if groups.get("month"):
            month: int | None = _MONTHS.get(groups["month"].lower())
            if month is None:
                return None
        elif groups.get("mnum"):
            month = int(groups["mnum"])
        else:
            month = None
        day = int(groups["day"]) if groups.get("day") else None
        return _calendar_date(year, month, day)
    m = _SLASHED.fullmatch(text)
    if m:
        return _slashed(m)
    m = _DECADE.fullmatch(text)
    if m:
        return m.group("decade") + "X"
    return None


def _qualified(text: str) -> _Result:
    """One date, month, year or decade, possibly approximate ("c. 1962", "ca. 1950s"),
    uncertain ("[1962?]", "1965?") or supplied by the editors ("[1962]")."""
    simple = _simple(text)
    if simple is not None:
        return simple
    m = _APPROX.fullmatch(text)
    if m:
        inner = _simple(m.group("rest").strip())
        return inner + "~" if isinstance(inner, str) else inner
    m = _QUESTION.fullmatch(text)
    if m:
        inner = _simple(m.group("rest").strip())
        return inner + "?" if isinstance(inner, str) else inner
    m = _BRACKETED.fullmatch(text)
    if m:
        # "[1962]": a date the editors supplied; the value is still the date.
        return _simple(m.group("rest").strip())
    return None


def _range(text: str) -> _Result:
    """Two dates joined by a dash, slash or "to": "1962-1965", "1962/63", "April 30, 1962 -
    May 2, 1962", "1962-04-30 to 1962-05-02". Each separator is tried as the split point."""
    separators = []
    for m in _SEPARATOR.finditer(text):
        separators.append(m)
        if len(separators) > _MAX_SEPARATORS:
            return None
    why: _Why | None = None
    for m in separators:
        head, tail = text[: m.start()].strip(), text[m.end() :].strip()
        start = _qualified(head)
        if not isinstance(start, str):
            why = why or start
            continue
        end = _qualified(tail)
        if end is None and re.fullmatch(r"\d{2}", tail) and re.fullmatch(r"\d{4}", head):
            end = head[:2] + tail  # "1962/63"
        if not isinstance(end, str):
            why = why or end
            continue
        low, high = edtf_bounds(start), edtf_bounds(end)
        if low and high and low[0] <= high[1]:
            return f"{start}/{end}"
    return why


def _read(text: str) -> _Result:
    single = _qualified(text)
    if single is not None:
        return single
    m = _DATETIME.fullmatch(text)
    if m:
        # Fractional seconds (as Zenodo writes them) have no place in EDTF: dropped.
        return m.group("base") + (m.group("zone") or "")
    ranged = _range(text)
    if ranged is not None:
        return ranged
    if " " in text:
        return None
    # Last resort: the text may already be EDTF of a form the fast path does not know. Only
    # text made of EDTF's characters is worth the edtf package's milliseconds.
    if is_valid_edtf(text) or (_EDTF_LIKE.fullmatch(text) and _edtf_parses(text)):
        return text
    return None


def _quote(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


@lru_cache(maxsize=4096)
def _explain(text: str) -> DateReading:
    written = _quote(text)
    if _UNDATED.fullmatch(text):
        return DateReading(None, "undated", f"{written} says the document has no known date")
    result = _read(text)
    if isinstance(result, str):
        if is_valid_edtf(result):
            return DateReading(result, "date")
        if _edtf_parses(result):
            return DateReading(
                None,
                "unsupported",
                f"{written} is EDTF that archmeta does not store (sets, long years and "
                "significant digits cannot be bounded); add a Normalized Date section with a "
                "simpler value",
            )
        result = None
    if result is None:
        return DateReading(
            None,
            "unreadable",
            f"{written} cannot be read as a date; add a Normalized Date section with its EDTF "
            "value",
        )
    if result.kind == "ambiguous":
        problem = (
            f"{written} is ambiguous: {result.detail}; add a Normalized Date section to settle it"
        )
    else:
        problem = f"{written} is not a date: {result.detail}"
    return DateReading(None, result.kind, problem)


def explain_date(text: str) -> DateReading:
    """Read a date as written: its EDTF value, or the kind of problem and a sentence saying why.

    Never raises. Text longer than :data:`MAX_DATE_LENGTH` characters (white space collapsed) is
    not read.

    >>> explain_date("30/04/1962").edtf, explain_date("Spring 1962").edtf
    ('1962-04-30', '1962-21')
    >>> explain_date("05/04/1962").kind, explain_date("31 February 1962").kind
    ('ambiguous', 'impossible')
    """
    # Collapsing white space first keeps the cache small and the checks below simple; the cap
    # is checked before and after so that huge text is never copied into the cache.
    if len(text) > 4 * MAX_DATE_LENGTH:
        return _too_long(len(text))
    collapsed = " ".join(text.split())
    if not collapsed:
        return DateReading(None, "empty", "the date is empty")
    if len(collapsed) > MAX_DATE_LENGTH:
        return _too_long(len(collapsed))
    return _explain(collapsed)


def _too_long(length: int) -> DateReading:
    return DateReading(
        None,
        "too-long",
        f"the date is {length:,} characters long; archmeta reads dates of at most "
        f"{MAX_DATE_LENGTH} characters",
    )


def normalize_date(text: str) -> str | None:
    """The EDTF value of a date as written, or ``None`` when it cannot be read (never raises).

    >>> normalize_date("April 30, 1962"), normalize_date("c. 1962"), normalize_date("1950s")
    ('1962-04-30', '1962~', '195X')
    """
    return explain_date(text).edtf


# No stored EDTF value is longer than two date-times with zones and a slash (51 characters);
# the cap keeps the edtf package (a pyparsing grammar) away from long untrusted values.
_MAX_EDTF_LENGTH = 100


@lru_cache(maxsize=4096)
def _edtf_parses(value: str) -> bool:
    if len(value) > _MAX_EDTF_LENGTH:
        return False
    try:
        from edtf import parse_edtf  # imported lazily: costs ~0.1 s
    except ImportError:  # pragma: no cover - edtf is a runtime dependency
        return False
    try:
        parse_edtf(value)
    except Exception:  # edtf raises pyparsing and its own exceptions
        return False
    return True


def _simple_valid(value: str) -> bool:
    year = int(value[:4])
    parts = value.rstrip("~?%").split("-")
    month = int(parts[1]) if len(parts) > 1 else None
    day = int(parts[2]) if len(parts) > 2 else None
    if month is not None and day is None and 21 <= month <= 24 and value[-1] not in "~?%":
        return True  # a season (the edtf package refuses qualified seasons)
    return isinstance(_calendar_date(year, month, day), str)


def is_valid_edtf(value: str) -> bool:
    """Whether ``value`` is an EDTF value archmeta stores: it matches :data:`EDTF_PATTERN` and is
    valid EDTF (fast path for the common forms, else the ``edtf`` package). Never raises."""
    if len(value) > _MAX_EDTF_LENGTH or not _EDTF_CHARS.fullmatch(value):
        return False
    if _EDTF_SIMPLE.fullmatch(value):
        return _simple_valid(value)
    if re.fullmatch(r"\d{3}X", value):
        return True
    if value.count("/") == 1:
        start, end = value.split("/")
        if _EDTF_SIMPLE.fullmatch(start) and _EDTF_SIMPLE.fullmatch(end):
            return _simple_valid(start) and _simple_valid(end) and start <= end
    if _YEAR_RANGE.match(value):
        return False
    return _edtf_parses(value)


# Season bounds: spring March-May, summer June-August, autumn September-November. Winter is
# written with one year but spans two: "Winter 1962" may mean early 1962 or December 1962 -
# February 1963, so its bounds cover both.
_SEASON_MONTHS = {21: (3, 5), 22: (6, 8), 23: (9, 11)}


def edtf_bounds(value: str) -> tuple[str, str] | None:
    """The earliest and latest calendar day an EDTF value can mean, as ISO dates.

    Used by writers that need ``notBefore``/``notAfter`` (TEI) or a W3CDTF value. Returns
    ``None`` for forms this function does not bound (open intervals, date-times, sets).
    """
    core = value.rstrip("~?%")
    if "/" in core:
        start, end = core.split("/", 1)
        lo, hi = edtf_bounds(start), edtf_bounds(end)
        if lo is None or hi is None:
            return None
        return lo[0], hi[1]
    m = re.fullmatch(r"(\d{3})X", core)
    if m:
        return f"{m.group(1)}0-01-01", f"{m.group(1)}9-12-31"
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", core)
    if not m:
        return None
    year = int(m.group(1))
    if m.group(3):
        return core, core
    if m.group(2):
        month = int(m.group(2))
        if month in _SEASON_MONTHS:
            first, last = _SEASON_MONTHS[month]
            return f"{year:04d}-{first:02d}-01", _month_end(year, last)
        if month == 24:
            return f"{year:04d}-01-01", _month_end(year + 1, 2) if year < 9999 else "9999-12-31"
        if not 1 <= month <= 12:
            return None
        return f"{core}-01", _month_end(year, month)
    return f"{core}-01-01", f"{core}-12-31"


def _month_end(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
