"""Floors: the least work each measured path must do, written by hand for this benchmark.

A floor does the same job as archmeta on the same input, with no generality: it knows the
layout the corpus uses and does no error reporting. archmeta's time over the floor's, measured in
the same run, is the ratio the performance targets are stated in.

* Reads end in one model validation, because archmeta's readers return a validated record: the
  floor of a read is "parse + extract the fields + ``ArchivalRecord.model_validate`` once".
  The validation alone is reported as its own row, so parse-only ratios can be derived.
* XML writes rebuild the very tree archmeta wrote (same elements, attributes, text and tails)
  with ``SubElement`` from a flat list prepared beforehand, then serialise it.
* The text floor reads and writes the layout with ``str.split``, slicing and f-strings.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lxml import etree

from . import subject
from .layout import text_fields

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
TEI = "{http://www.tei-c.org/ns/1.0}"

# ---------------------------------------------------------------------------------------------
# Text layout


def text_read(data: bytes) -> subject.ArchivalRecord:
    """The text-read floor: the hand-written parse, then one model validation."""
    return subject.ArchivalRecord.model_validate(text_fields(data), strict=True)


def text_write(record: subject.ArchivalRecord) -> str:
    """The text-write floor: the layout with f-strings, for the sections the corpus uses."""
    date = record.date.text if record.date else ""
    out = [f"**{date}**  \n**{record.title}**"]
    if record.citation:
        out.append(f"**Citation:**\n\n{record.citation}  \n<{record.url}>")
    if record.summary:
        out.append(f"**Summary:**\n\n{record.summary}")
    if record.credits:
        out.append(f"**Credits:**\n\n{record.credits}")
    if record.original_languages:
        names = "\n".join(lang.name for lang in record.original_languages)
        out.append(f"**Original Language:**\n\n{names}")
    if record.contents:
        out.append("**Contents:**\n\n" + "\n".join(f"- {c}" for c in record.contents))
    out.extend(record.body)
    return "\n\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# JSON


def json_read(data: bytes) -> subject.ArchivalRecord:
    """The JSON-read floor: ``json.loads`` and one model validation."""
    return subject.ArchivalRecord.model_validate(json.loads(data), strict=True)


def json_write(record: subject.ArchivalRecord) -> str:
    """The JSON-write floor: pydantic's own serialiser, with archmeta's layout options."""
    return record.model_dump_json(indent=2, exclude_defaults=True)


# ---------------------------------------------------------------------------------------------
# XML


@dataclass(frozen=True)
class Recipe:
    """A written XML document flattened for rebuilding: what ``xml_write`` puts back together."""

    root_tag: str
    root_attrib: dict[str, str]
    nsmap: dict[str | None, str]
    root_text: str | None
    prolog: str  # processing instructions before the root, serialised
    # (parent index, tag, attributes, text, tail); index 0 is the root
    nodes: list[tuple[int, str, dict[str, str], str | None, str | None]]


def recipe(document: str) -> Recipe:
    """Flatten a document archmeta wrote, outside the timed region."""
    root = etree.fromstring(document.encode("utf-8"))
    index = {root: 0}
    nodes = []
    for element in root.iterdescendants():
        index[element] = len(index)
        nodes.append(
            (index[element.getparent()], element.tag, dict(element.attrib), element.text,
             element.tail)
        )  # fmt: skip
    prolog = ""
    sibling = root.getprevious()
    while sibling is not None:
        prolog = etree.tostring(sibling, encoding="unicode").strip() + "\n" + prolog
        sibling = sibling.getprevious()
    return Recipe(root.tag, dict(root.attrib), dict(root.nsmap), root.text, prolog, nodes)


def xml_write(plan: Recipe) -> str:
    """Build the tree with ``SubElement`` and serialise it: the floor of every XML writer."""
    root = etree.Element(plan.root_tag, plan.root_attrib, nsmap=plan.nsmap)
    root.text = plan.root_text
    built = [root]
    sub = etree.SubElement
    for parent, tag, attrib, text, tail in plan.nodes:
        element = sub(built[parent], tag, attrib)
        element.text = text
        element.tail = tail
        built.append(element)
    return XML_DECLARATION + plan.prolog + etree.tostring(root, encoding="unicode") + "\n"


_TEI_NS = {"t": TEI[1:-1]}
# One compiled XPath per field archmeta reads from TEI (the corpus' fields).
_TEI_FIELDS = {
    name: etree.XPath(path, namespaces=_TEI_NS)
    for name, path in {
        "title": "/t:TEI/t:teiHeader/t:fileDesc/t:titleStmt/t:title/text()",
        "funders": "/t:TEI/t:teiHeader/t:fileDesc/t:titleStmt/t:funder/text()",
        "translators": "/t:TEI/t:teiHeader/t:fileDesc/t:titleStmt/t:respStmt/t:name/text()",
        "publisher": "/t:TEI/t:teiHeader/t:fileDesc/t:publicationStmt/t:publisher/text()",
        "url": "/t:TEI/t:teiHeader/t:fileDesc/t:publicationStmt/t:idno/text()",
        "notes": "/t:TEI/t:teiHeader/t:fileDesc/t:notesStmt/t:note",
        "citation": "//t:sourceDesc/t:bibl[@type='citation']/text()",
        "source": "//t:sourceDesc/t:bibl[@type='original']/t:idno/text()",
        "languages": "//t:sourceDesc/t:bibl[@type='original']/t:textLang",
        "summary": "string(/t:TEI/t:teiHeader/t:profileDesc/t:abstract/t:p)",
        "date": "/t:TEI/t:teiHeader/t:profileDesc/t:creation/t:date",
        "body": "/t:TEI/t:text/t:body/t:div/t:p",
    }.items()
}
_PIECES = etree.XPath("descendant::text() | descendant::t:gap/@rend", namespaces=_TEI_NS)


def tei_fields(data: bytes) -> dict[str, Any]:
    """Parse TEI and pull out each field with XPath (marks back in brackets, roughly)."""
    root = etree.fromstring(data)
    fields = {name: path(root) for name, path in _TEI_FIELDS.items()}
    fields["notes"] = [(n.get("type"), n.text) for n in fields["notes"]]
    fields["languages"] = [(lang.get("mainLang"), lang.text) for lang in fields["languages"]]
    fields["date"] = [(d.text, dict(d.attrib)) for d in fields["date"]]
    fields["body"] = ["".join(_PIECES(p)) for p in fields["body"]]
    return fields


def dc_fields(data: bytes) -> dict[str, list[tuple[str | None, str | None]]]:
    """Parse Dublin Core (either container) and group each element's value by its name."""
    fields: dict[str, list[tuple[str | None, str | None]]] = {}
    for element in etree.fromstring(data):
        name = element.tag.rpartition("}")[2]
        xsi_type = element.get("{http://www.w3.org/2001/XMLSchema-instance}type")
        fields.setdefault(name, []).append((xsi_type, element.text))
    return fields


def xml_read(
    extract: Callable[[bytes], object], data: bytes, fields: dict[str, Any]
) -> subject.ArchivalRecord:
    """An XML read floor: parse and extract, then validate the record's fields once.

    XPath yields strings, not the model's shape; rather than hand-writing each crosswalk a
    second time, the validation step is charged with the record's own (pre-computed) fields.
    """
    extract(data)
    return subject.ArchivalRecord.model_validate(fields, strict=True)
