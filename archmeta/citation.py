"""Reading the parts of a Digital Archive citation and of its credits statement.

A Digital Archive citation reads::

    "Title," Date, Publisher, Archival reference. Translated by Name and Name.

``parse_citation`` returns what it can recognise; anything it cannot is simply absent (the
verbatim citation is always kept by the record, so nothing is lost).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["CitationParts", "parse_citation", "parse_funders", "split_names"]

# A sentence ends at a period followed by space and a capital, unless the period ends an
# initial ("Sergey S. Radchenko") or a common abbreviation.
_SENTENCE_END = re.compile(r"(?<!\b[A-Z])(?<!\bNo)(?<!\bVol)(?<!\bop)\.\s+(?=[A-Z])")
_QUOTED_TITLE = re.compile(r'^\s*["“](?P<title>.*)[,”"]{2}\s*(?P<rest>.*)$', re.DOTALL)
_TRANSLATED = re.compile(
    r"\btranslated\b(?:\s+(?:for|from|into)\s+.+?)?\s+by\s+(?P<names>.+?)\.?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_SUPPORT = re.compile(
    r"(?:support\s+(?:from|of)|funded\s+by|funding\s+from|grant\s+from)\s+(?P<names>.+?)\.?\s*$",
    re.IGNORECASE | re.DOTALL,
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
    pieces = [p.strip() for p in re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*", text)]
    names: list[str] = []
    carry = ""
    for piece in pieces:
        if not piece:
            continue
        piece = re.sub(r"^the\s+", "", piece, flags=re.IGNORECASE)
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
    text = " ".join(citation.split())
    title: str | None = None
    m = _QUOTED_TITLE.match(text)
    if m:
        title = m.group("title").strip() or None
        text = m.group("rest").strip()
    if date_text:
        date_norm = " ".join(date_text.split())
        if text.startswith(date_norm):
            text = text[len(date_norm) :].lstrip(" ,")
    sentences = _sentences(text)
    translators: list[str] = []
    publisher: str | None = None
    source: str | None = None
    for index, sentence in enumerate(sentences):
        t = _TRANSLATED.search(sentence)
        if t:
            translators.extend(split_names(t.group("names")))
            continue
        if index == 0:
            head, _, tail = sentence.partition(",")
            if _PUBLISHER_HINT.search(head):
                publisher = head.strip().rstrip(".") or None
                tail = tail.strip().rstrip(".")
                source = tail or None
            elif sentence:
                source = sentence.rstrip(".") or None
    return CitationParts(title=title, publisher=publisher, source=source, translators=translators)


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
    return split_names(m.group("names"))
