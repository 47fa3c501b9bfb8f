"""The typed inline view of a body paragraph: text and the editors' bracket marks.

The Digital Archive marks editorial interventions with square brackets:

* omission: ``[...]`` and its variants ``[…]``, ``[ …]``, ``[....]``;
* illegible text: ``[illegible]``;
* sic: ``[sic]``, ``[sic.]``, ``[sic!]`` (the mark follows the word it qualifies);
* supplied text: any other bracketed text, ``[April]``, ``F[oreign] M[inistry]``.

``parse_inline`` splits a paragraph into segments and ``render`` joins them back; rendering
always gives back the identical string. A ``[`` without its ``]`` (or a nested one) is text.
Views are built on demand and cached, because building them for every paragraph eagerly costs
more than writing the whole record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

__all__ = [
    "Illegible",
    "Omission",
    "Segment",
    "Sic",
    "Supplied",
    "Text",
    "classify_mark",
    "parse_inline",
    "render",
]


@dataclass(frozen=True, slots=True)
class Text:
    """Plain text between marks."""

    text: str
    kind: Literal["text"] = "text"

    def render(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Omission:
    """Text the editors left out, ``[...]``; ``mark`` keeps the variant as written."""

    mark: str = "[...]"
    kind: Literal["omission"] = "omission"

    def render(self) -> str:
        return self.mark


@dataclass(frozen=True, slots=True)
class Illegible:
    """Text the editors could not read, ``[illegible]``."""

    mark: str = "[illegible]"
    kind: Literal["illegible"] = "illegible"

    def render(self) -> str:
        return self.mark


@dataclass(frozen=True, slots=True)
class Sic:
    """The editors' ``[sic]``: the preceding word is reproduced as in the original."""

    mark: str = "[sic]"
    kind: Literal["sic"] = "sic"

    def render(self) -> str:
        return self.mark


@dataclass(frozen=True, slots=True)
class Supplied:
    """Text the editors supplied, written ``[text]``."""

    text: str
    kind: Literal["supplied"] = "supplied"

    def render(self) -> str:
        return f"[{self.text}]"


Segment = Text | Omission | Illegible | Sic | Supplied

_BRACKET = re.compile(r"\[([^\[\]\n]*)\]")
_OMISSION = re.compile(r"\s*(?:\.{3,}|…)\s*")
_ILLEGIBLE = re.compile(r"illegible", re.IGNORECASE)
_SIC = re.compile(r"sic[.!]?", re.IGNORECASE)


def classify_mark(inner: str) -> Segment:
    """The segment for one bracketed mark, given the text between the brackets."""
    mark = f"[{inner}]"
    if _OMISSION.fullmatch(inner):
        return Omission(mark)
    if _ILLEGIBLE.fullmatch(inner):
        return Illegible(mark)
    if _SIC.fullmatch(inner):
        return Sic(mark)
    return Supplied(inner)


@lru_cache(maxsize=1024)
def parse_inline(paragraph: str) -> tuple[Segment, ...]:
    """Split a paragraph into text and editorial-mark segments (``render`` inverts it).

    ``[]`` (empty brackets) and brackets whose content begins or ends with white space other
    than an omission are kept as plain text, so that every supplied segment has content.
    """
    segments: list[Segment] = []
    pos = 0
    for m in _BRACKET.finditer(paragraph):
        inner = m.group(1)
        segment = classify_mark(inner)
        if isinstance(segment, Supplied) and (not inner or inner != inner.strip()):
            continue  # not an editorial mark; stays in the surrounding text
        if m.start() > pos:
            segments.append(Text(paragraph[pos : m.start()]))
        segments.append(segment)
        pos = m.end()
    if pos < len(paragraph):
        segments.append(Text(paragraph[pos:]))
    return tuple(_merge_text(segments))


def _merge_text(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for segment in segments:
        if isinstance(segment, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return merged


def render(segments: Iterable[Segment]) -> str:
    """Join segments back into the paragraph string in the bracket convention."""
    return "".join(segment.render() for segment in segments)
