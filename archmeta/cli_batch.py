"""The command line's batch runner: plan a batch, run it here or on a Dask cluster, show
progress and what happened, print the summary and exit with the batch's status.

Used by ``archmeta convert --out`` and by ``archmeta export``/``import``; kept apart from the
command definitions in :mod:`archmeta.cli`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .errors import UsageError

if TYPE_CHECKING:
    from distributed import Client

    from .batch import BatchResult, Outcome, Settings
    from .batch.planning import Plan

__all__ = ["convert_batch"]


def convert_batch(
    inputs: tuple[str, ...],
    settings: Settings,
    out_dir: str,
    jobs: int | None,
    quiet: bool,
    scheduler: str | None = None,
    adjust: Callable[[Plan], Plan] | None = None,
    finish: Callable[[Plan, BatchResult], None] | None = None,
) -> None:
    """Plan and run a batch (here, or on the Dask cluster at ``scheduler``), report as it goes,
    print the summary and exit. ``adjust`` changes the plan before it runs (package item
    numbering), ``finish`` is called after the run, before the summary (joining one-record
    outputs into one file)."""
    if scheduler is None:
        _run_planned(inputs, settings, out_dir, jobs, quiet, None, adjust, finish)
        return
    from .cluster import cluster_threads, connect

    with connect(scheduler) as client:
        # Containers are split for the cluster's tasks at once, as for --jobs N.
        threads = cluster_threads(client)
        _run_planned(inputs, settings, out_dir, threads, quiet, client, adjust, finish)


def _run_planned(
    inputs: tuple[str, ...],
    settings: Settings,
    out_dir: str,
    jobs: int | None,
    quiet: bool,
    client: Client | None = None,
    adjust: Callable[[Plan], Plan] | None = None,
    finish: Callable[[Plan, BatchResult], None] | None = None,
) -> None:
    """Plan the batch, run it here (or on the Dask cluster of ``client``), print the summary."""
    import signal

    from .batch import available_cores, default_workers, plan, run, start_workers
    from .conversion import EXISTS, Skip

    workers = jobs or available_cores()
    if client is None and workers > 1 and _pool_likely(inputs, jobs, workers):
        # The workers' server starts now, in a process of its own, and is ready when the
        # planning below ends. multiprocessing runs the main module (the command line's) again
        # in each worker: click, which it imports, is imported once, in the server. (Not the
        # module itself: runpy warns when the module it runs was imported before.)
        start_workers(settings, also=["click"])
    todo = plan(
        inputs,
        settings.to_format,
        out_dir,
        settings.from_format,
        parts=workers,
        max_bytes=settings.max_bytes,
    )
    if adjust is not None:
        todo = adjust(todo)
    if jobs is None and client is None:
        workers = default_workers(todo.records, workers)  # as run() would choose
    try:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            f"{out_dir}: cannot create the output folder ({exc.strerror or exc})"
        ) from None
    bar = None
    if not quiet and sys.stderr.isatty() and todo:
        from tqdm import tqdm

        tqdm.monitor_interval = 0  # no monitor thread: nothing runs beside the pool's start
        bar = tqdm(total=todo.records, unit="record", file=sys.stderr, dynamic_ncols=True)
    existing = 0

    def report(outcome: Outcome) -> None:
        nonlocal existing
        for event in outcome.events:
            if isinstance(event, Skip) and event.reason == EXISTS:
                existing += 1  # said once, in the summary: a rerun may skip thousands
                continue
            if quiet and isinstance(event, Skip):
                continue
            if bar is not None:
                bar.write(event.format(), file=sys.stderr)
            else:
                click.echo(event.format(), err=True)

    def advance(count: int) -> None:
        if bar is not None:
            bar.update(count)

    try:
        if client is not None:
            from .cluster import run as run_on_cluster

            result = run_on_cluster(
                todo,
                settings,
                client,
                progress=advance if bar is not None else None,
                report=report,
            )
        else:
            result = run(
                todo,
                settings,
                workers=workers,
                progress=advance if bar is not None else None,
                report=report,
            )
    finally:
        if bar is not None:
            bar.close()
    if finish is not None:
        finish(todo, result)
    if existing:
        click.echo(
            f"archmeta: skipped {existing:,} existing output(s) (use --force to overwrite them)",
            err=True,
        )
    if todo.passed_over and not quiet:
        click.echo(
            f"archmeta: passed over {len(todo.passed_over):,} file(s) that are not records "
            f"(such as {todo.passed_over[0]}); name their format with --from to convert them",
            err=True,
        )
    if result.lossy:
        click.echo(
            f"archmeta: {result.lossy:,} record(s) lost something in {settings.to_format}: see "
            "the [dropped] warnings (--strict refuses such records)",
            err=True,
        )
    click.echo(f"archmeta: {result.summary()}", err=True)
    if result.interrupted:
        sys.exit(128 + (result.signal or signal.SIGINT))
    sys.exit(1 if result.failed else 0)


def _pool_likely(inputs: tuple[str, ...], jobs: int | None, workers: int) -> bool:
    """Whether the batch will most likely run in a pool (asked before planning, which would
    tell): by default when a folder or many files are given (a few files are converted in this
    process, see :func:`archmeta.batch.default_workers`); with ``--jobs N`` unless the one
    input is a small file (a large one may be a container, split between the workers)."""
    import os

    from .batch.run import POOL_MIN_RECORDS

    if jobs is None:
        return len(inputs) >= POOL_MIN_RECORDS * workers or any(map(os.path.isdir, inputs))
    if len(inputs) == 1 and os.path.isfile(inputs[0]):
        return os.path.getsize(inputs[0]) >= 1 << 20
    return True
