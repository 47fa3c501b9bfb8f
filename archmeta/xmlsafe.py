"""The one lxml parser configuration every XML format uses, hardened against hostile input.

No network, no DTD loading or validation, no external entities, no entity expansion beyond
lxml's built-in limits, no ``recover``: malformed XML is an error with its line and column.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .errors import ParseError

if TYPE_CHECKING:
    from lxml import etree

__all__ = ["XML_PARSER_OPTIONS", "make_parser", "parse_xml"]

# Pinned explicitly rather than trusting library defaults, which have changed between releases.
XML_PARSER_OPTIONS: dict[str, bool] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "attribute_defaults": False,
    "huge_tree": False,
    "recover": False,
    "remove_blank_text": False,
    "remove_comments": False,
    "remove_pis": False,
    "strip_cdata": True,
}


def make_parser() -> etree.XMLParser:
    """A new parser with archmeta's pinned, safe options."""
    from lxml import etree

    return etree.XMLParser(**XML_PARSER_OPTIONS)


def _reject_entity_declarations(root: etree._Element, source: str | None) -> None:
    """Refuse documents whose internal DTD declares entities (billion laughs, external ones)."""
    docinfo = root.getroottree().docinfo
    if docinfo.system_url or docinfo.public_id:
        # Never fetched (load_dtd is off), but refused so that nobody relies on it.
        raise ParseError(
            f"the document refers to an external DTD "
            f"({docinfo.system_url or docinfo.public_id!r}); external DTDs are refused",
            source=source,
            line=1,
            column=1,
            rule="xml-external-dtd",
        )
    dtd = docinfo.internalDTD
    if dtd is None:
        return
    for entity in dtd.iterentities():
        raise ParseError(
            f"the document declares the entity {entity.name!r}; entity declarations are refused",
            source=source,
            line=1,
            column=1,
            rule="xml-entity",
        )


def parse_xml(data: bytes | str, source: str | None = None) -> etree._Element:
    """Parse a whole XML document safely and return its root element.

    Raises :class:`ParseError` (with line and column) for anything that is not well-formed,
    and for documents that declare entities.
    """
    from lxml import etree

    if isinstance(data, str):
        # lxml refuses str input that carries an encoding declaration; bytes keep it simple.
        data = data.encode("utf-8")
    if not data.strip():
        raise ParseError(
            "the document is empty", source=source, line=1, column=1, rule="xml-syntax"
        )
    try:
        root = etree.fromstring(data, parser=make_parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (None, None)
        message = exc.msg or str(exc)
        # libxml2 messages end with ", line N, column M"; the location is reported separately.
        message = re.sub(r",?\s*line \d+(?:, column \d+)?\s*$", "", message)
        raise ParseError(
            f"not well-formed XML: {message}",
            source=source,
            line=line or 1,
            column=column or 1,
            rule="xml-syntax",
        ) from None
    _reject_entity_declarations(root, source)
    return root
