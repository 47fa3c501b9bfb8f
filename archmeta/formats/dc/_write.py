"""Writing Dublin Core: a record as ``oai_dc:dc`` or DCMI's ``qualifieddc``."""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from ...mapping import DcCell
from ...model import ArchivalRecord, Language
from .._io import PathOrFile, write_text
from ._common import (
    _XS_LANGUAGE,
    _XSI_TYPE,
    CELLS,
    DC_NS,
    DCMI_TYPE_TYPE,
    DCMI_TYPES,
    DCTERMS_NS,
    OAI_DC_NS,
    OAI_DC_SCHEMA_LOCATION,
    QUALIFIEDDC,
    QUALIFIEDDC_SCHEMA_LOCATION,
    URI_TYPE,
    W3CDTF_TYPE,
    XSI_NS,
    _check_flavour,
    _language_value,
    is_w3cdtf,
    paired_date,
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


# (text, xsi:type) of each element a field is written as; an empty text is not written.
_Values = list[tuple[str | None, str | None]]


def _date_values(record: ArchivalRecord, cell: DcCell, flavour: str) -> _Values:
    """The date's text; beside it the EDTF value typed W3CDTF where the cell has that scheme
    and W3CDTF can carry the value (one typed element when the two are the same)."""
    if record.date is None:
        return []
    text, edtf = record.date.text, record.date.edtf
    if W3CDTF_TYPE not in cell.xsi_types:
        return [(edtf, None), (text, None)] if edtf and paired_date(text, edtf) else [(text, None)]
    if edtf is None or not is_w3cdtf(edtf):
        return [(text, None)]
    if text == edtf:
        return [(text, W3CDTF_TYPE)]
    return [(text, None), (edtf, W3CDTF_TYPE)]


def _type_values(record: ArchivalRecord, cell: DcCell, flavour: str) -> _Values:
    typed = DCMI_TYPE_TYPE in cell.xsi_types and record.type in DCMI_TYPES
    return [(record.type, DCMI_TYPE_TYPE if typed else None)]


def _url_values(record: ArchivalRecord, cell: DcCell, flavour: str) -> _Values:
    return [(record.url, URI_TYPE if URI_TYPE in cell.xsi_types else None)]


def _language_values(record: ArchivalRecord, cell: DcCell, flavour: str) -> _Values:
    values: _Values = []
    for language in record.languages:
        scheme = _language_scheme(language)
        xsi_type = f"dcterms:{scheme}" if scheme else None  # RFC4646_TYPE for every model code
        values.append(
            (_language_value(language, flavour), xsi_type if xsi_type in cell.xsi_types else None)
        )
    return values


# Fields whose values are changed on the way out; every other field is written as it is.
_ValuesOf = Callable[[ArchivalRecord, DcCell, str], _Values]
_VALUES_OF: dict[str, _ValuesOf] = {
    "date": _date_values,
    "type": _type_values,
    "url": _url_values,
    "languages": _language_values,
}
# Per flavour, in the written order (the flavour's column of the mapping table): each field,
# its element's qualified tag, and the function of its values when they are changed on the
# way out (None: the field's value or values are written as they are). Computed once, so
# writing a record is one loop over the fields with no lookups per field.
_PLAN: dict[str, list[tuple[str, str, DcCell, _ValuesOf | None]]] = {
    flavour: [
        (
            name,
            f"{{{DC_NS if flavour == 'oai_dc' else DCTERMS_NS}}}{cell.element}",
            cell,
            _VALUES_OF.get(name),
        )
        for name, cell in CELLS[flavour].items()
    ]
    for flavour in CELLS
}


@cache
def _container(flavour: str) -> etree._Element:
    """The empty container of a flavour's documents (never handed out: it is copied)."""
    from lxml import etree

    if flavour == "oai_dc":
        nsmap = {"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS}
        root = etree.Element(f"{{{OAI_DC_NS}}}dc", nsmap=nsmap)
        root.set(f"{{{XSI_NS}}}schemaLocation", OAI_DC_SCHEMA_LOCATION)
    else:
        nsmap = {"dcterms": DCTERMS_NS, "xsi": XSI_NS}
        root = etree.Element(QUALIFIEDDC, nsmap=nsmap)
        root.set(f"{{{XSI_NS}}}noNamespaceSchemaLocation", QUALIFIEDDC_SCHEMA_LOCATION)
    return root


def to_element(record: ArchivalRecord, flavour: str = "oai_dc") -> etree._Element:
    """The record as a Dublin Core element tree (``oai_dc:dc`` or ``qualifieddc``)."""
    from lxml import etree

    _check_flavour(flavour)
    # A copy of the flavour's empty container (namespaces, schema location): making it anew
    # with its namespace map cost four times as much.
    root = copy.copy(_container(flavour))
    sub = etree.SubElement
    for name, tag, cell, values_of in _PLAN[flavour]:
        if values_of is not None:
            for text, xsi_type in values_of(record, cell, flavour):
                if text:
                    sub(root, tag, {_XSI_TYPE: xsi_type} if xsi_type else None).text = text
            continue
        value = getattr(record, name)
        if value.__class__ is list:
            for item in value:
                if item:
                    sub(root, tag).text = item
        elif value:
            sub(root, tag).text = value
    return root


def dumps(record: ArchivalRecord, flavour: str = "oai_dc") -> str:
    """Write a record as Dublin Core XML of ``flavour`` (``oai_dc`` or ``dcterms``)."""
    from lxml import etree

    # Serialised to a str and the declaration put in front: lxml writes its own declaration
    # with single quotes, and encoding then decoding the whole document cost a tenth of writing.
    text: str = etree.tostring(to_element(record, flavour), encoding="unicode", pretty_print=True)
    return _DECLARATION + text


_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def dump(record: ArchivalRecord, target: PathOrFile, flavour: str = "oai_dc") -> None:
    write_text(target, dumps(record, flavour=flavour))
