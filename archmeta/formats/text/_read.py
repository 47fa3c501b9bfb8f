"""Reading the plain-text layout: paragraphs, the bold header lines, the sections and the
body, with every problem at its line."""

from __future__ import annotations

import re
from array import array
from collections.abc import MutableSequence
from typing import Any

from ...citation import parse_citation
from ...dates import explain_date
from ...errors import ArchmetaError, Issue, ParseError, Severity, line_col
from ...languages import resolve_language
from ...model import ArchivalRecord, Language
from .._io import PathOrFile, decode_text, read_bytes, source_name
from ..codec import Decoded, failed
from ._headings import NearMiss, could_be_heading, near_miss, suggestion
from ._layout import (
    _BOLD,
    _DASH_LISTS,
    _DERIVED,
    _HEADER,
    _HEADER_ESCAPE,
    _LANGUAGE_CODE,
    _LANGUAGE_FIELDS,
    _LINE_SECTIONS,
    _LIST_FIELDS,
    _NONE,
    TEXT_SECTIONS,
    _clean,
    _content,
    _Cursor,
    _find_control,
    _funders,
    _is_known_header,
    _Paragraph,
    _unescape,
)
from ._markup import unescape_markup, url_of_line
from ._refused import NO_TITLE as _NO_TITLE

# Languages on one line are separated by "," or ";", but not by the ";" that ends an escape.
_LANGUAGE_SEPARATOR = re.compile(r"\s*(?:,|(?<!&lt)(?<!&#93);)\s*")
_DERIVED_FROM = {
    "publisher": "citation",
    "source": "citation",
    "translators": "citation",
    "funders": "credits",
}
# What a Contents entry looks like (examples/): a few words naming a version of the document,
# "English Translation", "Original Scan", "Russian Transcription".
_CONTENTS_ENTRY = re.compile(
    r"^(?:[\w'()-]+ ){0,4}(?:translation|transcription|transcript|scan|original|facsimile"
    r"|audio|video|recording|summary)$",
    re.IGNORECASE,
)


class _Reader:
    """One reading of a document. Problems are collected in ``issues`` (each at its line) and
    reading goes on past them wherever the rest can still be read safely, so that a document's
    every problem is reported at once; :meth:`read` raises only when no record can be made."""

    def __init__(self, text: str, source: str | None, checked: bool = False) -> None:
        self.text = text
        self.checked = checked  # known to hold no control character
        self.source = source
        self.fields: dict[str, Any] = {}
        self.lines_of: dict[str, int] = {}
        # The first line of each body paragraph (an array: a body may have a million), 0 for
        # those of a run of plain paragraphs, counted only when asked for from the runs:
        # (index of the run's first paragraph, start, end of the run in the text).
        self._body_lines: array[int] = array("q")
        self._runs: list[tuple[int, int, int]] = []
        self._cursor = _Cursor(text)
        self.overrides: dict[str, Any] = {}
        self.issues: list[Issue] = []

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

    def report(
        self,
        message: str,
        line: int,
        rule: str,
        severity: Severity = "error",
        column: int = 1,
    ) -> None:
        """Record a problem and go on reading."""
        self.issues.append(
            Issue(message, rule, severity, line=line, column=column, source=self.source)
        )

    @property
    def body_lines(self) -> MutableSequence[int]:
        """The first line of each body paragraph (an array: a body may have a million)."""
        for index, start, end in self._runs:
            numbers = self._cursor.plain_lines(start, end)
            self._body_lines[index : index + len(numbers)] = array("q", numbers)
        self._runs = []
        return self._body_lines

    @body_lines.setter
    def body_lines(self, lines: MutableSequence[int]) -> None:
        self._body_lines = array("q", lines)

    @property
    def first_error(self) -> ParseError | None:
        """The first error found, as the exception :func:`loads` raises."""
        for issue in self.issues:
            if issue.severity == "error":
                return self.error(issue.message, issue.line or 1, issue.column or 1, issue.rule)
        return None

    def read(self) -> ArchivalRecord:
        m = None if self.checked else _find_control(self.text)
        if m:
            line = self.text.count("\n", 0, m.start()) + 1
            column = m.start() - (self.text.rfind("\n", 0, m.start()) + 1) + 1
            raise self.error(
                f"control character U+{ord(m.group()):04X} is not allowed in a text record",
                line,
                column,
                rule="control-character",
            )
        cursor = self._cursor
        first = cursor.peek()
        if first is None:
            raise self.error(
                "the record is empty: expected a bold title line", 1, rule="text-empty"
            )
        if self._read_header(first):
            cursor.take()
        body: list[str] = []
        while True:
            run = cursor.plain_run() if body else None
            if run is not None:  # most of a body: plain paragraphs, taken whole
                start, end, found = run
                self._runs.append((len(body), start, end))
                body += found
                self._body_lines.frombytes(bytes(8 * len(found)))  # zeros, for now
            par = cursor.take()
            if par is None:
                break
            single = par.single
            header = _HEADER.match(single) if single and single.startswith("**") else None
            name = header.group("name") if header else None
            if name is not None and name in TEXT_SECTIONS:
                self._read_section(name, par, cursor)
                continue
            near = near_miss(par.lines) if could_be_heading(par.first) else None
            if near is not None and not body:
                self._read_near_miss(near, par, cursor)
                continue
            if name is not None and not body:
                self.report(
                    f"unknown section {name!r}: {suggestion(name)}",
                    par.line,
                    "unknown-element",
                )
                cursor.take()  # its content paragraph, read past
                continue
            if near is not None:
                self.report(
                    f"this body paragraph looks like the heading of section {near.section!r} and "
                    f"is kept as body text; if it is the heading: {near.why}",
                    par.line,
                    "text-heading-in-body",
                    "warning",
                )
            elif not body and single is not None and _BOLD.match(single.strip()):
                self.report(
                    "the body opens with a bold line; if it is the title, put it directly "
                    "under the date line (no blank line between them)",
                    par.line,
                    "text-body-bold",
                    "warning",
                )
            if not body:
                self.lines_of.setdefault("body", par.line)
            body.append(_content(par))
            self._body_lines.append(par.line)
        if body:
            self.fields["body"] = body
        # Fields derived from a section are found at that section's line.
        for derived, origin in _DERIVED_FROM.items():
            if origin in self.lines_of:
                self.lines_of.setdefault(derived, self.lines_of[origin])
        return self._build()

    def _read_near_miss(self, near: NearMiss, par: _Paragraph, cursor: _Cursor) -> None:
        """Report a mistyped heading before the body, then read it as the section it means so
        that the rest of the document is read as it would be once the heading is fixed."""
        if near.misspelt:
            shown = par.lines[0].strip()[2:-3]
            self.report(
                f"unknown section {shown!r}: did you mean **{near.section}:**?",
                par.line,
                "unknown-element",
            )
        else:
            self.report(
                f"{par.lines[0].strip()[:40]!r} is not a section heading, so the section's "
                f"text would be read as body text: {near.why}",
                par.line,
                "text-heading-near-miss",
            )
        if near.content is None:
            self._read_section(near.section, par, cursor)
            return
        inline = _Paragraph.of_lines(par.line, near.content)
        cursor.put_back(inline)
        self._read_section(near.section, par, cursor)
        if cursor.peek() is inline:  # itself a heading, which leaves the section empty
            cursor.take()

    def _read_header(self, par: _Paragraph) -> int:
        """Read the header; how many paragraphs it took (0: it is missing)."""
        if par.single is not None and _is_known_header(par.single):
            self.report(
                "missing title: the record must begin with its bold title line",
                par.line,
                "title-missing",
            )
            self.fields["title"] = _NO_TITLE  # so that the rest is still read and checked
            return 0
        values = []
        for offset, line in enumerate(par.lines[:2]):
            m = _BOLD.match(line.strip())
            if m and m.group("inner").strip():
                inner = _HEADER_ESCAPE.sub(r"\1", m.group("inner").strip())
                values.append(unescape_markup(inner))
                continue
            # What is wrong first: a line that is not bold (a plain-text header, say), once.
            if not any(i.rule == "text-header" for i in self.issues):
                what = (
                    "the first line is not bold: a record begins with its title in bold "
                    "(**Title**), or with its date and then its title, each in bold"
                    if offset == 0
                    else "the second header line is not bold: after the bold date line comes "
                    "the title in bold (**Title**)"
                )
                self.report(what, par.line + offset, "text-header")
            values.append(line.strip().strip("*").strip() or _NO_TITLE)
        if len(par.lines) > 2 and not self.issues:
            self.report(
                "the header holds at most two bold lines (date, then title); "
                "leave a blank line before what follows",
                par.line + 2,
                "text-header",
            )
        if len(values) == 2:
            self.fields["date_text"] = values[0]
            self.lines_of["date"] = par.line
        title = values[-1]
        self.fields["title"] = title
        self.lines_of["title"] = par.line + len(values) - 1
        if len(values) == 1 and explain_date(title).edtf is not None:
            self.report(
                f"the title {title!r} reads as a date: if it is the record's date, put the "
                "bold title line directly under it (no blank line between them)",
                par.line,
                "text-title-date",
                "warning",
            )
        return 1

    def _read_section(self, name: str, header: _Paragraph, cursor: _Cursor) -> None:
        """Read a section's content, the paragraph after its heading (and for a list section
        the ``- `` paragraphs after that)."""
        field = TEXT_SECTIONS[name]
        par = cursor.peek()
        if par is None or (par.single is not None and _is_known_header(par.single)):
            self.report(f"section {name!r} has no content", header.line, "text-empty-section")
            return
        cursor.take()
        if field in self.lines_of and (field not in _DERIVED or field in self.overrides):
            self.report(f"section {name!r} appears twice", header.line, "text-duplicate-section")
            if field in _DASH_LISTS:
                while (more := cursor.peek()) is not None and _is_list(more):
                    cursor.take()
            return
        self.lines_of[field] = par.line
        if field in _DERIVED and par.single is not None and par.single.strip() == _NONE:
            self.overrides[field] = [] if field in _LIST_FIELDS else None
            return
        if field in _DASH_LISTS:
            items = self._items(par)
            # "- " paragraphs right after a list belong to it (items separated by blank lines).
            while (more := cursor.peek()) is not None and _is_list(more):
                cursor.take()
                items.extend(self._items(more))
                if field == "contents":
                    self._check_contents(more)
            value: Any = items
        elif field in _LANGUAGE_FIELDS:
            value = self._languages(par)
        elif field == "citation":
            value = self._citation(par)
        elif field in _LINE_SECTIONS:
            if par.single is None:
                self.report(
                    f"section {name!r} holds one line; the first is kept",
                    par.line + 1,
                    "text-section-content",
                )
            value = _content(_Paragraph(par.line, par.first))
        else:
            value = _content(par)
        if field in _DERIVED:
            self.overrides[field] = value
        else:
            self.fields[field] = value

    def _check_contents(self, par: _Paragraph) -> None:
        """Warn about ``- `` lines pulled into Contents that do not name a version of the
        document: most likely the body begins with a list and needs its ``\\`` escape."""
        for offset, line in enumerate(par.lines):
            item = line[2:].strip()
            if not _CONTENTS_ENTRY.match(item):
                self.report(
                    f"{item[:40]!r} was read as a Contents entry (it follows the Contents list) "
                    "but does not look like one (such as 'English Translation'); if the body "
                    "begins here, write its first line as '\\- ...'",
                    par.line + offset,
                    "text-contents-item",
                    "warning",
                )

    def _items(self, par: _Paragraph) -> list[str]:
        items = []
        for offset, line in enumerate(par.lines):
            if not line.startswith("- ") or not line[2:].strip():
                self.report(
                    "expected a list item '- text'; the line is left out",
                    par.line + offset,
                    "text-list-item",
                )
                continue
            items.append(unescape_markup(line[2:].strip()))
        return items

    def _languages(self, par: _Paragraph) -> list[Language]:
        result = []
        for line in (_unescape(raw).strip() for raw in par.lines):
            for written in _LANGUAGE_SEPARATOR.split(line):
                if not written:
                    continue
                piece = unescape_markup(written)
                m = _LANGUAGE_CODE.match(piece)
                if m:
                    code = None if m.group("code") == "?" else m.group("code")
                    result.append({"name": m.group("name"), "code": code})
                else:
                    result.append({"name": piece, "code": resolve_language(piece)})
        return result  # type: ignore[return-value]

    def _citation(self, par: _Paragraph) -> str | None:
        lines = [line.rstrip() for line in par.lines]
        url = url_of_line(lines[-1].strip())
        if url is not None:
            self.fields["url"] = url
            self.lines_of["url"] = par.line + len(lines) - 1
            lines = lines[:-1]
        if not lines:
            return None
        return _content(_Paragraph.of_lines(par.line, lines))

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
            self.report(
                "section 'Normalized Date' needs the bold date line",
                self.lines_of["date"],
                "text-orphan-date",
            )
        citation = data.get("citation")
        parts = parse_citation(citation, date_text) if citation else None
        derived: dict[str, Any] = {
            "publisher": parts.publisher if parts else None,
            "source": parts.source if parts else None,
            "translators": parts.translators if parts else [],
            "funders": list(_funders(data["credits"])) if data.get("credits") else [],
        }
        for field, found in derived.items():
            value = self.overrides.get(field, found)
            if value not in (None, []):
                data[field] = value
        from ._refused import validated

        return validated(data, self)


def _is_list(par: _Paragraph) -> bool:
    """Whether every line of a paragraph is a ``- `` item (more items of a list section)."""
    return par.text.startswith("- ") and all(line.startswith("- ") for line in par.lines)


def _reading(
    text: str, source: str | None, checked: bool = False
) -> tuple[_Reader, ArchivalRecord | None, ParseError | None]:
    """Read ``text`` past every problem that can be read past: the reader, its record (None when
    none can be made) and the first error (None when the record is fine). ``checked``: the
    text is known to hold no control character."""
    reader = _Reader(text, source, checked)
    try:
        record: ArchivalRecord | None = reader.read()
    except ParseError as exc:
        if not reader.issues or exc.rule != reader.issues[-1].rule:
            reader.issues.extend(exc.issues)
        return reader, None, reader.first_error or exc
    return reader, record, reader.first_error


def parse_text(text: str, source: str | None = None) -> tuple[ArchivalRecord, dict[str, int]]:
    """Parse a text record and also return the line each field was read from.

    Raises :class:`ParseError` at the first error, like :func:`loads`."""
    return _parsed(text, source)


def _parsed(data: str | bytes, source: str | None) -> tuple[ArchivalRecord, dict[str, int]]:
    text = decode_text(data, source)
    checked = isinstance(data, bytes) and _clean(data, text)
    reader, record, error = _reading(text, source, checked)
    if error is not None or record is None:
        raise error or reader.error("the record cannot be read", 1)
    return record, dict(reader.lines_of)


def loads(text: str | bytes, source: str | None = None) -> ArchivalRecord:
    """Read a record in the Digital Archive plain-text layout.

    Accepts CRLF line endings and a UTF-8 byte-order mark. Raises :class:`ParseError` with the
    line (and column) of the first problem (:func:`read` reports them all); warnings (a heading
    in the body that looks mistyped, ...) do not stop it.
    """
    return _parsed(text, source)[0]


def load(target: PathOrFile) -> ArchivalRecord:
    """Read a text record from a path or an open file."""
    return loads(read_bytes(target), source=source_name(target))


# Characters the model refuses, as they occur in raw text (CR is a newline to the reader).
_RAW_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAX_CONTROL_ISSUES = 100


def _scan_control_characters(text: str, source: str | None) -> tuple[list[Issue], str]:
    """Every control character of a document as an issue, and the text with each replaced by
    U+FFFD so that reading can go on to find the other problems."""
    issues: list[Issue] = []
    if _find_control(text) is None:
        return issues, text
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


def read(data: str | bytes, source: str | None = None) -> Decoded:
    """Read a text record with every problem in the document, each at its line.

    Control characters, unknown and mistyped sections, repeated sections, bad list items and
    every value the model refuses are reported and read past; the record is then what the rest
    of the document says (for the rules to check) and ``error``, the first problem (which
    :func:`loads` raises), says it cannot be used. Warnings leave the record usable.
    """
    try:
        text = decode_text(data, source)
    except ParseError as exc:
        return failed(exc)
    checked = isinstance(data, bytes) and _clean(data, text)
    issues, text = ([], text) if checked else _scan_control_characters(text, source)
    first: ArchmetaError | None = None
    if issues:
        first = ParseError(
            issues[0].message,
            source=source,
            line=issues[0].line,
            column=issues[0].column,
            rule=issues[0].rule,
        )
    reader, record, error = _reading(text, source, checked)
    issues.extend(reader.issues)
    first = first or error
    if record is None:
        return Decoded(None, issues, error=first)
    return Decoded(record, issues, dict(reader.lines_of), error=first)
