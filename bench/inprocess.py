"""Measurements inside this process: every format's read and write, JSON validation, dates,
and how the cost of a path grows with record size and record count.

Each function returns result rows (``bench.timing.Row``); times are per record (or per date).
Inputs are bytes for readers (what a file gives), records for writers.
"""

from __future__ import annotations

from collections.abc import Callable

from . import corpus, floors, layout, peers, subject
from .timing import Row, Target, medians

FORMATS = ("text", "json", "tei", "oai_dc", "dcterms")
XML_FORMATS = ("tei", "oai_dc", "dcterms")
PER_FORMAT = Target(2.0, text="<= 2x floor")

Records = list[subject.ArchivalRecord]


def _per_record(seconds: float, count: int) -> float:
    return seconds / count * 1e6


def _pair(
    subject_run: Callable[[], object], floor_run: Callable[[], object], count: int, repeat: int
) -> tuple[float, float]:
    """Per-record microseconds of archmeta and its floor, interleaved, medians."""
    mine, floor = medians([subject_run, floor_run], repeat)
    return _per_record(mine, count), _per_record(floor, count)


def read_floor(fmt: str, docs: list[bytes]) -> Callable[[], object]:
    """The floor of reading every document of ``docs`` in format ``fmt``."""
    if fmt == "text":
        return lambda: [floors.text_read(d) for d in docs]
    if fmt == "json":
        return lambda: [floors.json_read(d) for d in docs]
    extract = floors.tei_fields if fmt == "tei" else floors.dc_fields
    # The validation step is charged with what archmeta itself reads from each document.
    pairs = [(d, subject.READERS[fmt](d).model_dump(exclude_defaults=True)) for d in docs]
    return lambda: [floors.xml_read(extract, d, f) for d, f in pairs]


def write_floor(fmt: str, records: Records) -> Callable[[], object]:
    """The floor of writing every record of ``records`` in format ``fmt``."""
    if fmt == "text":
        return lambda: [floors.text_write(r) for r in records]
    if fmt == "json":
        return lambda: [floors.json_write(r) for r in records]
    recipes = [floors.recipe(subject.WRITERS[fmt](r)) for r in records]
    return lambda: [floors.xml_write(p) for p in recipes]


FLOOR_NAMES = {
    ("text", "read"): "hand parser + model_validate",
    ("json", "read"): "json.loads + model_validate",
    ("text", "write"): "f-strings",
    ("json", "write"): "model_dump_json",
    ("xml", "read"): "lxml parse + XPath + model_validate",
    ("xml", "write"): "lxml SubElement + tostring",
}


def _floor_name(fmt: str, op: str) -> str:
    return FLOOR_NAMES[("xml" if fmt in XML_FORMATS else fmt, op)]


def formats(records: Records, repeat: int) -> list[Row]:
    """Read and write in every format, each against its floor; oai_dc writing against dcxml."""
    rows = []
    count = len(records)
    for fmt in FORMATS:
        docs = [subject.WRITERS[fmt](r).encode("utf-8") for r in records]
        reader = subject.READERS[fmt]
        mine, floor = _pair(
            lambda d=docs, f=reader: [f(x) for x in d], read_floor(fmt, docs), count, repeat
        )
        rows.append(Row("formats", f"{fmt} read", mine, floor, _floor_name(fmt, "read"), "µs",
                        PER_FORMAT))  # fmt: skip
        writer = subject.WRITERS[fmt]
        mine, floor = _pair(
            lambda w=writer: [w(r) for r in records], write_floor(fmt, records), count, repeat
        )
        rows.append(Row("formats", f"{fmt} write", mine, floor, _floor_name(fmt, "write"), "µs",
                        PER_FORMAT))  # fmt: skip
    # What one model validation costs, against the text-read floor that contains it: the
    # share of every read floor that no parser can save.
    data = [r.model_dump(exclude_defaults=True) for r in records]
    validate = subject.ArchivalRecord.model_validate
    docs = [subject.WRITERS["text"](r).encode("utf-8") for r in records]
    alone, floor = _pair(lambda: [validate(d, strict=True) for d in data],
                         read_floor("text", docs), count, repeat)  # fmt: skip
    rows.append(Row("formats", "model_validate alone (share of text read floor)", alone, floor,
                    _floor_name("text", "read"), "µs"))  # fmt: skip
    if "dcxml" not in peers.missing():
        dcxml = peers.dcxml_writer()
        writer = subject.WRITERS["oai_dc"]
        mine, peer = _pair(
            lambda: [writer(r) for r in records], lambda: [dcxml(r) for r in records], count, repeat
        )
        rows.append(Row("formats", "oai_dc write vs dcxml", mine, peer, "dcxml.simpledc", "µs",
                        Target(1.0, text="< 1x (faster than dcxml)")))  # fmt: skip
    return rows


def validation(records: Records, repeat: int) -> list[Row]:
    """JSON validation of valid records: archmeta.validate against jsonschema and jsonschema-rs."""
    docs = [subject.WRITERS["json"](r) for r in records]
    runs: dict[str, Callable[[], object]] = {
        "archmeta": lambda: [subject.validate_json(d) for d in docs]
    }
    missing = peers.missing()
    if "jsonschema" not in missing:
        check = peers.jsonschema_validator()
        runs["jsonschema"] = lambda: [check(d) for d in docs]
    if "jsonschema-rs" not in missing:
        check_rs = peers.jsonschema_rs_validator()
        runs["jsonschema-rs"] = lambda: [check_rs(d) for d in docs]
    for name, run in runs.items():  # a benchmark of invalid input would measure something else
        if not all(run()):  # type: ignore[call-overload]
            raise AssertionError(f"{name} finds a generated record invalid")
    times = dict(zip(runs, medians(list(runs.values()), repeat), strict=True))
    mine = _per_record(times["archmeta"], len(docs))
    rows = []
    if "jsonschema" in times:
        rows.append(Row("validation", "JSON validation vs jsonschema", mine,
                        _per_record(times["jsonschema"], len(docs)), "jsonschema", "µs",
                        Target(0.05, text="<= 0.05x (20x faster)")))  # fmt: skip
    if "jsonschema-rs" in times:
        peer = _per_record(times["jsonschema-rs"], len(docs))
        rows.append(Row("validation", "JSON validation vs jsonschema-rs", mine, peer,
                        "jsonschema-rs", "µs"))  # fmt: skip
    return rows


def dates(records: Records, repeat: int) -> list[Row]:
    """Date normalisation (memo cleared each run) against edtf.parse_edtf and a hand regex."""
    written = [r.date.text for r in records if r.date is not None]
    # edtf takes milliseconds a date: a few hundred of them give a steady per-date median.
    values = [r.date.edtf for r in records if r.date is not None and r.date.edtf][:300]

    def normalise() -> None:
        subject.clear_date_cache()
        for text in written:
            subject.normalize_date(text)

    runs: list[Callable[[], object]] = [normalise, lambda: [layout.floor_date(t) for t in written]]
    if "edtf" not in peers.missing():
        parse = peers.edtf_parser()
        runs.append(lambda: [parse(v) for v in values])
    times = medians(runs, repeat)
    mine = _per_record(times[0], len(written))
    rows = [Row("dates", "date normalisation vs hand regex", mine,
                _per_record(times[1], len(written)), "one regex per form", "µs")]  # fmt: skip
    if len(times) > 2:
        rows.append(Row("dates", "date normalisation vs edtf", mine,
                        _per_record(times[2], len(values)), "edtf.parse_edtf", "µs",
                        Target(0.01, text="<= 0.01x (100x faster)")))  # fmt: skip
    return rows


def growth(records: Records, count: int, repeat: int, seed: int) -> list[Row]:
    """Per-record cost of text read and TEI write at 3/30/300 paragraphs, and at N vs 4N records."""
    rows = []
    sized = max(count // 10, 10)
    for paragraphs in (3, 30, 300):
        batch = corpus.generate(corpus.CorpusSpec(sized, seed, (paragraphs, paragraphs)))
        rows.extend(_growth_rows(batch, f"{paragraphs} paragraphs", repeat))
    bigger = corpus.generate(corpus.CorpusSpec(count * 4, seed))
    rows.extend(_growth_rows(records, f"N={count}", repeat))
    rows.extend(_growth_rows(bigger, f"4N={count * 4}", repeat))
    return rows


def _growth_rows(records: Records, label: str, repeat: int) -> list[Row]:
    docs = [subject.WRITERS["text"](r).encode("utf-8") for r in records]
    read = subject.READERS["text"]
    write = subject.WRITERS["tei"]
    mine, floor = _pair(lambda: [read(d) for d in docs], read_floor("text", docs), len(docs),
                        repeat)  # fmt: skip
    rows = [Row("growth", f"text read, {label}", mine, floor, _floor_name("text", "read"), "µs")]
    mine, floor = _pair(lambda: [write(r) for r in records], write_floor("tei", records),
                        len(records), repeat)  # fmt: skip
    rows.append(
        Row("growth", f"tei write, {label}", mine, floor, _floor_name("tei", "write"), "µs")
    )
    return rows
