"""Writing Dublin Core: a record as ``oai_dc:dc`` or DCMI's ``qualifieddc``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ...model import ArchivalRecord, Language
from .._io import PathOrFile, write_text
from ._common import (
    _XS_LANGUAGE,
    _XSI_TYPE,
    DC_NS,
    DCMI_TYPES,
    DCTERMS_NS,
    OAI_DC_NS,
    OAI_DC_SCHEMA_LOCATION,
    QUALIFIEDDC,
    QUALIFIEDDC_SCHEMA_LOCATION,
    XSI_NS,
    _check_flavour,
    _identifier_values,
    _language_value,
    is_w3cdtf,
)

if TYPE_CHECKING:
    from lxml import etree


def _language_scheme(language: Language) -> str | None:
    """The DCMI encoding scheme of a language's code, if it has one."""
    code = language.code
    if code is None:
        return None
    if _XS_LANGUAGE.fullmatch(code):
        return "RFC4646"
    return None  # pragma: no cover - the model's tag pattern is narrower than xs:language


def _entries(record: ArchivalRecord, flavour: str) -> list[tuple[str, str, str, str | None]]:
    """(namespace, element, text, xsi:type) for each element, in the written order."""
    dc = DC_NS if flavour == "oai_dc" else DCTERMS_NS
    out: list[tuple[str, str, str, str | None]] = []

    def add(name: str, values: Iterable[str | None], xsi_type: str | None = None) -> None:
        for value in values:
            if value:
                out.append((dc, name, value, xsi_type))

    if flavour == "oai_dc":
        add("title", [record.title, *record.alternative_titles])
        add("creator", record.creators)
        add("subject", record.subjects)
        add("description", [record.summary, *record.notes])
        add("publisher", [record.publisher])
        add("contributor", [*record.contributors, *record.translators])
        add("date", [record.date.text if record.date else None])
        add("type", [record.type])
        add("format", record.formats)
        add("identifier", _identifier_values(record, flavour))
        add("source", [record.source])
        add("language", [_language_value(lang, flavour) for lang in record.languages])
        add("relation", [*record.relations, *record.collections])
        add("coverage", record.places)
        add("rights", [record.rights])
        return out

    add("title", [record.title])
    add("alternative", record.alternative_titles)
    add("creator", record.creators)
    add("subject", record.subjects)
    add("abstract", [record.summary])
    add("description", record.notes)
    add("tableOfContents", record.contents)
    add("publisher", [record.publisher])
    add("contributor", [*record.contributors, *record.translators])
    if record.date is not None:
        text, edtf = record.date.text, record.date.edtf
        if edtf is not None and is_w3cdtf(edtf) and text == edtf:
            add("created", [text], "dcterms:W3CDTF")
        else:
            add("created", [text])
            if edtf is not None and is_w3cdtf(edtf):
                add("created", [edtf], "dcterms:W3CDTF")
    if record.type:
        add("type", [record.type], "dcterms:DCMIType" if record.type in DCMI_TYPES else None)
    add("format", record.formats)
    add("identifier", [record.identifier])
    add("identifier", [record.url], "dcterms:URI")
    add("identifier", record.identifiers)
    add("bibliographicCitation", [record.citation])
    add("source", [record.source])
    for language in record.languages:
        scheme = _language_scheme(language)
        add(
            "language",
            [_language_value(language, flavour)],
            f"dcterms:{scheme}" if scheme else None,
        )
    add("relation", record.relations)
    add("isPartOf", record.collections)
    add("spatial", record.places)
    add("rights", [record.rights])
    return out


def to_element(record: ArchivalRecord, flavour: str = "oai_dc") -> etree._Element:
    """The record as a Dublin Core element tree (``oai_dc:dc`` or ``qualifieddc``)."""
    from lxml import etree

    _check_flavour(flavour)
    if flavour == "oai_dc":
        nsmap = {"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS}
        root = etree.Element(f"{{{OAI_DC_NS}}}dc", nsmap=nsmap)  # type: ignore[arg-type]
        root.set(f"{{{XSI_NS}}}schemaLocation", OAI_DC_SCHEMA_LOCATION)
    else:
        nsmap = {"dcterms": DCTERMS_NS, "xsi": XSI_NS}
        root = etree.Element(QUALIFIEDDC, nsmap=nsmap)  # type: ignore[arg-type]
        root.set(f"{{{XSI_NS}}}noNamespaceSchemaLocation", QUALIFIEDDC_SCHEMA_LOCATION)
    for namespace, name, text, xsi_type in _entries(record, flavour):
        element = etree.SubElement(root, f"{{{namespace}}}{name}")
        if xsi_type:
            element.set(_XSI_TYPE, xsi_type)
        element.text = text
    return root


def dumps(record: ArchivalRecord, flavour: str = "oai_dc") -> str:
    """Write a record as Dublin Core XML of ``flavour`` (``oai_dc`` or ``dcterms``)."""
    from lxml import etree

    root = to_element(record, flavour)
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data.decode("utf-8").replace("<?xml version='1.0' encoding='UTF-8'?>", _DECLARATION)


_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'


def dump(record: ArchivalRecord, target: PathOrFile, flavour: str = "oai_dc") -> None:
    write_text(target, dumps(record, flavour=flavour))
