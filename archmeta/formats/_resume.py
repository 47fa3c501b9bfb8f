"""Going on after a record the XML parser gives up on, for the streamed OAI-PMH reader.

libxml2 refuses a text node of more than :data:`TEXT_NODE_LIMIT` bytes unless its ``huge``
option is on, and its push parser cannot go on after an error. archmeta keeps the option off
(it also raises the nesting depth limit and the size of names and attribute values) and
resumes instead: the rest of the record is passed over at the byte level by
:func:`skip_record`, which knows just enough XML to find the record's end tag (tags with quoted
attribute values, comments, CDATA sections, processing instructions), and a new parser reads
the rest of the response after :func:`prologue`, the start tags of the record's ancestors.

Both keep memory bounded (consumed bytes are dropped as they are scanned; one tag may take at
most :data:`MAX_TAG` bytes) and time linear (each byte is looked at a bounded number of times:
a tag cut by a read is scanned again only after its buffer has doubled).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree

#: libxml2's limit for one text node (``XML_MAX_TEXT_LENGTH``) without its huge option.
TEXT_NODE_LIMIT = 10_000_000
#: The largest tag (with its attributes) :func:`skip_record` reads past, in bytes.
MAX_TAG = 16 * 1024 * 1024

_TEXT_LIMIT_MESSAGE = "Text node too long"
# The end of a start or end tag: attribute values in quotes may hold '>'.
_TAG_END = re.compile(rb"""(?:[^"'>]++|"[^"]*+"|'[^']*+')*+>""")


def text_node_too_long(exc: Exception) -> bool:
    """Whether an lxml syntax error is libxml2's refusal of a text node over its limit."""
    return _TEXT_LIMIT_MESSAGE in (getattr(exc, "msg", None) or str(exc))


def prologue(record: etree._Element, sample: bytes) -> bytes | None:
    """The XML declaration and the start tags of ``record``'s ancestors (with the namespaces
    each has in scope), for a new parser to read what follows the record as the original one
    would; None if the document's encoding does not write ASCII as ASCII (UTF-16), which the
    byte-level scan cannot read. ``sample`` is bytes of the document: a NUL byte, which no
    XML text in an ASCII-compatible encoding holds, tells UTF-16 or UTF-32 without a
    declaration (lxml then reports UTF-8)."""
    if b"\0" in sample:
        return None
    encoding = record.getroottree().docinfo.encoding or "UTF-8"
    try:
        if "</a>".encode(encoding) != b"</a>":
            return None
    except LookupError:
        return None
    tags = []
    for element in reversed(list(record.iterancestors())):
        name = element.tag.split("}")[-1] if isinstance(element.tag, str) else ""
        if element.prefix:
            name = f"{element.prefix}:{name}"
        declarations = "".join(
            f' xmlns{":" + prefix if prefix else ""}="{_escape(uri)}"'
            for prefix, uri in element.nsmap.items()
        )
        tags.append(f"<{name}{declarations}>")
    head = f'<?xml version="1.0" encoding="{encoding}"?>' + "".join(tags)
    return head.encode(encoding)


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


class Skipped:
    """Where :func:`skip_record` stopped: the bytes read after the record's end tag, and the
    newlines of what it passed over (to keep reporting the response's lines)."""

    def __init__(self) -> None:
        self.rest = b""
        self.newlines = 0
        self.found = False


def skip_record(first: bytes, read: Callable[[int], bytes], open_elements: int) -> Skipped:
    """Pass over the rest of a record from ``first`` (the bytes from a point inside a text node
    of the record, where ``open_elements`` elements are open, the record's included) and what
    ``read(n)`` gives after them, until the end tag that closes the record.

    A ``]]>`` before any ``<`` ends the CDATA section the point was in. ``found`` is false if
    the input ends first or holds what is not XML markup (a tag larger than :data:`MAX_TAG`,
    a ``<!`` declaration in content).
    """
    done = Skipped()
    buffer = first
    pos = 0
    chunk = max(len(first), 64 * 1024)

    def more(keep_from: int, need: int = 0) -> bool:
        """Drop the bytes before ``keep_from`` (counting their lines) and read more."""
        nonlocal buffer, pos
        dropped = buffer[:keep_from]
        done.newlines += dropped.count(b"\n")
        data = read(max(chunk, need))
        buffer = buffer[keep_from:] + data
        pos = max(pos - keep_from, 0)
        return bool(data)

    # Inside a text node: character data holds no '<', a CDATA section no ']]>'.
    while True:
        lt, cdata_end = buffer.find(b"<", pos), buffer.find(b"]]>", pos)
        if cdata_end >= 0 and (lt < 0 or cdata_end < lt):
            pos = cdata_end + 3
            break
        if lt >= 0:
            pos = lt
            break
        if not more(max(pos, len(buffer) - 2)):
            return done
    depth = open_elements
    while True:
        lt = buffer.find(b"<", pos)
        if lt < 0:
            if not more(len(buffer)):
                return done
            continue
        pos = lt
        if len(buffer) - pos < 9 and more(pos):
            continue  # too few bytes to tell what the markup is
        head = buffer[pos : pos + 9]
        section = next(((s, e) for s, e in _SECTIONS if head.startswith(s)), None)
        if section is not None:
            opener, closer = section
            search = pos + len(opener)
            while (end := buffer.find(closer, search)) < 0:
                # Keep only what could be the start of the closer.
                if not more(max(search, len(buffer) - len(closer) + 1)):
                    return done
                search = 0
            pos = end + len(closer)
            continue
        if head.startswith(b"<!"):
            return done
        match = _TAG_END.match(buffer, pos + 1)
        while match is None:
            if len(buffer) - pos > MAX_TAG or not more(pos, len(buffer) - pos):
                return done
            match = _TAG_END.match(buffer, pos + 1)
        end = match.end()
        if head.startswith(b"</"):
            depth -= 1
        elif buffer[end - 2 : end - 1] != b"/":
            depth += 1
        pos = end
        if depth == 0:
            more(pos)
            done.rest, done.found = buffer, True
            return done


# Markup that holds no tags: what ends it.
_SECTIONS = ((b"<!--", b"-->"), (b"<![CDATA[", b"]]>"), (b"<?", b"?>"))
