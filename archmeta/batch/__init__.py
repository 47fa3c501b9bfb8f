"""Batch conversion: many files and folders to one output folder, in parallel, losing nothing.

:func:`plan` turns the inputs into jobs (a folder is walked recursively for files with a known
extension, and its relative layout is kept under the output folder); :func:`run` converts them in
a process pool, each by the same function as a single ``archmeta convert``
(:func:`archmeta.conversion.convert_input`). Each output is written atomically (a temporary file
in the same folder, then a rename), an existing output is kept unless ``force``, an input that
fails is reported and the rest go on, and a stop request (SIGINT, SIGTERM) lets every worker
finish the file it is writing and then stops: no partial file is ever left behind.

Container inputs (an OAI-PMH ListRecords or GetRecord response, or any codec's container) are
streamed and expanded into one output per record, named after the record's identifier.

:mod:`archmeta.batch.results` holds what every way of running a batch shares (chunks, adding up
the results, reporting a worker that died, cleaning a killed run's temporary files): the Dask
cluster (``archmeta.cluster``) runs the same plan and adds up its results with it.
"""

from __future__ import annotations

from ..conversion import Outcome, Settings, Skip, safe_name
from .planning import NOT_RECORDS, Job, known_extensions, plan, walk
from .results import BatchResult
from .run import (
    StopSignal,
    available_cores,
    convert_chunk,
    convert_one,
    default_workers,
    run,
    start_workers,
)

__all__ = [
    "NOT_RECORDS",
    "BatchResult",
    "Job",
    "Outcome",
    "Settings",
    "Skip",
    "StopSignal",
    "available_cores",
    "convert_chunk",
    "convert_one",
    "default_workers",
    "known_extensions",
    "plan",
    "run",
    "safe_name",
    "start_workers",
    "walk",
]
