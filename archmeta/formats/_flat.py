"""Records as flat (key, value) pairs: the shared core of the package formats.

DSpace's ``dcvalue`` elements and Omeka S's CSV columns both hold a record as a list of values
under field names; which name each field uses is the format's column of the mapping table
(:class:`~archmeta.mapping.PackageCell`). This module turns a record into such pairs and back,
so the two codecs differ only in how they lay the pairs out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import Issue
from ..mapping import MAPPING
from ..mapping._packages import PackageCell
from ..model import ArchivalRecord, Language

# A language written as "Name (code)"; "?" stands for an unknown code.
_NAMED = re.compile(r"^(?P<name>.+) \((?P<code>[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*|\?)\)$")
_SINGLE = frozenset(
    n for n, f in ArchivalRecord.model_fields.items() if not str(f.annotation).startswith("list")
)


def single_fields() -> frozenset[str]:
    """The fields of the model that hold one value (not a list)."""
    return _SINGLE


def language_value(language: Language) -> str:
    """A language as one value: its name when the name gives its code, else ``Name (code)``."""
    from ..languages import resolve_language

    if _NAMED.match(language.name) is None and resolve_language(language.name) == language.code:
        return language.name
    return f"{language.name} ({language.code or '?'})"


def parse_language(value: str) -> dict[str, str | None]:
    """The inverse of :func:`language_value`, as data for the model to validate (a bare name or
    code is resolved): a value the model refuses is reported with the record, not raised."""
    from ..languages import resolve_language

    match = _NAMED.match(value)
    if match is None:
        return {"name": value, "code": resolve_language(value)}
    code = match["code"]
    return {"name": match["name"], "code": None if code == "?" else code}


def cells(column: str) -> dict[str, PackageCell]:
    """The fields a package column holds in its metadata, with their cells."""
    return {
        name: cell
        for name, cell in MAPPING.cells(column).items()
        if isinstance(cell, PackageCell) and cell.keys
    }


def flatten(record: ArchivalRecord, column: str) -> list[tuple[str, str]]:
    """The record's values as (key, value) pairs, in mapping order."""
    pairs: list[tuple[str, str]] = []
    for name, cell in cells(column).items():
        value = getattr(record, name)
        if value is None or value == []:
            continue
        if name == "date":
            pairs.append((cell.keys[0], value.text))
            if value.edtf is not None:
                pairs.append((cell.keys[1], value.edtf))
        elif name in ("languages", "original_languages"):
            pairs.extend((cell.keys[0], language_value(v)) for v in value)
        elif isinstance(value, list):
            pairs.extend((cell.keys[0], v) for v in value)
        else:
            pairs.append((cell.keys[0], value))
    return pairs


@dataclass
class Unflattened:
    """What :func:`unflatten` made of the pairs: the record's fields and the pairs left over."""

    fields: dict[str, Any] = field(default_factory=dict)
    unknown: list[int] = field(default_factory=list)  # positions of pairs with no field
    extra: list[int] = field(default_factory=list)  # positions of values beyond a one-value field


def unflatten(pairs: Iterable[tuple[str, str]], column: str) -> Unflattened:
    """The record fields of (key, value) pairs (the values not yet validated)."""
    table = cells(column)
    written: dict[str, str] = {}
    read: dict[str, str] = {}
    for name, cell in table.items():
        if name == "date":
            continue
        for key in cell.keys[:1]:
            written.setdefault(key, name)
        for key in cell.reads:
            read.setdefault(key, name)
    date_cell = table.get("date")
    date_keys = date_cell.keys if date_cell else ()
    date_reads = date_cell.reads if date_cell else ()
    values: dict[str, list[tuple[int, str]]] = {}
    dates: dict[str, str] = {}
    out = Unflattened()
    for position, (key, value) in enumerate(pairs):
        if key in date_keys or key in date_reads:
            if key in dates:
                out.extra.append(position)
            else:
                dates[key] = value
            continue
        field_name = written.get(key) or read.get(key)
        if field_name is None:
            out.unknown.append(position)
            continue
        values.setdefault(field_name, []).append((position, value))
    _shared_identifiers(table, values)
    for name, placed in values.items():
        found = [value for _, value in placed]
        if name in ("languages", "original_languages"):
            out.fields[name] = [parse_language(v) for v in found]
        elif name == "url":  # further URIs (the handle DSpace adds) are other identifiers
            out.fields["url"] = found[0]
            out.fields["identifiers"] = found[1:] + out.fields.get("identifiers", [])
        elif name in _SINGLE:
            out.fields[name] = found[0]
            # a second value is reported, unless it repeats the first (a title in two schemas)
            out.extra.extend(p for p, value in placed[1:] if value != found[0])
        else:
            out.fields[name] = found + out.fields.get(name, [])
    if date_cell is not None:
        date = _date(dates, date_keys, date_reads)
        if date is not None:
            out.fields["date"] = date
    return out


def _date(
    dates: Mapping[str, str], keys: tuple[str, ...], reads: tuple[str, ...]
) -> dict[str, Any] | None:
    """The date of the text key and the EDTF key; a date only under a key other tools write
    (``date.issued``) is normalised from its text."""
    from ..dates import is_valid_edtf, normalize_date

    text = dates.get(keys[0])
    edtf = dates.get(keys[1])
    if text is None and edtf is None:
        other = next((dates[k] for k in reads if k in dates), None)
        return None if other is None else {"text": other, "edtf": normalize_date(other)}
    if edtf is not None and not is_valid_edtf(edtf):
        edtf = normalize_date(edtf)  # a timestamp, say, written by another tool
    return {"text": text or dates[keys[1]], "edtf": edtf}


def _shared_identifiers(
    table: Mapping[str, PackageCell], values: dict[str, list[tuple[int, str]]]
) -> None:
    """Where the record's identifier and the other identifiers share a key, the first value is
    the record's own."""
    cell = table.get("identifier")
    if cell is None or not cell.shared or "identifier" not in values:
        return
    found = values.pop("identifier")
    values["identifier"] = found[:1]
    if found[1:]:
        values["identifiers"] = found[1:] + values.get("identifiers", [])


def project(record: ArchivalRecord, column: str, kept: Iterable[str] = ()) -> ArchivalRecord:
    """The record as a package of ``column`` gives it back: fields without a key are emptied
    (unless in ``kept``: the package holds them another way), shared identifiers move up."""
    table = cells(column)
    update: dict[str, Any] = {}
    for name, info in ArchivalRecord.model_fields.items():
        if name in table or name in kept or info.is_required():
            continue
        update[name] = [] if name not in _SINGLE else None
    cell = table.get("identifier")
    if cell is not None and cell.shared and record.identifier is None and record.identifiers:
        update["identifier"] = record.identifiers[0]
        update["identifiers"] = record.identifiers[1:]
    data = record.model_dump()
    data.update(update)
    return ArchivalRecord.model_validate(data)


def issue_for_pair(message: str, rule: str, **place: Any) -> Issue:
    """A warning about one pair (an unknown key, a value dropped), at its place."""
    return Issue(message, rule=rule, severity="warning", **place)
