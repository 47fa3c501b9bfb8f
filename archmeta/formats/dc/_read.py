"""Reading Dublin Core: either flavour, tolerant of what repositories publish."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pydantic

from ...dates import is_valid_edtf, normalize_date
from ...errors import Issue, ValidationError
from ...model import ArchivalRecord
from ...xmlsafe import parse_xml
from .._io import PathOrFile, read_bytes, source_name
from ._common import (
    _ABSOLUTE_URI,
    _WEB_URL,
    _XSI_TYPE,
    CELLS,
    DC_NS,
    DCTERMS_NS,
    FIELD_OF_ELEMENT,
    OAI_DC_NS,
    OAI_NS,
    RDF_NS,
    _as_line,
    _as_paragraph,
    _check_flavour,
    _local,
    _split_identifiers,
    is_edtf,
    is_w3cdtf,
    paired_date,
)

if TYPE_CHECKING:
    from lxml import etree


@dataclass(slots=True)  # one per element read: no __dict__ each
class _Value:
    text: str
    xsi_type: str | None
    line: int | None
    namespace: str
    name: str


# Each field's values in document order.
_Buckets = dict[str, list[_Value]]
_NONE: list[_Value] = []  # what a field without values holds (never appended to)

# Qualified tag -> (namespace, local name, field) of every element the mapping reads: one
# lookup per element instead of splitting its tag and asking the namespace's table.
_KNOWN: dict[str, tuple[str, str, str]] = {
    f"{{{namespace}}}{name}": (namespace, name, field_name)
    for namespace, table in FIELD_OF_ELEMENT.items()
    for name, field_name in table.items()
}
_RDF_RESOURCE = f"{{{RDF_NS}}}resource"


# The element a date is written as in DCMI terms: preferred over the other dates when reading.
_CREATED = CELLS["dcterms"]["date"].element


def _xsi_type_local(element: etree._Element, value: str) -> str:
    """The local name of an element's ``xsi:type`` ``value`` in the DCMI terms namespace
    (``W3CDTF``), else the qualified name."""
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


# Fields read from the same elements as another field: found at that field's element.
_SAME_ELEMENTS = {
    "title": ("alternative_titles",),
    "summary": ("notes",),
    "identifier": ("url", "identifiers"),
}
_PREFIXES = {DC_NS: "dc", DCTERMS_NS: "dcterms", OAI_DC_NS: "oai_dc", OAI_NS: "oai"}


def _xpath(element: etree._Element) -> str:
    """A readable XPath (``/oai_dc:dc/dc:title[2]``), with the usual prefixes."""
    parts = []
    node: etree._Element | None = element
    while node is not None and isinstance(node.tag, str):
        namespace, name = _local(node.tag)
        step = f"{_PREFIXES[namespace]}:{name}" if namespace in _PREFIXES else name
        parent = node.getparent()
        if parent is not None:
            same = [c for c in parent if c.tag == node.tag]
            if len(same) > 1:
                step += f"[{same.index(node) + 1}]"
        parts.append(step)
        node = parent
    return "/" + "/".join(reversed(parts))


def from_element(
    container: etree._Element,
    source: str | None = None,
    places: dict[str, tuple[int, str]] | None = None,
) -> tuple[ArchivalRecord | None, list[Issue]]:
    """Read the DC elements under ``container`` (either flavour, tolerant of real records).

    Returns the record (None when it cannot be built) and every issue: warnings for what was
    not kept, errors for what stopped the record being built. ``places``, when given, is
    filled with the line and XPath of the first element each field was read from, so that
    rules about a field can point into the document.
    """
    issues: list[Issue] = []
    warn = _Warner(issues, source)
    buckets = _collect(container, warn, places)
    data = _fields(buckets, warn)
    if data is None:
        issues.append(
            Issue(
                message="the record has no title (dc:title or dcterms:title)",
                rule="title-missing",
                line=container.sourceline,
                source=source,
            )
        )
        return None, issues

    try:
        # Validated once, strictly (every value is already a str, a list or a model), with only
        # the fields the document holds: the model fills in the defaults itself.
        record = ArchivalRecord.model_validate(data, strict=True)
    except pydantic.ValidationError as exc:
        from ...errors import pydantic_issues

        issues.extend(pydantic_issues(exc, source))
        return None, issues
    issues.sort(key=lambda issue: issue.line or 0)
    return record, issues


@dataclass(slots=True)
class _Warner:
    """Appends a warning to a record's issues."""

    issues: list[Issue]
    source: str | None

    def __call__(self, message: str, line: int | None, rule: str) -> None:
        self.issues.append(
            Issue(message=message, rule=rule, severity="warning", line=line, source=self.source)
        )


def _collect(
    container: etree._Element, warn: _Warner, places: dict[str, tuple[int, str]] | None
) -> _Buckets:
    """One pass over the container's children: each DC element's text, by field; warnings for
    the elements that are not kept (or are kept with a reservation)."""
    buckets: _Buckets = {}
    in_oai_dc = _local(container.tag)[0] == OAI_DC_NS
    for child in container:
        tag: Any = child.tag  # a str, or a function for comments and processing instructions
        known = _KNOWN.get(tag)
        if known is None:
            if not isinstance(tag, str):
                continue  # comments and processing instructions
            namespace = _local(tag)[0]
            if namespace not in (DC_NS, DCTERMS_NS):
                line = child.sourceline
                warn(f"element {tag} is not Dublin Core; ignored", line, "unknown-element")
            else:  # the mapping table's columns say which field each element is read into
                warn(
                    f"Dublin Core element {tag} has no archmeta field; ignored",
                    child.sourceline,
                    "unknown-element",
                )
            continue
        namespace, name, field_name = known
        line = child.sourceline
        if in_oai_dc and namespace != DC_NS:
            warn(
                f"element {tag} is not one of the 15 elements oai_dc allows; read anyway",
                line,
                "dc-not-oai_dc",
            )
        mixed = len(child) > 0
        text = "".join(child.itertext()) if mixed else (child.text or "")
        if not text.strip():
            resource = child.get(_RDF_RESOURCE)
            if resource and resource.strip():
                text = resource
            else:
                continue  # empty elements carry nothing
        if mixed:
            warn(f"child elements of {tag} were read as text", line, "dc-mixed-content")
        if places is not None and field_name not in places and line is not None:
            place = (line, _xpath(child))
            for name_ in (field_name, *_SAME_ELEMENTS.get(field_name, ())):
                places.setdefault(name_, place)
        xsi_type = child.get(_XSI_TYPE)  # most elements have none
        value = _Value(
            text, _xsi_type_local(child, xsi_type) if xsi_type else None, line, namespace, name
        )
        values = buckets.get(field_name)
        if values is None:
            buckets[field_name] = [value]
        else:
            values.append(value)
    return buckets


def _lines(buckets: _Buckets, key: str) -> list[str]:
    """The values of one field as Lines, the empty ones left out."""
    out = []
    for value in buckets.get(key, _NONE):
        line = _as_line(value.text)
        if line:
            out.append(line)
    return out


def _first_line(buckets: _Buckets, key: str, warn: _Warner) -> str | None:
    """The first value of a one-value field; a warning for each different one after it."""
    first: str | None = None
    for value in buckets.get(key, _NONE):
        text = _as_line(value.text)
        if not text:
            continue
        if first is None:
            first = text
        elif text != first:
            warn(f"{key} holds one value; extra {text!r} ignored", value.line, "dc-extra-value")
    return first


def _paragraphs(values: list[_Value]) -> list[str]:
    out = []
    for value in values:
        paragraph = _as_paragraph(value.text)
        if paragraph:
            out.append(paragraph)
    return out


# Fields read as lists of Lines, each from its own elements.
_LINE_LISTS = ("contents", "creators", "contributors", "subjects", "places")
_LATER_LINE_LISTS = ("relations", "collections", "formats")


def _fields(buckets: _Buckets, warn: _Warner) -> dict[str, Any] | None:
    """The record's fields from the values read (only those that hold something, as the model
    wants them), None when there is no title."""
    data: dict[str, Any] = {}

    def put(name: str, value: Any) -> None:
        # Every value read is a non-empty string, a list or a dict: None and [] mean nothing
        # was read, and the model's defaults stand.
        if value:
            data[name] = value

    # Titles.
    all_titles = _lines(buckets, "title") + _lines(buckets, "alternative_titles")
    if not all_titles:
        return None
    data["title"] = all_titles[0]
    put("alternative_titles", all_titles[1:])

    put("date", _read_date(buckets, warn))
    put("type", _read_type(buckets, warn))
    put("citation", "\n".join(_paragraphs(buckets.get("citation", _NONE))))
    put("publisher", _first_line(buckets, "publisher", warn))
    put("source", _first_line(buckets, "source", warn))

    # Descriptions: dcterms:abstract is the summary; failing that the first dc:description.
    # (dc:description is read into the summary, dcterms:abstract too; they are told apart by
    # namespace, since oai_dc writes the notes as further dc:descriptions.)
    descriptions = buckets.get("summary", _NONE)
    abstracts = _paragraphs([v for v in descriptions if v.namespace == DCTERMS_NS])
    dc_descriptions = _paragraphs([v for v in descriptions if v.namespace == DC_NS])
    if abstracts:
        put("summary", abstracts[0])
        notes = [_as_line(a) for a in abstracts[1:]] + [_as_line(d) for d in dc_descriptions]
    else:
        put("summary", dc_descriptions[0] if dc_descriptions else None)
        notes = [_as_line(d) for d in dc_descriptions[1:]]
    put("notes", notes + _lines(buckets, "notes"))
    for name in _LINE_LISTS:
        if name in buckets:
            put(name, _lines(buckets, name))
    put("rights", "\n".join(_paragraphs(buckets.get("rights", _NONE))))
    for name in _LATER_LINE_LISTS:
        if name in buckets:
            put(name, _lines(buckets, name))
    put("languages", _read_languages(buckets, warn))

    # Identifiers: a dcterms URI-typed one is the URL; among flat dc:identifiers the first web
    # address is; the first other identifier is the record's own, the rest are identifiers.
    url = None
    values: list[tuple[str, str]] = []
    for value in buckets.get("identifier", _NONE):  # dc: and dcterms: ones, in document order
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
    identifier, url, identifiers = _split_identifiers([text for text, _ in values if text], url)
    put("identifier", identifier)
    put("url", url)
    put("identifiers", identifiers)
    return data


def _read_date(buckets: _Buckets, warn: _Warner) -> dict[str, str | None] | None:
    """The date (the fields of an ``ArchivalDate``, validated with the record):
    ``dcterms:created`` first, else ``dc:date`` and the other dates.

    The first value without an ``xsi:type`` is the text; a ``W3CDTF``-typed value beside it
    (as archmeta writes) is its EDTF value. Further dates are warned about and ignored.
    """
    dates = buckets.get("date", _NONE)
    created = [v for v in dates if v.name == _CREATED]
    group = created or dates
    others = [v for v in dates if v.name != _CREATED] if created else []
    if not group:
        return None
    values = [(_as_line(v.text), v) for v in group]
    values = [(t, v) for t, v in values if t]
    if not values:
        return None
    plain = [(t, v) for t, v in values if v.xsi_type != "W3CDTF"]
    typed = [(t, v) for t, v in values if v.xsi_type == "W3CDTF"]
    if not typed and len(plain) >= 2 and paired_date(plain[1][0], plain[0][0]):
        # The normalised value, then the date as written (as archmeta writes oai_dc).
        (edtf_text, edtf_value), (written, written_value) = plain[0], plain[1]
        if is_edtf(edtf_text):
            _warn_extra(values, others, written, [edtf_value, written_value], warn)
            return {"text": written, "edtf": edtf_text}
    text_value = plain[0] if plain else typed[0]
    text = text_value[0]
    used = [text_value[1]]
    if plain and typed and is_w3cdtf(typed[0][0]) and is_valid_edtf(typed[0][0]):
        edtf: str | None = typed[0][0]
        used.append(typed[0][1])
    elif not plain and is_w3cdtf(text) and is_valid_edtf(text):
        edtf = text  # one typed element: the text is its own EDTF value
    else:
        edtf = normalize_date(text)  # the date is validated once, where it is built
    _warn_extra(values, others, text, used, warn)
    return {"text": text, "edtf": edtf}


def _warn_extra(
    values: list[tuple[str, Any]], others: list[Any], text: str, used: list[Any], warn: _Warner
) -> None:
    """Warn about every date beside the one the record keeps."""
    for t, v in values:
        if any(v is u for u in used) or t == text:
            continue
        warn(f"extra date {t!r} ignored (the record keeps one date)", v.line, "dc-extra-date")
    for v in others:
        t = _as_line(v.text)
        if t and t != text:
            warn(f"extra date {t!r} ignored (the record keeps one date)", v.line, "dc-extra-date")


def _read_type(buckets: _Buckets, warn: _Warner) -> str | None:
    values = [(_as_line(v.text), v) for v in buckets.get("type", _NONE)]
    values = [(t, v) for t, v in values if t]
    if not values:
        return None
    plain = [(t, v) for t, v in values if v.xsi_type != "DCMIType"]
    chosen = (plain or values)[0]
    for t, v in values:
        if v is not chosen[1] and t != chosen[0]:
            warn(f"type holds one value; extra {t!r} ignored", v.line, "dc-extra-value")
    return chosen[0]


def _read_languages(buckets: _Buckets, warn: _Warner) -> list[dict[str, str | None]]:
    """The languages (the fields of each ``Language``, validated with the record): names or
    codes, several to an element when separated by commas or semicolons."""
    from ...languages import resolve_language

    languages: list[dict[str, str | None]] = []
    for value in buckets.get("languages", _NONE):
        for part in _LANGUAGE_SEPARATOR.split(value.text):
            name = _as_line(part)
            if name:  # a Line without separators: a LanguageName
                languages.append({"name": name, "code": resolve_language(name)})
    return languages


_LANGUAGE_SEPARATOR = re.compile(r"[;,]")


def read(
    text: str | bytes,
    source: str | None = None,
    flavour: str = "oai_dc",
    places: dict[str, tuple[int, str]] | None = None,
) -> tuple[ArchivalRecord, list[Issue]]:
    """Read a Dublin Core document: the record and the warnings about what was not kept
    (``places``: see :func:`from_element`).

    Raises :class:`ParseError` for XML that is not well-formed and :class:`ValidationError`
    when no record can be built (no title).
    """
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
    record, issues = from_element(container, source, places)
    issues = extra_issue + issues
    if record is None:
        raise ValidationError(issues, source=source)
    return record, issues


def loads(text: str | bytes, source: str | None = None, flavour: str = "oai_dc") -> ArchivalRecord:
    """Read a record from Dublin Core XML (either flavour; ``flavour`` names the expected one)."""
    return read(text, source=source, flavour=flavour)[0]


def load(target: PathOrFile, flavour: str = "oai_dc") -> ArchivalRecord:
    return loads(read_bytes(target), source=source_name(target), flavour=flavour)
