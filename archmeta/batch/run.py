"""Running a batch: every job converted by :func:`archmeta.conversion.convert_input`, in a pool
of worker processes, stopping cleanly on SIGINT and SIGTERM.

Workers are started with the ``forkserver`` method where the platform has it (``spawn``
elsewhere): forking the main process after it has started threads (a progress bar's monitor,
say) is unsafe, and Python 3.12 and later warn about it.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from ..conversion import Outcome, PlannedSink, Settings, convert_input, same_file
from ..errors import ArchmetaError, Issue
from .planning import Job
from .results import (
    BatchResult,
    Tally,
    chunk_size,
    chunks,
    finer_tail,
    mark_written,
    not_done,
    remove_stale_parts,
    worker_died,
)

__all__ = [
    "BatchResult",
    "StopSignal",
    "available_cores",
    "convert_chunk",
    "convert_one",
    "default_workers",
    "run",
    "start_workers",
]


class StopSignal:
    """A stop request: set by SIGINT/SIGTERM in this process, or through a shared event that
    the main process sets for its workers. Workers stop between inputs and between records,
    never in the middle of writing a file."""

    def __init__(self, shared: Any = None, insist: bool = False, tell: bool = True) -> None:
        self.shared = shared
        self.signum: int | None = None
        self.insist = insist
        self.tell = tell  # whether a request here is passed on through ``shared``

    def request(self, signum: int, frame: FrameType | None = None) -> None:
        """Ask for a stop (a signal handler). With ``insist``, a second request aborts at once
        (KeyboardInterrupt): the record in hand is abandoned, and as every output is written
        to a temporary file first, nothing partial is left under its name."""
        if self.signum is not None and self.insist:
            raise KeyboardInterrupt
        self.signum = self.signum or signum
        if self.shared is not None and self.tell:
            self.shared.set()

    def __call__(self) -> bool:
        return self.signum is not None or (self.shared is not None and self.shared.is_set())

    @contextmanager
    def handling_signals(self) -> Iterator[StopSignal]:
        """SIGINT and SIGTERM request a stop while the block runs (the old handlers after)."""
        previous = {
            sig: signal.signal(sig, self.request) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            yield self
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def convert_one(
    job: Job,
    settings: Settings,
    stop: Callable[[], bool] = lambda: False,
    folders: set[Path] | None = None,
) -> Outcome:
    """Convert one planned job; every problem is caught and reported in the outcome.

    ``folders``: the output folders made and checked already (see :class:`PlannedSink`),
    shared by the jobs of a chunk."""
    outcome = Outcome(job.input)
    if job.skip:
        outcome.skip(job.input, job.skip)
        return outcome
    if job.error:
        outcome.fail([Issue(job.error, rule="unreadable", source=job.input)], job.input)
        return outcome
    if job.records is None:
        if job.conflict:
            message = f"its output {job.output} is also the output of {job.conflict}"
            outcome.fail([Issue(message, rule="output-conflict", source=job.input)], job.input)
            return outcome
        if os.path.exists(job.output) and same_file(job.output, job.input):
            message = "the output would overwrite the input itself"
            outcome.fail([Issue(message, rule="usage", source=job.input)], job.input)
            return outcome
        sink = PlannedSink({1: (job.output, None)}, settings, job.written, folders=folders)
        return convert_input(job.input, job.input, settings, sink, stop)
    plan = {r.number: (r.output, r.conflict) for r in job.records}
    numbers = [r.number for r in job.records] or None  # none planned: read it all
    sink = PlannedSink(plan, settings, job.written, folders=folders)
    return convert_input(job.input, job.input, settings, sink, stop, numbers, job.last)


# The stop request of a worker process, set by its initializer: the one piece of state a
# pool worker keeps between the chunks it is given.
_worker_stop = StopSignal()


def _watch_parent(parent: int) -> None:
    """End this worker when the process that started the batch is gone (killed with -9, say),
    instead of converting on for nobody."""
    import threading

    first_parent = os.getppid()  # the fork server, or the batch process itself

    def gone() -> bool:
        if os.getppid() != first_parent:  # orphaned: whoever started this worker has ended
            return True
        try:
            os.kill(parent, 0)
        except OSError:  # no such process, or (after a pid reuse) not ours
            return True
        try:  # killed but not yet reaped: a zombie still answers kill(0)
            state = Path(f"/proc/{parent}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return False
        return state == "Z"

    def watch() -> None:
        while not gone():
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="archmeta-parent-watch", daemon=True).start()


def _worker_init(shared: Any, parent: int, codecs: Sequence[str] = ()) -> None:
    """In each worker: stop between inputs (never in the middle of one) when asked, end when
    the parent process is gone, and import the batch's codecs that the process server did not
    (it may have been started before planning found them: see :func:`start_workers`)."""
    import contextlib
    import importlib

    global _worker_stop
    # A worker listens to the shared event but does not set it: the pool sends SIGTERM to the
    # other workers when one dies, and that must not stop the whole batch.
    _worker_stop = StopSignal(shared, tell=False)
    signal.signal(signal.SIGINT, _worker_stop.request)
    signal.signal(signal.SIGTERM, _worker_stop.request)
    _watch_parent(parent)
    for module in codecs:
        # A codec that cannot be imported is reported for each input by the conversion.
        with contextlib.suppress(ImportError):
            importlib.import_module(module)


def convert_chunk(
    jobs: Sequence[Job], settings: Settings, stop: Callable[[], bool] | None = None
) -> tuple[int, list[Outcome]]:
    """Convert some jobs in order; stop (marking the rest not done) when a stop is requested.

    Returns the number of inputs that each gave exactly one output with nothing to report, and
    the outcomes of the others (so that little travels back from the worker processes).
    """
    stopping = stop or _worker_stop
    plain = 0
    outcomes = []
    folders: set[Path] = set()
    for job in jobs:
        if stopping():
            outcomes.append(Outcome(job.input, done=False))
            continue
        outcome = convert_one(job, settings, stopping, folders)
        if outcome.converted == 1 and not (outcome.failed or outcome.skipped or outcome.events):
            plain += 1
        else:
            outcomes.append(outcome)
    return plain, outcomes


#: Records per worker below which a batch run without ``--jobs`` stays in this process. A pool
#: costs about 0.2 s of processor time more than converting here (its server's and the
#: resource tracker's interpreters, each worker's start and first record, the results crossing
#: pipes), most of it beside the planning when a core is free, but all of it on a busy machine;
#: 100 text -> oai_dc records per worker are about 0.08 s of work each (heavier formats repay a
#: pool sooner, which a count of records ignores).
POOL_MIN_RECORDS = 100


def default_workers(records: int, cores: int | None = None) -> int:
    """The workers for a batch of ``records`` when none were asked for: one per core (of
    ``cores``, default :func:`available_cores`), or 1 (no pool: this process converts) when
    the batch has fewer than :data:`POOL_MIN_RECORDS` records per worker."""
    cores = cores or available_cores()
    return cores if records >= POOL_MIN_RECORDS * cores else 1


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
    report: Callable[[Outcome], None] | None = None,
) -> BatchResult:
    """Convert every job with ``workers`` processes (default: :func:`default_workers`, one per
    core, or none for a small batch: this process converts it).

    ``progress`` is called with the number of records just finished, ``report`` with each
    outcome worth reporting (a failure, a skip, several records). SIGINT and SIGTERM are
    handled while this runs: the batch stops after the files being written and
    ``interrupted`` is set in the result.
    """
    workers = workers or default_workers(sum(job.weight for job in jobs))
    result = BatchResult()
    started = time.perf_counter()
    stop = StopSignal(insist=True)
    remove_stale_parts(jobs)

    collect = Tally(result, progress, report)

    with stop.handling_signals():
        try:
            if workers <= 1 or len(jobs) <= 1:
                for job in jobs:
                    collect(convert_chunk([job], settings, stop))
            else:
                _run_pool(jobs, settings, min(workers, len(jobs)), collect, stop)
        finally:
            # No flush to disk at the end (see --fsync): os.sync() flushed every file system of
            # the machine, other processes' writes too, and a shell loop paid it per file.
            collect.finish(jobs, stop(), stop.signum)
            result.seconds = time.perf_counter() - started
    return result


def _codec_modules(chunks: Iterable[Sequence[Job]], settings: Settings) -> list[str]:
    """The modules of the codecs a batch uses: the target's, and the source format's (or
    those the input files' names say; a file whose name says none is told by its content in
    the worker, which imports what that needs). Found from the registry, importing none."""
    from ..formats import format_of_name, registry

    names = {settings.to_format}
    if settings.from_format:
        names.add(settings.from_format)
    else:
        # Each distinct ending once (from the first dot of the file name: every extension
        # starts with one), not a match per file: a run may have millions.
        endings = {os.path.basename(j.input).partition(".")[2].lower() for c in chunks for j in c}
        names.update(filter(None, (format_of_name("." + ending) for ending in endings)))
    return sorted({registry.module_of(name) for name in names})


def _pool_context(codecs: Sequence[str] = (), also: Sequence[str] = ()) -> Any:
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:
        # The server imports these once; each worker forked from it starts with them loaded.
        # The codecs' modules bring the model (pydantic builds its validators at import, the
        # largest part of a process's fixed cost): without them every worker pays it again.
        # Only the batch's own codecs: the server's start-up delays every worker's. (Once the
        # server runs, a new list changes nothing: the workers import what it lacks.)
        common = ["archmeta.batch.run", "archmeta.sources", "archmeta.model", "archmeta.languages"]
        context.set_forkserver_preload([*common, *codecs, *also])
    return context


def start_workers(settings: Settings, also: Sequence[str] = ()) -> None:
    """Start the worker processes' server now, with the model and the codecs of the settings'
    formats imported (``also``: more modules, the caller's main module say, which
    multiprocessing runs again in every worker), so that it is ready when the batch is planned.

    It starts in a process of its own and imports there (about 0.3 s of a core), beside the
    planning in this one, instead of after it with this process waiting. A no-op where the
    platform has no fork server; harmless if no pool follows (the server ends with this
    process)."""
    import multiprocessing.forkserver

    from ..formats import registry

    names = [n for n in (settings.to_format, settings.from_format) if n]
    try:
        codecs = sorted({registry.module_of(name) for name in names})
    except ArchmetaError:  # an unknown format: planning says so
        return
    context = _pool_context(codecs, also)
    if context.get_start_method() == "forkserver":
        multiprocessing.forkserver.ensure_running()


#: Seconds the workers get to finish the record in hand after a stop request, before they are
#: ended (a record stuck in a slow input must not keep Ctrl-C waiting).
STOP_GRACE = 0.8


def _run_pool(
    jobs: Sequence[Job],
    settings: Settings,
    workers: int,
    collect: Callable[[tuple[int, Iterable[Outcome]]], None],
    stop: StopSignal,
) -> None:
    """Convert ``jobs`` in a pool; the chunks of a worker that died are tried once more, one
    job at a time, in a fresh pool, and a job whose worker dies again fails (``worker-died``)."""
    size = chunk_size(len(jobs), workers)
    existed = {path for job in jobs for path in job.outputs if os.path.lexists(path)}
    cut = finer_tail(list(chunks(jobs, size, spread=workers)), workers)
    lost = _pool_pass(cut, settings, workers, collect, stop)
    if lost and not stop():
        # What the dead worker wrote before it died is complete (atomic writes): the retry
        # counts it instead of skipping it as an existing file.
        retry: list[Sequence[Job]] = [
            [mark_written(job, existed)] for chunk in lost for job in chunk
        ]
        again = _pool_pass(retry, settings, workers, collect, stop)
        message = "the worker converting it died twice (killed, or out of memory)"
        collect(worker_died([job for chunk in again for job in chunk], message))
    elif lost:
        collect(not_done(job for chunk in lost for job in chunk))


def _pool_pass(
    chunks: list[Sequence[Job]],
    settings: Settings,
    workers: int,
    collect: Callable[[tuple[int, Iterable[Outcome]]], None],
    stop: StopSignal,
) -> list[Sequence[Job]]:
    """One pool over ``chunks``; returns the chunks whose worker died."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    codecs = _codec_modules(chunks, settings)
    context = _pool_context(codecs)
    shared = context.Event()
    stop.shared = shared
    if stop():
        shared.set()
    pending = iter(chunks)
    lost: list[Sequence[Job]] = []
    pool = ProcessPoolExecutor(
        min(workers, len(chunks)) or 1,
        mp_context=context,
        initializer=_worker_init,
        initargs=(shared, os.getpid(), codecs),
    )
    running: dict[Any, Sequence[Job]] = {}
    stopped_at: float | None = None
    try:
        exhausted = False
        while True:
            while not exhausted and not stop() and len(running) < workers * 2:
                chunk = next(pending, None)
                if chunk is None:
                    exhausted = True
                    break
                running[pool.submit(convert_chunk, chunk, settings)] = chunk
            if not running:
                break
            if stop():
                stopped_at = stopped_at or time.monotonic()
                if time.monotonic() - stopped_at > STOP_GRACE:
                    _end_workers(pool)  # a worker stuck in one record: end it, lose nothing
            done, _ = wait(set(running), timeout=0.1, return_when=FIRST_COMPLETED)
            for future in done:
                chunk = running.pop(future)
                try:
                    collect(future.result())
                except BrokenProcessPool:
                    if stop():
                        collect((0, [Outcome(j.input, done=False) for j in chunk]))
                    else:
                        lost.append(chunk)
            if any(isinstance(f.exception(), BrokenProcessPool) for f in done if f.done()):
                # Every future of a broken pool fails: the rest go to the next pass.
                lost.extend(running.values())
                running.clear()
                lost.extend(pending)
                break
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    if stop():
        collect((0, [Outcome(j.input, done=False) for chunk in pending for j in chunk]))
    return lost


def _end_workers(pool: Any) -> None:
    """Kill the pool's worker processes (SIGTERM only asks them to stop between records, which
    a worker stuck in one record never reaches); their temporary files are removed next run."""
    for process in list(getattr(pool, "_processes", {}).values()):
        if process.is_alive():
            process.kill()
