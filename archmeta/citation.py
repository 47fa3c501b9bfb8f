"""Reading the parts of a Digital Archive citation and of its credits statement.

A Digital Archive citation reads::

    "Title," Date, Publisher, Archival reference. Translated by Name and Name.

``parse_citation`` returns what it can recognise; anything it cannot is simply absent (the
verbatim citation is always kept by the record, so nothing is lost).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["CitationParts", "citation_title", "parse_citation", "parse_funders", "split_names"]

# Every expression here is matched once per sentence or once per text (never retried from each
# position with an unbounded lazy scan to the end, which made "translated for " x 8000 take
# 26 s), so parsing is linear in the citation's length.

# A sentence ends at a period followed by space and a capital, unless the period ends an
# initial ("Sergey S. Radchenko") or a common abbreviation. The period comes first, so that the
# expression is tried only at periods (lookbehinds first ran four checks at every character:
# 30x slower).
_SENTENCE_END = re.compile(r"\.(?<!\b[A-Z]\.)(?<!\bNo\.)(?<!\bVol\.)(?<!\bop\.)\s+(?=[A-Z])")
_QUOTED_TITLE = re.compile(r'^\s*["“](?P<title>.*)[,”"]{2}\s*(?P<rest>.*)$', re.DOTALL)
# "Translated by", "Obtained and translated for NKIDP by", "translated and edited by",
# "translation by", "English translation by": the translation word, at most a few short words,
# then "by". The few words are bounded ({0,6} words of at most 40 characters), so each match
# attempt looks at a bounded stretch of text.
_TRANSLATED = re.compile(
    r"\btranslat(ed|ion|ions)\b(?:\s+[^\s.;()]{1,40}){0,6}?\s+by\s+", re.IGNORECASE
)
_EDITED = re.compile(r"\b(?:edited|reviewed|revised|checked|corrected|proofread)\b", re.I)
# Where a list of translators ends: a parenthesis (publication details, an institution), a
# semicolon, or a clause about what the translation was for.
_NAMES_END = re.compile(
    r"\s*[(\[;]|\s+(?:for|from|with|in|on|at|under)\b|\.\s+[^A-Z]", re.IGNORECASE
)
_SUPPORT = re.compile(
    r"(?:support\s+(?:from|of)|funded\s+by|funding\s+from|grant\s+from)\s+", re.IGNORECASE
)
_PUBLISHER_HINT = re.compile(r"\b(?:archive|archives|library|program|center|centre)\b", re.I)


@dataclass(frozen=True)
class CitationParts:
    """What a citation says besides its verbatim text."""

    title: str | None = None
    publisher: str | None = None
    source: str | None = None
    translators: list[str] = field(default_factory=list)


def split_names(text: str) -> list[str]:
    """Split "A, B and C" / "A and the B" into names; a lone word joins the name after it."""
    text = " ".join(text.split())  # single spaces: the separators below then never backtrack
    pieces = [p.strip() for p in re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*", text)]
    names: list[str] = []
    carry = ""
    for raw in pieces:
        if not raw:
            continue
        piece = re.sub(r"^the\s+", "", raw, flags=re.IGNORECASE)
        if carry:
            piece = f"{carry} and {piece}"
            carry = ""
        if " " not in piece and piece[:1].isupper() and piece.lower() not in {"the"}:
            # "Bill and Melinda Gates Foundation": a single word is the first half of a name,
            # unless it is the last piece (a one-word name such as "Unesco").
            carry = piece
            continue
        names.append(piece)
    if carry:
        names.append(carry)
    return [n for n in names if n]


def _translators(sentence: str) -> list[str] | None:
    """The people a sentence names as translators, or None when it names none.

    The names run from "by" to the end of the sentence, a parenthesis, a semicolon or a clause
    such as "for the ...": "Translated by Michael B. Petrovich. (New York: ...)" names one person.
    """
    m = _TRANSLATED.search(sentence)
    if not m:
        return None
    if m.group(1).lower().startswith("ion") and _EDITED.search(m.group()):
        return None  # "Translation edited by": editors of a translation, not its translators
    rest = sentence[m.end() :]
    end = _NAMES_END.search(rest)
    if end:
        rest = rest[: end.start()]
    rest = rest.strip().rstrip(".,:").strip()
    # A name has a capital letter; "the editors" or a page range is not a translator's name.
    names = [n for n in split_names(rest) if any(c.isupper() for c in n)]
    return names or None


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def parse_citation(citation: str, date_text: str | None = None) -> CitationParts:
    """The title, publisher, archival reference and translators named in a citation.

    >>> p = parse_citation('"A cable," April 30, 1962, History and Public Policy Program '
    ...     'Digital Archive, PRC FMA 118-01154-05, 28. Translated by Charles Kraus.',
    ...     'April 30, 1962')
    >>> p.publisher
    'History and Public Policy Program Digital Archive'
    >>> p.source, p.translators
    ('PRC FMA 118-01154-05, 28', ['Charles Kraus'])
    """
    title, text = _split_title(" ".join(citation.split()))
    if date_text:
        date_norm = " ".join(date_text.split())
        if text.startswith(date_norm):
            text = text[len(date_norm) :].lstrip(" ,")
    sentences = _sentences(text)
    translators: list[str] = []
    publisher: str | None = None
    source: str | None = None
    for index, sentence in enumerate(sentences):
        named = _translators(sentence)
        if named is not None:
            translators.extend(named)
            continue
        if index == 0:
            head, _, tail = sentence.partition(",")
            # Each part is stripped of its final period and then of white space again: the
            # parts are stored as Lines, which have no white space at either end.
            if _PUBLISHER_HINT.search(head):
                publisher = _part(head)
                source = _part(tail)
            elif sentence:
                source = _part(sentence)
    return CitationParts(title=title, publisher=publisher, source=source, translators=translators)


def _split_title(text: str) -> tuple[str | None, str]:
    """The quoted title a citation opens with (None when it has none) and the text after it."""
    m = _QUOTED_TITLE.match(text)
    if m is None:
        return None, text
    return m.group("title").strip() or None, m.group("rest").strip()


def citation_title(citation: str) -> str | None:
    """The quoted title a citation opens with, as :func:`parse_citation` reads it, without
    reading the rest (the names of translators take most of the parsing).

    >>> citation_title('"A cable," April 30, 1962, Digital Archive.')
    'A cable'
    """
    return _split_title(" ".join(citation.split()))[0]


def _part(text: str) -> str | None:
    return text.strip().rstrip(".").strip() or None


def parse_funders(credits: str) -> list[str]:
    """The organizations a credits statement names as giving support.

    >>> parse_funders("This document was made possible with support from the MacArthur "
    ...     "Foundation and the Henry Luce Foundation.")
    ['MacArthur Foundation', 'Henry Luce Foundation']
    """
    text = " ".join(credits.split())
    m = _SUPPORT.search(text)
    if not m:
        return []
    return split_names(text[m.end() :].rstrip().removesuffix("."))
