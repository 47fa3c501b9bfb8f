"""Conversion that says what it loses: reader warnings and the fields a target cannot hold are
reported per record, summarised at the end of a batch, and --strict refuses such records."""

from __future__ import annotations

import shutil
from pathlib import Path

from archmeta.conversion import dropped
from archmeta.formats import get_format
from tests.conftest import EXAMPLES, conformance, run_archmeta

SEED = EXAMPLES / "wilson-118189.txt"


def test_the_library_lists_what_a_target_does_not_keep() -> None:
    record = get_format("text").loads(SEED.read_bytes())
    losses = dropped(record, [], get_format("oai_dc"))
    assert [i.rule for i in losses] == ["dropped"]
    assert "body" in losses[0].message and "citation" in losses[0].message
    assert dropped(record, [], get_format("tei")) == []  # TEI keeps everything
    assert dropped(record, [], get_format("json")) == []


def test_a_lossy_conversion_warns_and_strict_refuses_it(tmp_path: Path) -> None:
    lossy = run_archmeta("convert", str(SEED), "--to", "oai_dc", "-o", "r.xml", cwd=tmp_path)
    assert lossy.returncode == 0
    assert "warning: oai_dc does not keep" in lossy.stderr and "[dropped]" in lossy.stderr
    assert (tmp_path / "r.xml").is_file()
    strict = run_archmeta(
        "convert", str(SEED), "--to", "oai_dc", "-o", "s.xml", "--strict", cwd=tmp_path
    )
    assert strict.returncode == 1
    assert "error: oai_dc does not keep" in strict.stderr
    assert not (tmp_path / "s.xml").exists()
    lossless = run_archmeta("convert", str(SEED), "--to", "tei", "--strict", cwd=tmp_path)
    assert lossless.returncode == 0 and lossless.stderr == ""


def test_what_a_tei_reader_passed_over_is_reported_on_conversion(tmp_path: Path) -> None:
    letter = conformance("tei", "lassberg-letter-0627.xml")
    result = run_archmeta("convert", str(letter), "--to", "text", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert '<div type="translation"> skipped' in result.stderr
    assert "<note> skipped" in result.stderr and "<correspAction> skipped" in result.stderr


def test_a_batch_summarises_the_records_that_lost_something(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    for name in ("a", "b"):
        shutil.copy(SEED, tmp_path / "in" / f"{name}.txt")
    (tmp_path / "in" / "c.json").write_text('{"title": "Cable", "identifier": "c1"}\n')
    result = run_archmeta("convert", "in", "--to", "oai_dc", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.endswith("[dropped]")]
    assert len(warnings) == 2  # the record with a title and an identifier loses nothing
    assert "archmeta: 2 record(s) lost something in oai_dc" in result.stderr
    strict = run_archmeta(
        "convert", "in", "--to", "oai_dc", "--out", "strict", "--strict", cwd=tmp_path
    )
    assert strict.returncode == 1
    assert sorted(p.name for p in (tmp_path / "strict").iterdir()) == ["c.oai_dc.xml"]
    assert "failed 2" in strict.stderr
