"""Planning a batch: which files to convert, and where every output goes.

The whole run is planned before anything is written: every input file, and every record of
every container (an OAI-PMH response, read in a cheap first pass of its headers), gets its
output path. Two inputs or records that would write the same path are an ``output-conflict``
for all of them, whatever order or number of processes would have run them, so the outputs
of a run never depend on ``--jobs``. Large containers are split into parts that different
worker processes convert.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..conversion import output_name
from ..errors import ArchmetaError, UsageError

__all__ = ["NOT_RECORDS", "Job", "Plan", "RecordPlan", "known_extensions", "plan", "walk"]

#: Records per part when a container is split across worker processes.
PART_SIZE = 500


@dataclass(frozen=True)
class RecordPlan:
    """Where one record goes: its output path, or the other owners of that path (a
    conflict: the record is not written)."""

    number: int  # its 1-based position in the input
    output: str
    conflict: str | None = None


@dataclass(frozen=True)
class Job:
    """One input file (or one part of a large container) and where its outputs go.

    ``records`` is None for a one-record input (its output is ``output``); for a container it
    holds the plan of the records this job converts, and ``last`` says whether the job reads
    the container to its end (and so reports a problem found after its last record).
    ``skip`` and ``error`` mark an input that is not converted at all, and why.
    """

    input: str
    output: str
    conflict: str | None = None  # other inputs that map to the same output
    error: str | None = None  # why ``input`` cannot be read (a folder that cannot be listed)
    skip: str | None = None  # why ``input`` is passed over (not a regular file)
    records: tuple[RecordPlan, ...] | None = None
    last: bool = True
    #: Outputs this run has already written (by a worker that died): counted, not rewritten.
    written: frozenset[str] = frozenset()

    @property
    def outputs(self) -> list[str]:
        """Every output path the job writes."""
        if self.records is None:
            return [self.output] if self.output else []
        return [r.output for r in self.records if r.output]

    @property
    def weight(self) -> int:
        """How many records the job converts (for progress and interruption counts)."""
        return len(self.records) if self.records is not None else 1


class Plan(list[Job]):
    """The jobs of a batch, in input order, with what the folder walk passed over."""

    def __init__(self, jobs: Iterable[Job] = (), passed_over: Iterable[str] = ()) -> None:
        super().__init__(jobs)
        self.passed_over: list[str] = list(passed_over)

    @property
    def records(self) -> int:
        """How many records the plan converts."""
        return sum(job.weight for job in self)


def known_extensions(from_format: str | None) -> tuple[str, ...]:
    """The file name endings a folder walk takes: those of ``from_format``, or of every
    registered format (a ``.tei.xml`` format also brings in plain ``.xml``)."""
    from ..formats import registry

    if from_format:
        extensions = list(registry.extensions_of(from_format))
    else:
        extensions = [ext for exts in registry.extensions().values() for ext in exts]
    # ".tei.xml" also brings in plain ".xml" files: their format is told from their content.
    extensions += ["." + ext.rsplit(".", 1)[1] for ext in extensions if ext.count(".") > 1]
    return tuple(dict.fromkeys(extensions))


def _strip_extension(name: str, extensions: Iterable[str]) -> str:
    lower = name.lower()
    best = max((e for e in extensions if lower.endswith(e)), key=len, default=None)
    if best:
        return name[: -len(best)]
    stem, dot, _ = name.rpartition(".")
    return stem if dot and stem.strip(".") else name


NOT_RECORDS = frozenset({"README", "LICENSE", "LICENCE", "CHANGELOG", "CHANGES", "CONTRIBUTING"})
"""Files a folder walk leaves out whatever their extension (README.md is not a text record)."""


def _loose_extensions(from_format: str | None) -> dict[str, str]:
    """Extensions that other documents share (``.md``) and the format whose content a file
    with one must show to be taken from a folder (known without importing the codecs)."""
    from ..formats import registry

    loose = registry.loose_extensions()
    names = [from_format] if from_format else sorted(loose)
    return {ext: name for name in names for ext in loose[name]}


def _looks_like(path: str, format_name: str) -> bool:
    from ..formats import get_format
    from ..sources import read_head

    try:
        return get_format(format_name).sniff(read_head(path)) > 0
    except (ArchmetaError, OSError):
        return True  # unreadable: taken, so that the problem is reported


def _walk(
    folder: str,
    extensions: tuple[str, ...],
    exclude: str | None = None,
    unreadable: list[tuple[str, str]] | None = None,
    passed_over: list[str] | None = None,
    loose: dict[str, str] | None = None,
) -> list[tuple[str, str]]:
    """(path, path relative to ``folder``) of each file under ``folder``, sorted.

    Folders that cannot be listed (no permission) are added to ``unreadable`` as (path,
    reason) instead of being passed over in silence. A file with a ``loose`` extension
    (``.md``) is taken only when its content looks like a record; files passed over are added
    to ``passed_over``.
    """
    found: list[tuple[str, str]] = []

    def failed(exc: OSError) -> None:
        if unreadable is not None:
            unreadable.append((exc.filename or folder, exc.strerror or str(exc)))

    for root, dirs, files in os.walk(folder, onerror=failed):
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and (exclude is None or os.path.realpath(os.path.join(root, d)) != exclude)
        )
        rel_root = os.path.relpath(root, folder)
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = os.path.join(root, name)
            lower = name.lower()
            taken = lower.endswith(extensions) and name.split(".", 1)[0].upper() not in NOT_RECORDS
            if taken and loose:
                ending = next((e for e in loose if lower.endswith(e)), None)
                if ending is not None and not any(
                    lower.endswith(e) and len(e) > len(ending) for e in extensions
                ):
                    taken = _looks_like(path, loose[ending])
            if taken:
                rel = name if rel_root == "." else os.path.join(rel_root, name)
                found.append((path, rel))
            elif passed_over is not None:
                passed_over.append(path)
    return found


def walk(
    folder: Path,
    extensions: tuple[str, ...],
    exclude: Path | None = None,
    unreadable: list[tuple[str, str]] | None = None,
) -> list[Path]:
    """Files under ``folder`` (recursively, sorted) whose name ends with a known extension;
    hidden files and folders (a leading dot), README/LICENSE/CHANGELOG files and ``exclude``
    are left out. Folders that cannot be listed go to ``unreadable`` as (path, reason)."""
    skip = os.path.realpath(exclude) if exclude is not None else None
    return [Path(path) for path, _ in _walk(os.fspath(folder), extensions, skip, unreadable)]


def _check_out_dir(out: str, inputs: Sequence[str]) -> None:
    if os.path.exists(out) and not os.path.isdir(out):
        raise UsageError(f"{out}: --out must be a folder, and this is a file")
    out_real = os.path.realpath(out)
    for item in inputs:
        if item != "-" and os.path.isdir(item):
            folder = os.path.realpath(item)
            if out_real == folder or out_real.startswith(folder.rstrip(os.sep) + os.sep):
                raise UsageError(
                    f"--out {out} is inside the input folder {item}: a second run would read "
                    "the outputs as inputs; choose an output folder outside it"
                )


def _inputs(
    inputs: Sequence[str], from_format: str | None, jobs: list[Job], passed_over: list[str]
) -> list[tuple[str, str]]:
    """(path, relative output location) of every input file, in order; folders that cannot be
    listed and files that are not regular files become jobs that say so."""
    extensions = known_extensions(from_format)
    loose = _loose_extensions(from_format)
    pairs: list[tuple[str, str]] = []
    for item in inputs:
        if item == "-":
            raise UsageError("'-' (standard input) converts one record: use -o, not --out")
        if os.path.isdir(item) and is_package(item, from_format):
            pairs.append((item, os.path.basename(os.path.normpath(item))))
        elif os.path.isdir(item):
            unreadable: list[tuple[str, str]] = []
            found = _walk(item, extensions, None, unreadable, passed_over, loose)
            for folder_path, reason in unreadable:
                jobs.append(Job(folder_path, "", error=f"cannot list the folder ({reason})"))
            pairs.extend(found)
        elif os.path.isfile(item):
            pairs.append((item, os.path.basename(item)))
        elif os.path.exists(item):
            raise UsageError(f"{item}: not a regular file or folder")
        else:
            raise UsageError(f"{item}: no such file or folder")
    return pairs


def is_package(path: str, from_format: str | None) -> bool:
    """Whether ``path`` is a folder that the input format reads as one container (a
    repository package: see ``Codec.reads_folders``)."""
    from ..formats import get_format

    if not from_format or not os.path.isdir(path):
        return False
    return get_format(from_format).reads_folders


def _not_regular(path: str) -> str | None:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # reported by the conversion, which reads it
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):  # a folder here is a package
        return None
    kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
    return f"not a regular file ({kind}): not read, as reading it could wait forever"


@dataclass
class _Planned:
    """A job being planned: its outputs, before conflicts are known."""

    input: str
    output: str
    container: bool = False
    records: list[tuple[int, str]] = field(default_factory=list)  # (number, output or "")


def _scan(
    path: str, from_format: str | None, max_bytes: int = 0
) -> list[tuple[int, str | None, bool]] | None:
    """(number, identifier, deleted) of each record of a container input, or None for a
    one-record input (or one that cannot be read: its conversion reports why). A record over
    ``max_bytes`` is passed over as it is read (its conversion reports it)."""
    from ..formats import detect_format, format_of_name, get_format, registry
    from ..sources import read_head

    try:
        folder = is_package(path, from_format)
        if not folder and registry.single_record(from_format or format_of_name(path) or ""):
            # Named (or its name says) a format whose documents hold one record: its head
            # would tell nothing, and its codec need not be imported here.
            return None
        head = b"" if folder else read_head(path)
        codec = get_format(from_format) if from_format else detect_format(path, head)
        if folder:
            return [
                (item.number, item.oai_identifier, False)
                for item in codec.iter_records(path, path, headers_only=True)
            ]
        if not codec.is_container(head):
            return None
        found: list[tuple[int, str | None, bool]] = []
        try:
            for item in codec.iter_records(path, path, headers_only=True, max_bytes=max_bytes):
                found.append((item.number, item.oai_identifier, item.deleted))
        except ArchmetaError:
            pass  # the records before the problem are planned; the last part reports it
        return found
    except (ArchmetaError, OSError):
        return None


def plan(
    inputs: Sequence[str],
    to_format: str,
    out_dir: str | os.PathLike[str],
    from_format: str | None = None,
    *,
    parts: int = 1,
    max_bytes: int = 0,
) -> Plan:
    """The jobs for converting ``inputs`` (files and folders) into ``out_dir``.

    Every output path of the run is planned here (see the module documentation). ``parts``
    is the number of worker processes: a container with more than :data:`PART_SIZE` records
    is split into parts so that they can share it. Raises :class:`UsageError` for a missing
    input, ``-``, an unknown format, an ``out_dir`` that is a file or lies inside an input
    folder. ``max_bytes`` is the size limit of each record of a container: planning reads the
    records' headers, and a record over the limit is not held in memory.
    """
    from ..formats import registry

    # Names and extensions only: the codecs are imported where records are converted (in the
    # workers, with --jobs N), not to plan.
    extension = registry.extensions_of(to_format)[0]
    if from_format:
        registry.extensions_of(from_format)
    out = os.fspath(out_dir)
    _check_out_dir(out, inputs)
    all_extensions = known_extensions(None)
    jobs: list[Job] = []
    passed_over: list[str] = []
    planned: list[_Planned] = []
    for source, rel in _inputs(inputs, from_format, jobs, passed_over):
        folder, name = os.path.split(rel)
        stem = _strip_extension(name, all_extensions)
        output = os.path.join(out, folder, stem + extension)
        reason = _not_regular(source)
        if reason is not None:
            jobs.append(Job(source, output, skip=reason))
            continue
        scanned = _scan(source, from_format, max_bytes)
        if scanned is None:
            planned.append(_Planned(source, output))
            continue
        item = _Planned(source, output, container=True)
        live = [(number, identifier) for number, identifier, deleted in scanned if not deleted]
        single = len(live) == 1 and live[0][1] is None
        for number, identifier, deleted in scanned:
            if deleted:  # nothing is written for it; the conversion counts it as skipped
                item.records.append((number, ""))
                continue
            leaf = stem if single else output_name(identifier, stem, number)
            item.records.append((number, os.path.join(out, folder, leaf + extension)))
        planned.append(item)
    owners: dict[str, list[str]] = {}
    for item in planned:
        paths = [p for _, p in item.records if p] if item.container else [item.output]
        for path in paths:
            key = os.path.normcase(os.path.abspath(path))
            owners.setdefault(key, []).append(item.input)
    for item in planned:
        jobs.extend(_jobs_of(item, owners, parts))
    return Plan(jobs, passed_over)


def _others(path: str, owner: str, owners: dict[str, list[str]]) -> str | None:
    """The other owners of ``path`` (None when ``owner`` is its only one)."""
    found = owners[os.path.normcase(os.path.abspath(path))]
    if len(found) < 2:
        return None
    others = [o for o in found if o != owner]
    if not others:  # the same identifier twice in one input
        return f"another record of {owner}"
    return ", ".join(dict.fromkeys(others))


def _jobs_of(item: _Planned, owners: dict[str, list[str]], parts: int) -> list[Job]:
    if not item.container:
        return [Job(item.input, item.output, _others(item.output, item.input, owners))]
    records = tuple(
        RecordPlan(number, path, _others(path, item.input, owners) if path else None)
        for number, path in item.records
    )
    if parts <= 1 or len(records) <= PART_SIZE:
        return [Job(item.input, item.output, records=records)]
    size = max(PART_SIZE, -(-len(records) // (parts * 4)))
    chunks = [records[i : i + size] for i in range(0, len(records), size)]
    return [
        Job(item.input, item.output, records=chunk, last=index == len(chunks) - 1)
        for index, chunk in enumerate(chunks)
    ]


def numbered(todo: Plan, out_dir: str | os.PathLike[str], stem: str, extension: str) -> Plan:
    """The plan with every record's output renamed ``<out_dir>/<stem><n><extension>``, ``n``
    counting the records of the whole run from 1 in plan order (six digits): the numbering of
    a package's items (``item_000001``), the same on every run of the same inputs. Outputs no
    longer depend on identifiers, so no two records conflict."""
    out = os.fspath(out_dir)
    count = 0

    def name() -> str:
        nonlocal count
        count += 1
        return os.path.join(out, f"{stem}{count:06d}{extension}")

    jobs: list[Job] = []
    for job in todo:
        if job.skip or job.error:
            jobs.append(job)
        elif job.records is None:
            jobs.append(replace(job, output=name(), conflict=None))
        else:
            records = tuple(
                replace(r, output=name() if r.output else "", conflict=None) for r in job.records
            )
            jobs.append(replace(job, records=records))
    return Plan(jobs, todo.passed_over)
