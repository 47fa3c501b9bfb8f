"""Batches on a Dask cluster: the local batch's plan and functions, run by ``dask.distributed``.

Nothing here converts or validates by itself. The run is planned on this machine by
:func:`archmeta.batch.plan` (the same output names, conflicts and container parts as a local
``--jobs`` run), and each chunk of jobs is handed to a worker as a call of
:func:`archmeta.batch.convert_chunk`, the very function the local process pool runs; validation
sends :func:`archmeta.validation.validate` calls. The results are added up here exactly as the
local batch adds them up, so the summary, the reports and the output folder are the same.

Outputs are written by the workers, atomically (a temporary file, then a rename), into the
output folder, which must therefore be one POSIX file system that every worker and this
machine see (docs/cluster.md).

Dask runs the tasks of a worker that died again elsewhere. A rerun finds the outputs its
first attempt wrote: those that did not exist when the run started are this run's own, and are
counted as converted (``Job.written``), not skipped as existing files.

This module needs the ``dask`` extra (``pip install 'archmeta[dask]'``); only the command line
imports it, and only when ``--scheduler`` is given.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import time
import uuid
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .batch import BatchResult, Job, Outcome, Settings, StopSignal, convert_chunk
from .batch.run import _chunks, _remove_stale_parts
from .errors import Issue, UsageError

if TYPE_CHECKING:
    from distributed import Client

    from .validation import Profile, Report

__all__ = ["cluster_threads", "connect", "run", "validate"]

#: Seconds the workers get, after a stop request, to finish the records in hand before their
#: remaining tasks are given up (longer than the local pool's: requests cross the network).
STOP_GRACE = 3.0

#: Seconds between two looks at the stop event from a worker (each look is a round trip to the
#: scheduler; a record takes milliseconds, so asking per record would cost more than it does).
POLL_EVERY = 0.5


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise UsageError(
            "--scheduler needs Dask: pip install 'archmeta[dask]' (on every worker, too)"
        ) from None
    return distributed


@contextlib.contextmanager
def connect(address: str) -> Iterator[Client]:
    """A client of the scheduler at ``address`` (``tcp://host:8786``), or of a cluster started
    here for the block when ``address`` is ``local:N`` (N worker processes of one thread each,
    on the loopback interface, stopped at the end)."""
    distributed = _import_distributed()
    if address.startswith("local:"):
        count = address.partition(":")[2]
        if not count.isdigit() or int(count) < 1:
            raise UsageError(f"--scheduler {address}: local:N needs a number of workers N >= 1")
        # Ctrl-C in a terminal goes to the whole process group: the workers must not die of
        # it (they would take their records with them), so they start with SIGINT ignored,
        # which a child process inherits; the batch stops them in order instead.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            cluster = distributed.LocalCluster(
                n_workers=int(count),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
        finally:
            signal.signal(signal.SIGINT, previous)
        try:
            with distributed.Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    try:
        client = distributed.Client(address, timeout=30)
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(f"--scheduler {address}: cannot connect ({exc})") from None
    with client:
        yield client


def cluster_threads(client: Client) -> int:
    """How many tasks the cluster runs at once (the ``parts`` to plan containers for)."""
    threads: dict[str, int] = client.nthreads()
    return max(1, sum(threads.values()))


# --- conversion ----------------------------------------------------------------------------------

# Per worker process: stop events already seen set (a set event is never cleared), and when
# each was last asked about.
_stopped: set[str] = set()
_asked: dict[str, float] = {}


def _stop_requested(event_name: str) -> bool:
    """Whether the batch asked its workers to stop (looked up at most every POLL_EVERY s)."""
    if event_name in _stopped:
        return True
    now = time.monotonic()
    if now - _asked.get(event_name, float("-inf")) < POLL_EVERY:
        return False
    _asked[event_name] = now
    from distributed import Event

    try:
        is_set = bool(Event(event_name).is_set())
    except Exception:  # no scheduler to ask (it is going away): go on, the client decides
        return False
    if is_set:
        _stopped.add(event_name)
    return is_set


def convert_task(
    jobs: Sequence[Job], settings: Settings, existed: frozenset[str], event_name: str
) -> tuple[int, list[Outcome]]:
    """One chunk on a worker: :func:`~archmeta.batch.convert_chunk`, after marking as this
    run's own the outputs that exist now but did not when the run started (a first attempt of
    this task, on a worker that died, wrote them): they are counted, not skipped."""
    todo = []
    for job in jobs:
        mine = [p for p in job.outputs if p not in existed and os.path.exists(p)]
        todo.append(replace(job, written=frozenset(mine)) if mine else job)
    return convert_chunk(todo, settings, lambda: _stop_requested(event_name))


def _died(chunk: Sequence[Job]) -> list[Outcome]:
    """The outcomes of jobs whose task Dask gave up on (its workers kept dying)."""
    outcomes = []
    for job in chunk:
        outcome = Outcome(job.input)
        message = "the workers converting it kept dying (killed, or out of memory)"
        outcome.fail([Issue(message, rule="worker-died", source=job.input)], job.input)
        outcome.failed = job.weight
        outcomes.append(outcome)
    return outcomes


def run(
    jobs: Sequence[Job],
    settings: Settings,
    client: Client,
    progress: Callable[[int], None] | None = None,
    report: Callable[[Outcome], None] | None = None,
) -> BatchResult:
    """Convert the planned ``jobs`` on the cluster of ``client``; the counterpart of
    :func:`archmeta.batch.run`, with the same arguments (but a client instead of a number of
    workers) and the same result.

    SIGINT and SIGTERM are handled while this runs: the workers are asked to stop between
    records, the tasks not started are cancelled, and ``interrupted`` is set in the result.
    """
    distributed = _import_distributed()
    result = BatchResult()
    started = time.perf_counter()
    stop = StopSignal(insist=True)
    _remove_stale_parts(jobs)
    existed = {path for job in jobs for path in job.outputs if os.path.lexists(path)}
    threads = cluster_threads(client)
    size = max(1, min(64, len(jobs) // (threads * 8)))
    chunks = list(_chunks(jobs, size, spread=threads))
    event_name = f"archmeta-stop-{uuid.uuid4().hex}"
    event = distributed.Event(event_name, client=client)

    def collect(plain: int, outcomes: list[Outcome]) -> None:
        # As archmeta.batch.run adds up a chunk, so that the counts are the same.
        result.converted += plain
        finished = plain
        for outcome in outcomes:
            result.outcomes.append(outcome)
            if not outcome.done:
                continue
            finished += outcome.converted + outcome.failed + outcome.skipped
            result.converted += outcome.converted
            result.failed += outcome.failed
            result.skipped += outcome.skipped
            if report and outcome.events:
                report(outcome)
        if progress and finished:
            progress(finished)

    running: dict[Any, Sequence[Job]] = {}
    with stop.handling_signals():
        try:
            for index, chunk in enumerate(chunks):
                mine = frozenset(p for job in chunk for p in job.outputs if p in existed)
                future = client.submit(
                    convert_task,
                    chunk,
                    settings,
                    mine,
                    event_name,
                    key=f"archmeta-convert-{event_name[-12:]}-{index}",
                    priority=-index,  # in plan order, as the local pool takes them
                    retries=0,
                )
                running[future] = chunk
            _wait(running, collect, stop, event)
        finally:
            if running:  # interrupted for good (a second Ctrl-C), or an error
                client.cancel(list(running))
            with contextlib.suppress(Exception):
                event.set()  # tasks still queued anywhere end at once
            result.interrupted = stop()
            result.signal = stop.signum
            if not result.interrupted and not running:
                # A worker that died left its temporary file: this run's outputs are complete,
                # so the folder is left as a local run leaves it.
                _remove_stale_parts(jobs)
                if result.converted and not settings.fsync:
                    with contextlib.suppress(Exception):
                        client.run(os.sync)  # one flush to disk per worker machine
            if result.interrupted:
                done = result.converted + result.failed + result.skipped
                result.not_started = max(0, sum(job.weight for job in jobs) - done)
            result.seconds = time.perf_counter() - started
    return result


def _wait(
    running: dict[Any, Sequence[Job]],
    collect: Callable[[int, list[Outcome]], None],
    stop: StopSignal,
    event: Any,
) -> None:
    """Collect finished tasks until none is left; after a stop request, give the workers
    STOP_GRACE seconds to finish the records in hand, then give up the rest."""
    from distributed import as_completed

    completed = as_completed(list(running))
    stopped_at: float | None = None
    while running:
        if stop():
            if stopped_at is None:
                stopped_at = time.monotonic()
                event.set()
            elif time.monotonic() - stopped_at > STOP_GRACE:
                for chunk in running.values():
                    collect(0, [Outcome(job.input, done=False) for job in chunk])
                return  # the caller cancels them
        batch = completed.next_batch(block=False)
        if not batch:
            time.sleep(0.05)
            continue
        for future in batch:
            chunk = running.pop(future)
            if future.status == "finished":
                plain, outcomes = future.result()
                collect(plain, outcomes)
            elif future.status == "cancelled":
                collect(0, [Outcome(job.input, done=False) for job in chunk])
            else:
                error = future.exception()
                if type(error).__name__ == "KilledWorker":
                    collect(0, _died(chunk))
                    continue
                running[future] = chunk  # cancelled by the caller
                raise UsageError(
                    f"a task failed on the cluster: {error!r} (is the same archmeta version "
                    "installed on every worker?)"
                )


# --- validation ----------------------------------------------------------------------------------


def validate_task(
    targets: Sequence[str],
    from_format: str | None,
    profile: Profile,
    max_bytes: int,
    schema: str | None,
) -> list[Report]:
    """Validate some files on a worker, each as ``archmeta validate`` does on one machine."""
    from .validation import validate as check

    return [
        check(Path(target), from_format, profile, name=target, max_bytes=max_bytes, schema=schema)
        for target in targets
    ]


def validate(
    targets: Sequence[str],
    client: Client,
    from_format: str | None = None,
    profile: Profile | None = None,
    max_bytes: int = 0,
    schema: str | None = None,
) -> Generator[Report, None, None]:
    """The :class:`~archmeta.validation.Report` of each file of ``targets``, in their order,
    checked on the cluster of ``client``; the files must be readable at the same paths there.
    Leaving the loop early (Ctrl-C) cancels what is left."""
    from .validation import load_profile

    prof = profile if profile is not None else load_profile(None)
    threads = cluster_threads(client)
    size = max(1, min(64, len(targets) // (threads * 8)))
    batch = uuid.uuid4().hex[:12]
    futures = [
        client.submit(
            validate_task,
            targets[start : start + size],
            from_format,
            prof,
            max_bytes,
            schema,
            key=f"archmeta-validate-{batch}-{start}",
            priority=-start,
        )
        for start in range(0, len(targets), size)
    ]
    try:
        for future in futures:  # in order: the reports come out as a local run prints them
            yield from future.result()
    finally:
        client.cancel(futures)
