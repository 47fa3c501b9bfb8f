"""Planning a whole run before writing: the same outputs whatever --jobs is, conflicts for every
owner of a path, distinguishable names, large harvests split across workers."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from archmeta import batch
from archmeta.conversion import safe_name
from archmeta.formats.codec import CollectionItem
from archmeta.formats.oaipmh import write_list_records
from archmeta.model import ArchivalRecord
from tests.conftest import EXAMPLES, run_archmeta

SUMMARY = re.compile(r"^archmeta: converted (\d+), failed (\d+), skipped (\d+) in", re.MULTILINE)


def archmeta(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_archmeta(*args, cwd=cwd, timeout=300)


def summary(stderr: str) -> tuple[int, int, int]:
    m = SUMMARY.search(stderr)
    assert m, stderr
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def harvest(
    path: Path, identifiers: list[str | None], deleted: frozenset[str] = frozenset()
) -> None:
    """A ListRecords response with one record per identifier (``None``: a record without a
    title, which cannot be read)."""
    items = []
    for number, identifier in enumerate(identifiers):
        if identifier in deleted:
            items.append(CollectionItem(identifier, "2026-01-01", deleted=True))
            continue
        title = f"Cable {number}" if identifier else ""
        record = ArchivalRecord(title=title or "placeholder", identifier=identifier)
        items.append(
            CollectionItem(identifier or f"oai:x:untitled-{number}", "2026-01-01", record=record)
        )
    with path.open("wb") as handle:
        write_list_records(items, handle, response_date="2026-01-01T00:00:00Z")
    if None in identifiers:  # make the untitled records unreadable: no dc:title at all
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"<dc:title>placeholder</dc:title>\s*", "", text)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    """Inputs with everything that could make the outputs depend on the order of work: the same
    identifier twice in one harvest and in two, a bad record, deleted records, non-Latin
    identifiers, a large harvest that is split across workers, and plain files."""
    source = tmp_path / "in"
    (source / "a").mkdir(parents=True)
    (source / "b").mkdir()
    big = [f"hdl:1765/{n}" for n in range(1300)]
    big[700] = "hdl:1765/5"  # the same identifier twice in one file
    big[900] = None  # type: ignore[call-overload]  # an unreadable record
    harvest(source / "a" / "big.xml", big, deleted=frozenset({"hdl:1765/11"}))
    harvest(source / "b" / "small.xml", ["hdl:1765/315", "oai:x:дом", "oai:x:кот"])
    harvest(source / "b" / "again.xml", ["hdl:1765/315", "hdl:1765/2000"])  # 315 twice in a run
    (source / "b" / "cable.txt").write_bytes((EXAMPLES / "wilson-118189.txt").read_bytes())
    (source / "b" / "NOTES.md").write_text("# Notes\n\nNot a record.\n", encoding="utf-8")
    return source


def test_outputs_are_the_same_byte_for_byte_whatever_jobs_is(
    collection: Path, tmp_path: Path
) -> None:
    results = {}
    for jobs in ("1", "2", "4"):
        run = archmeta(
            "convert", "in", "--to", "json", "--out", f"out{jobs}", "--jobs", jobs, cwd=tmp_path
        )
        assert run.returncode == 1, run.stderr
        results[jobs] = (summary(run.stderr), tree(tmp_path / f"out{jobs}"))
    assert results["1"] == results["2"] == results["4"]
    (converted, failed, skipped), files = results["1"]
    # 1300 + 3 + 2 records and one text file; two records of big.xml and two of 315 conflict,
    # one is unreadable, one deleted.
    assert (converted, failed, skipped) == (1306 - 4 - 1 - 1, 5, 1)
    assert len(files) == converted
    assert "b/hdl_1765_315.json" not in files and "a/hdl_1765_315.json" in files
    assert "a/hdl_1765_5.json" not in files and "a/hdl_1765_6.json" in files
    assert "b/cable.json" in files


def test_every_owner_of_a_conflict_is_told_and_nothing_is_printed_twice(
    collection: Path, tmp_path: Path
) -> None:
    run = archmeta("convert", "in", "--to", "json", "--out", "out", cwd=tmp_path)
    conflicts = [line for line in run.stderr.splitlines() if "[output-conflict]" in line]
    assert len(conflicts) == 4
    assert sum("small.xml (record 1, hdl:1765/315)" in line for line in conflicts) == 1
    assert sum("again.xml (record 1, hdl:1765/315)" in line for line in conflicts) == 1
    assert "passed over 1 file(s) that are not records" in run.stderr


def test_non_latin_identifiers_stay_distinct_from_run_to_run(tmp_path: Path) -> None:
    (tmp_path / "day1").mkdir()
    harvest(tmp_path / "day1" / "h.xml", ["oai:x:дом", "oai:x:кот"])
    first = archmeta("convert", "day1", "--to", "json", "--out", "out", cwd=tmp_path)
    assert summary(first.stderr) == (2, 0, 0)
    (tmp_path / "day2").mkdir()
    harvest(tmp_path / "day2" / "h.xml", ["oai:x:мышь"])
    second = archmeta("convert", "day2", "--to", "json", "--out", "out", cwd=tmp_path)
    assert summary(second.stderr) == (1, 0, 0)
    assert len(list((tmp_path / "out").iterdir())) == 3
    assert safe_name("oai:x:дом") != safe_name("oai:x:кот")
    assert safe_name("oai:x:дом") == safe_name("oai:x:дом")  # stable


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        (
            "oai:digitalarchive.wilsoncenter.org:118189",
            "oai_digitalarchive.wilsoncenter.org_118189",
        ),
        ("con", "con_"),
        ("NUL", "NUL_"),
        ("com1", "com1_"),
        ("../../etc/passwd", "etc_passwd"),
    ],
)
def test_safe_names(identifier: str, expected: str) -> None:
    assert safe_name(identifier) == expected


def test_long_identifiers_fit_a_file_name_with_room_for_the_temporary_suffix() -> None:
    names = {safe_name("oai:x:" + "a" * n) for n in range(240, 260)}
    assert len(names) == 20
    assert all(len((name + ".dcterms.xml").encode()) + 20 < 255 for name in names)


def test_a_large_harvest_is_split_into_parts_for_the_workers(
    collection: Path, tmp_path: Path
) -> None:
    plan = batch.plan([str(collection)], "json", tmp_path / "out", parts=2)
    parts = [job for job in plan if job.input.endswith("big.xml")]
    assert len(parts) > 1
    numbers = [r.number for job in parts for r in job.records or ()]
    assert numbers == list(range(1, 1301))  # every record once, in document order
    assert [job.last for job in parts] == [False] * (len(parts) - 1) + [True]
    assert plan.records == 1300 + 3 + 2 + 1
    assert [Path(p).name for p in plan.passed_over] == ["NOTES.md"]


def test_planning_imports_no_codec_and_reads_no_one_record_file(tmp_path: Path) -> None:
    # The registry knows every built-in format's extensions, loose extensions and whether its
    # documents hold one record: a plan of text files needs neither their codec nor the
    # model (with --jobs N only the workers import them), nor a look inside each file.
    source = tmp_path / "in"
    source.mkdir()
    for number in range(3):
        (source / f"r{number}.txt").write_bytes((EXAMPLES / "wilson-118189.txt").read_bytes())
    code = (
        "import builtins, json, sys\n"
        "from archmeta.batch import plan\n"
        "opened = []\n"
        "real = builtins.open\n"
        "builtins.open = lambda f, *a, **k: opened.append(str(f)) or real(f, *a, **k)\n"
        f"todo = plan([{str(source)!r}], 'oai_dc', {str(tmp_path / 'out')!r}, parts=2)\n"
        "heavy = [m for m in sys.modules if m.startswith('archmeta.formats.') or m == 'pydantic']\n"
        "print(json.dumps([len(todo), sorted(heavy), [p for p in opened if p.endswith('.txt')]]))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    count, imported, opened = json.loads(result.stdout)
    assert count == 3
    assert imported == ["archmeta.formats.codec"]  # the registry's base class, no codec
    assert opened == []
