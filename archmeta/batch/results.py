"""What every way of running a batch shares: how the jobs are cut into chunks, how the chunks'
results are added up, how a job whose worker died is reported, and how the temporary files of
a killed run are cleaned away.

The local process pool (:func:`archmeta.batch.run`) and the Dask cluster
(``archmeta.cluster.run``) both use these, so that they count every input the same way (a
summary where converted + failed + skipped + not started is the number of records planned),
report the same outcomes and leave the output folder in the same state.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from ..conversion import Outcome
from ..errors import Issue
from .planning import Job

__all__ = [
    "BatchResult",
    "Tally",
    "chunk_size",
    "chunks",
    "finer_tail",
    "mark_written",
    "not_done",
    "remove_stale_parts",
    "worker_died",
]


@dataclass
class BatchResult:
    """The counts of a whole batch, and the outcomes worth reporting."""

    converted: int = 0
    failed: int = 0
    skipped: int = 0
    not_started: int = 0
    lossy: int = 0  # records written with [dropped] warnings
    seconds: float = 0.0
    interrupted: bool = False
    signal: int | None = None  # the signal that stopped the batch
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def records_per_second(self) -> float:
        return self.converted / self.seconds if self.seconds > 0 else 0.0

    @property
    def issues(self) -> list[Issue]:
        """Every issue of every input, in input order."""
        return [i for o in self.outcomes for i in o.issues]

    def summary(self) -> str:
        text = (
            f"converted {self.converted}, failed {self.failed}, skipped {self.skipped} "
            f"in {self.seconds:.2f} s ({self.records_per_second:.1f} records/s)"
        )
        if self.interrupted:
            text += f"; interrupted, {self.not_started} record(s) not converted"
        return text


class Tally:
    """Adds the chunks' results into a :class:`BatchResult`, as they come back.

    A chunk's result is what :func:`archmeta.batch.convert_chunk` returns: the number of jobs
    that gave one output with nothing to report, and the outcomes of the others. ``progress``
    is called with the number of records each chunk finished, ``report`` with each outcome
    that has something to say.
    """

    def __init__(
        self,
        result: BatchResult,
        progress: Callable[[int], None] | None = None,
        report: Callable[[Outcome], None] | None = None,
    ) -> None:
        self.result = result
        self.progress = progress
        self.report = report

    def __call__(self, chunk: tuple[int, Iterable[Outcome]]) -> None:
        """Add one chunk's result."""
        plain, outcomes = chunk
        result = self.result
        result.converted += plain
        finished = plain
        for outcome in outcomes:
            result.outcomes.append(outcome)
            if not outcome.done:
                continue
            finished += outcome.converted + outcome.failed + outcome.skipped
            result.converted += outcome.converted
            result.lossy += outcome.lossy
            result.failed += outcome.failed
            result.skipped += outcome.skipped
            if self.report and outcome.events:
                self.report(outcome)
        if self.progress and finished:
            self.progress(finished)

    def finish(self, jobs: Sequence[Job], interrupted: bool, signum: int | None) -> None:
        """Record how the batch ended; an interrupted batch counts the records it did not
        reach, so that every planned record is in the summary."""
        result = self.result
        result.interrupted = interrupted
        result.signal = signum
        if interrupted:
            done = result.converted + result.failed + result.skipped
            result.not_started = max(0, sum(job.weight for job in jobs) - done)


def not_done(jobs: Iterable[Job]) -> tuple[int, list[Outcome]]:
    """The chunk result of jobs never started (a stop request came first)."""
    return 0, [Outcome(job.input, done=False) for job in jobs]


def worker_died(jobs: Iterable[Job], message: str) -> tuple[int, list[Outcome]]:
    """The chunk result of jobs whose worker died on their last try: each fails with
    ``worker-died``, with every one of its records counted as failed."""
    outcomes = []
    for job in jobs:
        outcome = Outcome(job.input)
        outcome.fail([Issue(message, rule="worker-died", source=job.input)], job.input)
        outcome.failed = job.weight  # every record of it
        outcomes.append(outcome)
    return 0, outcomes


def mark_written(job: Job, existed: Collection[str]) -> Job:
    """``job``, with the outputs that exist now but not in ``existed`` (those there when the
    run started) marked as written by this run: a first attempt, on a worker that died, wrote
    them completely (atomic writes), and a retry counts them instead of skipping them."""
    mine = [p for p in job.outputs if p not in existed and os.path.exists(p)]
    return replace(job, written=frozenset(mine)) if mine else job


def chunk_size(jobs: int, workers: int) -> int:
    """Jobs per chunk: about eight chunks per worker (so that a slow chunk is not the whole
    batch's tail), at most 64 (so that little is lost when a worker dies)."""
    return max(1, min(64, jobs // (workers * 8)))


def chunks(jobs: Sequence[Job], size: int, spread: int = 1) -> Iterator[Sequence[Job]]:
    """Chunks of consecutive jobs, taken in turn from ``spread`` equal parts of the list so that
    workers running at the same time mostly write into different folders (two processes
    creating files in one folder contend for it)."""
    cut = [jobs[start : start + size] for start in range(0, len(jobs), size)]
    if spread <= 1 or len(cut) < spread:
        yield from cut
        return
    part = -(-len(cut) // spread)
    for index in range(part):
        for first in range(0, len(cut), part):
            if first + index < min(first + part, len(cut)):
                yield cut[first + index]


def finer_tail(cut: Sequence[Sequence[Job]], workers: int) -> list[Sequence[Job]]:
    """``cut`` (chunks in the order they are handed out), with the last ``2 * workers`` chunks
    each cut into quarters: the workers then end within a small piece of one another, instead
    of one converting a whole last chunk while the others wait for it."""
    head, tail = list(cut[: -2 * workers]), cut[-2 * workers :]
    for chunk in tail:
        step = max(1, -(-len(chunk) // 4))
        head.extend(chunk[start : start + step] for start in range(0, len(chunk), step))
    return head


def remove_stale_parts(jobs: Sequence[Job]) -> None:
    """Remove the temporary files that a killed run left on the way to these jobs' outputs
    (each folder is listed once)."""
    from ..formats._io import temporary_prefix

    prefixes: dict[str, set[str]] = {}
    for job in jobs:
        outputs = [r.output for r in job.records or () if r.output] or [job.output]
        for output in outputs:
            folder, name = os.path.split(output)
            prefixes.setdefault(folder or ".", set()).add(temporary_prefix(name))
    for folder, wanted in prefixes.items():
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if (
                name.endswith(".part")
                and name.startswith(".")
                and any(name.startswith(prefix) for prefix in wanted)
            ):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(folder, name))
