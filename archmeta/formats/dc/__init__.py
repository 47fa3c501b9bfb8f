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

What each flavour keeps is given by :func:`project` (and the table in ``archmeta.mapping``):
``loads(dumps(r, flavour=f), flavour=f) == project(r, f)`` for every valid record.

Reading is tolerant of what repositories publish: either flavour's reader accepts elements of
both namespaces, any order, repeated and empty elements, ``xml:lang``, free-text dates and
languages written as names or codes. Elements it cannot map (other namespaces, unmapped DCMI
terms, extra dates) are reported as warnings by :func:`read`; a document without any title is an
error. OAI-PMH responses are read as a stream by :mod:`archmeta.formats.oaipmh`.

The package: ``_common`` (names and value conversions), ``_write``, ``_read``, ``_project``
(what survives each flavour); this module keeps the public API, the schemas and the codecs.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from ...errors import Issue, ParseError, ValidationError
from ...model import ArchivalRecord
from .._sniff import xml_root
from ..codec import Codec, CollectionItem, Decoded, Readable, failed
from ._common import (
    DC_NS,
    DCMI_TYPES,
    DCTERMS_NS,
    FLAVOURS,
    NSMAP,
    OAI_DC_NS,
    OAI_NS,
    QUALIFIEDDC,
    XSI_NS,
    Flavour,
    _check_flavour,
    _local,
    is_w3cdtf,
)
from ._common import OAI_DC_SCHEMA_LOCATION as OAI_DC_SCHEMA_LOCATION
from ._common import QUALIFIEDDC_SCHEMA_LOCATION as QUALIFIEDDC_SCHEMA_LOCATION
from ._common import RDF_NS as RDF_NS
from ._common import XML_NS as XML_NS
from ._project import UNREAD_FIELDS, lost, project
from ._read import find_container, from_element, load, loads, read
from ._write import dump, dumps, to_element

if TYPE_CHECKING:
    from lxml import etree

__all__ = [
    "DCMI_TYPES",
    "DCTERMS_NS",
    "DC_NS",
    "FLAVOURS",
    "NSMAP",
    "OAI_DC_NS",
    "OAI_NS",
    "UNREAD_FIELDS",
    "XSI_NS",
    "DublinCoreCodec",
    "dcterms",
    "dump",
    "dumps",
    "find_container",
    "from_element",
    "is_w3cdtf",
    "load",
    "loads",
    "lost",
    "oai_dc",
    "project",
    "read",
    "schema_issues",
    "to_element",
    "xml_schema",
]

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

    from ...schema import schema_path

    name = SCHEMA_FILES.get(flavour) or f"archmeta-{flavour}.xsd"
    return etree.XMLSchema(etree.parse(str(schema_path(name))))


def schema_issues(
    text: str | bytes, source: str | None = None, flavour: str = "oai_dc"
) -> list[Issue]:
    """Every problem of a document against archmeta's XSD for ``flavour``, with line/column."""
    from ...xmlsafe import parse_xml

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
        places: dict[str, tuple[int, str]] = {}
        try:
            record, issues = read(data, source, flavour=self.flavour, places=places)
        except (ParseError, ValidationError) as exc:
            return failed(exc)
        lines = {name: line for name, (line, _) in places.items()}
        return Decoded(record, issues, lines, xpaths={k: x for k, (_, x) in places.items()})

    def write(self, record: ArchivalRecord) -> str:
        return dumps(record, flavour=self.flavour)

    def project(self, record: ArchivalRecord) -> ArchivalRecord:
        return project(record, self.flavour)

    def lost(self, record: ArchivalRecord) -> list[str]:
        # The same answer as comparing with project()'s record, without building it.
        return lost(record, self.flavour)

    def schema_issues(
        self, data: str | bytes, source: str | None = None, schema: str | None = None
    ) -> list[Issue]:
        if schema is not None:
            from ...xmlsafe import schema_file_issues

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
        max_bytes: int = 0,
    ) -> Iterator[CollectionItem]:
        from ..oaipmh import iter_records

        return iter_records(
            source, source_name, numbers=numbers, headers_only=headers_only, max_bytes=max_bytes
        )


oai_dc = DublinCoreCodec("oai_dc")
dcterms = DublinCoreCodec("dcterms")
