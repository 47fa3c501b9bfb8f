"""OAI-PMH: streaming ListRecords/GetRecord reading, and ListRecords writing."""

from __future__ import annotations

import io
import tracemalloc
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from archmeta.errors import ParseError, UsageError
from archmeta.formats import dc
from archmeta.formats.oaipmh import CollectionItem, iter_records, write_list_records
from archmeta.model import ArchivalRecord
from tests.conftest import CONFORMANCE, EXAMPLES, conformance
from tests.strategies import records

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "dc"
DATE = "2026-01-02T03:04:05Z"


@cache
def _official_oai_pmh() -> etree.XMLSchema:
    """The official OAI-PMH.xsd with the official oai_dc.xsd beside it, so that the strict
    wildcard of ``metadata`` finds oai_dc:dc: a two-line driver importing both, in place."""
    local = CONFORMANCE / "schemas" / "local"
    driver = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
      <xs:import namespace="http://www.openarchives.org/OAI/2.0/"
                 schemaLocation="{(local / "OAI-PMH.xsd").as_uri()}"/>
      <xs:import namespace="http://www.openarchives.org/OAI/2.0/oai_dc/"
                 schemaLocation="{(local / "oai_dc.xsd").as_uri()}"/>
    </xs:schema>"""
    return etree.XMLSchema(etree.fromstring(driver.encode(), base_url=str(local) + "/"))


def official_oai_pmh() -> etree.XMLSchema:
    conformance("schemas", "local", "OAI-PMH.xsd")
    return _official_oai_pmh()


def assert_valid(schema: etree.XMLSchema, data: bytes) -> None:
    doc = etree.fromstring(data).getroottree()
    assert schema.validate(doc), "\n".join(str(e) for e in schema.error_log)


def _write(items, **options) -> bytes:
    out = io.BytesIO()
    write_list_records(items, out, response_date=DATE, **options)
    return out.getvalue()


def test_stream_reports_records_deleted_and_bad_ones_without_stopping() -> None:
    items = list(iter_records(FIXTURES / "listrecords-mixed.xml"))
    assert [i.oai_identifier for i in items] == [f"oai:example.org:{n}" for n in range(1, 6)]
    assert [i.datestamp for i in items] == [
        "2026-01-01",
        "2026-01-01T10:00:00Z",
        "2026-01-01",
        "2026-01-01",
        "2026-01-01",
    ]
    assert [i.deleted for i in items] == [False, True, False, False, False]
    assert [i.record is not None for i in items] == [True, False, False, False, True]
    assert items[0].set_specs == ["letters"]
    assert items[1].issues == [] and items[1].ok
    assert [i.rule for i in items[2].issues] == ["title-missing"]
    assert [i.rule for i in items[3].issues] == ["oai-not-dublin-core"]
    assert not items[2].ok and not items[3].ok
    assert all(i.line for item in items[2:4] for i in item.issues)


def test_stream_from_a_binary_file_object() -> None:
    data = (FIXTURES / "listrecords-mixed.xml").read_bytes()
    items = list(iter_records(io.BytesIO(data), source_name="mixed.xml"))
    assert len(items) == 5
    assert items[2].issues[0].source == "mixed.xml"


def test_getrecord_response() -> None:
    (item,) = iter_records(FIXTURES / "getrecord-dcterms.xml")
    assert item.oai_identifier == "oai:example.org:9" and item.record is not None


def test_no_records_match_is_an_empty_stream_and_other_errors_raise() -> None:
    assert list(iter_records(FIXTURES / "error-norecordsmatch.xml")) == []
    with pytest.raises(ParseError, match="badResumptionToken") as info:
        list(iter_records(FIXTURES / "error-badresumptiontoken.xml"))
    assert info.value.line == 5


def test_truncated_stream_yields_what_it_read_then_raises_with_the_line() -> None:
    seen = []
    with pytest.raises(ParseError) as info:
        for item in iter_records(FIXTURES / "truncated.xml"):
            seen.append(item.oai_identifier)
    assert seen == ["oai:x:1", "oai:x:2"]
    assert info.value.line == 19


def test_written_response_is_valid_and_reads_back() -> None:
    from archmeta.formats import text

    records = [text.load(p) for p in sorted(EXAMPLES.glob("*.txt"))]
    items: list[CollectionItem | ArchivalRecord] = [
        *records,
        CollectionItem("oai:example.org:gone", "2025-12-31", deleted=True),
        CollectionItem("oai:example.org:bad", "2025-12-31", record=None),  # skipped
    ]
    data = _write(items)
    assert_valid(official_oai_pmh(), data)
    assert_valid(dc.xml_schema("oai-pmh"), data)
    back = list(iter_records(io.BytesIO(data)))
    assert [_unharvested(i.record) for i in back[:-1]] == [dc.project(r, "oai_dc") for r in records]
    # Each record read from a response keeps its header as its provenance.
    assert (
        [i.record.provenance.oai_identifier for i in back[:-1]]
        == [  # type: ignore[union-attr]
            i.oai_identifier for i in back[:-1]
        ]
    )
    assert back[-1].deleted and back[-1].oai_identifier == "oai:example.org:gone"
    assert all(i.datestamp == DATE for i in back[:-1])
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH')
    assert _write(items) == data  # deterministic with a fixed response date


def test_items_keep_identifier_datestamp_and_sets() -> None:
    items = list(iter_records(FIXTURES / "listrecords-mixed.xml"))
    data = _write(items)
    assert_valid(official_oai_pmh(), data)
    again = list(iter_records(io.BytesIO(data)))
    assert [(i.oai_identifier, i.datestamp, i.deleted, i.set_specs) for i in again] == [
        (i.oai_identifier, i.datestamp, i.deleted, i.set_specs) for i in items if i.ok
    ]


@given(batch=st.lists(records(), min_size=0, max_size=4))
def test_generated_collections_are_valid_and_read_back_as_projections(batch) -> None:
    data = _write(batch)
    assert_valid(official_oai_pmh(), data)
    assert_valid(dc.xml_schema("oai-pmh"), data)
    back = list(iter_records(io.BytesIO(data)))
    assert [_unharvested(i.record) for i in back] == [dc.project(r, "oai_dc") for r in batch]
    # Published again, a harvested record keeps its header: identifier, datestamp and sets.
    again = list(iter_records(io.BytesIO(_write([i.record for i in back if i.record]))))
    assert [(i.oai_identifier, i.datestamp) for i in again] == [
        (i.oai_identifier, i.datestamp) for i in back
    ]


def _unharvested(record: ArchivalRecord | None) -> ArchivalRecord | None:
    return None if record is None else record.model_copy(update={"provenance": None})


def test_nothing_to_write_is_no_records_match(tmp_path: Path) -> None:
    target = tmp_path / "empty.xml"
    assert write_list_records([], target, response_date=DATE) == 0
    data = target.read_bytes()
    assert b'code="noRecordsMatch"' in data
    assert_valid(official_oai_pmh(), data)
    assert list(iter_records(target)) == []


def test_dcterms_collections_are_refused() -> None:
    with pytest.raises(UsageError):
        _write([], flavour="dcterms")


def _collection(n: int) -> bytes:
    record = ArchivalRecord(title="A title", summary=("Some words " * 20).strip(), identifier="x")
    return _write(record.model_copy(update={"identifier": f"id{i}"}) for i in range(n))


def _peak_while_streaming(data: bytes) -> int:
    tracemalloc.start()
    try:
        count = sum(1 for _ in iter_records(io.BytesIO(data)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak if count else -1


def test_memory_stays_flat_while_streaming() -> None:
    small, large = _collection(500), _collection(5000)
    _peak_while_streaming(small)  # warm caches (langcodes, schemas, imports)
    peak_small = _peak_while_streaming(small)
    peak_large = _peak_while_streaming(large)
    # Ten times the records must not take anything like ten times the memory.
    assert peak_large < 2 * peak_small + 1_000_000, (peak_small, peak_large)


def test_writing_to_a_path_is_atomic(tmp_path) -> None:
    """An error part way through a collection leaves neither a partial file nor a temporary."""
    from archmeta.formats.oaipmh import write_list_records
    from archmeta.model import ArchivalRecord

    def records():
        yield ArchivalRecord(title="First", identifier="a1")
        raise RuntimeError("the source of records failed")

    target = tmp_path / "out.xml"
    with pytest.raises(RuntimeError):
        write_list_records(records(), target)
    assert list(tmp_path.iterdir()) == []
    assert write_list_records([ArchivalRecord(title="Only", identifier="b2")], target) == 1
    assert b"<dc:title>Only</dc:title>" in target.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["out.xml"]


def test_iter_records_accepts_a_text_mode_file(tmp_path) -> None:
    from archmeta.formats.oaipmh import iter_records, write_list_records
    from archmeta.model import ArchivalRecord

    path = tmp_path / "list.xml"
    write_list_records([ArchivalRecord(title="Één", identifier="x1")], path)
    with open(path, encoding="utf-8") as handle:
        items = list(iter_records(handle))
    assert [item.record.title for item in items if item.record] == ["Één"]


# ------------------------------------------------------------------- the size limit of a record


def _with_huge_record(path: Path, subjects: int = 60_000) -> int:
    """A ListRecords file of three records whose second holds ``subjects`` subjects (a few
    MB, over every list limit too); returns the line the second record starts on."""
    huge = ArchivalRecord.model_construct(
        title="Huge", identifier="2", subjects=[f"subject number {n}" for n in range(subjects)]
    )
    records = [ArchivalRecord(title="First", identifier="1"), huge]
    records.append(ArchivalRecord(title="Third", identifier="3"))
    write_list_records(records, path, response_date=DATE)
    lines = path.read_text(encoding="utf-8").splitlines()
    starts = [n for n, line in enumerate(lines, 1) if line.lstrip().startswith("<record>")]
    assert len(starts) == 3 and path.stat().st_size > 2_000_000
    return starts[1]


def test_a_record_over_the_size_limit_is_skipped_and_the_next_one_read(tmp_path) -> None:
    path = tmp_path / "huge.xml"
    line = _with_huge_record(path)
    items = list(iter_records(path, max_bytes=200_000))
    assert [i.record.title if i.record else None for i in items] == ["First", None, "Third"]
    (issue,) = items[1].issues
    assert issue.rule == "record-too-large" and issue.severity == "error"
    assert (issue.line, issue.source) == (line, str(path))
    assert "200,000 bytes" in issue.message
    assert items[1].oai_identifier == "oai:archmeta:2"  # the header is kept to name it
    # Without the limit the same record is read (and refused for its 60,000 subjects).
    unlimited = list(iter_records(path))
    assert [i.rule for i in unlimited[1].issues] == ["too-many-items"]


def test_convert_and_validate_hold_each_streamed_record_to_max_size(tmp_path) -> None:
    from tests.conftest import run_archmeta

    path = tmp_path / "huge.xml"
    line = _with_huge_record(path)
    out = tmp_path / "out"
    run = run_archmeta("convert", str(path), "--to", "json", "--out", str(out), "--max-size=200k")
    assert run.returncode == 1, run.stderr
    assert sorted(p.name for p in out.iterdir()) == ["oai_archmeta_1.json", "oai_archmeta_3.json"]
    assert f"{path}:{line}:1: error: the record is larger than the size limit" in run.stderr
    assert "[record-too-large]" in run.stderr and "converted 2, failed 1" in run.stderr
    run = run_archmeta("validate", str(path), "--max-size", "200k")
    assert run.returncode == 1
    assert run.stdout.count("[record-too-large]") == 1 and "too-many-items" not in run.stdout


# ------------------------------------------- the element cap, and a text over the parser's limit


def _line_of(path: Path, text: bytes) -> int:
    """The first line of a file that holds ``text``."""
    with path.open("rb") as lines:
        return next(n for n, line in enumerate(lines, 1) if text in line)


def _list_records_with(path: Path, inside_second: str | bytes) -> list[int]:
    """A ListRecords file of three records with ``inside_second`` after the second's title;
    returns the lines the three records start on."""
    write_list_records(
        [ArchivalRecord(title=f"R{n}", identifier=str(n)) for n in (1, 2, 3)],
        path,
        response_date=DATE,
    )
    marker = b"<dc:title>R2</dc:title>"
    head, tail = path.read_bytes().split(marker)
    extra = inside_second.encode() if isinstance(inside_second, str) else inside_second
    with path.open("wb") as out:
        out.write(head + marker)
        out.write(extra)
        out.write(tail)
    lines = path.read_bytes().splitlines()
    return [n for n, line in enumerate(lines, 1) if line.strip() == b"<record>"]


def test_a_record_of_too_many_tags_is_skipped_as_it_is_parsed(tmp_path, monkeypatch) -> None:
    from archmeta.formats import oaipmh

    monkeypatch.setattr(oaipmh, "MAX_RECORD_MARKUP", 100)
    path = tmp_path / "many.xml"
    # Tags are counted in the chunks read (4 KiB with this size limit) after the record's first.
    starts = _list_records_with(path, "<dc:subject>s</dc:subject>" * 300)
    items = list(iter_records(path, max_bytes=64 * 1024))
    assert [i.record.title if i.record else None for i in items] == ["R1", None, "R3"]
    (issue,) = items[1].issues
    assert (issue.rule, issue.line, issue.source) == ("record-too-large", starts[1], str(path))
    assert "more than 100 tags" in issue.message
    assert items[1].oai_identifier == "oai:archmeta:2"
    # Under the cap, the record is read.
    path.unlink()
    _list_records_with(path, "<dc:subject>s</dc:subject>" * 30)
    assert all(i.record is not None for i in iter_records(path, max_bytes=64 * 1024))


def test_the_markup_cap_holds_without_a_size_limit_and_prunes_the_record(tmp_path) -> None:
    """A record under the size limit but of more than 400,000 empty elements is not built
    (counted to within a chunk of 64 KiB: about 5,000 of these)."""
    from archmeta.formats.oaipmh import MAX_RECORD_MARKUP

    path = tmp_path / "many.xml"
    _list_records_with(path, "<dc:subject/>" * (MAX_RECORD_MARKUP + 10_000))
    items = list(iter_records(path, max_bytes=64 * 1024 * 1024))
    assert [i.issues[0].rule if i.issues else "ok" for i in items] == [
        "ok",
        "record-too-large",
        "ok",
    ]
    assert f"more than {MAX_RECORD_MARKUP:,} tags" in items[1].issues[0].message


#: Over libxml2's limit for one text node (10,000,000 bytes), made of lines.
_HUGE_TEXT = "<dc:description>" + "line of text\n" * 800_000 + "</dc:description>"


@pytest.mark.parametrize(
    "after",
    [
        "",
        # What the byte-level scan must not take for the record's end.
        "<!-- </record> --><?pi </record> ?><dc:subject a='>' b=\"/record>\"/>",
        "<dc:subject><![CDATA[</record>]]></dc:subject>",
    ],
)
def test_a_text_over_the_parsers_limit_skips_its_record_only(tmp_path, after) -> None:
    path = tmp_path / "text.xml"
    starts = _list_records_with(path, "\n" + _HUGE_TEXT + after)
    items = list(iter_records(path))
    assert [i.record.title if i.record else None for i in items] == ["R1", None, "R3"]
    (issue,) = items[1].issues
    assert issue.rule == "record-too-large" and issue.severity == "error"
    # Where: the line of the element that holds the text, and its name.
    assert (issue.line, issue.source) == (_line_of(path, b"<dc:description>"), str(path))
    assert "dc:description holds a text of more than 10,000,000 bytes" in issue.message
    assert items[1].oai_identifier == "oai:archmeta:2"
    # The records after it keep the lines of the response (the new parser's are shifted).
    assert [i.line for i in items] == starts
    assert items[2].record is not None and items[2].record.provenance is not None


def test_a_huge_text_in_a_cdata_section_and_a_size_limit(tmp_path) -> None:
    path = tmp_path / "cdata.xml"
    cdata = "<![CDATA[" + "a < b & c\n" * 500_000 + "]]><![CDATA[" + "y" * 6_000_000 + "]]>"
    starts = _list_records_with(path, f"<dc:description>{cdata}</dc:description>")
    items = list(iter_records(path, max_bytes=100_000))
    assert [i.issues[0].rule if i.issues else "ok" for i in items] == [
        "ok",
        "record-too-large",
        "ok",
    ]
    assert [i.line for i in items] == starts


def test_xml_broken_after_a_skipped_record_is_reported_at_its_line(tmp_path) -> None:
    path = tmp_path / "broken.xml"
    starts = _list_records_with(path, _HUGE_TEXT)
    data = path.read_bytes().replace(b"<dc:title>R3</dc:title>", b"<dc:title>R3</dc:tilte>")
    path.write_bytes(data)
    seen = []
    with pytest.raises(ParseError) as caught:
        for item in iter_records(path):
            seen.append(item.issues[0].rule if item.issues else "ok")
    assert seen == ["ok", "record-too-large"]
    assert caught.value.rule == "xml-syntax"
    assert caught.value.line == _line_of(path, b"<dc:title>R3") > starts[2]


def test_a_huge_text_outside_a_record_still_stops_the_stream(tmp_path) -> None:
    path = tmp_path / "request.xml"
    write_list_records([ArchivalRecord(title="R1", identifier="1")], path, response_date=DATE)
    data = path.read_bytes().replace(b"</request>", b"x" * 10_500_000 + b"</request>")
    path.write_bytes(data)
    with pytest.raises(ParseError) as caught:
        list(iter_records(path))
    assert caught.value.rule == "xml-syntax" and "Text node too long" in caught.value.message


def test_convert_goes_on_after_a_record_with_a_huge_text(tmp_path) -> None:
    from tests.conftest import run_archmeta

    path = tmp_path / "text.xml"
    _list_records_with(path, "\n" + _HUGE_TEXT)
    out = tmp_path / "out"
    run = run_archmeta("convert", str(path), "--to", "json", "--out", str(out))
    assert run.returncode == 1, run.stderr
    assert sorted(p.name for p in out.iterdir()) == ["oai_archmeta_1.json", "oai_archmeta_3.json"]
    line = _line_of(path, b"<dc:description>")
    assert f"{path}:{line}:1: error: the record's element dc:description" in run.stderr
    assert "[record-too-large]" in run.stderr and "converted 2, failed 1" in run.stderr
