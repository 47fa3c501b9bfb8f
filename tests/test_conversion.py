"""Conversion that says what it loses: reader warnings and the fields a target cannot hold are
reported per record, summarised at the end of a batch, and --strict refuses such records. A URL
that validation refuses (javascript:) is converted as it is, with a url-malformed warning."""

from __future__ import annotations

import shutil
from pathlib import Path

from archmeta.conversion import dropped, url_warnings
from archmeta.formats import get_format
from archmeta.model import ArchivalRecord
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


# ------------------------------------------------------------------ URLs validation refuses

SCRIPT = '{"title": "Cable", "url": "javascript:alert(1)"}\n'


def test_a_refused_url_is_a_warning_placed_where_the_reader_found_it() -> None:
    record = ArchivalRecord(title="T", url="javascript:alert(1)")
    (issue,) = url_warnings(record)
    assert (issue.rule, issue.severity, issue.location) == ("url-malformed", "warning", "#/url")
    assert "'javascript:'" in issue.message
    located = url_warnings(record, lambda pointer: (5, 1) if pointer == "/url" else None)
    assert located[0].location == "5:1" and located[0].pointer is None
    assert url_warnings(ArchivalRecord(title="T", url="hdl:10427/1")) == []
    assert url_warnings(ArchivalRecord(title="T")) == []


def test_convert_warns_of_a_refused_url_and_still_writes_it_escaped(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text(SCRIPT)
    result = run_archmeta("convert", "x.json", "--to", "text", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("x.json#/url: warning: the URL 'javascript:alert(1)'")
    assert result.stderr.rstrip().endswith("[url-malformed]")
    assert "\n&lt;javascript:alert(1)>\n" in result.stdout and "<javascript:" not in result.stdout
    # Read back from the text layout, the warning points at the URL's line; the URL is kept.
    (tmp_path / "x.txt").write_text(result.stdout)
    back = run_archmeta("convert", "x.txt", "--to", "json", cwd=tmp_path)
    assert back.returncode == 0 and '"url": "javascript:alert(1)"' in back.stdout
    assert back.stderr.startswith("x.txt:5:1: warning: ") and "[url-malformed]" in back.stderr
    # Not a loss: --strict converts it, with the same warning.
    strict = run_archmeta("convert", "x.json", "--to", "text", "--strict", cwd=tmp_path)
    assert strict.returncode == 0 and strict.stdout == result.stdout
    assert "[url-malformed]" in strict.stderr


def test_a_batch_warns_of_each_refused_url(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    shutil.copy(SEED, tmp_path / "in" / "seed.txt")
    (tmp_path / "in" / "x.json").write_text(SCRIPT)
    header = (EXAMPLES / "undated-minimal.omeka.csv").read_text().splitlines()[0]
    rows = [",https://example.org/1,,,Safe,", ",vbscript:msgbox(1),,,Script,"]
    columns = header.count(",")
    (tmp_path / "in" / "items.omeka.csv").write_text(
        "\n".join([header, *(row + "," * (columns - row.count(",")) for row in rows)]) + "\n"
    )
    result = run_archmeta("convert", "in", "--to", "text", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    warnings = sorted(line for line in result.stderr.splitlines() if "[url-malformed]" in line)
    assert len(warnings) == 2, result.stderr
    assert warnings[0].startswith("in/items.omeka.csv (record 2")
    assert "#/url: warning: the URL 'vbscript:msgbox(1)'" in warnings[0]
    assert warnings[1].startswith("in/x.json#/url: warning: the URL 'javascript:alert(1)'")
    assert "lost something" not in result.stderr and "converted 4, failed 0" in result.stderr
    written = (tmp_path / "out" / "x.txt").read_text()
    assert "\n&lt;javascript:alert(1)>\n" in written
    assert (tmp_path / "out" / "seed.txt").read_text() == SEED.read_text()  # its URL a link
    assert "\n&lt;vbscript:msgbox(1)>\n" in (tmp_path / "out" / "items-00002.txt").read_text()
