"""The typed model of an archival record (pydantic v2): pure data, no format code.

The string constraints are the contract every format relies on: a ``Line`` is one line of text
with no leading or trailing white space, a ``Paragraph`` is one or more such lines joined by
single newlines. Control characters that XML 1.0 cannot carry are refused here, so that every
valid record can be written in every format. Field order is the JSON key order.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from .dates import is_valid_edtf

__all__ = [
    "LANGUAGE_NAME_PATTERN",
    "LINE_PATTERN",
    "PARAGRAPH_PATTERN",
    "ArchivalDate",
    "ArchivalRecord",
    "Language",
    "Line",
    "Paragraph",
]

# Characters a value may hold: everything but C0 controls other than TAB, surrogates and the
# two XML-illegal non-characters. Newlines are added back only between the lines of a paragraph.
_EXCLUDED = "\\x00-\\x08\\x0a-\\x1f\\ud800-\\udfff\\ufffe\\uffff"


def _line_body(extra_excluded: str = "") -> str:
    """One line: starts and ends with a non-space character, holds no excluded character."""
    char = f"[^{_EXCLUDED}{extra_excluded}]"
    solid = f"[^\\s{_EXCLUDED}{extra_excluded}]"
    return f"{solid}(?:{char}*{solid})?"


# The patterns are valid in Python and in ECMA-262 (JSON Schema) and run in linear time. Python's
# `$` also matches before a final newline, so each ends with `(?!\n)` to refuse one.
LINE_PATTERN = f"^{_line_body()}$(?!\\n)"
PARAGRAPH_PATTERN = f"^{_line_body()}(?:\\n{_line_body()})*$(?!\\n)"
LANGUAGE_NAME_PATTERN = f"^{_line_body(',;')}$(?!\\n)"
EDTF_PATTERN = "^[0-9X?~%/.\\-+:TZ]+$"
LANGUAGE_TAG_PATTERN = "^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$"

Line = Annotated[str, StringConstraints(pattern=LINE_PATTERN)]
"""One line of text: non-empty, no newline, no white space at either end."""
Paragraph = Annotated[str, StringConstraints(pattern=PARAGRAPH_PATTERN)]
"""One or more Lines joined by single newlines (no blank lines)."""


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=False,
        regex_engine="python-re",
        validate_assignment=True,
        str_strip_whitespace=False,
    )


class ArchivalDate(_Model):
    """A date as the archive wrote it, with its normalized EDTF value when it can be read.

    ``text`` is never changed; ``edtf`` is ``None`` for "undated" and for text that cannot be
    read (validation reports that as a warning).
    """

    model_config = ConfigDict(title="ArchivalDate")

    text: Line = Field(description="The date exactly as written, e.g. 'April 30, 1962'.")
    edtf: Annotated[str, StringConstraints(pattern=EDTF_PATTERN)] | None = Field(
        default=None,
        description="The date normalized to the Extended Date/Time Format (ISO 8601-2), "
        "e.g. '1962-04-30', '1962-03', '1962~', '1962/1965', '195X'; null when unreadable.",
    )

    @field_validator("edtf")
    @classmethod
    def _check_edtf(cls, value: str | None) -> str | None:
        if value is not None and not is_valid_edtf(value):
            raise ValueError(f"not a valid EDTF value: {value!r}")
        return value

    @classmethod
    def from_text(cls, text: str) -> ArchivalDate:
        """Build a date from its written form, normalizing it to EDTF when possible."""
        from .dates import normalize_date

        return cls(text=text, edtf=normalize_date(text))


class Language(_Model):
    """A language as written ("Chinese") with its BCP 47 / ISO 639 code ("zh")."""

    model_config = ConfigDict(title="Language")

    name: Annotated[str, StringConstraints(pattern=LANGUAGE_NAME_PATTERN)] = Field(
        description="The language as the source wrote it (no commas or semicolons)."
    )
    code: Annotated[str, StringConstraints(pattern=LANGUAGE_TAG_PATTERN)] | None = Field(
        default=None,
        description="BCP 47 language tag (ISO 639-1 where one exists), null when unknown.",
    )

    @classmethod
    def from_name(cls, name: str) -> Language:
        """Build a language from its written form, resolving the code with langcodes."""
        from .languages import resolve_language

        return cls(name=name, code=resolve_language(name))


def _lines(description: str) -> object:
    return Field(default_factory=list, description=description)


class ArchivalRecord(_Model):
    """One archival document's description and, where known, its text.

    Fields parsed from the citation (``publisher``, ``source``, ``translators``) and from the
    credits (``funders``) are stored in their own right, so records from repositories that
    have no citation can hold them too.
    """

    model_config = ConfigDict(title="ArchivalRecord")

    identifier: Line | None = Field(
        default=None, description="The record's identifier in its archive, e.g. '118189'."
    )
    url: (
        Annotated[str, StringConstraints(pattern='^[A-Za-z][A-Za-z0-9+.\\-]*:[^\\s<>"]+$')] | None
    ) = Field(default=None, description="The record's web address (an absolute URI).")
    date: ArchivalDate | None = Field(default=None, description="When the document was made.")
    title: Line = Field(description="The document's title, one line.")
    alternative_titles: list[Line] = _lines("Other titles of the document.")
    type: Line | None = Field(
        default=None, description="The kind of document: 'Cable', 'Letter', 'Report', ..."
    )
    citation: Paragraph | None = Field(
        default=None, description="The archive's citation of the document, verbatim."
    )
    publisher: Line | None = Field(
        default=None,
        description="Who publishes the record, e.g. 'History and Public Policy Program Digital "
        "Archive'.",
    )
    source: Line | None = Field(
        default=None,
        description="The archival reference of the original, e.g. 'PRC FMA 118-01154-05, 28'.",
    )
    translators: list[Line] = _lines("People who translated the document.")
    summary: Paragraph | None = Field(default=None, description="A summary of the document.")
    notes: list[Line] = _lines("Other descriptive notes.")
    credits: Paragraph | None = Field(
        default=None, description="The archive's credits statement, verbatim."
    )
    funders: list[Line] = _lines("Organizations named as funders in the credits.")
    original_languages: list[Language] = _lines("Languages of the original document.")
    languages: list[Language] = _lines("Languages of this record's text (e.g. a translation).")
    contents: list[Line] = _lines(
        "What the archive holds for the document: 'English Translation', 'Original Scan', ..."
    )
    creators: list[Line] = _lines("Authors or issuing bodies of the document.")
    contributors: list[Line] = _lines("Others who contributed (other than translators).")
    subjects: list[Line] = _lines("Subjects, keywords or headings.")
    places: list[Line] = _lines("Places the document concerns (spatial coverage).")
    rights: Paragraph | None = Field(default=None, description="Rights statement.")
    relations: list[Line] = _lines("Related resources.")
    collections: list[Line] = _lines("Collections the document belongs to.")
    identifiers: list[Line] = _lines("Other identifiers of the document.")
    formats: list[Line] = _lines("Physical or digital formats (media types, extents).")
    body: list[Paragraph] = _lines(
        "The document's text, one string per paragraph, with the editors' bracket marks "
        "('[...]', '[illegible]', '[sic]', '[April]') kept as written."
    )

    def body_segments(self) -> Iterator[tuple[object, ...]]:
        """The typed inline view of each body paragraph, built lazily (``archmeta.segments``)."""
        from .segments import parse_inline

        for paragraph in self.body:
            yield parse_inline(paragraph)
