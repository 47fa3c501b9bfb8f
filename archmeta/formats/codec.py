"""The codec protocol: the one shape every format has.

A codec is one object per format. It knows its name, its file extensions and media type, how to
recognise its documents from their first bytes, how to read a document into a record (with every
issue it found, each under the stable rule id of what is wrong), how to write a record, and what
the format cannot hold (its projection). A container format (an OAI-PMH response, a repository
package) also iterates over its records. Codecs know nothing of validation rules, batches or the
command line: those layers ask the codec and never branch on a format's name.

A new format is a subclass of :class:`Codec` in its own module, registered in
:mod:`archmeta.formats` or by another package through the entry-point group
``archmeta.formats`` (see ``docs/architecture.md``).
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from ..errors import ArchmetaError, Issue, UsageError, ValidationError

if TYPE_CHECKING:
    from ..model import ArchivalRecord

__all__ = ["Codec", "CollectionItem", "Decoded", "failed"]


@dataclass(frozen=True)
class Decoded:
    """What a codec read from one document.

    ``record`` is None when no record could be built; ``issues`` holds everything the reader
    found (errors that stopped it, warnings about what was not kept), each with its place.
    ``error`` is set when the document cannot be used: then ``record``, if any, is what the
    reader made of the rest of the document (so that every problem can be reported at once),
    never a record to convert.
    ``lines`` maps a field name to the line it was read from, when the format knows, so that
    rules about a field can point into the document. ``error`` is the exception that ended
    reading, kept so that :meth:`Codec.loads` raises what callers expect.
    """

    record: ArchivalRecord | None
    issues: list[Issue] = field(default_factory=list)
    lines: Mapping[str, int] = field(default_factory=dict)
    error: ArchmetaError | None = None
    #: The XPath of the element a field was read from (XML formats), beside its line.
    xpaths: Mapping[str, str] = field(default_factory=dict)

    @property
    def usable(self) -> ArchivalRecord | None:
        """The record, when the document can be converted (no ``error``)."""
        return self.record if self.error is None else None

    def locate(self, where: str) -> tuple[int, int] | None:
        """The (line, column) of a JSON Pointer's field in the document, when known."""
        name = where.split("/")[1] if "/" in where else where
        line = self.lines.get(name)
        return (line, 1) if line else None

    def xpath_of(self, where: str) -> str | None:
        """The XPath of the element a JSON Pointer's field was read from, when known."""
        name = where.split("/")[1] if "/" in where else where
        return self.xpaths.get(name)


@dataclass
class CollectionItem:
    """One record of a container (an OAI-PMH response, a package), as read or to be written.

    ``oai_identifier`` and ``datestamp`` come from the record's header where the container has
    one; ``deleted`` is true for a record the container marks as deleted (``record`` is then
    None); ``record`` is None with error ``issues`` when the record cannot be read, and the
    container goes on to its next record. ``line`` is where the record starts.
    """

    oai_identifier: str | None
    datestamp: str | None
    deleted: bool = False
    record: ArchivalRecord | None = None
    issues: list[Issue] = field(default_factory=list)
    set_specs: list[str] = field(default_factory=list)
    line: int | None = None
    number: int = 0  # its 1-based position in the container

    @property
    def ok(self) -> bool:
        """Whether the item holds a record (or is a deleted record, which is not an error)."""
        return self.record is not None or self.deleted


Readable = str | os.PathLike[str] | IO[bytes]


class Codec(ABC):
    """One format: subclass it, set the class attributes and implement :meth:`read` and
    :meth:`write`; the rest has defaults that fit a lossless single-record format."""

    #: The format's name (``--from``/``--to``), unique among registered codecs.
    name: str
    #: File name endings, the one written first (longest match wins when telling a format).
    extensions: tuple[str, ...]
    #: Extensions other documents share (``.md``): a folder walk takes such a file only when
    #: :meth:`sniff` recognises its content.
    loose_extensions: tuple[str, ...] = ()
    #: The IANA media type of the documents.
    media_type: str
    #: One line for ``archmeta formats``.
    description: str
    #: Fields a record read back from this format never holds (its projection empties them).
    unavailable: frozenset[str] = frozenset()
    #: Whether :meth:`schema_issues` accepts another schema file (RELAX NG or XSD).
    takes_schema_file: bool = False
    #: Whether a container document can be read from a file too big to hold in memory.
    streams: bool = False
    #: Whether a document of this format can be a folder (a repository package): such a
    #: folder is one container input, whose path :meth:`iter_records` takes.
    reads_folders: bool = False
    #: Whether a record's output is a folder of files (:meth:`write_files`), not a document.
    writes_folders: bool = False
    #: Whether one-record documents can be joined into one (:meth:`join`): a table format
    #: whose file holds many records.
    joins: bool = False

    # ------------------------------------------------------------------ what each codec does

    def sniff(self, head: bytes) -> int:
        """How surely ``head`` (the first bytes) starts a document of this format: 0 for not at
        all; among codecs that answer, the highest wins."""
        return 0

    @abstractmethod
    def read(self, data: str | bytes, source: str | None = None) -> Decoded:
        """Read one document; never raises for bad input (problems are in the issues)."""

    @abstractmethod
    def write(self, record: ArchivalRecord) -> str:
        """The record as a document of this format."""

    def project(self, record: ArchivalRecord) -> ArchivalRecord:
        """The record as it comes back from this format: what the format keeps of it."""
        return record

    def schema_issues(
        self, data: str | bytes, source: str | None = None, schema: str | None = None
    ) -> list[Issue]:
        """Problems of a document against the format's published schema (or ``schema``, a
        schema file, where :attr:`takes_schema_file`); none by default."""
        return []

    def is_container(self, head: bytes) -> bool:
        """Whether a document starting with ``head`` holds several records."""
        return False

    def iter_records(
        self,
        source: Readable,
        source_name: str | None = None,
        *,
        numbers: Container[int] | None = None,
        headers_only: bool = False,
        max_bytes: int = 0,
    ) -> Iterator[CollectionItem]:
        """Stream the records of a container document (see :meth:`is_container`), in document
        order. ``numbers`` (1-based positions) selects the records to build, so that several
        processes can share one container; ``headers_only`` gives identifiers, datestamps and
        deletions without building records (a cheap first pass). ``max_bytes`` (0: no limit)
        is the size limit of one record: a larger record is an item without a record, with a
        ``record-too-large`` issue, passed over without being held in memory, and the
        container goes on to its next record."""
        raise UsageError(f"{self.name} documents hold one record each")

    def write_files(self, record: ArchivalRecord) -> dict[str, bytes]:
        """The files of the record's output folder, by relative path (for a codec that
        :attr:`writes_folders`; the folder itself is named by the caller)."""
        raise UsageError(f"{self.name} writes one document per record, not a folder")

    def join(self, documents: Sequence[str]) -> str:
        """Several documents of this format, each of one record, as one document (for a codec
        that :attr:`joins`), in the order given."""
        raise UsageError(f"{self.name} documents cannot be joined into one")

    def with_options(self, options: Mapping[str, str]) -> Codec:
        """A codec like this one that writes with ``options`` (``name=value`` pairs of the
        command line's ``--option``); an option the codec does not know is a UsageError."""
        if options:
            raise UsageError(f"{self.name} takes no options (given: {', '.join(options)})")
        return self

    # ------------------------------------------------------------------------- conveniences

    @property
    def extension(self) -> str:
        """The extension written by default for this format."""
        return self.extensions[0]

    def loads(self, data: str | bytes, source: str | None = None) -> ArchivalRecord:
        """Read one record; raises :class:`~archmeta.errors.ParseError` or
        :class:`~archmeta.errors.ValidationError` (every problem) when it cannot be built."""
        decoded = self.read(data, source)
        if decoded.error is not None:
            raise decoded.error
        if decoded.record is None:
            raise ValidationError(decoded.issues, source=source)
        return decoded.record

    def dumps(self, record: ArchivalRecord) -> str:
        """The record as a document of this format (same as :meth:`write`)."""
        return self.write(record)

    def lost(self, record: ArchivalRecord) -> list[str]:
        """The fields of ``record`` whose value this format does not keep as it is."""
        projected = self.project(record)
        if projected is record:  # a lossless format: nothing to compare
            return []
        return [
            name
            for name in type(record).model_fields
            if getattr(record, name) != getattr(projected, name)
        ]

    def __repr__(self) -> str:
        return f"<codec {self.name}>"


def failed(exc: ArchmetaError) -> Decoded:
    """A :class:`Decoded` for a document whose reading ended with ``exc``."""
    return Decoded(None, list(exc.issues), error=exc)
