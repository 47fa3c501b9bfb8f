"""Omeka S CSV Import: one row per record, one column per property.

The headers are property terms (``dcterms:title``, ``bibo:translator``) that CSV Import maps by
itself; the columns are those of the ``omeka-csv`` column of :mod:`archmeta.mapping`, always
all of them in mapping order, then ``media`` and ``item_set`` (mapped by hand in CSV Import).
Several values of a field are joined with :data:`SEPARATOR` (``|``, the separator of CSV
Import's own tests; its default ``,`` is in too many titles): set it as the multivalue
separator and tick "multivalue" for the columns :data:`MULTIVALUED` lists. CSV Import has no
escape for the separator, so a value holding it in such a column is refused when writing.

Spreadsheet safety (OWASP "CSV injection"): a value that starts with ``=``, ``+``, ``-``, ``@``,
TAB or CR, after any run of ``'``, gets one more ``'`` in front, so no spreadsheet runs it as
a formula; reading takes that one ``'`` away again, so round trips are exact.

The reader is tolerant, as CSV Import is: it accepts commas or TABs, a space after a comma,
headers in CSV Import's styles (``dcterms:Title``, ``Dublin Core:Title``, ``Title``), and
reports a column it cannot map as an ``unknown-element`` warning with its row and column.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Container, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

from pydantic import ValidationError as PydanticError

from ..errors import ArchmetaError, Issue, ParseError, UsageError, ValidationError, pydantic_issues
from ..mapping._packages import OMEKA
from ..model import ArchivalRecord
from . import _flat
from ._io import decode_text
from .codec import Codec, CollectionItem, Decoded, Readable, failed

__all__ = ["MULTIVALUED", "SEPARATOR", "OmekaCsvCodec", "codec", "protect", "unprotect"]

#: The multivalue separator archmeta writes (set the same in CSV Import's form).
SEPARATOR = "|"
MEDIA = "media"
ITEM_SET = "item_set"

_TRIGGER = re.compile(r"^'*[=+\-@\t\r]")
_PROTECTED = re.compile(r"^'+[=+\-@\t\r]")


def protect(value: str) -> str:
    """The value with a ``'`` in front when a spreadsheet would take it for a formula."""
    return "'" + value if _TRIGGER.match(value) else value


def unprotect(value: str) -> str:
    """The inverse of :func:`protect`."""
    return value[1:] if _PROTECTED.match(value) else value


def _columns() -> list[str]:
    keys = [cell.keys[i] for cell in _flat.cells(OMEKA).values() for i in range(len(cell.keys))]
    return [*dict.fromkeys(keys), MEDIA, ITEM_SET]


def _multivalued() -> frozenset[str]:
    single = _flat.single_fields()
    return frozenset(
        cell.keys[0] for name, cell in _flat.cells(OMEKA).items() if name not in single
    ) | {ITEM_SET, MEDIA}


#: The columns whose cells hold several values (tick "multivalue" for them in CSV Import).
MULTIVALUED = _multivalued()

# Labels of the properties archmeta writes, for headers in CSV Import's other styles.
_LABELS = {
    "alternative": "Alternative Title",
    "bibliographicCitation": "Bibliographic Citation",
    "tableOfContents": "Table Of Contents",
    "isPartOf": "Is Part Of",
    "spatial": "Spatial Coverage",
    "created": "Date Created",
}
_VOCABULARIES = {"dcterms": "Dublin Core", "bibo": "Bibliographic Ontology"}


def _clean_header(header: str) -> str:
    text = re.sub(r"\s+", " ", header.replace("\u00a0", " ").replace("\u202f", " ")).strip()
    return re.sub(r"\s*:\s*", ":", text).casefold()


def _header_names() -> dict[str, str]:
    """Every accepted spelling of a header (case-folded) and the column it names."""
    names: dict[str, str] = {}
    for column in _columns():
        names.setdefault(column.casefold(), column)
        if ":" not in column:
            continue
        prefix, local = column.split(":")
        label = _LABELS.get(local, local[:1].upper() + local[1:])
        for name in (f"{_VOCABULARIES[prefix]}:{label}", local, label):
            names.setdefault(name.casefold(), column)
    # Columns of other tools that hold what archmeta has a field for (tags are subjects).
    names.update({"media url": MEDIA, "item set": ITEM_SET, "collections": ITEM_SET})
    names.setdefault("tags", "dcterms:subject")
    return names


class Row:
    """One data row: its cells by column, its line, its 1-based number."""

    def __init__(self, cells: dict[str, list[str]], line: int, number: int) -> None:
        self.cells = cells
        self.line = line
        self.number = number


#: The longest cell read (the csv module's limit, raised from its 128 KiB).
_MAX_CELL = 1 << 30


def _checked(reader: Any, source: str | None) -> Iterator[list[str]]:
    """The rows of a csv reader, its errors (a cell over the limit) as a ParseError."""
    try:
        yield from reader
    except csv.Error as exc:
        line = reader.line_num
        raise ParseError(f"not a CSV row ({exc})", source=source, line=line, rule="parse") from None


def _rows(data: str | bytes, source: str | None, issues: list[Issue]) -> Iterator[Row]:
    text = decode_text(data, source).lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    # The csv module refuses a cell over 128 KiB by default, a body a long document has: a
    # cell is bounded by the size limit of the whole document instead. (The setting is the
    # module's own, process-wide; it is only ever raised.)
    csv.field_size_limit(max(csv.field_size_limit(), _MAX_CELL))
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        skipinitialspace=delimiter == ",",
        strict=False,
    )
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ParseError(f"not a CSV file ({exc})", source=source, line=1, rule="parse") from None
    while header and not header[-1].strip():
        header.pop()  # CSV Import drops empty trailing headers
    if not header:
        raise ParseError("the CSV file has no header row", source=source, line=1, rule="parse")
    known = _header_names()
    columns: list[str | None] = []
    for index, name in enumerate(header, start=1):
        column = known.get(_clean_header(name))
        if column is None or column in columns:
            why = "a second column for" if column else "a column archmeta has no field for"
            issues.append(
                Issue(
                    f"{name.strip()!r} is {why}; not read",
                    rule="unknown-element",
                    severity="warning",
                    line=1,
                    column=index,
                    source=source,
                )
            )
            column = None
        columns.append(column)
    line, number = 1, 0
    for cells in _checked(reader, source):
        start, line = line + 1, reader.line_num
        if not any(c.strip() for c in cells):
            continue  # blank rows are skipped, as CSV Import does
        number += 1
        if len(cells) != len(columns):
            issues.append(
                Issue(
                    f"row {number} has {len(cells)} cells, the header {len(columns)}",
                    rule="value-missing",
                    severity="warning",
                    line=start,
                    column=1,
                    source=source,
                )
            )
        row: dict[str, list[str]] = {}
        for column, cell in zip(columns, cells, strict=False):
            if column is None or not cell.strip():
                continue
            parts = cell.split(SEPARATOR) if column in MULTIVALUED else [cell]
            row[column] = [unprotect(p.strip()) for p in parts if p.strip()]
        yield Row(row, start, number)


def _record(row: Row, source: str | None) -> tuple[ArchivalRecord | None, list[Issue]]:
    pairs = [
        (column, value)
        for column, values in row.cells.items()
        for value in values
        if column not in (MEDIA, ITEM_SET)
    ]
    result = _flat.unflatten(pairs, OMEKA)
    if "collections" not in result.fields and ITEM_SET in row.cells:
        result.fields["collections"] = row.cells[ITEM_SET]
    issues = [
        Issue(
            f"{pairs[p][0]} holds a second value of a one-value field; not kept "
            f"({pairs[p][1][:40]!r})",
            rule="unknown-element",
            severity="warning",
            line=row.line,
            source=source,
        )
        for p in result.extra
    ]
    try:
        return ArchivalRecord.model_validate(result.fields), issues
    except PydanticError as exc:
        placed = [replace(i, line=row.line) for i in pydantic_issues(exc, source)]
        return None, issues + placed


class OmekaCsvCodec(Codec):
    """Omeka S CSV Import files: one row per record."""

    name = "omeka-csv"
    # Not plain ".csv": most CSV files are no records. A ".csv" file is taken from a folder
    # when its header shows a dcterms:title column (sniff), or with --from omeka-csv.
    extensions = (".omeka.csv",)
    loose_extensions = (".csv",)
    media_type = "text/csv"
    description = "Omeka S CSV Import (one row per record)"
    unavailable = frozenset({"credits", "funders", "original_languages", "body"})
    joins = True

    def __init__(self, media: str = "") -> None:
        self.media = media

    def sniff(self, head: bytes) -> int:
        first = head.split(b"\n", 1)[0].strip()
        # A header row: cells separated by commas or TABs, one of them a dcterms:title.
        cells = re.split(rb"[,\t]", first)
        titled = any(re.fullmatch(rb'(?i)\s*"?dcterms:\s*title"?\s*', c) for c in cells)
        return 30 if titled and len(cells) > 1 else 0

    def read(self, data: str | bytes, source: str | None = None) -> Decoded:
        issues: list[Issue] = []
        try:
            rows = list(_rows(data, source, issues))
        except ArchmetaError as exc:
            return failed(exc)
        if len(rows) != 1:
            error = ParseError(
                f"the file holds {len(rows)} records, not one; convert it with --out DIR",
                source=source,
                line=1,
                rule="parse",
            )
            return Decoded(None, issues + list(error.issues), error=error)
        record, more = _record(rows[0], source)
        issues += more
        if record is None:
            return Decoded(None, issues, error=ValidationError(issues, source=source))
        return Decoded(record, issues)

    def write(self, record: ArchivalRecord) -> str:
        return self.join([self._row(record)], rows=True)

    def _row(self, record: ArchivalRecord) -> str:
        values: dict[str, list[str]] = {}
        for key, value in _flat.flatten(record, OMEKA):
            values.setdefault(key, []).append(value)
        if record.collections:
            values[ITEM_SET] = list(record.collections)
        if self.media:
            values[MEDIA] = [self.media + _media_name(record)]
        cells = []
        for column in _columns():
            found = values.get(column, [])
            for value in found:
                _check(column, value, len(found))
            cells.append(SEPARATOR.join(protect(v) for v in found))
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(cells)
        return out.getvalue()

    def join(self, documents: Sequence[str], rows: bool = False) -> str:
        """One CSV of the header and every document's data rows, in order."""
        header = io.StringIO()
        csv.writer(header, lineterminator="\n").writerow(_columns())
        body = [d if rows else d.split("\n", 1)[1] for d in documents]
        return header.getvalue() + "".join(body)

    def with_options(self, options: Mapping[str, str]) -> OmekaCsvCodec:
        """``media``: a URL (or a sideload folder) to which each record's TEI file name,
        ``<identifier>.tei.xml``, is added in the ``media`` column."""
        unknown = set(options) - {"media"}
        if unknown:
            raise UsageError(f"{self.name} knows the option 'media' only, not {unknown}")
        return OmekaCsvCodec(options["media"]) if options.get("media") else self

    def project(self, record: ArchivalRecord) -> ArchivalRecord:
        return _flat.project(record, OMEKA)

    def is_container(self, head: bytes) -> bool:
        return True  # a CSV file holds any number of rows

    def iter_records(
        self,
        source: Readable,
        source_name: str | None = None,
        *,
        numbers: Container[int] | None = None,
        headers_only: bool = False,
        max_bytes: int = 0,
    ) -> Iterator[CollectionItem]:
        # A CSV file is read whole, not streamed (``streams`` is false): the size limit of a
        # document has already held it, and with it each of its rows, to ``max_bytes``.
        name = source_name or (
            os.fspath(source) if isinstance(source, (str, os.PathLike)) else None
        )
        if isinstance(source, (str, os.PathLike)):
            with open(source, "rb") as handle:
                data = handle.read()
        else:
            data = source.read()
        issues: list[Issue] = []
        rows = _rows(data, name, issues)
        first = True
        for row in rows:
            found = row.cells.get("dcterms:identifier")
            identifier = found[0] if found else None
            item = CollectionItem(identifier, None, number=row.number, line=row.line)
            if not headers_only and (numbers is None or row.number in numbers):
                item.record, item.issues = _record(row, name)
                if first:  # the header's warnings, once, with the first record
                    item.issues = issues + item.issues
                    first = False
            yield item


def _media_name(record: ArchivalRecord) -> str:
    """The file name of the record's TEI beside the CSV (its identifier, made portable)."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", record.identifier or record.title).strip("._-")
    return (stem[:100] or "record") + ".tei.xml"


def _check(column: str, value: str, count: int) -> None:
    """Refuse a value CSV Import would not read back as it is."""
    problem = None
    if column in MULTIVALUED and SEPARATOR in value:
        problem = f"holds the multivalue separator {SEPARATOR!r}, which CSV Import cannot escape"
    elif '\\"' in value or value.endswith("\\"):
        problem = "holds a backslash before a quote or at its end (PHP's CSV escape character)"
    if problem:
        raise ValidationError(
            [Issue(f"{column}: {value[:60]!r} {problem}", rule="omeka-unsafe-value")]
        )


codec = OmekaCsvCodec()
