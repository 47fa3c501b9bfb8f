"""Running a batch: when a pool is used by default, how its jobs are cut into chunks, and a
pool whose workers' server was started before the batch was planned."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archmeta import batch
from archmeta.batch.results import chunk_size, chunks, finer_tail
from archmeta.batch.run import POOL_MIN_RECORDS, default_workers
from tests.conftest import EXAMPLES


def test_a_small_batch_is_converted_in_this_process_by_default() -> None:
    few = POOL_MIN_RECORDS * 2 - 1
    assert default_workers(few, cores=2) == 1
    assert default_workers(POOL_MIN_RECORDS * 2, cores=2) == 2
    assert default_workers(few, cores=1) == 1
    assert default_workers(10**6, cores=4) == 4


def test_the_last_chunks_are_cut_finer_and_every_job_is_in_one_chunk_once() -> None:
    jobs: list[Any] = list(range(1000))  # the chunks hold any items
    workers = 2
    size = chunk_size(len(jobs), workers)
    cut: list[Any] = finer_tail(list(chunks(jobs, size, spread=workers)), workers)
    assert sorted(j for chunk in cut for j in chunk) == jobs
    assert all(len(chunk) == size for chunk in cut[:8])
    assert max(len(chunk) for chunk in cut[-4 * 2 * workers :]) <= -(-size // 4)
    assert all(list(c) == list(range(c[0], c[0] + len(c))) for c in cut)  # still consecutive


def test_few_jobs_are_not_cut_into_empty_chunks() -> None:
    few: list[Any] = [[1], [2, 3]]
    cut: list[Any] = finer_tail(few, workers=2)
    assert [list(c) for c in cut] == [[1], [2], [3]]


def test_workers_import_the_codecs_their_server_was_not_started_with(tmp_path: Path) -> None:
    # The server may be started before planning with the target's codec only (or be running
    # already, from another batch of this process): the source's codec is imported in the
    # workers, and the batch converts as if it had been preloaded.
    batch.start_workers(batch.Settings(to_format="json"))
    (tmp_path / "in").mkdir()
    seed = (EXAMPLES / "wilson-118189.txt").read_bytes()
    for n in range(6):
        (tmp_path / "in" / f"r{n}.txt").write_bytes(seed)
    settings = batch.Settings(to_format="oai_dc")
    todo = batch.plan((str(tmp_path / "in"),), "oai_dc", str(tmp_path / "out"), parts=2)
    result = batch.run(todo, settings, workers=2)
    assert (result.converted, result.failed, result.skipped) == (6, 0, 0)
    assert len(list((tmp_path / "out").iterdir())) == 6


def test_a_small_batch_with_the_default_workers_starts_no_pool(
    tmp_path: Path, monkeypatch: Any
) -> None:
    import importlib

    running = importlib.import_module("archmeta.batch.run")  # the package's run is the function

    def no_pool(*args: Any) -> None:
        raise AssertionError("a pool was started for a small batch")

    monkeypatch.setattr(running, "_run_pool", no_pool)
    (tmp_path / "in").mkdir()
    seed = (EXAMPLES / "wilson-118189.txt").read_bytes()
    for n in range(3):
        (tmp_path / "in" / f"r{n}.txt").write_bytes(seed)
    todo = batch.plan((str(tmp_path / "in"),), "json", str(tmp_path / "out"))
    result = batch.run(todo, batch.Settings(to_format="json"))
    assert (result.converted, result.failed, result.skipped) == (3, 0, 0)
