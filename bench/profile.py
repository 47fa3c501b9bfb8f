"""Where archmeta's slow paths spend their time (pyinstrument, sampling).

    python -m bench.profile [--records N] [--only PATTERN] [--out DIR]

Profiles text read, TEI read and write, text write, JSON write and oai_dc read in this process,
and a batch ``archmeta convert`` (text -> oai_dc, ``--jobs 1``) in a subprocess. For each it
prints the functions with the largest inclusive share of the time (recursion counted once)
and those with the largest self time, as ``function  file:line  share``; the full call trees
go to ``DIR/profile-NAME.txt`` (default ``bench/out``).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import corpus, endtoend, subject

ROOT = Path(__file__).resolve().parent.parent


def _key(frame: Any) -> tuple[str, str]:
    return frame.function, f"{frame.file_path_short}:{frame.line_no}"


def hotspots(root: Any, top: int = 12) -> tuple[list[tuple[str, str, float]], ...]:
    """(inclusive, self) lists of (function, place, share of the total) from a frame tree."""
    inclusive: dict[tuple[str, str], float] = defaultdict(float)
    own: dict[tuple[str, str], float] = defaultdict(float)

    def walk(frame: Any, path: frozenset[tuple[str, str]]) -> None:
        key = _key(frame)
        if key not in path:  # a recursive call's time is already in its ancestor's
            inclusive[key] += frame.time
        own[key] += frame.total_self_time
        for child in frame.children:
            walk(child, path | {key})

    walk(root, frozenset())
    total = root.time or 1.0

    def ranked(table: dict[tuple[str, str], float]) -> list[tuple[str, str, float]]:
        rows = [(f, place, t / total) for (f, place), t in table.items() if f != "[self]"]
        return sorted(rows, key=lambda r: -r[2])[:top]

    return ranked(inclusive), ranked(own)


def profile_call(func: Callable[[], object], interval: float = 0.0005) -> Any:
    """Run ``func`` under pyinstrument; its session."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=interval)
    profiler.start()
    func()
    profiler.stop()
    return profiler


def paths(records: list[subject.ArchivalRecord]) -> dict[str, Callable[[], object]]:
    """The in-process paths to profile, each over the whole corpus."""
    docs = {f: [subject.WRITERS[f](r).encode() for r in records] for f in ("text", "tei", "oai_dc")}
    read = subject.READERS
    write = subject.WRITERS
    return {
        "text-read": lambda: [read["text"](d) for d in docs["text"]],
        "tei-read": lambda: [read["tei"](d) for d in docs["tei"]],
        "tei-write": lambda: [write["tei"](r) for r in records],
        "text-write": lambda: [write["text"](r) for r in records],
        "json-write": lambda: [write["json"](r) for r in records],
        "oai_dc-read": lambda: [read["oai_dc"](d) for d in docs["oai_dc"]],
    }


def profile_convert(records: list[subject.ArchivalRecord], out_dir: Path) -> str:
    """pyinstrument's text report of one ``archmeta convert --jobs 1`` run (a subprocess)."""
    work = endtoend.scratch()
    try:
        endtoend.write_folder(work / "in", records)
        command = subject.convert_command(work / "in", "oai_dc", work / "out", 1)
        module_args = command[command.index("-m") + 1 :]
        report = out_dir / "profile-convert.txt"
        subprocess.run(
            [sys.executable, "-m", "pyinstrument", "-i", "0.0005", "-r", "text", "-o",
             str(report), "-m", *module_args],
            check=True, cwd=ROOT, capture_output=True,
        )  # fmt: skip
        return report.read_text()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=300)
    parser.add_argument("--only", metavar="PATTERN")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    records = corpus.generate(corpus.CorpusSpec(args.records))
    for name, func in paths(records).items():
        if args.only and not re.search(args.only, name):
            continue
        func()  # warm caches first: the profile is of the steady state
        profiler = profile_call(func)
        (args.out / f"profile-{name}.txt").write_text(profiler.output_text(show_all=False))
        inclusive, own = hotspots(profiler.last_session.root_frame())
        print(f"\n## {name} ({profiler.last_session.duration:.2f} s for {len(records)} records)")
        print("inclusive:")
        for function, place, share in inclusive:
            print(f"  {share:6.1%}  {function}  {place}")
        print("self:")
        for function, place, share in own[:8]:
            print(f"  {share:6.1%}  {function}  {place}")
    if not args.only or re.search(args.only, "convert"):
        report = profile_convert(records, args.out)
        print(f"\n## convert (pyinstrument call tree in {args.out / 'profile-convert.txt'})")
        print("\n".join(report.splitlines()[:60]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
