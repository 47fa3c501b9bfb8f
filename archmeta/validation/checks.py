"""The record rules: each a function registered with its id, default severity, meaning and an
example. A new rule is one more function here (or in any module imported by
:mod:`archmeta.validation`)."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..model import ArchivalRecord

if TYPE_CHECKING:
    from ..dates import DateReading
from .registry import Context, Finding, rule

__all__ = ["url_problem"]

# Characters no field may hold (XML 1.0 cannot carry them): C0 controls but TAB and LF, lone
# surrogates, U+FFFE and U+FFFF.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
_RANGE = re.compile(r"\b(\d{3,4})\s*(?:-|–|—|/|to|until)\s*(\d{3,4})\b")


def _reversed_range(text: str) -> tuple[str, str] | None:
    m = _RANGE.search(text)
    if m and int(m.group(1)) > int(m.group(2)):
        return m.group(1), m.group(2)
    return None


def _date_reading(r: ArchivalRecord) -> DateReading | None:
    """Why the record's date has no EDTF value (None when it has one, or no date)."""
    if r.date is None or r.date.edtf is not None or _reversed_range(r.date.text):
        return None
    from ..dates import explain_date

    return explain_date(r.date.text)


def _date_finding(r: ArchivalRecord, kinds: tuple[str, ...]) -> Iterator[Finding]:
    reading = _date_reading(r)
    if reading is not None and reading.kind in kinds:
        assert r.date is not None
        yield "/date/text", reading.problem or f"the date {r.date.text!r} could not be normalized"


@rule(
    "date-unreadable",
    "warning",
    "The date as written cannot be normalized to EDTF ('undated', 'sometime'); the text is kept "
    "as written. As an error when a record's EDTF value itself is impossible (1962-13-45).",
    '{"title": "Cable", "date": {"text": "sometime before the harvest"}}',
)
def date_readable(r: ArchivalRecord, context: Context) -> Iterator[Finding]:
    reading = _date_reading(r)
    if reading is None or reading.kind not in ("unreadable", "undated", "too-long", "empty"):
        return
    assert r.date is not None
    if reading.kind == "too-long" and reading.problem:
        yield "/date/text", reading.problem
    else:
        yield "/date/text", f"the date {r.date.text!r} could not be normalized to EDTF"


@rule(
    "date-ambiguous",
    "warning",
    "A date written with slashes could be day/month or month/day ('05/04/1962'); a Normalized "
    "Date section (an EDTF value in JSON) settles it.",
    '{"title": "Cable", "date": {"text": "05/04/1962"}}',
)
def date_unambiguous(r: ArchivalRecord, context: Context) -> Iterator[Finding]:
    yield from _date_finding(r, ("ambiguous",))


@rule(
    "date-impossible",
    "warning",
    "The date names a day that does not exist ('31 February 1962', 'April 31, 1962'); a "
    "Normalized Date section settles what was meant.",
    '{"title": "Cable", "date": {"text": "April 31, 1962"}}',
)
def date_possible(r: ArchivalRecord, context: Context) -> Iterator[Finding]:
    yield from _date_finding(r, ("impossible",))


@rule(
    "date-unsupported",
    "warning",
    "The date is valid EDTF that archmeta does not store (a set such as '{1962,1963}', a year "
    "beyond 9999): kept as written, without an EDTF value.",
    '{"title": "Cable", "date": {"text": "{1962,1963}"}}',
)
def date_supported(r: ArchivalRecord, context: Context) -> Iterator[Finding]:
    yield from _date_finding(r, ("unsupported",))


@rule(
    "date-future",
    "error",
    "The date (its earliest possible day) lies after today.",
    '{"title": "Cable", "date": {"text": "2999", "edtf": "2999"}}',
)
def date_not_future(r: ArchivalRecord, context: Context) -> Iterator[Finding]:
    if r.date is None or r.date.edtf is None:
        return
    from ..dates import edtf_bounds

    bounds = edtf_bounds(r.date.edtf)
    if bounds and bounds[0] > _dt.date.today().isoformat():
        yield "/date/edtf", f"the date {r.date.edtf} is in the future"


@rule(
    "date-range-order",
    "error",
    "A date range ends before it starts: '1965-1962' written, or an EDTF 1965/1962.",
    '{"title": "Cable", "date": {"text": "1965-1962"}}',
)
def date_range_order(r: ArchivalRecord, context: Context) -> Iterator[Finding]:
    if r.date is None:
        return
    reversed_ = _reversed_range(r.date.text)
    if reversed_:
        yield (
            "/date/text",
            f"the date range {r.date.text!r} ends ({reversed_[1]}) before it starts "
            f"({reversed_[0]})",
        )
        return
    if r.date.edtf and "/" in r.date.edtf:
        from ..dates import edtf_bounds

        start, _, end = r.date.edtf.partition("/")
        lo, hi = edtf_bounds(start), edtf_bounds(end)
        if lo and hi and lo[0] > hi[1]:
            yield "/date/edtf", f"the date range {r.date.edtf} ends before it starts"


@rule(
    "language-unknown",
    "warning",
    "A language name could not be resolved to an ISO 639 code ('Xyzzyish').",
    '{"title": "Cable", "languages": [{"name": "Old Wilsonian"}]}',
)
def languages_known(r: ArchivalRecord, context: Context) -> Iterator[Finding]:
    for key in ("original_languages", "languages"):
        for index, language in enumerate(getattr(r, key)):
            if language.code is None:
                yield (
                    f"/{key}/{index}/code",
                    f"no ISO 639 code is known for the language {language.name!r}",
                )


@rule(
    "language-code-invalid",
    "error",
    "A language code is malformed or not a registered ISO 639 / BCP 47 code (zh_CN, zz).",
    '{"title": "Cable", "languages": [{"name": "Wilsonian", "code": "zz"}]}',
)
def language_codes_valid(r: ArchivalRecord, context: Context) -> Iterator[Finding]:
    from ..languages import is_valid_language_code

    for key in ("original_languages", "languages"):
        for index, language in enumerate(getattr(r, key)):
            if language.code is not None and not is_valid_language_code(language.code):
                yield (
                    f"/{key}/{index}/code",
                    f"{language.code!r} is not a registered ISO 639 / BCP 47 language code",
                )


def url_problem(url: str, schemes: frozenset[str] | None = None) -> str | None:
    """Why ``url`` is not an acceptable absolute URL, or None (see :mod:`archmeta.urls`)."""
    from ..urls import DEFAULT_SCHEMES
    from ..urls import url_problem as problem

    return problem(url, DEFAULT_SCHEMES if schemes is None else schemes)


@rule(
    "url-malformed",
    "error",
    "The URL is not a well-formed absolute URL: no scheme, a scheme the profile does not accept "
    "(by default http, https, doi, hdl, urn, ark, info, ftp: no javascript:), no host for "
    "http/https/ftp, a bad port or host name, white space. archmeta convert reports it as a "
    "warning (default schemes) and converts the URL as it is.",
    '{"title": "Cable", "url": "https:///document/118189"}',
)
def url_well_formed(r: ArchivalRecord, context: Context) -> Iterator[Finding]:
    if r.url:
        problem = url_problem(r.url, context.url_schemes)
        if problem:
            yield "/url", problem


@rule("title-missing", "error", "The record has no title (or an empty one).", '{"title": ""}')
def title_present(r: ArchivalRecord, context: Context) -> Iterator[Finding]:
    if not (r.title or "").strip():
        yield "/title", "the record has no title"


@rule(
    "title-one-line",
    "error",
    "The title spans more than one line.",
    '{"title": "Cable\\nto Moscow"}',
)
def title_one_line(r: ArchivalRecord, context: Context) -> Iterator[Finding]:
    if r.title and ("\n" in r.title or "\r" in r.title):
        yield "/title", "the title must be one line"


@rule(
    "control-character",
    "error",
    "A value holds a control character that XML 1.0 cannot carry: U+0000-U+001F other than "
    "TAB and newline, U+FFFE, U+FFFF (carriage returns in text files are newlines).",
    '{"title": "Cable\\u0007"}',
)
def no_control_characters(r: ArchivalRecord, context: Context) -> Iterator[Finding]:
    # Records built through the model cannot hold them; records made with model_construct (or
    # changed by model_copy(update=...)) can, so every string is looked at. The walk reads the
    # model's attributes in field order (what model_dump would give, without copying it) and
    # builds a pointer only for a string that holds one.
    found: list[Finding] = []
    _control_characters(r, "", found)
    yield from found


def _control_characters(value: Any, where: str, found: list[Finding]) -> None:
    if isinstance(value, str):
        # Every character _CONTROL matches is unprintable (Cc, Cs, Cn), and isprintable() is a
        # faster scan than the character class: the pattern runs only on strings that hold an
        # unprintable character (a newline, a no-break space, or a control character).
        m = None if value.isprintable() else _CONTROL.search(value)
        if m:
            found.append((where, f"control character U+{ord(m.group()):04X} is not allowed"))
    elif isinstance(value, BaseModel):
        for key, item in value:
            if item is not None:
                _control_characters(item, f"{where}/{key}", found)
    elif isinstance(value, list):
        search = _CONTROL.search
        for index, item in enumerate(value):
            # A list's strings (the body's paragraphs) are searched here, so that a pointer is
            # made only for the one that holds a control character.
            if not isinstance(item, str) or (not item.isprintable() and search(item)):
                _control_characters(item, f"{where}/{index}", found)
    elif isinstance(value, dict):
        for key, item in value.items():
            _control_characters(item, f"{where}/{key}", found)


@rule(
    "translator-missing",
    "warning",
    "Contents lists a translation ('English Translation') but the record names no translator.",
    '{"title": "Cable", "contents": ["Translation - English"]}',
    needs=frozenset({"translators"}),
)
def translators_named(r: ArchivalRecord, context: Context) -> Iterator[Finding]:
    if any("translation" in item.lower() for item in r.contents) and not r.translators:
        yield "/translators", "Contents lists a translation but no translator is named"


_TITLE_WORDS = re.compile(r"\w+")


@rule(
    "citation-mismatch",
    "warning",
    "The citation's quoted title differs from the record's title (compared word by word, "
    "ignoring case and punctuation), or the citation does not mention the date as written.",
    '{"title": "Cable", "citation": "\\"Letter to Kim\\", April 30, 1962, Archive."}',
)
def citation_consistent(r: ArchivalRecord, context: Context) -> Iterator[Finding]:
    if not r.citation:
        return
    from ..citation import citation_title

    title = citation_title(r.citation)
    if title and _TITLE_WORDS.findall(title.lower()) != _TITLE_WORDS.findall(r.title.lower()):
        yield (
            "/citation",
            f"the citation names the title {title!r}, not the record's {r.title!r}",
        )
    if r.date and r.date.text not in r.citation:
        yield "/citation", f"the citation does not mention the date {r.date.text!r}"
