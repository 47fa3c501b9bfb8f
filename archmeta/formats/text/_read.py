"""Reading the plain-text layout: paragraphs, the bold header lines, the sections and the
body, with every problem at its line."""

from __future__ import annotations

import re
from typing import Any

from ...citation import parse_citation, parse_funders
from ...errors import ArchmetaError, Issue, ParseError, line_col
from ...model import ArchivalRecord, Language
from .._io import PathOrFile, decode_text, read_bytes, source_name
from ..codec import Decoded, failed
from ._layout import (
    _BOLD,
    _CONTROL,
    _DASH_LISTS,
    _DERIVED,
    _HEADER,
    _HEADER_ESCAPE,
    _LANGUAGE_CODE,
    _LANGUAGE_FIELDS,
    _LINE,
    _LINE_SECTIONS,
    _LIST_FIELDS,
    _NONE,
    _PARAGRAPH_FIELDS,
    _URL_LINE,
    TEXT_SECTIONS,
    _content,
    _is_known_header,
    _Paragraph,
    _paragraphs,
    _unescape,
)


class _Reader:
    def __init__(self, text: str, source: str | None) -> None:
        self.text = text
        self.source = source
        self.fields: dict[str, Any] = {}
        self.lines_of: dict[str, int] = {}
        self.body_lines: list[int] = []  # the first line of each body paragraph
        self.overrides: dict[str, Any] = {}

    def error(
        self, message: str, line: int, column: int = 1, rule: str = "text-syntax"
    ) -> ParseError:
        lines = self.text.split("\n")
        snippet = lines[line - 1][:40] if 0 < line <= len(lines) else None
        return ParseError(
            message,
            source=self.source,
            line=line,
            column=column,
            snippet=snippet or None,
            rule=rule,
        )

    def read(self) -> ArchivalRecord:
        m = _CONTROL.search(self.text)
        if m:
            line = self.text.count("\n", 0, m.start()) + 1
            column = m.start() - (self.text.rfind("\n", 0, m.start()) + 1) + 1
            raise self.error(
                f"control character U+{ord(m.group()):04X} is not allowed in a text record",
                line,
                column,
                rule="control-character",
            )
        paragraphs = _paragraphs(self.text)
        if not paragraphs:
            raise self.error(
                "the record is empty: expected a bold title line", 1, rule="text-empty"
            )
        self._read_header(paragraphs[0])
        body: list[str] = []
        index = 1
        while index < len(paragraphs):
            par = paragraphs[index]
            header = _HEADER.match(par.lines[0]) if par.single else None
            name = header.group("name") if header else None
            if name is not None and name in TEXT_SECTIONS:
                index = self._read_section(name, par, paragraphs, index + 1)
                continue
            if name is not None and not body:
                raise self.error(
                    f"unknown section {name!r}; known sections: {', '.join(TEXT_SECTIONS)}",
                    par.line,
                    1,
                    rule="unknown-element",
                )
            body.append(_content(par))
            self.lines_of.setdefault("body", par.line)
            self.body_lines.append(par.line)
            index += 1
        if body:
            self.fields["body"] = body
        return self._build()

    def _read_header(self, par: _Paragraph) -> None:
        if par.single is not None and _is_known_header(par.single):
            raise self.error(
                "missing title: the record must begin with its bold title line",
                par.line,
                rule="title-missing",
            )
        if len(par.lines) > 2:
            raise self.error(
                "the header holds at most two bold lines (date, then title); "
                "leave a blank line before what follows",
                par.line + 2,
                rule="text-header",
            )
        values = []
        for offset, line in enumerate(par.lines):
            m = _BOLD.match(line.strip())
            if not m or not m.group("inner").strip():
                raise self.error(
                    "expected a bold line such as **April 30, 1962** or **Title**",
                    par.line + offset,
                    rule="text-header",
                )
            values.append(_HEADER_ESCAPE.sub(r"\1", m.group("inner").strip()))
        if len(values) == 2:
            self.fields["date_text"] = values[0]
            self.lines_of["date"] = par.line
        self.fields["title"] = values[-1]
        self.lines_of["title"] = par.line + len(values) - 1

    def _read_section(
        self, name: str, header: _Paragraph, paragraphs: list[_Paragraph], index: int
    ) -> int:
        field = TEXT_SECTIONS[name]
        if field in self.lines_of and (field not in _DERIVED or field in self.overrides):
            raise self.error(
                f"section {name!r} appears twice", header.line, rule="text-duplicate-section"
            )
        following = paragraphs[index].single if index < len(paragraphs) else None
        if index >= len(paragraphs) or (following is not None and _is_known_header(following)):
            raise self.error(
                f"section {name!r} has no content", header.line, rule="text-empty-section"
            )
        par = paragraphs[index]
        index += 1
        self.lines_of[field] = par.line
        if field in _DERIVED and par.single is not None and par.lines[0].strip() == _NONE:
            self.overrides[field] = [] if field in _LIST_FIELDS else None
            return index
        if field in _DASH_LISTS:
            items = self._items(par)
            # "- " paragraphs right after a list belong to it (items separated by blank lines).
            while index < len(paragraphs) and all(
                line.startswith("- ") for line in paragraphs[index].lines
            ):
                items.extend(self._items(paragraphs[index]))
                index += 1
            value: Any = items
        elif field in _LANGUAGE_FIELDS:
            value = self._languages(par)
        elif field == "citation":
            value = self._citation(par)
        elif field in _LINE_SECTIONS:
            if par.single is None:
                raise self.error(
                    f"section {name!r} holds one line", par.line + 1, rule="text-section-content"
                )
            value = _content(par)
        else:
            value = _content(par)
        if field in _DERIVED:
            self.overrides[field] = value
        else:
            self.fields[field] = value
        return index

    def _items(self, par: _Paragraph) -> list[str]:
        items = []
        for offset, line in enumerate(par.lines):
            if not line.startswith("- ") or not line[2:].strip():
                raise self.error(
                    "expected a list item '- text'", par.line + offset, rule="text-list-item"
                )
            items.append(line[2:].strip())
        return items

    def _languages(self, par: _Paragraph) -> list[Language]:
        result = []
        for line in (_unescape(raw).strip() for raw in par.lines):
            for piece in re.split(r"\s*[,;]\s*", line):
                if not piece:
                    continue
                m = _LANGUAGE_CODE.match(piece)
                if m:
                    code = None if m.group("code") == "?" else m.group("code")
                    result.append({"name": m.group("name"), "code": code})
                else:
                    result.append(Language.from_name(piece).model_dump())
        return result  # type: ignore[return-value]

    def _citation(self, par: _Paragraph) -> str | None:
        lines = [line.rstrip() for line in par.lines]
        m = _URL_LINE.match(lines[-1].strip())
        if m:
            self.fields["url"] = m.group("url")
            self.lines_of["url"] = par.line + len(lines) - 1
            lines = lines[:-1]
        if not lines:
            return None
        return _content(_Paragraph(par.line, lines))

    def _build(self) -> ArchivalRecord:
        data: dict[str, Any] = {k: v for k, v in self.fields.items() if k != "date_text"}
        date_text = self.fields.get("date_text")
        if date_text is not None:
            edtf = self.overrides.get("date", ...)
            if edtf is ...:
                from ...dates import normalize_date

                edtf = normalize_date(date_text)
            data["date"] = {"text": date_text, "edtf": edtf}
        elif "date" in self.overrides:
            raise self.error(
                "section 'Normalized Date' needs the bold date line",
                self.lines_of["date"],
                rule="text-orphan-date",
            )
        citation = data.get("citation")
        parts = parse_citation(citation, date_text) if citation else None
        derived: dict[str, Any] = {
            "publisher": parts.publisher if parts else None,
            "source": parts.source if parts else None,
            "translators": parts.translators if parts else [],
            "funders": parse_funders(data["credits"]) if data.get("credits") else [],
        }
        for field, found in derived.items():
            value = self.overrides.get(field, found)
            if value not in (None, []):
                data[field] = value
        return _validated(data, self, self.lines_of)


def _validated(data: dict[str, Any], reader: _Reader, lines_of: dict[str, int]) -> ArchivalRecord:
    import pydantic

    try:
        return ArchivalRecord.model_validate(data)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        loc = first["loc"]
        field = str(loc[0]) if loc else ""
        line = lines_of.get(field, 1)
        value = data.get(field)
        if field == "body" and len(loc) > 1 and isinstance(loc[1], int):
            index = loc[1]
            line = reader.body_lines[index] if index < len(reader.body_lines) else line
            value = value[index] if isinstance(value, list) and index < len(value) else None
        if isinstance(value, str) and field in _PARAGRAPH_FIELDS:
            # The paragraph's own line at fault (one that an escape left empty, say).
            for offset, part in enumerate(value.split("\n")):
                if not _LINE.match(part):
                    line += offset
                    break
        from ...errors import describe_pydantic_error, pointer, rule_for_value

        bad = first.get("input")
        shown = f" {bad!r:.60}" if isinstance(bad, str) else ""
        raise reader.error(
            f"{field or 'record'}{shown}: {describe_pydantic_error(first)}",
            line,
            rule=rule_for_value(pointer(loc), str(first.get("type", "")), bad),
        ) from None


def parse_text(text: str, source: str | None = None) -> tuple[ArchivalRecord, dict[str, int]]:
    """Parse a text record and also return the line each field was read from."""
    reader = _Reader(decode_text(text, source), source)
    record = reader.read()
    return record, dict(reader.lines_of)


def loads(text: str | bytes, source: str | None = None) -> ArchivalRecord:
    """Read a record in the Digital Archive plain-text layout.

    Accepts CRLF line endings and a UTF-8 byte-order mark. Raises :class:`ParseError` with the
    line (and column) of the first problem.
    """
    reader = _Reader(decode_text(text, source), source)
    return reader.read()


def load(target: PathOrFile) -> ArchivalRecord:
    """Read a text record from a path or an open file."""
    return loads(read_bytes(target), source=source_name(target))


# Characters the model refuses, as they occur in raw text (CR is a newline to the reader).
_RAW_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAX_CONTROL_ISSUES = 100
_MAX_RECOVERIES = 50


def _scan_control_characters(text: str, source: str | None) -> tuple[list[Issue], str]:
    """Every control character of a document as an issue, and the text with each replaced by
    U+FFFD so that reading can go on to find the other problems."""
    issues = []
    for m in _RAW_CONTROL.finditer(text):
        line, column = line_col(text, m.start())
        issues.append(
            Issue(
                message=f"control character U+{ord(m.group()):04X} is not allowed",
                rule="control-character",
                line=line,
                column=column,
                source=source,
            )
        )
        if len(issues) >= _MAX_CONTROL_ISSUES:
            break
    return issues, _RAW_CONTROL.sub("\ufffd", text) if issues else text


def _blank_section(text: str, line: int) -> str:
    """The text with the section header at ``line`` and its content paragraph blanked (line
    numbers stay), so that reading can go on past an unknown section."""
    lines = text.split("\n")
    index = line - 1
    lines[index] = ""
    index += 1
    while index < len(lines) and not lines[index].strip():
        index += 1
    while index < len(lines) and lines[index].strip():
        lines[index] = ""
        index += 1
    return "\n".join(lines)


def read(data: str | bytes, source: str | None = None) -> Decoded:
    """Read a text record with every problem found on the way.

    Control characters are reported (each at its place) and read past, and so are unknown
    sections; any other problem ends reading. The first problem is kept as ``error``, which
    :func:`loads` raises.
    """
    try:
        text = decode_text(data, source)
    except ParseError as exc:
        return failed(exc)
    issues, text = _scan_control_characters(text, source)
    first: ArchmetaError | None = None
    if issues:
        first = ParseError(
            issues[0].message,
            source=source,
            line=issues[0].line,
            column=issues[0].column,
            rule=issues[0].rule,
        )
    for _ in range(_MAX_RECOVERIES):
        reader = _Reader(text, source)
        try:
            record = reader.read()
        except ParseError as exc:
            issues.extend(exc.issues)
            first = first or exc
            if exc.rule == "unknown-element" and exc.line:
                text = _blank_section(text, exc.line)
                continue
            return Decoded(None, issues, error=first)
        # With control characters or unknown sections read past, the record is what the rest of
        # the document says (for the rules to check), and ``error`` says it cannot be used.
        return Decoded(record, issues, dict(reader.lines_of), error=first)
    return Decoded(None, issues, error=first)
