"""One large OAI-PMH ListRecords file: streaming throughput and peak memory, in subprocesses.

    python -m bench.listrecords generate PATH COUNT   # archmeta writes it (write_list_records)
    python -m bench.listrecords stream PATH           # archmeta reads it (iter_records)
    python -m bench.listrecords floor PATH            # lxml iterparse, same fields, cleared

Each phase runs in a process of its own and prints one JSON line (seconds, records, peak
resident set size from ``getrusage``), so each peak is that phase's alone. The floor imports no
archmeta; its peak is the least a streaming reader of this file needs.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

OAI = "{http://www.openarchives.org/OAI/2.0/}"
DC = "{http://purl.org/dc/elements/1.1/}"


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB.

    Linux keeps ``ru_maxrss`` across ``exec``, so a child started by a big parent would report
    the parent's peak; ``VmHWM`` belongs to this program's own address space.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024 if sys.platform != "darwin" else kib / 1024 / 1024


def generate(path: Path, count: int, seed: int = 1962) -> dict[str, Any]:
    """Write ``count`` records, cycling through 500 generated ones with distinct identifiers."""
    from . import corpus, subject

    base = corpus.generate(corpus.CorpusSpec(min(count, 500), seed))

    def records() -> Iterator[subject.ArchivalRecord]:
        for n in range(count):
            yield base[n % len(base)].model_copy(update={"identifier": f"bench-{n}"})

    written = subject.write_list_records(records(), path)
    return {"records": written, "bytes": path.stat().st_size}


def stream(path: Path) -> dict[str, Any]:
    """archmeta's streaming reader over the whole file, counting what it yields."""
    from . import subject

    records = other = 0
    for item in subject.iter_records(path):
        if item.record is not None:
            records += 1
        else:
            other += 1
    return {"records": records, "other": other}


def floor(path: Path) -> dict[str, Any]:
    """lxml ``iterparse`` on record elements: header identifier and every DC value, cleared."""
    from lxml import etree

    records = 0
    for _, element in etree.iterparse(str(path), events=("end",), tag=f"{OAI}record"):
        fields: dict[str, list[str | None]] = {}
        identifier = element.findtext(f"{OAI}header/{OAI}identifier")
        for value in element.iterfind(f"{OAI}metadata/*/*"):
            fields.setdefault(value.tag, []).append(value.text)
        if identifier and fields:
            records += 1
        # Free this record and the ones before it: memory stays flat however long the file.
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
    return {"records": records}


def run_phase(phase: str, *args: str) -> dict[str, Any]:
    """Run one phase in a fresh interpreter; its JSON result plus the wall-clock seconds."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "bench.listrecords", phase, *args],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"listrecords {phase} failed: {result.stderr[-2000:]}")
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    data["seconds"] = seconds
    return data


def main(argv: list[str]) -> int:
    phase, path = argv[0], Path(argv[1])
    if phase == "generate":
        out = generate(path, int(argv[2]))
    elif phase == "stream":
        out = stream(path)
    elif phase == "floor":
        out = floor(path)
    else:
        raise SystemExit(f"unknown phase {phase!r}")
    out["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
