"""Writing a record as a DSpace Simple Archive Format item folder."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from ...model import ArchivalRecord
from .._flat import flatten
from ._common import COLUMN, TEI_FILE, TEXT_FILE


def metadata_file(schema: str, pairs: Sequence[tuple[str, str]]) -> str:
    """One ``dublin_core.xml``/``metadata_<schema>.xml`` document of ``schema.element[.q]``
    pairs. ``qualifier="none"`` is written for an unqualified field, as DSpace's exporter does.
    The value is the element's only child, a text node: DSpace reads only the first child and
    only when it is text (so no CDATA, no comment)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f"<dublin_core schema={quoteattr(schema)}>"]
    for key, value in pairs:
        _, element, *qualifier = key.split(".")
        lines.append(
            f"  <dcvalue element={quoteattr(element)} "
            f"qualifier={quoteattr(qualifier[0] if qualifier else 'none')}>"
            f"{escape(value)}</dcvalue>"
        )
    lines.append("</dublin_core>")
    return "\n".join(lines) + "\n"


def contents_file() -> str:
    """The ``contents`` file: one bitstream a line, options after TABs (DSpace's syntax)."""
    return (
        f"{TEXT_FILE}\tbundle:ORIGINAL\tdescription:The record as plain text (archmeta)\n"
        f"{TEI_FILE}\tbundle:ORIGINAL\tdescription:The record in TEI P5 (archmeta)\n"
    )


def item_files(record: ArchivalRecord, collections: Sequence[str] = ()) -> dict[str, bytes]:
    """Every file of the record's item folder."""
    from .. import tei, text

    by_schema: dict[str, list[tuple[str, str]]] = {}
    for key, value in flatten(record, COLUMN):
        by_schema.setdefault(key.split(".", 1)[0], []).append((key, value))
    files = {"dublin_core.xml": metadata_file("dc", by_schema.pop("dc", []))}
    for schema, pairs in by_schema.items():
        files[f"metadata_{schema}.xml"] = metadata_file(schema, pairs)
    out = {name: content.encode("utf-8") for name, content in files.items()}
    out[TEXT_FILE] = text.dumps(record).encode("utf-8")
    out[TEI_FILE] = tei.dumps(record).encode("utf-8")
    out["contents"] = contents_file().encode("utf-8")
    if collections:
        # DSpace reads each line as it is (no trimming, a blank line fails the item).
        out["collections"] = ("\n".join(collections) + "\n").encode("utf-8")
    return out
