"""OAI-PMH responses: reading ``ListRecords``/``GetRecord`` as a stream, writing ``ListRecords``.

Reading (constant memory, for files of any size)::

    iter_records(source, source_name=None, *, max_bytes=0) -> Iterator[CollectionItem]

``source`` is a path (``str`` or ``os.PathLike``) or a binary file object. The response is fed
in chunks to an lxml pull parser under archmeta's hardened parser options (no network, no DTD,
no entity expansion; documents declaring entities are refused); each ``record`` element is
turned into a :class:`CollectionItem` and then cleared, together with the records before it, so
memory does not grow with the file. A record over ``max_bytes`` (the size limit of one record)
is pruned as it is parsed and given as an item with a ``record-too-large`` issue, so memory
does not grow with a record past the limit either; so is a record of more than
:data:`MAX_RECORD_MARKUP` tags, whatever the limit. A record holding a text over the XML
parser's limit (:data:`TEXT_NODE_LIMIT` bytes) is given with a ``record-too-large`` issue at
that element's line, and the records after it are read (see ``_resume``). Each item carries the
OAI identifier and datestamp of its header; ``deleted`` is true for ``status="deleted"``
headers (``record`` is then None); a record that cannot be read (no title, metadata in a format
other than Dublin Core, ...) gives an item with ``record`` None and error issues, and the
stream goes on. Warnings about what was not kept (elements of other namespaces, extra dates)
are in ``issues`` beside a record. XML that is not well-formed raises
:class:`~archmeta.errors.ParseError` with its line and column once the reader reaches it (the
records before it have been yielded); an OAI-PMH ``error`` response other than
``noRecordsMatch`` raises ``ParseError`` too.

Writing (streamed too: one record element is built and written at a time)::

    write_list_records(items_or_records, file, *, flavour="oai_dc", base_url=...,
                       response_date=None, repository="archmeta") -> int

writes a ``ListRecords`` response valid against the official ``OAI-PMH.xsd`` from
:class:`CollectionItem` objects (deleted ones as deleted headers, unreadable ones skipped) or
plain :class:`~archmeta.model.ArchivalRecord` objects (identifier ``oai:REPOSITORY:ID``,
datestamp the response date), and returns the number of records written. Only ``oai_dc`` can be
written: OAI-PMH requires namespace-qualified metadata and the ``dcterms`` flavour uses DCMI's
unqualified ``qualifieddc`` container.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Container, Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any

from ..errors import Issue, ParseError
from ._oai_write import write_list_records
from ._resume import TEXT_NODE_LIMIT
from .codec import CollectionItem
from .dc import DC_NS, DCTERMS_NS, OAI_NS, from_element

if TYPE_CHECKING:
    from lxml import etree

__all__ = [
    "MAX_RECORD_MARKUP",
    "OAI_NS",
    "TEXT_NODE_LIMIT",
    "CollectionItem",
    "iter_records",
    "write_list_records",
]

_RECORD = f"{{{OAI_NS}}}record"
_REQUEST = f"{{{OAI_NS}}}request"
_HEADER = f"{{{OAI_NS}}}header"
_METADATA = f"{{{OAI_NS}}}metadata"
_ERROR = f"{{{OAI_NS}}}error"


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def _iterparse_options() -> dict[str, Any]:
    from ..xmlsafe import XML_PARSER_OPTIONS

    return dict(XML_PARSER_OPTIONS)


def _check_dtd(element: etree._Element, source: str | None) -> None:
    """The same refusals as :func:`archmeta.xmlsafe.parse_xml` (entity declarations)."""
    from ..xmlsafe import reject_entity_declarations

    reject_entity_declarations(element, source)


def _text(element: etree._Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def header_item(record_el: etree._Element, source: str | None) -> CollectionItem:
    """The item of an OAI-PMH ``record`` element as its header tells it: identifier, datestamp,
    set specs and deletion, or an ``oai-no-header`` issue when it has no header. Its metadata
    is read only when the item is neither deleted nor has that issue."""
    header = record_el.find(_HEADER)
    line = record_el.sourceline
    if header is None:
        return CollectionItem(
            None,
            None,
            issues=[Issue("the record has no header", "oai-no-header", line=line, source=source)],
            line=line,
        )
    identifier = _text(header.find(f"{{{OAI_NS}}}identifier"))
    datestamp = _text(header.find(f"{{{OAI_NS}}}datestamp"))
    set_specs = [s for s in (_text(e) for e in header.iterfind(f"{{{OAI_NS}}}setSpec")) if s]
    item = CollectionItem(identifier, datestamp, set_specs=set_specs, line=line)
    item.deleted = header.get("status") == "deleted"
    return item


def metadata_root(record_el: etree._Element) -> etree._Element | None:
    """The root element of a ``record``'s ``metadata`` (its first element child), or None."""
    metadata = record_el.find(_METADATA)
    if metadata is None:
        return None
    return next((c for c in metadata if isinstance(c.tag, str)), None)


def _item(record_el: etree._Element, source: str | None, build: bool = True) -> CollectionItem:
    item = header_item(record_el, source)
    if item.deleted or item.issues:
        return item
    line = item.line
    if not build:
        return item
    label = source
    container = metadata_root(record_el)
    if container is None:
        item.issues.append(
            Issue(
                "the record has no metadata (and is not marked deleted)",
                "oai-no-metadata",
                line=line,
                source=label,
            )
        )
        return item
    if not any(
        isinstance(c.tag, str) and c.tag.startswith((f"{{{DC_NS}}}", f"{{{DCTERMS_NS}}}"))
        for c in container
    ):
        item.issues.append(
            Issue(
                f"the metadata ({container.tag!s}) is not Dublin Core",
                "oai-not-dublin-core",
                line=container.sourceline,
                source=label,
            )
        )
        return item
    item.record, issues = from_element(container, label)
    item.issues.extend(issues)
    return item


def _add_provenance(item: CollectionItem, base_url: str | None, source: str | None) -> None:
    """Keep the record's header (and the response's base URL) in the record itself, so that
    a converted record still says where it came from."""
    import pydantic

    from ..model import Provenance

    if item.record is None or not item.oai_identifier or not item.datestamp:
        return
    try:
        provenance = Provenance(
            oai_identifier=item.oai_identifier,
            datestamp=item.datestamp,
            set_specs=item.set_specs,
            base_url=base_url,
        )
    except pydantic.ValidationError:
        try:  # a base URL the model refuses: keep the header without it
            provenance = Provenance(
                oai_identifier=item.oai_identifier,
                datestamp=item.datestamp,
                set_specs=item.set_specs,
            )
        except pydantic.ValidationError:
            item.issues.append(
                Issue(
                    f"the header's identifier or datestamp ({item.datestamp!r}) is not one the "
                    "record can keep; its provenance is not kept",
                    "oai-header",
                    severity="warning",
                    line=item.line,
                    source=source,
                )
            )
            return
    item.record = item.record.model_copy(update={"provenance": provenance})


def iter_records(
    source: str | os.PathLike[str] | IO[bytes],
    source_name: str | None = None,
    *,
    numbers: Container[int] | None = None,
    headers_only: bool = False,
    max_bytes: int = 0,
) -> Iterator[CollectionItem]:
    """Stream the records of an OAI-PMH ``ListRecords`` or ``GetRecord`` response.

    ``source`` is a path or a binary file; ``source_name`` names it in issues (default: the
    path or the file's ``name``). See the module documentation for what is yielded and raised.
    ``numbers`` (1-based positions) selects the records to read: the others are passed over
    without building their records, so that several processes can share one response.
    ``headers_only`` reads the headers alone (identifier, datestamp, sets, deleted), the cheap
    first pass a batch plans its output names with. ``max_bytes`` (0: no limit) is the size
    limit of one record: a larger record is passed over as it is read, without holding more
    of it than its header and the elements being parsed, and its item has no record and a
    ``record-too-large`` issue (sizes are counted in the chunks the response is read in, at
    most :data:`_CHUNK` bytes and a sixteenth of the limit: to within two of them). A record of
    more than :data:`MAX_RECORD_MARKUP` tags (``<``), or holding a text of more than
    :data:`TEXT_NODE_LIMIT` bytes, is given the same way, whatever ``max_bytes``.
    """
    from lxml import etree

    from ._io import binary_source
    from ._io import source_name as name_of

    if source_name is None:
        source_name = name_of(source)
    chunk_size = _CHUNK if not max_bytes else max(4096, min(_CHUNK, max_bytes // 16))
    with binary_source(source) as handle:
        stream = _Stream(source_name, numbers, headers_only, max_bytes)
        parser = _pull_parser()
        root = None
        pending = b""  # what was read after a record passed over at the byte level
        while True:
            data = pending or handle.read(chunk_size)
            pending = b""
            error = None
            try:
                if data:
                    parser.feed(data)
                else:
                    root = parser.close()
            except etree.XMLSyntaxError as exc:
                error = exc  # raised once the records completed before it are yielded
            yield from stream.events(parser.read_events(), data)
            if error is not None:
                # A text node over libxml2's limit: that record is reported, and a new parser
                # reads on after its end (see _resume).
                resumed = stream.resume(error, data, handle.read)
                if resumed is None:
                    raise stream.syntax_error(error) from None
                item, head, pending = resumed
                if item is not None:
                    yield item
                parser = _pull_parser()
                parser.feed(head)
                list(parser.read_events())  # the ancestors' start tags, already seen
                continue
            stream.fed(data)
            if not data:
                break
        if not stream.checked and root is not None:
            _check_dtd(root, source_name)


def _pull_parser() -> etree.XMLPullParser:
    """A pull parser fed chunk by chunk (iterparse reads the same way), so that the bytes of
    the record being parsed are known between chunks, even inside a record."""
    from lxml import etree

    return etree.XMLPullParser(
        events=("start", "end"), tag=(_RECORD, _ERROR, _REQUEST), **_iterparse_options()
    )


#: The most markup one record of a streamed response may hold: '<'s, each a start, end or
#: empty-element tag, a comment, a CDATA section or a processing instruction, so about 200,000
#: elements (as many as a TEI document may hold; a Dublin Core record holds a few dozen). lxml
#: takes about 150 bytes for each node, so a record of short elements costs about 11 times its
#: size: the cap keeps one within a few dozen MB whatever the size limit. Counted in the chunks
#: fed to the parser after the one the record begins in, to within one of them (a per-element
#: event would slow every record down by a third).
MAX_RECORD_MARKUP = 400_000

#: Bytes read at a time from a response (the precision of the per-record size limit).
_CHUNK = 64 * 1024


class _Stream:
    """The state of one response being streamed: where the open record began (in bytes and
    in markup), how deep the parser is in record elements, and the response's base URL."""

    def __init__(
        self,
        source: str | None,
        numbers: Container[int] | None,
        headers_only: bool,
        max_bytes: int,
    ) -> None:
        self.source = source
        self.numbers = numbers
        self.headers_only = headers_only
        self.max_bytes = max_bytes
        self.checked = False
        self.number = 0
        self.base_url: str | None = None
        self.read = 0  # bytes fed to the parser
        self.newlines = 0  # in the bytes of the response before the chunk being parsed
        self.line_offset = 0  # what to add to a line of the parser (one started after a record)
        self.tail = b""  # the last bytes fed, where a byte-level scan may have to begin
        self.open: etree._Element | None = None  # the record being parsed
        self.depth = 0
        self.markup = 0  # '<'s fed to the parser
        self.markup_began = 0  # '<'s fed up to the end of the chunk the open record began in
        self.began = 0  # bytes fed before the chunk in which the open record began
        self.oversize = False
        self.skipped = False  # whether the open record is passed over (not built)

    def fed(self, data: bytes) -> None:
        """Count the lines of a chunk the parser has read without error."""
        self.newlines += data.count(b"\n")
        self.tail = (self.tail + data)[-_RESUME_BACK:]

    def events(self, events: Iterable[tuple[str, Any]], data: bytes) -> Iterator[CollectionItem]:
        """The items completed by the events of one chunk ``data``."""
        before = self.read
        self.read += len(data)
        self.markup += data.count(b"<")
        for event, element in events:
            if not self.checked:
                _check_dtd(element, self.source)
                self.checked = True
            if event == "start":
                self.depth += 1
                if self.depth == 1 and element.tag == _RECORD:
                    self.open, self.began, self.oversize = element, before, False
                    # Counted from the next chunk: a record of one chunk is never over.
                    self.markup_began = self.markup
                    # A record that is not built (headers only, another part's) is pruned
                    # as it is read, whatever its size.
                    self.skipped = self.headers_only or not (
                        self.numbers is None or self.number + 1 in self.numbers
                    )
                continue
            self.depth -= 1
            if element.tag == _REQUEST:
                self.base_url = (element.text or "").strip() or None
            elif element.tag == _ERROR:
                self._error(element)
            elif not self.depth:  # a record nested in a record (not OAI-PMH) is left in it
                item = self._record(element)
                if item is not None:
                    yield item
        if self.open is None:
            return
        if self._too_large():
            self.oversize = True
        if self.oversize or self.skipped:
            _prune(self.open)

    def _too_large(self) -> bool:
        return self._too_much_markup() or bool(
            self.max_bytes and self.read - self.began > self.max_bytes
        )

    def _too_much_markup(self) -> bool:
        return self.markup - self.markup_began > MAX_RECORD_MARKUP

    def _error(self, element: etree._Element) -> None:
        code = element.get("code", "")
        if code != "noRecordsMatch":
            raise ParseError(
                f"the OAI-PMH response is an error: {code}: {(element.text or '').strip()}",
                source=self.source,
                line=(element.sourceline or 1) + self.line_offset,
                column=1,
                rule="oai-error",
            )

    def _record(
        self, element: etree._Element, text_holder: etree._Element | None = None
    ) -> CollectionItem | None:
        self.number += 1
        self.open = None
        item = None
        if self.numbers is None or self.number in self.numbers:
            oversize = self.oversize or self._too_large() or text_holder is not None
            item = _item(element, self.source, build=not (self.headers_only or oversize))
            item.number = self.number
            if oversize and not self.headers_only and not item.deleted:
                item.issues.append(self._too_large_issue(item, text_holder))
            elif item.record is not None:
                _add_provenance(item, self.base_url, self.source)
            if self.line_offset:
                _shift_lines(item, self.line_offset)
        # Free what has been read: the record and every sibling before it.
        element.clear(keep_tail=False)
        parent = element.getparent()
        if parent is not None:
            while element.getprevious() is not None:
                del parent[0]
        return item

    def _too_large_issue(self, item: CollectionItem, text_holder: Any) -> Issue:
        line = item.line
        if text_holder is not None:
            name = _qname(text_holder)
            line = text_holder.sourceline or line
            why = (
                f"the record's element {name} holds a text of more than {TEXT_NODE_LIMIT:,} "
                "bytes, the most the XML parser reads in one piece"
            )
        elif self._too_much_markup():
            why = (
                f"the record holds more than {MAX_RECORD_MARKUP:,} tags (and other markup), "
                "the most a record of a streamed response may hold"
            )
        else:
            why = (
                f"the record is larger than the size limit of {self.max_bytes:,} bytes, which "
                "applies to each record (--max-size)"
            )
        return Issue(
            f"{why}; it is skipped",
            "record-too-large",
            line=line,
            source=self.source,
        )

    def resume(
        self, error: Exception, data: bytes, read: Callable[[int], bytes]
    ) -> tuple[CollectionItem | None, bytes, bytes] | None:
        """After ``error`` while parsing ``data``: if it is a text node over libxml2's limit in
        a record, pass over the rest of the record and return its item, the start tags a new
        parser begins with, and the bytes read after the record; else None."""
        from ._resume import prologue, skip_record, text_node_too_long

        record = self.open
        if record is None or not text_node_too_long(error):
            return None
        head = prologue(record, data)
        if head is None:
            return None
        holder = _text_holder(record)
        # The holder and its ancestors up to the record are open.
        open_elements, element = 1, holder
        while element is not record:
            parent = element.getparent()
            if parent is None:
                return None
            element, open_elements = parent, open_elements + 1
        # The scan begins in the text node, before where the parser may have held bytes back.
        skipped = skip_record(self.tail + data, read, open_elements)
        if not skipped.found:
            return None
        self.newlines += skipped.newlines - self.tail.count(b"\n")
        item = self._record(record, text_holder=holder)
        # The new parser's first line is the line the record ends on.
        self.line_offset = self.newlines
        self.read, self.began, self.tail, self.oversize, self.depth = 0, 0, b"", False, 0
        self.markup = self.markup_began = 0
        return item, head, skipped.rest

    def syntax_error(self, error: Exception) -> ParseError:
        """The ParseError of a syntax error, at its line in the response."""
        from ..xmlsafe import xml_syntax_error

        exc = xml_syntax_error(error, self.source)
        if self.line_offset and exc.line is not None:
            exc = ParseError(
                exc.message,
                source=exc.source,
                line=exc.line + self.line_offset,
                column=exc.column,
                rule=exc.rule,
            )
        return exc


#: Bytes before the chunk being parsed that a byte-level scan begins with: more than the
#: parser holds back (a few hundred bytes), far less than a text node over its limit.
_RESUME_BACK = 64 * 1024


def _qname(element: etree._Element) -> str:
    """An element's name as written (``dc:description``)."""
    local = str(element.tag).rsplit("}", 1)[-1]
    return f"{element.prefix}:{local}" if element.prefix else local


def _text_holder(record: etree._Element) -> etree._Element:
    """The element whose text the parser was building when it gave up: the text is the last
    node of the record, the text of its last element (still open) or the text after it (in
    its parent, the last element being closed), which holds millions of characters. Elements
    before the last at each level are closed (what _prune deletes)."""
    last = record
    while len(last):
        last = last[-1]
    parent = last.getparent()
    if parent is not None and (
        not isinstance(last.tag, str) or len(last.tail or "") > len(last.text or "")
    ):
        return parent  # a comment or processing instruction, or a closed element
    return last


def _shift_lines(item: CollectionItem, offset: int) -> None:
    """Give an item read by a parser started after a record the lines of the response."""
    import dataclasses

    if item.line is not None:
        item.line += offset
    item.issues = [
        dataclasses.replace(i, line=i.line + offset) if i.line is not None else i
        for i in item.issues
    ]


def _prune(record: etree._Element) -> None:
    """Delete what the parser has built of a record too large to keep, but its header and the
    elements still open (the last child at each level): what is left stays small however
    large the record grows. Each child is looked at once (``len`` of an lxml element counts
    its children: it is not asked in the loop)."""
    element = record
    while True:
        children = list(element)
        if not children:
            return
        keep = 1 if element is record and children[0].tag == _HEADER else 0
        for child in children[keep:-1]:
            element.remove(child)
        element = children[-1]
