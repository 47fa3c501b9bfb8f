"""TEI P5 XML: one whole ``TEI`` document per record (``docs/formats/tei.md``).

Writing is deterministic and pretty-printed, and every document archmeta writes is valid
against ``schemas/archmeta-tei.rng`` (the project's TEI subset) and so against TEI ``tei_all``.
Indentation is only ever added inside element-only content; mixed content (``p``, ``title``,
``note`` ...) is written exactly, with ``xml:space="preserve"`` on the root saying so. Newlines
inside a value become ``<lb/>``.

Body paragraphs carry the Digital Archive's bracket marks as TEI elements:

* ``[...]`` (and ``[…]``, ``[ …]``, ``[....]``) -> ``<gap reason="editorial" rend="[...]"/>``;
* ``[illegible]`` -> ``<gap reason="illegible" rend="[illegible]"/>``;
* ``[April]`` -> ``<supplied>April</supplied>``;
* ``word [sic]`` -> ``<sic rend="[sic]">word</sic>``: the sic rule. When the mark follows one
  space that follows a word (a run of non-space characters), that word is wrapped and the space
  is implied; otherwise (start of a paragraph, several spaces, a mark before it) the mark is
  written as an empty ``<sic rend="[sic]"/>`` where it stands.

``@rend`` keeps the mark exactly as written. A mark that ``@rend`` cannot hold (one with a
non-breaking or other unusual space) is kept in a ``<desc>`` child of the ``gap`` instead.

Reading takes the same paths back, and also accepts TEI that other projects wrote: what maps is
taken (see ``docs/formats/tei.md``), the rest is reported by :func:`read` as warnings.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..dates import edtf_bounds, is_valid_edtf, normalize_date
from ..errors import Issue, ParseError, ValidationError
from ..model import (
    EDTF_PATTERN,
    LINE_PATTERN,
    ArchivalDate,
    ArchivalRecord,
    Language,
)
from ..segments import Illegible, Omission, Sic, Supplied, Text, classify_mark, parse_inline
from ..xmlsafe import parse_xml
from ._io import PathOrFile, read_bytes, source_name, write_text
from ._sniff import xml_root
from .codec import Codec, Decoded, failed

if TYPE_CHECKING:
    from lxml import etree

__all__ = [
    "FIELD_PATHS",
    "SCHEMA_NAME",
    "TEI_NS",
    "TeiCodec",
    "codec",
    "dump",
    "dumps",
    "load",
    "loads",
    "read",
    "schema_issues",
]

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SCHEMA_NAME = "archmeta-tei.rng"
SCHEMA_URL = "https://archmeta.dev/schemas/" + SCHEMA_NAME
# ``@datingMethod`` of a date whose ``@when-custom`` holds the EDTF value.
EDTF_METHOD = "https://www.loc.gov/standards/datetime/"
APPLICATION = "archmeta"
# The format of the mapping: documents name it in appInfo/application/@version.
MAPPING_VERSION = "1.0"
INDENT = "  "

# ----------------------------------------------------------------------------- the mapping
# Where each field lives, relative to /TEI (the writer below builds exactly these, in the order
# the TEI content models require; the reader takes the same paths first, then what other
# projects use). ``archmeta/crosswalk.py`` shows the same table with the reasons.
FIELD_PATHS: dict[str, str] = {
    "title": "teiHeader/fileDesc/titleStmt/title[not(@type)]",
    "alternative_titles": "teiHeader/fileDesc/titleStmt/title[@type='alt']",
    "creators": "teiHeader/fileDesc/sourceDesc/bibl[@type='original']/author",
    "funders": "teiHeader/fileDesc/titleStmt/funder",
    "translators": "teiHeader/fileDesc/titleStmt/respStmt[resp/@key='trl']/name",
    "contributors": "teiHeader/fileDesc/titleStmt/respStmt[resp/@key='ctb']/name",
    "publisher": "teiHeader/fileDesc/publicationStmt/publisher",
    "identifier": "teiHeader/fileDesc/publicationStmt/idno[@type='archmeta']",
    "url": "teiHeader/fileDesc/publicationStmt/idno[@type='URI']",
    "identifiers": "teiHeader/fileDesc/publicationStmt/idno[not(@type)]",
    "rights": "teiHeader/fileDesc/publicationStmt/availability/p",
    "collections": "teiHeader/fileDesc/seriesStmt/title",
    "credits": "teiHeader/fileDesc/notesStmt/note[@type='credits']",
    "contents": "teiHeader/fileDesc/notesStmt/note[@type='contents']",
    "notes": "teiHeader/fileDesc/notesStmt/note[not(@type)]",
    "relations": "teiHeader/fileDesc/notesStmt/relatedItem/bibl",
    "citation": "teiHeader/fileDesc/sourceDesc/bibl[@type='citation']",
    "source": "teiHeader/fileDesc/sourceDesc/bibl[@type='original']/idno[@type='archival']",
    "original_languages": "teiHeader/fileDesc/sourceDesc/bibl[@type='original']/textLang",
    "formats": "teiHeader/fileDesc/sourceDesc/bibl[@type='original']/extent",
    "summary": "teiHeader/profileDesc/abstract/p",
    "date": "teiHeader/profileDesc/creation/date",
    "languages": "teiHeader/profileDesc/langUsage/language",
    "type": "teiHeader/profileDesc/textClass/keywords/term[@type='genre']",
    "subjects": "teiHeader/profileDesc/textClass/keywords/term[not(@type)]",
    "places": "teiHeader/profileDesc/textClass/keywords/term[@type='place']/placeName",
    "body": "text/body/div/p",
}
RESP_TRANSLATOR = ("trl", "Translated by")  # MARC relator code and the words of <resp>
RESP_CONTRIBUTOR = ("ctb", "Contributor")


def _q(tag: str) -> str:
    return f"{{{TEI_NS}}}{tag}"


def _local(el: Any) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""  # comment or processing instruction
    return tag.rsplit("}", 1)[-1]


# ------------------------------------------------------------------------------ writing


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


_WORD_BEFORE_SIC = re.compile(r"(\S+) \Z")


def _write_paragraph(p: etree._Element, paragraph: str) -> None:
    """One body paragraph: text and the editors' marks as TEI elements (see the module doc)."""
    out = _Mixed(p)
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
                out.child("gap", reason=reason, rend=segment.mark)
            else:
                gap = out.child("gap", reason=reason)
                _sub(gap, "desc", segment.mark)
        elif isinstance(segment, Supplied):
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


# Plain W3C (XML Schema) dates and date-times that ``@when`` holds as they are.
_W3C_DATE = re.compile(
    r"\d{4}(?:-\d{2}(?:-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?)?)?)?"
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
_STRUCTURAL = frozenset(
    "TEI teiHeader fileDesc titleStmt respStmt publicationStmt availability seriesStmt "
    "notesStmt relatedItem sourceDesc encodingDesc appInfo application profileDesc abstract "
    "creation langUsage textClass keywords text body div".split()
)


def _indent(element: etree._Element, level: int = 0) -> None:
    structural = _local(element) in _STRUCTURAL or (
        _local(element) == "bibl" and element.get("type") == "original"
    )
    if not structural or len(element) == 0:
        return
    inner = "\n" + INDENT * (level + 1)
    element.text = inner
    for child in element:
        child.tail = inner
        _indent(child, level + 1)
    element[-1].tail = "\n" + INDENT * level


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


# ------------------------------------------------------------------------------ reading

_LINE = re.compile(LINE_PATTERN)
_URL = re.compile(r'^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>"]+$')
_EDTF = re.compile(EDTF_PATTERN)
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_XML_SPACE = re.compile(r"[ \t\r\n]+")
_XML_SPACE_ATTR = f"{{{XML_NS}}}space"
_LB = object()  # a line break in flattened text
_JOIN = object()  # <lb break="no"/>: the word goes on, white space around it is dropped

# Inline elements dropped from running text (with a warning): notes, page furniture, figures.
_DROPPED_INLINE = frozenset({"note", "fw", "figure", "del", "surplus", "metamark", "interp"})
# Milestones: no text of their own.
_MILESTONES = frozenset({"pb", "cb", "milestone", "gb", "anchor", "index", "ptr", "graphic"})
# Block elements that hold one paragraph of text each.
_BLOCKS = frozenset(
    "p ab head dateline salute signed byline docAuthor docDate docTitle titlePart trailer "
    "epigraph argument l item label address addrLine quote q said stage speaker".split()
)
# Block containers: their children are read one by one.
_CONTAINERS = frozenset(
    "body div div1 div2 div3 div4 div5 div6 div7 opener closer postscript lg list listBibl "
    "sp floatingText group text front back table row cell letter titlePage".split()
)
# div/@type of versions of the text that are not the text as written (see _Reader.versions).
_PARALLEL = frozenset(
    "normalized normalised regularized regularised modernized modernised translation "
    "summary abstract".split()
)
# Choice readings kept (the form as written in the source); the others are skipped.
_CHOICE_KEEP = ("sic", "orig", "abbr", "seg", "unclear")


@dataclass
class _Reader:
    source: str | None
    root: etree._Element
    own: bool = False
    issues: list[Issue] = field(default_factory=list)
    used: set[Any] = field(default_factory=set)
    counts: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    space: str | None = None  # xml:space of the whole document, "mixed" when it varies
    skip: set[Any] = field(default_factory=set)  # body divs not read as the body
    # Per parent: each child's position among its same-named siblings, and their counts
    # (warnings name elements by XPath; counting siblings for each one was quadratic).
    positions: dict[Any, Any] = field(default_factory=dict)
    # Per list that add() merges into: (the list, its length when last seen, its values).
    seen: dict[int, tuple[list[Any], int, set[Any]]] = field(default_factory=dict)

    # ----------------------------------------------------------------- helpers

    def find(self, path: str, context: etree._Element | None = None) -> list[Any]:
        nodes = (context if context is not None else self.root).xpath(
            _tei_xpath(path), namespaces={"t": TEI_NS}
        )
        return list(nodes)

    def warn(self, message: str, element: Any, rule: str = "tei-skipped") -> None:
        self.issues.append(
            Issue(
                message=message,
                rule=rule,
                severity="warning",
                line=getattr(element, "sourceline", None),
                column=1 if getattr(element, "sourceline", None) else None,
                xpath=_xpath(element, self.positions),
                source=self.source,
            )
        )

    def note_inline(self, kind: str, element: Any) -> None:
        self.counts.setdefault((kind, _local(element)), []).append(element)

    def preserve(self, element: Any) -> bool:
        """Whether ``xml:space="preserve"`` is in force for the element."""
        if self.space is None:
            inner = self.root.xpath("boolean(.//*[@xml:space])")
            self.space = "mixed" if inner else (self.root.get(_XML_SPACE_ATTR) or "default")
        if self.space != "mixed":
            return self.space == "preserve"
        value = element.xpath("string(ancestor-or-self::*[@xml:space][1]/@xml:space)")
        return bool(value == "preserve")

    # ----------------------------------------------------------------- text

    def pieces(self, element: Any, body: bool = False) -> list[Any]:
        """Flattened content: strings and ``_LB`` markers."""
        out: list[Any] = []
        if element.text:
            out.append(element.text)
        for child in element:
            out.extend(self.inline(child, body))
            if child.tail:
                out.append(child.tail)
        return out

    def inline(self, child: Any, body: bool) -> list[Any]:
        name = _local(child)
        if not name:  # comments and processing instructions
            return []
        if name == "lb":
            return [_JOIN] if child.get("break") == "no" else [_LB]
        if name in _MILESTONES:
            if name not in ("pb", "cb", "anchor", "index"):
                self.note_inline("skipped", child)
            return []
        if name in _DROPPED_INLINE:
            self.note_inline("skipped", child)
            return []
        if name == "gap":
            return [self.gap_mark(child)]
        if name == "supplied":
            return ["[", *self.pieces(child, body), "]"]
        if name == "sic":
            mark = child.get("rend")
            if not (mark and isinstance(_classify(mark), Sic)):
                mark = "[sic]"
            inner = self.pieces(child, body)
            if not "".join(p for p in inner if isinstance(p, str)).strip():
                return [mark]
            return [*inner, " ", mark]
        if name == "choice":
            for keep in _CHOICE_KEEP:
                for option in child:
                    if _local(option) == keep:
                        others = [o for o in child if o is not option and _local(o)]
                        for other in others:
                            self.note_inline("skipped (choice)", other)
                        return self.inline(option, body)
            options = [o for o in child if _local(o)]
            return self.inline(options[0], body) if options else []
        if name not in _KNOWN_INLINE and body:
            self.note_inline("flattened", child)
        return self.pieces(child, body)

    def gap_mark(self, gap: Any) -> str:
        for candidate in (gap.get("rend"), _text_of(gap, "desc")):
            if candidate and isinstance(_classify(candidate), (Omission, Illegible)):
                return candidate
        return "[illegible]" if "illegible" in (gap.get("reason") or "") else "[...]"

    def paragraph(self, element: Any, body: bool = False) -> str | None:
        """The element's text as a Paragraph (lines joined by newlines), None when empty."""
        pieces = self.pieces(element, body)
        # Each line is gathered as a list of parts and joined once: adding to a growing string
        # made a paragraph with many inline elements take quadratic time.
        parts: list[list[str]] = [[]]
        join = False
        for piece in pieces:
            if piece is _LB:
                parts.append([])
            elif piece is _JOIN:
                _rstrip_parts(parts[-1])
                join = True
            else:
                parts[-1].append(piece.lstrip(" \t\r\n") if join else piece)
                join = join and not piece.strip(" \t\r\n")
        lines = ["".join(line) for line in parts]
        if self.preserve(element):
            # Exact when it is a valid paragraph: non-empty lines without edge white space
            # (the XML parser has refused control characters other than TAB, LF and CR).
            if all(_exact_line(line) for line in lines):
                return "\n".join(lines)
        normal = [_XML_SPACE.sub(" ", line).strip() for line in lines]
        normal = [line for line in normal if line]
        return "\n".join(normal) or None

    def block_text(self, element: Any) -> str | None:
        """The text of a block that may hold paragraphs (``abstract``, ``availability``,
        ``note``): its paragraphs' lines joined by newlines."""
        blocks = [c for c in element if _local(c) in ("p", "ab", "licence")]
        if not blocks or _has_own_text(element):
            return self.paragraph(element)
        self.used.update(blocks)
        values = [self.paragraph(b) for b in blocks]
        return "\n".join(v for v in values if v) or None

    def line(self, element: Any) -> str | None:
        """The element's text as one Line (line breaks become spaces), None when empty."""
        value = self.paragraph(element)
        if value is None:
            return None
        if "\n" in value:
            value = " ".join(part.strip() for part in value.split("\n"))
        return value if _LINE.search(value) else None

    def add(self, target: list[Any], values: Any) -> None:
        """Append values; foreign documents often name one thing twice, so they are merged."""
        if self.own:
            target.extend(value for value in values if value is not None)
            return
        known, length, present = self.seen.get(id(target), (None, -1, set()))
        if known is not target or length != len(target):  # new to add() (or changed elsewhere)
            present = set(target)
        for value in values:
            if value is not None and value not in present:
                target.append(value)
                present.add(value)
        self.seen[id(target)] = (target, len(target), present)

    def take(self, path: str, context: Any = None) -> list[Any]:
        nodes = self.find(path, context)
        self.used.update(nodes)
        return nodes

    def lines_of(self, path: str, context: Any = None) -> list[str]:
        values = []
        for node in self.take(path, context):
            value = self.line(node)
            if value is not None:
                values.append(value)
        return values

    def first_line(self, path: str, context: Any = None) -> str | None:
        values = self.lines_of(path, context)
        return values[0] if values else None

    # ----------------------------------------------------------------- fields

    def read(self) -> ArchivalRecord:
        header = self.find("teiHeader")
        if not header:
            raise ParseError(
                "not a TEI document archmeta can read: /TEI has no teiHeader",
                source=self.source,
                line=self.root.sourceline or 1,
                column=1,
                rule="tei-structure",
            )
        fields: dict[str, Any] = {}
        self.titles(fields)
        self.people(fields)
        self.publication(fields)
        self.notes(fields)
        self.source_desc(fields)
        self.profile(fields)
        fields["body"] = self.body(fields)
        self.report_unused(header[0])
        self.report_inline()
        return ArchivalRecord(**{k: v for k, v in fields.items() if v not in (None, [])})

    def titles(self, fields: dict[str, Any]) -> None:
        stmt = self.find("teiHeader/fileDesc/titleStmt")
        titles = self.take("teiHeader/fileDesc/titleStmt/title")
        main: str | None = None
        alternatives: list[str] = []
        known: set[str] = set()
        ordered = sorted(
            titles, key=lambda t: 0 if (t.get("type") in (None, "main", "complete", "full")) else 1
        )
        for node in ordered:
            value = self.line(node)
            if value is None:
                continue
            if main is None and node.get("type") != "alt":
                main = value
            elif value != main and value not in known:
                alternatives.append(value)
                known.add(value)
        if main is None and alternatives:
            main = alternatives.pop(0)
        if main is None:
            where = stmt[0] if stmt else (self.find("teiHeader/fileDesc") or [self.root])[0]
            raise ParseError(
                "the TEI document has no title: expected text in "
                "/TEI/teiHeader/fileDesc/titleStmt/title",
                source=self.source,
                line=where.sourceline or 1,
                column=1,
                snippet=_xpath(where),
                rule="title-missing",
            )
        fields["title"] = main
        if self.own:
            alternatives = self.lines_of(FIELD_PATHS["alternative_titles"])
        fields["alternative_titles"] = alternatives

    def people(self, fields: dict[str, Any]) -> None:
        translators: list[str] = []
        contributors: list[str] = []
        # In document order: respStmt (translators by @key='trl' or "transl..." in resp), and
        # editors and sponsors, who are contributors.
        base = "teiHeader/fileDesc/titleStmt/"
        for node in self.take(
            "teiHeader/fileDesc//respStmt|" + base + "editor|" + base + "sponsor"
        ):
            if _local(node) != "respStmt":
                self.add(contributors, [self.line(node)])
                continue
            resps = self.take("resp", node)
            words = " ".join(
                (r.get("key") or "") + " " + (self.line(r) or "") for r in resps
            ).lower()
            names = self.lines_of("name|persName|orgName", node)
            target = translators if ("trl" in words.split() or "transl" in words) else contributors
            self.add(target, names)
        fields["translators"] = translators
        fields["contributors"] = contributors
        funders = self.lines_of("teiHeader/fileDesc/titleStmt/funder")
        self.add(funders, self.lines_of("teiHeader/fileDesc/editionStmt/funder"))
        fields["funders"] = funders
        creators: list[str] = []
        self.add(creators, self.lines_of("teiHeader/fileDesc/titleStmt/author"))
        for path in (
            "teiHeader/fileDesc/sourceDesc/bibl/author",
            "teiHeader/fileDesc/sourceDesc/biblStruct/analytic/author",
            "teiHeader/fileDesc/sourceDesc/listBibl/biblStruct/analytic/author",
            "teiHeader/fileDesc/sourceDesc/msDesc//author",
            "teiHeader/profileDesc/correspDesc/correspAction[@type='sent']/persName",
            "teiHeader/profileDesc/correspDesc/correspAction[@type='sent']/orgName",
        ):
            self.add(creators, self.lines_of(path))
        fields["creators"] = creators

    def publication(self, fields: dict[str, Any]) -> None:
        base = "teiHeader/fileDesc/publicationStmt/"
        publisher = self.first_line(base + "publisher")
        if publisher is None:
            publisher = self.first_line(base + "authority") or self.first_line(base + "distributor")
        else:
            self.take(base + "authority[not(node())]")
        fields["publisher"] = publisher
        identifiers: list[str] = []
        for node in self.take(base + "idno"):
            value = self.line(node)
            if value is None:
                continue
            kind = node.get("type") or ""
            if kind == "archmeta" and "identifier" not in fields:
                fields["identifier"] = value
            elif kind.lower() in ("uri", "url") and "url" not in fields and _URL.match(value):
                fields["url"] = value
            else:
                self.add(identifiers, [value])
        fields["identifiers"] = identifiers
        rights = [self.block_text(n) for n in self.take(base + "availability")]
        fields["rights"] = "\n".join(r for r in rights if r) or None
        fields["collections"] = self.lines_of("teiHeader/fileDesc/seriesStmt/title")
        self.take("teiHeader/fileDesc/seriesStmt")

    def notes(self, fields: dict[str, Any]) -> None:
        base = "teiHeader/fileDesc/notesStmt/"
        credits = [self.block_text(n) for n in self.take(base + "note[@type='credits']")]
        fields["credits"] = credits[0] if credits and credits[0] else None
        fields["contents"] = self.lines_of(base + "note[@type='contents']")
        fields["notes"] = self.lines_of(base + "note[not(@type='credits' or @type='contents')]")
        self.take(base + "relatedItem")
        fields["relations"] = self.lines_of(
            base + "relatedItem/bibl|" + base + "relatedItem[not(bibl)]"
        )

    def source_desc(self, fields: dict[str, Any]) -> None:
        base = "teiHeader/fileDesc/sourceDesc/"
        citation = (
            self.take(base + "bibl[@type='citation']")
            or [b for b in self.find(base + "bibl[not(@type='original')]") if self.paragraph(b)][:1]
        )
        self.used.update(citation)
        fields["citation"] = self.paragraph(citation[0]) if citation else None
        original = self.take(base + "bibl[@type='original']")
        if original:
            fields["source"] = self.first_line("idno[@type='archival']", original[0])
            fields["original_languages"] = self.languages("textLang", original[0])
            fields["formats"] = self.lines_of("extent", original[0])
        else:
            fields["source"] = self.ms_identifier()
            fields["original_languages"] = self.languages("teiHeader/fileDesc/sourceDesc//textLang")
            fields["formats"] = self.lines_of(
                "teiHeader/fileDesc/sourceDesc//physDesc//extent"
            ) + self.lines_of("teiHeader/fileDesc/sourceDesc/bibl/extent")
            self.add(fields["notes"], [self.line(n) for n in self.take(base + "p")])
        self.take(base + "p[not(node())]")

    def ms_identifier(self) -> str | None:
        ids = self.take("teiHeader/fileDesc/sourceDesc//msIdentifier")
        if not ids:
            return None
        parts = []
        for child in ids[0]:
            if _local(child) in ("settlement", "repository", "collection", "idno", "institution"):
                value = self.line(child)
                if value:
                    parts.append(value)
                self.used.add(child)
        return ", ".join(parts) or None

    def languages(self, path: str, context: Any = None, attr: str = "mainLang") -> list[Language]:
        result = []
        for node in self.take(path, context):
            code = node.get(attr) or node.get("ident") or None
            if code is not None and not _LANGUAGE_TAG.match(code):
                code = None
            name = self.line(node)
            if name is None or "," in name or ";" in name:
                if code is None:
                    continue
                name = code
            result.append(Language(name=name, code=code))
        return result

    def profile(self, fields: dict[str, Any]) -> None:
        base = "teiHeader/profileDesc/"
        summary = [self.block_text(n) for n in self.take(base + "abstract")]
        fields["summary"] = "\n".join(s for s in summary if s) or None
        fields["languages"] = self.languages(base + "langUsage/language", attr="ident")
        self.take(base + "langUsage")
        terms = self.take(base + "textClass/keywords/term")
        self.take(base + "textClass/keywords")
        subjects: list[str] = []
        places: list[str] = []
        for term in terms:
            kind = term.get("type")
            if kind == "genre" and "type" not in fields:
                fields["type"] = self.line(term)
                continue
            names = self.find("placeName", term)
            if kind == "place" or names:
                self.used.update(names)
                self.add(places, [self.line(n) for n in names] or [self.line(term)])
            else:
                self.add(subjects, [self.line(term)])
        self.add(places, self.lines_of(base + "settingDesc//placeName"))
        fields["subjects"] = subjects
        fields["places"] = places
        fields["date"] = self.date()

    def date(self) -> ArchivalDate | None:
        for path in (
            "teiHeader/profileDesc/creation//date",
            "teiHeader/profileDesc/correspDesc/correspAction[@type='sent']/date",
            "text/body//dateline//date",
            "text//dateline//date",
        ):
            nodes = self.find(path)
            if nodes:
                if path.startswith("teiHeader"):
                    self.used.add(nodes[0])
                return self.date_of(nodes[0])
        return None

    def date_of(self, node: Any) -> ArchivalDate | None:
        text = self.line(node)
        attrs = {k: (node.get(k) or "").strip() for k in node.keys()}
        custom = attrs.get("when-custom")
        edtf: str | None = None
        if custom and attrs.get("datingMethod") == EDTF_METHOD:
            edtf = custom
        elif attrs.get("when"):
            edtf = attrs["when"]
        elif not self.own:
            if attrs.get("notBefore") and attrs.get("notAfter"):
                edtf = f"{attrs['notBefore']}/{attrs['notAfter']}"
            elif attrs.get("from") and attrs.get("to"):
                edtf = f"{attrs['from']}/{attrs['to']}"
        if edtf is not None and not (_EDTF.match(edtf) and is_valid_edtf(edtf)):
            self.warn(
                f"the date value {edtf!r} is not a valid EDTF date; ignored", node, rule="tei-date"
            )
            edtf = None
        if text is None:
            if edtf is None:
                return None
            text = edtf
        if edtf is None and not self.own:
            edtf = normalize_date(text)
        return ArchivalDate(text=text, edtf=edtf)

    # ----------------------------------------------------------------- body

    def body(self, fields: dict[str, Any]) -> list[str]:
        bodies = self.find("text/body") or self.find("text/group//body")
        for extra in self.find("text/front") + self.find("text/back"):
            self.warn(f"<{_local(extra)}> skipped: only the text's body is read", extra)
        result: list[str] = []
        for body in bodies:
            self.versions(body, fields)
            self.blocks(body, result)
        return result

    def versions(self, body: Any, fields: dict[str, Any]) -> None:
        """Editions that give the text several times (as written, normalized, translated,
        summarized) in sibling ``div``s: the text as written is the body; a summary ``div``
        is the summary when the header has none; the other versions are skipped."""
        divs = [d for d in body if _local(d) == "div"]
        kinds = [(d.get("type") or "").lower() for d in divs]
        if not any(k in _PARALLEL for k in kinds) or all(k in _PARALLEL for k in kinds):
            return
        for div, kind in zip(divs, kinds, strict=True):
            if kind in ("summary", "abstract") and not fields.get("summary"):
                lines: list[str] = []
                self.blocks(div, lines)
                fields["summary"] = "\n".join(lines) or None
                self.skip.add(div)
            elif kind in _PARALLEL:
                self.skip.add(div)
                self.warn(
                    f'<div type="{div.get("type")}"> skipped: a parallel version of the text; '
                    "the body is the text as written",
                    div,
                )

    def blocks(self, container: Any, out: list[str]) -> None:
        if _has_own_text(container) and _local(container) not in ("body", "div", "text"):
            value = self.paragraph(container, body=True)
            if value:
                out.append(value)
            return
        for child in container:
            name = _local(child)
            if not name or name in ("lb", "pb", "cb", "milestone", "anchor") or child in self.skip:
                continue
            if name in _CONTAINERS:
                self.blocks(child, out)
            elif name in _BLOCKS:
                if any(_local(c) in _BLOCKS or _local(c) in _CONTAINERS for c in child) and (
                    not _has_own_text(child)
                ):
                    self.blocks(child, out)
                    continue
                value = self.paragraph(child, body=True)
                if value:
                    out.append(value)
            elif name in _DROPPED_INLINE or name in ("gap", "fw", "space", "graphic"):
                if name != "gap":
                    self.note_inline("skipped", child)
            else:
                self.note_inline("read as a paragraph", child)
                value = self.paragraph(child, body=True)
                if value:
                    out.append(value)

    # ----------------------------------------------------------------- warnings

    def report_unused(self, header: Any) -> None:
        def visit(element: Any) -> None:
            for child in element:
                if not _local(child) or child in self.used:
                    continue
                if any(d in self.used for d in child.iterdescendants()):
                    visit(child)
                elif _local(child) in ("encodingDesc",) and self.own:
                    continue
                else:
                    self.warn(f"<{_local(child)}> skipped: archmeta has no field for it", child)

        visit(header)

    def report_inline(self) -> None:
        for (kind, name), elements in self.counts.items():
            count = len(elements)
            noun = "element" if count == 1 else "elements"
            self.issues.append(
                Issue(
                    message=f"{count} <{name}> {noun} in the text {kind}",
                    rule="tei-skipped" if kind.startswith("skipped") else "tei-flattened",
                    severity="warning" if kind.startswith("skipped") else "info",
                    line=elements[0].sourceline,
                    column=1 if elements[0].sourceline else None,
                    xpath=_xpath(elements[0]),
                    source=self.source,
                )
            )


# Inline elements whose text is the text: flattened without a report.
_KNOWN_INLINE = frozenset(
    "hi emph foreign persName placeName orgName name rs date time num measure term title ref "
    "seg unclear add abbr expan orig reg corr q quote said mentioned soCalled distinct w c pc "
    "geogName roleName forename surname addName country region settlement bloc damage "
    "restore subst handShift".split()
)


def _rstrip_parts(parts: list[str]) -> None:
    """Strip XML white space from the end of a line held as a list of parts."""
    while parts:
        last = parts[-1].rstrip(" \t\r\n")
        if last:
            parts[-1] = last
            return
        parts.pop()


def _exact_line(line: str) -> bool:
    return bool(line) and line == line.strip() and "\n" not in line and "\r" not in line


def _classify(mark: str) -> Any:
    if len(mark) >= 2 and mark[0] == "[" and mark[-1] == "]" and "\n" not in mark:
        inner = mark[1:-1]
        if "[" not in inner and "]" not in inner:
            return classify_mark(inner)
    return None


def _has_own_text(element: Any) -> bool:
    if element.text and element.text.strip():
        return True
    return any(child.tail and child.tail.strip() for child in element)


def _text_of(element: Any, child_name: str) -> str | None:
    for child in element:
        if _local(child) == child_name:
            return "".join(child.itertext())
    return None


@lru_cache(maxsize=256)
def _tei_xpath(path: str) -> str:
    """``a/b[@x='y']/c`` with every element name in the TEI namespace (prefix ``t``)."""

    def step(match: re.Match[str]) -> str:
        return "t:" + match.group(0)

    # Prefix element names: names not preceded by @ or a quote, and not function names.
    return re.sub(r"(?<![@'\w:.\-])(?!(?:not|or|and)\b)[A-Za-z][\w.]*(?![\w(])", step, path)


def _xpath(element: Any, positions: dict[Any, Any] | None = None) -> str:
    """A readable XPath such as ``/TEI/teiHeader/fileDesc/titleStmt[1]``; ``positions`` caches
    sibling positions per parent for a reader that names many elements."""
    parts = []
    node = element
    while node is not None and isinstance(node.tag, str):
        name = _local(node)
        parent = node.getparent()
        if parent is None:
            parts.append(name)
        else:
            table = positions.get(parent) if positions is not None else None
            if table is None:
                order: dict[Any, int] = {}
                counts: dict[Any, int] = {}
                for child in parent:
                    counts[child.tag] = counts.get(child.tag, 0) + 1
                    order[child] = counts[child.tag]
                table = (order, counts)
                if positions is not None:
                    positions[parent] = table
            order, counts = table
            parts.append(f"{name}[{order[node]}]" if counts[node.tag] > 1 else name)
        node = parent
    return "/" + "/".join(reversed(parts))


def _document_root(data: str | bytes, source: str | None) -> tuple[Any, list[Issue]]:
    root = parse_xml(data, source)
    issues: list[Issue] = []
    if root.tag == _q("teiCorpus"):
        members = root.xpath("t:TEI", namespaces={"t": TEI_NS})
        if not members:
            raise ParseError(
                "the teiCorpus holds no TEI document",
                source=source,
                line=root.sourceline or 1,
                column=1,
                rule="tei-structure",
            )
        if len(members) > 1:
            issues.append(
                Issue(
                    f"teiCorpus with {len(members)} documents: only the first is read",
                    rule="tei-skipped",
                    severity="warning",
                    line=members[1].sourceline,
                    column=1,
                    xpath=_xpath(members[1]),
                    source=source,
                )
            )
        root = members[0]
    if root.tag != _q("TEI"):
        name = _local(root)
        hint = " (TEI P5 puts it in the namespace " + TEI_NS + ")" if name == "TEI" else ""
        raise ParseError(
            f"not a TEI P5 document: the root element is <{name}>{hint}",
            source=source,
            line=root.sourceline or 1,
            column=1,
            rule="tei-structure",
        )
    return root, issues


def read(data: str | bytes, source: str | None = None) -> tuple[ArchivalRecord, list[Issue]]:
    """Read a TEI document: the record, and warnings about what was skipped or flattened.

    Raises :class:`ParseError` for malformed XML (line and column), a root other than ``TEI``
    and a document without a title.
    """
    root, issues = _document_root(data, source)
    own = bool(
        root.xpath(
            "t:teiHeader/t:encodingDesc/t:appInfo/t:application[@ident=$a]",
            namespaces={"t": TEI_NS},
            a=APPLICATION,
        )
    )
    reader = _Reader(source=source, root=root, own=own, issues=issues)
    import pydantic

    try:
        record = reader.read()
    except pydantic.ValidationError as exc:  # a value the model refuses (foreign documents)
        from ..errors import pydantic_issues

        raise ValidationError(pydantic_issues(exc, source), source) from None
    reader.issues.sort(key=lambda i: i.line if i.line is not None else 0)
    return record, reader.issues


def loads(data: str | bytes, source: str | None = None) -> ArchivalRecord:
    """Read a record from a TEI document (warnings are dropped; :func:`read` returns them)."""
    return read(data, source)[0]


def load(target: PathOrFile) -> ArchivalRecord:
    """Read a TEI document from a path or an open file."""
    return loads(read_bytes(target), source=source_name(target))


# ------------------------------------------------------------------------------ schema


def schema_issues(
    data: str | bytes, source: str | None = None, schema: str | None = None
) -> list[Issue]:
    """Every problem of a TEI document against archmeta's TEI schema (or the RELAX NG file
    ``schema``), each with its line and column; a ParseError becomes one issue."""
    from ..schema import schema_path
    from ..xmlsafe import schema_file_issues

    target = schema or str(schema_path(SCHEMA_NAME))
    return schema_file_issues(data, target, source, rule="schema-invalid")


# ------------------------------------------------------------------------------ the codec


class TeiCodec(Codec):
    """One TEI P5 document per record (lossless)."""

    name = "tei"
    extensions = (".tei.xml",)
    media_type = "application/tei+xml"
    description = "TEI P5 XML document"
    takes_schema_file = True

    def sniff(self, head: bytes) -> int:
        root = xml_root(head)
        return 3 if root is not None and root[:2] in ((TEI_NS, "TEI"), (TEI_NS, "teiCorpus")) else 0

    def read(self, data: str | bytes, source: str | None = None) -> Decoded:
        try:
            record, issues = read(data, source)
        except (ParseError, ValidationError) as exc:
            return failed(exc)
        return Decoded(record, issues)

    def write(self, record: ArchivalRecord) -> str:
        return dumps(record)

    def schema_issues(
        self, data: str | bytes, source: str | None = None, schema: str | None = None
    ) -> list[Issue]:
        return schema_issues(data, source, schema)


codec = TeiCodec()
