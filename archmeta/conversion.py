"""Converting one input: the one path that ``archmeta convert`` takes for a single file and
that every batch worker takes for each of its inputs.

An input is read (:mod:`archmeta.sources`), its codec reads its record, or streams the records
of a container (an OAI-PMH response), each record is written by the target codec, and each
output goes to a :class:`Sink`: one file or standard output (:class:`FileSink`), or the
paths a batch planned (:class:`PlannedSink`). Everything that happens is kept in an
:class:`Outcome` as data: :class:`~archmeta.errors.Issue` objects and :class:`Skip` notes.
"""

from __future__ import annotations

import io
import os
import re
import stat
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING

from .errors import ArchmetaError, Issue, UnreadableError, UsageError
from .time_limits import TimeLimitExceeded, time_limit

if TYPE_CHECKING:
    from .formats.codec import Codec, CollectionItem
    from .model import ArchivalRecord

__all__ = [
    "EXISTS",
    "UNCHANGED",
    "FileSink",
    "Outcome",
    "Output",
    "OutputUsageError",
    "PlannedSink",
    "Settings",
    "SeveralRecords",
    "Sink",
    "Skip",
    "TimeLimitExceeded",
    "convert_input",
    "dropped",
    "output_name",
    "render",
    "safe_name",
    "same_file",
    "time_limit",
    "url_warnings",
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
    #: The output folder of a batch: nothing is written outside it (through a symbolic link).
    out_dir: str | None = None
    #: Seconds one record may take (0: no limit); a record over it fails with ``timeout``.
    timeout: float = 0
    #: Refuse (fail, write nothing for) a record that would lose something in conversion.
    strict: bool = False
    #: Options of the target codec (:meth:`Codec.with_options`), as (name, value) pairs.
    options: tuple[tuple[str, str], ...] = ()


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
    lossy: int = 0  # records written with a [dropped] warning: something was not kept

    @property
    def issues(self) -> list[Issue]:
        """The problems, as :class:`~archmeta.errors.Issue` objects."""
        return [e for e in self.events if isinstance(e, Issue)]

    @property
    def records(self) -> int:
        """How many records were dealt with (converted, failed or skipped)."""
        return self.converted + self.failed + self.skipped

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
# Characters an identifier may hold that a file name shows as "_" without losing which
# identifier it was: the separators of OAI and URL identifiers.
_PLAIN = re.compile(r"[A-Za-z0-9._:/ -]*")
# Names Windows reserves whatever their extension ("con.json" cannot be created there).
_RESERVED = re.compile(r"(?i)(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?:\..*)?")


def safe_name(identifier: str, limit: int = 150) -> str:
    """A portable file name (no extension) for an identifier, the same on every run.

    ``oai:digitalarchive.wilsoncenter.org:118189`` becomes
    ``oai_digitalarchive.wilsoncenter.org_118189``. An identifier with other characters
    (non-Latin scripts, say) keeps its Latin part and gets a short hash of the whole, so that
    ``oai:x:дом`` and ``oai:x:кот`` stay distinct; so does one cut to ``limit`` characters
    (the file name, its extension and a temporary suffix stay within 255 bytes). A name that
    Windows reserves (``con``, ``aux``, ``nul``, ``com1``...) gets a final ``_``.

    >>> safe_name("oai:archive.org:a/b c")
    'oai_archive.org_a_b_c'
    >>> safe_name("oai:x:дом") != safe_name("oai:x:кот")
    True
    """
    name = _SAFE.sub("_", identifier).strip("._-") or "record"
    if len(name) > limit or not _PLAIN.fullmatch(identifier):
        import hashlib

        digest = hashlib.sha1(identifier.encode("utf-8")).hexdigest()[:10]
        name = name[:limit].rstrip("._-") + "-" + digest
    if _RESERVED.fullmatch(name):
        name += "_"
    return name


def output_name(identifier: str | None, stem: str, number: int) -> str:
    """The file name (no extension) of a container's record: its identifier made safe, or
    the container's name and the record's position when it has no identifier."""
    return safe_name(identifier) if identifier else f"{stem}-{number:05d}"


Output = str | Mapping[str, bytes]
"""What a codec writes for one record: a document, or a folder's files by relative path."""


def render(target: Codec, record: ArchivalRecord) -> Output:
    """The output of ``record`` in ``target``: a document, or a folder's files."""
    return target.write_files(record) if target.writes_folders else target.write(record)


class Sink(ABC):
    """Where the outputs of one input go."""

    @abstractmethod
    def put(self, number: int, text: Output, where: str, outcome: Outcome) -> bool:
        """Write the output of the input's record at 1-based position ``number``: a document,
        or the files of a folder (a package item, see :attr:`Codec.writes_folders`); False when
        it was not written (skipped or failed, as the outcome says)."""

    def close(self, outcome: Outcome) -> None:  # noqa: B027 - most sinks have nothing to do
        """Called once the input is done (and only when it ended without error)."""


EXISTS = "exists (use --force to overwrite it)"
"""The reason an output is skipped when it exists (counted, not printed one by one)."""

UNCHANGED = "unchanged (it holds the same content)"
"""The reason an output is skipped when it already holds what would be written (a harvest that
comes back for the records of its last day, see ``PlannedSink(keep_same=True)``)."""


class PlannedSink(Sink):
    """Outputs at the paths a batch planned: ``plan`` maps a record's position to its output
    path and, when other inputs or records want the same path, to those owners (a conflict:
    the record is not written). An existing file is skipped unless ``settings.force``; with
    ``keep_same``, a file that already holds exactly the output is skipped as :data:`UNCHANGED`,
    even with ``force``.

    Each output is written atomically (a temporary file beside it, then a rename) with the mode
    a new file gets (0666 less the umask), never through a symbolic link (a link in the way
    counts as an existing file; ``force`` replaces the link itself) nor into a folder that
    leads outside ``settings.out_dir``; a write that fails is a ``write-failed`` issue.

    ``folders`` holds the output folders already made and checked to lie inside the output
    folder; the sinks of one chunk of a batch share it, so that each folder is checked once
    per chunk, not once per file.
    """

    def __init__(
        self,
        plan: Mapping[int, tuple[str, str | None]],
        settings: Settings,
        written: Collection[str] = (),
        keep_same: bool = False,
        folders: set[Path] | None = None,
    ) -> None:
        self.plan = plan
        self.settings = settings
        self.written = written  # outputs this run wrote already (a worker died after them)
        self.keep_same = keep_same
        self.made: set[Path] = set() if folders is None else folders

    def put(self, number: int, text: Output, where: str, outcome: Outcome) -> bool:
        from .formats import _io

        planned = self.plan.get(number)
        if planned is None:
            message = "the input changed after the batch was planned; run it again"
            outcome.fail([Issue(message, rule="usage")], where)
            return False
        path, conflict = planned
        if conflict is not None:
            message = f"its output {path} is also the output of {conflict}; neither is written"
            outcome.fail([Issue(message, rule="output-conflict")], where)
            return False
        output = Path(path)
        if path in self.written:
            outcome.converted += 1
            outcome.outputs.append(path)
            return True
        try:
            if output.parent not in self.made:
                self._check_inside(output)  # before mkdir, which would follow the link
                output.parent.mkdir(parents=True, exist_ok=True)
                self.made.add(output.parent)
            if self.keep_same and _holds(output, text):
                outcome.skip(str(output), UNCHANGED)
                return False
            if not self.settings.force and os.path.lexists(output):
                outcome.skip(str(output), EXISTS)
                return False
            if isinstance(text, str):
                _io.write_atomic(output, text.encode("utf-8"), fsync=self.settings.fsync)
            else:
                _io.write_folder_atomic(output, text, fsync=self.settings.fsync)
        except OSError as exc:
            outcome.fail([_write_failure(output, exc)], where)
            return False
        outcome.converted += 1
        outcome.outputs.append(str(output))
        return True

    def _check_inside(self, output: Path) -> None:
        """Refuse a folder that leads outside the output folder (a symbolic link planted in
        it): raised as an OSError, so the record fails with ``write-failed``."""
        root = self.settings.out_dir
        if root is None:
            return
        real_root = os.path.realpath(root)
        real = os.path.realpath(output.parent)
        if real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep):
            raise OSError(f"{output.parent} leads outside the output folder {root}")


def _holds(path: Path, text: Output) -> bool:
    """Whether ``path`` is a regular file (not a link) holding exactly the document ``text``."""
    if not isinstance(text, str):
        return False
    data = text.encode("utf-8")
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


class FileSink(Sink):
    """One output file, or standard output (``path`` None): an input with several records is
    refused before anything is written (:class:`SeveralRecords`). The file is written
    atomically, and flushed to disk before its rename with ``fsync``."""

    def __init__(
        self, path: Path | None, name: str, stdout: IO[str] | None = None, fsync: bool = True
    ) -> None:
        self.path = path
        self.name = name
        self.stdout = stdout
        self.fsync = fsync
        self.pending: str | None = None

    def put(self, number: int, text: Output, where: str, outcome: Outcome) -> bool:
        if not isinstance(text, str):
            raise OutputUsageError(
                f"{self.name}: the target format writes a folder per record; use --out DIR"
            )
        if self.pending is not None:
            how = "save it to a file and convert that" if self.name == "<stdin>" else "convert it"
            raise SeveralRecords(
                f"{self.name}: holds several records (an OAI-PMH response); {how} with --out "
                "DIR, which writes one file per record"
            )
        self.pending = text
        return True

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
                _io.write_atomic(self.path, self.pending.encode("utf-8"), fsync=self.fsync)
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
    codec: Codec,
    data: bytes | str | None,
    path: str | None,
    name: str,
    numbers: Collection[int] | None,
    max_bytes: int = 0,
) -> Iterator[CollectionItem]:
    stream: str | IO[bytes]
    if data is None:
        assert path is not None
        stream = path
    else:
        stream = io.BytesIO(data.encode("utf-8") if isinstance(data, str) else data)
    selected = None if numbers is None else set(numbers)
    # The size limit of a document is that of each record of a container too: a streamed
    # container may be larger than the limit, never one of its records.
    return codec.iter_records(stream, name, numbers=selected, max_bytes=max_bytes)


def convert_input(
    source: str | bytes,
    name: str,
    settings: Settings,
    sink: Sink,
    stop: Callable[[], bool] = lambda: False,
    numbers: Collection[int] | None = None,
    to_end: bool = True,
) -> Outcome:
    """Convert one input (a path, or a document's bytes) into ``sink``.

    Every problem is caught and kept in the outcome, except :class:`OutputUsageError` (a
    usage error of the caller). ``stop`` is asked between the records of a container.
    ``numbers`` selects the records of a container to convert (a part of it); unless
    ``to_end``, reading stops after the last of them.
    """
    from .formats import get_format
    from .sources import open_source

    outcome = Outcome(name)
    try:
        target = get_format(settings.to_format).with_options(dict(settings.options))
        opened = open_source(
            source,
            name=name,
            format=settings.from_format,
            max_bytes=settings.max_bytes,
            is_path=isinstance(source, str),
        )
        if not opened.is_container:
            assert opened.data is not None
            with time_limit(settings.timeout, "the record"):
                decoded = opened.codec.read(opened.data, name)
                if decoded.usable is None:
                    outcome.fail(decoded.issues, name)
                    return outcome
                losses = dropped(decoded.usable, decoded.issues, target)
                notes = url_warnings(decoded.usable, decoded.locate, decoded.xpath_of)
                text = None if losses and settings.strict else render(target, decoded.usable)
            _put(sink, 1, text, losses, name, outcome, notes)
        else:
            items = _items(
                opened.codec, opened.data, opened.path, name, numbers, settings.max_bytes
            )
            last = None if to_end or not numbers else max(numbers)
            _convert_items(
                items,
                target,
                sink,
                outcome,
                stop,
                last,
                numbers is None,
                settings.timeout,
                settings.strict,
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
    last: int | None,
    whole: bool,
    timeout: float = 0,
    strict: bool = False,
) -> None:
    """One output per record of a container, in document order (``last``: the position after
    which reading stops; ``whole``: every record is converted, not a part; ``timeout``: the
    seconds each record may take, reading and writing)."""
    seen = False
    while not stop():
        try:
            with time_limit(timeout, "reading the next record"):
                item = next(items, None)
        except TimeLimitExceeded as exc:
            # The reader cannot go on after being stopped inside a record: the rest of the
            # container is reported, not lost in silence.
            outcome.fail(exc.issues, f"{outcome.input} (after record {outcome.records})")
            return
        if item is None:
            break
        number = item.number
        seen = True
        identifier = item.oai_identifier
        where = f"{outcome.input} (record {number}{', ' + identifier if identifier else ''})"
        if item.deleted:
            outcome.skip(where, "deleted record")
        elif item.record is None:
            issues = list(item.issues) or [Issue("the record could not be read", "parse")]
            outcome.fail(issues, where)
        else:
            try:
                with time_limit(timeout, "the record"):
                    losses = dropped(item.record, item.issues, target)
                    notes = url_warnings(item.record)
                    text = None if losses and strict else render(target, item.record)
                _put(sink, number, text, losses, where, outcome, notes)
            except OutputUsageError:
                raise
            except ArchmetaError as exc:
                outcome.fail(exc.issues, where)
            except Exception as exc:  # one record's bug must not lose the others
                message = f"internal error {type(exc).__name__}: {exc}"
                outcome.fail([Issue(message, rule="internal-error")], where)
        if last is not None and number >= last:
            return
    if not seen and whole:
        outcome.skip(outcome.input, "it holds no records")


def dropped(record: ArchivalRecord, read: list[Issue], target: Codec) -> list[Issue]:
    """What converting ``record`` into ``target`` does not keep, as warnings: what the reader
    passed over in the source (its warnings: a TEI division, a foreign element, an extra date)
    and the fields the target cannot hold as they are (one ``dropped`` warning naming them)."""
    losses = [i for i in read if i.severity == "warning"]
    fields = target.lost(record)
    if fields:
        message = (
            f"{target.name} does not keep {', '.join(fields)} as the record has them "
            "(see docs/crosswalk.md)"
        )
        losses.append(Issue(message, rule="dropped", severity="warning"))
    return losses


def url_warnings(
    record: ArchivalRecord,
    locate: Callable[[str], tuple[int, int] | None] | None = None,
    xpath_of: Callable[[str], str | None] | None = None,
) -> list[Issue]:
    """A ``url-malformed`` warning when the record's URL is one that ``archmeta validate``
    refuses (:func:`archmeta.urls.url_problem`, the default schemes): conversion runs no record
    rules, but a ``javascript:`` URL is not passed on without a word. The URL is still written
    as it is (the text layout escapes it rather than make a link of it); ``locate`` and
    ``xpath_of`` place the warning where the reader found the URL, else at ``/url``."""
    if record.url is None:
        return []
    from .urls import url_problem

    problem = url_problem(record.url)
    if problem is None:
        return []
    position = locate("/url") if locate else None
    return [
        Issue(
            f"{problem}; it is converted as it is (archmeta validate refuses it)",
            rule="url-malformed",
            severity="warning",
            line=position[0] if position else None,
            column=position[1] if position else None,
            pointer=None if position else "/url",
            xpath=xpath_of("/url") if xpath_of else None,
        )
    ]


def _put(
    sink: Sink,
    number: int,
    text: Output | None,
    losses: list[Issue],
    where: str,
    outcome: Outcome,
    notes: Sequence[Issue] = (),
) -> None:
    """Write one output, with what it lost and ``notes`` (warnings about what it holds, which
    neither count as losses nor make ``--strict`` refuse it); ``text`` None: refused (strict)
    for its losses."""
    if text is None:
        outcome.fail([*(replace(i, severity="error") for i in losses), *notes], where)
        return
    if not sink.put(number, text, where, outcome):
        return
    if losses:
        outcome.lossy += 1
    outcome.events.extend(i if i.source else replace(i, source=where) for i in (*losses, *notes))


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name the same existing file."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
