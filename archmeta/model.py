"""The typed model of an archival record (pydantic v2): pure data, no format code.

The string constraints are the contract every format relies on: a ``Line`` is one line of text
with no leading or trailing white space, a ``Paragraph`` is one or more such lines joined by
single newlines. Control characters that XML 1.0 cannot carry are refused here, so that every
valid record can be written in every format. Field order is the JSON key order.

Each pattern constant has a sentence in :data:`PATTERN_WORDS`, for error messages and help.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from .dates import EDTF_PATTERN, is_valid_edtf

__all__ = [
    "DATESTAMP_PATTERN",
    "EDTF_PATTERN",
    "LANGUAGE_NAME_PATTERN",
    "LANGUAGE_TAG_PATTERN",
    "LINE_PATTERN",
    "MAX_ITEMS",
    "MAX_LANGUAGES",
    "MAX_PARAGRAPHS",
    "PARAGRAPH_PATTERN",
    "PATTERN_WORDS",
    "URL_PATTERN",
    "ArchivalDate",
    "ArchivalRecord",
    "Datestamp",
    "EdtfValue",
    "Language",
    "LanguageName",
    "LanguageTag",
    "Line",
    "Paragraph",
    "Provenance",
    "Url",
]

# Characters a value may hold: everything but C0 controls other than TAB and the two
# XML-illegal non-characters. Newlines are added back only between the lines of a paragraph.
#
# Lone surrogates (U+D800-U+DFFF) are refused too, but not by the patterns: the patterns are
# published in the JSON Schema, and Rust's regex engine (jsonschema-rs) cannot compile a
# surrogate range, because Rust strings cannot hold surrogates. Nothing is lost by leaving them
# out. Valid UTF-8 cannot encode a surrogate, so only a JSON "\\ud800" escape can produce one;
# Rust's JSON readers (jsonschema-rs, pydantic's own) refuse such an escape, and pydantic-core
# refuses a Python str holding a lone surrogate ("string_unicode") before any pattern runs, so
# the model refuses exactly what it refused before (tests/test_model.py checks both validators).
_EXCLUDED = "\\x00-\\x08\\x0a-\\x1f\\ufffe\\uffff"


def _line_body(extra_excluded: str = "") -> str:
    """One line: starts and ends with a non-space character, holds no excluded character."""
    char = f"[^{_EXCLUDED}{extra_excluded}]"
    solid = f"[^\\s{_EXCLUDED}{extra_excluded}]"
    return f"{solid}(?:{char}*{solid})?"


# The patterns are valid in Python, in ECMA-262 (JSON Schema) and in Rust's fancy-regex
# (jsonschema-rs), and run in linear time. Python's `$` also matches before a final newline, so
# each ends with `(?!\n)` to refuse one.
LINE_PATTERN = f"^{_line_body()}$(?!\\n)"
"""A line: non-empty, one line, no white space at either end, no control characters."""
PARAGRAPH_PATTERN = f"^{_line_body()}(?:\\n{_line_body()})*$(?!\\n)"
"""A paragraph: lines (as :data:`LINE_PATTERN`) joined by single newlines."""
LANGUAGE_NAME_PATTERN = f"^{_line_body(',;')}$(?!\\n)"
"""A language name: a line without commas or semicolons (they separate names in the text)."""
LANGUAGE_TAG_PATTERN = "^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$(?!\\n)"
"""A BCP 47 language tag such as ``zh`` or ``en-US``."""
# An absolute URI: a scheme, a colon, then no white space, control character, DEL, '<', '>' or
# '"'. Which schemes and hosts are acceptable is validation's question (`archmeta.urls`).
URL_PATTERN = '^[A-Za-z][A-Za-z0-9+.\\-]*:[^\\s<>"\\x00-\\x1f\\x7f\\ufffe\\uffff]+$(?!\\n)'
"""An absolute URI (a scheme, a colon, then no white space, control character, '<', '>', '"')."""

_LINE_WORDS = "must be one non-empty line, without white space at either end or control characters"

DATESTAMP_PATTERN = r"^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}Z)?$(?!\n)"
"""An OAI-PMH datestamp: a UTC day or second (the protocol's two granularities)."""

PATTERN_WORDS: dict[str, str] = {
    LINE_PATTERN: _LINE_WORDS,
    PARAGRAPH_PATTERN: "must be non-empty lines joined by single newlines, without blank lines, "
    "white space at line ends or control characters",
    LANGUAGE_NAME_PATTERN: _LINE_WORDS + ", and no commas or semicolons",
    LANGUAGE_TAG_PATTERN: "must be a BCP 47 language tag such as 'zh' or 'en-US'",
    URL_PATTERN: "must be an absolute URI such as 'https://example.org/x', without white space, "
    "control characters, '<', '>' or '\"'",
    EDTF_PATTERN: "must be an EDTF date such as '1962-04-30', '1962~' or '1962/1965'",
    DATESTAMP_PATTERN: "must be an OAI-PMH datestamp: 'YYYY-MM-DD' or 'YYYY-MM-DDThh:mm:ssZ'",
}
"""A sentence for each pattern of the model ("<field> must be ..."), for error messages and help."""

Line = Annotated[str, StringConstraints(pattern=LINE_PATTERN)]
"""One line of text: non-empty, no newline, no white space at either end."""
Paragraph = Annotated[str, StringConstraints(pattern=PARAGRAPH_PATTERN)]
"""One or more Lines joined by single newlines (no blank lines)."""
LanguageName = Annotated[str, StringConstraints(pattern=LANGUAGE_NAME_PATTERN)]
"""A Line without commas or semicolons (they separate languages in a list)."""
LanguageTag = Annotated[str, StringConstraints(pattern=LANGUAGE_TAG_PATTERN)]
"""A well-formed BCP 47 language tag ("zh", "en-US")."""
Url = Annotated[str, StringConstraints(pattern=URL_PATTERN)]
"""An absolute URI without white space or control characters."""
EdtfValue = Annotated[str, StringConstraints(pattern=EDTF_PATTERN)]
"""An EDTF value of the forms archmeta stores (see ``archmeta.dates``)."""


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=False,
        regex_engine="python-re",
        validate_assignment=True,
        str_strip_whitespace=False,
    )

    def __init__(self, /, **data: Any) -> None:
        # pydantic's own message for a refused string shows the regular expression; a person
        # building a record in Python gets the same words as every reader's report instead.
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise _in_words(exc) from None


def _in_words(exc: ValidationError) -> ValidationError:
    """``exc`` with each pattern mismatch told in words (:data:`PATTERN_WORDS`); its error
    types, locations, inputs and the pattern (in the context) are kept for code that reads
    them."""
    from pydantic_core import InitErrorDetails, PydanticCustomError

    details: list[InitErrorDetails] = []
    for error in exc.errors():
        ctx = dict(error.get("ctx") or {})
        pattern = str(ctx.get("pattern", ""))
        if error["type"] == "string_pattern_mismatch" and pattern in PATTERN_WORDS:
            words = PATTERN_WORDS[pattern]
            kind = PydanticCustomError(error["type"], "String " + words, {"pattern": pattern})
        elif error["type"] == "too_long":
            # The counts stay in the context, for the words of every reader's report.
            kind = PydanticCustomError(error["type"], error["msg"], ctx)
        else:
            # The message as pydantic wrote it (a template without context is not formatted).
            kind = PydanticCustomError(error["type"], error["msg"])
        details.append({"type": kind, "loc": error["loc"], "input": error["input"]})
    return ValidationError.from_exception_data(exc.title, details)


class ArchivalDate(_Model):
    """A date as the archive wrote it, with its normalized EDTF value when it can be read.

    ``text`` is never changed; ``edtf`` is ``None`` for "undated" and for text that cannot be
    read (validation reports that as a warning).
    """

    model_config = ConfigDict(title="ArchivalDate")

    text: Line = Field(description="The date exactly as written, e.g. 'April 30, 1962'.")
    edtf: EdtfValue | None = Field(
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

    name: LanguageName = Field(
        description="The language as the source wrote it (no commas or semicolons)."
    )
    code: LanguageTag | None = Field(
        default=None,
        description="BCP 47 language tag (ISO 639-1 where one exists), null when unknown.",
    )

    @classmethod
    def from_name(cls, name: str) -> Language:
        """Build a language from its written form, resolving the code with langcodes."""
        from .languages import resolve_language

        return cls(name=name, code=resolve_language(name))


# How many values a list field holds at most: far more than any archive's record has, few
# enough that a record's size stays bounded by its count of values as well as by its bytes
# (a million one-letter subjects cost a hundred bytes each in memory, whatever the format).
# Every format builds its record through the model, so every format refuses the same lists.
MAX_ITEMS = 10_000
"""Values of a list field at most (subjects, translators, funders, notes, ...)."""
MAX_LANGUAGES = 1_000
"""Languages in ``languages`` and in ``original_languages`` at most."""
MAX_PARAGRAPHS = 100_000
"""Body paragraphs at most (a book of a thousand pages has some ten thousand)."""


def _lines(description: str, max_items: int = MAX_ITEMS) -> Any:
    # `Any`, as pydantic's own `Field` returns: the value stands for a list in each annotation.
    return Field(default_factory=list, description=description, max_length=max_items)


Datestamp = Annotated[str, StringConstraints(pattern=DATESTAMP_PATTERN)]
"""An OAI-PMH datestamp: ``YYYY-MM-DD`` or ``YYYY-MM-DDThh:mm:ssZ`` (UTC)."""


class Provenance(_Model):
    """Where a harvested record came from: the header of its OAI-PMH record and the base URL
    of the repository that served it."""

    oai_identifier: Line = Field(description="The OAI identifier of the record's header.")
    datestamp: Datestamp = Field(description="The datestamp of the record's header (UTC).")
    set_specs: list[Line] = _lines("The sets the header names (setSpec).")
    base_url: Url | None = Field(
        default=None, description="The base URL of the repository (the response's request)."
    )


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
    url: Url | None = Field(default=None, description="The record's web address (an absolute URI).")
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
    original_languages: list[Language] = _lines(
        "Languages of the original document.", MAX_LANGUAGES
    )
    languages: list[Language] = _lines(
        "Languages of this record's text (e.g. a translation).", MAX_LANGUAGES
    )
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
        "('[...]', '[illegible]', '[sic]', '[April]') kept as written.",
        MAX_PARAGRAPHS,
    )
    provenance: Provenance | None = Field(
        default=None,
        description="For a harvested record: its OAI-PMH header and the repository's base URL.",
    )

    def body_segments(self) -> Iterator[tuple[object, ...]]:
        """The typed inline view of each body paragraph, built lazily (``archmeta.segments``)."""
        from .segments import parse_inline

        for paragraph in self.body:
            yield parse_inline(paragraph)


# What help() shows. pydantic's generated signature spells every constrained string out as
# `Annotated[str, StringConstraints(pattern='^[^\\s\\x00-...')]`, which tells a reader nothing;
# the signature below names the aliases instead ("title: Line"), and the class docstring gains
# one line per field with its description and, in words, the rule its values follow.
_ALIAS_WORDS: dict[str, str] = {
    "Line": PATTERN_WORDS[LINE_PATTERN],
    "Paragraph": PATTERN_WORDS[PARAGRAPH_PATTERN],
    "LanguageName": PATTERN_WORDS[LANGUAGE_NAME_PATTERN],
    "LanguageTag": PATTERN_WORDS[LANGUAGE_TAG_PATTERN],
    "Url": PATTERN_WORDS[URL_PATTERN],
    "EdtfValue": PATTERN_WORDS[EDTF_PATTERN],
}
_ALIAS_NAME = re.compile(r"\b(?:" + "|".join(_ALIAS_WORDS) + r")\b")


class _Shown:
    """An annotation that help() prints as the text it was written with."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _explain_fields(model: type[_Model]) -> None:
    original_doc = inspect.cleandoc(model.__doc__ or "")
    parameters = []
    fields = []
    used: dict[str, None] = {}
    for name, info in model.model_fields.items():
        written = str(model.__annotations__[name])  # as written (postponed annotations)
        if info.is_required():
            default: Any = inspect.Parameter.empty
        else:
            default = _Shown("[]") if info.default_factory is not None else info.default
        parameters.append(
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=_Shown(written)
            )
        )
        used.update(dict.fromkeys(_ALIAS_NAME.findall(written)))
        fields.append(f"    {name} ({written}): {info.description or ''}")
    rules = [f"    {alias}: {_ALIAS_WORDS[alias]}." for alias in used]
    model.__signature__ = inspect.Signature(parameters)
    model.__doc__ = "\n".join(
        [original_doc, "", "Fields:", *fields, "", "Values (others are refused):", *rules]
    )
    # The JSON Schema keeps the short description it always had.
    model.model_config["json_schema_extra"] = {"description": original_doc}


for _model in (ArchivalDate, Language, ArchivalRecord):
    _explain_fields(_model)
