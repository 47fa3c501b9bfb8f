"""archmeta export / archmeta import as a user runs them: a mixed folder (text, JSON, TEI, an
OAI-PMH harvest with a deleted and two unreadable records) to each package and back."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest

from archmeta.formats import get_format, json, text
from tests.conftest import EXAMPLES, ROOT, run_archmeta

HARVEST = ROOT / "tests" / "fixtures" / "dc" / "listrecords-mixed.xml"
# The harvest holds 5 records: 3 readable, 1 deleted, 1 without a title, 1 in MODS.
SUMMARY = "converted 9, failed 2, skipped 1"


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    folder = tmp_path / "mixed"
    folder.mkdir()
    for path in sorted(EXAMPLES.glob("*.txt")):
        shutil.copy(path, folder)
    shutil.copy(EXAMPLES / "wilson-118189.json", folder / "wilson-json.json")
    shutil.copy(EXAMPLES / "range-extended-fields.tei.xml", folder / "range-tei.tei.xml")
    shutil.copy(HARVEST, folder)
    return folder


def _sources(folder: Path) -> list:
    """The readable records of the mixed folder, in the batch's order (paths sorted)."""
    records = []
    for path in sorted(folder.iterdir()):
        if path.suffix == ".xml" and not path.name.endswith(".tei.xml"):
            records += [
                i.record
                for i in get_format("oai_dc").iter_records(str(path))
                if i.record is not None
            ]
        elif path.name.endswith(".tei.xml"):
            records.append(get_format("tei").loads(path.read_bytes()))
        elif path.suffix == ".json":
            records.append(json.loads(path.read_bytes()))
        else:
            records.append(text.loads(path.read_bytes()))
    return records


def test_dspace_saf_export_and_import(mixed: Path, tmp_path: Path) -> None:
    out = tmp_path / "saf"
    done = run_archmeta(
        "export",
        "--to",
        "dspace-saf",
        str(mixed),
        "--out",
        str(out),
        "--collection",
        "123456789/7",
        "--jobs",
        "2",
    )
    assert done.returncode == 1, done.stderr  # the two unreadable records of the harvest
    assert SUMMARY in done.stderr
    assert "[title-missing]" in done.stderr and "deleted record" in done.stderr
    items = sorted(os.listdir(out))
    assert len(items) == 9 and all(n.startswith("item_0") for n in items)  # no temporary left
    for name in items:
        files = set(os.listdir(out / name))
        assert {
            "dublin_core.xml",
            "contents",
            "collections",
            "record.txt",
            "record.tei.xml",
        } <= files
        assert (out / name / "collections").read_text() == "123456789/7\n"
    again = run_archmeta("export", "--to", "dspace-saf", str(mixed), "--out", str(out))
    assert "skipped 9 existing output(s)" in again.stderr
    back = tmp_path / "back"
    imported = run_archmeta(
        "import", "--from", "dspace-saf", str(out), "--to", "json", "--out", str(back)
    )
    assert imported.returncode == 0, imported.stderr
    assert "converted 9, failed 0, skipped 0" in imported.stderr
    read = [json.loads((back / f"{name}.json").read_bytes()) for name in items]
    saf = get_format("dspace-saf")
    assert sorted(read, key=repr) == sorted((saf.project(r) for r in _sources(mixed)), key=repr)


def test_omeka_csv_export_and_import(mixed: Path, tmp_path: Path) -> None:
    out = tmp_path / "items.csv"
    done = run_archmeta("export", "--to", "omeka-csv", str(mixed), "-o", str(out), "-j", "2")
    assert done.returncode == 1 and SUMMARY in done.stderr, done.stderr
    assert sorted(os.listdir(tmp_path)) == ["items.csv", "mixed"]  # the parts are gone
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 9 and "dcterms:title" in rows[0]
    refused = run_archmeta("export", "--to", "omeka-csv", str(mixed), "-o", str(out))
    assert refused.returncode == 2 and "--force" in refused.stderr
    back = tmp_path / "back"
    imported = run_archmeta(
        "import", "--from", "omeka-csv", str(out), "--to", "json", "--out", str(back)
    )
    assert imported.returncode == 0, imported.stderr
    omeka = get_format("omeka-csv")
    read = [json.loads(p.read_bytes()) for p in sorted(back.iterdir())]
    assert sorted(read, key=repr) == sorted((omeka.project(r) for r in _sources(mixed)), key=repr)


def test_usage_errors(mixed: Path, tmp_path: Path) -> None:
    folder = run_archmeta("export", "--to", "dspace-saf", str(mixed), "-o", "x.csv")
    assert folder.returncode == 2 and "--out DIR" in folder.stderr
    joined = run_archmeta("export", "--to", "omeka-csv", str(mixed), "--out", str(tmp_path))
    assert joined.returncode == 2 and "-o FILE" in joined.stderr
    option = run_archmeta(
        "export",
        "--to",
        "omeka-csv",
        str(mixed),
        "-o",
        str(tmp_path / "a.csv"),
        "--collection",
        "1/2",
    )
    assert option.returncode == 2 and "collection" in option.stderr


def test_import_of_real_dspace_packages(tmp_path: Path) -> None:
    from tests.conftest import conformance

    package = conformance("saf", "lvscraper_unm_dspace_export")
    done = run_archmeta(
        "import",
        "--from",
        "dspace-saf",
        str(package),
        "--to",
        "tei",
        "--out",
        str(tmp_path / "tei"),
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "tei" / "item_000.tei.xml").exists()
