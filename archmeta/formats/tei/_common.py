"""Names and XPath helpers TEI reading and writing share, and the field paths."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ...mapping import MAPPING, TEI, TeiCell

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SCHEMA_NAME = "archmeta-tei.rng"
# The address in the <?xml-model?> line. A placeholder (example.org is reserved for examples,
# RFC 2606), the same base as the JSON Schema's $id (archmeta.schema.SCHEMA_ID_BASE): set it to
# where schemas/archmeta-tei.rng is published.
SCHEMA_URL = "https://example.org/archmeta/schemas/" + SCHEMA_NAME
# ``@datingMethod`` of a date whose ``@when-custom`` holds the EDTF value.
EDTF_METHOD = "https://www.loc.gov/standards/datetime/"
APPLICATION = "archmeta"
# The format of the mapping: documents name it in appInfo/application/@version.
MAPPING_VERSION = "1.0"
INDENT = "  "

# ----------------------------------------------------------------------------- the mapping
FIELD_PATHS: dict[str, str] = {
    name: cell.path for name, cell in MAPPING.cells(TEI).items() if isinstance(cell, TeiCell)
}
"""Where each field lives, relative to ``/TEI``: the TEI column of the mapping table
(:mod:`archmeta.mapping`). The writer builds exactly these paths, in the order the TEI content
models require; the reader takes the same paths first, then what other projects use."""
RESP_TRANSLATOR = ("trl", "Translated by")  # MARC relator code and the words of <resp>
RESP_CONTRIBUTOR = ("ctb", "Contributor")


def _q(tag: str) -> str:
    return f"{{{TEI_NS}}}{tag}"


def _local(el: Any) -> str:
    tag = el.tag
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        # A comment's or processing instruction's tag is a function: no name.
        name = tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
        if len(_LOCAL_NAMES) < 4096:  # a document's own names must not grow it without end
            _LOCAL_NAMES[tag] = name
    return name


# Each tag's local name: readers ask it of every element they look at.
_LOCAL_NAMES: dict[Any, str] = {}


@lru_cache(maxsize=256)
def _tei_xpath(path: str) -> str:
    """``a/b[@x='y']/c`` with every element name in the TEI namespace (prefix ``t``)."""

    def step(match: re.Match[str]) -> str:
        return "t:" + match.group(0)

    # Prefix element names: names not preceded by @ or a quote, and not function names.
    return re.sub(r"(?<![@'\w:.\-])(?!(?:not|or|and)\b)[A-Za-z][\w.]*(?![\w(])", step, path)


@lru_cache(maxsize=256)
def _compiled(path: str) -> Any:
    """The compiled XPath query of a TEI path (see :func:`_tei_xpath`).

    Readers ask the same few dozen paths of every document: compiling each once per process
    instead of on every ``element.xpath(...)`` call is most of what reading a header costs.
    """
    from lxml import etree

    return etree.XPath(_tei_xpath(path), namespaces={"t": TEI_NS})


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
