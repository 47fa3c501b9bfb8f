"""Reading DSpace Simple Archive Format: one metadata file, one item folder, a package.

DSpace's own rules are followed (``ItemImportServiceImpl``): the schema comes from the root's
``schema`` attribute (absent: ``dc``), ``qualifier`` "none", "" or absent means none, the value
is the text before the element's first child, trimmed, and an empty value is skipped. Fields
archmeta has no place for are reported (``unknown-element`` warnings with file and line), never
an error: a real package holds DSpace's own fields (``date.accessioned``, provenance, ...).
"""

from __future__ import annotations

import os
import re
from collections.abc import Container, Iterator
from dataclasses import dataclass, field

from pydantic import ValidationError as PydanticError

from ...errors import ArchmetaError, Issue, pydantic_issues
from ...model import ArchivalRecord
from .._flat import unflatten
from ..codec import CollectionItem, Decoded, failed
from ._common import COLUMN

_METADATA_FILE = re.compile(r"^metadata_.*\.xml$")  # DSpace's own pattern (any character)


@dataclass
class Pairs:
    """The (key, value) pairs of an item's metadata files, with where each was found."""

    pairs: list[tuple[str, str]] = field(default_factory=list)
    places: list[tuple[str | None, int | None]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def _value(text: str | None) -> str:
    """The value as DSpace keeps it (trimmed), with archmeta's line rules: CR LF becomes LF,
    each line is trimmed and blank lines go (DSpace's exporter writes CR LF in provenance)."""
    lines = (line.strip() for line in (text or "").replace("\r\n", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def read_metadata(data: str | bytes, source: str | None, into: Pairs) -> None:
    """Add the pairs of one ``dublin_core.xml``/``metadata_*.xml`` document to ``into``;
    raises :class:`~archmeta.errors.ParseError` for XML that is not well-formed."""
    from ...xmlsafe import parse_xml

    root = parse_xml(data, source)
    if root.tag != "dublin_core":
        into.issues.append(
            Issue(
                f"the root element is <{root.tag!s}>, not <dublin_core>",
                rule="unknown-element",
                line=root.sourceline,
                source=source,
            )
        )
        return
    schema = (root.get("schema") or "").strip() or "dc"
    for child in root:
        if not isinstance(child.tag, str):
            continue  # a comment or processing instruction
        if child.tag != "dcvalue" or not child.get("element"):
            message = f"<{child.tag}> is not a <dcvalue element=...>; not kept"
            into.issues.append(
                Issue(
                    message,
                    rule="unknown-element",
                    severity="warning",
                    line=child.sourceline,
                    source=source,
                )
            )
            continue
        value = _value(child.text)
        if not value:
            continue  # DSpace skips an empty value too
        qualifier = (child.get("qualifier") or "").strip()
        key = f"{schema}.{child.get('element', '').strip()}"
        if qualifier and qualifier != "none":
            key += f".{qualifier}"
        into.pairs.append((key, value))
        into.places.append((source, child.sourceline))


def record_of(found: Pairs, source: str | None) -> tuple[ArchivalRecord | None, list[Issue]]:
    """The record of an item's pairs, with a warning for each value not kept."""
    result = unflatten(found.pairs, COLUMN)
    issues = list(found.issues)
    for position in result.unknown:
        key, value = found.pairs[position]
        where, line = found.places[position]
        issues.append(
            Issue(
                f"{key} has no archmeta field; not kept ({value[:40]!r})",
                rule="unknown-element",
                severity="warning",
                line=line,
                source=where,
            )
        )
    for position in result.extra:
        key, value = found.pairs[position]
        where, line = found.places[position]
        message = f"{key} holds a second value of a one-value field; not kept ({value[:40]!r})"
        issues.append(
            Issue(message, rule="unknown-element", severity="warning", line=line, source=where)
        )
    try:
        return ArchivalRecord.model_validate(result.fields), issues
    except PydanticError as exc:
        return None, issues + pydantic_issues(exc, source)


def read_document(data: str | bytes, source: str | None = None) -> Decoded:
    """One metadata file as a record (no bitstreams)."""
    found = Pairs()
    try:
        read_metadata(data, source, found)
    except ArchmetaError as exc:
        return failed(exc)
    record, issues = record_of(found, source)
    return Decoded(record, issues)


def bitstreams(folder: str) -> list[str]:
    """The file names of an item's ``contents`` file: each line's part before its first TAB
    (not trimmed, as DSpace reads it); blank lines are skipped."""
    try:
        with open(os.path.join(folder, "contents"), encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return []
    return [line.split("\t", 1)[0] for line in lines if line.strip()]


def read_item(folder: str, max_bytes: int = 0) -> tuple[ArchivalRecord | None, list[Issue]]:
    """The record of one item folder: its metadata files, then the fields they have no place
    for (the body, the funders) from the record's TEI bitstream, when it lists one. An item
    whose files to read hold more than ``max_bytes`` (0: no limit) is refused unread."""
    found = Pairs()
    names = sorted(os.listdir(folder))
    metadata = ["dublin_core.xml"] + [n for n in names if _METADATA_FILE.match(n)]
    main = os.path.join(folder, "dublin_core.xml")
    size = _size(folder, [*metadata, *(n for n in bitstreams(folder) if n.endswith(".tei.xml"))])
    if max_bytes and size > max_bytes:
        message = (
            f"the item's metadata and TEI files hold {size:,} bytes, more than the size limit "
            f"of {max_bytes:,} bytes, which applies to each record (--max-size)"
        )
        return None, [Issue(message, rule="record-too-large", source=folder)]
    for name in metadata:
        path = os.path.join(folder, name)
        try:
            with open(path, "rb") as handle:
                read_metadata(handle.read(), path, found)
        except FileNotFoundError:
            if name == "dublin_core.xml":
                return None, [
                    Issue("the item has no dublin_core.xml", rule="unreadable", source=folder)
                ]
        except OSError as exc:
            return None, [Issue(f"cannot read ({exc.strerror})", rule="unreadable", source=path)]
        except ArchmetaError as exc:
            return None, list(exc.issues)
    record, issues = record_of(found, main)
    if record is None:
        return None, issues
    listed = bitstreams(folder)
    for name in listed:
        if not os.path.isfile(os.path.join(folder, name)):
            issues.append(
                Issue(
                    f"the contents file lists {name!r}, which the item lacks",
                    rule="unreadable",
                    severity="warning",
                    source=os.path.join(folder, "contents"),
                )
            )
    tei_file = next((n for n in listed if n.endswith(".tei.xml")), None)
    if tei_file is not None:
        record = _with_tei(record, os.path.join(folder, tei_file), issues)
    return record, issues


def _size(folder: str, names: list[str]) -> int:
    """The bytes of the named files of a folder (the missing ones are reported elsewhere)."""
    total = 0
    for name in dict.fromkeys(names):
        try:
            total += os.path.getsize(os.path.join(folder, name))
        except (OSError, ValueError):
            continue
    return total


def _with_tei(record: ArchivalRecord, path: str, issues: list[Issue]) -> ArchivalRecord:
    from ...mapping import MAPPING
    from .. import tei

    try:
        with open(path, "rb") as handle:
            decoded = tei.codec.read(handle.read(), path)
    except OSError:
        return record
    if decoded.usable is None:
        issues.append(
            Issue(
                "the TEI bitstream cannot be read; its text is not kept",
                rule="unreadable",
                severity="warning",
                source=path,
            )
        )
        return record
    unmapped = [
        name
        for name, cell in MAPPING.cells(COLUMN).items()
        if cell is None or not getattr(cell, "keys", ())
    ]
    return record.model_copy(update={n: getattr(decoded.usable, n) for n in unmapped})


def _natural(name: str) -> list[object]:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]


def item_folders(package: str) -> list[str]:
    """The item folders of a package, in DSpace's (natural) order; hidden ones (archmeta's
    temporary folders) are not items."""
    names = [
        n
        for n in os.listdir(package)
        if not n.startswith(".") and os.path.isdir(os.path.join(package, n))
    ]
    return sorted(names, key=_natural)


def iter_items(
    package: str,
    numbers: Container[int] | None = None,
    headers_only: bool = False,
    max_bytes: int = 0,
) -> Iterator[CollectionItem]:
    """Every item of a package as a :class:`CollectionItem` named after its folder (an item
    over ``max_bytes`` is refused unread, see :func:`read_item`)."""
    for number, name in enumerate(item_folders(package), start=1):
        item = CollectionItem(name, None, number=number)
        if not headers_only and (numbers is None or number in numbers):
            folder = os.path.join(package, name)
            item.record, item.issues = read_item(folder, max_bytes)
            if item.record is None and not any(i.severity == "error" for i in item.issues):
                item.issues.append(Issue("the item holds no record", rule="parse", source=folder))
            if item.record is not None:
                # The record is read; its warnings are not failures of the conversion.
                item.issues = [i for i in item.issues if i.severity != "error"] or item.issues
        yield item
