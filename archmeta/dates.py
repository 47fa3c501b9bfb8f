"""Reading dates as archives write them and normalizing them to EDTF.

The common forms ("April 30, 1962", "March 1962", "1955", "c. 1962", "1962-1965", "1950s",
ISO dates) take a fast path of regular expressions: ``edtf.parse_edtf`` costs milliseconds a call,
so it only checks what the fast path cannot decide, and its answers are cached.
"""

from __future__ import annotations

import calendar
import re
from functools import lru_cache

__all__ = ["edtf_bounds", "is_valid_edtf", "normalize_date"]

_MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    _full = calendar.month_name[_number].lower()
    _MONTHS[_full] = _number
    _MONTHS[_full[:3]] = _number
_MONTHS["sept"] = 9

_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_YEAR = r"(?P<year>\d{4})"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"

_FORMS: list[re.Pattern[str]] = [
    re.compile(rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}"),  # April 30, 1962
    re.compile(rf"{_DAY}\s+{_MONTH},?\s+{_YEAR}"),  # 30 April 1962
    re.compile(rf"{_MONTH},?\s+{_YEAR}"),  # March 1962, August, 1962
    re.compile(r"(?P<year>\d{4})-(?P<mnum>\d{2})-(?P<day>\d{2})"),  # 1989-12-06
    re.compile(r"(?P<day>\d{1,2})\.(?P<mnum>\d{1,2})\.(?P<year>\d{4})"),  # 22.05.1962
    re.compile(r"(?P<year>\d{4})-(?P<mnum>\d{2})"),  # 2004-05
    re.compile(r"(?P<year>\d{4})"),  # 1955
]
_APPROX = re.compile(r"(?:circa|approx\.?|about|ca\.?|c\.?)\s*(?P<rest>.+)", re.IGNORECASE)
_DECADE = re.compile(r"(?P<decade>\d{3})0s")
_QUESTION = re.compile(r"\[?(?P<rest>[^\[\]?]+)\?\]?")
_BRACKETED = re.compile(r"\[(?P<rest>[^\[\]]+)\]")
# W3C date-times as harvested records carry them (1998-06-01T00:00:00Z) are already EDTF.
_DATETIME = re.compile(
    r"(?P<base>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})?"
)
_SEPARATOR = re.compile(r"\s*(?:–|—|/|\bto\b|-)\s*")
_EDTF_SIMPLE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?[~?%]?")


def _calendar_date(year: int, month: int | None, day: int | None) -> str | None:
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _simple(text: str) -> str | None:
    """One calendar date, month or year in a common written form, as EDTF."""
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
    m = _DECADE.fullmatch(text)
    if m:
        return m.group("decade") + "X"
    return None


def _qualified(text: str) -> str | None:
    """One date, month, year or decade, possibly approximate ("c. 1962", "ca. 1950s"),
    uncertain ("[1962?]", "1965?") or supplied by the editors ("[1962]")."""
    simple = _simple(text)
    if simple is not None:
        return simple
    m = _APPROX.fullmatch(text)
    if m:
        inner = _simple(m.group("rest").strip())
        return inner + "~" if inner else None
    m = _QUESTION.fullmatch(text)
    if m:
        inner = _simple(m.group("rest").strip())
        return inner + "?" if inner else None
    m = _BRACKETED.fullmatch(text)
    if m:
        # "[1962]": a date the editors supplied; the value is still the date.
        return _simple(m.group("rest").strip())
    return None


def _range(text: str) -> str | None:
    """Two dates joined by a dash, slash or "to": "1962-1965", "1962/63", "April 30, 1962 -
    May 2, 1962", "1962-04-30 to 1962-05-02". Every separator is tried as the split point."""
    for m in _SEPARATOR.finditer(text):
        head, tail = text[: m.start()].strip(), text[m.end() :].strip()
        start = _qualified(head)
        if start is None:
            continue
        end = _qualified(tail)
        if end is None and re.fullmatch(r"\d{2}", tail) and re.fullmatch(r"\d{4}", head):
            end = head[:2] + tail  # "1962/63"
        if end is None:
            continue
        low, high = edtf_bounds(start), edtf_bounds(end)
        if low and high and low[0] <= high[1]:
            return f"{start}/{end}"
    return None


def _normalize(text: str) -> str | None:
    text = " ".join(text.split())
    if not text:
        return None
    single = _qualified(text)
    if single is not None:
        return single
    m = _DATETIME.fullmatch(text)
    if m:
        # Fractional seconds (as Zenodo writes them) have no place in EDTF: dropped.
        value = m.group("base") + (m.group("zone") or "")
        return value if is_valid_edtf(value) else None
    ranged = _range(text)
    if ranged is not None:
        return ranged
    if " " in text:
        return None
    # Last resort: the text may already be EDTF of a form the fast path does not know.
    return text if is_valid_edtf(text) else None


@lru_cache(maxsize=4096)
def normalize_date(text: str) -> str | None:
    """The EDTF value of a date as written, or ``None`` when it cannot be read.

    >>> normalize_date("April 30, 1962"), normalize_date("c. 1962"), normalize_date("1950s")
    ('1962-04-30', '1962~', '195X')
    """
    return _normalize(text)


@lru_cache(maxsize=4096)
def _edtf_parses(value: str) -> bool:
    try:
        from edtf import parse_edtf  # imported lazily: costs ~0.1 s
    except ImportError:  # pragma: no cover - edtf is a runtime dependency
        return False
    try:
        parse_edtf(value)
    except Exception:  # edtf raises pyparsing and its own exceptions
        return False
    return True


def is_valid_edtf(value: str) -> bool:
    """Whether ``value`` is a valid EDTF string (fast path for the common forms, else ``edtf``)."""
    if _EDTF_SIMPLE.fullmatch(value):
        year = int(value[:4])
        parts = value.rstrip("~?%").split("-")
        month = int(parts[1]) if len(parts) > 1 else None
        day = int(parts[2]) if len(parts) > 2 else None
        return _calendar_date(year, month, day) is not None
    if re.fullmatch(r"\d{3}X", value):
        return True
    if "/" in value and value.count("/") == 1:
        start, end = value.split("/")
        if _EDTF_SIMPLE.fullmatch(start) and _EDTF_SIMPLE.fullmatch(end):
            return is_valid_edtf(start) and is_valid_edtf(end) and start <= end
    return _edtf_parses(value)


def edtf_bounds(value: str) -> tuple[str, str] | None:
    """The earliest and latest calendar day an EDTF value can mean, as ISO dates.

    Used by writers that need ``notBefore``/``notAfter`` (TEI) or a W3CDTF value. Returns
    ``None`` for forms this function does not bound.
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
        last = calendar.monthrange(year, month)[1]
        return f"{core}-01", f"{core}-{last:02d}"
    return f"{core}-01-01", f"{core}-12-31"
