"""Writing TEI P5: the whole document of a record, deterministic and pretty-printed."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from lxml import etree

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

# The qualified tag of every element the writer makes, computed once: the tree is built with
# lxml's SubElement and these tags, each attribute dictionary given whole.
_T = {
    name: _q(name)
    for name in "TEI teiHeader fileDesc titleStmt title funder respStmt resp name "
    "publicationStmt publisher authority idno availability p seriesStmt notesStmt note "
    "relatedItem bibl sourceDesc author textLang extent date ptr encodingDesc appInfo "
    "application label profileDesc abstract creation langUsage language textClass keywords "
    "term placeName text body div lb sic gap desc ref supplied".split()
}
_SubElement = etree.SubElement
_LB = _T["lb"]


def _set_text(element: etree._Element, value: str) -> None:
    """``value`` as the element's content; newlines become ``<lb/>`` (a Paragraph's lines)."""
    if "\n" not in value:
        element.text = value
        return
    first, *rest = value.split("\n")
    element.text = first or None
    for part in rest:
        _SubElement(element, _LB).tail = part or None


def _sub(
    parent: etree._Element, tag: str, text: str | None = None, attrib: dict[str, str] | None = None
) -> Any:
    """A child element (``tag`` qualified) with ``text`` (newlines written as ``<lb/>``)."""
    node = _SubElement(parent, tag, attrib) if attrib else _SubElement(parent, tag)
    if text:
        _set_text(node, text)
    return node


class _Mixed:
    """Appends text and elements to mixed content, turning newlines into ``<lb/>``."""

    __slots__ = ("element", "last")

    def __init__(self, element: etree._Element) -> None:
        self.element = element
        self.last: etree._Element | None = None

    def text(self, value: str) -> None:
        if "\n" in value:
            first, *rest = value.split("\n")
            self._raw(first)
            for part in rest:
                self.child(_LB)
                self._raw(part)
        else:
            self._raw(value)

    def _raw(self, value: str) -> None:
        if not value:
            return
        if self.last is None:
            self.element.text = (self.element.text or "") + value
        else:
            self.last.tail = (self.last.tail or "") + value

    def child(
        self, tag: str, text: str | None = None, attrib: dict[str, str] | None = None
    ) -> etree._Element:
        node = _SubElement(self.element, tag, attrib) if attrib else _SubElement(self.element, tag)
        if text:
            node.text = text
        self.last = node
        return node


def _rend_safe(mark: str) -> bool:
    """Whether ``@rend`` (a list of TEI words: no Unicode separators or controls) can hold it."""
    if mark.isascii() and mark.isprintable():
        # Printable ASCII holds no control and no separator but the space between words.
        return bool(mark.strip())
    tokens = mark.split()
    if not tokens or any(c not in " \t" and c.isspace() for c in mark):
        return False
    return all(unicodedata.category(c)[0] not in "CZ" for token in tokens for c in token)


# @rend of text supplied in double brackets, [[I. I. Varnov]].
_DOUBLE = "[[]]"


def _word_before_sic(text: str) -> int | None:
    r"""Where the word a following ``[sic]`` mark wraps begins: the run of non-space characters
    before one final space (None when ``text`` does not end so). Read from the end: a
    search for ``(\S+) \Z`` tries every position of a long text."""
    if len(text) < 2 or text[-1] != " " or text[-2].isspace():
        return None
    return len(text) - 1 - len(text[:-1].rsplit(None, 1)[-1])


_GAP_REASON = {Omission: "editorial", Illegible: "illegible"}
_FOOTNOTE = {"type": "footnote"}
_EDITORIAL = {"type": "editorial"}
_SUPPLIED_DOUBLE = {"rend": _DOUBLE}


def _write_paragraph(p: etree._Element, paragraph: str) -> None:
    """One body paragraph: text and the editors' marks as TEI elements (see the module doc)."""
    if "[" not in paragraph:
        _set_text(p, paragraph)  # no editors' marks: parse_inline would return it as one Text
        return
    out = _Mixed(p)
    segments = parse_inline(paragraph)
    last = len(segments) - 1
    for index, segment in enumerate(segments):
        kind = type(segment)
        if kind is Text:
            assert isinstance(segment, Text)
            following = segments[index + 1] if index < last else None
            start = _word_before_sic(segment.text) if type(following) is Sic else None
            if start is None:
                out.text(segment.text)
            else:
                out.text(segment.text[:start])
                assert isinstance(following, Sic)
                out.child(_T["sic"], segment.text[start:-1], {"rend": following.mark})
        elif kind is Sic:
            assert isinstance(segment, Sic)
            previous = segments[index - 1] if index else None
            if not (isinstance(previous, Text) and _word_before_sic(previous.text) is not None):
                out.child(_T["sic"], None, {"rend": segment.mark})
        elif kind is Omission or kind is Illegible:
            assert isinstance(segment, (Omission, Illegible))
            reason = _GAP_REASON[kind]
            if _rend_safe(segment.mark):
                gap = out.child(_T["gap"], None, {"reason": reason, "rend": segment.mark})
                if isinstance(segment, Illegible) and segment.description is not None:
                    _sub(gap, _T["desc"], segment.description)  # what cannot be read
            else:
                gap = out.child(_T["gap"], None, {"reason": reason})
                _sub(gap, _T["desc"], segment.mark)
        elif kind is FootnoteRef:
            assert isinstance(segment, FootnoteRef)
            out.child(_T["ref"], segment.label, _FOOTNOTE)
        elif kind is EditorialNote:
            assert isinstance(segment, EditorialNote)
            out.child(_T["note"], segment.text, _EDITORIAL)
        elif kind is Supplied:
            assert isinstance(segment, Supplied)
            out.child(_T["supplied"], segment.text, _SUPPLIED_DOUBLE if segment.double else None)


def _resp(title_stmt: etree._Element, role: tuple[str, str], name: str) -> None:
    resp_stmt = _SubElement(title_stmt, _T["respStmt"])
    _sub(resp_stmt, _T["resp"], role[1], {"key": role[0]})
    _sub(resp_stmt, _T["name"], name)


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
    _sub(parent, _T["date"], date.text, attrs)


# Plain W3C (XML Schema) dates and date-times that ``@when`` holds as they are. The month is
# 01-12: an EDTF season (1962-21) looks like a month but is not one, so it goes to when-custom.
_W3C_DATE = re.compile(
    r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?)?)?)?"
)
# Attribute dictionaries the writer uses as they are (SubElement copies them).
_ALT = {"type": "alt"}
_ARCHMETA = {"type": "archmeta"}
_URI = {"type": "URI"}
_CREDITS = {"type": "credits"}
_CONTENTS = {"type": "contents"}
_CITATION = {"type": "citation"}
_ORIGINAL = {"type": "original"}
_ARCHIVAL = {"type": "archival"}
_OAI_PMH = {"type": "oai-pmh"}
_OAI = {"type": "oai"}
_SET_SPEC = {"type": "setSpec"}
_GENRE = {"type": "genre"}
_PLACE = {"type": "place"}
_APPLICATION = {"ident": APPLICATION, "version": MAPPING_VERSION}
_XML_SPACE = f"{{{XML_NS}}}space"


def _tree(record: ArchivalRecord) -> etree._Element:
    """The whole TEI document of a record: the mapping of ``FIELD_PATHS``, in TEI order.

    Line fields hold no newline (the model's patterns), so their text is set as it is; the
    Paragraph fields (citation, rights, credits, summary, body) go through ``_set_text``.
    """
    T, sub, el = _T, _sub, _SubElement
    r = record
    root = etree.Element(T["TEI"], nsmap={None: TEI_NS})
    root.set(_XML_SPACE, "preserve")
    header = el(root, T["teiHeader"])
    file_desc = el(header, T["fileDesc"])

    title_stmt = el(file_desc, T["titleStmt"])
    el(title_stmt, T["title"]).text = r.title
    for alternative in r.alternative_titles:
        el(title_stmt, T["title"], _ALT).text = alternative
    for funder in r.funders:
        el(title_stmt, T["funder"]).text = funder
    for translator in r.translators:
        _resp(title_stmt, RESP_TRANSLATOR, translator)
    for contributor in r.contributors:
        _resp(title_stmt, RESP_CONTRIBUTOR, contributor)

    publication = el(file_desc, T["publicationStmt"])
    if r.publisher is not None:
        el(publication, T["publisher"]).text = r.publisher
    else:
        el(publication, T["authority"])  # TEI wants an agency before any idno; none is known
    if r.identifier is not None:
        el(publication, T["idno"], _ARCHMETA).text = r.identifier
    if r.url is not None:
        el(publication, T["idno"], _URI).text = r.url
    for identifier in r.identifiers:
        el(publication, T["idno"]).text = identifier
    if r.rights is not None:
        sub(el(publication, T["availability"]), T["p"], r.rights)

    for collection in r.collections:
        el(el(file_desc, T["seriesStmt"]), T["title"]).text = collection

    if r.credits or r.contents or r.notes or r.relations:
        notes = el(file_desc, T["notesStmt"])
        if r.credits is not None:
            sub(notes, T["note"], r.credits, _CREDITS)
        for item in r.contents:
            el(notes, T["note"], _CONTENTS).text = item
        for note in r.notes:
            el(notes, T["note"]).text = note
        for relation in r.relations:
            el(el(notes, T["relatedItem"]), T["bibl"]).text = relation

    source_desc = el(file_desc, T["sourceDesc"])
    if r.citation is not None:
        sub(source_desc, T["bibl"], r.citation, _CITATION)
    if r.creators or r.source or r.original_languages or r.formats:
        original = el(source_desc, T["bibl"], _ORIGINAL)
        for creator in r.creators:
            el(original, T["author"]).text = creator
        if r.source is not None:
            el(original, T["idno"], _ARCHIVAL).text = r.source
        for language in r.original_languages:
            attrs = {"mainLang": language.code} if language.code else None
            sub(original, T["textLang"], language.name, attrs)
        for item in r.formats:
            el(original, T["extent"]).text = item
    if r.provenance is not None:
        harvested = el(source_desc, T["bibl"], _OAI_PMH)
        el(harvested, T["idno"], _OAI).text = r.provenance.oai_identifier
        el(harvested, T["date"], {"type": "datestamp", "when": r.provenance.datestamp})
        for spec in r.provenance.set_specs:
            el(harvested, T["idno"], _SET_SPEC).text = spec
        if r.provenance.base_url is not None:
            el(harvested, T["ptr"], {"target": r.provenance.base_url})
    if len(source_desc) == 0:
        el(source_desc, T["p"])

    app_info = el(el(header, T["encodingDesc"]), T["appInfo"])
    application = el(app_info, T["application"], _APPLICATION)
    el(application, T["label"]).text = "archmeta"

    if r.summary or r.date or r.languages or r.type or r.subjects or r.places:
        profile = el(header, T["profileDesc"])
        if r.summary is not None:
            sub(el(profile, T["abstract"]), T["p"], r.summary)
        if r.date is not None:
            _date(el(profile, T["creation"]), r.date)
        if r.languages:
            usage = el(profile, T["langUsage"])
            for language in r.languages:
                el(usage, T["language"], {"ident": language.code or ""}).text = language.name
        if r.type or r.subjects or r.places:
            keywords = el(el(profile, T["textClass"]), T["keywords"])
            if r.type is not None:
                el(keywords, T["term"], _GENRE).text = r.type
            for subject in r.subjects:
                el(keywords, T["term"]).text = subject
            for place in r.places:
                el(el(keywords, T["term"], _PLACE), T["placeName"]).text = place

    div = el(el(el(root, T["text"]), T["body"]), T["div"])
    p_tag = T["p"]
    for paragraph in r.body:
        _write_paragraph(el(div, p_tag), paragraph)
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
        if len(child):  # only then the tag is asked for (lxml makes a new string each time)
            tag = child.tag
            if tag in _STRUCTURAL or (tag == _BIBL and child.get("type") == "original"):
                _indent(child, level + 1)
    if child is not None:
        child.tail = "\n" + INDENT * level


def dumps(record: ArchivalRecord) -> str:
    """Write a record as a whole TEI P5 document (deterministic, pretty-printed)."""
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
