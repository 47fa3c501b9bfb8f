"""Telling a document from its first bytes, for the codecs' ``sniff``."""

from __future__ import annotations

import re

__all__ = ["xml_root"]

_PROLOG = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.DOTALL)
_START_TAG = re.compile(r"\s*<([A-Za-z_][\w.-]*(?::[\w.-]+)?)([^>]*)>")


def text_start(head: bytes) -> str:
    """The start of a document as text, without a byte-order mark or leading white space."""
    return head[:4096].decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")


def xml_root(head: bytes) -> tuple[str | None, str, str] | None:
    """(namespace, local name, raw attributes) of the root element's start tag, or None when
    ``head`` does not start an XML document (or the tag lies beyond it)."""
    text = text_start(head)
    if not text.startswith("<"):
        return None
    position = 0
    while m := _PROLOG.match(text, position):
        if m.end() == position:
            break
        position = m.end()
    tag = _START_TAG.match(text, position)
    if tag is None:
        return None
    name, attributes = tag.group(1), tag.group(2)
    prefix, _, local = name.rpartition(":")
    declared = re.search(
        rf"""\bxmlns{":" + re.escape(prefix) if prefix else ""}\s*=\s*["']([^"']*)["']""",
        attributes,
    )
    return (declared.group(1) if declared else None), local, attributes
