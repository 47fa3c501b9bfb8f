"""DSpace Simple Archive Format: the projection law, the files DSpace reads, real packages."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from archmeta.formats import _flat, _io, get_format, text
from archmeta.mapping import MAPPING
from archmeta.mapping._packages import SAF
from tests.conftest import EXAMPLES, conformance
from tests.formats.package_strategies import package_records

codec = get_format("dspace-saf")


def _round_trip(record, folder: Path):
    package = folder / "package"
    package.mkdir(exist_ok=True)
    _io.write_folder_atomic(package / "item_000001", codec.write_files(record))
    (item,) = codec.iter_records(str(package))
    return item


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(package_records())
def test_import_of_export_is_the_projection(record) -> None:
    with tempfile.TemporaryDirectory() as folder:
        item = _round_trip(record, Path(folder))
    assert [i for i in item.issues if i.severity == "error"] == []
    assert item.record == codec.project(record)


def test_an_item_holds_what_dspace_reads(tmp_path: Path) -> None:
    record = text.load(EXAMPLES / "wilson-118189.txt")
    files = get_format("dspace-saf").with_options({"collection": "123456789/2 123456789/3"})
    written = files.write_files(record)
    assert set(written) >= {
        "dublin_core.xml",
        "contents",
        "collections",
        "record.txt",
        "record.tei.xml",
    }
    root = etree.fromstring(written["dublin_core.xml"])
    assert root.tag == "dublin_core" and root.get("schema") == "dc"
    values = {(v.get("element"), v.get("qualifier")): v.text for v in root}
    assert values[("date", "none")] == "April 30, 1962"
    assert values[("date", "created")] == "1962-04-30"
    # contents: the name, then options after TABs (DSpace splits on TAB, not on spaces)
    for line in written["contents"].decode().splitlines():
        name, *options = line.split("\t")
        assert name in written and "bundle:ORIGINAL" in options
        assert all(re.match(r"(bundle|description):\S", o) for o in options)
    # collections: one handle a line, nothing DSpace would take for a blank or padded line
    assert written["collections"] == b"123456789/2\n123456789/3\n"
    assert _round_trip(record, tmp_path).record == record  # SAF keeps everything


def test_every_field_written_is_in_dspaces_default_registries() -> None:
    registry = {}
    for name, schema in (
        ("dublin-core-types_dspace-7.6.7.xml", "dc"),
        ("dcterms-types.xml", "dcterms"),
    ):
        root = etree.parse(str(conformance("saf", name))).getroot()
        registry.update(
            {
                ".".join(filter(None, [schema, t.findtext("element"), t.findtext("qualifier")])): 1
                for t in root.iter("dc-type")
            }
        )
    written = [cell.keys for cell in _flat.cells(SAF).values()]
    assert written
    for keys in written:
        for key in keys:
            assert key in registry, f"{key} is not in DSpace's default registry"


@pytest.mark.parametrize(
    "package", ["dspace_saf-bitstreams", "dspyce_saf_item", "lvscraper_unm_dspace_export"]
)
def test_real_packages_are_read_with_warnings_not_errors(package: str) -> None:
    path = conformance("saf", package)
    items = list(codec.iter_records(str(path)))
    assert items
    for item in items:
        assert item.record is not None, [i.format() for i in item.issues]
        for issue in item.issues:
            assert issue.severity == "warning"
            assert issue.source and (issue.line or issue.rule != "unknown-element")


def test_what_a_real_export_gives() -> None:
    (item,) = codec.iter_records(str(conformance("saf", "lvscraper_unm_dspace_export")))
    record = item.record
    assert record is not None
    assert record.title.startswith("Gestión ambiental")
    assert record.url == "http://hdl.handle.net/1928/11720"
    assert record.date is not None and record.date.edtf == "2006"
    assert record.identifiers == ["9978225978", "9789978225974"]  # identifier.isbn
    warned = {i.message.split()[0] for i in item.issues}
    assert {"dc.date.accessioned", "dc.description.provenance"} <= warned


def test_a_metadata_file_is_one_record() -> None:
    data = (
        b'<dublin_core><dcvalue element="title" qualifier="none">T &amp; U</dcvalue>'
        b'<dcvalue element="title" qualifier="alternative" language="fr">A</dcvalue>'
        b'<dcvalue element="date" qualifier="issued">1990</dcvalue>'
        b'<dcvalue element="rights">  </dcvalue><other/></dublin_core>'
    )
    decoded = codec.read(data, "dublin_core.xml")
    assert decoded.record is not None and decoded.record.title == "T & U"
    assert decoded.record.alternative_titles == ["A"]
    assert decoded.record.date is not None and decoded.record.date.edtf == "1990"
    assert [i.rule for i in decoded.issues] == ["unknown-element"]


def test_a_broken_item_is_reported_and_the_others_read(tmp_path: Path) -> None:
    record = text.load(EXAMPLES / "undated-minimal.txt")
    _io.write_folder_atomic(tmp_path / "item_2", codec.write_files(record))
    (tmp_path / "item_10").mkdir()
    (tmp_path / "item_10" / "dublin_core.xml").write_text("<dublin_core><dcvalue")
    (tmp_path / "item_1").mkdir()  # no dublin_core.xml
    items = list(codec.iter_records(str(tmp_path)))
    assert [i.oai_identifier for i in items] == ["item_1", "item_2", "item_10"]  # natural order
    assert items[1].record == record
    assert items[0].record is None and items[0].issues
    assert items[2].record is None and items[2].issues[0].rule in ("parse", "xml-syntax")


def test_an_existing_item_is_replaced_whole(tmp_path: Path) -> None:
    record = text.load(EXAMPLES / "undated-minimal.txt")
    target = tmp_path / "item_000001"
    target.mkdir()
    (target / "stale").write_text("x")
    _io.write_folder_atomic(target, codec.write_files(record))
    assert not (target / "stale").exists()
    assert sorted(os.listdir(tmp_path)) == ["item_000001"]  # no temporary folder left


def test_the_mapping_column_covers_every_field() -> None:
    assert set(MAPPING.cells(SAF)) == set(MAPPING.cells("tei"))


def test_an_item_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    record = text.load(EXAMPLES / "undated-minimal.txt")
    big = record.model_copy(update={"subjects": [f"Subject {n}" for n in range(3000)]})
    _io.write_folder_atomic(tmp_path / "item_1", codec.write_files(big))
    _io.write_folder_atomic(tmp_path / "item_2", codec.write_files(record))
    items = list(codec.iter_records(str(tmp_path), max_bytes=50_000))
    assert items[0].record is None and [i.rule for i in items[0].issues] == ["record-too-large"]
    assert items[0].issues[0].source == str(tmp_path / "item_1")
    assert items[1].record == record
    assert next(iter(codec.iter_records(str(tmp_path)))).record == big  # no limit: read
