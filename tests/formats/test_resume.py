"""The byte-level scan that passes over the rest of a record the XML parser gave up on."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from archmeta.formats._resume import MAX_TAG, prologue, skip_record, text_node_too_long

REST = b"\n<record><header/></record>\n</ListRecords>"


def _skip(document: bytes, open_elements: int = 2, read_size: int | None = None):
    """Scan ``document`` as if the parser stopped at its start, handing its bytes over in
    reads of ``read_size`` bytes (any size: the scan must not depend on where reads cut);
    returns what the scan found and what it left unread."""
    stream = io.BytesIO(document)

    def read(n: int) -> bytes:
        return stream.read(read_size or n)

    return skip_record(read(1), read, open_elements), stream.read()


@pytest.mark.parametrize("read_size", [1, 2, 3, 7, None])
@pytest.mark.parametrize(
    "inside",
    [
        b"text",
        b"text]]>more<![CDATA[ </record> ]]>",  # the point was in a CDATA section
        b"t<!-- </record> -- > -->t<?pi </record> ?>",
        b"t<e a='>' b=\"/record>\">x</e><empty a='/>'/>",
    ],
)
def test_the_record_ends_at_its_own_end_tag(inside, read_size) -> None:
    document = inside + b"</description>\n</record>" + REST
    skipped, unread = _skip(document, read_size=read_size)
    assert skipped.found
    # What is handed back is exactly what follows the end tag: nothing lost, nothing more.
    assert skipped.rest + unread == REST
    assert skipped.newlines == document[: -len(REST)].count(b"\n")


@pytest.mark.parametrize(
    "document",
    [
        b"text</description>",  # ends inside the record
        b"text<!-- never closed </record>",
        b"text<!DOCTYPE x></d></record>",  # not markup of content
    ],
)
def test_no_end_is_not_found(document) -> None:
    assert not _skip(document)[0].found


def test_a_tag_is_read_once_its_buffer_doubles_and_never_beyond_the_cap() -> None:
    calls = []
    big = b"t<e a='" + b"x" * (MAX_TAG + 10) + b"'>"
    stream = io.BytesIO(big)

    def read(n: int) -> bytes:
        calls.append(n)
        return stream.read(n)

    assert not skip_record(read(4096), read, 2).found
    # The reads grow geometrically: a few dozen of them for 16 MiB, not one per 64 KiB.
    assert len(calls) < 20


def test_prologue_reopens_the_ancestors_with_their_namespaces() -> None:
    root = etree.fromstring(
        b'<?xml version="1.0" encoding="ISO-8859-1"?>'
        b'<o:OAI-PMH xmlns:o="urn:oai" xmlns:x="urn:x"><o:ListRecords>'
        b"<o:record/></o:ListRecords></o:OAI-PMH>"
    )
    record = root[0][0]
    head = prologue(record, b"text")
    assert head is not None
    parser = etree.XMLPullParser(events=("end",))
    parser.feed(head + b"<o:record/></o:ListRecords></o:OAI-PMH>")
    ((_, element),) = [e for e in parser.read_events() if e[1].tag == "{urn:oai}record"]
    assert element.getparent().getparent().tag == "{urn:oai}OAI-PMH"
    assert head.startswith(b'<?xml version="1.0" encoding="ISO-8859-1"?>')


def test_a_utf16_document_is_not_scanned() -> None:
    data = '<r xmlns="urn:oai"><l><record/></l></r>'.encode("utf-16")
    record = etree.fromstring(data)[0][0]
    assert prologue(record, data) is None


def test_only_the_text_node_limit_is_resumed_after() -> None:
    assert text_node_too_long(Exception("Resource limit exceeded: Text node too long, try"))
    assert not text_node_too_long(Exception("Excessive depth in document: 256"))


# Any well-formed content after the point: the scan ends at the record's own end tag.
_TEXT = st.text(alphabet="ab <>&\"']/-?!\n", max_size=12)


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_LEAF = st.one_of(
    _TEXT.map(_escaped),
    _TEXT.filter(lambda t: "--" not in t and not t.endswith("-")).map(lambda t: f"<!--{t}-->"),
    _TEXT.filter(lambda t: "]]>" not in t).map(lambda t: f"<![CDATA[{t}]]>"),
    _TEXT.filter(lambda t: "?>" not in t).map(lambda t: f"<?pi {t}?>"),
)


def _element(children: list[str], attribute: str, empty: bool) -> str:
    value = _escaped(attribute).replace('"', "&quot;")
    if empty and not children:
        return f'<e a="{value}" b=\'/record>\'/>'
    return f'<e a="{value}">{"".join(children)}</e>'


_CONTENT = st.recursive(
    _LEAF,
    lambda kids: st.builds(_element, st.lists(kids, max_size=4), _TEXT, st.booleans()),
    max_leaves=20,
)


@given(st.lists(_CONTENT, max_size=6), st.integers(1, 9))
def test_the_scan_agrees_with_the_xml_parser(content, read_size) -> None:
    inside = "text" + "".join(content) + "</d>\n</record>"
    etree.fromstring(f"<record><d>{inside}".encode())  # well-formed, so lxml can tell
    document = inside.encode() + REST
    skipped, unread = _skip(document, read_size=read_size)
    assert skipped.found and skipped.rest + unread == REST
