"""Provenance: a harvested record keeps its OAI-PMH header, losslessly in JSON and TEI, and
the formats that cannot hold it say so."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from archmeta.formats import get_format
from archmeta.formats.oaipmh import iter_records
from archmeta.model import ArchivalRecord, Provenance
from tests.conftest import conformance, run_archmeta
from tests.strategies import lines, records

datestamps = st.dates(min_value=date(1000, 1, 1)).map(date.isoformat) | st.datetimes(
    min_value=datetime(1000, 1, 1)
).map(lambda d: d.replace(microsecond=0).isoformat() + "Z")
provenances = st.builds(
    Provenance,
    oai_identifier=lines(3),
    datestamp=datestamps,
    set_specs=st.lists(lines(2), max_size=3),
    base_url=st.none() | st.just("https://digitalarchive.wilsoncenter.org/oai"),
)


@given(records(), provenances)
def test_json_and_tei_keep_the_provenance(record: ArchivalRecord, provenance: Provenance) -> None:
    harvested = record.model_copy(update={"provenance": provenance})
    harvested = ArchivalRecord.model_validate(harvested.model_dump())
    for name in ("json", "tei"):
        codec = get_format(name)
        assert codec.loads(codec.dumps(harvested)) == harvested, name
    for name in ("text", "oai_dc", "dcterms"):
        codec = get_format(name)
        assert "provenance" in codec.unavailable
        assert codec.loads(codec.dumps(harvested)).provenance is None
        assert "provenance" in codec.lost(harvested)


def test_a_real_harvest_keeps_each_header_in_its_records(tmp_path: Path) -> None:
    harvest = conformance("dc", "scythe_zenodo_ListRecords_2026.xml")
    items = [i for i in iter_records(harvest) if i.record is not None]
    assert items and all(i.record and i.record.provenance for i in items)
    first = items[0].record.provenance  # type: ignore[union-attr]
    assert first.oai_identifier == items[0].oai_identifier
    assert first.base_url and first.base_url.startswith("https://")
    result = run_archmeta("convert", str(harvest), "--to", "json", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = json.loads(next((tmp_path / "out").iterdir()).read_text(encoding="utf-8"))
    assert set(written["provenance"]) >= {"oai_identifier", "datestamp"}
    as_text = run_archmeta("convert", str(harvest), "--to", "text", "--out", "t", cwd=tmp_path)
    assert "does not keep provenance" in as_text.stderr and "[dropped]" in as_text.stderr
