"""What reading and writing the plain-text layout share: its sections (from the text
column of the mapping table), line patterns and paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...mapping import MAPPING, TEXT, TextCell
from ...model import LINE_PATTERN
from ._markup import unescape_markup

_BOLD = re.compile(r"^\*\*(?P<inner>.+)\*\*\s*$")
_HEADER = re.compile(r"^\*\*(?P<name>[A-Za-z][A-Za-z ()/-]*?):\*\*\s*$")
_URL_LINE = re.compile(r"^<(?P<url>[^<>\s]+)>$")
_LANGUAGE_CODE = re.compile(r"^(?P<name>.+?) \((?P<code>\?|[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)\)$")
# C0 controls other than TAB and LF cannot be held by any field (nor by XML).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
_NONE = "(none)"
_HEADER_ESCAPE = re.compile(r"\\([\\:])")
_LINE = re.compile(LINE_PATTERN)
# The layout comes from the text column of the mapping table (archmeta.mapping).
_CELLS: dict[str, TextCell] = {
    field: cell for field, cell in MAPPING.cells(TEXT).items() if isinstance(cell, TextCell)
}


def _fields_of(*kinds: str) -> frozenset[str]:
    return frozenset(field for field, cell in _CELLS.items() if cell.kind in kinds)


TEXT_SECTIONS: dict[str, str] = {
    cell.section: field
    for field, cell in sorted(_CELLS.items(), key=lambda item: item[1].order or 0)
    if cell.section is not None
}
"""The layout's sections in canonical (written) order: section name -> field."""
# Fields whose value is a paragraph read line for line from the text (errors name the line).
_PARAGRAPH_FIELDS = _fields_of("paragraph", "body")
# Sections written as "- item" lists. Languages are written one per line instead.
_DASH_LISTS = _fields_of("dash-list")
_LANGUAGE_FIELDS = _fields_of("languages")
_LIST_FIELDS = _DASH_LISTS | _LANGUAGE_FIELDS
# Fields the reader derives from another section; their own section is an override.
_DERIVED = frozenset(field for field, cell in _CELLS.items() if cell.derived)
_LINE_SECTIONS = _fields_of("line")


@dataclass
class _Paragraph:
    line: int  # 1-based number of the first line
    lines: list[str]

    @property
    def single(self) -> str | None:
        return self.lines[0] if len(self.lines) == 1 else None


def _is_known_header(line: str) -> bool:
    m = _HEADER.match(line)
    return m is not None and m.group("name") in TEXT_SECTIONS


def _paragraphs(text: str) -> list[_Paragraph]:
    result: list[_Paragraph] = []
    current: list[str] = []
    start = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        if raw.strip():
            if not current:
                start = number
            current.append(raw)
        elif current:
            result.append(_Paragraph(start, current))
            current = []
    if current:
        result.append(_Paragraph(start, current))
    return result


def _unescape(line: str) -> str:
    line = line.rstrip()
    return line[1:] if line.startswith("\\") else line


def _content(par: _Paragraph) -> str:
    """A paragraph's value: each line's escape (a leading ``\\``) off, then the markup's."""
    return unescape_markup(
        "\n".join(
            _unescape(line).strip() if i else _unescape(line.lstrip())
            for i, line in enumerate(par.lines)
        )
    )
