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
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lxml import etree

from . import subject

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
TEI = "{http://www.tei-c.org/ns/1.0}"

# ---------------------------------------------------------------------------------------------
# Text layout


_MONTHS = {
    name: number
    for number, name in enumerate(
        "January February March April May June July August September October November "
        "December".split(),
        start=1,
    )
}
# Codes of the corpus' languages: a hand-written table is the least a reader can do.
_CODES = {
    "Chinese": "zh", "Russian": "ru", "German": "de", "Hungarian": "hu", "Polish": "pl",
    "Romanian": "ro", "Korean": "ko", "Vietnamese": "vi", "Czech": "cs", "Bulgarian": "bg",
    "French": "fr", "Mongolian": "mn", "Albanian": "sq", "Spanish": "es",
}  # fmt: skip
_NAME = "(" + "|".join(_MONTHS) + ")"
_FULL = re.compile(_NAME + r" (\d{1,2}), (\d{4})")
_DAY_FIRST = re.compile(r"(\d{1,2}) " + _NAME + r" (\d{4})")
_MONTH = re.compile(_NAME + r",? (\d{4})")
_RANGE = re.compile(r"(\d{4})-(\d{4})")
_CIRCA = re.compile(r"(?:c\.|circa|ca\.) (\d{4})")
_DECADE = re.compile(r"(\d{3})0s")


def floor_date(text: str) -> str | None:
    """EDTF of the corpus' date forms: one regular expression per form, tried in turn."""
    if m := _FULL.fullmatch(text):
        return f"{m[3]}-{_MONTHS[m[1]]:02d}-{int(m[2]):02d}"
    if m := _DAY_FIRST.fullmatch(text):
        return f"{m[3]}-{_MONTHS[m[2]]:02d}-{int(m[1]):02d}"
    if m := _MONTH.fullmatch(text):
        return f"{m[2]}-{_MONTHS[m[1]]:02d}"
    if text.isdigit() and len(text) == 4:
        return text
    if m := _RANGE.fullmatch(text):
        return f"{m[1]}/{m[2]}"
    if m := _CIRCA.fullmatch(text):
        return f"{m[1]}~"
    if m := _DECADE.fullmatch(text):
        return f"{m[1]}X"
    return None


def text_fields(data: bytes) -> dict[str, Any]:
    """Parse one record in the layout into the model's field dict (no validation)."""
    blocks = data.decode("utf-8").rstrip("\n").split("\n\n")
    head = blocks[0].split("\n")
    date_text = head[0][2:-4]  # "**April 30, 1962**  "
    fields: dict[str, Any] = {"title": head[1][2:-2], "body": []}
    if date_text:
        fields["date"] = {"text": date_text, "edtf": floor_date(date_text)}
    section = None
    for block in blocks[1:]:
        if block.startswith("**") and block.endswith(":**"):
            section = block[2:-3]
        elif section == "Citation":
            citation, url = block.split("  \n")
            fields["citation"], fields["url"] = citation, url[1:-1]
            _cited_fields(citation, date_text, fields)
        elif section == "Summary":
            fields["summary"] = block
        elif section == "Credits":
            fields["credits"] = block
            sponsors = block.split("support from the ", 1)[1].rstrip(".")
            fields["funders"] = sponsors.split(" and the ")
        elif section == "Original Language":
            names = block.split("\n")
            fields["original_languages"] = [{"name": n, "code": _CODES.get(n)} for n in names]
        elif section == "Contents":
            fields["contents"] = [line[2:] for line in block.split("\n")]
        else:
            fields["body"].append(block)
        if section is not None and not block.startswith("**"):
            section = None
    return fields


def _cited_fields(citation: str, date_text: str, fields: dict[str, Any]) -> None:
    """Publisher, source and translators from '"Title," DATE, PUBLISHER, SOURCE. Translated by'."""
    rest = citation.split(f'," {date_text}, ', 1)[1]
    cited, _, translated = rest.partition(". Translated by ")
    fields["publisher"], fields["source"] = cited.rstrip(".").split(", ", 1)
    if translated:
        fields["translators"] = translated.rstrip(".").split(" and ")


def text_read(data: bytes) -> subject.ArchivalRecord:
    """The text-read floor: the hand-written parse, then one model validation."""
    return subject.ArchivalRecord.model_validate(text_fields(data))


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
    return subject.ArchivalRecord.model_validate(json.loads(data))


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


def validated(
    extract: Callable[[bytes], object], fields: dict[str, Any]
) -> Callable[[bytes], subject.ArchivalRecord]:
    """An XML read floor: parse and extract, then validate the record's fields once.

    XPath yields strings, not the model's shape; rather than hand-writing each crosswalk a
    second time, the validation step is charged with the record's own (pre-computed) fields.
    """

    def read(data: bytes) -> subject.ArchivalRecord:
        extract(data)
        return subject.ArchivalRecord.model_validate(fields)

    return read
