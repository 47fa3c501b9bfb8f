"""The one lxml parser configuration every XML format uses, hardened against hostile input.

No network, no DTD loading or validation, no external entities, no entity expansion beyond
lxml's built-in limits, no ``recover``: malformed XML is an error with its line and column.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .errors import Issue, ParseError, UsageError

if TYPE_CHECKING:
    from lxml import etree

__all__ = [
    "XML_PARSER_OPTIONS",
    "load_schema_file",
    "make_parser",
    "parse_xml",
    "reject_entity_declarations",
    "schema_file_issues",
    "xml_syntax_error",
]

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


def make_parser(encoding: str | None = None) -> etree.XMLParser:
    """A new parser with archmeta's pinned, safe options (``encoding`` overrides the
    document's own encoding declaration)."""
    from lxml import etree

    options = XML_PARSER_OPTIONS
    # Spelled out (not **options) so that a type checker sees each pinned flag.
    return etree.XMLParser(
        encoding=encoding,
        resolve_entities=options["resolve_entities"],
        no_network=options["no_network"],
        load_dtd=options["load_dtd"],
        dtd_validation=options["dtd_validation"],
        huge_tree=options["huge_tree"],
        remove_blank_text=options["remove_blank_text"],
        remove_comments=options["remove_comments"],
        remove_pis=options["remove_pis"],
        strip_cdata=options["strip_cdata"],
        attribute_defaults=options["attribute_defaults"],
        recover=options["recover"],
    )


def reject_entity_declarations(root: etree._Element, source: str | None) -> None:
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


def xml_syntax_error(exc: Exception, source: str | None) -> ParseError:
    """The ParseError (line, column, message) for an lxml syntax error."""
    line, column = getattr(exc, "position", None) or (None, None)
    message = getattr(exc, "msg", None) or str(exc)
    # libxml2 messages end with ", line N, column M"; the location is reported separately.
    message = re.sub(r",?\s*line \d+(?:, column \d+)?\s*$", "", message)
    return ParseError(
        f"not well-formed XML: {message}",
        source=source,
        line=line or 1,
        column=column or 1,
        rule="xml-syntax",
    )


# Per thread, the parser of each encoding override: parse_xml reuses it (a parser may serve one
# thread at a time). Making a parser and its first parsing context costs about as much as
# parsing a short Dublin Core record.
_PARSERS = threading.local()


def _parser(encoding: str | None) -> etree.XMLParser:
    parsers: dict[str | None, etree.XMLParser] | None = getattr(_PARSERS, "by_encoding", None)
    if parsers is None:
        parsers = _PARSERS.by_encoding = {}
    parser = parsers.get(encoding)
    if parser is None:
        parser = parsers[encoding] = make_parser(encoding)
    return parser


def parse_xml(data: bytes | str, source: str | None = None) -> etree._Element:
    """Parse a whole XML document safely and return its root element.

    Raises :class:`ParseError` (with line and column) for anything that is not well-formed,
    and for documents that declare entities.
    """
    from lxml import etree

    encoding = None
    if isinstance(data, str):
        # lxml refuses str input that carries an encoding declaration; bytes keep it simple.
        # A str is already decoded, so its declaration (encoding="ISO-8859-1", say) no longer
        # describes it: the UTF-8 bytes made from it are read as UTF-8 whatever it says.
        data = data.encode("utf-8")
        encoding = "utf-8"
    if not data.strip():
        raise ParseError(
            "the document is empty", source=source, line=1, column=1, rule="xml-syntax"
        )
    try:
        root = etree.fromstring(data, parser=_parser(encoding))
    except etree.XMLSyntaxError as exc:
        raise xml_syntax_error(exc, source) from None
    reject_entity_declarations(root, source)
    return root


@lru_cache(maxsize=8)
def load_schema_file(path: str) -> Any:
    """A compiled RELAX NG (``.rng``) or W3C XML Schema (``.xsd``) file, cached per path.

    Which kind is told from the file's root element, not its name. Compiling the official TEI
    schema takes seconds, so a process compiles each file once.
    """
    from lxml import etree

    try:
        tree = etree.parse(path, parser=make_parser())
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the schema ({exc})") from None
    except etree.XMLSyntaxError as exc:
        raise UsageError(f"{path}: the schema is not well-formed XML ({exc.msg})") from None
    namespace = etree.QName(tree.getroot()).namespace
    try:
        if namespace == "http://relaxng.org/ns/structure/1.0":
            return etree.RelaxNG(tree)
        if namespace == "http://www.w3.org/2001/XMLSchema":
            return etree.XMLSchema(tree)
    except etree.XMLSchemaParseError as exc:
        raise UsageError(f"{path}: not a usable schema ({exc})") from None
    except etree.RelaxNGParseError as exc:
        raise UsageError(f"{path}: not a usable schema ({exc})") from None
    raise UsageError(f"{path}: neither a RELAX NG nor an XML Schema document")


def schema_file_issues(
    data: bytes | str, schema: str, source: str | None = None, rule: str = "schema-invalid"
) -> list[Issue]:
    """Every problem of an XML document against a RELAX NG or XSD file, with line and column
    (a document that is not well-formed gives its one ParseError issue)."""
    validator = load_schema_file(schema)
    try:
        root = parse_xml(data, source)
    except ParseError as exc:
        return exc.issues
    if validator.validate(root.getroottree()):
        return []
    return [
        Issue(
            message=entry.message,
            rule=rule,
            line=entry.line or 1,
            column=max(entry.column, 1),
            source=source,
        )
        for entry in validator.error_log
    ]
