"""Recognising what people type when they mean a section heading.

The layout's heading is exactly ``**Name:**`` on a line of its own, with a known *Name*. People
submit ``**Summary**:``, ``Summary:``, ``## Summary``, ``__Summary:__``, ``**Citation**``,
``**Sumary:**``, ``**Original language:**``, or the heading and its text on one line. Read
literally, each of those is a body paragraph and the section's content silently becomes body
text, so the reader asks this module whether a paragraph is such a *near miss*, and which known
section it most likely means.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ._layout import _HEADER, _NOT_HEADING, TEXT_SECTIONS

# A heading-like line: optional Markdown heading marks, optional emphasis (bold or italic, with
# asterisks or underscores), a name, and a colon inside or outside the emphasis.
_HEADING_LIKE = re.compile(
    r"^(?P<hashes>#{1,6}[ \t]*)?"
    r"(?P<mark>\*\*|__|\*|_)?[ \t]*"
    r"(?P<name>[A-Za-z][A-Za-z ()/-]{0,40}?)[ \t]*"
    r"(?P<inner>:)?[ \t]*"
    r"(?(mark)(?P=mark))[ \t]*"
    r"(?P<outer>:)?[ \t]*$"
)
# A bold (or underscored) heading with text after it on the same line: ``**Summary:** text``.
_INLINE = re.compile(
    r"^(?P<mark>\*\*|__)(?P<name>[A-Za-z][A-Za-z ()/-]{0,40}?)[ \t]*:[ \t]*"
    r"(?P=mark)[ \t]*:?[ \t]*(?P<rest>\S.*)$"
)
_FOLDED = {name.casefold(): name for name in TEXT_SECTIONS}
# How close (difflib ratio) a name must be to a known section to be taken for it.
_NEAR = 0.8
# How close an unknown section's name must be for the suggestion to be worth making.
_SUGGEST = 0.7


@dataclass(frozen=True)
class NearMiss:
    """A paragraph that looks like the heading of section ``section`` but is not written as one.

    ``why`` says what is wrong with it in words; ``content`` is the section's content when the
    paragraph itself holds it (the heading's line has text after it, or no blank line follows
    the heading), else None: the content is the next paragraph.
    """

    section: str
    why: str
    content: list[str] | None
    #: The heading is written right but its name is misspelt: an unknown section, which every
    #: format reports as ``unknown-element``.
    misspelt: bool = False


def closest_section(name: str, cutoff: float = _NEAR) -> str | None:
    """The known section a name most likely means (case-insensitive), or None."""
    folded = " ".join(name.split()).casefold()
    if folded in _FOLDED:
        return _FOLDED[folded]
    found = difflib.get_close_matches(folded, list(_FOLDED), n=1, cutoff=cutoff)
    return _FOLDED[found[0]] if found else None


def suggestion(name: str) -> str:
    """Words for an unknown section's name: the closest known section, or where they are."""
    near = closest_section(name, _SUGGEST)
    if near is not None:
        return f"did you mean **{near}:**?"
    return f"it is none of the {len(TEXT_SECTIONS)} sections in docs/formats/text.md"


def could_be_heading(first: str) -> bool:
    """Whether a paragraph whose first line is ``first`` may be a heading, well or mistyped
    (:func:`near_miss` tells); False for almost every paragraph of a body, at little cost."""
    first = first.strip()
    return first.startswith(("**", "__")) or _NOT_HEADING.search(first) is None


def near_miss(lines: list[str]) -> NearMiss | None:
    """Whether a paragraph (its raw lines) is a mistyped heading of a known section."""
    if not could_be_heading(lines[0]):
        return None
    first = lines[0].strip()
    rest = lines[1:]
    exact = _HEADER.match(first)
    if exact is not None:
        name = exact.group("name")
        if name in TEXT_SECTIONS:
            if rest:  # the heading with its content under it, no blank line between
                return NearMiss(name, f"leave a blank line after **{name}:**", rest)
            return None
        section = closest_section(name)
        if section is None:
            return None
        misspelt = section.casefold() != " ".join(name.split()).casefold()
        why = f"did you mean **{section}:**? (section names are case-sensitive)"
        return NearMiss(section, why, rest or None, misspelt)
    inline = _INLINE.match(first)
    if inline is not None:
        section = closest_section(inline.group("name"))
        if section is None:
            return None
        return NearMiss(
            section,
            f"put **{section}:** on a line of its own, then a blank line, then its text",
            [inline.group("rest"), *rest],
        )
    m = _HEADING_LIKE.match(first)
    if m is None:
        return None
    marked = bool(m.group("hashes") or m.group("mark"))
    colon = bool(m.group("inner") or m.group("outer"))
    if not (marked or colon):
        return None  # a bare word on a line is text ("Summary" may open a paragraph)
    section = closest_section(m.group("name"))
    if section is None:
        return None
    if not marked and rest:
        return None  # "Note: ..." at the head of a plain paragraph is prose
    return NearMiss(section, f"did you mean **{section}:**?", rest or None)
