"""Peak memory of streaming a large OAI-PMH ListRecords response (a benchmark, not a test).

    python bench/oaipmh_memory.py [--records 200000] [--keep DIR] [--tracemalloc]

1. generates a ListRecords file of N oai_dc records (with ``write_list_records``, itself
   streamed; the records cycle through examples/*.txt with distinct identifiers, every 50th
   deleted and every 97th without a title, so the reader meets all three kinds);
2. streams it through ``iter_records`` (counting records, deleted and bad ones);
3. converts it the way ``archmeta convert LISTRECORDS --to json --out DIR`` does: one JSON file
   per record, written atomically, with ``iter_records`` as the source.

Each phase runs in its own Python process, so each peak resident set size (``ru_maxrss``) is
that phase's alone; with ``--tracemalloc`` the stream phase also reports the peak of Python
allocations. The target is a peak under 150 MB for 200,000 records.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MB = 150.0


def _maxrss_mb() -> float:
    kilobytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kilobytes / 1024 if sys.platform != "darwin" else kilobytes / 1024 / 1024


def generate(path: Path, count: int) -> dict[str, float]:
    from archmeta.formats import text
    from archmeta.formats.oaipmh import CollectionItem, write_list_records

    examples = [text.load(p) for p in sorted((ROOT / "examples").glob("*.txt"))]

    def items():
        for n in range(count):
            base = examples[n % len(examples)]
            oai_id = f"oai:bench.archmeta:{n}"
            if n % 50 == 49:
                yield CollectionItem(oai_id, "2026-01-01", deleted=True)
            else:
                record = base.model_copy(update={"identifier": f"bench-{n}"})
                yield CollectionItem(oai_id, "2026-01-01T00:00:00Z", record=record)

    written = write_list_records(items(), path, response_date="2026-01-02T00:00:00Z")
    if count >= 97:
        # Titles are required by the model, so the untitled records are made by editing the
        # file: every 97th record's dc:title elements become dc:subject (still valid oai_dc).
        _untitle_every(path, 97)
    return {"written": written, "bytes": path.stat().st_size}


def _untitle_every(path: Path, step: int) -> None:
    tmp = path.with_suffix(".tmp")
    n = -1
    with path.open("rb") as src, tmp.open("wb") as dst:
        for line in src:
            if b"<record>" in line:
                n += 1
            if n % step == step - 1 and b"<dc:title>" in line:
                line = line.replace(b"dc:title>", b"dc:subject>")
            dst.write(line)
    tmp.replace(path)


def stream(path: Path, use_tracemalloc: bool) -> dict[str, float]:
    from archmeta.formats.oaipmh import iter_records

    if use_tracemalloc:
        import tracemalloc

        tracemalloc.start()
    counts = {"records": 0, "deleted": 0, "bad": 0}
    for item in iter_records(path):
        if item.deleted:
            counts["deleted"] += 1
        elif item.record is None:
            counts["bad"] += 1
        else:
            counts["records"] += 1
    out: dict[str, float] = dict(counts)
    if use_tracemalloc:
        out["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    return out


def convert(path: Path, out_dir: Path) -> dict[str, float]:
    """What ``convert LISTRECORDS --to json --out DIR`` does: one file per record."""
    import re

    from archmeta.formats import json as json_format
    from archmeta.formats._io import write_atomic
    from archmeta.formats.oaipmh import iter_records

    out_dir.mkdir(parents=True, exist_ok=True)
    files = 0
    for item in iter_records(path):
        if item.record is None:
            continue
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", item.oai_identifier or f"record-{files}")
        write_atomic(out_dir / f"{name}.json", json_format.dumps(item.record).encode("utf-8"))
        files += 1
    return {"files": files}


def _child(phase: str, args: list[str]) -> dict[str, float]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, __file__, "--phase", phase, *args],
        check=True,
        capture_output=True,
        text=True,
    )
    data: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    data["seconds"] = round(time.perf_counter() - started, 1)
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--keep", type=Path, help="folder for the generated file and output")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:
        path = Path(args.paths[0])
        if args.phase == "baseline":
            import archmeta.formats.dc
            import archmeta.formats.json
            import archmeta.formats.oaipmh  # noqa: F401

            out: dict[str, float] = {}
        elif args.phase == "generate":
            out = generate(path, args.records)
        elif args.phase == "stream":
            out = stream(path, args.tracemalloc)
        else:
            out = convert(path, Path(args.paths[1]))
        out["peak_rss_mb"] = round(_maxrss_mb(), 1)
        print(json.dumps(out))
        return 0

    with tempfile.TemporaryDirectory(prefix="archmeta-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"listrecords-{args.records}.xml"
        phases = {
            "baseline (imports)": _child("baseline", [str(path)]),
            "generate": _child("generate", ["--records", str(args.records), str(path)]),
            "stream (iter_records)": _child(
                "stream", [str(path), *(["--tracemalloc"] if args.tracemalloc else [])]
            ),
            "convert to json, one file per record": _child(
                "convert", [str(path), str(folder / "json")]
            ),
        }
    worst = max(p["peak_rss_mb"] for p in phases.values())
    print(f"{args.records} records")
    for name, data in phases.items():
        details = ", ".join(f"{k}={v}" for k, v in data.items())
        print(f"  {name}: {details}")
    verdict = "OK" if worst < TARGET_MB else "OVER TARGET"
    print(f"peak RSS {worst} MB (target < {TARGET_MB:.0f} MB): {verdict}")
    return 0 if worst < TARGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
