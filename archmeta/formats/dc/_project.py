"""What survives Dublin Core: the projection of a record onto each flavour."""

from __future__ import annotations

from typing import Any

from ...model import ArchivalDate, ArchivalRecord, Language
from ._common import (
    _as_line,
    _check_flavour,
    _guess_url,
    _identifier_values,
    _language_value,
    _split_identifiers,
    is_w3cdtf,
)


def _projected_date(date: ArchivalDate | None, flavour: str) -> ArchivalDate | None:
    if date is None:
        return None
    if flavour == "dcterms" and date.edtf is not None and is_w3cdtf(date.edtf):
        return ArchivalDate(text=date.text, edtf=date.edtf)
    return ArchivalDate.from_text(date.text)


_NEVER_IN_DC = frozenset({"credits", "funders", "original_languages", "body", "translators"})
UNREAD_FIELDS: dict[str, frozenset[str]] = {
    "oai_dc": _NEVER_IN_DC | {"citation", "contents", "collections"},
    "dcterms": _NEVER_IN_DC,
}
"""Fields a record read from each flavour never holds (see :func:`project`)."""


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
    data: dict[str, Any] = {
        "title": record.title,
        "alternative_titles": list(record.alternative_titles),
        "date": _projected_date(record.date, flavour),
        "type": record.type,
        "publisher": record.publisher,
        "source": record.source,
        "creators": list(record.creators),
        "contributors": list(record.contributors) + list(record.translators),
        "subjects": list(record.subjects),
        "places": list(record.places),
        "rights": record.rights,
        "formats": list(record.formats),
        "languages": [
            Language.from_name(_language_value(lang, flavour)) for lang in record.languages
        ],
    }
    identifiers = _identifier_values(record, flavour)
    if flavour == "oai_dc":
        url, identifiers = _guess_url(identifiers)
        descriptions = ([record.summary] if record.summary else []) + list(record.notes)
        data.update(
            url=url,
            summary=descriptions[0] if descriptions else None,
            notes=[_as_line(d) for d in descriptions[1:]],
            relations=list(record.relations) + list(record.collections),
        )
    else:
        url = record.url
        data.update(
            url=url,
            summary=record.summary,
            notes=list(record.notes),
            citation=record.citation,
            contents=list(record.contents),
            relations=list(record.relations),
            collections=list(record.collections),
        )
    identifier, _, rest = _split_identifiers(identifiers, url)
    data.update(identifier=identifier, identifiers=rest)
    return ArchivalRecord(**data)
