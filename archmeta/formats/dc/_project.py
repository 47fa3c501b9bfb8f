"""What survives Dublin Core: the projection of a record onto each flavour."""

from __future__ import annotations

from typing import Any

from ...mapping import MAPPING, DcCell
from ...model import ArchivalDate, ArchivalRecord, Language
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
    cells = CELLS[flavour]
    # What the flavour's column writes and reads back as itself is kept as it is ...
    data: dict[str, Any] = {}
    for name, cell in cells.items():
        if cell.read_back_as is None:
            value = getattr(record, name)
            data[name] = list(value) if isinstance(value, list) else value
    # ... and what comes back as another field (translators as contributors) joins it.
    for name, cell in cells.items():
        if cell.read_back_as is not None:
            data[cell.read_back_as] = data[cell.read_back_as] + list(getattr(record, name))
    # The values the flavour changes on the way are code: the date, the languages, the
    # descriptions sharing one element, the identifiers and the URL among them.
    data["date"] = _projected_date(record.date, flavour)
    data["languages"] = [
        Language.from_name(_language_value(lang, flavour)) for lang in record.languages
    ]
    if cells["summary"].element == cells["notes"].element:
        descriptions = ([record.summary] if record.summary else []) + list(record.notes)
        data["summary"] = descriptions[0] if descriptions else None
        data["notes"] = [_as_line(d) for d in descriptions[1:]]
    identifiers = _identifier_values(record, flavour)
    url = record.url
    if URI_TYPE not in cells["url"].xsi_types:  # the URL is an untyped identifier among others
        url, identifiers = _guess_url(identifiers)
    identifier, _, rest = _split_identifiers(identifiers, url)
    data.update(url=url, identifier=identifier, identifiers=rest)
    return ArchivalRecord(**data)
