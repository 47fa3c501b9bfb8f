"""What survives Dublin Core: the projection of a record onto each flavour."""

from __future__ import annotations

import re
from typing import Any

from annotated_types import MaxLen

from ...mapping import MAPPING, DcCell
from ...model import LANGUAGE_TAG_PATTERN, URL_PATTERN, ArchivalDate, ArchivalRecord, Language
from ._common import (
    CELLS,
    FLAVOURS,
    URI_TYPE,
    W3CDTF_TYPE,
    _as_line,
    _check_flavour,
    _guess_url,
    _identifier_values,
    _language_value,
    _split_identifiers,
    is_edtf,
    is_w3cdtf,
    paired_date,
)


def _projected_date(date: ArchivalDate | None, flavour: str) -> ArchivalDate | None:
    if date is None:
        return None
    typed = W3CDTF_TYPE in CELLS[flavour]["date"].xsi_types  # the EDTF value has an element
    if typed and date.edtf is not None and is_w3cdtf(date.edtf):
        return ArchivalDate(text=date.text, edtf=date.edtf)
    if not typed and paired_date(date.text, date.edtf):
        return ArchivalDate(text=date.text, edtf=date.edtf)  # two dc:date elements keep both
    return ArchivalDate.from_text(date.text)


UNREAD_FIELDS: dict[str, frozenset[str]] = {
    flavour: frozenset(
        name
        for name, cell in MAPPING.cells(flavour).items()
        if not isinstance(cell, DcCell) or cell.read_back_as is not None
    )
    for flavour in FLAVOURS
}
"""Fields a record read from each flavour never holds (see :func:`project`): those the
flavour's column of the mapping table cannot hold and those read back as another field."""


def project(record: ArchivalRecord, flavour: str = "oai_dc") -> ArchivalRecord:
    """The record as it comes back from Dublin Core of ``flavour``: what that flavour keeps.

    Both flavours lose ``credits``, ``funders``, ``original_languages`` and ``body``;
    translators become contributors (Dublin Core has no role); a language is written as one
    string (in ``oai_dc`` its name when that resolves to its code, else its code; in ``dcterms``
    its code; its name when it has none) and read back as ``Language.from_name`` of it; the
    record's own identifier is the first identifier read back, so with no ``identifier`` the
    first of ``identifiers`` takes its place. In ``oai_dc`` moreover: the EDTF value is
    recomputed from the date's text; the citation and the contents are lost; the first
    description is the summary and the others are notes; collections are relations; the URL
    is the first ``http(s)`` identifier. ``dcterms`` keeps the EDTF value when W3CDTF can carry
    it, the citation (``bibliographicCitation``), the contents (``tableOfContents``) and the
    collections (``isPartOf``).
    """
    _check_flavour(flavour)
    moved = _moved(record, flavour)
    # What the flavour keeps as it is is taken as it is (a list copied), what it changes on the
    # way as :func:`_moved` computes it; the fields it empties are left to their defaults.
    data: dict[str, Any] = {}
    for name in CELLS[flavour]:
        if name in UNREAD_FIELDS[flavour]:
            continue
        if name in moved:
            data[name] = moved[name]
        else:
            value = getattr(record, name)
            data[name] = list(value) if isinstance(value, list) else value
    data["date"] = _projected_date(record.date, flavour)
    data["languages"] = [
        Language.from_name(_language_value(lang, flavour)) for lang in record.languages
    ]
    return ArchivalRecord(**data)


# What :func:`lost` needs to know of the model and of each flavour's column to compare
# without building a record: the fields in model order, the most items a list field holds, what
# each flavour empties (its projection holds the field's default) and which of its fields take
# another's values on reading.
_FIELDS: tuple[str, ...] = tuple(ArchivalRecord.model_fields)
_MAX_ITEMS: dict[str, int] = {
    name: meta.max_length
    for name, info in ArchivalRecord.model_fields.items()
    for meta in info.metadata
    if isinstance(meta, MaxLen)
}
_EMPTIED: dict[str, dict[str, Any]] = {
    flavour: {
        name: ArchivalRecord.model_fields[name].get_default(call_default_factory=True)
        for name in _FIELDS
        if name in UNREAD_FIELDS[flavour]
    }
    for flavour in FLAVOURS
}
_READ_BACK_AS: dict[str, tuple[tuple[str, str], ...]] = {
    flavour: tuple(
        (name, cell.read_back_as)
        for name, cell in CELLS[flavour].items()
        if cell.read_back_as is not None
    )
    for flavour in FLAVOURS
}
_GROWING: dict[str, tuple[str, ...]] = {
    flavour: (*dict.fromkeys(other for _, other in _READ_BACK_AS[flavour]), "notes", "identifiers")
    for flavour in FLAVOURS
}
"""The lists a projection can make longer than the record's: those taking another field's values
(contributors the translators'), the notes (with the summary, where they share an element) and
the identifiers (with the identifier and the URL, where they are all identifiers)."""
_URL = re.compile(URL_PATTERN)
_LANGUAGE_TAG = re.compile(LANGUAGE_TAG_PATTERN)


def lost(record: ArchivalRecord, flavour: str = "oai_dc") -> list[str]:
    """The fields of ``record`` (in model order) whose value :func:`project` changes, without
    building and validating the projected record.

    The values compared are those :func:`project` gives its record, computed the same way;
    every other field it takes as it is. Each is a value of ``record`` (valid as it was: the
    model never changes a value it accepts) or one made of such values in a form the model
    accepts (a Line is a Paragraph, a paragraph's lines joined by spaces a Line, a URL an
    identifier). What the model could still refuse is checked here: a guessed URL, a
    recomputed EDTF value, a resolved language code, a list grown past its limit. For such a
    record (or one of a subclass of the model) :func:`project` is asked instead, so that it
    fails exactly as it did.
    """
    _check_flavour(flavour)
    if type(record) is not ArchivalRecord:
        return _compare(record, project(record, flavour))
    current = record.__dict__  # the field values, read once each
    values = _moved(record, flavour)
    url = values["url"]
    date_kept = _date_kept(record.date, flavour)
    languages_kept = _languages_kept(record.languages, flavour)
    refused = (
        date_kept is None
        or languages_kept is None
        or (url is not None and url != record.url and _URL.search(url) is None)
        or any(len(values.get(name, ())) > _MAX_ITEMS[name] for name in _GROWING[flavour])
    )
    if refused:  # the projected record is refused: project() raises as it always did
        return _compare(record, project(record, flavour))
    changed = {name for name, value in values.items() if current[name] != value}
    if not date_kept:
        changed.add("date")
    if not languages_kept:
        changed.add("languages")
    return [name for name in _FIELDS if name in changed]


def _moved(record: ArchivalRecord, flavour: str) -> dict[str, Any]:
    """The fields :func:`project` does not take as they are (but the date and the languages),
    with the values it gives them: the fields the flavour empties, with their defaults; those
    taking another field's values on reading (contributors the translators'), joined; the
    descriptions sharing one element, split; the identifiers and the URL among them."""
    cells = CELLS[flavour]
    values: dict[str, Any] = dict(_EMPTIED[flavour])
    for name, other in _READ_BACK_AS[flavour]:
        if getattr(record, name):
            values[other] = [*values.get(other, getattr(record, other)), *getattr(record, name)]
    if cells["summary"].element == cells["notes"].element:
        descriptions = ([record.summary] if record.summary else []) + list(record.notes)
        values["summary"] = descriptions[0] if descriptions else None
        values["notes"] = [_as_line(d) for d in descriptions[1:]]
    identifiers = _identifier_values(record, flavour)
    url = record.url
    if URI_TYPE not in cells["url"].xsi_types:  # the URL is an untyped identifier among others
        url, identifiers = _guess_url(identifiers)
    identifier, _, rest = _split_identifiers(identifiers, url)
    values.update(url=url, identifier=identifier, identifiers=rest)
    return values


def _compare(record: ArchivalRecord, projected: ArchivalRecord) -> list[str]:
    return [
        name
        for name in type(record).model_fields
        if getattr(record, name) != getattr(projected, name)
    ]


def _date_kept(date: ArchivalDate | None, flavour: str) -> bool | None:
    """Whether :func:`_projected_date` gives the date back as it is; None when the EDTF value
    it would recompute is one the model refuses."""
    if date is None:
        return True
    typed = W3CDTF_TYPE in CELLS[flavour]["date"].xsi_types
    if typed and date.edtf is not None and is_w3cdtf(date.edtf):
        return True
    if not typed and paired_date(date.text, date.edtf):
        return True
    from ...dates import normalize_date

    edtf = normalize_date(date.text)
    if edtf is not None and not is_edtf(edtf):
        return None
    return edtf == date.edtf


def _languages_kept(languages: list[Language], flavour: str) -> bool | None:
    """Whether every language comes back as it is (``Language.from_name`` of the string it is
    written as); None when a resolved code is one the model refuses."""
    from ...languages import resolve_language

    kept = True
    for language in languages:
        value = _language_value(language, flavour)
        code = resolve_language(value)
        if code is not None and _LANGUAGE_TAG.search(code) is None:
            return None
        kept = kept and value == language.name and code == language.code
    return kept
