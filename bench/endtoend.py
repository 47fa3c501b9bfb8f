"""End-to-end measurements in subprocesses: batch conversion and the ListRecords stream.

Batch conversion is ``archmeta convert FOLDER --to oai_dc --out DIR --jobs 1|2`` against the
hand-written floor script (``bench.floor_convert``) run with one and two processes, all four
interleaved, each timed from process start to exit (start-up is part of the job). Files live
on a RAM file system where there is one, because creating thousands of files on this machine's
disk is slow and serialised and would hide the CPU work.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from . import listrecords, subject
from .timing import Row, Target

ROOT = Path(__file__).resolve().parent.parent


def scratch() -> Path:
    """A fresh scratch folder, in RAM when the machine has /dev/shm."""
    shm = Path("/dev/shm")
    return Path(tempfile.mkdtemp(prefix="archmeta-bench-", dir=shm if shm.is_dir() else None))


def write_folder(folder: Path, records: list[subject.ArchivalRecord]) -> None:
    """One text-layout file per record, written by archmeta."""
    folder.mkdir(parents=True, exist_ok=True)
    for number, record in enumerate(records):
        (folder / f"{number:06d}.txt").write_bytes(subject.WRITERS["text"](record).encode())


def _timed_run(command: list[str], out: Path) -> float:
    shutil.rmtree(out, ignore_errors=True)  # archmeta skips outputs that exist: start empty
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {result.stderr[-2000:]}")
    return seconds


def convert(records: list[subject.ArchivalRecord], repeat: int) -> list[Row]:
    """Batch text -> oai_dc, archmeta (--jobs 1, 2) against the floor (1, 2 processes)."""
    work = scratch()
    try:
        source = work / "in"
        write_folder(source, records)
        floor = [sys.executable, "-m", "bench.floor_convert", str(source)]
        runs: dict[str, Callable[[], float]] = {}
        for jobs in (1, 2):
            out = work / f"archmeta-{jobs}"
            command = subject.convert_command(source, "oai_dc", out, jobs)
            runs[f"archmeta {jobs}"] = lambda c=command, o=out: _timed_run(c, o)
            out = work / f"floor-{jobs}"
            command = [*floor, str(out), "--procs", str(jobs)]
            runs[f"floor {jobs}"] = lambda c=command, o=out: _timed_run(c, o)
        for run in runs.values():  # warm-up: file cache, byte-code cache
            run()
        samples: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(repeat):
            for name, run in runs.items():
                samples[name].append(run())
        written = len(list((work / "archmeta-1").iterdir()))
        if written != len(records):
            raise AssertionError(f"archmeta convert wrote {written} of {len(records)} files")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    t = {name: statistics.median(s) for name, s in samples.items()}
    gain_mine = t["archmeta 1"] / t["archmeta 2"] - 1
    gain_floor = t["floor 1"] / t["floor 2"] - 1
    label = f"convert {len(records)} text -> oai_dc"
    # When the host gives the floor itself (almost) nothing from a second process, because
    # other work holds the second core, a share of that gain means nothing: not judged then.
    judged = gain_floor >= 0.1
    gain_target = Target(0.85, at_most=False, text=">= 0.85x floor's gain") if judged else None
    note = "" if judged else "not judged: the floor gained < 10% from a 2nd process (busy host)"
    return [
        Row("convert", f"{label}, --jobs 1", t["archmeta 1"], t["floor 1"],
            "hand script, 1 process", "s", Target(1.5, text="<= 1.5x floor")),
        Row("convert", f"{label}, --jobs 2", t["archmeta 2"], t["floor 2"],
            "hand script, 2 processes", "s"),
        Row("convert", "gain from a 2nd process", gain_mine, gain_floor,
            "floor's gain", "gain", gain_target, note=note),
    ]  # fmt: skip


def listrecords_rows(count: int, repeat: int, seed: int) -> list[Row]:
    """Write one ListRecords file of ``count`` records, then stream it (archmeta vs floor)."""
    work = scratch()
    try:
        path = work / f"listrecords-{count}.xml"
        made = listrecords.run_phase("generate", str(path), str(count))
        samples: dict[str, list[dict[str, float]]] = {"stream": [], "floor": []}
        for _ in range(repeat):
            for phase, found in samples.items():
                found.append(listrecords.run_phase(phase, str(path)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    mine, floor = samples["stream"], samples["floor"]
    if mine[0]["records"] != count or floor[0]["records"] != count:
        raise AssertionError(f"streamed {mine[0]['records']} / {floor[0]['records']} of {count}")
    seconds = statistics.median(s["seconds"] for s in mine)
    floor_seconds = statistics.median(s["seconds"] for s in floor)
    peak = max(s["peak_rss_mb"] for s in mine)
    floor_peak = max(s["peak_rss_mb"] for s in floor)
    size = f"{count} records, {made['bytes'] / 1e6:.0f} MB"
    return [
        Row("listrecords", f"ListRecords stream ({size}), time", seconds, floor_seconds,
            "lxml iterparse + clear", "s", note=f"{count / seconds:,.0f} records/s"),
        Row("listrecords", "ListRecords stream, peak RSS", peak, floor_peak,
            "lxml iterparse + clear", "MB", Target(150, text="< 150 MB", absolute=True)),
    ]  # fmt: skip
