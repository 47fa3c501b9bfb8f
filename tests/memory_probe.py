"""The peak memory of each reader on generated inputs of several sizes:
``python -m tests.memory_probe SIZE [SIZE ...]`` prints one JSON object per line.

Run in a fresh process by ``tests/test_memory.py``: every reader is warmed up first (imports,
caches, schemas), then each case runs in a forked child that resets the kernel's high-water
mark of its resident memory (``/proc/self/clear_refs``), reads the input file and runs the
reader, and reports its peak resident memory above the start (``VmHWM - VmRSS``). Resident
memory counts what lxml allocates as well as Python, and unlike time it is not disturbed by
other processes on the machine.

A size is a number of body paragraphs; the list fields (subjects, places, creators,
contributors) hold an eighth of it each, so that the formats that keep no body (Dublin Core, the
packages) grow too.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from archmeta.model import MAX_ITEMS, ArchivalRecord


def record(size: int, title: str = "A record") -> ArchivalRecord:
    """A record whose text grows with ``size`` (built unchecked: values are well-formed)."""
    lists = min(size // 8, MAX_ITEMS)
    return ArchivalRecord.model_construct(
        title=title,
        identifier=title.replace(" ", "-"),
        body=[f"Paragraph {n} of the document, with a few words of its text." for n in range(size)],
        subjects=[f"Subject heading {n}" for n in range(lists)],
        places=[f"Place {n}" for n in range(lists)],
        creators=[f"Creator number {n}" for n in range(lists)],
        contributors=[f"Contributor {n}" for n in range(lists)],
    )


def _single(fmt: str) -> tuple[Callable[[Path, int], None], Callable[[Path], Any]]:
    from archmeta.formats import get_format

    codec = get_format(fmt)

    def make(path: Path, size: int) -> None:
        path.write_text(codec.write(record(size)), encoding="utf-8")

    def run(path: Path) -> Any:
        decoded = codec.read(path.read_bytes(), str(path))
        return decoded.record is not None and not decoded.issues

    return make, run


def _list_records(path: Path, size: int) -> None:
    from archmeta.formats.oaipmh import write_list_records

    # The same text as the other cases, in records of 100 paragraphs each.
    write_list_records((record(100, f"Record {n}") for n in range(size // 100)), path)


def _stream(path: Path) -> Any:
    from archmeta.formats.oaipmh import iter_records

    return all(item.record is not None for item in iter_records(path))


def _one_huge_record(path: Path, size: int) -> None:
    from archmeta.formats.oaipmh import write_list_records

    huge = ArchivalRecord.model_construct(
        title="Huge", identifier="Huge", subjects=[f"Subject heading {n}" for n in range(size * 4)]
    )  # over MAX_ITEMS, the record is refused anyway: it is never built
    write_list_records([record(100, "Before"), huge, record(100, "After")], path)


def _stream_with_limit(path: Path) -> Any:
    from archmeta.formats.oaipmh import iter_records

    items = list(iter_records(path, max_bytes=256 * 1024))
    return [i.issues[0].rule if i.issues else "ok" for i in items] == [
        "ok",
        "record-too-large",
        "ok",
    ]


def _stream_element_cap(path: Path) -> Any:
    from archmeta.formats import oaipmh

    # No size limit: the markup cap alone prunes the huge record (set low, so that the
    # record is over it at both sizes).
    cap, oaipmh.MAX_RECORD_MARKUP = oaipmh.MAX_RECORD_MARKUP, 2_000
    try:  # the warm-up runs in the probe's own process: the others need the real cap
        items = list(oaipmh.iter_records(path))
    finally:
        oaipmh.MAX_RECORD_MARKUP = cap
    return [i.issues[0].rule if i.issues else "ok" for i in items] == [
        "ok",
        "record-too-large",
        "ok",
    ]


def _headers(path: Path) -> Any:
    from archmeta.formats.oaipmh import iter_records

    items = list(iter_records(path, headers_only=True))  # a batch's planning pass, no limit
    return [i.oai_identifier for i in items] == [
        "oai:archmeta:Before",
        "oai:archmeta:Huge",
        "oai:archmeta:After",
    ]


def _package(path: Path, size: int) -> None:
    from archmeta.formats import get_format

    for name, content in get_format("dspace-saf").write_files(record(size)).items():
        target = path / "item_1" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def _package_items(path: Path) -> Any:
    from archmeta.formats import get_format

    return all(i.record is not None for i in get_format("dspace-saf").iter_records(path))


def _csv(path: Path, size: int) -> None:
    from archmeta.formats import get_format

    codec = get_format("omeka-csv")
    path.write_text(codec.join([codec.write(record(size))]), encoding="utf-8")


def _csv_rows(path: Path) -> Any:
    from archmeta.formats import get_format

    return all(i.record is not None for i in get_format("omeka-csv").iter_records(path))


def _validate(fmt: str) -> Callable[[Path], Any]:
    def run(path: Path) -> Any:
        from archmeta.validation import validate

        return validate(path, format=fmt).ok

    return run


def _convert(fmt: str, to: str) -> Callable[[Path], Any]:
    def run(path: Path) -> Any:
        from archmeta.conversion import FileSink, Settings, convert_input

        target = path.with_name("out." + to)
        outcome = convert_input(str(path), str(path), Settings(to, fmt), FileSink(target, "x"))
        return outcome.converted == 1

    return run


def cases() -> dict[str, tuple[str, Callable[[Path, int], None], Callable[[Path], Any]]]:
    """Each case: (file name, how to make the input of a size, what to measure on it)."""
    found: dict[str, tuple[str, Callable[[Path, int], None], Callable[[Path], Any]]] = {}
    for fmt, name in [
        ("json", "r.json"),
        ("text", "r.txt"),
        ("tei", "r.tei.xml"),
        ("oai_dc", "r.oai_dc.xml"),
        ("dcterms", "r.dcterms.xml"),
    ]:
        make, run = _single(fmt)
        found[f"read {fmt}"] = (name, make, run)
    found["oaipmh iter_records"] = ("lr.xml", _list_records, _stream)
    found["oaipmh record over the limit"] = ("huge.xml", _one_huge_record, _stream_with_limit)
    found["oaipmh headers of a huge record"] = ("huge.xml", _one_huge_record, _headers)
    found["oaipmh record of many elements"] = ("huge.xml", _one_huge_record, _stream_element_cap)
    found["dspace-saf iter_records"] = ("package", _package, _package_items)
    found["omeka-csv iter_records"] = ("r.csv", _csv, _csv_rows)
    found["validate json"] = ("r.json", _single("json")[0], _validate("json"))
    found["validate tei"] = ("r.tei.xml", _single("tei")[0], _validate("tei"))
    found["convert json to tei"] = ("r.json", _single("json")[0], _convert("json", "tei"))
    found["convert tei to text"] = ("r.tei.xml", _single("tei")[0], _convert("tei", "text"))
    return found


def _status(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise OSError(f"no {field} in /proc/self/status")


def _input_bytes(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def measure(run: Callable[[Path], Any], path: Path) -> tuple[int, Any]:
    """The peak resident memory (bytes above the start) of ``run(path)`` in a forked child,
    and what it returned."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure, report through the pipe, exit without cleanup
        try:
            gc.collect()
            with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
                handle.write("5")  # reset VmHWM to the current resident size
            start = _status("VmRSS")
            result = run(path)
            message = json.dumps([_status("VmHWM") - start, result])
        except BaseException as exc:  # reported to the parent, which fails the case
            message = json.dumps([-1, f"{type(exc).__name__}: {exc}"])
        os.write(writer, message.encode())
        os._exit(0)
    os.close(writer)
    with open(reader, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    peak, result = json.loads(data)
    return int(peak), result


def main(sizes: list[int]) -> int:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        found = cases()
        for name, (file, make, run) in found.items():  # warm up: imports, caches, schemas
            warm = root / "warm" / name.replace(" ", "_")
            warm.mkdir(parents=True)
            make(warm / file, 200)
            run(warm / file)
        for name, (file, make, run) in found.items():
            for size in sizes:
                place = root / f"{name.replace(' ', '_')}-{size}"
                place.mkdir()
                # Made in a child too: memory the parent freed stays resident, and a child
                # reusing it would seem to need less than it does.
                _, made = measure(lambda p, m=make, s=size: m(p, s), place / file)
                peak, result = measure(run, place / file)
                result = result if made is None else made
                row = {"case": name, "size": size, "input": _input_bytes(place / file)}
                print(json.dumps({**row, "peak": peak, "result": result}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main([int(a) for a in sys.argv[1:]]))
