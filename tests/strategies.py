"""Hypothesis strategies for archival records, built from the model's own constraints.

Every format's round-trip property test draws records from ``records()``. The strings mix
ordinary words with the tokens that each format has to escape or keep apart (Markdown bold,
list dashes, backslashes, bracket marks, XML specials, non-ASCII), so the properties exercise
the escaping rules, not only easy text.
"""

from __future__ import annotations

import re

from hypothesis import strategies as st

from archmeta.languages import resolve_language
from archmeta.model import (
    LINE_PATTERN,
    PARAGRAPH_PATTERN,
    ArchivalDate,
    ArchivalRecord,
    Language,
)

_LINE = re.compile(LINE_PATTERN)
_PARAGRAPH = re.compile(PARAGRAPH_PATTERN)

TOKENS = [
    "**",
    "- ",
    "\\",
    "(none)",
    "[...]",
    "[…]",
    "[ …]",
    "[....]",
    "[illegible]",
    "[sic]",
    "[sic.]",
    "[April]",
    "F[oreign]",
    "[….]",
    "[.…]",
    "[illegible signature]",
    "[1]",
    "[*]",
    "[emphasis in the original]",
    "[[I. I. Varnov]]",
    "[[",
    "]]",
    "<http://example.org/a>",
    ":",
    "Summary:",
    "**Citation:**",
    "&amp;",
    "&",
    "<",
    ">",
    '"',
    "'",
    "é",
    "中文",
    "Ж",
    " ",
    "  ",
    "\t",
    "]",
    "[",
    "1962",
    "Translated by",
    " and ",
    ",",
    ".",
    "(zh)",
    "#",
    "--",
    "<!--",
    "]]>",
]

_chars = st.characters(
    blacklist_categories=("Cs", "Cc", "Co", "Cn"),
    blacklist_characters="\ufffe\uffff",
)
_word = st.text(alphabet=_chars, min_size=1, max_size=8)
_ascii_word = st.from_regex(r"[A-Za-z][a-z]{0,9}", fullmatch=True)
_piece = st.one_of(_ascii_word, _ascii_word, _word, st.sampled_from(TOKENS))


def lines(max_pieces: int = 6) -> st.SearchStrategy[str]:
    """One valid ``Line``: non-empty, no newline, no white space at either end."""
    return (
        st.lists(_piece, min_size=1, max_size=max_pieces)
        .map(lambda parts: " ".join(parts).strip())
        .filter(lambda s: bool(_LINE.search(s)))
    )


def paragraphs() -> st.SearchStrategy[str]:
    """One valid ``Paragraph``: Lines joined by single newlines (mostly a single line)."""
    return (
        st.lists(lines(), min_size=1, max_size=3)
        .map("\n".join)
        .filter(lambda s: bool(_PARAGRAPH.search(s)))
    )


COMMON_DATES = [
    "April 30, 1962",
    "September 09, 1955",
    "August, 1962",
    "March 1962",
    "1955",
    "1989-12-06",
    "c. 1962",
    "circa 1962",
    "ca. 1962",
    "1962-1965",
    "1950s",
    "undated",
    "30 April 1962",
    "2004-05",
    "[1962?]",
    "n.d.",
]
VALID_EDTF = [
    "1962",
    "1962-04",
    "1962-04-30",
    "1962~",
    "1962?",
    "1962/1965",
    "195X",
    "1962-04-30/1962-05-02",
]


def dates() -> st.SearchStrategy[ArchivalDate]:
    written = st.sampled_from(COMMON_DATES).map(ArchivalDate.from_text)
    arbitrary = st.builds(ArchivalDate, text=lines(3), edtf=st.none() | st.sampled_from(VALID_EDTF))
    return st.one_of(written, written, arbitrary)


LANGUAGE_NAMES = [
    "Chinese",
    "Russian",
    "English",
    "Farsi",
    "German",
    "Korean",
    "Vietnamese",
    "Mongolian",
    "russe",
    "French",
    "Polish",
]


def languages() -> st.SearchStrategy[Language]:
    known = st.sampled_from(LANGUAGE_NAMES).map(
        lambda n: Language(name=n, code=resolve_language(n))
    )
    arbitrary = st.builds(
        Language,
        name=lines(2).filter(lambda s: "," not in s and ";" not in s),
        code=st.none() | st.sampled_from(["zh", "ru", "en", "de", "fr-CA", "zh-Hant", "eng"]),
    )
    return st.one_of(known, known, arbitrary)


_lists = lambda inner: st.lists(inner, max_size=3)  # noqa: E731
_optional = lambda inner: st.none() | inner  # noqa: E731
urls = st.from_regex(r"https?://[a-z]{1,10}\.(org|com)/[a-z0-9/]{0,12}", fullmatch=True)


@st.composite
def wilson_records(draw: st.DrawFn) -> ArchivalRecord:
    """Records shaped like the Digital Archive's: a citation the parts are derived from."""
    title = draw(lines())
    date = draw(st.sampled_from(COMMON_DATES[:8]).map(ArchivalDate.from_text))
    translators = draw(
        st.lists(
            st.sampled_from(
                ["Charles Kraus", "Gary Goldberg", "Sergey S. Radchenko", "Kevin Shepard"]
            ),
            max_size=2,
            unique=True,
        )
    )
    source = draw(
        st.sampled_from(
            ["PRC FMA 118-01154-05, 28", "RGANI, f. 5, op. 30, d. 335", "SAPMO-BArch, DY 30/3612"]
        )
    )
    publisher = "History and Public Policy Program Digital Archive"
    citation = f'"{title}," {date.text}, {publisher}, {source}.'
    if translators:
        citation += " Translated by " + " and ".join(translators) + "."
    funders = draw(
        st.lists(
            st.sampled_from(["MacArthur Foundation", "Henry Luce Foundation", "Korea Foundation"]),
            min_size=1,
            max_size=2,
            unique=True,
        )
    )
    credits = (
        "This document was made possible with support from the " + " and the ".join(funders) + "."
    )
    return ArchivalRecord(
        url=draw(_optional(urls)),
        date=date,
        title=title,
        citation=citation,
        publisher=publisher,
        source=source,
        translators=translators,
        summary=draw(_optional(paragraphs())),
        credits=credits,
        funders=funders,
        original_languages=draw(_lists(languages())),
        contents=draw(
            _lists(
                st.sampled_from(
                    ["English Translation", "Original Scan", "Transcript", "English HTML"]
                )
            )
        ),
        body=draw(st.lists(paragraphs(), max_size=5)),
    )


@st.composite
def any_records(draw: st.DrawFn) -> ArchivalRecord:
    """Records with every field drawn independently (derived fields may disagree with the
    citation, which the text format must then write explicitly)."""
    return ArchivalRecord(
        identifier=draw(_optional(lines(2))),
        url=draw(_optional(urls)),
        date=draw(_optional(dates())),
        title=draw(lines()),
        alternative_titles=draw(_lists(lines())),
        type=draw(_optional(st.sampled_from(["Cable", "Letter", "Report"]) | lines(2))),
        citation=draw(_optional(paragraphs())),
        publisher=draw(_optional(lines())),
        source=draw(_optional(lines())),
        translators=draw(_lists(lines(3))),
        summary=draw(_optional(paragraphs())),
        notes=draw(_lists(lines())),
        credits=draw(_optional(paragraphs())),
        funders=draw(_lists(lines(3))),
        original_languages=draw(_lists(languages())),
        languages=draw(_lists(languages())),
        contents=draw(_lists(lines(3))),
        creators=draw(_lists(lines(3))),
        contributors=draw(_lists(lines(3))),
        subjects=draw(_lists(lines(3))),
        places=draw(_lists(lines(3))),
        rights=draw(_optional(paragraphs())),
        relations=draw(_lists(lines(3))),
        collections=draw(_lists(lines(3))),
        identifiers=draw(_lists(lines(2))),
        formats=draw(_lists(lines(2))),
        body=draw(st.lists(paragraphs(), max_size=5)),
    )


def records() -> st.SearchStrategy[ArchivalRecord]:
    """Any valid record: half Digital-Archive-shaped, half with independent fields."""
    return st.one_of(wilson_records(), any_records())


__all__ = [
    "COMMON_DATES",
    "TOKENS",
    "any_records",
    "dates",
    "languages",
    "lines",
    "paragraphs",
    "records",
    "wilson_records",
]
