"""The typed inline view of a body paragraph: text and the editors' bracket marks.

The Digital Archive marks editorial interventions with square brackets:

* omission: dots and ellipses, at least three dots or one ``…``, spaces allowed: ``[...]``,
  ``[…]``, ``[ …]``, ``[....]``, ``[….]``, ``[.…]``;
* illegible text: ``[illegible]``, or a few words (at most six) that include the word
  *illegible*, which then describe what cannot be read: ``[illegible signature]``;
* sic: ``[sic]``, ``[sic.]``, ``[sic!]`` (the mark follows the word it qualifies);
* footnote reference: a number of at most three digits or one to three asterisks, ``[1]``,
  ``[*]`` (a four-digit ``[1962]`` is a supplied year);
* editorial note: the editors' remark on the text rather than text of the document, told by
  its first words (*emphasis*, *italics*, *underlined*, *handwritten*, *crossed out*, *stamp*,
  *note*, *translator's note*, *editor's note*, *Ed.*, *Trans.*) or by the words *in the
  original* anywhere: ``[emphasis in the original]``, ``[Translator's note: ...]``;
* supplied text: any other bracketed text, ``[April]``, ``F[oreign] M[inistry]``, and text in
  double brackets, ``[[I. I. Varnov]]`` (kept as written).

``parse_inline`` splits a paragraph into segments and ``render`` joins them back; rendering
always gives back the identical string. A ``[`` without its ``]`` (or a nested one) is text.
Views are built on demand and cached, because building them for every paragraph eagerly costs
more than writing the whole record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "EditorialNote",
    "FootnoteRef",
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

    @property
    def description(self) -> str | None:
        """What cannot be read, ``illegible signature`` for ``[illegible signature]``; None for
        a bare ``[illegible]``."""
        inner = self.mark[1:-1].strip()
        return None if inner.casefold() == "illegible" else inner


@dataclass(frozen=True, slots=True)
class Sic:
    """The editors' ``[sic]``: the preceding word is reproduced as in the original."""

    mark: str = "[sic]"
    kind: Literal["sic"] = "sic"

    def render(self) -> str:
        return self.mark


@dataclass(frozen=True, slots=True)
class FootnoteRef:
    """A footnote marker, ``[1]``: ``label`` names a note printed elsewhere."""

    label: str
    kind: Literal["footnote"] = "footnote"

    def render(self) -> str:
        return f"[{self.label}]"


@dataclass(frozen=True, slots=True)
class EditorialNote:
    """The editors' remark on the text, ``[emphasis in the original]``."""

    text: str
    kind: Literal["note"] = "note"

    def render(self) -> str:
        return f"[{self.text}]"


@dataclass(frozen=True, slots=True)
class Supplied:
    """Text the editors supplied, written ``[text]`` (or ``[[text]]`` when ``double``)."""

    text: str
    kind: Literal["supplied"] = "supplied"
    double: bool = False

    def render(self) -> str:
        return f"[[{self.text}]]" if self.double else f"[{self.text}]"


Segment = Text | Omission | Illegible | Sic | FootnoteRef | EditorialNote | Supplied

# Double brackets first: ``[[a]]`` is one mark, not "[" + ``[a]`` + "]".
_BRACKET = re.compile(r"\[\[([^\[\]\n]+)\]\]|\[([^\[\]\n]*)\]")
_ILLEGIBLE = re.compile(r"(?=.*\billegible\b)\w[\w'’.,-]*(?: [\w'’.,-]+){0,5}", re.IGNORECASE)
_SIC = re.compile(r"sic[.!]?", re.IGNORECASE)
_FOOTNOTE = re.compile(r"[0-9]{1,3}|\*{1,3}")
_NOTE = re.compile(
    r"(?:emphasis|italics|underlined|handwritten|hand-written|crossed out|stamp"
    r"|(?:translator|editor)['’]?s note|note|ed\.|trans\.)(?![\w-]).*"
    r"|.*\bin the original\b.*",
    re.IGNORECASE,
)


def _is_omission(inner: str) -> bool:
    """Dots and ellipses only (white space aside), at least three dots or one ellipsis. A
    function, not a pattern: a pattern that counts dots among spaces backtracks badly."""
    dots = "".join(inner.split())
    return bool(dots) and not dots.strip(".…") and (dots.count(".") >= 3 or "…" in dots)


def classify_mark(inner: str) -> Segment:
    """The segment for one bracketed mark, given the text between the brackets."""
    mark = f"[{inner}]"
    if ("." in inner or "…" in inner) and _is_omission(inner):  # cheap test first
        return Omission(mark)
    if _ILLEGIBLE.fullmatch(inner):
        return Illegible(mark)
    if _SIC.fullmatch(inner):
        return Sic(mark)
    if _FOOTNOTE.fullmatch(inner):
        return FootnoteRef(inner)
    if inner == inner.strip() and _NOTE.fullmatch(inner):
        return EditorialNote(inner)
    return Supplied(inner)


def parse_inline(paragraph: str) -> tuple[Segment, ...]:
    """Split a paragraph into text and editorial-mark segments (``render`` inverts it).

    ``[]`` (empty brackets) and brackets whose content begins or ends with white space other
    than an omission are kept as plain text, so that every supplied segment has content.
    """
    segments: list[Segment] = []
    pos = 0
    for m in _BRACKET.finditer(paragraph):
        double = m.group(1)
        if double is not None:
            if double != double.strip():
                continue  # not an editorial mark; stays in the surrounding text
            segment: Segment = Supplied(double, double=True)
        else:
            inner = m.group(2)
            segment = classify_mark(inner)
            if isinstance(segment, Supplied) and (not inner or inner != inner.strip()):
                continue  # not an editorial mark; stays in the surrounding text
        if m.start() > pos:
            segments.append(Text(paragraph[pos : m.start()]))
        segments.append(segment)
        pos = m.end()
    if pos < len(paragraph):
        segments.append(Text(paragraph[pos:]))
    # No two Texts are ever adjacent: a bracket that is not a mark leaves ``pos`` where it was,
    # so it stays inside the next Text, and a Text is only appended before a mark or at the end.
    return tuple(segments)


def render(segments: Iterable[Segment]) -> str:
    """Join segments back into the paragraph string in the bracket convention."""
    return "".join(segment.render() for segment in segments)
