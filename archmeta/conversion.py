"""Converting one input: the one path that ``archmeta convert`` takes for a single file and
that every batch worker takes for each of its inputs.

An input is read (:mod:`archmeta.sources`), its codec reads its record, or streams the records
of a container (an OAI-PMH response), each record is written by the target codec, and each
output goes to a :class:`Sink`: one file or standard output (:class:`FileSink`), or a folder
with one file per record (:class:`FolderSink`). Everything that happens is kept in an
:class:`Outcome` as data: :class:`~archmeta.errors.Issue` objects and :class:`Skip` notes.
"""

from __future__ import annotations

import io
import os
import re
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING

from .errors import ArchmetaError, Issue, UnreadableError, UsageError

if TYPE_CHECKING:
    from .formats.codec import Codec, CollectionItem

__all__ = [
    "FileSink",
    "FolderSink",
    "Outcome",
    "OutputUsageError",
    "Settings",
    "SeveralRecords",
    "Sink",
    "Skip",
    "convert_input",
    "safe_name",
]


@dataclass(frozen=True)
class Settings:
    """What a conversion does: the target format, the source format (None: detected), whether
    existing outputs are overwritten, the input size limit and whether each output is flushed
    to disk before its rename."""

    to_format: str
    from_format: str | None = None
    force: bool = False
    max_bytes: int = 0
    fsync: bool = False


@dataclass(frozen=True)
class Skip:
    """An input or record left alone on purpose (an existing output, a deleted record)."""

    where: str
    reason: str

    def format(self) -> str:
        """``WHERE: skipped: REASON``."""
        return f"{self.where}: skipped: {self.reason}"


@dataclass
class Outcome:
    """What happened to one input: counts of records converted, failed and skipped, and every
    issue and skip in the order they happened."""

    input: str
    converted: int = 0
    failed: int = 0
    skipped: int = 0
    events: list[Issue | Skip] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    done: bool = True  # False when a stop request came before this input was started

    @property
    def issues(self) -> list[Issue]:
        """The problems, as :class:`~archmeta.errors.Issue` objects."""
        return [e for e in self.events if isinstance(e, Issue)]

    @property
    def messages(self) -> list[str]:
        """Each event as one line (``FILE:LOC: severity: message [rule]``, ``...: skipped:``)."""
        return [e.format() for e in self.events]

    def fail(self, issues: list[Issue], where: str) -> None:
        """Count one failed record, with its issues (placed at ``where`` when they say no
        source)."""
        self.failed += 1
        self.events.extend(i if i.source else replace(i, source=where) for i in issues)

    def skip(self, where: str, reason: str) -> None:
        """Count one skipped record."""
        self.skipped += 1
        self.events.append(Skip(where, reason))


class OutputUsageError(UsageError):
    """The output named by the caller cannot be used: raised to the caller, not kept in the
    outcome (the command line exits with a usage error)."""


class SeveralRecords(OutputUsageError):
    """A container with several records was given where one output file was named."""


# ---------------------------------------------------------------------------------- sinks

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(identifier: str, limit: int = 150) -> str:
    """A portable file name (no extension) for an identifier.

    ``oai:digitalarchive.wilsoncenter.org:118189`` becomes
    ``oai_digitalarchive.wilsoncenter.org_118189``; long names are cut and given a short hash
    so that they stay distinct.

    >>> safe_name("oai:archive.org:a/b c")
    'oai_archive.org_a_b_c'
    """
    name = _SAFE.sub("_", identifier).strip("._-") or "record"
    if len(name) > limit:
        import hashlib

        digest = hashlib.sha1(identifier.encode("utf-8")).hexdigest()[:10]
        name = name[:limit].rstrip("._-") + "-" + digest
    return name


class Sink(ABC):
    """Where the outputs of one input go."""

    @abstractmethod
    def put(
        self,
        identifier: str | None,
        number: int,
        single: bool,
        text: str,
        where: str,
        outcome: Outcome,
    ) -> None:
        """Write one record's output: ``identifier`` is its container identifier (if any),
        ``number`` its place in the input, ``single`` true when the input holds it alone."""

    def close(self, outcome: Outcome) -> None:  # noqa: B027 - most sinks have nothing to do
        """Called once the input is done (and only when it ended without error)."""


class FolderSink(Sink):
    """One file per record in a folder: the record of a one-record input is named ``stem``;
    the records of a container are named after their identifiers (``stem-00004`` without one).
    An existing file is skipped unless ``force``."""

    def __init__(self, folder: Path, stem: str, extension: str, settings: Settings) -> None:
        self.folder = folder
        self.stem = stem
        self.extension = extension
        self.settings = settings
        self.used: dict[str, int] = {}
        self.made: set[Path] = set()

    def name_for(self, identifier: str | None, number: int, single: bool) -> str:
        if single:
            name = self.stem
        elif identifier:
            name = safe_name(identifier)
        else:
            name = f"{self.stem}-{number:05d}"
        count = self.used.get(name, 0) + 1
        self.used[name] = count
        return name if count == 1 else f"{name}-{count}"

    def put(
        self,
        identifier: str | None,
        number: int,
        single: bool,
        text: str,
        where: str,
        outcome: Outcome,
    ) -> None:
        from .formats import _io

        output = self.folder / (self.name_for(identifier, number, single) + self.extension)
        if not self.settings.force and output.exists():
            outcome.skip(str(output), "exists (use --force to overwrite it)")
            return
        try:
            if output.parent not in self.made:
                output.parent.mkdir(parents=True, exist_ok=True)
                self.made.add(output.parent)
            _io.write_atomic(output, text.encode("utf-8"), fsync=self.settings.fsync)
        except OSError as exc:
            outcome.fail([_write_failure(output, exc)], where)
            return
        outcome.converted += 1
        outcome.outputs.append(str(output))


class FileSink(Sink):
    """One output file, or standard output (``path`` None): an input with several records is
    refused before anything is written (:class:`SeveralRecords`)."""

    def __init__(self, path: Path | None, name: str, stdout: IO[str] | None = None) -> None:
        self.path = path
        self.name = name
        self.stdout = stdout
        self.pending: str | None = None

    def put(
        self,
        identifier: str | None,
        number: int,
        single: bool,
        text: str,
        where: str,
        outcome: Outcome,
    ) -> None:
        if self.pending is not None:
            how = "save it to a file and convert that" if self.name == "<stdin>" else "convert it"
            raise SeveralRecords(
                f"{self.name}: holds several records (an OAI-PMH response); {how} with --out "
                "DIR, which writes one file per record"
            )
        self.pending = text

    def close(self, outcome: Outcome) -> None:
        if self.pending is None:
            return
        if self.path is None:
            stream = self.stdout or sys.stdout
            try:
                stream.write(self.pending)
                stream.flush()
            except OSError as exc:  # a full disk or a closed pipe behind standard output
                outcome.fail([_write_failure("standard output", exc)], self.name)
                return
        else:
            from .formats import _io

            try:
                _io.write_atomic(self.path, self.pending.encode("utf-8"))
            except OSError as exc:
                raise OutputUsageError(
                    f"{self.path}: cannot write ({exc.strerror or exc})"
                ) from None
            outcome.outputs.append(str(self.path))
        outcome.converted += 1


def _write_failure(output: Path | str, exc: OSError) -> Issue:
    return Issue(f"cannot write {output} ({exc.strerror or exc})", rule="write-failed")


# ------------------------------------------------------------------------------ converting


def _items(
    codec: Codec, data: bytes | str | None, path: str | None, name: str
) -> Iterator[CollectionItem]:
    stream: str | IO[bytes]
    if data is None:
        assert path is not None
        stream = path
    else:
        stream = io.BytesIO(data.encode("utf-8") if isinstance(data, str) else data)
    return codec.iter_records(stream, name)


def convert_input(
    source: str | bytes,
    name: str,
    settings: Settings,
    sink: Sink,
    stop: Callable[[], bool] = lambda: False,
) -> Outcome:
    """Convert one input (a path, or a document's bytes) into ``sink``.

    Every problem is caught and kept in the outcome, except :class:`SeveralRecords` (a usage
    error of the caller). ``stop`` is asked between the records of a container.
    """
    from .formats import get_format
    from .sources import open_source

    outcome = Outcome(name)
    try:
        target = get_format(settings.to_format)
        opened = open_source(
            source,
            name=name,
            format=settings.from_format,
            max_bytes=settings.max_bytes,
            is_path=isinstance(source, str),
        )
        if not opened.is_container:
            assert opened.data is not None
            decoded = opened.codec.read(opened.data, name)
            if decoded.usable is None:
                outcome.fail(decoded.issues, name)
                return outcome
            sink.put(None, 1, True, target.write(decoded.usable), name, outcome)
        else:
            _convert_items(
                _items(opened.codec, opened.data, opened.path, name),
                target,
                sink,
                outcome,
                stop,
            )
        sink.close(outcome)
    except OutputUsageError:
        raise
    except UsageError as exc:
        reason = str(exc).removeprefix(f"{name}: ")
        rule = "unreadable" if isinstance(exc, UnreadableError) else "usage"
        outcome.fail([Issue(reason, rule=rule, source=name)], name)
    except ArchmetaError as exc:
        outcome.fail(exc.issues, name)
    except OSError as exc:  # the output cannot be written (no permission, disk full)
        outcome.fail([_write_failure(name, exc)], name)
    except Exception as exc:  # a bug in a codec must not end the batch
        outcome.fail(
            [Issue(f"internal error {type(exc).__name__}: {exc}", rule="internal-error")], name
        )
    return outcome


def _convert_items(
    items: Iterator[CollectionItem],
    target: Codec,
    sink: Sink,
    outcome: Outcome,
    stop: Callable[[], bool],
) -> None:
    """One output per record of a container, in document order."""
    first = next(items, None)
    if first is None:
        outcome.skip(outcome.input, "it holds no records")
        return
    second = next(items, None)
    single = second is None and not first.oai_identifier

    def all_items() -> Iterator[CollectionItem]:
        yield first
        if second is not None:
            yield second
        yield from items

    for number, item in enumerate(all_items(), start=1):
        if stop():
            break
        identifier = item.oai_identifier
        where = f"{outcome.input} (record {number}{', ' + identifier if identifier else ''})"
        if item.deleted:
            outcome.skip(where, "deleted record")
            continue
        if item.record is None:
            issues = list(item.issues) or [Issue("the record could not be read", "parse")]
            outcome.fail(issues, where)
            continue
        try:
            sink.put(identifier, number, single, target.write(item.record), where, outcome)
        except SeveralRecords:
            raise
        except ArchmetaError as exc:
            outcome.fail(exc.issues, where)
        except Exception as exc:  # one record's bug must not lose the others
            outcome.fail(
                [Issue(f"internal error {type(exc).__name__}: {exc}", rule="internal-error")],
                where,
            )


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name the same existing file."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
