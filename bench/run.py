"""archmeta's benchmark: every path against its floor and its peers, in the same run.

    python -m bench [--records N] [--repeat R] [--only PATTERN] [--json OUT] [--check]
                    [--convert-records N] [--listrecords N] [--listrecords-repeat R]

Groups (``--only`` is a regular expression searched in "group: work"): ``formats`` (read and
write in every format), ``validation`` (JSON), ``dates``, ``growth`` (record size and count),
``convert`` (batch ``archmeta convert``), ``listrecords`` (one large OAI-PMH file). The
benchmark reports; it exits 1 only with ``--check`` when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import corpus, endtoend, inprocess, peers
from .timing import Row, table

GROUPS = ("formats", "validation", "dates", "growth", "convert", "listrecords")


def machine() -> dict[str, Any]:
    """What the numbers were measured on (load and CPU model matter on a shared host)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cores": cores,
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import psutil

        info["memory_gb"] = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:
        pass
    if hasattr(os, "getloadavg"):
        info["load_before"] = [round(x, 2) for x in os.getloadavg()]
    return info


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000, help="records per in-process run")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per measure (median)")
    parser.add_argument("--only", metavar="PATTERN", help="regex on 'group: work'")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write the results as JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--seed", type=int, default=1962)
    parser.add_argument(
        "--convert-records", type=int, default=2000, help="files for the batch convert (0: skip)"
    )
    parser.add_argument(
        "--listrecords", type=int, default=200_000, help="records in the file (0: skip)"
    )
    parser.add_argument("--listrecords-repeat", type=int, default=3)
    return parser.parse_args(argv)


# Row names each group gives, so that a pattern can pick a group by one of its rows.
ROW_NAMES = {
    "formats": [f"{f} {op}" for f in inprocess.FORMATS for op in ("read", "write")]
    + ["dcxml", "model_validate"],
    "validation": ["JSON validation vs jsonschema", "JSON validation vs jsonschema-rs"],
    "dates": ["date normalisation vs edtf", "date normalisation vs hand regex"],
    "growth": ["text read, 30 paragraphs", "tei write, 4N"],
    "convert": ["convert text -> oai_dc, --jobs 1", "gain from a 2nd process"],
    "listrecords": ["ListRecords stream, peak RSS"],
}


def _selected(pattern: str | None, group: str) -> str | None:
    """'all' when the pattern names the group, 'rows' when it may match some of its rows."""
    if pattern is None or re.search(pattern, group):
        return "all"
    names = [f"{group}: {name}" for name in ROW_NAMES.get(group, [])]
    return "rows" if any(re.search(pattern, name) for name in names) else None


def run(args: argparse.Namespace, say: Callable[[str], None] = print) -> dict[str, Any]:
    """Run the selected groups; the results as a dict (also what ``--json`` writes)."""
    started = time.perf_counter()
    info = machine()
    say(f"machine: {info.get('cpu', '?')}, {info['cores']} cores, Python {info['python']}")
    records = corpus.generate(corpus.CorpusSpec(args.records, args.seed))
    say(f"corpus: {corpus.describe(records)} (seed {args.seed})")
    missing = peers.missing()
    if missing:
        say(f"peers not installed (their rows are left out): {', '.join(missing)}")
    steps: dict[str, Callable[[], list[Row]]] = {
        "formats": lambda: inprocess.formats(records, args.repeat),
        "validation": lambda: inprocess.validation(records, args.repeat),
        "dates": lambda: inprocess.dates(records, args.repeat),
        "growth": lambda: inprocess.growth(records, args.records, args.repeat, args.seed),
    }
    if args.convert_records:
        steps["convert"] = lambda: endtoend.convert(
            corpus.generate(corpus.CorpusSpec(args.convert_records, args.seed)), args.repeat
        )
    if args.listrecords:
        steps["listrecords"] = lambda: endtoend.listrecords_rows(
            args.listrecords, args.listrecords_repeat, args.seed
        )
    rows: list[Row] = []
    for group, step in steps.items():
        selection = _selected(args.only, group)
        if selection is None:
            continue
        say(f"measuring {group} ...")
        for row in step():
            if selection == "all" or re.search(args.only or "", f"{group}: {row.work}"):
                rows.append(row)
    info["load_after"] = [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else []
    return {
        "machine": info,
        "command": "python -m bench " + " ".join(sys.argv[1:]),
        "records": args.records,
        "repeat": args.repeat,
        "corpus": corpus.describe(records),
        "seconds": round(time.perf_counter() - started, 1),
        "rows": [r.as_dict() for r in rows],
        "table": table(rows),
        "_rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    """Print the table (progress goes to stderr); 1 only with ``--check`` and a missed target."""
    args = parse_args(argv)
    results = run(args, say=lambda line: print(line, file=sys.stderr, flush=True))
    rows: list[Row] = results.pop("_rows")
    print(results["table"])
    for row in rows:
        if row.note:
            print(f"{row.work}: {row.note}")
    missed = [r.work for r in rows if r.passed is False]
    print(f"\n{len(rows)} rows, {len(missed)} targets missed, {results['seconds']} s")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 1 if args.check and missed else 0
