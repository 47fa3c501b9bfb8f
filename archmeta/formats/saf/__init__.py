"""DSpace Simple Archive Format (SAF): a package is a folder of item folders.

Each item folder holds ``dublin_core.xml`` (``<dublin_core schema="dc">`` of ``<dcvalue>``
elements named from DSpace's default ``dc`` registry), ``metadata_dcterms.xml`` for what only
the ``dcterms`` registry has a place for, the record's plain text and TEI as bitstreams listed
in ``contents``, and, with the ``collection`` option, a ``collections`` file. Which field goes
where is the ``dspace-saf`` column of :mod:`archmeta.mapping`; ``docs/formats/dspace-saf.md``
says how to import the result with ``dspace import``.

As a document (``read``/``loads``), the format is one metadata file: ``dublin_core.xml``.
"""

from __future__ import annotations

import os
from collections.abc import Container, Iterator, Mapping

from ...errors import UsageError
from ...model import ArchivalRecord
from .. import _flat
from ..codec import Codec, CollectionItem, Decoded, Readable
from ._common import COLUMN
from ._read import iter_items, read_document
from ._write import item_files

__all__ = ["SafCodec", "codec"]


class SafCodec(Codec):
    """DSpace Simple Archive Format: reads packages (folders) and writes item folders."""

    name = "dspace-saf"
    extensions = (".saf",)
    media_type = "application/xml"
    description = "DSpace Simple Archive Format (a folder per item)"
    unavailable: frozenset[str] = frozenset()
    reads_folders = True
    writes_folders = True

    def __init__(self, collections: tuple[str, ...] = ()) -> None:
        self.collections = collections

    def sniff(self, head: bytes) -> int:
        return 40 if b"<dublin_core" in head else 0

    def read(self, data: str | bytes, source: str | None = None) -> Decoded:
        return read_document(data, source)

    def write(self, record: ArchivalRecord) -> str:
        """The record's ``dublin_core.xml`` (the whole item is :meth:`write_files`)."""
        return item_files(record)["dublin_core.xml"].decode("utf-8")

    def write_files(self, record: ArchivalRecord) -> dict[str, bytes]:
        return item_files(record, self.collections)

    def with_options(self, options: Mapping[str, str]) -> SafCodec:
        """``collection``: the handles (or UUIDs) of the collections, separated by spaces, the
        first the owning one; written to each item's ``collections`` file."""
        unknown = set(options) - {"collection"}
        if unknown:
            raise UsageError(f"{self.name} knows the option 'collection' only, not {unknown}")
        handles = tuple(options.get("collection", "").split())
        return SafCodec(handles) if handles else self

    def project(self, record: ArchivalRecord) -> ArchivalRecord:
        # The body, the funders and the provenance come back from the item's TEI bitstream.
        return _flat.project(record, COLUMN, kept=("body", "funders", "provenance"))

    def is_container(self, head: bytes) -> bool:
        return False  # a package is a folder (see reads_folders); a metadata file is one record

    def iter_records(
        self,
        source: Readable,
        source_name: str | None = None,
        *,
        numbers: Container[int] | None = None,
        headers_only: bool = False,
        max_bytes: int = 0,
    ) -> Iterator[CollectionItem]:
        if not isinstance(source, (str, os.PathLike)) or not os.path.isdir(source):
            raise UsageError(f"{source_name or source}: a {self.name} package is a folder")
        return iter_items(os.fspath(source), numbers, headers_only, max_bytes)


codec = SafCodec()
