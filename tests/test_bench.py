"""Smoke test of the benchmark (``python -m bench``): it runs and reports every row.

Not a timed test: a tiny corpus, one timed run, small sizes for the batch conversion and the
ListRecords file, and only the shape of the results is checked. The benchmark's peers are not
in the ``test`` extra, so the test skips where they are missing (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("text", "json", "tei", "oai_dc", "dcterms")
PEERS = {"dcxml": "dcxml", "jsonschema-rs": "jsonschema_rs", "edtf": "edtf", "psutil": "psutil"}

EXPECTED = [
    *(f"{fmt} {op}" for fmt in FORMATS for op in ("read", "write")),
    "oai_dc write vs dcxml",
    "model_validate alone",
    "JSON validation vs jsonschema",
    "JSON validation vs jsonschema-rs",
    "date normalisation vs hand regex",
    "date normalisation vs edtf",
    *(f"{path}, {n} paragraphs" for n in (3, 30, 300) for path in ("text read", "tei write")),
    "text read, N=20",
    "text read, 4N=80",
    "convert 12 text -> oai_dc, --jobs 1",
    "convert 12 text -> oai_dc, --jobs 2",
    "gain from a 2nd process",
    "ListRecords stream, peak RSS",
]  # fmt: skip


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    missing = [name for name, module in PEERS.items() if importlib.util.find_spec(module) is None]
    if missing:
        pytest.skip(f"benchmark peers not installed: {', '.join(missing)} (the bench extra)")
    sys.path.insert(0, str(ROOT))
    try:
        from bench import run
    finally:
        sys.path.remove(str(ROOT))
    out = tmp_path_factory.mktemp("bench") / "results.json"
    args = run.parse_args(
        ["--records", "20", "--repeat", "1", "--convert-records", "12", "--listrecords", "50",
         "--listrecords-repeat", "1", "--json", str(out)]
    )  # fmt: skip
    data = run.run(args, say=lambda _line: None)
    data.pop("_rows")
    out.write_text(json.dumps(data))  # the JSON output must hold all of it
    return json.loads(out.read_text())


def test_every_expected_row_is_reported(results: dict) -> None:
    works = [row["work"] for row in results["rows"]]
    for expected in EXPECTED:
        assert any(work.startswith(expected) for work in works), expected
    assert any(work.startswith("ListRecords stream (50 records") for work in works)


def test_values_and_ratios_are_positive_and_finite(results: dict) -> None:
    for row in results["rows"]:
        if row["unit"] == "gain":  # a second process may lose on a tiny batch: any finite value
            assert math.isfinite(row["ratio"]), row
            continue
        assert row["archmeta"] > 0 and row["floor"] > 0, row
        assert math.isfinite(row["ratio"]) and row["ratio"] > 0, row


def test_targets_are_judged_and_the_table_lists_every_row(results: dict) -> None:
    targeted = [row for row in results["rows"] if row["target"]]
    assert len(targeted) >= 14
    assert all(isinstance(row["passed"], bool) for row in targeted)
    table = results["table"].splitlines()
    assert table[0].startswith("| work | archmeta |") and len(table) == len(results["rows"]) + 2
    assert results["machine"]["cores"] >= 1
