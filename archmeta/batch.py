"""Batch conversion: many files and folders to one output folder, in parallel, losing nothing.

:func:`plan` turns the inputs into jobs (a folder is walked recursively for files with a known
extension, and its relative layout is kept under the output folder); :func:`run` converts them in
a process pool. Each output is written atomically (a temporary file in the same folder, then a
rename), an existing output is kept unless ``force``, an input that fails is reported and the
rest go on, and a stop request (SIGINT, SIGTERM) lets every worker finish the file it is writing
and then stops: no partial file is ever left behind.

Multi-record inputs (an OAI-PMH ListRecords or GetRecord response, read by
``archmeta.formats.oaipmh.iter_records``, or any format whose module has
``iter_records(source, source_name=None)``) are streamed and expanded into one output per record,
named after the record's OAI identifier.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ArchmetaError, Issue, ParseError, UsageError

__all__ = ["BatchResult", "Job", "Outcome", "plan", "run", "safe_name"]


@dataclass(frozen=True)
class Job:
    """One input file and where its output goes (``output`` is the file, or for a
    multi-record input the folder that receives one file per record)."""

    input: str
    output: str
    conflict: str | None = None  # another input that maps to the same output
    error: str | None = None  # why ``input`` (a folder that cannot be listed) cannot be read


@dataclass
class Outcome:
    """What happened to one input: counts of records converted, failed and skipped."""

    input: str
    converted: int = 0
    failed: int = 0
    skipped: int = 0
    messages: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    done: bool = True  # False when a stop request came before this input was started


@dataclass
class BatchResult:
    converted: int = 0
    failed: int = 0
    skipped: int = 0
    not_started: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    signal: int | None = None  # the signal that stopped the batch
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def records_per_second(self) -> float:
        return self.converted / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        text = (
            f"converted {self.converted}, failed {self.failed}, skipped {self.skipped} "
            f"in {self.seconds:.2f} s ({self.records_per_second:.1f} records/s)"
        )
        if self.interrupted:
            text += f"; interrupted, {self.not_started} input(s) not started"
        return text


# ------------------------------------------------------------------------------------ plan


def _known_extensions(from_format: str | None) -> tuple[str, ...]:
    from .formats import FORMATS, get_format

    infos = [get_format(from_format)] if from_format else list(FORMATS.values())
    extensions = [ext for info in infos for ext in info.extensions]
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


#: Files a folder walk leaves out whatever their extension (README.md is not a text record).
NOT_RECORDS = frozenset({"README", "LICENSE", "LICENCE", "CHANGELOG", "CHANGES", "CONTRIBUTING"})


def _walk(
    folder: str,
    extensions: tuple[str, ...],
    exclude: str | None = None,
    unreadable: list[tuple[str, str]] | None = None,
) -> list[tuple[str, str]]:
    """(path, path relative to ``folder``) of each file under ``folder``, sorted.

    Folders that cannot be listed (no permission) are added to ``unreadable`` as (path,
    reason) instead of being passed over in silence.
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
            if (
                not name.startswith(".")
                and name.lower().endswith(extensions)
                and name.split(".", 1)[0].upper() not in NOT_RECORDS
            ):
                rel = name if rel_root == "." else os.path.join(rel_root, name)
                found.append((os.path.join(root, name), rel))
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


def plan(
    inputs: Sequence[str],
    to_format: str,
    out_dir: str | os.PathLike[str],
    from_format: str | None = None,
) -> list[Job]:
    """The jobs for converting ``inputs`` (files and folders) into ``out_dir``.

    Raises :class:`UsageError` for a missing input, ``-``, an unknown format or an ``out_dir``
    that is a file.
    """
    from .formats import get_format

    target = get_format(to_format)
    if from_format:
        get_format(from_format)
    out = os.fspath(out_dir)
    if os.path.exists(out) and not os.path.isdir(out):
        raise UsageError(f"{out}: --out must be a folder, and this is a file")
    extensions = _known_extensions(from_format)
    all_extensions = _known_extensions(None)
    out_real = os.path.realpath(out)
    out_abs = os.path.abspath(out)
    jobs: list[Job] = []
    seen: dict[str, str] = {}
    for item in inputs:
        if item == "-":
            raise UsageError("'-' (standard input) converts one record: use -o, not --out")
        if os.path.isdir(item):
            unreadable: list[tuple[str, str]] = []
            pairs = _walk(item, extensions, exclude=out_real, unreadable=unreadable)
            for folder_path, reason in unreadable:
                jobs.append(Job(folder_path, out, error=f"cannot list the folder ({reason})"))
        elif os.path.isfile(item):
            pairs = [(item, os.path.basename(item))]
        elif os.path.exists(item):
            raise UsageError(f"{item}: not a regular file or folder")
        else:
            raise UsageError(f"{item}: no such file or folder")
        for source, rel in pairs:
            folder, name = os.path.split(rel)
            leaf = _strip_extension(name, all_extensions) + target.extension
            output = os.path.join(out, folder, leaf) if folder else os.path.join(out, leaf)
            key = os.path.normcase(os.path.join(out_abs, folder, leaf))
            conflict = seen.get(key)
            if conflict is None:
                seen[key] = source
            jobs.append(Job(source, output, conflict))
    return jobs


# -------------------------------------------------------------------------- converting

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(identifier: str, limit: int = 150) -> str:
    """A portable file name (no extension) for an identifier.

    ``oai:digitalarchive.wilsoncenter.org:118189`` becomes
    ``oai_digitalarchive.wilsoncenter.org_118189``; long names are cut and given a short hash
    so that they stay distinct.
    """
    name = _SAFE.sub("_", identifier).strip("._-") or "record"
    if len(name) > limit:
        import hashlib

        digest = hashlib.sha1(identifier.encode("utf-8")).hexdigest()[:10]
        name = name[:limit].rstrip("._-") + "-" + digest
    return name


_stop_requested = False
_stop_signal: int | None = None
_shared_stop: Any = None


def _request_stop(signum: int, frame: object) -> None:
    global _stop_requested, _stop_signal
    _stop_requested = True
    _stop_signal = _stop_signal or signum


def _stopping() -> bool:
    return _stop_requested or (_shared_stop is not None and _shared_stop.is_set())


def _worker_init(stop_event: Any) -> None:
    """In each worker: stop between files (never in the middle of one) when asked."""
    global _shared_stop, _stop_requested
    _shared_stop = stop_event
    _stop_requested = False
    _made_folders.clear()
    signal.signal(signal.SIGINT, _request_stop)
    signal.signal(signal.SIGTERM, _request_stop)


@dataclass(frozen=True)
class Settings:
    to_format: str
    from_format: str | None = None
    force: bool = False
    max_bytes: int = 0
    fsync: bool = False  # flush each output before its rename (else one sync at the end)


def issue_lines(issues: Iterable[Issue], name: str) -> list[str]:
    """The issues as ``FILE:LOC: severity: message [rule]`` lines, with the stable rule ids
    that ``archmeta validate`` prints (``url-malformed``, not ``json-schema-pattern``)."""
    from dataclasses import replace

    from .validation import _stable_rule

    return [replace(i, rule=_stable_rule(i)).format(i.source or name) for i in issues]


def _issue_lines(exc: ArchmetaError, name: str) -> list[str]:
    return issue_lines(exc.issues, name)


_made_folders: set[Path] = set()


def _write(output: Path, text: str, settings: Settings, outcome: Outcome) -> None:
    from .formats._io import write_atomic

    if not settings.force and output.exists():
        outcome.skipped += 1
        outcome.messages.append(f"{output}: skipped: exists (use --force to overwrite it)")
        return
    if output.parent not in _made_folders:
        output.parent.mkdir(parents=True, exist_ok=True)
        _made_folders.add(output.parent)
    write_atomic(output, text.encode("utf-8"), fsync=settings.fsync)
    outcome.converted += 1
    outcome.outputs.append(str(output))


def _write_failure(where: str, output: str, exc: OSError) -> str:
    return f"{where}: error: cannot write {output} ({exc.strerror or exc}) [write-failed]"


def convert_one(job: Job, settings: Settings) -> Outcome:
    """Convert one input; every problem is caught and reported in the outcome."""
    from .formats import detect_format, get_format

    outcome = Outcome(job.input)
    if job.error:
        outcome.failed = 1
        outcome.messages.append(f"{job.input}: error: {job.error} [unreadable]")
        return outcome
    if job.conflict:
        outcome.failed = 1
        outcome.messages.append(
            f"{job.input}: error: its output {job.output} is also the output of "
            f"{job.conflict} [output-conflict]"
        )
        return outcome
    try:
        output = Path(job.output)
        if output.exists() and output.resolve() == Path(job.input).resolve():
            raise UsageError("the output would overwrite the input itself")
        target = get_format(settings.to_format)
        from .validation import read_head, read_source, record_stream

        data: bytes | None
        try:
            data = read_source(job.input, settings.max_bytes)
            head = data[:4096]
        except ParseError as exc:
            if exc.rule != "input-too-large":
                raise
            data, head = None, read_head(job.input)
        if settings.from_format:
            source = get_format(settings.from_format)
        else:
            source = detect_format(job.input, head)
        iter_records = record_stream(source, head)
        if iter_records is not None:
            # Streamed from the file in constant memory, so the size limit does not apply.
            _convert_many(job, iter_records, target, settings, outcome)
        elif data is None:
            read_source(job.input, settings.max_bytes)  # raises the size error
        else:
            record = source.loads(data, source=job.input)
            _write(output, target.dumps(record), settings, outcome)
    except ArchmetaError as exc:
        outcome.failed += 1
        lines = _issue_lines(exc, job.input)
        if isinstance(exc, UsageError):
            from .validation import UnreadableError

            reason = str(exc).removeprefix(f"{job.input}: ")
            rule = "unreadable" if isinstance(exc, UnreadableError) else "usage"
            lines = [f"{job.input}: error: {reason} [{rule}]"]
        outcome.messages.extend(lines)
    except OSError as exc:  # the output cannot be written (no permission, disk full)
        outcome.failed += 1
        outcome.messages.append(_write_failure(job.input, job.output, exc))
    except Exception as exc:  # a bug in a format module must not end the batch
        outcome.failed += 1
        outcome.messages.append(
            f"{job.input}: error: internal error {type(exc).__name__}: {exc} [internal-error]"
        )
    return outcome


def _convert_many(
    job: Job,
    iter_records: Callable[..., Iterator[Any]],
    target: Any,
    settings: Settings,
    outcome: Outcome,
) -> None:
    """One output per record of a multi-record input (OAI-PMH ListRecords)."""
    output = Path(job.output)
    folder = output.parent
    stem = output.name[: -len(target.extension)] if target.extension else output.stem
    items = iter_records(job.input, source_name=job.input)
    first = next(items, None)
    second = next(items, None) if first is not None else None
    if first is None:
        outcome.skipped += 1
        outcome.messages.append(f"{job.input}: skipped: it holds no records")
        return
    used: dict[str, int] = {}
    chain = [first] + ([second] if second is not None else [])

    def all_items() -> Iterator[Any]:
        yield from chain
        yield from items

    single = second is None and not getattr(first, "oai_identifier", None)
    for number, item in enumerate(all_items(), start=1):
        if _stopping():
            break
        identifier = getattr(item, "oai_identifier", None)
        if single:
            name = stem
        elif identifier:
            name = safe_name(identifier)
        else:
            name = f"{stem}-{number:05d}"
        count = used.get(name, 0) + 1
        used[name] = count
        if count > 1:
            name = f"{name}-{count}"
        where = f"{job.input} (record {number}{', ' + identifier if identifier else ''})"
        if getattr(item, "deleted", False):
            outcome.skipped += 1
            outcome.messages.append(f"{where}: skipped: deleted record")
            continue
        record = getattr(item, "record", None)
        if record is None:
            outcome.failed += 1
            issues: list[Issue] = list(getattr(item, "issues", []) or [])
            outcome.messages.extend(issue_lines(issues, where))
            if not issues:
                outcome.messages.append(f"{where}: error: the record could not be read")
            continue
        try:
            _write(folder / (name + target.extension), target.dumps(record), settings, outcome)
        except ArchmetaError as exc:
            outcome.failed += 1
            outcome.messages.extend(_issue_lines(exc, where))
        except OSError as exc:
            outcome.failed += 1
            outcome.messages.append(
                _write_failure(where, str(folder / (name + target.extension)), exc)
            )
        except Exception as exc:  # one record's bug must not lose the others
            outcome.failed += 1
            outcome.messages.append(
                f"{where}: error: internal error {type(exc).__name__}: {exc} [internal-error]"
            )


def convert_chunk(jobs: Sequence[Job], settings: Settings) -> tuple[int, list[Outcome]]:
    """Convert some jobs in order; stop (marking the rest not done) when a stop is requested.

    Returns the number of inputs that each gave exactly one output with nothing to report, and
    the outcomes of the others (so that little travels back from the worker processes).
    """
    plain = 0
    outcomes = []
    for job in jobs:
        if _stopping():
            outcomes.append(Outcome(job.input, done=False))
            continue
        outcome = convert_one(job, settings)
        if outcome.converted == 1 and not (outcome.failed or outcome.skipped or outcome.messages):
            plain += 1
        else:
            outcomes.append(outcome)
    return plain, outcomes


# --------------------------------------------------------------------------------- run


def _chunks(jobs: Sequence[Job], size: int, spread: int = 1) -> Iterator[Sequence[Job]]:
    """Chunks of consecutive jobs, taken in turn from ``spread`` equal parts of the list so that
    workers running at the same time mostly write into different folders (two processes
    creating files in one folder contend for it)."""
    chunks = [jobs[start : start + size] for start in range(0, len(jobs), size)]
    if spread <= 1 or len(chunks) < spread:
        yield from chunks
        return
    part = -(-len(chunks) // spread)
    for index in range(part):
        for first in range(0, len(chunks), part):
            if first + index < min(first + part, len(chunks)):
                yield chunks[first + index]


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity), else the machine's count."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def run(
    jobs: Sequence[Job],
    settings: Settings,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    report: Callable[[str], None] | None = None,
) -> BatchResult:
    """Convert every job with ``workers`` processes (default: the number of cores).

    ``progress`` is called with the number of inputs just finished, ``report`` once per message
    (failure or skip). ``outcomes`` in the result holds the inputs that failed, were skipped,
    gave several records or were not started. SIGINT and SIGTERM are handled while this runs:
    the batch stops after the files being written and ``interrupted`` is set in the result.
    """
    global _stop_requested, _stop_signal
    workers = workers or available_cores()
    result = BatchResult()
    started = time.perf_counter()
    _stop_requested = False
    _stop_signal = None
    _made_folders.clear()
    previous = {sig: signal.signal(sig, _request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}

    def collect(chunk: tuple[int, Iterable[Outcome]]) -> None:
        plain, outcomes = chunk
        result.converted += plain
        finished = plain
        for outcome in outcomes:
            result.outcomes.append(outcome)
            if not outcome.done:
                result.not_started += 1
                continue
            finished += 1
            result.converted += outcome.converted
            result.failed += outcome.failed
            result.skipped += outcome.skipped
            for message in outcome.messages:
                if report:
                    report(message)
        if progress and finished:
            progress(finished)

    try:
        if workers <= 1 or len(jobs) <= 1:
            for job in jobs:
                collect(convert_chunk([job], settings))
        else:
            _run_pool(jobs, settings, min(workers, len(jobs)), collect)
    finally:
        if result.converted and not settings.fsync and hasattr(os, "sync"):
            os.sync()  # one flush to disk for the whole batch
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        result.interrupted = _stop_requested
        result.signal = _stop_signal
        result.seconds = time.perf_counter() - started
    return result


def _run_pool(
    jobs: Sequence[Job], settings: Settings, workers: int, collect: Callable[..., None]
) -> None:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    stop = context.Event()
    size = max(1, min(64, len(jobs) // (workers * 8)))
    pending_chunks = _chunks(jobs, size, spread=workers)
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_worker_init, initargs=(stop,)
    ) as pool:
        running: set[Any] = set()
        order: dict[Any, Sequence[Job]] = {}
        exhausted = False
        while True:
            while not exhausted and not _stop_requested and len(running) < workers * 2:
                chunk = next(pending_chunks, None)
                if chunk is None:
                    exhausted = True
                    break
                future = pool.submit(convert_chunk, chunk, settings)
                running.add(future)
                order[future] = chunk
            if _stop_requested:
                stop.set()
            if not running:
                break
            done, running = wait(running, timeout=0.2, return_when=FIRST_COMPLETED)
            for future in done:
                chunk = order.pop(future)
                try:
                    collect(future.result())
                except Exception as exc:  # a worker died: its inputs are failures, not lost
                    lost = [
                        Outcome(
                            j.input,
                            failed=1,
                            messages=[f"{j.input}: error: worker failed: {exc} [internal-error]"],
                        )
                        for j in chunk
                    ]
                    collect((0, lost))
        if _stop_requested:
            stop.set()
            collect((0, [Outcome(j.input, done=False) for chunk in pending_chunks for j in chunk]))
