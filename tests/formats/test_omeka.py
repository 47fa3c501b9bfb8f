"""Omeka S CSV Import: the projection law, spreadsheet safety, the module's own CSV files."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings

from archmeta.errors import ParseError, ValidationError
from archmeta.formats import _flat, get_format, text
from archmeta.formats.omeka import MULTIVALUED, SEPARATOR, protect, unprotect
from archmeta.mapping._packages import OMEKA
from archmeta.model import ArchivalRecord
from tests.conftest import CONFORMANCE, EXAMPLES, conformance
from tests.formats.package_strategies import TRICKY, package_records

codec = get_format("omeka-csv")


def _unsafe(record: ArchivalRecord) -> bool:
    """Whether the record holds a value CSV Import could not read back (see the codec)."""
    pairs = _flat.flatten(record, OMEKA) + [("item_set", c) for c in record.collections]
    return any(
        (key in MULTIVALUED and SEPARATOR in value) or '\\"' in value or value.endswith("\\")
        for key, value in pairs
    )


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(package_records())
def test_import_of_export_is_the_projection(record: ArchivalRecord) -> None:
    if _unsafe(record):
        with pytest.raises(ValidationError) as info:
            codec.write(record)
        assert info.value.issues[0].rule == "omeka-unsafe-value"
        return
    document = codec.write(record)
    decoded = codec.read(document)
    assert decoded.error is None, [i.format() for i in decoded.issues]
    assert decoded.record == codec.project(record)


@pytest.mark.parametrize("value", [*TRICKY, "=", "-", "'", "''", "'a", "x=1"])
def test_formula_protection_is_reversed(value: str) -> None:
    protected = protect(value)
    assert protected[:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert unprotect(protected) == value


def test_a_formula_never_starts_a_cell() -> None:
    record = ArchivalRecord(title='=HYPERLINK("http://x")', subjects=["-2+3", "@SUM(1)"])
    rows = list(csv.reader(io.StringIO(codec.write(record))))
    for cell in rows[1]:
        assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert codec.loads(codec.write(record)) == record


def test_the_header_is_what_csv_import_maps_by_itself() -> None:
    header = codec.write(text.load(EXAMPLES / "wilson-118189.txt")).split("\n", 1)[0]
    terms = header.split(",")
    assert terms[:5] == [
        "dcterms:identifier",
        "bibo:uri",
        "dcterms:date",
        "dcterms:created",
        "dcterms:title",
    ]
    assert all(":" in t for t in terms if t not in ("media", "item_set"))


def test_several_records_are_joined_under_one_header() -> None:
    records = [text.load(p) for p in sorted(EXAMPLES.glob("*.txt"))]
    joined = codec.join([codec.write(r) for r in records])
    items = list(codec.iter_records(io.BytesIO(joined.encode())))
    assert [i.record for i in items] == [codec.project(r) for r in records]


def test_media_option_names_the_tei_file() -> None:
    record = ArchivalRecord(identifier="118189", title="T")
    row = codec.with_options({"media": "https://example.org/tei/"}).write(record)
    assert "https://example.org/tei/118189.tei.xml" in row
    assert codec.loads(row) == record  # the media column is not read back


CSV_FILES = sorted(
    p
    for folder in ("csvimport", "csvimport_issues", "omkdatasets", "classic")
    for p in (CONFORMANCE / "omeka" / folder).glob("*.[ct]sv")
)
REFUSED = {"empty.csv": "header", "test_cyrillic.csv": "UTF-8"}  # CSV Import refuses them too


@pytest.mark.parametrize("name", [p.name for p in CSV_FILES] or ["absent"])
def test_omeka_csv_files_are_read_without_a_crash(name: str) -> None:
    matches = [p for p in CSV_FILES if p.name == name]
    if not matches:
        conformance("omeka", "csvimport")
    path = matches[0]
    if name in REFUSED:
        with pytest.raises(ParseError, match=REFUSED[name]):
            list(codec.iter_records(str(path)))
        return
    items = list(codec.iter_records(str(path)))
    assert items or name == "omeka_csv_report_structure.csv"  # a header row only
    for item in items:
        for issue in item.issues:
            assert issue.source == str(path) and issue.line
            assert issue.rule != "unknown-element" or issue.severity == "warning"


def test_what_csv_import_test_files_give() -> None:
    path = conformance("omeka", "csvimport", "test_automap_columns.csv")
    items = list(codec.iter_records(str(path)))
    walden = items[0].record
    assert walden is not None
    assert walden.title == "Walden" and walden.identifier == "thoreau_walden_1854"
    assert walden.creators == ["Henry David Thoreau"]
    assert walden.subjects == ["novel", "classic", "New England", "Wildlife"]  # Tags, split on |
    warned = {(i.line, i.column) for i in items[0].issues}
    assert (1, 9) in warned  # "Resource template": no archmeta field
    austen = list(
        codec.iter_records(str(conformance("omeka", "omkdatasets", "Austen_published.csv")))
    )
    assert austen[0].record is not None and austen[0].record.title  # "dcterms:Title"


def test_a_cell_longer_than_the_csv_modules_default_limit_is_read() -> None:
    # The csv module refuses a cell over 128 KiB unless told otherwise: a long summary.
    record = ArchivalRecord(title="Long", summary="word " * 40_000 + "end")
    (item,) = codec.iter_records(io.BytesIO(codec.join([codec.write(record)]).encode()))
    assert item.record is not None and item.record.summary == record.summary
