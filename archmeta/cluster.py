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

Dask runs the tasks of a worker that died again elsewhere (up to the scheduler's
``allowed-failures``; a ``local:N`` cluster allows none, so that the policy is the local
pool's); when Dask gives up on a task (``KilledWorker``), each of its inputs is tried once more
alone, and an input whose worker dies again is reported (``worker-died``): every input is
counted, as by the local pool. A rerun finds the outputs its first attempt wrote: those that
did not exist when the run started are this run's own, and are counted as converted
(``Job.written``), not skipped as existing files. ``--timeout`` holds on the workers as it
does in the local pool (:func:`archmeta.time_limits.time_limit`, in the worker's thread).

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
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .batch import BatchResult, Job, Outcome, Settings, StopSignal, convert_chunk
from .batch.results import (
    Tally,
    chunk_size,
    chunks,
    mark_written,
    not_done,
    remove_stale_parts,
    worker_died,
)
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
        import dask

        # No rerun by the scheduler of a task whose worker died: archmeta retries each of its
        # inputs once alone, as the local pool does (the scheduler's reruns would repeat the
        # whole chunk, and a record that kills its worker would kill four).
        config = dask.config.set({"distributed.scheduler.allowed-failures": 0})
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
            config.__exit__(None, None, None)
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
    todo = [mark_written(job, existed) for job in jobs]
    return convert_chunk(todo, settings, lambda: _stop_requested(event_name))


#: Why an input of a task that Dask gave up on failed (its workers kept dying).
DIED = "the workers converting it kept dying (killed, or out of memory)"


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
    remove_stale_parts(jobs)
    existed = {path for job in jobs for path in job.outputs if os.path.lexists(path)}
    threads = cluster_threads(client)
    event_name = f"archmeta-stop-{uuid.uuid4().hex}"
    event = distributed.Event(event_name, client=client)
    collect = Tally(result, progress, report)
    # future: (its jobs, None on the first round, or the worker a retry was sent to)
    running: dict[Any, tuple[Sequence[Job], str | None]] = {}
    submitted = 0

    def submit(chunk: Sequence[Job], worker: str | None = None) -> Any:
        nonlocal submitted
        mine = frozenset(p for job in chunk for p in job.outputs if p in existed)
        future = client.submit(
            convert_task,
            chunk,
            settings,
            mine,
            event_name,
            key=f"archmeta-convert-{event_name[-12:]}-{submitted}",
            priority=-submitted,  # in plan order, as the local pool takes them
            retries=0,
            workers=None if worker is None else [worker],
            allow_other_workers=worker is not None,  # when that worker has gone meanwhile
        )
        submitted += 1
        running[future] = (chunk, worker)
        return future

    def idle_workers() -> list[str]:
        busy = {worker for _chunk, worker in running.values()}
        return [w for w in client.scheduler_info()["workers"] if w not in busy]

    with stop.handling_signals():
        try:
            for chunk in chunks(jobs, chunk_size(len(jobs), threads), spread=threads):
                submit(chunk)
            _wait(running, collect, stop, event, submit, idle_workers)
        finally:
            if running:  # interrupted for good (a second Ctrl-C), or an error
                client.cancel(list(running))
            with contextlib.suppress(Exception):
                event.set()  # tasks still queued anywhere end at once
            if not stop() and not running:
                # A worker that died left its temporary file: this run's outputs are complete,
                # so the folder is left as a local run leaves it.
                # No flush to disk at the end, as for a local batch (see --fsync).
                remove_stale_parts(jobs)
            collect.finish(jobs, stop(), stop.signum)
            result.seconds = time.perf_counter() - started
    return result


def _killed(future: Any) -> bool:
    """Whether Dask gave up on the task because its workers died (``KilledWorker``)."""
    return type(future.exception()).__name__ == "KilledWorker"


def _task_failed(error: BaseException | None) -> UsageError:
    return UsageError(
        f"a task failed on the cluster: {error!r} (is the same archmeta version installed on "
        "every worker?)"
    )


def _wait(
    running: dict[Any, tuple[Sequence[Job], str | None]],
    collect: Tally,
    stop: StopSignal,
    event: Any,
    submit: Callable[[Sequence[Job], str | None], Any],
    idle_workers: Callable[[], list[str]],
) -> None:
    """Collect finished tasks until none is left; after a stop request, give the workers
    STOP_GRACE seconds to finish the records in hand, then give up the rest.

    The jobs of a task whose workers died are tried once more, as by the local pool: alone,
    after the first round, and at most one per worker, so that a worker that dies again was
    killed by its own job, which fails (``worker-died``), and not by a neighbour's.
    """
    from distributed import as_completed

    completed = as_completed(list(running))
    suspects: list[Job] = []
    stopped_at: float | None = None
    while running or suspects:
        if stop():
            if stopped_at is None:
                stopped_at = time.monotonic()
                event.set()
                collect(not_done(suspects))
                suspects.clear()
            elif time.monotonic() - stopped_at > STOP_GRACE:
                for chunk, _worker in running.values():
                    collect(not_done(chunk))
                return  # the caller cancels them
        elif suspects and all(worker is not None for _chunk, worker in running.values()):
            for address in idle_workers()[: len(suspects)]:
                completed.add(submit([suspects.pop(0)], address))
        batch = completed.next_batch(block=False)
        if not batch:
            time.sleep(0.05)
            continue
        for future in batch:
            chunk, worker = running.pop(future)
            status = future.status
            if status == "finished":
                collect(future.result())
            elif status == "cancelled":
                collect(not_done(chunk))
            elif status != "error":
                # Its result was on a worker that died since: Dask computes it again (and the
                # rerun counts the outputs the first run wrote, see convert_task).
                running[future] = (chunk, worker)
                completed.add(future)
            elif not _killed(future):
                running[future] = (chunk, worker)  # cancelled by the caller
                raise _task_failed(future.exception())
            elif worker is not None:
                collect(worker_died(chunk, DIED))
            elif stop():
                collect(not_done(chunk))
            else:
                suspects.extend(chunk)


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
    size = chunk_size(len(targets), cluster_threads(client))
    batch = uuid.uuid4().hex[:12]
    futures: list[Any] = []

    def submit(chunk: Sequence[str], key: str) -> Any:
        future = client.submit(
            validate_task,
            chunk,
            from_format,
            prof,
            max_bytes,
            schema,
            key=f"archmeta-validate-{batch}-{key}",
            priority=-len(futures),
        )
        futures.append(future)
        return future

    starts = range(0, len(targets), size)
    first = [submit(targets[start : start + size], str(start)) for start in starts]
    try:
        for start, future in zip(starts, first, strict=True):
            # In order: the reports come out as a local run prints them.
            chunk = targets[start : start + size]
            try:
                yield from future.result()
                continue
            except Exception as exc:
                if type(exc).__name__ != "KilledWorker":
                    raise _task_failed(exc) from None
            # Its workers died: each file once more alone, so that only a file that kills its
            # worker again fails, and every file still has its report.
            again = [submit([target], f"{start}-{n}") for n, target in enumerate(chunk)]
            for target, retry in zip(chunk, again, strict=True):
                yield _validated_or_died(retry, target, prof.name)
    finally:
        client.cancel(futures)


#: Why a file whose workers kept dying has no report of its own.
VALIDATE_DIED = "the workers checking it kept dying (killed, or out of memory)"


def _validated_or_died(future: Any, target: str, profile: str | None) -> Report:
    from .validation import Report

    try:
        reports: list[Report] = future.result()
    except Exception as exc:
        if type(exc).__name__ != "KilledWorker":
            raise _task_failed(exc) from None
        issue = Issue(VALIDATE_DIED, rule="worker-died", source=target)
        return Report(target, None, [issue], profile)
    return reports[0]
