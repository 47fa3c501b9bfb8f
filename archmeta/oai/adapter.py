"""The one place where ``archmeta.oai`` calls the rest of archmeta.

Everything the OAI-PMH server and harvester need from the core package (reading a record file,
writing a record in a format, writing the harvested records' files, building and reading the
metadata of an OAI-PMH record) goes through these few functions, so that a change of the core
API is adjusted here only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ArchmetaError, Issue, ParseError, UsageError

if TYPE_CHECKING:
    from lxml import etree

    from ..conversion import Outcome
    from ..formats.oaipmh import CollectionItem
    from ..model import ArchivalRecord

__all__ = [
    "METADATA_FORMATS",
    "QDC_NS",
    "ArchmetaError",
    "CollectionItem",
    "Issue",
    "ParseError",
    "RecordFiles",
    "UsageError",
    "dumps",
    "file_extension",
    "hardened_parser",
    "header_item",
    "load_file",
    "metadata_element",
    "metadata_root",
    "record_format_name",
    "record_from_metadata",
    "write_file",
]

# The dcterms container inside OAI-PMH: DCMI's ``qualifieddc`` element (its schema declares no
# target namespace, so that an application assigns one) in the namespace DSpace's OAI-PMH
# ``qdc`` format assigns it, the one harvesters of qualified DC already know.
QDC_NS = "http://dspace.org/qualifieddc/"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"

# prefix -> (schema, metadataNamespace) as ListMetadataFormats announces them.
METADATA_FORMATS: dict[str, tuple[str, str]] = {
    "oai_dc": (
        "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
        "http://www.openarchives.org/OAI/2.0/oai_dc/",
    ),
    "dcterms": ("http://dublincore.org/schemas/xmls/qdc/2008/02/11/qualifieddc.xsd", QDC_NS),
    "tei": (
        "https://tei-c.org/release/xml/tei/custom/schema/xsd/tei_all.xsd",
        "http://www.tei-c.org/ns/1.0",
    ),
}


def __getattr__(name: str) -> Any:
    # CollectionItem is imported on first use: archmeta.cli imports this module (through the
    # OAI commands), and must not pay for pydantic and lxml at start-up.
    if name == "CollectionItem":
        from ..formats.oaipmh import CollectionItem

        return CollectionItem
    raise AttributeError(name)


def header_item(element: etree._Element, source: str) -> CollectionItem:
    """A harvested ``record`` element's item as its header tells it (see
    :func:`archmeta.formats.oaipmh.header_item`)."""
    from ..formats.oaipmh import header_item as read_header

    return read_header(element, source)


def metadata_root(element: etree._Element) -> etree._Element | None:
    """The root element of a harvested ``record``'s metadata, or None."""
    from ..formats.oaipmh import metadata_root as find_root

    return find_root(element)


def hardened_parser() -> etree.XMLParser:
    """An lxml parser that fetches nothing and expands no entity (for harvested pages)."""
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
    )


def record_format_name(path: Path) -> str | None:
    """The archmeta format of a file (told from its name, else its first 4 KiB), or None."""
    from ..formats import detect_format

    try:
        return detect_format(path.name).name
    except UsageError:
        pass
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
        return detect_format(None, head).name
    except (OSError, UsageError):
        return None


def load_file(path: Path, format_name: str, source: str) -> ArchivalRecord:
    """Read one record file (raises an :class:`ArchmetaError` when it cannot be read)."""
    from ..formats import get_format

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{source}: cannot read ({exc.strerror})") from None
    return get_format(format_name).loads(data, source=source)


def dumps(record: ArchivalRecord, format_name: str) -> str:
    """The record written in an archmeta format (``text``, ``json``, ``tei``, ...)."""
    from ..formats import get_format

    text: str = get_format(format_name).dumps(record)
    return text


class RecordFiles:
    """One file per harvested record in ``folder``, named and written as a batch conversion
    names and writes a container's records (:func:`archmeta.conversion.output_name`,
    :class:`archmeta.conversion.PlannedSink`): the identifier made a portable name (a long one
    cut and given a stable hash, a Windows-reserved one escaped), written atomically with the
    usual mode, never through a symbolic link nor outside ``folder``, an existing file kept
    unless ``force`` (one that holds the same bytes is unchanged), a failed write reported.

    Two identifiers of one harvest that make the same file name: the second is not written
    (``output-conflict``), as a batch writes neither.
    """

    def __init__(self, folder: Path, format_name: str, force: bool = False) -> None:
        from ..conversion import PlannedSink, Settings
        from ..formats import get_format

        self.folder = folder
        self.target = get_format(format_name)
        self.extension = self.target.extensions[0]
        self.plan: dict[int, tuple[str, str | None]] = {}
        settings = Settings(format_name, force=force, out_dir=str(folder))
        self.sink = PlannedSink(self.plan, settings, keep_same=True)
        self.owners: dict[str, str] = {}  # file name: the identifier written to it

    def name(self, identifier: str) -> str:
        """The file name of the record with this OAI identifier."""
        from ..conversion import output_name

        return output_name(identifier, "record", 1) + self.extension

    def write(self, record: ArchivalRecord, identifier: str, where: str) -> Outcome:
        """Write one record; what happened (converted, skipped or failed, with its events)."""
        from ..conversion import Outcome, render

        outcome = Outcome(where)
        name = self.name(identifier)
        owner = self.owners.setdefault(name, identifier)
        if owner != identifier:
            message = f"its file {name} is already the file of {owner}; not written"
            outcome.fail([Issue(message, rule="output-conflict")], where)
            return outcome
        self.plan[1] = (str(self.folder / name), None)
        self.sink.put(1, render(self.target, record), where, outcome)
        return outcome

    @staticmethod
    def status(outcome: Outcome) -> str:
        """What :meth:`write` did: ``written``, ``unchanged``, ``exists`` or ``failed``."""
        from ..conversion import UNCHANGED, Skip

        if outcome.converted:
            return "written"
        skips = [e for e in outcome.events if isinstance(e, Skip)]
        if skips:
            return "unchanged" if skips[0].reason == UNCHANGED else "exists"
        return "failed"


def write_file(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (a link there is replaced, not followed)."""
    from ..formats._io import write_atomic

    write_atomic(path, data)


def file_extension(format_name: str) -> str:
    """The file extension archmeta gives a format (``.txt``, ``.tei.xml``, ...)."""
    from ..formats import get_format

    return get_format(format_name).extensions[0]


def metadata_element(record: ArchivalRecord, prefix: str) -> etree._Element:
    """The element to put inside an OAI-PMH ``metadata`` element for a metadata prefix."""
    from lxml import etree

    if prefix == "oai_dc":
        from ..formats.dc import to_element

        return to_element(record, flavour="oai_dc")
    if prefix == "dcterms":
        from ..formats.dc import to_element

        plain = to_element(record, flavour="dcterms")
        # OAI-PMH metadata must be namespace-qualified: the same container, in QDC_NS.
        nsmap = {"qdc": QDC_NS, **{k: v for k, v in plain.nsmap.items() if k}}
        element = etree.Element(f"{{{QDC_NS}}}qualifieddc", nsmap=nsmap)
        element.set(f"{{{_XSI}}}schemaLocation", f"{QDC_NS} {METADATA_FORMATS['dcterms'][0]}")
        element.text = plain.text
        element.extend(list(plain))
        return element
    if prefix == "tei":
        from ..formats.tei import dumps as tei_dumps

        return etree.fromstring(tei_dumps(record).encode("utf-8"), parser=hardened_parser())
    raise UsageError(f"unknown metadata prefix {prefix!r}")


def record_from_metadata(
    element: etree._Element, prefix: str, source: str | None
) -> ArchivalRecord:
    """Read the child of a harvested ``metadata`` element (raises :class:`ArchmetaError`)."""
    from lxml import etree

    from ..formats import get_format

    name = {"oai_dc": "oai_dc", "dcterms": "dcterms", "tei": "tei"}.get(prefix)
    if name is None:
        raise UsageError(f"cannot read metadata of prefix {prefix!r} (oai_dc, dcterms, tei)")
    data = etree.tostring(element, encoding="utf-8")
    return get_format(name).loads(data, source=source)
