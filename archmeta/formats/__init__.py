"""The format registry: every format archmeta reads and writes is named here, in one place.

Each format module offers the same small API: ``loads(text, source=None)`` and
``dumps(record)`` on strings, ``load(path_or_file)`` and ``dump(record, path_or_file)`` on files.
Modules are imported only when a format is used, to keep command-line start-up fast.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ..errors import UsageError

if TYPE_CHECKING:
    from ..model import ArchivalRecord

__all__ = ["FORMATS", "FormatInfo", "detect_format", "format_names", "get_format"]


@dataclass(frozen=True)
class FormatInfo:
    """A registered format: its name, module, file extensions and extra writer options."""

    name: str
    module_name: str
    extensions: tuple[str, ...]
    description: str
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def module(self) -> ModuleType:
        return importlib.import_module(self.module_name)

    def loads(self, text: str | bytes, source: str | None = None) -> ArchivalRecord:
        return self.module.loads(text, source=source, **self.options)  # type: ignore[no-any-return]

    def dumps(self, record: ArchivalRecord) -> str:
        return self.module.dumps(record, **self.options)  # type: ignore[no-any-return]

    @property
    def extension(self) -> str:
        """The extension written by default for this format."""
        return self.extensions[0]


FORMATS: dict[str, FormatInfo] = {}


def register(info: FormatInfo) -> None:
    """Add a format to the registry (later formats plug in here)."""
    FORMATS[info.name] = info


register(
    FormatInfo(
        "text",
        "archmeta.formats.text",
        (".txt", ".text", ".md"),
        "Digital Archive plain-text record",
    )
)
register(
    FormatInfo(
        "json",
        "archmeta.formats.json",
        (".json",),
        "JSON described by schemas/archival-record.schema.json",
    )
)
register(
    FormatInfo(
        "oai_dc",
        "archmeta.formats.dc",
        (".oai_dc.xml",),
        "Dublin Core for OAI-PMH (oai_dc: the 15 elements)",
        {"flavour": "oai_dc"},
    )
)
register(
    FormatInfo(
        "dcterms",
        "archmeta.formats.dc",
        (".dcterms.xml",),
        "Qualified Dublin Core (DCMI terms in DCMI's qualifieddc container)",
        {"flavour": "dcterms"},
    )
)
register(FormatInfo("tei", "archmeta.formats.tei", (".tei.xml",), "TEI P5 XML document"))


def format_names() -> list[str]:
    return sorted(FORMATS)


def get_format(name: str) -> FormatInfo:
    """The registered format called ``name``; :class:`UsageError` names the known ones."""
    try:
        return FORMATS[name]
    except KeyError:
        raise UsageError(
            f"unknown format {name!r}; known formats: {', '.join(format_names())}"
        ) from None


_PROLOG = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.DOTALL)
_START_TAG = re.compile(r"\s*<([A-Za-z_][\w.-]*(?::[\w.-]+)?)([^>]*)>")
_ROOTS: dict[tuple[str | None, str], str] = {
    ("http://www.tei-c.org/ns/1.0", "TEI"): "tei",
    ("http://www.tei-c.org/ns/1.0", "teiCorpus"): "tei",
    ("http://www.openarchives.org/OAI/2.0/", "OAI-PMH"): "oai_dc",
    ("http://www.openarchives.org/OAI/2.0/oai_dc/", "dc"): "oai_dc",
    (None, "qualifieddc"): "dcterms",
}
_DCTERMS_NS = "http://purl.org/dc/terms/"
_DC_NS = "http://purl.org/dc/elements/1.1/"


def _xml_format(text: str) -> str | None:
    """The format of an XML document, told from its root element (name and namespace).

    A root archmeta does not know counts as Dublin Core only when it is in no namespace or a
    Dublin Core one and declares the Dublin Core namespaces itself (a bare record container);
    a document that merely mentions them (an XML catalog, say) is not taken for a record.
    """
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
    namespace = declared.group(1) if declared else None
    known = _ROOTS.get((namespace, local))
    if known is not None:
        return known
    if namespace in (None, _DC_NS, _DCTERMS_NS):
        if _DCTERMS_NS in attributes:
            return "dcterms"
        if _DC_NS in attributes:
            return "oai_dc"
    return None


def detect_format(name: str | None, head: bytes | str | None = None) -> FormatInfo:
    """Guess a file's format from its name, or failing that from the start of its content."""
    if name:
        lower = name.lower()
        # Longest extension first, so ".tei.xml" wins over a bare ".xml".
        matches = [
            (len(ext), info)
            for info in FORMATS.values()
            for ext in info.extensions
            if lower.endswith(ext)
        ]
        if matches:
            return max(matches, key=lambda item: item[0])[1]
    if head is not None:
        if isinstance(head, bytes):
            head = head[:4096].decode("utf-8", errors="replace")
        text = head.lstrip("\ufeff \t\r\n")
        if text.startswith(("{", "[")):
            return FORMATS["json"]
        if text.startswith("<"):
            candidate = _xml_format(text)
            if candidate in FORMATS:
                return FORMATS[candidate]
        elif "**" in text:
            return FORMATS["text"]
    raise UsageError(
        f"cannot tell the format of {name or 'the input'}; name one with --from "
        f"({', '.join(format_names())})"
    )
