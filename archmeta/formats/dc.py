"""Records as Dublin Core: ``oai_dc`` (the 15 elements, OAI-PMH's container) and DCMI terms.

Two flavours, chosen with ``flavour=``:

``oai_dc``
    ``<oai_dc:dc>`` holding elements of ``http://purl.org/dc/elements/1.1/`` in the order of the
    oai_dc schema (title, creator, subject, description, publisher, contributor, date, type,
    format, identifier, source, language, relation, coverage, rights); valid against the official
    ``oai_dc.xsd`` and against ``schemas/archmeta-oai_dc.xsd``.
``dcterms``
    DCMI's qualified DC container ``<qualifieddc>`` (no namespace, as DCMI's ``qualifieddc.xsd``
    declares it) holding elements of ``http://purl.org/dc/terms/`` with the refinements that fit
    (``alternative``, ``abstract``, ``tableOfContents``, ``created``, ``bibliographicCitation``,
    ``isPartOf``, ``spatial``) and DCMI encoding schemes in ``xsi:type`` where DCMI's 2008-02-11
    schemas define them (``W3CDTF``, ``URI``, ``RFC4646``, ``ISO639-2``, ``ISO639-3``,
    ``DCMIType``); valid against the official ``qualifieddc.xsd`` (2008) and
    ``schemas/archmeta-dcterms.xsd``.

Namespace prefixes are fixed: ``dc``, ``dcterms``, ``oai_dc``, ``xsi``. Output is deterministic
and pretty-printed, with an XML declaration.

What each flavour keeps is given by :func:`project` (and the table in ``archmeta.crosswalk``):
``loads(dumps(r, flavour=f), flavour=f) == project(r, f)`` for every valid record.

Reading is tolerant of what repositories publish: either flavour's reader accepts elements of
both namespaces, any order, repeated and empty elements, ``xml:lang``, free-text dates and
languages written as names or codes. Elements it cannot map (other namespaces, unmapped DCMI
terms, extra dates) are reported as warnings by :func:`read`; a document without any title is an
error. OAI-PMH responses are read as a stream by :mod:`archmeta.formats.oaipmh`.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from ..errors import Issue, ParseError, UsageError, ValidationError
from ..model import ArchivalDate, ArchivalRecord, Language
from ._io import PathOrFile, read_bytes, source_name, write_text
from ._sniff import xml_root
from .codec import Codec, CollectionItem, Decoded, Readable, failed

if TYPE_CHECKING:
    from lxml import etree

__all__ = [
    "DCTERMS_NS",
    "DC_NS",
    "FLAVOURS",
    "NSMAP",
    "OAI_DC_NS",
    "XSI_NS",
    "DublinCoreCodec",
    "dcterms",
    "dump",
    "dumps",
    "from_element",
    "load",
    "loads",
    "oai_dc",
    "project",
    "read",
    "schema_issues",
    "to_element",
]

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

DCMI_TYPES = frozenset(
    "Collection Dataset Event Image InteractiveResource MovingImage PhysicalObject Service "
    "Software Sound StillImage Text".split()
)

_XSI_TYPE = f"{{{XSI_NS}}}type"
_XML_LANG = f"{{{XML_NS}}}lang"

# xs:gYear, xs:gYearMonth, xs:date, xs:dateTime as W3CDTF (year 0000 is not an XSD 1.0 year).
_W3CDTF = re.compile(
    r"(?!0000)\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01])"
    r"(?:T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)?)?)?)?"
)
# The model's URL pattern, restricted to web addresses for guessing among flat dc:identifiers.
_WEB_URL = re.compile(r"https?://[^\s<>\"]+")
_ABSOLUTE_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"]+")
# xs:language, which the RFC4646 encoding scheme is restricted to.
_XS_LANGUAGE = re.compile(r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*")


def _check_flavour(flavour: str) -> None:
    if flavour not in FLAVOURS:
        raise UsageError(f"unknown Dublin Core flavour {flavour!r}; use one of {FLAVOURS}")


# ---------------------------------------------------------------------------------------------
# What survives: the projection
# ---------------------------------------------------------------------------------------------


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


def _language_value(language: Language, flavour: str = "oai_dc") -> str:
    """The one string a language is written as.

    In ``oai_dc`` the name when it resolves to the code (so both come back), else the code; in
    ``dcterms`` the code (typed ``RFC4646``), else the name.
    """
    from ..languages import resolve_language

    if language.code is None:
        return language.name
    if flavour == "oai_dc" and resolve_language(language.name) == language.code:
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


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def _as_line(text: str) -> str:
    """A Line from element text: ends stripped, line breaks (with their indentation) to spaces."""
    if "\n" in text or "\r" in text:
        parts = [p.strip() for p in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        return " ".join(p for p in parts if p)
    return text.strip()


def _as_paragraph(text: str) -> str:
    """A Paragraph from element text: each line stripped, blank lines dropped."""
    parts = [p.strip() for p in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(p for p in parts if p)


@dataclass
class _Value:
    text: str
    xsi_type: str | None
    line: int | None
    namespace: str
    name: str
    seq: int


@dataclass
class _Buckets:
    values: dict[str, list[_Value]] = field(default_factory=dict)

    def add(self, key: str, value: _Value) -> None:
        self.values.setdefault(key, []).append(value)

    def get(self, key: str) -> list[_Value]:
        return self.values.get(key, [])


# Element (namespace-independent local name for dc and dcterms) -> bucket.
_BUCKET_OF: dict[str, str] = {
    "title": "title",
    "alternative": "alternative",
    "creator": "creator",
    "subject": "subject",
    "description": "description",
    "abstract": "abstract",
    "tableOfContents": "contents",
    "publisher": "publisher",
    "contributor": "contributor",
    "date": "date",
    "created": "created",
    "issued": "date",
    "available": "date",
    "modified": "date",
    "valid": "date",
    "dateAccepted": "date",
    "dateCopyrighted": "date",
    "dateSubmitted": "date",
    "type": "type",
    "format": "format",
    "extent": "format",
    "medium": "format",
    "identifier": "identifier",
    "bibliographicCitation": "citation",
    "source": "source",
    "language": "language",
    "relation": "relation",
    "isVersionOf": "relation",
    "hasVersion": "relation",
    "isReplacedBy": "relation",
    "replaces": "relation",
    "isRequiredBy": "relation",
    "requires": "relation",
    "hasPart": "relation",
    "isReferencedBy": "relation",
    "references": "relation",
    "isFormatOf": "relation",
    "hasFormat": "relation",
    "conformsTo": "relation",
    "isPartOf": "collection",
    "coverage": "coverage",
    "spatial": "coverage",
    "rights": "rights",
    "accessRights": "rights",
    "license": "rights",
}
_DC_ELEMENTS = frozenset(
    "title creator subject description publisher contributor date type format identifier "
    "source language relation coverage rights".split()
)


def _local(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _xsi_type_local(element: etree._Element) -> str | None:
    """The local name of an ``xsi:type`` in the DCMI terms namespace (``W3CDTF``), if any."""
    value = element.get(_XSI_TYPE)
    if not value:
        return None
    prefix, _, name = value.strip().rpartition(":")
    namespace = element.nsmap.get(prefix or None) if prefix else element.nsmap.get(None)
    if namespace == DCTERMS_NS or (namespace is None and prefix == "dcterms"):
        return name
    return f"{{{namespace}}}{name}" if namespace else name


def _holds_dc(element: etree._Element) -> bool:
    return any(
        isinstance(child.tag, str) and _local(child.tag)[0] in (DC_NS, DCTERMS_NS)
        for child in element
    )


def find_container(root: etree._Element) -> etree._Element | None:
    """The element holding the DC elements: the root itself, the metadata of the first
    record of an OAI-PMH response, or else the first element that holds Dublin Core elements
    (``rdf:RDF/rdf:Description``, a wrapper around ``oai_dc:dc``)."""
    namespace, name = _local(root.tag)
    if namespace == OAI_NS:
        for metadata in root.iter(f"{{{OAI_NS}}}metadata"):
            for child in metadata:
                if isinstance(child.tag, str):
                    return child
        return None
    if namespace == OAI_NS and name == "metadata":  # pragma: no cover - covered above
        return None
    if _holds_dc(root):
        return root
    return next((e for e in root.iter() if isinstance(e.tag, str) and _holds_dc(e)), root)


def from_element(
    container: etree._Element, source: str | None = None
) -> tuple[ArchivalRecord | None, list[Issue]]:
    """Read the DC elements under ``container`` (either flavour, tolerant of real records).

    Returns the record (None when it cannot be built) and every issue: warnings for what was
    not kept, errors for what stopped the record being built.
    """
    issues: list[Issue] = []
    buckets = _Buckets()

    def warn(message: str, line: int | None, rule: str) -> None:
        issues.append(
            Issue(message=message, rule=rule, severity="warning", line=line, source=source)
        )

    container_ns = _local(container.tag)[0]
    in_oai_dc = container_ns == OAI_DC_NS
    for seq, child in enumerate(container):
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
        namespace, name = _local(child.tag)
        line = child.sourceline
        if namespace not in (DC_NS, DCTERMS_NS):
            warn(
                f"element {child.tag} is not Dublin Core; ignored",
                line,
                "unknown-element",
            )
            continue
        bucket = _BUCKET_OF.get(name)
        if bucket is None or (namespace == DC_NS and name not in _DC_ELEMENTS):
            warn(
                f"Dublin Core element {child.tag} has no archmeta field; ignored",
                line,
                "unknown-element",
            )
            continue
        if in_oai_dc and namespace != DC_NS:
            warn(
                f"element {child.tag} is not one of the 15 elements oai_dc allows; read anyway",
                line,
                "dc-not-oai_dc",
            )
        text = "".join(child.itertext())
        if not text.strip():
            resource = child.get(f"{{{RDF_NS}}}resource")
            if resource and resource.strip():
                text = resource
            else:
                continue  # empty elements carry nothing
        if len(child):
            warn(f"child elements of {child.tag} were read as text", line, "dc-mixed-content")
        if namespace == DC_NS and bucket == "description":
            bucket = "dc-description"
        if namespace == DC_NS and bucket == "identifier":
            bucket = "dc-identifier"
        buckets.add(bucket, _Value(text, _xsi_type_local(child), line, namespace, name, seq))

    data: dict[str, Any] = {}

    def lines_of(*keys: str) -> list[str]:
        out = []
        for key in keys:
            out.extend(_as_line(v.text) for v in buckets.get(key))
        return [v for v in out if v]

    def first_line(key: str, field_name: str) -> str | None:
        # Each value with its own line (looking the line up by text took quadratic time).
        read = [(_as_line(v.text), v.line) for v in buckets.get(key)]
        values = [(text, line) for text, line in read if text]
        for extra, line in values[1:]:
            if extra != values[0][0]:
                warn(
                    f"{field_name} holds one value; extra {extra!r} ignored",
                    line,
                    "dc-extra-value",
                )
        return values[0][0] if values else None

    # Titles.
    titles = lines_of("title")
    alternatives = lines_of("alternative")
    all_titles = titles + alternatives
    if not all_titles:
        issues.append(
            Issue(
                message="the record has no title (dc:title or dcterms:title)",
                rule="title-missing",
                line=container.sourceline,
                source=source,
            )
        )
        return None, issues
    data["title"] = all_titles[0]
    data["alternative_titles"] = all_titles[1:]

    data["date"] = _read_date(buckets, warn)
    data["type"] = _read_type(buckets, warn)
    citations = [_as_paragraph(v.text) for v in buckets.get("citation")]
    data["citation"] = "\n".join(c for c in citations if c) or None
    data["publisher"] = first_line("publisher", "publisher")
    data["source"] = first_line("source", "source")

    # Descriptions: dcterms:abstract is the summary; failing that the first dc:description.
    abstracts = [_as_paragraph(v.text) for v in buckets.get("abstract")]
    abstracts = [a for a in abstracts if a]
    dc_descriptions = [_as_paragraph(v.text) for v in buckets.get("dc-description")]
    dc_descriptions = [d for d in dc_descriptions if d]
    if abstracts:
        summary: str | None = abstracts[0]
        notes = [_as_line(a) for a in abstracts[1:]] + [_as_line(d) for d in dc_descriptions]
    else:
        summary = dc_descriptions[0] if dc_descriptions else None
        notes = [_as_line(d) for d in dc_descriptions[1:]]
    notes += lines_of("description")
    data["summary"] = summary
    data["notes"] = notes
    data["contents"] = lines_of("contents")
    data["creators"] = lines_of("creator")
    data["contributors"] = lines_of("contributor")
    data["subjects"] = lines_of("subject")
    data["places"] = lines_of("coverage")
    rights = [_as_paragraph(v.text) for v in buckets.get("rights")]
    data["rights"] = "\n".join(r for r in rights if r) or None
    data["relations"] = lines_of("relation")
    data["collections"] = lines_of("collection")
    data["formats"] = lines_of("format")
    data["languages"] = _read_languages(buckets, warn)

    # Identifiers: a dcterms URI-typed one is the URL; among flat dc:identifiers the first web
    # address is; the first other identifier is the record's own, the rest are identifiers.
    url = None
    values: list[tuple[str, str]] = []
    for value in sorted(
        buckets.get("identifier") + buckets.get("dc-identifier"), key=lambda v: v.seq
    ):
        text = _as_line(value.text)
        if url is None and value.xsi_type == "URI" and _ABSOLUTE_URI.fullmatch(text):
            url = text
            continue
        values.append((text, value.namespace))
    if url is None:
        for index, (text, namespace) in enumerate(values):
            if namespace == DC_NS and _WEB_URL.fullmatch(text):
                url = text
                del values[index]
                break
    data["identifier"], data["url"], data["identifiers"] = _split_identifiers(
        [text for text, _ in values if text], url
    )

    import pydantic

    try:
        record = ArchivalRecord(**data)
    except pydantic.ValidationError as exc:
        from ..errors import pydantic_issues

        issues.extend(pydantic_issues(exc, source))
        return None, issues
    issues.sort(key=lambda issue: issue.line or 0)
    return record, issues


def _read_date(buckets: _Buckets, warn: Any) -> ArchivalDate | None:
    """The date: ``dcterms:created`` first, else ``dc:date`` and the other dates.

    The first value without an ``xsi:type`` is the text; a ``W3CDTF``-typed value beside it
    (as archmeta writes) is its EDTF value. Further dates are warned about and ignored.
    """
    group = buckets.get("created") or buckets.get("date")
    others = buckets.get("date") if buckets.get("created") else []
    if not group:
        return None
    values = [(_as_line(v.text), v) for v in group]
    values = [(t, v) for t, v in values if t]
    if not values:
        return None
    plain = [(t, v) for t, v in values if v.xsi_type != "W3CDTF"]
    typed = [(t, v) for t, v in values if v.xsi_type == "W3CDTF"]
    text_value = plain[0] if plain else typed[0]
    text = text_value[0]
    used = [text_value[1]]
    from ..dates import is_valid_edtf

    if plain and typed and is_w3cdtf(typed[0][0]) and is_valid_edtf(typed[0][0]):
        edtf: str | None = typed[0][0]
        used.append(typed[0][1])
    elif not plain and is_w3cdtf(text) and is_valid_edtf(text):
        edtf = text  # one typed element: the text is its own EDTF value
    else:
        edtf = ArchivalDate.from_text(text).edtf
    for t, v in values:
        if any(v is u for u in used) or t == text:
            continue
        warn(f"extra date {t!r} ignored (the record keeps one date)", v.line, "dc-extra-date")
    for v in others:
        t = _as_line(v.text)
        if t and t != text:
            warn(f"extra date {t!r} ignored (the record keeps one date)", v.line, "dc-extra-date")
    return ArchivalDate(text=text, edtf=edtf)


def _read_type(buckets: _Buckets, warn: Any) -> str | None:
    values = [(_as_line(v.text), v) for v in buckets.get("type")]
    values = [(t, v) for t, v in values if t]
    if not values:
        return None
    plain = [(t, v) for t, v in values if v.xsi_type != "DCMIType"]
    chosen = (plain or values)[0]
    for t, v in values:
        if v is not chosen[1] and t != chosen[0]:
            warn(f"type holds one value; extra {t!r} ignored", v.line, "dc-extra-value")
    return chosen[0]


def _read_languages(buckets: _Buckets, warn: Any) -> list[Language]:
    languages: list[Language] = []
    for value in buckets.get("language"):
        for part in re.split(r"[;,]", value.text):
            name = _as_line(part)
            if not name:
                continue
            try:
                languages.append(Language.from_name(name))
            except ValueError:  # pragma: no cover - names are Lines without separators
                warn(f"language {name!r} cannot be read; ignored", value.line, "language-unknown")
    return languages


def read(
    text: str | bytes, source: str | None = None, flavour: str = "oai_dc"
) -> tuple[ArchivalRecord, list[Issue]]:
    """Read a Dublin Core document: the record and the warnings about what was not kept.

    Raises :class:`ParseError` for XML that is not well-formed and :class:`ValidationError`
    when no record can be built (no title).
    """
    from ..xmlsafe import parse_xml

    _check_flavour(flavour)
    root = parse_xml(text, source)
    container = find_container(root)
    if container is None:
        raise ValidationError(
            [
                Issue(
                    "the OAI-PMH response holds no record metadata",
                    rule="dc-no-record",
                    line=root.sourceline,
                    source=source,
                )
            ],
            source=source,
        )
    if _local(root.tag)[0] == OAI_NS:
        count = sum(1 for _ in root.iter(f"{{{OAI_NS}}}metadata"))
        extra_issue = (
            [
                Issue(
                    f"the OAI-PMH response holds {count} records; only the first was read "
                    "(archmeta.formats.oaipmh.iter_records reads them all)",
                    rule="dc-several-records",
                    severity="warning",
                    line=container.sourceline,
                    source=source,
                )
            ]
            if count > 1
            else []
        )
    else:
        extra_issue = []
    record, issues = from_element(container, source)
    issues = extra_issue + issues
    if record is None:
        raise ValidationError(issues, source=source)
    return record, issues


def loads(text: str | bytes, source: str | None = None, flavour: str = "oai_dc") -> ArchivalRecord:
    """Read a record from Dublin Core XML (either flavour; ``flavour`` names the expected one)."""
    return read(text, source=source, flavour=flavour)[0]


def load(target: PathOrFile, flavour: str = "oai_dc") -> ArchivalRecord:
    return loads(read_bytes(target), source=source_name(target), flavour=flavour)


# ---------------------------------------------------------------------------------------------
# Schemas
# ---------------------------------------------------------------------------------------------

SCHEMA_FILES: dict[str, str] = {
    "oai_dc": "archmeta-oai_dc.xsd",
    "dcterms": "archmeta-dcterms.xsd",
}


@lru_cache(maxsize=4)
def xml_schema(flavour: str) -> etree.XMLSchema:
    """The project's own XSD for ``flavour`` (``oai_dc``, ``dcterms`` or ``oai-pmh``)."""
    from lxml import etree

    from ..schema import schema_path

    name = SCHEMA_FILES.get(flavour) or f"archmeta-{flavour}.xsd"
    return etree.XMLSchema(etree.parse(str(schema_path(name))))


def schema_issues(
    text: str | bytes, source: str | None = None, flavour: str = "oai_dc"
) -> list[Issue]:
    """Every problem of a document against archmeta's XSD for ``flavour``, with line/column."""
    from ..xmlsafe import parse_xml

    _check_flavour(flavour)
    try:
        root = parse_xml(text, source)
    except ParseError as exc:
        return exc.issues
    schema = xml_schema(flavour)
    if _local(root.tag)[0] == OAI_NS:
        # An OAI-PMH response: check the metadata of each record against the flavour's schema.
        targets = [
            child
            for metadata in root.iter(f"{{{OAI_NS}}}metadata")
            for child in metadata
            if isinstance(child.tag, str)
        ]
    else:
        targets = [root]
    issues: list[Issue] = []
    for target in targets:
        if schema.validate(target if target is not root else root.getroottree()):
            continue
        issues.extend(
            Issue(
                message=error.message,
                rule="schema-invalid",
                line=error.line,
                column=error.column or None,
                source=source,
            )
            for error in schema.error_log
        )
    return issues


# ---------------------------------------------------------------------------------------------
# The codecs
# ---------------------------------------------------------------------------------------------

# A ListRecords or GetRecord response, or an OAI-PMH error response to such a request (a
# harvest that found nothing new is <error code="noRecordsMatch">: no records, not a failure).
_OAI_RESPONSE = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(?:ListRecords|GetRecord)[\s>]"
    rb"|<(?:[A-Za-z_][\w.-]*:)?request\s[^>]*verb\s*=\s*[\"'](?:ListRecords|GetRecord)[\"']"
)


def _root_flavour(head: bytes) -> str | None:
    """The flavour a document's root element says, if it is Dublin Core or OAI-PMH.

    A root archmeta does not know counts as Dublin Core only when it is in no namespace or a
    Dublin Core one and declares the Dublin Core namespaces itself (a bare record container);
    a document that merely mentions them (an XML catalog, say) is not taken for a record.
    """
    root = xml_root(head)
    if root is None:
        return None
    namespace, local, attributes = root
    if (namespace, local) in ((OAI_NS, "OAI-PMH"), (OAI_DC_NS, "dc")):
        return "oai_dc"
    if (namespace, local) == (None, QUALIFIEDDC):
        return "dcterms"
    if namespace in (None, DC_NS, DCTERMS_NS):
        if DCTERMS_NS in attributes:
            return "dcterms"
        if DC_NS in attributes:
            return "oai_dc"
    return None


class DublinCoreCodec(Codec):
    """Dublin Core XML of one flavour; OAI-PMH ``ListRecords``/``GetRecord`` responses are
    containers of its records."""

    media_type = "application/xml"
    takes_schema_file = True
    streams = True

    def __init__(self, flavour: Flavour) -> None:
        self.flavour: Flavour = flavour
        self.name = flavour
        self.extensions = (f".{flavour}.xml",)
        self.unavailable = UNREAD_FIELDS[flavour]
        self.description = (
            "Dublin Core for OAI-PMH (oai_dc: the 15 elements)"
            if flavour == "oai_dc"
            else "Qualified Dublin Core (DCMI terms in DCMI's qualifieddc container)"
        )

    def sniff(self, head: bytes) -> int:
        return 3 if _root_flavour(head) == self.flavour else 0

    def read(self, data: str | bytes, source: str | None = None) -> Decoded:
        try:
            record, issues = read(data, source, flavour=self.flavour)
        except (ParseError, ValidationError) as exc:
            return failed(exc)
        return Decoded(record, issues)

    def write(self, record: ArchivalRecord) -> str:
        return dumps(record, flavour=self.flavour)

    def project(self, record: ArchivalRecord) -> ArchivalRecord:
        return project(record, self.flavour)

    def schema_issues(
        self, data: str | bytes, source: str | None = None, schema: str | None = None
    ) -> list[Issue]:
        if schema is not None:
            from ..xmlsafe import schema_file_issues

            return schema_file_issues(data, schema, source)
        return schema_issues(data, source, flavour=self.flavour)

    def is_container(self, head: bytes) -> bool:
        return OAI_NS.encode() in head and _OAI_RESPONSE.search(head) is not None

    def iter_records(
        self,
        source: Readable,
        source_name: str | None = None,
        *,
        numbers: Container[int] | None = None,
        headers_only: bool = False,
    ) -> Iterator[CollectionItem]:
        from .oaipmh import iter_records

        return iter_records(source, source_name, numbers=numbers, headers_only=headers_only)


oai_dc = DublinCoreCodec("oai_dc")
dcterms = DublinCoreCodec("dcterms")
