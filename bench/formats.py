"""Benchmark: reading and writing one record in every format, against floors in the same run.

The floors are what the formats cannot beat: the standard library's ``json`` on the record's
JSON, and lxml parsing and serializing the record's XML. The ratios (format time / floor time)
are what to watch; seconds alone mean little on a shared, noisy machine. A benchmark, not a
test: run it by hand.

    python bench/formats.py [--record examples/wilson-118189.txt] [--rounds 7] [--number 200]
"""

from __future__ import annotations

import argparse
import json
import statistics
import timeit
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from archmeta.formats import FORMATS, text

ROOT = Path(__file__).resolve().parent.parent


def best(func: Callable[[], object], rounds: int, number: int) -> float:
    """Median of ``rounds`` timings, each the mean of ``number`` calls, in microseconds."""
    times = timeit.repeat(func, repeat=rounds, number=number)
    return statistics.median(times) / number * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", default=str(ROOT / "examples" / "wilson-118189.txt"))
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--number", type=int, default=200)
    args = parser.parse_args()

    record = text.load(args.record)
    written = {name: info.dumps(record) for name, info in FORMATS.items()}
    for name, info in FORMATS.items():  # warm caches (schemas, dates, languages) first
        info.loads(written[name])

    json_text = written["json"]
    floors = {
        "json": (
            best(lambda: json.loads(json_text), args.rounds, args.number),
            best(lambda: json.dumps(json.loads(json_text), indent=2), args.rounds, args.number),
        ),
    }
    for name in ("tei", "oai_dc", "dcterms"):
        data = written[name].encode("utf-8")
        tree = etree.fromstring(data)
        floors[name] = (
            best(lambda d=data: etree.fromstring(d), args.rounds, args.number),
            best(lambda t=tree: etree.tostring(t, encoding="unicode"), args.rounds, args.number),
        )
    # The text layout has no parser to compare with: its floor is splitting it into lines.
    text_data = written["text"]
    floors["text"] = (
        best(lambda: text_data.split("\n"), args.rounds, args.number),
        best(lambda: "\n".join(text_data.split("\n")), args.rounds, args.number),
    )

    print(f"record: {args.record} ({len(record.body)} body paragraphs)")
    print(
        f"{'format':8} {'read µs':>9} {'floor':>8} {'ratio':>7}   {'write µs':>9} "
        f"{'floor':>8} {'ratio':>7}"
    )
    for name, info in sorted(FORMATS.items()):
        data = written[name]
        read = best(lambda i=info, d=data: i.loads(d), args.rounds, args.number)
        write = best(lambda i=info: i.dumps(record), args.rounds, args.number)
        read_floor, write_floor = floors[name]
        print(
            f"{name:8} {read:9.1f} {read_floor:8.1f} {read / read_floor:7.1f}   "
            f"{write:9.1f} {write_floor:8.1f} {write / write_floor:7.1f}"
        )


if __name__ == "__main__":
    main()
