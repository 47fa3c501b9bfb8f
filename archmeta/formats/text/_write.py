"""Writing the plain-text layout: canonical, with escapes wherever a value would otherwise
read back differently."""

from __future__ import annotations

from typing import Any

from ...citation import CitationParts, parse_citation
from ...model import ArchivalRecord, Language
from .._io import PathOrFile, write_text
from ._headings import near_miss
from ._layout import (
    _DASH_LISTS,
    _DERIVED,
    _HEADER,
    _LANGUAGE_CODE,
    _LANGUAGE_FIELDS,
    _NONE,
    TEXT_SECTIONS,
    _funders,
    _is_known_header,
)
from ._markup import escape_markup, url_line, url_of_line


def _bold_line(value: str) -> str:
    """``**value**``, escaped so that it reads back as a header line and not as a section."""
    inner = escape_markup(value).replace("\\", "\\\\")
    if _is_known_header(f"**{inner}**"):
        inner = inner[:-1] + "\\:"
    return f"**{inner}**"


def _escape_line(line: str) -> str:
    return "\\" + line if line.startswith("\\") else line


def _looks_like_header(line: str) -> bool:
    return bool(_HEADER.match(line))


def _paragraph_lines(
    value: str, *, hard_breaks: bool = True, after_list: bool = False
) -> list[str]:
    """Lines of a free-text paragraph, escaped; all but the last carry a Markdown hard break.

    Markup first (:mod:`._markup`), then what the layout itself would misread: the escapes
    below apply to the text as written, which is what the reader looks at.
    ``after_list``: the paragraph directly follows a ``- `` list section, which would take a
    paragraph made only of ``- `` lines as more items, so such a paragraph is escaped.
    """
    value = escape_markup(value)
    if (
        "\n" not in value
        and not value.startswith(("\\", "**", "- ", _NONE))
        and near_miss([value]) is None
    ):
        # Most paragraphs are one line that cannot be taken for markup: written as they are.
        return [value]
    lines = [_escape_line(line) for line in value.split("\n")]
    heading = len(lines) == 1 and (_looks_like_header(value) or value == _NONE)
    # near_miss: the reader would take the paragraph for a mistyped heading.
    if heading or near_miss(lines) is not None:
        lines[0] = "\\" + lines[0]
    if after_list and all(line.startswith("- ") for line in lines):
        lines[0] = "\\" + lines[0]
    if hard_breaks:
        lines = [line + "  " for line in lines[:-1]] + lines[-1:]
    return lines


def _language_line(language: Language) -> str:
    from ...languages import resolve_language

    plain = _LANGUAGE_CODE.match(language.name) is None and not language.name.startswith("\\")
    if plain and resolve_language(language.name) == language.code:
        return language.name
    return f"{language.name} ({language.code or '?'})"


def _section_content(field: str, record: ArchivalRecord) -> list[str] | None:
    value = getattr(record, field)
    if field in _DASH_LISTS:
        return [f"- {escape_markup(item)}" for item in value] if value else None
    if field in _LANGUAGE_FIELDS:
        if not value:
            return None
        return _paragraph_lines(
            "\n".join(_language_line(lang) for lang in value), hard_breaks=False
        )
    if field == "citation":
        lines = _paragraph_lines(value) if value else []
        if record.url:
            if lines:
                lines[-1] += "  "
            lines.append(url_line(record.url))
        elif lines and url_of_line(lines[-1].strip()) is not None:
            # A last line the reader would take for the URL: its "<" is escaped already, so
            # it reads as an escaped URL ("&lt;x:y>"); a backslash makes it text.
            lines[-1] = "\\" + lines[-1]
        return lines or None
    if value is None:
        return None
    return _paragraph_lines(value)


def _override_content(
    field: str, record: ArchivalRecord, citation: CitationParts | None
) -> list[str] | None:
    """Content for a derived field's section, or None when the reader derives the same value.

    ``citation`` is the record's citation as the reader will parse it (None without one),
    parsed once per record by :func:`dumps` for all the fields derived from it.
    """
    if field == "date":
        from ...dates import normalize_date

        if record.date is None or record.date.edtf == normalize_date(record.date.text):
            return None
        return [record.date.edtf] if record.date.edtf else [_NONE]
    value = getattr(record, field)
    if field == "funders":
        expected: Any = list(_funders(record.credits)) if record.credits else []
    else:
        expected = (
            getattr(citation, field) if citation else ([] if field == "translators" else None)
        )
    if value == expected:
        return None
    if value in (None, []):
        return [_NONE]
    if field in _DASH_LISTS:
        return [f"- {escape_markup(item)}" for item in value]
    return _paragraph_lines(value)


def dumps(record: ArchivalRecord) -> str:
    """Write a record in the canonical plain-text layout (deterministic, final newline)."""
    out: list[str] = []
    if record.date is not None:
        out.append(_bold_line(record.date.text) + "  ")
    out.append(_bold_line(record.title))
    after_list = False
    citation = (
        parse_citation(record.citation, record.date.text if record.date else None)
        if record.citation
        else None
    )
    for name, field in TEXT_SECTIONS.items():
        if field in _DERIVED:
            content = _override_content(field, record, citation)
        else:
            content = _section_content(field, record)
        if content:
            out += ["", f"**{name}:**", "", *content]
            after_list = field in _DASH_LISTS and content[0] != _NONE
    for index, paragraph in enumerate(record.body):
        out += ["", *_paragraph_lines(paragraph, after_list=after_list and index == 0)]
    return "\n".join(out) + "\n"


def dump(record: ArchivalRecord, target: PathOrFile) -> None:
    """Write a text record to a path (atomically) or an open file."""
    write_text(target, dumps(record))
