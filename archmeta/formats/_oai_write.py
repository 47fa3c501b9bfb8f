"""Writing OAI-PMH ``ListRecords`` responses (see :mod:`archmeta.formats.oaipmh`)."""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import quote

from ..errors import UsageError
from ..model import ArchivalRecord
from .codec import CollectionItem
from .dc import OAI_NS, XSI_NS, to_element

if TYPE_CHECKING:
    from lxml import etree

__all__ = ["write_list_records"]

_RECORD = f"{{{OAI_NS}}}record"
_HEADER = f"{{{OAI_NS}}}header"
_METADATA = f"{{{OAI_NS}}}metadata"
OAI_PMH_SCHEMA_LOCATION = f"{OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"


_SET_SPEC = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(?::[A-Za-z0-9\-_.!~*'()]+)*")
_UTC_DATESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}Z)?")


def _oai_identifier(record: ArchivalRecord, repository: str, index: int) -> str:
    local = record.identifier or record.url or f"record-{index}"
    return f"oai:{repository}:{quote(local, safe=':/@!$&()*+,;=-._~')}"


def _utc_now() -> str:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_list_records(
    items_or_records: Iterable[CollectionItem | ArchivalRecord],
    file: str | os.PathLike[str] | IO[bytes],
    *,
    flavour: str = "oai_dc",
    base_url: str = "https://example.org/oai",
    response_date: str | None = None,
    repository: str = "archmeta",
) -> int:
    """Write records as an OAI-PMH ``ListRecords`` response; returns how many were written.

    ``file`` is a path or a binary file. ``base_url`` is the ``<request>`` address: the default
    is a placeholder (example.org), so pass the repository's own address. ``response_date``
    (``YYYY-MM-DDThh:mm:ssZ``, default now) is also the datestamp of plain records and of items
    without one. Items that hold no
    record and are not deleted are skipped; with nothing to write, the response is the
    ``noRecordsMatch`` error the protocol prescribes.
    """

    if flavour != "oai_dc":
        raise UsageError(
            "OAI-PMH responses are written with oai_dc metadata only (the dcterms flavour's "
            "qualifieddc container has no namespace, which OAI-PMH metadata requires)"
        )
    response_date = response_date or _utc_now()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", response_date):
        raise UsageError(f"response_date must be YYYY-MM-DDThh:mm:ssZ, not {response_date!r}")

    def entries() -> Iterator[tuple[str, str, bool, ArchivalRecord | None, list[str]]]:
        for index, item in enumerate(items_or_records, 1):
            if isinstance(item, ArchivalRecord) and item.provenance is not None:
                # A harvested record is published again under the header it came with.
                p = item.provenance
                yield p.oai_identifier, p.datestamp, False, item, list(p.set_specs)
            elif isinstance(item, ArchivalRecord):
                yield _oai_identifier(item, repository, index), response_date, False, item, []
            elif item.deleted or item.record is not None:
                identifier = item.oai_identifier
                if not identifier:
                    if item.record is None:
                        continue
                    identifier = _oai_identifier(item.record, repository, index)
                datestamp = item.datestamp
                if not datestamp or not _UTC_DATESTAMP.fullmatch(datestamp):
                    datestamp = response_date
                yield identifier, datestamp, item.deleted, item.record, item.set_specs

    stream = entries()
    first = next(stream, None)
    count = 0
    from ._io import binary_target

    # A path is written atomically: an error part way (a bad record) leaves no partial file.
    with binary_target(file) as handle:
        head = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<OAI-PMH xmlns="{OAI_NS}" xmlns:xsi="{XSI_NS}" '
            f'xsi:schemaLocation="{OAI_PMH_SCHEMA_LOCATION}">\n'
            f"  {_fragment(_leaf('responseDate', response_date))}\n"
            "  "
            + _fragment(
                _leaf("request", base_url, {"verb": "ListRecords", "metadataPrefix": flavour})
            )
            + "\n"
        )
        handle.write(head.encode("utf-8"))
        if first is None:
            error = _leaf("error", "No records match the request.", {"code": "noRecordsMatch"})
            handle.write(f"  {_fragment(error)}\n".encode())
        else:
            handle.write(b"  <ListRecords>\n")
            for entry in _chain(first, stream):
                element = _record_element(*entry, flavour=flavour)
                handle.write(b"    " + _fragment(element).encode("utf-8") + b"\n")
                count += 1
            handle.write(b"  </ListRecords>\n")
        handle.write(b"</OAI-PMH>\n")
    return count


_DEFAULT_NS_DECLARATION = f' xmlns="{OAI_NS}"'


def _fragment(element: etree._Element) -> str:
    """An element in the OAI namespace serialized for writing inside ``OAI-PMH``, without the
    default namespace declaration the enclosing element already makes."""
    from lxml import etree

    text: str = etree.tostring(element, encoding="unicode")
    start = text.index(">")
    return text[:start].replace(_DEFAULT_NS_DECLARATION, "", 1) + text[start:]


def _chain(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest


def _leaf(name: str, text: str, attrib: dict[str, str] | None = None) -> etree._Element:
    from lxml import etree

    element = etree.Element(f"{{{OAI_NS}}}{name}", attrib=attrib or {}, nsmap={None: OAI_NS})
    element.text = text
    return element


def _record_element(
    identifier: str,
    datestamp: str,
    deleted: bool,
    record: ArchivalRecord | None,
    set_specs: list[str],
    *,
    flavour: str,
) -> etree._Element:
    from lxml import etree

    record_el = etree.Element(_RECORD, nsmap={None: OAI_NS})
    header = etree.SubElement(record_el, _HEADER)
    if deleted:
        header.set("status", "deleted")
    etree.SubElement(header, f"{{{OAI_NS}}}identifier").text = identifier
    etree.SubElement(header, f"{{{OAI_NS}}}datestamp").text = datestamp
    for spec in (s for s in set_specs if _SET_SPEC.fullmatch(s)):
        etree.SubElement(header, f"{{{OAI_NS}}}setSpec").text = spec
    if not deleted and record is not None:
        metadata = etree.SubElement(record_el, _METADATA)
        metadata.append(to_element(record, flavour))
    etree.indent(record_el, space="  ", level=2)
    return record_el
