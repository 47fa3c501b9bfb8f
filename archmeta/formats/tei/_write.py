"""Writing TEI P5: the whole document of a record, deterministic and pretty-printed."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

from ...dates import edtf_bounds
from ...model import ArchivalDate, ArchivalRecord
from ...segments import (
    EditorialNote,
    FootnoteRef,
    Illegible,
    Omission,
    Sic,
    Supplied,
    Text,
    parse_inline,
)
from .._io import PathOrFile, write_text
from ._common import (
    APPLICATION,
    EDTF_METHOD,
    INDENT,
    MAPPING_VERSION,
    RESP_CONTRIBUTOR,
    RESP_TRANSLATOR,
    SCHEMA_URL,
    TEI_NS,
    XML_NS,
    _q,
)

if TYPE_CHECKING:
    from lxml import etree


class _Mixed:
    """Appends text and elements to mixed content, turning newlines into ``<lb/>``."""

    def __init__(self, element: etree._Element) -> None:
        self.element = element
        self.last: etree._Element | None = None

    def text(self, value: str) -> None:
        first, *rest = value.split("\n")
        self._raw(first)
        for part in rest:
            self.child("lb")
            self._raw(part)

    def _raw(self, value: str) -> None:
        if not value:
            return
        if self.last is None:
            self.element.text = (self.element.text or "") + value
        else:
            self.last.tail = (self.last.tail or "") + value

    def child(self, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
        from lxml import etree

        node = etree.SubElement(self.element, _q(tag), attrs)
        if text:
            node.text = text
        self.last = node
        return node


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> Any:
    """A child element; ``text`` may hold newlines (written as ``<lb/>``)."""
    from lxml import etree

    node = etree.SubElement(parent, _q(tag), attrs)
    if text is not None:
        _Mixed(node).text(text)
    return node


def _rend_safe(mark: str) -> bool:
    """Whether ``@rend`` (a list of TEI words: no Unicode separators or controls) can hold it."""
    tokens = mark.split()
    if not tokens or any(c not in " \t" and c.isspace() for c in mark):
        return False
    return all(unicodedata.category(c)[0] not in "CZ" for token in tokens for c in token)


# @rend of text supplied in double brackets, [[I. I. Varnov]].
_DOUBLE = "[[]]"
_WORD_BEFORE_SIC = re.compile(r"(\S+) \Z")


def _write_paragraph(p: etree._Element, paragraph: str) -> None:
    """One body paragraph: text and the editors' marks as TEI elements (see the module doc)."""
    out = _Mixed(p)
    if "[" not in paragraph:
        out.text(paragraph)  # no editors' marks: parse_inline would return it as one Text
        return
    segments = parse_inline(paragraph)
    for index, segment in enumerate(segments):
        following = segments[index + 1] if index + 1 < len(segments) else None
        if isinstance(segment, Text):
            word = _WORD_BEFORE_SIC.search(segment.text) if isinstance(following, Sic) else None
            if word is None:
                out.text(segment.text)
            else:
                out.text(segment.text[: word.start()])
                assert isinstance(following, Sic)
                out.child("sic", word.group(1), rend=following.mark)
        elif isinstance(segment, Sic):
            previous = segments[index - 1] if index else None
            if not (
                isinstance(previous, Text) and _WORD_BEFORE_SIC.search(previous.text) is not None
            ):
                out.child("sic", rend=segment.mark)
        elif isinstance(segment, (Omission, Illegible)):
            reason = "editorial" if isinstance(segment, Omission) else "illegible"
            if _rend_safe(segment.mark):
                gap = out.child("gap", reason=reason, rend=segment.mark)
                if isinstance(segment, Illegible) and segment.description is not None:
                    _sub(gap, "desc", segment.description)  # what cannot be read
            else:
                gap = out.child("gap", reason=reason)
                _sub(gap, "desc", segment.mark)
        elif isinstance(segment, FootnoteRef):
            out.child("ref", segment.label, type="footnote")
        elif isinstance(segment, EditorialNote):
            out.child("note", segment.text, type="editorial")
        elif isinstance(segment, Supplied):
            if segment.double:
                out.child("supplied", segment.text, rend=_DOUBLE)
            else:
                out.child("supplied", segment.text)


def _resp(title_stmt: etree._Element, role: tuple[str, str], name: str) -> None:
    resp_stmt = _sub(title_stmt, "respStmt")
    _sub(resp_stmt, "resp", role[1], key=role[0])
    _sub(resp_stmt, "name", name)


def _date(parent: etree._Element, date: ArchivalDate) -> None:
    attrs: dict[str, str] = {}
    edtf = date.edtf
    if edtf is not None:
        if _W3C_DATE.fullmatch(edtf) and not edtf.startswith("0000"):
            attrs["when"] = edtf
        else:
            attrs["when-custom"] = edtf
            attrs["datingMethod"] = EDTF_METHOD
            bounds = edtf_bounds(edtf)
            if bounds and not bounds[0].startswith("0000"):
                attrs["notBefore"], attrs["notAfter"] = bounds
            if "?" in edtf or "%" in edtf:
                attrs["cert"] = "low"
            elif "~" in edtf:
                attrs["cert"] = "medium"
    _sub(parent, "date", date.text, **attrs)


# Plain W3C (XML Schema) dates and date-times that ``@when`` holds as they are. The month is
# 01-12: an EDTF season (1962-21) looks like a month but is not one, so it goes to when-custom.
_W3C_DATE = re.compile(
    r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?)?)?)?"
)


def _tree(record: ArchivalRecord) -> etree._Element:
    """The whole TEI document of a record: the mapping of ``FIELD_PATHS``, in TEI order."""
    from lxml import etree

    r = record
    root = etree.Element(_q("TEI"), nsmap={None: TEI_NS})
    root.set(f"{{{XML_NS}}}space", "preserve")
    header = _sub(root, "teiHeader")
    file_desc = _sub(header, "fileDesc")

    title_stmt = _sub(file_desc, "titleStmt")
    _sub(title_stmt, "title", r.title)
    for alternative in r.alternative_titles:
        _sub(title_stmt, "title", alternative, type="alt")
    for funder in r.funders:
        _sub(title_stmt, "funder", funder)
    for translator in r.translators:
        _resp(title_stmt, RESP_TRANSLATOR, translator)
    for contributor in r.contributors:
        _resp(title_stmt, RESP_CONTRIBUTOR, contributor)

    publication = _sub(file_desc, "publicationStmt")
    if r.publisher is not None:
        _sub(publication, "publisher", r.publisher)
    else:
        _sub(publication, "authority")  # TEI wants an agency before any idno; none is known
    if r.identifier is not None:
        _sub(publication, "idno", r.identifier, type="archmeta")
    if r.url is not None:
        _sub(publication, "idno", r.url, type="URI")
    for identifier in r.identifiers:
        _sub(publication, "idno", identifier)
    if r.rights is not None:
        _sub(_sub(publication, "availability"), "p", r.rights)

    for collection in r.collections:
        _sub(_sub(file_desc, "seriesStmt"), "title", collection)

    if r.credits or r.contents or r.notes or r.relations:
        notes = _sub(file_desc, "notesStmt")
        if r.credits is not None:
            _sub(notes, "note", r.credits, type="credits")
        for item in r.contents:
            _sub(notes, "note", item, type="contents")
        for note in r.notes:
            _sub(notes, "note", note)
        for relation in r.relations:
            _sub(_sub(notes, "relatedItem"), "bibl", relation)

    source_desc = _sub(file_desc, "sourceDesc")
    if r.citation is not None:
        _sub(source_desc, "bibl", r.citation, type="citation")
    if r.creators or r.source or r.original_languages or r.formats:
        original = _sub(source_desc, "bibl", type="original")
        for creator in r.creators:
            _sub(original, "author", creator)
        if r.source is not None:
            _sub(original, "idno", r.source, type="archival")
        for language in r.original_languages:
            attrs = {"mainLang": language.code} if language.code else {}
            _sub(original, "textLang", language.name, **attrs)
        for item in r.formats:
            _sub(original, "extent", item)
    if r.provenance is not None:
        harvested = _sub(source_desc, "bibl", type="oai-pmh")
        _sub(harvested, "idno", r.provenance.oai_identifier, type="oai")
        _sub(harvested, "date", type="datestamp", when=r.provenance.datestamp)
        for spec in r.provenance.set_specs:
            _sub(harvested, "idno", spec, type="setSpec")
        if r.provenance.base_url is not None:
            _sub(harvested, "ptr", target=r.provenance.base_url)
    if len(source_desc) == 0:
        _sub(source_desc, "p")

    app_info = _sub(_sub(header, "encodingDesc"), "appInfo")
    application = _sub(app_info, "application", ident=APPLICATION, version=MAPPING_VERSION)
    _sub(application, "label", "archmeta")

    if r.summary or r.date or r.languages or r.type or r.subjects or r.places:
        profile = _sub(header, "profileDesc")
        if r.summary is not None:
            _sub(_sub(profile, "abstract"), "p", r.summary)
        if r.date is not None:
            _date(_sub(profile, "creation"), r.date)
        if r.languages:
            usage = _sub(profile, "langUsage")
            for language in r.languages:
                _sub(usage, "language", language.name, ident=language.code or "")
        if r.type or r.subjects or r.places:
            keywords = _sub(_sub(profile, "textClass"), "keywords")
            if r.type is not None:
                _sub(keywords, "term", r.type, type="genre")
            for subject in r.subjects:
                _sub(keywords, "term", subject)
            for place in r.places:
                _sub(_sub(keywords, "term", type="place"), "placeName", place)

    div = _sub(_sub(_sub(root, "text"), "body"), "div")
    for paragraph in r.body:
        _write_paragraph(_sub(div, "p"), paragraph)
    return root


# Elements whose content archmeta writes as element-only: the only places indentation goes.
# Held as qualified tags, so that the walk compares an element's tag as lxml gives it.
_STRUCTURAL = frozenset(
    _q(name)
    for name in "TEI teiHeader fileDesc titleStmt respStmt publicationStmt availability "
    "seriesStmt notesStmt relatedItem sourceDesc encodingDesc appInfo application profileDesc "
    "abstract creation langUsage textClass keywords text body div".split()
)
_BIBL = _q("bibl")


def _indent(element: etree._Element, level: int = 0) -> None:
    """Indent the element-only content under ``element`` (mixed content is left as written)."""
    inner = "\n" + INDENT * (level + 1)
    element.text = inner
    child = None
    for child in element:
        child.tail = inner
        tag = child.tag
        if len(child) and (
            tag in _STRUCTURAL or (tag == _BIBL and child.get("type") == "original")
        ):
            _indent(child, level + 1)
    if child is not None:
        child.tail = "\n" + INDENT * level


def dumps(record: ArchivalRecord) -> str:
    """Write a record as a whole TEI P5 document (deterministic, pretty-printed)."""
    from lxml import etree

    root = _tree(record)
    _indent(root)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<?xml-model href="{SCHEMA_URL}" type="application/xml"'
        ' schematypens="http://relaxng.org/ns/structure/1.0"?>\n'
        + etree.tostring(root, encoding="unicode")
        + "\n"
    )


def dump(record: ArchivalRecord, target: PathOrFile) -> None:
    """Write a TEI document to a path (atomically) or an open file."""
    write_text(target, dumps(record))
