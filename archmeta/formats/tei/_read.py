"""Reading TEI P5: the fields of a record from archmeta's paths first, then from what
other projects use; everything else is reported."""

from __future__ import annotations

from typing import Any

import pydantic

from ...dates import is_valid_edtf, normalize_date
from ...errors import Issue, ParseError, ValidationError
from ...model import ArchivalRecord
from ...xmlsafe import parse_xml
from .._io import PathOrFile, read_bytes, source_name
from ._common import (
    APPLICATION,
    EDTF_METHOD,
    FIELD_PATHS,
    TEI_NS,
    _compiled,
    _local,
    _q,
    _xpath,
)
from ._text import (
    _BLOCKS,
    _CONTAINERS,
    _DROPPED_INLINE,
    _EDTF,
    _LANGUAGE_TAG,
    _PARALLEL,
    _URL,
    _has_own_text,
    _TextReader,
)

# Where a date is read from, in order: archmeta's own place, then what other projects use.
_DATE_PATHS = (
    "teiHeader/profileDesc/creation//date",
    "teiHeader/profileDesc/correspDesc/correspAction[@type='sent']/date",
    "text/body//dateline//date",
    "text//dateline//date",
)
_BLOCK_OR_CONTAINER = _BLOCKS | _CONTAINERS
# Other places a field is read from when the mapping table's path is not in the document.
_FALLBACK_PATHS = {"date": _DATE_PATHS, "body": ("text/body//p", "text/body")}


def _places(reader: _Reader, record: ArchivalRecord) -> dict[str, tuple[int, str]]:
    """The line and XPath of the first element each field of ``record`` was read from (the
    mapping table's path, else where a foreign document has it), for rules to point at."""
    out: dict[str, tuple[int, str]] = {}
    for name, path in FIELD_PATHS.items():
        if getattr(record, name, None) in (None, [], ""):
            continue
        for candidate in (path, *_FALLBACK_PATHS.get(name, ())):
            nodes = reader.find(candidate)
            if nodes and nodes[0].sourceline:
                out[name] = (nodes[0].sourceline, _xpath(nodes[0], reader.positions))
                break
    return out


class _Reader(_TextReader):
    """Reads the record's fields from a TEI document."""

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
        # Validated once, strictly: every value is already a str, a list or the fields of a
        # model (the date, the languages: building them as models first validated them twice).
        return ArchivalRecord.model_validate(
            {k: v for k, v in fields.items() if v is not None and v != []}, strict=True
        )

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
        funders = self.lines_of(FIELD_PATHS["funders"])
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
        fields["collections"] = self.lines_of(FIELD_PATHS["collections"])
        self.take("teiHeader/fileDesc/seriesStmt")

    def notes(self, fields: dict[str, Any]) -> None:
        base = "teiHeader/fileDesc/notesStmt/"
        credits = [self.block_text(n) for n in self.take(base + "note[@type='credits']")]
        fields["credits"] = credits[0] if credits and credits[0] else None
        fields["contents"] = self.lines_of(FIELD_PATHS["contents"])
        fields["notes"] = self.lines_of(base + "note[not(@type='credits' or @type='contents')]")
        self.take(base + "relatedItem")
        fields["relations"] = self.lines_of(
            base + "relatedItem/bibl|" + base + "relatedItem[not(bibl)]"
        )

    def source_desc(self, fields: dict[str, Any]) -> None:
        base = "teiHeader/fileDesc/sourceDesc/"
        citation = (
            self.take(FIELD_PATHS["citation"])
            or [
                b
                for b in self.find(base + "bibl[not(@type='original' or @type='oai-pmh')]")
                if self.paragraph(b)
            ][:1]
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
        fields["provenance"] = self.provenance(base)

    def provenance(self, base: str) -> dict[str, Any] | None:
        """The OAI-PMH header a harvested record came with (``bibl[@type='oai-pmh']``)."""
        found = self.take(base + "bibl[@type='oai-pmh']")
        if not found:
            return None
        bibl = found[0]
        dates = [d.get("when") for d in self.find("date[@type='datestamp']", bibl)]
        targets = [p.get("target") for p in self.find("ptr", bibl)]
        return {
            "oai_identifier": self.first_line("idno[@type='oai']", bibl),
            "datestamp": (dates[0] or "").strip() if dates else None,
            "set_specs": self.lines_of("idno[@type='setSpec']", bibl),
            "base_url": (targets[0] or "").strip() or None if targets else None,
        }

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

    def languages(
        self, path: str, context: Any = None, attr: str = "mainLang"
    ) -> list[dict[str, str | None]]:
        """The languages ``path`` names, as the fields of ``Language``s (validated with the
        record, once)."""
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
            result.append({"name": name, "code": code})
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

    def date(self) -> dict[str, str | None] | None:
        for path in _DATE_PATHS:
            nodes = self.find(path)
            if nodes:
                if path.startswith("teiHeader"):
                    self.used.add(nodes[0])
                return self.date_of(nodes[0])
        return None

    def date_of(self, node: Any) -> dict[str, str | None] | None:
        """The date ``node`` holds, as the fields of an ``ArchivalDate`` (validated with the
        record, once)."""
        text = self.line(node)
        attrs = {k: (node.get(k) or "").strip() for k in node.attrib}
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
        return {"text": text, "edtf": edtf}

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
        if _local(container) not in ("body", "div", "text") and _has_own_text(container):
            value = self.paragraph(container, body=True)
            if value:
                out.append(value)
            return
        for child in container:
            name = _local(child)
            if (
                not name
                or name in ("lb", "pb", "cb", "milestone", "anchor")
                or (self.skip and child in self.skip)
            ):
                continue
            if name in _CONTAINERS:
                self.blocks(child, out)
            elif name in _BLOCKS:
                # A block read as blocks: children (some blocks or containers), no own text.
                # The cheap tests first: most blocks are paragraphs with text.
                if (
                    len(child)
                    and not _has_own_text(child)
                    and any(_local(c) in _BLOCK_OR_CONTAINER for c in child)
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
        # The elements above a used one, gathered once from the used elements upwards (asking
        # each unused element's descendants walked the header again).
        above: set[Any] = set()
        for element in self.used:
            parent = element.getparent()
            while parent is not None and parent not in above:
                above.add(parent)
                parent = parent.getparent()

        def visit(element: Any) -> None:
            for child in element:
                if child in self.used or not _local(child):
                    continue
                if child in above:
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


MAX_ELEMENTS = 200_000
"""The most elements a TEI document archmeta reads may have. An archival record has hundreds
or a few thousand; reading costs a few microseconds per element in Python, and an unmapped
header element is one warning each, so a document of a million empty elements (4 MB, well
under the size limit) would take seconds and hold a million issues. Such a document is refused
(rule ``tei-too-many-elements``) before any element is read."""


def _check_element_count(root: Any, length: int, source: str | None) -> None:
    """Refuse a document of more than :data:`MAX_ELEMENTS` elements, counting them only when the
    document is long enough to hold that many (``<a/>``, the shortest, is four characters)."""
    if length <= 4 * MAX_ELEMENTS:
        return
    from itertools import islice

    from lxml import etree

    elements = root.iter(etree.Element)  # elements only, not comments nor PIs
    if sum(1 for _ in islice(elements, MAX_ELEMENTS + 1)) > MAX_ELEMENTS:
        raise ParseError(
            f"the TEI document has more than {MAX_ELEMENTS:,} elements; archmeta reads TEI "
            f"documents of at most {MAX_ELEMENTS:,} elements",
            source=source,
            line=1,
            column=1,
            rule="tei-too-many-elements",
        )


def _document_root(data: str | bytes, source: str | None) -> tuple[Any, list[Issue]]:
    root = parse_xml(data, source)
    _check_element_count(root, len(data), source)
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


_OWN = _compiled(f"teiHeader/encodingDesc/appInfo/application[@ident='{APPLICATION}']")


def read(
    data: str | bytes,
    source: str | None = None,
    places: dict[str, tuple[int, str]] | None = None,
) -> tuple[ArchivalRecord, list[Issue]]:
    """Read a TEI document: the record, and warnings about what was skipped or flattened.
    ``places``, when given, is filled with the line and XPath each field was read from.

    Raises :class:`ParseError` for malformed XML (line and column), a root other than ``TEI``
    and a document without a title.
    """
    root, issues = _document_root(data, source)
    # Written by archmeta (its application is named in the header): read without the merging
    # and guessing foreign documents need.
    own = bool(_OWN(root))
    reader = _Reader(source=source, root=root, own=own, issues=issues)
    try:
        record = reader.read()
    except pydantic.ValidationError as exc:  # a value the model refuses (foreign documents)
        from ...errors import pydantic_issues

        raise ValidationError(pydantic_issues(exc, source), source) from None
    reader.issues.sort(key=lambda i: i.line if i.line is not None else 0)
    if places is not None:
        places.update(_places(reader, record))
    return record, reader.issues


def loads(data: str | bytes, source: str | None = None) -> ArchivalRecord:
    """Read a record from a TEI document (warnings are dropped; :func:`read` returns them)."""
    return read(data, source)[0]


def load(target: PathOrFile) -> ArchivalRecord:
    """Read a TEI document from a path or an open file."""
    return loads(read_bytes(target), source=source_name(target))
