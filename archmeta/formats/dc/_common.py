"""What reading, writing and the projection of Dublin Core share: names, namespaces and the
small value conversions each of them needs."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from ...dates import is_valid_edtf  # loaded with the model anyway
from ...errors import UsageError
from ...mapping import MAPPING, DcCell
from ...model import EDTF_PATTERN, ArchivalRecord, Language

Flavour = Literal["oai_dc", "dcterms"]
FLAVOURS: tuple[str, ...] = ("oai_dc", "dcterms")

DC_NS = "http://purl.org/dc/elements/1.1/"
DCTERMS_NS = "http://purl.org/dc/terms/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_NS = "http://www.openarchives.org/OAI/2.0/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS = "http://www.w3.org/XML/1998/namespace"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

NSMAP: dict[str, str] = {"dc": DC_NS, "dcterms": DCTERMS_NS, "oai_dc": OAI_DC_NS, "xsi": XSI_NS}
"""The fixed prefixes archmeta writes."""

OAI_DC_SCHEMA_LOCATION = f"{OAI_DC_NS} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
QUALIFIEDDC_SCHEMA_LOCATION = "http://dublincore.org/schemas/xmls/qdc/2008/02/11/qualifieddc.xsd"
QUALIFIEDDC = "qualifieddc"

# The DCMI encoding schemes archmeta writes (the mapping table names them per field).
URI_TYPE = "dcterms:URI"
W3CDTF_TYPE = "dcterms:W3CDTF"
DCMI_TYPE_TYPE = "dcterms:DCMIType"
RFC4646_TYPE = "dcterms:RFC4646"

DCMI_TYPES = frozenset(
    "Collection Dataset Event Image InteractiveResource MovingImage PhysicalObject Service "
    "Software Sound StillImage Text".split()
)

_XSI_TYPE = f"{{{XSI_NS}}}type"

# xs:gYear, xs:gYearMonth, xs:date, xs:dateTime as W3CDTF (year 0000 is not an XSD 1.0 year).
_W3CDTF = re.compile(
    r"(?!0000)\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01])"
    r"(?:T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)?)?)?)?"
)
_EDTF = re.compile(EDTF_PATTERN)
# The model's URL pattern, restricted to web addresses for guessing among flat dc:identifiers.
_WEB_URL = re.compile(r"https?://[^\s<>\"]+")
_ABSOLUTE_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"]+")
# xs:language, which the RFC4646 encoding scheme is restricted to.
_XS_LANGUAGE = re.compile(r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*")


def _check_flavour(flavour: str) -> None:
    if flavour not in FLAVOURS:
        raise UsageError(f"unknown Dublin Core flavour {flavour!r}; use one of {FLAVOURS}")


def is_w3cdtf(value: str) -> bool:
    """Whether ``value`` is a W3CDTF date as DCMI's 2008 schema types it (gYear ... dateTime)."""
    import calendar

    if not _W3CDTF.fullmatch(value):
        return False
    if len(value) >= 10:
        year, month, day = int(value[:4]), int(value[5:7]), int(value[8:10])
        if day > calendar.monthrange(year, month)[1]:
            return False
    return True


def is_edtf(value: str) -> bool:
    """Whether ``value`` is an EDTF value the model holds (W3CDTF dates are among them)."""
    return _EDTF.fullmatch(value) is not None and is_valid_edtf(value)


def paired_date(text: str, edtf: str | None) -> bool:
    """Whether an untyped flavour (oai_dc) writes the date as two ``dc:date`` elements: the
    normalised value first (what harvesters expect: W3CDTF, or EDTF beyond it), then the date
    as written. Only when the text is not itself a date value, so that a reader can tell the
    two apart; otherwise the text alone is written and its EDTF value recomputed on reading."""
    return edtf is not None and text != edtf and not is_edtf(text)


def _language_value(language: Language, flavour: str = "oai_dc") -> str:
    """The one string a language is written as.

    Where the flavour's column types languages (``dcterms``: ``RFC4646``) the code, else the
    name; elsewhere (``oai_dc``) the name when it resolves to the code (so both come back),
    else the code.
    """
    from ...languages import resolve_language

    if language.code is None:
        return language.name
    typed = RFC4646_TYPE in CELLS[flavour]["languages"].xsi_types
    if not typed and resolve_language(language.name) == language.code:
        return language.name
    return language.code


def _identifier_values(record: ArchivalRecord, flavour: str) -> list[str]:
    """The identifier values in the order they are written (the URL apart in dcterms)."""
    values = [record.identifier] if record.identifier else []
    if flavour == "oai_dc" and record.url:
        values.append(record.url)
    return values + list(record.identifiers)


def _split_identifiers(
    values: list[str], url: str | None
) -> tuple[str | None, str | None, list[str]]:
    """(identifier, url, identifiers) from identifier values read in document order."""
    return (values[0] if values else None), url, values[1:]


def _guess_url(values: list[str]) -> tuple[str | None, list[str]]:
    """The first web address among flat dc:identifier values, and the other values."""
    for index, value in enumerate(values):
        if _WEB_URL.fullmatch(value):
            return value, values[:index] + values[index + 1 :]
    return None, values


def _as_line(text: str) -> str:
    """A Line from element text: ends stripped, line breaks (with their indentation) to spaces."""
    if "\n" in text or "\r" in text:
        parts = [p.strip() for p in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        return " ".join(p for p in parts if p)
    return text.strip()


def _as_paragraph(text: str) -> str:
    """A Paragraph from element text: each line stripped, blank lines dropped."""
    if "\n" not in text and "\r" not in text:
        return text.strip()  # one line (most values): nothing to split
    parts = [p.strip() for p in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(p for p in parts if p)


def _local(tag: object) -> tuple[str, str]:
    """(namespace, local name) of an element's tag; ("", "") for a comment's or a PI's."""
    if not isinstance(tag, str):
        return "", ""
    return _split_tag(tag)


@lru_cache(maxsize=256)
def _split_tag(tag: str) -> tuple[str, str]:
    # Cached: a document repeats a few tags thousands of times, and each split would otherwise
    # keep two new strings per element for as long as the values read from it.
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


# ---------------------------------------------------------------------------------------------
# The flavours' columns of the mapping table (archmeta.mapping)
# ---------------------------------------------------------------------------------------------


def _column(flavour: str) -> dict[str, DcCell]:
    """The fields a flavour writes, each with its cell, in the order they are written."""
    cells = [
        (name, cell) for name, cell in MAPPING.cells(flavour).items() if isinstance(cell, DcCell)
    ]
    return dict(sorted(cells, key=lambda item: item[1].order))


CELLS: dict[str, dict[str, DcCell]] = {flavour: _column(flavour) for flavour in FLAVOURS}
"""Per flavour: the fields it writes and where (its column of the mapping table)."""


def _field_of_elements(flavour: str) -> dict[str, str]:
    """Element local name -> the field a reader puts its values in, for one flavour's column.

    An element several fields are written to (``dc:description``: the summary, then the notes)
    belongs to the first of them in model order whose values come back as themselves; the code
    that reads that field splits the values. Refinements belong to the field that lists them.
    """
    owners: dict[str, str] = {}
    for name, cell in MAPPING.cells(flavour).items():
        if not isinstance(cell, DcCell) or cell.read_back_as is not None:
            continue
        owners.setdefault(cell.element, name)
        for refinement in cell.refinements:
            owners.setdefault(refinement, name)
    return owners


FIELD_OF_ELEMENT: dict[str, dict[str, str]] = {
    DC_NS: _field_of_elements("oai_dc"),
    # DCMI terms also holds the 15 elements (dcterms:date, dcterms:coverage), read as in oai_dc.
    DCTERMS_NS: {**_field_of_elements("oai_dc"), **_field_of_elements("dcterms")},
}
"""Per namespace: element local name -> the field the reader takes its values into."""
