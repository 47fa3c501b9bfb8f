"""Batch throughput: the local ``--jobs`` pool against a Dask cluster of 1 and 2 workers.

    python -m bench.cluster [COUNT] [--to FMT] [--rounds N]

Writes COUNT text records (archmeta's own text writer, in folders of 500) and a ListRecords
file of COUNT more records into a temporary folder, then converts both with
``archmeta convert`` four ways: ``--jobs 1``, ``--jobs 2``, ``--scheduler local:1`` and
``--scheduler local:2`` (a LocalCluster of single-threaded worker processes on loopback, which
the command starts and stops). For each it prints the records per second of the summary line
(the conversion alone: planning and cluster start-up excluded) and of the wall clock (the whole
command). Every run writes into a fresh folder, and the outputs of all runs are checked to be
the same, byte for byte.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SUMMARY = re.compile(r"converted (\d+), failed (\d+), skipped (\d+) in ([\d.]+) s")
RUNS = [
    ("--jobs 1", ["--jobs", "1"]),
    ("--jobs 2", ["--jobs", "2"]),
    ("--scheduler local:1", ["--scheduler", "local:1"]),
    ("--scheduler local:2", ["--scheduler", "local:2"]),
]


def make_inputs(folder: Path, count: int) -> None:
    from archmeta.formats import text
    from archmeta.formats.oaipmh import write_list_records

    seed = text.load(Path(__file__).resolve().parent.parent / "examples" / "wilson-118189.txt")

    def record(n: int):  # type: ignore[no-untyped-def]
        return seed.model_copy(update={"title": f"Cable number {n}", "identifier": f"c-{n}"})

    for n in range(count):
        sub = folder / f"part-{n // 500:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"record-{n:06d}.txt").write_text(text.dumps(record(n)), encoding="utf-8")
    harvest = (record(n) for n in range(count, 2 * count))
    write_list_records(harvest, folder / "harvest.xml", response_date="2026-01-01T00:00:00Z")


def digest(folder: Path) -> str:
    sha = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            sha.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return sha.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, nargs="?", default=3000)
    parser.add_argument("--to", default="json")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="archmeta-bench-cluster-") as tmp:
        root = Path(tmp)
        make_inputs(root / "in", args.count)
        digests = set()
        print(f"{2 * args.count} records ({args.count} files + a ListRecords file) -> {args.to}")
        for label, extra in RUNS:
            for round_ in range(args.rounds):
                out = root / f"out-{len(digests)}-{round_}-{label.split()[-1]}"
                started = time.perf_counter()
                command = [sys.executable, "-m", "archmeta.cli", "convert", str(root / "in")]
                result = subprocess.run(
                    [*command, "--to", args.to, "--out", str(out), *extra],
                    capture_output=True,
                    text=True,
                )
                wall = time.perf_counter() - started
                m = SUMMARY.search(result.stderr)
                if not m:
                    print(result.stderr)
                    return 1
                converted, seconds = int(m.group(1)), float(m.group(4))
                print(
                    f"{label:22} {converted / seconds:8.1f} records/s (conversion)  "
                    f"{converted / wall:8.1f} records/s (wall, {wall:.1f} s)"
                )
                digests.add(digest(out))
        print("outputs identical:", len(digests) == 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
